"""Edits on a large open document: what a refused edit and a department rename cost.

A refused edit (a duplicate name typed after F2) changes nothing, so it must cost nothing:
no reload, no findings rebuild. Renaming a department recomputes no finding (findings name
departments when shown). Both are timed on the L matrix (20,000 touchpoints x 50
departments) from the call to the moment the findings counts are current again; the target
is an absolute 20 ms each, since the raw-library baseline for "nothing changed" is zero. The
file lives in memory (/dev/shm where there is one) so the figure is the CPU cost, not the
disk's fsync (which bench_store's durable edit measures).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import Result, absolute_result

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import DomainError
from cxmatrix.store import Document


def refused_edit_times(document: Document, count: int) -> list[float]:
    first, second = document.matrix.departments[:2]
    times = []
    for _ in range(count):
        start = time.perf_counter()
        with contextlib.suppress(DomainError):
            document.rename_department(second.id, first.name.upper())
        document.findings.counts()
        times.append(time.perf_counter() - start)
    return times


def rename_times(document: Document, count: int) -> list[float]:
    department = document.matrix.departments[3]
    times = []
    for number in range(count):
        start = time.perf_counter()
        document.rename_department(department.id, f"Renamed department {number}")
        document.findings.counts()
        times.append(time.perf_counter() - start)
    return times


def run(quick: bool) -> list[Result]:
    size = "M" if quick else "L"
    count = 10 if quick else 30
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        path = Path(folder) / f"{size}.cxm"
        Document.create(path, generate_size(size)).close()
        with Document.open(path) as document:
            document.findings.counts()
            document.warm_up()
            refused = statistics.median(refused_edit_times(document, count))
            renamed = statistics.median(rename_times(document, count))
    return [
        absolute_result("edits", f"refused edit at {size}, findings current", refused, 0.020),
        absolute_result("edits", f"department rename at {size}, findings current", renamed,
                        0.020),
    ]
