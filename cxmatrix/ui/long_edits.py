"""Edits that take seconds (replacing most of a large matrix: a merged import, its undo and
redo) run their slow half on a worker thread.

The command's ``prepare`` compares, writes and commits on the worker (Document.
prepare_replacement) while the window shows a window-modal progress dialog that can be
cancelled, and the Session refuses edits; then, on the GUI thread, the command is executed,
undone or redone as usual, and only shows what was written (one undo step, as any edit).
A refused write or a cancel leaves file and memory as they were, and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

from cxmatrix.domain.progress import Progress
from cxmatrix.ui.jobs import BackgroundJob
from cxmatrix.ui.session import Session, expected_errors

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QStatusBar, QWidget

Step = Literal["do", "undo", "redo"]


class PreparedCommand(Protocol):
    """An undo command whose slow half can be prepared off the GUI thread."""

    def text(self) -> str: ...
    def prepare(self, undo: bool, progress: Progress) -> None: ...
    def drop_prepared(self) -> None: ...


class Window(Protocol):
    def statusBar(self) -> QStatusBar: ...


def next_prepared(session: Session, undo: bool) -> PreparedCommand | None:
    """The command Undo (or Redo) would run next, if its slow half can be prepared."""
    stack = session.undo_stack
    index = stack.index() - 1 if undo else stack.index()
    if not 0 <= index < stack.count():
        return None
    command = stack.command(index)
    return command if hasattr(command, "prepare") else None  # type: ignore[return-value]


def run_prepared(window: QWidget, session: Session, command: PreparedCommand, step: Step, *,
                 on_shown: Callable[[], None] | None = None) -> BackgroundJob | None:
    """Prepare ``command`` on a worker thread, then execute, undo or redo it (``step``) on
    the GUI thread. Returns the job (None if another one is running)."""
    if session.busy is not None or session.document is None:
        return None
    stack = session.undo_stack
    what = command.text()
    session.busy = what
    late = False

    def status(message: str) -> None:
        bar = getattr(window, "statusBar", None)
        if bar is not None:
            bar().showMessage(message, 10_000)

    def work(progress: Progress) -> None:
        command.prepare(step == "undo", progress)

    def show(_result: object = None) -> None:
        session.busy = None
        if step == "do":
            shown = session.execute(command)  # type: ignore[arg-type]
        else:
            (stack.undo if step == "undo" else stack.redo)()
            shown = True
        if shown and on_shown is not None:
            on_shown()

    def written_anyway(_result: object) -> None:
        # Cancel came after the commit: the file holds the change, so memory must too.
        nonlocal late
        late = True
        show()

    def failed(error: BaseException) -> None:
        session.busy = None
        command.drop_prepared()
        if not isinstance(error, expected_errors()):
            raise error
        session.report(what, error)

    def cancelled() -> None:
        if late:
            status(f"“{what}” was already written when Cancel was pressed; it is done.")
            return
        session.busy = None
        command.drop_prepared()
        status(f"Cancelled “{what}”; nothing was changed.")

    label = {"do": what, "undo": f"Undoing {what}", "redo": f"Redoing {what}"}[step]
    return BackgroundJob(window, f"{label}…", work, on_done=show, on_error=failed,
                         on_cancel=cancelled, discard=written_anyway, show_at_once=True
                         ).start()


def history_step(window: QWidget, session: Session, undo: bool) -> BackgroundJob | None:
    """Edit > Undo or Redo: a step whose slow half can be prepared runs it off the GUI
    thread; any other is undone or redone at once. Nothing happens while a job runs."""
    if session.busy is not None:
        return None
    command = next_prepared(session, undo)
    if command is not None and session.document is not None:
        return run_prepared(window, session, command, "undo" if undo else "redo")
    stack = session.undo_stack
    (stack.undo if undo else stack.redo)()
    return None
