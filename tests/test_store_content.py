"""A .cxm file is not trusted: each class of damaged or oversized content is refused on load,
naming the table and the row, in-process (CorruptDocument) and through the command line in a
fresh process (exit 2, one line on stderr, no traceback), in bounded time and memory.

Each test writes a valid file with Document.create and then damages it with sqlite3, as a
file written by another program could be.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MAX_TOUCHPOINTS
from cxmatrix.store import CorruptDocument, Document

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 15
MAX_PEAK_MB = 400

MEASURED = """
import json, re, sys, time
from cxmatrix.cli import main
start = time.perf_counter()
status = main(sys.argv[1:])
status_text = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status_text).group(1)) // 1024
print(json.dumps({"status": status, "seconds": time.perf_counter() - start, "peak_mb": peak}))
"""


def measured_cli(*args: str | Path) -> tuple[dict[str, float], str]:
    done = subprocess.run([sys.executable, "-c", MEASURED, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr.strip()


def damaged(tmp: Path, *statements: tuple[str, tuple[object, ...]]) -> Path:
    """A valid file, then changed behind cxmatrix's back (foreign keys off, as sqlite3 has
    them by default)."""
    path = tmp / "bad.cxm"
    Document.create(path, generate_matrix(12, 4, seed=5)).close()
    db = sqlite3.connect(path)
    for statement, parameters in statements:
        db.execute(statement, parameters)
    db.commit()
    db.close()
    return path


def first_id(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    (value,) = db.execute(f"SELECT min(id) FROM {table}").fetchone()
    db.close()
    return int(value)


def assert_refused(path: Path, tmp: Path, *expected: str) -> None:
    with pytest.raises(CorruptDocument) as caught:
        Document.open(path)
    message = str(caught.value)
    for part in expected:
        assert part in message, message
    before = path.read_bytes()
    for args in (("check", path), ("export", path, tmp / "out.json")):
        figures, stderr = measured_cli(*args)
        assert figures["status"] == 2
        assert stderr.count("\n") == 0, stderr
        assert stderr.startswith((f"cxmatrix: {path.name}: ", f"cxmatrix: {path.name} "))
        for part in expected:
            assert part in stderr, stderr
        assert figures["seconds"] < MAX_SECONDS
        assert figures["peak_mb"] < MAX_PEAK_MB
    assert not (tmp / "out.json").exists()
    assert path.read_bytes() == before


# ---- B: values of the wrong storage class --------------------------------------------------

WRONG_CLASS = [
    ("matrix", "title", b"\x00\xffblob", "a blob where text"),
    ("matrix", "modified", b"2026", "a blob where text"),
    ("matrix", "prepared_by", b"Priya", "a blob where text"),
    ("stage", "name", b"Onboarding", "a blob where text"),
    ("department", "code", b"CS", "a blob where text"),
    ("touchpoint", "name", b"\x80\x81", "a blob where text"),
    ("touchpoint", "metric", b"NPS", "a blob where text"),
    ("touchpoint", "peak", "yes", "a text where an integer"),
]


@pytest.mark.parametrize(("table", "column", "value", "problem"), WRONG_CLASS,
                         ids=[f"{t}.{c}" for t, c, _, _ in WRONG_CLASS])
def test_value_of_the_wrong_storage_class_is_refused(tmp_path: Path, table: str, column: str,
                                                     value: object, problem: str) -> None:
    path = tmp_path / "probe.cxm"
    Document.create(path, generate_matrix(12, 4, seed=5)).close()
    row = first_id(path, table)
    path.unlink()
    path = damaged(tmp_path, (f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, row)))
    assert_refused(path, tmp_path, f"table {table!r}, row id {row}", f"column {column!r}",
                   problem)


def test_integer_in_an_untyped_text_column_is_refused(tmp_path: Path) -> None:
    """Text affinity turns numbers into text; a table declared without types keeps them."""
    path = damaged(
        tmp_path,
        ("CREATE TABLE loose (id INTEGER NOT NULL PRIMARY KEY, name, code, lead, position)", ()),
        ("INSERT INTO loose SELECT id, name, code, lead, position FROM department", ()),
        ("UPDATE loose SET name = 42 WHERE id = (SELECT min(id) FROM loose)", ()),
        ("DROP TABLE department", ()), ("ALTER TABLE loose RENAME TO department", ()))
    assert_refused(path, tmp_path, "table 'department', row id",
                   "column 'name' holds an integer where text belongs")


def test_cell_note_of_the_wrong_storage_class_is_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE cell SET note = ? WHERE touchpoint_id = (SELECT "
                              "min(touchpoint_id) FROM cell)", (b"note",)))
    db = sqlite3.connect(path)
    tid, did = db.execute("SELECT touchpoint_id, department_id FROM cell "
                          "WHERE typeof(note) = 'blob'").fetchone()
    db.close()
    assert_refused(path, tmp_path, f"table 'cell', row touchpoint_id {tid}, department_id "
                                   f"{did}", "column 'note' holds a blob")


def test_reference_of_the_wrong_storage_class_is_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE cell SET touchpoint_id = ? WHERE touchpoint_id = "
                              "(SELECT min(touchpoint_id) FROM cell)", (b"\x00" * 5000,)))
    assert_refused(path, tmp_path, "table 'cell', row touchpoint_id b'\\x00",
                   "touchpoint b'\\x00\\x00", "does not exist")


def test_role_that_is_not_a_role_is_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE cell SET role = 'X' WHERE touchpoint_id = "
                              "(SELECT min(touchpoint_id) FROM cell WHERE role IS NOT NULL)",
                              ()))
    assert_refused(path, tmp_path, "table 'cell', row touchpoint_id", "'X' is not a role")


# ---- C: sizes and lengths over the documented limits ---------------------------------------


def test_too_many_touchpoints_refused_from_the_count(tmp_path: Path) -> None:
    path = damaged(tmp_path, (
        "WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO touchpoint (id, stage_id, position, name, category, channel, "
        "description, peak, is_end, metric, notes) SELECT i, (SELECT min(id) FROM stage), "
        "i, 'T' || i, '', '', '', 0, 0, '', '' FROM n", (1000 + MAX_TOUCHPOINTS,)))
    assert_refused(path, tmp_path, "is too large: table 'touchpoint' has",
                   f"at most {MAX_TOUCHPOINTS:,} touchpoints")


def test_huge_note_refused_before_it_is_read(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE cell SET note = ? WHERE touchpoint_id = "
                              "(SELECT min(touchpoint_id) FROM cell)",
                              ("n" * 60_000_000,)))
    assert_refused(path, tmp_path, "table 'cell', row touchpoint_id",
                   f"column 'note' is longer than {MAX_TEXT_LENGTH:,} characters")


def test_long_name_refused(tmp_path: Path) -> None:
    path = tmp_path / "probe.cxm"
    Document.create(path, generate_matrix(12, 4, seed=5)).close()
    row = first_id(path, "department")
    path.unlink()
    path = damaged(tmp_path, ("UPDATE department SET name = ? WHERE id = ?",
                              ("D" * (MAX_NAME_LENGTH + 1), row)))
    assert_refused(path, tmp_path, f"table 'department', row id {row}",
                   f"column 'name' is longer than {MAX_NAME_LENGTH:,} characters")


def test_long_prepared_by_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE matrix SET prepared_by = ?",
                              ("P" * (MAX_NAME_LENGTH + 1),)))
    assert_refused(path, tmp_path, "table 'matrix', row id 1",
                   f"column 'prepared_by' is longer than {MAX_NAME_LENGTH:,} characters")


# ---- D: what the domain forbids ------------------------------------------------------------


def test_two_departments_of_the_same_name_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE department SET name = '  customer   SUCCESS ' "
                              "WHERE id = (SELECT max(id) FROM department)", ()),
                   ("UPDATE department SET name = 'Customer Success' "
                    "WHERE id = (SELECT min(id) FROM department)", ()))
    assert_refused(path, tmp_path, "table 'department', row id", "is used twice")


def test_stage_with_an_empty_name_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE stage SET name = '   ' WHERE id = "
                              "(SELECT min(id) FROM stage)", ()))
    assert_refused(path, tmp_path, "table 'stage', row id", "its name is empty")


def test_touchpoint_in_a_missing_stage_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE touchpoint SET stage_id = 999999 WHERE id = "
                              "(SELECT min(id) FROM touchpoint)", ()))
    assert_refused(path, tmp_path, "table 'touchpoint', row id",
                   "its stage 999999 does not exist")


def test_cell_of_a_missing_department_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("INSERT INTO cell VALUES ((SELECT min(id) FROM touchpoint), "
                              "999999, 'O', '')", ()))
    assert_refused(path, tmp_path, "table 'cell', row touchpoint_id",
                   "department 999999 does not exist")


def test_two_stages_of_the_same_name_refused(tmp_path: Path) -> None:
    path = damaged(tmp_path, ("UPDATE stage SET name = (SELECT upper(name) FROM stage WHERE "
                              "id = (SELECT min(id) FROM stage)) WHERE id = "
                              "(SELECT max(id) FROM stage)", ()))
    assert_refused(path, tmp_path, "table 'stage', row id", "is used twice (also by row id")
