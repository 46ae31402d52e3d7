"""Export a matrix as CSV: one row per touchpoint, one column per department.

Columns: Stage, the touchpoint attributes (as in the Excel export's Matrix sheet), then one
column per department holding the role as a word. UTF-8 with a byte-order mark so Excel reads
accents correctly; fields with commas, quotes or line breaks are quoted; a cell a spreadsheet
would run as a formula gets a leading apostrophe. Cell notes do not fit in a CSV and are left
out (the Excel export keeps them).
"""

from __future__ import annotations

import csv
from operator import attrgetter
from pathlib import Path

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.cell_text import CSV_FORMULA_STARTS, csv_text
from cxmatrix.interchange.xlsx.layout import (
    FLAG_FALSE,
    FLAG_TRUE,
    ROLE_WORDS,
    TOUCHPOINT_COLUMNS,
)

STAGE_COLUMN = "Stage"
PROGRESS_EVERY = 1000


def header(matrix: Matrix) -> list[str]:
    return [STAGE_COLUMN, *(title for title, _ in TOUCHPOINT_COLUMNS),
            *(csv_text(d.name) for d in matrix.departments)]


def write(matrix: Matrix, path: Path, *, progress: Progress | None = None,
          **_options: object) -> None:
    """Write ``matrix`` to the CSV file ``path``; raises ExportFailed (leaving no file) when it
    cannot be written, and Cancelled when ``progress`` is cancelled."""
    path = Path(path)
    attributes = attrgetter(*(attribute for _, attribute in TOUCHPOINT_COLUMNS))
    column_of = {d.id: index for index, d in enumerate(matrix.departments)}
    words = {role: ROLE_WORDS[role.value] for role in Role}
    risky = frozenset(CSV_FORMULA_STARTS)
    total = matrix.touchpoint_count
    done = 0
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header(matrix))
        for stage in matrix.stages:
            stage_name = csv_text(stage.name)
            for tp in matrix.touchpoints_in(stage.id):
                row = [stage_name]
                for value in attributes(tp):
                    if value is True:
                        row.append(FLAG_TRUE)
                    elif value is False:
                        row.append(FLAG_FALSE)
                    elif value and (value[0] in risky or "\x00" in value):
                        row.append(csv_text(value))
                    else:
                        row.append(value)
                role_cells = [""] * len(column_of)
                for dept_id, role in matrix.row_roles(tp.id).items():
                    role_cells[column_of[dept_id]] = words[role]
                row += role_cells
                writer.writerow(row)
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress.step(done, total, "Writing CSV")
    if progress is not None:
        progress.step(total, total, f"Exported {path.name}")
