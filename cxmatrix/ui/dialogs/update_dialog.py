"""The review of returned workbooks (File > Update from Workbook…): every change grouped by
what it belongs to, each with a check box; conflicts show both values and a choice; deletions
start unchecked. The dialog only decides; ui/update.py applies the decisions as one step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.review import Change, Review

KEY_ROLE = Qt.ItemDataRole.UserRole
CONFLICT_COLOUR = QColor("#b3261e")
DELETION_COLOUR = QColor("#8a5a00")
KEEP = "Keep as it is now"


class UpdateDialog(QDialog):
    """Shows a Review; ``decisions()`` gives change key -> chosen option (None: keep)."""

    def __init__(self, found: Review, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("updateDialog")
        self.review = found
        self.setWindowTitle(f"Update from {_files(found.files)}")
        self.items: dict[str, QTreeWidgetItem] = {}
        self.choices: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        for notice in found.notices:
            note = QLabel(notice)
            note.setWordWrap(True)
            layout.addWidget(note)
        self.tree = QTreeWidget()
        self.tree.setObjectName("updateChanges")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Change", "Now in the matrix", "From"])
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)
        self._fill()
        buttons = QDialogButtonBox()
        self.accept_all_button = QPushButton("Accept &All")
        self.accept_all_button.setToolTip("Check every change that does not conflict "
                                          "(deletions stay for you to check)")
        self.accept_all_button.clicked.connect(self.accept_all)
        self.none_button = QPushButton("&None")
        self.none_button.clicked.connect(self.check_none)
        buttons.addButton(self.accept_all_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.none_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.apply_button = buttons.addButton("&Apply Checked Changes",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.tree.itemChanged.connect(lambda _item, _column: self._update_apply())
        self._update_apply()
        self.resize(980, 640)

    def _summary_text(self) -> str:
        found = self.review
        parts = [f"{_count(len(found.changes), 'change')} from {_files(found.files)}"]
        if found.conflicts:
            parts.append(f"{_count(len(found.conflicts), 'conflict')} (red): choose a value, "
                         "or keep the matrix as it is")
        if found.deletions:
            parts.append(f"{_count(len(found.deletions), 'deletion')}, unchecked until you "
                         "check them")
        if found.kept_in_app:
            parts.append(f"{_count(found.kept_in_app, 'change')} made here since the export "
                         "stay")
        return ". ".join(parts) + ". Applying is one step: Undo takes it back."

    def _fill(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        for change in self.review.changes:
            group = groups.get(change.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [change.group])
                group.setFont(0, bold)
                group.setFirstColumnSpanned(True)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[change.group] = group
            item = QTreeWidgetItem(group, [change.text, change.ours if change.status ==
                                           "conflict" else "", ", ".join(change.files)])
            item.setData(0, KEY_ROLE, change.key)
            item.setToolTip(0, change.text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            checked = change.default is not None
            item.setCheckState(0, Qt.CheckState.Checked if checked else
                               Qt.CheckState.Unchecked)
            if change.status == "conflict":
                item.setForeground(0, QBrush(CONFLICT_COLOUR))
                self._add_choice(item, change)
            elif change.deletion:
                item.setForeground(0, QBrush(DELETION_COLOUR))
            self.items[change.key] = item
        self.tree.expandAll()

    def _add_choice(self, item: QTreeWidgetItem, change: Change) -> None:
        """A conflict's choice, on a row of its own under the change: keep, or a file's."""
        row = QTreeWidgetItem(item, [""])
        row.setFlags(Qt.ItemFlag.ItemIsEnabled)
        combo = QComboBox()
        combo.setObjectName("conflictChoice")
        combo.addItem(f"{KEEP}: {change.ours}")
        for option in change.options:
            combo.addItem(option.label)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        def chosen(index: int) -> None:
            item.setCheckState(0, Qt.CheckState.Checked if index > 0
                               else Qt.CheckState.Unchecked)

        combo.currentIndexChanged.connect(chosen)
        self.tree.setItemWidget(row, 0, combo)
        self.choices[change.key] = combo

    def _update_apply(self) -> None:
        count = sum(1 for key in self.decisions())
        self.apply_button.setText(f"&Apply {count} Checked Change{'s' if count != 1 else ''}")
        self.apply_button.setEnabled(count > 0)

    # ---- decisions ---------------------------------------------------------------------

    def accept_all(self) -> None:
        for change in self.review.changes:
            if change.status == "applies" and not change.deletion:
                self.items[change.key].setCheckState(0, Qt.CheckState.Checked)

    def check_none(self) -> None:
        for key, item in self.items.items():
            item.setCheckState(0, Qt.CheckState.Unchecked)
            if key in self.choices:
                self.choices[key].setCurrentIndex(0)

    def decisions(self) -> dict[str, int]:
        """The checked changes: key -> option index (a conflict: the option chosen)."""
        chosen: dict[str, int] = {}
        for key, item in self.items.items():
            if item.checkState(0) != Qt.CheckState.Checked:
                continue
            combo = self.choices.get(key)
            if combo is None:
                chosen[key] = 0
            elif combo.currentIndex() > 0:
                chosen[key] = combo.currentIndex() - 1
            else:
                combo.setCurrentIndex(1)  # a conflict checked by hand takes the workbook's
                chosen[key] = 0
        return chosen


def _files(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{len(names)} workbooks ({', '.join(names)})"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
