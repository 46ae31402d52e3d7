"""The Target sheet: the roles as they should be, laid out like the Matrix sheet.

Written only when the matrix has a plan. The same stage bands, the same role drop-down and
the same role colours (conditional formats over a reach past the data), the target roles as
words. A cell whose target differs from today is bold italic with a heavy border, which reads
in greyscale too; the Changes sheet says what it was. Columns: Touchpoint, Planned, Owners at
target (live), the hidden id column, then the departments; row 5 (hidden) holds the
department ids and row 4 says "Planned" above a department that exists only at target. Both
flags have a drop-down, and a flag changed here comes back through the review.
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.xlsx.cells import put_text
from cxmatrix.interchange.xlsx.identity import department_key, touchpoint_key
from cxmatrix.interchange.xlsx.layout import (
    FLAG_FALSE,
    FLAG_TRUE,
    HEADER_ROW,
    ID_HEADER,
    ID_ROW,
    PLANNED_HEADER,
    PLANNED_ROW,
    ROLE_WORDS,
    TARGET_OWNERS_HEADER,
)
from cxmatrix.interchange.xlsx.placement import GROW_COLUMNS, GROW_ROWS, column_name
from cxmatrix.interchange.xlsx.printing import PageText
from cxmatrix.interchange.xlsx.sheets.grid import GridPlaces, set_up_grid, write_band
from cxmatrix.interchange.xlsx.styles import Styles

NAME_COLUMN = 0
PLANNED_COLUMN = 1
OWNERS_COLUMN = 2
ID_COLUMN = 3
FIRST_ROLE_COLUMN = 4
HEADER_INDEX = HEADER_ROW - 1
ID_INDEX = ID_ROW - 1
PLANNED_INDEX = PLANNED_ROW - 1
FIRST_DATA_INDEX = HEADER_INDEX + 1
OWN = ROLE_WORDS[Role.OWN.value]

Tick = Callable[[str], None]


def write_target(sheet: Worksheet, styles: Styles, matrix: Matrix, page: PageText,
                 tick: Tick) -> None:
    departments = matrix.departments
    last_data = HEADER_INDEX + len(matrix.stages) + matrix.touchpoint_count
    last_role = FIRST_ROLE_COLUMN + len(departments) - 1 + GROW_COLUMNS
    _set_up(sheet, styles, page, last_data, last_role, len(departments))

    put_text(sheet, 0, 0, f"{matrix.title}: target", styles["title"])
    put_text(sheet, 1, 0, "The roles as they should be. Cells in bold italic with a heavy "
                          "border differ from today (see the Changes sheet).",
             styles["subtitle"])
    write_string = sheet.write_string
    planned = [index for index, d in enumerate(departments)
               if matrix.is_planned_department(d.id)]
    if planned:
        put_text(sheet, PLANNED_INDEX, 0, "Planned departments exist only at target.",
                 styles["subtitle"])
        for index in planned:
            write_string(PLANNED_INDEX, FIRST_ROLE_COLUMN + index, PLANNED_HEADER,
                         styles["header_centre"])
    for index, department in enumerate(departments):
        write_string(ID_INDEX, FIRST_ROLE_COLUMN + index, department_key(department.id))
    header, centre = styles["header"], styles["header_centre"]
    write_string(HEADER_INDEX, NAME_COLUMN, "Touchpoint", header)
    write_string(HEADER_INDEX, PLANNED_COLUMN, PLANNED_HEADER, centre)
    write_string(HEADER_INDEX, OWNERS_COLUMN, TARGET_OWNERS_HEADER, centre)
    write_string(HEADER_INDEX, ID_COLUMN, ID_HEADER, header)
    for index, department in enumerate(departments):
        put_text(sheet, HEADER_INDEX, FIRST_ROLE_COLUMN + index, department.name, centre)

    words = {Role(key): word for key, word in ROLE_WORDS.items()}
    column_of = {d.id: FIRST_ROLE_COLUMN + index for index, d in enumerate(departments)}
    width = FIRST_ROLE_COLUMN + len(departments)
    wrap, owners_style = styles["wrap"], styles["owners"]
    changed_style = styles["target_changed"]
    first, last = column_name(FIRST_ROLE_COLUMN), column_name(last_role)
    row = FIRST_DATA_INDEX
    for stage in matrix.stages:
        write_band(sheet, styles, row, stage.id, stage.name, width, ID_COLUMN)
        row += 1
        for tp in matrix.touchpoints_in(stage.id):
            put_text(sheet, row, NAME_COLUMN, tp.name, None, wrap)
            if matrix.is_planned_touchpoint(tp.id):
                write_string(row, PLANNED_COLUMN, FLAG_TRUE, owners_style)
            roles = matrix.target_row(tp.id)
            number = row + 1
            sheet.write_formula(row, OWNERS_COLUMN,
                                f'=COUNTIF(${first}{number}:${last}{number},"{OWN}")',
                                owners_style, list(roles.values()).count(Role.OWN))
            write_string(row, ID_COLUMN, touchpoint_key(tp.id))
            changed = {did for did in matrix.targets.get(tp.id, {})
                       if matrix.is_planned_change(tp.id, did)}
            for department in departments:
                did = department.id
                role = roles.get(did)
                style = changed_style if did in changed else None
                if role is not None:
                    write_string(row, column_of[did], words[role], style)
                elif style is not None:
                    sheet.write_blank(row, column_of[did], None, style)
            row += 1
            tick("Writing the target")


def _set_up(sheet: Worksheet, styles: Styles, page: PageText, last_data: int,
            last_role: int, department_count: int) -> None:
    sheet.set_column(NAME_COLUMN, NAME_COLUMN, 38)
    sheet.set_column(PLANNED_COLUMN, PLANNED_COLUMN, 9, styles["owners"])  # typed flags centred
    sheet.set_column(OWNERS_COLUMN, OWNERS_COLUMN, 9)
    set_up_grid(sheet, styles, page, GridPlaces(
        HEADER_INDEX, ID_INDEX, ID_COLUMN, OWNERS_COLUMN, FIRST_ROLE_COLUMN, last_role,
        last_data, last_data + GROW_ROWS, department_count))
    # The planned flags come back through the review: a drop-down keeps them readable.
    sheet.data_validation(FIRST_DATA_INDEX, PLANNED_COLUMN, last_data + GROW_ROWS,
                          PLANNED_COLUMN, {
                              "validate": "list", "source": [FLAG_TRUE, FLAG_FALSE],
                              "ignore_blank": True, "error_type": "stop",
                              "error_title": "Planned?",
                              "error_message": f"{FLAG_TRUE}: the touchpoint exists only at "
                                               "target. Leave it empty otherwise."})
    sheet.data_validation(PLANNED_INDEX, FIRST_ROLE_COLUMN, PLANNED_INDEX, last_role, {
        "validate": "list", "source": [PLANNED_HEADER], "ignore_blank": True,
        "error_type": "stop", "error_title": "Planned?",
        "error_message": f"{PLANNED_HEADER}: the department exists only at target. Leave it "
                         "empty otherwise."})
