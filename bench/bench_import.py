"""Import speed and memory: the whole import (read, build the matrix, write the new .cxm)
against python-calamine, the reader the importer uses, reading the values of the same file.

Each grid (M: 2,000 x 30, L: 20,000 x 50, from ``generate_size``) is written with openpyxl's
write-only mode as users' grids are laid out: a stage column, a touchpoint column and one
column of O/I/H letters per department. Three comparisons, ours and the baseline in turns:

- in-process CPU seconds: ``spreadsheet_import.read`` (the zip's safety checks, the scan of
  the sheet, the values, detection, the code mapping, the matrix) plus ``write_document``
  (the .cxm, durable), against ``CalamineWorkbook`` reading every value into lists;
  target 2x;
- whole processes, CPU seconds: ``python -m cxmatrix import L.xlsx -o L.cxm`` against a
  Python process that imports python-calamine and reads the values; target 2x;
- the peak memory (VmHWM) of those two processes; target 1.5x.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import openpyxl
import python_calamine
from common import Result, alternate, compared, run_process

from cxmatrix.domain.generate import generate_size
from cxmatrix.interchange.spreadsheet.importer import read
from cxmatrix.store.document import write_document

TARGET = 2.0
MEMORY_TARGET = 1.5

CALAMINE_PROCESS = """
import sys
import python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
book.close()
print(sum(len(row) for row in rows))
"""


def write_grid(size: str, path: Path) -> tuple[int, int]:
    matrix = generate_size(size)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Matrix")
    departments = matrix.departments
    sheet.append(["Stage", "Touchpoint"] + [d.name for d in departments])
    stage_names = {s.id: s.name for s in matrix.stages}
    for tp in matrix.iter_touchpoints():
        roles = matrix.row_roles(tp.id)
        sheet.append([stage_names[tp.stage_id], tp.name] +
                     [roles[d.id].letter if d.id in roles else None for d in departments])
    book.save(path)
    return matrix.touchpoint_count, len(departments)


def calamine_values(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    book.close()
    return sum(len(row) for row in rows)


def import_to_file(source: Path, target: Path) -> None:
    write_document(target, read(source).matrix, overwrite=True)


def run(quick: bool) -> list[Result]:
    sizes = ("M",) if quick else ("M", "L")
    repeat = 3 if quick else 5
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"grid_{size}.xlsx"
            target = Path(folder) / f"grid_{size}.cxm"
            touchpoints, departments = write_grid(size, path)
            imported = read(path).matrix
            assert imported.touchpoint_count == touchpoints
            assert len(imported.departments) == departments
            grid = f"{size} {touchpoints:,} x {departments} .xlsx"
            samples = alternate(lambda p=path, t=target: import_to_file(p, t),
                                lambda p=path: calamine_values(p), repeat,
                                clock=time.process_time)
            results.append(compared("import", f"{grid} to .cxm, in-process CPU", samples,
                                    "calamine reading the values", TARGET))
            processes = ([], [])
            for _ in range(repeat):
                processes[0].append(run_process("-m", "cxmatrix", [
                    "import", str(path), "-o", str(target), "--force"]))
                processes[1].append(run_process("-c", CALAMINE_PROCESS, [str(path)]))
            results.append(compared(
                "import", f"{grid} to .cxm, whole process CPU",
                ([p.cpu for p in processes[0]], [p.cpu for p in processes[1]]),
                "python -c calamine reading the values", TARGET))
            results.append(compared(
                "import", f"{grid} to .cxm, peak memory (VmHWM)",
                ([p.peak_mib for p in processes[0]], [p.peak_mib for p in processes[1]]),
                "python -c calamine reading the values",
                MEMORY_TARGET if size == sizes[-1] else None, unit="MiB"))
    return results
