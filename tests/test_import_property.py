"""Property: any workbook or CSV either imports to a consistent matrix or raises ImportFailed,
never another exception, and a valid matrix sheet (strategies.typed_grids) is never refused but
imported to the matrix it shows; and the unit behaviour of the code mapping."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import TypedSheet, typed_grids

from cxmatrix.domain.codes import (
    MAPPING_PRESETS,
    Target,
    interpret,
    mapping_from_table,
    normalise_code,
    resolve_mapping,
    role_of_heading,
    roles_for_row,
)
from cxmatrix.domain.model import MAX_CODE_LENGTH, Matrix, name_key
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.interchange.spreadsheet.importer import inspect, read

CELL_VALUES = st.one_of(
    st.sampled_from(["", "", "", "O", "I", "H", "A", "R", "C", "S", "P", "A/R", "R, C", "(R)",
                     "RA", "-", "n/a", "N", "x", "?", "Own", "owner", "Influence", "Handles",
                     "Responsible", "Accountable (A)", "Consulted", "Informed", "Owner",
                     "Supporting teams", "Handled by", "Stage", "Touchpoint", "Phase 1",
                     "Sales", "Support", "Customer Success", "Legal", "Notes", "Total",
                     "Legend: O = Own", "TBD", "Status", "2026-01-01", "42", "3.5", "yes",
                     "Sales; Support", "Marketing, Product", "Café ☕", "サポート"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-5, 5000),
)
GRIDS = st.lists(st.lists(CELL_VALUES, min_size=0, max_size=8), min_size=0, max_size=14)
# Half random grids, which the importer may refuse, half valid sheets, which it may not.
SHEETS = st.one_of(GRIDS.map(TypedSheet), typed_grids())


def check_consistent(matrix: Matrix) -> None:
    departments = {d.id for d in matrix.departments}
    keys = [name_key(d.name) for d in matrix.departments]
    assert len(keys) == len(set(keys))
    assert all(d.name == d.name.strip() and d.name for d in matrix.departments)
    assert all(len(d.code) <= MAX_CODE_LENGTH for d in matrix.departments)
    stage_keys = [name_key(s.name) for s in matrix.stages]
    assert len(stage_keys) == len(set(stage_keys))
    for touchpoint in matrix.iter_touchpoints():
        assert touchpoint.name and touchpoint.name == touchpoint.name.strip()
        matrix.stage(touchpoint.stage_id)
        assert set(matrix.row_roles(touchpoint.id)) <= departments
        assert all(isinstance(r, Role) for r in matrix.row_roles(touchpoint.id).values())
    for (touchpoint_id, department_id), note in matrix.notes.items():
        assert matrix.has_touchpoint(touchpoint_id) and department_id in departments and note
    assert set(matrix.roles) <= {t.id for t in matrix.iter_touchpoints()}
    # The JSON round trip validates every name and value through the public API.
    again = json_format.from_dict(json_format.to_dict(matrix))
    assert again.content() == matrix.content()


def heading(name: str) -> str:
    """A department name as a heading cell gives it: a line break in a heading is where the
    cell's text wraps, read as a space."""
    return " ".join(name.split())


def shown(matrix: Matrix) -> list[tuple[str, list[tuple[str, dict[str, Role]]]]]:
    """What a typed grid shows of a matrix: its stages that hold touchpoints, in order, each
    with its touchpoints and their roles by department heading. A stage cell is read as a
    heading too (its spaces, no-break spaces included, collapse)."""
    return [(heading(stage.name), [(tp.name, {heading(matrix.department(d).name): role
                                     for d, role in matrix.row_roles(tp.id).items()})
                          for tp in matrix.touchpoints_in(stage.id)])
            for stage in matrix.stages if matrix.touchpoints_in(stage.id)]


def import_or_refuse(path: Path, expected: Matrix | None) -> None:
    """Import ``path``: a refusal must name the file, and is a failure when ``expected`` (the
    matrix of a valid sheet) is given; an import must be consistent, and show ``expected``."""
    try:
        result = read(path)
    except ImportFailed as error:
        message = str(error)
        assert message.startswith(path.name), message
        assert expected is None, f"a valid sheet was refused: {message}"
        return
    check_consistent(result.matrix)
    report = result.details["report"]
    assert report["touchpoints"] == result.matrix.touchpoint_count
    assert sum(report["roles"].values()) == result.matrix.cell_count()
    assert result.report and all(isinstance(line, str) for line in result.report)
    if expected is not None:
        assert shown(result.matrix) == shown(expected)
        assert [d.name for d in result.matrix.departments] == [
            heading(d.name) for d in expected.departments]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(SHEETS, st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig",
                                                                   "cp1252"]))
def test_any_csv_imports_consistently_or_is_refused(sheet: TypedSheet, delimiter: str,
                                                    encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        if sheet.expected is not None and not encodable(sheet.rows, encoding):
            encoding = "utf-8"  # a valid sheet's names are written as they are, not replaced
        with path.open("w", encoding=encoding, errors="replace", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(sheet.rows)
        import_or_refuse(path, sheet.expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(SHEETS, st.lists(st.tuples(st.integers(1, 10), st.integers(1, 6), st.integers(0, 2),
                                  st.integers(0, 3)), max_size=3))
def test_any_workbook_imports_consistently_or_is_refused(
        sheet: TypedSheet, merges: list[tuple[int, int, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.xlsx"
        book = openpyxl.Workbook()
        worksheet = book.active
        for row_number, row in enumerate(sheet.rows, start=1):
            for column_number, value in enumerate(row, start=1):
                cell = worksheet.cell(row_number, column_number, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text typed with a leading =, not a formula
        if sheet.expected is None:  # merged cells change what a valid sheet shows
            merge_cells(worksheet, merges)
        book.save(path)
        import_or_refuse(path, sheet.expected)


def encodable(rows: list[list[object]], encoding: str) -> bool:
    try:
        "".join(str(value) for row in rows for value in row).encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def merge_cells(worksheet: Any, merges: list[tuple[int, int, int, int]]) -> None:
    taken: set[tuple[int, int]] = set()
    for row, column, down, across in merges:
        cells = {(r, c) for r in range(row, row + down + 1)
                 for c in range(column, column + across + 1)}
        if cells & taken or (down == 0 and across == 0):
            continue
        taken |= cells
        worksheet.merge_cells(start_row=row, start_column=column, end_row=row + down,
                              end_column=column + across)


# ---- the code mapping ------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "target"), [
    ("A/R", Target.OWN), ("R / A", Target.OWN), ("RA", Target.OWN),
    ("R,C", Target.OWN_UNLESS_OWNED),
    ("A, R", Target.OWN), ("(R)", Target.OWN_UNLESS_OWNED), ("c", Target.INFLUENCE),
    ("-", Target.NO_ROLE), ("n/a", Target.NO_ROLE), ("N", Target.NO_ROLE), ("/", Target.NO_ROLE),
    ("Owner", Target.OWN), ("Influencer", Target.INFLUENCE), ("Handles", Target.HANDLE),
    ("S", Target.INFLUENCE), ("P", Target.OWN), ("x", None), ("A/X", None), ("?", None),
])
def test_combined_and_odd_codes(raw: str, target: Target | None) -> None:
    mapping = resolve_mapping("auto", {normalise_code(raw): 1, "r": 5})
    assert mapping.target(raw) is target


def test_i_depends_on_the_other_codes_under_auto() -> None:
    raci = resolve_mapping("auto", {"a": 3, "r": 2, "c": 1, "i": 4})
    assert raci.target("I") is Target.NO_ROLE
    oih = resolve_mapping("auto", {"o": 3, "i": 4, "h": 1})
    assert oih.target("I") is Target.INFLUENCE
    assert resolve_mapping("raci", {"i": 1}).target("i") is Target.NO_ROLE
    assert resolve_mapping("oih", {"i": 1}).target("i") is Target.INFLUENCE
    assert resolve_mapping("primary-support", {"i": 1, "p": 1}).target("i") is None
    assert set(MAPPING_PRESETS) >= {"auto", "oih", "raci", "rasci", "primary-support"}
    with pytest.raises(ValueError, match="unknown code mapping"):
        resolve_mapping("nope", {})


def test_r_is_own_only_without_an_a() -> None:
    assert roles_for_row([Target.OWN_UNLESS_OWNED, Target.INFLUENCE]) == [Role.OWN,
                                                                          Role.INFLUENCE]
    assert roles_for_row([Target.OWN_UNLESS_OWNED, Target.OWN, None, Target.NO_ROLE]) == [
        Role.INFLUENCE, Role.OWN, None, None]


def test_user_table_and_headings() -> None:
    mapping = mapping_from_table({"X": "handle", "  Lead ": Role.OWN, "?": None})
    assert mapping.target("x") is Target.HANDLE and mapping.target("lead") is Target.OWN
    assert mapping.target("?") is None
    with pytest.raises(ValueError, match="not a role"):
        mapping_from_table({"X": "boss"})
    assert role_of_heading("Owner") is Target.OWN
    assert role_of_heading("Supporting teams") is Target.INFLUENCE
    assert role_of_heading("Handled by (when it breaks)") is Target.HANDLE
    assert role_of_heading("Accountable (A)") is Target.OWN
    assert role_of_heading("Responsible") is Target.OWN_UNLESS_OWNED
    assert role_of_heading("Informed") is Target.NO_ROLE
    assert role_of_heading("Known issues") is None and role_of_heading("KPI") is None
    assert interpret("own", {"own": Target.OWN}) is Target.OWN


def test_inspect_lists_the_codes_with_counts(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("Touchpoint,Ops,Dev\nDemo,R,c\nCall,r,X\nVisit,A/R,I\n",
                    encoding="utf-8")
    inspection = inspect(path)
    codes = {c.key: (c.count, c.target) for c in inspection.codes}
    assert codes == {"r": (2, Target.OWN_UNLESS_OWNED), "c": (1, Target.INFLUENCE),
                     "x": (1, None), "a/r": (1, Target.OWN), "i": (1, Target.NO_ROLE)}
    assert inspection.mapping_table()["X"] is None
