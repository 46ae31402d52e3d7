"""Painting a cell whose two states differ: the target (or today's) role large, the role it
replaces small and struck through in the corner, inside a dashed frame.

The mark reads without colour: a struck-through letter, a "+" for a role the cell gains, a
dash where the cell loses its role, and a dashed frame (in the palette's highlight colour over
the base colour, so it shows on every role fill, light or dark).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QPen, QPolygonF

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.ui.grid.layers import GridLayer


@dataclass(frozen=True, slots=True)
class MarkedCell:
    rect: QRect
    before: Role | None
    after: Role | None


def difference_text(layer: GridLayer, difference: tuple[Role | None, Role | None]) -> str:
    """"Planned change: today Handle, target Own" (tooltips and accessibility)."""
    before, after = (r.label if r is not None else "no role" for r in difference)
    if layer.read_only:
        return f"Changed since {layer.baseline_name}: was {before}, now {after}"
    return f"Planned change: today {before}, target {after}"


def planned_text(matrix: Matrix, touchpoint_id: int, department_id: int) -> str:
    """"Planned: Influence → Own (due 2026-03-31, Anna)": a planned change as the Current view
    names it (tooltips of the corner mark)."""
    before, after = (r.label if r is not None else "no role" for r in (
        matrix.role(touchpoint_id, department_id),
        matrix.target_role(touchpoint_id, department_id)))
    text = f"Planned: {before} → {after}"
    action = matrix.action(touchpoint_id, department_id)
    if action is not None:
        parts = [f"due {action.due.isoformat()}"] if action.due is not None else []
        if action.person:
            parts.append(action.person)
        if action.status.value != "planned":
            parts.append(action.status.value)
        if parts:
            text += f" ({', '.join(parts)})"
    return text


def paint_planned_corners(painter: QPainter, cells: list[QRect], palette: QPalette) -> None:
    """In Current: a small triangle in the bottom-left corner of each cell with a planned
    change, in the text colour with a base-coloured rim, so it reads in greyscale on every
    role fill and in dark mode (the note mark takes the top-right corner)."""
    if not cells:
        return
    ink = palette.color(QPalette.ColorRole.Text)
    rim = QPen(palette.color(QPalette.ColorRole.Base), 1.5)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(rim)
    painter.setBrush(ink)
    for rect in cells:
        size = max(7.0, min(12.0, rect.height() * 0.5))
        left = rect.left() + 1.5
        bottom = rect.bottom() - 0.5
        painter.drawPolygon(QPolygonF([QPointF(left, bottom - size), QPointF(left, bottom),
                                       QPointF(left + size, bottom)]))
    painter.restore()


def paint_marks(painter: QPainter, cells: list[MarkedCell], palette: QPalette,
                font: QFont) -> None:
    """Mark each cell whose roles differ (called after the role chips are painted)."""
    if not cells:
        return
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    accent = palette.color(QPalette.ColorRole.Highlight)
    muted = palette.color(QPalette.ColorRole.PlaceholderText)
    small = QFont(font)
    small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
    under = QPen(base, 2)
    dashes = QPen(accent, 2, Qt.PenStyle.CustomDashLine)
    dashes.setDashPattern([2.0, 1.5])
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for cell in cells:
        rect = QRectF(cell.rect).adjusted(2, 2, -3, -3)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(under)
        painter.drawRect(rect)
        painter.setPen(dashes)
        painter.drawRect(rect)
        if cell.after is None:
            painter.setFont(font)
            painter.setPen(muted)
            painter.drawText(QRectF(cell.rect), Qt.AlignmentFlag.AlignCenter, "—")
        # Today's role on the left of the cell, as tall as the chip allows and a quarter of
        # its width: the target letter stays centred beside it.
        height = max(10.0, cell.rect.height() - 9.0)
        width = max(height, min(24.0, cell.rect.width() * 0.28))
        badge = QRectF(cell.rect.left() + 4.5, cell.rect.top() + 4.5, width, height)
        painter.setPen(QPen(text, 1))
        painter.setBrush(base)
        painter.drawRoundedRect(badge, 2, 2)
        painter.setFont(small)
        if cell.before is None:
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "+")
            continue
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, cell.before.letter)
        painter.setPen(QPen(text, 1.5))
        painter.drawLine(QLineF(badge.left() + 2.5, badge.bottom() - 2.5,
                                badge.right() - 2.5, badge.top() + 2.5))
    painter.restore()
