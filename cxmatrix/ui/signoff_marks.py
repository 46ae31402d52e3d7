"""The small marks a department's column header shows for its sign-off, drawn as shapes so
they read in greyscale: agreed is a filled circle with a check, out of date a hollow circle
with a check (agreed once, changed since), disputed a filled diamond with a cross. Not asked
and asked show none. Each has a tooltip line."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from cxmatrix import palette
from cxmatrix.domain.signoff import DepartmentSignOff, SignOffState, long_day

SIZE = 14
INK = QColor("#1B2A49")
AGREED = QColor("#2E7D4F")
DISPUTED = QColor("#" + palette.FINDING_WARNING)


class Mark(Enum):
    AGREED = "agreed"
    OUT_OF_DATE = "out of date"
    DISPUTED = "disputed"


def mark_of(status: DepartmentSignOff) -> Mark | None:
    if status.out_of_date:
        return Mark.OUT_OF_DATE
    if status.agreed:
        return Mark.AGREED
    if status.state is SignOffState.DISPUTED:
        return Mark.DISPUTED
    return None


def tooltip_line(status: DepartmentSignOff) -> str:
    """"Sign-off: agreed by Maren Lindqvist on 14 January 2026" and the like."""
    record = status.record
    if record is None:
        return "Sign-off: not asked"
    who = f" by {record.lead}" if record.lead else ""
    day = f" on {long_day(record.when)}" if record.when else ""
    if status.out_of_date:
        count = len(status.changes)
        return (f"Sign-off: out of date (agreed{who}{day}; {count} "
                f"change{'' if count == 1 else 's'} since)")
    if status.state is SignOffState.DISPUTED:
        count = len(record.disputes)
        return (f"Sign-off: disputed{who}{day} ({count} "
                f"touchpoint{'' if count == 1 else 's'})")
    verb = "agreed" if status.state is SignOffState.AGREED else "asked"
    return f"Sign-off: {verb}{who}{day}"


_ICONS: dict[Mark, QIcon] = {}


def mark_icon(mark: Mark) -> QIcon:
    icon = _ICONS.get(mark)
    if icon is None:
        icon = _ICONS[mark] = QIcon(_draw(mark, 1.0))
        icon.addPixmap(_draw(mark, 2.0))
    return icon


def _draw(mark: Mark, scale: float) -> QPixmap:
    pixmap = QPixmap(int(SIZE * scale), int(SIZE * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(1.5, 1.5, SIZE - 3, SIZE - 3)
    check = QPainterPath(QPointF(4.0, 7.2))
    check.lineTo(6.2, 9.6)
    check.lineTo(10.2, 4.6)
    if mark is Mark.AGREED:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(AGREED)
        painter.drawEllipse(box)
        painter.setPen(QPen(QColor("white"), 1.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(check)
    elif mark is Mark.OUT_OF_DATE:
        painter.setPen(QPen(INK, 1.4, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(box)
        painter.setPen(QPen(INK, 1.6))
        painter.drawPath(check)
    else:
        middle = SIZE / 2
        diamond = QPolygonF([QPointF(middle, 0.8), QPointF(SIZE - 0.8, middle),
                             QPointF(middle, SIZE - 0.8), QPointF(0.8, middle)])
        painter.setPen(QPen(INK, 1.0))  # an outline keeps the diamond in greyscale
        painter.setBrush(DISPUTED)
        painter.drawPolygon(diamond)
        painter.setPen(QPen(QColor("white"), 1.9))
        painter.drawLine(QPointF(4.9, 4.9), QPointF(9.1, 9.1))
        painter.drawLine(QPointF(9.1, 4.9), QPointF(4.9, 9.1))
    painter.end()
    return pixmap
