"""The exported workbook grows with its users: rows and columns added in LibreOffice (through
UNO, as a colleague edits) and with openpyxl (Excel's file semantics, no recalculation) keep
their drop-downs, colours, Summary counts and printout, and come back with their ids."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pypdfium2
import pytest
from export_samples import demo_like
from openpyxl.utils import get_column_letter, range_boundaries
from test_export_xlsx import soffice

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.returned import read_returned
from cxmatrix.interchange.xlsx.sheets import matrix as matrix_sheet

EDITOR = Path(__file__).with_name("libreoffice_edit.py")


def uno_python() -> str:
    """The system Python with LibreOffice's uno module (Debian's python3-uno)."""
    soffice()
    found = shutil.which("python3", path="/usr/bin")
    if found is None or subprocess.run([found, "-c", "import uno"], capture_output=True,
                                       check=False).returncode:
        reason = ("LibreOffice's Python bridge (python3-uno) is not installed; "
                  "packaging/setup.sh installs it")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this check must run)")
        pytest.skip(reason)
    return found


def edit_in_libreoffice(source: Path, folder: Path, steps: list[list[object]]
                        ) -> tuple[Path, Path]:
    """Apply ``steps`` in LibreOffice Calc, recalculate, save as xlsx and print to PDF."""
    edits = folder / "edits.json"
    edits.write_text(json.dumps(steps), encoding="utf-8")
    out = folder / "edited"
    result = subprocess.run([uno_python(), str(EDITOR), str(source), str(out),
                             str(folder / "profile"), str(edits)],
                            capture_output=True, text=True, timeout=300, check=False)
    xlsx, pdf = out / f"{source.stem}.xlsx", out / f"{source.stem}.pdf"
    assert xlsx.exists() and pdf.exists(), f"LibreOffice failed: {result.stderr}"
    return xlsx, pdf


def covers(sqref: str, cell: str) -> bool:
    column, row = openpyxl.utils.cell.coordinate_from_string(cell)
    number = openpyxl.utils.column_index_from_string(column)
    for part in str(sqref).split():
        low_col, low_row, high_col, high_row = range_boundaries(part)
        if low_col <= number <= high_col and low_row <= row <= high_row:
            return True
    return False


def pdf_text(pdf: Path) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(document[i].get_textpage().get_text_range()
                         for i in range(len(document)))
    finally:
        document.close()


# The demo-like matrix: rows 7 Awareness, 8 Paid search, 9 Onboarding, 10 Kick-off call,
# 11 Welcome email, 12 Adoption, 13 Incidents, 14 Outage notice; departments K Marketing,
# L Sales, M Customer Success, N Support, O Legal.
COLLEAGUE_EDITS: list[list[object]] = [
    ["insert_columns", "Matrix", 14, 1],  # a department between Customer Success and Support
    ["set", "Matrix", "N6", "Partners"],
    ["set", "Matrix", "Q6", "Finance"],  # a department after the last one
    ["set", "Matrix", "P6", "Legal & Compliance"],  # a rename in the header only
    ["insert_rows", "Matrix", 11, 1],  # a touchpoint in the middle
    ["set", "Matrix", "A11", "Training session"],
    ["set", "Matrix", "M11", "Own"],
    ["set", "Matrix", "N11", "Influence"],
    ["set", "Matrix", "L10", ""],  # Kick-off call: Sales's Own cleared
    ["set", "Matrix", "A16", "Status page"],  # a touchpoint below the last one
    ["set", "Matrix", "Q16", "Own"],
    ["set", "Matrix", "O16", "Own"],
]


@pytest.mark.soffice
def test_rows_and_columns_added_in_libreoffice_are_counted_coloured_and_printed(tmp_path):
    matrix = demo_like()
    source = tmp_path / "journey.xlsx"
    xlsx_export.write(matrix, source)
    edited, pdf = edit_in_libreoffice(source, tmp_path, COLLEAGUE_EDITS)

    values = openpyxl.load_workbook(edited, data_only=True)
    summary = values["Summary"]
    # Paid search 1 owner, Kick-off 1 (Sales cleared), Training 1, Welcome 0, Outage 0,
    # Status page 2.
    assert [summary[f"B{row}"].value for row in range(4, 8)] == [6, 3, 2, 1]
    assert summary["B8"].value == pytest.approx(0.5)
    departments = [summary.cell(row, 1).value for row in range(11, 19)]
    assert departments == ["Marketing", "Sales", "Customer Success", "Partners", "Support",
                           "Legal & Compliance", "Finance", None]
    by_name = {summary.cell(row, 1).value: [summary.cell(row, c).value for c in (2, 3, 4)]
               for row in range(11, 18)}
    assert by_name["Partners"] == [0, 1, 0] and by_name["Finance"] == [1, 0, 0]
    assert by_name["Customer Success"] == [2, 0, 1] and by_name["Sales"] == [0, 1, 0]
    # The per-touchpoint table lists the rows added in the middle and at the end, in place.
    table = [tuple(summary.cell(row, column).value for column in (6, 7, 8))
             for row in range(11, 40) if summary.cell(row, 7).value]
    assert table == [("Awareness", "Paid search & social ads", 1),
                     ("Onboarding", "Kick-off call", 1), ("Onboarding", "Training session", 1),
                     ("Onboarding", "Welcome email", 0), ("Incidents", "Outage notice", 0),
                     ("Incidents", "Status page", 2)]
    grid = values["Matrix"]
    assert grid["I10"].value == 1  # Kick-off call's Owners count follows the cleared cell
    assert grid["I15"].value == 0  # Outage notice, still counted over the widened row

    formulas = openpyxl.load_workbook(edited)["Matrix"]
    (validation,) = formulas.data_validations.dataValidation
    role_rules = [cf for cf in formulas.conditional_formatting
                  if any('"Own"' in (rule.formula or [""])[0] for rule in cf.rules)]
    assert role_rules
    for cell in ("N11", "Q16", "O16", "M11", "Q20", "K400"):
        assert covers(str(validation.sqref), cell), cell
        assert any(covers(str(cf.sqref), cell) for cf in role_rules), cell
    owners_rules = [cf for cf in formulas.conditional_formatting if str(cf.sqref).startswith("I")]
    assert owners_rules and covers(str(owners_rules[0].sqref), "I16")

    text = pdf_text(pdf)
    for name in ("Status page", "Training session", "Partners", "Finance", "Legal &"):
        assert name in text, name

    returned = read_returned(edited)
    saved = returned.saved
    legal = matrix.find_department("Legal")
    assert returned.renamed_departments() == {legal.id: ("Legal", "Legal & Compliance")}
    assert {saved.department(i).name for i in returned.new_departments} == {"Partners",
                                                                             "Finance"}
    assert {saved.touchpoint(i).name for i in returned.new_touchpoints} == {
        "Training session", "Status page"}
    kickoff = matrix.find_touchpoints("Kick-off call")[0]
    assert saved.role(kickoff.id, matrix.find_department("Sales").id) is None
    assert saved.role(kickoff.id, matrix.find_department("Customer Success").id) is Role.OWN
    order = [d.name for d in saved.departments]
    assert order == ["Marketing", "Sales", "Customer Success", "Partners", "Support",
                     "Legal & Compliance", "Finance"]


@pytest.mark.soffice
def test_a_sheet_sorted_in_libreoffice_keeps_every_id(tmp_path):
    matrix = Matrix(title="Sorted")
    sales = matrix.add_department("Sales")
    stage = matrix.add_stage("Only stage")
    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        tp = matrix.add_touchpoint(stage.id, name)
        matrix.set_role(tp.id, sales.id, Role.OWN if name < "C" else Role.HANDLE)
    source = tmp_path / "sorted.xlsx"
    xlsx_export.write(matrix, source)
    last = get_column_letter(11)  # the range a colleague selects: A..K, the touchpoint rows
    edited, _ = edit_in_libreoffice(source, tmp_path,
                                    [["sort", "Matrix", f"A8:{last}11", 0, True]])
    returned = read_returned(edited)
    saved = returned.saved
    names = [t.name for t in saved.touchpoints_in(stage.id)]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta"]
    for tp in saved.iter_touchpoints():
        original = matrix.touchpoint(tp.id)  # the same id is the same touchpoint
        assert original.name == tp.name
        assert saved.row_roles(tp.id) == matrix.row_roles(tp.id)
    grid = openpyxl.load_workbook(edited, data_only=True)["Matrix"]
    assert [grid.cell(row, 9).value for row in range(8, 12)] == [1, 1, 0, 0]


def test_rows_and_columns_added_with_openpyxl_fall_inside_every_live_range(tmp_path):
    """Excel's semantics: a file written by another program is not recalculated here, so what
    is checked is that the added cells lie in the ranges Excel applies."""
    matrix = demo_like()
    path = tmp_path / "out.xlsx"
    xlsx_export.write(matrix, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Matrix"]
    sheet["A15"] = "Status page"
    sheet["P6"] = "Finance"
    sheet["P15"] = "Own"
    book.save(path)
    again = openpyxl.load_workbook(path)
    grid = again["Matrix"]
    (validation,) = grid.data_validations.dataValidation
    assert covers(str(validation.sqref), "P15")
    assert any(covers(str(cf.sqref), "P15") for cf in grid.conditional_formatting)
    summary = again["Summary"]
    # The totals and the department rows reach the added row and column.
    assert "$A$7:$A$514" in summary["B4"].value
    department_rows = [summary.cell(row, 1).value for row in range(11, 11 + 6)]
    assert "INDEX(Matrix!$K$6:$AS$6,1,6)" in department_rows[5]  # Finance is the sixth
    assert not grid.print_area  # the used range prints, Finance and Status page included
    returned = read_returned(path)
    assert {returned.saved.touchpoint(i).name for i in returned.new_touchpoints} == {
        "Status page"}
    assert {returned.saved.department(i).name for i in returned.new_departments} == {"Finance"}


def printed_font_sizes(pdf: Path) -> list[float]:
    document = pypdfium2.PdfDocument(pdf)
    sizes = []
    try:
        for index in range(min(len(document), 3)):
            text = document[index].get_textpage()
            for char in range(0, text.count_chars(), 3):
                if text.get_text_range(char, 1).isspace():
                    continue  # spaces and line ends the text layer adds have no font
                sizes.append(pypdfium2.raw.FPDFText_GetFontSize(text.raw, char))
    finally:
        document.close()
    return sizes


@pytest.mark.soffice
def test_forty_departments_print_as_readable_column_pages(tmp_path):
    matrix = generate_matrix(60, 40)
    source = tmp_path / "wide.xlsx"
    xlsx_export.write(matrix, source)
    _, pdf = edit_in_libreoffice(source, tmp_path, [])
    sizes = printed_font_sizes(pdf)
    assert sizes and min(sizes) >= 8, min(sizes)
    text = pdf_text(pdf)
    first = next(matrix.iter_touchpoints()).name
    # The touchpoint column repeats on each column page of the first rows.
    assert text.count(first) >= 4
    assert matrix.departments[-1].name in text


@pytest.mark.soffice
def test_rows_added_in_libreoffice_get_an_owners_count_and_colour(tmp_path, monkeypatch):
    """A touchpoint typed below the data is counted by the formula waiting in its row; one
    inserted in the middle (LibreOffice copies no formula there) is still coloured by the
    row-based rules, and the Owners formula of the rows around it still counts them."""
    matrix = demo_like()
    source = tmp_path / "rows.xlsx"
    xlsx_export.write(matrix, source)
    bare = tmp_path / "bare" / "rows.xlsx"  # the same matrix without the waiting formulas
    bare.parent.mkdir()
    monkeypatch.setattr(matrix_sheet, "OWNERS_SPARE_ROWS", 0)
    xlsx_export.write(matrix, bare)
    pages_bare = len(pypdfium2.PdfDocument(edit_in_libreoffice(bare, bare.parent, [])[1]))
    edited, pdf = edit_in_libreoffice(source, tmp_path, [
        ["insert_rows", "Matrix", 11, 1],
        ["set", "Matrix", "A11", "Training session"],
        ["set", "Matrix", "M11", "Own"],
        ["set", "Matrix", "N11", "Own"],
        ["set", "Matrix", "A16", "Status page"],  # the first row past the data
        ["set", "Matrix", "L16", "Own"],
        ["set", "Matrix", "A18", "Chat bot"],  # two rows further, no owner yet
        ["set", "Matrix", "N18", "Handle"],
    ])
    grid = openpyxl.load_workbook(edited, data_only=True)["Matrix"]
    assert grid["I16"].value == 1
    assert grid["I18"].value == 0
    assert grid["I17"].value in (None, "")  # an empty row shows no count
    assert grid["I10"].value == 2 and grid["I12"].value == 0  # the rows around the insertion
    formulas = openpyxl.load_workbook(edited)["Matrix"]
    owners_rules = [cf for cf in formulas.conditional_formatting
                    if str(cf.sqref).startswith("I")]
    assert owners_rules and all(covers(str(cf.sqref), "I11") for cf in owners_rules)
    rule_formulas = [rule.formula[0] for cf in owners_rules for rule in cf.rules]
    # The colour is computed from the row's own role cells, not from the (empty) Owners cell.
    assert any('COUNTIF($K7:' in f and "=0" in f for f in rule_formulas), rule_formulas
    assert any('COUNTIF($K7:' in f and ">1" in f for f in rule_formulas), rule_formulas
    # The formulas waiting past the data do not print as empty pages.
    assert len(pypdfium2.PdfDocument(pdf)) == pages_bare
    returned = read_returned(edited)
    assert {returned.saved.touchpoint(i).name for i in returned.new_touchpoints} == {
        "Training session", "Status page", "Chat bot"}


@pytest.mark.soffice
def test_a_sorted_sheet_and_a_moved_row_review_as_moves_only(tmp_path):
    """Sort the touchpoint rows by name in LibreOffice, then cut one row and insert it at the
    top: the review lists moves and nothing else, the cut row among them, and accepting all
    gives the workbook's order with every name and role as it was."""
    from cxmatrix.interchange.workbook_update import review_workbooks

    matrix = Matrix(title="Sorted")
    departments = [matrix.add_department(name) for name in ("Sales", "Support", "Legal")]
    stage = matrix.add_stage("Only stage")
    for index, name in enumerate(("Delta", "Alpha", "Foxtrot", "Charlie", "Echo", "Bravo")):
        tp = matrix.add_touchpoint(stage.id, name)
        matrix.set_role(tp.id, departments[index % 3].id, Role.OWN)
        matrix.set_role(tp.id, departments[(index + 1) % 3].id, Role.HANDLE)
    source = tmp_path / "sorted.xlsx"
    xlsx_export.write(matrix, source)
    last = get_column_letter(10 + len(departments))  # A..M: attributes, Owners, id, roles
    edited, _ = edit_in_libreoffice(source, tmp_path, [
        ["sort", "Matrix", f"A8:{last}13", 0, True],
        ["move_row", "Matrix", 12, 8],  # Echo, cut and inserted above Alpha
    ])
    grid = openpyxl.load_workbook(edited, data_only=True)["Matrix"]
    order = [grid.cell(row, 1).value for row in range(8, 14)]
    assert order == ["Echo", "Alpha", "Bravo", "Charlie", "Delta", "Foxtrot"]
    assert [grid.cell(row, 9).value for row in range(8, 14)] == [1] * 6

    review = review_workbooks(matrix, [edited])
    assert review.changes, "the order changed"
    assert {change.what for change in review.changes} == {"moved"}, [
        change.text for change in review.changes]
    assert not review.deletions and not review.conflicts
    echo = matrix.find_touchpoints("Echo")[0]
    moved = [change for change in review.changes if change.group == "Echo"
             or f"touchpoint:{echo.id}:" in change.key]
    assert moved and "Echo" in moved[0].text, [c.text for c in review.changes]
    merged = review.apply(review.accept_all())
    texts = [c.text for c in review.changes]
    assert [t.name for t in merged.touchpoints_in(stage.id)] == order, texts
    for tp in merged.iter_touchpoints():
        assert merged.row_roles(tp.id) == matrix.row_roles(tp.id)
        assert matrix.touchpoint(tp.id).name == tp.name


def fill_beside(pdf: Path, text: str, gap: float = 20) -> tuple[int, int, int]:
    """The colour printed ``gap`` points right of the end of ``text`` (inside its cell), on
    the first page that shows it: what LibreOffice's conditional formats painted there."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            found = page.get_textpage().search(text).get_next()
            if found is None:
                continue
            index, count = found
            _left, bottom, right, top = page.get_textpage().get_charbox(index + count - 1)
            height = page.get_height()
            image = page.render(scale=2).to_pil().convert("RGB")
            return image.getpixel((int((right + gap) * 2), int((height - (top + bottom) / 2) * 2)))
    finally:
        document.close()
    raise AssertionError(f"{text!r} is not in the printout")


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def close_to(found: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 6 for a, b in zip(found, wanted, strict=True))


@pytest.mark.soffice
def test_rows_inserted_in_the_middle_are_marked_in_the_printout_and_counted(tmp_path):
    """Rows inserted in the middle in LibreOffice (no formula is copied into them), roles
    filled, recalculated and printed: the touchpoint's name is tinted amber with two owners,
    red with none and not at all with one, as LibreOffice evaluated the rules; the Summary
    counts every inserted row."""
    from cxmatrix.interchange.xlsx.styles import NO_OWNER_TINT, SEVERAL_OWNERS_TINT

    matrix = demo_like()
    source = tmp_path / "middle.xlsx"
    xlsx_export.write(matrix, source)
    edited, pdf = edit_in_libreoffice(source, tmp_path, [
        ["insert_rows", "Matrix", 11, 1],  # below Kick-off call
        ["set", "Matrix", "A11", "Training session"],
        ["set", "Matrix", "K11", "Own"],
        ["set", "Matrix", "L11", "Own"],
        ["insert_rows", "Matrix", 13, 1],  # below Welcome email
        ["set", "Matrix", "A13", "Handover call"],
        ["set", "Matrix", "N13", "Handle"],
        ["insert_rows", "Matrix", 9, 1],  # below Paid search & social ads
        ["set", "Matrix", "A9", "Webinar"],
        ["set", "Matrix", "K9", "Own"],
    ])
    assert close_to(fill_beside(pdf, "Training session"), rgb(SEVERAL_OWNERS_TINT))
    assert close_to(fill_beside(pdf, "Handover call"), rgb(NO_OWNER_TINT))
    assert close_to(fill_beside(pdf, "Webinar"), (255, 255, 255))
    assert close_to(fill_beside(pdf, "Kick-off call"), rgb(SEVERAL_OWNERS_TINT))  # exported

    summary = openpyxl.load_workbook(edited, data_only=True)["Summary"]
    counts = {summary.cell(row, 1).value: summary.cell(row, 2).value for row in range(4, 8)}
    # Exported: Paid search 1, Kick-off 2, Welcome 0, Outage 0; inserted: 2, 0, 1.
    assert counts == {"Touchpoints": 7, "With exactly one owner": 2, "With no owner": 3,
                      "With several owners": 2}
    departments = {summary.cell(row, 1).value: summary.cell(row, 2).value
                   for row in range(11, 16)}
    assert departments["Marketing"] == 3 and departments["Sales"] == 2  # Own, inserted rows in
    table = [tuple(summary.cell(row, column).value for column in (6, 7, 8))
             for row in range(11, 30) if summary.cell(row, 7).value]
    # The per-touchpoint table lists the inserted rows where they are, counted from their
    # role cells (their own Owners cell has no formula).
    assert table == [("Awareness", "Paid search & social ads", 1), ("Awareness", "Webinar", 1),
                     ("Onboarding", "Kick-off call", 2), ("Onboarding", "Training session", 2),
                     ("Onboarding", "Welcome email", 0), ("Onboarding", "Handover call", 0),
                     ("Incidents", "Outage notice", 0)]
    grid = openpyxl.load_workbook(edited, data_only=True)["Matrix"]
    assert grid["I9"].value is None and grid["A9"].value == "Webinar"
    gap_rules = [rule for cf in openpyxl.load_workbook(edited)["Matrix"].conditional_formatting
                 for rule in cf.rules if "ISBLANK" in rule.formula[0]]
    assert gap_rules and gap_rules[0].formula[0].endswith("ISBLANK($I7))")
    # Bringing it back checks each row: the cells without a count are named with the counts.
    (notice,) = [n for n in read_returned(edited).notices if "Owners" in n]
    assert notice == (
        "middle.xlsx: sheet 'Matrix': the Owners cells I9 (Webinar), I12 (Training session), "
        "I14 (Handover call) show no count (rows inserted without the formula); counted on "
        "the way back: Webinar 1 owner, Training session 2 owners, Handover call no owner")


def test_an_owners_count_typed_over_is_named_on_the_way_back(tmp_path):
    matrix = demo_like()
    source = tmp_path / "typed.xlsx"
    xlsx_export.write(matrix, source)
    assert not [n for n in read_returned(source).notices if "Owners" in n]
    # An edit in a program that keeps the values (as Excel and LibreOffice do): the XML of
    # the Owners cell of Paid search (one owner) now holds a typed 3.
    import zipfile

    edited = tmp_path / "edited" / "typed.xlsx"
    edited.parent.mkdir()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(edited, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index('<c r="I8"')
                end = text.index("</c>", start) + 4
                data = (text[:start] + '<c r="I8" t="n"><v>3</v></c>' + text[end:]).encode()
            zout.writestr(item, data)
    notices = [n for n in read_returned(edited).notices if "Owners" in n]
    assert notices == ["typed.xlsx: sheet 'Matrix': Owners cell I8 shows '3' but Paid search "
                       "& social ads has 1 owner (a count typed over the formula); the roles "
                       "are what comes back"]
