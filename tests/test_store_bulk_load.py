"""The loader's bulk path (touchpoints and cells read a table at a time, checked a column at a
time) loads exactly what the checked path (value by value) loads, and hands every file it
does not accept at once to the checked path, so that each refusal keeps its message.

Each damaged file is made with sqlite3 behind cxmatrix's back, as another program could.
"""

from __future__ import annotations

import sqlite3
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from cxmatrix.domain import Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Touchpoint
from cxmatrix.store import CorruptDocument, Document
from cxmatrix.store import load as loader


def written(tmp: Path, *statements: str) -> Path:
    path = tmp / "probe.cxm"
    matrix = generate_matrix(30, 6, seed=11)
    tids = [tp.id for tp in matrix.iter_touchpoints()]
    departments = [d.id for d in matrix.departments]
    matrix.set_note(tids[0], departments[0], "a note on a cell with or without a role")
    matrix.set_note(tids[3], departments[2], "ünïcödé ✓")
    matrix.set_role(tids[4], departments[1], None)
    matrix.set_note(tids[4], departments[1], "a note alone")
    matrix.set_role(tids[5], departments[3], Role.HANDLE)
    Document.create(path, matrix).close()
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return path


def both_paths(path: Path) -> tuple[object, object]:
    """What each path makes of the file: the matrix's content, or the refusal's message."""
    outcomes: list[object] = []
    for bulk in (True, False):
        db = sqlite3.connect(path)
        try:
            counts = loader._counts(db, path)
            matrix = loader._load(db, path, counts, bulk=bulk)
            outcomes.append((matrix.content(), matrix.plan_content(), matrix.next_free_id,
                             [tp.id for tp in matrix.iter_touchpoints()]))
        except loader._Irregular:
            outcomes.append("irregular")
        except CorruptDocument as error:
            outcomes.append(str(error))
        finally:
            db.close()
    return outcomes[0], outcomes[1]


def test_bulk_path_loads_what_the_checked_path_loads(tmp_path: Path) -> None:
    bulk, checked = both_paths(written(tmp_path))
    assert bulk == checked
    assert isinstance(bulk, tuple)
    # and the document opened normally is that matrix, with its notes and roles
    with Document.open(tmp_path / "probe.cxm", read_only=True) as document:
        assert document.matrix.content() == bulk[0]
        assert "a note alone" in document.matrix.notes.values()


def test_empty_cell_rows_are_accepted_by_both_paths(tmp_path: Path) -> None:
    path = written(tmp_path, "INSERT INTO cell (touchpoint_id, department_id, role, note) SELECT "
                   "t.id, d.id, NULL, '' FROM touchpoint t, department d WHERE NOT EXISTS "
                   "(SELECT 1 FROM cell c WHERE c.touchpoint_id = t.id AND c.department_id "
                   "= d.id) LIMIT 5")
    bulk, checked = both_paths(path)
    assert bulk == "irregular"  # the rows neither bulk query reads: the checked path decides
    assert isinstance(checked, tuple)
    with Document.open(path, read_only=True) as document:
        assert (document.matrix.content(), document.matrix.plan_content()) == checked[:2]


FIRST_ROLE = ("(touchpoint_id, department_id) = (SELECT touchpoint_id, department_id FROM "
              "cell WHERE role IS NOT NULL ORDER BY touchpoint_id, department_id LIMIT 1)")
FIRST_TP = "(SELECT min(id) FROM touchpoint)"
DAMAGE = {
    "blob role letter": f"UPDATE cell SET role = x'4f' WHERE {FIRST_ROLE}",
    "integer role": f"UPDATE cell SET role = 1 WHERE {FIRST_ROLE}",
    "empty role": f"UPDATE cell SET role = '' WHERE {FIRST_ROLE}",
    "department id as odd text": "UPDATE cell SET department_id = '1_0' WHERE "
                                 f"{FIRST_ROLE}",
    "department id as a real": "UPDATE cell SET department_id = department_id + 0.5 WHERE "
                               f"{FIRST_ROLE}",
    "empty cell of a missing touchpoint": "INSERT INTO cell (touchpoint_id, department_id, "
                                          "role, note) VALUES (999999, (SELECT min(id) FROM "
                                          "department), NULL, '')",
    "note a little too long": "UPDATE cell SET note = printf('%.*c', 100001, 'n') WHERE "
                              f"{FIRST_ROLE}",
    "note of a missing department": "INSERT INTO cell (touchpoint_id, department_id, role, "
                                    f"note) VALUES ({FIRST_TP}, 999999, NULL, 'lost')",
    "note as a blob": f"UPDATE cell SET note = x'6e' WHERE {FIRST_ROLE}",
    "touchpoint position as text": f"UPDATE touchpoint SET position = 'x' WHERE id = {FIRST_TP}",
    "touchpoint peak as a real": f"UPDATE touchpoint SET peak = 0.5 WHERE id = {FIRST_TP}",
    "touchpoint name of spaces": f"UPDATE touchpoint SET name = '   ' WHERE id = {FIRST_TP}",
    "touchpoint in a missing stage": f"UPDATE touchpoint SET stage_id = 999999 WHERE id = "
                                     f"{FIRST_TP}",
    "touchpoint description too long": "UPDATE touchpoint SET description = printf('%.*c', "
                                       f"100001, 'd') WHERE id = {FIRST_TP}",
    "touchpoint notes far too long": "UPDATE touchpoint SET notes = printf('%.*c', 3000000, "
                                     f"'d') WHERE id = {FIRST_TP}",
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_what_the_bulk_path_does_not_accept_is_refused_as_the_checked_path_refuses(
        tmp_path: Path, damage: str) -> None:
    path = written(tmp_path, "PRAGMA foreign_keys = OFF", DAMAGE[damage])
    bulk, checked = both_paths(path)
    assert bulk == "irregular"
    assert isinstance(checked, str) and "is damaged" in checked, checked
    with pytest.raises(CorruptDocument) as caught:
        Document.open(path)
    assert str(caught.value) == checked


# ---- rows taken on the way (the team server's copy) ------------------------------------------


def fetched_from(db: sqlite3.Connection, batch: int = 7) -> loader.FetchedRows:
    """The touchpoints and cells as a copy into ``db`` would show them: a table's columns in
    table order, a few rows at a time, the flags as booleans (as PostgreSQL gives them)."""
    fetched = loader.FetchedRows()
    for table in loader.FetchedRows.TABLES:
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
        rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
        if table == "touchpoint":
            flags = [columns.index("peak"), columns.index("is_end")]
            rows = [tuple(bool(v) if i in flags and isinstance(v, int) else v
                          for i, v in enumerate(row)) for row in rows]
        for start in range(0, len(rows), batch):
            fetched.add(table, columns, rows[start:start + batch])
    return fetched


def test_rows_taken_on_the_way_load_what_the_file_loads(tmp_path: Path) -> None:
    path = written(tmp_path)
    db = sqlite3.connect(path)
    try:
        fetched = fetched_from(db)
        db.execute("DELETE FROM cell")  # what is loaded comes from the rows taken
        db.execute("DELETE FROM touchpoint")
        counts = loader._counts(sqlite3.connect(path), path)
        matrix = loader._load(db, path, counts, bulk=True, fetched=fetched)
    finally:
        db.close()
    with Document.open(path, read_only=True) as document:
        assert matrix.content() == document.matrix.content()
        assert [tp.id for tp in matrix.iter_touchpoints()] == [
            tp.id for tp in document.matrix.iter_touchpoints()]
        assert matrix.roles == document.matrix.roles
        assert list(matrix.roles) == list(document.matrix.roles)  # in the same order


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_rows_taken_on_the_way_are_checked_as_a_file_is(tmp_path: Path, damage: str) -> None:
    path = written(tmp_path, "PRAGMA foreign_keys = OFF", DAMAGE[damage])
    _bulk, checked = both_paths(path)
    db = sqlite3.connect(path)
    try:
        fetched = fetched_from(db)
        with pytest.raises(loader._Irregular):
            loader._load(db, path, loader._counts(db, path), bulk=True, fetched=fetched)
        with pytest.raises(CorruptDocument) as caught:  # the copy decides, value by value
            loader.load_matrix(db, path, fetched_from(db))
    finally:
        db.close()
    assert str(caught.value) == checked


BATCH = loader.batch_rows("cell")


@pytest.mark.parametrize("cells", [0, 1, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH + 3])
@pytest.mark.parametrize("with_notes", [False, True])
def test_cells_written_in_batches_are_every_cell_once(tmp_path: Path, cells: int,
                                                      with_notes: bool) -> None:
    """The cells go in several rows to a statement and the last few one at a time: each
    count around a batch's size writes exactly the matrix's cells, in key order."""
    matrix = generate_matrix(60, 10, seed=3)
    for tid in [tp.id for tp in matrix.iter_touchpoints()]:
        for did in list(matrix.row_roles(tid)):
            matrix.set_role(tid, did, None)
    departments = [d.id for d in matrix.departments]
    roles = (Role.OWN, Role.INFLUENCE, Role.HANDLE)
    expected = []
    for n, tp in enumerate(list(matrix.iter_touchpoints())[: -(-cells // 10)]):
        for column, did in enumerate(departments[: min(10, cells - 10 * n)]):
            matrix.set_role(tp.id, did, roles[(n + column) % 3])
            expected.append((tp.id, did, roles[(n + column) % 3].value))
    if with_notes and expected:
        matrix.set_note(expected[-1][0], expected[-1][1], "the last cell's note")
    path = tmp_path / "batched.cxm"
    Document.create(path, matrix).close()
    db = sqlite3.connect(path)
    rows = db.execute("SELECT touchpoint_id, department_id, role, note FROM cell").fetchall()
    db.close()
    assert [row[:2] for row in rows] == sorted((tid, did) for tid, did, _ in expected)
    assert len(rows) == cells
    with Document.open(path) as document:
        assert document.matrix.roles == matrix.roles
        assert document.matrix.notes == matrix.notes


TOUCHPOINT_BATCH = loader.batch_rows("touchpoint")


@pytest.mark.parametrize("touchpoints", [1, TOUCHPOINT_BATCH - 1, TOUCHPOINT_BATCH,
                                         TOUCHPOINT_BATCH + 1, 2 * TOUCHPOINT_BATCH + 5])
def test_touchpoints_written_in_batches_are_every_touchpoint_once(tmp_path: Path,
                                                                  touchpoints: int) -> None:
    matrix = generate_matrix(touchpoints, 3, seed=5)
    path = tmp_path / "touchpoints.cxm"
    Document.create(path, matrix).close()
    with Document.open(path) as document:
        loaded = document.matrix
        assert [tp.id for tp in loaded.iter_touchpoints()] == [
            tp.id for tp in matrix.iter_touchpoints()]
        assert [tp.name for tp in loaded.iter_touchpoints()] == [
            tp.name for tp in matrix.iter_touchpoints()]
        assert loaded.roles == matrix.roles


def test_frozen_instances_are_the_dataclass_objects() -> None:
    """Touchpoints made a field at a time through the slots are equal to, hash as, read as
    and stay as frozen as those the dataclass makes."""
    rows = [(1, 10, "Sign up", "Web", "Online", "", True, False, "NPS", ""),
            (2, 10, "Pay", "", "", "Card", False, True, "", "note")]
    made = loader.frozen_instances(Touchpoint, len(rows), list(zip(*rows, strict=True)))
    expected = [Touchpoint(*row) for row in rows]
    assert made == expected
    assert list(map(hash, made)) == list(map(hash, expected))
    assert [repr(tp) for tp in made] == [repr(tp) for tp in expected]
    assert made[1].is_critical and made[0].peak is True and made[1].notes == "note"
    with pytest.raises(FrozenInstanceError):
        made[0].name = "Changed"  # type: ignore[misc]
    with pytest.raises(ValueError, match="10 fields"):
        loader.frozen_instances(Touchpoint, 1, [[1], [10]])


def test_the_cycle_collector_runs_again_after_a_load_and_a_refusal(tmp_path: Path) -> None:
    import gc

    good = written(tmp_path)
    assert gc.isenabled()
    with Document.open(good, read_only=True) as document:
        assert document.matrix.touchpoint_count == 30
    assert gc.isenabled()
    damaged = tmp_path / "damaged.cxm"
    damaged.write_bytes(good.read_bytes())
    db = sqlite3.connect(damaged)
    db.execute("UPDATE cell SET role = 'X' WHERE role IS NOT NULL")
    db.commit()
    db.close()
    with pytest.raises(CorruptDocument, match="is not a role"):
        Document.open(damaged, read_only=True)
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        Document.open(good, read_only=True).close()
        assert not gc.isenabled()
    finally:
        gc.enable()
