"""Snapshots: taking one (a name, by default with today's date, and a note), and the list of
the snapshots in the file with their figures, to rename, delete, restore as a new file, or
compare with.

Both dialogs are window-modal and open with ``open()`` (never ``exec()``), so the window keeps
painting and tests drive them like a person does. Every change is an undo step of the window
(plan_commands.py); the list follows the Session's change records.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.model import name_key
from cxmatrix.domain.snapshots import SnapshotInfo
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange

_ROOT = QModelIndex()
HEADINGS = ("Name", "Taken", "One owner", "No owner", "Several", "Handled, not owned",
            "Planned changes")
NAME, TAKEN = 0, 1


def default_snapshot_name(today: date | None = None) -> str:
    """"Snapshot 2 Dec 2026"."""
    day = today or date.today()
    return f"Snapshot {day.day} {day:%b %Y}"


class SnapshotNameDialog(QDialog):
    """Matrix > Take Snapshot…: the name (today's date by default) and an optional note."""

    def __init__(self, parent: QWidget, existing: list[str]) -> None:
        super().__init__(parent)
        self.setObjectName("takeSnapshotDialog")
        self.setWindowTitle("Take Snapshot")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._existing = {name_key(n) for n in existing}  # compared as the store does
        layout = QVBoxLayout(self)
        intro = QLabel("A snapshot keeps the whole matrix as it is now (today, target, notes "
                       "and actions) inside this file, to compare with later.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit(default_snapshot_name(), self)
        self.name.setObjectName("snapshotName")
        self.name.selectAll()
        self.name.textChanged.connect(self._check)
        form.addRow("&Name:", self.name)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("snapshotNote")
        self.note.setPlaceholderText("For example: agreed with the leadership team")
        self.note.setFixedHeight(self.fontMetrics().height() * 4)
        form.addRow("N&ote:", self.note)
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setObjectName("snapshotProblem")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Take Snapshot")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 420), self.sizeHint().height())
        self._check()

    def _check(self) -> None:
        name = " ".join(self.name.text().split())
        problem = ("A snapshot needs a name." if not name else
                   "A snapshot of this name exists: choose another name."
                   if name_key(name) in self._existing else "")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)


class SnapshotsModel(QAbstractTableModel):
    """The snapshots of the open document, oldest first; the name is edited in place."""

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.snapshots: list[SnapshotInfo] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        document = self.session.document
        self.snapshots = document.snapshots() if document is not None else []
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.snapshots)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADINGS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADINGS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if not index.isValid():
            return None
        info = self.snapshots[index.row()]
        figures = info.figures
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            values = (info.name, f"{info.taken:%Y-%m-%d %H:%M}",
                      f"{round(100 * figures.one_owner_share)}%", f"{figures.no_owner:,}",
                      f"{figures.several_owners:,}", f"{figures.handle_without_own:,}",
                      f"{info.planned_changes:,}")
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > TAKEN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return info.note or None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == NAME and not self.session.read_only:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole.value) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != NAME:
            return False
        info = self.snapshots[index.row()]
        name = str(value)
        if " ".join(name.split()) == info.name:
            return False
        from cxmatrix.ui.plan_commands import RenameSnapshot

        return self.session.execute(RenameSnapshot(self.session, info.id, info.name, name))


class SnapshotsDialog(QDialog):
    """Matrix > Snapshots…: the list, and what can be done with one."""

    compare_requested = Signal(int)  # a snapshot id
    restore_requested = Signal(int)
    take_requested = Signal()

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("snapshotsDialog")
        self.setWindowTitle("Snapshots")
        self.session = session
        self.model = SnapshotsModel(session, self)
        layout = QVBoxLayout(self)
        self.empty = QLabel("No snapshots yet. Take one to keep the matrix as it is now.", self)
        layout.addWidget(self.empty)
        self.view = QTableView(self)
        self.view.setObjectName("snapshotsView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.take = self._button(row, "&Take Snapshot…", "snapshotTake", self.take_requested.emit)
        self.rename = self._button(row, "&Rename", "snapshotRename", self._rename)
        self.delete = self._button(row, "&Delete", "snapshotDelete", self.delete_selected)
        self.restore = self._button(row, "Restore as &New File…", "snapshotRestore",
                                    lambda: self._emit(self.restore_requested))
        # It compares at once with the matrix as it is: no "…", no further question.
        self.compare = self._button(row, "&Compare with Today", "snapshotCompare",
                                    lambda: self._emit(self.compare_requested))
        self.compare.setToolTip("Show in the grid and the Changes panel what changed since "
                                "the chosen snapshot (read-only until View > Leave Comparison)")
        row.addStretch(1)
        close = self._button(row, "Close", "snapshotClose", self.close)
        close.setDefault(True)
        layout.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        session.changed.connect(self._on_change)
        session.document_changed.connect(self.close)
        self.resize(self._width(), 320)
        if self.model.snapshots:  # the newest chosen, so Compare and Restore are ready
            self.view.selectRow(len(self.model.snapshots) - 1)
        self._update_buttons()

    def _width(self) -> int:
        """Wide enough for the longest name on one line beside the figures (names like
        "Agreed with the leadership team, Nov 2026" were cut short), within 1,100 pixels."""
        header = self.view.horizontalHeader()
        names = max((self.view.fontMetrics().horizontalAdvance(info.name)
                     for info in self.model.snapshots), default=0)
        figures = sum(max(header.sectionSizeHint(column), self.view.sizeHintForColumn(column))
                      for column in range(1, len(HEADINGS)))
        margins = 2 * self.layout().contentsMargins().left() + 40  # frame, cell padding
        return min(max(760, names + figures + margins), 1100)

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False: slot())
        row.addWidget(button)
        return button

    def _on_change(self, change: MatrixChange) -> None:
        if change.snapshots:
            selected = self.selected()
            self.model.reload()
            if selected is not None:
                self.select(selected.id)

    def selected(self) -> SnapshotInfo | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.snapshots[rows[0].row()]

    def select(self, snapshot_id: int) -> None:
        for row, info in enumerate(self.model.snapshots):
            if info.id == snapshot_id:
                self.view.selectRow(row)
                return

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected() is not None
        writable = not self.session.read_only
        self.empty.setVisible(not self.model.snapshots)
        self.take.setEnabled(writable)
        self.rename.setEnabled(chosen and writable)
        self.delete.setEnabled(chosen and writable)
        self.restore.setEnabled(chosen)
        self.compare.setEnabled(chosen)

    def _emit(self, signal: Any) -> None:
        info = self.selected()
        if info is not None:
            signal.emit(info.id)

    def _rename(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.view.edit(self.model.index(rows[0].row(), NAME))

    def delete_selected(self) -> bool:
        info = self.selected()
        if info is None:
            return False
        from cxmatrix.ui.plan_commands import DeleteSnapshot

        return self.session.execute(DeleteSnapshot(self.session, info.id, info.name))
