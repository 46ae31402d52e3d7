"""What the Matrix and Target sheets share: a grid of touchpoint rows grouped by stage bands
against department columns, with the role drop-down and colours over a reach past the data,
and printed as column pages with the touchpoint column and the header repeated."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from cxmatrix.interchange.xlsx.cells import put_text
from cxmatrix.interchange.xlsx.identity import stage_key
from cxmatrix.interchange.xlsx.layout import ROLE_WORDS, STAGE_PREFIX
from cxmatrix.interchange.xlsx.placement import column_name
from cxmatrix.interchange.xlsx.printing import MATRIX_PRINT_SCALE, PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

ROLE_WIDTH = 12.5
HEADER_HEIGHT = 48


def write_band(sheet: Worksheet, styles: Styles, row: int, stage_id: int, name: str,
               width: int, id_column: int) -> None:
    """A stage's heading row (0-based): its name, the band across ``width`` columns, and
    the stage's id in the hidden id column."""
    band = styles["stage"]
    put_text(sheet, row, 0, name, band)
    for column in range(1, width):
        if column == id_column:
            sheet.write_string(row, column, stage_key(stage_id), band)
        else:
            sheet.write_blank(row, column, None, band)


@dataclass(frozen=True)
class GridPlaces:
    """Where a grid sheet puts things (0-based rows and columns)."""

    header_index: int
    id_index: int  # the hidden row of department ids
    id_column: int  # the hidden column of stage and touchpoint ids
    owners_column: int
    first_role: int
    last_role: int  # the last department column the live ranges reach
    last_data_index: int  # the last stage or touchpoint row written
    last_row: int  # the last row the live ranges reach
    department_count: int


def set_up_grid(sheet: Worksheet, styles: Styles, page: PageText, places: GridPlaces) -> None:
    """Role columns centred by their format (the cells colleagues add too), the hidden id
    column and row, heights, frozen panes, the filter over the data, the role drop-down and
    colours and the Owners colours over the reach, and the printing."""
    first_data = places.header_index + 1
    sheet.set_column(places.id_column, places.id_column, 10, None, {"hidden": True})
    sheet.set_column(places.first_role, places.last_role, ROLE_WIDTH, styles["role"])
    sheet.set_row(0, 24)
    sheet.set_row(places.id_index, None, None, {"hidden": True})
    sheet.set_row(places.header_index, HEADER_HEIGHT)
    sheet.freeze_panes(first_data, places.first_role)
    sheet.autofilter(places.header_index, 0, max(places.last_data_index, first_data),
                     places.first_role + max(places.department_count, 1) - 1)
    set_up_roles(sheet, styles, (first_data, places.first_role, places.last_row,
                                 places.last_role))
    set_up_owner_colours(sheet, styles, places)
    set_up_grid_printing(sheet, page, places.header_index)


def set_up_roles(sheet: Worksheet, styles: Styles, reach: tuple[int, int, int, int]) -> None:
    """The role colours and the role drop-down over ``reach`` (first row, first column,
    last row, last column; 0-based)."""
    for key, word in ROLE_WORDS.items():
        sheet.conditional_format(*reach, {"type": "cell", "criteria": "==",
                                          "value": f'"{word}"',
                                          "format": styles.rule(f"role_{key}")})
    choices = list(ROLE_WORDS.values())
    sheet.data_validation(*reach, {
        "validate": "list", "source": choices, "ignore_blank": True,
        "error_type": "stop", "error_title": "Not a role",
        "error_message": f"Choose {', '.join(choices)}, or leave the cell empty."})


def set_up_owner_colours(sheet: Worksheet, styles: Styles, places: GridPlaces) -> None:
    """The Owners cell red on a touchpoint row without an Own, amber with several, and the
    touchpoint's name tinted the same way.

    Computed from the row's own role cells, not from the Owners cell, so a row a colleague
    inserts in the middle (where neither Excel nor LibreOffice copies a formula) is coloured
    too; rows without a name and stage headings (their id starts with STAGE_PREFIX) are not.
    The name carries it as well because LibreOffice (7.4, seen in its PDF export) sometimes
    leaves the empty Owners cell of an inserted row uncoloured while the same rule colours
    the name cell of that row.

    No formula layout gives an inserted row its own count in both programs: neither copies
    a formula into a row inserted in the middle, and in LibreOffice 7.4 (tried through UNO)
    an Excel Table's calculated column leaves the inserted row empty, while a multi-cell
    array formula and a dynamic-array (spilling) one refuse the insertion altogether. So an
    empty Owners cell on a touchpoint row is shaded as a gap (hatched grey, ranked before
    the red and amber rules: an empty cell in those colours reads as a count, and
    LibreOffice leaves some of them white; the name keeps the red or amber), the Summary
    counts the row from its role cells, and bringing the workbook back checks every row
    (``returned``)."""
    first_data = places.header_index + 1
    first = first_data + 1
    row_roles = (f"${column_name(places.first_role)}{first}:"
                 f"${column_name(places.last_role)}{first}")
    touchpoint = (f'$A{first}<>"",LEFT(${column_name(places.id_column)}{first},1)'
                  f'<>"{STAGE_PREFIX}"')
    own_count = f'COUNTIF({row_roles},"{ROLE_WORDS["own"]}")'
    owners = f"${column_name(places.owners_column)}{first}"
    sheet.conditional_format(first_data, places.owners_column, places.last_row,
                             places.owners_column, {
                                 "type": "formula",
                                 "criteria": f"=AND({touchpoint},ISBLANK({owners}))",
                                 "format": styles.rule("owners_missing")})
    for column, tint in ((places.owners_column, ""), (0, "_name")):
        span = (first_data, column, places.last_row, column)
        sheet.conditional_format(*span, {"type": "formula",
                                         "criteria": f"=AND({touchpoint},{own_count}=0)",
                                         "format": styles.rule(f"no_owner{tint}")})
        sheet.conditional_format(*span, {"type": "formula",
                                         "criteria": f"=AND({touchpoint},{own_count}>1)",
                                         "format": styles.rule(f"several_owners{tint}")})



def set_up_grid_printing(sheet: Worksheet, page: PageText, header_index: int) -> None:
    """Landscape column pages at a readable scale, the header row and the touchpoint column
    on every page. No print area: the used range prints, and it grows with what colleagues
    add."""
    set_up_printing(sheet, page, landscape=True, title_rows=header_index, focus=True,
                    one_page_wide=False)
    sheet.set_print_scale(MATRIX_PRINT_SCALE)
    sheet.repeat_columns(0)
    sheet.print_across()
    sheet.hide_gridlines(0)
