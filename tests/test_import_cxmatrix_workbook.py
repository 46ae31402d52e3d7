"""A workbook laid out as workbook_layout.py describes reads back losslessly with default
settings. The workbook is written here with openpyxl, following the layout module only (not
the exporter's code), so the importer keeps to the contract on its own."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.spreadsheet.importer import inspect, read
from cxmatrix.interchange.xlsx import layout
from cxmatrix.palette import STAGE_BAND


def write_layout_workbook(matrix: Matrix, path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = layout.MATRIX_SHEET
    sheet["A1"] = matrix.title
    sheet["A2"] = matrix.organisation
    sheet["A3"] = "Exported 2026-11-23"
    focus = matrix.focus_department
    sheet["A4"] = f"Focus: {focus.name}" if focus else ""
    headers = [label for label, _ in layout.TOUCHPOINT_COLUMNS]
    headers += [d.name for d in matrix.departments]
    for column, header in enumerate(headers, start=1):
        sheet.cell(layout.HEADER_ROW, column, header)
    band = PatternFill("solid", fgColor=STAGE_BAND)
    row = layout.HEADER_ROW + 1
    first_department = len(layout.TOUCHPOINT_COLUMNS) + 1
    for stage in matrix.stages:
        cell = sheet.cell(row, 1, stage.name)
        for column in range(1, len(headers) + 1):
            sheet.cell(row, column).fill = band
        assert cell.value == stage.name
        row += 1
        for tp in matrix.touchpoints_in(stage.id):
            for column, (_, key) in enumerate(layout.TOUCHPOINT_COLUMNS, start=1):
                value = getattr(tp, key)
                if isinstance(value, bool):
                    value = layout.FLAG_TRUE if value else layout.FLAG_FALSE
                sheet.cell(row, column, value or None)
            roles = matrix.row_roles(tp.id)
            for offset, department in enumerate(matrix.departments):
                cell = sheet.cell(row, first_department + offset)
                role = roles.get(department.id)
                if role is not None:
                    cell.value = layout.ROLE_WORDS[role.value]
                note = matrix.note(tp.id, department.id)
                if note:
                    cell.comment = Comment(note, layout.NOTE_AUTHOR)
            row += 1
    departments = workbook.create_sheet(layout.DEPARTMENTS_SHEET)
    departments.append(list(layout.DEPARTMENT_COLUMNS))
    for department in matrix.departments:
        departments.append([department.name, department.code, department.lead or None])
    findings = workbook.create_sheet(layout.FINDINGS_SHEET)
    findings.append(["Finding", "Touchpoint", "Message"])
    findings.append(["no-owner", "X", "No clear owner."])
    summary = workbook.create_sheet(layout.SUMMARY_SHEET)
    summary.append(["Department", "Own", "Influence", "Handle"])
    about = workbook.create_sheet(layout.ABOUT_SHEET)
    values = {"title": matrix.title, "organisation": matrix.organisation,
              "description": matrix.description, "prepared_by": matrix.prepared_by,
              "focus_department": focus.name if focus else "", "version": "0.1",
              "format": layout.FORMAT_MARKER}
    for label, key in layout.ABOUT_FIELDS:
        about.append([label, values[key] or None])
    about.append([])
    for value, word in layout.ROLE_WORDS.items():
        about.append([word, Role(value).meaning])
    workbook.save(path)


def rich_matrix() -> Matrix:
    matrix = generate_matrix(60, 9, seed=4)
    matrix.set_properties(description="Line one\nLine two: the journey, cradle to grave")
    tps = list(matrix.iter_touchpoints())
    departments = matrix.departments
    matrix.update_department(departments[0].id, lead="Ana Souza")
    matrix.update_department(departments[1].id, name="Ventes & Café ☕", code="V&C")
    matrix.set_note(tps[0].id, departments[0].id, "Runs the quarterly review")
    matrix.set_note(tps[1].id, departments[3].id, "A note on an empty cell")
    matrix.set_role(tps[1].id, departments[3].id, None)
    matrix.update_touchpoint(tps[2].id, description="What happens", notes="Check with legal",
                             metric="NPS = 40", peak=True, end=True)
    # A touchpoint with only a name, and a stage with no touchpoints.
    bare = matrix.add_touchpoint(matrix.stages[0].id, "Bare touchpoint")
    assert bare.category == ""
    matrix.add_stage("Empty stage")
    return matrix


def test_layout_workbook_reads_back_losslessly(tmp_path: Path) -> None:
    original = rich_matrix()
    path = tmp_path / "exported.xlsx"
    write_layout_workbook(original, path)
    result = read(path)
    assert result.details["detection"] == {"cxmatrix_workbook": True}
    assert result.matrix.content() == original.content()
    assert "exported by cxmatrix" in result.report[0]


def test_layout_workbook_is_recognised_by_inspect(tmp_path: Path) -> None:
    original = rich_matrix()
    path = tmp_path / "exported.xlsx"
    write_layout_workbook(original, path)
    inspection = inspect(path)
    assert inspection.cxmatrix_workbook
    assert inspection.sheet == layout.MATRIX_SHEET
    assert inspection.layout.header_row == layout.HEADER_ROW - 1
    from cxmatrix.interchange.spreadsheet.importer import import_inspection
    assert import_inspection(inspection).matrix.content() == original.content()


def test_an_edited_role_word_is_read_and_an_odd_one_reported(tmp_path: Path) -> None:
    original = generate_matrix(12, 4, seed=2)
    path = tmp_path / "edited.xlsx"
    write_layout_workbook(original, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[layout.MATRIX_SHEET]
    first_department = len(layout.TOUCHPOINT_COLUMNS) + 1
    sheet.cell(layout.HEADER_ROW + 2, first_department, "owner")
    sheet.cell(layout.HEADER_ROW + 3, first_department, "maybe")
    workbook.save(path)
    result = read(path)
    matrix = result.matrix
    tps = list(matrix.iter_touchpoints())
    first = matrix.departments[0].id
    assert matrix.role(tps[0].id, first) is Role.OWN
    assert matrix.role(tps[1].id, first) is None
    assert any("'maybe' not understood" in line for line in result.report)
