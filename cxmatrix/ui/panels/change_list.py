"""The rows of the Changes dock: the cells that differ between two states, grouped by department.

Two sources: the planned changes of the open matrix (today -> target, with their actions), and
the differences from a snapshot to today (read-only). Each department's group says what it
gives up and what it takes on ("gives up Own on 2 · takes on Influence on 1"); each row names
its touchpoint, the two roles, the action and what the change means for the touchpoint's
ownership ("Support gives up Own, Customer Success takes it on"), or, where its owners stay,
for the department ("Support stops handling fallout"). Plain Python over the domain:
the Qt model (changes_panel.py) only shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cxmatrix.domain.actions import Action
from cxmatrix.domain.compare import ownership_text, role_change_text
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role, gives_and_takes

_NO_ROLES: Mapping[int, Role] = {}


@dataclass(frozen=True, slots=True)
class ChangeRow:
    touchpoint_id: int
    department_id: int
    touchpoint: str
    stage: str
    before: Role | None
    after: Role | None
    action: Action | None
    meaning: str

    @property
    def key(self) -> tuple[int, int]:
        return self.touchpoint_id, self.department_id


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    department_id: int
    department: str
    rows: tuple[ChangeRow, ...]
    summary: str = ""


@dataclass(frozen=True)
class ChangeList:
    groups: tuple[ChangeGroup, ...] = ()
    notes: tuple[str, ...] = field(default=())  # structure changes while comparing

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def role_letter(role: Role | None) -> str:
    return role.letter if role is not None else "–"


def change_text(before: Role | None, after: Role | None) -> str:
    """"H → O", "O → –"."""
    return f"{role_letter(before)} → {role_letter(after)}"


def group_summary(rows: Iterable[ChangeRow]) -> str:
    """"gives up Own on 2 · takes on Influence on 1", or "takes on Own" where every row
    does (the heading says how many changes there are)."""
    listed = list(rows)
    return gives_and_takes(((row.before, row.after) for row in listed), total=len(listed))


def _owners(matrix: Matrix, row: Mapping[int, Role]) -> tuple[str, ...]:
    """The owning departments' names, left to right (a row holds few roles: look at those)."""
    owning = [did for did, role in row.items() if role is Role.OWN]
    if len(owning) > 1:
        owning.sort(key=matrix.department_index)
    return tuple(matrix.department(did).name for did in owning)


def planned_meaning(matrix: Matrix, touchpoint_id: int) -> str:
    """What the touchpoint's planned changes do to its ownership, in words ("" if nothing)."""
    before = _owners(matrix, matrix.roles.get(touchpoint_id, _NO_ROLES))
    after = _owners(matrix, matrix.target_row(touchpoint_id))
    return ownership_text(before, after) if before != after else ""


def planned_rows(matrix: Matrix, touchpoint_id: int) -> list[ChangeRow]:
    """The planned changes of one touchpoint as rows (departments in any order)."""
    overrides = matrix.targets.get(touchpoint_id)
    if not overrides:
        return []
    current = matrix.roles.get(touchpoint_id, _NO_ROLES)
    changed = [(did, target) for did, target in overrides.items()
               if target is not current.get(did)]
    if not changed:
        return []
    tp = matrix.touchpoint(touchpoint_id)
    stage = matrix.stage(tp.stage_id).name
    meaning = planned_meaning(matrix, touchpoint_id)
    return [ChangeRow(touchpoint_id, did, tp.name, stage, current.get(did), target,
                      matrix.action(touchpoint_id, did),
                      _row_meaning(matrix, meaning, did, current.get(did), target))
            for did, target in changed]


def _row_meaning(matrix: Matrix, ownership: str, department_id: int, before: Role | None,
                 after: Role | None) -> str:
    """The touchpoint's ownership change, or, when its owners stay, this cell's change."""
    return ownership or role_change_text(matrix.department(department_id).name, before, after)


def _group(matrix: Matrix, cells: list[tuple[int, int, Role | None, Role | None,
                                             Action | None]],
           meanings: dict[int, str]) -> tuple[ChangeGroup, ...]:
    by_department: dict[int, list[ChangeRow]] = {}
    for tid, did, before, after, action in cells:
        tp = matrix.touchpoint(tid)
        by_department.setdefault(did, []).append(ChangeRow(
            tid, did, tp.name, matrix.stage(tp.stage_id).name, before, after, action,
            _row_meaning(matrix, meanings.get(tid, ""), did, before, after)))
    groups = []
    for dept in matrix.departments:
        rows = by_department.get(dept.id)
        if rows:
            groups.append(ChangeGroup(dept.id, dept.name, tuple(rows), group_summary(rows)))
    return tuple(groups)


def planned_change_list(matrix: Matrix) -> ChangeList:
    """The planned changes (today -> target) by department, with their actions."""
    changes = matrix.planned_changes()
    meanings: dict[int, str] = {}
    for tid in dict.fromkeys(c.touchpoint_id for c in changes):
        meanings[tid] = planned_meaning(matrix, tid)
    cells = [(c.touchpoint_id, c.department_id, c.current, c.target, c.action)
             for c in changes]
    return ChangeList(_group(matrix, cells, meanings))


def comparison_list(baseline: Matrix, matrix: Matrix) -> ChangeList:
    """What changed from a snapshot (``baseline``) to today, by department, matched by id;
    added, removed, renamed and moved things as notes."""
    from cxmatrix.domain.compare import compare
    from cxmatrix.domain.states import current_state

    departments = [d.id for d in matrix.departments if baseline.has_department(d.id)]
    cells: list[tuple[int, int, Role | None, Role | None, Action | None]] = []
    meanings: dict[int, str] = {}
    for tp in matrix.iter_touchpoints():
        if not baseline.has_touchpoint(tp.id):
            continue
        now = matrix.roles.get(tp.id, _NO_ROLES)
        then = baseline.roles.get(tp.id, _NO_ROLES)
        changed = [(tp.id, d, then.get(d), now.get(d), None) for d in departments
                   if then.get(d) is not now.get(d)]
        if changed:
            cells.extend(changed)
            before, after = _owners(baseline, then), _owners(matrix, now)
            if before != after:
                meanings[tp.id] = ownership_text(before, after)
    old = current_state(baseline) if baseline.has_plan else baseline
    new = current_state(matrix) if matrix.has_plan else matrix
    notes = tuple(change.describe() for change in compare(old, new).structure)
    return ChangeList(_group(matrix, cells, meanings), notes)
