"""The grid's column header: Qt's own sections, with each department's sign-off mark
(``ui/signoff_marks``) in a strip of its own above the department's name, so the mark takes
none of the width the name needs (a decoration beside it would cut "Engineering" to
"ngineerin" in a default-width column) and never touches the text. The header is that strip
taller only while some department has a mark."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

from cxmatrix.ui.signoff_marks import Mark, colours_of, draw_mark

MARK_SIZE = 14
MARK_GAP = 4  # between the mark's strip and the name below it
STRIP = MARK_SIZE + MARK_GAP + 2


class MarkedHeader(QHeaderView):
    """A horizontal header that paints the Mark a model gives for ``mark_role``."""

    def __init__(self, mark_role: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.mark_role = mark_role
        self.setSectionsClickable(True)
        self._marked = False
        self.sectionCountChanged.connect(lambda *_: self._remeasure())

    def setModel(self, model: object) -> None:  # type: ignore[override]
        super().setModel(model)  # type: ignore[arg-type]
        if self.model() is not None:
            self.model().modelReset.connect(self._remeasure)
            self.model().headerDataChanged.connect(lambda *_: self._remeasure())
        self._remeasure()

    def _mark(self, logical_index: int) -> Mark | None:
        model = self.model()
        if model is None:
            return None
        mark = model.headerData(logical_index, Qt.Orientation.Horizontal, self.mark_role)
        return mark if isinstance(mark, Mark) else None

    def any_mark(self) -> bool:
        """Whether some section shows a mark (the header then keeps the strip for it)."""
        return any(self._mark(i) is not None for i in range(self.count()))

    def _remeasure(self) -> None:
        marked = self.any_mark()
        if marked != self._marked:
            self._marked = marked
            self.updateGeometry()
            self.viewport().update()

    def sectionSizeFromContents(self, logical_index: int) -> QSize:
        size = super().sectionSizeFromContents(logical_index)
        return QSize(size.width(), size.height() + STRIP) if self._marked else size

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:
        if not self._marked or not rect.isValid():
            painter.save()
            super().paintSection(painter, rect, logical_index)
            painter.restore()
            return
        option = QStyleOptionHeader()
        self.initStyleOptionForIndex(option, logical_index)
        option.rect = rect
        style = self.style()
        painter.save()
        style.drawControl(QStyle.ControlElement.CE_HeaderSection, option, painter, self)
        painter.restore()
        label = QStyleOptionHeader(option)
        label.rect = rect.adjusted(0, STRIP, 0, 0)
        painter.save()
        style.drawControl(QStyle.ControlElement.CE_HeaderLabel, label, painter, self)
        painter.restore()
        mark = self._mark(logical_index)
        if mark is not None:
            ink, paper = colours_of(option.palette)
            left = rect.left() + (rect.width() - MARK_SIZE) / 2
            draw_mark(painter, QRectF(left, rect.top() + 4, MARK_SIZE, MARK_SIZE), mark,
                      ink, paper)

