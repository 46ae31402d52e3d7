"""The SQL text of the target layer's migration and of snapshots, compiled from ``schema``.

Only ``sql`` imports this, to generate ``statements`` (``python -m cxmatrix.store.sql``): the
store itself runs the generated text with plain sqlite3. Taking a snapshot is one
``INSERT ... SELECT`` per table inside SQLite, keyed by the snapshot's id: no row passes
through Python. Reading one back copies its rows into TEMP tables named like the document's
own (TEMP tables hide the main ones of the same name), so the loader that opens a document
reads the snapshot with all its checks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Table,
    bindparam,
    case,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable, DropTable

from cxmatrix.store.format import ROLE_CODES
from cxmatrix.store.schema import (
    DAMAGED_ROLE_LETTER,
    FORMAT_7_SNAPSHOT_CELLS,
    NO_ROLE_LETTER,
    SNAPSHOT_TABLES,
    TABLES,
    SnapshotRow,
)

_SNAPSHOT: Table = SnapshotRow.__table__  # type: ignore[attr-defined]
_NAMED = sqlite_dialect.dialect(paramstyle="named")
_DIALECT = sqlite_dialect.dialect()
_ZERO: Any = literal_column("0")
_ONE: Any = literal_column("1")
_SNAPSHOT_ID = "__snapshot_id__"  # a literal replaced by the named parameter


def _compiled(statement: Any) -> str:
    return str(statement.compile(dialect=_NAMED)).strip()


def _create(table: Table) -> tuple[str, ...]:
    statements = [str(CreateTable(table).compile(dialect=_DIALECT)).strip()]
    statements.extend(str(CreateIndex(index).compile(dialect=_DIALECT)).strip()
                      for index in sorted(table.indexes, key=lambda i: str(i.name)))
    return tuple(statements)


def _tables() -> dict[str, Table]:
    return {name: model.__table__ for name, model in TABLES.items()}  # type: ignore[attr-defined]


def _since(table: Table) -> int:
    return int(table.info.get("since", 1))


def _letters(role: Any) -> Any:
    """A cell's role as one letter of a packed row (see ``schema``): a value that is not a
    role becomes a letter that is not one either, so the row stays aligned and is refused."""
    return case((role.is_(None), literal(NO_ROLE_LETTER)),
                (role.in_(ROLE_CODES.values()), role), else_=literal(DAMAGED_ROLE_LETTER))


def _pack(source: Any, snapshot_id: Any, group: tuple[Any, ...]) -> str:
    """INSERT ... SELECT of packed rows from the cells of ``source`` (grouped by ``group``);
    the three aggregates see a group's cells in the same order, so their lists line up."""
    pack = SNAPSHOT_TABLES["cell"]
    notes = case((func.max(source.c.note != literal("")) == _ONE,
                  func.json_group_array(source.c.note)), else_=literal(""))
    query = select(snapshot_id, source.c.touchpoint_id,
                   func.json_group_array(source.c.department_id),
                   func.group_concat(_letters(source.c.role), literal("")), notes
                   ).group_by(*group)
    return _literal_sql(insert(pack).from_select([c.name for c in pack.columns], query)
                        ).replace(f"'{_SNAPSHOT_ID}'", ":snapshot_id")


def _unpack(name: str, source: Table) -> str:
    """The TEMP copy of ``cell`` from a snapshot's packed rows, one row per cell."""
    pack = SNAPSHOT_TABLES["cell"]
    each = func.json_each(pack.c.departments).table_valued("key", "value", name="d")
    position = each.c.key
    note = case((pack.c.notes == literal(""), literal("")),
                else_=func.json_extract(pack.c.notes, literal("$[").concat(position)
                                        .concat(literal("]"))))
    role = func.nullif(func.substr(pack.c.roles, position + _ONE, _ONE),
                       literal(NO_ROLE_LETTER))
    values = [pack.c.touchpoint_id, each.c.value, role, note]
    query = select(*(value.label(column.name)
                     for value, column in zip(values, source.columns, strict=True))
                   ).where(pack.c.snapshot_id == literal(_SNAPSHOT_ID))
    text = _literal_sql(query).replace(f"'{_SNAPSHOT_ID}'", ":snapshot_id")
    return f"CREATE TEMP TABLE {name} AS {text}"


def _take(name: str, source: Table) -> str:
    if name == "cell":
        return _pack(source, literal(_SNAPSHOT_ID), (source.c.touchpoint_id,))
    copy = SNAPSHOT_TABLES[name]
    columns = [c.name for c in source.columns]
    query = select(bindparam("snapshot_id"), *(source.c[c] for c in columns))
    return _compiled(insert(copy).from_select(["snapshot_id", *columns], query))


def _extract(name: str, source: Table) -> str:
    if name == "cell":
        return _unpack(name, source)
    copy = SNAPSHOT_TABLES[name]
    query = select(*(copy.c[c.name] for c in source.columns)).where(
        copy.c.snapshot_id == bindparam("snapshot_id"))
    return f"CREATE TEMP TABLE {name} AS {_compiled(query)}"


def _literal_sql(statement: Any) -> str:
    return str(statement.compile(dialect=_DIALECT,
                                 compile_kwargs={"literal_binds": True})).strip()


def _fill_format_6(tables: dict[str, Table]) -> tuple[str, ...]:
    """The new identity columns of format 6: a random value in the live table, and the same
    value in its snapshots' copies (a snapshot is of the same matrix)."""
    out: list[str] = []
    for name, table in tables.items():
        for column in (c for c in table.columns if c.info.get("since") == 6):
            out.append(_literal_sql(update(table).where(column == "").values(
                {column: func.lower(func.hex(func.randomblob(16)))})))
            copy = SNAPSHOT_TABLES[name]
            out.append(_literal_sql(update(copy).where(copy.c[column.name] == "").values(
                {copy.c[column.name]: select(column).scalar_subquery()})))
    return tuple(out)


def _pack_format_7() -> tuple[str, ...]:
    """Format 7 -> 8: the rows of ``snapshot_cell`` packed, then the table dropped."""
    old = FORMAT_7_SNAPSHOT_CELLS
    return (_pack(old, old.c.snapshot_id, (old.c.snapshot_id, old.c.touchpoint_id)),
            str(DropTable(old).compile(dialect=_DIALECT)).strip())


def snapshot_statement_texts() -> dict[str, object]:
    """The generated constants for the target layer and for snapshots."""
    tables = _tables()
    snapshot_tables = {_SNAPSHOT.name: _SNAPSHOT,
                       **{t.name: t for t in SNAPSHOT_TABLES.values()}}
    every = {**tables, **snapshot_tables}
    new_in_5 = {name: _create(t) for name, t in every.items() if _since(t) == 5}
    new_in_6 = {name: _create(t) for name, t in every.items() if _since(t) == 6}
    new_in_7 = {name: _create(t) for name, t in every.items() if _since(t) == 7}
    new_in_8 = {name: _create(t) for name, t in every.items() if _since(t) == 8}
    listed = [c for c in _SNAPSHOT.columns if c is not _SNAPSHOT.c.deleted]
    return {
        "SINCE": {name: _since(t) for name, t in (*tables.items(), *snapshot_tables.items())
                  if _since(t) > 1},
        "CREATE_FORMAT_5": new_in_5,
        "CREATE_FORMAT_6": new_in_6,
        "CREATE_FORMAT_7": new_in_7,
        "CREATE_FORMAT_8": new_in_8,
        "PACK_FORMAT_7_CELLS": _pack_format_7(),
        "ADD_COLUMNS_FORMAT_6": {
            name: tuple(f"ALTER TABLE {name} ADD COLUMN "
                        + str(CreateColumn(c).compile(dialect=_DIALECT)).strip()
                        for c in t.columns if c.info.get("since") == 6)
            for name, t in (*tables.items(), *snapshot_tables.items())
            if any(c.info.get("since") == 6 for c in t.columns)},
        "FILL_FORMAT_6": _fill_format_6(tables),
        "SNAPSHOT_CREATE": tuple(s for t in snapshot_tables.values() for s in _create(t)),
        "SNAPSHOT_DROP_ALL": tuple(str(DropTable(t).compile(dialect=_DIALECT)).strip()
                                   for t in reversed(snapshot_tables.values())),
        "SNAPSHOT_COLUMNS": tuple(c.name for c in _SNAPSHOT.columns),
        "SNAPSHOT_INSERT": _compiled(insert(_SNAPSHOT).values(
            {c: bindparam(c.name) for c in _SNAPSHOT.columns})),
        "SNAPSHOT_TAKE": {name: _take(name, t) for name, t in tables.items()},
        "SNAPSHOT_EXTRACT": {name: _extract(name, t) for name, t in tables.items()},
        "SNAPSHOT_DROP_EXTRACTED": {name: f"DROP TABLE IF EXISTS temp.{name}"
                                    for name in tables},
        "SNAPSHOT_LIST": _compiled(select(*listed).where(_SNAPSHOT.c.deleted == _ZERO)
                                   .order_by(_SNAPSHOT.c.taken, _SNAPSHOT.c.id)),
        "SNAPSHOT_FIND": _compiled(select(*listed).where(
            _SNAPSHOT.c.id == bindparam("snapshot_id"), _SNAPSHOT.c.deleted == _ZERO)),
        "SNAPSHOT_NEXT_ID": _compiled(
            select(func.coalesce(func.max(_SNAPSHOT.c.id), _ZERO) + _ONE)),
        "SNAPSHOT_COUNT": _compiled(select(func.count()).select_from(_SNAPSHOT)
                                    .where(_SNAPSHOT.c.deleted == _ZERO)),
        "SNAPSHOT_RENAME": _compiled(update(_SNAPSHOT).where(
            _SNAPSHOT.c.id == bindparam("snapshot_id")).values(
                {_SNAPSHOT.c.name: bindparam("new_name")})),
        "SNAPSHOT_SET_DELETED": _compiled(update(_SNAPSHOT).where(
            _SNAPSHOT.c.id == bindparam("snapshot_id")).values(
                {_SNAPSHOT.c.deleted: bindparam("is_deleted")})),
        "SNAPSHOT_PURGE": _compiled(sql_delete(_SNAPSHOT).where(_SNAPSHOT.c.deleted == _ONE)),
    }
