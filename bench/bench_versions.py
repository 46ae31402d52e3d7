"""Today and target, snapshots and comparisons at 20,000 touchpoints x 50 departments.

- Taking a snapshot of the L matrix (with a plan of 2,000 planned changes and actions): the
  time (target: under 1 s) and how much the file grows, against the cells' own size (the
  bytes of the document's ``cell`` table, read from SQLite's dbstat; target: no more).
- Comparisons (target: under 100 ms each, the comparison alone, matrices in memory): today
  against target, a snapshot against today (200 cells apart, by id), and two different files
  matched by name (200 cells apart).
- The cost of the target layer: opening the file, and a role edit (call to current findings
  counts), on the matrix with its plan against the same matrix without one (what a format-4
  file holds); target: at most 10% slower.

The file lives in memory (/dev/shm where there is one), so the figures are the CPU cost
rather than the disk's fsync. The snapshot and the comparisons are timed by this process's
CPU seconds, their wall time in brackets: on a shared machine busy with other work the wall
time also counts the waits for a core, up to two or three times the work itself.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import (
    Result,
    absolute_result,
    alternating_medians,
    format_time,
    ratio_result,
    with_plan,
)

from cxmatrix.domain.compare import compare, compare_today_target
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.store import Document

PLANNED_CHANGES = 2_000
CELLS_APART = 200


def apart(matrix: Matrix, cells: int) -> Matrix:
    """A copy with ``cells`` roles changed, spread over the matrix."""
    changed = matrix.copy()
    touchpoints = list(changed.iter_touchpoints())
    department = changed.departments[5]
    for tp in touchpoints[:: max(1, len(touchpoints) // cells)][:cells]:
        current = changed.role(tp.id, department.id)
        changed.set_role(tp.id, department.id,
                         Role.HANDLE if current is not Role.HANDLE else None)
    return changed


def table_bytes(path: Path, table: str) -> int:
    """The bytes a table's own pages take in the file (its indexes not counted)."""
    with sqlite3.connect(path) as connection:
        (size,) = connection.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat "
                                     "WHERE name = ?", (table,)).fetchone()
    connection.close()
    return int(size)


def cpu_result(case: str, function: Callable[[], object], repeat: int, limit: float
               ) -> Result:
    """The median CPU seconds of ``function`` against ``limit``, its wall time named."""
    cpu, wall = [], []
    for _ in range(repeat):
        gc.collect()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return absolute_result("versions",
                           f"{case}, CPU (wall {format_time(statistics.median(wall))})",
                           statistics.median(cpu), limit, cpu)


def snapshot_results(folder: Path, planned: Matrix, size: str, repeat: int) -> list[Result]:
    cpu, wall, growths = [], [], []
    cell_bytes = 0
    for number in range(repeat):
        path = folder / f"snapshot-{number}.cxm"
        Document.create(path, planned).close()
        cell_bytes = table_bytes(path, "cell")
        before = path.stat().st_size
        with Document.open(path) as document:
            gc.collect()
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            document.take_snapshot(f"Snapshot {number}")
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start_wall)
        growths.append(path.stat().st_size - before)
        path.unlink()
    growth = statistics.median(growths)
    return [
        absolute_result("versions", f"take a snapshot of {size} (with {PLANNED_CHANGES:,} "
                                    f"planned changes), CPU (wall "
                                    f"{format_time(statistics.median(wall))})",
                        statistics.median(cpu), 1.0, cpu),
        Result("versions", f"file growth of a snapshot of {size}", growth, cell_bytes,
               "the cell table's own size", "<= 1x", growth <= cell_bytes, unit="bytes"),
    ]


def comparison_results(folder: Path, planned: Matrix, size: str, repeat: int
                       ) -> list[Result]:
    results = [cpu_result(f"compare today with target ({size}, {PLANNED_CHANGES:,} changes)",
                          lambda: compare_today_target(planned), repeat, 0.100)]
    # A snapshot against today: the snapshot read back from the file, today 200 cells on.
    path = folder / "compare.cxm"
    with Document.create(path, planned) as document:
        info = document.take_snapshot("Kick-off")
        document.replace_matrix(apart(planned, CELLS_APART))
        kept = document.snapshot(info.id).matrix
        today = document.matrix.copy()
    results.append(cpu_result(
        f"compare a snapshot with today ({size}, {CELLS_APART} cells apart, by id)",
        lambda: compare(kept, today), repeat, 0.100))
    # Two different files, matched by name.
    first, second = folder / "first.cxm", folder / "second.cxm"
    Document.create(first, planned).close()
    Document.create(second, apart(planned, CELLS_APART)).close()
    with Document.open(first, read_only=True) as a, Document.open(second, read_only=True) as b:
        old, new = a.matrix, b.matrix
    results.append(cpu_result(
        f"compare two files by name ({size}, {CELLS_APART} cells apart)",
        lambda: compare(old, new, match_by="name"), repeat, 0.100))
    return results


def open_time(path: Path) -> Callable[[], object]:
    def work() -> None:
        with Document.open(path) as document:
            document.findings.counts()
    return work


def edit_time(document: Document) -> Callable[[], object]:
    tp = next(document.matrix.iter_touchpoints())
    department = document.matrix.departments[7]
    roles = [Role.OWN, Role.HANDLE, None]
    state = {"turn": 0}

    def work() -> None:
        state["turn"] += 1
        document.set_role(tp.id, department.id, roles[state["turn"] % len(roles)])
        document.findings.counts()
    return work


def layer_results(folder: Path, plain: Matrix, planned: Matrix, size: str, repeat: int
                  ) -> list[Result]:
    plain_path, planned_path = folder / "plain.cxm", folder / "planned.cxm"
    Document.create(plain_path, plain).close()
    Document.create(planned_path, planned).close()
    ours, baseline = alternating_medians(open_time(planned_path), open_time(plain_path),
                                         repeat)
    results = [ratio_result("versions", f"open {size} with a target layer", ours, baseline,
                            "open without one", 1.10)]
    with Document.open(planned_path) as with_layer, Document.open(plain_path) as without:
        with_layer.findings.counts()
        without.findings.counts()
        ours, baseline = alternating_medians(edit_time(with_layer), edit_time(without),
                                             repeat * 6)
    results.append(ratio_result("versions", f"edit a role of {size} with a target layer",
                                ours, baseline, "edit without one", 1.10))
    return results


def run(quick: bool) -> list[Result]:
    size = "M" if quick else "L"
    repeat = 3 if quick else 5
    plain = generate_size(size)
    planned = with_plan(plain, PLANNED_CHANGES)
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=memory) as name:
        folder = Path(name)
        return [*snapshot_results(folder, planned, size, repeat),
                *comparison_results(folder, planned, size, repeat),
                *layer_results(folder, plain, planned, size, repeat)]
