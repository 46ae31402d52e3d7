"""The team server's two lists: a cell's, touchpoint's or department's History, and the
matrix's Members (owner, department lead, viewer), which an owner changes in place.

Both take plain rows and callables from ``ui/team.py``; no server code is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _tree(headers: Sequence[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    return tree


class HistoryDialog(QDialog):
    """Every recorded change of one subject, newest first, with a filter."""

    def __init__(self, parent: QWidget | None, subject: str,
                 entries: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History of {subject}")
        self.resize(720, 420)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by person or change")
        self.filter.setClearButtonEnabled(True)
        self.tree = _tree(("When", "Who", "Change"))
        for when, who, what in reversed(entries):
            # The note says who ("anna (Support) set Own on …"); the Who column already does.
            change = what[len(who) + 1:] if what.startswith(who + " ") else what
            QTreeWidgetItem(self.tree, [when, who, change])
        self.empty = QLabel("No recorded changes yet." if not entries else "")
        self.empty.setVisible(not entries)
        self.count = QLabel(_count(len(entries)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        layout.addWidget(self.empty)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.filter.textChanged.connect(self._apply_filter)

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        shown = 0
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            line = " ".join(item.text(c) for c in range(3)).casefold()
            hide = not all(word in line for word in words)
            item.setHidden(hide)
            shown += not hide
        total = self.tree.topLevelItemCount()
        self.count.setText(_count(total) if shown == total else f"{shown} of {_count(total)}")

    def visible_rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if not item.isHidden():
                rows.append((item.text(0), item.text(1), item.text(2)))
        return rows


def _count(n: int) -> str:
    return "1 change" if n == 1 else f"{n} changes"


class MemberRow(Protocol):
    login: str
    role: str
    departments: tuple[str, ...]


# add(login, role, departments, password or None) and remove(login) return the members
# afterwards, or raise an error whose text is shown in the dialog.
AddMember = Callable[[str, str, list[str], str | None], Sequence[MemberRow]]
RemoveMember = Callable[[str], Sequence[MemberRow]]

_ROLE_TEXT = {"owner": "Owner", "lead": "Department lead", "viewer": "Viewer"}


class MembersDialog(QDialog):
    """Matrix > Members…: who may do what on this matrix; an owner adds, changes and removes
    members here (the server refuses anybody else, and the refusal is shown)."""

    def __init__(self, parent: QWidget | None, matrix_name: str, members: Sequence[MemberRow],
                 departments: Sequence[str], add: AddMember, remove: RemoveMember,
                 refusals: tuple[type[Exception], ...]) -> None:
        super().__init__(parent)
        self._refusals = refusals
        self.setWindowTitle(f"Members of {matrix_name}")
        self.resize(640, 520)
        self._add, self._remove = add, remove
        self.tree = _tree(("Login", "Role", "Departments led"))
        self.tree.currentItemChanged.connect(self._show_selected)

        self.login = QLineEdit()
        self.login.setPlaceholderText("PostgreSQL login, e.g. anna")
        self.role = QComboBox()
        for key, text in _ROLE_TEXT.items():
            self.role.addItem(text, key)
        self.role.setCurrentIndex(self.role.findData("lead"))
        self.departments = QListWidget()
        self.departments.setMaximumHeight(140)
        for name in departments:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.departments.addItem(item)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("only to create a new login; never stored")
        self.role.currentIndexChanged.connect(self._role_changed)

        form = QFormLayout()
        form.addRow("&Login:", self.login)
        form.addRow("&Role:", self.role)
        form.addRow("&Leads:", self.departments)
        form.addRow("&Password:", self.password)
        self.save = QPushButton("&Add or Change")
        self.save.clicked.connect(self._save)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self._remove_selected)
        self.problem = QLabel("")
        self.problem.setObjectName("membersProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(bright-text); background: #b3261e; "
                                   "padding: 4px; border-radius: 3px;")
        self.problem.hide()
        row = QHBoxLayout()
        row.addWidget(self.save)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._fill(members)
        self._role_changed()

    def _fill(self, members: Sequence[MemberRow]) -> None:
        self.tree.clear()
        for member in members:
            led = ", ".join(member.departments) if member.role == "lead" else ""
            QTreeWidgetItem(self.tree, [member.login, _ROLE_TEXT.get(member.role, member.role),
                                        led]).setData(0, Qt.ItemDataRole.UserRole, member.role)
        self.remove_button.setEnabled(False)

    def _role_changed(self) -> None:
        self.departments.setEnabled(self.role.currentData() == "lead")

    def _show_selected(self, item: QTreeWidgetItem | None) -> None:
        self.remove_button.setEnabled(item is not None)
        if item is None:
            return
        self.login.setText(item.text(0))
        self.role.setCurrentIndex(self.role.findData(item.data(0, Qt.ItemDataRole.UserRole)))
        led = {name.strip() for name in item.text(2).split(",") if name.strip()}
        for i in range(self.departments.count()):
            entry = self.departments.item(i)
            entry.setCheckState(Qt.CheckState.Checked if entry.text() in led
                                else Qt.CheckState.Unchecked)

    def checked_departments(self) -> list[str]:
        return [self.departments.item(i).text() for i in range(self.departments.count())
                if self.departments.item(i).checkState() == Qt.CheckState.Checked]

    def rows(self) -> list[tuple[str, str, str]]:
        return [(item.text(0), item.text(1), item.text(2)) for item in
                (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))]

    def _run(self, work: Callable[[], Sequence[MemberRow]]) -> bool:
        try:
            members = work()
        except self._refusals as error:  # the server's refusal, shown in place
            self.problem.setText(str(error))
            self.problem.show()
            return False
        self.problem.hide()
        self._fill(members)
        return True

    def _save(self) -> None:
        login = self.login.text().strip()
        if not login:
            self.problem.setText("Type the member's login first.")
            self.problem.show()
            return
        role = str(self.role.currentData())
        departments = self.checked_departments() if role == "lead" else []
        password = self.password.text() or None
        if self._run(lambda: self._add(login, role, departments, password)):
            self.password.clear()

    def _remove_selected(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            login = item.text(0)
            self._run(lambda: self._remove(login))
