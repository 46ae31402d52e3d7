"""ServerDocument: a matrix on the team server, edited live by several people at once.

It is a :class:`~cxmatrix.store.document.Document` (the same API the GUI uses for a file) over
a private in-memory SQLite working copy of the server's tables. SQLite triggers on the working
copy record every row a transaction writes; before the local transaction commits, those rows
are written to PostgreSQL in one transaction, so an edit is shown as done only once the
server has committed it. When the server refuses (somebody changed the row since this window
last caught up, or the member's role does not allow it), the local transaction rolls back too
and the matrix is reread from the working copy: nothing is half-applied.

Other people's commits arrive through the change log: a LISTEN connection (on a thread of its
own) says that something changed, and :meth:`ServerDocument.catch_up` (on the owner's thread)
reads every change after the last sequence number seen, applies the rows to the working copy
and tells listeners exactly what changed (cells directly; anything else through the domain's
difference of the whole matrix, so views keep their place). A dropped connection turns the
document read-only; :meth:`ServerDocument.check_connection` reconnects and catches up.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
from psycopg import sql

from cxmatrix.domain.comments import Comment
from cxmatrix.domain.roles import Role
from cxmatrix.store.document import Document
from cxmatrix.store.format import ROLE_CODES
from cxmatrix.store.load import FetchedRows, load_matrix
from cxmatrix.store.server.connection import (
    ServerAddress,
    ServerConflict,
    ServerConnectionLost,
    ServerError,
    ServerPermissionDenied,
    connect,
)
from cxmatrix.store.server.schema import (
    AUTHORED,
    CONFLICT_STATE,
    check_version,
    key_columns,
    lead_tables,
    matrix_schema,
    tables,
)
from cxmatrix.store.server.transfer import copy_out

if TYPE_CHECKING:
    from cxmatrix.store.sql import SqlWriter

_T = TypeVar("_T")
_ROLE_BY_CODE = {code: Role(value) for value, code in ROLE_CODES.items()}
_LOST = "the connection to the team server was lost; reconnecting (read-only meanwhile)"
_NOT_LOGGED = {"matrix": {"modified"}}  # touched by every edit: not a change of its own


@dataclass(frozen=True)
class ChangeEntry:
    """One row of the change log: who changed which row of which table, when, to what."""

    seq: int
    at: datetime
    who: str
    table: str
    op: str  # I, U or D
    key: dict[str, Any]
    row: dict[str, Any] | None


@dataclass(frozen=True)
class Presence:
    who: str  # how a member is named: "anna (Support)"


NoteListener = Callable[[list[str]], None]
StatusListener = Callable[[], None]


def _ago(when: datetime) -> str:
    seconds = max(0, int((datetime.now(UTC) - when).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _excerpt(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


class _Table:
    """What the working copy and the server need to know of one table."""

    def __init__(self, table: Any) -> None:
        self.name: str = table.name
        self.columns: list[str] = [c.name for c in table.columns]
        self.keys: list[str] = key_columns(table)
        self.booleans = {c.name for c in table.columns
                         if getattr(c.type, "python_type", None) is bool}
        quoted = ", ".join(f'"{c}"' for c in self.columns)
        others = [c for c in self.columns if c not in self.keys]
        update = ", ".join(f'"{c}" = excluded."{c}"' for c in others) or None
        conflict = ", ".join(f'"{k}"' for k in self.keys)
        self.local_upsert = (f'INSERT INTO main."{self.name}" ({quoted}) VALUES '
                             f'({", ".join("?" * len(self.columns))}) ON CONFLICT ({conflict}) '
                             + (f"DO UPDATE SET {update}" if update else "DO NOTHING"))
        where = " AND ".join(f'"{k}" = ?' for k in self.keys)
        self.local_delete = f'DELETE FROM main."{self.name}" WHERE {where}'

    def capture_triggers(self) -> list[str]:
        new = ", ".join(f'NEW."{c}"' for c in self.columns)
        old_keys = ", ".join(f'OLD."{k}"' for k in self.keys)
        ignored = _NOT_LOGGED.get(self.name, set())
        differs = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in self.columns
                              if c not in ignored) or "0"
        on = "(SELECT capture FROM temp.cx_state)"
        insert = "INSERT INTO cx_pending (tbl, op, vals) VALUES"
        return [
            f'CREATE TEMP TRIGGER "cx_{self.name}_i" AFTER INSERT ON main."{self.name}" '
            f"WHEN {on} BEGIN {insert} ('{self.name}', 'I', json_array({new})); END",
            f'CREATE TEMP TRIGGER "cx_{self.name}_u" AFTER UPDATE ON main."{self.name}" '
            f"WHEN {on} AND ({differs}) BEGIN {insert} ('{self.name}', 'U', "
            f"json_array({new})); END",
            f'CREATE TEMP TRIGGER "cx_{self.name}_d" AFTER DELETE ON main."{self.name}" '
            f"WHEN {on} BEGIN {insert} ('{self.name}', 'D', json_array({old_keys})); END",
        ]

    def server_values(self, values: list[Any], columns: list[str]) -> list[Any]:
        return [bool(v) if c in self.booleans and v is not None else v
                for v, c in zip(values, columns, strict=True)]


_TABLES = {t.name: _Table(t) for t in tables()}
_SECURED = {t.name for t in lead_tables()}  # the tables with row-level security
_WRITE_TRIES = 3  # a row that other clients keep replacing meanwhile is a conflict


class ServerDocument(Document):
    """A matrix on the team server. Create with ``ServerDocument.connect``."""

    address: ServerAddress
    schema: str
    raw_cell_edits = False  # every write goes through _transaction, which pushes it

    @classmethod
    def connect(cls, address: ServerAddress) -> ServerDocument:
        """Open the matrix ``address.name``: a consistent copy of every table and the change
        sequence number it is at, read in one snapshot."""
        conn = connect(address, autocommit=True, purpose="open")
        try:
            check_version(conn, address.label)
            schema = matrix_schema(conn, address.label, address.name)
            conn.execute("SELECT set_config('application_name', %s, false)",
                         (f"cxmatrix open {schema}",))
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            memory.execute("PRAGMA foreign_keys = ON")
            fetched = FetchedRows()  # the matrix is built from the rows as they are copied
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                copy_out(conn, schema, memory, fetched.add)
                row = conn.execute(sql.SQL("SELECT coalesce(max(seq), 0) FROM {}.change_log")
                                   .format(sql.Identifier(schema))).fetchone()
                seen = int(row[0]) if row else 0
                member = conn.execute(sql.SQL(
                    "SELECT role FROM {}.member WHERE login = session_user").format(
                    sql.Identifier(schema))).fetchone()
            matrix = load_matrix(memory, Path(address.label), fetched)
        except psycopg.Error as error:
            conn.close()
            raise ServerError(address.label, f"could not be opened: {error}") from None
        except BaseException:
            conn.close()
            raise
        role = str(member[0]) if member else "viewer"
        document = cls(Path(address.label), memory, matrix, read_only=role == "viewer",
                       read_only_reason="you are a viewer of this matrix" if role == "viewer"
                       else "")
        document._start(address, schema, conn, seen, role)
        return document

    def _start(self, address: ServerAddress, schema: str, conn: psycopg.Connection[Any],
               seen: int, role: str) -> None:
        self.address = address
        self.schema = schema
        self.member_role = role
        self._pg: psycopg.Connection[Any] | None = conn
        self._seen = seen
        self._client = secrets.token_hex(8)
        self._own: set[int] = set()
        self.last_commit: list[int] = []  # the change sequence numbers of the last edit
        self._undoing = False
        self._notified = threading.Event()
        self._stop = threading.Event()
        self._note_listeners: list[NoteListener] = []
        self._status_listeners: list[StatusListener] = []
        self._names: dict[str, str] = {}
        login = conn.execute("SELECT session_user").fetchone()
        self.comment_author = str(login[0]) if login else None  # the server checks it
        self.connected = True
        self._set_session(conn)
        raw = self._connection()
        raw.execute("CREATE TEMP TABLE cx_pending (tbl TEXT, op TEXT, vals TEXT)")
        raw.execute("CREATE TEMP TABLE cx_state (capture INTEGER)")
        raw.execute("INSERT INTO temp.cx_state VALUES (1)")
        for table in _TABLES.values():
            for trigger in table.capture_triggers():
                raw.execute(trigger)
        self._listener = threading.Thread(target=self._listen, name="cxmatrix-listen",
                                          daemon=True)
        self._listener.start()

    def _set_session(self, conn: psycopg.Connection[Any]) -> None:
        conn.execute("SELECT set_config('cxmatrix.client', %s, false)", (self._client,))

    # ---- listening -------------------------------------------------------------------------

    def _listen(self) -> None:
        """The listener thread: sets ``_notified`` on every NOTIFY; reconnects after a drop."""
        while not self._stop.is_set():
            try:
                with connect(self.address, autocommit=True, purpose="listen") as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.schema)))
                    self._notified.set()  # catch up on whatever came before LISTEN
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self._notified.set()
            except (psycopg.Error, ServerError, OSError):
                self._notified.set()
                self._stop.wait(0.5)

    @property
    def has_news(self) -> bool:
        """True when the server said something changed since the last catch-up."""
        return self._notified.is_set()

    def wait_for_news(self, timeout: float) -> bool:
        return self._notified.wait(timeout)

    def add_note_listener(self, listener: NoteListener) -> None:
        """``listener(notes)``: short notes of who changed what, for others' changes."""
        self._note_listeners.append(listener)

    def add_status_listener(self, listener: StatusListener) -> None:
        """Told when the connection drops or comes back (``connected``, ``read_only``)."""
        self._status_listeners.append(listener)

    # ---- the connection -----------------------------------------------------------------------

    def _server(self) -> psycopg.Connection[Any]:
        if self._pg is None or self._pg.closed or self._pg.broken:
            self._lost()
            raise ServerConnectionLost(self.path, _LOST)
        return self._pg

    def _lost(self) -> None:
        was = self.connected
        self.connected = False
        if self._pg is not None:
            with contextlib.suppress(psycopg.Error):
                self._pg.close()
        self._pg = None
        self.read_only = True
        self.read_only_reason = _LOST
        if was:
            for listener in list(self._status_listeners):
                listener()

    def check_connection(self) -> bool:
        """Reconnect after a drop (and catch up); True when connected."""
        if self.connected and self._pg is not None and not self._pg.broken:
            return True
        try:
            conn = connect(self.address, autocommit=True, purpose="open")
            conn.execute("SELECT set_config('application_name', %s, false)",
                         (f"cxmatrix open {self.schema}",))
            self._set_session(conn)
        except (ServerError, psycopg.Error):
            return False
        self._pg = conn
        self.connected = True
        self.read_only = self.member_role == "viewer"
        self.read_only_reason = "you are a viewer of this matrix" if self.read_only else ""
        self.catch_up()
        for listener in list(self._status_listeners):
            listener()
        return True

    def close(self) -> None:
        if self.closed:
            return
        self._stop.set()
        if self._pg is not None:
            with contextlib.suppress(psycopg.Error):
                self._pg.close()
            self._pg = None
        super().close()  # the listener thread sees the stop flag within half a second


    def _purge_deleted_snapshots(self) -> None:
        pass  # deleted snapshots stay on the server until an owner purges them

    def _raw_snapshot_write(self, raw: sqlite3.Connection,
                            operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """A snapshot's rows go to the server like any edit's (the file's shortcut past
        SqlWriter would leave them in the working copy alone)."""
        with self._transaction() as writer:
            return operation(writer.raw)

    # ---- writing: local transaction and server transaction as one -------------------------

    @contextlib.contextmanager
    def undoing(self) -> Iterator[None]:
        """Within: the edit is an undo, refused when anybody else changed its rows since."""
        self._undoing = True
        try:
            yield
        finally:
            self._undoing = False

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[SqlWriter]:
        writer = self._writer()
        nested = bool(self._batch_depth and writer.conn.in_transaction())
        conflict: _Refused | None = None
        try:
            with super()._transaction() as sql_writer:
                yield sql_writer
                if not nested:
                    self._push()
        except _Refused as refused:
            conflict = refused
        if conflict is not None:
            self._after_refusal(conflict)

    def _pending(self) -> list[tuple[str, str, list[Any]]]:
        raw = self._connection()
        rows = raw.execute("SELECT tbl, op, vals FROM temp.cx_pending ORDER BY rowid").fetchall()
        raw.execute("DELETE FROM temp.cx_pending")
        return [(t, o, json.loads(v)) for t, o, v in rows]

    def _push(self) -> None:
        """Write the pending rows in one server transaction. A cell edit costs three round
        trips: BEGIN with the session settings (one simple query), the write (its RETURNING
        gives the change's sequence number, set by the trigger) and COMMIT; only a
        transaction with deletes (whose cascades log rows of their own) asks the change log
        which sequence numbers are this client's."""
        pending = self._pending()
        if not pending:
            return
        conn = self._server()
        try:
            conn.execute(sql.SQL(
                "BEGIN ISOLATION LEVEL READ COMMITTED; "
                "SELECT set_config('cxmatrix.seen', {}, true), "
                "set_config('cxmatrix.undo', {}, true)").format(
                sql.Literal(str(self._seen)), sql.Literal("on" if self._undoing else "off")))
            try:
                written: list[int] = []
                for name, op, values in pending:
                    table = _TABLES[name]
                    try:
                        seq = self._write_row(conn, table, op, values)
                    except psycopg.errors.InsufficientPrivilege:
                        # Row-level security refused an insert: into whose column.
                        raise _Refused("permission", 0, department=_department_of(
                            table, _row_keys(table, op, values))) from None
                    if seq is not None:
                        written.append(seq)
                if any(op == "D" for _name, op, _values in pending):
                    written = [int(r[0]) for r in conn.execute(sql.SQL(
                        "SELECT seq FROM {}.change_log WHERE client = %s AND seq > %s").format(
                        sql.Identifier(self.schema)), (self._client, self._seen)).fetchall()]
                conn.execute("COMMIT")
            except BaseException:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                raise
        except psycopg.Error as error:
            raise self._refusal(error) from None
        self.last_commit = sorted(s for s in written if s not in self._own)
        self._own.update(self.last_commit)

    def _refusal(self, error: psycopg.Error) -> Exception:
        """What a failed server transaction means for the user."""
        if error.sqlstate == CONFLICT_STATE:
            return _Refused("conflict", int(error.diag.message_detail or 0))
        if isinstance(error, psycopg.errors.UniqueViolation | psycopg.errors.ForeignKeyViolation
                      | psycopg.errors.DeadlockDetected):
            # The working copy checked keys and references before the push, so the server
            # disagreeing means another client added or removed rows meanwhile.
            return _Refused("conflict", 0)
        if isinstance(error, psycopg.errors.InsufficientPrivilege):
            return _Refused("permission", 0)
        if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
            self._lost()
            return ServerConnectionLost(self.path, "lost the connection to the team server; "
                                                   "the change was not saved")
        return ServerError(self.path, f"refused the change: {error}")

    def _write_row(self, conn: psycopg.Connection[Any], table: _Table, op: str,
                   values: list[Any]) -> int | None:
        """Write one captured row. A statement that touches no row is not yet a refusal:
        under read committed an UPDATE or DELETE skips a row another client deleted while
        it waited, and the conflict trigger skips an UPDATE to values the row already has,
        and a later statement of this transaction may see a third client's newer row. Only
        row-level security, asked directly (``cx_may_edit``), makes it a permission refusal;
        otherwise the row is read again and the write retried, for the trigger to judge.
        Returns the change's sequence number when an insert or update logged one."""
        target = sql.SQL("{}.{}").format(sql.Identifier(self.schema),
                                         sql.Identifier(table.name))
        where = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(k))
                                      for k in table.keys)
        if op == "I":
            statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING revision").format(
                target, sql.SQL(", ").join(map(sql.Identifier, table.columns)),
                sql.SQL(", ").join(sql.Placeholder() * len(table.columns)))
            inserted = conn.execute(statement, table.server_values(values, table.columns))
            return _revision(inserted)
        if op == "D":
            keys = table.server_values(values, table.keys)
            if conn.execute(sql.SQL("DELETE FROM {} WHERE {}").format(target, where),
                            keys).rowcount:
                return None  # _push asks the change log (the delete may have cascaded)
            if conn.execute(sql.SQL("SELECT 1 FROM {} WHERE {}").format(target, where),
                            keys).fetchone() is None:
                return None  # already gone (a cascade of this very transaction, or another's)
            self._refuse_untouched(conn, table, keys)  # hidden by security, or re-created
            return None
        row = dict(zip(table.columns, values, strict=True))
        keys = table.server_values([row[k] for k in table.keys], table.keys)
        others = [c for c in table.columns if c not in table.keys
                  and c not in _NOT_LOGGED.get(table.name, set())]
        statement = sql.SQL("UPDATE {} SET {} WHERE {} RETURNING revision").format(
            target, sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c))
                                       for c in others), where)
        wanted = table.server_values([row[c] for c in others], others)
        read = sql.SQL("SELECT {} FROM {} WHERE {}").format(
            sql.SQL(", ").join(map(sql.Identifier, others)), target, where)
        for _ in range(_WRITE_TRIES):
            updated = conn.execute(statement, wanted + keys)
            if updated.rowcount:
                return _revision(updated)
            found = conn.execute(read, keys).fetchone()
            if found is None:
                raise _Refused("conflict", self._last_change(conn, table, keys))
            if list(found) == wanted:
                return None  # the server holds these values already: nothing to change
            if not self._may_write(conn, table, keys):  # another department's column
                raise _Refused("permission", 0, department=_department_of(table, keys))
        raise _Refused("conflict", self._last_change(conn, table, keys))

    def _refuse_untouched(self, conn: psycopg.Connection[Any], table: _Table,
                          keys: list[Any]) -> None:
        """A row that is there but was not deleted: row-level security, or another client
        re-created it after this DELETE skipped the one it waited on."""
        if not self._may_write(conn, table, keys):
            raise _Refused("permission", 0, department=_department_of(table, keys))
        raise _Refused("conflict", self._last_change(conn, table, keys))

    def _may_write(self, conn: psycopg.Connection[Any], table: _Table,
                   keys: list[Any]) -> bool:
        """Whether row-level security lets this member write the row (tables without it
        refuse through grants, with an error, never by touching nothing)."""
        if table.name in AUTHORED:
            found = conn.execute(sql.SQL(
                "SELECT author = session_user FROM {}.{} WHERE {}").format(
                sql.Identifier(self.schema), sql.Identifier(table.name),
                sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(k))
                                      for k in table.keys)), keys).fetchone()
            if found is not None and not found[0]:
                raise _Refused("permission", 0, table.name)
            return True
        if table.name not in _SECURED or "department_id" not in table.keys:
            return True
        department = keys[table.keys.index("department_id")]
        found = conn.execute(sql.SQL("SELECT {}.cx_may_edit(%s)").format(
            sql.Identifier(self.schema)), (department,)).fetchone()
        return bool(found and found[0])

    def _last_change(self, conn: psycopg.Connection[Any], table: _Table,
                     keys: list[Any]) -> int:
        """The change sequence number of the row's latest change (0 when none is logged),
        so that a conflict names who changed it."""
        key = json.dumps(dict(zip(table.keys, keys, strict=True)))
        found = conn.execute(sql.SQL(
            "SELECT max(seq) FROM {}.change_log WHERE tbl = %s AND row_key = %s::jsonb").format(
            sql.Identifier(self.schema)), (table.name, key)).fetchone()
        return int(found[0]) if found and found[0] is not None else 0

    def _after_refusal(self, refused: _Refused) -> None:
        """The server refused; the local copy has rolled back. Catch up, then say why."""
        if refused.kind == "permission" and refused.table in AUTHORED:
            raise ServerPermissionDenied(self.path, "refused the change: you may change or "
                                                    "remove only your own comments (the "
                                                    "matrix's owner may remove any)")
        if refused.kind == "permission":
            raise ServerPermissionDenied(self.path,
                                         "refused the change: " + self._may(refused.department))
        self.catch_up()
        entry = self._entry(refused.seq) if refused.seq else None
        if entry is None:
            raise ServerConflict(self.path, "refused the change: somebody else changed the "
                                            "same thing a moment ago; the window shows it now")
        raise ServerConflict(self.path, self.describe_conflict(entry))

    def may_remove_comment(self, comment: Comment) -> bool:
        """What the server's policies allow: an owner removes any comment, a lead only their
        own, a viewer none (the server checks it again)."""
        if self.read_only or self.member_role == "viewer":
            return False
        return self.member_role == "owner" or comment.author == self.comment_author

    def _may(self, department: int | None = None) -> str:
        if self.member_role == "lead":
            text = ("as a department lead you may change only your departments' columns "
                    "and sign off only for them")
            if department is not None and self.matrix.has_department(department):
                text += f"; {self.matrix.department(department).name} is not yours"
            return text
        if self.member_role == "viewer":
            return "you are a viewer of this matrix"
        return "your role on this matrix does not allow it"

    def describe_conflict(self, entry: ChangeEntry) -> str:
        """"anna (Support) changed this cell 3 s ago: it is now Influence"."""
        what = {"cell": "cell", "cell_target": "target", "cell_action": "action",
                "touchpoint": "touchpoint", "department": "department",
                "stage": "stage"}.get(entry.table, "part of the matrix")
        text = f"{self.display_name(entry.who)} changed this {what} {_ago(entry.at)} ago"
        if entry.table in ("cell", "cell_target"):
            tid, did = entry.key.get("touchpoint_id"), entry.key.get("department_id")
            if isinstance(tid, int) and isinstance(did, int):
                role = (self.matrix.role(tid, did) if entry.table == "cell"
                        else self.matrix.target_role(tid, did))
                text += f": it is now {role.value.title() if role else 'empty'}"
        elif entry.op == "D":
            text += ": it was removed"
        return text

    # ---- catching up ---------------------------------------------------------------------------

    def _entries(self, where: sql.Composable, params: tuple[Any, ...]) -> list[ChangeEntry]:
        rows = self._server().execute(sql.SQL(
            "SELECT seq, at, who, tbl, op, row_key, row FROM {}.change_log WHERE {} "
            "ORDER BY seq").format(sql.Identifier(self.schema), where), params).fetchall()
        return [ChangeEntry(int(s), a, str(w), str(t), str(o), dict(k), r)
                for s, a, w, t, o, k, r in rows]

    def _entry(self, seq: int) -> ChangeEntry | None:
        try:
            found = self._entries(sql.SQL("seq = %s"), (seq,))
        except (psycopg.Error, ServerError):
            return None
        return found[0] if found else None

    def catch_up(self) -> int:
        """Apply everything others committed since the last catch-up; returns how many
        changes were applied. Safe to call any time on the document's thread."""
        if self.closed:
            return 0
        self._notified.clear()
        try:
            entries = self._entries(sql.SQL("seq > %s"), (self._seen,))
        except (psycopg.OperationalError, psycopg.InterfaceError):
            self._lost()
            return 0
        except ServerConnectionLost:
            return 0
        theirs = [e for e in entries if e.seq not in self._own]
        if entries:
            self._seen = entries[-1].seq
            self._own = {s for s in self._own if s > self._seen}
        if not theirs:
            return 0
        self._apply_locally(theirs)
        if all(e.table == "cell" for e in theirs):
            for entry in theirs:
                self._apply_cell(entry)
        else:
            fresh = load_matrix(self._connection(), self.path)
            self.matrix.replace_contents(fresh)
        self._emit()
        notes = [self.note(e) for e in theirs[-5:]]
        for listener in list(self._note_listeners):
            listener(notes)
        return len(theirs)

    def _apply_locally(self, entries: list[ChangeEntry]) -> None:
        raw = self._connection()
        raw.execute("UPDATE temp.cx_state SET capture = 0")
        raw.execute("BEGIN")
        try:
            raw.execute("PRAGMA defer_foreign_keys = ON")
            for entry in entries:
                table = _TABLES.get(entry.table)
                if table is None:
                    continue
                if entry.op == "D" or entry.row is None:
                    raw.execute(table.local_delete, [entry.key[k] for k in table.keys])
                else:
                    raw.execute(table.local_upsert, [entry.row.get(c) for c in table.columns])
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        finally:
            raw.execute("UPDATE temp.cx_state SET capture = 1")

    def _apply_cell(self, entry: ChangeEntry) -> None:
        tid, did = int(entry.key["touchpoint_id"]), int(entry.key["department_id"])
        row = entry.row or {}
        code = row.get("role")
        self.matrix.set_role(tid, did, _ROLE_BY_CODE.get(code) if isinstance(code, str)
                             else None)
        self.matrix.set_note(tid, did, str(row.get("note") or ""))

    # ---- who, and the history --------------------------------------------------------------

    def display_name(self, login: str) -> str:
        """A member as people name them: "anna (Support)" for a lead, else the login."""
        if login not in self._names:
            try:
                row = self._server().execute(sql.SQL(
                    "SELECT role, departments FROM {}.member WHERE login = %s").format(
                    sql.Identifier(self.schema)), (login,)).fetchone()
            except (psycopg.Error, ServerError):
                return login
            names = []
            if row and row[0] == "lead":
                names = [self.matrix.department(d).name for d in row[1]
                         if self.matrix.has_department(d)]
            self._names[login] = f"{login} ({', '.join(names)})" if names else login
        return self._names[login]

    def note(self, entry: ChangeEntry) -> str:
        """"anna (Support) set Own on Discovery call"."""
        who = self.display_name(entry.who)
        key, row = entry.key, entry.row or {}
        if entry.table in ("cell", "cell_target") and self.matrix.has_touchpoint(
                int(key["touchpoint_id"])):
            tp = self.matrix.touchpoint(int(key["touchpoint_id"])).name
            code = row.get("role")
            role = _ROLE_BY_CODE.get(code) if isinstance(code, str) else None
            word = "target " if entry.table == "cell_target" else ""
            if role is None:
                return f"{who} cleared the {word}role on {tp}"
            return f"{who} set {word}{role.value.title()} on {tp}"
        if entry.table == "touchpoint_comment":
            tid = row.get("touchpoint_id")
            if entry.op == "D":
                author = row.get("author")
                if not isinstance(author, str) or not author:
                    return f"{who} removed a comment"
                whose = "their own" if author == entry.who else \
                    f"{self.display_name(author)}'s"
                where = (self.matrix.touchpoint(tid).name if isinstance(tid, int)
                         and self.matrix.has_touchpoint(tid) else "a touchpoint")
                return f"{who} removed {whose} comment on {where}: " \
                       f"{_excerpt(str(row.get('body') or ''))}"
            where = (self.matrix.touchpoint(tid).name if isinstance(tid, int)
                     and self.matrix.has_touchpoint(tid) else "a touchpoint")
            did = row.get("department_id")
            if isinstance(did, int) and self.matrix.has_department(did):
                where += f" ({self.matrix.department(did).name})"
            return f"{who} commented on {where}: {_excerpt(str(row.get('body') or ''))}"
        verb = {"I": "added", "U": "changed", "D": "removed"}[entry.op]
        name = row.get("name")
        thing = entry.table.replace("_", " ")
        return f"{who} {verb} {thing} {name}" if name else f"{who} {verb} a {thing}"

    def others_present(self) -> list[str]:
        """Who else has this matrix open now (from the server's list of sessions)."""
        try:
            rows = self._server().execute(
                "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = "
                "current_database() AND application_name = %s AND pid <> pg_backend_pid() "
                "ORDER BY 1", (f"cxmatrix open {self.schema}",)).fetchall()
        except (psycopg.Error, ServerError):
            return []
        return [self.display_name(str(r[0])) for r in rows if r[0]]

    def history(self, *, touchpoint_id: int | None = None, department_id: int | None = None
                ) -> list[ChangeEntry]:
        """The recorded changes of a cell (both ids), a touchpoint or a department."""
        conditions: list[sql.Composable] = []
        params: list[Any] = []
        if touchpoint_id is not None:
            conditions.append(sql.SQL(
                "((row_key ->> 'touchpoint_id')::bigint = %s OR (tbl = 'touchpoint' AND "
                "(row_key ->> 'id')::bigint = %s) OR (tbl = 'touchpoint_comment' AND "
                "(row ->> 'touchpoint_id')::bigint = %s))"))
            params += [touchpoint_id, touchpoint_id, touchpoint_id]
        if department_id is not None:
            conditions.append(sql.SQL(
                "((row_key ->> 'department_id')::bigint = %s OR (tbl = 'department' AND "
                "(row_key ->> 'id')::bigint = %s) OR (tbl = 'touchpoint_comment' AND "
                "(row ->> 'department_id')::bigint = %s))"))
            params += [department_id, department_id, department_id]
        if touchpoint_id is not None and department_id is not None:
            both = "(row_key || coalesce(row, '{}'::jsonb))"  # a comment's ids are in row
            conditions = [sql.SQL(f"({both} ->> 'touchpoint_id')::bigint = %s AND "
                                  f"({both} ->> 'department_id')::bigint = %s")]
            params = [touchpoint_id, department_id]
        where = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")
        return self._entries(where, tuple(params))

    @property
    def seen(self) -> int:
        """The change sequence number this document is caught up to."""
        return self._seen


def _revision(cursor: psycopg.Cursor[Any]) -> int | None:
    """The sequence number the trigger gave the written row (None: nothing was logged)."""
    row = cursor.fetchone()
    return int(row[0]) if row is not None and row[0] is not None else None


class _Refused(Exception):
    def __init__(self, kind: str, seq: int, table: str = "",
                 department: int | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.seq = seq
        self.table = table
        self.department = department  # the column a permission refusal was about, when known


def _row_keys(table: _Table, op: str, values: list[Any]) -> list[Any]:
    """The key of a captured row (a delete captures the key alone)."""
    if op == "D":
        return table.server_values(values, table.keys)
    row = dict(zip(table.columns, values, strict=True))
    return table.server_values([row[k] for k in table.keys], table.keys)


def _department_of(table: _Table, keys: list[Any]) -> int | None:
    if "department_id" not in table.keys:
        return None
    department = keys[table.keys.index("department_id")]
    return department if isinstance(department, int) else None


def open_matrix(address: ServerAddress) -> ServerDocument:
    return ServerDocument.connect(address)
