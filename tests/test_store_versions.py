"""The target layer and snapshots in the .cxm file: kept, reread, migrated, undone."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cxmatrix.domain import DomainError, Role
from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.store import statements as st
from cxmatrix.store.document import Document
from cxmatrix.store.errors import CorruptDocument, ReadOnlyDocument
from cxmatrix.store.format import SCHEMA_VERSION
from cxmatrix.store.migrate import format_4_to_5, format_7_to_8_pack_snapshot_cells

FIXTURES = Path(__file__).parent / "fixtures"


def planned(document: Document) -> tuple[int, int, int]:
    """Give a document a plan; returns (touchpoint, department, another department)."""
    m = document.matrix
    tp = next(m.iter_touchpoints()).id
    first, second = m.departments[0].id, m.departments[1].id
    document.set_target(tp, first, Role.OWN if m.role(tp, first) is not Role.OWN
                        else Role.INFLUENCE)
    document.set_target(tp, second, None if m.role(tp, second) is not None else Role.HANDLE)
    document.set_action(tp, first, Action("Dana Whitfield", date(2026, 3, 31),
                                          ActionStatus.IN_PROGRESS, "after the QBR"))
    document.set_planned_touchpoint(list(m.iter_touchpoints())[-1].id, True)
    document.set_planned_department(m.departments[-1].id, True)
    return tp, first, second


def test_the_target_layer_is_kept_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.cxm"
    with Document.create(path, generate_matrix(30, 5, seed=3)) as document:
        changes: list[MatrixChange] = []
        document.add_listener(changes.append)
        tp, first, _ = planned(document)
        assert changes[0].targets == {(tp, first)} and changes[2].actions == {(tp, first)}
        assert changes[3].touchpoints_planned and changes[4].departments_planned
        expected = document.matrix.content(), document.matrix.plan_content()
        assert document.matrix.has_plan
    with Document.open(path) as again:
        assert (again.matrix.content(), again.matrix.plan_content()) == expected
        # Clearing all of it leaves no rows behind.
        m = again.matrix
        again.set_targets([(t, d, m.role(t, d)) for t, row in dict(m.targets).items()
                           for d in row])
        again.set_action(tp, first, None)
        for t in list(m.planned_touchpoints):
            again.set_planned_touchpoint(t, False)
        for d in list(m.planned_departments):
            again.set_planned_department(d, False)
        assert not m.has_plan
    db = sqlite3.connect(path)
    for table in ("cell_target", "cell_action", "planned_touchpoint", "planned_department"):
        assert db.execute(st.COUNT[table]).fetchone() == (0,)
    db.close()


def test_marking_done_and_its_undo_are_written(tmp_path: Path) -> None:
    path = tmp_path / "done.cxm"
    with Document.create(path, generate_matrix(10, 4, seed=1)) as document:
        tp, first, _ = planned(document)
        before = document.matrix.content(), document.matrix.plan_content()
        target = document.matrix.target_role(tp, first)
        changes: list[MatrixChange] = []
        document.add_listener(changes.append)
        undo = document.complete_changes([(tp, first)])
        assert len(changes) == 1 and (tp, first) in changes[0].cells
        done = document.matrix.content(), document.matrix.plan_content()
    with Document.open(path) as again:
        assert (again.matrix.content(), again.matrix.plan_content()) == done
        assert again.matrix.role(tp, first) is target
        assert again.matrix.action(tp, first).status is ActionStatus.DONE  # type: ignore[union-attr]
        again.restore_plan_cells(undo)
    with Document.open(path) as third:
        assert (third.matrix.content(), third.matrix.plan_content()) == before


def test_deleting_and_restoring_keeps_the_plan_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "del.cxm"
    with Document.create(path, generate_matrix(10, 4, seed=2)) as document:
        tp, first, _ = planned(document)
        before = document.matrix.plan_content()
        snapshot = document.delete_touchpoint(tp)
        document.restore_touchpoint(snapshot)
        dept = document.delete_department(first)
        document.restore_department(dept)
        last = document.matrix.departments[-1].id
        document.restore_department(document.delete_department(last))
        stage = document.matrix.touchpoint(tp).stage_id
        document.restore_stage(document.delete_stage(stage))
        assert document.matrix.plan_content() == before
    with Document.open(path) as again:
        assert again.matrix.plan_content() == before


def test_format_4_to_5_only_adds_the_new_tables(tmp_path: Path) -> None:
    path = tmp_path / "v4.cxm"
    shutil.copy(FIXTURES / "schema_v4.cxm", path)
    db = sqlite3.connect(path)
    before = set(db.execute("SELECT type, name, sql FROM sqlite_master"))
    format_4_to_5(db)
    after = set(db.execute("SELECT type, name, sql FROM sqlite_master"))
    assert before <= after
    assert {name for _, name, _ in after - before} >= {
        "cell_target", "cell_action", "planned_touchpoint", "planned_department", "snapshot",
        "snapshot_touchpoint", "snapshot_cell_target"}  # the packed cells come with format 8
    format_4_to_5(db)  # again: nothing to add
    db.close()
    with Document.open(path) as document:
        assert document.matrix.prepared_by == "Robin Vale"
        assert not document.matrix.has_plan and document.snapshots() == []


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_every_earlier_format_takes_a_plan_and_snapshots(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.cxm"
    shutil.copy(FIXTURES / f"schema_v{version}.cxm", path)
    with Document.open(path) as document:
        planned(document)
        document.take_snapshot("Migrated")
        expected = document.matrix.plan_content()
    with Document.open(path) as again:
        assert again.matrix.plan_content() == expected
        assert again.snapshot("Migrated").matrix.plan_content() == expected


def test_a_snapshot_is_a_frozen_copy(tmp_path: Path) -> None:
    path = tmp_path / "snap.cxm"
    with Document.create(path, generate_matrix(40, 6, seed=5)) as document:
        planned(document)
        jan = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
        changes: list[MatrixChange] = []
        document.add_listener(changes.append)
        info = document.take_snapshot("  Agreed with the leadership team,\nJan 2026 ",
                                      note="QBR", taken=jan)
        assert changes == [MatrixChange(snapshots=frozenset({info.id}))]
        assert info.name == "Agreed with the leadership team, Jan 2026" and info.taken == jan
        frozen = document.matrix.content(), document.matrix.plan_content()
        document.set_role(next(document.matrix.iter_touchpoints()).id,
                          document.matrix.departments[2].id, Role.HANDLE)
        document.rename_department(document.matrix.departments[0].id, "Renamed")
        later = document.take_snapshot("Later")
        with pytest.raises(DomainError, match="already a snapshot"):
            document.take_snapshot("agreed with the leadership team,  jan 2026")
        assert [s.name for s in document.snapshots()] == [info.name, "Later"]
        loaded = document.snapshot(info.name)
        assert (loaded.matrix.content(), loaded.matrix.plan_content()) == frozen
        assert loaded.note == "QBR" and loaded.taken == jan
        assert document.snapshot(later.id).matrix.content() == document.matrix.content()
        assert document.snapshot(str(later.id)).id == later.id
        with pytest.raises(DomainError, match="no snapshot 'March'"):
            document.snapshot("March")
        assert info.figures.touchpoints == 40 - 1  # the planned touchpoint is not today's
        assert info.planned_changes == 2
    with Document.open(path, read_only=True) as reader:
        assert reader.snapshot(info.id).matrix.content() == frozen[0]
        with pytest.raises(ReadOnlyDocument):
            reader.take_snapshot("Not here")


def test_rename_delete_undelete_and_purge(tmp_path: Path) -> None:
    path = tmp_path / "list.cxm"
    with Document.create(path, generate_matrix(10, 3, seed=6)) as document:
        first = document.take_snapshot("January")
        second = document.take_snapshot("February")
        assert document.rename_snapshot(first.id, "Jan 2026") == "January"
        with pytest.raises(DomainError):
            document.rename_snapshot(first.id, "february")
        removed = document.delete_snapshot(second.id)
        assert removed.name == "February"
        assert [s.name for s in document.snapshots()] == ["Jan 2026"]
        document.undelete_snapshot(second.id)
        assert [s.name for s in document.snapshots()] == ["Jan 2026", "February"]
        document.delete_snapshot(second.id)
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM snapshot").fetchone() == (1,)
    assert db.execute("SELECT count(DISTINCT snapshot_id) FROM snapshot_cell_pack"
                      ).fetchone() == (1,)
    db.close()


def test_restore_as_a_new_file_and_replace_keeps_snapshots(tmp_path: Path) -> None:
    path = tmp_path / "restore.cxm"
    with Document.create(path, generate_matrix(12, 4, seed=7)) as document:
        planned(document)
        info = document.take_snapshot("Before the merge")
        frozen = document.matrix.content(), document.matrix.plan_content()
        document.replace_matrix(generate_matrix(20, 5, seed=8))
        assert document.snapshots()[0].id == info.id
        copy = document.restore_snapshot_as(info.id, tmp_path / "restored.cxm")
    with Document.open(copy) as restored:
        assert (restored.matrix.content(), restored.matrix.plan_content()) == frozen
        assert restored.snapshots() == []


def test_a_damaged_snapshot_is_named_and_the_document_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "bad.cxm"
    with Document.create(path, generate_matrix(5, 3, seed=9)) as document:
        document.take_snapshot("Damaged")
    db = sqlite3.connect(path)
    db.execute("UPDATE snapshot_touchpoint SET name = x'00ff'")
    db.commit()
    db.close()
    with Document.open(path) as document:
        with pytest.raises(CorruptDocument, match=r"snapshot 'Damaged'.*touchpoint"):
            document.snapshot("Damaged")
        assert document.matrix.touchpoint_count == 5
        document.set_role(next(document.matrix.iter_touchpoints()).id,
                          document.matrix.departments[0].id, Role.OWN)  # writes the main table


def test_a_snapshot_grows_the_file_by_no_more_than_the_matrix_tables(tmp_path: Path) -> None:
    path = tmp_path / "size.cxm"
    with Document.create(path, generate_matrix(2_000, 20, seed=10)) as document:
        document.take_snapshot("Size")
    db = sqlite3.connect(path)
    sizes = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    db.close()
    own = sum(size for name, size in sizes.items()
              if name in st.TABLE_NAMES or name.startswith(("ix_", "sqlite_autoindex_cell")))
    copies = sum(size for name, size in sizes.items()
                 if name.startswith(("snapshot_", "sqlite_autoindex_snapshot")))
    assert copies <= own


def test_snapshots_are_taken_renamed_and_deleted_with_sqlite3_alone(tmp_path: Path) -> None:
    """A snapshot's statements are SQL text: taking, renaming and deleting one in a fresh
    process loads no SQLAlchemy (half a second of imports), and a deleted one is purged when
    the file is closed, as after other writes."""
    import subprocess
    import sys

    path = tmp_path / "plain.cxm"
    Document.create(path, generate_matrix(10, 3, seed=7)).close()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cxmatrix.store.document import Document\n"
        f"with Document.open(Path({str(path)!r})) as d:\n"
        "    a = d.take_snapshot('January')\n"
        "    b = d.take_snapshot('February')\n"
        "    d.rename_snapshot(a.id, 'Jan 2026')\n"
        "    d.delete_snapshot(b.id)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    db = sqlite3.connect(path)
    assert db.execute("SELECT name FROM snapshot").fetchall() == [("Jan 2026",)]
    assert db.execute("SELECT count(DISTINCT snapshot_id) FROM snapshot_cell_pack"
                      ).fetchone() == (1,)
    db.close()
    with Document.open(path, read_only=True) as reader:
        assert [s.name for s in reader.snapshots()] == ["Jan 2026"]


def _snapshot_cells(db: sqlite3.Connection) -> dict[str, dict[tuple[int, int], tuple[object, ...]]]:
    """Every snapshot's cells as formats 5 to 7 kept them, by snapshot name."""
    rows = db.execute("SELECT s.name, c.touchpoint_id, c.department_id, c.role, c.note "
                      "FROM snapshot_cell c JOIN snapshot s ON s.id = c.snapshot_id")
    found: dict[str, dict[tuple[int, int], tuple[object, ...]]] = {}
    for name, tid, did, role, note in rows:
        found.setdefault(name, {})[(tid, did)] = (role, note)
    return found


_SNAPSHOTS_OF = {5: {"Agreed in April"}, 6: {"Agreed in April", "Agreed in May"},
                 7: {"Agreed in April", "Agreed in May", "Agreed in June"}}


@pytest.mark.parametrize("version", sorted(_SNAPSHOTS_OF))
def test_snapshots_of_formats_5_to_7_are_packed_with_every_cell_and_note(
        tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.cxm"
    shutil.copy(FIXTURES / f"schema_v{version}.cxm", path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (version,)
    before = _snapshot_cells(db)
    db.close()
    assert set(before) == _SNAPSHOTS_OF[version]
    assert any(role is None and note for cells in before.values()
               for role, note in cells.values())
    with Document.open(path) as document:
        for name, cells in before.items():
            m = document.snapshot(name).matrix
            got = {(t, d): (m.role(t, d), m.note(t, d)) for t, d in cells}
            assert got == {key: (None if role is None else _ROLE_BY_LETTER[str(role)], note)
                           for key, (role, note) in cells.items()}
            assert sum(len(row) for row in m.roles.values()) == sum(
                role is not None for role, _ in cells.values())
        document.take_snapshot("After the upgrade")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (8,)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "snapshot_cell" not in tables and "snapshot_cell_pack" in tables
    assert db.execute("SELECT count(DISTINCT snapshot_id) FROM snapshot_cell_pack"
                      ).fetchone() == (len(before) + 1,)
    db.close()


def test_format_7_to_8_packs_the_cells_and_keeps_comments_and_signoffs(tmp_path: Path) -> None:
    """The v7 fixture: its comments and sign-offs, live and in the snapshot that has them,
    are what they were; the step alone changes only the snapshot cells' tables, and a
    second run changes nothing."""
    path = tmp_path / "v7.cxm"
    shutil.copy(FIXTURES / "schema_v7.cxm", path)
    db = sqlite3.connect(path)
    comments = db.execute("SELECT uid, touchpoint_id, department_id, author, at, body "
                          "FROM touchpoint_comment ORDER BY uid").fetchall()
    kept_comments = db.execute(
        "SELECT uid, touchpoint_id, department_id, author, at, body FROM "
        "snapshot_touchpoint_comment WHERE snapshot_id = 3 ORDER BY uid").fetchall()
    signoffs = db.execute("SELECT * FROM signoff ORDER BY department_id").fetchall()
    db.close()
    assert len(comments) == 2 and kept_comments == comments and len(signoffs) == 2
    copy = tmp_path / "step.cxm"
    shutil.copy(path, copy)
    db = sqlite3.connect(copy)
    schema_before = set(db.execute("SELECT type, name, sql FROM sqlite_master"))
    format_7_to_8_pack_snapshot_cells(db)
    db.commit()
    schema_after = set(db.execute("SELECT type, name, sql FROM sqlite_master"))
    assert {name for _, name, _ in schema_before - schema_after} == {"snapshot_cell"}
    assert {name for _, name, _ in schema_after - schema_before} == {"snapshot_cell_pack"}
    format_7_to_8_pack_snapshot_cells(db)  # again: nothing to pack
    assert set(db.execute("SELECT type, name, sql FROM sqlite_master")) == schema_after
    db.close()
    with Document.open(path) as document:
        m = document.matrix
        assert sorted((c.uid, c.author, c.text) for c in m.comments.values()) == sorted(
            (uid, author, body) for uid, _, _, author, _, body in comments)
        assert {d: s.lead for d, s in m.signoffs.items()} == {
            row[0]: row[2] for row in signoffs}
        june = document.snapshot("Agreed in June").matrix
        assert june.comments == m.comments
        assert {d: s.lead for d, s in june.signoffs.items()} == {d: s.lead for d, s
                                                                in m.signoffs.items()}


_ROLE_BY_LETTER = {"O": Role.OWN, "I": Role.INFLUENCE, "H": Role.HANDLE}


def test_a_snapshot_grows_the_file_by_less_than_the_cells_own_size(tmp_path: Path) -> None:
    """Issue 14: taking a snapshot grows the file by no more than the cell table's own size
    (its pages, without its index), here at the shape of the issue's L matrix (50
    departments, 15 cells a touchpoint): the cells are packed one row per touchpoint."""
    path = tmp_path / "growth.cxm"
    matrix = generate_matrix(2_000, 50, seed=11)
    tps = list(matrix.iter_touchpoints())
    matrix.set_note(tps[0].id, matrix.departments[0].id, "a note on a cell")
    with Document.create(path, matrix) as document:
        document.set_target(tps[1].id, matrix.departments[1].id, Role.OWN)
    size = path.stat().st_size
    with Document.open(path) as document:
        document.take_snapshot("Growth")
        expected = document.matrix.content(), document.matrix.plan_content()
    db = sqlite3.connect(path)
    (cell_bytes,) = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'cell'").fetchone()
    db.close()
    assert path.stat().st_size - size <= cell_bytes
    with Document.open(path) as again:
        kept = again.snapshot("Growth").matrix
        assert (kept.content(), kept.plan_content()) == expected


def test_a_damaged_packed_row_is_refused_naming_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "packed.cxm"
    with Document.create(path, generate_matrix(6, 4, seed=12)) as document:
        document.take_snapshot("Short")
        document.take_snapshot("Letters")
        document.take_snapshot("Not JSON")
    db = sqlite3.connect(path)
    db.execute("UPDATE snapshot_cell_pack SET roles = substr(roles, 2) WHERE snapshot_id = 1")
    db.execute("UPDATE snapshot_cell_pack SET roles = replace(roles, 'O', '?') "
               "WHERE snapshot_id = 2")
    db.execute("UPDATE snapshot_cell_pack SET departments = '[1,' WHERE snapshot_id = 3")
    db.commit()
    db.close()
    with Document.open(path) as document:
        for name in ("Short", "Letters"):
            with pytest.raises(CorruptDocument, match=rf"snapshot '{name}'.*cell"):
                document.snapshot(name)
        with pytest.raises(CorruptDocument, match="snapshots cannot be read"):
            document.snapshot("Not JSON")
        assert document.matrix.touchpoint_count == 6
