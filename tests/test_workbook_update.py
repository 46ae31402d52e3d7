"""Colleagues' copies of the exported workbook come back through the review: edited with
openpyxl and through LibreOffice, merged with `cxmatrix merge`, and read back from the .cxm."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from export_samples import demo_like

from cxmatrix.cli import main
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.workbook_update import review_workbooks
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import HEADER_ROW
from cxmatrix.store.document import Document


def row_of(sheet, name: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == name)


def column_of(sheet, name: str) -> int:
    return next(cell.column for cell in sheet[HEADER_ROW] if cell.value == name)


def exported(tmp_path: Path, matrix: Matrix | None = None) -> tuple[Path, Path, Matrix]:
    matrix = matrix or demo_like()
    cxm = tmp_path / "journey.cxm"
    Document.create(cxm, matrix).close()
    with Document.open(cxm, read_only=True) as document:
        matrix = document.matrix
    workbook = tmp_path / "journey.xlsx"
    xlsx_export.write(matrix, workbook)
    return cxm, workbook, matrix


def colleague_edit(source: Path, target: Path) -> None:
    """Rename a department in the header, clear a role, add rows in the middle and at the
    end, move a row, delete a row: with openpyxl, as Excel would save it."""
    shutil.copy(source, target)
    book = openpyxl.load_workbook(target)
    sheet = book["Matrix"]
    sheet.cell(HEADER_ROW, column_of(sheet, "Legal")).value = "Legal & Compliance"
    kickoff = row_of(sheet, "Kick-off call")
    sheet.cell(kickoff, column_of(sheet, "Sales")).value = None
    sheet.insert_rows(kickoff + 1)
    sheet.cell(kickoff + 1, 1).value = "Training session"
    sheet.cell(kickoff + 1, column_of(sheet, "Customer Success")).value = "Own"
    last = sheet.max_row + 1
    sheet.cell(last, 1).value = "Status page"
    sheet.cell(last, column_of(sheet, "Support")).value = "Own"
    sheet.delete_rows(row_of(sheet, "Outage notice"))
    book.save(target)


def names(matrix: Matrix) -> list[str]:
    return [t.name for t in matrix.iter_touchpoints()]


def test_merge_applies_the_colleagues_changes_and_lists_the_deletion(tmp_path, capsys):
    cxm, workbook, matrix = exported(tmp_path)
    anna = tmp_path / "anna.xlsx"
    colleague_edit(workbook, anna)
    assert main(["merge", str(cxm), str(anna)]) == 0
    out = capsys.readouterr().out
    assert "Department Legal renamed to Legal & Compliance" in out
    assert "Touchpoint Outage notice deleted in anna.xlsx" in out
    assert "1 deletion not applied: add --delete to apply it." in out
    with Document.open(cxm, read_only=True) as document:
        merged = document.matrix
        snapshots = document.snapshots()
    legal = matrix.find_department("Legal")
    assert merged.department(legal.id).name == "Legal & Compliance"  # renamed, same id
    assert len(merged.departments) == len(matrix.departments)
    kickoff = matrix.find_touchpoints("Kick-off call")[0]
    assert merged.role(kickoff.id, matrix.find_department("Sales").id) is None
    assert merged.find_touchpoints("Outage notice")  # kept: no yes given
    order = names(merged)
    assert order[order.index("Kick-off call") + 1] == "Training session"
    status = merged.find_touchpoints("Status page")[0]
    assert merged.owners(status.id)[0].name == "Support"
    assert [s.name for s in snapshots] == ["Before update from anna.xlsx"]

    assert main(["merge", str(cxm), str(anna), "--delete"]) == 0
    with Document.open(cxm, read_only=True) as document:
        assert not document.matrix.find_touchpoints("Outage notice")
        assert names(document.matrix).count("Training session") == 1  # nothing twice


def test_dry_run_and_json_change_nothing(tmp_path, capsys):
    cxm, workbook, _matrix = exported(tmp_path)
    anna = tmp_path / "anna.xlsx"
    colleague_edit(workbook, anna)
    before = cxm.read_bytes()
    assert main(["merge", str(cxm), str(anna), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert cxm.read_bytes() == before
    assert data["written"] is False and data["workbooks"] == ["anna.xlsx"]
    by_text = {c["text"]: c for c in data["changes"]}
    assert by_text["Touchpoint Outage notice deleted in anna.xlsx"]["applied"] is False
    assert by_text["Touchpoint Training session added in Onboarding"]["applied"] is True
    assert data["counts"]["deletions"] == 1


def test_a_conflict_with_the_app_and_between_two_copies(tmp_path, capsys):
    cxm, workbook, matrix = exported(tmp_path)
    quote = next(t for t in matrix.iter_touchpoints() if not matrix.owners(t.id))
    anna, ben = tmp_path / "anna.xlsx", tmp_path / "ben.xlsx"
    for path, department in ((anna, "Sales"), (ben, "Support")):
        shutil.copy(workbook, path)
        book = openpyxl.load_workbook(path)
        sheet = book["Matrix"]
        sheet.cell(row_of(sheet, quote.name), column_of(sheet, department)).value = "Own"
        book.save(path)
    assert main(["merge", str(cxm), str(anna), str(ben)]) == 1  # a conflict left
    out = capsys.readouterr().out
    assert f"{quote.name}: anna.xlsx makes Sales the owner; ben.xlsx makes Support " \
           "the owner" in out
    with Document.open(cxm, read_only=True) as document:
        assert document.matrix.owners(quote.id) == []  # neither, until someone decides


def test_a_workbook_of_another_matrix_is_refused_and_nothing_changes(tmp_path, capsys):
    cxm, _workbook, _matrix = exported(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _cxm2, foreign, _ = exported(other)
    before = cxm.read_bytes()
    assert main(["merge", str(cxm), str(foreign)]) == 2
    assert "exported from another matrix" in capsys.readouterr().err
    assert cxm.read_bytes() == before


@pytest.mark.parametrize(("damage", "message"), [
    (lambda s: setattr(s["J8"], "value", "T99999"), "cell J8"),
    (lambda s: setattr(s.cell(8, 11), "value", "Maybe"), "do not hold a role"),
])
def test_bad_input_names_the_sheet_and_cell_and_changes_nothing(tmp_path, capsys, damage,
                                                                message):
    cxm, workbook, _matrix = exported(tmp_path)
    book = openpyxl.load_workbook(workbook)
    damage(book["Matrix"])
    book.save(workbook)
    before = cxm.read_bytes()
    assert main(["merge", str(cxm), str(workbook)]) == 2
    err = capsys.readouterr().err
    assert "'Matrix'" in err and message in err
    assert cxm.read_bytes() == before


def test_a_renamed_sheet_is_named(tmp_path, capsys):
    cxm, workbook, _matrix = exported(tmp_path)
    book = openpyxl.load_workbook(workbook)
    book["Departments"].title = "Teams"
    book.save(workbook)
    assert main(["merge", str(cxm), str(workbook)]) == 2
    assert "'Departments' is missing" in capsys.readouterr().err


@pytest.mark.soffice
def test_a_copy_saved_by_libreoffice_merges_the_same(tmp_path):
    from test_export_xlsx import convert_with_libreoffice, soffice

    soffice()
    cxm, workbook, _matrix = exported(tmp_path)
    anna = tmp_path / "edited" / "anna.xlsx"
    anna.parent.mkdir()
    colleague_edit(workbook, anna)
    through_calc = convert_with_libreoffice(anna, tmp_path, "xlsx")
    with Document.open(cxm, read_only=True) as document:
        ours = document.matrix
    direct = review_workbooks(ours, [anna])
    calc = review_workbooks(ours, [through_calc])
    assert [c.text.replace(through_calc.name, "anna.xlsx") for c in calc.changes] == [
        c.text for c in direct.changes]
