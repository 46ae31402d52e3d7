"""Who prepared a sheet and when it was last updated, from the rows above its table.

People write these as "Prepared by: Jane Doe" in one cell, or "Prepared by" with the name in
the next cell; the same for "Last updated" or "Date" with a date. The name fills the matrix's
``prepared_by``; the date is only reported, because a matrix's own dates are those of its
file (the PDF dates the data by the matrix's last edit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from cxmatrix.domain.limits import MAX_NAME_LENGTH
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable

_PREPARED = re.compile(r"^\s*prepared\s+by\b\s*[:\-–—]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_DATED = re.compile(r"^\s*(last\s+updated|updated|date)\b\s*(?:on\s*)?[:\-–—]?\s*(.*)$",
                    re.IGNORECASE | re.DOTALL)
_LONGEST_NAME = 200  # longer text next to "Prepared by" is a sentence, not a name
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                 "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y",
                 "%b %d, %Y", "%B %d %Y", "%b %d %Y")


@dataclass(frozen=True)
class SheetFacts:
    prepared_by: str = ""
    prepared_by_line: str = ""  # "row 2"
    updated: str = ""  # the date as the sheet writes it
    updated_line: str = ""

    def report_lines(self) -> list[str]:
        lines = []
        if self.prepared_by:
            lines.append(f"Prepared by {self.prepared_by} ({self.prepared_by_line}): kept as "
                         "the matrix's 'prepared by'.")
        if self.updated:
            lines.append(f"Last updated {self.updated} ({self.updated_line}), as the sheet "
                         "says: shown here only (the matrix dates its data by its last edit).")
        return lines


def is_date(text: str) -> bool:
    text = " ".join(text.split())
    for pattern in _DATE_FORMATS:
        try:
            datetime.strptime(text, pattern)
        except ValueError:
            continue
        return True
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _value(row: list[str], column: int, rest: str) -> str:
    """What a label says: the text after it in its cell, else the next filled cell."""
    if rest.strip():
        return " ".join(rest.split())
    for value in row[column + 1:]:
        if value.strip():
            return " ".join(value.split())
    return ""


def _person(text: str) -> str:
    if not text or len(text) > min(_LONGEST_NAME, MAX_NAME_LENGTH):
        return ""
    if _PREPARED.match(text) or _DATED.match(text):
        return ""
    return text


def sheet_facts(table: SheetTable, header_row: int) -> SheetFacts:
    """The first "Prepared by" and the first date label above ``header_row`` (a sheet read
    with touchpoints across has its labels in columns, and is not searched)."""
    prepared = line_prepared = updated = line_updated = ""
    if table.transposed:
        return SheetFacts()
    for index, row in enumerate(table.rows[: max(0, header_row)]):
        for column, cell in enumerate(row):
            if not prepared and (found := _PREPARED.match(cell)):
                name = _person(_value(row, column, found.group(1)))
                if name:
                    prepared, line_prepared = name, table.line(index)
            elif not updated and (found := _DATED.match(cell)):
                value = _value(row, column, found.group(2))
                if is_date(value):
                    updated, line_updated = value, table.line(index)
    return SheetFacts(prepared, line_prepared, updated, line_updated)

