"""Reading back an exported workbook after colleagues worked in it (xlsx/returned.py).

The workbook is edited the way colleagues do, with openpyxl (Excel's file semantics) and
through LibreOffice, then read back: ids keep renames as renames and moves as moves, new rows
and columns are new, and damaged workbooks are refused with the sheet and cell named.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from export_samples import demo_like
from openpyxl.utils import get_column_letter
from test_export_xlsx import convert_with_libreoffice, soffice

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import HEADER_ROW, ID_ROW, STATE_SHEET
from cxmatrix.interchange.xlsx.placement import FIRST_ROLE_COLUMN, ID_COLUMN
from cxmatrix.interchange.xlsx.returned import read_returned

ID = get_column_letter(ID_COLUMN + 1)  # the hidden id column, J


def exported(matrix: Matrix, folder: Path, name: str = "out.xlsx") -> Path:
    path = folder / name
    xlsx_export.write(matrix, path)
    return path


def ids(matrix: Matrix) -> dict[str, list[int]]:
    return {"stages": [s.id for s in matrix.stages],
            "departments": [d.id for d in matrix.departments],
            "touchpoints": [t.id for t in matrix.iter_touchpoints()]}


def row_of(sheet, name: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == name)


def column_of(sheet, name: str) -> int:
    return next(cell.column for cell in sheet[HEADER_ROW] if cell.value == name)


@pytest.mark.parametrize("make", [demo_like, lambda: generate_size("S")],
                         ids=["demo-like", "generated-S"])
def test_an_untouched_workbook_gives_back_the_matrix_with_its_ids(make, tmp_path):
    matrix = make()
    returned = read_returned(exported(matrix, tmp_path))
    assert returned.exported.content() == matrix.content()
    assert returned.saved.content() == matrix.content()
    assert ids(returned.exported) == ids(matrix) == ids(returned.saved)
    assert returned.exported.roles == matrix.roles and returned.saved.roles == matrix.roles
    assert returned.exported.notes == matrix.notes == returned.saved.notes
    assert not (returned.new_touchpoints or returned.new_departments or returned.new_stages)
    assert not (returned.removed_touchpoints or returned.removed_departments)
    assert returned.notices == ()
    assert returned.matrix_uid == matrix.uid == returned.exported.uid == returned.saved.uid
    assert returned.exported_at.tzinfo is not None


def test_a_large_state_is_cut_into_chunks_that_fit_a_cell(tmp_path):
    matrix = generate_size("M")
    path = exported(matrix, tmp_path)
    sheet = openpyxl.load_workbook(path, read_only=True)[STATE_SHEET]
    chunks = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert len(chunks) >= 2 and all(0 < len(chunk) <= 32_767 for chunk in chunks)
    assert sheet["B4"].value == str(len(chunks))
    assert read_returned(path).exported.content() == matrix.content()


def test_colleagues_edits_with_openpyxl_keep_ids(tmp_path):
    matrix = demo_like()
    path = exported(matrix, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Matrix"]
    legal = matrix.find_department("Legal")
    sales = matrix.find_department("Sales")
    kickoff = matrix.find_touchpoints("Kick-off call")[0]
    outage = matrix.find_touchpoints("Outage notice")[0]
    sheet.cell(HEADER_ROW, column_of(sheet, "Legal")).value = "Legal & Compliance"
    kickoff_row = row_of(sheet, "Kick-off call")
    sheet.cell(kickoff_row, 1).value = "Kick-off meeting"
    sheet.cell(kickoff_row, column_of(sheet, "Sales")).value = None  # a cleared role
    sheet.cell(row_of(sheet, "Outage notice"), column_of(sheet, "Legal & Compliance")
               ).value = "Own"
    # A row inserted in the middle, and one added below the last touchpoint, without ids.
    sheet.insert_rows(kickoff_row + 1)
    sheet.cell(kickoff_row + 1, 1).value = "Training session"
    sheet.cell(kickoff_row + 1, column_of(sheet, "Customer Success")).value = "Own"
    last = sheet.max_row + 1
    sheet.cell(last, 1).value = "Status page"
    # A department column added at the end.
    new_column = FIRST_ROLE_COLUMN + len(matrix.departments) + 1
    sheet.cell(HEADER_ROW, new_column).value = "Partners"
    sheet.cell(last, new_column).value = "influence"  # any case
    book.save(path)

    returned = read_returned(path)
    saved = returned.saved
    assert returned.renamed_departments() == {legal.id: ("Legal", "Legal & Compliance")}
    assert returned.renamed_touchpoints() == {kickoff.id: ("Kick-off call", "Kick-off meeting")}
    assert saved.role(kickoff.id, sales.id) is None
    assert saved.role(outage.id, legal.id) is Role.OWN
    assert saved.department(legal.id).code == "LEG"  # the code came by id, not by name
    assert {saved.touchpoint(i).name for i in returned.new_touchpoints} == {
        "Training session", "Status page"}
    (partners,) = returned.new_departments
    assert saved.department(partners).name == "Partners"
    status = saved.find_touchpoints("Status page")[0]
    assert saved.role(status.id, partners) is Role.INFLUENCE
    assert status.stage_id == matrix.find_stage("Incidents").id
    exported_ids = set(ids(matrix)["touchpoints"])
    assert all(i not in exported_ids for i in returned.new_touchpoints)
    assert not returned.removed_touchpoints and not returned.removed_departments
    assert returned.exported.content() == matrix.content()


def test_moved_and_sorted_rows_keep_their_ids(tmp_path):
    matrix = generate_size("S")
    path = exported(matrix, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Matrix"]
    # Reverse the touchpoint rows of the first stage, as a sort would.
    first_stage = matrix.stages[0]
    rows = [row_of(sheet, tp.name) for tp in matrix.touchpoints_in(first_stage.id)]
    width = sheet.max_column
    values = [[sheet.cell(r, c).value for c in range(1, width + 1)] for r in rows]
    for r, row_values in zip(rows, reversed(values), strict=True):
        for c, value in enumerate(row_values, start=1):
            sheet.cell(r, c).value = value
    book.save(path)
    returned = read_returned(path)
    saved = returned.saved
    reversed_ids = list(reversed([t.id for t in matrix.touchpoints_in(first_stage.id)]))
    assert saved.stage_touchpoint_ids(first_stage.id) == reversed_ids
    assert saved.roles == matrix.roles
    assert not returned.new_touchpoints and not returned.removed_touchpoints


def test_a_deleted_row_and_a_deleted_department_column_are_listed(tmp_path):
    matrix = demo_like()
    path = exported(matrix, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Matrix"]
    sheet.delete_rows(row_of(sheet, "Welcome email"))
    sheet.delete_cols(column_of(sheet, "Support"))
    book.save(path)
    returned = read_returned(path)
    assert returned.removed_touchpoints == {matrix.find_touchpoints("Welcome email")[0].id}
    support = matrix.find_department("Support")
    assert returned.removed_departments == {support.id}
    assert returned.notices == ("out.xlsx: sheet 'Matrix': the column of department "
                                "'Support' (column N when exported) was deleted",)
    assert returned.saved.find_department("Support") is None


def damage(path: Path, edit) -> None:
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def refused(path: Path, *parts: str) -> str:
    with pytest.raises(ImportFailed) as caught:
        read_returned(path)
    message = str(caught.value)
    for part in parts:
        assert part in message, message
    return message


def test_a_damaged_row_id_is_named_by_its_cell(tmp_path):
    path = exported(demo_like(), tmp_path)
    damage(path, lambda book: book["Matrix"].cell(HEADER_ROW + 2, ID_COLUMN + 1,
                                                  "oops"))
    refused(path, "out.xlsx: sheet 'Matrix', cell J8: 'oops' is not a stage or touchpoint id")


def test_an_id_from_elsewhere_is_refused(tmp_path):
    path = exported(demo_like(), tmp_path)
    damage(path, lambda book: book["Matrix"].cell(HEADER_ROW + 2, ID_COLUMN + 1, "T99999"))
    refused(path, "cell J8: 'T99999' is not the id of an exported touchpoint")


def test_a_row_pasted_twice_is_a_duplicate_id(tmp_path):
    matrix = demo_like()
    path = exported(matrix, tmp_path)

    def paste_twice(book):
        sheet = book["Matrix"]
        source = row_of(sheet, "Kick-off call")
        target = row_of(sheet, "Outage notice") + 1  # the first row past the data
        for column in range(1, sheet.max_column + 1):
            sheet.cell(target, column).value = sheet.cell(source, column).value

    damage(path, paste_twice)
    refused(path, "cell J15:", "is also in cell J10: a row was copied")


def test_a_department_column_pasted_twice_is_a_duplicate_id(tmp_path):
    path = exported(demo_like(), tmp_path)

    def paste_column(book):
        sheet = book["Matrix"]
        target = FIRST_ROLE_COLUMN + len(demo_like().departments) + 1  # P, just past Legal
        for row in range(1, sheet.max_row + 1):
            sheet.cell(row, target).value = sheet.cell(row, FIRST_ROLE_COLUMN + 1).value

    damage(path, paste_column)
    refused(path, f"cell P{ID_ROW}:", f"is also in cell K{ID_ROW}: a department column "
                                      "was copied")


def test_values_that_are_not_roles_are_listed_by_cell(tmp_path):
    path = exported(demo_like(), tmp_path)

    def type_words(book):
        sheet = book["Matrix"]
        sheet["K8"] = "Owner"
        sheet["L10"] = "maybe"

    damage(path, type_words)
    refused(path, "sheet 'Matrix': cells K8 ('Owner'), L10 ('maybe') do not hold a role")


def test_a_renamed_sheet_is_named(tmp_path):
    path = exported(demo_like(), tmp_path)

    def rename(book):
        book["Matrix"].title = "Grid"

    damage(path, rename)
    refused(path, "sheet 'Matrix' is missing", "'Grid'", "was it renamed?")


def test_a_workbook_without_its_state_sheet_says_why(tmp_path):
    path = exported(demo_like(), tmp_path)
    damage(path, lambda book: book.remove(book[STATE_SHEET]))
    refused(path, "the hidden sheet 'cxmatrix state'", "Google Sheets",
            "Import the workbook as a new matrix instead")


def test_a_workbook_without_the_id_column_is_refused(tmp_path):
    path = exported(demo_like(), tmp_path)
    damage(path, lambda book: book["Matrix"].delete_cols(ID_COLUMN + 1))
    refused(path, "row 6: the hidden column 'cxmatrix id' is missing")


def test_a_workbook_not_from_cxmatrix_is_refused(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Matrix"
    book.create_sheet("About")
    book.save(path)
    refused(path, "this is not a workbook cxmatrix exported")


@pytest.mark.soffice
def test_a_workbook_saved_by_libreoffice_comes_back(tmp_path):
    soffice()
    matrix = demo_like()
    source = exported(matrix, tmp_path, "journey.xlsx")
    converted = convert_with_libreoffice(source, tmp_path, "xlsx")
    returned = read_returned(converted)
    assert "LibreOffice" in returned.application
    assert returned.exported.content() == matrix.content()
    assert returned.saved.content() == matrix.content()
    assert ids(returned.saved) == ids(matrix)
    assert returned.saved.notes == matrix.notes
