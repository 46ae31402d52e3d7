"""The document controller: creating, opening, saving a copy of and closing the matrix the
window shows, with the recent-files list. No widgets: the window asks the user for paths and
shows what this reports.

Opening runs on a worker thread (the file is read and checked there), so the window stays
responsive. The window shows the matrix as soon as it is read; its findings, today's and the
target's, are counted on another worker thread started once the grid has painted, while the
views say "checking…" (edits meanwhile are recomputed on top of that count: see
``FindingsIndex.compute_elsewhere``). SQLAlchemy, which the first structural edit needs, is
loaded on another thread a moment after the document is shown, and the recent-files list is
written after the first paint too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.ui import settings
from cxmatrix.ui.jobs import BackgroundJob
from cxmatrix.ui.plan_figures import discard_prepared
from cxmatrix.ui.plan_figures import prepare as prepare_plan_figures
from cxmatrix.ui.session import Session

WARM_UP_DELAY_MS = 1000

if TYPE_CHECKING:
    from cxmatrix.store import Document


class Documents(QObject):
    """Moves documents in and out of the Session; says what happened through signals."""

    failed = Signal(str, str)  # title, message: a file could not be created, opened, saved
    adopted = Signal(object)  # the Document now shown
    recent_changed = Signal()  # the recent-files list changed

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self._window = parent
        self._unremembered: Path | None = None  # shown, not yet in the recent-files list

    def create(self, path: Path, matrix: Matrix, snapshots: Sequence[Snapshot] = ()) -> bool:
        """Write ``matrix`` (with ``snapshots``, oldest first: an imported file's) to a new
        file at ``path`` (replacing one there) and show it."""
        document = self.session.document
        if document is not None and path.resolve() == document.path.resolve():
            self.failed.emit("Cannot replace the open matrix",
                             f"{path.name} is the matrix open in this window; choose another "
                             "name.")
            return False
        from cxmatrix.store import Document, DocumentError

        try:
            created = Document.create(path, matrix, overwrite=True, snapshots=snapshots)
        except DocumentError as error:
            self.failed.emit("Cannot create the matrix", str(error))
            return False
        self.adopt(created)
        return True

    def open(self, what: str, locate: Callable[[], Path], *,
             read_only: bool = False) -> BackgroundJob:
        """Find and open a document on a worker thread (a progress dialog shows if slow)."""

        def work(_progress: object) -> Document:
            from cxmatrix.store import Document

            document = Document.open(locate(), read_only=read_only)
            document.findings.compute_elsewhere()  # counted after the first paint
            return document

        def failed(error: BaseException) -> None:
            from cxmatrix.store import DocumentError

            if not isinstance(error, DocumentError | OSError):
                raise error
            path = getattr(error, "path", None)
            if isinstance(error, DocumentError) and not error.path.exists():
                settings.remove_recent_file(error.path)
                self.recent_changed.emit()
            title = "Cannot open the matrix" if path else f"Cannot open {what}"
            self.failed.emit(title, str(error))

        job = BackgroundJob(self._window, f"Opening {what}…", work, on_done=self.adopt,
                            on_error=failed, discard=lambda document: document.close())
        return job.start()

    def adopt(self, document: Document) -> None:
        self.session.set_document(document)
        if document.findings.pending:
            # Started after the grid's first paint (posted now, it comes first), so the count
            # does not take the GIL from the paint.
            QTimer.singleShot(0, lambda: self._count_findings(document))
        # Structural edits would otherwise wait for SQLAlchemy to load on the GUI thread. It
        # loads a moment after the grid shows: the first edits are mostly cell edits, which
        # need no SQLAlchemy, and an import running beside them made the first one wait for
        # the GIL at every step (up to 185 ms instead of about 10 ms).
        QTimer.singleShot(WARM_UP_DELAY_MS, lambda: threading.Thread(
            target=document.warm_up, daemon=True, name="cxmatrix-warm-up").start())
        # The settings file's lock and write take up to tens of milliseconds: after the paint
        # (written first if another file joins the list before).
        self._remember()
        self._unremembered = document.path
        QTimer.singleShot(0, self._remember)
        self.adopted.emit(document)

    def _remember(self) -> None:
        path, self._unremembered = self._unremembered, None
        if path is not None:
            settings.add_recent_file(path)
            self.recent_changed.emit()

    def _count_findings(self, document: Document) -> BackgroundJob | None:
        """Count the findings of ``document`` (pending) on a worker thread; the views fill in
        when they arrive. Dropped if the window has another document by then."""
        session = self.session
        if session.document is not document or not document.findings.pending:
            return None
        mark = session.edit_mark()

        def work(_progress: object) -> FindingsIndex:
            # sleep(0) hands the interpreter to the GUI thread if it waits: an edit or a
            # paint meanwhile waits a pace of rows, not the 5 ms switch interval.
            today = FindingsIndex.computed_apart(document.matrix, pause=lambda: time.sleep(0))
            prepare_plan_figures(document, today)  # and the target's, for the status bar
            return today

        def arrived(today: FindingsIndex | None) -> None:
            if session.document is not document or not document.findings.pending:
                return
            if today is None or session.changed_since(mark):
                discard_prepared(document)  # counted on the matrix before the edits
            document.findings.take_over(today)
            session.findings_ready.emit()

        def failed(error: BaseException) -> None:
            # An edit meanwhile (a row inserted while the worker went through the rows) can
            # break the count: counted again here, once.
            if not isinstance(error, RuntimeError | KeyError | IndexError | AttributeError):
                raise error
            arrived(None)

        job = BackgroundJob(self._window, "Checking the matrix…", work, on_done=arrived,
                            on_error=failed, quiet=True)
        return job.start()

    def save_as(self, target: Path) -> bool:
        """Continue in a copy at ``target`` (the undo history carries over)."""
        from cxmatrix.store import DocumentError

        try:
            self.session.save_as(str(target))
        except DocumentError as error:
            self.failed.emit("Cannot save a copy", str(error))
            return False
        self._remember()
        settings.add_recent_file(target)
        self.recent_changed.emit()
        return True

    def close(self) -> None:
        self.session.close()
