"""Rectangular ranges of cells as tab-separated text, the way Excel and LibreOffice copy them.

Pure functions (no Qt), so copying and paste planning are tested without widgets:

* format a block of role labels, optionally with a heading row of department names and a
  first column of touchpoint names (``copy_text``);
* split pasted text into rows and cells, honouring the quotes spreadsheets put around cells
  holding tabs or line breaks (``parse_tsv``);
* read roles from it (``read_roles``): Own / Influence / Handle words and letters, and the RACI
  codes other spreadsheets use, through the importer's default code mapping
  (cxmatrix.domain.codes: A -> Own, R -> Own unless the row has an A, C -> Influence,
  I -> no role when the block is RACI), reporting every cell that is neither, never guessing;
* plan a paste (``plan_paste``): where each pasted cell lands, recognising a heading row of
  department names and a first column of touchpoint names (a block copied with headers) and
  mapping those by name, or refusing with one message that says why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from cxmatrix.domain.codes import (
    NOBODY_CODES,
    CodeMapping,
    Target,
    normalise_code,
    resolve_mapping,
    roles_for_row,
)
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role, RoleTextError, parse_role_text

CellChange = tuple[int, int, Role | None]
CORNER = "Touchpoint"  # the top-left cell of a block copied with headers
MAX_LISTED_PROBLEMS = 8
_READING_WORDS = {Target.OWN: "Own", Target.OWN_UNLESS_OWNED: "Own or Influence",
                  Target.INFLUENCE: "Influence", Target.HANDLE: "Handle",
                  Target.NO_ROLE: "no role"}


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


# ---- copying -----------------------------------------------------------------------------------


def copy_text(matrix: Matrix, touchpoint_ids: Sequence[int], department_ids: Sequence[int], *,
              names: bool = False, headers: bool = False) -> str:
    """The roles of a block as tab-separated labels. ``names`` puts each touchpoint's name
    first; ``headers`` adds a heading row of department names too (and implies ``names``),
    so the block keeps its meaning wherever it is pasted."""
    rows: list[list[str]] = []
    if headers:
        rows.append([CORNER, *(matrix.department(d).name for d in department_ids)])
    for tid in touchpoint_ids:
        line = [matrix.touchpoint(tid).name] if names or headers else []
        for dept_id in department_ids:
            role = matrix.role(tid, dept_id)
            line.append(role.label if role is not None else "")
        rows.append(line)
    return to_tsv(rows)


# ---- reading roles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedBlock:
    roles: list[list[Role | None]]
    problems: list[str]  # "row 2, column 3: 'Maybe' is not a role (...)"
    # How codes other than Own / Influence / Handle were read: "A → Own", "I → no role".
    readings: list[str] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.roles)

    @property
    def width(self) -> int:
        return len(self.roles[0]) if self.roles else 0


def _is_empty(value: str) -> bool:
    return normalise_code(value) in NOBODY_CODES or not value.strip()


def _plain_role(value: str) -> Role | RoleTextError | None:
    try:
        return parse_role_text(value)
    except RoleTextError as error:
        return error


def _mapping(cells: Sequence[Sequence[str]]) -> CodeMapping:
    codes: dict[str, int] = {}
    for row in cells:
        for value in row:
            if not _is_empty(value):
                key = normalise_code(value)
                codes[key] = codes.get(key, 0) + 1
    return resolve_mapping("auto", codes)


def read_roles(cells: Sequence[Sequence[str]], *, first_row: int = 1,
               first_column: int = 1) -> ParsedBlock:
    """Roles from a rectangle of cell texts; every cell that is not a role is listed (with
    its row and column counted from ``first_row`` and ``first_column``), none is guessed.

    Own / Influence / Handle words and letters read as themselves. If any cell is not one of
    those, the whole block is read through the importer's default code mapping, so RACI
    charts paste as they import: A (and P) -> Own, R -> Own when its row has no A and
    Influence otherwise, C (and S) -> Influence, I -> no role when the block's other codes
    are RACI ones."""
    plain = [[_plain_role(value) for value in row] for row in cells]
    if all(not isinstance(value, RoleTextError) for row in plain for value in row):
        roles = [[value for value in row if not isinstance(value, RoleTextError)]
                 for row in plain]
        return ParsedBlock(roles, [])
    mapping = _mapping(cells)
    roles = []
    problems: list[str] = []
    readings: dict[str, tuple[Target, str]] = {}
    for r, row in enumerate(cells):
        targets: list[Target | None] = []
        for c, value in enumerate(row):
            if _is_empty(value):
                targets.append(None)
                continue
            target = mapping.target(value)
            if target is None:
                problems.append(f"row {r + first_row}, column {c + first_column}: "
                                f"{value.strip()!r} is not a role (use Own, Influence or Handle, "
                                "or the RACI letters A, R, C, I)")
            else:
                key = normalise_code(value)
                plain_role = plain[r][c]
                plain_target = (Target(plain_role.value) if isinstance(plain_role, Role)
                                else None)
                combined = any(mark in key for mark in "/,;+&| ")  # "A/R": its parts say it
                if plain_target is not target and key not in readings and not combined:
                    shown = value.strip()
                    readings[key] = (target, shown.upper() if len(shown) <= 4 else shown)
            targets.append(target)
        roles.append(roles_for_row(targets))
    ordered = sorted(readings.values(), key=lambda item: (-item[0].strength, item[1]))
    return ParsedBlock(roles, problems,
                       [f"{shown} → {_READING_WORDS[target]}" for target, shown in ordered])


def parse_roles(text: str) -> ParsedBlock:
    """Roles from pasted text (see ``read_roles``)."""
    return read_roles(parse_tsv(text))


# ---- planning a paste --------------------------------------------------------------------------


@dataclass(frozen=True)
class PastePlan:
    """What a paste does: every pasted cell with its role, or why nothing is pasted."""

    changes: list[CellChange]
    problem: str = ""  # non-empty: nothing is pasted, and this says why
    readings: list[str] = field(default_factory=list)
    by_name: bool = False  # headings were recognised and mapped by name

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.changes)

    def status(self) -> str:
        """"Pasted 12 cells; RACI letters read as: A → Own, R → Own or Influence, …"."""
        count = len(self.changes)
        text = f"Pasted {count:,} cell{'s' if count != 1 else ''}"
        if self.by_name:
            text += ", placed by the touchpoint and department names in the headings"
        if self.readings:
            text += "; RACI letters read as: " + ", ".join(self.readings)
        return text + "."


def _listed(problems: list[str]) -> str:
    listed = problems[:MAX_LISTED_PROBLEMS]
    more = len(problems) - len(listed)
    if more:
        listed.append(f"… and {more} more")
    return "\n".join(listed)


def _is_role_code(value: str) -> bool:
    if _is_empty(value) or not isinstance(_plain_role(value), RoleTextError):
        return True
    key = normalise_code(value)
    return key in resolve_mapping("auto", {key: 1}).entries


def _names_some(cells: Sequence[str], names: dict[str, list[int]]) -> bool:
    """Whether ``cells`` look like headings: at least one names something in ``names``, and
    every other non-empty cell is text that is not a role either."""
    found = False
    for value in cells:
        if not value.strip():
            continue
        if value.strip().casefold() in names:
            found = True
        elif _is_role_code(value):
            return False
    return found


def _all_names(cells: Sequence[str]) -> bool:
    """Whether every cell holds text that is not a role (a column of names, known or not)."""
    return bool(cells) and all(value.strip() and not _is_role_code(value) for value in cells)


def _department_names(matrix: Matrix) -> dict[str, list[int]]:
    names: dict[str, list[int]] = {}
    for dept in matrix.departments:
        names.setdefault(dept.name.casefold(), []).append(dept.id)
    for dept in matrix.departments:  # a short code names its department unless it is a name
        if dept.code and dept.code.casefold() not in names:
            names[dept.code.casefold()] = [dept.id]
    return names


def _touchpoint_names(matrix: Matrix) -> dict[str, list[int]]:
    names: dict[str, list[int]] = {}
    for tp in matrix.iter_touchpoints():
        names.setdefault(tp.name.strip().casefold(), []).append(tp.id)
    return names


def _by_name(headings: Sequence[tuple[str, str]], names: dict[str, list[int]],
             what: str) -> tuple[list[int], list[str]]:
    """Ids for (heading, its place in the pasted text) pairs, and the problems."""
    ids: list[int] = []
    problems: list[str] = []
    for heading, place in headings:
        found = names.get(heading.strip().casefold(), [])
        if not heading.strip():
            problems.append(f"{place}: no {what} name")
        elif not found:
            problems.append(f"{place}: {heading.strip()!r} is not a {what} of this matrix")
        elif len(found) > 1:
            problems.append(f"{place}: {len(found)} {what}s are called {heading.strip()!r}")
        else:
            ids.append(found[0])
    return ids, problems


def plan_paste(text: str, matrix: Matrix, *, rows: Sequence[int] | None,
               columns: Sequence[int] | None,
               selected: Sequence[tuple[int, int]] = ()) -> PastePlan:
    """Where pasted text lands.

    ``rows`` are the touchpoint ids shown from the selection's top-left cell down, ``columns``
    the department ids from it to the right (None when that cell is no role cell), and
    ``selected`` the selected cells (one pasted value fills them all). A heading row of
    department names and a first column of touchpoint names are recognised and mapped by
    name, so a block copied with headers lands on the same cells wherever it is pasted."""
    cells = parse_tsv(text)
    depts = _department_names(matrix)
    tps = _touchpoint_names(matrix)
    width = len(cells[0])
    header_row = len(cells) > 1 and (
        _names_some(cells[0], depts) or (width > 1 and _names_some(cells[0][1:], depts)))
    body = cells[1:] if header_row else cells
    first = [row[0] for row in body]
    header_column = width > 1 and (_names_some(first, tps) or _all_names(first))
    first_row, first_column = int(header_row) + 1, int(header_column) + 1
    role_cells = [row[1:] for row in body] if header_column else body
    block = read_roles(role_cells, first_row=first_row, first_column=first_column)
    if block.problems:
        return PastePlan([], "Nothing was pasted: these cells are not roles.\n\n"
                         + _listed(block.problems))
    problems: list[str] = []
    fit: list[str] = []
    dept_ids: list[int] = []
    if header_row:
        headings = cells[0][1:] if header_column else cells[0]
        dept_ids, found = _by_name(
            [(h, f"row 1, column {c}") for c, h in enumerate(headings, start=first_column)],
            depts, "department")
        problems += found
    elif columns is not None:
        dept_ids = list(columns[: block.width])
        if len(dept_ids) < block.width:
            fit.append(f"The pasted block is {block.width} columns wide, but only "
                       f"{len(dept_ids)} departments are right of the selected cell.")
    tp_ids: list[int] = []
    if header_column:
        tp_ids, found = _by_name(
            [(row[0], f"row {r}, column 1") for r, row in enumerate(body, start=first_row)],
            tps, "touchpoint")
        problems += found
    elif rows is not None:
        tp_ids = list(rows[: block.height])
        if len(tp_ids) < block.height:
            fit.append(f"The pasted block has {block.height} rows, but only {len(tp_ids)} "
                       "touchpoints are shown from the selected cell down.")
    if problems:
        return PastePlan([], "Nothing was pasted: these headings do not name one touchpoint "
                         "or department of this matrix.\n\n" + _listed(problems))
    by_name = header_row or header_column
    if not by_name and block.height == 1 and block.width == 1 and len(selected) > 1:
        role = block.roles[0][0]
        return PastePlan([(t, d, role) for t, d in selected], readings=block.readings)
    if (not header_row and columns is None) or (not header_column and rows is None):
        return PastePlan([], "Nothing was pasted. Select the top-left role cell to paste "
                         "into (not a touchpoint name or a stage).")
    if fit:
        return PastePlan([], "Nothing was pasted. " + " ".join(fit))
    changes = [(tid, dept_id, role)
               for tid, line in zip(tp_ids, block.roles, strict=True)
               for dept_id, role in zip(dept_ids, line, strict=True)]
    if not changes:
        return PastePlan([], "Nothing was pasted: the block holds no role cells.")
    return PastePlan(changes, readings=block.readings, by_name=by_name)
