"""The app's face on the desktop: its icon (every size in resources/icons) and About box.

The icon files are only named here; Qt reads a size when something first draws it, so
setting the icon costs nothing at start-up. The About box's widgets are imported when it
opens: each Qt class touched for the first time costs start-up time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon

from cxmatrix import APP_NAME
from cxmatrix.resources import resource_path

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget

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


def licences_dialog(text: str, parent: QWidget | None = None) -> QDialog:
    """The full text of every licence of what cxmatrix ships (the fonts' included)."""
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setObjectName("licencesDialog")
    dialog.setWindowTitle(f"{APP_NAME}: licences")
    view = QPlainTextEdit(dialog)
    view.setObjectName("licencesText")
    view.setReadOnly(True)
    view.setPlainText(text or "No licence files were found beside the fonts.")
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(buttons)
    dialog.resize(640, 520)
    return dialog


def show_about(parent: QWidget) -> str:
    """Help > About: name, version, purpose and licences; a Licences button shows the full
    licence texts. Returns "licences" when they were shown."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

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
    dialog = licences_dialog(licences_text(), parent)
    dialog.exec()
    dialog.deleteLater()
    return "licences"
