"""The grid: a QTableView of the matrix with the touchpoint-name column frozen on the left.

The frozen column is Qt's standard technique: a second QTableView over the same model and
selection model, showing only column 0, laid over the main view's first column and scrolled
vertically with it. Keys on the grid edit the selected cells: O, I, H set a role,
Delete/Backspace clear it, Space cycles. With the mouse, a click selects a cell and a second
click on the current cell cycles its role; a double click cycles once too (a double click on
the current cell is one cycle, not two). Ctrl+C/Ctrl+V copy and paste rectangular ranges as
tab-separated text.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
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
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView, QWidget

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.roles import Role
from cxmatrix.ui import commands
from cxmatrix.ui.grid.delegates import ARROW_WIDTH, NameDelegate
from cxmatrix.ui.grid.model import NAME_COLUMN, MatrixModel
from cxmatrix.ui.grid.painter import GridPainter

ROW_HEIGHT = 24
CELL_WIDTH = 76
NAME_WIDTH = 300
ROLE_KEYS = {Qt.Key.Key_O: Role.OWN, Qt.Key.Key_I: Role.INFLUENCE, Qt.Key.Key_H: Role.HANDLE}
MAX_LISTED_PROBLEMS = 8
ZOOM_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)


def _cycle(role: Role | None) -> Role | None:
    return Role.OWN if role is None else role.next_in_cycle()


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
        self._click_armed: QPersistentModelIndex | None = None  # pressed on the current cell
        self._click_cycled: QPersistentModelIndex | None = None  # cycled by the last click

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

    def select_cell(self, row: int, column: int) -> None:
        model = self.matrix_model
        index = model.index(row, column)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if column == NAME_COLUMN:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)

    def select_touchpoint(self, touchpoint_id: int, department_id: int | None = None) -> bool:
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
        self.select_cell(row, column if column is not None else NAME_COLUMN)
        return True

    def show_change(self, change: MatrixChange) -> None:
        """After an undo or redo: select the cells it changed and bring them into view (rows
        it removed leave the selection where it was)."""
        model = self.matrix_model
        if model.matrix is None or change.everything:
            return
        selection = QItemSelection()
        cells = [(model.row_of(t), model.column_of_department(d)) for t, d in change.cells]
        for row, column in cells:
            if row is not None and column is not None:
                index = model.index(row, column)
                selection.select(index, index)
        if selection.isEmpty():
            rows = [model.row_of(key) for key in (*change.touched_touchpoints(),
                                                   *change.stages_inserted,
                                                   *change.stages_moved, *change.stages)]
            for row in rows:
                if row is not None:
                    first, last = model.index(row, 0), model.index(row, model.columnCount() - 1)
                    selection.select(first, last)
        if selection.isEmpty():
            columns = [model.column_of_department(d) for d in (*change.departments_inserted,
                                                                *change.departments_moved,
                                                                *change.departments)]
            for column in columns:
                if column is not None and model.rowCount():
                    selection.select(model.index(0, column),
                                     model.index(model.rowCount() - 1, column))
        if selection.isEmpty():
            return
        first = min(selection.indexes(), key=lambda i: (i.row(), i.column()))
        selection_model = self.selectionModel()
        selection_model.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(first)

    def select_department(self, department_id: int) -> None:
        column = self.matrix_model.column_of_department(department_id)
        if column is not None:
            self.selectColumn(column)
            self.scrollTo(self.matrix_model.index(max(0, self.currentIndex().row()), column))

    # ---- editing roles --------------------------------------------------------------------

    def set_role_on_selection(self, role: Role | None) -> bool:
        matrix = self.matrix_model.matrix
        if matrix is None:
            return False
        changes = [(t, d, role) for t, d in self.selected_cells() if matrix.role(t, d) is not role]
        if not changes:
            return False
        return self.session.execute(commands.SetRoles(self.session, changes))

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
        return self.set_role_on_selection(_cycle(matrix.role(tid, dept)))

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
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            return
        super().keyPressEvent(event)

    def _cell_at(self, event: QMouseEvent) -> tuple[QModelIndex, int, int] | None:
        """The role cell under a plain left click, with its touchpoint and department."""
        if (event.button() != Qt.MouseButton.LeftButton
                or event.modifiers() != Qt.KeyboardModifier.NoModifier):
            return None
        index = self.indexAt(event.position().toPoint())
        model = self.matrix_model
        if not index.isValid() or index.column() == NAME_COLUMN or model.matrix is None:
            return None
        tid = model.touchpoint_id_at(index.row())
        dept = model.department_id_at(index.column())
        if tid is None or dept is None:
            return None
        return index, tid, dept

    def _cycle_cell(self, tid: int, dept: int) -> None:
        matrix = self.matrix_model.matrix
        if matrix is not None and not self.session.read_only:
            self.session.execute(commands.SetRoles(
                self.session, [(tid, dept, _cycle(matrix.role(tid, dept)))]))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A press on the cell that is already current, alone in the selection, arms a cycle
        for the release (so a drag that starts there still just selects)."""
        cell = self._cell_at(event)
        self._click_armed = None
        self._click_cycled = None
        if cell is not None and self.hasFocus() and cell[0] == self.currentIndex():
            selected = self.selectionModel().selectedIndexes()
            if len(selected) <= 1:
                self._click_armed = QPersistentModelIndex(cell[0])
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        armed, self._click_armed = self._click_armed, None
        cell = self._cell_at(event)
        if armed is None or cell is None or QModelIndex(armed) != cell[0]:
            return
        self._click_cycled = armed
        self._cycle_cell(cell[1], cell[2])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        cell = self._cell_at(event)
        if cell is not None:
            cycled, self._click_cycled = self._click_cycled, None
            if cycled is None or QModelIndex(cycled) != cell[0]:
                self._cycle_cell(cell[1], cell[2])  # the first click only selected it
            return
        super().mouseDoubleClickEvent(event)

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

    def copy_selection(self) -> str:
        """Copy the bounding rectangle of the selection as tab-separated role labels (with the
        touchpoint names first when the name column is selected)."""
        model = self.matrix_model
        matrix = model.matrix
        selection = self.selectionModel().selection()
        if matrix is None or selection.isEmpty():
            return ""
        top = min(r.top() for r in selection)
        bottom = max(r.bottom() for r in selection)
        left = min(r.left() for r in selection)
        right = max(r.right() for r in selection)
        departments = [model.department_id_at(c) for c in range(max(1, left), right + 1)]
        rows = []
        for row in range(top, bottom + 1):
            tid = model.touchpoint_id_at(row)
            if tid is None:
                continue
            line = [matrix.touchpoint(tid).name] if left == NAME_COLUMN else []
            for dept_id in departments:
                role = matrix.role(tid, dept_id) if dept_id is not None else None
                line.append(role.label if role is not None else "")
            rows.append(line)
        from cxmatrix.ui.grid.clipboard import (
            to_tsv,  # csv loads on the first copy, not at start-up
        )

        text = to_tsv(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste_clipboard(self) -> bool:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste roles at the selection's top-left cell; nothing changes unless every pasted
        cell is a role and the block fits."""
        model = self.matrix_model
        matrix = model.matrix
        if matrix is None:
            return False
        from cxmatrix.ui.grid.clipboard import parse_roles

        block = parse_roles(text)
        if block.problems:
            listed = block.problems[:MAX_LISTED_PROBLEMS]
            more = len(block.problems) - len(listed)
            if more:
                listed.append(f"… and {more} more")
            self.session.failed.emit(
                "Paste refused",
                "Nothing was pasted: these cells are not roles (use Own, Influence, Handle or "
                "their letters O, I, H; leave a cell empty for no role).\n\n"
                + "\n".join(listed))
            return False
        cells = self.selected_cells()
        if block.height == 1 and block.width == 1 and len(cells) > 1:
            role = block.roles[0][0]
            changes = [(t, d, role) for t, d in cells]
            return self._apply_paste(changes)
        selection = self.selectionModel().selection()
        if selection.isEmpty():
            anchor = self.currentIndex()
            top, left = anchor.row(), anchor.column()
        else:
            top = min(r.top() for r in selection)
            left = min(r.left() for r in selection)
        if top < 0 or left < 1:
            self.session.failed.emit("Paste refused", "Select the top-left role cell to "
                                                      "paste into (not a touchpoint name).")
            return False
        rows = [r for r in model.touchpoint_rows() if r >= top][: block.height]
        departments = [model.department_id_at(c) for c in range(left, left + block.width)]
        problems = []
        if len(rows) < block.height:
            problems.append(f"The pasted block has {block.height} rows, but only {len(rows)} "
                            "touchpoints are shown from the selected cell down.")
        if None in departments:
            available = sum(1 for d in departments if d is not None)
            problems.append(f"The pasted block is {block.width} columns wide, but only "
                            f"{available} departments are right of the selected cell.")
        if problems:
            self.session.failed.emit("Paste refused", "Nothing was pasted. " + " ".join(problems))
            return False
        changes = []
        for row, line in zip(rows, block.roles, strict=False):
            tid = model.touchpoint_id_at(row)
            assert tid is not None
            for dept_id, role in zip(departments, line, strict=True):
                assert dept_id is not None
                changes.append((tid, dept_id, role))
        ok = self._apply_paste(changes)
        if ok:
            selection_block = QItemSelection(model.index(rows[0], left),
                                             model.index(rows[-1], left + block.width - 1))
            self.selectionModel().select(selection_block,
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return ok

    def _apply_paste(self, changes: list[tuple[int, int, Role | None]]) -> bool:
        matrix = self.matrix_model.matrix
        assert matrix is not None
        changes = [c for c in changes if matrix.role(c[0], c[1]) is not c[2]]
        if not changes:
            return False
        text = f"Paste {len(changes)} cell{'s' if len(changes) != 1 else ''}"
        return self.session.execute(commands.SetRoles(self.session, changes, text))
