"""Store benchmarks: opening a document, writing a whole matrix, one durable edit, findings
after an edit.

Baselines are raw sqlite3 doing the same work in the same run: a SELECT of the same rows into
Python lists, executemany INSERTs of the same rows into the same (empty) tables, and an
upsert + commit with the same journal settings (rollback journal, synchronous=FULL, exclusive
locking).
"""

from __future__ import annotations

import itertools
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from common import Result, absolute_result, median_time, ratio_result

from cxmatrix.domain import Role
from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.store import Document


def raw_select(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("SELECT * FROM matrix").fetchall()
    db.execute("SELECT id, name FROM stage ORDER BY position").fetchall()
    db.execute("SELECT id, name, code, lead FROM department ORDER BY position").fetchall()
    db.execute("SELECT id, stage_id, name, category, channel, description, peak, is_end, "
               "metric, notes FROM touchpoint ORDER BY stage_id, position").fetchall()
    db.execute("SELECT touchpoint_id, department_id, role, note FROM cell").fetchall()
    db.close()


def raw_rows(path: Path) -> tuple[list[str], dict[str, list[tuple[object, ...]]]]:
    """The schema and every row of a file, for the raw bulk-insert baseline."""
    db = sqlite3.connect(path)
    schema = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    tables = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    rows = {table: db.execute(f'SELECT * FROM "{table}"').fetchall() for table in tables}
    db.close()
    return schema, rows


def raw_insert(path: Path, schema: list[str], rows: dict[str, list[tuple[object, ...]]]
               ) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("BEGIN")
    for statement in schema:
        db.execute(statement)
    for table, values in rows.items():
        if values:
            marks = ", ".join("?" * len(values[0]))
            db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', values)
    db.execute("COMMIT")
    db.close()


def create_document(path: Path, matrix: Matrix) -> None:
    path.unlink(missing_ok=True)
    Document.create(path, matrix).close()


def open_document(path: Path) -> None:
    Document.open(path, read_only=True).close()


def edit_times(path: Path, count: int) -> tuple[float, float]:
    """Median seconds of one durable role edit: ours, and raw sqlite3 on a copy of the file.

    The two alternate edit by edit, so that disk and cache conditions are the same for both.
    """
    document = Document.open(path)
    tids = [tp.id for tp in document.matrix.iter_touchpoints()][:count]
    dept = document.matrix.departments[1].id
    copy = path.with_name("raw-" + path.name)
    document.save_copy(copy)
    db = sqlite3.connect(copy, isolation_level=None)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    ours, raw = [], []
    for index, tid in enumerate(tids):
        role = Role.OWN if index % 2 else Role.HANDLE
        start = time.perf_counter()
        document.set_role(tid, dept, role)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO cell (touchpoint_id, department_id, role, note) "
                   "VALUES (?, ?, ?, '') ON CONFLICT (touchpoint_id, department_id) "
                   "DO UPDATE SET role = excluded.role, note = excluded.note",
                   (tid, dept, role.letter))
        db.execute("UPDATE matrix SET modified = ?", ("2026-01-01T00:00:00",))
        db.execute("COMMIT")
        raw.append(time.perf_counter() - start)
    db.close()
    document.close()
    return statistics.median(ours), statistics.median(raw)


def findings_after_edit(size: str, count: int) -> float:
    matrix = generate_size(size)
    index = FindingsIndex(matrix)
    index.counts()
    tids = [tp.id for tp in matrix.iter_touchpoints()][::max(1, matrix.touchpoint_count // count)]
    dept = matrix.departments[2].id
    times = []
    for number, tid in enumerate(tids[:count]):
        start = time.perf_counter()
        matrix.set_role(tid, dept, Role.OWN if number % 2 else None)
        index.counts()
        index.for_touchpoint(tid)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool) -> list[Result]:
    results = []
    sizes = ("S", "M") if quick else ("S", "M", "L")
    repeat = 3 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"{size}.cxm"
            matrix = generate_size(size)
            Document.create(path, matrix).close()
            ours = median_time(lambda p=path: open_document(p), repeat)
            raw = median_time(lambda p=path: raw_select(p), repeat)
            if size == "L" or (quick and size == sizes[-1]):
                results.append(ratio_result("store", f"open {size} into the domain", ours, raw,
                                            "sqlite3 SELECT rows", 1.5))
            else:  # the target is for L; small files are dominated by fixed costs (~1 ms)
                results.append(Result("store", f"open {size} into the domain", ours, raw,
                                      "sqlite3 SELECT rows", "(information)"))
        size = sizes[-1]
        path = Path(folder) / f"{size}.cxm"
        matrix = generate_size(size)
        schema, rows = raw_rows(path)
        ours = median_time(lambda: create_document(Path(folder) / "new.cxm", matrix), repeat)
        raw = median_time(lambda: raw_insert(Path(folder) / "raw.cxm", schema, rows), repeat)
        results.append(ratio_result("store", f"write {size} to a new file", ours, raw,
                                    "sqlite3 executemany", 2.0))
        document = Document.open(path)
        # Each run really replaces: it swaps between two different matrices of this size.
        swaps = itertools.cycle([generate_size(size, seed=2), generate_size(size)])
        ours = median_time(lambda: document.replace_matrix(next(swaps)), repeat)
        results.append(ratio_result("store", f"replace the whole matrix at {size}", ours, raw,
                                    "sqlite3 executemany", 3.0))
        # A merge of a colleague's changes: 1% of the cells and 50 new touchpoints, and back.
        merged = document.matrix.copy()
        department = merged.departments[3]
        for tp in list(merged.iter_touchpoints())[::100]:
            merged.set_role(tp.id, department.id, Role.HANDLE)
        stage = merged.add_stage("Merged stage")
        for number in range(50):
            merged.add_touchpoint(stage.id, f"Merged touchpoint {number}")
        steps = itertools.cycle([merged, document.matrix.copy()])
        seconds = median_time(lambda: document.replace_matrix(next(steps)), repeat)
        document.close()
        results.append(absolute_result("store", f"merge-sized replacement at {size} (and back)",
                                       seconds, 0.100))
        ours, raw = edit_times(Path(folder) / f"{size}.cxm", 20 if quick else 60)
        results.append(ratio_result("store", f"one durable role edit at {size}", ours, raw,
                                    "sqlite3 upsert+commit", 2.0))
    results.append(absolute_result("store", f"findings current after one edit at {size}",
                                   findings_after_edit(size, 200), 0.001))
    return results
