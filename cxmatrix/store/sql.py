"""The writes of a Document, as SQLAlchemy Core statements over the SQLModel tables.

Imported on a document's first write, not when it is opened: SQLAlchemy and SQLModel take
about half a second to import, and reading needs only sqlite3. Statements used on every edit
are built once with bound parameters (see bench_store); ordering and bulk cell writes use
executemany.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, create_engine, delete, event, insert, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from cxmatrix.domain.model import Department, Matrix, Stage, Touchpoint
from cxmatrix.store.format import ROLE_CODES
from cxmatrix.store.schema import (
    TABLES,
    CellRow,
    DepartmentRow,
    MatrixRow,
    StageRow,
    TouchpointRow,
)

__all__ = ["DBAPIError", "SqlWriter", "create_tables"]

_CELL = CellRow.__table__  # type: ignore[attr-defined]
_STAGE = StageRow.__table__  # type: ignore[attr-defined]
_DEPARTMENT = DepartmentRow.__table__  # type: ignore[attr-defined]
_TOUCHPOINT = TouchpointRow.__table__  # type: ignore[attr-defined]
_MATRIX = MatrixRow.__table__  # type: ignore[attr-defined]

_UPSERT = sqlite_insert(_CELL).values(
    touchpoint_id=bindparam("tid"), department_id=bindparam("did"), role=bindparam("role"),
    note=bindparam("note"))
UPSERT_CELL = _UPSERT.on_conflict_do_update(
    index_elements=["touchpoint_id", "department_id"],
    set_={"role": _UPSERT.excluded.role, "note": _UPSERT.excluded.note})
DELETE_CELL = delete(_CELL).where(_CELL.c.touchpoint_id == bindparam("tid"),
                                  _CELL.c.department_id == bindparam("did"))
TOUCH_MODIFIED = update(_MATRIX).values(modified=bindparam("modified"))
STAGE_POSITION = update(_STAGE).where(_STAGE.c.id == bindparam("row_id")).values(
    position=bindparam("row_position"))
DEPARTMENT_POSITION = update(_DEPARTMENT).where(_DEPARTMENT.c.id == bindparam("row_id")).values(
    position=bindparam("row_position"))
TOUCHPOINT_POSITION = update(_TOUCHPOINT).where(
    _TOUCHPOINT.c.id == bindparam("row_id")).values(position=bindparam("row_position"))


def create_tables(connection: sqlite3.Connection) -> None:
    """Create the SQLModel tables and indexes on a plain sqlite3 connection."""
    dialect = create_engine("sqlite://").dialect
    for model in TABLES.values():
        table = model.__table__  # type: ignore[attr-defined]
        connection.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            connection.execute(str(CreateIndex(index).compile(dialect=dialect)))


def _touchpoint_values(tp: Touchpoint) -> dict[str, Any]:
    return {"stage_id": tp.stage_id, "name": tp.name, "category": tp.category,
            "channel": tp.channel, "description": tp.description, "peak": tp.peak,
            "is_end": tp.end, "metric": tp.metric, "notes": tp.notes}


class SqlWriter:
    """Writes one document's changes over its open sqlite3 connection."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        event.listen(self.engine, "begin",
                     lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        self.conn: Connection = self.engine.connect()

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()

    def touch_modified(self, when: str) -> None:
        self.conn.execute(TOUCH_MODIFIED, {"modified": when})

    # ---- properties -----------------------------------------------------------------------

    def update_properties(self, values: dict[str, object]) -> None:
        self.conn.execute(update(_MATRIX).values(**values))

    # ---- stages ---------------------------------------------------------------------------

    def insert_stage(self, stage: Stage) -> None:
        self.conn.execute(insert(_STAGE).values(id=stage.id, name=stage.name, position=0))

    def rename_stage(self, stage: Stage) -> None:
        self.conn.execute(update(_STAGE).where(_STAGE.c.id == stage.id)
                          .values(name=stage.name))

    def delete_stage(self, stage_id: int) -> None:
        self.conn.execute(delete(_STAGE).where(_STAGE.c.id == stage_id))

    def stage_order(self, matrix: Matrix) -> None:
        self.conn.execute(STAGE_POSITION, [{"row_id": s.id, "row_position": i}
                                           for i, s in enumerate(matrix.stages)])

    # ---- touchpoints ----------------------------------------------------------------------

    def insert_touchpoint(self, tp: Touchpoint) -> None:
        self.conn.execute(insert(_TOUCHPOINT).values(id=tp.id, position=0,
                                                     **_touchpoint_values(tp)))

    def update_touchpoint(self, tp: Touchpoint) -> None:
        self.conn.execute(update(_TOUCHPOINT).where(_TOUCHPOINT.c.id == tp.id)
                          .values(**_touchpoint_values(tp)))

    def touchpoint_order(self, matrix: Matrix, stage_id: int) -> None:
        rows = [{"row_id": tid, "row_position": i}
                for i, tid in enumerate(matrix.stage_touchpoint_ids(stage_id))]
        if rows:
            self.conn.execute(TOUCHPOINT_POSITION, rows)

    def delete_touchpoints(self, touchpoint_ids: list[int]) -> None:
        for start in range(0, len(touchpoint_ids), 500):
            chunk = touchpoint_ids[start:start + 500]
            self.conn.execute(delete(_CELL).where(_CELL.c.touchpoint_id.in_(chunk)))
            self.conn.execute(delete(_TOUCHPOINT).where(_TOUCHPOINT.c.id.in_(chunk)))

    # ---- departments ----------------------------------------------------------------------

    def insert_department(self, dept: Department) -> None:
        self.conn.execute(insert(_DEPARTMENT).values(id=dept.id, name=dept.name,
                                                     code=dept.code, lead=dept.lead,
                                                     position=0))

    def update_department(self, dept: Department) -> None:
        self.conn.execute(update(_DEPARTMENT).where(_DEPARTMENT.c.id == dept.id)
                          .values(name=dept.name, code=dept.code, lead=dept.lead))

    def delete_department(self, department_id: int) -> None:
        self.conn.execute(delete(_CELL).where(_CELL.c.department_id == department_id))
        self.conn.execute(delete(_DEPARTMENT).where(_DEPARTMENT.c.id == department_id))

    def department_order(self, matrix: Matrix) -> None:
        self.conn.execute(DEPARTMENT_POSITION, [{"row_id": d.id, "row_position": i}
                                                for i, d in enumerate(matrix.departments)])

    # ---- cells ----------------------------------------------------------------------------

    def cells(self, matrix: Matrix, pairs: Iterable[tuple[int, int]]) -> None:
        """Write the current state of these (touchpoint, department) cells."""
        upserts: list[dict[str, Any]] = []
        deletes: list[dict[str, Any]] = []
        for tid, did in dict.fromkeys(pairs):
            cell = matrix.cell(tid, did)
            if cell.is_empty:
                deletes.append({"tid": tid, "did": did})
            else:
                upserts.append({"tid": tid, "did": did, "note": cell.note,
                                "role": ROLE_CODES[cell.role.value] if cell.role else None})
        if upserts:
            self.conn.execute(UPSERT_CELL, upserts[0] if len(upserts) == 1 else upserts)
        if deletes:
            self.conn.execute(DELETE_CELL, deletes[0] if len(deletes) == 1 else deletes)

    # ---- everything -----------------------------------------------------------------------

    def replace_all(self, matrix: Matrix) -> None:
        from cxmatrix.store.load import write_matrix

        for table in ("cell", "touchpoint", "department", "stage", "matrix"):
            self.raw.execute(f"DELETE FROM {table}")
        write_matrix(self.raw, matrix)
