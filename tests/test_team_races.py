"""Races of one edit against other clients' commits, made to happen in a fixed order.

Under read committed every statement of a server transaction sees what others committed before
it began, so a cell UPDATE can touch nothing (the row it waited on was deleted, or the
conflict trigger skipped an update to values the row already had) while the next statement
sees a third client's newer row. The document's real server connection is wrapped so that
other clients (plain psycopg connections, as another program would use) commit exactly between
its statements; a waiting statement is detected on the server (``pg_blocking_pids``), not with
a sleep. Whatever the order, the edit ends as a conflict or a success, never as a refusal on
grounds of the member's role, and a lead's delete in another department's column is refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from cxmatrix.domain.roles import Role
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.store import Document
from cxmatrix.store.server import ServerAddress, parse_address, transfer
from cxmatrix.store.server.connection import ServerConflict, ServerPermissionDenied
from cxmatrix.store.server.document import ServerDocument
from cxmatrix.store.server.members import change_members

pytestmark = pytest.mark.team
WAIT = 60.0
Step = Callable[[], None]


class _Interleaved:
    """A document's server connection that runs ``before`` and ``after`` around the first
    statement on ``table`` starting with ``verb``; everything else goes straight through."""

    def __init__(self, conn: psycopg.Connection[Any], verb: str, table: str,
                 before: Step | None = None, after: Step | None = None) -> None:
        self._conn = conn
        self._match = (verb, f'."{table}" ')
        self._before, self._after = before, after
        self.statements: list[str] = []
        self.fired = False

    def execute(self, query: Any, params: Any = None) -> Any:
        text = query if isinstance(query, str) else query.as_string(self._conn)
        self.statements.append(text)
        hit = not self.fired and text.startswith(self._match[0]) and self._match[1] in text
        if hit:
            self.fired = True
            if self._before:
                self._before()
        cursor = self._conn.execute(query, params)
        if hit and self._after:
            self._after()
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@pytest.fixture
def published(team_url: str, tmp_path: Path) -> ServerAddress:
    path = tmp_path / "demo.cxm"
    Document.create(path, demo_matrix()).close()
    address = parse_address(team_url)
    transfer.publish(path, address, "Races")
    return address.with_name("Races")


@pytest.fixture
def clients(published: ServerAddress) -> Iterator[list[psycopg.Connection[Any]]]:
    """Two other programs on the same matrix (B and C), each marked as a client of its own."""
    opened = []
    for name in ("b", "c"):
        conn = psycopg.connect(published.url, password=published.password)
        conn.execute("SELECT set_config('cxmatrix.client', %s, false)", (name,))
        conn.commit()
        opened.append(conn)
    yield opened
    for conn in opened:
        conn.close()


@pytest.fixture
def document(published: ServerAddress) -> Iterator[ServerDocument]:
    opened = ServerDocument.connect(published)
    yield opened
    opened.close()


def _interleave(document: ServerDocument, verb: str, table: str, *, before: Step | None = None,
                after: Step | None = None) -> _Interleaved:
    wrapped = _Interleaved(document._server(), verb, table, before, after)
    document._pg = wrapped  # type: ignore[assignment]
    return wrapped


def _a_cell_with_a_role(document: ServerDocument) -> tuple[int, int, Role]:
    matrix = document.matrix
    for tp in matrix.iter_touchpoints():
        for dept in matrix.departments:
            role = matrix.role(tp.id, dept.id)
            if role is not None and not matrix.note(tp.id, dept.id):
                return tp.id, dept.id, role
    raise AssertionError("the demo matrix has no cell with a role and no note")


def _other(*roles: Role | None) -> Role:
    return next(r for r in (Role.OWN, Role.INFLUENCE, Role.HANDLE) if r not in roles)


def _commit_once_blocked(document_pid: int, holder: psycopg.Connection[Any],
                         admin_url: str, password: str | None) -> threading.Thread:
    """Commit ``holder``'s open transaction as soon as the document's backend waits for it."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with psycopg.connect(admin_url, password=password, autocommit=True) as watch:
                deadline = time.monotonic() + WAIT
                while time.monotonic() < deadline:
                    row = watch.execute("SELECT %s = ANY (pg_blocking_pids(%s))",
                                        (holder.info.backend_pid, document_pid)).fetchone()
                    if row and row[0]:
                        break
                    time.sleep(0.01)
                else:
                    raise AssertionError("the document's statement never waited")
            holder.commit()
        except BaseException as error:  # pragma: no cover - reported by the caller
            errors.append(error)
            holder.rollback()

    thread = threading.Thread(target=run, name="commit-once-blocked")
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def _set(conn: psycopg.Connection[Any], schema: str, tid: int, did: int, role: Role) -> None:
    conn.execute(f"UPDATE {schema}.cell SET role = %s WHERE touchpoint_id = %s AND "
                 "department_id = %s", (role.value[0].upper(), tid, did))
    conn.commit()


def test_an_update_to_values_the_server_already_holds_is_a_success(
        document: ServerDocument, clients: list[psycopg.Connection[Any]]) -> None:
    # The conflict trigger skips it (touching nothing) and keeps the row locked until the
    # commit, so no third client can replace the row before it is read again: a success.
    b, _ = clients
    tid, did, start = _a_cell_with_a_role(document)
    wanted = _other(start)
    _set(b, document.schema, tid, did, wanted)  # the window has not caught up on it
    wrapped = _interleave(document, "UPDATE", "cell")
    document.set_role(tid, did, wanted)
    assert wrapped.fired
    assert [s for s in wrapped.statements if s.startswith("UPDATE")][:1]
    assert not any("cx_may_edit" in s for s in wrapped.statements)
    assert transfer.read_matrix(document.address).role(tid, did) is wanted


def test_an_update_that_waited_on_a_delete_then_a_reinsert_is_a_conflict(
        published: ServerAddress, document: ServerDocument,
        clients: list[psycopg.Connection[Any]]) -> None:
    b, c = clients
    schema = document.schema
    tid, did, start = _a_cell_with_a_role(document)
    third = _other(start, _other(start))
    waiter: list[threading.Thread] = []

    def b_deletes_and_commits_once_the_update_waits() -> None:
        b.execute(f"DELETE FROM {schema}.cell WHERE touchpoint_id = %s AND department_id = %s",
                  (tid, did))  # holds the row until the thread commits
        waiter.append(_commit_once_blocked(document._server().info.backend_pid, b,
                                           published.url, published.password))

    def c_inserts_the_row_again() -> None:
        waiter[0].join(WAIT)
        assert not waiter[0].errors  # type: ignore[attr-defined]
        c.execute(f"INSERT INTO {schema}.cell (touchpoint_id, department_id, role, note) "
                  "VALUES (%s, %s, %s, '')", (tid, did, third.value[0].upper()))
        c.commit()

    wrapped = _interleave(document, "UPDATE", "cell",
                          before=b_deletes_and_commits_once_the_update_waits,
                          after=c_inserts_the_row_again)
    with pytest.raises(ServerConflict, match="changed this cell"):
        document.set_role(tid, did, _other(start, third))
    assert wrapped.fired
    # The first UPDATE touched nothing, the row was read again and written again.
    updates = [s for s in wrapped.statements if s.startswith("UPDATE")]
    assert len(updates) == 2
    assert document.matrix.role(tid, did) is third
    # Once caught up, the same edit goes through.
    document.set_role(tid, did, _other(start, third))
    assert transfer.read_matrix(published).role(tid, did) is _other(start, third)


def test_a_delete_that_waited_on_a_delete_then_a_reinsert_is_a_conflict(
        published: ServerAddress, document: ServerDocument,
        clients: list[psycopg.Connection[Any]]) -> None:
    b, c = clients
    schema = document.schema
    tid, did, start = _a_cell_with_a_role(document)
    third = _other(start)
    waiter: list[threading.Thread] = []

    def b_deletes() -> None:
        b.execute(f"DELETE FROM {schema}.cell WHERE touchpoint_id = %s AND department_id = %s",
                  (tid, did))
        waiter.append(_commit_once_blocked(document._server().info.backend_pid, b,
                                           published.url, published.password))

    def c_inserts() -> None:
        waiter[0].join(WAIT)
        c.execute(f"INSERT INTO {schema}.cell (touchpoint_id, department_id, role, note) "
                  "VALUES (%s, %s, %s, '')", (tid, did, third.value[0].upper()))
        c.commit()

    wrapped = _interleave(document, "DELETE", "cell", before=b_deletes, after=c_inserts)
    with pytest.raises(ServerConflict, match=rf"changed this cell \d+ s ago: it is now "
                                             rf"{third.value.title()}"):
        document.set_role(tid, did, None)  # an empty cell is a deleted row
    assert wrapped.fired
    assert document.matrix.role(tid, did) is third


def test_an_insert_whose_touchpoint_another_client_removed_is_a_conflict(
        document: ServerDocument, clients: list[psycopg.Connection[Any]]) -> None:
    b, _ = clients
    matrix = document.matrix
    tid, did = next((t.id, d.id) for t in matrix.iter_touchpoints() for d in matrix.departments
                    if matrix.cell(t.id, d.id).is_empty)
    b.execute(f"DELETE FROM {document.schema}.touchpoint WHERE id = %s", (tid,))
    b.commit()
    with pytest.raises(ServerConflict, match="somebody else changed the same thing"):
        document.set_role(tid, did, Role.OWN)
    assert not document.matrix.has_touchpoint(tid)


def test_a_lead_clearing_another_departments_cell_is_refused(
        published: ServerAddress, team_url: str) -> None:
    departments = demo_matrix().departments
    login = f"lead_{team_url.rsplit('/', 1)[1]}"
    change_members(published, add=(login, "lead", [departments[0].name]), password="lead-pw")
    as_lead = ServerAddress(published.url.replace("cxadmin@", f"{login}@"), published.name,
                            "lead-pw")
    lead = ServerDocument.connect(as_lead)
    try:
        matrix = lead.matrix
        tid, did = next((t.id, d.id) for t in matrix.iter_touchpoints()
                        for d in matrix.departments[1:] if matrix.role(t.id, d.id) is not None
                        and not matrix.note(t.id, d.id))
        before = matrix.role(tid, did)
        with pytest.raises(ServerPermissionDenied, match="only your departments' columns"):
            lead.set_role(tid, did, None)
        assert lead.matrix.role(tid, did) is before
        assert transfer.read_matrix(published).role(tid, did) is before
        # Its own column: the same kind of delete goes through.
        own = departments[0].id
        mine = next(t.id for t in matrix.iter_touchpoints() if matrix.role(t.id, own)
                    is not None and not matrix.note(t.id, own))
        lead.set_role(mine, own, None)
        assert transfer.read_matrix(published).role(mine, own) is None
    finally:
        lead.close()
