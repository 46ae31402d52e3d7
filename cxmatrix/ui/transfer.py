"""File > Import and File > Export: pick a file, run the reader or writer off the GUI thread
with a cancellable progress dialog, and show the outcome.

Readers and writers come from cxmatrix.interchange.formats and are imported lazily, so
openpyxl and reportlab are loaded only when a spreadsheet or PDF is actually touched. A format
whose module is not installed is reported as unavailable, not as a crash.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from cxmatrix.domain.merge import MergePlan, apply_changes, plan_merge
from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.snapshots import Snapshot, SnapshotInfo, drift
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.interchange.formats import ImportResult, reader_for, writer_for
from cxmatrix.store import FILE_SUFFIX
from cxmatrix.ui import commands, files, settings
from cxmatrix.ui.jobs import BackgroundJob
from cxmatrix.ui.long_edits import run_prepared

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from cxmatrix.ui.panels.status import StatusNotice
    from cxmatrix.ui.session import Session


class MainWindow(Protocol):
    """What File > Import and File > Export need of the window (the main window is one; this
    module does not import it). It is also the parent of the dialogs shown."""

    session: Session
    notice: StatusNotice

    def show_error(self, title: str, message: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def ask_new_path(self, caption: str, suggestion: str) -> Path | None: ...
    def create_document(self, path: Path, matrix: Matrix,
                        snapshots: Sequence[Snapshot] = ()) -> bool: ...
    def findChildren(self, kind: Any, name: str = ...) -> list[Any]: ...

WIZARD_MODULE = "cxmatrix.ui.dialogs.import_wizard"
WIZARD_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".txt", ".md", ".markdown",
                   ".html", ".htm"}
FORMAT_NAMES = {".xlsx": "Excel", ".pdf": "PDF", ".csv": "CSV", ".json": "JSON",
                ".png": "PNG"}
IMAGE_FILTER = "PNG image (*.png)"


def _unavailable(window: MainWindow, path: Path, error: ImportError) -> None:
    kind = FORMAT_NAMES.get(path.suffix.lower(), path.suffix)
    window.show_error("Format not available",
                      f"{path.name}: {kind} files cannot be handled by this installation of "
                      f"cxmatrix ({error.name or error} is missing).")


# ---- export ---------------------------------------------------------------------------------

PDF_MODULE = "cxmatrix.interchange.pdf.export"


def ask_export_path(window: MainWindow, suffix: str | None = None) -> Path | None:
    """Ask where to export; ``suffix`` (".pdf") limits the dialog to that format. The folder
    and format of the last export are offered again."""
    document = window.session.document
    assert document is not None
    if suffix is not None:
        filters = files.EXPORT_FILTERS[suffix]
    else:
        filters = ";;".join(files.EXPORT_FILTERS.values())
        suffix = settings.last_export_suffix(".xlsx")
        if suffix not in files.EXPORT_FILTERS:
            suffix = ".xlsx"
    start = str(Path(settings.last_export_folder()) / (document.path.stem + suffix))
    path, chosen = QFileDialog.getSaveFileName(window, "Export matrix", start, filters,
                                               files.EXPORT_FILTERS[suffix])
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in files.EXPORT_FILTERS:
        wanted = next((s for s, f in files.EXPORT_FILTERS.items() if f == chosen), suffix)
        target = files.with_suffix(path, wanted)
    settings.remember_export(target)
    return target


def _preload(module: str) -> None:
    """Import a heavy module (reportlab) on a worker thread while the user picks a file."""
    if module in sys.modules:
        return
    threading.Thread(target=lambda: importlib.import_module(module), daemon=True,
                     name="cxmatrix-preload").start()


def export_pdf(window: MainWindow, path: str | Path | None = None) -> BackgroundJob | None:
    """File > Export as PDF: pick a file, then the options dialog, then export."""
    if window.session.document is None:
        return None
    if path is None and importlib.util.find_spec(PDF_MODULE) is not None:
        _preload(PDF_MODULE)
    target = Path(path) if path else ask_export_path(window, ".pdf")
    if target is None:
        return None
    return export_matrix(window, files.with_suffix(str(target), ".pdf"))


def ask_pdf_options(window: MainWindow, matrix: Matrix, file_name: str,
                    snapshots: Sequence[SnapshotInfo] = ()) -> Any:
    """The PDF options dialog; None when the user cancels it."""
    from cxmatrix.ui.dialogs.pdf_export import PdfExportDialog

    dialog = PdfExportDialog(matrix, file_name, window, snapshots)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.options()
    finally:
        dialog.deleteLater()


def export_matrix(window: MainWindow, path: str | Path | None = None, *,
                  pdf_options: Any = None) -> BackgroundJob | None:
    """Write the open matrix to ``path`` (.xlsx, .pdf, .csv, .json) off the GUI thread.

    A PDF first asks for its options (``pdf_options``, a PdfOptions, skips the dialog). The
    writer gets a copy of the matrix, so edits made meanwhile cannot race the export."""
    document = window.session.document
    if document is None:
        return None
    target = Path(path) if path else ask_export_path(window)
    if target is None:
        return None
    try:
        writer = writer_for(target)
    except InterchangeError as error:
        window.show_error("Cannot export", str(error))
        return None
    except ImportError as error:
        _unavailable(window, target, error)
        return None
    matrix = document.matrix.copy()
    suffix = target.suffix.lower()
    focus = matrix.focus_department
    options: dict[str, Any] = {"source_name": document.path.name,
                               "lenses": (focus.name,) if focus else ()}
    if suffix == ".json":  # the file's snapshots travel with it
        options["snapshots"] = [document.snapshot(s.id) for s in document.snapshots()]
    if suffix == ".pdf":
        snapshots = document.snapshots()
        if pdf_options is None:
            pdf_options = ask_pdf_options(window, matrix, target.name, snapshots)
            if pdf_options is None:
                return None
        compare_with = getattr(pdf_options, "compare_with", None)
        options.update(page_size=pdf_options.page_size, lenses=pdf_options.lenses,
                       fit_page=pdf_options.fit_page,
                       only_findings=pdf_options.only_findings,
                       with_target=getattr(pdf_options, "with_target", True),
                       drift=drift((s.name, s.taken, s.figures) for s in snapshots),
                       # Read here, on the document's thread; the writer gets a copy.
                       compare_with=(document.snapshot(compare_with)
                                     if compare_with is not None else None))

    def work(progress: Progress) -> None:
        writer(matrix, target, progress=progress, **options)

    def done(_result: object) -> None:
        window.statusBar().showMessage(f"Exported to {target}", 8000)
        offer_to_open(window, target)

    return _export_job(window, target, work, done, "no file was written")


def _export_job(window: MainWindow, target: Path, work: Callable[[Progress], Any],
                done: Callable[[Any], None], nothing_written: str) -> BackgroundJob:
    """Run an export off the GUI thread: a bad file or folder is a message, a cancel a
    status line, anything else a bug."""

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | OSError):
            window.show_error("Export failed", str(error))
        else:
            raise error

    def cancelled() -> None:
        window.statusBar().showMessage(f"Export cancelled; {nothing_written}.", 8000)

    return BackgroundJob(window, f"Exporting to {target.name}…", work, on_done=done,
                         on_error=failed, on_cancel=cancelled).start()


def export_image(window: MainWindow, path: str | Path | None = None, *,
                 image_options: Any = None) -> BackgroundJob | None:
    """File > Export as Image: a page of the PDF report (summary, chart, a lens) as PNG, for
    slides. Asks for the file, then the page and scale (``image_options``, an ImageOptions,
    skips the dialog); the image is drawn off the GUI thread from a copy of the matrix."""
    document = window.session.document
    if document is None:
        return None
    if path is None:
        if importlib.util.find_spec(PDF_MODULE) is not None:
            _preload(PDF_MODULE)
        start = str(Path(settings.last_export_folder()) / (document.path.stem + ".png"))
        chosen, _filter = QFileDialog.getSaveFileName(window, "Export as image", start,
                                                      IMAGE_FILTER)
        if not chosen:
            return None
        path = chosen
    target = files.with_suffix(str(path), ".png")
    settings.remember_export(target)
    matrix = document.matrix.copy()
    try:
        from cxmatrix.interchange.pdf import image
        from cxmatrix.ui.dialogs.image_export import ImageExportDialog
    except ImportError as error:
        _unavailable(window, target, error)
        return None
    if image_options is None:
        dialog = ImageExportDialog(matrix, target.name, window)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            image_options = dialog.options()
        finally:
            dialog.deleteLater()
    options = image_options
    source_name = document.path.name
    # Read here, on the document's thread: the summary image shows the drift chart as the
    # PDF's summary page does.
    points = drift((s.name, s.taken, s.figures) for s in document.snapshots())

    def work(progress: Progress) -> list[Path]:
        return image.write_images(
            matrix, target, page=options.page, lens=options.lens, scale=options.scale,
            page_size=options.page_size, fit_page=options.fit_page,
            only_findings=options.only_findings, source_name=source_name, progress=progress,
            drift=points)

    def done(written: list[Path]) -> None:
        if len(written) == 1:
            window.statusBar().showMessage(f"Exported to {written[0]}", 8000)
        else:
            window.statusBar().showMessage(
                f"Exported {len(written)} images, one per page: {written[0].name} … "
                f"{written[-1].name}", 8000)
        offer_to_open(window, written[0])

    return _export_job(window, target, work, done, "no image was written")


def open_file(window: MainWindow, path: Path) -> bool:
    """Open a file in the application the desktop uses for it. Where none is set up (no PDF
    viewer, a bare test machine) the status bar says so and offers the folder: no error box,
    since nothing went wrong with the file."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    kind = FORMAT_NAMES.get(path.suffix.lower(), path.suffix.lstrip(".").upper() or "such")
    window.notice.show_notice(
        f"No application on this computer opens {kind} files; {path.name} is in "
        f"{path.parent}.", [("Show in &Folder", lambda: show_in_folder(window, path))])
    return False


def show_in_folder(window: MainWindow, path: Path) -> bool:
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))):
        return True
    window.notice.show_notice(f"Could not show the folder {path.parent}; {path.name} is "
                              "there.", [])
    return False


EXPORT_FINISHED = "exportFinished"  # the notice's object name


def offer_to_open(window: MainWindow, path: Path) -> QMessageBox:
    """After every export: "Export finished" with Open / Show in Folder / Close. The box is
    window-modal but does not block (``open``), so the export's job finishes meanwhile."""
    for old in window.findChildren(QMessageBox, EXPORT_FINISHED):
        old.close()
    kind = FORMAT_NAMES.get(path.suffix.lower(), "The")
    box = QMessageBox(QMessageBox.Icon.Information, "Export finished",
                      f"{kind} file {path.name} is ready.", parent=window)
    box.setObjectName(EXPORT_FINISHED)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setInformativeText(f"In {path.parent}")
    open_button = box.addButton("&Open", QMessageBox.ButtonRole.AcceptRole)
    folder_button = box.addButton("Show in &Folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(open_button)

    def clicked(button: object) -> None:
        if button is open_button:
            open_file(window, path)
        elif button is folder_button:
            show_in_folder(window, path)

    box.buttonClicked.connect(clicked)
    box.open()
    return box


# ---- import ---------------------------------------------------------------------------------


def import_into(window: MainWindow, path: str | Path | None = None) -> BackgroundJob | None:
    """Import a spreadsheet (through the import wizard) or a JSON file, as a new matrix file
    or merged into the open matrix."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(window, "Import",
                                                      settings.last_import_folder(),
                                                      files.IMPORT_FILTER)
        if not chosen:
            return None
        settings.remember_import_folder(chosen)
        path = chosen
    source = Path(path)
    if source.suffix.lower() in WIZARD_SUFFIXES and (
            importlib.util.find_spec(WIZARD_MODULE) is not None):
        return _import_with_wizard(window, source)
    try:
        reader = reader_for(source)
    except InterchangeError as error:
        window.show_error("Cannot import", str(error))
        return None
    except ImportError as error:
        _unavailable(window, source, error)
        return None

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | OSError):
            window.show_error("Import failed", str(error))
        else:
            raise error

    return BackgroundJob(window, f"Reading {source.name}…",
                         lambda progress: reader(source, progress=progress),
                         on_done=lambda result: finish_import(window, source, result, None),
                         on_error=failed).start()


def _import_with_wizard(window: MainWindow, source: Path) -> BackgroundJob:
    """Inspect the spreadsheet off the GUI thread, then let the wizard show what will import;
    the accepted result goes into a new file or is merged (one undoable step)."""
    module = importlib.import_module(WIZARD_MODULE)
    session = window.session
    open_matrix = session.matrix if session.has_document and not session.read_only else None

    def accepted(wizard: Any) -> None:
        if wizard.import_result is not None:
            finish_import(window, source, wizard.import_result,
                          "merge" if wizard.merge else "new", plan=wizard.merge_plan)

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | OSError):
            window.show_error("Cannot import", str(error))
        else:
            raise error

    job: BackgroundJob = module.open_import_wizard(window, source, open_matrix=open_matrix,
                                                   on_accepted=accepted, on_error=failed)
    return job


def merge_into_open_matrix(window: MainWindow, source: Path, result: ImportResult,
                           plan: MergePlan | None) -> BackgroundJob:
    """Plan and apply the merge on a worker thread (seconds on a large matrix), on a copy
    taken now; then, unless the user edited the matrix meanwhile, replace its content as one
    undoable step, written on a worker thread too (ui/long_edits.py)."""
    session = window.session
    snapshot = session.matrix.copy()
    mark = session.edit_mark()

    def work(progress: Progress) -> tuple[MergePlan, Matrix | None]:
        planned = plan if plan is not None else plan_merge(snapshot, result.matrix)
        progress.check()
        if not planned.changes:
            return planned, None
        apply_changes(snapshot, planned.changes)
        return planned, snapshot

    def done(outcome: tuple[MergePlan, Matrix | None]) -> None:
        planned, merged = outcome
        if merged is None:
            window.statusBar().showMessage(f"{source.name} adds nothing to this matrix."
                                           + planned.annotations_text()
                                           + planned.not_today_text(), 8000)
            return
        if session.changed_since(mark):
            window.show_error("Import not merged", f"The matrix changed while {source.name} "
                                                   "was being merged; import it again.")
            return
        # Writing most of a large matrix takes seconds: on a worker thread as well, with
        # the window taking no edits meanwhile; then one undoable step.
        command = commands.ReplaceContents(session, merged, f"Import {source.name}")
        run_prepared(window, session, command, "do", on_shown=lambda: window.statusBar(
            ).showMessage(f"Merged {source.name}: {planned.summary()}", 10_000))

    def failed(error: BaseException) -> None:
        if isinstance(error, DomainError | ValueError):
            window.show_error("Cannot merge", f"{source.name}: {error}")
        else:
            raise error

    return BackgroundJob(window, f"Merging {source.name}…", work, on_done=done,
                         on_error=failed).start()


def finish_import(window: MainWindow, source: Path, result: ImportResult, how: str | None,
                  *, plan: MergePlan | None = None) -> BackgroundJob | None:
    """Put an imported matrix where the user wants it: a new file, or merged into the open
    one as a single undoable step."""
    session = window.session
    if how is None:
        how = "new"
        if session.document is not None and not session.read_only:
            box = QMessageBox(QMessageBox.Icon.Question, "Import",
                              "\n".join(result.report) + "\n\nWhere should the imported "
                              "matrix go?", parent=window)
            new = box.addButton("New Matrix File…", QMessageBox.ButtonRole.AcceptRole)
            merge = box.addButton("Merge Into This Matrix", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            clicked = box.clickedButton()
            if clicked is merge:
                how = "merge"
            elif clicked is not new:
                return None
    if how == "merge" and session.document is not None:
        return merge_into_open_matrix(window, source, result, plan)
    target = window.ask_new_path("Save the imported matrix as", source.stem + FILE_SUFFIX)
    if target is not None:
        window.create_document(target, result.matrix, result.snapshots)
    return None
