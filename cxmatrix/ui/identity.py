"""The app's face on the desktop: its icon (every size in resources/icons) and About box.

The icon files are only named here; Qt reads a size when something first draws it, so
setting the icon costs nothing at start-up.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cxmatrix import APP_NAME
from cxmatrix.resources import resource_path

ICON_NAME = re.compile(r"^cxmatrix-(\d+)\.png$")


def app_icon() -> QIcon:
    """The application icon with every PNG size shipped (16 to 512 pixels)."""
    icon = QIcon()
    folder = resource_path("icons")
    if folder.is_dir():
        sizes = []
        for path in folder.iterdir():
            match = ICON_NAME.match(path.name)
            if match:
                sizes.append((int(match.group(1)), path))
        for _size, path in sorted(sizes):
            icon.addFile(str(path))
    return icon


class LicencesDialog(QDialog):
    """The full text of every licence of what cxmatrix ships (the fonts' included)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("licencesDialog")
        self.setWindowTitle(f"{APP_NAME}: licences")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("licencesText")
        self.text.setReadOnly(True)
        self.text.setPlainText(text or "No licence files were found beside the fonts.")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 520)


def show_about(parent: QWidget) -> str:
    """Help > About: name, version, purpose and licences; a Licences button shows the full
    licence texts. Returns "licences" when they were shown."""
    from cxmatrix.about import about_html, licences_text

    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setIconPixmap(app_icon().pixmap(64, 64))
    licences = box.addButton("&Licences…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is not licences:
        return "closed"
    dialog = LicencesDialog(licences_text(), parent)
    dialog.exec()
    dialog.deleteLater()
    return "licences"
