"""The Matrix sheet: touchpoints (rows, grouped by stage) against departments (columns).

Rows 1-4 hold the title block, row 5 (hidden) the department ids, row 6 the header. Each
touchpoint row carries its attributes, a live Owners count, its id (hidden column) and its
roles as words. Role colours come from conditional formats and the drop-down from one data
validation, both over a reach well past the data (``placement``), so role cells stay plain
values and what colleagues add is covered too. Printing: column pages at a readable scale,
the touchpoint column and the header row repeated on every page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from xlsxwriter.worksheet import Worksheet

import cxmatrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.xlsx.cells import cell_text, put_text, wrapped_height
from cxmatrix.interchange.xlsx.identity import department_key, touchpoint_key
from cxmatrix.interchange.xlsx.layout import (
    FLAG_FALSE,
    FLAG_TRUE,
    ID_HEADER,
    NOTE_AUTHOR,
    OWNERS_HEADER,
    ROLE_WORDS,
    TOUCHPOINT_COLUMNS,
)
from cxmatrix.interchange.xlsx.placement import (
    FIRST_DATA_INDEX,
    FIRST_ROLE_COLUMN,
    HEADER_INDEX,
    ID_COLUMN,
    ID_INDEX,
    OWNERS_COLUMN,
    MatrixPlacement,
    column_name,
)
from cxmatrix.interchange.xlsx.printing import PageText
from cxmatrix.interchange.xlsx.sheets.grid import GridPlaces, set_up_grid, write_band
from cxmatrix.interchange.xlsx.styles import Styles

# Column widths in characters, by touchpoint attribute; departments get ROLE_WIDTH.
ATTRIBUTE_WIDTHS = {"name": 38, "category": 13, "channel": 12, "peak": 8, "end": 8,
                    "metric": 40, "description": 40, "notes": 40}
# Long free text, grouped and collapsed so the frozen panes leave room for the roles.
COLLAPSED_ATTRIBUTES = ("metric", "description", "notes")
OWNERS_WIDTH = 8
NOTE_WIDTH = 240
OWN = ROLE_WORDS[Role.OWN.value]
# Rows past the data that carry the Owners formula, blank until named. A formula cell prints
# even when blank, so this stays small: 100 added three empty pages to the demo's printout.
OWNERS_SPARE_ROWS = 20

OWNERS_HELP = ("Owners counts the row's Own cells: red with none, amber with several. A row "
               "inserted between rows gets no formula: its Owners cell is hatched until you "
               "copy the cell above into it. The Summary sheet counts every row anyway, and "
               "cxmatrix checks each row when the workbook comes back.")

Tick = Callable[[str], None]


def write_matrix(sheet: Worksheet, styles: Styles, matrix: Matrix, source_name: str,
                 page: PageText, tick: Tick) -> MatrixPlacement:
    departments = matrix.departments
    placement = MatrixPlacement([d.name for d in departments])
    placement.last_data_index = HEADER_INDEX + len(matrix.stages) + matrix.touchpoint_count
    _set_up(sheet, styles, placement, page)

    exported_line = f"Exported {page.exported:%Y-%m-%d %H:%M} by cxmatrix {cxmatrix.__version__}"
    if source_name:
        exported_line += f" from {source_name}"
    put_text(sheet, 0, 0, matrix.title, styles["title"])
    put_text(sheet, 1, 0, matrix.organisation, styles["subtitle"])
    put_text(sheet, 2, 0, exported_line, styles["subtitle"])
    put_text(sheet, 3, 0, f"Focus department: {page.focus or 'none'}", styles["subtitle"])
    write_string = sheet.write_string
    for index, department in enumerate(departments):
        write_string(ID_INDEX, FIRST_ROLE_COLUMN + index, department_key(department.id))

    header, centre = styles["header"], styles["header_centre"]
    for column, (title, _) in enumerate(TOUCHPOINT_COLUMNS):
        write_string(HEADER_INDEX, column, title, header)
    write_string(HEADER_INDEX, OWNERS_COLUMN, OWNERS_HEADER, centre)
    sheet.write_comment(HEADER_INDEX, OWNERS_COLUMN, OWNERS_HELP,
                        {"author": NOTE_AUTHOR, "width": NOTE_WIDTH, "height": 110})
    write_string(HEADER_INDEX, ID_COLUMN, ID_HEADER, header)
    for index, department in enumerate(departments):
        put_text(sheet, HEADER_INDEX, FIRST_ROLE_COLUMN + index, department.name, centre)

    _write_rows(sheet, styles, matrix, placement, tick)
    return placement


def _write_rows(sheet: Worksheet, styles: Styles, matrix: Matrix, placement: MatrixPlacement,
                tick: Tick) -> None:
    departments = matrix.departments
    width = FIRST_ROLE_COLUMN + len(departments)
    attributes = [attribute for _, attribute in TOUCHPOINT_COLUMNS]
    column_of = {d.id: FIRST_ROLE_COLUMN + index for index, d in enumerate(departments)}
    words = {Role(key): word for key, word in ROLE_WORDS.items()}
    notes_by_touchpoint: dict[int, dict[int, str]] = {}
    for (tid, did), note in matrix.notes.items():
        notes_by_touchpoint.setdefault(tid, {})[did] = note
    role_pairs: list[tuple[int, Role]] = []
    wrap, owners_style = styles["wrap"], styles["owners"]
    write_string, write_formula = sheet.write_string, sheet.write_formula
    # The Owners formula, "=COUNTIF($K8:$AX8,"Own")", in three parts around the row number.
    first_role = column_name(FIRST_ROLE_COLUMN)
    last_role = column_name(placement.last_role_column)
    count_start, count_middle, count_end = f"=COUNTIF(${first_role}", f":${last_role}", \
        f',"{OWN}")'
    text_columns = [(column, attribute) for column, attribute in enumerate(attributes)
                    if attribute not in ("name", "peak", "end")]
    peak_column, end_column = attributes.index("peak"), attributes.index("end")
    row = FIRST_DATA_INDEX
    for stage in matrix.stages:
        stage_row = row
        placement.stage_rows.append((stage.name, row))
        write_band(sheet, styles, row, stage.id, stage.name, width, ID_COLUMN)
        row += 1
        for tp in matrix.touchpoints_in(stage.id):
            if "\n" in tp.name or "\n" in tp.category or "\n" in tp.channel:
                _fit_row_height(sheet, row, [getattr(tp, a) for a in attributes])
            put_text(sheet, row, 0, tp.name, None, wrap)
            for column, attribute in text_columns:
                value = getattr(tp, attribute)
                if value:
                    put_text(sheet, row, column, value, None, wrap)
            write_string(row, peak_column, FLAG_TRUE if tp.peak else FLAG_FALSE)
            write_string(row, end_column, FLAG_TRUE if tp.end else FLAG_FALSE)
            roles = matrix.row_roles(tp.id)
            for dept_id, role in roles.items():
                write_string(row, column_of[dept_id], words[role])
            role_pairs.extend(roles.items())
            owners = list(roles.values()).count(Role.OWN)
            number = row + 1
            write_formula(row, OWNERS_COLUMN,
                          f"{count_start}{number}{count_middle}{number}{count_end}",
                          owners_style, owners)
            write_string(row, ID_COLUMN, touchpoint_key(tp.id))
            notes = notes_by_touchpoint.get(tp.id)
            if notes:
                for dept_id, note in notes.items():
                    _write_note(sheet, row, column_of[dept_id], note)
            placement.touchpoint_rows.append((stage.name, stage_row, tp.name, row, owners))
            row += 1
            tick("Writing the matrix")
    # The rows past the data carry the Owners formula already, blank until the row has a
    # name, so a touchpoint a colleague adds below the last one is counted at once.
    for spare in range(row, row + OWNERS_SPARE_ROWS):
        number = spare + 1
        write_formula(spare, OWNERS_COLUMN,
                      f'=IF($A{number}="","",{count_start[1:]}{number}{count_middle}{number}'
                      f"{count_end})", owners_style, "")
    counted = Counter(role_pairs)
    placement.role_counts = [(counted[d.id, Role.OWN], counted[d.id, Role.INFLUENCE],
                              counted[d.id, Role.HANDLE]) for d in departments]
    placement.own_counts = [own for own, _, _ in placement.role_counts]


def _write_note(sheet: Worksheet, row: int, column: int, note: str) -> None:
    """A cell note as an Excel comment by cxmatrix, on the role cell (or an empty one)."""
    text = cell_text(note)
    lines = text.count("\n") + 1 + len(text) // 40
    sheet.write_comment(row, column, text, {"author": NOTE_AUTHOR, "width": NOTE_WIDTH,
                                            "height": min(300, 20 + 15 * lines)})


def _fit_row_height(sheet: Worksheet, row: int, values: list[object]) -> None:
    """Give a row with line breaks in a visible cell the height to show them."""
    height = 0.0
    for (_, attribute), value in zip(TOUCHPOINT_COLUMNS, values, strict=True):
        if (isinstance(value, str) and "\n" in value
                and attribute not in COLLAPSED_ATTRIBUTES):
            height = max(height, wrapped_height(cell_text(value),
                                                ATTRIBUTE_WIDTHS.get(attribute, 14)))
    if height:
        sheet.set_row(row, height)


def _set_up(sheet: Worksheet, styles: Styles, placement: MatrixPlacement,
            page: PageText) -> None:
    """Widths, the hidden id row and column, panes, filter, print setup, and the formats and
    validation over the whole reach of the role cells."""
    for column, (_, attribute) in enumerate(TOUCHPOINT_COLUMNS):
        if attribute not in COLLAPSED_ATTRIBUTES:
            sheet.set_column(column, column, ATTRIBUTE_WIDTHS.get(attribute, 14))
    collapsed = [column for column, (_, attribute) in enumerate(TOUCHPOINT_COLUMNS)
                 if attribute in COLLAPSED_ATTRIBUTES]
    if collapsed:
        sheet.set_column(collapsed[0], collapsed[-1], ATTRIBUTE_WIDTHS[COLLAPSED_ATTRIBUTES[0]],
                         None, {"hidden": True, "level": 1})
    sheet.set_column(OWNERS_COLUMN, OWNERS_COLUMN, OWNERS_WIDTH)
    set_up_grid(sheet, styles, page, GridPlaces(
        HEADER_INDEX, ID_INDEX, ID_COLUMN, OWNERS_COLUMN, FIRST_ROLE_COLUMN,
        placement.last_role_column, placement.last_data_index, placement.last_reach_index,
        placement.department_count))
