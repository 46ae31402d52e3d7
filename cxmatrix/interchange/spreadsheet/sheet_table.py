"""One sheet of a spreadsheet as the importer sees it: rows of text, merged ranges, comments.

The readers (``xlsx_reader``, ``csv_reader``) produce a :class:`SheetTable`; detection and
building work on it and never touch a file. Every value is text (numbers without a useless
".0", dates as ISO dates), so all readers give the same table for the same content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class SheetTable:
    """A sheet's values, 0-based: ``rows[r][c]``; rows may be shorter than ``width``."""

    name: str
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    transposed: bool = False  # rows here are the sheet's columns
    bold: frozenset[tuple[int, int]] = frozenset()  # cells in a bold font, when the reader knows
    # Rows that multi-column merged ranges cover (within the table), computed once.
    _across: set[int] | None = field(default=None, init=False, repr=False, compare=False)

    def ref(self, row: int, column: int) -> str:
        """The sheet's own reference of a cell of this table ("B7")."""
        return cell_ref(column, row) if self.transposed else cell_ref(row, column)

    def line(self, row: int) -> str:
        """The sheet's own name of a row of this table ("row 7", or "column G")."""
        return f"column {column_letter(row)}" if self.transposed else f"row {row + 1}"

    def column_name(self, column: int) -> str:
        """The sheet's own name of a column of this table ("column C", or "row 3")."""
        return f"row {column + 1}" if self.transposed else f"column {column_letter(column)}"

    def columns_name(self, first: int, last: int) -> str:
        """A run of this table's columns in the sheet's terms ("columns C-H", "rows 3-8")."""
        if first == last:
            return self.column_name(first)
        if self.transposed:
            return f"rows {first + 1}-{last + 1}"
        return f"columns {column_letter(first)}-{column_letter(last)}"

    def lines(self, first: int, last: int) -> str:
        """A run of this table's rows in the sheet's terms ("rows 27-32", "columns G-K")."""
        if first == last:
            return self.line(first)
        if self.transposed:
            return f"columns {column_letter(first)}-{column_letter(last)}"
        return f"rows {first + 1}-{last + 1}"

    def without_rows(self, spans: Sequence[tuple[int, int]]) -> SheetTable:
        """The same sheet with the rows of ``spans`` (top, end exclusive) blank: another
        table on the sheet read alone. Rows keep their numbers, so references stay the
        sheet's own."""
        def kept(row: int) -> bool:
            return not any(top <= row < end for top, end in spans)

        rows = [row if kept(index) else [] for index, row in enumerate(self.rows)]
        return SheetTable(self.name, trim_rows(rows),
                          [m for m in self.merged if kept(m[0]) and kept(m[2])],
                          {k: v for k, v in self.comments.items() if kept(k[0])},
                          self.hidden, self.transposed,
                          frozenset(k for k in self.bold if kept(k[0])))

    def is_bold(self, row: int, column: int) -> bool:
        return (row, column) in self.bold

    def transpose(self) -> SheetTable:
        """The same sheet with rows and columns swapped (touchpoints across -> down)."""
        width = self.width
        rows = [[row[c] if c < len(row) else "" for row in self.rows] for c in range(width)]
        for row in rows:
            while row and not row[-1]:
                row.pop()
        return SheetTable(self.name, trim_rows(rows),
                          [(c0, r0, c1, r1) for r0, c0, r1, c1 in self.merged],
                          {(c, r): text for (r, c), text in self.comments.items()},
                          self.hidden, not self.transposed,
                          frozenset((c, r) for r, c in self.bold))

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def value(self, row: int, column: int) -> str:
        if 0 <= row < len(self.rows):
            cells = self.rows[row]
            if 0 <= column < len(cells):
                return cells[column]
        return ""

    def merged_across(self, row: int) -> bool:
        """Whether a merged range covers this row and spans several columns."""
        if self._across is None:
            last = len(self.rows) - 1
            self._across = {r for r0, c0, r1, c1 in self.merged if c1 > c0
                            for r in range(r0, min(r1, last) + 1)}
        return row in self._across


def listed(names: Sequence[str], shown: int = 5) -> str:
    """Names for a message: the first few, then how many more ("'A', 'B' and 2,998 more")."""
    text = ", ".join(repr(name[:60]) for name in names[:shown])
    more = len(names) - shown
    return f"{text} and {more:,} more" if more > 0 else text


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number - 1


def cell_ref(row: int, column: int) -> str:
    """0-based (row, column) -> "B7"."""
    return f"{column_letter(column)}{row + 1}"


def to_text(value: object) -> str:
    """A cell value as the text a person sees."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def text_row(values: Sequence[object]) -> list[str]:
    """A row of values as text, trailing empty cells dropped."""
    try:
        row = list(map(str.strip, values))  # type: ignore[arg-type]
    except TypeError:  # not all text: numbers, dates, None
        row = [v.strip() if isinstance(v, str) else to_text(v) for v in values]
    while row and not row[-1]:
        row.pop()
    return row


def trim_rows(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing blank rows (formatted but empty rows at the end of a sheet)."""
    end = len(rows)
    while end and not any(rows[end - 1]):
        end -= 1
    del rows[end:]
    return rows
