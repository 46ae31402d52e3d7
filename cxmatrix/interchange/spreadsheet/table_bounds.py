"""Where a table on a sheet ends, and what the rows below it are.

A table ends at a blank gap followed by something that is not more of it: a legend
("R = Responsible", a "Symbol | Meaning" or "Buchstabe | Bedeutung" table), notes, totals, a
template's "<Add rows as necessary>", or another table (a new heading row). A block after a gap
is more of the table when one of its rows names a touchpoint and has a role code in a
department column. Detection reads only the rows above the end, so a legend's values never
decide which columns are departments, and its rows never become touchpoints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from cxmatrix.interchange.spreadsheet.layout import legend_heading

# "R = Responsible", "A: Accountable", "C - Consulted", "(I) Informed"
LEGEND_LINE = re.compile(r"^\(?[^\W\d_]{1,3}\)?\s*(=|:|\s[-–—]\s|\))\s*\S", re.IGNORECASE)
TOTAL_LINE = re.compile(r"^(total|totals|sum|count|subtotal|grand total|gesamt|summe|totaux?)\b",
                        re.IGNORECASE)
NOTE_LINE = re.compile(r"^(notes?|comments?|remarks?|nb|n\.b\.|bemerkung(en)?|remarques?|"
                       r"observa(ciones|ções|tions?)|hinweis(e)?|anmerkung(en)?)\b", re.IGNORECASE)
ADD_ROWS = re.compile(r"^[<\[({]?\s*(add|insert|ajouter|agregar|añadir|hinzufügen)\b.*\b"
                      r"(rows?|lines?|lignes?|filas?|zeilen?|more|as (needed|necessary|required))"
                      r"\b.*$", re.IGNORECASE)
MAX_BLOCKS_NAMED = 12

# Classes the detector gives cells (see detect.Classifier), by what they are here.
RowClassifier = Callable[[str], bool]


def first_text(row: Sequence[str]) -> str:
    return next((value for value in row if value), "")


def is_legend_line(text: str, is_code: RowClassifier) -> bool:
    """A line of a legend or the table's tail, not a touchpoint: a role code alone, "R =
    Responsible", a legend heading ("Symbol", "Key", "Buchstabe"), totals, notes."""
    stripped = text.strip()
    if not stripped:
        return False
    if len(stripped) <= 3 and is_code(stripped):
        return True
    return bool(LEGEND_LINE.match(stripped) or TOTAL_LINE.match(stripped)
                or NOTE_LINE.match(stripped) or ADD_ROWS.match(stripped)
                or legend_heading(stripped))


def block_kind(rows: Sequence[Sequence[str]], is_code: RowClassifier,
               is_heading_row: Callable[[int], bool], first: int) -> str:
    """What a block of rows below a table is, in words for the report."""
    texts = [first_text(row) for row in rows]
    head = texts[0] if texts else ""
    if legend_heading(head) or any(legend_heading(v) for v in rows[0] if v):
        return "a legend"
    legend = sum(1 for text in texts if is_code(text.strip()) or LEGEND_LINE.match(text))
    if legend and legend >= 0.5 * len(texts):
        return "a legend"
    if all(ADD_ROWS.match(text) for text in texts):
        return "a template's placeholder"
    if TOTAL_LINE.match(head):
        return "totals"
    if NOTE_LINE.match(head) or all(sum(1 for v in row if v) == 1 for row in rows):
        return "notes"
    if len(rows) >= 2 and is_heading_row(first):
        return "another table"
    return "text below the table"


def blocks(rows: Sequence[Sequence[str]], start: int, stop: int) -> list[tuple[int, int]]:
    """The runs of non-blank rows in ``start``..``stop`` (exclusive), as (first, end)."""
    found = []
    index = start
    while index < stop:
        if not any(rows[index]):
            index += 1
            continue
        end = index
        while end < stop and any(rows[end]):
            end += 1
        found.append((index, end))
        index = end
    return found


def table_end(rows: Sequence[Sequence[str]], start: int,
              continues: Callable[[int, int], bool]) -> int:
    """The row (exclusive) where the table that starts at ``start`` ends: at the first gap
    whose next block ``continues`` says is not more of the table."""
    height = len(rows)
    previous_end = None
    index = start
    while index < height:
        if not any(rows[index]):
            index += 1
            continue
        end = index
        while end < height and any(rows[end]):
            end += 1
        if previous_end is not None and index > previous_end and not continues(index, end):
            return previous_end
        previous_end = end
        index = end
    return height if previous_end is None else max(previous_end, start)
