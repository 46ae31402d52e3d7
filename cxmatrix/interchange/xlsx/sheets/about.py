"""The About sheet: the matrix's properties, the role legend, the sheets, the format marker.

The importer recognises a cxmatrix workbook by the format line (layout's ABOUT_FIELDS).
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

import cxmatrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.xlsx.cells import cell_text, put_text, wrapped_height
from cxmatrix.interchange.xlsx.layout import (
    ABOUT_FIELDS,
    ABOUT_SHEET,
    DEPARTMENTS_SHEET,
    FINDINGS_SHEET,
    FORMAT_MARKER,
    MATRIX_SHEET,
    OWNERS_HEADER,
    ROLE_WORDS,
    SUMMARY_SHEET,
)
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

TEXT_WIDTH = 100

SHEET_PURPOSES = (
    (MATRIX_SHEET, "Touchpoints (rows, grouped by stage) against departments (columns). Pick a "
                   "role from each cell's drop-down; colours follow the role. The "
                   f"{OWNERS_HEADER} column counts each row's Own cells: red with none, amber "
                   "with several. The Metric, Description and Notes columns are folded: click + "
                   "above the columns to show them. Add, move, sort and rename rows and "
                   "columns freely: hidden ids tell cxmatrix which is which when the workbook "
                   "comes back."),
    (DEPARTMENTS_SHEET, "Each department's name, short code and lead."),
    (FINDINGS_SHEET, "What cxmatrix found when exporting: touchpoints with no owner or "
                     "several, critical moments, owners without a metric. It does not follow "
                     "edits."),
    (SUMMARY_SHEET, "Counts per department and per touchpoint, as formulas that follow edits "
                    "made in the Matrix sheet."),
    (ABOUT_SHEET, "This sheet. cxmatrix reads the workbook back by the format line above; "
                  "keep the sheet names and the Matrix header row as they are."),
)


def write_about(sheet: Worksheet, styles: Styles, matrix: Matrix, source_name: str,
                page: PageText) -> None:
    set_up_printing(sheet, page, landscape=False, title_rows=None)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, TEXT_WIDTH)
    focus = matrix.focus_department
    values = {
        "title": matrix.title,
        "organisation": matrix.organisation,
        "description": matrix.description,
        "prepared_by": matrix.prepared_by,
        "focus_department": focus.name if focus else "",
        "version": cxmatrix.__version__,
        "format": FORMAT_MARKER,
    }
    row = -1

    def append(label: str = "", text: str = "", label_style: str = "bold",
               text_style: str = "wrap") -> None:
        nonlocal row
        row += 1
        if text and text_style == "wrap":
            # Give wrapped text its height: not every program fits rows when it opens a file.
            sheet.set_row(row, wrapped_height(cell_text(text), TEXT_WIDTH))
        put_text(sheet, row, 0, label, styles[label_style])
        put_text(sheet, row, 1, text, styles[text_style])

    for label, key in ABOUT_FIELDS:
        append(label, values[key])
    append()
    append("Role", "Meaning", "header", "header")
    for key, word in ROLE_WORDS.items():
        append(word, Role(key).meaning, f"role_{key}")
    append("", "An empty cell means the department has no role. A comment on a cell is a "
               "note about that role.")
    append()
    append("Exported", f"{page.exported:%Y-%m-%d %H:%M %z}")
    if source_name:
        append("Source", source_name)
    append()
    append("Sheet", "What it holds", "header", "header")
    for name, purpose in SHEET_PURPOSES:
        append(name, purpose)
