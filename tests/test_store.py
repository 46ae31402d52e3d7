"""The .cxm document store: round trips, transactions, notifications, bad files, migrations."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmatrix.domain import DomainError, Matrix, Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    CorruptDocument,
    Document,
    DocumentError,
    DocumentInUse,
    DocumentNotFound,
    DocumentWriteError,
    MatrixChange,
    NewerVersionDocument,
    NotADocument,
    ReadOnlyDocument,
)

FIXTURES = Path(__file__).parent / "fixtures"


def reopened_copy(document: Document) -> Matrix:
    """What the file holds now, read from a copy (the open document keeps its lock)."""
    copy = document.path.with_name("copy-" + document.path.name)
    document.save_copy(copy)
    with Document.open(copy) as again:
        return again.matrix


def reopened(document: Document) -> Matrix:
    path = document.path
    document.close()
    with Document.open(path) as again:
        return again.matrix


@pytest.fixture
def doc(tmp_path: Path) -> Document:
    document = Document.create(tmp_path / "m.cxm", generate_matrix(30, 6, seed=3))
    yield document
    document.close()


def test_create_and_open_round_trip(tmp_path: Path) -> None:
    matrix = generate_matrix(120, 9, seed=7)
    tp = next(matrix.iter_touchpoints())
    matrix.set_note(tp.id, matrix.departments[0].id, "a note on an empty cell")
    matrix.set_note(tp.id, matrix.departments[1].id, "note ✓ «ünïcode»")
    with Document.create(tmp_path / "a.cxm", matrix) as document:
        assert document.matrix.content() == matrix.content()
    with Document.open(tmp_path / "a.cxm") as document:
        assert document.matrix.content() == matrix.content()
        assert document.integrity_check() == "ok"
    header = sqlite3.connect(tmp_path / "a.cxm")
    assert header.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert header.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    header.close()


def test_create_refuses_existing_file_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "x.cxm"
    target.write_text("precious")
    with pytest.raises(DocumentError, match="already exists"):
        Document.create(target)
    assert target.read_text() == "precious"
    Document.create(target, overwrite=True).close()
    assert Document.open(target).matrix.touchpoint_count == 0


def test_every_operation_persists(doc: Document) -> None:
    m = doc.matrix
    stage = doc.add_stage("Advocacy", 1)
    doc.rename_stage(stage.id, "Advocacy & referrals")
    doc.move_stage(stage.id, 0)
    tp = doc.add_touchpoint(stage.id, "Referral programme", channel="Web", peak=True)
    doc.update_touchpoint(tp.id, metric="Referrals per quarter", notes="new")
    doc.rename_touchpoint(tp.id, "Referral programme launch")
    other_stage = m.stages[-1]
    doc.move_touchpoint(tp.id, other_stage.id, 0)
    dept = doc.add_department("Community", "COM", "Ana", 0)
    doc.update_department(dept.id, lead="Ana Lima", code="CMTY")
    doc.rename_department(dept.id, "Community team")
    doc.move_department(dept.id, 3)
    doc.set_role(tp.id, dept.id, Role.OWN)
    doc.set_note(tp.id, dept.id, "launch in Q3")
    doc.set_properties(title="Renamed", organisation="Org", focus_department_id=dept.id)
    doc.set_cells([(tp.id, d.id, Role.INFLUENCE) for d in m.departments[:2]])
    victim = next(t for t in m.iter_touchpoints() if t.id != tp.id)
    doc.delete_touchpoint(victim.id)
    doc.delete_department(m.departments[-1].id)
    doc.delete_stage(m.stages[1].id)
    expected = m.content()
    assert reopened(doc).content() == expected


def test_deletes_restore_exactly(doc: Document) -> None:
    m = doc.matrix
    original = m.content()
    tp = next(m.iter_touchpoints())
    doc.set_note(tp.id, m.departments[0].id, "keep me")
    original = m.content()
    snapshot = doc.delete_touchpoint(tp.id)
    doc.restore_touchpoint(snapshot)
    dept_snapshot = doc.delete_department(m.departments[0].id)
    doc.restore_department(dept_snapshot)
    stage_snapshot = doc.delete_stage(m.stages[0].id)
    doc.restore_stage(stage_snapshot)
    assert m.content() == original
    assert reopened(doc).content() == original


def test_deleting_every_stage_and_department_leaves_an_empty_matrix(doc: Document) -> None:
    # The last delete leaves no positions to renumber (once an empty executemany warning).
    m = doc.matrix
    for stage in list(m.stages):
        doc.delete_stage(stage.id)
    for dept in list(m.departments):
        doc.delete_department(dept.id)
    assert (len(m.stages), len(m.departments)) == (0, 0)
    assert reopened(doc).content() == m.content()


def test_focus_department_deleted_and_restored(doc: Document) -> None:
    focus = doc.matrix.departments[2]
    doc.set_properties(focus_department_id=focus.id)
    snapshot = doc.delete_department(focus.id)
    assert doc.matrix.focus_department_id is None
    doc.restore_department(snapshot)
    assert doc.matrix.focus_department_id == focus.id
    assert reopened(doc).focus_department.name == focus.name


def test_one_notification_per_operation(doc: Document) -> None:
    changes: list[MatrixChange] = []
    doc.add_listener(changes.append)
    tp = next(doc.matrix.iter_touchpoints())
    dept = doc.matrix.departments[0]
    doc.set_role(tp.id, dept.id, Role.HANDLE)
    assert changes == [MatrixChange(cells=frozenset({(tp.id, dept.id)}))]
    before = dict(doc.matrix.row_roles(tp.id))
    doc.set_cells([(tp.id, d.id, Role.OWN) for d in doc.matrix.departments])
    assert len(changes) == 2
    # Only the cells that were not Own already changed.
    assert changes[-1].cells == {(tp.id, d.id) for d in doc.matrix.departments
                                 if before.get(d.id) is not Role.OWN}
    assert not changes[-1].structure
    data = doc.add_department("Data")
    assert changes[-1] == MatrixChange(departments_inserted=frozenset({data.id}))
    assert changes[-1].structure and changes[-1].columns_changed
    doc.set_role(tp.id, dept.id, Role.OWN)  # what it already is: nothing to say
    assert len(changes) == 3


def test_findings_stay_current_through_the_document(doc: Document) -> None:
    tp = next(doc.matrix.iter_touchpoints())
    for dept in doc.matrix.departments:
        doc.set_role(tp.id, dept.id, None)
    assert any(f.code == "no-owner" for f in doc.findings.for_touchpoint(tp.id))
    doc.set_role(tp.id, doc.matrix.departments[0].id, Role.OWN)
    assert not any(f.code == "no-owner" for f in doc.findings.for_touchpoint(tp.id))


def test_refused_operation_changes_nothing(doc: Document) -> None:
    before = doc.matrix.content()
    with pytest.raises(DomainError):
        doc.add_department(doc.matrix.departments[0].name.upper())
    with pytest.raises(DomainError):
        doc.set_cells([(next(doc.matrix.iter_touchpoints()).id, doc.matrix.departments[0].id,
                        Role.OWN), (999_999, doc.matrix.departments[0].id, Role.OWN)])
    with pytest.raises(DomainError):
        doc.add_stage("   ")
    assert doc.matrix.content() == before
    assert reopened(doc).content() == before


def test_failure_mid_batch_rolls_back_file_and_memory(doc: Document) -> None:
    before = doc.matrix.content()
    changes: list[MatrixChange] = []
    doc.add_listener(changes.append)
    with pytest.raises(DomainError), doc.batch():
        doc.add_stage("Half done")
        doc.add_department("Also half done")
        doc.add_stage("half DONE")  # duplicate: refused
    assert doc.matrix.content() == before
    assert reopened(doc).content() == before
    # Listeners hear what differs from what they showed: the two half-done additions went.
    assert len(changes) == 1 and not changes[0].everything
    assert changes[0].stages_inserted and changes[0].departments_inserted


def test_refused_edit_neither_reloads_nor_notifies(doc: Document, monkeypatch) -> None:
    from cxmatrix.store import document as document_module

    changes: list[MatrixChange] = []
    doc.add_listener(changes.append)
    loads: list[object] = []
    real_load = document_module.load_matrix
    monkeypatch.setattr(document_module, "load_matrix",
                        lambda *args: loads.append(args) or real_load(*args))
    first, second = doc.matrix.departments[:2]
    with pytest.raises(DomainError):
        doc.rename_department(second.id, first.name.lower())
    assert loads == [] and changes == []
    assert doc.matrix.department(second.id).name == second.name


def test_batch_commits_once_and_notifies_once(doc: Document) -> None:
    changes: list[MatrixChange] = []
    doc.add_listener(changes.append)
    with doc.batch():
        stage = doc.add_stage("Batch")
        doc.add_touchpoint(stage.id, "One")
        doc.add_touchpoint(stage.id, "Two")
    assert len(changes) == 1
    assert changes[0].stages_inserted == {stage.id}
    assert len(changes[0].touchpoints_inserted) == 2 and not changes[0].everything
    expected = doc.matrix.content()
    assert reopened(doc).content() == expected


def test_sql_failure_reloads_matrix_from_file(doc: Document, monkeypatch) -> None:
    from cxmatrix.store import cell_sql

    before = doc.matrix.content()
    tp = next(doc.matrix.iter_touchpoints())
    monkeypatch.setattr(cell_sql, "write_cells",
                        lambda connection, matrix, pairs: connection.execute(
                            "INSERT INTO nowhere VALUES (1)"))
    with pytest.raises(DocumentWriteError, match="could not be saved"):
        doc.set_role(tp.id, doc.matrix.departments[0].id, Role.HANDLE)
    assert doc.matrix.content() == before
    with pytest.raises(DocumentWriteError, match="could not be saved"), doc.batch():
        doc.set_role(tp.id, doc.matrix.departments[0].id, Role.HANDLE)
    assert doc.matrix.content() == before


def test_set_cells_writes_many_cells_in_one_go(doc: Document) -> None:
    tps = [tp.id for tp in doc.matrix.iter_touchpoints()]
    changes = [(t, d.id, Role.INFLUENCE) for t in tps for d in doc.matrix.departments]
    undo = doc.set_cells(changes)
    assert reopened_copy(doc).content() == doc.matrix.content()
    doc.set_cells(undo)
    assert reopened_copy(doc).content() == doc.matrix.content()


def test_opening_and_reading_needs_no_sqlalchemy(tmp_path: Path) -> None:
    import subprocess
    import sys

    Document.create(tmp_path / "r.cxm", generate_matrix(10, 3)).close()
    code = ("import sys\nfrom cxmatrix.store import Document\n"
            f"d = Document.open({str(tmp_path / 'r.cxm')!r})\n"
            "d.findings.all()\n"
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_disk_full_is_reported_and_file_survives(tmp_path: Path) -> None:
    path = tmp_path / "full.cxm"
    document = Document.create(path, generate_matrix(20, 4))
    before = document.matrix.content()
    document._raw.execute("PRAGMA max_page_count = 1")
    stage = document.matrix.stages[0]
    with pytest.raises(DocumentWriteError, match=r"disk is full|could not be saved"):
        for index in range(200):
            document.add_touchpoint(stage.id, f"Long {index} " + "x" * 4000)
    document.close()
    with Document.open(path) as again:
        assert again.integrity_check() == "ok"
        assert len(again.matrix.content()["stages"]) == len(before["stages"])


def test_second_open_is_refused_while_open(doc: Document) -> None:
    with pytest.raises(DocumentInUse, match="open in another"):
        Document.open(doc.path)
    with pytest.raises(DocumentInUse):
        Document.open(doc.path, read_only=True)
    doc.close()
    Document.open(doc.path).close()


def test_save_as_copies_and_switches(doc: Document, tmp_path: Path) -> None:
    expected = doc.matrix.content()
    copy = doc.save_as(tmp_path / "copy.cxm")
    assert doc.closed and copy.path.name == "copy.cxm"
    copy.set_properties(title="Changed copy")
    copy.close()
    assert Document.open(tmp_path / "m.cxm").matrix.content() == expected
    assert Document.open(tmp_path / "copy.cxm").matrix.title == "Changed copy"


def test_save_as_onto_itself_is_harmless(doc: Document) -> None:
    expected = doc.matrix.content()
    assert doc.save_as(doc.path) is doc
    doc.save_copy(doc.path)
    assert reopened(doc).content() == expected


def test_file_deleted_while_open_is_noticed_and_save_as_rescues(doc: Document,
                                                                tmp_path: Path) -> None:
    tp = next(doc.matrix.iter_touchpoints())
    os.unlink(doc.path)
    assert doc.file_missing()
    expected = doc.matrix.content()
    with pytest.raises(DocumentWriteError, match="moved or deleted"):
        doc.set_role(tp.id, doc.matrix.departments[0].id, Role.OWN)
    assert doc.matrix.content() == expected
    rescued = doc.save_as(tmp_path / "rescued.cxm")
    assert rescued.matrix.content() == expected
    rescued.close()


# ---- bad files ------------------------------------------------------------------------------


def _unchanged(path: Path):
    data = path.read_bytes()
    mtime = path.stat().st_mtime_ns

    def check() -> None:
        assert path.read_bytes() == data
        assert path.stat().st_mtime_ns == mtime
    return check


@pytest.mark.parametrize(("content", "error", "message"), [
    (b"", NotADocument, "empty"),
    (b"hello, I am a text file\n" * 10, NotADocument, "not a SQLite database"),
    (b"SQLite format 3\x00\x10\x00", NotADocument, "truncated"),
    (b"PK\x03\x04" + b"\x00" * 200, NotADocument, "not a SQLite database"),
])
def test_bad_files_refused_unchanged(tmp_path: Path, content: bytes, error: type,
                                     message: str) -> None:
    path = tmp_path / "bad.cxm"
    path.write_bytes(content)
    check = _unchanged(path)
    with pytest.raises(error, match=message) as raised:
        Document.open(path)
    assert "bad.cxm" in str(raised.value)
    check()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentNotFound, match="no such file"):
        Document.open(tmp_path / "nope.cxm")


def test_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.cxm"
    folder.mkdir()
    with pytest.raises(NotADocument, match="folder"):
        Document.open(folder)


def test_other_applications_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.cxm"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    check = _unchanged(path)
    with pytest.raises(NotADocument, match="another application"):
        Document.open(path)
    check()


def test_truncated_document(tmp_path: Path) -> None:
    path = tmp_path / "t.cxm"
    Document.create(path, generate_matrix(300, 10)).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    check = _unchanged(path)
    with pytest.raises(NotADocument, match="truncated"):
        Document.open(path)
    check()


def test_corrupt_pages(tmp_path: Path) -> None:
    path = tmp_path / "c.cxm"
    Document.create(path, generate_matrix(300, 10)).close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):
        data[offset: offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    check = _unchanged(path)
    with pytest.raises(CorruptDocument, match="damaged"):
        Document.open(path)
    check()


def test_newer_version_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.cxm"
    Document.create(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    check = _unchanged(path)
    with pytest.raises(NewerVersionDocument, match="newer cxmatrix"):
        Document.open(path)
    check()


def test_malicious_schema_with_trigger_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.cxm"
    Document.create(path, generate_matrix(5, 2)).close()
    db = sqlite3.connect(path)
    db.execute("CREATE TRIGGER cell_spy AFTER INSERT ON cell BEGIN DELETE FROM stage; END")
    db.commit()
    db.close()
    check = _unchanged(path)
    with pytest.raises(CorruptDocument, match="trigger"):
        Document.open(path)
    check()


def test_view_named_like_our_table_refused(tmp_path: Path) -> None:
    path = tmp_path / "view.cxm"
    Document.create(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE cell")
    db.execute("CREATE VIEW cell AS SELECT 1 AS touchpoint_id, 1 AS department_id, 'O' AS role")
    db.commit()
    db.close()
    with pytest.raises(CorruptDocument, match="'cell' is a view"):
        Document.open(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_opens_read_only(tmp_path: Path) -> None:  # pragma: no cover
    path = tmp_path / "ro.cxm"
    Document.create(path, generate_matrix(5, 2)).close()
    path.chmod(stat.S_IRUSR)
    with Document.open(path) as document:
        assert document.read_only
        with pytest.raises(ReadOnlyDocument):
            document.add_stage("x")


def test_read_only_open_refuses_edits_and_leaves_file(tmp_path: Path) -> None:
    path = tmp_path / "ro.cxm"
    Document.create(path, generate_matrix(5, 2)).close()
    check = _unchanged(path)
    with Document.open(path, read_only=True) as document:
        assert document.read_only
        with pytest.raises(ReadOnlyDocument, match="read-only"):
            document.set_role(next(document.matrix.iter_touchpoints()).id,
                              document.matrix.departments[0].id, Role.OWN)
    check()


# ---- migrations ---------------------------------------------------------------------------


def test_opens_and_migrates_schema_version_1(tmp_path: Path) -> None:
    path = tmp_path / "legacy.cxm"
    shutil.copy(FIXTURES / "schema_v1.cxm", path)
    with Document.open(path) as document:
        m = document.matrix
        assert m.title == "Legacy matrix"
        assert [d.name for d in m.departments] == ["Sales", "Customer Success"]
        assert m.focus_department.name == "Customer Success"
        kickoff = m.find_touchpoints("Kick-off call")[0]
        assert kickoff.peak and kickoff.metric == "Time to value"
        assert m.role(kickoff.id, m.find_department("Customer Success").id) is Role.OWN
        assert {f.code for f in document.findings.all()} >= {"several-owners"}
        # New in format 2: leads and notes can be stored.
        document.update_department(m.departments[0].id, lead="Sam")
        document.set_note(kickoff.id, m.departments[0].id, "migrated")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    with Document.open(path) as again:
        assert again.matrix.departments[0].lead == "Sam"


def test_read_only_old_version_migrates_in_memory_only(tmp_path: Path) -> None:
    path = tmp_path / "legacy.cxm"
    shutil.copy(FIXTURES / "schema_v1.cxm", path)
    check = _unchanged(path)
    with Document.open(path, read_only=True) as document:
        assert document.matrix.touchpoint_count == 3
    check()


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        Document.create(tmp_path / "shared.cxm").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.cxm").stat().st_mode) == 0o644


@given(st.integers(0, 2**32 - 1), st.integers(1, 30))
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_replacement_writes_only_what_differs_and_the_file_agrees(
        tmp_path: Path, seed: int, count: int) -> None:
    """replace_matrix writes the difference (not every row) and the file read back holds
    exactly the new content, also after undoing the replacement the same way."""
    import random

    from strategies import random_edits

    from cxmatrix.store import sql as sql_module

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    document = Document.create(folder / "m.cxm", generate_matrix(30, 5, seed=seed % 97))
    try:
        before = document.matrix.copy()
        edited = random_edits(before, random.Random(seed), count)
        full = []
        real_replace_all = sql_module.SqlWriter.replace_all
        sql_module.SqlWriter.replace_all = lambda self, m: full.append(m) or real_replace_all(
            self, m)
        try:
            old = document.replace_matrix(edited)
            assert not full
            assert reopened_copy(document).content() == edited.content()
            document.replace_matrix(old)
            assert reopened_copy(document).content() == before.content()
        finally:
            sql_module.SqlWriter.replace_all = real_replace_all
        assert document.integrity_check() == "ok"
    finally:
        document.close()


# ---- the "prepared by" property (format 4) -------------------------------------------------


def test_prepared_by_is_written_read_back_and_undone(tmp_path: Path) -> None:
    matrix = generate_matrix(5, 2, seed=1)
    matrix.set_properties(prepared_by="Priya Raman")
    with Document.create(tmp_path / "p.cxm", matrix) as document:
        assert reopened_copy(document).prepared_by == "Priya Raman"
        old = document.set_properties(prepared_by="  Jane   Doe ")
        assert old == {"prepared_by": "Priya Raman"}
        assert reopened_copy(document).prepared_by == "Jane Doe"
        document.set_properties(**old)
    with Document.open(tmp_path / "p.cxm") as again:
        assert again.matrix.prepared_by == "Priya Raman"
        assert again.matrix.content() == matrix.content()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_file_of_an_earlier_format_gains_an_empty_prepared_by(tmp_path: Path,
                                                               version: int) -> None:
    path = tmp_path / "old.cxm"
    shutil.copy(FIXTURES / f"schema_v{version}.cxm", path)
    with Document.open(path) as document:
        assert document.matrix.prepared_by == ""
        document.set_properties(prepared_by="Migrated Person")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT prepared_by FROM matrix").fetchone() == ("Migrated Person",)
    db.close()
    with Document.open(path) as again:
        assert again.matrix.prepared_by == "Migrated Person"
