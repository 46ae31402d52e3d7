"""The plan of a returned workbook: its Target and Changes sheets as the colleague saved them.

The Target sheet shows each cell's target role, which follows today's role unless a change is
planned. A Target cell the colleague left as exported keeps the plan it had (so a role
changed only on the Matrix sheet is not read as a planned change back to the old role); a
Target cell they changed plans that role. The Changes sheet's rows are the actions: a row
edited changes its action, a row emptied or deleted removes it. A sheet deleted altogether
keeps the plan as exported and says so in a notice, as does a To cell of the Changes sheet
changed to a role the Target sheet does not show (target roles are read from the Target
sheet only).

A workbook whose record of what was exported holds no plan (written before the plan was
recorded) is not compared here: ``SavedPlan.compared`` is False and a notice says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxmatrix.domain.actions import Action
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.review import PLANNED, FactKey
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.spreadsheet.plan_sheets import (
    Keys,
    read_action_rows,
    read_target_cells,
)
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, cell_ref
from cxmatrix.interchange.spreadsheet.xlsx_reader import WorkbookInfo, read_sheet
from cxmatrix.interchange.xlsx import layout
from cxmatrix.interchange.xlsx.identity import department_key, touchpoint_key


@dataclass
class SavedPlan:
    """Whether the plan could be compared, where each target, action and planned flag was
    found (("target" | "action", touchpoint, department) -> "Target!G10" / "Changes!A7",
    ("touchpoint" | "department", id, PLANNED) -> "Target!B9"), and notices for the
    review."""

    compared: bool
    places: dict[FactKey, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def read_saved_plan(info: WorkbookInfo, exported: Matrix, plan_recorded: bool,
                    saved: Matrix, new_touchpoints: set[int], new_departments: set[int]
                    ) -> SavedPlan:
    """Give ``saved`` the plan its Target and Changes sheets hold (see the module's text);
    ImportFailed names the sheet and cell of a value that is no role, status or date."""
    name = info.path.name
    sheets = {s.name for s in info.sheets}
    plan_sheets = [s for s in (layout.TARGET_SHEET, layout.CHANGES_SHEET) if s in sheets]
    if not plan_recorded:
        notices = [f"{name}: this workbook was exported by an earlier cxmatrix that did not "
                   f"record the plan, so edits on sheet {plan_sheets[0]!r} are not brought "
                   "back (export the matrix again to review them)"] if plan_sheets else []
        return SavedPlan(False, notices=notices)
    result = SavedPlan(True)
    keys = ({touchpoint_key(t.id): t.id for t in saved.iter_touchpoints()
             if t.id not in new_touchpoints},
            {department_key(d.id): d.id for d in saved.departments
             if d.id not in new_departments})

    def kept(tid: int, did: int) -> bool:
        return saved.has_touchpoint(tid) and saved.has_department(did)

    targets: dict[int, dict[int, Role | None]] = {}
    for tid, row in exported.targets.items():
        for did, role in row.items():
            if kept(tid, did):
                targets.setdefault(tid, {})[did] = role
    planned_touchpoints = {t for t in exported.planned_touchpoints if saved.has_touchpoint(t)}
    planned_departments = {d for d in exported.planned_departments if saved.has_department(d)}
    if layout.TARGET_SHEET in sheets:
        shown = read_target_cells(read_sheet(info, layout.TARGET_SHEET), saved, keys, name)
        planned_touchpoints, planned_departments = (shown.planned_touchpoints,
                                                    shown.planned_departments)
        target = layout.TARGET_SHEET
        for kind, flags in (("touchpoint", shown.touchpoint_flags),
                            ("department", shown.department_flags)):
            result.places.update({(kind, key, PLANNED): f"{target}!{cell}"
                                  for key, cell in flags.items()})
        for (tid, did), (role, cell) in shown.cells.items():
            was_exported = exported.has_touchpoint(tid) and exported.has_department(did)
            if was_exported and role is exported.target_role(tid, did):
                continue  # left as exported: the plan it had stays
            if was_exported or role is not saved.role(tid, did):
                targets.setdefault(tid, {})[did] = role
            result.places[("target", tid, did)] = f"{layout.TARGET_SHEET}!{cell}"
    elif exported.has_plan:
        result.notices.append(_missing(name, layout.TARGET_SHEET, "target roles"))
    actions: dict[tuple[int, int], Action] = {}
    changes = read_sheet(info, layout.CHANGES_SHEET) if layout.CHANGES_SHEET in sheets \
        else None
    if changes is not None:
        rows = read_action_rows(changes, saved, keys, name, info.date1904, skip_unknown=True)
        for cell, (action, row) in rows.items():
            actions[cell] = action
            result.places[("action", *cell)] = f"{layout.CHANGES_SHEET}!A{row}"
    else:
        actions = {cell: action for cell, action in exported.actions.items() if kept(*cell)}
        if exported.has_plan:
            result.notices.append(_missing(name, layout.CHANGES_SHEET, "actions"))
    saved.load_plan(targets, actions, planned_touchpoints, planned_departments)
    if changes is not None:
        result.notices.extend(_unread_targets(changes, exported, saved, keys, name))
    return result


def _unread_targets(table: SheetTable, exported: Matrix, saved: Matrix, keys: Keys,
                    name: str) -> list[str]:
    """A notice for each To cell of the Changes sheet that was changed to a role the Target
    sheet does not show: the Target sheet is where target roles are read."""
    header = [h.strip().casefold() for h in (table.rows[0] if table.rows else [])]
    wanted = ("to", *(h.casefold() for h in layout.CHANGES_ID_HEADERS))
    if not all(title in header for title in wanted):
        return []
    to, tp_column, dept_column = (header.index(title) for title in wanted)
    words = {word.casefold(): Role(key) for key, word in layout.ROLE_WORDS.items()}
    notices = []
    for row in range(1, table.height):
        tid = keys[0].get(table.value(row, tp_column).strip())
        did = keys[1].get(table.value(row, dept_column).strip())
        text = table.value(row, to).strip()
        if tid is None or did is None or not exported.has_touchpoint(tid) or \
                not exported.has_department(did):
            continue
        role = None if text.casefold() == layout.NO_ROLE_WORD.casefold() else \
            words.get(text.casefold())
        if role is None and text.casefold() != layout.NO_ROLE_WORD.casefold():
            continue  # not a role word: nothing to compare
        if role is not exported.target_role(tid, did) and \
                role is not saved.target_role(tid, did):
            notices.append(
                f"{name}: sheet {layout.CHANGES_SHEET!r}, cell {cell_ref(row, to)}: To was "
                f"changed to {text!r}, which the Target sheet does not show; target roles "
                f"are read from sheet {layout.TARGET_SHEET!r}, so set it there")
    return notices


def _missing(name: str, sheet: str, what: str) -> str:
    return (f"{name}: sheet {sheet!r} is missing (deleted or renamed), so its {what} are "
            "taken as exported")
