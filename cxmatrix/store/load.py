"""Bulk reading and writing of a whole matrix, with batched statements (no ORM per cell).

Loading an L matrix (20,000 touchpoints x 50 departments, 300,000 cells) one ORM object per
cell measured 25x slower than a raw SELECT; here rows go straight into the domain's structures.
Every statement is SQL text compiled from the tables (``statements``), so this runs on plain
sqlite3.

A .cxm file may have been written by anything, so nothing in it is trusted: before a row is
read, each table's size is checked against the documented limits (from its count), and the
query that reads a table checks the storage class of every value (SQLite columns are
dynamically typed: a BLOB or an integer can sit where text belongs) and its length, so that
a bad value is never fetched; when rows were skipped, the table's check query names the first.
While loading, the rules the domain enforces on every edit are checked too (no empty or
duplicate names, no touchpoint in a missing stage, no cell outside the matrix, roles that are
roles). A file that breaks any of them is refused as damaged, naming the table and the row.

The touchpoints and cells of a large matrix are read in bulk first (most of opening an L
matrix): one plain SELECT of the touchpoints, one row per touchpoint with its departments and
role letters as JSON arrays, and the non-empty notes apart. SQLite is told to hand over no
value longer than ``_MAX_VALUE_BYTES`` (a longer one fails the query), and storage classes,
lengths and references are checked a column at a time in Python. Whenever the bulk path meets
anything it does not accept at once, the file is read again value by value, as described
above, so that every refusal and its message are those of the checked path.
"""

from __future__ import annotations

import gc
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from itertools import chain, islice, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeVar

from cxmatrix.domain.limits import MAX_TEXT_LENGTH
from cxmatrix.domain.model import (
    TOUCHPOINT_LABEL_FIELDS,
    Department,
    Matrix,
    Stage,
    Touchpoint,
    name_key,
)
from cxmatrix.domain.roles import Role
from cxmatrix.store import statements as st
from cxmatrix.store.comments import load_comments, write_comments
from cxmatrix.store.errors import CorruptDocument
from cxmatrix.store.format import ROLE_CODES, SCHEMA_VERSION
from cxmatrix.store.plan import load_plan, write_plan
from cxmatrix.store.signoffs import load_signoffs, write_signoffs

_T = TypeVar("_T")
_ROLE_BY_CODE = {code: Role(value) for value, code in ROLE_CODES.items()}
_ROLE_LETTERS = ", ".join(ROLE_CODES.values())
_FIRST_FORMAT_WITH_FOREIGN_KEYS = 3
_WHAT = {"stage": "stages", "department": "departments", "touchpoint": "touchpoints",
         "cell": "cells", "matrix": "matrix property rows", "signoff": "sign-offs",
         "signoff_basis": "sign-off basis cells", "signoff_dispute": "disputed cells",
         "touchpoint_comment": "comments"}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _row(table: str, key: tuple[object, ...]) -> str:
    """How a message names a row: "table 'stage', row id 5"."""
    names = st.KEYS[table]
    where = ", ".join(f"{name} {_short(value)}" for name, value in zip(names, key, strict=True))
    return f"table {table!r}, row {where}"


def _damaged(path: Path, table: str, key: tuple[object, ...], problem: str) -> CorruptDocument:
    return CorruptDocument(path, f"is damaged: {_row(table, key)}: {problem}")


def verify_schema(connection: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse files whose schema is not what cxmatrix writes: missing tables, tables that
    are views, triggers (we create none: a trigger could run code on our writes), missing
    columns (a file of an earlier format may lack those with a default), and (from format 3)
    missing foreign keys, on which deletes rely."""
    entries = [row[:2] for row in connection.execute("SELECT * FROM sqlite_master")]
    kinds = {name: kind for kind, name in entries}
    for kind, name in entries:
        if kind == "trigger":
            raise CorruptDocument(path, f"contains a trigger ({name!r}) that cxmatrix did not "
                                        "create; refusing to open it")
    for table in st.TABLE_NAMES:
        if table not in kinds and version < st.SINCE.get(table, 1):
            continue  # a table of a later format: the migration creates it
        if kinds.get(table) != "table":
            problem = "is missing" if table not in kinds else f"is a {kinds[table]}"
            raise CorruptDocument(path, f"is damaged: its table {table!r} {problem}")
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        required = set(st.COLUMNS[table])
        if version < SCHEMA_VERSION:  # the rebuild fills in the others
            required -= set(st.DEFAULTED[table])
        missing = required - columns
        if missing:
            raise CorruptDocument(path, f"is damaged: table {table!r} lacks "
                                        f"{', '.join(sorted(missing))}")
        if version >= _FIRST_FORMAT_WITH_FOREIGN_KEYS:
            declared = {(row[3], row[2], row[4], row[6]) for row in
                        connection.execute(f'PRAGMA foreign_key_list("{table}")')}
            if not set(st.FOREIGN_KEYS[table]) <= declared:
                raise CorruptDocument(path, f"is damaged: table {table!r} lacks its "
                                            "foreign keys")


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value) if value else datetime.now(UTC)
    except ValueError:
        return datetime.now(UTC)


def _counts(connection: sqlite3.Connection, path: Path) -> dict[str, int]:
    """The rows of each table; a file larger than cxmatrix handles is refused from these,
    before any row is read."""
    counts = {}
    for table in st.TABLE_NAMES:
        (count,) = connection.execute(st.COUNT[table]).fetchone()
        if count > st.MAX_ROWS[table]:
            raise CorruptDocument(path, f"is too large: table {table!r} has {count:,} rows; "
                                        f"cxmatrix handles at most {st.MAX_ROWS[table]:,} "
                                        f"{_WHAT.get(table, 'rows')}")
        counts[table] = count
    return counts


def _all_read(connection: sqlite3.Connection, path: Path, table: str, read: int,
              counts: dict[str, int]) -> None:
    """The loading queries skip rows with a value of the wrong storage class or length (so
    that such a value never reaches Python); when fewer rows came than the table holds, name
    the first bad one."""
    if read != counts[table]:
        bad = connection.execute(st.CHECK[table]).fetchone()
        if bad is not None:
            raise _damaged(path, table, bad[:-1], bad[-1])


def load_matrix(connection: sqlite3.Connection, path: Path,
                fetched: FetchedRows | None = None) -> Matrix:
    """Read the whole matrix into memory. Bad content raises CorruptDocument.

    ``fetched``: the touchpoints and cells as they were copied into ``connection`` (by the
    team server), so the bulk path takes them from there instead of reading them back."""
    counts = _counts(connection, path)
    with collector_paused():
        try:
            return _load(connection, path, counts, bulk=True, fetched=fetched)
        except _Irregular:
            return _load(connection, path, counts, bulk=False)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a matrix is built (and by ``check`` while it
    finds and prints): an L matrix is some 400,000 new containers (rows, lists, role dicts,
    touchpoints), none in a cycle, and their allocation set off collections that walked the
    growing heap again and again, twice all of it (30 ms of a 0.35 s check). Refcounting
    frees everything as before; the collector resumes afterwards if it ran before (a caller
    that turned it off keeps it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(connection: sqlite3.Connection, path: Path, counts: dict[str, int], *,
          bulk: bool, fetched: FetchedRows | None = None) -> Matrix:
    properties = connection.execute(st.LOAD["matrix"]).fetchone()
    _all_read(connection, path, "matrix", properties is not None, counts)
    if properties is None:
        raise CorruptDocument(path, "is damaged: it has no matrix properties")
    title, organisation, description, prepared_by, focus, created, modified, uid = properties
    matrix = Matrix(title=title or "Untitled matrix", organisation=organisation,
                    description=description, prepared_by=prepared_by,
                    created=_parse_time(created),
                    modified=_parse_time(modified))
    if uid:  # every file of format 6 has one; the migration gives older files theirs
        matrix.uid = uid
    seen: dict[str, int] = {}
    for stage_id, name in connection.execute(st.LOAD["stage"]):
        _check_name(path, "stage", stage_id, name, seen)
        matrix.load_stage(stage_id, name)
    _all_read(connection, path, "stage", len(matrix.stages), counts)
    seen = {}
    for dept_id, name, code, lead in connection.execute(st.LOAD["department"]):
        _check_name(path, "department", dept_id, name, seen)
        matrix.load_department(Department(dept_id, name, code, lead))
    _all_read(connection, path, "department", len(matrix.departments), counts)
    if bulk:
        _bulk_load(connection, matrix, counts, fetched)
    else:
        _load_touchpoints(connection, matrix, path)
        _all_read(connection, path, "touchpoint", matrix.touchpoint_count, counts)
        _all_read(connection, path, "cell", _load_cells(connection, matrix, path), counts)
    if focus is not None and matrix.has_department(focus):
        matrix.focus_department_id = focus
    load_plan(connection, matrix, path)
    load_signoffs(connection, matrix, path)
    load_comments(connection, matrix, path)
    matrix.load_finished()
    return matrix


def _check_name(path: Path, table: str, row_id: int, name: str, seen: dict[str, int]) -> None:
    key = name_key(name)
    if not key:
        raise _damaged(path, table, (row_id,), "its name is empty")
    if key in seen:
        raise _damaged(path, table, (row_id,), f"its name {_short(name)} is used twice "
                                               f"(also by row id {seen[key]})")
    seen[key] = row_id


# ---- the bulk path ----------------------------------------------------------------------------

# The longest value SQLite may hand over on the bulk path: a text of MAX_TEXT_LENGTH
# characters in UTF-8, with room for a row of role letters as JSON. A longer value fails the
# query before it reaches Python (SQLITE_TOOBIG), and the checked path names it.
_MAX_VALUE_BYTES = 4 * MAX_TEXT_LENGTH + 100_000
_PYTHON_TYPES = {"text": str, "integer": int, "null": type(None)}
_BOOLEAN_FIELDS = frozenset(index for index, f in enumerate(fields(Touchpoint))
                            if f.type in ("bool", bool))


class _Irregular(Exception):
    """The bulk path met a value it does not accept at once: read value by value instead."""


def _fits(column: Sequence[Any], spec: tuple[tuple[str, ...], int] | None) -> bool:
    """Whether every value of a column has one of the storage classes and at most the
    length ``spec`` allows (None: the loader checks the column itself)."""
    if spec is None or not column:
        return True
    classes, length = spec
    if not set(map(type, column)) <= {_PYTHON_TYPES[name] for name in classes}:
        return False
    return not length or max(map(len, filter(None, column)), default=0) <= length


def _bulk_load(connection: sqlite3.Connection, matrix: Matrix, counts: dict[str, int],
               fetched: FetchedRows | None = None) -> None:
    """Load the touchpoints and cells in bulk; raises _Irregular (having changed nothing in
    ``matrix`` but its touchpoints) when the checked path must decide."""
    limit = connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _MAX_VALUE_BYTES)
    try:
        _bulk_touchpoints(connection, matrix, counts, fetched)
        _bulk_cells(connection, matrix, counts, fetched)
    except (sqlite3.DataError, sqlite3.OperationalError):
        # A value too long to hand over, or a BLOB in the JSON of a row's roles.
        raise _Irregular from None
    finally:
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)


def _bulk_touchpoints(connection: sqlite3.Connection, matrix: Matrix,
                      counts: dict[str, int], fetched: FetchedRows | None = None) -> None:
    rows = (connection.execute(st.READ["touchpoint"]).fetchall() if fetched is None
            else fetched.touchpoint_rows())
    if len(rows) != counts["touchpoint"]:
        raise _Irregular
    if not rows:
        return
    columns: list[Any] = list(zip(*rows, strict=True))
    if not all(map(_fits, columns, st.READ_VALUES["touchpoint"])):
        raise _Irregular
    stage_ids = {stage.id for stage in matrix.stages}
    if not stage_ids.issuperset(columns[1]) or not all(map(str.strip, columns[2])):
        raise _Irregular  # a missing stage, an empty name
    del columns[len(fields(Touchpoint)):]  # the order column
    for index in _BOOLEAN_FIELDS:
        columns[index] = map(bool, columns[index])
    for index in _SHARED_FIELDS:
        columns[index] = _shared(columns[index])
    matrix.load_touchpoints(frozen_instances(Touchpoint, len(rows), columns))


def frozen_instances(cls: type[_T], count: int, columns: Sequence[Iterable[Any]]) -> list[_T]:
    """``count`` instances of a frozen dataclass with slots, from one column of ``count``
    values per field (in field order), made a field at a time at C speed: each slot is set
    through its descriptor, as ``object.__setattr__`` does in the dataclass's ``__init__``
    (which took half of building an L matrix's 20,000 touchpoints). The same objects in
    every respect."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if len(columns) != len(names):
        raise ValueError(f"{cls.__name__} has {len(names)} fields, not {len(columns)}")
    instances = list(map(object.__new__, repeat(cls, count)))
    for name, column in zip(names, columns, strict=True):
        deque(map(getattr(cls, name).__set__, instances, column), maxlen=0)
    return instances


# Fields most touchpoints share a few values of (each row's value is its own string as
# SQLite hands it over: 20,000 copies of "Product" take a megabyte).
_SHARED_FIELDS = tuple(index for index, f in enumerate(fields(Touchpoint))
                       if f.name in TOUCHPOINT_LABEL_FIELDS)


def _shared(column: Sequence[str]) -> Iterator[str]:
    """The column's values, one string object per distinct value."""
    one = {value: value for value in set(column)}
    return map(one.__getitem__, column)


def _bulk_cells(connection: sqlite3.Connection, matrix: Matrix, counts: dict[str, int],
                fetched: FetchedRows | None = None) -> None:
    department_ids = {department.id for department in matrix.departments}
    has_tp = matrix.has_touchpoint
    roles: dict[int, dict[int, Role]] = {}
    if fetched is not None:
        if fetched.irregular:
            raise _Irregular
        roles = fetched.roles
        if not all(map(has_tp, roles)) or not department_ids.issuperset(
                chain.from_iterable(roles.values())):
            raise _Irregular
        rows = fetched.notes
    else:
        roles = _read_roles(connection, has_tp, department_ids)
        rows = connection.execute(st.READ_NOTES).fetchall()
    notes: dict[tuple[int, int], str] = {}
    note_only = 0
    if rows:
        columns = list(zip(*rows, strict=True))
        tids, dids, texts, no_role = columns
        if not all(map(_fits, columns, st.READ_VALUES["cell"])) or not all(
                map(has_tp, tids)) or not department_ids.issuperset(dids):
            raise _Irregular
        notes = dict(zip(zip(tids, dids, strict=True), texts, strict=True))
        note_only = sum(no_role)
    if sum(map(len, roles.values())) + note_only != counts["cell"]:
        raise _Irregular  # rows neither read holds (empty cells, repeated keys)
    matrix.load_cells(roles, notes)


def _read_roles(connection: sqlite3.Connection, has_tp: Callable[[int], bool],
                department_ids: set[int]) -> dict[int, dict[int, Role]]:
    """Every touchpoint's roles, read as one row per touchpoint (its departments and role
    letters as JSON arrays)."""
    import json  # here, not at the top: the window starts without it until a file opens

    loads = json.loads
    role_of = _ROLE_BY_CODE.__getitem__
    roles: dict[int, dict[int, Role]] = {}
    cursor = connection.execute(st.READ_ROLES)
    # A few thousand rows at a time: the texts and lists of a batch are let go before the
    # next (all at once, they held 12 MB beside the 13 MB of an L matrix's role dicts).
    while rows := cursor.fetchmany(_ROLE_BATCH):
        tids, dids_json, codes_json = zip(*rows, strict=True)
        # One JSON text per batch: json.loads costs microseconds per call.
        dids = loads(f"[{','.join(dids_json)}]")
        codes = loads(f"[{','.join(codes_json)}]")
        if not all(map(has_tp, tids)) or not department_ids.issuperset(chain.from_iterable(
                dids)):
            raise _Irregular
        try:
            roles.update({tid: dict(zip(row, map(role_of, letters), strict=True))
                          for tid, row, letters in zip(tids, dids, codes, strict=True)})
        except (KeyError, TypeError):  # not a role letter
            raise _Irregular from None
    return roles


_ROLE_BATCH = 2_000


class FetchedRows:
    """The touchpoints and cells of a matrix, taken batch by batch while another store (the
    team server) copies them into a SQLite database, so that ``load_matrix`` builds the
    matrix from them instead of reading the copy back. The bulk path's checks apply to them
    as to a file's rows; anything irregular sends the loader to the copy, value by value."""

    TABLES = ("touchpoint", "cell")

    def __init__(self) -> None:
        self._touchpoints: list[Sequence[Any]] = []
        self._touchpoint_columns: tuple[str, ...] = ()
        self.roles: dict[int, dict[int, Role]] = {}
        # (touchpoint id, department id, note, no role) of the cells with a note: READ_NOTES
        self.notes: list[tuple[Any, Any, Any, bool]] = []
        self.irregular = False

    def add(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """One batch of ``table``'s rows, with its columns in the order given."""
        if table == "touchpoint":
            self._touchpoint_columns = tuple(columns)
            self._touchpoints.extend(rows)
        elif table == "cell" and not self.irregular:
            self._add_cells(tuple(columns), rows)

    def _add_cells(self, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
        if columns != st.COLUMNS["cell"]:
            self.irregular = True
            return
        roles, notes, role_of = self.roles, self.notes, _ROLE_BY_CODE.get
        current, row = None, {}
        for tid, did, code, note in rows:
            if code is not None:
                if tid != current:
                    current = tid
                    row = roles.setdefault(tid, {})
                role = role_of(code) if type(code) is str else None
                if role is None or did in row:
                    self.irregular = True  # not a role letter, or a cell read twice
                    return
                row[did] = role
            if note != "":
                notes.append((tid, did, note, code is None))

    def touchpoint_rows(self) -> list[Sequence[Any]]:
        """The touchpoints as READ["touchpoint"] gives them: its columns, in its order."""
        if not self._touchpoints:
            return []
        # READ's columns: the entity columns in table order, then the order column.
        table = st.COLUMNS["touchpoint"]
        order = table[st.POSITION["touchpoint"]]
        wanted = (*(c for c in table if c != order), order)
        try:
            pick = itemgetter(*map(self._touchpoint_columns.index, wanted))
        except ValueError:
            self.irregular = True
            return []
        columns = list(zip(*map(pick, self._touchpoints), strict=True))
        for index, column in enumerate(columns):
            if type(column[0]) is bool:  # a flag, as SQLite stores it
                try:
                    columns[index] = tuple(map(int, column))
                except TypeError:
                    self.irregular = True
                    return []
        rows: list[Sequence[Any]] = list(zip(*columns, strict=True))
        at = len(wanted) - 1
        try:
            rows.sort(key=lambda r: (r[at], r[0]))
        except TypeError:  # a position that is not a number
            self.irregular = True
            return []
        return rows


# ---- the checked path -------------------------------------------------------------------------


def _load_touchpoints(connection: sqlite3.Connection, matrix: Matrix, path: Path) -> None:
    load_touchpoint = matrix.load_touchpoint
    stage_ids = {stage.id for stage in matrix.stages}
    for tid, stage_id, name, category, channel, description, peak, end, metric, notes in \
            connection.execute(st.LOAD["touchpoint"]):
        if stage_id not in stage_ids:
            raise _damaged(path, "touchpoint", (tid,),
                           f"its stage {_short(stage_id)} does not exist")
        if not name or name.isspace():
            raise _damaged(path, "touchpoint", (tid,), "its name is empty")
        load_touchpoint(Touchpoint(tid, stage_id, name, category, channel, description,
                                   bool(peak), bool(end), metric, notes))


def _load_cells(connection: sqlite3.Connection, matrix: Matrix, path: Path) -> int:
    """Load the cells; returns how many non-empty cells were read."""
    roles: dict[int, dict[int, Role]] = {}
    notes: dict[tuple[int, int], str] = {}
    role_by_code = _ROLE_BY_CODE
    department_ids = {department.id for department in matrix.departments}
    has_tp = matrix.has_touchpoint
    current_tid = None
    row: dict[int, Role] = {}
    for tid, did, code, note in connection.execute(st.LOAD["cell"]):
        if tid != current_tid:
            if not has_tp(tid):
                raise _damaged(path, "cell", (tid, did), f"touchpoint {_short(tid)} does not exist")
            current_tid = tid
            row = roles.setdefault(tid, {})
        if did not in department_ids:
            raise _damaged(path, "cell", (tid, did), f"department {_short(did)} does not exist")
        if code is not None:
            try:
                row[did] = role_by_code[code]
            except KeyError:
                raise _damaged(path, "cell", (tid, did),
                               f"{_short(code)} is not a role ({_ROLE_LETTERS})") from None
        if note:
            notes[(tid, did)] = note
    for tid in [tid for tid, r in roles.items() if not r]:
        del roles[tid]
    matrix.load_cells(roles, notes)
    return sum(map(len, roles.values())) + sum(
        1 for (tid, did) in notes if did not in roles.get(tid, ()))


def _entity_rows(table: str, entities: Sequence[Stage] | Sequence[Department]
                 ) -> list[tuple[object, ...]]:
    """Rows of a table from its entities in order: their fields, with the position put in
    where the table keeps it."""
    get = attrgetter(*(f.name for f in fields(type(entities[0])))) if entities else None
    at = st.POSITION[table]
    rows = []
    for index, entity in enumerate(entities):
        values = get(entity)  # type: ignore[misc]
        rows.append((*values[:at], index, *values[at:]))
    return rows


_TOUCHPOINT_FIELDS = attrgetter(*(f.name for f in fields(Touchpoint)))


# Values per INSERT of several rows: SQLite's own cost per row is a third of that of one
# statement per row (300,000 cells: 0.12 s against 0.31 s). 999 is the parameter limit of
# older SQLite builds.
MAX_PARAMETERS = 999


def batch_rows(table: str) -> int:
    """How many of ``table``'s rows go in one INSERT."""
    return _rows_per_insert(len(st.COLUMNS[table]))


def _rows_per_insert(width: int) -> int:
    return max(1, MAX_PARAMETERS // width)


def insert_batched(connection: sqlite3.Connection, table: str, values: Iterator[Any]) -> None:
    """Insert rows given as one flat run of ``table``'s column values, in its ``INSERT``'s
    column order, ``batch_rows`` rows to a statement (the last few one at a time)."""
    insert_several(connection, st.INSERT[table], len(st.COLUMNS[table]), values)


def insert_several(connection: sqlite3.Connection, single: str, width: int,
                   values: Iterator[Any]) -> None:
    """Rows of ``width`` values, given as one flat run, inserted by ``single`` (an
    ``INSERT … VALUES (?, …)`` of one row) widened to as many rows as 999 parameters hold;
    the last few go one at a time."""
    rows = _rows_per_insert(width)
    group = single[single.rindex(" VALUES ") + len(" VALUES "):]
    size = rows * width
    rest: list[Any] = []

    def batches() -> Iterator[tuple[Any, ...]]:
        while True:
            batch = tuple(islice(values, size))
            if len(batch) < size:
                rest.extend(batch)
                return
            yield batch

    connection.executemany(single + (", " + group) * (rows - 1), batches())
    connection.executemany(single, zip(*[iter(rest)] * width, strict=True))


def write_matrix(connection: sqlite3.Connection, matrix: Matrix) -> None:
    """Insert the whole matrix into empty tables, inside the caller's transaction. Tables are
    filled in dependency order (as ``TABLE_NAMES``), so foreign keys hold at every step."""
    connection.executemany(st.INSERT["stage"], _entity_rows("stage", matrix.stages))
    connection.executemany(st.INSERT["department"],
                           _entity_rows("department", matrix.departments))
    values = [getattr(matrix, column) for column in st.COLUMNS["matrix"][1:]]
    connection.execute(st.INSERT["matrix"], (1, *(v.isoformat() if isinstance(v, datetime)
                                               else v for v in values)))
    at = st.POSITION["touchpoint"]
    get = _TOUCHPOINT_FIELDS
    insert_batched(connection, "touchpoint", chain.from_iterable(
        (*row[:at], index, *row[at:])
        for stage in matrix.stages
        for index, row in enumerate(map(get, matrix.touchpoints_in(stage.id)))))
    codes = {role: ROLE_CODES[role.value] for role in Role}
    notes = matrix.notes
    if notes:
        insert_batched(connection, "cell", chain.from_iterable(
            (tid, did, codes[role], notes.get((tid, did), ""))
            for tid in sorted(matrix.roles) for did, role in sorted(matrix.roles[tid].items())))
    else:  # (the usual case, rows made at C speed: no note to look up per cell)
        code = codes.__getitem__
        roles = matrix.roles
        insert_batched(connection, "cell", chain.from_iterable(chain.from_iterable(
            zip(repeat(tid), row, map(code, map(roles[tid].__getitem__, row)), repeat(""))
            for tid, row in ((tid, sorted(roles[tid])) for tid in sorted(roles)))))
    connection.executemany(st.INSERT["cell"], (
        (tid, did, None, note) for (tid, did), note in sorted(notes.items())
        if did not in matrix.row_roles(tid)))
    write_plan(connection, matrix)
    write_signoffs(connection, matrix)
    write_comments(connection, matrix)
