"""File > Update from Workbook…: bring back copies of the exported workbook that colleagues
edited. The workbooks are read and reviewed off the GUI thread, the review dialog shows every
change, and the accepted ones replace the matrix's content as one undoable step."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog

from cxmatrix.domain.model import DomainError
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.review import Review
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.ui import commands, settings
from cxmatrix.ui.jobs import BackgroundJob

if TYPE_CHECKING:
    from cxmatrix.ui.transfer import MainWindow

WORKBOOK_FILTER = "Workbooks exported by cxmatrix (*.xlsx *.xlsm)"


def ask_workbooks(window: MainWindow) -> list[Path]:
    chosen, _filter = QFileDialog.getOpenFileNames(
        window, "Update from workbooks colleagues edited", settings.last_import_folder(),
        WORKBOOK_FILTER)
    if chosen:
        settings.remember_import_folder(chosen[0])
    return [Path(p) for p in chosen]


def update_from_workbooks(window: MainWindow, paths: Sequence[str | Path] | None = None
                          ) -> BackgroundJob | None:
    """Read and review ``paths`` (asked for when None) against a copy of the open matrix,
    then show the review; nothing changes until the user applies it."""
    session = window.session
    if session.document is None or session.read_only:
        return None
    workbooks = [Path(p) for p in paths] if paths is not None else ask_workbooks(window)
    if not workbooks:
        return None
    snapshot = session.matrix.copy()
    mark = session.edit_mark()

    def work(progress: Progress) -> Review:
        from cxmatrix.interchange.workbook_update import review_workbooks

        return review_workbooks(snapshot, workbooks, progress)

    def done(found: Review) -> None:
        if not found.changes:
            window.statusBar().showMessage(
                f"{', '.join(found.files)}: nothing to bring back; the matrix already holds "
                "every change.", 10_000)
            return
        show_review(window, found, mark)

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | DomainError | OSError):
            window.show_error("Cannot update from workbook", str(error))
        else:
            raise error

    label = workbooks[0].name if len(workbooks) == 1 else f"{len(workbooks)} workbooks"
    return BackgroundJob(window, f"Reading {label}…", work, on_done=done,
                         on_error=failed).start()


def show_review(window: MainWindow, found: Review, mark: int) -> None:
    from cxmatrix.ui.dialogs.update_dialog import UpdateDialog

    dialog = UpdateDialog(found, window)  # type: ignore[arg-type]
    dialog.setModal(True)

    def finished(result: int) -> None:
        decisions = dialog.decisions()
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and decisions:
            apply_review(window, found, decisions, mark)

    dialog.finished.connect(finished)
    dialog.open()


def apply_review(window: MainWindow, found: Review, decisions: dict[str, int],
                 mark: int) -> bool:
    """Replace the matrix's content with the reviewed result: one undo step."""
    session = window.session
    if session.changed_since(mark):
        window.show_error("Workbook not applied", "The matrix changed while the review was "
                                                  "open; update from the workbook again.")
        return False
    try:
        merged = found.apply(decisions)
    except DomainError as error:
        window.show_error("Cannot update from workbook", str(error))
        return False
    names = ", ".join(found.files)
    if session.execute(commands.ReplaceContents(session, merged, f"Update from {names}")):
        window.statusBar().showMessage(
            f"Applied {len(decisions)} changes from {names}; Undo takes them back.", 10_000)
        return True
    return False
