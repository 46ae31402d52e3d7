"""Bulk reading and writing of a whole matrix, with batched statements (no ORM per cell).

Loading an L matrix (20,000 touchpoints x 50 departments, 300,000 cells) one ORM object per
cell measured 25x slower than a raw SELECT; here rows go straight into the domain's structures.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from cxmatrix.domain.model import Department, Matrix, Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.store.errors import CorruptDocument
from cxmatrix.store.format import ROLE_CODES, TABLE_NAMES

_ROLE_BY_CODE = {code: Role(value) for value, code in ROLE_CODES.items()}
# Columns each schema version must have (a subset check: later versions add columns).
_REQUIRED_COLUMNS = {
    "matrix": {"id", "title", "organisation", "description", "focus_department_id", "created",
               "modified"},
    "stage": {"id", "name", "position"},
    "department": {"id", "name", "code", "position"},
    "touchpoint": {"id", "stage_id", "position", "name", "category", "channel",
                   "description", "peak", "is_end", "metric", "notes"},
    "cell": {"touchpoint_id", "department_id", "role"},
}


def verify_schema(connection: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse files whose schema is not what cxmatrix writes: missing tables, tables that
    are views, triggers (we create none: a trigger could run code on our writes)."""
    entries = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
    kinds = {name: kind for kind, name in entries}
    for kind, name in entries:
        if kind == "trigger":
            raise CorruptDocument(path, f"contains a trigger ({name!r}) that cxmatrix did not "
                                        "create; refusing to open it")
    for table in TABLE_NAMES:
        if kinds.get(table) != "table":
            problem = "is missing" if table not in kinds else f"is a {kinds[table]}"
            raise CorruptDocument(path, f"is damaged: its table {table!r} {problem}")
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        missing = _REQUIRED_COLUMNS[table] - columns
        if version >= 2 and table == "department":
            missing |= {"lead"} - columns
        if missing:
            raise CorruptDocument(path, f"is damaged: table {table!r} lacks "
                                        f"{', '.join(sorted(missing))}")


def _parse_time(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat(value) if value else datetime.now(UTC)
    except ValueError:
        return datetime.now(UTC)


def load_matrix(connection: sqlite3.Connection, path: Path) -> Matrix:
    """Read the whole matrix into memory. Bad content raises CorruptDocument."""
    properties = connection.execute(
        "SELECT title, organisation, description, focus_department_id, created, modified "
        "FROM matrix WHERE id = 1").fetchone()
    if properties is None:
        raise CorruptDocument(path, "is damaged: it has no matrix properties")
    title, organisation, description, focus, created, modified = properties
    matrix = Matrix(title=title or "Untitled matrix", organisation=organisation or "",
                    description=description or "", created=_parse_time(created),
                    modified=_parse_time(modified))
    for stage_id, name in connection.execute("SELECT id, name FROM stage ORDER BY position, id"):
        matrix.load_stage(stage_id, name)
    for dept_id, name, code, lead in connection.execute(
            "SELECT id, name, code, lead FROM department ORDER BY position, id"):
        matrix.load_department(Department(dept_id, name, code or "", lead or ""))
    load_touchpoint = matrix.load_touchpoint
    try:
        for row in connection.execute(
                "SELECT id, stage_id, name, category, channel, description, peak, is_end, "
                "metric, notes FROM touchpoint ORDER BY stage_id, position, id"):
            load_touchpoint(Touchpoint(row[0], row[1], row[2], row[3] or "", row[4] or "",
                                       row[5] or "", bool(row[6]), bool(row[7]),
                                       row[8] or "", row[9] or ""))
    except KeyError as error:
        raise CorruptDocument(path, f"is damaged: a touchpoint refers to a missing stage "
                                    f"({error.args[0]})") from None
    _load_cells(connection, matrix, path)
    if focus is not None and matrix.has_department(focus):
        matrix.focus_department_id = focus
    matrix.load_finished()
    return matrix


def _load_cells(connection: sqlite3.Connection, matrix: Matrix, path: Path) -> None:
    roles: dict[int, dict[int, Role]] = {}
    notes: dict[tuple[int, int], str] = {}
    role_by_code = _ROLE_BY_CODE
    has_tp = matrix.has_touchpoint
    has_dept = matrix.has_department
    current_tid = None
    row: dict[int, Role] = {}
    for tid, did, code, note in connection.execute(
            "SELECT touchpoint_id, department_id, role, note FROM cell"):
        if tid != current_tid:
            if not has_tp(tid):
                raise CorruptDocument(path, f"is damaged: a cell refers to touchpoint {tid}, "
                                            "which does not exist")
            current_tid = tid
            row = roles.setdefault(tid, {})
        if not has_dept(did):
            raise CorruptDocument(path, f"is damaged: a cell refers to department {did}, "
                                        "which does not exist")
        if code is not None:
            try:
                row[did] = role_by_code[code]
            except KeyError:
                raise CorruptDocument(path, f"is damaged: unknown role {code!r} in a "
                                            "cell") from None
        if note:
            notes[(tid, did)] = note
    for tid in [tid for tid, r in roles.items() if not r]:
        del roles[tid]
    matrix.load_cells(roles, notes)


def write_matrix(connection: sqlite3.Connection, matrix: Matrix) -> None:
    """Insert the whole matrix into empty tables, inside the caller's transaction."""
    connection.execute(
        "INSERT INTO matrix (id, title, organisation, description, focus_department_id, "
        "created, modified) VALUES (1, ?, ?, ?, ?, ?, ?)",
        (matrix.title, matrix.organisation, matrix.description, matrix.focus_department_id,
         matrix.created.isoformat(), matrix.modified.isoformat()))
    connection.executemany("INSERT INTO stage (id, name, position) VALUES (?, ?, ?)",
                           [(s.id, s.name, i) for i, s in enumerate(matrix.stages)])
    connection.executemany(
        "INSERT INTO department (id, name, code, lead, position) VALUES (?, ?, ?, ?, ?)",
        [(d.id, d.name, d.code, d.lead, i) for i, d in enumerate(matrix.departments)])
    connection.executemany(
        "INSERT INTO touchpoint (id, stage_id, position, name, category, channel, description,"
        " peak, is_end, metric, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(tp.id, tp.stage_id, i, tp.name, tp.category, tp.channel, tp.description, tp.peak,
          tp.end, tp.metric, tp.notes)
         for stage in matrix.stages
         for i, tp in enumerate(matrix.touchpoints_in(stage.id))])
    codes = {role: ROLE_CODES[role.value] for role in Role}
    notes = matrix.notes
    connection.executemany(
        "INSERT INTO cell (touchpoint_id, department_id, role, note) VALUES (?, ?, ?, ?)",
        ((tid, did, codes[role], notes.get((tid, did), ""))
         for tid in sorted(matrix.roles) for did, role in sorted(matrix.roles[tid].items())))
    connection.executemany(
        "INSERT INTO cell (touchpoint_id, department_id, role, note) VALUES (?, ?, NULL, ?)",
        ((tid, did, note) for (tid, did), note in sorted(notes.items())
         if did not in matrix.row_roles(tid)))
