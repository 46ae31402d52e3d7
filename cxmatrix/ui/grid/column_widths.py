"""Each department's column width, remembered per matrix file (by department id) in QSettings,
and the file's zoom and fit-to-width view.

A width the user drags is kept for that department; moving, adding or deleting departments
keeps every other column's width, and reopening the file brings them back. Widths are set
section by section, never by resizeColumnsToContents (hundreds of milliseconds on a large
model). A Save As copy has the same department ids, so it keeps the widths too. Widths are
kept at 100% zoom and scaled by the grid's zoom when applied.

"Fit departments to width" gives every department column an equal share of the space right of
the name column, headed by the department's short code, so all of them show at once (ten
departments in a 1024 px window); the remembered widths come back when it is switched off.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView

from cxmatrix.ui.grid.model import NAME_COLUMN, MatrixModel
from cxmatrix.ui.grid.view import MatrixView
from cxmatrix.ui.session import Session

SETTINGS_KEY = "grid/column_widths"  # one line per file: "<path>\t<id>:<width>,<id>:<width>"
VIEW_KEY = "grid/zoom"  # one line per file: "<path>\t<zoom>\t<1 when fitted to width>"
MAX_FILES = 30
MIN_WIDTH = 20
MIN_FIT_WIDTH = 24  # a role letter still shows
MIN_FIT_NAME = 200  # the name column lends width to the fitted columns down to this


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


def _load_views() -> dict[str, tuple[float, bool]]:
    value = QSettings().value(VIEW_KEY, "")
    stored: dict[str, tuple[float, bool]] = {}
    if not isinstance(value, str):
        return stored
    for line in value.splitlines():
        path, _tab, rest = line.partition("\t")
        zoom_text, _tab, fit = rest.partition("\t")
        try:
            zoom = float(zoom_text)
        except ValueError:
            continue
        if path and 0.1 <= zoom <= 10:
            stored[path] = (zoom, fit == "1")
    return stored


def stored_view(path: Path) -> tuple[float, bool]:
    """The zoom and fit-to-width remembered for a file (100%, not fitted, by default)."""
    return _load_views().get(file_key(path), (1.0, False))


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
        self.fit = False
        self._unfitted_name = grid.name_width  # the name column's own width (100% zoom)
        grid.horizontalHeader().sectionResized.connect(self._on_resized)
        grid.zoom_changed.connect(self.apply)
        grid.viewport().installEventFilter(self)
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
        zoom, fit = stored_view(document.path)
        self._path, self.widths, self._departments = document.path, widths, departments
        if self.fit:
            self.grid.set_name_width(self._unfitted_name)
        self._unfitted_name = self.grid.name_width
        self.fit = fit
        self.model.set_short_headers(fit)
        self.grid.set_zoom(zoom)
        self.apply()

    def _on_resized(self, column: int, _old: int, new: int) -> None:
        if self._applying or column == NAME_COLUMN:
            if column == NAME_COLUMN and self.fit and not self._applying:
                self._unfitted_name = round(new / self.grid.zoom)  # the user dragged it
                self.apply()  # the name column took or gave room: share out the rest
            return
        dept_id = self.model.department_id_at(column)
        if dept_id is not None and not self.fit:
            self.widths[dept_id] = max(MIN_WIDTH, round(new / self.grid.zoom))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.fit and event.type() == QEvent.Type.Resize:
            self.apply()
        return False

    def set_fit(self, on: bool) -> None:
        """Switch the fit-to-width view on or off."""
        if on == self.fit:
            return
        if on:
            self._unfitted_name = self.grid.name_width
        self.fit = on
        self.model.set_short_headers(on)
        if not on:
            self.grid.set_name_width(self._unfitted_name)
        self.apply()

    def unfitted_name_width(self) -> int:
        """The name column's width to remember: its own, not the one fitting lent it."""
        return self._unfitted_name if self.fit else self.grid.name_width

    def fit_width(self) -> int:
        """Each department column's width when fitted: an equal share of the viewport right
        of the name column. Where the shares are too narrow for the short codes, the name
        column lends some of its width (down to MIN_FIT_NAME), and gets it back afterwards."""
        count = self.model.columnCount() - 1
        if count <= 0:
            return MIN_FIT_WIDTH
        grid = self.grid
        font = QFont(grid.horizontalHeader().font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        codes = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, count + 1)]
        needed = max(metrics.horizontalAdvance(str(code or "")) for code in codes) + 10
        viewport = grid.viewport().width()
        own = max(1, round(self._unfitted_name * grid.zoom))
        name = own
        if (viewport - own) // count < needed:
            name = min(own, max(round(MIN_FIT_NAME * grid.zoom), viewport - count * needed))
        if grid.columnWidth(NAME_COLUMN) != name:
            grid.setColumnWidth(NAME_COLUMN, name)
        return max(MIN_FIT_WIDTH, (viewport - name) // count)

    def apply(self, *_args: object) -> None:
        """Give every department column its remembered width (the default for the rest), at
        the grid's zoom; or, fitted to width, an equal share."""
        header = self.grid.horizontalHeader()
        default = header.defaultSectionSize()
        zoom = self.grid.zoom
        self._applying = True
        try:
            fitted = self.fit_width() if self.fit else None
            for column in range(1, self.model.columnCount()):
                if fitted is not None:
                    width = fitted
                else:
                    dept_id = self.model.department_id_at(column)
                    stored = self.widths.get(dept_id) if dept_id is not None else None
                    width = round(stored * zoom) if stored is not None else default
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
            mode = QHeaderView.ResizeMode.Fixed if self.fit else QHeaderView.ResizeMode.Interactive
            for column in range(1, self.model.columnCount()):
                if header.sectionResizeMode(column) != mode:
                    header.setSectionResizeMode(column, mode)
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
        views = _load_views()
        views.pop(key, None)
        if self.grid.zoom != 1.0 or self.fit:
            views[key] = (self.grid.zoom, self.fit)
        while len(views) > MAX_FILES:
            views.pop(next(iter(views)))
        QSettings().setValue(VIEW_KEY, "\n".join(
            f"{path}\t{zoom:g}\t{int(fit)}" for path, (zoom, fit) in views.items()
            if "\n" not in path and "\t" not in path))
