"""The review of returned workbooks (File > Update from Workbook…): every change grouped by
what it belongs to, each with a check box; conflicts show both values and a choice; deletions
start unchecked. A filter box narrows the list (by change, group, value or file) and each
group's check box checks or clears the group's shown changes at once (conflicts wait for a
choice of their own). The dialog only decides; ui/update.py applies the decisions as one step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
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
        self.groups: dict[str, QTreeWidgetItem] = {}
        self.group_changes: dict[str, list[QTreeWidgetItem]] = {}  # group name -> its changes
        self.conflict_keys = {c.key for c in found.changes if c.status == "conflict"}
        self._syncing = False
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        for notice in found.notices:
            note = QLabel(notice)
            note.setWordWrap(True)
            layout.addWidget(note)
        search = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setObjectName("updateFilter")
        self.filter.setPlaceholderText("Filter changes: a touchpoint, department, value or file")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.shown = QLabel()
        self.shown.setObjectName("updateShown")
        widest = f"{len(found.changes):,} of {len(found.changes):,} shown"
        self.shown.setMinimumWidth(self.shown.fontMetrics().horizontalAdvance(widest) + 12)
        search.addWidget(self.filter, 1)
        search.addWidget(self.shown)
        layout.addLayout(search)
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
        self.tree.itemChanged.connect(self._item_changed)
        self._sync_groups()
        self._update_apply()
        self._update_shown()
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
                group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                               | Qt.ItemFlag.ItemIsSelectable)
                group.setToolTip(0, "Check or clear every shown change of this group "
                                    "(a conflict waits for its own choice)")
                group.setCheckState(0, Qt.CheckState.Unchecked)
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
            self.group_changes.setdefault(change.group, []).append(item)
        self.groups = groups
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

    # ---- filter and groups --------------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        """Show the changes whose text, group, value now or files hold ``text`` (any case);
        a group whose name holds it shows all its changes."""
        needle = text.strip().casefold()
        changes = {change.key: change for change in self.review.changes}
        for name, group in self.groups.items():
            whole = not needle or needle in name.casefold()
            shown = 0
            for item in self.group_changes[name]:
                change = changes[str(item.data(0, KEY_ROLE))]
                visible = whole or any(needle in part.casefold() for part in (
                    change.text, change.ours, change.base, *change.files))
                item.setHidden(not visible)
                shown += 1 if visible else 0
            group.setHidden(shown == 0)
        self._sync_groups()
        self._update_shown()

    def _update_shown(self) -> None:
        shown = sum(1 for name, group in self.groups.items() if not group.isHidden()
                    for item in self.group_changes[name] if not item.isHidden())
        total = len(self.items)
        self.shown.setText(f"{shown:,} of {total:,} shown" if shown != total
                           else f"{_count(total, 'change')}")

    def _group_members(self, group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        """The shown changes a group's check box sets: not conflicts, which need a choice."""
        return [item for item in self.group_changes[group.text(0)]
                if not item.isHidden() and item.data(0, KEY_ROLE) not in self.conflict_keys]

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._syncing or column != 0:
            return
        if item.parent() is None:  # a group's box: set its shown changes
            state = item.checkState(0)
            if state == Qt.CheckState.PartiallyChecked:
                state = Qt.CheckState.Checked
            self._syncing = True
            try:
                for member in self._group_members(item):
                    member.setCheckState(0, state)
            finally:
                self._syncing = False
        self._sync_groups()
        self._update_apply()

    def _sync_groups(self) -> None:
        """Each group's box says whether its shown changes are all, some or none checked."""
        self._syncing = True
        try:
            for group in self.groups.values():
                states = {m.checkState(0) for m in self._group_members(group)}
                if not states:
                    group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                    continue
                group.setFlags(group.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                group.setCheckState(0, next(iter(states)) if len(states) == 1
                                    else Qt.CheckState.PartiallyChecked)
        finally:
            self._syncing = False

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
