"""The Excel export: every sheet read back with openpyxl, and checked in LibreOffice Calc."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from export_samples import (
    awkward,
    demo,
    demo_like,
    expected_matrix_sheet,
    read_matrix_sheet,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

import cxmatrix
from cxmatrix.domain.findings import compute_findings
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Cancelled, Progress
from cxmatrix.domain.roles import Role
from cxmatrix.domain.summary import summarise
from cxmatrix.interchange.cell_text import EXCEL_CELL_LIMIT
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.formats import writer_for
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import (
    ABOUT_FIELDS,
    DEPARTMENT_COLUMNS,
    FORMAT_MARKER,
    HEADER_ROW,
    ID_HEADER,
    NOTE_AUTHOR,
    OWNERS_HEADER,
    ROLE_FILLS,
    ROLE_TEXT,
    ROLE_WORDS,
    STATE_SHEET,
    TOUCHPOINT_COLUMNS,
)
from cxmatrix.interchange.xlsx.placement import FIRST_ROLE_COLUMN, GROW_COLUMNS, GROW_ROWS
from cxmatrix.interchange.xlsx.sheets import summary as summary_sheet

SHEETS = ["Matrix", "Departments", "Findings", "Sign-off", "Summary", "About"]
FIRST_ROLE_NUMBER = FIRST_ROLE_COLUMN + 1  # 1-based, as openpyxl counts
FIRST_ROLE = get_column_letter(FIRST_ROLE_NUMBER)
HEADER = [title for title, _ in TOUCHPOINT_COLUMNS] + [OWNERS_HEADER, ID_HEADER]


def export(matrix: Matrix, folder: Path, name: str = "out.xlsx", **options: object) -> Path:
    path = folder / name
    xlsx_export.write(matrix, path, **options)
    return path


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Matrix, openpyxl.Workbook]:
    matrix = demo_like()
    path = export(matrix, tmp_path_factory.mktemp("demo"), source_name="journey.cxm")
    return matrix, openpyxl.load_workbook(path)


def last_data_row(matrix: Matrix) -> int:
    return HEADER_ROW + len(matrix.stages) + matrix.touchpoint_count


def role_range(matrix: Matrix) -> str:
    """The reach of the drop-down and the role colours: well past the data."""
    last_column = get_column_letter(FIRST_ROLE_COLUMN + len(matrix.departments) + GROW_COLUMNS)
    return f"{FIRST_ROLE}{HEADER_ROW + 1}:{last_column}{last_data_row(matrix) + GROW_ROWS}"


# ---- the Matrix sheet -------------------------------------------------------------------------

def test_sheets_in_order_and_the_writer_is_registered(demo_book, tmp_path):
    _, book = demo_book
    assert book.sheetnames == [*SHEETS, STATE_SHEET]
    assert book[STATE_SHEET].sheet_state == "veryHidden"
    assert all(book[name].sheet_state == "visible" for name in SHEETS)
    assert writer_for(tmp_path / "x.XLSX") is xlsx_export.write


def test_title_block_and_header_row(demo_book):
    matrix, book = demo_book
    sheet = book["Matrix"]
    assert sheet["A1"].value == "Customer journey 2026"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert sheet["A2"].value == "Acme Analytics"
    assert "journey.cxm" in sheet["A3"].value and cxmatrix.__version__ in sheet["A3"].value
    assert sheet["A4"].value == "Focus department: Customer Success"
    ids = [cell.value for cell in sheet[5]]  # the hidden id row
    assert sheet.row_dimensions[5].hidden
    assert ids == [None] * len(HEADER) + [f"D{d.id}" for d in matrix.departments]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header == HEADER + [d.name for d in matrix.departments]
    assert all(cell.alignment.wrap_text and cell.font.b for cell in sheet[HEADER_ROW])


@pytest.mark.parametrize("make", [demo_like, demo, awkward, lambda: generate_size("S")],
                         ids=["demo-like", "demo", "awkward", "generated-S"])
def test_matrix_sheet_holds_every_touchpoint_role_and_note(make, tmp_path):
    matrix = make()
    book = openpyxl.load_workbook(export(matrix, tmp_path))
    assert read_matrix_sheet(book["Matrix"]) == expected_matrix_sheet(matrix)


def test_stage_rows_are_bands_and_empty_stages_keep_their_heading(demo_book):
    _, book = demo_book
    sheet = book["Matrix"]
    bands = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
             if row[0].fill.fgColor.rgb.endswith("E7E9EE")]
    assert [cell.value for cell in bands] == ["Awareness", "Onboarding", "Adoption", "Incidents"]
    adoption = bands[2].row
    assert sheet.cell(adoption + 1, 1).value == "Incidents"  # Adoption has no touchpoints
    assert all(sheet.cell(adoption, column).fill.fgColor.rgb.endswith("E7E9EE")
               for column in range(1, sheet.max_column + 1))


def test_roles_are_words_and_flags_yes_or_no(demo_book):
    _, book = demo_book
    sheet = book["Matrix"]
    values = {cell.value for row in sheet.iter_rows(min_row=HEADER_ROW + 1,
                                                    min_col=FIRST_ROLE_NUMBER)
              for cell in row}
    assert values == {None, *ROLE_WORDS.values()}
    flags = {cell.value for row in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=4,
                                                   max_col=5) for cell in row}
    assert flags == {None, "Yes", "No"}  # None only on stage heading rows


def test_cell_notes_are_comments_by_cxmatrix(demo_book):
    matrix, book = demo_book
    sheet = book["Matrix"]
    comments = {(cell.coordinate, cell.value, cell.comment.text, cell.comment.author)
                for row in sheet.iter_rows(min_row=HEADER_ROW + 1) for cell in row
                if cell.comment}
    # The Owners header explains the column, and what a hatched (inserted) row means.
    assert "hatched" in sheet.cell(HEADER_ROW, FIRST_ROLE_NUMBER - 2).comment.text
    assert [c.coordinate for row in sheet.iter_rows(max_row=HEADER_ROW) for c in row
            if c.comment] == [sheet.cell(HEADER_ROW, FIRST_ROLE_NUMBER - 2).coordinate]
    kickoff_row = next(cell.row for cell in sheet["A"] if cell.value == "Kick-off call")
    success = get_column_letter(FIRST_ROLE_NUMBER + 2)
    support = get_column_letter(FIRST_ROLE_NUMBER + 3)
    assert comments == {
        (f"{success}{kickoff_row}", "Own", "Who runs it is disputed.", NOTE_AUTHOR),
        (f"{support}{kickoff_row}", None, "Support would like to attend.", NOTE_AUTHOR),
    }
    assert len(matrix.notes) == 2


def test_role_colours_are_conditional_formats_over_the_whole_role_range(demo_book):
    matrix, book = demo_book
    sheet = book["Matrix"]
    rules = {}
    for formatting in sheet.conditional_formatting:
        if str(formatting.sqref) != role_range(matrix):
            continue  # the Owners column's rules
        for rule in formatting.rules:
            assert rule.type == "cellIs" and rule.operator == "equal"
            rules[rule.formula[0]] = rule
    assert set(rules) == {f'"{word}"' for word in ROLE_WORDS.values()}
    for key, word in ROLE_WORDS.items():
        dxf = rules[f'"{word}"'].dxf
        # Excel paints a conditional format's solid fill with bgColor.
        assert dxf.fill.bgColor.rgb.endswith(ROLE_FILLS[key])
        assert dxf.font.color.rgb.endswith(ROLE_TEXT[key])
    # No role cell carries a fill of its own: colour comes from the rules only.
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=FIRST_ROLE_NUMBER):
        for cell in row:
            if cell.value in ROLE_WORDS.values():
                assert cell.fill.fill_type is None


def test_every_role_cell_has_the_drop_down(demo_book):
    matrix, book = demo_book
    validations = book["Matrix"].data_validations.dataValidation
    assert len(validations) == 1
    validation = validations[0]
    assert validation.type == "list"
    assert validation.formula1 == '"Own,Influence,Handle"'
    assert validation.allow_blank and validation.showErrorMessage
    assert not validation.showDropDown  # in the file format, True would hide the arrow
    assert str(validation.sqref) == role_range(matrix)


def test_panes_filter_widths_and_folded_columns(demo_book):
    matrix, book = demo_book
    sheet = book["Matrix"]
    assert sheet.freeze_panes == f"{FIRST_ROLE}{HEADER_ROW + 1}"
    last_department = get_column_letter(FIRST_ROLE_COLUMN + len(matrix.departments))
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:{last_department}{last_data_row(matrix)}"
    assert sheet.column_dimensions["A"].width >= 30
    assert all(sheet.column_dimensions[get_column_letter(FIRST_ROLE_NUMBER + i)]
               .width >= 10 for i in range(len(matrix.departments)))
    identity = sheet.column_dimensions[get_column_letter(FIRST_ROLE_COLUMN)]
    assert identity.hidden and not identity.outline_level
    folded = sheet.column_dimensions["F"]  # Metric, Description, Notes
    assert (folded.min, folded.max, folded.hidden, folded.outline_level) == (6, 8, True, 1)


def test_print_setup(demo_book):
    _, book = demo_book
    sheet = book["Matrix"]
    assert sheet.page_setup.orientation == "landscape"
    # Column pages at a readable scale (11-point text at >= 8 points), never fit to one page
    # wide; the touchpoint column and the header row repeat on every page.
    assert not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
    assert 11 * sheet.page_setup.scale / 100 >= 8
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.print_title_cols == "$A:$A"
    # No fixed print area: the used range prints, and it grows with what colleagues add.
    assert not sheet.print_area
    assert sheet.print_options.gridLines
    assert sheet.oddHeader.left.text == "Customer journey 2026"
    assert "Customer Success" in sheet.oddHeader.right.text
    assert sheet.oddFooter.right.text == "Page &P of &N"
    for name in SHEETS[1:]:
        other = book[name]
        # fitToWidth is 1 when the file leaves it out (the file format's default).
        assert int(other.page_setup.fitToWidth or 1) == 1
        assert int(other.page_setup.fitToHeight) == 0
        assert other.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize(("page_size", "code"), [("a4", 9), ("letter", 1), ("a3", 8),
                                                 ("tabloid", 3)])
def test_paper_size_follows_the_option(page_size, code, tmp_path):
    book = openpyxl.load_workbook(export(demo_like(), tmp_path, page_size=page_size))
    assert {int(book[name].page_setup.paperSize) for name in SHEETS} == {code}


def test_print_header_escapes_ampersands(tmp_path):
    matrix = demo_like()
    matrix.set_properties(title="Sales & Success", organisation="A&B")
    sheet = openpyxl.load_workbook(export(matrix, tmp_path))["Matrix"]
    assert sheet.oddHeader.left.text == "Sales && Success"
    assert sheet.oddHeader.center.text == "A&&B"
    matrix.set_properties(title="&" * 500, organisation="R&D " * 100)
    matrix.update_department(matrix.focus_department_id, name="Success & " * 50)
    path = export(matrix, tmp_path, "long.xlsx")
    header = openpyxl.load_workbook(path)["Matrix"].oddHeader
    parts = [header.left.text, header.center.text, header.right.text]
    assert sum(len(part) for part in parts) + 6 <= 255  # Excel's limit, with &L&C&R
    assert all((len(p.rstrip("…")) - len(p.rstrip("…").rstrip("&"))) % 2 == 0 for p in parts)


def test_a_matrix_too_big_for_excel_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_export, "EXCEL_MAX_ROWS", 100)
    with pytest.raises(ExportFailed,
                       match=r"200 touchpoints do not fit in an Excel sheet \(100 rows"):
        export(generate_size("S"), tmp_path)
    assert list(tmp_path.iterdir()) == []


# ---- the other sheets -------------------------------------------------------------------------

def test_departments_sheet(demo_book):
    matrix, book = demo_book
    rows = list(book["Departments"].values)
    assert rows[0] == (*DEPARTMENT_COLUMNS, ID_HEADER)
    assert [tuple(v or "" for v in row) for row in rows[1:]] == [
        (d.name, d.code, d.lead, f"D{d.id}") for d in matrix.departments]
    assert book["Departments"].column_dimensions["D"].hidden


def test_findings_sheet_lists_every_finding(demo_book):
    matrix, book = demo_book
    sheet = book["Findings"]
    rows = list(sheet.values)
    assert rows[0][0].startswith("Findings as exported on ")
    assert "do not follow edits" in rows[0][0]
    rows = rows[1:]
    assert rows[0] == ("Severity", "Code", "Stage", "Touchpoint", "Department", "Message")
    findings = compute_findings(matrix)
    assert len(rows) == len(findings) + 1
    names = {d.id: d.name for d in matrix.departments}
    for row, finding in zip(rows[1:], findings, strict=True):
        severity, code, stage, touchpoint, departments, message = row
        assert (severity, code, message) == (finding.severity.label, finding.code,
                                             finding.message)
        if finding.touchpoint_id is not None:
            tp = matrix.touchpoint(finding.touchpoint_id)
            assert (stage, touchpoint) == (matrix.stage(tp.stage_id).name, tp.name)
        ids = finding.department_ids or ((finding.department_id,)
                                         if finding.department_id else ())
        assert (departments or "") == ", ".join(names[i] for i in ids)
    codes = {row[1] for row in rows[1:]}
    assert {"no-owner", "several-owners", "critical-moment-unowned", "idle-department",
            "owner-without-metric", "role-not-established"} <= codes
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    assert {rule.formula[0] for cf in sheet.conditional_formatting for rule in cf.rules} == {
        '"Error"', '"Warning"', '"Info"'}


def test_findings_sheet_without_findings(tmp_path):
    matrix = Matrix(title="Clean")
    dept = matrix.add_department("Support")
    tp = matrix.add_touchpoint(matrix.add_stage("Support").id, "Ticket", metric="CSAT")
    matrix.set_role(tp.id, dept.id, Role.OWN)
    rows = list(openpyxl.load_workbook(export(matrix, tmp_path))["Findings"].values)
    assert len(rows) == 3 and "No findings" in rows[2][-1]


def test_findings_sheet_lists_todays_findings_without_planned_touchpoints(tmp_path):
    """A touchpoint flagged planned exists only at target: the sheet lists today's findings,
    the ones the status bar and ``cxmatrix check`` count."""
    from cxmatrix.domain.findings import today_and_target
    from cxmatrix.interchange.demo import demo_matrix

    matrix = demo_matrix()
    unowned = next(f.touchpoint_id for f in compute_findings(matrix) if f.code == "no-owner")
    matrix.set_planned_touchpoint(unowned, True)
    today = today_and_target(matrix)
    rows = list(openpyxl.load_workbook(export(matrix, tmp_path))["Findings"].values)[2:]
    assert [(row[0], row[1], row[5]) for row in rows] == [
        (f.severity.label, f.code, f.message) for f in today.today_findings]
    assert sum(1 for row in rows if row[0] == "Error") == today.today.errors
    assert matrix.touchpoint(unowned).name not in {row[3] for row in rows}


_DEPARTMENT_COUNT = re.compile(
    r'^=IF\(INDEX\((Matrix!\$K\$6:\$([A-Z]+)\$6),1,(\d+)\)="","",'
    r'COUNTIF\(INDEX\(Matrix!\$K\$7:\$([A-Z]+)\$(\d+),0,(\d+)\),"(\w+)"\)\)$')


def department_count(sheet: openpyxl.worksheet.worksheet.Worksheet, formula: str) -> int:
    """Evaluate one of the Summary's per-department formulas against the Matrix sheet."""
    match = _DEPARTMENT_COUNT.match(formula)
    assert match, formula
    _, header_end, position, last_col, last_row, again, word = match.groups()
    assert header_end == last_col and position == again
    column = FIRST_ROLE_NUMBER + int(position) - 1
    return sum(1 for row in range(HEADER_ROW + 1, int(last_row) + 1)
               if sheet.cell(row, column).value == word)


def touchpoint_table(sheet) -> list[tuple[str, str, int]]:
    """The Summary's per-touchpoint table as (stage, touchpoint, owners), touchpoints only."""
    rows = []
    for row in range(11, sheet.max_row + 1):
        stage, touchpoint, owners = (sheet.cell(row, column).value for column in (6, 7, 8))
        if touchpoint:
            rows.append((stage, touchpoint, owners))
    return rows


def expected_touchpoint_table(matrix: Matrix) -> list[tuple[str, str, int]]:
    return [(matrix.stage(tp.stage_id).name, tp.name, len(matrix.owners(tp.id)))
            for stage in matrix.stages for tp in matrix.touchpoints_in(stage.id)]


@pytest.mark.parametrize("make", [demo_like, lambda: generate_size("S")],
                         ids=["demo-like", "generated-S"])
def test_summary_formulas_count_the_matrix_sheet(make, tmp_path):
    matrix = make()
    path = export(matrix, tmp_path)
    book = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)["Summary"]
    sheet, grid = book["Summary"], book["Matrix"]
    summary = summarise(matrix)
    assert [sheet.cell(row, 1).value for row in range(4, 9)] == [
        "Touchpoints", "With exactly one owner", "With no owner", "With several owners",
        "Share with exactly one owner"]
    assert sheet["B8"].value == "=IF(B4=0,1,B5/B4)" and sheet["B8"].number_format == "0.0%"
    assert sheet.freeze_panes == "A11"
    assert [c.value for c in sheet[10]][:4] == ["Department", "Own", "Influence", "Handle"]
    # The totals count the Matrix sheet's rows over the whole reach (the values the file
    # carries are what cxmatrix computed; LibreOffice recomputes them below).
    reach = last_data_row(matrix) + GROW_ROWS
    assert f"Matrix!$A$7:$A${reach}" in sheet["B4"].value
    assert sheet["B5"].value.text.startswith("=SUM(") and "MMULT" in sheet["B5"].value.text
    assert [cached[f"B{row}"].value for row in range(4, 8)] == [
        summary.touchpoints, summary.single_owner, summary.no_owner, summary.several_owners]
    last = get_column_letter(FIRST_ROLE_COLUMN + len(matrix.departments) + GROW_COLUMNS)
    for index, department in enumerate(matrix.departments):
        row = [c.value for c in sheet[11 + index]]
        name = f"INDEX(Matrix!$K$6:${last}$6,1,{index + 1})"
        assert row[0] == f'=IF({name}="","",{name})'
        assert cached.cell(11 + index, 1).value == department.name
        counts = [department_count(grid, formula) for formula in row[1:4]]
        assert counts == [summary.by_department[department.id][role] for role in Role]
    # Spare rows wait for departments added at the end.
    spare = 11 + len(matrix.departments)
    assert "INDEX" in sheet.cell(spare, 1).value and cached.cell(spare, 1).value in ("", None)
    # The per-touchpoint table lists the Matrix sheet's named rows by formula (stage headings
    # too), each touchpoint with its stage and the Own count of its role cells.
    assert touchpoint_table(cached) == expected_touchpoint_table(matrix)
    assert "MATCH(\"?*\"" in sheet["I12"].value and "INDEX(Matrix!$A:$A,I11+1)" in sheet[
        "I12"].value
    assert sheet["H12"].value.startswith('=IF(G12="","",COUNTIF(INDEX(Matrix!$K:$')
    assert sheet.column_dimensions["I"].hidden
    rows = len(matrix.stages) + matrix.touchpoint_count
    spare = 11 + rows + summary_sheet.SPARE_ROWS - 1
    assert sheet.cell(spare, 9).value.startswith("=IF(N(")
    assert "more rows on the Matrix sheet" in sheet.cell(spare + 1, 6).value
    for index in range(rows):  # every listed row names its Matrix row
        matrix_row = cached.cell(11 + index, 9).value
        name = cached.cell(11 + index, 7).value or cached.cell(11 + index, 6).value
        assert grid.cell(matrix_row, 1).value == name


def test_owners_column_counts_each_row_and_warns(demo_book):
    matrix, book = demo_book
    sheet = book["Matrix"]
    touchpoints = {tp.name: tp for tp in matrix.iter_touchpoints()}
    counted = 0
    for row in range(HEADER_ROW + 1, last_data_row(matrix) + 1):
        name, owners = sheet.cell(row, 1).value, sheet.cell(row, 9).value
        if name not in touchpoints:
            assert owners is None  # stage rows
            continue
        last = get_column_letter(FIRST_ROLE_COLUMN + len(matrix.departments) + GROW_COLUMNS)
        assert owners == f'=COUNTIF($K{row}:${last}{row},"Own")'
        counted += 1
    assert counted == len(touchpoints)
    spare = last_data_row(matrix) + 1  # the first row past the data: the formula waits
    assert sheet.cell(spare, 9).value == (f'=IF($A{spare}="","",COUNTIF($K{spare}:${last}'
                                          f'{spare},"Own"))')
    rules = {rule.formula[0]: rule for cf in sheet.conditional_formatting
             for rule in cf.rules if str(cf.sqref).startswith("I")}
    row_test = f'$A7<>"",LEFT($J7,1)<>"S",COUNTIF($K7:${last}7,"Own")'
    gap = '$A7<>"",LEFT($J7,1)<>"S",ISBLANK($I7)'
    assert set(rules) == {f"AND({row_test}=0)", f"AND({row_test}>1)", f"AND({gap})"}
    # An Owners cell left without its formula (a row inserted in the middle) is a hatched gap,
    # ranked before the red and amber warnings (the name carries those).
    assert rules[f"AND({gap})"].dxf.fill.patternType == "darkUp"
    assert rules[f"AND({gap})"].priority < rules[f"AND({row_test}=0)"].priority
    assert {str(cf.sqref) for cf in sheet.conditional_formatting
            if str(cf.sqref).startswith("I")} == {f"I7:I{last_data_row(matrix) + GROW_ROWS}"}
    assert rules[f"AND({row_test}=0)"].dxf.fill.bgColor.rgb.endswith("C0392B")


def test_about_sheet(demo_book):
    matrix, book = demo_book
    sheet = book["About"]
    pairs = [(sheet.cell(row, 1).value, sheet.cell(row, 2).value)
             for row in range(1, len(ABOUT_FIELDS) + 1)]
    assert pairs == [
        ("Title", matrix.title), ("Organisation", matrix.organisation),
        ("Description", matrix.description), ("Prepared by", matrix.prepared_by or None),
        ("Focus department", "Customer Success"),
        ("cxmatrix version", cxmatrix.__version__), ("Format", FORMAT_MARKER)]
    assert [label for label, _ in ABOUT_FIELDS] == [label for label, _ in pairs]
    legend = {sheet.cell(row, 1).value: sheet.cell(row, 1) for row in range(1, sheet.max_row + 1)}
    for key, word in ROLE_WORDS.items():
        cell = legend[word]
        assert cell.fill.fgColor.rgb.endswith(ROLE_FILLS[key])
        assert sheet.cell(cell.row, 2).value == Role(key).meaning
    assert sheet.row_dimensions[3].height > 15  # the two-line description gets its height
    assert book.properties.title == matrix.title


# ---- text stays text --------------------------------------------------------------------------

def formula_cells(book: openpyxl.Workbook, *names: str) -> list[str]:
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book if sheet.title in names
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_would_be_formulas_stay_text_everywhere(tmp_path):
    matrix = awkward()
    book = openpyxl.load_workbook(export(matrix, tmp_path))
    assert formula_cells(book, "Departments", "Findings", "About") == []
    assert book["Matrix"]["A1"].value == matrix.title
    assert book["About"]["B1"].value == matrix.title
    values = {cell.value for row in book["Matrix"].iter_rows() for cell in row}
    assert {"=1+1", "#REF!", "=SUM(A1:A9)", "#N/A", "@Support\nsecond line"} <= values
    error_cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row
                   if cell.data_type == "e"]
    assert error_cells == []
    # The workbook's own formulas are the only formulas: the Summary's and the Owners column.
    summary = book["Summary"]
    assert all(re.match(r"^=(COUNTIF|SUMPRODUCT|SUM|IF|Matrix!)", getattr(
        summary[ref.split("!")[1]].value, "text", summary[ref.split("!")[1]].value))
        for ref in formula_cells(book, "Summary"))
    owners = formula_cells(book, "Matrix")
    assert owners and all(ref.startswith("Matrix!I") for ref in owners)


_formula_like = st.builds(lambda start, rest: start + rest,
                          st.sampled_from(["=", "+", "-", "@", "=-", "==", "#"]),
                          st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                  max_size=30))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_formula_like, department=_formula_like, note=_formula_like,
       description=_formula_like)
def test_random_formula_like_text_comes_back_as_the_same_text(name, department, note,
                                                              description):
    matrix = Matrix(title="Property")
    stage = matrix.add_stage("Stage")
    if not name.strip() or not department.strip():
        return
    dept = matrix.add_department(department, "D")
    tp = matrix.add_touchpoint(stage.id, name, description=description)
    matrix.set_role(tp.id, dept.id, Role.OWN)
    matrix.set_note(tp.id, dept.id, note)
    with tempfile.TemporaryDirectory() as folder:
        book = openpyxl.load_workbook(export(matrix, Path(folder)))
    assert formula_cells(book, "Departments", "Findings", "About") == []
    assert all(ref.startswith("Matrix!I") for ref in formula_cells(book, "Matrix"))
    sheet = book["Matrix"]
    clean = xlsx_clean
    assert sheet.cell(HEADER_ROW, FIRST_ROLE_NUMBER).value == clean(dept.name)
    row = HEADER_ROW + 2
    assert sheet.cell(row, 1).value == clean(tp.name)
    assert sheet.cell(row, 7).value == clean(tp.description)
    comment = sheet.cell(row, FIRST_ROLE_NUMBER).comment
    assert (comment.text if comment else None) == clean(matrix.note(tp.id, dept.id))
    assert book["Departments"]["A2"].value == clean(dept.name)


def xlsx_clean(text: str) -> str | None:
    """What an xlsx cell can hold of ``text``: control characters dropped, CR as LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    return text or None


# ---- limits -----------------------------------------------------------------------------------

def test_text_longer_than_a_cell_is_cut_with_a_marker(tmp_path):
    matrix = demo_like()
    tp = next(matrix.iter_touchpoints())
    long_text = "word " * 12_000  # 60,000 characters
    matrix.update_touchpoint(tp.id, description=long_text, notes="x" * 40_000)
    dept = matrix.departments[0]
    matrix.set_note(tp.id, dept.id, "n" * 50_000)
    sheet = openpyxl.load_workbook(export(matrix, tmp_path))["Matrix"]
    row = HEADER_ROW + 2
    description = sheet.cell(row, 7).value
    assert len(description) <= EXCEL_CELL_LIMIT
    assert description.startswith(long_text.strip()[:30_000])
    assert description.endswith("more characters did not fit in an Excel cell]")
    assert re.search(r"cut by cxmatrix: [\d,]+ more characters", description)
    assert len(sheet.cell(row, 8).value) <= EXCEL_CELL_LIMIT
    comment = sheet.cell(row, FIRST_ROLE_NUMBER).comment.text
    assert len(comment) <= EXCEL_CELL_LIMIT and "cut by cxmatrix" in comment


def test_the_longest_names_the_domain_allows_fit(tmp_path):
    matrix = Matrix(title="T" * 10_000)
    stage = matrix.add_stage("S" * 10_000)
    dept = matrix.add_department("D" * 10_000)
    tp = matrix.add_touchpoint(stage.id, "N" * 10_000)
    matrix.set_role(tp.id, dept.id, Role.OWN)
    book = openpyxl.load_workbook(export(matrix, tmp_path))
    assert read_matrix_sheet(book["Matrix"]) == expected_matrix_sheet(matrix)
    assert len(book["Matrix"].oddHeader.left.text) <= 80


def test_control_characters_are_dropped_and_line_breaks_kept(tmp_path):
    matrix = Matrix(title="Bell\x07 title")
    stage = matrix.add_stage("Stage\x01 one")
    dept = matrix.add_department("Sup\x0bport")
    tp = matrix.add_touchpoint(stage.id, "Two\nlines", description="CR\r\nLF\rlone")
    matrix.set_role(tp.id, dept.id, Role.HANDLE)
    sheet = openpyxl.load_workbook(export(matrix, tmp_path))["Matrix"]
    assert sheet["A1"].value == "Bell title"
    assert sheet.cell(HEADER_ROW, FIRST_ROLE_NUMBER).value == "Support"
    assert sheet.cell(HEADER_ROW + 1, 1).value == "Stage one"
    name = sheet.cell(HEADER_ROW + 2, 1)
    assert name.value == "Two\nlines" and name.alignment.wrap_text
    assert sheet.row_dimensions[HEADER_ROW + 2].height >= 30
    assert sheet.cell(HEADER_ROW + 2, 7).value == "CR\nLF\nlone"


def test_empty_matrix(tmp_path):
    book = openpyxl.load_workbook(export(Matrix(), tmp_path))
    assert book.sheetnames == [*SHEETS, STATE_SHEET]
    assert [c.value for c in book["Matrix"][HEADER_ROW]] == HEADER
    assert book["Summary"]["B8"].value == "=IF(B4=0,1,B5/B4)"


def test_departments_without_touchpoints_and_touchpoints_without_departments(tmp_path):
    matrix = Matrix()
    matrix.add_department("Sales")
    book = openpyxl.load_workbook(export(matrix, tmp_path), data_only=True)
    assert book["Summary"]["A11"].value == "Sales"
    matrix = Matrix()
    matrix.add_touchpoint(matrix.add_stage("S").id, "Lonely")
    book = openpyxl.load_workbook(export(matrix, tmp_path, "b.xlsx"), data_only=True)
    assert book["Summary"]["F11"].value == "S" and book["Summary"]["G11"].value is None
    assert book["Summary"]["G12"].value == "Lonely" and book["Summary"]["H12"].value == 0
    assert book["Matrix"].cell(HEADER_ROW + 2, 1).value == "Lonely"


# ---- failures and progress --------------------------------------------------------------------

def test_unwritable_targets_raise_and_leave_nothing(tmp_path):
    with pytest.raises(ExportFailed, match="does not exist"):
        export(demo_like(), tmp_path / "missing", "out.xlsx")
    (tmp_path / "taken.xlsx").mkdir()
    with pytest.raises(ExportFailed, match=r"taken\.xlsx"):
        export(demo_like(), tmp_path, "taken.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.xlsx"]


def test_cancelling_leaves_no_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        xlsx_export.write(generate_size("M"), target, progress=progress)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_progress_reaches_the_end(tmp_path):
    progress = Progress()
    seen = []
    original = progress.step

    def record(done: int, total: int | None = None, message: str | None = None) -> None:
        seen.append(done)
        original(done, total, message)

    progress.step = record  # type: ignore[method-assign]
    xlsx_export.write(generate_size("S"), tmp_path / "out.xlsx", progress=progress)
    assert progress.fraction() == 1.0 and progress.message == "Exported out.xlsx"
    assert seen == sorted(seen)


# ---- LibreOffice ------------------------------------------------------------------------------

def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = ("LibreOffice (soffice) is not installed; install Debian's "
                  "libreoffice-calc-nogui to run the spreadsheet-program check")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this check must run)")
        pytest.skip(reason)
    return found


def convert_with_libreoffice(source: Path, folder: Path, target: str) -> Path:
    profile = folder / "profile"
    out = folder / "converted"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180, check=False)
    converted = out / f"{source.stem}.{target.split(':', maxsplit=1)[0]}"
    assert converted.exists(), f"LibreOffice failed: {result.stdout}\n{result.stderr}"
    return converted


@pytest.mark.soffice
def test_libreoffice_keeps_the_values_and_recalculates_the_summary(tmp_path):
    soffice()
    matrix = demo_like()
    # A few edits a colleague might make would not show here; what matters is that a real
    # spreadsheet program computes our formulas to the numbers cxmatrix computes.
    source = export(matrix, tmp_path, "journey.xlsx")
    converted = convert_with_libreoffice(source, tmp_path, "xlsx")
    book = openpyxl.load_workbook(converted, data_only=True)
    # LibreOffice keeps the state sheet, and keeps it hidden.
    assert book.sheetnames == [*SHEETS, STATE_SHEET]
    assert book[STATE_SHEET].sheet_state != "visible"
    assert read_matrix_sheet(book["Matrix"]) == expected_matrix_sheet(matrix)
    assert book["About"][f"B{len(ABOUT_FIELDS)}"].value == FORMAT_MARKER
    summary = summarise(matrix)
    sheet = book["Summary"]
    assert [sheet[f"B{row}"].value for row in range(4, 8)] == [
        summary.touchpoints, summary.single_owner, summary.no_owner, summary.several_owners]
    assert sheet["B8"].value == pytest.approx(summary.single_owner_share)
    for index, department in enumerate(matrix.departments):
        assert [sheet.cell(11 + index, column).value for column in (2, 3, 4)] == [
            summary.by_department[department.id][role] for role in Role]
    assert touchpoint_table(sheet) == expected_touchpoint_table(matrix)
    # The drop-down and the colour rules survive LibreOffice's own save.
    grid = book["Matrix"]
    assert grid.data_validations.dataValidation
    assert len(list(grid.conditional_formatting)) >= 1
