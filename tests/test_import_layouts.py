"""Many more layouts than the samples: title rows, merged headings, legends beside and below,
two-level headers, lists with RACI columns, odd codes, unicode, CSV dialects and encodings,
huge and empty sheets. Each test writes a real file and imports it with default settings."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.importer import inspect, read

O, I, H = Role.OWN, Role.INFLUENCE, Role.HANDLE  # noqa: E741


def workbook(path: Path, rows: list[list[Any]], *, merges: tuple[str, ...] = (),
             comments: dict[str, str] | None = None, title: str = "Sheet1",
             extra_sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for ref, text in (comments or {}).items():
        sheet[ref].comment = Comment(text, "Someone")
    for name, extra in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def roles(matrix: Matrix, touchpoint: str) -> dict[str, Role]:
    found = matrix.find_touchpoints(touchpoint)
    assert len(found) == 1, (touchpoint, [t.name for t in matrix.iter_touchpoints()])
    return {matrix.department(d).name: r for d, r in matrix.row_roles(found[0].id).items()}


def names(matrix: Matrix) -> list[str]:
    return [t.name for t in matrix.iter_touchpoints()]


def test_title_rows_merged_stage_headings_and_legends(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Service ownership 2026"],
        ["Owner: CX team", None, None, "Updated 2026-01-05"],
        [],
        ["Legend: O = Own, I = Influence, H = Handle"],
        [],
        ["Touchpoint", "Sales", "Support", "Billing", None, "Key", "Meaning"],
        ["Before the sale"],
        ["Demo", "O", "I", None, None, "O", "Own"],
        ["Quote", "O", None, "I", None, "I", "Influence"],
        ["After the sale"],
        ["Invoice", None, "H", "O", None, "H", "Handle"],
        ["Refund", None, "O", "I"],
        [],
        ["Legend"],
        ["O = Own"],
        ["I = Influence"],
        ["Total", 2, 3, 2],
    ]
    path = workbook(tmp_path / "titled.xlsx", rows, merges=("A1:D1", "A4:D4", "A7:D7", "A10:D10"))
    result = read(path)
    matrix = result.matrix
    assert [d.name for d in matrix.departments] == ["Sales", "Support", "Billing"]
    assert [s.name for s in matrix.stages] == ["Before the sale", "After the sale"]
    assert names(matrix) == ["Demo", "Quote", "Invoice", "Refund"]
    assert roles(matrix, "Invoice") == {"Support": H, "Billing": O}
    detection = result.details["detection"]
    assert detection["header_row"] == 6
    assert detection["stage_heading_rows"] is True
    ignored = {c["column"]: c["reason"] for c in detection["ignored_columns"]}
    assert ignored["E"] == "blank spacer column"
    assert "legend" in ignored["F"]
    text = "\n".join(result.report)
    assert "a totals row" in text or "below the table" in text


def test_two_level_header_with_groups(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [None, "Front office", None, None, "Back office", None],
        ["Interaction", "Sales", "Marketing", "Customer Success", "Finance", "Legal"],
        ["Pricing page", "I", "O", None, None, None],
        ["Contract", "O", None, None, "I", "I"],
        ["Renewal", "I", None, "O", "I", None],
    ]
    path = workbook(tmp_path / "two_level.xlsx", rows, merges=("B1:D1", "E1:F1"))
    result = read(path)
    matrix = result.matrix
    assert [d.name for d in matrix.departments] == ["Sales", "Marketing", "Customer Success",
                                                    "Finance", "Legal"]
    assert result.details["detection"]["group_row"] == 1
    assert roles(matrix, "Contract") == {"Sales": O, "Finance": I, "Legal": I}


def test_odd_codes_take_the_strongest_and_unknown_codes_are_reported(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Activity", "Alpha", "Beta", "Gamma", "Delta"],
        ["One", "A/R", "c", "I", None],
        ["Two", "R / A", "R,C", "-", None],
        ["Three", "RA", "(R)", "n/a", "N"],
        ["Four", "A, R", "x", "?", "C"],
        ["Five", "R", "C", "S", None],
        ["Six", "r", "R", "i", None],
    ]
    result = read(workbook(tmp_path / "odd.xlsx", rows))
    matrix = result.matrix
    assert roles(matrix, "One") == {"Alpha": O, "Beta": I}
    assert roles(matrix, "Two") == {"Alpha": O, "Beta": I}
    assert roles(matrix, "Three") == {"Alpha": O, "Beta": I}
    assert roles(matrix, "Four") == {"Alpha": O, "Delta": I}
    assert roles(matrix, "Five") == {"Alpha": O, "Beta": I, "Gamma": I}
    assert roles(matrix, "Six") == {"Alpha": O, "Beta": O}  # R with no A: Own (twice)
    text = "\n".join(result.report)
    assert "code 'x' not understood: C5" in text
    assert "code '?' not understood: D5" in text
    codes = {c["code"]: c for c in result.details["report"]["codes"]}
    assert codes["x"]["role"] is None and codes["x"]["count"] == 1


def test_word_codes_and_near_words(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Touchpoint", "Marketing", "Sales", "Support"],
        ["Ad", "Owner", "influencer", None],
        ["Call", "Influences", "OWNS", "handles"],
        ["Outage", None, "Handler", "Handled"],
    ]
    matrix = read(workbook(tmp_path / "words.xlsx", rows)).matrix
    assert roles(matrix, "Ad") == {"Marketing": O, "Sales": I}
    assert roles(matrix, "Call") == {"Marketing": I, "Sales": O, "Support": H}
    assert roles(matrix, "Outage") == {"Sales": H, "Support": H}


def test_letters_o_i_h_read_i_as_influence(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "A team", "B team"], ["X", "O", "I"],
                             ["Y", "I", "H"]]
    result = read(workbook(tmp_path / "oih.xlsx", rows))
    assert roles(result.matrix, "Y") == {"A team": I, "B team": H}
    assert read(workbook(tmp_path / "oih2.xlsx", rows), mapping="raci").matrix.cell_count() == 0


def test_presets_change_the_meaning_of_i(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Ops", "Dev"], ["X", "A", "I"], ["Y", "R", "I"]]
    path = workbook(tmp_path / "raci.xlsx", rows)
    assert roles(read(path).matrix, "X") == {"Ops": O}
    assert roles(read(path, mapping="oih").matrix, "X") == {"Dev": I}
    custom = read(path, mapping={"I": "handle"}).matrix
    assert roles(custom, "Y") == {"Ops": O, "Dev": H}


def test_stage_column_merged_down_and_filled_down(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["ID", "Phase", "Step", "Status", "Due", "Sales", "CS", "Priority", "Comment"],
        [1, "Start", "Hello", "Done", "2026-01-01", "O", "I", "High", "first"],
        [2, None, "Setup", "Open", "2026-01-02", "I", "O", "Low", None],
        [3, "Run", "Use", "Open", "2026-02-01", None, "O", "Low", None],
        [4, None, "Grow", "Done", "2026-03-01", "O", "I", "High", "grow it"],
        [5, None, "TBD", None, None, None, None, None, None],
    ]
    path = workbook(tmp_path / "stages.xlsx", rows, merges=("B2:B3",))
    result = read(path)
    matrix = result.matrix
    assert [d.name for d in matrix.departments] == ["Sales", "CS"]
    assert [(s.name, [t.name for t in matrix.touchpoints_in(s.id)]) for s in matrix.stages] \
        == [("Start", ["Hello", "Setup"]), ("Run", ["Use", "Grow"])]
    assert matrix.find_touchpoints("Grow")[0].notes == "grow it"
    ignored = {c["header"]: c["reason"] for c in result.details["detection"]["ignored_columns"]}
    assert "IDs" in ignored["ID"] and "status" in ignored["Status"]
    assert "dates" in ignored["Due"] and "priority" in ignored["Priority"]
    assert any("a placeholder: row 6" in line for line in result.report)


def test_table_not_at_a1_and_formulas_give_their_values(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["My matrix"], [], [None, None, "Touchpoint", "North", "South"],
                             [None, None, "Visit", "O", "I"], [None, None, "Call", "I", "O"]]
    path = workbook(tmp_path / "offset.xlsx", rows)
    # Replace one code by a formula with its cached value, as Excel saves it.
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index('<c r="E5"')
    end = sheet.index("</c>", start) + 4
    sheet = sheet[:start] + '<c r="E5" t="str"><f>LOWER("O")</f><v>o</v></c>' + sheet[end:]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    matrix = read(path).matrix
    assert roles(matrix, "Call") == {"North": I, "South": O}
    assert roles(matrix, "Visit") == {"North": O, "South": I}


def test_cell_comments_become_cell_notes(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Sales", "Support"], ["Demo", "O", "I"],
                             ["Ticket", None, "O"]]
    path = workbook(tmp_path / "comments.xlsx", rows,
                    comments={"B2": "Sales runs every demo", "B3": "No role but a note",
                              "A3": "Touchpoint note"})
    result = read(path)
    matrix = result.matrix
    demo = matrix.find_touchpoints("Demo")[0]
    ticket = matrix.find_touchpoints("Ticket")[0]
    sales = matrix.find_department("Sales")
    assert sales is not None
    assert matrix.note(demo.id, sales.id) == "Sales runs every demo"
    assert matrix.cell(ticket.id, sales.id).note == "No role but a note"
    assert matrix.cell(ticket.id, sales.id).role is None
    assert ticket.notes == "Touchpoint note"
    assert result.details["report"]["cell_notes"] == 2


def test_duplicate_department_names_are_kept_apart(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Sales", "sales ", "Support"], ["Demo", "O", "I", "I"]]
    result = read(workbook(tmp_path / "dup.xlsx", rows))
    assert [d.name for d in result.matrix.departments] == ["Sales", "sales (2)", "Support"]
    assert any("repeats the department" in line for line in result.report)


def test_codes_without_a_touchpoint_name_are_reported(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Sales", "Support"], ["Demo", "O", "I"],
                             [None, "O", "I"], ["Ticket", "I", "O"]]
    result = read(workbook(tmp_path / "noname.xlsx", rows))
    assert names(result.matrix) == ["Demo", "Ticket"]
    assert any("role codes but no touchpoint name: row 3" in line for line in result.report)


def test_unicode_names(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Point de contact", "Ventes 💼", "サポート", "Service client"],
                             ["Accueil ☕", "O", "I", None], ["Facturation €", None, "H", "O"],
                             ["דוא\"ל ברוכים הבאים", "I", None, "O"]]
    matrix = read(workbook(tmp_path / "unicode.xlsx", rows)).matrix
    assert [d.name for d in matrix.departments] == ["Ventes 💼", "サポート", "Service client"]
    assert roles(matrix, "Accueil ☕") == {"Ventes 💼": O, "サポート": I}
    assert roles(matrix, "דוא\"ל ברוכים הבאים") == {"Ventes 💼": I, "Service client": O}
    assert all(len(d.code) <= 4 for d in matrix.departments)


def test_list_with_raci_columns(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Stage", "Task", "Responsible", "Accountable (A)", "Consulted", "Informed", "Notes"],
        ["Start", "Kick-off", "Customer Success", "Sales", "Product", "Finance", ""],
        ["Start", "Setup", "Support, Customer Success", "", "Product; Sales", "", "tricky"],
        ["Run", "Review", "customer success", "Customer Success", "", "Sales, Finance", ""],
    ]
    result = read(workbook(tmp_path / "raci_list.xlsx", rows))
    matrix = result.matrix
    assert result.details["detection"]["shape"] == "list"
    assert roles(matrix, "Kick-off") == {"Customer Success": I, "Sales": O, "Product": I}
    # R without an A in the row: both Responsible departments own it.
    assert roles(matrix, "Setup") == {"Support": O, "Customer Success": O, "Product": I,
                                      "Sales": I}
    assert roles(matrix, "Review") == {"Customer Success": O}
    assert {d.name for d in matrix.departments} == {"Customer Success", "Sales", "Product",
                                                    "Finance", "Support"}
    assert matrix.find_touchpoints("Setup")[0].notes == "tricky"


@pytest.mark.parametrize(("encoding", "delimiter", "suffix", "found"), [
    ("utf-8", ",", ".csv", "UTF-8"),
    ("utf-8-sig", ";", ".csv", "UTF-8 (with BOM)"),
    ("cp1252", ";", ".csv", "Windows-1252"),
    ("utf-16", "\t", ".txt", "UTF-16"),
    ("utf-8", "\t", ".tsv", "UTF-8"),
    ("utf-8", "|", ".csv", "UTF-8"),
])
def test_csv_dialects_and_encodings(tmp_path: Path, encoding: str, delimiter: str,
                                    suffix: str, found: str) -> None:
    lines = [["Touchpoint", "Café team", "Support"], ["Entrée", "O", "I"],
             ["Crème brûlée", "I", "O"], ['Quote "fast", please', "O", ""]]
    def field(value: str) -> str:
        if delimiter in value or '"' in value:
            return '"' + value.replace('"', '""') + '"'
        return value
    text = "\r\n".join(delimiter.join(field(v) for v in line) for line in lines) + "\r\n"
    path = tmp_path / f"matrix{suffix}"
    path.write_bytes(text.encode(encoding))
    result = read(path)
    assert result.details["encoding"] == found
    matrix = result.matrix
    assert roles(matrix, "Crème brûlée") == {"Café team": I, "Support": O}
    assert roles(matrix, 'Quote "fast", please') == {"Café team": O}


def test_csv_field_with_a_line_break(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text('Touchpoint,Sales,Support\n"Two\nlines",O,I\nOther,I,O\n', encoding="utf-8")
    matrix = read(path).matrix
    assert names(matrix) == ["Two\nlines", "Other"]


def test_header_only_sheet_has_no_touchpoints(tmp_path: Path) -> None:
    path = workbook(tmp_path / "header_only.xlsx", [["Touchpoint", "Sales", "Support"],
                                                     ["Demo", "O", None]])
    assert read(path).matrix.touchpoint_count == 1
    empty_body = tmp_path / "empty_body.csv"
    empty_body.write_text("Touchpoint,Sales\n,\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"empty_body\.csv"):
        read(empty_body)


def test_the_sheet_holding_the_matrix_is_chosen(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Sales", "Support", "Ops"],
                             ["Demo", "O", "I", "I"], ["Ticket", "I", "O", "H"]]
    path = workbook(tmp_path / "sheets.xlsx", [["Read me first"], ["This file maps owners"]],
                    title="Intro", extra_sheets={"Matrix v2": rows, "Legend": [["O", "Own"]]})
    inspection = inspect(path)
    assert inspection.sheet == "Matrix v2"
    assert [s.name for s in inspection.sheets] == ["Intro", "Matrix v2", "Legend"]


def grid_rows(matrix: Matrix) -> list[list[Any]]:
    departments = matrix.departments
    rows: list[list[Any]] = [["Stage", "Touchpoint"] + [d.name for d in departments]]
    for tp in matrix.iter_touchpoints():
        row_roles = matrix.row_roles(tp.id)
        rows.append([matrix.stage(tp.stage_id).name, tp.name] +
                    [row_roles[d.id].letter if d.id in row_roles else None
                     for d in departments])
    return rows


def test_a_large_grid_imports_exactly(tmp_path: Path) -> None:
    original = generate_matrix(3_000, 24, seed=9)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Big")
    for row in grid_rows(original):
        sheet.append(row)
    path = tmp_path / "big.xlsx"
    book.save(path)
    matrix = read(path).matrix
    assert matrix.touchpoint_count == 3_000
    assert [d.name for d in matrix.departments] == [d.name for d in original.departments]
    expected = [sorted((original.department(d).name, r) for d, r in
                       original.row_roles(t.id).items()) for t in original.iter_touchpoints()]
    got = [sorted((matrix.department(d).name, r) for d, r in matrix.row_roles(t.id).items())
           for t in matrix.iter_touchpoints()]
    assert got == expected
    assert [s.name for s in matrix.stages] == [s.name for s in original.stages]


def test_department_codes_stay_short_whatever_the_name(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "0/0/0:ß", "Straße", "ßßß ßßß"],
                             ["Demo", "O", "I", "H"]]
    matrix = read(workbook(tmp_path / "codes.xlsx", rows)).matrix
    codes = [d.code for d in matrix.departments]
    assert all(len(code) <= 4 for code in codes) and len(set(codes)) == 3


def test_transposed_grid_touchpoints_across(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [None, "Onboarding", None, "Renewal"],
        ["Department", "Demo", "Invoice", "Renewal call"],
        ["Sales", "O", None, "I"],
        ["Support", "I", "H", None],
        ["Finance", None, "O", "x"],
    ]
    path = workbook(tmp_path / "across.xlsx", rows, merges=("B1:C1",))
    result = read(path)
    matrix = result.matrix
    assert result.details["detection"]["transposed"] is True
    assert [d.name for d in matrix.departments] == ["Sales", "Support", "Finance"]
    assert [(s.name, [t.name for t in matrix.touchpoints_in(s.id)]) for s in matrix.stages] \
        == [("Onboarding", ["Demo", "Invoice"]), ("Renewal", ["Renewal call"])]
    assert roles(matrix, "Invoice") == {"Support": H, "Finance": O}
    # The reference is the sheet's own cell, not the transposed one.
    assert any("code 'x' not understood: D5" in line for line in result.report)
    assert "touchpoints across" in result.report[0]


def test_transposed_grid_recognised_by_department_names(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [None, "Welcome call", "QBR", "Outage notice", "Survey"],
        ["Customer Success", "O", "O", "H", "I"],
        ["Sales", "I", "I", None, None],
        ["Engineering", None, None, "O", None],
        ["Marketing", None, None, "I", "O"],
    ]
    matrix = read(workbook(tmp_path / "across2.xlsx", rows)).matrix
    assert [d.name for d in matrix.departments] == ["Customer Success", "Sales", "Engineering",
                                                    "Marketing"]
    assert roles(matrix, "Outage notice") == {"Customer Success": H, "Engineering": O,
                                              "Marketing": I}


def test_transposed_list_one_row_per_department(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Team", "Owns", "Influences", "Handles"],
        ["Sales", "Demo; Contract", "Renewal call", ""],
        ["Customer Success", "Renewal call, QBR", "Demo", "Outage notice"],
        ["Engineering", "Outage notice", "", ""],
    ]
    result = read(workbook(tmp_path / "by_team.xlsx", rows))
    matrix = result.matrix
    assert result.details["detection"]["shape"] == "list"
    assert result.details["detection"]["transposed"] is True
    assert [d.name for d in matrix.departments] == ["Sales", "Customer Success", "Engineering"]
    assert sorted(names(matrix)) == ["Contract", "Demo", "Outage notice", "QBR", "Renewal call"]
    assert roles(matrix, "Demo") == {"Sales": O, "Customer Success": I}
    assert roles(matrix, "Outage notice") == {"Customer Success": H, "Engineering": O}
    assert "one row per department" in result.report[0]


def test_excel_sep_hint_and_xlsm(tmp_path: Path) -> None:
    path = tmp_path / "hinted.csv"
    path.write_text("sep=;\nTouchpoint;Sales, EMEA;Support\nDemo;O;I\n", encoding="utf-8")
    result = read(path)
    assert [d.name for d in result.matrix.departments] == ["Sales, EMEA", "Support"]
    assert result.details["delimiter"] == "semicolon"
    macro = workbook(tmp_path / "book.xlsx", [["Touchpoint", "Sales"], ["Demo", "O"]])
    renamed = macro.rename(tmp_path / "book.xlsm")
    assert roles(read(renamed).matrix, "Demo") == {"Sales": O}


def test_marks_nobody_understands_are_imported_as_skipped_cells(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Sales", "Support", "Legal"],
                             ["Demo", "X", "✓", None], ["Contract", "✓", None, "X"]]
    path = workbook(tmp_path / "marks.xlsx", rows)
    result = read(path)
    matrix = result.matrix
    assert [d.name for d in matrix.departments] == ["Sales", "Support", "Legal"]
    assert names(matrix) == ["Demo", "Contract"] and matrix.cell_count() == 0
    text = "\n".join(result.report)
    assert "code 'X' not understood: B2, D3" in text
    assert "code '✓' not understood: C2, B3" in text
    chosen = read(path, mapping={"X": "own", "✓": "influence"}).matrix
    assert roles(chosen, "Contract") == {"Sales": I, "Legal": O}


def test_overrides_keep_each_other(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Department", "Welcome call", "QBR"], ["Sales", "O", "I"],
                             ["Support", "I", "O"]]
    inspection = inspect(workbook(tmp_path / "turned.xlsx", rows))
    assert inspection.layout.transposed
    again = inspection.with_header_row(0)
    assert again.layout.transposed and again.preview_departments == ["Sales", "Support"]
    with pytest.raises(ImportFailed, match=r"turned.xlsx, sheet 'Sheet1': column Z is outside"):
        inspection.with_header_row(25)
    back = inspection.with_transposed(False)
    assert not back.layout.transposed
    assert [p.touchpoint for p in back.preview] == ["Sales", "Support"]
