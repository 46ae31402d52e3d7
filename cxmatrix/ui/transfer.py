"""File > Import and File > Export: pick a file, run the reader or writer off the GUI thread
with a cancellable progress dialog, and show the outcome.

Readers and writers come from cxmatrix.interchange.formats and are imported lazily, so
openpyxl and reportlab are loaded only when a spreadsheet or PDF is actually touched. A format
whose module is not installed is reported as unavailable, not as a crash.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.interchange.formats import ImportResult, reader_for, writer_for
from cxmatrix.interchange.merge import MergePlan, apply_changes, plan_merge
from cxmatrix.store import FILE_SUFFIX
from cxmatrix.ui import commands, files, settings
from cxmatrix.ui.jobs import BackgroundJob

if TYPE_CHECKING:
    from cxmatrix.ui.main_window import MainWindow

WIZARD_MODULE = "cxmatrix.ui.import_wizard"
WIZARD_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".tsv", ".txt"}
FORMAT_NAMES = {".xlsx": "Excel", ".pdf": "PDF", ".csv": "CSV", ".json": "JSON"}


def _unavailable(window: MainWindow, path: Path, error: ImportError) -> None:
    kind = FORMAT_NAMES.get(path.suffix.lower(), path.suffix)
    window.show_error("Format not available",
                      f"{path.name}: {kind} files cannot be handled by this installation of "
                      f"cxmatrix ({error.name or error} is missing).")


# ---- export ---------------------------------------------------------------------------------


def ask_export_path(window: MainWindow) -> Path | None:
    document = window.session.document
    assert document is not None
    filters = ";;".join(files.EXPORT_FILTERS.values())
    start = str(Path(settings.last_folder()) / (document.path.stem + ".xlsx"))
    path, chosen = QFileDialog.getSaveFileName(window, "Export matrix", start, filters)
    if not path:
        return None
    settings.remember_folder(path)
    target = Path(path)
    if target.suffix.lower() not in files.EXPORT_FILTERS:
        suffix = next((s for s, f in files.EXPORT_FILTERS.items() if f == chosen), ".xlsx")
        target = files.with_suffix(path, suffix)
    return target


def export_matrix(window: MainWindow, path: str | Path | None = None) -> BackgroundJob | None:
    """Write the open matrix to ``path`` (.xlsx, .pdf, .csv, .json) off the GUI thread."""
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
    matrix = document.matrix
    focus = matrix.focus_department
    options: dict[str, Any] = {"source_name": document.path.name,
                               "lenses": (focus.name,) if focus else ()}

    def work(progress: Progress) -> None:
        writer(matrix, target, progress=progress, **options)

    def done(_result: object) -> None:
        window.statusBar().showMessage(f"Exported to {target}", 8000)

    def failed(error: BaseException) -> None:
        if isinstance(error, InterchangeError | OSError):
            window.show_error("Export failed", str(error))
        else:
            raise error

    def cancelled() -> None:
        window.statusBar().showMessage("Export cancelled; no file was written.", 8000)

    # The progress dialog is window-modal, so the matrix cannot change while it is written.
    return BackgroundJob(window, f"Exporting to {target.name}…", work, on_done=done,
                         on_error=failed, on_cancel=cancelled).start()


# ---- import ---------------------------------------------------------------------------------


def import_into(window: MainWindow, path: str | Path | None = None) -> BackgroundJob | None:
    """Import a spreadsheet (through the import wizard) or a JSON file, as a new matrix file
    or merged into the open matrix."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(window, "Import", settings.last_folder(),
                                                      files.IMPORT_FILTER)
        if not chosen:
            return None
        settings.remember_folder(chosen)
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


def finish_import(window: MainWindow, source: Path, result: ImportResult, how: str | None,
                  *, plan: MergePlan | None = None) -> None:
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
                return
    if how == "merge" and session.document is not None:
        current = session.matrix
        plan = plan if plan is not None else plan_merge(current, result.matrix)
        if not plan.changes:
            window.statusBar().showMessage(f"{source.name} adds nothing to this matrix.", 8000)
            return
        merged = copy_matrix(current)
        try:
            apply_changes(merged, plan.changes)
        except (DomainError, ValueError) as error:
            window.show_error("Cannot merge", f"{source.name}: {error}")
            return
        if session.execute(commands.ReplaceContents(session, merged, f"Import {source.name}")):
            window.statusBar().showMessage(f"Merged {source.name}: {plan.summary()}", 10_000)
        return
    target = window._ask_new_path("Save the imported matrix as", source.stem + FILE_SUFFIX)
    if target is not None:
        window._create_document(target, result.matrix)


def copy_matrix(matrix: Matrix) -> Matrix:
    """A deep copy with the same ids, so undo history that names them stays valid."""
    copy = Matrix(title=matrix.title, organisation=matrix.organisation,
                  description=matrix.description,
                  focus_department_id=matrix.focus_department_id,
                  created=matrix.created, modified=matrix.modified)
    for dept in matrix.departments:
        copy.load_department(replace(dept))
    for stage in matrix.stages:
        copy.load_stage(stage.id, stage.name)
        for tp in matrix.touchpoints_in(stage.id):
            copy.load_touchpoint(replace(tp))
    copy.roles = {tid: dict(row) for tid, row in matrix.roles.items()}
    copy.notes = dict(matrix.notes)
    return copy
