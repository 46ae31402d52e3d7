"""What the report says about codes that were read with a correction the user should know of.

The code mapping (``domain/codes.py``) reads a look-alike letter of another alphabet as the
Latin letter it looks like (a Cyrillic "С" as C), full-width letters as ordinary ones, and a
code with one stray letter among known ones ("R,A,C,Q") by its known letters. Each such
reading is told here with the cells it applies to, in the touchpoint rows that were imported:
"Column D: 3 cells with the unknown letter Q (D4, D6, D7), the other letters were used";
"Cyrillic С read as C in E5, E9".
"""

from __future__ import annotations

from collections.abc import Iterable

from cxmatrix.domain.codes import CodeMapping, CodeReading, lookalike_script, lookalikes_in
from cxmatrix.domain.codes import normalise_code as _key
from cxmatrix.interchange.spreadsheet.layout import GRID, Layout
from cxmatrix.interchange.spreadsheet.report import ImportReport, Skipped
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, column_letter


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _as_written(text: str, letter: str) -> str:
    """The stray letter as the cell shows it (upper case when the cell has it so)."""
    for char in text:
        if char.casefold() == letter:
            return char
    return letter.upper()


def note_readings(table: SheetTable, layout: Layout, mapping: CodeMapping,
                  report: ImportReport, rows: Iterable[int]) -> None:
    """Add to ``report`` the lines about corrected codes in the grid's cells of ``rows``
    (0-based rows of ``table`` that became touchpoints)."""
    if layout.shape != GRID or not mapping.readings:
        return
    readings = mapping.readings
    columns = [c.index for c in layout.department_columns if c.included]
    found: dict[str, CodeReading | None] = {}
    strays: dict[tuple[int, str], Skipped] = {}
    lookalikes: dict[tuple[str, str], Skipped] = {}
    for row in sorted(rows):
        if not 0 <= row < table.height:
            continue
        cells = table.rows[row]
        width = len(cells)
        for column in columns:
            text = cells[column] if column < width else ""
            if not text:
                continue
            if text in found:
                reading = found[text]
            else:
                key = _key(text)
                reading = readings.get(key) if key in mapping.entries else None
                found[text] = reading
            if reading is None:
                continue
            reference = table.ref(row, column)
            for letter in reading.unknown:
                shown = _as_written(text, letter)
                strays.setdefault((column, shown), Skipped(shown)).add(reference)
            for char, latin in lookalikes_in(text):
                lookalikes.setdefault((char, latin), Skipped(char)).add(reference)
    for (column, letter), cells in strays.items():
        where = f"Row {column + 1}" if table.transposed else f"Column {column_letter(column)}"
        report.readings.append(
            f"{where}: {_count(cells.count, 'cell')} with the unknown letter {letter} "
            f"({cells.where()}), the other letters were used.")
    for (char, latin), cells in lookalikes.items():
        script = lookalike_script(char)
        report.readings.append(f"{script[0].upper()}{script[1:]} {char} read as {latin} in "
                               f"{cells.where()}.")
