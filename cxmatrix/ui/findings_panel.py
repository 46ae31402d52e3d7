"""The findings dock: every current finding grouped by severity with counts, kept live.

The tree model updates incrementally: a cell edit replaces only the findings of the touched
touchpoints (found by bisecting on display order), so it stays fast on 20,000 rows. Structure
changes rebuild it. Activating a finding asks the window to select its cell, row or column.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.findings import CODES, Finding
from cxmatrix.domain.roles import Severity
from cxmatrix.store import Change
from cxmatrix.ui.delegates import draw_marker
from cxmatrix.ui.session import Session

_ROOT = QModelIndex()  # the invalid index: the root of a model

GROUP_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings",
                Severity.INFO: "Information"}
FINDING_ROLE = Qt.ItemDataRole.UserRole.value
_NO_PARENT = 1_000  # internal id of a group row (finding rows carry their group number)
_CODE_ORDER = {code: i for i, code in enumerate(CODES)}

_icons: dict[Severity, QIcon] = {}


def severity_icon(severity: Severity) -> QIcon:
    if severity not in _icons:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        from PySide6.QtCore import QRect

        draw_marker(painter, QRect(1, 1, 14, 14), severity)
        painter.end()
        _icons[severity] = QIcon(pixmap)
    return _icons[severity]


class FindingsModel(QAbstractItemModel):
    """Three groups (errors, warnings, information), each listing its findings."""

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.severities = list(Severity)
        self._items: dict[Severity, list[Finding]] = {s: [] for s in Severity}
        self._keys: dict[Severity, list[tuple[float, int, int]]] = {s: [] for s in Severity}
        self._tp_order: dict[int, int] = {}
        self._dept_order: dict[int, int] = {}
        self._names: dict[int, str] = {}
        self.rebuild()
        session.changed.connect(self._on_change)
        session.document_changed.connect(self.rebuild)

    # ---- keeping up -----------------------------------------------------------------------

    def _key(self, finding: Finding) -> tuple[float, int, int]:
        tp = self._tp_order.get(finding.touchpoint_id, math.inf) if (
            finding.touchpoint_id is not None) else math.inf
        dept = self._dept_order.get(finding.department_id, 0) if (
            finding.department_id is not None) else 0
        return (tp, dept, _CODE_ORDER[finding.code])

    def rebuild(self) -> None:
        self.beginResetModel()
        for severity in Severity:
            self._items[severity] = []
            self._keys[severity] = []
        document = self.session.document
        if document is not None:
            matrix = document.matrix
            self._tp_order = {tp.id: i for i, tp in enumerate(matrix.iter_touchpoints())}
            self._dept_order = {d.id: i for i, d in enumerate(matrix.departments)}
            for finding in document.findings.all():
                self._items[finding.severity].append(finding)
            for severity in Severity:
                self._keys[severity] = [self._key(f) for f in self._items[severity]]
        self.endResetModel()

    def _on_change(self, change: Change) -> None:
        if change.kind == "cells" or (change.kind == "touchpoints" and not change.structure):
            self._update_touchpoints(change.touchpoint_ids)
        elif change.kind in ("properties", "stages") and not change.structure:
            return
        else:
            self.rebuild()

    def _update_touchpoints(self, touchpoint_ids: frozenset[int]) -> None:
        document = self.session.document
        if document is None:
            return
        index = document.findings
        for tid in sorted(touchpoint_ids, key=lambda t: self._tp_order.get(t, math.inf)):
            order = self._tp_order.get(tid)
            if order is None:
                continue
            new = index.for_touchpoint(tid)
            for severity in Severity:
                self._replace_range(severity, (order,), (order + 1,),
                                    [f for f in new if f.severity is severity])
        idle = index.idle_departments()
        self._replace_range(Severity.INFO, (math.inf,), (math.inf, math.inf), idle)

    def _replace_range(self, severity: Severity, low: tuple[float, ...],
                       high: tuple[float, ...], new: list[Finding]) -> None:
        keys = self._keys[severity]
        items = self._items[severity]
        start = bisect.bisect_left(keys, low)
        stop = bisect.bisect_left(keys, high)
        if items[start:stop] == new:
            return
        parent = self.index(self.severities.index(severity), 0)
        if stop > start:
            self.beginRemoveRows(parent, start, stop - 1)
            del items[start:stop]
            del keys[start:stop]
            self.endRemoveRows()
        if new:
            self.beginInsertRows(parent, start, start + len(new) - 1)
            items[start:start] = new
            keys[start:start] = [self._key(f) for f in new]
            self.endInsertRows()
        self.dataChanged.emit(parent, parent)

    # ---- queries --------------------------------------------------------------------------

    def count(self, severity: Severity) -> int:
        return len(self._items[severity])

    def findings(self, severity: Severity) -> list[Finding]:
        return list(self._items[severity])

    def finding_at(self, index: QModelIndex | QPersistentModelIndex) -> Finding | None:
        if not index.isValid() or index.internalId() == _NO_PARENT:
            return None
        severity = self.severities[index.internalId()]
        items = self._items[severity]
        return items[index.row()] if index.row() < len(items) else None

    # ---- Qt model interface ---------------------------------------------------------------

    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = _ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, _NO_PARENT) if row < len(self.severities) else (
                QModelIndex())
        if parent.internalId() != _NO_PARENT:
            return QModelIndex()
        return self.createIndex(row, 0, parent.row())

    def parent(self, index: QModelIndex | QPersistentModelIndex = _ROOT  # type: ignore[override]
               ) -> QModelIndex:
        if not index.isValid() or index.internalId() == _NO_PARENT:
            return QModelIndex()
        return self.createIndex(index.internalId(), 0, _NO_PARENT)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self.severities)
        if parent.internalId() == _NO_PARENT:
            return len(self._items[self.severities[parent.row()]])
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 1

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _NO_PARENT:
            severity = self.severities[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{GROUP_TITLES[severity]} ({self.count(severity)})"
            if role == Qt.ItemDataRole.DecorationRole:
                return severity_icon(severity)
            return None
        finding = self.finding_at(index)
        if finding is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(finding)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{finding.title}\n{self._label(finding)}\n(code: {finding.code})"
        if role == FINDING_ROLE:
            return finding
        return None

    def _label(self, finding: Finding) -> str:
        document = self.session.document
        if finding.touchpoint_id is not None and document is not None and (
                document.matrix.has_touchpoint(finding.touchpoint_id)):
            return f"{document.matrix.touchpoint(finding.touchpoint_id).name}: {finding.message}"
        return finding.message

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class FindingsPanel(QWidget):
    """The dock's content: counts, the "only rows with findings" toggle and the tree."""

    finding_selected = Signal(object)  # Finding
    only_rows_changed = Signal(bool, object)  # on, minimum Severity

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FindingsModel(session, self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("findingsTree")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        self.tree.activated.connect(self._on_current)
        self.model.modelReset.connect(self._expand)
        self.only_rows = QCheckBox("Only rows with findings", self)
        self.only_rows.setObjectName("onlyRowsWithFindings")
        self.only_rows.setToolTip("Show only the touchpoints that have findings of at least "
                                  "the chosen severity")
        self.min_severity = QComboBox(self)
        self.min_severity.setObjectName("findingsMinSeverity")
        self.min_severity.addItem("errors", Severity.ERROR.value)
        self.min_severity.addItem("errors and warnings", Severity.WARNING.value)
        self.min_severity.addItem("any finding", Severity.INFO.value)
        self.min_severity.setCurrentIndex(1)
        self.only_rows.toggled.connect(self._emit_only_rows)
        self.min_severity.currentIndexChanged.connect(self._emit_only_rows)
        toggle_row = QHBoxLayout()
        toggle_row.addWidget(self.only_rows)
        toggle_row.addWidget(self.min_severity, 1)
        self.summary = QLabel(self)
        self.summary.setObjectName("findingsSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(toggle_row)
        layout.addWidget(self.tree, 1)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_summary)
        self._expand()
        self._update_summary()

    def _expand(self) -> None:
        self.tree.expand(self.model.index(0, 0))
        self.tree.expand(self.model.index(1, 0))

    def _update_summary(self, *_args: object) -> None:
        counts = [(self.model.count(s), GROUP_TITLES[s].lower()) for s in Severity]
        if self.model.session.document is None:
            self.summary.setText("No matrix is open.")
            return
        self.summary.setText(", ".join(f"{n} {label}" for n, label in counts))

    def _emit_only_rows(self, *_args: object) -> None:
        self.only_rows_changed.emit(self.only_rows.isChecked(),
                                    Severity(self.min_severity.currentData()))

    def _on_current(self, index: QModelIndex, *_args: object) -> None:
        finding = self.model.finding_at(index)
        if finding is not None:
            self.finding_selected.emit(finding)
