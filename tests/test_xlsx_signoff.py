"""The workbook's Sign-off sheet: each department's state, lead, date, what changed since it
agreed, its disputed touchpoints and comments, then the disputed cells with the proposed
roles; read back with openpyxl. The importer and the workbook's return leave it alone."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cxmatrix.domain.signoff import DISPUTE_HEADER, SIGNOFF_HEADER
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.spreadsheet import importer as spreadsheet_import
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import SIGNOFF_SHEET
from cxmatrix.interchange.xlsx.returned import read_returned


def test_the_demo_workbook_has_a_signoff_sheet_that_reads_back(tmp_path: Path) -> None:
    matrix = demo_matrix()
    path = tmp_path / "demo.xlsx"
    xlsx_export.write(matrix, path, source_name="demo.cxm")
    book = load_workbook(path)
    assert book.sheetnames.index(SIGNOFF_SHEET) == book.sheetnames.index("Findings") + 1
    rows = [tuple("" if v is None else v for v in row)
            for row in book[SIGNOFF_SHEET].iter_rows(values_only=True)]
    assert rows[0][0].startswith("Sign-off as exported on ")
    assert rows[0][0].endswith(": 6 of 9 departments agreed; Legal disputes 2 touchpoints; "
                               "Sales' agreement is out of date (2 changes since 14 Sep); "
                               "Professional Services has not answered yet (sent 1 Dec).")
    assert rows[1][:len(SIGNOFF_HEADER)] == SIGNOFF_HEADER
    by_name = {row[0]: row for row in rows[2:2 + len(matrix.departments)]}
    assert by_name["Customer Success"][1:4] == ("Maren Lindqvist", "agreed", "2026-11-20")
    sales = by_name["Sales"]
    assert sales[2] == "out of date" and sales[3] == "2026-09-14"
    assert sales[5].split("\n")[1] == "Renewal conversation: own -> influence"
    legal = by_name["Legal"]
    assert legal[2] == "disputed" and legal[4] == "2 touchpoints"
    assert by_name["Professional Services"][2] == "asked"
    header = rows.index(DISPUTE_HEADER + ("",) * (len(SIGNOFF_HEADER) - len(DISPUTE_HEADER)))
    assert rows[header - 1][0] == "Disputed touchpoints: what each lead said"
    sheet = book[SIGNOFF_SHEET]
    assert f"E{header + 1}:F{header + 1}" in {str(r) for r in sheet.merged_cells.ranges}
    disputes = rows[header + 1:]
    assert [r[:4] for r in disputes] == [
        ("Legal", "Security & compliance questionnaire", "Influence", "Own"),
        ("Legal", "Data export & account closure", "Influence", "no role")]
    assert disputes[0][4].startswith("Legal answers the data-protection sections")
    # Each name and comment is said once on the sheet: not again in the departments' table.
    text = [str(v) for row in rows for v in row]
    for name, comment in ((r[1], r[4]) for r in disputes):
        assert sum(name in v for v in text) == 1
        assert sum(comment in v for v in text) == 1
    # Wide enough for what it holds; the summary wraps across the table, rows fit their text.
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["D"] >= len("Proposed role") + 2
    assert widths["B"] >= len("Security & compliance questionnaire")
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.cell(1, 1).alignment.wrap_text
    assert sheet.row_dimensions[1].height > 15
    assert sheet.row_dimensions[2 + list(by_name).index("Sales") + 1].height > 15
    # The workbook still comes back: imported, and returned against what was exported.
    assert spreadsheet_import.read(path).matrix.content() == matrix.content()
    assert read_returned(path).exported.content() == matrix.content()
