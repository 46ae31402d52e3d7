"""What the importer found in a sheet (or what the user chose instead): the :class:`Layout`.

Detection fills a Layout; the wizard shows it and lets the user change it; building reads it.
Column and row numbers are 0-based; ``describe`` gives the spreadsheet's own names (B, row 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from cxmatrix.domain.codes import Target
from cxmatrix.interchange.spreadsheet.sheet_table import column_letter

GRID = "grid"
LIST = "list"


@dataclass
class ColumnChoice:
    """A column that may be a department (grid) or a role column (list)."""

    index: int
    header: str
    included: bool
    reason: str = ""  # why it is left out, or what it is
    target: Target | None = None  # list shape: the role its departments get

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class TableRegion:
    """One table seen on a sheet: its rows (0-based, ``end`` exclusive), what it is, and how
    much of it is role codes (the matrix of codes is the one imported by default)."""

    top: int
    end: int
    shape: str
    headings: list[str] = field(default_factory=list)
    code_cells: int = 0

    @property
    def rows(self) -> str:
        return f"rows {self.top + 1}-{self.end}" if self.end - self.top > 1 else \
            f"row {self.top + 1}"

    def label(self) -> str:
        """"rows 1-6: a list ('Deliverable', 'Owner', 'Due')"."""
        kind = "a grid of role codes" if self.shape == GRID else "a list of names"
        shown = ", ".join(repr(h[:40]) for h in self.headings[:4])
        more = " …" if len(self.headings) > 4 else ""
        return f"{self.rows}: {kind}" + (f" ({shown}{more})" if shown else "")


@dataclass
class Layout:
    shape: str
    header_row: int
    label_column: int
    stage_column: int | None = None
    stage_rows: bool = False
    columns: list[ColumnChoice] = field(default_factory=list)
    attributes: dict[str, int] = field(default_factory=dict)  # touchpoint field -> column
    group_row: int | None = None
    ignored_columns: list[tuple[int, str, str]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    # Grid: the sheet runs the other way (touchpoints across); rows and columns here are the
    # sheet's columns and rows. List: each row is a department, its cells list touchpoints.
    transposed: bool = False
    # Where the table stops (exclusive; None: at the end of the sheet), and the blocks of rows
    # below it that are something else: (first row, last row, what), 0-based.
    end_row: int | None = None
    after_table: list[tuple[int, int, str]] = field(default_factory=list)
    # Two heading rows: the row naming single columns, when it is not ``header_row`` (the
    # last heading row; data starts below it).
    names_row: int | None = None
    # What detection saw and decided, in words, for the report ("Department columns: C-H
    # (codes in 94% of their cells)").
    evidence: list[str] = field(default_factory=list)
    # Every table seen on the sheet, and which of them this layout reads.
    tables: list[TableRegion] = field(default_factory=list)
    table_index: int = 0

    @property
    def top_row(self) -> int:
        """The first heading row (rows above it may hold a title, a legend, facts)."""
        return min(r for r in (self.header_row, self.group_row, self.names_row)
                   if r is not None)

    @property
    def department_columns(self) -> list[ColumnChoice]:
        return [c for c in self.columns if c.included]

    def with_column(self, index: int, included: bool) -> Layout:
        """A copy with one candidate column switched on or off."""
        columns = [replace(c, included=included) if c.index == index else c
                   for c in self.columns]
        if not any(c.index == index for c in self.columns):
            header = self.headers[index] if index < len(self.headers) else ""
            columns.append(ColumnChoice(index, header, included, "chosen by you"))
            columns.sort(key=lambda c: c.index)
        return replace(self, columns=columns)

    def describe(self) -> dict[str, Any]:
        """The layout in the spreadsheet's own terms, for reports and the details dict."""
        def name(index: int | None) -> str | None:
            if index is None:
                return None
            header = self.headers[index] if index < len(self.headers) else ""
            return f"{column_letter(index)} ({header})" if header else column_letter(index)

        def row_name(index: int | None) -> str | None:
            if index is None:
                return None
            header = self.headers[index] if index < len(self.headers) else ""
            return f"{index + 1} ({header})" if header else str(index + 1)

        grid_across = self.transposed and self.shape == GRID
        flipped = {"label_row": row_name(self.label_column),
                   "stage_row": row_name(self.stage_column)} if grid_across else {}
        return {
            **flipped,
            "shape": self.shape,
            "transposed": self.transposed,
            "header_row": self.header_row + 1,
            "headings": f"column {column_letter(self.header_row)}" if grid_across
            else f"row {self.header_row + 1}",
            "label_column": name(self.label_column),
            "stage_column": name(self.stage_column),
            "stage_heading_rows": self.stage_rows,
            "group_row": self.group_row + 1 if self.group_row is not None else None,
            "columns": [
                {"column": c.letter, "header": c.header, "included": c.included,
                 "reason": c.reason, **({"role": c.target.value} if c.target else {}),
                 **({"row": str(c.index + 1)} if grid_across else {})}
                for c in self.columns
            ],
            "attributes": {key: name(index) for key, index in self.attributes.items()},
            "ignored_columns": [{"column": column_letter(i), "header": h, "reason": r}
                                for i, h, r in self.ignored_columns],
            "names_row": self.names_row + 1 if self.names_row is not None else None,
            "end_row": self.end_row,
            "after_table": [{"rows": f"{first + 1}-{last + 1}", "what": what}
                            for first, last, what in self.after_table],
            "evidence": list(self.evidence),
            "tables": [{"rows": t.rows, "shape": t.shape, "headings": t.headings[:8],
                        "code_cells": t.code_cells, "chosen": i == self.table_index}
                       for i, t in enumerate(self.tables)],
        }


# ---- heading vocabulary -----------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


_LABEL_WORDS = {"touchpoint", "touchpoints", "touch", "activity", "activities", "task", "tasks",
                "deliverable", "deliverables", "interaction", "interactions", "process",
                "moment", "moments", "item", "items", "name", "step", "steps", "event",
                "events", "action", "actions", "decision", "decisions", "milestone",
                "milestones", "point de contact", "activité", "activités", "tâche", "tâches",
                "livrable", "livrables", "actividad", "actividades", "tarea", "tareas",
                "entregable", "entregables", "atividade", "atividades", "tarefa", "tarefas",
                "aufgabe", "aufgaben", "tätigkeit", "tätigkeiten", "taak", "taken",
                "activiteit", "activiteiten", "attività", "compito", "compiti"}
_STAGE_WORDS = {"stage", "stages", "phase", "phases", "journey stage", "lifecycle", "section",
                "area", "group"}
_DEPARTMENT_HEADING_WORDS = {"department", "departments", "dept", "depts", "team", "teams",
                             "function", "functions", "unit", "units", "org", "organisation",
                             "organization", "division", "who"}
_DEPARTMENT_NAMES = {"sales", "marketing", "support", "finance", "legal", "product",
                     "engineering", "success", "cs", "csm", "hr", "it", "operations", "ops",
                     "billing", "security", "partnerships", "partners", "training", "services",
                     "procurement", "data", "design", "research", "r&d", "management",
                     "leadership", "executive", "accounts", "account", "revenue", "growth",
                     "compliance", "customer", "service", "pr", "communications", "comms",
                     "brand", "community", "development", "devops", "qa", "infrastructure",
                     "people", "talent", "purchasing", "logistics", "delivery", "implementation",
                     "onboarding team", "professional", "helpdesk", "board", "ceo", "cfo", "cto"}


def is_department_heading(header: str) -> bool:
    """A heading such as "Department" or "Team": the column lists departments."""
    return any(w in _DEPARTMENT_HEADING_WORDS for w in _words(header))


def department_name_share(names: list[str]) -> float:
    """Which share of these texts look like department names (Sales, Customer Success...)."""
    texts = [n for n in names if n]
    if not texts:
        return 0.0
    hits = sum(1 for n in texts if any(w in _DEPARTMENT_NAMES for w in _words(n)) and
               len(_words(n)) <= 4)
    return hits / len(texts)


_ATTRIBUTE_WORDS: dict[str, tuple[str, ...]] = {
    "notes": ("notes", "note", "comments", "comment", "remarks", "remark", "annotation",
              "commentaire", "commentaires", "remarque", "remarques", "comentario",
              "comentarios", "comentário", "comentários", "observaciones", "observações",
              "kommentar", "kommentare", "bemerkung", "bemerkungen", "anmerkung",
              "anmerkungen", "opmerking", "opmerkingen", "commento", "commenti", "nota"),
    "channel": ("channel", "channels", "medium", "media", "via"),
    "category": ("category", "categories", "interacts", "interaction type", "touchpoint type"),
    "description": ("description", "details", "detail", "what happens", "explanation"),
    "metric": ("metric", "metrics", "kpi", "kpis", "measure", "measures", "measured",
               "success measure", "okr"),
    "peak": ("peak", "peak moment", "moment of truth"),
    "end": ("end moment", "end"),
}
_IGNORED_WORDS: dict[str, str] = {
    "status": "status", "priority": "priority", "date": "dates", "dates": "dates",
    "due": "dates", "deadline": "dates", "updated": "dates", "id": "IDs", "ref": "IDs",
    "no": "IDs", "number": "IDs", "#": "IDs",
    "total": "totals", "totals": "totals", "count": "totals", "score": "numbers",
    "effort": "numbers", "cost": "numbers", "budget": "numbers", "hours": "numbers",
    "progress": "status", "percent": "numbers", "sla": "numbers", "frequency": "other",
    "volume": "numbers", "link": "links", "url": "links", "source": "other",
}


_LEGEND_HEADINGS = {"legend", "key", "meaning", "meanings", "definition", "definitions",
                    "symbol", "symbols", "code", "codes", "abbreviation", "abbreviations",
                    "buchstabe", "bedeutung", "legende", "légende", "leyenda", "legenda",
                    "signification", "significado", "betekenis", "significato", "clé",
                    "letter", "letters", "lettre", "lettres", "letra", "letras", "lettera",
                    "sigle", "sigla", "abréviation", "abkürzung", "afkorting"}
_PLACEHOLDER_WORDS = {"name", "names", "role", "roles", "person", "persons", "people", "of",
                      "or", "and", "title", "department", "team", "stakeholder", "enter",
                      "insert", "here", "your", "the", "a", "new", "add", "type", "member",
                      "nom", "nombre", "rol", "rôle", "personne", "persona"}
_PLACEHOLDER_KEYS = {"name", "names", "role", "roles", "person", "persons", "stakeholder",
                     "nom", "nombre", "rol", "rôle", "personne", "persona"}
_DEPARTMENT_AXIS_WORDS = {"role", "roles", "stakeholder", "stakeholders", "people", "person",
                          "persons", "responsibility", "responsibilities", "raci", "who",
                          "owner", "owners", "party", "parties", "resource", "resources"}


def legend_heading(text: str) -> bool:
    """A legend's heading ("Legend", "Key", "Symbol / Meaning", "Buchstabe"): nothing but
    legend words."""
    words = _words(text)
    return 1 <= len(words) <= 2 and all(w in _LEGEND_HEADINGS for w in words)


def is_placeholder_heading(header: str) -> bool:
    """A template's placeholder heading ("Name or Role", "[Name of person]", "<Role 3>"): a
    column waiting to be filled in, not a department."""
    text = header.strip()
    if not text:
        return False
    if text[0] in "[<{(" and text[-1] in "]>})":
        return True
    words = [w for w in _words(text) if not w.isdigit()]
    return bool(words) and all(w in _PLACEHOLDER_WORDS for w in words) and \
        any(w in _PLACEHOLDER_KEYS for w in words)


def names_both_axes(header: str) -> bool:
    """A corner cell that names both axes ("Roles \\ Milestones", "Teams … Deliverables",
    "Tasks / Departments"): it says nothing about which way the table runs."""
    words = _words(header)
    down = any(w in _DEPARTMENT_HEADING_WORDS or w in _DEPARTMENT_AXIS_WORDS for w in words)
    across = any(w in _LABEL_WORDS for w in words)
    return down and across


def label_heading_score(header: str) -> int:
    words = _words(header)
    if not words:
        return 0
    return 2 if any(w in _LABEL_WORDS for w in words) else 0


def is_stage_heading(header: str) -> bool:
    text = " ".join(_words(header))
    return bool(text) and (text in _STAGE_WORDS or any(w in {"stage", "phase", "phases",
                                                              "stages"} for w in _words(header)))


def attribute_of_heading(header: str) -> str | None:
    text = " ".join(_words(header))
    if not text:
        return None
    for key in ("peak", "end"):
        for phrase in _ATTRIBUTE_WORDS[key]:
            if text == phrase or text.startswith(phrase + " "):
                return key
    words = set(_words(header))
    for key, phrases in _ATTRIBUTE_WORDS.items():
        if key in ("peak", "end"):
            continue
        for phrase in phrases:
            if (" " in phrase and phrase in text) or phrase in words:
                return key
    return None


def ignored_reason_of_heading(header: str) -> str | None:
    words = _words(header)
    if header.strip() == "#":
        return "IDs"
    # "Key" or "Legend" alone heads a legend; "Key Management Area" is a heading like others.
    if legend_heading(header):
        return "legend"
    for word in words[:3]:
        if word in _IGNORED_WORDS:
            return _IGNORED_WORDS[word]
    return None
