"""The derived sheets of the exported workbook: Findings, Summary and About.

Findings and Summary are for reading (the importer ignores them); the Summary's counts are
live COUNTIF formulas over the Matrix sheet, so they stay right after edits in Excel. About
carries the matrix's properties, the role legend, the version and the format marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

import cxmatrix
from cxmatrix.domain.findings import Finding
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.interchange.cell_text import excel_text
from cxmatrix.interchange.xlsx.cells import CellMaker, wrapped_height
from cxmatrix.interchange.xlsx.layout import (
    ABOUT_FIELDS,
    ABOUT_SHEET,
    FINDINGS_SHEET,
    FORMAT_MARKER,
    MATRIX_SHEET,
    ROLE_WORDS,
    SUMMARY_SHEET,
)
from cxmatrix.palette import FINDING_ERROR, FINDING_INFO, FINDING_WARNING

if TYPE_CHECKING:
    from cxmatrix.interchange.xlsx.export import MatrixPlacement

Tick = Callable[[str], None]
PAPER_SIZES = {"a4": 9, "letter": 1, "a3": 8, "legal": 5, "tabloid": 3}
HEADER_PART_LIMIT = 80

FINDINGS_COLUMNS = (("Severity", 10), ("Code", 24), ("Stage", 20), ("Touchpoint", 38),
                    ("Department", 24), ("Message", 90))
SEVERITY_INK = {Severity.ERROR: FINDING_ERROR, Severity.WARNING: FINDING_WARNING,
                Severity.INFO: FINDING_INFO}
# Summary: the overall counts at the top, then two tables side by side from TABLE_ROW.
TABLE_ROW = 10
DEPARTMENT_TABLE = ("Department", *ROLE_WORDS.values())
TOUCHPOINT_TABLE = ("Stage", "Touchpoint", "Owners")
TOUCHPOINT_TABLE_COLUMN = len(DEPARTMENT_TABLE) + 2  # one blank column between the tables
OWNER = ROLE_WORDS[Role.OWN.value]
ABOUT_TEXT_WIDTH = 100


@dataclass(frozen=True)
class PageText:
    """What every printed page says besides the cells: the matrix, the paper, the date."""

    title: str
    organisation: str
    focus: str
    paper: str
    exported: datetime


def set_up_printing(sheet: WriteOnlyWorksheet, page: PageText, *, landscape: bool,
                    title_rows: str | None, focus: bool = False) -> None:
    """Print one page wide, with the header rows on every page, and the matrix's title,
    organisation, export date and page numbers in the page header and footer."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = PAPER_SIZES.get(str(page.paper).lower(), PAPER_SIZES["a4"])
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3,
                                     footer=0.3)
    # Empty parts stay unset: an empty part confuses readers of the header text.
    sheet.oddHeader.left.text = _header_text(page.title)
    if page.organisation.strip():
        sheet.oddHeader.center.text = _header_text(page.organisation)
    if focus and page.focus:
        sheet.oddHeader.right.text = _header_text(f"Focus department: {page.focus}")
    # &A is the sheet's name.
    sheet.oddFooter.left.text = f"&A, exported {page.exported:%Y-%m-%d} by cxmatrix"
    sheet.oddFooter.right.text = "Page &P of &N"


def _header_text(text: str, limit: int = HEADER_PART_LIMIT) -> str:
    """One line of at most ``limit`` characters for a print header, '&' escaped as '&&'.

    Excel refuses a header longer than 255 characters in all, codes included, so each of the
    three parts stays well under a third of that.
    """
    escaped = " ".join(excel_text(text).split()).replace("&", "&&")
    if len(escaped) <= limit:
        return escaped
    cut = escaped[:limit - 1]
    if (len(cut) - len(cut.rstrip("&"))) % 2:
        cut = cut[:-1]  # never split an escaped '&&'
    return cut.rstrip() + "…"


def write_findings(workbook: Workbook, cells: CellMaker, matrix: Matrix,
                   findings: list[Finding], page: PageText, tick: Tick) -> None:
    sheet = workbook.create_sheet(FINDINGS_SHEET)
    set_up_printing(sheet, page, landscape=True, title_rows="1:1")
    for column, (_, width) in enumerate(FINDINGS_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    last_row = max(len(findings), 1) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_COLUMNS))}{last_row}"
    for severity, ink in SEVERITY_INK.items():
        sheet.conditional_formatting.add(
            f"A2:A{last_row}", CellIsRule(operator="equal", formula=[f'"{severity.label}"'],
                                          font=Font(color=ink, bold=severity is Severity.ERROR)))
    sheet.append([cells.styled(title, "header") for title, _ in FINDINGS_COLUMNS])
    if not findings:
        sheet.append([None, None, None, None, None,
                      "No findings: every touchpoint has exactly one owner."])
        return
    stage_names = {s.id: s.name for s in matrix.stages}
    dept_names = {d.id: d.name for d in matrix.departments}
    text = cells.text
    for finding in findings:
        stage = touchpoint = ""
        if finding.touchpoint_id is not None and matrix.has_touchpoint(finding.touchpoint_id):
            tp = matrix.touchpoint(finding.touchpoint_id)
            stage, touchpoint = stage_names[tp.stage_id], tp.name
        ids = finding.department_ids or (
            (finding.department_id,) if finding.department_id is not None else ())
        departments = ", ".join(dept_names[i] for i in ids if i in dept_names)
        sheet.append([finding.severity.label, finding.code, text(stage), text(touchpoint),
                      text(departments), text(finding.message)])
        tick("Writing the findings")


def write_summary(workbook: Workbook, cells: CellMaker, placement: MatrixPlacement,
                  page: PageText, tick: Tick) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    set_up_printing(sheet, page, landscape=False, title_rows=f"{TABLE_ROW}:{TABLE_ROW}")
    widths = [34, 11, 11, 11, 3, 20, 38, 9]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{TABLE_ROW + 1}"

    rows = placement.touchpoint_rows
    first = TABLE_ROW + 1
    owners_column = get_column_letter(TOUCHPOINT_TABLE_COLUMN + 2)
    owners = f"{owners_column}{first}:{owners_column}{first + max(len(rows), 1) - 1}"
    sheet.conditional_formatting.add(owners, CellIsRule(
        operator="equal", formula=["0"], font=Font(color=FINDING_ERROR, bold=True)))
    sheet.conditional_formatting.add(owners, CellIsRule(
        operator="greaterThan", formula=["1"], font=Font(color=FINDING_WARNING, bold=True)))

    sheet.append([cells.styled("Summary", "title")])
    sheet.append([cells.styled("Live counts over the Matrix sheet: they follow edits made "
                               "there.", "subtitle")])
    sheet.append([])
    sheet.append([cells.styled("Touchpoints", "bold"), f"=COUNT({owners})"])
    sheet.append([cells.styled("With exactly one owner", "bold"), f"=COUNTIF({owners},1)"])
    sheet.append([cells.styled("With no owner", "bold"), f"=COUNTIF({owners},0)"])
    sheet.append([cells.styled("With several owners", "bold"), f'=COUNTIF({owners},">1")'])
    sheet.append([cells.styled("Share with exactly one owner", "bold"),
                  cells.formula("=IF(B4=0,1,B5/B4)", "percent")])
    sheet.append([])

    header: list[object] = [cells.styled(DEPARTMENT_TABLE[0], "header")]
    header += [cells.styled(word, f"role_{key}") for key, word in ROLE_WORDS.items()]
    header += [None, *(cells.styled(title, "header") for title in TOUCHPOINT_TABLE)]
    sheet.append(header)

    top, bottom = placement.first_row, max(placement.last_row, placement.first_row)
    departments = placement.department_names
    for index in range(max(len(departments), len(rows))):
        row: list[object] = []
        if index < len(departments):
            letter = placement.role_column_letter(index)
            span = f"{MATRIX_SHEET}!{letter}${top}:{letter}${bottom}"
            row.append(cells.text(departments[index]))
            row += [f'=COUNTIF({span},"{word}")' for word in ROLE_WORDS.values()]
            row.append(None)
        else:
            row += [None] * (len(DEPARTMENT_TABLE) + 1)
        if index < len(rows):
            stage, name, matrix_row = rows[index]
            if placement.department_count:
                first_role = placement.role_column_letter(0)
                last_role = placement.role_column_letter(placement.department_count - 1)
                count: object = (f"=COUNTIF({MATRIX_SHEET}!${first_role}{matrix_row}:"
                                 f"${last_role}{matrix_row},\"{OWNER}\")")
            else:
                count = 0
            row += [cells.text(stage), cells.text(name), count]
            tick("Writing the summary")
        sheet.append(row)


def write_about(workbook: Workbook, cells: CellMaker, matrix: Matrix, source_name: str,
                page: PageText) -> None:
    sheet = workbook.create_sheet(ABOUT_SHEET)
    set_up_printing(sheet, page, landscape=False, title_rows=None)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = ABOUT_TEXT_WIDTH
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
    rows = 0

    def append(label: object = None, text: str | None = None, style: str = "wrap") -> None:
        nonlocal rows
        rows += 1
        if text and style == "wrap":
            # Give wrapped text its height: not every program fits rows when it opens a file.
            sheet.row_dimensions[rows].height = wrapped_height(excel_text(text),
                                                               ABOUT_TEXT_WIDTH)
        sheet.append([label, None if text is None else cells.styled(text, style)])

    for label, key in ABOUT_FIELDS:
        append(cells.styled(label, "bold"), values[key])
    append()
    append(cells.styled("Role", "header"), "Meaning", "header")
    for key, word in ROLE_WORDS.items():
        append(cells.styled(word, f"role_{key}"), Role(key).meaning)
    append(None, "An empty cell means the department has no role. A comment on a cell is a "
                 "note about that role.")
    append()
    append(cells.styled("Exported", "bold"), f"{page.exported:%Y-%m-%d %H:%M %z}")
    if source_name:
        append(cells.styled("Source", "bold"), source_name)
    append()
    append(cells.styled("Sheet", "header"), "What it holds", "header")
    for name, purpose in (
        (MATRIX_SHEET, "Touchpoints (rows, grouped by stage) against departments (columns). "
                       "Pick a role from each cell's drop-down; colours follow the role. The "
                       "Metric, Description and Notes columns are folded: click + above the "
                       "columns to show them."),
        ("Departments", "Each department's name, short code and lead."),
        (FINDINGS_SHEET, "What cxmatrix found when exporting: touchpoints with no owner or "
                         "several, critical moments, owners without a metric."),
        (SUMMARY_SHEET, "Counts per department and per touchpoint, as formulas that follow "
                        "edits made in the Matrix sheet."),
        (ABOUT_SHEET, "This sheet. cxmatrix reads the workbook back by the format line above; "
                      "keep the sheet names and the Matrix header row as they are."),
    ):
        append(cells.styled(name, "bold"), purpose)
