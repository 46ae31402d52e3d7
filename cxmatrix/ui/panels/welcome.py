"""What the window shows when no matrix is open: open, new, import a spreadsheet, the demo,
recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


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
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
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
            item = QListWidgetItem(f"{Path(path).name}  —  {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_label.setVisible(bool(paths))
