"""Read the plan back from a cxmatrix workbook: the Target sheet's roles and the Changes
sheet's actions (see ``xlsx.layout`` for their layout, ``xlsx.sheets`` for the writers).

Rows and columns are matched by the hidden ids the workbook carries, or failing that by name
(a row a colleague added). A value that is not a role, a status or a date is refused with the
sheet and cell named; nothing of the plan is applied then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cxmatrix.domain.actions import Action, ActionError, ActionStatus, checked_action
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, cell_ref
from cxmatrix.interchange.spreadsheet.xlsx_reader import WorkbookInfo, read_sheet
from cxmatrix.interchange.xlsx import layout

_ROLE_BY_WORD = {word.casefold(): Role(value) for value, word in layout.ROLE_WORDS.items()}
_STATUS_BY_WORD = {word.casefold(): status for status in ActionStatus
                   for word in (status.value, status.label)}
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_PLANNED_WORDS = {layout.PLANNED_HEADER.casefold(), layout.FLAG_TRUE.casefold(), "true", "y",
                  "x", "1"}
_NOT_PLANNED_WORDS = {"", layout.FLAG_FALSE.casefold(), "false", "n", "0"}
_SERIAL = re.compile(r"\d{1,6}(?:\.0+)?")
# Target sheet columns (0-based), as sheets.target writes them.
_TARGET_NAME, _TARGET_PLANNED, _TARGET_ID, _TARGET_FIRST_ROLE = 0, 1, 3, 4

Keys = tuple[dict[str, int], dict[str, int]]


def read_plan(info: WorkbookInfo, matrix: Matrix, keys: Keys) -> None:
    """Give ``matrix`` (just read from the Matrix sheet) the plan of the workbook's Target
    and Changes sheets, where present; ImportFailed names the cell at fault."""
    names = {s.name for s in info.sheets}
    name = info.path.name
    targets: dict[int, dict[int, Role | None]] = {}
    planned_touchpoints: set[int] = set()
    planned_departments: set[int] = set()
    actions: dict[tuple[int, int], Action] = {}
    if layout.TARGET_SHEET in names:
        found = read_target_cells(read_sheet(info, layout.TARGET_SHEET), matrix, keys, name)
        planned_touchpoints, planned_departments = found.planned_touchpoints, \
            found.planned_departments
        for (tid, did), (role, _cell) in found.cells.items():
            if role is not matrix.role(tid, did):
                targets.setdefault(tid, {})[did] = role
    if layout.CHANGES_SHEET in names:
        rows = read_action_rows(read_sheet(info, layout.CHANGES_SHEET), matrix, keys, name,
                                info.date1904)
        actions = {cell: action for cell, (action, _row) in rows.items()}
    matrix.load_plan(targets, actions, planned_touchpoints, planned_departments)


@dataclass
class TargetCells:
    """What the Target sheet shows: each cell's role by (touchpoint, department) with its
    cell reference ("G10"), the touchpoints and departments it marks as planned, and the cell
    that holds each planned flag (by touchpoint id, by department id)."""

    cells: dict[tuple[int, int], tuple[Role | None, str]] = field(default_factory=dict)
    planned_touchpoints: set[int] = field(default_factory=set)
    planned_departments: set[int] = field(default_factory=set)
    touchpoint_flags: dict[int, str] = field(default_factory=dict)
    department_flags: dict[int, str] = field(default_factory=dict)


def _fail(name: str, sheet: str, row: int, column: int, message: str) -> ImportFailed:
    return ImportFailed(f"{name}: sheet {sheet!r}, cell {cell_ref(row, column)}: {message}")


def _department_columns(table: SheetTable, matrix: Matrix, keys: Keys) -> dict[int, int]:
    header = table.rows[layout.HEADER_ROW - 1] if table.height >= layout.HEADER_ROW else []
    columns: dict[int, int] = {}
    for column in range(_TARGET_FIRST_ROLE, len(header)):
        key = table.value(layout.ID_ROW - 1, column).strip()
        did = keys[1].get(key) if key else None
        if did is None and header[column]:
            found = matrix.find_department(header[column])
            did = found.id if found is not None else None
        if did is not None:
            columns[column] = did
    return columns


def read_target_cells(table: SheetTable, matrix: Matrix, keys: Keys, name: str
                      ) -> TargetCells:
    """The roles the Target sheet shows for the touchpoints and departments of ``matrix``
    (matched by id, or by name for a row or column without one); ImportFailed names a cell
    that holds no role."""
    sheet = layout.TARGET_SHEET
    found = TargetCells()
    columns = _department_columns(table, matrix, keys)
    for column, did in columns.items():
        found.department_flags[did] = cell_ref(layout.PLANNED_ROW - 1, column)
        if _planned(table, layout.PLANNED_ROW - 1, column, name):
            found.planned_departments.add(did)
    by_name = {tp.name: tp.id for tp in matrix.iter_touchpoints()}
    for row in range(layout.HEADER_ROW, table.height):
        key = table.value(row, _TARGET_ID).strip()
        tid = keys[0].get(key) if key else None
        if tid is None:
            if key:
                continue  # a stage band, or a touchpoint no longer in the matrix
            tid = by_name.get(table.value(row, _TARGET_NAME).strip())
            if tid is None:
                continue
        found.touchpoint_flags[tid] = cell_ref(row, _TARGET_PLANNED)
        if _planned(table, row, _TARGET_PLANNED, name):
            found.planned_touchpoints.add(tid)
        for column, did in columns.items():
            text = table.value(row, column).strip()
            role = None
            if text:
                role = _ROLE_BY_WORD.get(text.casefold())
                if role is None:
                    raise _fail(name, sheet, row, column, f"{text!r} is not a role (choose "
                                f"{', '.join(layout.ROLE_WORDS.values())} or leave it empty)")
            found.cells[(tid, did)] = (role, cell_ref(row, column))
    return found


def _planned(table: SheetTable, row: int, column: int, name: str) -> bool:
    """Whether a Planned cell of the Target sheet says planned ("Planned" or "Yes"; empty or
    "No" is not); ImportFailed names the cell of anything else."""
    text = table.value(row, column).strip().casefold()
    if text in _PLANNED_WORDS:
        return True
    if text in _NOT_PLANNED_WORDS:
        return False
    raise _fail(name, layout.TARGET_SHEET, row, column,
                f"{table.value(row, column).strip()[:30]!r} is not a planned flag (write "
                f"{layout.PLANNED_HEADER!r} or {layout.FLAG_TRUE!r} for one that exists only "
                f"at target, or leave it empty)")


def read_action_rows(table: SheetTable, matrix: Matrix, keys: Keys, name: str,
                     date1904: bool, *, skip_unknown: bool = False
                     ) -> dict[tuple[int, int], tuple[Action, int]]:
    """The actions of the Changes sheet by (touchpoint, department), each with its 1-based
    row. A row whose touchpoint or department is not in ``matrix`` fails, or with
    ``skip_unknown`` (the row was deleted from the Matrix sheet) is left out."""
    sheet = layout.CHANGES_SHEET
    header = [h.strip().casefold() for h in (table.rows[0] if table.rows else [])]
    wanted = [h.casefold() for h in (*layout.CHANGES_COLUMNS, *layout.CHANGES_ID_HEADERS)]
    column = {title: header.index(title) if title in header else -1 for title in wanted}
    touchpoints = {(matrix.stage(tp.stage_id).name, tp.name): tp.id
                   for tp in matrix.iter_touchpoints()}
    actions: dict[tuple[int, int], tuple[Action, int]] = {}

    def value(row: int, title: str) -> str:
        index = column[title.casefold()]
        return table.value(row, index).strip() if index >= 0 else ""

    for row in range(1, table.height):
        person, due_text = value(row, "Person"), value(row, "Due")
        status_text, note = value(row, "Status"), value(row, "Note")
        if not (person or due_text or status_text or note):
            continue
        tp_key, dept_key = value(row, "Touchpoint id"), value(row, "Department id")
        tid = keys[0].get(tp_key)
        if tid is None and not (skip_unknown and tp_key):
            tid = touchpoints.get((value(row, "Stage"), value(row, "Touchpoint")))
        did = keys[1].get(dept_key)
        if did is None and not (skip_unknown and dept_key):
            found = matrix.find_department(value(row, "Department"))
            did = found.id if found is not None else None
        if tid is None or did is None:
            if skip_unknown:
                continue
            raise _fail(name, sheet, row, max(column["touchpoint"], 0),
                        "the touchpoint or department of this action is not in the matrix")
        status = ActionStatus.PLANNED
        if status_text:
            found_status = _STATUS_BY_WORD.get(status_text.casefold())
            if found_status is None:
                raise _fail(name, sheet, row, column["status"], f"{status_text!r} is not a "
                            f"status ({', '.join(s.label for s in ActionStatus)})")
            status = found_status
        due = None
        if due_text:
            due = _date(due_text, date1904)
            if due is None:
                raise _fail(name, sheet, row, column["due"], f"{due_text!r} is not a date")
        try:
            actions[(tid, did)] = (checked_action(Action(person, due, status, note)), row + 1)
        except ActionError as error:
            raise _fail(name, sheet, row, max(column["person"], 0), str(error)) from None
    return actions


def _date(text: str, date1904: bool) -> date | None:
    """A date from ISO text or an Excel date serial."""
    iso = _ISO_DATE.fullmatch(text)
    if iso is not None:
        try:
            return date.fromisoformat(iso.group(1))
        except ValueError:
            return None
    if _SERIAL.fullmatch(text):
        epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
        return (epoch + timedelta(days=int(float(text)))).date()
    return None
