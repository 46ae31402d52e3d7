"""Painting the touchpoint name column (finding marker, stage headings with their collapse
arrow, peak and end badges), and the palette-dependent colours the grid shares.

The role cells are painted in one pass by grid_painter.py; this delegate asks the model once
per row for what it needs, in plain Python, instead of going through several ``data()`` calls.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cxmatrix import palette as colours
from cxmatrix.domain.roles import Severity
from cxmatrix.ui.grid.model import (
    KIND,
    SEVERITY_COLOUR,
    STAGE_KIND,
    MatrixModel,
    worst_severity,
)

SELECTED = QStyle.StateFlag.State_Selected
FOCUSED = QStyle.StateFlag.State_HasFocus
CENTER = Qt.AlignmentFlag.AlignCenter
NAME_INDENT = 24  # room for the finding marker before a touchpoint's name
ARROW_WIDTH = 20  # the collapse arrow before a stage's name


def is_dark(pal: QPalette) -> bool:
    return pal.color(QPalette.ColorRole.Base).lightness() < 128


class Colours:
    """Colours that depend on the palette (light or dark), computed once per palette."""

    def __init__(self) -> None:
        self._key: int | None = None
        self.band = QColor()
        self.band_text = QColor()
        self.selection = QColor()
        self.focus = QColor()
        self.highlight_column = QColor()
        self.muted = QColor()
        self.note = QColor("#" + colours.FINDING_WARNING)
        self.chip_outline: QColor | None = None
        self.grid = QColor()

    def update(self, pal: QPalette) -> None:
        key = pal.cacheKey()
        if key == self._key:
            return
        self._key = key
        dark = is_dark(pal)
        base = pal.color(QPalette.ColorRole.Base)
        self.band = base.lighter(175) if dark else QColor("#" + colours.STAGE_BAND)
        if dark and base.lightness() < 20:
            self.band = QColor(58, 62, 70)
        self.band_text = pal.color(QPalette.ColorRole.Text)
        highlight = pal.color(QPalette.ColorRole.Highlight)
        self.selection = QColor(highlight)
        self.selection.setAlpha(110)
        self.focus = QColor(highlight)
        self.highlight_column = QColor(highlight)
        self.highlight_column.setAlpha(45 if not dark else 70)
        self.muted = pal.color(QPalette.ColorRole.PlaceholderText)
        # Opaque: a translucent pen takes the slow blending path for every line.
        self.grid = _mix(pal.color(QPalette.ColorRole.Mid), base, 0.55)
        # The dark Own fill would melt into a dark background: outline the chips there.
        self.chip_outline = QColor(122, 140, 175) if dark else None


class NameDelegate(QStyledItemDelegate):
    """Paints the frozen name column: stage headings and touchpoint names with markers.

    Fonts, metrics, finding markers and badges are made once and reused: this runs for every
    visible row on every paint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours = Colours()
        self._font_key = ""
        self._font = QFont()
        self._bold = QFont()
        self._small = QFont()
        self._metrics = QFontMetrics(self._font)
        self._bold_metrics = QFontMetrics(self._bold)
        self._pixmaps: dict[tuple[object, ...], QPixmap] = {}

    def _fonts(self, font: QFont) -> None:
        key = font.key()
        if key == self._font_key:
            return
        self._font_key = key
        self._font = QFont(font)
        self._bold = QFont(font)
        self._bold.setBold(True)
        self._small = QFont(font)
        self._small.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        self._metrics = QFontMetrics(self._font)
        self._bold_metrics = QFontMetrics(self._bold)
        self._pixmaps.clear()

    def _marker(self, severity: Severity, ratio: float) -> QPixmap:
        key = ("marker", severity, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(round(14 * ratio), round(14 * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            draw_marker(painter, QRect(1, 1, 12, 12), severity)
            painter.end()
            self._pixmaps[key] = pixmap
        return pixmap

    def _badge(self, word: str, ink: QColor, ratio: float) -> QPixmap:
        key = ("badge", word, ink.rgba(), ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            width = QFontMetrics(self._small).horizontalAdvance(word) + 10
            pixmap = QPixmap(round(width * ratio), round(14 * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(ink)
            painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, 13), 6.5, 6.5)
            painter.setFont(self._small)
            painter.drawText(QRectF(0, 0, width, 14), CENTER, word)
            painter.end()
            if len(self._pixmaps) > 64:
                self._pixmaps.clear()
            self._pixmaps[key] = pixmap
        return pixmap

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        model = index.model()
        assert isinstance(model, MatrixModel)
        matrix = model.matrix
        if matrix is None:
            return
        shades = self._colours
        shades.update(option.palette)
        self._fonts(option.font)
        row = index.row()
        key = model.row_key(row)
        rect = option.rect
        pal = option.palette
        selected = bool(option.state & SELECTED)
        ratio = painter.device().devicePixelRatioF()
        if model.is_stage_row(row):
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight) if selected
                             else shades.band)
            ink = pal.color(QPalette.ColorRole.HighlightedText) if selected else shades.band_text
            self._draw_arrow(painter, rect, model.is_collapsed(key), ink)
            painter.setFont(self._bold)
            painter.setPen(ink)
            count = model.stage_count_text(key)
            name = matrix.stage(key).name
            text_rect = rect.adjusted(ARROW_WIDTH + 2, 0, -6, 0)
            reserve = self._metrics.horizontalAdvance(count) + 8  # "4 of 5" while filtered
            shown = self._bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                                  max(20, text_rect.width() - reserve))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, shown)
            used = self._bold_metrics.horizontalAdvance(shown) + 8
            painter.setFont(self._font)
            painter.setPen(ink if selected else shades.muted)
            painter.drawText(text_rect.adjusted(used, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             count)
        else:
            tp = matrix.touchpoint(key)
            if selected:
                painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight))
            ink = pal.color(QPalette.ColorRole.HighlightedText if selected
                            else QPalette.ColorRole.Text)
            severity = worst_severity(model.findings_for(key))
            if severity is not None:
                painter.drawPixmap(rect.left() + 5, rect.center().y() - 6,
                                   self._marker(severity, ratio))
            right = rect.right() - 4
            planned = matrix.is_planned_touchpoint(key)  # exists only at target
            if tp.peak or tp.end or planned:
                badge_ink = ink if selected else shades.muted
                for word in [w for w, flag in (("end", tp.end), ("peak", tp.peak),
                                               ("planned", planned)) if flag]:
                    badge = self._badge(word, badge_ink, ratio)
                    width = round(badge.width() / ratio)
                    painter.drawPixmap(right - width, rect.center().y() - 7, badge)
                    right -= width + 4
            painter.setFont(self._font)
            painter.setPen(ink)
            text_rect = QRect(rect.left() + NAME_INDENT, rect.top(),
                              right - rect.left() - NAME_INDENT - 2, rect.height())
            shown = self._metrics.elidedText(tp.name, Qt.TextElideMode.ElideRight,
                                             text_rect.width())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, shown)
        if option.state & FOCUSED:
            painter.setPen(shades.focus)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))

    @staticmethod
    def _draw_arrow(painter: QPainter, rect: QRect, collapsed: bool, ink: QColor) -> None:
        cx, cy = rect.left() + ARROW_WIDTH / 2 + 2, rect.center().y() + 0.5
        if collapsed:
            points = [QPointF(cx - 3, cy - 5), QPointF(cx + 3, cy), QPointF(cx - 3, cy + 5)]
        else:
            points = [QPointF(cx - 5, cy - 3), QPointF(cx + 5, cy - 3), QPointF(cx, cy + 3)]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawPolygon(QPolygonF(points))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        indent = ARROW_WIDTH if index.data(KIND) == STAGE_KIND else NAME_INDENT
        editor.setGeometry(option.rect.adjusted(indent, 0, 0, 0))


def _mix(first: QColor, second: QColor, share: float) -> QColor:
    """``share`` of ``first`` and the rest of ``second``."""
    return QColor(round(first.red() * share + second.red() * (1 - share)),
                  round(first.green() * share + second.green() * (1 - share)),
                  round(first.blue() * share + second.blue() * (1 - share)))


def draw_marker(painter: QPainter, box: QRect, severity: Severity) -> None:
    """A finding marker whose shape, not only its colour, says how serious it is:
    a filled circle with "!" (error), a triangle with "!" (warning), a ring (information)."""
    colour = SEVERITY_COLOUR[severity]
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if severity is Severity.INFO:
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(box).adjusted(2.5, 2.5, -2.5, -2.5))
        painter.restore()
        return
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    if severity is Severity.ERROR:
        painter.drawEllipse(QRectF(box))
    else:
        painter.drawPolygon(QPolygonF([QPointF(box.center().x() + 0.5, box.top()),
                                       QPointF(box.right() + 1, box.bottom() + 1),
                                       QPointF(box.left(), box.bottom() + 1)]))
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(max(8, box.height() - 3))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(box).adjusted(0, 1, 0, 1), CENTER, "!")
    painter.restore()
