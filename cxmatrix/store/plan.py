"""Reading and writing the target layer of a .cxm file: target roles, actions, planned flags.

Kept beside ``load`` (which calls ``load_plan`` and ``write_plan``) so that the loader of the
current state stays as it is. As there, nothing in a file is trusted: the queries come from
``statements`` (they skip values of the wrong storage class or length, and the check query
names the first), every row must refer to a touchpoint and a department that exist, and a
role, a status or a due date must be one.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.store import statements as st
from cxmatrix.store.errors import CorruptDocument
from cxmatrix.store.format import ROLE_CODES

_ROLE_BY_CODE = {code: Role(value) for value, code in ROLE_CODES.items()}
_CODE_OF = {Role(value): code for value, code in ROLE_CODES.items()}
_STATUS = {status.value: status for status in ActionStatus}
PLAN_TABLES = ("cell_target", "cell_action", "planned_touchpoint", "planned_department")


def _damaged(path: Path, table: str, key: tuple[object, ...], problem: str) -> CorruptDocument:
    where = ", ".join(f"{name} {value!r}"[:60] for name, value in
                      zip(st.KEYS[table], key, strict=True))
    return CorruptDocument(path, f"is damaged: table {table!r}, row {where}: {problem}")


def _rows(connection: sqlite3.Connection, path: Path, table: str) -> list[tuple[Any, ...]]:
    (count,) = connection.execute(st.COUNT[table]).fetchone()
    if count > st.MAX_ROWS[table]:
        raise CorruptDocument(path, f"is too large: table {table!r} has {count:,} rows; "
                                    f"cxmatrix handles at most {st.MAX_ROWS[table]:,}")
    rows = connection.execute(st.LOAD[table]).fetchall() if count else []
    if len(rows) != count:
        bad = connection.execute(st.CHECK[table]).fetchone()
        if bad is not None:
            raise _damaged(path, table, bad[:-1], bad[-1])
    return rows


def load_plan(connection: sqlite3.Connection, matrix: Matrix, path: Path) -> None:
    """Read the target layer into ``matrix`` (whose structure is loaded)."""
    has_tp, has_dept = matrix.has_touchpoint, matrix.has_department

    def cell(table: str, tid: int, did: int) -> None:
        if not has_tp(tid):
            raise _damaged(path, table, (tid, did), f"touchpoint {tid!r} does not exist")
        if not has_dept(did):
            raise _damaged(path, table, (tid, did), f"department {did!r} does not exist")

    targets: dict[int, dict[int, Role | None]] = {}
    for tid, did, code in _rows(connection, path, "cell_target"):
        cell("cell_target", tid, did)
        if code is not None and code not in _ROLE_BY_CODE:
            raise _damaged(path, "cell_target", (tid, did), f"{code!r} is not a role")
        targets.setdefault(tid, {})[did] = _ROLE_BY_CODE[code] if code is not None else None
    actions: dict[tuple[int, int], Action] = {}
    for tid, did, person, due, status, note in _rows(connection, path, "cell_action"):
        cell("cell_action", tid, did)
        if status not in _STATUS:
            raise _damaged(path, "cell_action", (tid, did), f"{status!r} is not an action "
                           f"status ({', '.join(_STATUS)})")
        try:
            day = date.fromisoformat(due) if due else None
        except ValueError:
            raise _damaged(path, "cell_action", (tid, did),
                           f"{due!r} is not a date") from None
        actions[(tid, did)] = Action(person, day, _STATUS[status], note)
    planned_tps: set[int] = set()
    for (tid,) in _rows(connection, path, "planned_touchpoint"):
        if not has_tp(tid):
            raise _damaged(path, "planned_touchpoint", (tid,), "the touchpoint does not exist")
        planned_tps.add(tid)
    planned_depts: set[int] = set()
    for (did,) in _rows(connection, path, "planned_department"):
        if not has_dept(did):
            raise _damaged(path, "planned_department", (did,),
                           "the department does not exist")
        planned_depts.add(did)
    if targets or actions or planned_tps or planned_depts:
        matrix.load_plan(targets, actions, planned_tps, planned_depts)


def target_rows(matrix: Matrix) -> list[tuple[int, int, str | None]]:
    return [(tid, did, _CODE_OF[role] if role is not None else None)
            for tid in sorted(matrix.targets) for did, role in sorted(matrix.targets[tid].items())]


def action_row(key: tuple[int, int], action: Action) -> tuple[object, ...]:
    return (*key, action.person, action.due.isoformat() if action.due else "",
            action.status.value, action.note)


def write_plan(connection: sqlite3.Connection, matrix: Matrix) -> None:
    """Insert the whole target layer into empty tables, inside the caller's transaction."""
    if not matrix.has_plan:
        return
    connection.executemany(st.INSERT["cell_target"], target_rows(matrix))
    connection.executemany(st.INSERT["cell_action"], (
        action_row(key, action) for key, action in sorted(matrix.actions.items())))
    connection.executemany(st.INSERT["planned_touchpoint"],
                           ((tid,) for tid in sorted(matrix.planned_touchpoints)))
    connection.executemany(st.INSERT["planned_department"],
                           ((did,) for did in sorted(matrix.planned_departments)))
