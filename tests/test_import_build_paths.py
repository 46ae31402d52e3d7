"""Property: the build's direct path for a grid (adjacent department columns, each row's
filled codes taken from one slice when every code gives its role alone) makes the matrix and
the report the long path makes, cell by cell: with RACI's R beside an A in the same row,
unknown codes, no-role marks, and rows the direct path hands to the long one."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet import build
from cxmatrix.interchange.spreadsheet.importer import read

CODES = st.sampled_from(["", "", "", "O", "I", "H", "O", "I", "R", "A", "C", "I", "-", "n/a",
                         "?", "x", "A/R", "Own", "Influence", "zz"])
ROWS = st.lists(st.lists(CODES, min_size=4, max_size=4), min_size=2, max_size=25)


def write_grid(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Stage", "Touchpoint", "Sales", "Support", "Legal", "Billing"])
        for number, codes in enumerate(rows, start=1):
            writer.writerow(["Onboarding" if number % 3 else "Renewal", f"Touchpoint {number}",
                             *codes])
    return path


def imported(path: Path) -> tuple[object, ...] | str:
    try:
        result = read(path)
    except ImportFailed as error:
        return str(error)
    matrix = result.matrix
    names = {d.id: d.name for d in matrix.departments}
    cells = {(tp.name, names[did]): role for tp in matrix.iter_touchpoints()
             for did, role in matrix.row_roles(tp.id).items()}
    return cells, result.report, result.details


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
def test_the_direct_path_builds_what_the_long_path_builds(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_grid(Path(folder) / "grid.csv", rows)
        direct = imported(path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(build._Builder, "_direct_span", lambda self: None)  # the long path
            long = imported(path)
    assert direct == long


def test_the_direct_path_takes_a_plain_grid(tmp_path: Path) -> None:
    path = write_grid(tmp_path / "grid.csv", [["O", "I", "", "H"], ["I", "O", "H", ""]])
    result = read(path)
    assert result.details["report"]["roles"] == {"own": 2, "influence": 2, "handle": 2}
