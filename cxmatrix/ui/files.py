"""Where files come from: the bundled demo, blank matrices, and the file-dialog filters.

No widgets here, so tests and the screenshot script can build the same files. The store is
imported only inside functions: the window shows before SQLAlchemy has loaded.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from cxmatrix.domain.templates import blank_matrix
from cxmatrix.interchange.demo import demo_matrix, demo_snapshots

# the window's File > New uses them from here
__all__ = ["blank_matrix", "demo_matrix", "demo_snapshots"]

# cxmatrix.store.FILE_SUFFIX, repeated so that importing this module does not load the store
# (a test checks that the two agree).
MATRIX_SUFFIX = ".cxm"
MATRIX_FILTER = f"cxmatrix matrices (*{MATRIX_SUFFIX})"
EXPORT_FILTERS = {
    ".xlsx": "Excel workbook (*.xlsx)",
    ".pdf": "PDF chart (*.pdf)",
    ".csv": "CSV table (*.csv)",
    ".json": "cxmatrix JSON (*.json)",
}
IMPORT_FILTER = ("Spreadsheets and matrices (*.xlsx *.xlsm *.ods *.csv *.tsv *.txt *.md "
                 "*.markdown *.html *.htm *.json);;"
                 "OpenDocument spreadsheets (*.ods);;"
                 "Tables in Markdown or HTML documents (*.md *.markdown *.html *.htm);;"
                 "All files (*)")
IMPORT_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".txt", ".md", ".markdown",
                   ".html", ".htm", ".json"}
DEMO_FILE_NAME = "Corvane demo" + MATRIX_SUFFIX


def data_folder() -> Path:
    location = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(location) if location else Path.home() / ".cxmatrix"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def demo_document_path() -> Path:
    """The user's own copy of the demo matrix, built from resources/demo.json the first
    time it is asked for (the user's edits to it are kept)."""
    from cxmatrix.store import Document

    path = data_folder() / DEMO_FILE_NAME
    if not path.exists():
        Document.create(path, demo_matrix(), snapshots=demo_snapshots()).close()
    return path


def with_suffix(path: str, suffix: str) -> Path:
    result = Path(path)
    return result if result.suffix.lower() == suffix else result.with_name(result.name + suffix)
