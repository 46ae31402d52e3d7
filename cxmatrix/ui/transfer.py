"""File > Import and File > Export: pick a file, run the reader or writer off the GUI thread
with a cancellable progress dialog, and show the outcome.

Readers and writers come from cxmatrix.interchange.formats and are imported lazily, so
openpyxl and reportlab are loaded only when a spreadsheet or PDF is actually touched. A format
whose module is not installed is reported as unavailable, not as a crash.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from cxmatrix.domain.model import Matrix, name_key
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.errors import InterchangeError
from cxmatrix.interchange.formats import ImportResult, reader_for, writer_for
from cxmatrix.store import FILE_SUFFIX
from cxmatrix.ui import commands, files, settings
from cxmatrix.ui.jobs import BackgroundJob

if TYPE_CHECKING:
    from cxmatrix.ui.main_window import MainWindow

WIZARD_MODULE = "cxmatrix.ui.import_wizard"
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
    """Import a spreadsheet or JSON file as a new matrix file or into the open matrix."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(window, "Import", settings.last_folder(),
                                                      files.IMPORT_FILTER)
        if not chosen:
            return None
        settings.remember_folder(chosen)
        path = chosen
    source = Path(path)
    if importlib.util.find_spec(WIZARD_MODULE) is not None:
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


def _import_with_wizard(window: MainWindow, source: Path) -> None:
    module = importlib.import_module(WIZARD_MODULE)
    document = window.session.document
    outcome = module.run_import_wizard(window, source,
                                       document.matrix if document is not None else None)
    if outcome is None:
        return
    result, how = outcome
    finish_import(window, source, result, how)


def finish_import(window: MainWindow, source: Path, result: ImportResult,
                  how: str | None) -> None:
    """Put an imported matrix where the user wants it: a new file, or into the open one."""
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
        combined = merge_matrices(session.matrix, result.matrix)
        session.execute(commands.ReplaceContents(session, combined, f"Import {source.name}"))
        return
    target = window._ask_new_path("Save the imported matrix as", source.stem + FILE_SUFFIX)
    if target is not None:
        window._create_document(target, result.matrix)


def merge_matrices(current: Matrix, imported: Matrix) -> Matrix:
    """The current matrix plus what the imported one adds: departments and stages matched by
    name, touchpoints by stage and name; imported roles win on the cells they set, and empty
    text fields are filled in. Nothing of the current matrix is removed."""
    from cxmatrix.interchange import json_format

    data = json_format.to_dict(current)
    extra = json_format.to_dict(imported)
    known_depts = {name_key(d["name"]) for d in data["departments"]}
    for dept in extra["departments"]:
        if name_key(dept["name"]) not in known_depts:
            data["departments"].append(dept)
            known_depts.add(name_key(dept["name"]))
    stages = {name_key(s["name"]): s for s in data["stages"]}
    for stage in extra["stages"]:
        target = stages.get(name_key(stage["name"]))
        if target is None:
            target = {"name": stage["name"], "touchpoints": []}
            data["stages"].append(target)
            stages[name_key(stage["name"])] = target
        existing = {name_key(tp["name"]): tp for tp in target["touchpoints"]}
        for tp in stage["touchpoints"]:
            match = existing.get(name_key(tp["name"]))
            if match is None:
                target["touchpoints"].append(tp)
                existing[name_key(tp["name"])] = tp
                continue
            for key, value in tp.items():
                if key in {"roles", "role_notes"}:
                    match[key].update(value)
                elif value and not match.get(key):
                    match[key] = value
    return json_format.from_dict(data, "merged matrix")
