"""The Changes dock: planned changes by department, their actions edited in place, Mark Done,
and the drift of ownership across snapshots.

A tree: one heading per department ("Support — 3 changes: gives up Own on 2 · takes on
Influence on 1"), under it each change of that department (touchpoint, from → to, person, due date,
status, what it means for ownership). Person, due date and status are edited in place, each
edit one undo step; choosing Done, like Mark Done, makes today's role the target. Selecting a
row goes to its cell in the grid. While the window compares with a snapshot the same view
lists what changed since, read-only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.actions import Action, ActionError, ActionStatus, parse_due
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.signoff import medium_day
from cxmatrix.palette import FINDING_ERROR
from cxmatrix.ui.panels.change_list import (
    ChangeList,
    ChangeRow,
    change_text,
    comparison_list,
    group_summary,
    planned_change_list,
    planned_rows,
)
from cxmatrix.ui.panels.drift_chart import DriftChart
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange

_ROOT = QModelIndex()
TOUCHPOINT, CHANGE, PERSON, DUE, STATUS, MEANING = range(6)
HEADINGS = ("Touchpoint", "Change", "Person", "Due", "Status", "What it means")
ROW_ROLE = Qt.ItemDataRole.UserRole.value  # the ChangeRow of a change row
NO_GROUP = 0xFFFFFFFF  # internalId of a department heading


class ChangesModel(QAbstractItemModel):
    """Department headings, each with its changes as child rows."""

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.changes = ChangeList()
        self.baseline: Matrix | None = None  # comparing with a snapshot: read-only
        self._row_of: dict[tuple[int, int], tuple[int, int]] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._overdue_ink = QBrush(QColor(f"#{FINDING_ERROR}"))

    @property
    def read_only(self) -> bool:
        return self.baseline is not None or self.session.read_only

    def rebuild(self) -> None:
        document = self.session.document
        self.beginResetModel()
        if document is None:
            self.changes = ChangeList()
        elif self.baseline is not None:
            self.changes = comparison_list(self.baseline, document.matrix)
        else:
            self.changes = planned_change_list(document.matrix)
        self._index_rows()
        self.endResetModel()

    def refresh_actions(self, keys: frozenset[tuple[int, int]]) -> bool:
        """The actions of these cells changed and nothing else: update their rows in place.
        False when a rebuild is needed (a cell not listed)."""
        document = self.session.document
        if document is None or self.baseline is not None:
            return False
        matrix = document.matrix
        places = []
        for key in keys:
            place = self._row_of.get(key)
            if place is None:
                return matrix.action(*key) is None and not matrix.is_planned_change(*key)
            places.append(place)
        groups = list(self.changes.groups)
        for g, r in places:
            group = groups[g]
            rows = list(group.rows)
            rows[r] = replace(rows[r], action=matrix.action(*rows[r].key))
            groups[g] = replace(group, rows=tuple(rows))
        self.changes = replace(self.changes, groups=tuple(groups))
        for g, r in places:
            self.dataChanged.emit(self.index(r, PERSON, self.index(g, 0)),
                                  self.index(r, STATUS, self.index(g, 0)))
        return True

    def update_touchpoints(self, touchpoint_ids: AbstractSet[int]) -> bool:
        """List these touchpoints' planned changes again, with row inserts, removals and
        updates (an edit never resets the list). False when only a rebuild will do: a
        comparison, a touchpoint gone, a department's first or last change."""
        document = self.session.document
        if document is None or self.baseline is not None:
            return False
        matrix = document.matrix
        if not all(matrix.has_touchpoint(t) for t in touchpoint_ids):
            return False
        new = {row.key: row for t in touchpoint_ids for row in planned_rows(matrix, t)}
        old = {key for key in self._row_of if key[0] in touchpoint_ids}
        group_of = {g.department_id: number for number, g in enumerate(self.changes.groups)}
        if any(key[1] not in group_of for key in new):
            return False  # a department's first change: a new heading
        groups = list(self.changes.groups)
        touched: set[int] = set()
        for key in sorted(old - new.keys(), key=lambda k: self._row_of[k], reverse=True):
            g, r = self._row_of[key]
            if len(groups[g].rows) == 1:
                return False  # its last change: the heading goes
            self.beginRemoveRows(self.index(g, 0), r, r)
            rows = list(groups[g].rows)
            del rows[r]
            groups[g] = replace(groups[g], rows=tuple(rows))
            self.changes = replace(self.changes, groups=tuple(groups))
            self._index_rows()
            self.endRemoveRows()
            touched.add(g)
        for key in new.keys() & old:
            g, r = self._row_of[key]
            rows = list(groups[g].rows)
            rows[r] = new[key]
            groups[g] = replace(groups[g], rows=tuple(rows))
            touched.add(g)
        self.changes = replace(self.changes, groups=tuple(groups))
        for key in new.keys() & old:
            g, r = self._row_of[key]
            parent = self.index(g, 0)
            self.dataChanged.emit(self.index(r, 0, parent),
                                  self.index(r, len(HEADINGS) - 1, parent))
        order = _touchpoint_order(matrix)
        for key in sorted(new.keys() - old, key=lambda k: order(k[0])):
            g = group_of[key[1]]
            rows = list(groups[g].rows)
            place = bisect.bisect_left([order(row.touchpoint_id) for row in rows],
                                       order(key[0]))
            self.beginInsertRows(self.index(g, 0), place, place)
            rows.insert(place, new[key])
            groups[g] = replace(groups[g], rows=tuple(rows))
            self.changes = replace(self.changes, groups=tuple(groups))
            self._index_rows()
            self.endInsertRows()
            touched.add(g)
        for g in touched:
            groups[g] = replace(groups[g], summary=group_summary(groups[g].rows))
        self.changes = replace(self.changes, groups=tuple(groups))
        self._index_rows()
        for g in sorted(touched):
            self.dataChanged.emit(self.index(g, 0), self.index(g, 0))
        return True

    def _index_rows(self) -> None:
        self._row_of = {row.key: (g, r) for g, group in enumerate(self.changes.groups)
                        for r, row in enumerate(group.rows)}

    def row_index(self, key: tuple[int, int]) -> QModelIndex:
        place = self._row_of.get(key)
        if place is None:
            return QModelIndex()
        return self.index(place[1], 0, self.index(place[0], 0))

    def change_at(self, index: QModelIndex | QPersistentModelIndex) -> ChangeRow | None:
        if not index.isValid() or index.internalId() == NO_GROUP:
            return None
        group = self.changes.groups[index.internalId()]
        return group.rows[index.row()] if index.row() < len(group.rows) else None

    # ---- Qt model interface ---------------------------------------------------------------

    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, NO_GROUP)
        return self.createIndex(row, column, parent.row())

    def parent(self, index: QModelIndex | QPersistentModelIndex = _ROOT  # type: ignore[override]
               ) -> QModelIndex:
        if not index.isValid() or index.internalId() == NO_GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId(), 0, NO_GROUP)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self.changes.groups)
        if parent.internalId() == NO_GROUP and parent.column() == 0:
            return len(self.changes.groups[parent.row()].rows)
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return len(HEADINGS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADINGS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if index.internalId() == NO_GROUP:
            group = self.changes.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and column == TOUCHPOINT:
                count = len(group.rows)
                return (f"{group.department} — {count} change{'s' if count != 1 else ''}: "
                        f"{group.summary}")
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"What {group.department} gives up and takes on"
            return None
        row = self.change_at(index)
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        action = row.action or Action()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == TOUCHPOINT:
                return row.touchpoint
            if column == CHANGE:
                return change_text(row.before, row.after)
            if column == PERSON:
                return action.person if row.action else ""
            if column == DUE:
                return action.due.isoformat() if action.due else ""
            if column == STATUS:
                if self.baseline is not None:
                    return ""
                return action.status.label
            return row.meaning
        if role == Qt.ItemDataRole.ToolTipRole:
            before = row.before.label if row.before else "no role"
            after = row.after.label if row.after else "no role"
            when = "then" if self.baseline is not None else "today"
            now = "now" if self.baseline is not None else "target"
            text = f"{row.stage} › {row.touchpoint}: {when} {before}, {now} {after}"
            if row.meaning:
                text += f"\n{row.meaning}"
            if row.action and row.action.note:
                text += f"\nNote: {row.action.note}"
            if self._overdue(action) and action.due is not None:
                text += f"\nOverdue: it was due on {medium_day(action.due)}"
            return text
        if role == Qt.ItemDataRole.ForegroundRole and column == DUE and self._overdue(action):
            return self._overdue_ink
        if role == Qt.ItemDataRole.AccessibleTextRole and column == CHANGE:
            before = row.before.label if row.before else "no role"
            after = row.after.label if row.after else "no role"
            return f"from {before} to {after}"
        return None

    def _overdue(self, action: Action) -> bool:
        """A planned change whose action has passed its due date (not in a comparison)."""
        return self.baseline is None and action.is_overdue(date.today())

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (index.isValid() and index.internalId() != NO_GROUP and not self.read_only
                and index.column() in (PERSON, DUE, STATUS)):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole.value) -> bool:
        row = self.change_at(index)
        if row is None or role != Qt.ItemDataRole.EditRole or self.read_only:
            return False
        from cxmatrix.ui.plan_commands import CompleteChanges, SetAction

        action = row.action or Action()
        text = str(value) if value is not None else ""
        column = index.column()
        if column == DUE and (value is None or isinstance(value, date)):
            text = value.isoformat() if value is not None else ""  # from the date editor
        if column == PERSON:
            if " ".join(text.split()) == action.person:
                return False
            return self.session.execute(SetAction(self.session, *row.key,
                                                  replace(action, person=text), "person"))
        if column == DUE:
            try:
                due = parse_due(text)
            except ActionError as error:
                self.session.failed.emit("Not a date", f"{row.touchpoint}: {error}.")
                return False
            if due == action.due:
                return False
            return self.session.execute(SetAction(self.session, *row.key,
                                                  replace(action, due=due), "due date"))
        if column == STATUS:
            status = value if isinstance(value, ActionStatus) else _status_of(text)
            if status is None or (status is action.status and row.action is not None):
                return False
            if status is ActionStatus.DONE:
                return self.session.execute(CompleteChanges(self.session, [row.key]))
            return self.session.execute(SetAction(self.session, *row.key,
                                                  replace(action, status=status), "status"))
        return False


def _touchpoint_order(matrix: Matrix) -> Callable[[int], tuple[int, int]]:
    """A touchpoint's place in display order (stage, then place in the stage)."""
    stages = {stage.id: number for number, stage in enumerate(matrix.stages)}

    def order(touchpoint_id: int) -> tuple[int, int]:
        return (stages[matrix.touchpoint(touchpoint_id).stage_id],
                matrix.touchpoint_index(touchpoint_id))

    return order


def _status_of(text: str) -> ActionStatus | None:
    for status in ActionStatus:
        if text.strip().lower() in (status.value, status.label.lower()):
            return status
    return None


class StatusDelegate(QStyledItemDelegate):
    """The Status column edits with a drop-down of the three statuses."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QComboBox(parent)
        editor.setObjectName("statusEditor")
        for status in ActionStatus:
            editor.addItem(status.label, status.value)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findText(str(index.data(Qt.ItemDataRole.EditRole)))
        editor.setCurrentIndex(max(0, found))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, ActionStatus(editor.currentData()))


_DATE_SEPARATORS = frozenset("-/. ")


class DueEdit(QDateEdit):
    """A due date: typed as YYYY-MM-DD or picked from the calendar; Delete clears it.

    No date is the editor's minimum shown as "No date" (QDateEdit has no empty value); the
    calendar and the arrow keys start from today rather than from that minimum."""

    NO_DATE = QDate(1752, 9, 14)  # QDateEdit's own minimum

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dueEditor")
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(self.NO_DATE)
        self.setSpecialValueText("No date")
        self._advanced = False  # the last digit filled its section and Qt moved to the next
        self.setToolTip("Type the date as YYYY-MM-DD or pick it from the calendar; "
                        "Delete clears it")

    def due(self) -> date | None:
        value = self.date()
        return None if value == self.NO_DATE else value.toPython()

    def set_due(self, due: date | None) -> None:
        self.setDate(self.NO_DATE if due is None else QDate(due.year, due.month, due.day))
        self.selectAll()

    def _from_today(self) -> None:
        if self.date() == self.NO_DATE:
            self.setDate(QDate.currentDate())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete:
            self.set_due(None)
            return
        typed = event.text()
        if typed.isdigit() and (self.date() == self.NO_DATE
                                or self.lineEdit().selectedText() == self.text()):
            # Typing a whole date: over "No date" it starts from a real one, so the sections
            # take digits, and it starts in the year. With all the text selected, Qt drops
            # the year's digits (the month and day went in, the year stayed as it was).
            self._from_today()
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
        elif typed in _DATE_SEPARATORS and self._advanced:
            # Qt moved on by itself when the section before was full: the typed separator
            # would skip the next section too (2027-01-15 became 2027-12-01).
            self._advanced = False
            return
        section = self.currentSection()
        super().keyPressEvent(event)
        self._advanced = typed.isdigit() and self.currentSection() != section

    def stepBy(self, steps: int) -> None:
        if self.date() == self.NO_DATE:
            self._from_today()
            return
        super().stepBy(steps)

    def mousePressEvent(self, event: Any) -> None:
        if event.position().x() >= self.width() - self.height():  # the calendar's arrow
            self._from_today()  # it opens on this month, not in 1752
        super().mousePressEvent(event)


class DueDelegate(QStyledItemDelegate):
    """The Due column edits with a date editor and its calendar (see DueEdit)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        return DueEdit(parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        assert isinstance(editor, DueEdit)
        row = index.data(ROW_ROLE)
        editor.set_due(row.action.due if row is not None and row.action else None)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, DueEdit)
        model.setData(index, editor.due())


class ChangesTree(QTreeView):
    """The tree of changes; F2 edits the cell here (not the window's Rename)."""

    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_F2 and self.state() != self.State.EditingState):
            event.accept()
            return True
        return super().event(event)


class ChangesPanel(QWidget):
    """The dock's content: the heading, the filter, Mark Done, the tree and the drift chart."""

    change_selected = Signal(int, int)  # touchpoint id, department id
    planned_only_changed = Signal(bool)
    leave_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changesPanel")
        self.session = session
        self.model = ChangesModel(session, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.heading = QLabel(self)
        self.heading.setObjectName("changesHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        controls = QHBoxLayout()
        self.planned_only = QCheckBox("Only touchpoints with planned changes", self)
        self.planned_only.setObjectName("plannedOnly")
        self.planned_only.setToolTip("Show only these touchpoints in the grid")
        self.planned_only.toggled.connect(self.planned_only_changed)
        controls.addWidget(self.planned_only, 1)
        self.mark_done = QPushButton("Mark &Done", self)
        self.mark_done.setObjectName("markDone")
        self.mark_done.setToolTip("Make today's role the target role of the selected changes "
                                  "(one undo step)")
        self.mark_done.clicked.connect(self.complete_selected)
        controls.addWidget(self.mark_done)
        self.leave = QPushButton("&Leave Comparison", self)
        self.leave.setObjectName("leaveComparison")
        self.leave.clicked.connect(self.leave_requested)
        self.leave.hide()
        controls.addWidget(self.leave)
        layout.addLayout(controls)

        self.view = ChangesTree(self)
        self.view.setObjectName("changesView")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.setItemDelegateForColumn(STATUS, StatusDelegate(self.view))
        self.view.setItemDelegateForColumn(DUE, DueDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        for column, sample in ((TOUCHPOINT, "Renewal reminder email"), (CHANGE, "Change  "),
                               (PERSON, "Dana Whitfield"), (DUE, "2026-03-31 ▾  "),
                               (STATUS, "In progress ▾")):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.clicked.connect(self._on_clicked)

        self.chart = DriftChart(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("changesTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.view, "&Planned Changes")
        self.tabs.addTab(self.chart, "&Ownership over Time")
        self.tabs.setTabToolTip(1, "Per snapshot, in order, then now: the share of touchpoints "
                                   "with exactly one owner, and how many have none, several, "
                                   "or are handled but owned by nobody; dashed: where the "
                                   "plan leads")
        layout.addWidget(self.tabs, 1)

        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self.rebuild)
        session.changed.connect(self._on_change)
        session.document_changed.connect(self._on_document_changed)
        self._comparison_title = ""
        self._figures_text = ""
        self._chart_dirty = True
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(250)
        self._chart_timer.timeout.connect(self.refresh_chart)
        self.tabs.currentChanged.connect(self._on_tab)
        self.rebuild()

    # ---- following the document -------------------------------------------------------------

    def _on_document_changed(self) -> None:
        self.model.baseline = None
        self._comparison_title = ""
        self.leave.hide()
        self.rebuild()

    def _on_change(self, change: MatrixChange) -> None:
        if change.snapshots or change.roles_changed or change.structure:
            self._refresh_chart_soon()
        if self.model.baseline is not None:
            if change.roles_changed or change.names_changed or change.touchpoints:
                self._rebuild_timer.start()
            return
        only_actions = (change.actions and not change.targets_changed
                        and not change.names_changed and not change.touchpoints)
        if only_actions and self.model.refresh_actions(change.actions):
            return
        cells_only = not (change.everything or change.structure or change.names_changed
                          or change.touchpoints or change.touchpoints_planned
                          or change.departments_planned or change.focus_changed)
        # The touchpoints are kept on the record (worked out on the worker after a whole
        # replacement).
        if cells_only and not self._rebuild_timer.isActive() and (
                change.cells or change.targets or change.actions) and (
                self.model.update_touchpoints(change.cell_touchpoints())):
            self._update_heading()
            self._update_buttons()
            self._refresh_chart_soon()
            return
        if change.plan_changed or change.names_changed or change.touchpoints:
            self._rebuild_timer.start()

    def _refresh_chart_soon(self) -> None:
        """The figures cost a pass over the matrix: counted while the chart shows, a moment
        after the edits stop, or when its tab is opened."""
        self._chart_dirty = True
        if self.tabs.currentWidget() is self.chart and self.isVisible():
            self._chart_timer.start()

    def _on_tab(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.chart and self._chart_dirty:
            self.refresh_chart()

    def compare_with(self, baseline: Matrix | None, title: str = "") -> None:
        """List what changed since ``baseline`` (read-only); None: the planned changes."""
        self.model.baseline = baseline
        self._comparison_title = title
        # A comparison is a pass over every cell: once the edits pause, not after each.
        self._rebuild_timer.setInterval(200 if baseline is not None else 0)
        self.leave.setVisible(baseline is not None)
        comparing = baseline is not None
        self.planned_only.setText("Only touchpoints changed since the snapshot" if comparing
                                  else "Only touchpoints with planned changes")
        self.tabs.setTabText(0, "&Changes since the Snapshot" if comparing
                             else "&Planned Changes")
        for column in (PERSON, DUE, STATUS):  # a comparison has no actions to show
            self.view.setColumnHidden(column, comparing)
        self.rebuild()

    def rebuild(self) -> None:
        """List the changes again, keeping the selected and current rows."""
        selected = [r.key for r in self.selected_changes()]
        current = self.model.change_at(self.view.currentIndex())
        self.model.rebuild()
        self.view.expandAll()
        if len(self.model.changes.groups) <= 1:
            self.view.setRootIsDecorated(False)
        else:
            self.view.setRootIsDecorated(True)
        for key in selected:
            index = self.model.row_index(key)
            if index.isValid():
                self.view.selectionModel().select(
                    index, self.view.selectionModel().SelectionFlag.Select
                    | self.view.selectionModel().SelectionFlag.Rows)
        if current is not None:
            index = self.model.row_index(current.key)
            if index.isValid():
                self.view.selectionModel().setCurrentIndex(
                    index, self.view.selectionModel().SelectionFlag.NoUpdate)
        self._fit_touchpoint_column()
        self._update_heading()
        self._update_buttons()
        self._refresh_chart_soon()

    def _fit_touchpoint_column(self) -> None:
        """Department headings span the row; the first column fits the touchpoint names."""
        metrics = self.view.fontMetrics()
        names = [row.touchpoint for g in self.model.changes.groups for row in g.rows[:200]]
        for number in range(len(self.model.changes.groups)):
            self.view.setFirstColumnSpanned(number, QModelIndex(), True)
        widest = max((metrics.horizontalAdvance(n) for n in names), default=0)
        self.view.header().resizeSection(TOUCHPOINT, min(max(160, widest + 48), 360))

    def _update_heading(self) -> None:
        document = self.session.document
        changes = self.model.changes
        count = changes.count
        noun = f"{count} change{'s' if count != 1 else ''}"
        if document is None:
            self.heading.setText("No matrix is open.")
        elif self.model.baseline is not None:
            notes = (" Structure: " + "; ".join(changes.notes[:6])
                     + ("…" if len(changes.notes) > 6 else "")) if changes.notes else ""
            self.heading.setText(f"<b>Since {_html(self._comparison_title)}</b>: {noun} "
                                 f"(read-only).{_html(notes)}")
        elif count == 0:
            self.heading.setText("No planned changes. Switch the grid to <b>Target</b> "
                                 "(View > Target) and set the roles as they should be.")
        else:
            figures = f" · {_html(self._figures_text)}" if self._figures_text else ""
            self.heading.setText(f"<b>Today → target</b>: {noun}{figures}")

    def set_figures_text(self, text: str) -> None:
        """"today: 4 errors → target: 0 errors" beside the count (the window keeps it)."""
        if text != self._figures_text:
            self._figures_text = text
            self._update_heading()

    def _update_buttons(self, *_args: object) -> None:
        self.mark_done.setVisible(self.model.baseline is None)
        self.mark_done.setEnabled(not self.model.read_only and bool(self.selected_changes()))

    def refresh_chart(self) -> None:
        self._chart_dirty = False
        document = self.session.document
        if document is None:
            self.chart.set_points([])
            return
        from datetime import datetime

        from cxmatrix.domain.snapshots import DriftPoint, drift, ownership_figures
        from cxmatrix.store import DocumentError

        try:
            infos = document.snapshots()
        except DocumentError:
            infos = []
        points = drift((i.name, i.taken, i.figures) for i in infos)
        matrix = document.matrix
        now = datetime.now()
        target = None
        if matrix.has_plan:
            from cxmatrix.domain.states import target_state

            target = DriftPoint("Target", now, ownership_figures(target_state(matrix)))
        self.chart.set_points([*points, DriftPoint("Now", now, ownership_figures(matrix))],
                              has_snapshots=bool(points), target=target)

    # ---- acting on the rows -----------------------------------------------------------------

    def selected_changes(self) -> list[ChangeRow]:
        rows = []
        seen = set()
        for index in self.view.selectionModel().selectedRows():
            row = self.model.change_at(index)
            if row is not None and row.key not in seen:
                seen.add(row.key)
                rows.append(row)
        return rows

    def complete_selected(self) -> bool:
        """Mark the selected planned changes done, as one undo step."""
        rows = self.selected_changes()
        if not rows or self.model.read_only:
            return False
        from cxmatrix.ui.plan_commands import CompleteChanges

        return self.session.execute(CompleteChanges(self.session, [r.key for r in rows]))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.change_at(current)
        if row is not None:
            self.change_selected.emit(*row.key)

    def _on_clicked(self, index: QModelIndex) -> None:
        row = self.model.change_at(index)
        if row is not None:
            self.change_selected.emit(*row.key)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
