"""Text made safe for spreadsheet cells: Excel's limits for xlsx, formula injection for CSV.

Excel holds at most 32,767 characters in a cell and XML cannot carry most control characters,
so ``excel_text`` removes those characters, makes every line break a plain ``\\n`` and cuts
over-long text with a marker that says how much was cut. ``csv_text`` protects a CSV cell that
a spreadsheet program would otherwise run as a formula (the OWASP advice: prefix a quote).
"""

from __future__ import annotations

import re

EXCEL_CELL_LIMIT = 32_767
# XML 1.0 forbids these control characters; openpyxl raises IllegalCharacterError on them.
# Carriage returns are legal but XML readers turn them into line feeds, so we do it openly.
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell that starts with one of these may be run as a formula by the program that opens it.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def truncation_marker(cut: int) -> str:
    return f" […cut by cxmatrix: {cut:,} more characters did not fit in an Excel cell]"


def excel_text(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """``text`` as an xlsx cell can hold it: no illegal characters, ``\\n`` line breaks, and
    at most ``limit`` characters (longer text is cut and ends with a marker)."""
    if _NEEDS_CLEANING.search(text):
        text = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > limit:
        # Size the marker for the worst case, so the cut text plus marker never exceeds limit.
        room = limit - len(truncation_marker(len(text)))
        text = text[:room] + truncation_marker(len(text) - room)
    return text


def csv_text(text: str) -> str:
    """A CSV cell that spreadsheet programs show as text, never run as a formula."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.startswith(CSV_FORMULA_STARTS):
        return "'" + text
    return text


def csv_unprotected(text: str) -> str:
    """The text that ``csv_text`` protected: a cell reading '=SUM(A1) is =SUM(A1) again."""
    if text.startswith("'") and text[1:].startswith(CSV_FORMULA_STARTS):
        return text[1:]
    return text
