"""The Departments sheet: each department's name, short code and lead, and its hidden id."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.xlsx.cells import put_text
from cxmatrix.interchange.xlsx.identity import department_key
from cxmatrix.interchange.xlsx.layout import DEPARTMENT_COLUMNS, ID_HEADER
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

WIDTHS = (40, 10, 30)
ID_COLUMN = len(DEPARTMENT_COLUMNS)


def write_departments(sheet: Worksheet, styles: Styles, matrix: Matrix, page: PageText) -> None:
    set_up_printing(sheet, page, landscape=False, title_rows=0)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.set_column(ID_COLUMN, ID_COLUMN, 10, None, {"hidden": True})
    sheet.freeze_panes(1, 0)
    for column, title in enumerate(DEPARTMENT_COLUMNS):
        sheet.write_string(0, column, title, styles["header"])
    sheet.write_string(0, ID_COLUMN, ID_HEADER, styles["header"])
    for row, department in enumerate(matrix.departments, start=1):
        put_text(sheet, row, 0, department.name)
        put_text(sheet, row, 1, department.code)
        put_text(sheet, row, 2, department.lead)
        sheet.write_string(row, ID_COLUMN, department_key(department.id))
