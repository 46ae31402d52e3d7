"""The Sign-off sheet: each department's sign-off as exported (state, lead, date, what changed
since it agreed, how many touchpoints it disputes), then one row per disputed cell with the
department's role today, the role the lead proposes and the lead's comment. Each thing is
said once: a touchpoint's name and a comment appear only in the disputes table.

Like the Findings sheet it is a record of the export, said so in its first row, with the
summary sentence; the importer and the workbook's return (``returned``) read it not at all.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.signoff import (
    DISPUTE_HEADER,
    DepartmentSignOff,
    dispute_rows,
    signoff_rows,
    signoff_status,
    summary_sentence,
)
from cxmatrix.interchange.xlsx.cells import MAX_ROW_HEIGHT, cell_text, put_text, wrapped_height
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

# Department, Lead / Touchpoint, State / Role today, Date / Proposed role, then Disputes and
# Changes since, under which the disputes' comment spans both: the two tables share the
# columns, so each is as wide as the wider use needs ("Proposed role" in bold is 14
# characters, a touchpoint's name often 30 or more).
WIDTHS = (24, 36, 14, 16, 16, 62)
HEADER_INDEX = 1  # 0-based: row 2, under the line that dates the sign-off
COMMENT_COLUMN = 4  # the disputes table's comment spans the columns from here to the last
STATE_RULES = (("agreed", "agreed_text"), ("out of date", "warning_text"),
               ("disputed", "warning_text"), ("asked", "info_text"),
               ("not asked", "info_text"))


def exported_line(matrix: Matrix, page: PageText,
                  statuses: list[DepartmentSignOff] | None = None) -> str:
    return (f"Sign-off as exported on {page.exported:%Y-%m-%d %H:%M}: "
            f"{summary_sentence(matrix, statuses)}.")


def _fit_height(sheet: Worksheet, row: int, cells: list[tuple[float, str]]) -> None:
    """Give a row the height its wrapped text needs (a program reading the file does not
    always work it out for a row written by a streaming writer)."""
    height = max((wrapped_height(text, width) for width, text in cells if text), default=0.0)
    if height > wrapped_height("", 1):
        sheet.set_row(row, min(MAX_ROW_HEIGHT, height))


def write_signoff(sheet: Worksheet, styles: Styles, matrix: Matrix, page: PageText,
                  statuses: list[DepartmentSignOff] | None = None) -> None:
    """The Sign-off sheet (``statuses``: ``signoff_status`` when the caller has it)."""
    if statuses is None:
        statuses = signoff_status(matrix)
    set_up_printing(sheet, page, landscape=True, title_rows=HEADER_INDEX)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_INDEX + 1, 1)
    last = len(WIDTHS) - 1
    # The summary sentence wraps across the table's width rather than running off the page.
    line = exported_line(matrix, page, statuses)
    sheet.merge_range(0, 0, 0, last, cell_text(line), styles["bold_wrap"])
    _fit_height(sheet, 0, [(sum(WIDTHS), line)])
    rows = signoff_rows(matrix, statuses)
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
    disputes = dispute_rows(matrix, statuses)
    if not disputes:
        return
    row = HEADER_INDEX + len(rows) + 1
    sheet.merge_range(row, 0, row, last, "Disputed touchpoints: what each lead said",
                      styles["bold"])
    row += 1
    for column, title in enumerate(DISPUTE_HEADER[:-1]):
        sheet.write_string(row, column, title, styles["header"])
    sheet.merge_range(row, COMMENT_COLUMN, row, last, DISPUTE_HEADER[-1], styles["header"])
    comment_width = sum(WIDTHS[COMMENT_COLUMN:])
    for values in disputes:
        row += 1
        widths = [*WIDTHS[:COMMENT_COLUMN], comment_width]
        _fit_height(sheet, row, list(zip(widths, values, strict=True)))
        for column, value in enumerate(values[:-1]):
            put_text(sheet, row, column, value, styles["wrap"])
        sheet.merge_range(row, COMMENT_COLUMN, row, last, cell_text(values[-1]), styles["wrap"])
