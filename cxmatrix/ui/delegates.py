"""Painting the grid: role cells (letter on the role colour) and the touchpoint name column
(finding marker, stage headings with their collapse arrow, peak and end badges).

Both delegates ask the model once per cell for what they need, in plain Python, instead of
going through several ``data()`` calls; that keeps a full 1600x1000 viewport cheap to paint.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cxmatrix import palette as colours
from cxmatrix.domain.roles import Severity
from cxmatrix.ui.matrix_model import (
    NAME_COLUMN,
    ROLE_FILL,
    ROLE_INK,
    SEVERITY_COLOUR,
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


class _Colours:
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
        # The dark Own fill would melt into a dark background: outline the chips there.
        self.chip_outline = QColor(122, 140, 175) if dark else None


class RoleCellDelegate(QStyledItemDelegate):
    """Paints a department cell: the role's letter on the role's colour, a corner mark for a
    note, the lens column tinted, the selection as a translucent overlay."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours = _Colours()
        self._letter_font: QFont | None = None
        self._font_key = ""

    def _font(self, base: QFont) -> QFont:
        key = base.key()
        if self._letter_font is None or key != self._font_key:
            self._letter_font = QFont(base)
            self._letter_font.setBold(True)
            self._font_key = key
        return self._letter_font

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        column = index.column()
        if column == NAME_COLUMN:
            return  # covered by the frozen name column
        model = index.model()
        assert isinstance(model, MatrixModel)
        is_stage, role, has_note, highlighted = model.cell_paint_info(index.row(), column)
        shades = self._colours
        shades.update(option.palette)
        rect = option.rect
        if is_stage:
            painter.fillRect(rect, shades.band)
        if highlighted:
            painter.fillRect(rect.left(), rect.top(), 2, rect.height(), shades.focus)
            painter.fillRect(rect.right() - 1, rect.top(), 2, rect.height(), shades.focus)
        if role is not None:
            inner = rect.adjusted(2, 2, -2, -2)
            painter.fillRect(inner, ROLE_FILL[role])
            if shades.chip_outline is not None:
                painter.setPen(shades.chip_outline)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(inner.adjusted(0, 0, -1, -1))
            painter.setPen(ROLE_INK[role])
            painter.setFont(self._font(option.font))
            painter.drawText(inner, CENTER, role.letter)
        if has_note:
            corner = QPolygonF([QPointF(rect.right() - 7, rect.top() + 1),
                                QPointF(rect.right(), rect.top() + 1),
                                QPointF(rect.right(), rect.top() + 8)])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shades.note)
            painter.drawPolygon(corner)
        state = option.state
        if state & SELECTED:
            painter.fillRect(rect, shades.selection)
        if state & FOCUSED:
            painter.setPen(shades.focus)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))


class NameDelegate(QStyledItemDelegate):
    """Paints the frozen name column: stage headings and touchpoint names with markers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours = _Colours()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        model = index.model()
        assert isinstance(model, MatrixModel)
        matrix = model.matrix
        if matrix is None:
            return
        shades = self._colours
        shades.update(option.palette)
        row = index.row()
        key = model.row_key(row)
        rect = option.rect
        pal = option.palette
        selected = bool(option.state & SELECTED)
        painter.save()
        font = QFont(option.font)
        if model.is_stage_row(row):
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight) if selected
                             else shades.band)
            ink = pal.color(QPalette.ColorRole.HighlightedText) if selected else shades.band_text
            self._draw_arrow(painter, rect, model.is_collapsed(key), ink)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(ink)
            count = len(matrix.stage_touchpoint_ids(key))
            name = matrix.stage(key).name
            text_rect = rect.adjusted(ARROW_WIDTH + 2, 0, -6, 0)
            metrics = QFontMetrics(font)
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                        max(20, text_rect.width() - 40))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, shown)
            used = metrics.horizontalAdvance(shown) + 8
            font.setBold(False)
            painter.setFont(font)
            painter.setPen(ink if selected else shades.muted)
            painter.drawText(text_rect.adjusted(used, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             f"{count}")
        else:
            tp = matrix.touchpoint(key)
            if selected:
                painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight))
            ink = pal.color(QPalette.ColorRole.HighlightedText if selected
                            else QPalette.ColorRole.Text)
            severity = worst_severity(model.session.findings.for_touchpoint(key))
            if severity is not None:
                draw_marker(painter, QRect(rect.left() + 6, rect.center().y() - 6, 12, 12),
                            severity)
            badges = [w for w, flag in (("peak", tp.peak), ("end", tp.end)) if flag]
            right = rect.right() - 4
            small = QFont(font)
            small.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
            small_metrics = QFontMetrics(small)
            badge_ink = ink if selected else shades.muted
            for word in reversed(badges):
                width = small_metrics.horizontalAdvance(word) + 10
                badge = QRectF(right - width, rect.center().y() - 7, width, 14)
                painter.setPen(badge_ink)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.drawRoundedRect(badge, 7, 7)
                painter.setFont(small)
                painter.drawText(badge, CENTER, word)
                right = int(badge.left()) - 4
            painter.setFont(font)
            painter.setPen(ink)
            text_rect = QRect(rect.left() + NAME_INDENT, rect.top(),
                              right - rect.left() - NAME_INDENT - 2, rect.height())
            shown = QFontMetrics(font).elidedText(tp.name, Qt.TextElideMode.ElideRight,
                                                  text_rect.width())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, shown)
        if option.state & FOCUSED:
            painter.setPen(shades.focus)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.restore()

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

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        indent = ARROW_WIDTH if index.model().data(index, Qt.ItemDataRole.UserRole + 1) == (
            "stage") else NAME_INDENT
        editor.setGeometry(option.rect.adjusted(indent, 0, 0, 0))


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
