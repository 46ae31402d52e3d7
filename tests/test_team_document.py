"""Live team-server documents against a real PostgreSQL: edits seen by others, conflicts,
undo, permissions enforced by the server (also with raw SQL), a client killed mid-transaction,
the server restarted mid-session, and 20 concurrent clients without a lost update."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cxmatrix.domain.roles import Role
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.store import Document, ReadOnlyDocument
from cxmatrix.store.server import ServerAddress, parse_address, transfer
from cxmatrix.store.server.connection import (
    ServerConflict,
    ServerConnectionLost,
    ServerPermissionDenied,
)
from cxmatrix.store.server.document import ServerDocument
from cxmatrix.store.server.members import change_members

pytestmark = pytest.mark.team
WAIT = 30.0


@pytest.fixture
def published(team_url: str, tmp_path: Path) -> ServerAddress:
    path = tmp_path / "demo.cxm"
    Document.create(path, demo_matrix()).close()
    address = parse_address(team_url)
    transfer.publish(path, address, "Journey")
    return address.with_name("Journey")


@pytest.fixture
def open_documents() -> Iterator[list[ServerDocument]]:
    documents: list[ServerDocument] = []
    yield documents
    for document in documents:
        document.close()


def _open(address: ServerAddress, documents: list[ServerDocument]) -> ServerDocument:
    document = ServerDocument.connect(address)
    documents.append(document)
    return document


def _caught_up(document: ServerDocument) -> None:
    assert document.wait_for_news(WAIT)
    document.catch_up()


def _member(address: ServerAddress, login: str, role: str, departments: list[str]
            ) -> ServerAddress:
    change_members(address, add=(login, role, departments), password=f"{login}-pw")
    url = address.url.replace("cxadmin@", f"{login}@")
    return ServerAddress(url, address.name, f"{login}-pw")


def _login(address: ServerAddress, suffix: str) -> str:
    return f"{suffix}_{address.url.rsplit('/', 1)[1]}"


def test_an_edit_is_seen_by_the_other_client_with_a_note(
        published: ServerAddress, open_documents: list[ServerDocument]) -> None:
    first, second = _open(published, open_documents), _open(published, open_documents)
    tp = next(first.matrix.iter_touchpoints())
    dept = first.matrix.departments[2]
    changes, notes = [], []
    second.add_listener(changes.append)
    second.add_note_listener(notes.extend)
    old = first.matrix.role(tp.id, dept.id)
    new = Role.HANDLE if old is not Role.HANDLE else Role.INFLUENCE
    first.set_role(tp.id, dept.id, new)
    first.set_note(tp.id, dept.id, "agreed on Monday")
    while second.matrix.note(tp.id, dept.id) != "agreed on Monday":
        _caught_up(second)
    assert second.matrix.role(tp.id, dept.id) is new
    assert all((tp.id, dept.id) in c.cells and not c.everything for c in changes)
    assert f"cxadmin set {new.value.title()} on {tp.name}" in notes
    # A structural change arrives too (through the matrix's difference, not a reset).
    first.rename_department(dept.id, "Renamed team")
    while second.matrix.department(dept.id).name != "Renamed team":
        _caught_up(second)
    assert "cxadmin" in second.others_present()
    history = second.history(touchpoint_id=tp.id, department_id=dept.id)
    assert [e.table for e in history] == ["cell", "cell"] and history[0].who == "cxadmin"


def test_the_second_change_of_a_cell_is_refused_and_shows_the_new_value(
        published: ServerAddress, open_documents: list[ServerDocument]) -> None:
    anna = _login(published, "anna")
    support = demo_matrix().departments[3].name
    as_anna = _member(published, anna, "lead", [support])
    first = _open(as_anna, open_documents)
    second = _open(published, open_documents)
    tp = next(first.matrix.iter_touchpoints())
    dept = first.matrix.departments[3]
    target = Role.INFLUENCE if first.matrix.role(tp.id, dept.id) is not Role.INFLUENCE \
        else Role.HANDLE
    first.set_role(tp.id, dept.id, target)
    other = Role.OWN if target is not Role.OWN else Role.HANDLE
    with pytest.raises(ServerConflict, match=rf"{anna} \({support}\) changed this cell \d+ s "
                                             rf"ago: it is now {target.value.title()}"):
        second.set_role(tp.id, dept.id, other)
    assert second.matrix.role(tp.id, dept.id) is target
    # Now that it has seen the change, the second window may change the cell.
    second.set_role(tp.id, dept.id, other)
    # Undo of the first user's change is refused: somebody changed the cell since.
    _caught_up(first)
    with pytest.raises(ServerConflict, match="changed this cell"), first.undoing():
        first.set_role(tp.id, dept.id, None)
    assert first.matrix.role(tp.id, dept.id) is other
    pulled = transfer.read_matrix(published)
    assert pulled.role(tp.id, dept.id) is other


def test_permissions_hold_in_the_client_and_with_raw_sql(
        team_url: str, published: ServerAddress, open_documents: list[ServerDocument]) -> None:
    departments = demo_matrix().departments
    lead = _login(published, "lead")
    viewer = _login(published, "viewer")
    stranger = _login(published, "stranger")
    as_lead = _member(published, lead, "lead", [departments[0].name])
    as_viewer = _member(published, viewer, "viewer", [])
    with psycopg.connect(team_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {stranger} LOGIN PASSWORD 'stranger-pw'")
    document = _open(as_lead, open_documents)
    tp = next(document.matrix.iter_touchpoints())
    own, other = departments[0].id, departments[1].id
    document.set_role(tp.id, own, Role.OWN)
    before = document.matrix.role(tp.id, other)
    with pytest.raises(ServerPermissionDenied, match="only your departments' columns"):
        document.set_role(tp.id, other, Role.HANDLE if before is not Role.HANDLE else None)
    assert document.matrix.role(tp.id, other) is before
    with pytest.raises(ServerPermissionDenied):
        document.rename_department(own, "Ours now")
    viewing = _open(as_viewer, open_documents)
    with pytest.raises(ReadOnlyDocument):
        viewing.set_role(tp.id, own, None)

    schema = document.schema
    with psycopg.connect(as_lead.url, password=as_lead.password, autocommit=True) as raw:
        updated = raw.execute(f"UPDATE {schema}.cell SET role = 'H' WHERE department_id = %s",
                              (other,)).rowcount
        assert updated == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(f"INSERT INTO {schema}.cell (touchpoint_id, department_id, role, note) "
                        "VALUES (%s, %s, 'O', '')", (tp.id, other))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(f"UPDATE {schema}.department SET name = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(f"INSERT INTO {schema}.change_log (seq, tbl, op, row_key) "
                        "VALUES (999999, 'cell', 'U', '{}')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(f"UPDATE {schema}.member SET departments = '{{{other}}}'")
        assert raw.execute(f"UPDATE {schema}.cell SET note = 'raw' WHERE department_id = %s",
                           (own,)).rowcount >= 1
    with (psycopg.connect(as_viewer.url, password=as_viewer.password, autocommit=True) as raw,
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        raw.execute(f"UPDATE {schema}.cell SET role = 'H'")
    stranger_url = published.url.replace("cxadmin@", f"{stranger}@")
    with (psycopg.connect(stranger_url, password="stranger-pw", autocommit=True) as raw,
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        raw.execute(f"SELECT * FROM {schema}.cell")
    assert transfer.read_matrix(published).role(tp.id, other) is before


_KILLED_CLIENT = """
import sys, time, psycopg
conn = psycopg.connect(sys.argv[1])
conn.execute("SELECT set_config('cxmatrix.client', 'killed', false)")
conn.execute(f"UPDATE {sys.argv[2]}.cell SET note = 'half-made'")
conn.execute(f"UPDATE {sys.argv[2]}.department SET name = name || ' (half)'")
print("ready", flush=True)
time.sleep(120)
"""


def test_a_client_killed_mid_transaction_leaves_nothing_half_applied(
        team_url: str, published: ServerAddress, open_documents: list[ServerDocument]) -> None:
    document = _open(published, open_documents)
    child = subprocess.Popen([sys.executable, "-c", _KILLED_CLIENT, team_url, document.schema],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    finally:
        child.kill()
        child.wait(WAIT)
        if child.stdout is not None:
            child.stdout.close()
    tp = next(document.matrix.iter_touchpoints())
    dept = document.matrix.departments[0]
    document.set_note(tp.id, dept.id, "after the crash")  # the lock it held is gone
    matrix = transfer.read_matrix(published)
    assert all("(half)" not in d.name for d in matrix.departments)
    assert "half-made" not in {matrix.note(t.id, d.id) for t in matrix.iter_touchpoints()
                               for d in matrix.departments}
    assert matrix.note(tp.id, dept.id) == "after the crash"


def test_the_server_restarted_mid_session(team_cluster: object, published: ServerAddress,
                                          open_documents: list[ServerDocument]) -> None:
    document = _open(published, open_documents)
    tp = next(document.matrix.iter_touchpoints())
    dept = document.matrix.departments[1]
    document.set_note(tp.id, dept.id, "before the restart")
    statuses: list[bool] = []
    document.add_status_listener(lambda: statuses.append(document.connected))
    team_cluster.restart()  # type: ignore[attr-defined]
    with pytest.raises((ServerConnectionLost, ReadOnlyDocument)):
        document.set_note(tp.id, dept.id, "while it was down")
    assert document.read_only and not document.connected and statuses == [False]
    # Somebody else edits while this window is away.
    other = _open(published, open_documents)
    other.set_note(tp.id, dept.id, "by the other window")
    assert document.check_connection()
    assert statuses == [False, True] and not document.read_only
    assert document.matrix.note(tp.id, dept.id) == "by the other window"
    document.set_note(tp.id, dept.id, "after the restart")
    assert transfer.read_matrix(published).note(tp.id, dept.id) == "after the restart"


@pytest.mark.slow
def test_twenty_clients_concurrently_lose_no_update(
        published: ServerAddress, open_documents: list[ServerDocument]) -> None:
    clients = [_open(published, open_documents) for _ in range(20)]
    matrix = clients[0].matrix
    tps = [t.id for t in list(matrix.iter_touchpoints())[:6]]
    depts = [d.id for d in matrix.departments[:4]]
    roles = [Role.OWN, Role.INFLUENCE, Role.HANDLE, None]
    acknowledged: list[tuple[int, int, int, Role | None]] = []  # (seq, tp, dept, role)
    lock = threading.Lock()
    failures: list[BaseException] = []

    def work(index: int, document: ServerDocument) -> None:
        chance = random.Random(index)
        try:
            for _ in range(200):
                tid, did = chance.choice(tps), chance.choice(depts)
                role = chance.choice([r for r in roles if r is not document.matrix.role(
                    tid, did)])
                try:
                    document.set_role(tid, did, role)
                except ServerConflict:
                    continue
                with lock:
                    acknowledged.extend((s, tid, did, role) for s in document.last_commit)
                if document.has_news:
                    document.catch_up()
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not failures
    assert len({seq for seq, *_ in acknowledged}) == len(acknowledged) > 200
    start = demo_matrix()
    replay = {(t, d): start.role(t, d) for t in tps for d in depts}
    for _seq, tid, did, role in sorted(acknowledged, key=lambda a: a[0]):
        replay[(tid, did)] = role
    final = transfer.read_matrix(published)
    assert {(t, d): final.role(t, d) for t in tps for d in depts} == replay
    for client in clients:
        client.catch_up()
        assert {(t, d): client.matrix.role(t, d) for t in tps for d in depts} == replay


def test_a_lead_signs_off_their_own_departments_only(
        published: ServerAddress, open_documents: list[ServerDocument]) -> None:
    from datetime import date

    from cxmatrix.domain.signoff import SignOffState, agreement, department_signoff

    departments = demo_matrix().departments
    lead = _login(published, "maren")
    as_lead = _member(published, lead, "lead", [departments[0].name])
    document = _open(as_lead, open_documents)
    watcher = _open(published, open_documents)
    own, other = departments[0].id, departments[1].id
    # (The demo's own sign-offs: Marketing agreed by Priya Raman, Sales out of date.)
    other_before = document.matrix.signoffs.get(other)
    document.set_signoff(own, agreement(document.matrix, own, "Maren Lindqvist",
                                        date(2026, 1, 14)))
    while watcher.matrix.signoffs[own].lead != "Maren Lindqvist":
        _caught_up(watcher)
    seen = department_signoff(watcher.matrix, own)
    assert seen.state is SignOffState.AGREED and not seen.out_of_date
    assert watcher.matrix.signoffs[own].lead == "Maren Lindqvist"
    with pytest.raises(ServerPermissionDenied):
        document.set_signoff(other, agreement(document.matrix, other, "Maren Lindqvist",
                                              date(2026, 1, 14)))
    assert document.matrix.signoffs.get(other) == other_before
    # What was agreed is on the server for every later reader, and a later change of that
    # department's roles by the owner makes it out of date there too.
    tp = next(watcher.matrix.iter_touchpoints())
    before = watcher.matrix.role(tp.id, own)
    watcher.set_role(tp.id, own, Role.HANDLE if before is not Role.HANDLE else Role.INFLUENCE)
    pulled = transfer.read_matrix(published)
    assert pulled.signoffs[own].lead == "Maren Lindqvist"
    assert department_signoff(pulled, own).out_of_date
    assert pulled.signoffs.get(other) == other_before
