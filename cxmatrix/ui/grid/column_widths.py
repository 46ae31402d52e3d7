"""Each department's column width, remembered per matrix file (by department id) in QSettings.

A width the user drags is kept for that department; moving, adding or deleting departments
keeps every other column's width, and reopening the file brings them back. Widths are set
section by section, never by resizeColumnsToContents (hundreds of milliseconds on a large
model). A Save As copy has the same department ids, so it keeps the widths too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings

from cxmatrix.ui.grid.model import NAME_COLUMN, MatrixModel
from cxmatrix.ui.grid.view import MatrixView
from cxmatrix.ui.session import Session

SETTINGS_KEY = "grid/column_widths"  # one line per file: "<path>\t<id>:<width>,<id>:<width>"
MAX_FILES = 30
MIN_WIDTH = 20


def _load_all() -> dict[str, dict[str, int]]:
    """Every remembered file's widths, oldest first. A plain text value (no JSON) keeps the
    settings readable and start-up free of the json module."""
    value = QSettings().value(SETTINGS_KEY, "")
    stored: dict[str, dict[str, int]] = {}
    if not isinstance(value, str):
        return stored
    for line in value.splitlines():
        path, _tab, pairs = line.partition("\t")
        widths = {}
        for pair in pairs.split(","):
            dept, _colon, width = pair.partition(":")
            if dept.isdigit() and width.isdigit():
                widths[dept] = int(width)
        if path and widths:
            stored[path] = widths
    return stored


def _dump_all(stored: dict[str, dict[str, int]]) -> str:
    return "\n".join(f"{path}\t" + ",".join(f"{d}:{w}" for d, w in widths.items())
                     for path, widths in stored.items()
                     if "\n" not in path and "\t" not in path)


def file_key(path: Path) -> str:
    return str(path.resolve())


def stored_widths(path: Path) -> dict[int, int]:
    """The widths remembered for a file: department id -> pixels."""
    widths = _load_all().get(file_key(path), {})
    result = {}
    for dept, width in widths.items():
        try:
            result[int(dept)] = max(MIN_WIDTH, int(width))
        except (TypeError, ValueError):
            continue
    return result


class ColumnWidths(QObject):
    """Keeps the grid's department columns at their departments' widths."""

    def __init__(self, session: Session, model: MatrixModel, grid: MatrixView) -> None:
        super().__init__(grid)
        self.session = session
        self.model = model
        self.grid = grid
        self.widths: dict[int, int] = {}
        self._path: Path | None = None
        self._departments: list[tuple[int, str]] = []
        self._applying = False
        grid.horizontalHeader().sectionResized.connect(self._on_resized)
        for signal in (model.modelReset, model.columnsInserted, model.columnsRemoved,
                       model.layoutChanged):
            signal.connect(self.apply)
        session.document_changed.connect(self._on_document)
        self._on_document()

    def _on_document(self) -> None:
        self.save()
        document = self.session.document
        if document is None:
            self._path, self.widths, self._departments = None, {}, []
            return
        departments = [(d.id, d.name) for d in document.matrix.departments]
        widths = stored_widths(document.path)
        if not widths and departments == self._departments:
            widths = self.widths  # Save As: the same departments under a new name
        self._path, self.widths, self._departments = document.path, widths, departments
        self.apply()

    def _on_resized(self, column: int, _old: int, new: int) -> None:
        if self._applying or column == NAME_COLUMN:
            return
        dept_id = self.model.department_id_at(column)
        if dept_id is not None:
            self.widths[dept_id] = new

    def apply(self, *_args: object) -> None:
        """Give every department column its remembered width (the default for the rest)."""
        header = self.grid.horizontalHeader()
        default = header.defaultSectionSize()
        self._applying = True
        try:
            for column in range(1, self.model.columnCount()):
                dept_id = self.model.department_id_at(column)
                width = self.widths.get(dept_id, default) if dept_id is not None else default
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._applying = False
        document = self.session.document
        if document is not None:
            self._departments = [(d.id, d.name) for d in document.matrix.departments]

    def save(self) -> None:
        """Write this file's widths (only departments that still exist) to the settings."""
        if self._path is None:
            return
        document = self.session.document
        known = ({d.id for d in document.matrix.departments}
                 if document is not None and document.path == self._path else None)
        widths = {str(d): w for d, w in self.widths.items() if known is None or d in known}
        stored = _load_all()
        key = file_key(self._path)
        stored.pop(key, None)
        if widths:
            stored[key] = widths
        while len(stored) > MAX_FILES:
            stored.pop(next(iter(stored)))
        QSettings().setValue(SETTINGS_KEY, _dump_all(stored))
