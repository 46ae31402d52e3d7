"""The Session: the one open Document, its undo history, and one signal per change.

Views never talk to the Document directly. They ask the Session to execute a command (see
commands.py); the command changes the Document, the Document tells the Session what changed,
and the Session re-emits that as ``changed(MatrixChange)`` so every view refreshes only what
it must.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from cxmatrix.domain.changes import NO_CHANGE, MatrixChange
from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.model import DomainError, Matrix

if TYPE_CHECKING:  # the store (SQLAlchemy) loads off the GUI thread with the first document
    from cxmatrix.store import Document


def expected_errors() -> tuple[type[Exception], ...]:
    """Errors that mean "the user's request or file is the problem": shown as a dialog."""
    from cxmatrix.store import DocumentError

    return (DocumentError, DomainError)


class Session(QObject):
    """Owns the open Document (or none) and the QUndoStack that edits it."""

    changed = Signal(object)  # a cxmatrix.domain.changes.MatrixChange
    document_changed = Signal()  # a document was opened, replaced (Save As) or closed
    failed = Signal(str, str)  # title, message: an edit the store or the domain refused
    # What an undo or redo changed, once it is complete: views show the user where it was.
    replayed = Signal(object)  # a cxmatrix.domain.changes.MatrixChange
    # The findings of a newly opened document arrived from the worker thread that counted
    # them after the window showed it (until then ``checking`` is true): views fill in.
    findings_ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.undo_stack = QUndoStack(self)
        self._replay: MatrixChange | None = None
        self._edits = 0  # changes heard, documents shown: see edit_mark
        # What is being written on a worker thread (ui/long_edits.py); edits wait meanwhile.
        self.busy: str | None = None

    # ---- the document ---------------------------------------------------------------------

    @property
    def matrix(self) -> Matrix:
        if self.document is None:
            raise RuntimeError("no document is open")
        return self.document.matrix

    @property
    def findings(self) -> FindingsIndex:
        if self.document is None:
            raise RuntimeError("no document is open")
        return self.document.findings

    @property
    def checking(self) -> bool:
        """Whether the document's findings are still being counted on a worker thread: views
        say "checking…" rather than show counts of nothing."""
        return self.document is not None and self.document.findings.pending

    @property
    def has_document(self) -> bool:
        return self.document is not None

    @property
    def read_only(self) -> bool:
        return self.document is not None and self.document.read_only

    def set_document(self, document: Document | None, *, keep_history: bool = False) -> None:
        """Show ``document`` (closing the previous one unless it is the same file)."""
        old = self.document
        if old is not None:
            old.remove_listener(self._on_change)
            if old is not document and not old.closed:
                old.close()
        if not keep_history:
            self.undo_stack.clear()
        self.document = document
        self._edits += 1
        if document is not None:
            document.add_listener(self._on_change)
        self.document_changed.emit()

    def close(self) -> None:
        self.set_document(None)

    def save_as(self, target: str) -> None:
        """Continue in a copy at ``target``; the undo history carries over (same ids)."""
        if self.document is None:
            return
        self.document.remove_listener(self._on_change)
        from cxmatrix.store import DocumentError

        try:
            new_document = self.document.save_as(target)
        except DocumentError:
            self.document.add_listener(self._on_change)
            raise
        self.set_document(new_document, keep_history=True)

    def edit_mark(self) -> int:
        """A mark of the matrix as it is now, for work done meanwhile on a copy of it."""
        return self._edits

    def changed_since(self, mark: int) -> bool:
        """Whether the matrix changed (by any edit, undo, redo, a colleague's change on the
        team server, or another document) since ``edit_mark`` gave ``mark``."""
        return self.document is None or self._edits != mark

    def _on_change(self, change: MatrixChange) -> None:
        self._edits += 1
        if self._replay is not None:
            self._replay = self._replay.merged(change)
        self.changed.emit(change)

    @contextlib.contextmanager
    def replaying(self) -> Iterator[None]:
        """Around an undo or redo: afterwards ``replayed`` says what it changed."""
        outer = self._replay is None
        if outer:
            self._replay = NO_CHANGE
        # On a team server, an undo or redo is refused when somebody changed its cells since.
        undoing = getattr(self.document, "undoing", None)
        try:
            with undoing() if callable(undoing) else contextlib.nullcontext():
                yield
        finally:
            if outer:
                change, self._replay = self._replay, None
                if change is not None and not change.is_empty:
                    self.replayed.emit(change)

    # ---- editing --------------------------------------------------------------------------

    def execute(self, command: QUndoCommand) -> bool:
        """Apply ``command`` now; on success it joins the undo history.

        A refused edit (read-only file, duplicate name, disk full) is reported through
        ``failed`` and leaves nothing on the stack.
        """
        if self.document is None:
            return False
        if self.busy is not None:
            self.failed.emit(f"{command.text() or 'Edit'} failed",
                             f"Wait until “{self.busy}” is finished.")
            return False
        try:
            command.apply_first()  # type: ignore[attr-defined]
        except expected_errors() as error:
            self.report(command.text() or "Edit", error)
            return False
        self.undo_stack.push(command)
        return True

    def report(self, what: str, error: BaseException) -> None:
        self.failed.emit(f"{what} failed", _message(error))

    def history_broken(self, what: str, error: BaseException) -> None:
        """An undo or redo was refused: the file is the truth, so the history is dropped."""
        self.report(what, error)
        QTimer.singleShot(0, self.undo_stack.clear)


def _message(error: BaseException) -> str:
    text = str(error)
    if isinstance(error, DomainError) and text:
        return text[0].upper() + text[1:] + "."
    return text
