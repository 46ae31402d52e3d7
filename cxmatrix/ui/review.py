"""File > Send for Review… and File > Apply Review…: department sign-off by review pack.

Sending writes one pack per chosen department off the GUI thread (from a copy of the matrix)
and then marks those departments asked: one undo step. Applying reads the returned packs and
plans them off the GUI thread, shows what each lead said, and applies the sign-offs with the
accepted target roles as one undo step (``Document.apply_review``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog

from cxmatrix.domain.model import DomainError
from cxmatrix.domain.pack_review import ReviewPlan
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOff, department_signoff, resend_note
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.ui import settings
from cxmatrix.ui.commands import MatrixCommand
from cxmatrix.ui.jobs import BackgroundJob
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.interchange.xlsx.review_pack.writer import PackRequest, WrittenPack
    from cxmatrix.ui.transfer import MainWindow

PACK_FILTER = "Review packs written by cxmatrix (*.xlsx *.xlsm)"
SignOffChange = tuple[int, SignOff | None]
TargetChange = tuple[int, int, Role | None]


class ApplySignOffs(MatrixCommand):
    """Set sign-off records and target roles together: one step."""

    def __init__(self, session: Session, signoffs: Sequence[SignOffChange],
                 targets: Sequence[TargetChange], text: str) -> None:
        super().__init__(session, text)
        self.signoffs, self.targets = list(signoffs), list(targets)
        self.previous: tuple[list[SignOffChange], list[TargetChange]] = ([], [])

    def do(self) -> None:
        self.previous = self.doc.apply_review(self.signoffs, self.targets)

    def revert(self) -> None:
        self.doc.apply_review(*self.previous)


def _names(session: Session, department_ids: Sequence[int]) -> str:
    names = [session.matrix.department(d).name for d in department_ids]
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} departments"


# ---- Send for Review ---------------------------------------------------------------------

def send_for_review(window: MainWindow) -> QDialog | None:
    """Ask which departments, leads, due day and folder; then write the packs."""
    from cxmatrix.ui.dialogs.review_dialogs import SendForReviewDialog

    session = window.session
    if session.document is None or session.read_only:
        return None
    folder = settings.pack_folder()
    dialog = SendForReviewDialog(session.matrix, folder, window,  # type: ignore[arg-type]
                                 settings.review_sender(session.matrix.prepared_by))
    dialog.setModal(True)

    def finished(result: int) -> None:
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        from cxmatrix.interchange.xlsx.review_pack.writer import PackRequest

        sender = dialog.asker.text().strip()
        settings.remember_review_sender(sender)
        requests = [PackRequest(did, lead, dialog.due_day(), sender)
                    for did, lead in dialog.requests()]
        write_review_packs(window, requests, dialog.folder_path())

    dialog.finished.connect(finished)
    dialog.open()
    return dialog


def write_review_packs(window: MainWindow, requests: Sequence[PackRequest], folder: Path,
                       day: date | None = None) -> BackgroundJob | None:
    """Write the packs off the GUI thread; then mark the departments asked (one step)."""
    session = window.session
    if session.document is None or not requests:
        return None
    snapshot = session.matrix.copy()
    mark = session.edit_mark()
    sent_on = day or date.today()

    def work(progress: Progress) -> list[WrittenPack]:
        from cxmatrix.interchange.xlsx.review_pack.writer import write_packs

        progress.step(0, len(requests), "Writing review packs")
        return write_packs(snapshot, folder, requests, sent_on)

    def done(written: list[WrittenPack]) -> None:
        from cxmatrix.interchange.xlsx.review_pack.writer import asked_record

        settings.remember_export(written[0].path)
        settings.remember_review_folder(folder)
        if session.changed_since(mark):
            window.show_error("Packs written, departments not marked asked",
                              "The matrix changed while the packs were written; the packs "
                              f"are in {folder}, but send them again to mark the "
                              "departments asked.")
            return
        records = [(r.department_id, asked_record(snapshot, r, sent_on)) for r in requests]
        ids = [r.department_id for r in requests]
        replaced = [d for d in ids
                    if resend_note(department_signoff(session.matrix, d)) is not None]
        if session.execute(ApplySignOffs(session, records, [],
                                         f"Send {_names(session, ids)} for review")):
            again = (f"; {_names(session, replaced)} asked again (Undo brings back their "
                     "answer)" if replaced else "")
            window.statusBar().showMessage(
                f"Wrote {len(written)} review pack{'s' if len(written) != 1 else ''} "
                f"into {folder.name}{again}.", 15_000)

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | DomainError | OSError):
            window.show_error("Cannot write the review packs", str(error))
        else:
            raise error

    return BackgroundJob(window, "Writing review packs…", work, on_done=done,
                         on_error=failed).start()


# ---- Apply Review -------------------------------------------------------------------------

def ask_packs(window: MainWindow) -> list[Path]:
    chosen, _filter = QFileDialog.getOpenFileNames(
        window, "Apply the review packs the leads returned", settings.last_review_folder(),
        PACK_FILTER)
    if chosen:
        settings.remember_import_folder(chosen[0])
        settings.remember_review_folder(Path(chosen[0]).parent)
    return [Path(p) for p in chosen]


def apply_review_packs(window: MainWindow, paths: Sequence[str | Path] | None = None
                       ) -> BackgroundJob | None:
    """Read and plan the packs (asked for when None) off the GUI thread, then show them."""
    session = window.session
    if session.document is None or session.read_only:
        return None
    packs = [Path(p) for p in paths] if paths is not None else ask_packs(window)
    if not packs:
        return None
    snapshot = session.matrix.copy()
    mark = session.edit_mark()

    def work(progress: Progress) -> ReviewPlan:
        from cxmatrix.interchange.xlsx.review_pack.reader import plan_packs

        return plan_packs(snapshot, packs, progress=progress)

    def done(plan: ReviewPlan) -> None:
        show_plan(window, plan, mark)

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | DomainError | OSError):
            window.show_error("Cannot read the review packs", str(error))
        else:
            raise error

    label = packs[0].name if len(packs) == 1 else f"{len(packs)} review packs"
    return BackgroundJob(window, f"Reading {label}…", work, on_done=done,
                         on_error=failed).start()


def show_plan(window: MainWindow, plan: ReviewPlan, mark: int) -> QDialog:
    from cxmatrix.ui.dialogs.review_dialogs import ApplyReviewDialog

    dialog = ApplyReviewDialog(plan, window.session.matrix, window)  # type: ignore[arg-type]
    dialog.setModal(True)

    def finished(result: int) -> None:
        accepted = dialog.accepted_keys()
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted:
            apply_plan(window, plan, accepted, mark)

    dialog.finished.connect(finished)
    dialog.open()
    return dialog


def apply_plan(window: MainWindow, plan: ReviewPlan, accepted: set[str],
               mark: int) -> bool:
    session = window.session
    if session.changed_since(mark):
        window.show_error("Review not applied", "The matrix changed while the review was "
                                                "open; apply the packs again.")
        return False
    signoffs, targets = plan.changes(accepted)
    if not signoffs and not targets:
        return False
    ids = sorted({d for d, _ in signoffs} | {d for _, d, _ in targets},
                 key=session.matrix.department_index)
    if session.execute(ApplySignOffs(session, signoffs, targets,
                                     f"Apply the review of {_names(session, ids)}")):
        window.statusBar().showMessage(
            f"Applied the review of {_names(session, ids)}; Undo takes it back.", 10_000)
        return True
    return False
