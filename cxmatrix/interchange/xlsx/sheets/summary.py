"""The Summary sheet: live counts over the Matrix sheet.

The totals count the Matrix sheet's rows directly (every named row that is not a stage
heading is a touchpoint; MMULT counts each row's Own cells), so rows a colleague inserts
anywhere count at once. Each department row takes its name and counts from the Matrix sheet by
position (INDEX), so a renamed, inserted or added department column shows up; spare rows
wait for departments added at the end. The per-touchpoint table refers to the exported rows
(their names and Owners counts follow edits; the Matrix sheet's Owners column covers all
rows). Every formula carries the value it has at export, for readers that do not calculate.
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.worksheet import Worksheet

from cxmatrix.interchange.xlsx.cells import cell_text
from cxmatrix.interchange.xlsx.layout import MATRIX_SHEET, ROLE_WORDS, STAGE_PREFIX
from cxmatrix.interchange.xlsx.placement import (
    FIRST_ROLE_COLUMN,
    GROW_COLUMNS,
    HEADER_INDEX,
    ID_COLUMN,
    MatrixPlacement,
    column_name,
)
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

TABLE_INDEX = 9  # 0-based: the tables' header is row 10
DEPARTMENT_TABLE = ("Department", *ROLE_WORDS.values())
TOUCHPOINT_TABLE = ("Stage", "Touchpoint", "Owners")
TOUCHPOINT_TABLE_COLUMN = len(DEPARTMENT_TABLE) + 1  # one blank column between the tables
ROW_COLUMN = TOUCHPOINT_TABLE_COLUMN + len(TOUCHPOINT_TABLE)  # hidden: the Matrix sheet's row
ROW_HEADER = "Matrix row"
WIDTHS = (34, 11, 11, 11, 3, 20, 38, 9)
# Rows of the per-touchpoint table past the exported ones, for rows colleagues add. A formula
# cell prints even when blank, so this stays modest; a line below the table says how many
# rows did not fit.
SPARE_ROWS = 40
OWN = ROLE_WORDS["own"]


def write_summary(sheet: Worksheet, styles: Styles, placement: MatrixPlacement,
                  page: PageText, tick: Callable[[str], None]) -> None:
    set_up_printing(sheet, page, landscape=False, title_rows=TABLE_INDEX)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.set_column(ROW_COLUMN, ROW_COLUMN, 8, None, {"hidden": True})
    sheet.freeze_panes(TABLE_INDEX + 1, 0)
    _write_totals(sheet, styles, placement)
    _write_tables(sheet, styles, placement, tick)


def _write_totals(sheet: Worksheet, styles: Styles, placement: MatrixPlacement) -> None:
    names = placement.column_ref(0, MATRIX_SHEET)
    ids = placement.column_ref(ID_COLUMN, MATRIX_SHEET)
    roles = placement.roles_ref(MATRIX_SHEET)
    header = placement.header_ref(MATRIX_SHEET)
    is_touchpoint = f'({names}<>"")*(LEFT({ids},1)<>"{STAGE_PREFIX}")'
    owners = f'MMULT(--({roles}="{OWN}"),TRANSPOSE(COLUMN({header})^0))'
    counts = [row[4] for row in placement.touchpoint_rows]
    sheet.write_string(0, 0, "Summary", styles["title"])
    sheet.write_string(1, 0, "Live counts over the Matrix sheet: they follow edits made there, "
                             "rows and columns added included.", styles["subtitle"])
    bold = styles["bold"]
    sheet.write_string(3, 0, "Touchpoints", bold)
    sheet.write_formula(3, 1, f"=SUMPRODUCT({is_touchpoint})", None, len(counts))
    for row, (label, test, value) in enumerate((
            ("With exactly one owner", "=1", counts.count(1)),
            ("With no owner", "=0", counts.count(0)),
            ("With several owners", ">1", sum(1 for c in counts if c > 1))), start=4):
        sheet.write_string(row, 0, label, bold)
        # An array formula: MMULT needs one in older Excel; LibreOffice reads it as such.
        sheet.write_array_formula(row, 1, row, 1,
                                  f"{{=SUM({is_touchpoint}*({owners}{test}))}}", None, value)
    sheet.write_string(7, 0, "Share with exactly one owner", bold)
    share = counts.count(1) / len(counts) if counts else 1
    sheet.write_formula(7, 1, "=IF(B4=0,1,B5/B4)", styles["percent"], share)


def _write_tables(sheet: Worksheet, styles: Styles, placement: MatrixPlacement,
                  tick: Callable[[str], None]) -> None:
    """Both tables, side by side, row by row (the sheet streams its rows in order)."""
    sheet.write_string(TABLE_INDEX, 0, DEPARTMENT_TABLE[0], styles["header"])
    for column, (key, word) in enumerate(ROLE_WORDS.items(), start=1):
        sheet.write_string(TABLE_INDEX, column, word, styles[f"role_{key}"])
    first = TOUCHPOINT_TABLE_COLUMN
    for offset, title in enumerate(TOUCHPOINT_TABLE):
        sheet.write_string(TABLE_INDEX, first + offset, title, styles["header"])
    sheet.write_string(TABLE_INDEX, ROW_COLUMN, ROW_HEADER, styles["header"])
    header = placement.header_ref(MATRIX_SHEET)
    roles = placement.roles_ref(MATRIX_SHEET)
    listed = _listed_rows(placement)
    formulas = _RowFormulas(placement)
    table_rows = len(listed) + SPARE_ROWS
    write_formula = sheet.write_formula
    for index in range(max(placement.department_count + GROW_COLUMNS, table_rows + 1)):
        row = TABLE_INDEX + 1 + index
        if index < placement.department_count + GROW_COLUMNS:
            position = index + 1
            name = f"INDEX({header},1,{position})"
            exported = index < placement.department_count
            write_formula(row, 0, f'=IF({name}="","",{name})', None,
                          cell_text(placement.department_names[index]) if exported else "")
            for column, word in enumerate(ROLE_WORDS.values(), start=1):
                value = placement.role_counts[index][column - 1] if exported else ""
                write_formula(row, column, f'=IF({name}="","",COUNTIF(INDEX({roles},0,'
                                           f'{position}),"{word}"))', None, value)
        if index < table_rows:
            stage, touchpoint, owners, matrix_row = (
                listed[index] if index < len(listed) else ("", "", "", ""))
            values = (cell_text(stage), cell_text(touchpoint), owners, matrix_row)
            for column, formula in enumerate(formulas.row(row, index == 0)):
                write_formula(row, first + column, formula, None, values[column])
            tick("Writing the summary")
        elif index == table_rows:
            write_formula(row, first, formulas.more(table_rows), styles["subtitle"], "")
    letter = column_name(first + 2)
    top, bottom = TABLE_INDEX + 1, TABLE_INDEX + table_rows
    cell = f"{letter}{top + 1}"
    for test, rule in (("=0", "error_text"), (">1", "warning_text")):
        sheet.conditional_format(top, first + 2, bottom, first + 2, {
            "type": "formula", "criteria": f"=AND(ISNUMBER({cell}),{cell}{test})",
            "format": styles.rule(rule)})
    stage_cell, name_cell = (f"${column_name(first + offset)}{top + 1}" for offset in (0, 1))
    sheet.conditional_format(top, first, bottom, first + 2, {
        "type": "formula", "criteria": f'=AND({stage_cell}<>"",{name_cell}="")',
        "format": styles.rule("stage_text")})


def _listed_rows(placement: MatrixPlacement) -> list[tuple[str, str, int | str, int]]:
    """The exported rows the table lists, in the Matrix sheet's order: (stage, touchpoint
    or "" for a stage heading, owners or "", the Matrix sheet's 1-based row)."""
    rows: list[tuple[int, tuple[str, str, int | str, int]]] = [
        (matrix_row, (stage, "", "", matrix_row + 1))
        for stage, matrix_row in placement.stage_rows]
    rows.extend((matrix_row, (stage, touchpoint, owners, matrix_row + 1))
                for stage, _stage_row, touchpoint, matrix_row, owners
                in placement.touchpoint_rows)
    return [entry for _row, entry in sorted(rows)]


class _RowFormulas:
    """The formulas of one row of the per-touchpoint table.

    The hidden column ROW_COLUMN finds the Matrix sheet's next named row after the one
    above it (MATCH of any text, which stops at the first; the first row starts after the
    header). Stage, touchpoint and owners are read from that row by INDEX, the owners counted
    from the row's role cells: so a row a colleague inserts anywhere is listed, and counted
    even when its own Owners cell has no formula. A stage heading (its id starts with
    STAGE_PREFIX) is listed with an empty touchpoint; a touchpoint carries its stage."""

    def __init__(self, placement: MatrixPlacement) -> None:
        sheet = f"{MATRIX_SHEET}!"
        self.names_column = f"{sheet}$A:$A"
        self.ids_column = f"{sheet}${column_name(ID_COLUMN)}:${column_name(ID_COLUMN)}"
        self.roles = (f"{sheet}${column_name(FIRST_ROLE_COLUMN)}:"
                      f"${column_name(placement.last_role_column)}")
        self.last = f"{sheet}$A${placement.last_reach_index + 1}"
        self.header = f"ROW({sheet}$A${HEADER_INDEX + 1})"
        self.names = placement.column_ref(0, MATRIX_SHEET)
        self.column = column_name(ROW_COLUMN)
        self.stage_letter = column_name(TOUCHPOINT_TABLE_COLUMN)
        self.name_letter = column_name(TOUCHPOINT_TABLE_COLUMN + 1)

    def row(self, row: int, first: bool) -> list[str]:
        """Stage, touchpoint, owners and the hidden Matrix row, for the 0-based ``row``.

        Kept short: xlsxwriter runs some thirty searches over every formula it writes."""
        number = row + 1
        at = f"{self.column}{number}"
        name_cell = f"{self.name_letter}{number}"
        if first:
            found = f'=IFERROR({self.header}+MATCH("?*",{self.names},0),"")'
        else:
            # N() of the empty text above is 0; the bound keeps the search inside the reach.
            previous = f"{self.column}{number - 1}"
            found = (f'=IF(N({previous})<ROW({self.last}),IFERROR({previous}+MATCH("?*",'
                     f'INDEX({self.names_column},{previous}+1):{self.last},0),""),"")')
        name = f"INDEX({self.names_column},{at})"
        carried = '""' if first else f"{self.stage_letter}{number - 1}"
        return [f'=IF({name_cell}="",IF({at}="","",{name}),{carried})',
                f'=IF({at}="","",IF(LEFT(INDEX({self.ids_column},{at}))="{STAGE_PREFIX}","",'
                f'{name}))',
                f'=IF({name_cell}="","",COUNTIF(INDEX({self.roles},{at},0),"{OWN}"))',
                found]

    def more(self, listed: int) -> str:
        """A line saying how many named rows of the Matrix sheet the table has no room for."""
        count = f'COUNTIF({self.names},"?*")'
        return (f'=IF({count}>{listed},"… and "&({count}-{listed})&" more rows on the '
                f'{MATRIX_SHEET} sheet","")')
