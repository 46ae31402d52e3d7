"""Moving matrices between .cxm files and the team server: publish, pull, list, read.

Every table of the file (the matrix, its target layer, its snapshots: whatever the SQLModel
metadata holds) is copied row for row with COPY, so a pulled file equals the published one.
A matrix read from the server goes through the same loader (and its checks) as a file: the
rows land in an in-memory SQLite database, and the loader builds the matrix from the
touchpoints and cells taken on the way there (``FetchedRows``) instead of reading them back.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from cxmatrix.domain.model import Matrix
from cxmatrix.store.document import Document, _written_beside
from cxmatrix.store.errors import DocumentError
from cxmatrix.store.format import APPLICATION_ID, SCHEMA_VERSION
from cxmatrix.store.load import FetchedRows, insert_several, load_matrix
from cxmatrix.store.server.connection import ServerAddress, ServerError, connect
from cxmatrix.store.server.members import add_member
from cxmatrix.store.server.schema import (
    check_version,
    create_tables,
    matrix_schema,
    secure,
    tables,
)

MAX_NAME = 200


@dataclass(frozen=True)
class ServerMatrix:
    name: str
    published: datetime
    published_by: str


def list_matrices(address: ServerAddress) -> list[ServerMatrix]:
    with connect(address, autocommit=True, purpose="list") as conn:
        check_version(conn, address.label)
        rows = conn.execute("SELECT name, published, published_by FROM cxmatrix.matrix_list "
                            "ORDER BY name").fetchall()
    return [ServerMatrix(str(n), p, str(b)) for n, p, b in rows]


def _columns(table: Any) -> list[str]:
    return [column.name for column in table.columns]


def _file_connection(document: Document) -> sqlite3.Connection:
    return document._connection()  # the store's own connection (read-only, maybe migrated)


def publish(path: Path, address: ServerAddress, name: str | None = None) -> str:
    """Put the matrix of ``path`` on the server as ``name`` (default: the file's name); the
    publishing user becomes its owner. Returns the name."""
    name = (name or path.stem).strip()
    if not name or len(name) > MAX_NAME:
        raise ServerError(address.label, f"cannot take a matrix named {name!r} (1 to "
                                         f"{MAX_NAME} characters)")
    with Document.open(path, read_only=True) as document:
        source = _file_connection(document)
        with connect(address, autocommit=True, purpose="publish") as conn:
            check_version(conn, address.label)
            schema = "cxm_" + secrets.token_hex(6)
            try:
                with conn.transaction():
                    taken = conn.execute("SELECT 1 FROM cxmatrix.matrix_list WHERE name = %s",
                                         (name,)).fetchone()
                    if taken:
                        raise ServerError(address.label, f"already has a matrix called "
                                                         f"{name!r}; choose another --name")
                    create_tables(conn, schema)
                    _copy_in(conn, source, schema)
                    secure(conn, schema)
                    conn.execute("INSERT INTO cxmatrix.matrix_list (name, schema_name) "
                                 "VALUES (%s, %s)", (name, schema))
                    user = conn.execute("SELECT session_user").fetchone()
                    add_member(conn, schema, str(user[0]) if user else "", "owner", [])
            except psycopg.errors.InsufficientPrivilege as error:
                raise ServerError(address.label, f"refused to publish: {error.diag.message_primary}"
                                                 " (publishing needs a user who may create "
                                                 "schemas and roles)") from None
            except psycopg.Error as error:
                raise ServerError(address.label, f"refused to publish: {error}") from None
    return name


def _copy_in(conn: psycopg.Connection[Any], source: sqlite3.Connection, schema: str) -> None:
    present = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in tables():
        if table.name not in present:
            continue
        columns = _columns(table)
        statement = sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
            sql.Identifier(schema), sql.Identifier(table.name),
            sql.SQL(", ").join(map(sql.Identifier, columns)))
        select = "SELECT {} FROM {}".format(", ".join(f'"{c}"' for c in columns),
                                            f'"{table.name}"')
        with conn.cursor().copy(statement) as copy:
            for row in source.execute(select):
                copy.write_row(row)


# Told each batch of rows copied: the table, its columns, the rows.
RowSink = Callable[[str, Sequence[str], Sequence[Sequence[Any]]], None]


def copy_out(conn: psycopg.Connection[Any], schema: str, target: sqlite3.Connection,
             sink: RowSink | None = None) -> None:
    """Every table of the matrix into ``target`` (a new SQLite database with our schema);
    ``sink`` is shown every batch of rows on the way."""
    from cxmatrix.store.sql import create_indexes
    from cxmatrix.store.sql import create_tables as create_file_tables

    create_file_tables(target, indexes=False)
    # One transaction, without foreign-key checks (the server checked them): row by row in
    # autocommit, the copy of 20,000 x 50 took 5 s of a 7 s open.
    checks = target.execute("PRAGMA foreign_keys").fetchone()[0]
    own_transaction = not target.in_transaction
    if own_transaction:
        target.execute("PRAGMA foreign_keys = OFF")
        target.execute("BEGIN")
    try:
        _copy_rows(conn, schema, target, sink)
        create_indexes(target)
    except BaseException:
        if own_transaction:
            target.execute("ROLLBACK")
        raise
    if own_transaction:
        target.execute("COMMIT")
        target.execute(f"PRAGMA foreign_keys = {int(checks)}")
    target.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    target.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _copy_rows(conn: psycopg.Connection[Any], schema: str, target: sqlite3.Connection,
               sink: RowSink | None) -> None:
    for table in tables():
        columns = _columns(table)
        select = sql.SQL("SELECT {} FROM {}.{}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(schema),
            sql.Identifier(table.name))
        insert = "INSERT INTO \"{}\" ({}) VALUES ({})".format(
            table.name, ", ".join(f'"{c}"' for c in columns), ", ".join("?" * len(columns)))
        with conn.cursor(binary=True) as cursor:
            cursor.execute(select)
            while rows := cursor.fetchmany(20_000):
                insert_several(target, insert, len(columns), chain.from_iterable(rows))
                if sink is not None:
                    sink(table.name, columns, rows)


def pull(address: ServerAddress, target: Path, *, overwrite: bool = False) -> None:
    """Write an offline copy of the matrix ``address.name`` to ``target``."""
    if target.exists() and not overwrite:
        raise DocumentError(target, "already exists; choose another name or allow "
                                    "overwriting")
    with connect(address, autocommit=True, purpose="pull") as conn:
        check_version(conn, address.label)
        schema = matrix_schema(conn, address.label, address.name)
        with _written_beside(target) as temp:
            file = sqlite3.connect(temp, isolation_level=None)
            try:
                file.execute("PRAGMA journal_mode = DELETE")
                file.execute("BEGIN")
                with conn.transaction():
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    copy_out(conn, schema, file)
                file.execute("COMMIT")
            except psycopg.Error as error:
                raise ServerError(address.label, f"could not be read: {error}") from None
            finally:
                file.close()


def read_matrix(address: ServerAddress) -> Matrix:
    """The matrix ``address.name`` as it is on the server now (for check, export, diff)."""
    with connect(address, autocommit=True, purpose="read") as conn:
        check_version(conn, address.label)
        schema = matrix_schema(conn, address.label, address.name)
        memory = sqlite3.connect(":memory:", isolation_level=None)
        fetched = FetchedRows()
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                copy_out(conn, schema, memory, fetched.add)
            return load_matrix(memory, Path(address.label), fetched)
        except psycopg.Error as error:
            raise ServerError(address.label, f"could not be read: {error}") from None
        finally:
            memory.close()


def init(address: ServerAddress) -> str:
    """``cxmatrix server init``: make an empty database a team server (or migrate it)."""
    from cxmatrix.store.server.schema import init_server

    with connect(address, autocommit=True, purpose="init") as conn:
        try:
            return init_server(conn, address.label)
        except ServerError as error:
            raise ServerError(address.label, error.problem) from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise ServerError(address.label, f"refused: {error.diag.message_primary}") from None
