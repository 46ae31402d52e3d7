"""The drift chart: ownership across snapshots, in order, drawn with QPainter.

Four strips share one time axis (each snapshot, then now): the share of touchpoints with
exactly one owner, and the counts with no owner, with several owners, and handled but owned by
nobody (the fallout load); with a plan, a dashed last step to the target. Each strip has its
own scale, its values written at the points and its own marker shape, so it reads in
greyscale and on a dark palette alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from cxmatrix import palette as colours
from cxmatrix.domain.signoff import medium_day
from cxmatrix.domain.snapshots import DriftPoint, OwnershipFigures


@dataclass(frozen=True, slots=True)
class Series:
    title: str
    value: Callable[[OwnershipFigures], float]
    text: Callable[[OwnershipFigures], str]
    colour: str  # hex, or "" for the palette's highlight
    marker: str  # circle, square, triangle, diamond
    share: bool = False  # 0..100 % scale
    better_low: bool = True


SERIES = (
    Series("Exactly one owner", lambda f: 100 * f.one_owner_share,
           lambda f: f"{round(100 * f.one_owner_share)}%", "", "circle", share=True,
           better_low=False),
    Series("No owner", lambda f: f.no_owner, lambda f: f"{f.no_owner:,}",
           colours.FINDING_ERROR, "square"),
    Series("Several owners", lambda f: f.several_owners, lambda f: f"{f.several_owners:,}",
           colours.FINDING_WARNING, "triangle"),
    Series("Handled, not owned", lambda f: f.handle_without_own,
           lambda f: f"{f.handle_without_own:,}", colours.ROLE_FILL["handle"], "diamond"),
)


class DriftChart(QWidget):
    """Small multiples of the four ownership figures over the points given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("driftChart")
        self.points: list[DriftPoint] = []
        self.target: DriftPoint | None = None  # where the plan leads, drawn dashed
        self.has_snapshots = False
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_points(self, points: list[DriftPoint], *, has_snapshots: bool = True,
                   target: DriftPoint | None = None) -> None:
        self.points = list(points)
        self.target = target
        self.has_snapshots = has_snapshots and len(points) > 1
        shown = [*self.points, *([target] if target is not None else [])]
        self.setToolTip("\n".join(
            f"{p.name} ({p.taken:%Y-%m-%d}): {round(100 * p.figures.one_owner_share)}% one "
            f"owner, {p.figures.no_owner} no owner, {p.figures.several_owners} several, "
            f"{p.figures.handle_without_own} handled but not owned" for p in shown))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        if not self.has_snapshots:
            painter.setPen(muted)
            message = ("No snapshots yet. Matrix > Take Snapshot… freezes the matrix as it is; "
                       "the chart then follows ownership from one snapshot to the next.")
            if self.points:
                now = self.points[-1].figures
                message += (f"\n\nNow: {round(100 * now.one_owner_share)}% of "
                            f"{now.touchpoints:,} touchpoints have exactly one owner, "
                            f"{now.no_owner:,} none, {now.several_owners:,} several.")
            painter.drawText(QRectF(self.rect()).adjusted(10, 10, -10, -10),
                             Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop, message)
            painter.end()
            return
        metrics = self.fontMetrics()
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))
        bold = QFont(self.font())
        bold.setBold(True)
        line = metrics.height()
        left, right = 12.0, 14.0
        axis_height = 2 * line + 6
        top = 4.0
        area_height = self.height() - top - axis_height
        strip = area_height / len(SERIES)
        shown = [*self.points, *([self.target] if self.target is not None else [])]
        count = len(shown)
        solid = len(self.points)  # the points measured; the target's segment is dashed
        width = self.width() - left - right
        # Wide and short (a dock below the grid): the titles in a column on the left.
        beside = self.width() >= 420
        bold_metrics = QFontMetricsF(bold)
        titles = (max(bold_metrics.horizontalAdvance(s.title) for s in SERIES) + 18
                  if beside else 0.0)
        plot_left = left + titles
        plot_width = width - titles
        inset = max(28.0, metrics.horizontalAdvance("100%") / 2 + 6)
        step = (plot_width - 2 * inset) / max(1, count - 1)
        xs = [plot_left + inset + i * step for i in range(count)]
        grid_pen = QPen(_mix(muted, pal.color(QPalette.ColorRole.Base), 0.45), 1)
        for number, series in enumerate(SERIES):
            y0 = top + number * strip
            colour = (pal.color(QPalette.ColorRole.Highlight) if not series.colour
                      else QColor("#" + series.colour))
            painter.setPen(text)
            painter.setFont(bold)
            if beside:
                painter.drawText(QRectF(left, y0, titles, strip),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 series.title)
            else:
                painter.drawText(QRectF(left, y0, width, line), Qt.AlignmentFlag.AlignLeft,
                                 series.title)
            values = [series.value(p.figures) for p in shown]
            high = 100.0 if series.share else max(1.0, *values)
            plot_top = y0 + (0 if beside else line) + line + 2  # room for the value labels
            plot_bottom = y0 + strip - 6
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(plot_left, plot_bottom),
                             QPointF(plot_left + plot_width, plot_bottom))
            if plot_bottom - plot_top < 2:
                plot_top = plot_bottom - 2
            points = [QPointF(x, plot_bottom - (plot_bottom - plot_top) * v / high)
                      for x, v in zip(xs, values, strict=True)]
            path = QPainterPath(points[0])
            for point in points[1:solid]:
                path.lineTo(point)
            painter.setPen(QPen(colour, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            if solid < count:
                painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
                painter.drawLine(points[solid - 1], points[solid])
            painter.setFont(small)
            base = pal.color(QPalette.ColorRole.Base)
            for number, (point, figure) in enumerate(zip(points, shown, strict=True)):
                _marker(painter, series.marker, point, colour if number < solid else base,
                        colour if number >= solid else text)
                label = series.text(figure.figures)
                painter.setPen(text)
                painter.drawText(QRectF(point.x() - 40, point.y() - line - 5, 80, line),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                                 label)
        painter.setFont(small)
        axis_top = top + area_height + 2
        slot = step if count > 1 else plot_width
        for number, (x, point) in enumerate(zip(xs, shown, strict=True)):
            name = metrics.elidedText(point.name, Qt.TextElideMode.ElideRight,
                                      int(max(40.0, slot - 6)))
            # The first and last labels keep inside the chart: left- and right-aligned there.
            box = QRectF(x - slot / 2, axis_top, slot, line)
            align = Qt.AlignmentFlag.AlignHCenter
            if number == 0 and count > 1:
                box = QRectF(x - inset, axis_top, slot, line)
                align = Qt.AlignmentFlag.AlignLeft
            elif number == count - 1 and count > 1:
                box = QRectF(x + inset - slot, axis_top, slot, line)
                align = Qt.AlignmentFlag.AlignRight
            painter.setPen(text)
            painter.drawText(box, align, name)
            painter.setPen(muted)
            when = ("today" if point is self.points[-1] and point.name == "Now"
                    else "planned" if number >= solid else medium_day(point.taken))
            painter.drawText(box.translated(0, line), align, when)
        painter.end()


def _marker(painter: QPainter, shape: str, at: QPointF, fill: QColor, edge: QColor) -> None:
    painter.setPen(QPen(edge, 1))
    painter.setBrush(fill)
    r = 4.5
    if shape == "circle":
        painter.drawEllipse(at, r, r)
    elif shape == "square":
        painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
    elif shape == "triangle":
        path = QPainterPath(QPointF(at.x(), at.y() - r - 1))
        path.lineTo(QPointF(at.x() + r + 1, at.y() + r))
        path.lineTo(QPointF(at.x() - r - 1, at.y() + r))
        path.closeSubpath()
        painter.drawPath(path)
    else:
        path = QPainterPath(QPointF(at.x(), at.y() - r - 1))
        path.lineTo(QPointF(at.x() + r + 1, at.y()))
        path.lineTo(QPointF(at.x(), at.y() + r + 1))
        path.lineTo(QPointF(at.x() - r - 1, at.y()))
        path.closeSubpath()
        painter.drawPath(path)


def _mix(first: QColor, second: QColor, share: float) -> QColor:
    return QColor(round(first.red() * share + second.red() * (1 - share)),
                  round(first.green() * share + second.green() * (1 - share)),
                  round(first.blue() * share + second.blue() * (1 - share)))
