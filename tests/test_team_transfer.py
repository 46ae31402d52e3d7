"""The team server's setup and transfers against a real PostgreSQL: init, publish, pull,
list, members, check/export/diff of a server matrix, and the clear refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from cxmatrix.cli import main
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.store import Document
from cxmatrix.store.server import ServerError, parse_address, transfer

pytestmark = pytest.mark.team


def _demo_file(folder: Path) -> Path:
    path = folder / "demo.cxm"
    with Document.create(path, demo_matrix()) as document:
        tp = next(document.matrix.iter_touchpoints())
        dept = document.matrix.departments[1]
        document.set_target(tp.id, dept.id, Role.OWN)
        document.set_planned_department(document.matrix.departments[-1].id, True)
        document.take_snapshot("Agreed in January", note="with the leadership team")
    return path


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        names = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(connection.execute(f'SELECT * FROM "{n}"'), key=repr) for n in names}
    finally:
        connection.close()


def _schema(path: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                  "ORDER BY type, name").fetchall()
    finally:
        connection.close()


def test_publish_then_pull_gives_back_the_same_file(team_url: str, tmp_path: Path) -> None:
    original = _demo_file(tmp_path)
    assert main(["publish", str(original), team_url, "--name", "Customer journey"]) == 0
    pulled = tmp_path / "pulled.cxm"
    assert main(["pull", team_url, "Customer journey", "-o", str(pulled)]) == 0
    assert _tables(pulled) == _tables(original)
    # The same schema too: the indexes made after the rows went in are all there.
    assert _schema(pulled) == _schema(original)
    with Document.open(pulled) as document:
        assert [s.name for s in document.snapshots()] == ["Agreed in January"]
        assert document.matrix.touchpoint_count == demo_matrix().touchpoint_count


def test_list_check_export_and_diff_read_server_matrices(team_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    original = _demo_file(tmp_path)
    transfer.publish(original, parse_address(team_url), "Journey")
    capsys.readouterr()
    assert main(["server", "list", team_url]) == 0
    assert capsys.readouterr().out.startswith("Journey\tpublished ")
    assert main(["check", f"{team_url}#Journey"]) == main(["check", str(original)])
    capsys.readouterr()
    out = tmp_path / "journey.csv"
    assert main(["export", f"{team_url}#Journey", str(out)]) == 0
    assert out.read_text(encoding="utf-8-sig").count("\n") > 10
    assert main(["diff", str(original), f"{team_url}#Journey"]) == 0
    assert "No differences" in capsys.readouterr().out


def test_refusals_are_one_clear_line(team_cluster: object, team_url: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    original = _demo_file(tmp_path)
    address = parse_address(team_url)
    transfer.publish(original, address, "Journey")
    with pytest.raises(ServerError, match="already has a matrix called 'Journey'"):
        transfer.publish(original, address, "Journey")
    with pytest.raises(ServerError, match="has no matrix called 'Other'; it has Journey"):
        transfer.pull(address.with_name("Other"), tmp_path / "x.cxm")
    assert not (tmp_path / "x.cxm").exists()
    wrong = team_url.replace(":admin-secret@", ":wrong@")
    assert main(["server", "list", wrong]) == 2
    assert "refused the user name or password" in capsys.readouterr().err
    port = team_cluster.port  # type: ignore[attr-defined]
    refused = team_url.replace(f":{port}/", ":1/")
    assert main(["server", "list", refused]) == 2
    assert "refused the connection" in capsys.readouterr().err
    # A database that is not a cxmatrix database, and one of a newer version.
    plain = team_cluster.create_database("plain_db")  # type: ignore[attr-defined]
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    assert main(["server", "list", plain]) == 2
    assert "is not a cxmatrix team server" in capsys.readouterr().err
    assert main(["server", "init", plain]) == 2
    assert "is not empty and not a cxmatrix database" in capsys.readouterr().err
    with psycopg.connect(team_url, autocommit=True) as conn:
        conn.execute("UPDATE cxmatrix.info SET value = '99' WHERE key = 'version'")
    assert main(["server", "list", team_url]) == 2
    assert "newer team-server schema (version 99)" in capsys.readouterr().err
    assert main(["server", "init", team_url]) == 2
    assert "newer team-server schema" in capsys.readouterr().err


def test_members_are_listed_and_changed_by_the_owner_only(team_url: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    original = _demo_file(tmp_path)
    address = parse_address(team_url)
    transfer.publish(original, address, "Journey")
    department = demo_matrix().departments[0].name
    monkeypatch.setenv("LEAD_PASSWORD", "lead-secret")
    lead = f"lead_{address.url.rsplit('/', 1)[1]}"
    capsys.readouterr()
    assert main(["members", f"{team_url}#Journey", "--add", lead, "--role", "lead",
                 "--departments", department, "--password-env", "LEAD_PASSWORD"]) == 0
    out = capsys.readouterr().out
    assert f"{lead}: lead of {department}" in out
    assert "cxadmin: owner" in out
    as_lead = team_url.replace("cxadmin:admin-secret", f"{lead}:lead-secret")
    assert main(["members", f"{as_lead}#Journey", "--add", "somebody", "--role", "owner",
                 "--password-env", "LEAD_PASSWORD"]) == 2
    assert "only an owner" in capsys.readouterr().err
    assert main(["members", f"{team_url}#Journey", "--add", lead, "--role", "lead",
                 "--departments", "Nowhere"]) == 2
    assert "has no department 'Nowhere'" in capsys.readouterr().err


def test_a_version_2_server_packs_its_snapshot_cells_on_init(team_url: str,
                                                             tmp_path: Path) -> None:
    """Team-server version 3 keeps a snapshot's cells packed one row per touchpoint, as the
    file does from format 8; ``server init`` packs the rows of a version 2 server's
    ``snapshot_cell`` (one row per cell) and drops it, and the snapshots read back as they
    were."""
    from cxmatrix.store.server.document import ServerDocument

    path = _demo_file(tmp_path)
    with Document.open(path) as document:
        m = document.matrix
        tp = next(m.iter_touchpoints()).id
        empty = next(d.id for d in m.departments if m.role(tp, d.id) is None)
        document.set_note(tp, empty, "a note on a cell without a role, 'quoted' \"twice\" ü")
        document.set_role(tp, m.departments[0].id, Role.HANDLE)
        document.take_snapshot("With notes")
        expected = {s.name: document.snapshot(s.id).matrix for s in document.snapshots()}
    address = parse_address(team_url)
    transfer.publish(path, address, "Packed")
    with psycopg.connect(team_url, autocommit=True) as admin:  # as version 2 left it
        (schema,) = admin.execute("SELECT schema_name FROM cxmatrix.matrix_list").fetchone()
        admin.execute(f"SET search_path TO {schema}")
        admin.execute("""
            CREATE TABLE snapshot_cell (
                snapshot_id integer NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
                touchpoint_id integer NOT NULL, department_id integer NOT NULL,
                role varchar(1), note varchar(100000) NOT NULL DEFAULT '',
                revision bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (snapshot_id, touchpoint_id, department_id));
            INSERT INTO snapshot_cell (snapshot_id, touchpoint_id, department_id, role, note)
            SELECT p.snapshot_id, p.touchpoint_id, d.value::integer,
                   nullif(substr(p.roles, d.ord::integer, 1), '-'),
                   CASE WHEN p.notes = '' THEN '' ELSE p.notes::json ->> (d.ord::integer - 1)
                   END
            FROM snapshot_cell_pack p,
                 json_array_elements_text(p.departments::json) WITH ORDINALITY AS d(value, ord);
            DROP TABLE snapshot_cell_pack;
            UPDATE cxmatrix.info SET value = '2' WHERE key = 'version';
        """)
        (cells,) = admin.execute("SELECT count(*) FROM snapshot_cell").fetchone()
        assert cells == sum(sum(len(r) for r in s.roles.values()) for s in expected.values()) + 1
    with pytest.raises(ServerError, match=r"older team-server schema \(version 2\)"):
        transfer.read_matrix(address.with_name("Packed"))
    assert "migrated from team-server version 2 to 4" in transfer.init(address)
    with psycopg.connect(team_url, autocommit=True) as admin:
        tables = {t for (t,) in admin.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,))}
        assert "snapshot_cell" not in tables and "snapshot_cell_pack" in tables
    pulled = tmp_path / "pulled.cxm"
    transfer.pull(address.with_name("Packed"), pulled)
    with Document.open(pulled) as document:
        for info in document.snapshots():
            kept = document.snapshot(info.id).matrix
            assert (kept.content(), kept.plan_content()) == (
                expected[info.name].content(), expected[info.name].plan_content())
    live = ServerDocument.connect(address.with_name("Packed"))
    try:
        live.take_snapshot("On the server")
    finally:
        live.close()
    again = tmp_path / "again.cxm"
    transfer.pull(address.with_name("Packed"), again)
    with Document.open(again) as document:
        assert document.snapshot("On the server").matrix.content() == document.matrix.content()


def test_a_matrix_of_many_batches_comes_back_row_for_row(team_url: str, tmp_path: Path) -> None:
    # More cells and touchpoints than one multi-row INSERT of the working copy holds, and a
    # remainder that goes in one row at a time.
    matrix = demo_matrix()
    stage = matrix.stages[0]
    for n in range(1, 700):
        tp = matrix.add_touchpoint(stage.id, f"Extra touchpoint {n}", metric="CSAT")
        for index, department in enumerate(matrix.departments[:3]):
            matrix.set_role(tp.id, department.id, (Role.OWN, Role.INFLUENCE, Role.HANDLE)[index])
    original = tmp_path / "many.cxm"
    Document.create(original, matrix).close()
    assert main(["publish", str(original), team_url, "--name", "Many rows"]) == 0
    pulled = tmp_path / "pulled.cxm"
    assert main(["pull", team_url, "Many rows", "-o", str(pulled)]) == 0
    assert _tables(pulled) == _tables(original)
    read = transfer.read_matrix(parse_address(team_url + "#Many rows"))
    assert read.roles == matrix.roles
    assert read.touchpoint_count == matrix.touchpoint_count
