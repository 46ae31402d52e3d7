"""The Findings sheet: what cxmatrix found when exporting, one finding a row.

It is a record of the export, said so in its first row: it does not follow edits made in the
workbook (the Matrix sheet's Owners column and the Summary do).
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.findings import Finding
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Severity
from cxmatrix.interchange.xlsx.cells import put_text
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

COLUMNS = (("Severity", 10), ("Code", 24), ("Stage", 20), ("Touchpoint", 38),
           ("Department", 24), ("Message", 90))
HEADER_INDEX = 1  # 0-based: row 2, under the line that dates the findings
RULE_OF = {Severity.ERROR: "error_text", Severity.WARNING: "warning_text"}


def exported_line(page: PageText) -> str:
    return (f"Findings as exported on {page.exported:%Y-%m-%d %H:%M}: they do not follow "
            "edits made in this workbook (the Matrix sheet's Owners column and the Summary "
            "do).")


def write_findings(sheet: Worksheet, styles: Styles, matrix: Matrix, findings: list[Finding],
                   page: PageText, tick: Callable[[str], None]) -> None:
    set_up_printing(sheet, page, landscape=True, title_rows=HEADER_INDEX)
    for column, (_, width) in enumerate(COLUMNS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_INDEX + 1, 0)
    last_row = HEADER_INDEX + max(len(findings), 1)
    sheet.autofilter(HEADER_INDEX, 0, last_row, len(COLUMNS) - 1)
    for severity in Severity:
        style = RULE_OF.get(severity)
        sheet.conditional_format(HEADER_INDEX + 1, 0, last_row, 0, {
            "type": "cell", "criteria": "==", "value": f'"{severity.label}"',
            "format": styles.rule(style or "info_text")})
    sheet.write_string(0, 0, exported_line(page), styles["bold"])
    for column, (title, _) in enumerate(COLUMNS):
        sheet.write_string(HEADER_INDEX, column, title, styles["header"])
    if not findings:
        sheet.write_string(HEADER_INDEX + 1, len(COLUMNS) - 1,
                           "No findings: every touchpoint has exactly one owner.")
        return
    stage_names = {s.id: s.name for s in matrix.stages}
    dept_names = {d.id: d.name for d in matrix.departments}
    for row, finding in enumerate(findings, start=HEADER_INDEX + 1):
        stage = touchpoint = ""
        if finding.touchpoint_id is not None and matrix.has_touchpoint(finding.touchpoint_id):
            tp = matrix.touchpoint(finding.touchpoint_id)
            stage, touchpoint = stage_names[tp.stage_id], tp.name
        ids = finding.department_ids or (
            (finding.department_id,) if finding.department_id is not None else ())
        departments = ", ".join(dept_names[i] for i in ids if i in dept_names)
        sheet.write_string(row, 0, finding.severity.label)
        sheet.write_string(row, 1, finding.code)
        put_text(sheet, row, 2, stage)
        put_text(sheet, row, 3, touchpoint)
        put_text(sheet, row, 4, departments)
        put_text(sheet, row, 5, finding.message)
        tick("Writing the findings")
