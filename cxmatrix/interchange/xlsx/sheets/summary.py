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
    GROW_COLUMNS,
    ID_COLUMN,
    OWNERS_COLUMN,
    MatrixPlacement,
    column_name,
)
from cxmatrix.interchange.xlsx.printing import PageText, set_up_printing
from cxmatrix.interchange.xlsx.styles import Styles

TABLE_INDEX = 9  # 0-based: the tables' header is row 10
DEPARTMENT_TABLE = ("Department", *ROLE_WORDS.values())
TOUCHPOINT_TABLE = ("Stage", "Touchpoint", "Owners")
TOUCHPOINT_TABLE_COLUMN = len(DEPARTMENT_TABLE) + 1  # one blank column between the tables
WIDTHS = (34, 11, 11, 11, 3, 20, 38, 9)
OWN = ROLE_WORDS["own"]


def write_summary(sheet: Worksheet, styles: Styles, placement: MatrixPlacement,
                  page: PageText, tick: Callable[[str], None]) -> None:
    set_up_printing(sheet, page, landscape=False, title_rows=TABLE_INDEX)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
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
    header = placement.header_ref(MATRIX_SHEET)
    roles = placement.roles_ref(MATRIX_SHEET)
    owners_letter = column_name(OWNERS_COLUMN)
    rows = placement.touchpoint_rows
    write_formula = sheet.write_formula
    for index in range(max(placement.department_count + GROW_COLUMNS, len(rows))):
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
        if index < len(rows):
            stage, stage_row, touchpoint, matrix_row, owners = rows[index]
            write_formula(row, first, f"={MATRIX_SHEET}!A{stage_row + 1}", None,
                          cell_text(stage))
            write_formula(row, first + 1, f"={MATRIX_SHEET}!A{matrix_row + 1}", None,
                          cell_text(touchpoint))
            write_formula(row, first + 2, f"={MATRIX_SHEET}!{owners_letter}{matrix_row + 1}",
                          None, owners)
            tick("Writing the summary")
    if rows:
        letter = column_name(first + 2)
        top, bottom = TABLE_INDEX + 1, TABLE_INDEX + len(rows)
        cell = f"{letter}{top + 1}"
        for test, rule in (("=0", "error_text"), (">1", "warning_text")):
            sheet.conditional_format(top, first + 2, bottom, first + 2, {
                "type": "formula", "criteria": f"=AND(ISNUMBER({cell}),{cell}{test})",
                "format": styles.rule(rule)})
