"""How the exports grow with the matrix: each format written once per size, CPU seconds.

    .venv/bin/python bench/scale_export.py 20000 100000     # touchpoints, 50 departments
    .venv/bin/python bench/scale_export.py 20000 50000 --only json,csv

For each size (a generated matrix with everything the exports write, ``common.fully_featured``)
it prints the CPU seconds of the xlsx, PDF, JSON and CSV exports and, from the second size on,
the growth against the first beside the growth of the size itself: a line that grows much
faster than the size is a quadratic step. The PDF report is refused above its chart limit
(``MAX_PDF_CHART_CELLS``), so it is timed at the largest size allowed instead; an export
refused on the way (JSON stops at 100 MB) prints the time it took to refuse. Not part of
``run.py`` (a 100,000-touchpoint export takes minutes).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import fully_featured

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.limits import MAX_PDF_CHART_CELLS
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.csv import export as csv_export
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.json import codec as json_export
from cxmatrix.interchange.pdf import export as pdf_export
from cxmatrix.interchange.xlsx import export as xlsx_export

DEPARTMENTS = 50
WRITERS: dict[str, Callable[[Matrix, Path], None]] = {
    "xlsx": xlsx_export.write, "pdf": pdf_export.write, "json": json_export.write,
    "csv": csv_export.write}


def cpu(function: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    function()
    return time.process_time() - start


def main(sizes: list[int], only: set[str]) -> None:
    first: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for touchpoints in sizes:
            matrix = fully_featured(generate_matrix(touchpoints, DEPARTMENTS, seed=1))
            for name, writer in WRITERS.items():
                if only and name not in only:
                    continue
                shown = matrix
                if name == "pdf" and touchpoints * DEPARTMENTS > MAX_PDF_CHART_CELLS:
                    shown = fully_featured(generate_matrix(MAX_PDF_CHART_CELLS // DEPARTMENTS,
                                                           DEPARTMENTS, seed=1))
                count = shown.touchpoint_count
                refused = ""
                start = time.process_time()
                try:
                    spent = cpu(lambda shown=shown, name=name, writer=writer: writer(
                        shown, Path(folder) / f"out.{name}"))
                except ExportFailed as error:
                    spent, refused = time.process_time() - start, str(error)
                line = f"{name:5} {count:>7,} x {DEPARTMENTS}: {spent:7.2f} s"
                if refused:
                    print(f"{line}   refused: {refused}", flush=True)
                    continue
                if name in first and first[name][0] != count:
                    size, seconds = first[name]
                    line += (f"   x{spent / seconds:.2f} for x{count / size:.2f} the "
                             f"touchpoints (per touchpoint x{spent / seconds * size / count:.2f})")
                first.setdefault(name, (count, spent))
                print(line, flush=True)
                del shown


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[20_000, 100_000])
    parser.add_argument("--only", default="", help="formats, comma-separated (xlsx,pdf,...)")
    arguments = parser.parse_args()
    main(arguments.sizes, {name for name in arguments.only.split(",") if name})
