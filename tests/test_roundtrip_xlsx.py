"""Export to .xlsx, import with default settings: the same matrix comes back."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from export_samples import awkward, demo, demo_like
from hypothesis import HealthCheck, given, settings
from strategies import matrices

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.formats import reader_for
from cxmatrix.interchange.spreadsheet import importer as spreadsheet_import
from cxmatrix.interchange.xlsx import export as xlsx_export


def round_trip(matrix: Matrix, folder: Path) -> Matrix:
    path = folder / "round.xlsx"
    xlsx_export.write(matrix, path, source_name="round.cxm")
    assert reader_for(path) is spreadsheet_import.read
    return spreadsheet_import.read(path).matrix


def note_only_and_bare_rows() -> Matrix:
    """Rows that look like stage headings to a careless reader, notes without roles."""
    matrix = Matrix(title="Edge rows")
    dept = matrix.add_department("Support", "SUP", "Lead Person")
    matrix.add_department("Idle")
    stage = matrix.add_stage("Only names")
    matrix.add_stage("Empty stage")
    for name in ("Bare one", "Bare two", "Own", "Stage"):
        tp = matrix.add_touchpoint(stage.id, name)
    matrix.set_note(tp.id, dept.id, "A note on a cell with no role")
    last = matrix.add_stage("Last")
    tp = matrix.add_touchpoint(last.id, "Handled", peak=True, end=True)
    matrix.set_role(tp.id, dept.id, Role.HANDLE)
    return matrix


@pytest.mark.parametrize("make", [demo_like, demo, awkward, note_only_and_bare_rows,
                                  lambda: generate_size("S"), lambda: generate_size("M")],
                         ids=["demo-like", "demo", "awkward", "bare-rows", "generated-S",
                              "generated-M"])
def test_export_then_import_gives_the_same_matrix(make, tmp_path):
    matrix = make()
    assert round_trip(matrix, tmp_path).content() == matrix.content()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_any_matrix_survives_the_round_trip(matrix: Matrix) -> None:
    trim_surrounding_space(matrix)
    with tempfile.TemporaryDirectory() as folder:
        again = round_trip(matrix, Path(folder))
    assert again.content() == matrix.content()


def trim_surrounding_space(matrix: Matrix) -> None:
    """Spreadsheet cells are read with surrounding white space trimmed. The domain trims
    names, touchpoint texts and notes itself, but not a title, organisation or description
    given to the Matrix constructor, which the generated matrices may pad."""
    matrix.title = matrix.title.strip()
    matrix.organisation = matrix.organisation.strip()
    matrix.description = matrix.description.strip()


def test_prepared_by_goes_through_the_about_sheet_and_older_workbooks_still_read(
        tmp_path: Path) -> None:
    import openpyxl

    matrix = demo()
    matrix.set_properties(prepared_by="Priya Raman")
    assert round_trip(matrix, tmp_path).prepared_by == "Priya Raman"
    path = tmp_path / "round.xlsx"
    book = openpyxl.load_workbook(path)
    about = book["About"]
    row = next(cell.row for cell in about["A"] if cell.value == "Prepared by")
    assert about.cell(row, 2).value == "Priya Raman"
    about.delete_rows(row)  # as a workbook exported before the property existed
    book.save(path)
    again = spreadsheet_import.read(path).matrix
    assert again.prepared_by == ""
    assert again.title == matrix.title
