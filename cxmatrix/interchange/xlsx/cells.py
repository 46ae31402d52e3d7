"""Cells for openpyxl's write-only mode: text that stays text, and cheap shared styles.

In write-only mode plain values are fastest: openpyxl reuses one cell object for them. Only
cells that need more (a style, a comment, text that openpyxl would take for a formula or an
error code) become cell objects here, each with a copy of a style built once per workbook.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cxmatrix.interchange.cell_text import EXCEL_CELL_LIMIT, excel_text
from cxmatrix.interchange.xlsx.layout import NOTE_AUTHOR, ROLE_FILLS, ROLE_TEXT
from cxmatrix.palette import STAGE_BAND

INK = "1B2A49"
MUTED = "5D6D7E"
HEADER_FILL = "F2F3F5"
TEXT_FORMAT = "@"
FONT_NAME = "Calibri"
_ERROR_CODES = frozenset(ERROR_CODES)
_RULE = Side(style="medium", color=INK)
_THIN = Side(style="thin", color="B8BEC8")


def font(**parts: Any) -> Font:
    # Name the font: without a name LibreOffice falls back to a serif face.
    return Font(name=FONT_NAME, size=parts.pop("size", 11), **parts)


def solid(colour: str) -> PatternFill:
    # Both colours: Excel paints a conditional format's solid fill with bgColor, cells with fg.
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


# name -> the style's parts; each becomes one StyleArray per workbook.
STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": font(size=16, bold=True, color=INK)},
    "subtitle": {"font": font(color=MUTED)},
    "bold": {"font": font(bold=True, color=INK), "alignment": Alignment(vertical="top")},
    "header": {"font": font(bold=True, color=INK), "fill": solid(HEADER_FILL),
               "border": Border(bottom=_RULE),
               "alignment": Alignment(wrap_text=True, vertical="bottom")},
    "header_centre": {"font": font(bold=True, color=INK), "fill": solid(HEADER_FILL),
                      "border": Border(bottom=_RULE),
                      "alignment": Alignment(wrap_text=True, vertical="bottom",
                                             horizontal="center")},
    "stage": {"font": font(bold=True, color=INK), "fill": solid(STAGE_BAND),
              "border": Border(top=_THIN)},
    "text": {"number_format": TEXT_FORMAT},
    "text_wrap": {"number_format": TEXT_FORMAT,
                  "alignment": Alignment(wrap_text=True, vertical="top")},
    "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "percent": {"font": font(bold=True, color=INK), "number_format": "0.0%"},
    **{f"role_{role}": {"font": font(bold=True, color=ROLE_TEXT[role]),
                        "fill": solid(ROLE_FILLS[role]),
                        "alignment": Alignment(horizontal="center", vertical="top")}
       for role in ROLE_FILLS},
}


LINE_HEIGHT = 15  # points, for 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit


def wrapped_height(text: str, width: float) -> float:
    """About the height in points that ``text`` needs when wrapped in a column ``width``
    characters wide."""
    per_line = max(1, int(width * 1.2))
    lines = sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))
    return float(min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 2))


class CellMaker:
    """Makes cell values for one write-only workbook."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet
        self._styles: dict[str, StyleArray] = {}
        for name, parts in STYLES.items():
            template = WriteOnlyCell(sheet)
            for attribute, value in parts.items():
                setattr(template, attribute, value)
            self._styles[name] = template._style

    def text(self, value: str) -> str | Cell | None:
        """A text value that stays text: empty gives None, plain text passes through as is,
        and text openpyxl would turn into a formula or an error becomes a text cell."""
        if not value:
            return None
        # isprintable() is False for line breaks, tabs and control characters alike.
        if len(value) > EXCEL_CELL_LIMIT or not value.isprintable():
            value = excel_text(value)
            if not value:
                return None
        first = value[0]
        if "\n" in value:
            return self.styled(value, "text_wrap")
        if (first == "=" and len(value) > 1) or (first == "#" and value in _ERROR_CODES):
            return self.styled(value, "text")
        return value

    def styled(self, value: object, style: str) -> Cell:
        """A cell with one of STYLES; text is always kept as text, never a formula.

        Cells belong to the workbook's style tables, so one maker serves every sheet."""
        cell = WriteOnlyCell(self._sheet)
        if isinstance(value, str):
            cell._value = excel_text(value)
            cell.data_type = "s"
        elif value is not None:
            cell.value = value
        cell._style = StyleArray(self._styles[style])
        return cell

    def formula(self, formula: str, style: str) -> Cell:
        cell = WriteOnlyCell(self._sheet)
        cell.value = formula
        cell._style = StyleArray(self._styles[style])
        return cell

    def with_note(self, value: object, note: str) -> Cell:
        """A role cell (or an empty cell) carrying a cell note as an Excel comment."""
        # The text style also makes openpyxl give the next value a fresh cell object;
        # without a style it would reuse this one, comment and all.
        cell = self.styled(value, "text")
        text = excel_text(note)
        lines = text.count("\n") + 1 + len(text) // 40
        cell.comment = Comment(text, NOTE_AUTHOR, height=min(300, 20 + 15 * lines), width=240)
        return cell
