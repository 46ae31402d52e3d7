"""The Target and Changes sheets of a planned matrix's workbook, and the plan read back."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from export_samples import demo_like

from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet import importer as spreadsheet_import
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import (
    CHANGES_COLUMNS,
    CHANGES_SHEET,
    ID_HEADER,
    MATRIX_SHEET,
    TARGET_SHEET,
)


def planned_edges() -> Matrix:
    """A plan with every kind of entry: a role removed at target, a role added, a planned
    touchpoint and department, an action on a cell whose change is done, one without a date."""
    matrix = Matrix(title="Plan edges")
    support = matrix.add_department("Support", "SUP")
    success = matrix.add_department("Customer Success", "CS")
    later = matrix.add_department("Renewals desk", "REN")
    stage = matrix.add_stage("Retention")
    renewal = matrix.add_touchpoint(stage.id, "Renewal reminder")
    check = matrix.add_touchpoint(stage.id, "Renewal health check")
    other = matrix.add_touchpoint(matrix.add_stage("Support").id, "Outage notice")
    matrix.set_role(renewal.id, support.id, Role.OWN)
    matrix.set_role(other.id, support.id, Role.HANDLE)
    matrix.set_target(renewal.id, support.id, None)
    matrix.set_target(renewal.id, success.id, Role.OWN)
    matrix.set_target(check.id, later.id, Role.OWN)
    matrix.set_target(other.id, support.id, Role.OWN)
    matrix.set_planned_touchpoint(check.id, True)
    matrix.set_planned_department(later.id, True)
    matrix.set_action(renewal.id, success.id, Action("Dana Whitfield",
                                                    datetime.date(2026, 3, 31),
                                                    ActionStatus.IN_PROGRESS, "needs a CSM"))
    matrix.set_action(check.id, later.id, Action("Sam Ortiz"))
    matrix.complete_change(other.id, support.id)
    return matrix


def export(matrix: Matrix, folder: Path) -> Path:
    path = folder / "plan.xlsx"
    xlsx_export.write(matrix, path, source_name="plan.cxm")
    return path


@pytest.mark.parametrize("make", [demo_matrix, planned_edges], ids=["demo", "edges"])
def test_a_planned_matrix_survives_the_round_trip(make, tmp_path):
    matrix = make()
    assert matrix.has_plan
    again = spreadsheet_import.read(export(matrix, tmp_path)).matrix
    assert again.content() == matrix.content()
    assert again.plan_content() == matrix.plan_content()


def test_no_plan_no_plan_sheets(tmp_path):
    matrix = demo_like()
    assert not matrix.has_plan
    book = openpyxl.load_workbook(export(matrix, tmp_path))
    assert TARGET_SHEET not in book.sheetnames and CHANGES_SHEET not in book.sheetnames
    again = spreadsheet_import.read(tmp_path / "plan.xlsx").matrix
    assert not again.has_plan


def test_target_sheet_has_roles_drop_down_colours_and_marks_changes(tmp_path):
    matrix = planned_edges()
    book = openpyxl.load_workbook(export(matrix, tmp_path))
    assert book.sheetnames[:3] == [MATRIX_SHEET, TARGET_SHEET, CHANGES_SHEET]
    sheet = book[TARGET_SHEET]
    header = [c.value for c in sheet[6]]
    assert header[:4] == ["Touchpoint", "Planned", "Owners at target", ID_HEADER]
    assert header[4:7] == ["Support", "Customer Success", "Renewals desk"]
    assert sheet["G4"].value == "Planned"  # the planned department
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=7)}
    renewal, check = rows["Renewal reminder"], rows["Renewal health check"]
    assert renewal[4].value is None and renewal[4].font.bold  # Support gives up Own
    assert renewal[5].value == "Own" and renewal[5].font.bold and renewal[5].font.italic
    assert renewal[5].border.left.style == "thick"
    assert check[1].value == "Yes" and check[6].value == "Own"
    assert not rows["Outage notice"][4].font.italic  # done: target equals today
    assert renewal[2].value.startswith("=COUNTIF(")
    words = {rule.formula[0] for rules in sheet.conditional_formatting for rule in rules.rules}
    assert {'"Own"', '"Influence"', '"Handle"'} <= words
    lists = {v.formula1: v for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert set(lists) == {'"Own,Influence,Handle"', '"Yes,No"', '"Planned"'}
    assert "E7" in lists['"Own,Influence,Handle"'].sqref
    assert "B7" in lists['"Yes,No"'].sqref and "E4" in lists['"Planned"'].sqref


def test_changes_sheet_lists_changes_and_actions_with_real_dates(tmp_path):
    book = openpyxl.load_workbook(export(planned_edges(), tmp_path))
    sheet = book[CHANGES_SHEET]
    assert [c.value for c in sheet[1]][:len(CHANGES_COLUMNS)] == list(CHANGES_COLUMNS)
    assert sheet.auto_filter.ref.startswith("A1:I")
    rows = [[c.value for c in row][:len(CHANGES_COLUMNS)] for row in sheet.iter_rows(min_row=2)]
    assert rows == [
        ["Retention", "Renewal reminder", "Support", "Own", "No role", None, None, None, None],
        ["Retention", "Renewal reminder", "Customer Success", "No role", "Own",
         "Dana Whitfield", datetime.datetime(2026, 3, 31), "In progress", "needs a CSM"],
        ["Retention", "Renewal health check", "Renewals desk", "No role", "Own", "Sam Ortiz",
         None, "Planned", None],
        ["Support", "Outage notice", "Support", None, "Own (done)", None, None, "Done", None],
    ]
    assert sheet["G3"].is_date


def test_a_colleagues_edits_to_the_plan_come_back(tmp_path):
    path = export(planned_edges(), tmp_path)
    book = openpyxl.load_workbook(path)
    changes, target = book[CHANGES_SHEET], book[TARGET_SHEET]
    changes["H2"] = "Done"
    changes["F2"] = "Lee Park"
    changes["G2"] = datetime.date(2026, 5, 1)
    target["F11"] = "Influence"  # Customer Success on the Outage notice, at target
    book.save(path)
    matrix = spreadsheet_import.read(path).matrix
    by_name = {tp.name: tp.id for tp in matrix.iter_touchpoints()}
    support = matrix.find_department("Support")
    success = matrix.find_department("Customer Success")
    assert support is not None and success is not None
    assert matrix.action(by_name["Renewal reminder"], support.id) == Action(
        "Lee Park", datetime.date(2026, 5, 1), ActionStatus.DONE)
    assert matrix.target_role(by_name["Outage notice"], success.id) is Role.INFLUENCE
    assert matrix.role(by_name["Outage notice"], success.id) is None


@pytest.mark.parametrize(("sheet_name", "cell", "value", "message"), [
    (CHANGES_SHEET, "H3", "Finished", "sheet 'Changes', cell H3: 'Finished' is not a status"),
    (CHANGES_SHEET, "G3", "next spring", "sheet 'Changes', cell G3: 'next spring' is not a date"),
    (TARGET_SHEET, "F8", "Boss", "sheet 'Target', cell F8: 'Boss' is not a role"),
])
def test_a_bad_plan_value_is_refused_naming_the_cell(tmp_path, sheet_name, cell, value,
                                                     message):
    path = export(planned_edges(), tmp_path)
    book = openpyxl.load_workbook(path)
    book[sheet_name][cell] = value
    book.save(path)
    with pytest.raises(ImportFailed, match=message):
        spreadsheet_import.read(path)


def test_the_pdf_says_a_done_change_as_the_changes_sheet_does(tmp_path):
    import pypdf

    from cxmatrix.interchange.pdf.export import write as write_pdf

    matrix = planned_edges()
    matrix.set_action(*next(iter(k for k, a in matrix.actions.items() if a.is_done)),
                      Action("Dana Whitfield", status=ActionStatus.DONE))
    path = tmp_path / "plan.pdf"
    write_pdf(matrix, path, source_name="plan.cxm")
    text = " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(path).pages)
    assert "Marked done" in text
    assert "Outage notice: Support, Own (done), Dana Whitfield" in text
    book = openpyxl.load_workbook(export(matrix, tmp_path))
    done = [row for row in book[CHANGES_SHEET].iter_rows(min_row=2, values_only=True)
            if row[7] == "Done"]
    assert [row[3:6] for row in done] == [(None, "Own (done)", "Dana Whitfield")]
