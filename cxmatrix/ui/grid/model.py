"""The grid's table model: an adapter over the domain Matrix (no data of its own).

Rows are stage headings, each followed by its touchpoints (a collapsed stage shows only its
heading); column 0 is the touchpoint name, then one column per department. Filtering and
collapsing happen here in the row mapping, not in a proxy model (see DESIGN.md's hazards).
The model follows the Session's ``changed`` signal and refreshes only what a Change touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from cxmatrix import palette
from cxmatrix.domain.findings import Finding
from cxmatrix.domain.model import Department, Matrix, Stage, Touchpoint, name_key
from cxmatrix.domain.roles import Role, RoleTextError, Severity, parse_role_text
from cxmatrix.domain.signoff import DepartmentSignOff
from cxmatrix.ui import commands
from cxmatrix.ui.grid.layers import CURRENT_LAYER, GridLayer, LayerKind
from cxmatrix.ui.grid.list_edits import Move, Remove, list_edits
from cxmatrix.ui.session import Session
from cxmatrix.ui.signoff_marks import Mark, mark_of, tooltip_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from cxmatrix.domain.changes import MatrixChange

_ROOT = QModelIndex()  # the invalid index: the root of a model

NAME_COLUMN = 0
ROW_MIME = "application/x-cxmatrix-touchpoints"

DISPLAY = Qt.ItemDataRole.DisplayRole.value
EDIT = Qt.ItemDataRole.EditRole.value
TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
FONT = Qt.ItemDataRole.FontRole.value
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole.value
USER = Qt.ItemDataRole.UserRole.value

# Our roles. OBJECT is the domain object under the index: a Stage, a Touchpoint or a CellRef.
OBJECT = USER
KIND = USER + 1  # "stage", "touchpoint" or "cell"
ROLE = USER + 2  # the Role in a cell, or None
FINDINGS = USER + 3  # the findings of the row's touchpoint (a tuple)
SEVERITY = USER + 4  # the worst severity among them, or None
NOTE = USER + 5  # the cell's note
HIGHLIGHT = USER + 6  # True in the lens department's column
DEPARTMENT_ID = USER + 7  # the column's department id (None in the name column)
DIFFERENCE = USER + 8  # (before, after) roles where the shown layer marks a difference
PLANNED = USER + 9  # in Current: (today, target) where the cell has a planned change, else None
COMMENTS = USER + 10  # how many comments the cell has
SIGNOFF_MARK = USER + 11  # a department header's sign-off mark (a signoff_marks.Mark, or None)

STAGE_KIND, TOUCHPOINT_KIND, CELL_KIND = "stage", "touchpoint", "cell"

ROLE_FILL = {Role(key): QColor("#" + value) for key, value in palette.ROLE_FILL.items()}
NOT_TODAY_FILL = QColor("#" + palette.NOT_TODAY)
ROLE_INK = {Role(key): QColor("#" + value) for key, value in palette.ROLE_INK.items()}
SEVERITY_COLOUR = {Severity.ERROR: QColor("#" + palette.FINDING_ERROR),
                   Severity.WARNING: QColor("#" + palette.FINDING_WARNING),
                   Severity.INFO: QColor("#" + palette.FINDING_INFO)}


@dataclass(frozen=True, slots=True)
class CellRef:
    """One cell of the grid as domain objects."""

    touchpoint: Touchpoint
    department: Department
    role: Role | None
    note: str


@dataclass(frozen=True)
class RowFilter:
    """Which touchpoints the grid shows. The default shows everything."""

    text: str = ""
    stage_id: int | None = None
    department_id: int | None = None  # with ``role``: "where <department> <role>"
    role: Role | None = None
    any_role: bool = True  # True: no role condition; False: department has exactly ``role``
    findings_only: bool = False
    planned_only: bool = False  # only touchpoints with a difference in the shown layer
    min_severity: Severity = Severity.WARNING
    collapsed: frozenset[int] = field(default_factory=frozenset)

    @property
    def filters_rows(self) -> bool:
        return bool(self.text.strip() or self.stage_id is not None or self.findings_only
                    or self.planned_only or (self.department_id is not None and not self.any_role))

    @property
    def depends_on_cells(self) -> bool:
        return (self.findings_only or self.planned_only
                or (self.department_id is not None and not self.any_role))


class MatrixModel(QAbstractTableModel):
    """Stage headings and touchpoints against departments, over the Session's matrix."""

    layer_changed = Signal()  # the grid shows another state (Current, Target, a comparison)

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.row_filter = RowFilter()
        self.highlight_department_id: int | None = None
        self.layer: GridLayer = CURRENT_LAYER
        # A touchpoint's findings at target (set by the window's plan view).
        self.target_findings: Callable[[int], tuple[Finding, ...]] | None = None
        self.short_headers = False  # department short codes as headings (fit to width)
        self._rows: list[int] = []  # stage or touchpoint ids, in display order
        self._stage_ids: set[int] = set()
        self._row_of: dict[int, int] = {}
        self._shown: dict[int, int] = {}  # stage id -> touchpoints passing the filter
        self._departments: list[Department] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._stage_band = QColor("#" + palette.STAGE_BAND)
        self._rebuild_rows()
        session.changed.connect(self._on_change)
        session.document_changed.connect(self.reload)
        session.findings_ready.connect(self._on_findings_ready)

    # ---- mapping --------------------------------------------------------------------------

    @property
    def matrix(self) -> Matrix | None:
        return self.session.document.matrix if self.session.document is not None else None

    def _compute_rows(self) -> list[int]:
        matrix = self.matrix
        if matrix is None:
            return []
        rows: list[int] = []
        self._shown = {}
        flt = self.row_filter
        filtering = flt.filters_rows
        needle = name_key(flt.text) if flt.text.strip() else ""
        flagged: set[int] | None = None
        if flt.findings_only:
            flagged = self.session.findings.touchpoints_with_findings(flt.min_severity)
        planned: set[int] | None = None
        if flt.planned_only:
            planned = self.layer.changed_touchpoints(matrix)
        where_dept = flt.department_id if not flt.any_role else None
        if where_dept is not None and not matrix.has_department(where_dept):
            where_dept = None
        roles = matrix.roles
        for stage in matrix.stages:
            if flt.stage_id is not None and stage.id != flt.stage_id:
                continue
            tids = matrix.stage_touchpoint_ids(stage.id)
            if filtering:
                by_id = matrix.touchpoint
                if needle:
                    tids = [t for t in tids if needle in name_key(by_id(t).name)]
                if flagged is not None:
                    tids = [t for t in tids if t in flagged]
                if planned is not None:
                    tids = [t for t in tids if t in planned]
                if where_dept is not None:
                    wanted = flt.role
                    tids = [t for t in tids if roles.get(t, {}).get(where_dept) is wanted]
                self._shown[stage.id] = len(tids)
                if not tids and flt.stage_id is None:
                    continue
            rows.append(stage.id)
            if stage.id not in flt.collapsed:
                rows.extend(tids)
        return rows

    def _rebuild_rows(self) -> None:
        matrix = self.matrix
        self._departments = list(matrix.departments) if matrix is not None else []
        self._stage_ids = {s.id for s in matrix.stages} if matrix is not None else set()
        self._set_rows(self._compute_rows())

    def _set_rows(self, rows: list[int]) -> None:
        self._rows = rows
        self._row_of = {key: row for row, key in enumerate(rows)}

    def reload(self) -> None:
        """Everything may have changed (another document, a reset)."""
        self.beginResetModel()
        self._rebuild_rows()
        if self.highlight_department_id is not None and (
                self.matrix is None or not self.matrix.has_department(
                    self.highlight_department_id)):
            self.highlight_department_id = None
        self.endResetModel()

    def _relayout(self) -> None:
        """Rows were added, removed, reordered or filtered: tell views exactly which rows, so
        they keep the selection, the current cell and the scroll position."""
        matrix = self.matrix
        self._stage_ids = {s.id for s in matrix.stages} if matrix is not None else set()
        new_rows = self._compute_rows()
        steps = list_edits(self._rows, new_rows)
        if steps is None:
            self._relayout_all(new_rows)
            return
        root = _ROOT
        for step in steps:
            rows = list(self._rows)
            if isinstance(step, Remove):
                self.beginRemoveRows(root, step.first, step.last)
                del rows[step.first:step.last + 1]
                self._set_rows(rows)
                self.endRemoveRows()
            elif isinstance(step, Move):
                self.beginMoveRows(root, step.first, step.last, root, step.destination)
                run = rows[step.first:step.last + 1]
                del rows[step.first:step.last + 1]
                rows[step.destination:step.destination] = run
                self._set_rows(rows)
                self.endMoveRows()
            else:
                self.beginInsertRows(root, step.first, step.first + len(step.keys) - 1)
                rows[step.first:step.first] = step.keys  # type: ignore[assignment]
                self._set_rows(rows)
                self.endInsertRows()

    def _relayout_all(self, new_rows: list[int]) -> None:
        """Many rows changed at once (a filter): one layout change, persistent indexes kept."""
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        persistent = self.persistentIndexList()
        self._set_rows(new_rows)
        columns = self.columnCount()
        new_indexes = []
        for index in persistent:
            key = old_rows[index.row()] if index.row() < len(old_rows) else None
            row = self._row_of.get(key) if key is not None else None
            if row is None or index.column() >= columns:
                new_indexes.append(QModelIndex())
            else:
                new_indexes.append(self.index(row, index.column()))
        self.changePersistentIndexList(persistent, new_indexes)
        self.layoutChanged.emit()

    def _columns_changed(self) -> None:
        """Departments were added, removed or reordered: say exactly which, to keep widths."""
        matrix = self.matrix
        new = list(matrix.departments) if matrix is not None else []
        new_ids = [d.id for d in new]
        by_id = {d.id: d for d in new}
        steps = list_edits([d.id for d in self._departments], new_ids)
        if steps is None:
            self.reload()
            return
        root = _ROOT
        for step in steps:
            departments = list(self._departments)
            if isinstance(step, Remove):
                self.beginRemoveColumns(root, step.first + 1, step.last + 1)
                del departments[step.first:step.last + 1]
                self._departments = departments
                self.endRemoveColumns()
            elif isinstance(step, Move):
                self.beginMoveColumns(root, step.first + 1, step.last + 1, root,
                                      step.destination + 1)
                run = departments[step.first:step.last + 1]
                del departments[step.first:step.last + 1]
                departments[step.destination:step.destination] = run
                self._departments = departments
                self.endMoveColumns()
            else:
                self.beginInsertColumns(root, step.first + 1, step.first + len(step.keys))
                departments[step.first:step.first] = [by_id[k] for k in step.keys]  # type: ignore[index]
                self._departments = departments
                self.endInsertColumns()
        self._departments = new  # the same ids in the same order, as the matrix holds them now

    def _on_change(self, change: MatrixChange) -> None:
        matrix = self.matrix
        if matrix is None:
            return
        if change.everything:
            self.reload()
            return
        if change.columns_changed:
            self._columns_changed()
            if (self.highlight_department_id is not None
                    and not matrix.has_department(self.highlight_department_id)):
                self.highlight_department_id = None
        self._refresh_signoff_marks(change)
        if change.departments or change.departments_planned:
            self._departments = list(matrix.departments)
            for dept_id in change.departments | change.departments_planned:
                column = self.column_of_department(dept_id)
                if column is not None:
                    self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        flt = self.row_filter
        if (change.rows_changed or (change.roles_changed and flt.depends_on_cells)
                or (flt.planned_only and change.plan_changed)
                or (flt.findings_only and (change.touchpoints_planned
                                           or change.departments_planned))
                or (change.touchpoints and flt.text.strip())):
            self._relayout()
        if change.focus_changed or change.departments_planned or change.comments:
            # Every row's "focus has no role" marker; a planned department's roles leave
            # today's findings on every row it has one; a removed comment no longer says
            # which cell it marked.
            self._refresh_all_cells()
            return
        self._refresh_touchpoints(change.touched_touchpoints())
        for stage_id in change.stages:
            row = self._row_of.get(stage_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        if change.departments_removed or change.departments_inserted:
            # Stage headings count roles; the name column's markers follow the findings.
            self._refresh_stage_rows()

    def _refresh_touchpoints(self, touchpoint_ids: frozenset[int]) -> None:
        rows = [self._row_of[t] for t in touchpoint_ids if t in self._row_of]
        if not rows:
            return
        last_column = self.columnCount() - 1
        if len(rows) > 200:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last_column))
            return
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))

    def _refresh_stage_rows(self) -> None:
        last_column = self.columnCount() - 1
        for stage_id in self._stage_ids:
            row = self._row_of.get(stage_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))

    def _on_findings_ready(self) -> None:
        """The findings of a newly opened file arrived: the markers (and a findings-only
        filter's rows) show them."""
        if self.row_filter.findings_only:
            self._relayout()
        self._refresh_all_cells()

    def _refresh_all_cells(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, self.columnCount() - 1))

    # ---- filter, collapse, lens highlight -------------------------------------------------

    def set_filter(self, row_filter: RowFilter) -> None:
        if isinstance(row_filter.role, str):  # enums that crossed a Qt signal arrive as text
            row_filter = replace(row_filter, role=Role(row_filter.role))
        if isinstance(row_filter.min_severity, str):
            row_filter = replace(row_filter, min_severity=Severity(row_filter.min_severity))
        if row_filter == self.row_filter:
            return
        self.row_filter = row_filter
        self._relayout()

    def update_filter(self, **changes: Any) -> None:
        self.set_filter(replace(self.row_filter, **changes))

    def is_collapsed(self, stage_id: int) -> bool:
        return stage_id in self.row_filter.collapsed

    def set_collapsed(self, stage_id: int, collapsed: bool) -> None:
        current = set(self.row_filter.collapsed)
        if collapsed:
            current.add(stage_id)
        else:
            current.discard(stage_id)
        self.update_filter(collapsed=frozenset(current))

    def toggle_collapsed(self, stage_id: int) -> None:
        self.set_collapsed(stage_id, not self.is_collapsed(stage_id))

    def set_short_headers(self, on: bool) -> None:
        """Head the department columns with their short codes (the full name stays in the
        tooltip), for the fit-to-width view."""
        if on != self.short_headers:
            self.short_headers = on
            if self.columnCount() > 1:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, self.columnCount() - 1)

    def set_highlight_department(self, department_id: int | None) -> None:
        if department_id == self.highlight_department_id:
            return
        old = self.highlight_department_id
        self.highlight_department_id = department_id
        for dept_id in (old, department_id):
            column = self.column_of_department(dept_id) if dept_id is not None else None
            if column is not None and self._rows:
                self.dataChanged.emit(self.index(0, column),
                                      self.index(len(self._rows) - 1, column))
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    # ---- lookups for views ----------------------------------------------------------------

    def stage_count_text(self, stage_id: int) -> str:
        """A stage heading's count: "5", or "4 of 5" while a filter hides some."""
        matrix = self.matrix
        total = len(matrix.stage_touchpoint_ids(stage_id)) if matrix is not None else 0
        shown = self._shown.get(stage_id, total)
        return f"{shown:,} of {total:,}" if shown != total else f"{total:,}"

    def shown_touchpoint_count(self) -> int | None:
        """How many touchpoints pass the filter (collapsed stages included); None without a
        filter."""
        if not self.row_filter.filters_rows or self.matrix is None:
            return None
        return sum(self._shown.values())

    def row_key(self, row: int) -> int:
        return self._rows[row]

    def is_stage_row(self, row: int) -> bool:
        return self._rows[row] in self._stage_ids

    def touchpoint_id_at(self, row: int) -> int | None:
        if 0 <= row < len(self._rows):
            key = self._rows[row]
            return None if key in self._stage_ids else key
        return None

    def stage_id_at(self, row: int) -> int | None:
        """The stage of a row: the heading's own stage, or the touchpoint's stage."""
        if not 0 <= row < len(self._rows):
            return None
        key = self._rows[row]
        if key in self._stage_ids:
            return key
        matrix = self.matrix
        return matrix.touchpoint(key).stage_id if matrix is not None else None

    def department_at(self, column: int) -> Department | None:
        if 1 <= column <= len(self._departments):
            return self._departments[column - 1]
        return None

    def department_id_at(self, column: int) -> int | None:
        dept = self.department_at(column)
        return dept.id if dept is not None else None

    def column_of_department(self, department_id: int) -> int | None:
        for column, dept in enumerate(self._departments, start=1):
            if dept.id == department_id:
                return column
        return None

    def row_of(self, key: int) -> int | None:
        """The row showing a touchpoint or stage heading (None when hidden)."""
        return self._row_of.get(key)

    def touchpoint_rows(self) -> list[int]:
        return [row for row, key in enumerate(self._rows) if key not in self._stage_ids]

    # ---- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if parent.isValid() or self.matrix is None:
            return 0
        return 1 + len(self._departments)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        row = index.row()
        column = index.column()
        key = self._rows[row]
        matrix = self.session.document.matrix  # type: ignore[union-attr]
        if key in self._stage_ids:
            return self._stage_data(matrix.stage(key), column, role)
        if column == NAME_COLUMN:
            return self._touchpoint_data(matrix, matrix.touchpoint(key), role)
        dept = self._departments[column - 1]
        layer = self.layer
        row_roles = (matrix.roles.get(key) if layer is CURRENT_LAYER
                     else layer.shown_row(matrix, key))
        value = row_roles.get(dept.id) if row_roles else None
        if role == DISPLAY:
            return value.letter if value is not None else ""
        if role == BACKGROUND:
            if value is not None:
                return ROLE_FILL[value]
            # Today, a planned department's column takes no role (Matrix.today_refusal).
            return (NOT_TODAY_FILL if layer is CURRENT_LAYER
                    and matrix.is_planned_department(dept.id) else None)
        if role == FOREGROUND:
            return ROLE_INK[value] if value is not None else None
        if role == ALIGNMENT:
            return Qt.AlignmentFlag.AlignCenter
        if role == ROLE:
            return value
        if role == EDIT:
            return value.label if value is not None else ""
        if role == NOTE:
            return matrix.note(key, dept.id)
        if role == TOOLTIP:
            return self._cell_tooltip(matrix, matrix.touchpoint(key), dept, value)
        if role == DIFFERENCE:
            return layer.difference(matrix, key, dept.id)
        if role == COMMENTS:
            return len(matrix.comments_on(key, dept.id)) if matrix.comments else 0
        if role == PLANNED:
            return self._planned_in_current(matrix, key, dept.id)
        if role == ACCESSIBLE:
            shown = f"{dept.name}: {value.label if value else 'no role'}"
            difference = layer.difference(matrix, key, dept.id)
            if difference is not None:
                before = difference[0].label if difference[0] else "no role"
                shown += f" (was {before})" if layer.read_only else f" (today {before})"
            elif (planned := self._planned_in_current(matrix, key, dept.id)) is not None:
                after = planned[1].label if planned[1] else "no role"
                shown += f" (planned: {after})"
            if layer is CURRENT_LAYER and matrix.is_planned_department(dept.id):
                shown += " (not applicable today)"
            return shown
        if role == HIGHLIGHT:
            return dept.id == self.highlight_department_id
        if role == KIND:
            return CELL_KIND
        if role == DEPARTMENT_ID:
            return dept.id
        if role == OBJECT:
            return CellRef(matrix.touchpoint(key), dept, value, matrix.note(key, dept.id))
        if role in (FINDINGS, SEVERITY):
            return self._findings_data(key, role)
        return None

    def _stage_data(self, stage: Stage, column: int, role: int) -> Any:
        if role == BACKGROUND:
            return self._stage_band
        if role == KIND:
            return STAGE_KIND
        if role == OBJECT:
            return stage
        if column != NAME_COLUMN:
            if role == HIGHLIGHT:
                dept = self._departments[column - 1]
                return dept.id == self.highlight_department_id
            if role == DEPARTMENT_ID:
                return self._departments[column - 1].id
            return None
        if role in (DISPLAY, EDIT):
            return stage.name
        if role == FONT:
            return self._bold
        if role == TOOLTIP:
            count = self.stage_count_text(stage.id)
            noun = "touchpoint" if count == "1" else "touchpoints"
            shown = " shown" if " of " in count else ""
            state = "collapsed" if self.is_collapsed(stage.id) else "expanded"
            return (f"Stage {stage.name}: {count} {noun}{shown} "
                    f"({state}; press Enter or click the arrow to "
                    f"{'expand' if state == 'collapsed' else 'collapse'})")
        if role == ACCESSIBLE:
            return f"Stage {stage.name}"
        return None

    def _touchpoint_data(self, matrix: Matrix, tp: Touchpoint, role: int) -> Any:
        if role in (DISPLAY, EDIT):
            return tp.name
        if role == KIND:
            return TOUCHPOINT_KIND
        if role == OBJECT:
            return tp
        if role in (FINDINGS, SEVERITY):
            return self._findings_data(tp.id, role)
        if role == TOOLTIP:
            return self._touchpoint_tooltip(matrix, tp)
        if role == ACCESSIBLE:
            marks = [w for w, flag in (("peak moment", tp.peak), ("end moment", tp.end),
                                       ("planned", matrix.is_planned_touchpoint(tp.id)))
                     if flag]
            return ", ".join([tp.name, *marks])
        return None

    def findings_for(self, touchpoint_id: int) -> tuple[Finding, ...]:
        """The findings the grid marks on a touchpoint: the target's in Target; none on a
        touchpoint that exists only at target while the grid shows today."""
        if self.layer.edits_target and self.target_findings is not None:
            return self.target_findings(touchpoint_id)
        matrix = self.matrix
        if matrix is not None and matrix.is_planned_touchpoint(touchpoint_id):
            return ()
        return self.session.findings.for_touchpoint(touchpoint_id)

    def _findings_data(self, touchpoint_id: int, role: int) -> Any:
        found = self.findings_for(touchpoint_id)
        if role == FINDINGS:
            return found
        return worst_severity(found)

    def _touchpoint_tooltip(self, matrix: Matrix, tp: Touchpoint) -> str:
        lines = [f"<b>{_html(tp.name)}</b>"]
        facts = [x for x in (tp.category, tp.channel) if x]
        if facts:
            lines.append(_html(" · ".join(facts)))
        marks = [w for w, flag in (("Peak moment", tp.peak), ("End moment", tp.end)) if flag]
        if marks:
            lines.append(" and ".join(marks))
        if matrix.is_planned_touchpoint(tp.id):
            lines.append("Planned: exists only at target")
        if tp.metric:
            lines.append(f"Metric: {_html(tp.metric)}")
        if self.session.checking:
            lines.append("<i>Checking for findings…</i>")
        for finding in self.findings_for(tp.id):
            colour = SEVERITY_COLOUR[finding.severity].name()
            lines.append(f"<span style='color:{colour}'>{finding.severity.label}:</span> "
                         f"{_html(finding.message)}")
        return "<br>".join(lines)

    def _planned_in_current(self, matrix: Matrix, touchpoint_id: int, department_id: int
                            ) -> tuple[Role | None, Role | None] | None:
        """(today, target) of a cell with a planned change while the grid shows Current."""
        if self.layer.kind is not LayerKind.CURRENT:
            return None
        if not matrix.is_planned_change(touchpoint_id, department_id):
            return None
        return (matrix.role(touchpoint_id, department_id),
                matrix.target_role(touchpoint_id, department_id))

    def _cell_tooltip(self, matrix: Matrix, tp: Touchpoint, dept: Department,
                      value: Role | None) -> str:
        if value is None:
            text = f"{dept.name} has no role on {tp.name}."
        else:
            text = f"{dept.name}: {value.label} on {tp.name}.\n{value.meaning}"
        difference = self.layer.difference(matrix, tp.id, dept.id)
        if difference is not None:
            from cxmatrix.ui.grid.target_paint import difference_text

            text = difference_text(self.layer, difference) + "\n" + text
        elif self._planned_in_current(matrix, tp.id, dept.id) is not None:
            from cxmatrix.ui.grid.target_paint import planned_text

            text = planned_text(matrix, tp.id, dept.id) + "\n" + text
        if self.layer is CURRENT_LAYER:
            refusal = matrix.today_refusal(dept.id)
            if refusal is not None:
                text = f"Not applicable today: {refusal}.\n" + text
        note = matrix.note(tp.id, dept.id)
        if note:
            text += f"\nNote: {note}"
        if matrix.comments:
            from cxmatrix.ui.grid.comment_marks import comments_text

            said = comments_text(matrix, tp.id, dept.id)
            if said:
                text += f"\n{said}"
        return text

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            if role == DISPLAY:
                return str(section + 1)
            return None
        if section == NAME_COLUMN:
            if role == DISPLAY:
                return "Touchpoint"
            if role == TOOLTIP:
                return "Touchpoints, grouped by stage along the customer journey"
            return None
        dept = self.department_at(section)
        if dept is None:
            return None
        planned = self.matrix is not None and self.matrix.is_planned_department(dept.id)
        if role == DISPLAY:
            label = dept.code if self.short_headers else header_label(dept.name)
            return f"{label}\n(planned)" if planned and "\n" not in label else label
        if role == TOOLTIP:
            lead = f"\nLead: {dept.lead}" if dept.lead else ""
            focus = ("\nFocus department" if self.matrix is not None
                     and self.matrix.focus_department_id == dept.id else "")
            plan = "\nPlanned: exists only at target" if planned else ""
            signoff = self._signoff_tooltip(dept.id)
            return f"{dept.name} ({dept.code}){lead}{focus}{plan}{signoff}"
        if role == SIGNOFF_MARK:
            return self._signoff_mark(dept.id)
        if role == FONT and (planned or dept.id == self.highlight_department_id):
            font = QFont(self._bold) if dept.id == self.highlight_department_id else QFont()
            font.setItalic(planned)
            return font
        if role == OBJECT:
            return dept
        if role == DEPARTMENT_ID:
            return dept.id
        return None

    # The header's sign-off marks (signoff_marks), from the document's sign-off index.
    def _signoff_status(self, department_id: int) -> DepartmentSignOff | None:
        document = self.session.document
        if document is None or not document.matrix.signoffs:
            return None
        return document.findings.signoffs.status(department_id)

    def _signoff_mark(self, department_id: int) -> Mark | None:
        status = self._signoff_status(department_id)
        return mark_of(status) if status is not None else None

    def _signoff_tooltip(self, department_id: int) -> str:
        status = self._signoff_status(department_id)
        return "\n" + tooltip_line(status) if status is not None else ""

    def _refresh_signoff_marks(self, change: MatrixChange) -> None:
        """Repaint the headers whose sign-off mark may differ after ``change``."""
        matrix = self.matrix
        if matrix is None or not (matrix.signoffs or change.signoffs):
            return
        if change.touchpoints_inserted or change.touchpoints_removed:
            departments = set(matrix.signoffs)
        else:
            departments = {d for _, d in change.cells | change.targets
                           if d in matrix.signoffs}
        departments |= change.signoffs
        for dept_id in departments:
            column = self.column_of_department(dept_id)
            if column is not None:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.session.read_only:
            return base
        if index.column() == NAME_COLUMN:
            base |= (Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDropEnabled
                     | Qt.ItemFlag.ItemIsDragEnabled)
        elif not self.is_stage_row(index.row()) and not self.layer.read_only:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = EDIT) -> bool:
        """Edits from a view go through undoable commands, like every other edit."""
        if role != EDIT or not index.isValid() or self.matrix is None:
            return False
        row, column = index.row(), index.column()
        key = self._rows[row]
        if column == NAME_COLUMN:
            text = str(value)
            if key in self._stage_ids:
                if text.strip() == self.matrix.stage(key).name:
                    return False
                return self.session.execute(commands.RenameStage(self.session, key, text))
            if text.strip() == self.matrix.touchpoint(key).name:
                return False
            return self.session.execute(
                commands.UpdateTouchpoint(self.session, key, name=text))
        if key in self._stage_ids:
            return False
        try:
            new_role = value if isinstance(value, Role) or value is None else parse_role_text(
                str(value))
        except RoleTextError as error:
            self.session.failed.emit("Not a role", str(error))
            return False
        dept_id = self._departments[column - 1].id
        if self.shown_role(key, dept_id) is new_role:
            return False
        return self.set_roles([(key, dept_id, new_role)])

    # ---- the shown layer: Current, Target, or a comparison ----------------------------------

    def set_layer(self, layer: GridLayer) -> None:
        """Show another state; every cell repaints, the rows follow a filter on changes."""
        if layer == self.layer:
            return
        self.layer = layer
        if self.row_filter.planned_only:
            self._relayout()
        self._refresh_all_cells()
        self.layer_changed.emit()

    def shown_role(self, touchpoint_id: int, department_id: int) -> Role | None:
        """The role a cell shows: today's, or its target role in Target."""
        matrix = self.matrix
        if matrix is None:
            return None
        return self.layer.shown_role(matrix, touchpoint_id, department_id)

    def set_roles(self, changes: list[tuple[int, int, Role | None]],
                  text: str | None = None) -> bool:
        """Set the roles the grid shows, as one undo step: today's roles, or the target
        roles in Target; refused (with a message) while comparing with a snapshot."""
        if not changes:
            return False
        if self.layer.read_only:
            self.session.failed.emit(
                "Comparing with a snapshot",
                f"The grid shows the comparison with {self.layer.baseline_name} and cannot "
                "be edited. Leave the comparison (View > Leave Comparison) to edit again.")
            return False
        if self.layer.edits_target:
            from cxmatrix.ui.plan_commands import SetTargets

            target_text = text.replace("Paste", "Paste targets of", 1) if text else None
            return self.session.execute(SetTargets(self.session, changes, target_text))
        return self.session.execute(commands.SetRoles(self.session, changes, text))

    # ---- drag and drop of touchpoint rows -------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROW_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        """The dragged touchpoints; or, when a stage heading is among the rows, that stage."""
        rows = sorted({index.row() for index in indexes})
        stages = [self._rows[r] for r in rows if self.is_stage_row(r)]
        text = f"stage:{stages[0]}" if stages else ",".join(str(self._rows[r]) for r in rows)
        data = QMimeData()
        data.setData(ROW_MIME, QByteArray(text.encode()))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: QModelIndex | QPersistentModelIndex) -> bool:
        return data.hasFormat(ROW_MIME) and not self.session.read_only

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not data.hasFormat(ROW_MIME) or self.matrix is None:
            return False
        raw = bytes(data.data(ROW_MIME).data()).decode()
        target_row = parent.row() if parent.isValid() else row
        if target_row < 0:
            target_row = len(self._rows)
        if raw.startswith("stage:"):
            return self.move_stage_to_row(int(raw.removeprefix("stage:")), target_row)
        ids = [int(x) for x in raw.split(",") if x]
        return self.move_touchpoints_to_row(ids, target_row)

    def move_stage_to_row(self, stage_id: int, row: int) -> bool:
        """Move a stage before the stage shown at ``row`` (or to the end)."""
        matrix = self.matrix
        if matrix is None or stage_id not in self._stage_ids:
            return False
        old = matrix.stage_index(stage_id)
        target = self.stage_id_at(row) if row < len(self._rows) else None
        index = matrix.stage_index(target) if target is not None else len(matrix.stages)
        if index > old:
            index -= 1  # it leaves its old place above the target first
        if index == old:
            return False
        return self.session.execute(commands.MoveStage(self.session, stage_id, index))

    def drop_target(self, row: int) -> tuple[int, int] | None:
        """(stage id, index in stage) for something dropped before ``row``."""
        matrix = self.matrix
        if matrix is None or not matrix.stages:
            return None
        if row >= len(self._rows):
            last = matrix.stages[-1].id
            return last, len(matrix.stage_touchpoint_ids(last))
        key = self._rows[row]
        if key in self._stage_ids:
            # Dropped on a heading: the end of the stage before it, or the top of the first.
            index = matrix.stage_index(key)
            if index == 0:
                return key, 0
            previous = matrix.stages[index - 1].id
            return previous, len(matrix.stage_touchpoint_ids(previous))
        tp = matrix.touchpoint(key)
        return tp.stage_id, matrix.touchpoint_index(key)

    def move_touchpoints_to_row(self, touchpoint_ids: list[int], row: int) -> bool:
        target = self.drop_target(row)
        if target is None or not touchpoint_ids:
            return False
        stage_id, index = target
        matrix = self.matrix
        assert matrix is not None
        if len(touchpoint_ids) == 1:
            tid = touchpoint_ids[0]
            tp = matrix.touchpoint(tid)
            if tp.stage_id == stage_id and matrix.touchpoint_index(tid) < index:
                index -= 1  # the row leaves its old place above the target first
            if tp.stage_id == stage_id and matrix.touchpoint_index(tid) == index:
                return False
            return self.session.execute(
                commands.MoveTouchpoint(self.session, tid, stage_id, index))
        return self.session.execute(
            commands.MoveTouchpoints(self.session, touchpoint_ids, stage_id, index))


def worst_severity(found: tuple[Finding, ...]) -> Severity | None:
    if not found:
        return None
    return min((f.severity for f in found), key=lambda s: s.rank)


def header_label(name: str) -> str:
    """Department names break onto two lines in narrow columns."""
    words = name.split()
    if len(words) < 2 or len(name) <= 9:
        return name
    best = min(range(1, len(words)),
               key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
