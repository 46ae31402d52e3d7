"""Text into cells: always as text (never a formula), within Excel's limits, with its height.

``write_string`` stores a string as a string, so text starting with '=' or looking like an
error code stays text; ``excel_text`` drops the characters XML cannot carry and cuts text
longer than a cell holds, with a marker that says how much was cut.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from cxmatrix.interchange.cell_text import EXCEL_CELL_LIMIT, excel_text

LINE_HEIGHT = 15  # points, for 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit


def cell_text(value: str) -> str:
    """``value`` as a cell can hold it (most text passes through untouched)."""
    # isprintable() is False for line breaks, tabs and control characters alike.
    if len(value) > EXCEL_CELL_LIMIT or not value.isprintable():
        return excel_text(value)
    return value


def put_text(sheet: Worksheet, row: int, column: int, value: str,
             style: Format | None = None, wrap: Format | None = None) -> str:
    """Write ``value`` (0-based cell) as text unless empty; text with line breaks gets the
    ``wrap`` format. Returns what was written."""
    if not value:
        return ""
    text = cell_text(value)
    if text:
        sheet.write_string(row, column, text, wrap if wrap is not None and "\n" in text
                           else style)
    return text


def wrapped_height(text: str, width: float) -> float:
    """About the height in points that ``text`` needs when wrapped in a column ``width``
    characters wide."""
    per_line = max(1, int(width * 1.2))
    lines = sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))
    return float(min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 2))
