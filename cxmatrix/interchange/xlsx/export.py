"""Export a matrix to an Excel workbook that colleagues can keep working in.

The layout is the contract in ``layout`` (the importer reads it back losslessly). Sheets:
Matrix (the grid, with hidden ids), Target and Changes (only when the matrix has a plan),
Departments, Findings, Sign-off (the departments' sign-off as exported), Summary (live
formulas over the Matrix sheet), About (properties, role legend, version, format marker) and
the very hidden state sheet (what was exported, for bringing the workbook back:
``returned``). Each sheet is one module in ``sheets``.

Written with xlsxwriter in its constant-memory mode, which streams rows to disk: faster than
openpyxl's write-only mode and with every feature the workbook needs. Text is always written
as text, never a formula. The file appears complete or not at all.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError, XlsxWriterException
from xlsxwriter.workbook import Workbook

import cxmatrix
from cxmatrix.domain.findings import Finding, compute_findings
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.signoff import signoff_status
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.cell_text import excel_text
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.xlsx.layout import (
    ABOUT_SHEET,
    CHANGES_SHEET,
    DEPARTMENTS_SHEET,
    FINDINGS_SHEET,
    HEADER_ROW,
    MATRIX_SHEET,
    SIGNOFF_SHEET,
    STATE_SHEET,
    SUMMARY_SHEET,
    TARGET_SHEET,
)
from cxmatrix.interchange.xlsx.placement import FIRST_ROLE_COLUMN, GROW_COLUMNS, GROW_ROWS
from cxmatrix.interchange.xlsx.printing import PageText
from cxmatrix.interchange.xlsx.sheets.about import write_about
from cxmatrix.interchange.xlsx.sheets.changes import write_changes
from cxmatrix.interchange.xlsx.sheets.departments import write_departments
from cxmatrix.interchange.xlsx.sheets.findings import write_findings
from cxmatrix.interchange.xlsx.sheets.matrix import write_matrix
from cxmatrix.interchange.xlsx.sheets.signoff import write_signoff
from cxmatrix.interchange.xlsx.sheets.state import write_state
from cxmatrix.interchange.xlsx.sheets.summary import write_summary
from cxmatrix.interchange.xlsx.sheets.target import write_target
from cxmatrix.interchange.xlsx.styles import Styles
from cxmatrix.interchange.xlsx.worksheet import PlainFormulaWorksheet

PROGRESS_EVERY = 500
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_numbers": False,
                    "strings_to_formulas": False, "strings_to_urls": False}


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
    signoffs = signoff_status(matrix)  # for the findings and the Sign-off sheet
    found = compute_findings(matrix, signoffs) if findings is None else list(findings)
    touchpoints = matrix.touchpoint_count
    plan = matrix.has_plan
    ticker = _Ticker(progress, (3 if plan else 2) * touchpoints + len(found) + 1)
    focus = matrix.focus_department
    exported = datetime.now().astimezone()
    page = PageText(matrix.title, matrix.organisation, focus.name if focus else "", page_size,
                    exported)
    with atomic_path(path) as temp:
        # The zip archive is built in memory and written in one go: a failed write (a full
        # disk) is then an OSError here, for atomic_path to report, and no half-closed zip
        # file is left for the garbage collector to try to finish.
        archive = io.BytesIO()
        workbook = Workbook(archive, WORKBOOK_OPTIONS)
        try:
            workbook.set_properties({"title": excel_text(matrix.title, 250),
                                     "author": f"cxmatrix {cxmatrix.__version__}",
                                     "created": exported})
            styles = Styles(workbook)
            plan_sheets = (TARGET_SHEET, CHANGES_SHEET) if plan else ()
            sheets = {name: workbook.add_worksheet(name, PlainFormulaWorksheet) for name in (
                MATRIX_SHEET, *plan_sheets, DEPARTMENTS_SHEET, FINDINGS_SHEET, SIGNOFF_SHEET,
                SUMMARY_SHEET, ABOUT_SHEET, STATE_SHEET)}
            placement = write_matrix(sheets[MATRIX_SHEET], styles, matrix, source_name, page,
                                     ticker.tick)
            if plan:
                write_target(sheets[TARGET_SHEET], styles, matrix, page, ticker.tick)
                write_changes(sheets[CHANGES_SHEET], styles, matrix, page, ticker.tick)
            write_departments(sheets[DEPARTMENTS_SHEET], styles, matrix, page)
            write_findings(sheets[FINDINGS_SHEET], styles, matrix, found, page, ticker.tick)
            write_signoff(sheets[SIGNOFF_SHEET], styles, matrix, page, signoffs)
            write_summary(sheets[SUMMARY_SHEET], styles, placement, page, ticker.tick)
            write_about(sheets[ABOUT_SHEET], styles, matrix, source_name, page)
            write_state(sheets[STATE_SHEET], matrix, exported, matrix.uid)
            workbook.close()
        except FileCreateError as error:
            _discard(workbook)
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise ExportFailed(f"{path.name}: the workbook could not be written: {error}"
                               ) from None
        except (XlsxWriterException, ValueError, TypeError) as error:
            _discard(workbook)
            raise ExportFailed(f"{path.name}: the workbook could not be written: "
                               f"{error}") from None
        except BaseException:
            _discard(workbook)
            raise
        with open(temp, "wb") as handle:
            handle.write(archive.getbuffer())
    ticker.finish(f"Exported {path.name}")


def _check_fits(matrix: Matrix, path: Path) -> None:
    rows = HEADER_ROW + len(matrix.stages) + matrix.touchpoint_count + GROW_ROWS
    if rows > EXCEL_MAX_ROWS:
        raise ExportFailed(f"{path.name}: {matrix.touchpoint_count:,} touchpoints do not fit "
                           f"in an Excel sheet ({EXCEL_MAX_ROWS:,} rows at most)")
    if FIRST_ROLE_COLUMN + len(matrix.departments) + GROW_COLUMNS > EXCEL_MAX_COLUMNS:
        raise ExportFailed(f"{path.name}: {len(matrix.departments):,} departments do not fit "
                           f"in an Excel sheet ({EXCEL_MAX_COLUMNS:,} columns at most)")


def _discard(workbook: Workbook) -> None:
    """Close and delete the row files of a workbook that will not be saved (constant-memory
    mode keeps each sheet's rows in a temporary file until the workbook is closed)."""
    workbook.fileclosed = True
    for sheet in workbook.worksheets():
        handle, name = sheet.row_data_fh, sheet.row_data_filename
        with contextlib.suppress(Exception):
            if handle is not None:
                handle.close()
        with contextlib.suppress(OSError):
            if name:
                os.unlink(name)
