"""Rectangular ranges of cells as tab-separated text, the way Excel and LibreOffice copy them.

Pure functions (no Qt): format a block of role labels, split pasted text into rows and cells
(honouring the quotes spreadsheets put around cells holding tabs or line breaks), and read
roles from it, reporting every cell that is not a role instead of guessing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from cxmatrix.domain.roles import Role, RoleTextError, parse_role_text


def to_tsv(rows: list[list[str]]) -> str:
    """Tab-separated text with quotes only where a cell needs them; ends with a newline."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from pasted text. A trailing line break (spreadsheets add one) does not
    make an extra row; ragged rows are padded with empty cells to a rectangle."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return [[""]]
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=False))
    rows = [row if row else [""] for row in rows]
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


@dataclass(frozen=True)
class ParsedBlock:
    roles: list[list[Role | None]]
    problems: list[str]  # "row 2, column 3: 'Maybe' is not a role (...)"

    @property
    def height(self) -> int:
        return len(self.roles)

    @property
    def width(self) -> int:
        return len(self.roles[0]) if self.roles else 0


def parse_roles(text: str) -> ParsedBlock:
    """Roles from pasted text; every cell that is not a role is listed, none is guessed."""
    cells = parse_tsv(text)
    roles: list[list[Role | None]] = []
    problems: list[str] = []
    for r, row in enumerate(cells, start=1):
        parsed: list[Role | None] = []
        for c, value in enumerate(row, start=1):
            try:
                parsed.append(parse_role_text(value))
            except RoleTextError as error:
                problems.append(f"row {r}, column {c}: {error}")
                parsed.append(None)
        roles.append(parsed)
    return ParsedBlock(roles, problems)
