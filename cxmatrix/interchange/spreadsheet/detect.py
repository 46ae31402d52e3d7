"""Find the matrix in a sheet, so the default import is right without touching anything.

Detection looks for the header row below title rows, legends and blank rows; decides whether
the sheet is a **grid** (touchpoints down, departments across, codes in the cells) or a
**list** (one row per touchpoint, with columns such as "Owner" or "Responsible" naming
departments); finds the label column, a stage column or stage heading rows, and which
columns are departments. Columns that are not departments (comments, status, dates, numbers,
IDs, blank spacers, legends beside the table) are kept out, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cxmatrix.domain.codes import (
    NOBODY_CODES,
    Target,
    _preset_words,
    interpret,
    normalise_code,
    role_of_heading,
)
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.layout import (
    GRID,
    LIST,
    ColumnChoice,
    Layout,
    attribute_of_heading,
    department_name_share,
    ignored_reason_of_heading,
    is_department_heading,
    is_stage_heading,
    label_heading_score,
)
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, column_letter

HEADER_SCAN_ROWS = 80
SAMPLE_ROWS = 400

EMPTY, CODE, NOBODY, SHORT, NUMBER, DATE, TEXT, WORD = range(8)
KINDS = 8
_NUMBER = re.compile(r"^[-+]?[\d.,\s]+%?$|^[$€£]\s?[\d.,]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")
_AUTO_WORDS = _preset_words("auto", Target.INFLUENCE)


class Classifier:
    """Sorts cell texts into classes (code, nobody, short unknown token, number, text...)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {"": EMPTY}

    def __call__(self, text: str) -> int:
        found = self._cache.get(text)
        if found is None:
            found = self._classify(text)
            if len(self._cache) < 200_000:
                self._cache[text] = found
        return found

    @staticmethod
    def _classify(text: str) -> int:
        key = normalise_code(text)
        if not key:
            return EMPTY
        if key in NOBODY_CODES:
            return NOBODY
        if len(key) <= 24:
            target = interpret(key, _AUTO_WORDS)
            if target is Target.NO_ROLE:
                return NOBODY if key not in ("informed", "i") else CODE
            if target is not None:
                return CODE if len(key) <= 3 else WORD
        if _NUMBER.match(key):
            return NUMBER
        if _DATE.match(key):
            return DATE
        if len(key) <= 4 and " " not in key:
            return SHORT
        return TEXT


@dataclass
class _ColumnStats:
    nonempty: int = 0
    code: int = 0
    nobody: int = 0
    short: int = 0
    number: int = 0
    date: int = 0
    text: int = 0
    word: int = 0  # a code written as a word ("Own", "Influencer", "Support")
    distinct: int = 0

    @property
    def codeish(self) -> int:
        return self.code + self.word + self.nobody + self.short


class Detector:
    """Detection over one sheet; keeps the classified top of the sheet for reuse."""

    def __init__(self, table: SheetTable) -> None:
        self.table = table
        self.classify = Classifier()
        self.width = table.width
        self._top = min(table.height, HEADER_SCAN_ROWS + SAMPLE_ROWS + 1)
        self._prefix: dict[int, list[list[int]]] = {}
        self.layout_header = 0
        self.loose = False  # accept unknown short marks as codes

    def _column_prefix(self, column: int) -> list[list[int]]:
        """Per class, how many of the first n rows of the sheet's top hold that class."""
        found = self._prefix.get(column)
        if found is None:
            found = [[0] * (self._top + 1) for _ in range(KINDS)]
            classify = self.classify
            running = [0] * KINDS
            for index, row in enumerate(self.table.rows[:self._top]):
                kind = classify(row[column]) if column < len(row) else EMPTY
                running[kind] += 1
                for k in range(KINDS):
                    found[k][index + 1] = running[k]
            self._prefix[column] = found
        return found

    def quick_stats(self, column: int, start: int, stop: int) -> _ColumnStats:
        """Counts without distinct values, from prefix sums (for scoring header rows)."""
        if stop > self._top:
            return self.stats(column, start, stop)
        prefix = self._column_prefix(column)
        counts = [prefix[k][stop] - prefix[k][start] for k in range(KINDS)]
        return _ColumnStats(nonempty=stop - start - counts[EMPTY], code=counts[CODE],
                            nobody=counts[NOBODY], short=counts[SHORT], number=counts[NUMBER],
                            date=counts[DATE], text=counts[TEXT], word=counts[WORD])

    # ---- statistics ------------------------------------------------------------------------

    def stats(self, column: int, start: int, stop: int) -> _ColumnStats:
        stats = _ColumnStats()
        values: set[str] = set()
        classify = self.classify
        for row in self.table.rows[start:stop]:
            if column >= len(row):
                continue
            text = row[column]
            if not text:
                continue
            stats.nonempty += 1
            kind = classify(text)
            if kind == CODE:
                stats.code += 1
            elif kind == NOBODY:
                stats.nobody += 1
            elif kind == SHORT:
                stats.short += 1
            elif kind == NUMBER:
                stats.number += 1
            elif kind == DATE:
                stats.date += 1
            elif kind == WORD:
                stats.word += 1
            else:
                stats.text += 1
            values.add(text.casefold())
        stats.distinct = len(values)
        return stats

    def is_code_column(self, stats: _ColumnStats) -> bool:
        # Numbers do not count against a column of codes: a totals row is common.
        codes = stats.code + stats.word
        considered = stats.nonempty - stats.number
        if self.loose:
            codes += stats.short
        return codes >= 1 and codes + stats.nobody > stats.number and \
            stats.codeish >= 0.8 * considered and codes + stats.nobody >= 0.5 * considered

    def is_name_column(self, stats: _ColumnStats) -> bool:
        """Cells that name departments (a list's role column), or nothing at all."""
        if stats.nonempty == 0:
            return True
        return stats.text + stats.word >= 1 and \
            stats.text + stats.word + stats.short >= 0.5 * stats.nonempty and \
            stats.number + stats.date < 0.5 * stats.nonempty

    def is_code_heading(self, text: str) -> bool:
        """A heading that is itself a role letter ("R", "A/R", "-"): a legend or data, not a
        department name. Words such as "Support" may well be departments."""
        key = normalise_code(text)
        return key in NOBODY_CODES or (len(key.strip("()")) == 1 and self.classify(text) == CODE)

    # ---- header row --------------------------------------------------------------------------

    def _header_candidates(self) -> list[int]:
        rows = self.table.rows
        return [r for r in range(min(len(rows), HEADER_SCAN_ROWS))
                if sum(1 for v in rows[r] if v) >= 2 or
                (sum(1 for v in rows[r] if v) == 1 and r + 1 < len(rows))]

    def grid_score(self, header: int) -> int:
        row = self.table.rows[header]
        score = 0
        for column, text in enumerate(row):
            if not text or self.is_code_heading(text):
                continue
            stop = min(header + 1 + SAMPLE_ROWS, self.table.height)
            stats = self.quick_stats(column, header + 1, stop)
            if self.is_code_column(stats):
                score += 1
        return score

    def known_headings(self, header: int) -> int:
        """How many cells of a row read as headings cxmatrix knows (at most 3)."""
        found = sum(1 for text in self.table.rows[header]
                    if text and (label_heading_score(text) or is_stage_heading(text)
                                 or attribute_of_heading(text)))
        return min(found, 3)

    def list_score(self, header: int) -> int:
        """Role columns naming departments: an owner column counts 2, others 1; a list
        needs 2 (an owner column, or two others: "Support" alone may be a department)."""
        row = self.table.rows[header]
        score = 0
        for column, text in enumerate(row):
            if not text or self.is_code_heading(text):
                continue
            target = role_of_heading(text)
            if target is None:
                continue
            stop = min(header + 1 + SAMPLE_ROWS, self.table.height)
            stats = self.quick_stats(column, header + 1, stop)
            if stats.nonempty and self.is_name_column(stats):
                score += 2 if target in (Target.OWN, Target.OWN_UNLESS_OWNED) else 1
        return score

    # ---- the whole detection -------------------------------------------------------------------

    def detect(self, where: str) -> Layout:
        if not any(any(row) for row in self.table.rows):
            raise ImportFailed(f"{where}: the sheet is empty")
        best_grid = (0, -1)
        best_list = (0, -1)
        best_grid_rank = best_list_rank = 0
        for header in self._header_candidates():
            # Rank rows by the role columns below them, plus the cells that read as known
            # headings ("Touchpoint", "Stage", "Channel"): a data row whose values happen to
            # look like codes must not beat the real heading row.
            known = self.known_headings(header)
            grid = self.grid_score(header)
            if grid and grid + 2 * known > best_grid_rank:
                best_grid, best_grid_rank = (grid, header), grid + 2 * known
            listed = self.list_score(header)
            if listed and listed + 2 * known > best_list_rank:
                best_list, best_list_rank = (listed, header), listed + 2 * known
        if best_grid[0] >= 2 or (best_grid[0] >= 1 and (best_list[0] < 2 or
                                                          best_grid_rank > best_list_rank)):
            return self.grid_layout(best_grid[1])
        if best_list[0] >= 2:
            layout = self.list_layout(best_list[1])
            label_header = layout.headers[layout.label_column]
            layout.transposed = is_department_heading(label_header)
            return layout
        # Last resort: marks nobody reads as a role ("X", "✓") in several columns. Import the
        # touchpoints and departments and report the marks, for the user to map in the wizard.
        self.loose = True
        best_loose = max(((self.grid_score(h), h) for h in self._header_candidates()),
                         default=(0, -1))
        if best_loose[0] >= 2:
            return self.grid_layout(best_loose[1])
        self.loose = False
        raise ImportFailed(
            f"{where}: no matrix found: no row of headings with columns of role codes below "
            "it (such as O/I/H, R/A/C/I or Own/Influence/Handle), and no list with columns "
            "such as 'Owner' or 'Responsible'. Check that this is the right sheet, or put "
            "department names in one heading row and a code in each cell")

    def prefers_transposed(self, layout: Layout) -> bool:
        """Whether a grid runs the other way: departments down, touchpoints across."""
        if layout.shape != GRID:
            return False
        if is_department_heading(layout.headers[layout.label_column]):
            return True
        start, stop = self._data_range(layout.header_row)
        labels = [self.table.value(r, layout.label_column) for r in range(start, stop)]
        across = [c.header for c in layout.columns if c.included]
        return department_name_share(labels) >= 0.5 and department_name_share(across) < 0.25

    def _data_range(self, header: int) -> tuple[int, int]:
        return header + 1, min(self.table.height, header + 1 + 4 * SAMPLE_ROWS)

    def grid_layout(self, header: int) -> Layout:
        self.layout_header = header
        headers = list(self.table.rows[header])
        headers += [""] * (self.width - len(headers))
        start, stop = self._data_range(header)
        stats = {c: self.stats(c, start, stop) for c in range(self.width)}
        legend_from = next((c for c in range(self.width)
                            if ignored_reason_of_heading(headers[c]) == "legend"), self.width)
        code_columns = [c for c in range(self.width)
                        if headers[c] and not self.is_code_heading(headers[c])
                        and self.is_code_column(stats[c]) and c < legend_from
                        and ignored_reason_of_heading(headers[c]) is None
                        and attribute_of_heading(headers[c]) is None
                        and not is_stage_heading(headers[c])
                        and not label_heading_score(headers[c])]
        if not code_columns:
            raise ImportFailed("no columns of role codes below the heading row "
                               f"{header + 1}")
        first, last = min(code_columns), max(code_columns)
        layout = Layout(GRID, header, 0, headers=headers)
        self._choose_label_and_stage(layout, stats, exclude=set(code_columns), before=first)
        taken = {layout.label_column, layout.stage_column}
        for column in range(self.width):
            if column in taken:
                continue
            header_text = headers[column]
            column_stats = stats[column]
            if column in code_columns:
                layout.columns.append(ColumnChoice(column, header_text, True, "department"))
                continue
            attribute = attribute_of_heading(header_text) if header_text else None
            if attribute and attribute not in layout.attributes:
                layout.attributes[attribute] = column
                continue
            reason = self._why_not_department(column, header_text, column_stats, first, last)
            if reason is None:
                layout.columns.append(ColumnChoice(column, header_text, True,
                                                   "department with no roles yet"))
            else:
                candidate = bool(header_text) and column > layout.label_column
                if candidate:
                    layout.columns.append(ColumnChoice(column, header_text, False, reason))
                layout.ignored_columns.append((column, header_text, reason))
        layout.group_row = self._group_row(header, code_columns)
        if layout.stage_column is None:
            layout.stage_rows = True
        return layout

    def _why_not_department(self, column: int, header: str, stats: _ColumnStats, first: int,
                            last: int) -> str | None:
        ignored = ignored_reason_of_heading(header) if header else None
        if column > last and any(ignored_reason_of_heading(h) == "legend"
                                 for h in self.table.rows[self.layout_header][last:column]):
            return "beside the table, after a legend"
        if not header and not stats.nonempty:
            return "blank spacer column"
        if not header:
            if self.is_code_column(stats):
                return "codes but no department name in the heading row"
            return "no heading"
        if ignored:
            return f"not a department ({ignored})"
        if self.is_code_heading(header):
            return "the heading is a role code, not a department (a legend?)"
        if stats.nonempty == 0:
            if first < column < last:
                return None
            return "no codes in this column"
        if stats.number >= 0.5 * stats.nonempty:
            return "not a department (numbers)"
        if stats.date >= 0.5 * stats.nonempty:
            return "not a department (dates)"
        if stats.text >= 0.5 * stats.nonempty:
            return "not a department (free text)"
        return "not a department (not role codes)"

    def _group_row(self, header: int, code_columns: list[int]) -> int | None:
        """A row of group names just above the department names (a two-level header)."""
        above = header - 1
        if above < 0:
            return None
        row = self.table.rows[above]
        over = [c for c in code_columns if c < len(row) and row[c]]
        merged = any(r0 <= above <= r1 and c0 in code_columns and c1 > c0
                     for r0, c0, r1, c1 in self.table.merged)
        if over and (merged or len(over) >= 2) and not all(
                self.classify(row[c]) in (CODE, NOBODY) for c in over):
            return above
        return None

    def _choose_label_and_stage(self, layout: Layout, stats: dict[int, _ColumnStats],
                                exclude: set[int], before: int | None) -> None:
        headers = layout.headers
        candidates = []
        for column in range(self.width):
            if column in exclude:
                continue
            header = headers[column]
            column_stats = stats[column]
            named = bool(header) and label_heading_score(header) > 0
            if named and column_stats.nonempty and (before is None or column < before):
                # A column headed "Touchpoint" (or "Activity", ...) names the touchpoints,
                # whatever its values look like ("0", "2024", a stage's name).
                candidates.append((float("inf"), -column, column))
                continue
            if column_stats.text + column_stats.short + column_stats.code == 0:
                continue
            if header and (attribute_of_heading(header) or ignored_reason_of_heading(header)) \
                    and not label_heading_score(header):
                continue
            if is_stage_heading(header) and not label_heading_score(header.replace(
                    "journey", "")):
                continue
            score = label_heading_score(header) * max(column_stats.distinct, 1) \
                + column_stats.distinct + (column_stats.text * 0.5)
            if before is not None and column > before:
                score *= 0.3
            candidates.append((score, -column, column))
        if not candidates:
            raise ImportFailed("no column of touchpoint names found: the table needs a column "
                               "naming each touchpoint")
        layout.label_column = max(candidates)[2]
        label = layout.label_column
        for column in range(self.width):
            if column == label or column in exclude:
                continue
            header = headers[column]
            if header and is_stage_heading(header) and stats[column].nonempty:
                layout.stage_column = column
                return
        # An unnamed column left of the labels whose values repeat in runs is a stage column.
        for column in range(label):
            if column in exclude or headers[column]:
                continue
            column_stats = stats[column]
            if column_stats.nonempty >= 2 and column_stats.text + column_stats.short \
                    == column_stats.nonempty and (column_stats.distinct <= max(
                    1, stats[label].distinct // 2) or column_stats.nonempty <
                    stats[label].nonempty):
                layout.stage_column = column
                return

    def _refuse_code_labels(self, layout: Layout, start: int, stop: int) -> None:
        """A "list" whose name column holds only one- or two-letter codes is a legend
        ("R | Responsible - does the work"), not touchpoints: never guess a matrix from it."""
        label = layout.label_column
        values = [row[label].strip() for row in self.table.rows[start:stop]
                  if label < len(row) and row[label].strip()]
        heading = (layout.headers[label] if label < len(layout.headers) else "").strip()
        if values and all(len(v) <= 2 for v in [*values, heading]):
            raise ImportFailed("this looks like a legend of codes, not a matrix: the column "
                               "that would name the touchpoints holds only short codes")

    def list_layout(self, header: int) -> Layout:
        headers = list(self.table.rows[header])
        headers += [""] * (self.width - len(headers))
        start, stop = self._data_range(header)
        stats = {c: self.stats(c, start, stop) for c in range(self.width)}
        role_columns = []
        for column in range(self.width):
            text = headers[column]
            if not text or self.is_code_heading(text):
                continue
            target = role_of_heading(text)
            if target is not None and self.is_name_column(stats[column]):
                role_columns.append((column, target))
        layout = Layout(LIST, header, 0, headers=headers)
        self._choose_label_and_stage(layout, stats, exclude={c for c, _ in role_columns},
                                     before=None)
        self._refuse_code_labels(layout, start, stop)
        taken = {layout.label_column, layout.stage_column}
        for column, target in role_columns:
            layout.columns.append(ColumnChoice(column, headers[column], True,
                                               f"departments who {target.label}",
                                               target=target))
        role_indexes = {c for c, _ in role_columns}
        for column in range(self.width):
            if column in taken or column in role_indexes:
                continue
            text = headers[column]
            attribute = attribute_of_heading(text) if text else None
            if attribute and attribute not in layout.attributes:
                layout.attributes[attribute] = column
                continue
            if not text and not stats[column].nonempty:
                reason = "blank spacer column"
            elif not text:
                reason = "no heading"
            else:
                reason = f"not a role or touchpoint column ({column_letter(column)})"
                reason = ignored_reason_of_heading(text) or "not a role column"
                reason = f"not a department list ({reason})"
            layout.ignored_columns.append((column, text, reason))
        return layout


def detect(table: SheetTable, where: str, *, transposed: bool | None = None
           ) -> tuple[SheetTable, Layout]:
    """The layout of the matrix in ``table`` and the table it applies to (``table``, or the
    table transposed when touchpoints run across). ``transposed`` forces the orientation of a
    grid. ImportFailed naming ``where`` if there is no matrix."""
    try:
        if transposed:
            turned = table.transpose()
            layout = Detector(turned).detect(where)
            if layout.shape == GRID:
                layout.transposed = True
                return turned, layout
            raise ImportFailed("with touchpoints across, no grid of role codes was found")
        detector = Detector(table)
        layout = detector.detect(where)
        if transposed is None and detector.prefers_transposed(layout):
            turned = table.transpose()
            try:
                turned_layout = Detector(turned).detect(where)
            except ImportFailed:
                return table, layout
            if turned_layout.shape == GRID:
                turned_layout.transposed = True
                return turned, turned_layout
        return table, layout
    except ImportFailed as error:
        message = str(error)
        if not message.startswith(where):
            message = f"{where}: {message}"
        raise ImportFailed(message) from None


def sheet_score(table: SheetTable) -> int:
    """How much a sheet looks like a matrix (for choosing among a workbook's sheets)."""
    if table.height == 0:
        return 0
    detector = Detector(table)
    best = 0
    for header in detector._header_candidates()[:40]:
        grid = detector.grid_score(header)
        best = max(best, grid * 3, detector.list_score(header) * 3)
    if best:
        best = best * 1000 + min(table.height, 999)
    return best
