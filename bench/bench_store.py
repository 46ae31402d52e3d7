"""Store benchmarks: opening a document, ``check`` as a whole process, writing a whole
matrix, one durable edit (the first after opening apart, and its CPU cost on a memory file
system), findings after an edit.

Baselines are raw sqlite3 doing the same work in the same run, ours and theirs in turns: a
SELECT of the same rows into Python lists (in-process, and as a whole ``python -c`` process
against ``python -m cxmatrix check``), executemany INSERTs of the same rows into the same
(empty) tables, and an upsert + commit with the same journal settings (rollback journal,
synchronous=FULL, exclusive locking). On /dev/shm the fsync costs nothing, so the durable
edit's figure there is the CPU cost around the SQL (process time of both).
"""

from __future__ import annotations

import itertools
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import (
    Result,
    absolute_result,
    alternate,
    compared,
    median_time,
    ratio_result,
    run_process,
    shm_folder,
)

from cxmatrix.domain import Role
from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.store import Document
from cxmatrix.store.document import write_document


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
    """What an import writes: the new file, durable, not opened again."""
    path.unlink(missing_ok=True)
    write_document(path, matrix)


def open_document(path: Path) -> None:
    Document.open(path, read_only=True).close()


RAW_SELECT_PROCESS = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("SELECT * FROM matrix").fetchall()
db.execute("SELECT id, name FROM stage ORDER BY position").fetchall()
db.execute("SELECT id, name, code, lead FROM department ORDER BY position").fetchall()
db.execute("SELECT id, stage_id, name, category, channel, description, peak, is_end, "
           "metric, notes FROM touchpoint ORDER BY stage_id, position").fetchall()
db.execute("SELECT touchpoint_id, department_id, role, note FROM cell").fetchall()
db.close()
"""

FIRST_EDIT_PROCESS = """
import json, sys, time
from cxmatrix.domain import Role
from cxmatrix.store import Document
from cxmatrix.store.document import write_document
document = Document.open(sys.argv[1])
tids = [tp.id for tp in document.matrix.iter_touchpoints()][:21]
dept = document.matrix.departments[1].id
times = []
for index, tid in enumerate(tids):
    start = time.perf_counter()
    document.set_role(tid, dept, Role.OWN if index % 2 else Role.HANDLE)
    times.append(time.perf_counter() - start)
document.close()
print(json.dumps(times))
"""


def first_edits(path: Path, repeat: int) -> tuple[list[float], list[float]]:
    """In fresh processes: the first durable edit after opening, and the median of the
    twenty after it (nothing warmed up: the writer is made by the first)."""
    import json

    first, later = [], []
    for _ in range(repeat):
        times = json.loads(run_process("-c", FIRST_EDIT_PROCESS, [str(path)]).stdout)
        first.append(times[0])
        later.append(statistics.median(times[1:]))
    return first, later


def edit_times(path: Path, count: int, clock: Callable[[], float] = time.perf_counter
               ) -> tuple[list[float], list[float]]:
    """Seconds (by ``clock``) of each durable role edit after the first: ours, and raw
    sqlite3 on a copy of the file.

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
    document.set_role(tids[-1], dept, Role.INFLUENCE)  # the first edit makes the writer
    ours, raw = [], []
    for index, tid in enumerate(tids[:-1]):
        role = Role.OWN if index % 2 else Role.HANDLE
        start = clock()
        document.set_role(tid, dept, role)
        ours.append(clock() - start)
        start = clock()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO cell (touchpoint_id, department_id, role, note) "
                   "VALUES (?, ?, ?, '') ON CONFLICT (touchpoint_id, department_id) "
                   "DO UPDATE SET role = excluded.role, note = excluded.note",
                   (tid, dept, role.letter))
        db.execute("UPDATE matrix SET modified = ?", ("2026-01-01T00:00:00",))
        db.execute("COMMIT")
        raw.append(clock() - start)
    db.close()
    document.close()
    return ours, raw


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
            samples = alternate(lambda p=path: open_document(p), lambda p=path: raw_select(p),
                                repeat)
            # The target is for L; small files are dominated by fixed costs (~1 ms).
            last = size == "L" or (quick and size == sizes[-1])
            results.append(compared("store", f"open {size} into the domain", samples,
                                    "sqlite3 SELECT rows", 1.5 if last else None))
        size = sizes[-1]
        path = Path(folder) / f"{size}.cxm"
        matrix = generate_size(size)
        schema, rows = raw_rows(path)
        samples = alternate(lambda: create_document(Path(folder) / "new.cxm", matrix),
                            lambda: raw_insert(Path(folder) / "raw.cxm", schema, rows), repeat)
        raw = statistics.median(samples[1])
        results.append(compared("store", f"write {size} to a new file", samples,
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
        samples = edit_times(Path(folder) / f"{size}.cxm", 20 if quick else 60)
        results.append(compared("store", f"one durable role edit at {size}", samples,
                                "sqlite3 upsert+commit", 2.0))
        first, later = first_edits(Path(folder) / f"{size}.cxm", repeat)
        results.append(absolute_result("store", f"first durable edit after opening {size} "
                                       "(no warm-up)", statistics.median(first), 0.050, first))
        results.append(compared("store", f"first edit after opening {size} vs the later ones",
                                (first, later), "median of the next 20 edits", None))
        shm = shm_folder()
        if shm is not None:
            with tempfile.TemporaryDirectory(dir=shm) as memory:
                copy = Path(memory) / f"{size}.cxm"
                Document.open(Path(folder) / f"{size}.cxm").save_copy(copy)
                samples = edit_times(copy, 50 if quick else 200, time.process_time)
                results.append(compared("store", f"one durable role edit at {size} on tmpfs, "
                                        "CPU", samples, "sqlite3 upsert+commit", 2.0))
        path = Path(folder) / f"{size}.cxm"
        runs = alternate(lambda: run_process("-m", "cxmatrix", ["check", str(path)]).cpu,
                         lambda: run_process("-c", RAW_SELECT_PROCESS, [str(path)]).cpu,
                         repeat)
        results.append(compared("store", f"check {size}, whole process CPU", runs,
                                "python -c sqlite3 SELECT of the same rows", 1.5))
    results.append(absolute_result("store", f"findings current after one edit at {size}",
                                   findings_after_edit(size, 200), 0.001))
    return results
