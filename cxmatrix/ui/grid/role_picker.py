"""The role picker: a small drop-down list under a role cell, like a spreadsheet's data
validation list (Own, Influence, Handle, No role).

It opens on a double click or Alt+Down on a role cell. Up/Down (or the mouse) move through it,
Enter or a click picks, the letters O, I, H and Delete pick directly, Escape (or a click
elsewhere) closes it and changes nothing. It only reports the choice (``picked``); the grid
turns that into an undoable command.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListWidget, QListWidgetItem, QWidget

from cxmatrix.domain.roles import Role
from cxmatrix.ui.grid.model import ROLE_FILL, ROLE_INK

CHOICES: tuple[Role | None, ...] = (Role.OWN, Role.INFLUENCE, Role.HANDLE, None)
CHOICE_KEYS = {Qt.Key.Key_O: Role.OWN, Qt.Key.Key_I: Role.INFLUENCE, Qt.Key.Key_H: Role.HANDLE,
               Qt.Key.Key_Delete: None, Qt.Key.Key_Backspace: None, Qt.Key.Key_N: None}
CHIP = QSize(26, 16)


def _chip_icon(role: Role | None, font: QFont, outline: QColor) -> QIcon:
    """The role's letter on its fill, as the grid paints it; a dashed box for no role."""
    ratio = 2.0
    pixmap = QPixmap(round(CHIP.width() * ratio), round(CHIP.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    box = QRect(0, 0, CHIP.width() - 1, CHIP.height() - 1)
    if role is None:
        pen = painter.pen()
        pen.setColor(outline)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(box, 3, 3)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ROLE_FILL[role])
        painter.drawRoundedRect(box, 3, 3)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(ROLE_INK[role])
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, role.letter)
    painter.end()
    return QIcon(pixmap)


class RolePicker(QListWidget):
    """A pop-up list of the roles; ``picked`` says which one the user chose."""

    picked = Signal(object)  # Role | None

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("rolePicker")
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(CHIP)
        self.setUniformItemSizes(True)
        self.setMouseTracking(True)  # the row under the mouse is highlighted, as in a menu
        self.setAccessibleName("Role")
        outline = self.palette().color(self.palette().ColorRole.PlaceholderText)
        row_height = max(CHIP.height() + 8, self.fontMetrics().height() + 8)
        for role in CHOICES:
            label = role.label if role is not None else "No role"
            key = role.letter if role is not None else "Del"
            item = QListWidgetItem(_chip_icon(role, self.font(), outline), f"{label}  ({key})")
            item.setData(Qt.ItemDataRole.UserRole, role.value if role is not None else "")
            item.setToolTip(role.meaning if role is not None else "Remove the role")
            item.setSizeHint(QSize(self.fontMetrics().horizontalAdvance(item.text())
                                   + CHIP.width() + 24, row_height))
            self.addItem(item)
        self.itemClicked.connect(self._pick_item)
        self.itemActivated.connect(self._pick_item)
        self.itemEntered.connect(self.setCurrentItem)

    def role_at(self, row: int) -> Role | None:
        value = self.item(row).data(Qt.ItemDataRole.UserRole)
        return Role(value) if value else None

    def current_role(self) -> Role | None:
        return self.role_at(max(0, self.currentRow()))

    def open_at(self, cell: QRect, viewport: QWidget, current: Role | None) -> None:
        """Show the list just under ``cell`` (viewport coordinates), the current role chosen;
        above the cell if there is no room below."""
        self.setCurrentRow(CHOICES.index(current))
        rows = self.count() * self.sizeHintForRow(0) + 2 * self.frameWidth()
        width = max(cell.width(), self.sizeHintForColumn(0) + 2 * self.frameWidth() + 8)
        self.resize(width, rows)
        below = viewport.mapToGlobal(cell.bottomLeft() + QPoint(0, 1))
        screen = viewport.screen().availableGeometry()
        if below.y() + rows > screen.bottom():
            below = viewport.mapToGlobal(cell.topLeft() - QPoint(0, rows + 1))
        below.setX(max(screen.left(), min(below.x(), screen.right() - width)))
        self.move(below)
        self.show()
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick_item(self, item: QListWidgetItem) -> None:
        self._pick(self.role_at(self.row(item)))

    def _pick(self, role: Role | None) -> None:
        self.close()
        self.picked.emit(role)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier in (
            Qt.KeyboardModifier.NoModifier,)
        if key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and event.modifiers()
                                        & Qt.KeyboardModifier.AltModifier):
            self.close()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._pick(self.current_role())
            return
        if plain and key in CHOICE_KEYS:
            self._pick(CHOICE_KEYS[Qt.Key(key)])
            return
        if key == Qt.Key.Key_Tab:
            self.close()
            return
        super().keyPressEvent(event)
