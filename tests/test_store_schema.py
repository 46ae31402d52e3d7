"""The schema is defined once: every table and column comes from the SQLModel tables, the
generated SQL text agrees with them, foreign keys cascade deletes in the database, SQLite
errors are recognised by result code, and files of every earlier format open and migrate."""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest

from cxmatrix.domain import Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Department, Stage, Touchpoint
from cxmatrix.store import (
    SCHEMA_VERSION,
    CorruptDocument,
    Document,
    DocumentInUse,
    DocumentWriteError,
)
from cxmatrix.store import statements as st
from cxmatrix.store.errors import sqlite_problem
from cxmatrix.store.format import MIGRATIONS
from cxmatrix.store.schema import ORDER_COLUMN, TABLES
from cxmatrix.store.sql import render_statements

STORE = Path(__file__).resolve().parent.parent / "cxmatrix" / "store"
FIXTURES = Path(__file__).parent / "fixtures"


def test_generated_statements_match_the_tables() -> None:
    assert (STORE / "statements.py").read_text(encoding="utf-8") == render_statements(), (
        "schema.py changed: regenerate with `python -m cxmatrix.store.sql`")


def test_column_names_are_written_out_only_in_the_schema() -> None:
    """No hand-written column list in the store's SQL: a column's name appears as a literal
    only in schema.py (and in statements.py, generated from it). document.py is not read:
    it speaks of the domain's properties (whose names the columns share), not of columns."""
    names = {column for columns in st.COLUMNS.values() for column in columns}
    offenders = []
    quoted = r"""["'`]{0}["'`]"""
    in_sql = r"""\b(SELECT|INSERT|UPDATE|SET|BY)\b[^"'\n]*\b{0}\b"""
    for module in STORE.glob("*.py"):
        if module.name in {"schema.py", "statements.py", "document.py"}:
            continue
        text = module.read_text(encoding="utf-8")
        for name in sorted(names):
            # as a string of its own, or inside SQL text
            if re.search(quoted.format(name), text) or re.search(in_sql.format(name), text):
                offenders.append(f"{module.name}: {name}")
    assert not offenders, offenders


def test_domain_fields_are_the_columns_without_position() -> None:
    """load.py and sql.py map rows to entities by position: the order must agree."""
    entity_columns = {name: [c for c in columns if c != ORDER_COLUMN]
                      for name, columns in st.COLUMNS.items()}
    renamed = {"is_end": "end"}  # `end` is a reserved word in SQL
    for table, entity in (("stage", Stage), ("department", Department),
                          ("touchpoint", Touchpoint)):
        assert [renamed.get(c, c) for c in entity_columns[table]] == \
            [f.name for f in fields(entity)]
    assert st.COLUMNS["cell"] == ("touchpoint_id", "department_id", "role", "note")
    assert tuple(TABLES) == st.TABLE_NAMES


def test_new_files_declare_cascading_foreign_keys(tmp_path: Path) -> None:
    Document.create(tmp_path / "f.cxm").close()
    db = sqlite3.connect(tmp_path / "f.cxm")
    declared = {(table, row[3], row[2], row[6]) for table in st.TABLE_NAMES
                for row in db.execute(f"PRAGMA foreign_key_list({table})")}
    db.close()
    assert declared == {("touchpoint", "stage_id", "stage", "CASCADE"),
                        ("cell", "touchpoint_id", "touchpoint", "CASCADE"),
                        ("cell", "department_id", "department", "CASCADE"),
                        ("matrix", "focus_department_id", "department", "SET NULL"),
                        # format 5: the target layer goes with its touchpoint or department
                        *{(table, column, column.removesuffix("_id"), "CASCADE")
                          for table in ("cell_target", "cell_action")
                          for column in ("touchpoint_id", "department_id")},
                        ("planned_touchpoint", "touchpoint_id", "touchpoint", "CASCADE"),
                        ("planned_department", "department_id", "department", "CASCADE"),
                        # format 6: a sign-off goes with its department, a disputed cell
                        # with its touchpoint too (a basis cell keeps a removed touchpoint)
                        ("signoff", "department_id", "department", "CASCADE"),
                        ("signoff_basis", "department_id", "signoff", "CASCADE"),
                        ("signoff_dispute", "department_id", "signoff", "CASCADE"),
                        ("signoff_dispute", "touchpoint_id", "touchpoint", "CASCADE")}


def test_deletes_cascade_in_the_database(tmp_path: Path) -> None:
    matrix = generate_matrix(30, 5, seed=2)
    with Document.create(tmp_path / "c.cxm", matrix) as document:
        m = document.matrix
        stage = m.stages[0]
        document.set_properties(focus_department_id=m.departments[1].id)
        document.delete_stage(stage.id)
        document.delete_department(m.departments[0].id)
        document.delete_touchpoint(next(m.iter_touchpoints()).id)
        expected = m.content()
        assert document.integrity_check() == "ok"
        document.delete_department(m.departments[0].id)  # the focus: cleared by SET NULL
        expected = m.content()
    db = sqlite3.connect(tmp_path / "c.cxm")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT focus_department_id FROM matrix").fetchone() == (None,)
    db.close()
    with Document.open(tmp_path / "c.cxm") as again:
        assert again.matrix.content() == expected


def test_a_format_3_file_without_foreign_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nofk.cxm"
    Document.create(path, generate_matrix(5, 2)).close()
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE loose AS SELECT * FROM cell; DROP TABLE cell; "
                     "ALTER TABLE loose RENAME TO cell;")
    db.close()
    with pytest.raises(CorruptDocument, match="table 'cell' lacks its foreign keys"):
        Document.open(path)


# ---- migrations from every earlier format --------------------------------------------------


def test_every_earlier_format_has_a_migration_and_a_fixture() -> None:
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))
    for version in MIGRATIONS:
        assert (FIXTURES / f"schema_v{version}.cxm").exists()


@pytest.mark.parametrize("version", sorted(MIGRATIONS))
def test_earlier_format_opens_migrates_and_cascades(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.cxm"
    shutil.copy(FIXTURES / f"schema_v{version}.cxm", path)
    with Document.open(path, read_only=True) as peek:
        before = peek.matrix.content()
    with Document.open(path) as document:
        m = document.matrix
        assert m.content() == before
        assert [d.name for d in m.departments][:2] == ["Sales", "Customer Success"]
        assert m.focus_department.name == "Customer Success"
        kickoff = m.find_touchpoints("Kick-off call")[0]
        assert m.role(kickoff.id, m.find_department("Customer Success").id) is Role.OWN
        document.update_department(m.departments[0].id, lead="Sam")
        document.set_note(kickoff.id, m.departments[0].id, "migrated")
        document.delete_stage(m.stages[0].id)
        expected = m.content()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM cell WHERE touchpoint_id NOT IN "
                      "(SELECT id FROM touchpoint)").fetchone()[0] == 0
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert not any(name.startswith("_cxmatrix_old_") for name in tables)
    with Document.open(path) as again:
        assert again.matrix.content() == expected
        assert again.matrix.departments[0].lead == "Sam"


def test_migration_of_a_file_with_an_orphan_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "orphan.cxm"
    shutil.copy(FIXTURES / "schema_v2.cxm", path)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO cell VALUES (5, 77, 'O', '')")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(CorruptDocument, match="table 'cell' refers to a department"):
        Document.open(path)
    assert path.read_bytes() == before


# ---- SQLite errors by result code ----------------------------------------------------------


def test_errors_are_recognised_by_code_not_by_message(tmp_path: Path) -> None:
    with Document.create(tmp_path / "a.cxm") as document:
        assert document is not None
        other = sqlite3.connect(tmp_path / "a.cxm", timeout=0)
        with pytest.raises(sqlite3.OperationalError) as busy:
            other.execute("BEGIN IMMEDIATE")
        other.close()
    assert sqlite_problem(busy.value)[0] is DocumentInUse
    full = sqlite3.connect(":memory:")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as disk_full:
        full.executemany("INSERT INTO t VALUES (?)", [("x" * 5000,)] * 10)
    assert sqlite_problem(disk_full.value) == (
        DocumentWriteError, "the disk is full; the last change was not saved")
    lookalike = sqlite3.OperationalError("disk full? database is locked?")
    assert sqlite_problem(lookalike)[1].startswith("the change could not be saved")


def test_replacing_the_whole_matrix_keeps_the_schema(tmp_path: Path) -> None:
    with Document.create(tmp_path / "r.cxm", generate_matrix(20, 4, seed=1)) as document:
        replacement = generate_matrix(25, 5, seed=9)
        document.replace_matrix(replacement)
        expected = document.matrix.content()
        assert expected == replacement.content()
    db = sqlite3.connect(tmp_path / "r.cxm")
    schema = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()
    assert sorted(schema) == sorted([*st.CREATE, *st.SNAPSHOT_CREATE])
    with Document.open(tmp_path / "r.cxm") as again:
        assert again.matrix.content() == expected
