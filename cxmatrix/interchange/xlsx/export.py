"""Export a matrix to an Excel workbook that colleagues can keep working in.

The layout is the contract in ``workbook_layout`` (the importer reads it back losslessly).
Sheets: Matrix (the grid), Departments, Findings, Summary (live COUNTIF formulas over the
Matrix sheet) and About (properties, role legend, version, format marker).

Everything is written in openpyxl's write-only mode, which streams rows: role colours come
from conditional formatting over the whole role range and the drop-down from one data
validation, so role cells stay plain values (a style per cell doubles the time). Text never
becomes a formula (see ``xlsx_cells``). The file appears complete or not at all.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

import cxmatrix
from cxmatrix.domain.findings import Finding, compute_findings
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.cell_text import excel_text
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.xlsx import sheets as xlsx_sheets
from cxmatrix.interchange.xlsx.cells import CellMaker, solid, wrapped_height
from cxmatrix.interchange.xlsx.layout import (
    DEPARTMENT_COLUMNS,
    DEPARTMENTS_SHEET,
    FLAG_FALSE,
    FLAG_TRUE,
    HEADER_ROW,
    MATRIX_SHEET,
    ROLE_FILLS,
    ROLE_TEXT,
    ROLE_WORDS,
    TOUCHPOINT_COLUMNS,
)
from cxmatrix.interchange.xlsx.sheets import PageText

# Column widths in characters, by touchpoint attribute; departments get ROLE_WIDTH.
ATTRIBUTE_WIDTHS = {"name": 38, "category": 13, "channel": 12, "peak": 8, "end": 8,
                    "metric": 40, "description": 40, "notes": 40}
# Long free text, grouped and collapsed so the frozen panes leave room for the roles.
COLLAPSED_ATTRIBUTES = ("metric", "description", "notes")
ROLE_WIDTH = 12.5
HEADER_HEIGHT = 48
PROGRESS_EVERY = 500
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass
class MatrixPlacement:
    """Where the Matrix sheet put things, for the Summary's formulas."""

    first_role_column: int
    department_names: list[str]
    first_row: int = HEADER_ROW + 1
    last_row: int = HEADER_ROW
    touchpoint_rows: list[tuple[str, str, int]] = field(default_factory=list)  # stage, name, row

    @property
    def department_count(self) -> int:
        return len(self.department_names)

    @property
    def last_role_column(self) -> int:
        return self.first_role_column + self.department_count - 1

    def role_column_letter(self, index: int) -> str:
        return str(get_column_letter(self.first_role_column + index))


class _Ticker:
    """Reports progress every few rows; Progress.step raises Cancelled when asked to stop."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = max(total, 1)
        self.done = 0

    def tick(self, message: str, count: int = 1) -> None:
        self.done += count
        if self.progress is not None and self.done % PROGRESS_EVERY < count:
            self.progress.step(self.done, self.total, message)

    def finish(self, message: str) -> None:
        if self.progress is not None:
            self.progress.step(self.total, self.total, message)


def write(matrix: Matrix, path: Path, *, source_name: str = "", page_size: str = "a4",
          findings: Iterable[Finding] | None = None, progress: Progress | None = None,
          **_options: object) -> None:
    """Write ``matrix`` to the workbook ``path``; raises ExportFailed (and leaves no file)
    when it cannot be written, and Cancelled when ``progress`` is cancelled."""
    path = Path(path)
    _check_fits(matrix, path)
    found = compute_findings(matrix) if findings is None else list(findings)
    touchpoints = matrix.touchpoint_count
    ticker = _Ticker(progress, 2 * touchpoints + len(found) + 1)
    focus = matrix.focus_department
    page = PageText(matrix.title, matrix.organisation, focus.name if focus else "", page_size,
                    datetime.now().astimezone())
    with atomic_path(path) as temp:
        workbook = Workbook(write_only=True)
        workbook.properties.creator = f"cxmatrix {cxmatrix.__version__}"
        workbook.properties.title = excel_text(matrix.title, 250)
        try:
            sheet = workbook.create_sheet(MATRIX_SHEET)
            cells = CellMaker(sheet)
            placement = _write_matrix_sheet(sheet, cells, matrix, source_name, page, ticker)
            _write_departments_sheet(workbook.create_sheet(DEPARTMENTS_SHEET), cells, matrix,
                                     page)
            xlsx_sheets.write_findings(workbook, cells, matrix, found, page, ticker.tick)
            xlsx_sheets.write_summary(workbook, cells, placement, page, ticker.tick)
            xlsx_sheets.write_about(workbook, cells, matrix, source_name, page)
        except BaseException:
            _discard(workbook)
            raise
        try:
            _save(workbook, temp)
        except (ValueError, TypeError) as error:
            raise ExportFailed(f"{path.name}: the workbook could not be written: {error}"
                               ) from error
    ticker.finish(f"Exported {path.name}")


def _check_fits(matrix: Matrix, path: Path) -> None:
    rows = HEADER_ROW + len(matrix.stages) + matrix.touchpoint_count
    if rows > EXCEL_MAX_ROWS:
        raise ExportFailed(f"{path.name}: {matrix.touchpoint_count:,} touchpoints do not fit "
                           f"in an Excel sheet ({EXCEL_MAX_ROWS:,} rows at most)")
    if len(TOUCHPOINT_COLUMNS) + len(matrix.departments) > EXCEL_MAX_COLUMNS:
        raise ExportFailed(f"{path.name}: {len(matrix.departments):,} departments do not fit "
                           f"in an Excel sheet ({EXCEL_MAX_COLUMNS:,} columns at most)")


def _save(workbook: Workbook, temp: Path) -> None:
    """What ``Workbook.save`` does, but with the zip archive and its file in our hands, so that
    a failed write (a full disk) closes them here instead of leaving the garbage collector to
    try to finish them and print "Exception ignored" tracebacks."""
    handle = open(temp, "wb")  # noqa: SIM115 - closed below on both paths
    archive = zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    try:
        workbook.properties.modified = datetime.now(UTC).replace(tzinfo=None)
        ExcelWriter(workbook, archive).save()  # writes everything and closes the archive
        handle.close()
    except BaseException:
        archive._didModify = False  # close without writing the central directory
        with contextlib.suppress(Exception):
            archive.close()
        with contextlib.suppress(Exception):
            handle.close()
        _discard(workbook)
        raise


def _discard(workbook: Workbook) -> None:
    """Close and delete the temporary files of a write-only workbook that will not be saved.

    Left to the garbage collector, each sheet's row writer would try to finish its XML in a
    file that is already closed and print an ignored exception.
    """
    for sheet in workbook.worksheets:
        rows, writer = sheet._rows, sheet._writer
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
            if writer is not None:
                writer.close()
                writer.cleanup()


def _write_matrix_sheet(sheet: WriteOnlyWorksheet, cells: CellMaker, matrix: Matrix,
                        source_name: str, page: PageText, ticker: _Ticker) -> MatrixPlacement:
    departments = matrix.departments
    placement = MatrixPlacement(len(TOUCHPOINT_COLUMNS) + 1, [d.name for d in departments])
    width = len(TOUCHPOINT_COLUMNS) + len(departments)
    total_rows = HEADER_ROW + len(matrix.stages) + matrix.touchpoint_count
    _set_up_matrix_sheet(sheet, placement, total_rows, page)

    # Title block: rows 1-4, then a blank row.
    exported_line = f"Exported {page.exported:%Y-%m-%d %H:%M} by cxmatrix {cxmatrix.__version__}"
    if source_name:
        exported_line += f" from {source_name}"
    sheet.append([cells.styled(matrix.title, "title")])
    sheet.append([cells.styled(matrix.organisation, "subtitle")])
    sheet.append([cells.styled(exported_line, "subtitle")])
    sheet.append([cells.styled(f"Focus department: {page.focus or 'none'}",
                               "subtitle")])
    sheet.append([])

    header = [cells.styled(title, "header") for title, _ in TOUCHPOINT_COLUMNS]
    header += [cells.styled(d.name, "header_centre") for d in departments]
    sheet.append(header)

    attributes = [attribute for _, attribute in TOUCHPOINT_COLUMNS]
    dept_ids = [d.id for d in departments]
    column_of = {dept_id: index for index, dept_id in enumerate(dept_ids)}
    words = {Role(key): word for key, word in ROLE_WORDS.items()}
    notes_by_touchpoint: dict[int, dict[int, str]] = {}
    for (tid, did), note in matrix.notes.items():
        notes_by_touchpoint.setdefault(tid, {})[did] = note
    text = cells.text
    row_number = HEADER_ROW
    for stage in matrix.stages:
        band = [cells.styled(stage.name, "stage")]
        band += [cells.styled(None, "stage") for _ in range(width - 1)]
        sheet.append(band)
        row_number += 1
        for tp in matrix.touchpoints_in(stage.id):
            row: list[object] = []
            for attribute in attributes:
                value = getattr(tp, attribute)
                if value is True:
                    row.append(FLAG_TRUE)
                elif value is False:
                    row.append(FLAG_FALSE)
                else:
                    row.append(text(value))
            roles = matrix.row_roles(tp.id)
            if roles:
                role_cells: list[object] = [None] * len(column_of)
                for dept_id, role in roles.items():
                    role_cells[column_of[dept_id]] = words[role]
                row += role_cells
            notes = notes_by_touchpoint.get(tp.id)
            if notes:
                row.extend([None] * (width - len(row)))
                for index, dept_id in enumerate(dept_ids):
                    if dept_id in notes:
                        slot = len(TOUCHPOINT_COLUMNS) + index
                        row[slot] = cells.with_note(row[slot], notes[dept_id])
            row_number += 1
            if any(type(value) is Cell for value in row[:len(attributes)]):
                _fit_row_height(sheet, row_number, row)
            sheet.append(row)
            placement.touchpoint_rows.append((stage.name, tp.name, row_number))
            ticker.tick("Writing the matrix")
    placement.last_row = row_number
    return placement


def _fit_row_height(sheet: WriteOnlyWorksheet, row_number: int, row: list[object]) -> None:
    """Give a row with line breaks in a visible cell the height to show them."""
    height = 0.0
    for column, value in enumerate(row[:len(TOUCHPOINT_COLUMNS)]):
        attribute = TOUCHPOINT_COLUMNS[column][1]
        if (isinstance(value, Cell) and attribute not in COLLAPSED_ATTRIBUTES
                and isinstance(value.value, str) and "\n" in value.value):
            height = max(height, wrapped_height(value.value, ATTRIBUTE_WIDTHS.get(attribute, 14)))
    if height:
        sheet.row_dimensions[row_number].height = height


def _set_up_matrix_sheet(sheet: WriteOnlyWorksheet, placement: MatrixPlacement, last_row: int,
                         page: PageText) -> None:
    """Everything a write-only sheet needs before its first row: widths, panes, print setup,
    and the formatting, validation and filter that cover the whole role range."""
    for column, (_, attribute) in enumerate(TOUCHPOINT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = ATTRIBUTE_WIDTHS.get(
            attribute, 14)
    for index in range(placement.department_count):
        sheet.column_dimensions[placement.role_column_letter(index)].width = ROLE_WIDTH
    collapsed = [column for column, (_, attribute) in enumerate(TOUCHPOINT_COLUMNS, start=1)
                 if attribute in COLLAPSED_ATTRIBUTES]
    if collapsed and collapsed == list(range(collapsed[0], collapsed[-1] + 1)):
        first, last = get_column_letter(collapsed[0]), get_column_letter(collapsed[-1])
        sheet.column_dimensions.group(first, last, hidden=True, outline_level=1)
        sheet.column_dimensions[first].width = ATTRIBUTE_WIDTHS[COLLAPSED_ATTRIBUTES[0]]
    sheet.row_dimensions[1].height = 24
    sheet.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT
    first_role = placement.role_column_letter(0)
    sheet.freeze_panes = f"{first_role}{HEADER_ROW + 1}"
    last_column = get_column_letter(max(placement.last_role_column, len(TOUCHPOINT_COLUMNS)))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(last_row, HEADER_ROW + 1)}"

    if placement.department_count and last_row > HEADER_ROW:
        roles = (f"{first_role}{HEADER_ROW + 1}:"
                 f"{placement.role_column_letter(placement.department_count - 1)}{last_row}")
        for key, word in ROLE_WORDS.items():
            rule = CellIsRule(operator="equal", formula=[f'"{word}"'], fill=solid(ROLE_FILLS[key]),
                              font=Font(color=ROLE_TEXT[key], bold=key == "own"))
            sheet.conditional_formatting.add(roles, rule)
        choices = ",".join(ROLE_WORDS.values())
        validation = DataValidation(
            type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
            errorStyle="stop", errorTitle="Not a role",
            error=f"Choose {', '.join(ROLE_WORDS.values())}, or leave the cell empty.")
        validation.add(roles)
        sheet.data_validations.append(validation)

    xlsx_sheets.set_up_printing(sheet, page, landscape=True,
                                title_rows=f"{HEADER_ROW}:{HEADER_ROW}", focus=True)
    # The page header carries the title block, so print from the header row down.
    sheet.print_area = f"A{HEADER_ROW}:{last_column}{max(last_row, HEADER_ROW + 1)}"
    sheet.print_options.gridLines = True


def _write_departments_sheet(sheet: WriteOnlyWorksheet, cells: CellMaker,
                             matrix: Matrix, page: PageText) -> None:
    xlsx_sheets.set_up_printing(sheet, page, landscape=False, title_rows="1:1")
    for column, width in zip("ABC", (40, 10, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cells.styled(title, "header") for title in DEPARTMENT_COLUMNS])
    for department in matrix.departments:
        sheet.append([cells.text(department.name), cells.text(department.code),
                      cells.text(department.lead)])
