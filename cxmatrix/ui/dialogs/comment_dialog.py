"""The Add Comment dialog: who writes (fixed to the login on a team server, remembered for a
file) and the comment's text, with what it is about named at the top."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

AUTHOR_KEY = "comments/author"


class CommentDialog(QDialog):
    def __init__(self, parent: QWidget | None, subject: str, author: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Comment")
        self.setObjectName("commentDialog")
        layout = QFormLayout(self)
        about = QLabel(f"On {subject}", self)
        about.setWordWrap(True)
        layout.addRow(about)
        self.author = QLineEdit(self)
        self.author.setObjectName("commentAuthor")
        if author:  # the team server knows who this is, and checks it
            self.author.setText(author)
            self.author.setReadOnly(True)
        else:
            self.author.setText(str(QSettings().value(AUTHOR_KEY, "") or ""))
            self.author.setPlaceholderText("Your name")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("commentText")
        self.text.setPlaceholderText("What should the others know about this?")
        layout.addRow("&From:", self.author)
        layout.addRow("&Comment:", self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addRow(self.buttons)
        self.author.textChanged.connect(self._check)
        self.text.textChanged.connect(self._check)
        self._check()
        (self.text if self.author.text() else self.author).setFocus()

    def _check(self) -> None:
        ok = bool(self.author.text().strip() and self.text.toPlainText().strip())
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        button.setEnabled(ok)

    def accept(self) -> None:
        if not self.author.isReadOnly():
            QSettings().setValue(AUTHOR_KEY, self.author.text().strip())
        super().accept()
