"""The small marks a department's column header shows for its sign-off, four different shapes
so they read in greyscale and at any zoom: agreed is a filled circle with a check, out of date
a hollow triangle with an exclamation mark (agreed once, changed since), disputed a filled
diamond with a cross, asked an envelope (a review pack is out). Not asked shows none. The
outlines are drawn in the widget's text colour, so the hollow shapes show on a dark window as
on a light one. Each has a tooltip line."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from cxmatrix import palette
from cxmatrix.domain.signoff import (
    DepartmentSignOff,
    SignOffState,
    asked_phrase,
    long_day,
)

SIZE = 14
INK = QColor("#1B2A49")  # outlines on a light window; a dark one passes its text colour
PAPER = QColor("white")
AGREED = QColor("#2E7D4F")
DISPUTED = QColor("#" + palette.FINDING_WARNING)


class Mark(Enum):
    AGREED = "agreed"
    OUT_OF_DATE = "out of date"
    DISPUTED = "disputed"
    ASKED = "asked"


def mark_of(status: DepartmentSignOff) -> Mark | None:
    if status.out_of_date:
        return Mark.OUT_OF_DATE
    if status.agreed:
        return Mark.AGREED
    if status.state is SignOffState.DISPUTED:
        return Mark.DISPUTED
    if status.state is SignOffState.ASKED:
        return Mark.ASKED
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
    if status.state is SignOffState.AGREED:
        return f"Sign-off: agreed{who}{day}"
    return f"Sign-off: asked, {asked_phrase(record)}"


_ICONS: dict[tuple[Mark, str, str], QIcon] = {}


def colours_of(palette: QPalette) -> tuple[QColor, QColor]:
    """The ink (outlines, the hollow marks' signs) and paper (their fill) for a widget's
    palette: dark ink on white in a light window, light ink on the dark base in a dark one."""
    text = palette.color(QPalette.ColorRole.Text)
    if text.lightness() < 128:
        return INK, PAPER
    return text, palette.color(QPalette.ColorRole.Base)


def mark_icon(mark: Mark, palette: QPalette | None = None) -> QIcon:
    """The mark as an icon (for item views), in the colours of ``palette`` (None: light)."""
    ink, paper = colours_of(palette) if palette is not None else (INK, PAPER)
    key = (mark, ink.name(), paper.name())
    icon = _ICONS.get(key)
    if icon is None:
        icon = _ICONS[key] = QIcon(_pixmap(mark, 1.0, ink, paper))
        icon.addPixmap(_pixmap(mark, 2.0, ink, paper))
    return icon


def _pixmap(mark: Mark, scale: float, ink: QColor, paper: QColor) -> QPixmap:
    pixmap = QPixmap(int(SIZE * scale), int(SIZE * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    draw_mark(painter, QRectF(0, 0, SIZE, SIZE), mark, ink, paper)
    painter.end()
    return pixmap


def draw_mark(painter: QPainter, rect: QRectF, mark: Mark, ink: QColor = INK,
              paper: QColor = PAPER) -> None:
    """Paint ``mark`` into ``rect`` (square, any size: drawn as vectors at the painter's
    resolution)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.topLeft())
    painter.scale(rect.width() / SIZE, rect.height() / SIZE)
    _SHAPES[mark](painter, ink, paper)
    painter.restore()


def _agreed(painter: QPainter, ink: QColor, paper: QColor) -> None:
    painter.setPen(QPen(ink, 0.8))
    painter.setBrush(AGREED)
    painter.drawEllipse(QRectF(1.0, 1.0, SIZE - 2, SIZE - 2))
    check = QPainterPath(QPointF(3.9, 7.3))
    check.lineTo(6.1, 9.7)
    check.lineTo(10.3, 4.5)
    painter.setPen(QPen(QColor("white"), 1.9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(check)


def _out_of_date(painter: QPainter, ink: QColor, paper: QColor) -> None:
    triangle = QPolygonF([QPointF(SIZE / 2, 0.9), QPointF(SIZE - 0.7, SIZE - 1.4),
                          QPointF(0.7, SIZE - 1.4)])
    painter.setPen(QPen(ink, 1.3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(paper)
    painter.drawPolygon(triangle)
    painter.setPen(QPen(ink, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(SIZE / 2, 5.0), QPointF(SIZE / 2, 8.4))
    painter.drawPoint(QPointF(SIZE / 2, 10.6))


def _disputed(painter: QPainter, ink: QColor, paper: QColor) -> None:
    middle = SIZE / 2
    diamond = QPolygonF([QPointF(middle, 0.5), QPointF(SIZE - 0.5, middle),
                         QPointF(middle, SIZE - 0.5), QPointF(0.5, middle)])
    painter.setPen(QPen(ink, 0.8))  # an outline keeps the diamond in greyscale
    painter.setBrush(DISPUTED)
    painter.drawPolygon(diamond)
    painter.setPen(QPen(QColor("white"), 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(4.9, 4.9), QPointF(9.1, 9.1))
    painter.drawLine(QPointF(9.1, 4.9), QPointF(4.9, 9.1))


def _asked(painter: QPainter, ink: QColor, paper: QColor) -> None:
    envelope = QRectF(0.9, 3.0, SIZE - 1.8, SIZE - 6.0)
    painter.setPen(QPen(ink, 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(paper)
    painter.drawRect(envelope)
    flap = QPainterPath(envelope.topLeft())
    flap.lineTo(QPointF(SIZE / 2, 7.6))
    flap.lineTo(envelope.topRight())
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(flap)


_SHAPES = {Mark.AGREED: _agreed, Mark.OUT_OF_DATE: _out_of_date, Mark.DISPUTED: _disputed,
           Mark.ASKED: _asked}
