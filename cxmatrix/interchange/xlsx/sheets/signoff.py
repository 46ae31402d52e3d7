"""The Sign-off sheet: each department's sign-off as exported (state, lead, date, what changed
since it agreed, the touchpoints it disputes and the lead's comments), then one row per
disputed cell with the role the lead proposes.

Like the Findings sheet it is a record of the export, said so in its first row, with the
summary sentence; the importer and the workbook's return (``returned``) read it not at all.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.signoff import signoff_rows, signoff_status, summary_sentence
from cxmatrix.interchange.xlsx.cells import LINE_HEIGHT, MAX_ROW_HEIGHT, cell_text, put_text
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

WIDTHS = (26, 24, 12, 12, 50, 40, 60)
HEADER_INDEX = 1  # 0-based: row 2, under the line that dates the sign-off
DISPUTE_HEADER = ("Department", "Touchpoint", "Proposed role", "Comment")
STATE_RULES = (("agreed", "agreed_text"), ("out of date", "warning_text"),
               ("disputed", "warning_text"), ("asked", "info_text"),
               ("not asked", "info_text"))


def _fit_height(sheet: Worksheet, row: int, cells: list[tuple[int, str]]) -> None:
    """Give a row the height its wrapped text needs (a program reading the file does not
    always work it out for a row written by a streaming writer)."""
    lines = 1
    for width, text in cells:
        lines = max(lines, sum(max(1, -(-len(line) // max(1, width - 2)))
                               for line in text.split("\n")))
    if lines > 1:
        sheet.set_row(row, min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines))


def exported_line(matrix: Matrix, page: PageText) -> str:
    return (f"Sign-off as exported on {page.exported:%Y-%m-%d %H:%M}: "
            f"{summary_sentence(matrix)}.")


def write_signoff(sheet: Worksheet, styles: Styles, matrix: Matrix, page: PageText) -> None:
    set_up_printing(sheet, page, landscape=True, title_rows=HEADER_INDEX)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_INDEX + 1, 1)
    rows = signoff_rows(matrix)
    sheet.write_string(0, 0, exported_line(matrix, page), styles["bold"])
    for column, title in enumerate(rows[0]):
        sheet.write_string(HEADER_INDEX, column, title, styles["header"])
    last_row = HEADER_INDEX + max(len(rows) - 1, 1)
    for state, style in STATE_RULES:
        sheet.conditional_format(HEADER_INDEX + 1, 2, last_row, 2, {
            "type": "cell", "criteria": "==", "value": f'"{state}"',
            "format": styles.rule(style)})
    for row, values in enumerate(rows[1:], start=HEADER_INDEX + 1):
        _fit_height(sheet, row, [(WIDTHS[c], v) for c, v in enumerate(values)])
        for column, value in enumerate(values):
            put_text(sheet, row, column, value, styles["wrap"], styles["wrap"])
    row = HEADER_INDEX + len(rows) + 1
    disputes = [(matrix.department(s.department_id).name, d) for s in signoff_status(matrix)
                if s.record is not None for d in s.record.disputes
                if matrix.has_touchpoint(d.touchpoint_id)]
    if not disputes:
        return
    # The comment spans the wide columns right of the proposed role (D to G).
    last = len(WIDTHS) - 1
    for column, title in enumerate(DISPUTE_HEADER[:-1]):
        sheet.write_string(row, column, title, styles["header"])
    sheet.merge_range(row, 3, row, last, DISPUTE_HEADER[-1], styles["header"])
    for department, dispute in disputes:
        row += 1
        name = matrix.touchpoint(dispute.touchpoint_id).name
        _fit_height(sheet, row, [(WIDTHS[0], department), (WIDTHS[1], name),
                                 (sum(WIDTHS[3:]), dispute.comment)])
        put_text(sheet, row, 0, department, styles["wrap"])
        put_text(sheet, row, 1, name, styles["wrap"])
        put_text(sheet, row, 2, dispute.proposed.name.capitalize() if dispute.proposed
                 else "no role", styles["wrap"])
        sheet.merge_range(row, 3, row, last, cell_text(dispute.comment), styles["wrap"])
