"""What an import did, for people (lines) and for programs (a dict).

After every import, in the GUI and on the command line: touchpoints, departments and stages
created, cells imported per role, cells skipped with the reason and their cell references
(the first ten, then a count), columns and rows left out, and notes taken from comments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cxmatrix.domain.codes import Target
from cxmatrix.domain.roles import Role

SHOW_REFERENCES = 10


def _letter(number: int) -> str:
    from cxmatrix.interchange.spreadsheet.sheet_table import column_letter

    return column_letter(number - 1)


def _table_words(table: dict[str, Any]) -> str:
    kind = "a grid of role codes" if table["shape"] == "grid" else "a list of names"
    shown = ", ".join(repr(h[:40]) for h in table["headings"][:4])
    return f"{table['rows']} ({kind}" + (f": {shown})" if shown else ")")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


@dataclass
class CodeUse:
    """One distinct raw code found, how often, and what it maps to."""

    key: str
    display: str
    count: int = 0
    target: Target | None = None


@dataclass
class Skipped:
    """Cells or rows left out for one reason, with their references."""

    reason: str
    references: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, reference: str) -> None:
        self.count += 1
        if len(self.references) < SHOW_REFERENCES:
            self.references.append(reference)

    def where(self) -> str:
        shown = ", ".join(self.references)
        more = self.count - len(self.references)
        return f"{shown} and {more:,} more" if more > 0 else shown


@dataclass
class ImportReport:
    source: str
    sheet: str = ""
    shape: str = ""
    touchpoints: int = 0
    departments: int = 0
    stages: int = 0
    roles: Counter[Role] = field(default_factory=Counter)
    no_role_cells: int = 0
    codes: dict[str, CodeUse] = field(default_factory=dict)
    skipped_cells: dict[str, Skipped] = field(default_factory=dict)
    skipped_rows: dict[str, Skipped] = field(default_factory=dict)
    ignored_columns: list[tuple[str, str, str]] = field(default_factory=list)
    touchpoint_notes: int = 0
    cell_notes: int = 0
    mapping_explanation: str = ""
    detected: dict[str, Any] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)
    cxmatrix_workbook: bool = False
    stage_headings: int = 0  # stage heading rows used
    readings: list[str] = field(default_factory=list)  # codes read with a correction

    def skip_cell(self, reason: str, reference: str) -> None:
        self.skipped_cells.setdefault(reason, Skipped(reason)).add(reference)

    def skip_row(self, reason: str, reference: str) -> None:
        self.skipped_rows.setdefault(reason, Skipped(reason)).add(reference)

    def lines(self) -> list[str]:
        where = f"{self.source}, sheet {self.sheet!r}" if self.sheet else self.source
        kind = {"grid": "a grid", "list": "a list"}.get(self.shape, self.shape)
        if self.detected.get("transposed"):
            kind = "a grid with touchpoints across" if self.shape == "grid" else \
                "a list with one row per department"
        lines = []
        if self.cxmatrix_workbook:
            lines.append(f"Read {where}: a workbook exported by cxmatrix.")
        else:
            lines.append(f"Read {where} as {kind}" + (
                f" (headings in {self.detected['headings']})."
                if self.detected.get("headings") else "."))
        if self.detected and not self.cxmatrix_workbook:
            lines.append(self._detection_line())
            lines.extend(self.detected.get("evidence", []))
        lines.append(f"Created {_count(self.touchpoints, 'touchpoint')} in "
                     f"{_count(self.stages, 'stage')} and "
                     f"{_count(self.departments, 'department')}.")
        per_role = ", ".join(f"{self.roles[role]:,} {role.label}" for role in Role)
        lines.append(f"Cells imported: {per_role}" + (
            f"; {_count(self.no_role_cells, 'cell')} with a code meaning no role (such as I, "
            "Informed, or -)" if self.no_role_cells else "") + ".")
        if self.mapping_explanation:
            lines.append(self.mapping_explanation)
        if self.touchpoint_notes or self.cell_notes:
            lines.append(f"Notes taken: {self.touchpoint_notes:,} on touchpoints (from comment "
                         f"columns and comments), {self.cell_notes:,} on cells (from cell "
                         "comments).")
        for skipped in self.skipped_cells.values():
            lines.append(f"Skipped {_count(skipped.count, 'cell')}: {skipped.reason}: "
                         f"{skipped.where()}.")
        lines.extend(self.readings)
        for skipped in self.skipped_rows.values():
            lines.append(f"Left out {_count(skipped.count, 'row')}: {skipped.reason}: "
                         f"{skipped.where()}.")
        axis = "Row" if self.flipped else "Column"
        for letter, header, reason in self.ignored_columns:
            label = f"{letter} ({header!r})" if header else letter
            if reason != "blank spacer column":
                lines.append(f"{axis} {label} is not imported: {reason}.")
        lines.extend(self.renamed)
        lines.extend(self._around_lines())
        return lines

    @property
    def flipped(self) -> bool:
        """A grid read turned: its "columns" are the sheet's rows."""
        return bool(self.detected.get("transposed")) and self.shape == "grid"

    def _around_lines(self) -> list[str]:
        """What lies below the table, and the other tables on the sheet."""
        lines = []
        flipped = self.flipped
        for block in self.detected.get("after_table", []):
            first, _, last = block["rows"].partition("-")
            if flipped:
                span = (f"Column {_letter(int(first))}" if first == last else
                        f"Columns {_letter(int(first))}-{_letter(int(last))}")
                where = "right of the table"
            else:
                span = f"Row {first}" if first == last else f"Rows {first}-{last}"
                where = "below the table"
            lines.append(f"{span} {where}: {block['what']}, not imported.")
        tables = self.detected.get("tables", [])
        if len(tables) > 1:
            chosen = next((t for t in tables if t["chosen"]), tables[0])
            others = [t for t in tables if not t["chosen"]]
            described = "; ".join(_table_words(t) for t in others)
            lines.append(f"This sheet holds {len(tables)} tables: imported the one in "
                         f"{chosen['rows']} (the matrix of role codes). Also seen, not "
                         f"imported: {described}. Choose another table in the import "
                         "window.")
        return lines

    def _detection_line(self) -> str:
        detected = self.detected
        if detected.get("stage_column") and self.flipped:
            stages = f"stages from row {detected['stage_row']}"
        elif detected.get("stage_column"):
            stages = f"stages from column {detected['stage_column']}"
        elif detected.get("stage_heading_rows") and self.stage_headings:
            stages = f"stages from {_count(self.stage_headings, 'heading row')}"
        else:
            stages = "no stages (one stage for all)"
        used = [c for c in detected.get("columns", []) if c["included"]]
        if self.shape == "list":
            roles = ", ".join(
                f"{c['header']} ({Target(c['role']).label if c.get('role') else 'no role'})"
                for c in used)
            columns = f"departments named in {roles}" if roles else "no role columns"
        elif self.flipped:
            columns = f"{len(used)} department rows"
            if used:
                columns += f" ({used[0]['row']} to {used[-1]['row']})"
            return (f"Touchpoint names from row {detected.get('label_row')}; {stages}; "
                    f"{columns}.")
        else:
            columns = f"{len(used)} department columns"
            if used:
                columns += f" ({used[0]['column']} to {used[-1]['column']})"
        return (f"Touchpoint names from column {detected.get('label_column')}; {stages}; "
                f"{columns}.")

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "shape": self.shape,
            "cxmatrix_workbook": self.cxmatrix_workbook,
            "touchpoints": self.touchpoints,
            "departments": self.departments,
            "stages": self.stages,
            "roles": {role.value: self.roles[role] for role in Role},
            "no_role_cells": self.no_role_cells,
            "codes": [{"code": c.display, "count": c.count,
                       "role": c.target.value if c.target else None}
                      for c in self.codes.values()],
            "skipped_cells": [{"reason": s.reason, "count": s.count, "cells": s.references}
                              for s in self.skipped_cells.values()],
            "skipped_rows": [{"reason": s.reason, "count": s.count, "rows": s.references}
                             for s in self.skipped_rows.values()],
            "ignored_columns": [{"column": c, "header": h, "reason": r}
                                for c, h, r in self.ignored_columns],
            "touchpoint_notes": self.touchpoint_notes,
            "cell_notes": self.cell_notes,
            "readings": list(self.readings),
        }
