"""What the window shows when no matrix is open: open, new, import a spreadsheet, the demo,
recent files.

A recent file is two lines: its name in bold, and below it the folder, elided in the middle
so that both ends of a long path stay readable (the tooltip has the whole path); the list
never scrolls sideways.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

PATH_ROLE = Qt.ItemDataRole.UserRole  # the whole path, what opening the item opens
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1  # the folder, shown under the name
PADDING = 4  # pixels around and between the two lines


class RecentFileDelegate(QStyledItemDelegate):
    """Paints a recent file as its name in bold over its folder, elided in the middle."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        name_font = QFont(option.font)
        name_font.setBold(True)
        return name_font, QFont(option.font)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        name_font, folder_font = self._fonts(option)
        height = _line_height(name_font) + _line_height(folder_font) + 3 * PADDING
        # As narrow as anything: the view's width decides, the folder is elided to it.
        return QSize(1, height)

    def lines(self, option: QStyleOptionViewItem, name: str, folder: str
              ) -> list[tuple[str, QFont, QRect]]:
        """The two lines as drawn in ``option.rect``: the name, then the folder elided in the
        middle, each with its font and its rectangle."""
        name_font, folder_font = self._fonts(option)
        area = option.rect.adjusted(PADDING * 2, PADDING, -PADDING * 2, -PADDING)
        out = []
        top = area.top()
        for text, font, mode in ((name, name_font, Qt.TextElideMode.ElideRight),
                                 (folder, folder_font, Qt.TextElideMode.ElideMiddle)):
            line = QRect(area.left(), top, area.width(), _line_height(font))
            out.append((QFontMetrics(font).elidedText(text, mode, line.width()), font, line))
            top += line.height() + PADDING
        return out

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        name, folder = option.text, str(index.data(FOLDER_ROLE))
        option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # the background, selection and focus as the style draws them
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        ink = option.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                   else QPalette.ColorRole.Text)
        muted = ink if selected else option.palette.color(group,
                                                          QPalette.ColorRole.PlaceholderText)
        painter.save()
        for (text, font, line), colour in zip(self.lines(option, name, folder), (ink, muted),
                                              strict=True):
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             text)
        painter.restore()


def _line_height(font: QFont) -> int:
    return QFontMetrics(font).height()


class WelcomePage(QWidget):
    open_requested = Signal()
    new_requested = Signal()
    demo_requested = Signal()
    import_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("<h2>cxmatrix</h2>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tagline = QLabel("One clear owner for every customer touchpoint.", self)
        self.tagline.setObjectName("welcomeTagline")
        self.tagline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        demo = QPushButton("Open the &demo matrix", self)
        demo.setObjectName("welcomeDemo")
        new = QPushButton("&New matrix…", self)
        new.setObjectName("welcomeNew")
        open_button = QPushButton("&Open a matrix…", self)
        open_button.setObjectName("welcomeOpen")
        # Most people arrive with a spreadsheet (a RACI chart, a home-made grid).
        import_button = QPushButton("&Import a spreadsheet…", self)
        import_button.setObjectName("welcomeImport")
        import_button.setToolTip("Read a RACI chart or grid (Excel, CSV) into a new matrix, "
                                 "with a preview and a code mapping you can change")
        demo.clicked.connect(self.demo_requested)
        new.clicked.connect(self.new_requested)
        open_button.clicked.connect(self.open_requested)
        import_button.clicked.connect(self.import_requested)
        self.recent = QListWidget(self)
        self.recent.setObjectName("welcomeRecent")
        self.recent.setItemDelegate(RecentFileDelegate(self.recent))
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.recent.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.recent.setUniformItemSizes(True)
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(PATH_ROLE)))
        self.recent_label = QLabel("&Recent matrices:", self)
        self.recent_label.setBuddy(self.recent)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(self.tagline)
        column.addSpacing(8)
        for button in (demo, new, open_button, import_button):
            column.addWidget(button)
        column.addSpacing(12)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent)
        holder = QWidget(self)
        holder.setLayout(column)
        # The holder is centred at its size hint: wide enough for the tagline on one line.
        holder.setMinimumWidth(max(320, self.tagline.sizeHint().width() + 24))
        holder.setMaximumWidth(max(460, holder.minimumWidth()))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(Path(path).name or path)
            item.setData(PATH_ROLE, path)
            item.setData(FOLDER_ROLE, str(Path(path).parent))
            item.setToolTip(path)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, path)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_label.setVisible(bool(paths))
