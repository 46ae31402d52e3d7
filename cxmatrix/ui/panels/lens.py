"""The lens dock: the matrix through one department's eyes.

Choose a department (the matrix's focus department by default): its column is highlighted in
the grid, and the panel lists what it Owns, Influences and Handles, each with the standing
advice from cxmatrix.domain.lens, plus the touchpoints where it has no role yet. The four
lists are tabs, so the one shown gets all the dock's height (the dock usually shares its
place with the findings and sits above the details). The lists are recomputed after edits,
coalesced so a burst of edits costs one refresh.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.lens import DepartmentLens, department_lens
from cxmatrix.domain.model import Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange

_ROOT = QModelIndex()  # the invalid index: the root of a model

SECTIONS: tuple[Role | None, ...] = (Role.OWN, Role.INFLUENCE, Role.HANDLE, None)
SECTION_TABS = {Role.OWN: "Own", Role.INFLUENCE: "Influence", Role.HANDLE: "Handle",
                None: "No role"}
INCREMENTAL_LIMIT = 300


class TouchpointListModel(QAbstractListModel):
    """A read-only list of touchpoints in display order (name shown, stage in the tooltip).

    Edits move single touchpoints in and out (row inserts and removals), so a 14,000-item
    list is not rebuilt for every cell that changes."""

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.touchpoints: list[Touchpoint] = []
        self._keys: list[int] = []  # display positions, ascending

    def set_touchpoints(self, touchpoints: Sequence[Touchpoint], keys: Sequence[int]) -> None:
        self.beginResetModel()
        self.touchpoints = list(touchpoints)
        self._keys = list(keys)
        self.endResetModel()

    def insert(self, touchpoint: Touchpoint, key: int) -> None:
        row = bisect.bisect_left(self._keys, key)
        self.beginInsertRows(_ROOT, row, row)
        self.touchpoints.insert(row, touchpoint)
        self._keys.insert(row, key)
        self.endInsertRows()

    def remove(self, key: int) -> None:
        row = bisect.bisect_left(self._keys, key)
        if row < len(self._keys) and self._keys[row] == key:
            self.beginRemoveRows(_ROOT, row, row)
            del self.touchpoints[row]
            del self._keys[row]
            self.endRemoveRows()

    def changed(self, key: int) -> None:
        row = bisect.bisect_left(self._keys, key)
        if row < len(self._keys) and self._keys[row] == key:
            self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.touchpoints)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if not index.isValid() or index.row() >= len(self.touchpoints):
            return None
        tp = self.touchpoints[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return tp.name
        if role == Qt.ItemDataRole.ToolTipRole:
            document = self.session.document
            if document is not None and document.matrix.has_touchpoint(tp.id):
                return f"{tp.name} ({document.matrix.stage(tp.stage_id).name})"
            return tp.name
        if role == Qt.ItemDataRole.UserRole:
            return tp.id
        return None


def _list_view(parent: QWidget, model: TouchpointListModel) -> QTableView:
    """A one-column table used as a list: unlike QListView, it takes row inserts and removals
    without laying out every item again (the no-role list can hold 20,000 touchpoints)."""
    view = QTableView(parent)
    view.setModel(model)
    view.horizontalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return view


class LensPanel(QWidget):
    department_changed = Signal(object)  # department id or None
    touchpoint_selected = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.chooser = QComboBox(self)
        self.chooser.setObjectName("lensDepartment")
        self.chooser.setToolTip("The department whose view of the matrix is shown")
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        self.counts = QLabel(self)
        self.counts.setObjectName("lensCounts")
        self.counts.setWordWrap(True)
        self.lists: dict[Role | None, TouchpointListModel] = {}
        self.views: dict[Role | None, QTableView] = {}
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("lensSections")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBar().setExpanding(False)
        for role in SECTIONS:
            page = QWidget(self.tabs)
            advice = QLabel(DepartmentLens.advice(role), page)
            advice.setWordWrap(True)
            advice.setObjectName(f"lensAdvice_{role.value if role else 'none'}")
            # A palette role, not a style sheet: it follows a light/dark switch.
            advice.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            model = TouchpointListModel(session, self)
            view = _list_view(page, model)
            view.setObjectName(f"lensList_{role.value if role else 'none'}")
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.activated.connect(self._on_activated)
            view.clicked.connect(self._on_activated)
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 4, 0, 0)
            column.addWidget(advice)
            column.addWidget(view, 1)
            self.tabs.addTab(page, SECTION_TABS[role])
            self.tabs.setTabToolTip(self.tabs.count() - 1, DepartmentLens.advice(role))
            self.lists[role], self.views[role] = model, view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.chooser)
        layout.addWidget(self.counts)
        layout.addWidget(self.tabs, 1)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._catch_up)
        self._order: dict[int, int] = {}  # touchpoint id -> display position
        self._section_of: dict[int, Role | None] = {}  # touchpoint id -> list it is in
        self._pending: set[int] | None = None  # touched touchpoints; None: recompute all
        session.changed.connect(self._on_change)
        session.document_changed.connect(self._on_document)
        self._on_document()

    def department_id(self) -> int | None:
        data = self.chooser.currentData()
        return int(data) if data is not None else None

    def set_department(self, department_id: int | None) -> None:
        position = self.chooser.findData(department_id)
        if position >= 0:
            self.chooser.setCurrentIndex(position)

    def _fill_chooser(self, keep: int | None) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        document = self.session.document
        if document is not None:
            focus = document.matrix.focus_department_id
            for dept in document.matrix.departments:
                label = f"{dept.name} (focus)" if dept.id == focus else dept.name
                self.chooser.addItem(label, dept.id)
            wanted = keep if keep is not None and document.matrix.has_department(keep) else focus
            position = self.chooser.findData(wanted)
            self.chooser.setCurrentIndex(max(0, position) if self.chooser.count() else -1)
        self.chooser.blockSignals(False)

    def _on_document(self) -> None:
        self._fill_chooser(None)
        self.refresh()
        self.department_changed.emit(self.department_id())

    def _on_change(self, change: MatrixChange) -> None:
        if change.columns_changed or change.departments or change.focus_changed:
            before = self.department_id()
            self._fill_chooser(before)
            if self.department_id() != before:
                self.department_changed.emit(self.department_id())
        if change.structure or change.names_changed or change.focus_changed:
            self._pending = None  # lists in a new order, or headings with new names
        elif self._pending is not None:
            self._pending.update(change.touched_touchpoints())
            if len(self._pending) > INCREMENTAL_LIMIT:
                self._pending = None  # one recomputation beats many row moves
        if self.isVisible():
            self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._catch_up()  # edits made while the dock was hidden

    def _catch_up(self) -> None:
        """Move only the touchpoints an edit touched between the lists."""
        pending = self._pending
        document = self.session.document
        dept_id = self.department_id()
        if pending is None or document is None or dept_id is None or (
                not document.matrix.has_department(dept_id)):
            self.refresh()
            return
        matrix = document.matrix
        for tid in pending:
            key = self._order.get(tid)
            if key is None or not matrix.has_touchpoint(tid):
                self.refresh()
                return
            role = matrix.role(tid, dept_id)
            old = self._section_of.get(tid)
            if old is role:
                self.lists[role].changed(key)
                continue
            self.lists[old].remove(key)
            self.lists[role].insert(matrix.touchpoint(tid), key)
            self._section_of[tid] = role
        self._pending = set()
        self._show_counts(matrix.department(dept_id).name)

    def _on_chosen(self, _position: int) -> None:
        self.refresh()
        self.department_changed.emit(self.department_id())

    def refresh(self) -> None:
        """Recompute the lens from the matrix (after structure changes or a new choice)."""
        self._refresh_timer.stop()
        document = self.session.document
        dept_id = self.department_id()
        self._pending = set()
        if document is None or dept_id is None or not document.matrix.has_department(dept_id):
            self._order, self._section_of = {}, {}
            for position, role in enumerate(SECTIONS):
                self.lists[role].set_touchpoints((), ())
                self.tabs.setTabText(position, SECTION_TABS[role])
            self.counts.setText("No department to look through." if document else "")
            return
        matrix = document.matrix
        lens = department_lens(matrix, dept_id)
        self._order = {tp.id: i for i, tp in enumerate(matrix.iter_touchpoints())}
        self._section_of = {}
        for role in SECTIONS:
            touchpoints = lens.touchpoints(role)
            self._section_of.update(dict.fromkeys((tp.id for tp in touchpoints), role))
            self.lists[role].set_touchpoints(touchpoints,
                                             [self._order[tp.id] for tp in touchpoints])
        self._show_counts(lens.department.name)

    def _show_counts(self, name: str) -> None:
        counts = {role: self.lists[role].rowCount() for role in SECTIONS}
        for position, role in enumerate(SECTIONS):
            self.tabs.setTabText(position, f"{SECTION_TABS[role]} {counts[role]:,}")
        total = sum(counts.values())
        self.counts.setText(
            f"{name}: owns {counts[Role.OWN]:,}, influences {counts[Role.INFLUENCE]:,}, handles "
            f"{counts[Role.HANDLE]:,}, no role on {counts[None]:,} of {total:,} touchpoints.")

    def section_title(self, role: Role | None) -> str:
        """The tab text of a role's list: "Own 12"."""
        return self.tabs.tabText(SECTIONS.index(role))

    def show_section(self, role: Role | None) -> None:
        self.tabs.setCurrentIndex(SECTIONS.index(role))

    def _on_activated(self, index: QModelIndex) -> None:
        tid = index.data(Qt.ItemDataRole.UserRole)
        if tid is not None:
            self.touchpoint_selected.emit(int(tid))
