"""Comments on the team server: a department lead (and the owner) comments anywhere, even on
another department's cell; a viewer cannot; the other window sees a new comment when it
catches up, with a note; History lists it; the server enforces authorship with row-level
security, also against raw SQL; publish and pull carry comments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cxmatrix.domain.comments import new_comment
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.store import Document, ReadOnlyDocument
from cxmatrix.store.server import ServerAddress, parse_address, transfer
from cxmatrix.store.server.connection import ServerPermissionDenied
from cxmatrix.store.server.document import ServerDocument
from cxmatrix.store.server.members import change_members

pytestmark = pytest.mark.team
WAIT = 30.0


@pytest.fixture
def published(team_url: str, tmp_path: Path) -> ServerAddress:
    path = tmp_path / "demo.cxm"
    matrix = demo_matrix()
    tp = next(matrix.iter_touchpoints()).id
    matrix.add_comments([new_comment("Robin (file)", "Written offline", tp)])
    Document.create(path, matrix).close()
    address = parse_address(team_url)
    transfer.publish(path, address, "Talk")
    return address.with_name("Talk")


@pytest.fixture
def opened() -> Iterator[list[ServerDocument]]:
    documents: list[ServerDocument] = []
    yield documents
    for document in documents:
        document.close()


def _member(address: ServerAddress, login: str, role: str, departments: list[str]
            ) -> ServerAddress:
    change_members(address, add=(login, role, departments), password=f"{login}-pw")
    return ServerAddress(address.url.replace("cxadmin@", f"{login}@"), address.name,
                         f"{login}-pw")


def _login(address: ServerAddress, name: str) -> str:
    return f"{name}_{address.url.rsplit('/', 1)[1]}"


def test_a_lead_comments_anywhere_and_the_other_window_sees_it(
        published: ServerAddress, opened: list[ServerDocument]) -> None:
    departments = demo_matrix().departments
    anna = _login(published, "anna")
    as_anna = _member(published, anna, "lead", [departments[0].name])
    lead = ServerDocument.connect(as_anna)
    opened.append(lead)
    watcher = ServerDocument.connect(published)
    opened.append(watcher)
    assert [c.text for c in watcher.matrix.comments.values()] == ["Written offline"]
    assert lead.comment_author == anna
    tp = next(lead.matrix.iter_touchpoints())
    other = departments[2].id  # not Anna's column
    notes: list[str] = []
    watcher.add_note_listener(notes.extend)
    changes = []
    watcher.add_listener(changes.append)
    comment = new_comment(lead.comment_author, "Support hears about this first", tp.id, other)
    lead.add_comments([comment])
    while comment.uid not in watcher.matrix.comments:
        assert watcher.wait_for_news(WAIT)
        watcher.catch_up()
    assert watcher.matrix.comments_on(tp.id, other) == [comment]
    assert any(comment.uid in c.comments and not c.everything for c in changes)
    assert any(n.startswith(f"{anna} ({departments[0].name}) commented on {tp.name} "
                            f"({departments[2].name}): Support hears") for n in notes)
    assert [e.table for e in watcher.history(touchpoint_id=tp.id, department_id=other)] == [
        "touchpoint_comment"]
    assert "touchpoint_comment" in {e.table for e in watcher.history(touchpoint_id=tp.id)}
    # The owner comments too; the lead cannot remove the owner's comment, only their own.
    mine = new_comment(watcher.comment_author or "", "Agreed", tp.id)
    watcher.add_comments([mine])
    while mine.uid not in lead.matrix.comments:
        assert lead.wait_for_news(WAIT)
        lead.catch_up()
    assert not lead.may_remove_comment(mine) and lead.may_remove_comment(comment)
    with pytest.raises(ServerPermissionDenied, match="only your own comments"):
        lead.remove_comments([mine.uid])
    assert mine.uid in lead.matrix.comments
    lead.remove_comments([comment.uid])
    pulled = transfer.read_matrix(published)
    assert set(pulled.comments) == set(watcher.matrix.comments) - {comment.uid} | {mine.uid}
    assert pulled.comments[mine.uid] == mine
    # The owner removes anybody's comment (moderation), and the change log says who did.
    second = new_comment(lead.comment_author, "A second thought", tp.id, other)
    lead.add_comments([second])
    while second.uid not in watcher.matrix.comments:
        assert watcher.wait_for_news(WAIT)
        watcher.catch_up()
    assert watcher.may_remove_comment(second)
    watcher.remove_comments([second.uid])
    assert second.uid not in transfer.read_matrix(published).comments
    removal = watcher.history(touchpoint_id=tp.id, department_id=other)[-1]
    assert (removal.table, removal.op, removal.who) == ("touchpoint_comment", "D",
                                                        watcher.comment_author)
    assert watcher.note(removal) == (f"{watcher.comment_author} removed {anna} "
                                     f"({departments[0].name})'s comment on {tp.name}: "
                                     "A second thought")


def test_a_viewer_cannot_comment(published: ServerAddress, opened: list[ServerDocument]) -> None:
    as_viewer = _member(published, _login(published, "vic"), "viewer", [])
    viewer = ServerDocument.connect(as_viewer)
    opened.append(viewer)
    tp = next(viewer.matrix.iter_touchpoints()).id
    with pytest.raises(ReadOnlyDocument):
        viewer.add_comments([new_comment(viewer.comment_author or "", "Hello", tp)])


def test_comment_authorship_holds_against_raw_sql(
        team_url: str, published: ServerAddress, opened: list[ServerDocument]) -> None:
    departments = demo_matrix().departments
    lead = _login(published, "lee")
    viewer = _login(published, "val")
    as_lead = _member(published, lead, "lead", [departments[1].name])
    as_viewer = _member(published, viewer, "viewer", [])
    owner = ServerDocument.connect(published)
    opened.append(owner)
    schema = owner.schema
    tp = next(owner.matrix.iter_touchpoints()).id
    theirs = new_comment(owner.comment_author or "", "The owner's word", tp)
    owner.add_comments([theirs])
    insert = (f"INSERT INTO {schema}.touchpoint_comment (uid, touchpoint_id, department_id, "
              "author, at, body) VALUES (%s, %s, %s, %s, '2026-05-04T09:00:00+00:00', %s)")
    with psycopg.connect(as_lead.url, password=as_lead.password, autocommit=True) as raw:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(insert, ("f0rged", tp, None, "cxadmin", "in the owner's name"))
        assert raw.execute(f"UPDATE {schema}.touchpoint_comment SET body = 'changed' "
                           "WHERE uid = %s", (theirs.uid,)).rowcount == 0
        assert raw.execute(f"DELETE FROM {schema}.touchpoint_comment WHERE uid = %s",
                           (theirs.uid,)).rowcount == 0
        raw.execute(insert, ("own1", tp, departments[3].id, lead, "on another column"))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(f"UPDATE {schema}.touchpoint_comment SET author = 'cxadmin' "
                        "WHERE uid = 'own1'")
        assert raw.execute(f"UPDATE {schema}.touchpoint_comment SET body = 'reworded' "
                           "WHERE uid = 'own1'").rowcount == 1
    with (psycopg.connect(as_viewer.url, password=as_viewer.password, autocommit=True) as raw,
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        raw.execute(insert, ("v1ew", tp, None, viewer, "a viewer's word"))
    pulled = transfer.read_matrix(published)
    assert pulled.comments[theirs.uid] == theirs
    assert pulled.comments["own1"].text == "reworded" and pulled.comments["own1"].author == lead
    assert "v1ew" not in pulled.comments and "f0rged" not in pulled.comments


def test_publish_and_pull_carry_comments(published: ServerAddress, tmp_path: Path) -> None:
    target = tmp_path / "pulled.cxm"
    transfer.pull(published, target)
    with Document.open(target) as document:
        assert [c.text for c in document.matrix.comments.values()] == ["Written offline"]


def test_a_version_1_server_gains_the_comment_tables_on_init(
        team_url: str, published: ServerAddress, opened: list[ServerDocument]) -> None:
    from cxmatrix.store.server.connection import ServerError

    first = ServerDocument.connect(published)
    schema = first.schema
    first.close()
    with psycopg.connect(team_url, autocommit=True) as admin:  # as version 1 left it
        admin.execute(f"DROP TABLE {schema}.snapshot_touchpoint_comment, "
                      f"{schema}.touchpoint_comment")
        admin.execute("UPDATE cxmatrix.info SET value = '1' WHERE key = 'version'")
    with pytest.raises(ServerError, match=r"older team-server schema \(version 1\); run "
                                          r"'cxmatrix server init URL'"):
        ServerDocument.connect(published)
    assert "migrated from team-server version 1 to 4" in transfer.init(parse_address(team_url))
    lee = _login(published, "lee")
    as_lead = _member(published, lee, "lead", [demo_matrix().departments[0].name])
    lead = ServerDocument.connect(as_lead)
    opened.append(lead)
    tp = next(lead.matrix.iter_touchpoints()).id
    lead.add_comments([new_comment(lee, "After the upgrade", tp, demo_matrix().departments[1].id)])
    assert [c.text for c in transfer.read_matrix(published).comments.values()] == [
        "After the upgrade"]
    with (psycopg.connect(as_lead.url, password=as_lead.password, autocommit=True) as raw,
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        raw.execute(f"INSERT INTO {schema}.touchpoint_comment (uid, touchpoint_id, author, at, "
                    "body) VALUES ('x1', %s, 'cxadmin', '2026-05-04T09:00:00+00:00', 'forged')",
                    (tp,))


def test_a_version_3_server_lets_owners_remove_any_comment_after_init(
        team_url: str, published: ServerAddress, opened: list[ServerDocument]) -> None:
    from cxmatrix.store.server.connection import ServerError
    from cxmatrix.store.server.schema import OWNER_REMOVES

    owner = ServerDocument.connect(published)
    schema = owner.schema
    owner.close()
    with psycopg.connect(team_url, autocommit=True) as admin:  # as version 3 left it
        admin.execute(f"DROP POLICY {OWNER_REMOVES} ON {schema}.touchpoint_comment")
        admin.execute("UPDATE cxmatrix.info SET value = '3' WHERE key = 'version'")
    with pytest.raises(ServerError, match=r"older team-server schema \(version 3\)"):
        ServerDocument.connect(published)
    assert "migrated from team-server version 3 to 4" in transfer.init(parse_address(team_url))
    lee = _login(published, "lee")
    lead = ServerDocument.connect(_member(published, lee, "lead",
                                          [demo_matrix().departments[0].name]))
    opened.append(lead)
    tp = next(lead.matrix.iter_touchpoints()).id
    theirs = new_comment(lee, "Before the owner tidies up", tp)
    lead.add_comments([theirs])
    owner = ServerDocument.connect(published)
    opened.append(owner)
    owner.remove_comments([theirs.uid])
    assert theirs.uid not in transfer.read_matrix(published).comments
    assert owner.note(owner.history(touchpoint_id=tp)[-1]).startswith(
        f"{owner.comment_author} removed {lee} (")
