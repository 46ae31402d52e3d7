"""The findings dock: every current finding grouped by severity with counts, kept live.

The list is a flat table: a heading row per severity ("Errors (4)", collapsible) followed by
its findings. It updates incrementally: a cell edit replaces only the findings of the touched
touchpoints (found by bisecting on display order) with row inserts and removals, which a
QTableView absorbs without visiting the other 25,000 rows of an L matrix. Structure changes
rebuild it. Activating a finding asks the window to select its cell, row or column.

Findings wrap instead of being cut with "…": a row has the one-line height unless its text
needs more at the list's width; only the rows on screen are measured, so the list stays cheap
with thousands of findings.
"""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QFont, QIcon, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.findings import CODES, Finding
from cxmatrix.domain.roles import Severity
from cxmatrix.ui.grid.delegates import draw_marker
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange

_ROOT = QModelIndex()  # the invalid index: the root of a model

GROUP_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
# "4 errors · 2 warnings · 19 info": DESIGN.md's severity names, counting findings.
COUNT_WORDS = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"),
               Severity.INFO: ("info", "info")}
FINDING_ROLE = Qt.ItemDataRole.UserRole.value
GROUP_ROLE = FINDING_ROLE + 1  # the Severity of a heading row
_CODE_ORDER = {code: i for i, code in enumerate(CODES)}


def _rank(severity: Severity) -> int:
    return severity.rank


def _finding_rank(finding: Finding) -> int:
    return finding.severity.rank
# Beyond this many touched touchpoints, one rebuild is cheaper than row-by-row updates.
INCREMENTAL_LIMIT = 300

_icons: dict[Severity | None, QIcon] = {}
ICON_SIZE = 16


def findings_count_text(counts: dict[Severity, int]) -> str:
    """"4 errors · 2 warnings · 19 info"."""
    return " · ".join(f"{counts[s]:,} {COUNT_WORDS[s][counts[s] != 1]}" for s in Severity)


def blank_icon() -> QIcon:
    """Indents a finding under its heading, wrapped lines included."""
    if None not in _icons:
        pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        _icons[None] = QIcon(pixmap)
    return _icons[None]


def severity_icon(severity: Severity) -> QIcon:
    if severity not in _icons:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        draw_marker(painter, QRect(1, 1, 14, 14), severity)
        painter.end()
        _icons[severity] = QIcon(pixmap)
    return _icons[severity]


class FindingsModel(QAbstractTableModel):
    """Heading rows for errors, warnings and info, each followed by its findings
    (unless collapsed)."""

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.severities = list(Severity)
        self.collapsed: set[Severity] = {Severity.INFO}
        self._items: dict[Severity, list[Finding]] = {s: [] for s in Severity}
        # Display positions of touchpoints and departments, for bisecting on an edit: built
        # at the first edit after a rebuild (None until then), not while a file opens.
        self._orders: tuple[dict[int, int], dict[int, int]] | None = None
        self._signoff_shown: list[Finding] = []  # the sign-off findings in the list now
        self._bold = QFont()
        self._bold.setBold(True)
        self.rebuild()
        session.changed.connect(self._on_change)
        session.document_changed.connect(self.rebuild)
        session.findings_ready.connect(self.rebuild)

    # ---- the flat row layout --------------------------------------------------------------

    def _shown(self, severity: Severity) -> int:
        return 0 if severity in self.collapsed else len(self._items[severity])

    def group_row(self, severity: Severity) -> int:
        row = 0
        for other in self.severities:
            if other is severity:
                return row
            row += 1 + self._shown(other)
        raise ValueError(severity)

    def _locate(self, row: int) -> tuple[Severity, int]:
        """(severity, position in its group); position -1 is the heading row."""
        for severity in self.severities:
            if row == 0:
                return severity, -1
            row -= 1
            shown = self._shown(severity)
            if row < shown:
                return severity, row
            row -= shown
        raise IndexError(row)

    def finding_row(self, finding: Finding) -> int | None:
        severity = finding.severity
        if severity in self.collapsed:
            return None
        try:
            position = self._items[severity].index(finding)
        except ValueError:
            return None
        return self.group_row(severity) + 1 + position

    def set_collapsed(self, severity: Severity, collapsed: bool) -> None:
        if (severity in self.collapsed) == collapsed:
            return
        first = self.group_row(severity) + 1
        count = len(self._items[severity])
        if collapsed:
            if count:
                self.beginRemoveRows(_ROOT, first, first + count - 1)
            self.collapsed.add(severity)
            if count:
                self.endRemoveRows()
        else:
            if count:
                self.beginInsertRows(_ROOT, first, first + count - 1)
            self.collapsed.discard(severity)
            if count:
                self.endInsertRows()
        heading = self.index(first - 1, 0)
        self.dataChanged.emit(heading, heading)

    # ---- keeping up -----------------------------------------------------------------------

    def _display_orders(self) -> tuple[dict[int, int], dict[int, int]]:
        if self._orders is None:
            document = self.session.document
            if document is None:
                return {}, {}
            matrix = document.matrix
            self._orders = ({tp.id: i for i, tp in enumerate(matrix.iter_touchpoints())},
                            {d.id: i for i, d in enumerate(matrix.departments)})
        return self._orders

    def _key(self, finding: Finding) -> tuple[float, int, int]:
        """Where a finding sorts within its severity (the findings index's order)."""
        tp_order, dept_order = self._display_orders()
        tp = tp_order.get(finding.touchpoint_id, math.inf) if (
            finding.touchpoint_id is not None) else math.inf
        dept = dept_order.get(finding.department_id, 0) if (
            finding.department_id is not None) else 0
        return (tp, dept, _CODE_ORDER[finding.code])

    def rebuild(self) -> None:
        self.beginResetModel()
        self._orders = None
        self._items = {s: [] for s in Severity}
        self._signoff_shown = []
        document = self.session.document
        if document is not None:
            found = document.findings.all()  # most serious first: one slice per severity
            start = 0
            for severity in sorted(Severity, key=_rank):
                end = bisect.bisect_right(found, severity.rank, lo=start, key=_finding_rank)
                self._items[severity] = found[start:end]
                start = end
            self._signoff_shown = document.findings.signoff_findings()
        self.endResetModel()

    def _on_change(self, change: MatrixChange) -> None:
        if self.session.checking:
            return  # the list is empty until the count arrives, then rebuilt
        touched = change.touched_touchpoints()
        document = self.session.document
        # A planned department leaves today with its roles on every row it has one, and a
        # planned flag can end a dispute or date an agreement: a few rare edits, rebuilt.
        replanned = bool(change.departments_planned or (
            change.touchpoints_planned and document is not None and document.matrix.signoffs))
        # Disputes and out-of-date agreements follow sign-off records and whole columns,
        # not rows: when they differ from what is shown (a pack applied or sent again, an
        # edit of an agreed column), the list is rebuilt; they change rarely.
        resigned = document is not None and (
            bool(change.signoffs or document.matrix.signoffs or self._signoff_shown)
            and document.findings.signoff_findings() != self._signoff_shown)
        if (change.structure or change.focus_changed or replanned or resigned
                or len(touched) > INCREMENTAL_LIMIT):
            self.rebuild()
            return
        if touched:
            self._update_touchpoints(touched)
        if change.departments and self.rowCount():
            # Messages name departments as they are called now: show the new names.
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def _update_touchpoints(self, touchpoint_ids: frozenset[int]) -> None:
        document = self.session.document
        if document is None:
            return
        index = document.findings
        tp_order = self._display_orders()[0]
        for tid in sorted(touchpoint_ids, key=lambda t: tp_order.get(t, math.inf)):
            order = tp_order.get(tid)
            if order is None:
                continue
            new = index.for_touchpoint(tid)
            for severity in Severity:
                self._replace_range(severity, (order,), (order + 1,),
                                    [f for f in new if f.severity is severity])
        # The info findings of no touchpoint sort last: idle departments and out-of-date
        # agreements together (the latter unchanged here, or the list was rebuilt).
        tail = index.idle_departments() + [
            f for f in self._signoff_shown
            if f.touchpoint_id is None and f.severity is Severity.INFO]
        tail.sort(key=self._key)
        self._replace_range(Severity.INFO, (math.inf,), (math.inf, math.inf), tail)

    def _replace_range(self, severity: Severity, low: tuple[float, ...],
                       high: tuple[float, ...], new: list[Finding]) -> None:
        items = self._items[severity]
        start = bisect.bisect_left(items, low, key=self._key)
        stop = bisect.bisect_left(items, high, lo=start, key=self._key)
        if items[start:stop] == new:
            return
        shown = severity not in self.collapsed
        base = self.group_row(severity) + 1
        common = min(stop - start, len(new))
        # Same number of findings: change them in place (the usual case: a message changes).
        if common:
            items[start:start + common] = new[:common]
            if shown:
                self.dataChanged.emit(self.index(base + start, 0),
                                      self.index(base + start + common - 1, 0))
        if stop - start > common:
            first, last = start + common, stop - 1
            if shown:
                self.beginRemoveRows(_ROOT, base + first, base + last)
            del items[first:last + 1]
            if shown:
                self.endRemoveRows()
        elif len(new) > common:
            extra = new[common:]
            at = start + common
            if shown:
                self.beginInsertRows(_ROOT, base + at, base + at + len(extra) - 1)
            items[at:at] = extra
            if shown:
                self.endInsertRows()
        heading = self.index(base - 1, 0)
        self.dataChanged.emit(heading, heading)

    # ---- queries --------------------------------------------------------------------------

    def count(self, severity: Severity) -> int:
        return len(self._items[severity])

    def findings(self, severity: Severity) -> list[Finding]:
        return list(self._items[severity])

    def finding_at(self, index: QModelIndex | QPersistentModelIndex) -> Finding | None:
        if not index.isValid():
            return None
        severity, position = self._locate(index.row())
        return self._items[severity][position] if position >= 0 else None

    def severity_at(self, index: QModelIndex | QPersistentModelIndex) -> Severity | None:
        """The severity of a heading row (None for a finding row)."""
        if not index.isValid():
            return None
        severity, position = self._locate(index.row())
        return severity if position < 0 else None

    # ---- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self.severities) + sum(self._shown(s) for s in self.severities)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else 1

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole.value) -> Any:
        if not index.isValid():
            return None
        severity, position = self._locate(index.row())
        if position < 0:
            if role == Qt.ItemDataRole.DisplayRole:
                arrow = "▸" if severity in self.collapsed else "▾"
                return f"{arrow} {GROUP_TITLES[severity]} ({self.count(severity):,})"
            if role == Qt.ItemDataRole.DecorationRole:
                return severity_icon(severity)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Press Enter or double-click to show or hide these findings"
            if role == GROUP_ROLE:
                return severity
            return None
        finding = self._items[severity][position]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(finding)
        if role == Qt.ItemDataRole.DecorationRole:
            return blank_icon()
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


class FindingsView(QTableView):
    """The findings list: one column, rows as tall as their wrapped text.

    Only the rows on screen are measured (after a scroll, a resize or a change, once per event
    loop turn), so expanding 20,000 info findings costs no more than showing a screenful."""

    PADDING = 6  # above and below the text, as in a one-line row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.line_height)
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._refit = QTimer(self)  # a burst of changes or resizes measures once
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_visible_rows)
        self.verticalScrollBar().valueChanged.connect(self.schedule_fit)

    @property
    def line_height(self) -> int:
        return self.fontMetrics().height() + self.PADDING

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged):
            signal.connect(self.schedule_fit)

    def schedule_fit(self, *_args: object) -> None:
        self._refit.start()

    def text_width(self) -> int:
        """The width the delegate gives a row's text: the column less the icon and margins."""
        return max(40, self.viewport().width() - ICON_SIZE - 24)

    def row_height_for(self, text: str) -> int:
        metrics = self.fontMetrics()
        width = self.text_width()
        if metrics.horizontalAdvance(text) <= width:
            return self.line_height
        box = metrics.boundingRect(QRect(0, 0, width, 100_000),
                                   int(Qt.TextFlag.TextWordWrap), text)
        return max(self.line_height, box.height() + self.PADDING)

    def fit_visible_rows(self) -> None:
        """Give the rows on screen the height of their wrapped text."""
        self._refit.stop()
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        rows = self.verticalHeader()
        row = max(0, self.rowAt(0))
        top = self.rowViewportPosition(row)
        bottom = self.viewport().height()
        while row < model.rowCount() and top < bottom:
            height = self.row_height_for(model.data(model.index(row, 0)) or "")
            if rows.sectionSize(row) != height:
                rows.resizeSection(row, height)
            top += height
            row += 1

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Reached from the keyboard (Ctrl+2, Tab), the current row shows: nothing was
        highlighted until an arrow key moved, so one could not see where the focus was."""
        super().focusInEvent(event)
        model, selection = self.model(), self.selectionModel()
        if (model is None or selection is None or selection.hasSelection()
                or model.rowCount() == 0
                or event.reason() == Qt.FocusReason.MouseFocusReason):
            return
        current = self.currentIndex()
        selection.setCurrentIndex(current if current.isValid() else model.index(0, 0),
                                  selection.SelectionFlag.ClearAndSelect)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.schedule_fit()


class FindingsPanel(QWidget):
    """The dock's content: counts, the "only rows with findings" toggle and the list."""

    finding_selected = Signal(object)  # Finding
    only_rows_changed = Signal(bool, object)  # on, minimum Severity

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FindingsModel(session, self)
        self.view = FindingsView(self)
        self.view.setObjectName("findingsList")
        # Connected before the view's selection model exists, so this runs before Qt moves
        # the current row off a finding about to be removed.
        self._current_before: Finding | None = None  # the current finding before a change
        for signal in (self.model.modelAboutToBeReset, self.model.rowsAboutToBeRemoved,
                       self.model.rowsAboutToBeInserted, self.model.layoutAboutToBeChanged):
            signal.connect(self._remember_current)
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_activated)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.layoutChanged):
            signal.connect(self._restore_current)
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
        self.grid_shows = ""  # what the grid shows when it is not today: "the target"
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(toggle_row)
        layout.addWidget(self.view, 1)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.dataChanged):
            signal.connect(self._update_summary)
        self._update_summary()

    def _update_summary(self, *_args: object) -> None:
        if self.model.session.document is None:
            self.summary.setText("No matrix is open.")
            return
        if self.model.session.checking:
            self.summary.setText("Checking the matrix for findings…")
            return
        text = findings_count_text({s: self.model.count(s) for s in Severity})
        if self.grid_shows:
            # The list is always today's: say so while the grid shows something else.
            text = f"Today: {text} (the grid shows {self.grid_shows})"
        self.summary.setText(text)

    def set_grid_shows(self, what: str) -> None:
        """Say what the grid shows when it is not today ("the target"); "" for today."""
        if what != self.grid_shows:
            self.grid_shows = what
            self._update_summary()

    def _emit_only_rows(self, *_args: object) -> None:
        self.only_rows_changed.emit(self.only_rows.isChecked(),
                                    Severity(self.min_severity.currentData()))

    def _go_to(self, index: QModelIndex) -> None:
        finding = self.model.finding_at(index)
        if finding is not None:
            self.finding_selected.emit(finding)

    def _on_clicked(self, index: QModelIndex) -> None:
        if self.model.severity_at(index) is None:
            self._go_to(index)

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter or a double click: a heading shows or hides its findings, a finding is
        gone to. (Under styles that activate on a single click this follows ``clicked``;
        going to the same finding twice changes nothing.)"""
        severity = self.model.severity_at(index)
        if severity is not None:
            self.model.set_collapsed(severity, severity not in self.model.collapsed)
        else:
            self._go_to(index)

    def _remember_current(self, *_args: object) -> None:
        self._current_before = self.model.finding_at(self.view.currentIndex())

    def _restore_current(self, *_args: object) -> None:
        """After the list changed, its current row is the finding that was current, or none
        if that one is gone: never a neighbour Qt moved to because it was removed. (Nothing
        navigates on a change of the current row, so this only keeps the list honest.)"""
        before, self._current_before = self._current_before, None
        if before is None:
            return
        view = self.view
        if self.model.finding_at(view.currentIndex()) == before:
            return
        row = self.model.finding_row(before)
        selection = view.selectionModel()
        if row is not None:
            selection.setCurrentIndex(self.model.index(row, 0),
                                      selection.SelectionFlag.ClearAndSelect)
        else:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.NoUpdate)

    def select_finding(self, finding: Finding) -> bool:
        """Go to a finding as a click on it would."""
        row = self.model.finding_row(finding)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self._go_to(index)
        return True
