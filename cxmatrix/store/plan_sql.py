"""The writes of the target layer on an open document: target roles, actions, planned flags.

SQLAlchemy Core statements built once from the tables in ``schema`` (imported with ``sql``
on a document's first write). ``write_plan_change`` writes what a change record names, as
the matrix holds it now: a target role set apart is upserted, one no longer set is deleted;
the same for actions and planned flags.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.model import Matrix
from cxmatrix.store.format import ROLE_CODES
from cxmatrix.store.schema import (
    CellActionRow,
    CellTargetRow,
    PlannedDepartmentRow,
    PlannedTouchpointRow,
)

_TARGET: Table = CellTargetRow.__table__  # type: ignore[attr-defined]
_ACTION: Table = CellActionRow.__table__  # type: ignore[attr-defined]
_PLANNED_TP: Table = PlannedTouchpointRow.__table__  # type: ignore[attr-defined]
_PLANNED_DEPT: Table = PlannedDepartmentRow.__table__  # type: ignore[attr-defined]


def _upsert(table: Table) -> Any:
    keys = list(table.primary_key.columns)
    statement = sqlite_insert(table).values({c: bindparam(f"v_{c.name}")
                                             for c in table.columns})
    others = [c for c in table.columns if c not in keys]
    if not others:
        return statement.on_conflict_do_nothing(index_elements=keys)
    return statement.on_conflict_do_update(
        index_elements=keys, set_={c: statement.excluded[c.name] for c in others})


def _delete(table: Table) -> Any:
    return delete(table).where(*(c == bindparam(f"v_{c.name}")
                                 for c in table.primary_key.columns))


UPSERT_TARGET, DELETE_TARGET = _upsert(_TARGET), _delete(_TARGET)
UPSERT_ACTION, DELETE_ACTION = _upsert(_ACTION), _delete(_ACTION)
UPSERT_PLANNED_TP, DELETE_PLANNED_TP = _upsert(_PLANNED_TP), _delete(_PLANNED_TP)
UPSERT_PLANNED_DEPT, DELETE_PLANNED_DEPT = _upsert(_PLANNED_DEPT), _delete(_PLANNED_DEPT)


def _row(table: Table, values: Iterable[object]) -> dict[str, object]:
    return {f"v_{c.name}": v for c, v in zip(table.columns, values, strict=True)}


def _run(conn: Connection, statement: Any, rows: list[dict[str, object]]) -> None:
    if rows:
        conn.execute(statement, rows[0] if len(rows) == 1 else rows)


def write_plan_cells(conn: Connection, matrix: Matrix, pairs: Iterable[tuple[int, int]],
                     *, targets: bool = True, actions: bool = True) -> None:
    """Write the target role and the action of these cells as the matrix holds them now."""
    keys = [k for k in dict.fromkeys(pairs)
            if matrix.has_touchpoint(k[0]) and matrix.has_department(k[1])]
    if targets:
        upserts, deletes = [], []
        for tid, did in keys:
            if matrix.has_target(tid, did):
                role = matrix.targets[tid][did]
                upserts.append(_row(_TARGET, (tid, did, ROLE_CODES[role.value]
                                              if role is not None else None)))
            else:
                deletes.append(_row(_TARGET, (tid, did, None)))
        _run(conn, UPSERT_TARGET, upserts)
        _run(conn, DELETE_TARGET, [{k: v for k, v in r.items() if k != "v_role"}
                                   for r in deletes])
    if actions:
        upserts, deletes = [], []
        for tid, did in keys:
            action = matrix.action(tid, did)
            if action is None:
                deletes.append({"v_touchpoint_id": tid, "v_department_id": did})
            else:
                upserts.append(_row(_ACTION, (tid, did, action.person,
                                              action.due.isoformat() if action.due else "",
                                              action.status.value, action.note)))
        _run(conn, UPSERT_ACTION, upserts)
        _run(conn, DELETE_ACTION, deletes)


def write_planned_flags(conn: Connection, matrix: Matrix, touchpoints: Iterable[int],
                        departments: Iterable[int]) -> None:
    for ids, flagged, has, upsert, remove, table in (
            (touchpoints, matrix.planned_touchpoints, matrix.has_touchpoint,
             UPSERT_PLANNED_TP, DELETE_PLANNED_TP, _PLANNED_TP),
            (departments, matrix.planned_departments, matrix.has_department,
             UPSERT_PLANNED_DEPT, DELETE_PLANNED_DEPT, _PLANNED_DEPT)):
        present = [i for i in ids if has(i)]
        _run(conn, upsert, [_row(table, (i,)) for i in present if i in flagged])
        _run(conn, remove, [_row(table, (i,)) for i in present if i not in flagged])


def write_plan_change(conn: Connection, matrix: Matrix, change: MatrixChange) -> None:
    """Write what ``change`` says changed in the target layer."""
    if change.targets or change.actions:
        write_plan_cells(conn, matrix, change.targets | change.actions,
                         targets=bool(change.targets), actions=bool(change.actions))
    if change.touchpoints_planned or change.departments_planned:
        write_planned_flags(conn, matrix, change.touchpoints_planned,
                            change.departments_planned)


def write_restored_plan(conn: Connection, matrix: Matrix, touchpoint_ids: Iterable[int] = (),
                        department_ids: Iterable[int] = ()) -> None:
    """Write the whole target layer of restored touchpoints or departments."""
    tids, dids = set(touchpoint_ids), set(department_ids)
    keys = {(t, d) for t, row in matrix.targets.items() for d in row if t in tids or d in dids}
    keys |= {(t, d) for t, d in matrix.actions if t in tids or d in dids}
    write_plan_cells(conn, matrix, keys)
    write_planned_flags(conn, matrix, tids, dids)
