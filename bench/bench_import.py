"""Import speed: ``spreadsheet_import.read`` against openpyxl's read-only mode just iterating
the values of the same .xlsx file, in the same run. Target: within 1.3x.

Each grid (M: 2,000 x 30, L: 20,000 x 50, from ``generate_size``) is written with openpyxl's
write-only mode as users' grids are laid out: a stage column, a touchpoint column and one
column of O/I/H letters per department. Our figure includes everything an import does: the
safety checks on the zip, reading the values, detection, the code mapping and building the
matrix. A second line compares python-calamine alone, the reader we use, with the same
baseline.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
import python_calamine
from common import Result, median_time, ratio_result

from cxmatrix.domain.generate import generate_size
from cxmatrix.interchange.spreadsheet.importer import read

TARGET = 1.3


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


def openpyxl_values(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    for row in book.worksheets[0].iter_rows(values_only=True):
        count += len(row)
    book.close()
    return count


def calamine_values(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    book.close()
    return sum(len(row) for row in rows)


def run(quick: bool) -> list[Result]:
    sizes = ("M",) if quick else ("M", "L")
    repeat = 3 if quick else 5
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"grid_{size}.xlsx"
            touchpoints, departments = write_grid(size, path)
            imported = read(path).matrix
            assert imported.touchpoint_count == touchpoints
            assert len(imported.departments) == departments
            baseline = median_time(lambda p=path: openpyxl_values(p), repeat)
            ours = median_time(lambda p=path: read(p), repeat)
            case = f"{size} grid {touchpoints:,} x {departments} .xlsx"
            results.append(ratio_result("import", case, ours, baseline,
                                        "openpyxl read-only values", TARGET))
            calamine = median_time(lambda p=path: calamine_values(p), repeat)
            results.append(Result("import", f"{size} calamine values only", calamine, baseline,
                                  "openpyxl read-only values", "(reference)"))
    return results
