"""Export speed: our Excel and CSV exports against the raw libraries writing the same values.

xlsx: ``xlsx_export.write`` (every sheet, styles, conditional formats, validation, comments,
findings computed) against openpyxl's write-only mode writing the same cell values of every
sheet with no styling. Target: within 1.3x. CSV: ``csv_export.write`` against the csv module
writing the same rows, ready-made. Target: within 2x.

Runs alternate (ours, baseline, ours, ...) and count the CPU time of this process: the machine
is shared, and wall time swings with whatever else runs, while CPU time stays put.
"""

from __future__ import annotations

import csv
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import Result, ratio_result
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cxmatrix.domain.findings import compute_findings
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.csv import export as csv_export
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import (
    ABOUT_FIELDS,
    DEPARTMENT_COLUMNS,
    FLAG_FALSE,
    FLAG_TRUE,
    HEADER_ROW,
    ROLE_WORDS,
    TOUCHPOINT_COLUMNS,
)

XLSX_TARGET = 1.3
# Our CSV builds its rows from the matrix; the baseline gets them ready-made.
CSV_TARGET = 2.0


def workbook_values(matrix: Matrix) -> dict[str, list[list[object]]]:
    """The cell values of every sheet our export writes, as plain rows."""
    departments = matrix.departments
    attributes = [attribute for _, attribute in TOUCHPOINT_COLUMNS]
    words = {role: ROLE_WORDS[role.value] for row in matrix.roles.values() for role in row.values()}
    first_role = len(attributes) + 1
    last_role = get_column_letter(first_role + len(departments) - 1)
    first_role_letter = get_column_letter(first_role)
    matrix_rows: list[list[object]] = [[matrix.title], [matrix.organisation], ["Exported"],
                                       ["Focus"], []]
    matrix_rows.append([title for title, _ in TOUCHPOINT_COLUMNS] + [d.name for d in departments])
    summary_rows: list[list[object]] = []
    row_number = HEADER_ROW
    for stage in matrix.stages:
        matrix_rows.append([stage.name])
        row_number += 1
        for tp in matrix.touchpoints_in(stage.id):
            row: list[object] = []
            for attribute in attributes:
                value = getattr(tp, attribute)
                if isinstance(value, bool):
                    row.append(FLAG_TRUE if value else FLAG_FALSE)
                else:
                    row.append(value or None)
            roles = matrix.row_roles(tp.id)
            row += [words[roles[d.id]] if d.id in roles else None for d in departments]
            matrix_rows.append(row)
            row_number += 1
            summary_rows.append([stage.name, tp.name, f'=COUNTIF(Matrix!${first_role_letter}'
                                 f'{row_number}:${last_role}{row_number},"Own")'])
    for index, department in enumerate(departments):
        column = get_column_letter(first_role + index)
        counts = [f'=COUNTIF(Matrix!{column}${HEADER_ROW + 1}:{column}${row_number},"{word}")'
                  for word in ROLE_WORDS.values()]
        summary = summary_rows[index] if index < len(summary_rows) else [None] * 3
        summary_rows[index:index + 1] = [[department.name, *counts, None, *summary]]
    names = {d.id: d.name for d in departments}
    findings_rows: list[list[object]] = [["Severity", "Code", "Stage", "Touchpoint",
                                          "Department", "Message"]]
    for finding in compute_findings(matrix):
        tp = matrix.touchpoint(finding.touchpoint_id) if finding.touchpoint_id else None
        ids = finding.department_ids or ((finding.department_id,) if finding.department_id
                                         else ())
        findings_rows.append([finding.severity.label, finding.code,
                              matrix.stage(tp.stage_id).name if tp else None,
                              tp.name if tp else None, ", ".join(names[i] for i in ids),
                              finding.message])
    return {
        "Matrix": matrix_rows,
        "Departments": [list(DEPARTMENT_COLUMNS)] + [[d.name, d.code, d.lead or None]
                                                     for d in departments],
        "Findings": findings_rows,
        "Summary": [["Summary"], ["Live counts"], [], *[["label", "=1"]] * 5, [],
                    ["Department", "Own", "Influence", "Handle", None, "Stage", "Touchpoint",
                     "Owners"], *summary_rows],
        "About": [[label, "value"] for label, _ in ABOUT_FIELDS] + [["Role", "Meaning"]] * 12,
    }


def write_values(values: dict[str, list[list[object]]], path: Path) -> None:
    workbook = Workbook(write_only=True)
    for name, rows in values.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def csv_rows(matrix: Matrix) -> list[list[str]]:
    departments = matrix.departments
    rows = [["Stage", *(title for title, _ in TOUCHPOINT_COLUMNS), *(d.name for d in departments)]]
    for stage in matrix.stages:
        for tp in matrix.touchpoints_in(stage.id):
            roles = matrix.row_roles(tp.id)
            row = [stage.name]
            for _, attribute in TOUCHPOINT_COLUMNS:
                value = getattr(tp, attribute)
                row.append((FLAG_TRUE if value else FLAG_FALSE) if isinstance(value, bool)
                           else value)
            row += [ROLE_WORDS[roles[d.id].value] if d.id in roles else "" for d in departments]
            rows.append(row)
    return rows


def write_csv_rows(rows: list[list[str]], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def alternating(ours: Callable[[], object], baseline: Callable[[], object], repeat: int
                ) -> tuple[float, float]:
    """Median CPU seconds of ``ours`` and ``baseline``, run in turns."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, spent in ((ours, times[0]), (baseline, times[1])):
            gc.collect()
            start = time.process_time()
            function()
            spent.append(time.process_time() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def run(quick: bool) -> list[Result]:
    results = []
    sizes = ("M",) if quick else ("M", "L")
    repeat = 3 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for size in sizes:
            matrix = generate_size(size)
            values = workbook_values(matrix)
            ours, raw = alternating(
                lambda matrix=matrix: xlsx_export.write(matrix, out / "ours.xlsx"),
                lambda values=values: write_values(values, out / "raw.xlsx"), repeat)
            results.append(ratio_result("export", f"xlsx {size}", ours, raw,
                                        "openpyxl write-only, same values, unstyled",
                                        XLSX_TARGET))
            rows = csv_rows(matrix)
            ours, raw = alternating(
                lambda matrix=matrix: csv_export.write(matrix, out / "ours.csv"),
                lambda rows=rows: write_csv_rows(rows, out / "raw.csv"), repeat)
            results.append(ratio_result("export", f"csv {size}", ours, raw,
                                        "csv module, same rows", CSV_TARGET))
    return results
