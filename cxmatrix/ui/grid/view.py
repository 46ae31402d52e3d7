"""The grid: a QTableView of the matrix with the touchpoint-name column frozen on the left.

The frozen column is Qt's standard technique: a second QTableView over the same model and
selection model, showing only column 0, laid over the main view's first column and scrolled
vertically with it. Keys on the grid edit the selected cells: O, I, H set a role,
Delete/Backspace clear it, Space cycles, Alt+Down opens the role picker. With the mouse, a
click only selects (a click never changes data); a double click on a role cell opens the role
picker under it. Ctrl+C/Ctrl+X/Ctrl+V copy, cut and paste rectangular ranges as tab-separated
text (Ctrl+Shift+C copies the touchpoint and department names too); Ctrl+A selects every role
cell. What a paste does is planned by clipboard.py, without widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QTableView,
    QWidget,
)

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.roles import Role
from cxmatrix.ui import commands
from cxmatrix.ui.grid.cell_ranges import CellRange, cell_ranges, row_runs
from cxmatrix.ui.grid.delegates import ARROW_WIDTH, NameDelegate
from cxmatrix.ui.grid.header import MarkedHeader
from cxmatrix.ui.grid.model import NAME_COLUMN, SIGNOFF_MARK, MatrixModel
from cxmatrix.ui.grid.painter import GridPainter

if TYPE_CHECKING:
    from cxmatrix.ui.grid.role_picker import RolePicker

ROW_HEIGHT = 24
CELL_WIDTH = 76
NAME_WIDTH = 300
ROLE_KEYS = {Qt.Key.Key_O: Role.OWN, Qt.Key.Key_I: Role.INFLUENCE, Qt.Key.Key_H: Role.HANDLE}
ZOOM_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)


def _cycle(role: Role | None) -> Role | None:
    return Role.OWN if role is None else role.next_in_cycle()


# Past this many rectangles a selection is slow to make and to paint.
MAX_RANGES = 2_000
MAX_CELLS = 20_000


class NameColumnView(QTableView):
    """The frozen column. Keys here act on touchpoints and stages, not on roles."""

    delete_requested = Signal()
    move_right_requested = Signal()

    def __init__(self, grid: MatrixView) -> None:
        super().__init__(grid)
        self.grid = grid

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        index = self.currentIndex()
        model = self.model()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        if isinstance(model, MatrixModel) and index.isValid() and plain:
            stage_row = model.is_stage_row(index.row())
            if stage_row and key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Space):
                stage_id = model.row_key(index.row())
                collapse = {Qt.Key.Key_Left: True, Qt.Key.Key_Right: False}.get(
                    key, not model.is_collapsed(stage_id))
                model.set_collapsed(stage_id, collapse)
                return
            if key == Qt.Key.Key_Right:
                self.move_right_requested.emit()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.delete_requested.emit()
                return
        super().keyPressEvent(event)

    def commit_editor(self) -> bool:
        """Commit a name being edited in place (F2) and close its editor; False if the model
        refused it (the session has said why): the editor is then open again on the same
        row, with the typed text, so the user can correct it."""
        if self.state() != QAbstractItemView.State.EditingState:
            return True
        index = self.currentIndex()
        editor = self.indexWidget(index)
        model = self.model()
        if editor is None or not isinstance(model, MatrixModel):
            return True
        typed = editor.property("text")
        before = model.data(index, Qt.ItemDataRole.EditRole)
        if not isinstance(typed, str) or typed.strip() == str(before).strip():
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            return True
        key, stage = model.row_key(index.row()), model.is_stage_row(index.row())
        if model.setData(index, typed, Qt.ItemDataRole.EditRole):
            if self.indexWidget(index) is editor:
                self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            return True
        # A refused edit reloads the document, which closes every editor: open it again.
        row = next((r for r in range(model.rowCount())
                    if model.row_key(r) == key and model.is_stage_row(r) == stage), None)
        if row is not None:
            again = model.index(row, NAME_COLUMN)
            if self.indexWidget(again) is None:
                self.setFocus()
                self.setCurrentIndex(again)
                self.edit(again, QAbstractItemView.EditTrigger.AllEditTriggers, None)
            reopened = self.indexWidget(again)
            if reopened is not None:
                reopened.setProperty("text", typed)
                reopened.setFocus()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self.viewport())  # the line between the names and the role cells
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        right = self.viewport().width() - 1
        painter.drawLine(right, event.rect().top(), right, event.rect().bottom())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        model = self.model()
        if (isinstance(model, MatrixModel) and index.isValid()
                and model.is_stage_row(index.row())
                and event.position().x() < ARROW_WIDTH + 4
                and event.button() == Qt.MouseButton.LeftButton):
            model.toggle_collapsed(model.row_key(index.row()))
            return
        super().mousePressEvent(event)


class MatrixView(QTableView):
    """The matrix grid with its frozen name column."""

    context_menu = Signal(QPoint, str)  # global position, "cell" or "name"
    header_menu = Signal(QPoint, int)  # global position, column
    header_double_clicked = Signal(int)
    delete_rows_requested = Signal()
    zoom_changed = Signal(float)
    status_message = Signal(str)  # what a paste did, for the status bar

    def __init__(self, model: MatrixModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix_model = model
        self.session = model.session
        self.setModel(model)
        self.setObjectName("matrixGrid")
        self.session.replayed.connect(self.show_change)
        self.painter = GridPainter()
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.context_menu.emit(self.viewport().mapToGlobal(pos), "cell"))
        self.verticalHeader().hide()
        self._fixed_rows(self)
        self.setHorizontalHeader(MarkedHeader(SIGNOFF_MARK, self))
        header = self.horizontalHeader()
        header.setDefaultSectionSize(
            max(CELL_WIDTH, self.fontMetrics().horizontalAdvance("Professional") + 16))
        header.setMinimumSectionSize(28)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSectionsMovable(True)
        header.setHighlightSections(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.header_menu.emit(header.mapToGlobal(pos),
                                              header.logicalIndexAt(pos)))
        header.sectionDoubleClicked.connect(self.header_double_clicked)
        header.sectionMoved.connect(self._on_section_moved)
        header.setMinimumHeight(2 * self.fontMetrics().height() + 12)
        self._name_width = NAME_WIDTH
        self._role_picker: RolePicker | None = None

        frozen = NameColumnView(self)
        self.frozen = frozen
        frozen.setObjectName("touchpointNames")
        frozen.setModel(model)
        frozen.setSelectionModel(self.selectionModel())
        frozen.setItemDelegate(NameDelegate(frozen))
        frozen.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        frozen.verticalHeader().hide()
        self._fixed_rows(frozen)
        frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        frozen.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        frozen.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        frozen.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        frozen.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                               | QAbstractItemView.EditTrigger.DoubleClicked)
        frozen.setWordWrap(False)
        frozen.setDragEnabled(True)
        frozen.setAcceptDrops(True)
        frozen.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        frozen.setDefaultDropAction(Qt.DropAction.MoveAction)
        frozen.setDropIndicatorShown(True)
        frozen.setDragDropOverwriteMode(False)
        frozen.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        frozen.customContextMenuRequested.connect(
            lambda pos: self.context_menu.emit(frozen.viewport().mapToGlobal(pos), "name"))
        frozen.delete_requested.connect(self.delete_rows_requested)
        frozen.move_right_requested.connect(self.focus_cells)
        # No style sheet here: it would fix the palette at the time it is set, so the column
        # would keep its old colours after a light/dark switch. The view draws its own border.
        frozen.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().stackUnder(frozen)
        self.setTabOrder(frozen, self)
        header.sectionResized.connect(self._on_section_resized)
        frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(frozen.verticalScrollBar().setValue)
        for signal in (model.modelReset, model.columnsInserted, model.columnsRemoved,
                       model.layoutChanged):
            signal.connect(self._hide_frozen_columns)
        frozen.show()
        self._hide_frozen_columns()
        self._init_zoom()

    @staticmethod
    def _fixed_rows(view: QTableView) -> None:
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        rows.setMinimumSectionSize(ROW_HEIGHT)

    # ---- the frozen column ---------------------------------------------------------------

    def _hide_frozen_columns(self, *_args: object) -> None:
        frozen = self.frozen
        for column in range(1, self.matrix_model.columnCount()):
            if not frozen.isColumnHidden(column):
                frozen.setColumnHidden(column, True)
        if self.matrix_model.columnCount() and self.columnWidth(NAME_COLUMN) != self._name_width:
            self.setColumnWidth(NAME_COLUMN, self._name_width)
        frozen.setColumnWidth(NAME_COLUMN, self._name_width)
        self._update_frozen_geometry()

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if column == NAME_COLUMN and self.matrix_model.columnCount():
            self._name_width = new
            self.frozen.setColumnWidth(NAME_COLUMN, new)
            self._update_frozen_geometry()

    def _update_frozen_geometry(self) -> None:
        frame = self.frameWidth()
        self.frozen.setGeometry(self.verticalHeader().width() + frame, frame,
                                self.columnWidth(NAME_COLUMN),
                                self.viewport().height() + self.horizontalHeader().height())
        self.frozen.horizontalHeader().setFixedHeight(self.horizontalHeader().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        self.painter.paint(self, self.matrix_model, painter, event.rect())
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_frozen_geometry()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if hasattr(self, "frozen"):
            self._update_frozen_geometry()

    def scrollTo(self, index: QModelIndex,
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                 ) -> None:
        if index.column() != NAME_COLUMN:
            super().scrollTo(index, hint)
            left = self.visualRect(index).left()
            hidden = self.columnWidth(NAME_COLUMN) - left
            if hidden > 0:
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() - hidden)
        else:
            super().scrollTo(index.siblingAtColumn(max(1, self.columnAt(
                self.columnWidth(NAME_COLUMN) + 1))) if self.model().columnCount() > 1
                else index, hint)

    @property
    def name_width(self) -> int:
        """The name column's width at 100% zoom."""
        return round(self._name_width / self._zoom)

    def set_name_width(self, width: int) -> None:
        """Set the name column's width at 100% zoom (it grows and shrinks with the zoom)."""
        self._name_width = max(40, round(max(80, width) * self._zoom))
        self.setColumnWidth(NAME_COLUMN, self._name_width)
        self.frozen.setColumnWidth(NAME_COLUMN, self._name_width)
        self._update_frozen_geometry()

    # ---- zoom: the grid's font, rows and columns grow and shrink together ------------------

    def _init_zoom(self) -> None:
        self._zoom = 1.0
        self._base_font = QFont(self.font())
        self._base_section = self.horizontalHeader().defaultSectionSize()

    @property
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        """Scale the grid's text, row heights and column widths (``zoom`` 1.0 is 100%).
        Column widths follow through ``zoom_changed`` (ColumnWidths keeps them per file)."""
        zoom = min(ZOOM_LEVELS[-1], max(ZOOM_LEVELS[0], round(zoom, 2)))
        if zoom == self._zoom:
            return
        base_name = self.name_width
        self._zoom = zoom
        font = QFont(self._base_font)
        if self._base_font.pointSizeF() > 0:
            font.setPointSizeF(self._base_font.pointSizeF() * zoom)
        else:
            font.setPixelSize(max(6, round(self._base_font.pixelSize() * zoom)))
        row = max(12, round(ROW_HEIGHT * zoom))
        for view in (self, self.frozen):
            view.setFont(font)
            view.horizontalHeader().setFont(font)
            rows = view.verticalHeader()
            rows.setMinimumSectionSize(min(row, rows.minimumSectionSize()))
            rows.setDefaultSectionSize(row)
            rows.setMinimumSectionSize(row)
        header = self.horizontalHeader()
        header.setDefaultSectionSize(max(header.minimumSectionSize(),
                                         round(self._base_section * zoom)))
        header.setMinimumHeight(2 * self.fontMetrics().height() + 12)
        self.set_name_width(base_name)
        self.zoom_changed.emit(zoom)
        self.viewport().update()
        self.frozen.viewport().update()

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_LEVELS if z > self._zoom + 0.001), ZOOM_LEVELS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_LEVELS) if z < self._zoom - 0.001),
                           ZOOM_LEVELS[0]))

    # ---- navigation between the two views ---------------------------------------------------

    def focus_cells(self) -> None:
        index = self.currentIndex()
        row = index.row() if index.isValid() else 0
        if self.matrix_model.columnCount() > 1 and self.matrix_model.rowCount() > 0:
            self.setCurrentIndex(self.matrix_model.index(row, 1))
        self.setFocus()

    def focus_names(self) -> None:
        index = self.currentIndex()
        row = index.row() if index.isValid() else 0
        if self.matrix_model.rowCount() > 0:
            self.frozen.setCurrentIndex(self.matrix_model.index(row, NAME_COLUMN))
        self.frozen.setFocus()

    # ---- selection helpers ----------------------------------------------------------------

    def selected_cells(self) -> list[tuple[int, int]]:
        """Selected (touchpoint id, department id) pairs, in display order, stage rows and
        the name column left out."""
        model = self.matrix_model
        cells: list[tuple[int, int]] = []
        seen: set[tuple[int, int]] = set()
        for selection_range in self.selectionModel().selection():
            columns = [model.department_id_at(c)
                       for c in range(max(1, selection_range.left()),
                                      selection_range.right() + 1)]
            for row in range(selection_range.top(), selection_range.bottom() + 1):
                tid = model.touchpoint_id_at(row)
                if tid is None:
                    continue
                for dept_id in columns:
                    if dept_id is not None and (tid, dept_id) not in seen:
                        seen.add((tid, dept_id))
                        cells.append((tid, dept_id))
        if not cells:
            index = self.currentIndex()
            if index.isValid() and index.column() != NAME_COLUMN:
                tid = model.touchpoint_id_at(index.row())
                dept_id = model.department_id_at(index.column())
                if tid is not None and dept_id is not None:
                    cells.append((tid, dept_id))
        return cells

    def selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.selectionModel().selectedIndexes()}
        if not rows and self.currentIndex().isValid():
            rows = {self.currentIndex().row()}
        return sorted(rows)

    def selected_touchpoint_ids(self) -> list[int]:
        model = self.matrix_model
        ids = [model.touchpoint_id_at(row) for row in self.selected_rows()]
        return [tid for tid in ids if tid is not None]

    def current_touchpoint_id(self) -> int | None:
        index = self.currentIndex()
        return self.matrix_model.touchpoint_id_at(index.row()) if index.isValid() else None

    def current_stage_id(self) -> int | None:
        index = self.currentIndex()
        return self.matrix_model.stage_id_at(index.row()) if index.isValid() else None

    def current_department_id(self) -> int | None:
        index = self.currentIndex()
        return self.matrix_model.department_id_at(index.column()) if index.isValid() else None

    def select_cell(self, row: int, column: int,
                    hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                    ) -> None:
        model = self.matrix_model
        index = model.index(row, column)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if column == NAME_COLUMN:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index, hint)

    def select_touchpoint(self, touchpoint_id: int, department_id: int | None = None,
                          hint: QAbstractItemView.ScrollHint
                          = QAbstractItemView.ScrollHint.EnsureVisible) -> bool:
        """Select a touchpoint's row (or one of its cells), expanding its stage if needed."""
        model = self.matrix_model
        matrix = model.matrix
        if matrix is None or not matrix.has_touchpoint(touchpoint_id):
            return False
        row = model.row_of(touchpoint_id)
        if row is None:
            stage_id = matrix.touchpoint(touchpoint_id).stage_id
            if model.is_collapsed(stage_id):
                model.set_collapsed(stage_id, False)
            row = model.row_of(touchpoint_id)
        if row is None:
            return False
        column = model.column_of_department(department_id) if department_id else None
        self.select_cell(row, column if column is not None else NAME_COLUMN, hint)
        return True

    def show_change(self, change: MatrixChange) -> None:
        """After an undo or redo: select the cells it changed and bring them into view (rows
        it removed leave the selection where it was). Cells scattered over more than
        MAX_RANGES rectangles, or more than MAX_CELLS cells, select the rows holding
        them instead, whole."""
        model = self.matrix_model
        if model.matrix is None or change.everything:
            return
        # Few rectangles, not one range per cell: an undo of a whole replacement changes
        # every cell, and a range each makes selecting and painting take seconds.
        last_row, last_column = model.rowCount() - 1, model.columnCount() - 1
        many = change.changed_cell_count() > MAX_CELLS
        ranges: list[CellRange] = []
        if not many:
            changed = change.cells | change.targets | change.actions
            column_of = {model.department_id_at(column): column
                         for column in range(1, last_column + 1)}
            found = [(model.row_of(t), column_of.get(d)) for t, d in changed]
            ranges = cell_ranges((row, column) for row, column in found
                                 if row is not None and column is not None)
        if many or len(ranges) > MAX_RANGES:
            # Scattered over a large matrix: the rows they are in, whole (their touchpoints
            # are kept on the record, worked out on the worker after a whole replacement).
            row_of = model.row_of
            changed_rows = [row_of(t) for t in change.cell_touchpoints()]
            ranges = [CellRange(top, 0, bottom, last_column) for top, bottom in row_runs(
                row for row in changed_rows if row is not None)]
        if not ranges:
            rows = [model.row_of(key) for key in (*change.touched_touchpoints(),
                                                   *change.stages_inserted,
                                                   *change.stages_moved, *change.stages)]
            ranges = [CellRange(r.top, 0, r.bottom, last_column) for r in cell_ranges(
                (row, 0) for row in rows if row is not None)]
        if not ranges and last_row >= 0:
            columns = [model.column_of_department(d) for d in (*change.departments_inserted,
                                                                *change.departments_moved,
                                                                *change.departments)]
            ranges = [CellRange(0, r.left, last_row, r.right) for r in cell_ranges(
                (0, column) for column in columns if column is not None)]
        if not ranges:
            return
        selection = QItemSelection()
        for cell_range in ranges:
            selection.select(model.index(cell_range.top, cell_range.left),
                             model.index(cell_range.bottom, cell_range.right))
        selection_model = self.selectionModel()
        current = self.currentIndex()
        if current.isValid() and any(r.top <= current.row() <= r.bottom
                                     and r.left <= current.column() <= r.right for r in ranges):
            # The user's cell is among the changed ones (a whole replacement changes every
            # row): stay on it, and keep the scroll position.
            selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            return
        top = min(ranges, key=lambda r: (r.top, r.left))
        first = model.index(top.top, top.left)
        selection_model.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(first)

    def select_department(self, department_id: int) -> None:
        column = self.matrix_model.column_of_department(department_id)
        if column is not None:
            self.selectColumn(column)
            self.scrollTo(self.matrix_model.index(max(0, self.currentIndex().row()), column))

    def go_to_touchpoint(self, touchpoint_id: int, department_ids: Sequence[int] = ()) -> bool:
        """Go to a finding's place: select the touchpoint (the cell of the first department
        named, or else its row), put its row in the middle of the view, and scroll sideways
        only as far as needed to show the departments named."""
        bar = self.horizontalScrollBar()
        kept = bar.value()
        first = department_ids[0] if department_ids else None
        if not self.select_touchpoint(touchpoint_id, first,
                                      QAbstractItemView.ScrollHint.PositionAtCenter):
            return False
        bar.setValue(kept)  # centring the row must not centre its column too
        self.bring_columns_into_view(department_ids)
        return True

    def bring_columns_into_view(self, department_ids: Sequence[int]) -> None:
        """Scroll sideways, as little as possible, so the departments' columns show right of
        the frozen names (as many of them as fit, from the leftmost)."""
        model = self.matrix_model
        columns = [c for c in (model.column_of_department(d) for d in department_ids)
                   if c is not None]
        if not columns:
            return
        header = self.horizontalHeader()
        bar = self.horizontalScrollBar()
        left = min(header.sectionPosition(c) for c in columns)
        right = max(header.sectionPosition(c) + header.sectionSize(c) for c in columns)
        names = self.columnWidth(NAME_COLUMN)
        width = self.viewport().width()
        right = min(right, left + max(0, width - names))
        if left < bar.value() + names:
            bar.setValue(left - names)
        elif right > bar.value() + width:
            bar.setValue(right - width)

    # ---- editing roles --------------------------------------------------------------------

    def set_role_on_selection(self, role: Role | None) -> bool:
        matrix = self.matrix_model.matrix
        if matrix is None:
            return False
        shown = self.matrix_model.shown_role
        changes = [(t, d, role) for t, d in self.selected_cells() if shown(t, d) is not role]
        if not changes:
            return False
        return self.matrix_model.set_roles(changes)

    def cycle_selection(self) -> bool:
        """Space: the current cell's next role (empty, Own, Influence, Handle) on every
        selected cell."""
        matrix = self.matrix_model.matrix
        cells = self.selected_cells()
        if matrix is None or not cells:
            return False
        index = self.currentIndex()
        tid = self.matrix_model.touchpoint_id_at(index.row()) if index.isValid() else None
        dept = self.matrix_model.department_id_at(index.column()) if index.isValid() else None
        if tid is None or dept is None:
            tid, dept = cells[0]
        return self.set_role_on_selection(_cycle(self.matrix_model.shown_role(tid, dept)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers == Qt.KeyboardModifier.NoModifier:
            if key in ROLE_KEYS:
                self.set_role_on_selection(ROLE_KEYS[Qt.Key(key)])
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.set_role_on_selection(None)
                return
            if key == Qt.Key.Key_Space:
                self.cycle_selection()
                return
            if key == Qt.Key.Key_Left and self.currentIndex().column() <= 1:
                self.focus_names()
                return
        if modifiers == Qt.KeyboardModifier.AltModifier and key == Qt.Key.Key_Down:
            self.open_role_picker()
            return
        # Events sent straight to the grid do not go through the window's shortcuts.
        if modifiers == (Qt.KeyboardModifier.ControlModifier
                         | Qt.KeyboardModifier.ShiftModifier) and key == Qt.Key.Key_C:
            self.copy_selection(headers=True)
            return
        for standard, act in ((QKeySequence.StandardKey.Copy, self.copy_selection),
                              (QKeySequence.StandardKey.Cut, self.cut_selection),
                              (QKeySequence.StandardKey.Paste, self.paste_clipboard),
                              (QKeySequence.StandardKey.SelectAll, self.select_all_cells)):
            if event.matches(standard):
                act()
                return
        super().keyPressEvent(event)

    def _role_cell(self, index: QModelIndex) -> tuple[int, int] | None:
        """The (touchpoint, department) of a role cell; None for names and stage rows."""
        model = self.matrix_model
        if not index.isValid() or index.column() == NAME_COLUMN or model.matrix is None:
            return None
        tid = model.touchpoint_id_at(index.row())
        dept = model.department_id_at(index.column())
        if tid is None or dept is None:
            return None
        return tid, dept

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click on a role cell opens the role picker under it (the first click has
        selected the cell); it never changes a role by itself."""
        index = self.indexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and self._role_cell(index) is not None:
            if not self.selectionModel().isSelected(index):  # the picker sets what it shows
                self.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.open_role_picker(index)
            return
        super().mouseDoubleClickEvent(event)

    # ---- the role picker ------------------------------------------------------------------

    @property
    def role_picker(self) -> RolePicker:
        if self._role_picker is None:
            from cxmatrix.ui.grid.role_picker import RolePicker

            self._role_picker = RolePicker(self)
            self._role_picker.picked.connect(self._on_role_picked)
        return self._role_picker

    def open_role_picker(self, index: QModelIndex | None = None) -> bool:
        """Open the role picker under a role cell (the current one by default); the role
        picked goes to every selected cell, as a letter key would."""
        index = self.currentIndex() if index is None else index
        cell = self._role_cell(index)
        matrix = self.matrix_model.matrix
        if cell is None or matrix is None or self.session.read_only:
            return False
        self.scrollTo(index)
        self.role_picker.open_at(self.visualRect(index), self.viewport(),
                                 self.matrix_model.shown_role(*cell))
        return True

    def _on_role_picked(self, role: Role | None) -> None:
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.set_role_on_selection(role)

    # ---- moving departments by dragging their headers -----------------------------------------

    def _on_section_moved(self, _logical: int, old_visual: int, new_visual: int) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.moveSection(new_visual, old_visual)  # the model decides the order, not the header
        header.blockSignals(False)
        model = self.matrix_model
        dept_id = model.department_id_at(old_visual)
        if dept_id is None or new_visual < 1:
            return
        self.session.execute(commands.MoveDepartment(self.session, dept_id, new_visual - 1))

    # ---- clipboard ------------------------------------------------------------------------

    def select_all_cells(self) -> None:
        """Ctrl+A: every role cell (not the names: a copy then holds only roles)."""
        model = self.matrix_model
        if model.rowCount() == 0 or model.columnCount() < 2:
            return
        selection = QItemSelection(model.index(0, 1),
                                   model.index(model.rowCount() - 1, model.columnCount() - 1))
        current = self.currentIndex()
        if not current.isValid() or current.column() == NAME_COLUMN:
            current = model.index(max(0, current.row()), 1)
        self.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _selection_block(self) -> tuple[list[int], list[int], bool] | None:
        """The touchpoints and departments of the selection's bounding rectangle (or of the
        current cell), and whether it includes the name column."""
        model = self.matrix_model
        selection = self.selectionModel().selection()
        if model.matrix is None:
            return None
        if selection.isEmpty():
            index = self.currentIndex()
            if not index.isValid():
                return None
            top = bottom = index.row()
            left = right = index.column()
        else:
            top = min(r.top() for r in selection)
            bottom = max(r.bottom() for r in selection)
            left = min(r.left() for r in selection)
            right = max(r.right() for r in selection)
        departments = [d for d in (model.department_id_at(c)
                                   for c in range(max(1, left), right + 1)) if d is not None]
        touchpoints = [t for t in (model.touchpoint_id_at(r) for r in range(top, bottom + 1))
                       if t is not None]
        return touchpoints, departments, left == NAME_COLUMN

    def copy_selection(self, *, headers: bool = False) -> str:
        """Copy the bounding rectangle of the selection as tab-separated role labels (with the
        touchpoint names first when the name column is selected). ``headers`` adds the
        department names above and the touchpoint names before, so the block keeps its
        meaning in another spreadsheet and pastes back onto the same cells."""
        block = self._selection_block()
        matrix = self.matrix_model.matrix
        if block is None or matrix is None:
            return ""
        touchpoints, departments, names = block
        from cxmatrix.ui.grid.clipboard import copy_text  # csv loads on the first copy

        if self.matrix_model.layer.edits_target:  # Target copies the target roles
            from cxmatrix.domain.states import target_state

            matrix = target_state(matrix)
        text = copy_text(matrix, touchpoints, departments, names=names, headers=headers)
        QGuiApplication.clipboard().setText(text)
        return text

    def cut_selection(self) -> bool:
        """Copy the selection, then clear its roles as one undo step."""
        matrix = self.matrix_model.matrix
        if matrix is None or not self.copy_selection():
            return False
        shown = self.matrix_model.shown_role
        changes = [(t, d, None) for t, d in self.selected_cells() if shown(t, d) is not None]
        if not changes:
            return False
        if self.matrix_model.layer.marks_differences:
            count = len(changes)
            return self.matrix_model.set_roles(
                changes, f"Cut the target role{'s' if count != 1 else ''} of {count} "
                         f"cell{'s' if count != 1 else ''}")
        return self.session.execute(commands.CutRoles(self.session, changes))

    def paste_clipboard(self) -> bool:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste roles at the selection's top-left cell (or onto the named cells of a block
        copied with headers); nothing changes unless every pasted cell is a role and the block
        fits."""
        model = self.matrix_model
        matrix = model.matrix
        if matrix is None:
            return False
        selection = self.selectionModel().selection()
        if selection.isEmpty():
            anchor = self.currentIndex()
            top, left = anchor.row(), anchor.column()
        else:
            top = min(r.top() for r in selection)
            left = min(r.left() for r in selection)
        rows: list[int] | None = None
        columns: list[int] | None = None
        if top >= 0 and left >= 1 and model.touchpoint_id_at(top) is not None:
            rows = [t for t in (model.touchpoint_id_at(r) for r in model.touchpoint_rows()
                                if r >= top) if t is not None]
            columns = [d for d in (model.department_id_at(c)
                                   for c in range(left, model.columnCount())) if d is not None]
        from cxmatrix.ui.grid.clipboard import plan_paste

        plan = plan_paste(text, matrix, rows=rows, columns=columns,
                          selected=self.selected_cells())
        if plan.problem:
            self.session.failed.emit("Paste refused", plan.problem)
            return False
        shown = model.shown_role
        changes = [c for c in plan.changes if shown(c[0], c[1]) is not c[2]]
        if changes:
            text = f"Paste {len(changes)} cell{'s' if len(changes) != 1 else ''}"
            if not model.set_roles(changes, text):
                return False
        self._select_cells([(t, d) for t, d, _role in plan.changes])
        self.status_message.emit(plan.status())
        return bool(changes)

    def _select_cells(self, cells: list[tuple[int, int]]) -> None:
        """Select the pasted cells that are shown, one range per run of columns in a row."""
        model = self.matrix_model
        by_row: dict[int, list[int]] = {}
        for tid, dept in cells:
            row = model.row_of(tid)
            column = model.column_of_department(dept)
            if row is not None and column is not None:
                by_row.setdefault(row, []).append(column)
        selection = QItemSelection()
        for row, columns in by_row.items():
            columns.sort()
            start = previous = columns[0]
            for column in [*columns[1:], None]:
                if column is not None and column == previous + 1:
                    previous = column
                    continue
                selection.select(model.index(row, start), model.index(row, previous))
                if column is not None:
                    start = previous = column
        if not selection.isEmpty():
            self.selectionModel().select(selection,
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect)
