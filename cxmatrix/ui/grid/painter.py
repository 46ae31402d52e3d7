"""Painting the role cells of the grid in one pass.

A per-cell delegate costs a Python call and a style round trip for every visible cell
(about 1,400 in a 1600x1000 window); painting the visible block in one loop, with each role's
chip pre-rendered once as a pixmap, makes a full viewport cheaper to paint than a plain
QTableView over a QStandardItemModel. What is drawn: the stage bands, each role's letter on
its colour (outlined on dark backgrounds), a corner mark for a cell note, the lens column's
edges, grid lines, the selection as a translucent overlay, and the current cell's frame.
"""

from __future__ import annotations

from PySide6.QtCore import QLine, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QTableView

from cxmatrix.domain.roles import Role
from cxmatrix.ui.grid.comment_marks import paint_comment_marks
from cxmatrix.ui.grid.delegates import Colours
from cxmatrix.ui.grid.layers import CURRENT_LAYER
from cxmatrix.ui.grid.model import (
    NAME_COLUMN,
    NOT_TODAY_FILL,
    ROLE_FILL,
    ROLE_INK,
    MatrixModel,
)
from cxmatrix.ui.grid.target_paint import MarkedCell, paint_marks, paint_planned_corners

_NOT_TODAY_HATCH = QBrush(QColor("#C9CDD6"), Qt.BrushStyle.BDiagPattern)

CHIP_MARGIN = 2


class GridPainter:
    """Paints a MatrixView's viewport; keeps its pixmaps until the size or palette changes."""

    def __init__(self) -> None:
        self.colours = Colours()
        self._chips: dict[tuple[Role, int, int, float, int, str], QPixmap] = {}

    def _chip(self, role: Role, width: int, height: int, ratio: float, font: QFont
              ) -> QPixmap:
        outline = self.colours.chip_outline
        key = (role, width, height, ratio, outline.rgba() if outline else 0, font.key())
        chip = self._chips.get(key)
        if chip is None:
            chip = QPixmap(round(width * ratio), round(height * ratio))
            chip.setDevicePixelRatio(ratio)
            chip.fill(ROLE_FILL[role])
            painter = QPainter(chip)
            if outline is not None:
                painter.setPen(outline)
                painter.drawRect(0, 0, width - 1, height - 1)
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(ROLE_INK[role])
            painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter,
                             role.letter)
            painter.end()
            if len(self._chips) > 64:
                self._chips.clear()
            self._chips[key] = chip
        return chip

    def paint(self, view: QTableView, model: MatrixModel, painter: QPainter,
              area: QRect) -> None:
        matrix = model.matrix
        rows = model.rowCount()
        columns = model.columnCount()
        if matrix is None or rows == 0 or columns <= 1:
            return
        colours = self.colours
        colours.update(view.palette())
        first_row = view.rowAt(area.top())
        if first_row < 0:
            return
        last_row = view.rowAt(area.bottom())
        if last_row < 0:
            last_row = rows - 1
        left_column = max(1, view.columnAt(area.left()))
        right_column = view.columnAt(area.right())
        if right_column < 0:
            right_column = columns - 1
        if right_column < left_column:
            return
        xs = [(column, view.columnViewportPosition(column), view.columnWidth(column))
              for column in range(left_column, right_column + 1)
              if not view.isColumnHidden(column)]
        if not xs:
            return
        x_start = xs[0][1]
        x_end = xs[-1][1] + xs[-1][2]
        row_height = view.rowHeight(first_row)
        y = view.rowViewportPosition(first_row)
        ratio = view.devicePixelRatioF()
        font = view.font()
        departments = [model.department_id_at(column) for column, _, _ in xs]
        roles = matrix.roles
        notes = matrix.notes
        layer = model.layer
        marked: list[MarkedCell] = []
        # In Current, the cells with a planned change get a corner mark.
        targets = matrix.targets if layer is CURRENT_LAYER else None
        planned: list[QRect] = []
        commented = matrix.commented_cells() if matrix.comments else None
        comment_marks: list[QRect] = []
        highlight = model.highlight_department_id
        band = colours.band
        note_brush = colours.note
        lines: list[QLine] = []
        note_marks: list[QPolygonF] = []
        # In Current, a planned department's column takes no role today: hatched.
        not_today = [(x, width) for (_column, x, width), dept_id in zip(xs, departments,
                                                                         strict=True)
                     if layer is CURRENT_LAYER and dept_id is not None
                     and matrix.is_planned_department(dept_id)]
        for row in range(first_row, last_row + 1):
            key = model.row_key(row)
            if model.is_stage_row(row):
                painter.fillRect(x_start, y, x_end - x_start, row_height, band)
            else:
                for x, width in not_today:
                    painter.fillRect(x, y, width, row_height, NOT_TODAY_FILL)
                    painter.fillRect(x, y, width, row_height, _NOT_TODAY_HATCH)
                row_roles = (roles.get(key) if layer is CURRENT_LAYER
                             else layer.shown_row(matrix, key))
                if layer.marks_differences:
                    other = layer.other_row(matrix, key)
                    if other is not None and (other or row_roles):
                        for (_column, x, width), dept_id in zip(xs, departments, strict=True):
                            before = other.get(dept_id)  # type: ignore[arg-type]
                            after = row_roles.get(dept_id)  # type: ignore[arg-type]
                            if before is not after and layer.compares_department(dept_id):
                                marked.append(MarkedCell(QRect(x, y, width, row_height),
                                                         before, after))
                elif targets:
                    overrides = targets.get(key)
                    if overrides:
                        for (_column, x, width), dept_id in zip(xs, departments, strict=True):
                            if (dept_id in overrides and overrides[dept_id]  # type: ignore[index]
                                    is not (row_roles.get(dept_id)  # type: ignore[arg-type]
                                            if row_roles else None)):
                                planned.append(QRect(x, y, width, row_height))
                if row_roles:
                    for (_column, x, width), dept_id in zip(xs, departments, strict=True):
                        role = row_roles.get(dept_id)  # type: ignore[arg-type]
                        if role is not None:
                            chip = self._chip(role, width - 2 * CHIP_MARGIN,
                                              row_height - 2 * CHIP_MARGIN, ratio, font)
                            painter.drawPixmap(x + CHIP_MARGIN, y + CHIP_MARGIN, chip)
                if notes:
                    for (_column, x, width), dept_id in zip(xs, departments, strict=True):
                        if (key, dept_id) in notes:
                            right = x + width - 1
                            note_marks.append(QPolygonF([
                                QPointF(right - 7, y + 1), QPointF(right, y + 1),
                                QPointF(right, y + 8)]))
                if commented:
                    for (_column, x, width), dept_id in zip(xs, departments, strict=True):
                        if (key, dept_id) in commented:
                            comment_marks.append(QRect(x, y, width, row_height))
            lines.append(QLine(x_start, y + row_height - 1, x_end, y + row_height - 1))
            y += row_height
        bottom = y
        top = view.rowViewportPosition(first_row)
        for _column, x, width in xs:
            lines.append(QLine(x + width - 1, top, x + width - 1, bottom))
        painter.setPen(colours.grid)
        painter.drawLines(lines)
        paint_marks(painter, marked, view.palette(), font)
        paint_planned_corners(painter, planned, view.palette())
        paint_comment_marks(painter, comment_marks, view.palette())
        if note_marks:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(note_brush)
            for mark in note_marks:
                painter.drawPolygon(mark)
        if highlight is not None:
            column = model.column_of_department(highlight)
            if column is not None and left_column <= column <= right_column:
                x = view.columnViewportPosition(column)
                width = view.columnWidth(column)
                painter.fillRect(x, top, 2, bottom - top, colours.focus)
                painter.fillRect(x + width - 2, top, 2, bottom - top, colours.focus)
        self._paint_selection(view, painter, top, bottom, x_start, x_end)

    def _paint_selection(self, view: QTableView, painter: QPainter, top: int, bottom: int,
                         x_start: int, x_end: int) -> None:
        colours = self.colours
        visible = QRect(QPoint(x_start, top), QPoint(x_end, bottom))
        for selection_range in view.selectionModel().selection():
            left = max(selection_range.left(), 1)
            if left > selection_range.right():
                continue
            x1 = view.columnViewportPosition(left)
            x2 = view.columnViewportPosition(selection_range.right()) + view.columnWidth(
                selection_range.right())
            y1 = view.rowViewportPosition(selection_range.top())
            y2 = view.rowViewportPosition(selection_range.bottom()) + view.rowHeight(
                selection_range.bottom())
            rect = QRect(QPoint(x1, y1), QPoint(x2 - 1, y2 - 1)).intersected(visible)
            if not rect.isEmpty():
                painter.fillRect(rect, colours.selection)
        current = view.currentIndex()
        if current.isValid() and current.column() != NAME_COLUMN and view.hasFocus():
            rect = view.visualRect(current)
            painter.setPen(colours.focus)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))

