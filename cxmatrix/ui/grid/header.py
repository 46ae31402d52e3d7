"""The grid's column header: Qt's own sections, with each department's sign-off mark
(``ui/signoff_marks``) painted small in the section's top-left corner, where it takes none of
the width the department's name needs (a decoration would push the name aside and cut
"Engineering" to "ngineerin" in a default-width column)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QIcon, QPainter
from PySide6.QtWidgets import QHeaderView, QWidget

MARK_SIZE = 12
MARK_INSET = 3


class MarkedHeader(QHeaderView):
    """A horizontal header that paints the icon a model gives for ``mark_role``."""

    def __init__(self, mark_role: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.mark_role = mark_role
        self.setSectionsClickable(True)

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:
        painter.save()
        super().paintSection(painter, rect, logical_index)
        painter.restore()
        model = self.model()
        if model is None or not rect.isValid():
            return
        icon = model.headerData(logical_index, Qt.Orientation.Horizontal, self.mark_role)
        if isinstance(icon, QIcon):
            corner = QRect(rect.topLeft() + QPoint(MARK_INSET, MARK_INSET),
                           rect.topLeft() + QPoint(MARK_INSET + MARK_SIZE - 1,
                                                   MARK_INSET + MARK_SIZE - 1))
            icon.paint(painter, corner)
