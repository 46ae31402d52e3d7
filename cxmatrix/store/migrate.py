"""Bringing a file of an earlier format up to date: its tables are rebuilt to the schema.

SQLite cannot add foreign keys to a table, so every earlier format goes through SQLite's
table-rebuild procedure (https://sqlite.org/lang_altertable.html#otheralter) in one
transaction, with foreign keys off: each old table is renamed aside, the current tables and
indexes are created from ``statements``, the columns the old table has are copied by name
(the others take their declared defaults), the old tables are dropped, and the foreign keys
are checked before the commit. Format 4 -> 5 only adds tables (``format_4_to_5``) and 5 -> 6
adds columns and tables (``format_5_to_6``), 6 -> 7 the comments
(``format_6_to_7_comments``) and 7 -> 8 packs the snapshots' cells
(``format_7_to_8_pack_snapshot_cells``), so files of format 4 and later are not rebuilt.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cxmatrix.store import statements as st
from cxmatrix.store.errors import CorruptDocument
from cxmatrix.store.format import MIGRATIONS, SCHEMA_VERSION

_ASIDE = "_cxmatrix_old_"
_FIRST_FORMAT_WITH_PREPARED_BY = 4  # the last format whose tables the rebuild produces


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade(connection: sqlite3.Connection, path: Path, version: int) -> None:
    """Rebuild the tables of a file of format ``version`` to the current schema and mark it
    current, in one transaction: on any failure nothing changes. Raises CorruptDocument."""
    if version not in MIGRATIONS:
        raise CorruptDocument(path, f"has file format {version}, which cxmatrix cannot "
                                    "upgrade")
    connection.execute("PRAGMA foreign_keys = OFF")  # only possible outside a transaction
    try:
        connection.execute("BEGIN IMMEDIATE")
        if version < _FIRST_FORMAT_WITH_PREPARED_BY:
            _rebuild(connection, path)
        format_4_to_5(connection)
        format_5_to_6(connection)
        format_6_to_7_comments(connection)
        format_7_to_8_pack_snapshot_cells(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.execute("PRAGMA foreign_keys = ON")


def _rebuild(connection: sqlite3.Connection, path: Path) -> None:
    old_columns: dict[str, list[str]] = {}
    for table in st.TABLE_NAMES:
        old_columns[table] = [row[1] for row in
                              connection.execute(f"PRAGMA table_info({_quoted(table)})")]
        if not old_columns[table]:
            continue  # a table of a later format: created below, empty
        for index in connection.execute(f"PRAGMA index_list({_quoted(table)})").fetchall():
            if index[3] == "c":  # made by CREATE INDEX (the others go with their table)
                connection.execute(f"DROP INDEX {_quoted(index[1])}")
        connection.execute(f"ALTER TABLE {_quoted(table)} RENAME TO "
                           f"{_quoted(_ASIDE + table)}")
    for statement in st.CREATE:
        connection.execute(statement)
    for table in st.TABLE_NAMES:
        if not old_columns[table]:
            continue
        kept = ", ".join(_quoted(c) for c in st.COLUMNS[table] if c in old_columns[table])
        connection.execute(f"INSERT INTO {_quoted(table)} ({kept}) "
                           f"SELECT {kept} FROM {_quoted(_ASIDE + table)}")
    for table in reversed(st.TABLE_NAMES):
        if old_columns[table]:
            connection.execute(f"DROP TABLE {_quoted(_ASIDE + table)}")
    problem = connection.execute("PRAGMA foreign_key_check").fetchone()
    if problem is not None:
        table, rowid, parent, _ = problem
        row = f", row id {rowid}" if rowid is not None else ""
        raise CorruptDocument(path, f"is damaged: table {table!r}{row} refers to a {parent} "
                                    "that does not exist")


def format_4_to_5(connection: sqlite3.Connection) -> None:
    """Format 4 -> 5: the target layer (target roles, actions, planned touchpoints and
    departments) and snapshots, each in tables of their own; nothing else changes. Creates
    the tables the file lacks (after a rebuild it has the target layer's already)."""
    present = {table for (table,) in connection.execute(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'table'")}
    for table, statements in st.CREATE_FORMAT_5.items():
        if table not in present:
            for statement in statements:
                connection.execute(statement)


def format_5_to_6(connection: sqlite3.Connection) -> None:
    """Format 5 -> 6: the matrix's identity, a new random uid, which its snapshots share, and
    the departments' sign-offs in tables of their own (with their snapshot copies). Adds
    only the columns and tables a file lacks (after a rebuild or ``format_4_to_5`` it has
    some of them)."""
    present = {table for (table,) in connection.execute(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'table'")}
    for table, creates in st.CREATE_FORMAT_6.items():
        if table not in present:
            for statement in creates:
                connection.execute(statement)
    for table, statements in st.ADD_COLUMNS_FORMAT_6.items():
        have = {row[1] for row in connection.execute(f"PRAGMA table_info({_quoted(table)})")}
        for statement in statements:
            column = statement.split(" ADD COLUMN ", 1)[1].split(" ", 1)[0]
            if column not in have:
                connection.execute(statement)
    for statement in st.FILL_FORMAT_6:
        connection.execute(statement)


def format_6_to_7_comments(connection: sqlite3.Connection) -> None:
    """Format 6 -> 7: comments on touchpoints and cells, in a table of their own (with its
    snapshot copy); nothing else changes. Creates the tables the file lacks."""
    present = {table for (table,) in connection.execute(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'table'")}
    for table, creates in st.CREATE_FORMAT_7.items():
        if table not in present:
            for statement in creates:
                connection.execute(statement)


def format_7_to_8_pack_snapshot_cells(connection: sqlite3.Connection) -> None:
    """Format 7 -> 8: a snapshot's cells packed one row per touchpoint (``snapshot_cell_pack``)
    instead of one row per cell (``snapshot_cell``, which is packed into it, inside SQLite,
    and dropped); nothing else changes. Creates the packed table when the file lacks it; a
    file without ``snapshot_cell`` (its earlier steps ran with this schema) has nothing to
    pack."""
    present = {table for (table,) in connection.execute(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'table'")}
    for table, creates in st.CREATE_FORMAT_8.items():
        if table not in present:
            for statement in creates:
                connection.execute(statement)
    if "snapshot_cell" in present:
        for statement in st.PACK_FORMAT_7_CELLS:
            connection.execute(statement)
