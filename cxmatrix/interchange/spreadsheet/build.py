"""Build a Matrix from a sheet, a Layout and a code mapping, and report what was done.

Rows are sorted into touchpoints, stage headings (a label and nothing else, followed by
touchpoints), and rows that are left out with a reason: legends, totals, placeholders, rows
below the table, codes without a touchpoint name. A grid's cells go through the code mapping;
a list's role columns name departments. Nothing here touches a file or Qt; the result is a new
Matrix, so an import that fails leaves nothing half-done.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, compress

from cxmatrix.domain.codes import (
    NOBODY_CODES,
    TARGET_ROLES,
    CodeMapping,
    Target,
    normalise_code,
    roles_for_row,
)
from cxmatrix.domain.limits import (
    MAX_DEPARTMENTS,
    MAX_NAME_LENGTH,
    MAX_STAGES,
    MAX_TOUCHPOINTS,
)
from cxmatrix.domain.model import (
    Department,
    Matrix,
    Touchpoint,
    derive_code,
    name_key,
)
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.layout import GRID, Layout
from cxmatrix.interchange.spreadsheet.report import CodeUse, ImportReport
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, column_letter

DEFAULT_STAGE = "Touchpoints"
_LIST_SPLIT = re.compile(r"\s*[;,\n]\s*")
_FLAG_TRUE = {"yes", "y", "true", "x", "1", "✓", "✔", "☑", "peak", "end", "ja", "oui", "si",
              "sí", "*", "•"}
_FLAG_FALSE = {"", "no", "n", "false", "0", "-", "–", "nee", "non"}
_LEGEND = re.compile(r"^(legend|key)\b|^\(?[a-z]{1,3}\)?\s*(=|:|\s[-–—]\s)\s*[a-z]",
                     re.IGNORECASE)
_TOTAL = re.compile(r"^(total|totals|sum|count|subtotal|grand total)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(tbd|tbc|todo|to do|\.\.\.|…|\?+|xxx+|placeholder|example|"
                          r"add (more|new|rows?).*|[(<\[]\s*(add|insert).*|new touchpoint)$",
                          re.IGNORECASE)
# "PHASE 1", "FASE 3", "Stage II", "Étape 2": a heading row whatever else the row holds.
_PHASE = re.compile(r"^(phase|fase|stage|étape|etape|etapa|stufe|phas|lot|tappa|faza|этап|"
                    r"фаза)\s*([\dIVX]+|[A-Z])\b", re.IGNORECASE)
_WBS = re.compile(r"^\d+(\.\d+)*\.?$")
_NUMBER = re.compile(r"[-+]?[\d.,]+%?")
_UNKNOWN = object()
MAX_TEXT_ROWS = 4  # a touchpoint's text written over at most this many rows


@dataclass
class BuildOutcome:
    matrix: Matrix
    report: ImportReport
    source_rows: dict[int, int] = field(default_factory=dict)  # touchpoint id -> sheet row


def _filled_rows(table: SheetTable, layout: Layout) -> list[list[str]]:
    """The table's rows with the values merged ranges show in cells other than their first:
    the label and stage columns of vertical ranges, and ranges that lie within the role
    columns. A row is copied only when something is filled into it.

    Each range costs the cells it covers within the table and the columns that matter, not
    its rows times its columns: a range reaching to row 1,048,576 or column XFD costs what
    the table holds. The reader refuses overlapping ranges, so all of them together cost at
    most the table's cells.
    """
    rows = table.rows
    if not table.merged:
        return rows
    filled = list(rows)
    copied: set[int] = set()
    role_columns = sorted(c.index for c in layout.department_columns)
    edge_columns = [c for c in (layout.label_column, layout.stage_column) if c is not None]
    first = layout.header_row + 1
    last = len(rows) - 1
    for r0, c0, r1, c1 in table.merged:
        if r1 < first or r0 > last:
            continue
        value = table.value(r0, c0)
        if not value:
            continue
        roles_inside = bisect_right(role_columns, c1) - bisect_left(role_columns, c0)
        if roles_inside == c1 - c0 + 1:
            columns: list[int] | range = range(c0, c1 + 1)
        elif r1 > r0:
            columns = [c for c in edge_columns if c0 <= c <= c1]
        else:
            continue
        for row in range(max(r0, first), min(r1, last) + 1):
            cells = filled[row]
            for column in columns:
                if (row, column) == (r0, c0) or (column < len(cells) and cells[column]):
                    continue
                if row not in copied:
                    cells = filled[row] = list(cells)
                    copied.add(row)
                if column >= len(cells):
                    cells.extend([""] * (column + 1 - len(cells)))
                cells[column] = value
    return filled


def collect_codes(table: SheetTable, layout: Layout) -> dict[str, CodeUse]:
    """Each distinct raw code in the role cells (grid), or each role column heading (list),
    with how many times it is used."""
    uses: dict[str, CodeUse] = {}
    columns = [c.index for c in layout.department_columns]
    body = table.rows[layout.header_row + 1:layout.end_row]
    if layout.shape == GRID:
        counts: dict[str, int] = {}
        if columns and columns == list(range(columns[0], columns[0] + len(columns))):
            # Adjacent columns (the usual grid): one slice per row, counted at C speed.
            counts = Counter(chain.from_iterable(row[columns[0]:columns[-1] + 1]
                                                 for row in body))
            counts.pop("", None)
        else:
            for row in body:
                width = len(row)
                for column in columns:
                    if column < width:
                        text = row[column]
                        if text:
                            counts[text] = counts.get(text, 0) + 1
        for text, count in counts.items():
            key = normalise_code(text)
            use = uses.get(key)
            if use is None:
                uses[key] = CodeUse(key, text, count)
            else:
                use.count += count
                if count > use.count - count:
                    use.display = text
    else:
        for choice in layout.department_columns:
            key = normalise_code(choice.header)
            count = 0
            for row in body:
                if choice.index < len(row) and row[choice.index]:
                    count += sum(1 for name in _LIST_SPLIT.split(row[choice.index]) if name)
            uses[key] = CodeUse(key, choice.header, count, choice.target)
    return uses


class _Builder:
    def __init__(self, table: SheetTable, layout: Layout, mapping: CodeMapping,
                 report: ImportReport, max_touchpoints: int | None,
                 progress: Progress | None) -> None:
        self.table = table
        self.layout = layout
        self.mapping = mapping
        self.report = report
        self.max_touchpoints = max_touchpoints
        self.progress = progress
        self.matrix = Matrix(title=table.name or "Imported matrix")
        self.rows = _filled_rows(table, layout)
        self.source_rows: dict[int, int] = {}
        self.stage_ids: dict[str, int] = {}
        self.stage_texts: dict[str, int] = {}  # stage_id's answers by the text as written
        self.department_ids: dict[str, int] = {}
        self.codes_taken: list[str] = []
        self.role_columns = [c.index for c in layout.department_columns]
        self.column_departments: dict[int, int] = {}
        self.raw_targets: dict[str, object] = {}
        self.column_pairs: list[tuple[int, int]] = []
        self.role_counts: dict[Role, int] = dict.fromkeys(Role, 0)
        # The direct path of grid_roles (_direct_span): the department columns' slice, their
        # departments, each code seen with the role it gives alone, and the rows it made.
        self.role_span: tuple[int, int] | None = None
        self.span_departments: list[int] = []
        self.direct_roles: dict[str, Role] = {}
        self.direct_rows: list[dict[int, Role]] = []
        self.end = len(self.rows) if layout.end_row is None else min(layout.end_row,
                                                                       len(self.rows))
        self.id_columns = {c for c, _h, reason in layout.ignored_columns
                           if "IDs" in reason or "numbers" in reason}
        self.continued = self._continued_rows()
        self.joined: dict[int, list[str]] = {}  # touchpoint row -> text of the rows below
        self._bold_labels: bool | None = None

    # ---- helpers ----------------------------------------------------------------------------

    def value(self, row: int, column: int | None) -> str:
        if column is None:
            return ""
        cells = self.rows[row]
        return cells[column] if column < len(cells) else ""

    def refuse(self, count: int, what: str, limit: int) -> ImportFailed:
        where = self.report.source + (f", sheet {self.report.sheet!r}" if self.report.sheet
                                      else "")
        return ImportFailed(f"{where}: more than {count - 1:,} {what}; a matrix holds at most "
                            f"{limit:,}")

    def stage_id(self, name: str) -> int:
        found = self.stage_texts.get(name)  # (a large sheet repeats a few stage names)
        if found is None:
            found = self.stage_texts[name] = self._stage_id(name)
        return found

    def _stage_id(self, name: str) -> int:
        name = name.replace("\u00a0", " ").replace("\u202f", " ")  # "FASE\u00a03"
        key = name_key(name)
        found = self.stage_ids.get(key)
        if found is None:
            if len(self.stage_ids) >= MAX_STAGES:
                raise self.refuse(MAX_STAGES + 1, "stages", MAX_STAGES)
            found = self.matrix.new_id()
            self.matrix.load_stage(found, name.strip()[:MAX_NAME_LENGTH])
            self.stage_ids[key] = found
        return found

    def department_id(self, name: str) -> int:
        key = name_key(name)
        found = self.department_ids.get(key)
        if found is None:
            if len(self.department_ids) >= MAX_DEPARTMENTS:
                raise self.refuse(MAX_DEPARTMENTS + 1, "departments", MAX_DEPARTMENTS)
            code = derive_code(name, self.codes_taken)
            self.codes_taken.append(code)
            found = self.matrix.new_id()
            self.matrix.load_department(Department(found, name.strip()[:MAX_NAME_LENGTH],
                                                   code))
            self.department_ids[key] = found
        return found

    def new_department_for_column(self, column: int, header: str) -> None:
        name = " ".join(header.split()) or f"Column {column_letter(column)}"
        if name_key(name) in self.department_ids:
            base, number = name, 2
            while name_key(f"{base} ({number})") in self.department_ids:
                number += 1
            name = f"{base} ({number})"
            self.report.renamed.append(
                f"Column {column_letter(column)} repeats the department {base!r}: imported "
                f"as {name!r}.")
        self.column_departments[column] = self.department_id(name)

    def target_of(self, text: str) -> object:
        found = self.raw_targets.get(text)
        if found is None:
            target = self.mapping.entries.get(normalise_code(text))
            found = _UNKNOWN if target is None else target
            self.raw_targets[text] = found
        return found

    def direct_role(self, text: str) -> Role | None:
        """The role a code gives on its own (Own, Influence, Handle), None when it depends
        on the row or gives none."""
        return TARGET_ROLES.get(self.target_of(text))  # type: ignore[call-overload, no-any-return]

    # ---- rows -------------------------------------------------------------------------------

    def build(self) -> BuildOutcome:
        layout = self.layout
        report = self.report
        if layout.shape != GRID and layout.transposed:
            self.build_department_rows()
            return self.finish()
        if layout.shape == GRID:
            if len(layout.department_columns) > MAX_DEPARTMENTS:
                raise self.refuse(MAX_DEPARTMENTS + 1, "departments (one per column)",
                                  MAX_DEPARTMENTS)
            for choice in layout.department_columns:
                self.new_department_for_column(choice.index, choice.header)
            self.column_pairs = list(self.column_departments.items())
            self._direct_span()
        attribute_columns = set(layout.attributes.values())
        events: list[tuple[str, int, str]] = []  # (kind, row, text)
        current_stage = ""
        touchpoints = 0
        raw_rows = self.table.rows
        rows = self.rows
        total = self.end
        role_columns = self.role_columns
        label_column = layout.label_column
        continued = self.continued
        last_touchpoint = -1
        span = self.role_span
        for row_index in range(layout.header_row + 1, total):
            raw = raw_rows[row_index]
            if not raw:
                continue
            cells = rows[row_index]
            if self.progress is not None and row_index % 2000 == 0:
                self.progress.step(row_index, total, "Importing rows")
            width = len(cells)
            label = self.value(row_index, label_column)
            has_roles = any(cells[span[0]:span[1]]) if span is not None else any(
                column < width and cells[column] for column in role_columns)
            if layout.stage_column is not None:
                stage_text = self.value(row_index, layout.stage_column)
                if stage_text and not label and not has_roles:
                    current_stage = stage_text
                    events.append(("stage", row_index, stage_text))
                    continue
                if stage_text:
                    current_stage = stage_text
            if not label:
                if has_roles:
                    report.skip_row("role codes but no touchpoint name", self.table.line(row_index))
                continue
            if continued and has_roles and last_touchpoint >= 0:
                top = continued.get(row_index)
                if top is not None and top == last_touchpoint and not any(
                        column < len(raw) and raw[column] for column in role_columns):
                    # Its codes are merged down from the row above: the touchpoint's text
                    # goes on over this row.
                    if label_column < len(raw) and raw[label_column]:
                        self.joined.setdefault(last_touchpoint, []).append(label)
                        report.skip_row("the touchpoint's text goes on from the row above "
                                        "(its codes are merged over both): text joined",
                                        self.table.line(row_index))
                    continue
            if not has_roles:
                reason = self.not_a_touchpoint(label)
                if reason:
                    report.skip_row(reason, self.table.line(row_index))
                    continue
                if layout.stage_rows and self.looks_like_heading(row_index, raw,
                                                                 attribute_columns):
                    events.append(("heading", row_index, self.heading_text(row_index, raw)))
                    continue
            else:
                reason = self.not_a_touchpoint(label)
                if reason is None and _LEGEND.match(label):
                    reason = "a legend"
                if reason is None and layout.shape == GRID and self.numbers_only(raw):
                    reason = "numbers, not role codes (a totals row?)"
                if reason:
                    report.skip_row(reason, self.table.line(row_index))
                    continue
            events.append(("touchpoint", row_index, current_stage))
            last_touchpoint = row_index
            touchpoints += 1
            if touchpoints > MAX_TOUCHPOINTS:
                raise self.refuse(touchpoints, "touchpoints", MAX_TOUCHPOINTS)
            if self.max_touchpoints is not None and touchpoints >= self.max_touchpoints:
                break
        self.apply(events)
        return self.finish()

    def finish(self) -> BuildOutcome:
        report = self.report
        counts = self.role_counts
        for role, count in Counter(chain.from_iterable(map(dict.values,
                                                            self.direct_rows))).items():
            counts[role] += count
        for role, count in self.role_counts.items():
            report.roles[role] += count
        self.matrix.load_finished()
        report.touchpoints = self.matrix.touchpoint_count
        report.departments = len(self.matrix.departments)
        report.stages = len(self.matrix.stages)
        return BuildOutcome(self.matrix, report, self.source_rows)

    def build_department_rows(self) -> None:
        """A list turned around: each row a department, its role columns naming touchpoints
        ("Owns: Demo; Contract")."""
        layout = self.layout
        report = self.report
        touchpoints: dict[str, int] = {}
        targets: dict[int, dict[int, Target]] = {}
        for row_index in range(layout.header_row + 1, self.end):
            if self.progress is not None and row_index % 2000 == 0:
                self.progress.step(row_index, self.end, "Importing rows")
            department = self.value(row_index, layout.label_column)
            listed = [(c, self.value(row_index, c.index)) for c in layout.department_columns]
            listed = [(c, text) for c, text in listed if text]
            if not department:
                if listed:
                    report.skip_row("touchpoints listed but no department name",
                                    self.table.line(row_index))
                continue
            reason = self.not_a_touchpoint(department)
            if reason:
                report.skip_row(reason, self.table.line(row_index))
                continue
            department_id = self.department_id(department)
            for choice, text in listed:
                target = self.mapping.entries.get(normalise_code(choice.header), choice.target)
                for name in _LIST_SPLIT.split(text):
                    name = name.strip()
                    if not name:
                        continue
                    if name.casefold() in NOBODY_CODES:
                        report.no_role_cells += 1
                        continue
                    key = name_key(name)
                    touchpoint_id = touchpoints.get(key)
                    if touchpoint_id is None:
                        if len(touchpoints) >= MAX_TOUCHPOINTS:
                            raise self.refuse(MAX_TOUCHPOINTS + 1, "touchpoints",
                                              MAX_TOUCHPOINTS)
                        if self.max_touchpoints is not None and \
                                len(touchpoints) >= self.max_touchpoints:
                            continue
                        touchpoint = Touchpoint(self.matrix.new_id(),
                                                self.stage_id(DEFAULT_STAGE),
                                                name[:MAX_NAME_LENGTH])
                        self.matrix.load_touchpoint(touchpoint)
                        touchpoint_id = touchpoints[key] = touchpoint.id
                        self.source_rows[touchpoint_id] = row_index + 1
                    if target is None:
                        report.skip_cell(f"column {choice.header!r} has no role",
                                         self.table.ref(row_index, choice.index))
                        continue
                    row_targets = targets.setdefault(touchpoint_id, {})
                    previous = row_targets.get(department_id)
                    if previous is None or target.strength > previous.strength:
                        row_targets[department_id] = target
        for touchpoint_id, row_targets in targets.items():
            self.store_roles(touchpoint_id, list(row_targets), list(row_targets.values()))

    def not_a_touchpoint(self, label: str) -> str | None:
        if self.layout.shape == GRID and label.casefold() in self.mapping.entries and \
                len(label) <= 3:
            return "a legend (the name is a role code)"
        if _LEGEND.match(label) and len(label) < 200 and (
                "=" in label or label.casefold().startswith(("legend", "key"))):
            return "a legend"
        if _TOTAL.match(label):
            return "a totals row"
        if _PLACEHOLDER.match(label):
            return "a placeholder"
        return None

    def numbers_only(self, cells: list[str]) -> bool:
        width = len(cells)
        found = False
        for column in self.role_columns:
            text = cells[column] if column < width else ""
            if text:
                if not _NUMBER.fullmatch(text):
                    return False
                found = True
        return found

    def looks_like_heading(self, row: int, cells: list[str], attribute_columns: set[int]
                           ) -> bool:
        """A row with a label and no codes is a stage heading when it says so: nothing else
        in it but ids (a WBS number with rows numbered under it), merged across the table,
        in bold where the touchpoints are not, or "PHASE 1" / "FASE 3"."""
        label_column = self.layout.label_column
        label = cells[label_column] if label_column < len(cells) else ""
        if _PHASE.match(label) or self.bold_heading(row):
            return True
        filled = [c for c, v in enumerate(cells) if v]
        if any(c in attribute_columns for c in filled):
            return False
        if len(filled) == 1 or self.table.merged_across(row):
            return True
        others = [c for c in filled if c != label_column]
        if others and all(c in self.id_columns for c in others):
            return all(not _WBS.match(cells[c]) or self.has_children(row, c) for c in others)
        return False

    def bold_heading(self, row: int) -> bool:
        table = self.table
        if not table.bold:
            return False
        column = self.layout.label_column
        if not table.is_bold(row, column):
            return False
        if self._bold_labels is None:
            start = self.layout.header_row + 1
            labels = [r for r in range(start, self.end) if self.value(r, column)]
            bold = sum(1 for r in labels if table.is_bold(r, column))
            self._bold_labels = bold >= 0.5 * max(len(labels), 1)
        return not self._bold_labels

    def has_children(self, row: int, column: int) -> bool:
        """Whether the WBS number in this cell ("1", "1.0", "2.1") has rows numbered under
        it: the next numbered row's number extends it ("1.1", "2.1.1")."""
        number = self.value(row, column).rstrip(".")
        while number.endswith(".0"):
            number = number[:-2]
        for below in range(row + 1, min(self.end, row + 50)):
            text = self.value(below, column)
            if text:
                return text.startswith(number + ".")
        return False

    def heading_text(self, row: int, cells: list[str]) -> str:
        label_column = self.layout.label_column
        label = cells[label_column] if label_column < len(cells) else ""
        return label or next((v for v in cells if v), "")

    def _continued_rows(self) -> dict[int, int]:
        """Rows that go on with the touchpoint above: every code of a row above is merged
        down over them, and they have no code of their own. Row -> that row above."""
        role_columns = set(self.role_columns)
        found: dict[int, int] = {}
        if not role_columns or self.layout.shape != GRID or not self.table.merged:
            return found
        covering: dict[int, dict[int, set[int]]] = {}  # row -> first row -> columns
        for r0, c0, r1, c1 in self.table.merged:
            # Text goes on over a few rows; a code merged down a long run of rows gives the
            # same role to each touchpoint it covers.
            if r0 < r1 <= r0 + MAX_TEXT_ROWS - 1 and c0 in role_columns and \
                    r0 > self.layout.header_row:
                for row in range(r0 + 1, min(r1, self.end - 1) + 1):
                    covering.setdefault(row, {}).setdefault(r0, set()).update(
                        c for c in range(c0, c1 + 1) if c in role_columns)
        raw = self.table.rows
        for row, tops in covering.items():
            for top, columns in tops.items():
                cells = raw[top]
                coded = {c for c in role_columns if c < len(cells) and cells[c]}
                if coded and coded <= columns:
                    found[row] = top
                    break
        return found

    def apply(self, events: list[tuple[str, int, str]]) -> None:
        report = self.report
        last_touchpoint = max((i for i, e in enumerate(events) if e[0] == "touchpoint"),
                              default=-1)
        current = ""
        for index, (kind, row, text) in enumerate(events):
            if kind == "heading":
                if index > last_touchpoint:
                    report.skip_row("text below the table (a note or legend?)",
                                    self.table.line(row))
                    continue
                current = text
                self.stage_id(current)
                report.stage_headings += 1
            elif kind == "stage":
                self.stage_id(text)
            else:
                stage_name = text if self.layout.stage_column is not None else current
                self.add_touchpoint(row, stage_name or DEFAULT_STAGE)

    def add_touchpoint(self, row: int, stage_name: str) -> None:
        layout = self.layout
        matrix = self.matrix
        stage_id = self.stage_id(stage_name)
        name = self.value(row, layout.label_column)
        if row in self.joined:
            name = " ".join([name, *self.joined[row]])
        name = name[:MAX_NAME_LENGTH]
        values: dict[str, object] = {}
        notes: list[str] = []
        for key, column in layout.attributes.items():
            text = self.value(row, column)
            if key in ("peak", "end"):
                flag = text.strip().casefold()
                if flag in _FLAG_TRUE:
                    values[key] = True
                elif flag not in _FLAG_FALSE:
                    values[key] = True
                    self.report.skip_cell(f"{key} flag read as yes", self.table.ref(row, column))
            elif key == "notes":
                if text:
                    notes.append(text)
            elif text:
                values[key] = text[:MAX_NAME_LENGTH * 10]
        comment = self.table.comments.get((row, layout.label_column)) if \
            self.table.comments else None
        if comment:
            notes.append(comment)
        if notes:
            values["notes"] = "\n".join(notes)
            self.report.touchpoint_notes += 1
        touchpoint = Touchpoint(matrix.new_id(), stage_id, name, **values)  # type: ignore[arg-type]
        matrix.load_touchpoint(touchpoint)
        self.source_rows[touchpoint.id] = row + 1
        if layout.shape == GRID:
            self.grid_roles(row, touchpoint.id)
        else:
            self.list_roles(row, touchpoint.id)

    def _direct_span(self) -> None:
        """Prepare grid_roles' direct path when the department columns are adjacent and in
        order."""
        columns = [column for column, _department in self.column_pairs]
        if not columns or columns != list(range(columns[0], columns[0] + len(columns))):
            return
        self.role_span = (columns[0], columns[-1] + 1)
        self.span_departments = [department for _column, department in self.column_pairs]

    def grid_roles(self, row: int, touchpoint_id: int) -> None:
        # The hot loop of a large import: roles_for_row's rule, inlined. A definite Own
        # anywhere in the row turns each "Own unless owned" (RACI's R) into Influence.
        cells = self.rows[row]
        comments = self.table.comments
        span = self.role_span
        if span is not None and not comments:
            # Adjacent department columns: the row's slice picks the filled cells at C speed;
            # when each of their codes maps straight to a role, that is the row.
            texts = cells[span[0]:span[1]]
            filled_texts = list(filter(None, texts))
            direct = self.direct_roles
            roles = list(map(direct.get, filled_texts))
            if None in roles:  # a code not met before, or one that gives no role alone
                for text in filled_texts:
                    if text not in direct and text not in self.raw_targets:
                        role = self.direct_role(text)
                        if role is not None:
                            direct[text] = role
                roles = list(map(direct.get, filled_texts))
            if None not in roles:
                if roles:
                    row_roles = dict(zip(compress(self.span_departments, texts), roles,
                                         strict=True))
                    self.matrix.load_roles(touchpoint_id, row_roles)
                    self.direct_rows.append(row_roles)
                return
        report = self.report
        row_roles = {}
        conditional: list[int] = []
        owned = False
        width = len(cells)
        raw_targets = self.raw_targets
        if comments:
            filled = []
            for column, department_id in self.column_pairs:
                note = comments.get((row, column))
                if note:
                    self.matrix.load_note(touchpoint_id, department_id, note)
                    report.cell_notes += 1
                if column < width and cells[column]:
                    filled.append((column, department_id, cells[column]))
        else:  # most cells of a large grid are empty: only the filled ones are looked at
            filled = [(column, department_id, text) for column, department_id in
                      self.column_pairs if column < width and (text := cells[column])]
        for column, department_id, text in filled:
            target = raw_targets.get(text)
            if target is None:
                target = self.target_of(text)
            if target is _UNKNOWN:
                report.skip_cell(f"code {text!r} not understood", self.table.ref(row, column))
            elif target is Target.OWN:
                row_roles[department_id] = Role.OWN
                owned = True
            elif target is Target.OWN_UNLESS_OWNED:
                conditional.append(department_id)
            elif target is Target.NO_ROLE:
                report.no_role_cells += 1
            else:
                row_roles[department_id] = TARGET_ROLES[target]  # type: ignore[index]
        for department_id in conditional:
            row_roles[department_id] = Role.INFLUENCE if owned else Role.OWN
        if row_roles:
            self.matrix.load_roles(touchpoint_id, row_roles)
            counts = self.role_counts
            for role in row_roles.values():
                counts[role] += 1

    def list_roles(self, row: int, touchpoint_id: int) -> None:
        strongest: dict[int, Target] = {}
        for choice in self.layout.department_columns:
            text = self.value(row, choice.index)
            if not text:
                continue
            target = self.mapping.entries.get(normalise_code(choice.header), choice.target)
            for name in _LIST_SPLIT.split(text):
                name = name.strip().strip(".")
                if not name:
                    continue
                if name.casefold() in NOBODY_CODES or name.casefold() in ("tbd", "tbc", "?"):
                    self.report.no_role_cells += 1
                    continue
                if not any(ch.isalpha() for ch in name):
                    self.report.skip_cell(f"{name!r} is not a department name",
                                          self.table.ref(row, choice.index))
                    continue
                department_id = self.department_id(name)
                if target is None:
                    self.report.skip_cell(f"column {choice.header!r} has no role",
                                          self.table.ref(row, choice.index))
                    continue
                previous = strongest.get(department_id)
                if previous is None or target.strength > previous.strength:
                    strongest[department_id] = target
        self.store_roles(touchpoint_id, list(strongest), list(strongest.values()))

    def store_roles(self, touchpoint_id: int, departments: list[int],
                    targets: list[Target | None]) -> None:
        if not departments:
            return
        roles = roles_for_row(targets)
        row_roles: dict[int, Role] = {}
        counter = self.report.roles
        for department_id, role in zip(departments, roles, strict=True):
            if role is None:
                self.report.no_role_cells += 1
            else:
                row_roles[department_id] = role
                counter[role] += 1
        if row_roles:
            self.matrix.load_roles(touchpoint_id, row_roles)


def build(table: SheetTable, layout: Layout, mapping: CodeMapping, report: ImportReport, *,
          max_touchpoints: int | None = None, progress: Progress | None = None) -> BuildOutcome:
    """A new matrix from ``table`` as ``layout`` describes it."""
    return _Builder(table, layout, mapping, report, max_touchpoints, progress).build()

