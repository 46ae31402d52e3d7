"""The Changes sheet: every planned change and every recorded action, one row each.

Written only when the matrix has a plan. Columns: stage, touchpoint, department, from (today's
role), to (the target role), person, due (a real date), status (a drop-down) and note, with an
autofilter; the touchpoint and department ids follow in two hidden columns so that the actions
come back to the right cells. A row for a change marked done (today's role has caught up with
the target) leaves From empty, as the role before is not kept, and says in To where the change
ended, as every view says it: "Own (done)" (``done_change_text``). Any other action on a cell
without a planned change keeps the role in both.
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.actions import Action, ActionStatus, done_change_text
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.xlsx.cells import cell_text, put_text, wrapped_height
from cxmatrix.interchange.xlsx.identity import department_key, touchpoint_key
from cxmatrix.interchange.xlsx.layout import (
    CHANGES_COLUMNS,
    CHANGES_ID_HEADERS,
    NO_ROLE_WORD,
    ROLE_WORDS,
)
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

WIDTHS = (18, 34, 20, 11, 11, 20, 11, 12, 40)
HEADER_INDEX = 0
DUE_COLUMN = CHANGES_COLUMNS.index("Due")
STATUS_COLUMN = CHANGES_COLUMNS.index("Status")
GROW_ROWS = 500
ONE_LINE = wrapped_height("", 1)

Tick = Callable[[str], None]


def role_word(role: Role | None) -> str:
    return ROLE_WORDS[role.value] if role is not None else NO_ROLE_WORD


def change_rows(matrix: Matrix) -> list[tuple[int, int, Role | None, Role | None,
                                               Action | None]]:
    """(touchpoint id, department id, today, target, action) in display order: the planned
    changes and the cells with an action but no planned change."""
    order = {d.id: i for i, d in enumerate(matrix.departments)}
    by_touchpoint: dict[int, set[int]] = {}
    for change in matrix.planned_changes():
        by_touchpoint.setdefault(change.touchpoint_id, set()).add(change.department_id)
    for tid, did in matrix.actions:
        by_touchpoint.setdefault(tid, set()).add(did)
    rows = []
    for tp in matrix.iter_touchpoints():
        tid = tp.id
        for did in sorted(by_touchpoint.get(tid, ()), key=order.__getitem__):
            rows.append((tid, did, matrix.role(tid, did), matrix.target_role(tid, did),
                         matrix.action(tid, did)))
    return rows


def write_changes(sheet: Worksheet, styles: Styles, matrix: Matrix, page: PageText,
                  tick: Tick) -> None:
    rows = change_rows(matrix)
    last = HEADER_INDEX + max(len(rows), 1)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width, styles["date"] if column == DUE_COLUMN
                         else None)
    id_first = len(CHANGES_COLUMNS)
    sheet.set_column(id_first, id_first + 1, 10, None, {"hidden": True})
    sheet.freeze_panes(HEADER_INDEX + 1, 0)
    sheet.autofilter(HEADER_INDEX, 0, last, len(CHANGES_COLUMNS) - 1)
    statuses = [status.label for status in ActionStatus]
    sheet.data_validation(HEADER_INDEX + 1, STATUS_COLUMN, last + GROW_ROWS, STATUS_COLUMN, {
        "validate": "list", "source": statuses, "ignore_blank": True, "error_type": "stop",
        "error_title": "Not a status",
        "error_message": f"Choose {', '.join(statuses)}, or leave the cell empty."})
    sheet.data_validation(HEADER_INDEX + 1, DUE_COLUMN, last + GROW_ROWS, DUE_COLUMN, {
        "validate": "date", "criteria": ">", "value": 1, "ignore_blank": True,
        "error_type": "stop", "error_title": "Not a date",
        "error_message": "Type a date (2026-03-31), or leave the cell empty."})
    set_up_printing(sheet, page, landscape=True, title_rows=HEADER_INDEX)

    header = styles["header"]
    for column, title in enumerate((*CHANGES_COLUMNS, *CHANGES_ID_HEADERS)):
        sheet.write_string(HEADER_INDEX, column, title, header)
    departments = {d.id: d.name for d in matrix.departments}
    wrap = styles["wrap"]
    for index, (tid, did, today, target, action) in enumerate(rows, HEADER_INDEX + 1):
        tp = matrix.touchpoint(tid)
        texts = {0: matrix.stage(tp.stage_id).name, 1: tp.name, 2: departments[did]}
        if action is not None:
            texts.update({5: action.person, 8: action.note})
        # Long text wraps in its column; xlsxwriter sets no row heights by itself.
        height = max(wrapped_height(cell_text(text), WIDTHS[column])
                     for column, text in texts.items())
        if height > ONE_LINE:
            sheet.set_row(index, height)
        for column in (0, 1, 2):
            put_text(sheet, index, column, texts[column], wrap, wrap)
        if action is not None and action.is_done and today is target:
            sheet.write_blank(index, 3, None, wrap)
            sheet.write_string(index, 4, done_change_text(target), styles["bold"])
        else:
            sheet.write_string(index, 3, role_word(today), wrap)
            sheet.write_string(index, 4, role_word(target), styles["bold"])
        if action is not None:
            if action.person:
                put_text(sheet, index, 5, action.person, wrap, wrap)
            if action.due is not None:
                sheet.write_datetime(index, DUE_COLUMN, action.due, styles["date"])
            sheet.write_string(index, STATUS_COLUMN, action.status.label, wrap)
            if action.note:
                put_text(sheet, index, 8, action.note, wrap, wrap)
        sheet.write_string(index, id_first, touchpoint_key(tid))
        sheet.write_string(index, id_first + 1, department_key(did))
        tick("Writing the changes")
