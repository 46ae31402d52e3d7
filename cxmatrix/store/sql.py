"""Every statement of the store, built from the SQLModel tables in ``schema``.

The writes of an open Document are SQLAlchemy Core statements (``SqlWriter``, imported on a
document's first write: SQLAlchemy and SQLModel take about half a second to import). The reads,
the checks made when loading, the DDL and the bulk inserts are compiled from the same tables to
SQL text once, into the generated module ``statements``, so that opening a file needs only
sqlite3. After changing ``schema``, regenerate it::

    python -m cxmatrix.store.sql

(a test fails until the generated text matches the tables). Statements used on every edit are
built once with bound parameters (see bench_store); ordering and bulk cell writes use
executemany.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Iterator
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.model import Department, Matrix, Stage, Touchpoint
from cxmatrix.store.schema import (
    MAX_ROWS,
    ORDER_COLUMN,
    TABLES,
    CellRow,
    DepartmentRow,
    MatrixRow,
    SignOffRow,
    StageRow,
    TouchpointRow,
)
from cxmatrix.store.snapshot_sql import snapshot_statement_texts

__all__ = ["DBAPIError", "SqlWriter", "create_indexes", "create_tables", "render_statements"]

_CELL: Table = CellRow.__table__  # type: ignore[attr-defined]
_STAGE: Table = StageRow.__table__  # type: ignore[attr-defined]
_DEPARTMENT: Table = DepartmentRow.__table__  # type: ignore[attr-defined]
_TOUCHPOINT: Table = TouchpointRow.__table__  # type: ignore[attr-defined]
_MATRIX: Table = MatrixRow.__table__  # type: ignore[attr-defined]
_SIGNOFF: Table = SignOffRow.__table__  # type: ignore[attr-defined]
_ALL: dict[str, Table] = {name: model.__table__  # type: ignore[attr-defined]
                          for name, model in TABLES.items()}
_DIALECT = sqlite_dialect.dialect()
_NAMED = sqlite_dialect.dialect(paramstyle="named")  # ":name" parameters, for sqlite3
_GENERATED = Path(__file__).with_name("statements.py")

_UPSERT = sqlite_insert(_CELL).values(
    {_CELL.c.touchpoint_id: bindparam("tid"), _CELL.c.department_id: bindparam("did"),
     _CELL.c.role: bindparam("cell_role"), _CELL.c.note: bindparam("cell_note")})
UPSERT_CELL = _UPSERT.on_conflict_do_update(
    index_elements=list(_CELL.primary_key.columns),
    set_={_CELL.c.role: _UPSERT.excluded.role, _CELL.c.note: _UPSERT.excluded.note})
DELETE_CELL = delete(_CELL).where(_CELL.c.touchpoint_id == bindparam("tid"),
                                  _CELL.c.department_id == bindparam("did"))
TOUCH_MODIFIED = update(_MATRIX).values({_MATRIX.c.modified: bindparam("when")})


def _position_update(table: Table) -> Any:
    return update(table).where(table.c.id == bindparam("row_id")).values(
        {table.c.position: bindparam("row_position")})


STAGE_POSITION = _position_update(_STAGE)
DEPARTMENT_POSITION = _position_update(_DEPARTMENT)
TOUCHPOINT_POSITION = _position_update(_TOUCHPOINT)


# ---- the domain's view of a table ----------------------------------------------------------


def entity_columns(table: Table) -> list[str]:
    """The columns that hold a domain entity's fields, in the entity's field order: every
    column but the order column (and the matrix row's fixed key)."""
    skip = {ORDER_COLUMN} if ORDER_COLUMN in table.c else set()
    if table is _MATRIX:
        skip |= {col.name for col in table.primary_key.columns}
    return [col.name for col in table.columns if col.name not in skip]


_TOUCHPOINT_FIELDS = entity_columns(_TOUCHPOINT)[1:]  # without the id
_DEPARTMENT_FIELDS = entity_columns(_DEPARTMENT)[1:]
_TOUCHPOINT_GET = attrgetter(*(f.name for f in fields(Touchpoint)[1:]))
_DEPARTMENT_GET = attrgetter(*(f.name for f in fields(Department)[1:]))


def _touchpoint_values(tp: Touchpoint) -> dict[str, Any]:
    return dict(zip(_TOUCHPOINT_FIELDS, _TOUCHPOINT_GET(tp), strict=True))


def _department_values(dept: Department) -> dict[str, Any]:
    return dict(zip(_DEPARTMENT_FIELDS, _DEPARTMENT_GET(dept), strict=True))


# ---- the generated SQL text ----------------------------------------------------------------


def _text(statement: Any) -> str:
    return str(statement.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))


def _storage_classes(column: Any) -> tuple[str, ...]:
    """What SQLite's typeof() may say of a value of this column."""
    kind = getattr(column.type, "impl", column.type).python_type
    if kind in (int, bool):
        kinds: tuple[str, ...] = ("integer",)
    elif kind is str:
        kinds = ("text",)
    else:  # pragma: no cover - every column of the schema is one of the above
        raise TypeError(f"no storage class for {column.type!r}")
    return (*kinds, "null") if column.nullable else kinds


def _wrong_class(column: Any, classes: tuple[str, ...]) -> ColumnElement[bool]:
    """True for a value whose storage class is not one of ``classes``.

    For text, comparisons rather than typeof(): SQLite orders every number
    before every text and every text before every blob, and a comparison costs a third of a
    function call on the 300,000 cells of an L matrix."""
    if classes[0] == "text":
        wrong = or_(column < literal(""), column >= literal_column("x''"))
        return and_(column.is_not(None), wrong) if column.nullable \
            else or_(column.is_(None), wrong)
    return func.typeof(column).not_in(classes)


def checked_by_the_loader(column: Any) -> bool:
    """Whether the loader itself refuses any value but a few, whatever its storage class: a
    reference (NOT NULL foreign key) must be the id of a row it has read, an INTEGER PRIMARY
    KEY; a column with declared ``values`` (the role letters) must be one of them. SQL then
    checks only its length, which spares a third of the checks' cost on the cells."""
    return bool(column.foreign_keys and not column.nullable) or "values" in column.info


def _valid(column: Any, classes: tuple[str, ...]) -> ColumnElement[bool] | None:
    """True for a value the column may hold, false or NULL for any other: the complement of
    the column's problems in ``_problems``, without their care for NULL (a loading query
    keeps only the rows where every column's condition is true). Length first, so that an
    oversized value is read once; AND stops at the first false term."""
    terms: list[ColumnElement[bool]] = []
    length = getattr(column.type, "length", None)
    if length:
        terms.append(func.length(column) <= length)
    if checked_by_the_loader(column):
        if not terms:
            return None
    elif classes[0] == "text":
        terms += [column >= literal(""), column < literal_column("x''")]
    else:
        return func.typeof(column).in_(classes)
    valid = and_(*terms)
    return or_(column.is_(None), valid) if column.nullable else valid


def _checked_columns(table: Table) -> Iterator[tuple[Any, tuple[str, ...]]]:
    for column in table.columns:
        classes = _storage_classes(column)
        if column.primary_key and len(table.primary_key.columns) == 1 and \
                classes == ("integer",):
            continue  # an INTEGER PRIMARY KEY is the rowid: SQLite keeps it an integer
        yield column, classes


def _problems(table: Table) -> list[tuple[ColumnElement[bool], ColumnElement[str]]]:
    """For each checked column of ``table``: a condition true (never NULL) for a value of the
    wrong storage class or longer than the column allows, and the message naming it."""
    problems: list[tuple[ColumnElement[bool], ColumnElement[str]]] = []
    for column, classes in _checked_columns(table):
        length = getattr(column.type, "length", None)
        if length:
            # First: a value of a hundred megabytes is then read once, by length() alone
            # (OR stops at the first true term; a comparison would read it again).
            too_long = func.length(column) > length
            problems.append((and_(column.is_not(None), too_long) if column.nullable
                             else too_long,
                             literal(f"column {column.name!r} is longer than "
                                     f"{length:,} characters")))
        if checked_by_the_loader(column):
            continue
        kind = func.typeof(column)
        wanted = "text" if "text" in classes else "an integer"
        problems.append((_wrong_class(column, classes),
                         literal(f"column {column.name!r} holds ")
                         + case((kind == "integer", literal("an integer")),
                                else_=literal("a ") + kind)
                         + literal(f" where {wanted} belongs")))
    return problems


def _check(table: Table) -> str:
    """A query for the first row of ``table`` holding a value of the wrong storage class or
    longer than its column allows: (primary key..., problem), or no row."""
    problems = _problems(table)
    if not problems:  # nothing to check (a table of integer keys): never a row
        return _text(select(*table.primary_key.columns, literal("")).where(false()).limit(1))
    return _text(select(*table.primary_key.columns, case(*problems))
                 .where(or_(*(condition for condition, _ in problems))).limit(1))


def _load(table: Table) -> str:
    """A table's entity columns, in order, of the rows that pass the checks of ``_check``:
    a value of the wrong class or length never reaches Python (a 200 MB note is not fetched);
    the loader compares the rows it got with the count and asks ``_check`` for the culprit."""
    query = select(*(table.c[name] for name in entity_columns(table)))
    if table is _MATRIX:
        query = query.where(table.c.id == 1)
    valid = [condition for column, classes in _checked_columns(table)
             if (condition := _valid(column, classes)) is not None]
    if valid:
        query = query.where(and_(*valid))
    if ORDER_COLUMN in table.c:
        query = query.order_by(table.c[ORDER_COLUMN], *table.primary_key.columns)
    return _text(query)


def _read_columns(table: Table) -> list[str]:
    return [*entity_columns(table), *([ORDER_COLUMN] if ORDER_COLUMN in table.c else [])]


def _read(table: Table) -> str:
    """The bulk loader's query: the entity columns and the order column, as they are (no
    check per value: the loader limits the length of a value SQLite may hand over and checks
    storage classes and lengths column by column in Python, see ``load``)."""
    query = select(*(table.c[name] for name in _read_columns(table)))
    return _text(query.order_by(table.c[ORDER_COLUMN], *table.primary_key.columns))


def _read_values(table: Table) -> tuple[tuple[tuple[str, ...], int] | None, ...]:
    """For each column ``_read`` returns: the storage classes and the longest length it may
    have, or None for a column the loader checks by itself (a key, a reference)."""
    checked = dict(_checked_columns(table))
    specs: list[tuple[tuple[str, ...], int] | None] = []
    for name in _read_columns(table):
        column = table.c[name]
        if column not in checked or checked_by_the_loader(column):
            specs.append(None)
        else:
            specs.append((checked[column], getattr(column.type, "length", None) or 0))
    return tuple(specs)


def _read_roles() -> str:
    """The bulk loader's query for the roles: one row per touchpoint, its departments and
    role letters as two JSON arrays (JSON keeps the storage class of each value: an integer
    stays an integer, a BLOB makes SQLite refuse)."""
    cell = _CELL
    return _text(select(cell.c.touchpoint_id, func.json_group_array(cell.c.department_id),
                        func.json_group_array(cell.c.role))
                 .where(cell.c.role.is_not(None)).group_by(cell.c.touchpoint_id))


def _read_notes() -> str:
    """The bulk loader's query for the cells whose note is not empty text (NULL and other
    storage classes included), and whether each has no role (READ_VALUES["cell"] are its
    columns' limits)."""
    cell = _CELL
    return _text(select(cell.c.touchpoint_id, cell.c.department_id, cell.c.note,
                        cell.c.role.is_(None))
                 .where(cell.c.note.is_not(literal("")))
                 .order_by(*cell.primary_key.columns))


def _insert(table: Table) -> str:
    return str(insert(table).compile(dialect=_DIALECT))


def statement_texts() -> dict[str, object]:
    """Everything ``statements`` holds, compiled from the tables now."""
    create: list[str] = []
    for table in _ALL.values():
        create.append(str(CreateTable(table).compile(dialect=_DIALECT)).strip())
        create.extend(str(CreateIndex(index).compile(dialect=_DIALECT)).strip()
                      for index in sorted(table.indexes, key=lambda i: str(i.name)))
    return {
        "TABLE_NAMES": tuple(_ALL),
        "COLUMNS": {name: tuple(col.name for col in t.columns) for name, t in _ALL.items()},
        "DEFAULTED": {name: tuple(col.name for col in t.columns
                                  if col.server_default is not None or col.nullable)
                      for name, t in _ALL.items()},
        "KEYS": {name: tuple(col.name for col in t.primary_key.columns)
                 for name, t in _ALL.items()},
        "POSITION": {name: list(t.c.keys()).index(ORDER_COLUMN)
                     for name, t in _ALL.items() if ORDER_COLUMN in t.c},
        "FOREIGN_KEYS": {name: tuple(sorted(
            (fk.parent.name, fk.column.table.name, fk.column.name, str(fk.ondelete))
            for fk in t.foreign_keys)) for name, t in _ALL.items()},
        "MAX_ROWS": {model.__tablename__: limit
                     for model, limit in MAX_ROWS.items()},
        "CREATE": tuple(create),
        "COUNT": {name: _text(select(func.count()).select_from(t)) for name, t in _ALL.items()},
        "CHECK": {name: _check(t) for name, t in _ALL.items()},
        "LOAD": {name: _load(t) for name, t in _ALL.items()},
        "INSERT": {name: _insert(t) for name, t in _ALL.items()},
        "READ": {"touchpoint": _read(_TOUCHPOINT)},
        "READ_VALUES": {"touchpoint": _read_values(_TOUCHPOINT),
                        "cell": (None, None, _read_values(_CELL)[-1], None)},
        "READ_ROLES": _read_roles(),
        "READ_NOTES": _read_notes(),
        "DROP_ALL": tuple(str(DropTable(t).compile(dialect=_DIALECT)).strip()
                          for t in reversed(_ALL.values())),
        **snapshot_statement_texts(),
        # The statements of a cell edit, run on plain sqlite3 (which keeps them prepared).
        "EDIT_CELL_UPSERT": str(UPSERT_CELL.compile(dialect=_NAMED)),
        "EDIT_CELL_DELETE": str(DELETE_CELL.compile(dialect=_NAMED)),
        "EDIT_TOUCH_MODIFIED": str(TOUCH_MODIFIED.compile(dialect=_NAMED)),
        # A department's sign-off record goes (its basis and disputes cascade) before it is
        # written again (``signoffs.replace_signoffs``).
        "SIGNOFF_DELETE": str(delete(_SIGNOFF).where(
            _SIGNOFF.c.department_id == bindparam("signoff_department")).compile(
                dialect=_NAMED)),
    }


_HEADER = '''"""SQL text compiled from the tables of ``schema``: GENERATED, do not edit.

Regenerate with ``python -m cxmatrix.store.sql`` after changing ``schema`` (a test fails until
the two agree). Opening a document runs these with plain sqlite3, so that it needs no
SQLAlchemy. TABLE_NAMES are in dependency order (a table after the tables it refers to);
COLUMNS in table order; DEFAULTED are the columns a file of an older format may lack; KEYS
the primary keys; DROP_ALL drops the tables, each after those that refer to it. LOAD reads
a table's entity columns (every column but the order column) in order, skipping rows with a
value of the wrong storage class or length; CHECK finds the first such row. READ,
READ_ROLES and READ_NOTES are the bulk loader's queries (no check per value; READ_VALUES
says what each column of READ may hold, for the loader's checks column by column).
"""

# ruff: noqa: E501
'''


def _literal(value: object, indent: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        yield "{"
        for key, item in value.items():
            lines = list(_literal(item, indent + "    "))
            yield f"{indent}    {key!r}: {lines[0]}"
            yield from lines[1:]
            yield ","
        yield f"{indent}}}"
    elif isinstance(value, tuple) and len(indent + repr(value)) < 80:
        yield repr(value)
    elif isinstance(value, tuple):
        yield "("
        for item in value:
            yield f"{indent}    {item!r},"
        yield f"{indent})"
    else:
        yield repr(value)


def render_statements() -> str:
    """The text of the generated module ``statements``."""
    out = [_HEADER]
    for name, value in statement_texts().items():
        lines = list(_literal(value))
        text = "\n".join(lines).replace("\n,", ",")
        out.append(f"{name} = {text}\n")
    return "\n".join(out)


def create_tables(connection: sqlite3.Connection, *, indexes: bool = True) -> None:
    """Create the tables and (unless ``indexes`` is False) their indexes on a plain sqlite3
    connection."""
    from cxmatrix.store.statements import CREATE, SNAPSHOT_CREATE

    for statement in (*CREATE, *SNAPSHOT_CREATE):
        if indexes or not _is_index(statement):
            connection.execute(statement)


def create_indexes(connection: sqlite3.Connection) -> None:
    """The indexes ``create_tables(indexes=False)`` left out: made once the rows are in, one
    sort each, instead of growing with every insert (loading 300,000 cells with the
    department index in place took twice as long)."""
    from cxmatrix.store.statements import CREATE, SNAPSHOT_CREATE

    for statement in (*CREATE, *SNAPSHOT_CREATE):
        if _is_index(statement):
            connection.execute(statement)


def _is_index(statement: str) -> bool:
    return statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))


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
        from cxmatrix.store.cell_sql import touch_modified

        touch_modified(self.raw, when)

    # ---- properties -----------------------------------------------------------------------

    def update_properties(self, values: dict[str, object]) -> None:
        self.conn.execute(update(_MATRIX).values({_MATRIX.c[k]: v for k, v in values.items()}))

    # ---- stages ---------------------------------------------------------------------------

    def insert_stage(self, stage: Stage) -> None:
        self.conn.execute(insert(_STAGE).values(
            {_STAGE.c.id: stage.id, _STAGE.c.name: stage.name, _STAGE.c.position: 0}))

    def rename_stage(self, stage: Stage) -> None:
        self.conn.execute(update(_STAGE).where(_STAGE.c.id == stage.id)
                          .values({_STAGE.c.name: stage.name}))

    def delete_stage(self, stage_id: int) -> None:
        """Delete a stage; the database deletes its touchpoints and their cells."""
        self.conn.execute(delete(_STAGE).where(_STAGE.c.id == stage_id))

    def stage_order(self, matrix: Matrix) -> None:
        rows = [{"row_id": s.id, "row_position": i} for i, s in enumerate(matrix.stages)]
        if rows:  # an empty executemany is deprecated in SQLAlchemy (the last stage deleted)
            self.conn.execute(STAGE_POSITION, rows)

    # ---- touchpoints ----------------------------------------------------------------------

    def insert_touchpoint(self, tp: Touchpoint) -> None:
        self.conn.execute(insert(_TOUCHPOINT).values(
            id=tp.id, position=0, **_touchpoint_values(tp)))

    def update_touchpoint(self, tp: Touchpoint) -> None:
        self.conn.execute(update(_TOUCHPOINT).where(_TOUCHPOINT.c.id == tp.id)
                          .values(**_touchpoint_values(tp)))

    def touchpoint_order(self, matrix: Matrix, stage_id: int) -> None:
        rows = [{"row_id": tid, "row_position": i}
                for i, tid in enumerate(matrix.stage_touchpoint_ids(stage_id))]
        if rows:
            self.conn.execute(TOUCHPOINT_POSITION, rows)

    def delete_touchpoints(self, touchpoint_ids: list[int]) -> None:
        """Delete touchpoints; the database deletes their cells."""
        for start in range(0, len(touchpoint_ids), 500):
            chunk = touchpoint_ids[start:start + 500]
            self.conn.execute(delete(_TOUCHPOINT).where(_TOUCHPOINT.c.id.in_(chunk)))

    # ---- departments ----------------------------------------------------------------------

    def insert_department(self, dept: Department) -> None:
        self.conn.execute(insert(_DEPARTMENT).values(
            id=dept.id, position=0, **_department_values(dept)))

    def update_department(self, dept: Department) -> None:
        self.conn.execute(update(_DEPARTMENT).where(_DEPARTMENT.c.id == dept.id)
                          .values(**_department_values(dept)))

    def delete_department(self, department_id: int) -> None:
        """Delete a department; the database deletes its cells and clears it as focus."""
        self.conn.execute(delete(_DEPARTMENT).where(_DEPARTMENT.c.id == department_id))

    def department_order(self, matrix: Matrix) -> None:
        rows = [{"row_id": d.id, "row_position": i} for i, d in enumerate(matrix.departments)]
        if rows:
            self.conn.execute(DEPARTMENT_POSITION, rows)

    # ---- cells ----------------------------------------------------------------------------

    def cells(self, matrix: Matrix, pairs: Iterable[tuple[int, int]]) -> None:
        """Write the current state of these (touchpoint, department) cells."""
        from cxmatrix.store.cell_sql import write_cells

        write_cells(self.raw, matrix, pairs)

    # ---- a change record ------------------------------------------------------------------

    def apply(self, matrix: Matrix, change: MatrixChange) -> None:
        """Write what ``change`` says changed, as ``matrix`` holds it now. New departments
        and stages go in before the touchpoints and cells that refer to them; touchpoints
        move out of a removed stage before the stage goes (the database cascades what a
        removal leaves)."""
        self.delete_touchpoints(sorted(change.touchpoints_removed))
        for department_id in change.departments_inserted:
            self.insert_department(matrix.department(department_id))
        for department_id in change.departments - change.departments_inserted:
            self.update_department(matrix.department(department_id))
        for stage_id in change.stages_inserted:
            self.insert_stage(matrix.stage(stage_id))
        for stage_id in change.stages - change.stages_inserted:
            self.rename_stage(matrix.stage(stage_id))
        for tid in change.touchpoints_inserted:
            self.insert_touchpoint(matrix.touchpoint(tid))
        for tid in (change.touchpoints | change.touchpoints_moved) - change.touchpoints_inserted:
            self.update_touchpoint(matrix.touchpoint(tid))
        for stage_id in change.stages_removed:
            self.delete_stage(stage_id)
        for department_id in change.departments_removed:
            self.delete_department(department_id)
        if change.properties:
            self.update_properties({key: getattr(matrix, key) for key in change.properties})
        if change.stages_inserted or change.stages_moved or change.stages_removed:
            self.stage_order(matrix)
        if change.departments_inserted or change.departments_moved or (
                change.departments_removed):
            self.department_order(matrix)
        moved = change.touchpoints_inserted | change.touchpoints_moved
        for stage_id in {matrix.touchpoint(t).stage_id for t in moved}:
            self.touchpoint_order(matrix, stage_id)
        self.cells(matrix, ((t, d) for t, d in change.cells
                            if matrix.has_touchpoint(t) and matrix.has_department(d)))
        self.plan(matrix, change)
        if change.signoffs or change.touchpoints_inserted:
            from cxmatrix.store.signoffs import disputing

            self.signoffs(matrix, change.signoffs | disputing(matrix,
                                                              change.touchpoints_inserted))
        if change.comments:
            from cxmatrix.store.comments import replace_comments

            replace_comments(self.raw, matrix, change.comments)

    def signoffs(self, matrix: Matrix, department_ids: Iterable[int]) -> None:
        """Write these departments' sign-off records as ``matrix`` holds them now."""
        from cxmatrix.store.signoffs import replace_signoffs

        replace_signoffs(self.raw, matrix, department_ids)

    def plan(self, matrix: Matrix, change: MatrixChange) -> None:
        """Write what ``change`` names of the target layer (target roles, actions, flags)."""
        from cxmatrix.store.plan_sql import write_plan_change

        write_plan_change(self.conn, matrix, change)

    # ---- everything -----------------------------------------------------------------------

    def replace_all(self, matrix: Matrix) -> None:
        """Replace every row, inside the open transaction. The tables are dropped (each one
        when no other refers to it) and made again: with foreign keys on, SQLite deletes
        the rows of a table one by one (20x slower at 300,000 cells), but drops it whole."""
        from cxmatrix.store.load import write_matrix
        from cxmatrix.store.statements import CREATE, DROP_ALL

        for statement in (*DROP_ALL, *CREATE):
            self.raw.execute(statement)
        write_matrix(self.raw, matrix)


if __name__ == "__main__":
    _GENERATED.write_text(render_statements(), encoding="utf-8")
    print(f"wrote {_GENERATED.name}", file=sys.stderr)
