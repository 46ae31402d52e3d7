"""The document controller: creating, opening, saving a copy of and closing the matrix the
window shows, with the recent-files list. No widgets: the window asks the user for paths and
shows what this reports.

Opening runs on a worker thread (the file is read, checked and its findings, today's and the
target's, computed there), so the window paints and stays responsive; SQLAlchemy, which the
first edit needs, is loaded on another thread once the document is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.ui import settings
from cxmatrix.ui.jobs import BackgroundJob
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
            document.findings.all()  # the checks run here too, not on the GUI thread
            prepare_plan_figures(document)  # and the target's, for the status bar
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
        # Structural edits would otherwise wait for SQLAlchemy to load on the GUI thread. It
        # loads a moment after the grid shows: the first edits are mostly cell edits, which
        # need no SQLAlchemy, and an import running beside them made the first one wait for
        # the GIL at every step (up to 185 ms instead of about 10 ms).
        QTimer.singleShot(WARM_UP_DELAY_MS, lambda: threading.Thread(
            target=document.warm_up, daemon=True, name="cxmatrix-warm-up").start())
        settings.add_recent_file(document.path)
        self.recent_changed.emit()
        self.adopted.emit(document)

    def save_as(self, target: Path) -> bool:
        """Continue in a copy at ``target`` (the undo history carries over)."""
        from cxmatrix.store import DocumentError

        try:
            self.session.save_as(str(target))
        except DocumentError as error:
            self.failed.emit("Cannot save a copy", str(error))
            return False
        settings.add_recent_file(target)
        self.recent_changed.emit()
        return True

    def close(self) -> None:
        self.session.close()
