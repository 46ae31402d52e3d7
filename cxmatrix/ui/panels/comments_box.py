"""The comments of the current cell and its touchpoint, in the details dock.

Lists each comment with its author and time (the cell's own first, then the touchpoint's and
its other cells'), newest last, and offers Add Comment… for the current cell (or the
touchpoint, on its name). Anyone who may edit may comment; on a team server a department lead
comments anywhere, also outside their columns, and a viewer reads only. The list's context
menu offers Remove for each comment the document lets its user remove
(``Document.may_remove_comment``: in a file, anyone who edits; on a team server the
matrix's owner any comment, a lead their own), each one undoable step. It follows the
Session's change records, so a comment someone else adds shows up as their window's edit
arrives.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.comments import Comment, new_comment
from cxmatrix.ui import commands
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange


def comment_line(comment: Comment, where: str = "") -> str:
    """"Anna (Support), 2026-05-04 09:30 UTC — on Sales: text" as rich text."""
    when = comment.at.strftime("%Y-%m-%d %H:%M UTC")
    place = f" · {escape(where)}" if where else ""
    text = escape(comment.text).replace("\n", "<br>")
    return f"<b>{escape(comment.author)}</b>, {when}{place}<br>{text}"


class CommentsBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Comments", parent)
        self.setObjectName("commentsBox")
        self.session = session
        self.touchpoint_id: int | None = None
        self.department_id: int | None = None
        self.shown: list[Comment] = []
        layout = QVBoxLayout(self)
        self.list = QLabel(self)
        self.list.setObjectName("commentList")
        self.list.setWordWrap(True)
        self.list.setTextFormat(Qt.TextFormat.RichText)
        self.list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self.add_button = QPushButton("Add Comment…", self)
        self.add_button.setObjectName("addComment")
        self.add_button.clicked.connect(self.add_comment)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout.addWidget(self.list)
        layout.addLayout(row)
        session.changed.connect(self._on_change)

    def show_for(self, touchpoint_id: int | None, department_id: int | None) -> None:
        self.touchpoint_id, self.department_id = touchpoint_id, department_id
        self.refresh()

    def refresh(self) -> None:
        document = self.session.document
        tid = self.touchpoint_id
        if document is None or tid is None or not document.matrix.has_touchpoint(tid):
            self.shown = []
            self.list.setText("")
            return
        matrix = document.matrix
        every = matrix.comments_on(tid)
        did = self.department_id
        own = [c for c in every if did is not None and c.department_id == did]
        self.shown = own + [c for c in every if c not in own]
        lines = []
        for comment in self.shown:
            where = ""
            if comment.department_id is not None and comment.department_id != did:
                where = f"on {matrix.department(comment.department_id).name}"
            elif comment.department_id is None and did is not None:
                where = "on the touchpoint"
            lines.append(comment_line(comment, where))
        self.list.setText("<br><br>".join(lines) if lines else
                          "<i>No comments yet.</i>")
        self.add_button.setEnabled(not self.session.read_only)
        author = getattr(document, "comment_author", None)
        self.add_button.setToolTip("A comment on this cell" if did is not None else
                                   "A comment on this touchpoint")
        if author:
            self.add_button.setToolTip(self.add_button.toolTip() + f", as {author}")

    def _on_change(self, change: MatrixChange) -> None:
        if change.comments or change.everything or change.rows_changed or (
                change.columns_changed or change.names_changed):
            self.refresh()

    def removable(self) -> list[Comment]:
        """The shown comments this user may remove, in the order shown."""
        document = self.session.document
        if document is None or self.session.read_only:
            return []
        return [c for c in self.shown if document.may_remove_comment(c)]

    def removal_menu(self) -> QMenu:
        """The list's context menu: Remove for each comment this user may remove."""
        menu = QMenu(self)
        for comment in self.removable():
            when = comment.at.strftime("%Y-%m-%d %H:%M")
            excerpt = " ".join(comment.text.split())
            excerpt = excerpt if len(excerpt) <= 30 else excerpt[:29] + "…"
            action = menu.addAction(f"Remove {comment.author}'s comment of {when}: "
                                    f"“{excerpt}”")
            action.triggered.connect(lambda _c=False, kept=comment: self.remove(kept))
        return menu

    def _show_menu(self, position: QPoint) -> None:
        menu = self.removal_menu()
        if not menu.isEmpty():
            menu.exec(self.list.mapToGlobal(position))

    def remove(self, comment: Comment) -> bool:
        """Remove a comment as one undoable edit (the server may still refuse it)."""
        return self.session.execute(commands.RemoveComment(self.session, comment))

    def subject(self) -> str:
        matrix = self.session.matrix
        tid, did = self.touchpoint_id, self.department_id
        if tid is None:
            return ""
        name = matrix.touchpoint(tid).name
        return f"{matrix.department(did).name} on {name}" if did is not None else name

    def add_comment(self) -> bool:
        """Ask for the comment and add it as one undoable edit; False when cancelled or
        refused."""
        from cxmatrix.ui.dialogs.comment_dialog import CommentDialog

        document = self.session.document
        if document is None or self.touchpoint_id is None or self.session.read_only:
            return False
        dialog = CommentDialog(self.window(), self.subject(),
                               getattr(document, "comment_author", None))
        if dialog.exec() != CommentDialog.DialogCode.Accepted:
            return False
        return self.add(dialog.author.text(), dialog.text.toPlainText())

    def add(self, author: str, text: str) -> bool:
        """Add a comment by ``author`` on the shown cell or touchpoint (also for tests)."""
        if self.touchpoint_id is None:
            return False
        try:
            comment = new_comment(author, text, self.touchpoint_id, self.department_id)
        except ValueError as error:
            self.session.report("Comment", error)
            return False
        return self.session.execute(commands.AddComment(self.session, comment))
