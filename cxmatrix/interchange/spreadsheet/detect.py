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
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, zip_longest

from cxmatrix.domain.codes import (
    NOBODY_CODES,
    Target,
    _preset_words,
    interpret,
    normalise_code,
    role_of_heading,
)
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet import table_bounds
from cxmatrix.interchange.spreadsheet.layout import (
    GRID,
    LIST,
    ColumnChoice,
    Layout,
    TableRegion,
    attribute_of_heading,
    department_name_share,
    ignored_reason_of_heading,
    is_department_heading,
    is_placeholder_heading,
    is_stage_heading,
    label_heading_score,
    names_both_axes,
)
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable

HEADER_SCAN_ROWS = 80
SAMPLE_ROWS = 400

EMPTY, CODE, NOBODY, SHORT, NUMBER, DATE, TEXT, WORD = range(8)
KINDS = 8
_NUMBER = re.compile(r"^[-+]?[\d.,\s]+%?$|^[$€£]\s?[\d.,]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")
_AUTO_WORDS = _preset_words("auto", Target.INFLUENCE)
_LETTER_WORDS = _preset_words("rasci", Target.NO_ROLE)
# Ids people number their rows with: "7", "1.2.3", "S-01", "T12", "RQ-004", "#3".
_ID_VALUE = re.compile(r"^#?[A-Za-z]{0,5}[-_.#]?\d+(?:[.\-_/]\d+)*[A-Za-z]?\.?$")


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
        self._counts: dict[tuple[int, int], list[Counter[str]]] = {}  # stats: (start, stop)
        self.layout_header = 0
        self.loose = False  # accept unknown short marks as codes
        self._tails: list[int] | None = None

    def _column_prefix(self, column: int) -> list[list[int]]:
        """Per class, how many of the first n rows of the sheet's top hold that class."""
        found = self._prefix.get(column)
        if found is None:
            classify = self.classify
            kinds = [classify(row[column]) if column < len(row) else EMPTY
                     for row in self.table.rows[:self._top]]
            found = [list(accumulate(map(k.__eq__, kinds), initial=0)) for k in range(KINDS)]
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
        counts = self._counts.get((start, stop))
        if counts is None:
            # Detection asks about most columns over the same rows: all of them are counted
            # in one turn of the rows into columns at C speed (zip_longest yields one column
            # at a time), instead of a Python step per cell and column asked.
            columns = zip_longest(*self.table.rows[start:stop], fillvalue="")
            counts = self._counts[start, stop] = list(map(Counter, columns))
        return self._counted(counts[column] if column < len(counts) else Counter())

    def _counted(self, counts: Counter[str]) -> _ColumnStats:
        """A column's statistics from how often each text occurs in it: each distinct text
        is classified once."""
        stats = _ColumnStats()
        values: set[str] = set()
        classify = self.classify
        for text, count in counts.items():
            if not text:
                continue
            stats.nonempty += count
            kind = classify(text)
            if kind == CODE:
                stats.code += count
            elif kind == NOBODY:
                stats.nobody += count
            elif kind == SHORT:
                stats.short += count
            elif kind == NUMBER:
                stats.number += count
            elif kind == DATE:
                stats.date += count
            elif kind == WORD:
                stats.word += count
            else:
                stats.text += count
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

    def _tail_starts(self) -> list[int]:
        """Rows after a blank gap whose first cell begins a legend, notes or totals ("R =
        Responsible", "Symbol", "Notes"): the sample for scoring a heading row stops there."""
        if self._tails is None:
            rows = self.table.rows
            self._tails = [first for first, _ in table_bounds.blocks(rows, 0, self._top)
                           if first > 0 and not any(rows[first - 1]) and
                           table_bounds.is_legend_line(table_bounds.first_text(rows[first]),
                                                       self._is_code_text)]
        return self._tails

    def _sample_stop(self, header: int, limit: int | None) -> int:
        stop = min(header + 1 + SAMPLE_ROWS, self.table.height, limit or self.table.height)
        tail = next((t for t in self._tail_starts() if t > header + 1), stop)
        return min(stop, tail)

    def grid_score(self, header: int, limit: int | None = None) -> int:
        row = self.table.rows[header]
        score = 0
        stop = self._sample_stop(header, limit)
        for column, text in enumerate(row):
            if not text or self.is_code_heading(text):
                continue
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

    def list_score(self, header: int, limit: int | None = None) -> int:
        """Role columns naming departments: an owner column counts 2, others 1; a list
        needs 2 (an owner column, or two others: "Support" alone may be a department)."""
        row = self.table.rows[header]
        score = 0
        stop = self._sample_stop(header, limit)
        letters = self.letter_headings(row)
        for column, text in enumerate(row):
            if not text:
                continue
            target = letters.get(column) if self.is_code_heading(text) else \
                role_of_heading(text)
            if target is None:
                continue
            stats = self.quick_stats(column, header + 1, stop)
            if stats.nonempty and self.is_name_column(stats) and (
                    column not in letters or stats.text >= 0.5 * stats.nonempty):
                score += 2 if target in (Target.OWN, Target.OWN_UNLESS_OWNED) else 1
        return score

    def letter_headings(self, row: list[str]) -> dict[int, Target]:
        """Headings that are RACI letters themselves ("Task | R | A | C | I"): the columns of
        a list holding names, when at least two of them stand in one row."""
        found: dict[int, Target] = {}
        for column, text in enumerate(row):
            key = normalise_code(text).strip("()[]")
            target = _LETTER_WORDS.get(key) if len(key) == 1 else None
            if target is not None:
                found[column] = target
        return found if len(found) >= 2 else {}

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
        """Whether a grid runs the other way: departments down, touchpoints across. A corner
        cell that names both axes ("Teams … Deliverables") says nothing either way: then the
        names down and across decide, and without a clear sign the table is read as it is."""
        if layout.shape != GRID:
            return False
        corner = layout.headers[layout.label_column]
        if names_both_axes(corner):
            layout.evidence.append(
                f"The corner cell {corner!r} names both axes: the orientation follows the "
                "names down and across, not the corner.")
        elif is_department_heading(corner):
            return True
        start, stop = self._data_range(layout.header_row, layout.end_row)
        labels = [self.table.value(r, layout.label_column) for r in range(start, stop)]
        across = [c.header for c in layout.columns if c.included]
        return department_name_share(labels) >= 0.5 and department_name_share(across) < 0.25

    def _data_range(self, header: int, end: int | None = None) -> tuple[int, int]:
        stop = min(self.table.height, header + 1 + 4 * SAMPLE_ROWS)
        return header + 1, stop if end is None else min(stop, end)

    # ---- a grid ------------------------------------------------------------------------------

    def strong_code_column(self, stats: _ColumnStats) -> bool:
        """Mostly role codes: a department column whatever its heading says."""
        codes = stats.code + stats.word
        return not self.loose and codes >= 2 and self.is_code_column(stats) and \
            codes + stats.nobody >= 0.6 * stats.nonempty

    def _code_columns(self, headers: list[str], stats: dict[int, _ColumnStats]) -> list[int]:
        legend_from = next((c for c in range(self.width)
                            if ignored_reason_of_heading(headers[c]) == "legend"), self.width)
        found = []
        for c in range(min(self.width, legend_from)):
            header = headers[c]
            if not header or self.is_code_heading(header) or not self.is_code_column(stats[c]):
                continue
            plain = ignored_reason_of_heading(header) is None and \
                attribute_of_heading(header) is None and not is_stage_heading(header) and \
                not label_heading_score(header)
            # "Stage" or "Touchpoint" itself names the axis, whatever its values look like
            # (a touchpoint called "Aaa"); a longer heading with such a word does not.
            axis = is_stage_heading(header) or attribute_of_heading(header) is not None or \
                len(header.split()) < 2 or (label_heading_score(header) and
                                                len(header.split()) <= 2 and
                                                not is_placeholder_heading(header))
            if plain or (not axis and self.strong_code_column(stats[c])):
                found.append(c)
        return found

    def _all_stats(self, start: int, stop: int) -> dict[int, _ColumnStats]:
        return {c: self.stats(c, start, stop) for c in range(self.width)}

    def grid_layout(self, header: int, end: int | None = None) -> Layout:
        """The grid whose headings are in ``header`` (a second heading row above or below
        it is found here), down to ``end`` or the end of the table."""
        self.layout_header = header
        headers = self._padded(header)
        start, stop = self._data_range(header, end)
        stats = self._all_stats(start, stop)
        code_columns = self._code_columns(headers, stats)
        if not code_columns:
            raise ImportFailed("no columns of role codes below the heading row "
                               f"{header + 1}")
        last_heading, names_row, group_row = self._heading_rows(header, code_columns)
        evidence: list[str] = []
        if last_heading != header or names_row is not None or group_row is not None:
            headers = self._composed_headers(header, last_heading, names_row, group_row)
            start, stop = self._data_range(last_heading, end)
            stats = self._all_stats(start, stop)
            code_columns = self._code_columns(headers, stats) or code_columns
        if end is None:
            label_guess = self._label_guess(headers, stats, code_columns, (start, stop))
            table_end = table_bounds.table_end(
                self.table.rows, start,
                lambda first, last: self._continues(first, last, code_columns, label_guess))
            if table_end < self.table.height:
                end = table_end
                if table_end < stop:
                    start, stop = self._data_range(last_heading, end)
                    stats = self._all_stats(start, stop)
                    code_columns = self._code_columns(headers, stats) or code_columns
        first, last = min(code_columns), max(code_columns)
        layout = Layout(GRID, last_heading, 0, headers=headers)
        layout.group_row = group_row
        layout.names_row = names_row if names_row != last_heading else None
        layout.end_row = end
        layout.evidence = evidence
        self._choose_label_and_stage(layout, stats, exclude=set(code_columns), before=first,
                                     span=(start, stop))
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
        if layout.group_row is None:
            layout.group_row = self._group_row(header, code_columns)
        if layout.stage_column is None:
            layout.stage_rows = True
        self._department_evidence(layout, headers, stats, code_columns)
        if end is not None:
            layout.after_table = self._after_table(end, code_columns)
        return layout

    def _padded(self, row: int) -> list[str]:
        headers = list(self.table.rows[row]) if row < self.table.height else []
        return headers + [""] * (self.width - len(headers))

    def _department_evidence(self, layout: Layout, headers: list[str],
                             stats: dict[int, _ColumnStats], code_columns: list[int]) -> None:
        table = self.table
        used = [c.index for c in layout.columns if c.included]
        if not used:
            return
        nonempty = sum(stats[c].nonempty for c in used)
        codes = sum(stats[c].code + stats[c].word + stats[c].nobody for c in used)
        share = f" (codes in {round(100 * codes / nonempty)}% of their cells)" if nonempty \
            else ""
        runs = _runs(used)
        where = ", ".join(table.columns_name(a, b).split(" ", 1)[1] for a, b in runs)
        axis = "rows" if table.transposed else "columns"
        layout.evidence.insert(0, f"Department {axis}: {where}{share}.")
        for c in code_columns:
            header = headers[c]
            special = ignored_reason_of_heading(header) or attribute_of_heading(header) or \
                is_stage_heading(header) or label_heading_score(header)
            if special:
                column_stats = stats[c]
                cell_share = round(100 * (column_stats.code + column_stats.word +
                                          column_stats.nobody) / max(column_stats.nonempty, 1))
                layout.evidence.append(
                    f"{_first_upper(table.column_name(c))} {header!r} holds role codes in "
                    f"{cell_share}% of its cells: a department, whatever its heading says.")

    # ---- two heading rows ----------------------------------------------------------------------

    def _multi_merges(self, row: int, columns: list[int]) -> list[tuple[int, int]]:
        """Merged ranges in ``row`` spanning several columns, some of ``columns`` among them:
        (first, last column)."""
        wanted = set(columns)
        return [(c0, c1) for r0, c0, r1, c1 in self.table.merged
                if r0 <= row <= r1 and c1 > c0 and not wanted.isdisjoint(range(c0, c1 + 1))]

    def _heading_like(self, row: int, code_columns: list[int], below: bool) -> bool:
        """A row of names over the department columns, not data: no codes in them."""
        if not 0 <= row < self.table.height:
            return False
        cells = self.table.rows[row]
        over = [c for c in code_columns if c < len(cells) and cells[c]]
        if not over:
            return False
        kinds = [self.classify(cells[c]) for c in over]
        if below:
            # A caption row below the names: text only, grouped by merged cells, and data
            # below it.
            return row + 1 < self.table.height and all(k == TEXT for k in kinds) and \
                bool(self._multi_merges(row, code_columns))
        merged = bool(self._multi_merges(row, code_columns))
        return (merged or len(over) >= 2) and not all(k in (CODE, NOBODY) for k in kinds)

    def _single_names(self, row: int, code_columns: list[int]) -> int:
        cells = self.table.rows[row]
        spans = self._multi_merges(row, code_columns)
        return sum(1 for c in code_columns if c < len(cells) and cells[c]
                   and not any(c0 <= c <= c1 for c0, c1 in spans))

    def _heading_rows(self, header: int, code_columns: list[int]
                      ) -> tuple[int, int | None, int | None]:
        """(the last heading row, the row naming single columns, the group row) when the
        headings take two rows: group cells merged over several columns above or below the
        names. (header, None, None) otherwise."""
        if self._heading_like(header + 1, code_columns, below=True):
            upper, lower = header, header + 1
        elif header >= 1 and self._heading_like(header - 1, code_columns, below=False):
            upper, lower = header - 1, header  # groups above the names, or names above groups
        else:
            return header, None, None
        if self._single_names(lower, code_columns) >= self._single_names(upper, code_columns):
            return lower, lower, upper
        return lower, upper, lower

    def _composed_headers(self, header: int, last: int, names: int | None,
                          group: int | None) -> list[str]:
        """One heading per column from two heading rows: the names row where it names the
        column, else the other row; a name that repeats under several groups joined with
        its group ("Client – Project manager")."""
        names = names if names is not None else header
        other = group if group is not None else (last if last != names else header)
        main, second = self._padded(names), self._padded(other)
        spans = self._multi_merges(other, list(range(self.width)))
        headers = [a or ("" if any(c0 <= c <= c1 for c0, c1 in spans) else b)
                   for c, (a, b) in enumerate(zip(main, second, strict=True))]
        group_of = self._group_values(other) if group is not None else {}
        counts: dict[str, int] = {}
        for text in main:
            if text:
                counts[text.casefold()] = counts.get(text.casefold(), 0) + 1
        for column, text in enumerate(main):
            owner = group_of.get(column, "")
            if text and counts[text.casefold()] > 1 and owner and owner != text:
                headers[column] = f"{owner} – {text}"
        return headers

    def _group_values(self, row: int) -> dict[int, str]:
        """Each column's group name in a group row: merged cells give their value to every
        column they cover."""
        cells = self._padded(row)
        values = {c: v for c, v in enumerate(cells) if v}
        for r0, c0, r1, c1 in self.table.merged:
            if r0 <= row <= r1 and c1 > c0:
                value = self.table.value(r0, c0)
                for column in range(c0, min(c1, self.width - 1) + 1):
                    values[column] = value
        return values

    # ---- where the table ends ----------------------------------------------------------------

    def _label_guess(self, headers: list[str], stats: dict[int, _ColumnStats],
                     code_columns: list[int], span: tuple[int, int]) -> int:
        probe = Layout(GRID, 0, 0, headers=headers)
        try:
            self._choose_label_and_stage(probe, stats, exclude=set(code_columns),
                                         before=min(code_columns), span=span)
        except ImportFailed:
            return 0
        return probe.label_column

    def _is_code_text(self, text: str) -> bool:
        return self.classify(text) in (CODE, NOBODY)

    def _continues(self, first: int, end: int, role_columns: list[int], label: int,
                   kinds: tuple[int, ...] = (CODE, WORD)) -> bool:
        """Whether the rows first..end (a block after a gap) are more of the table: one of
        them names a touchpoint and has a role in a role column. A new heading row (several
        names over the role columns) starts another table."""
        rows = self.table.rows
        if self.loose:
            kinds = (*kinds, SHORT)
        if self._new_heading(first, role_columns):
            return False
        for index in range(first, end):
            row = rows[index]
            text = row[label] if label < len(row) else ""
            if not text or table_bounds.is_legend_line(text, self._is_code_text):
                continue
            width = len(row)
            if any(c < width and row[c] and self.classify(row[c]) in kinds
                   for c in role_columns):
                return True
        return False

    def _new_heading(self, row: int, role_columns: list[int]) -> bool:
        """A heading row of another table: names over the role columns, or headings such
        as "Activity" with columns of codes below."""
        cells = self.table.rows[row]
        if row + 1 >= self.table.height:
            return False
        names = [c for c in role_columns if c < len(cells) and cells[c] and
                 self.classify(cells[c]) == TEXT]
        if len(names) >= 2:
            return True
        if sum(1 for v in cells if v) < 2 or any(
                c < len(cells) and self.classify(cells[c]) in (CODE, WORD) for c in role_columns):
            return False
        return self.known_headings(row) >= 1 and self.grid_score(row) >= 2

    def _after_table(self, end: int, role_columns: list[int]) -> list[tuple[int, int, str]]:
        """The blocks below the table's end, each with what it is."""
        rows = self.table.rows
        found = []
        runs = table_bounds.blocks(rows, end, self.table.height)
        for first, stop in runs[:table_bounds.MAX_BLOCKS_NAMED]:
            kind = table_bounds.block_kind(rows[first:stop], self._is_code_text,
                                           lambda r: self._new_heading(r, role_columns), first)
            if found and found[-1][2] == kind:
                found[-1] = (found[-1][0], stop - 1, kind)
            else:
                found.append((first, stop - 1, kind))
        if len(runs) > table_bounds.MAX_BLOCKS_NAMED:
            found.append((runs[table_bounds.MAX_BLOCKS_NAMED][0], runs[-1][1] - 1,
                          "more below the table"))
        return found

    # ---- columns that are not departments -------------------------------------------------------

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
            if is_placeholder_heading(header):
                return "a template's placeholder heading with no codes in it"
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

    # ---- touchpoint names and stages ----------------------------------------------------------

    def id_like(self, column: int, span: tuple[int, int] | None) -> bool:
        """Whether a column's cells are numbers or ids ("7", "1.2", "S-01")."""
        start, stop = span or self._data_range(self.layout_header)
        values = [row[column] for row in self.table.rows[start:stop]
                  if column < len(row) and row[column]]
        if not values:
            return False
        return sum(1 for v in values if _ID_VALUE.match(v)) >= 0.8 * len(values)

    def _vertical_merges(self, column: int, start: int, stop: int) -> int:
        return sum(1 for r0, c0, r1, c1 in self.table.merged
                   if c0 <= column <= c1 and r1 > r0 and r1 >= start and r0 < stop)

    def _choose_label_and_stage(self, layout: Layout, stats: dict[int, _ColumnStats],
                                exclude: set[int], before: int | None,
                                span: tuple[int, int] | None = None) -> None:
        headers = layout.headers
        candidates = []
        skipped_ids: list[int] = []
        id_columns: list[int] = []
        for column in range(self.width):
            if column in exclude:
                continue
            header = headers[column]
            column_stats = stats[column]
            named = bool(header) and label_heading_score(header) > 0
            numbered = named and ignored_reason_of_heading(header) == "IDs"
            if column_stats.nonempty and (numbered or (column_stats.short and not named)) and \
                    self.id_like(column, span):
                # "Step Id", "Task No.": numbers name no touchpoint; the text beside does.
                (skipped_ids if numbered else id_columns).append(column)
                continue
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
        if not candidates and (skipped_ids or id_columns):
            # Nothing else names the rows: the ids are the names after all.
            candidates = [(float(stats[c].distinct), -c, c) for c in skipped_ids + id_columns]
            skipped_ids = []
        if not candidates:
            raise ImportFailed("no column of touchpoint names found: the table needs a column "
                               "naming each touchpoint")
        layout.label_column = max(candidates)[2]
        label = layout.label_column
        table = self.table
        for column in skipped_ids:
            layout.evidence.append(
                f"{_first_upper(table.column_name(column))} {headers[column]!r} is numbers, so "
                f"the touchpoints are {table.column_name(label)}.")
        for column in range(self.width):
            if column == label or column in exclude:
                continue
            header = headers[column]
            if header and is_stage_heading(header) and stats[column].nonempty:
                layout.stage_column = column
                return
        label_stats = stats[label]
        start, stop = span or self._data_range(self.layout_header)
        for column in range(label):
            if column in exclude:
                continue
            column_stats = stats[column]
            header = headers[column]
            texts = column_stats.text + column_stats.short
            if column_stats.nonempty < 1 or texts != column_stats.nonempty or \
                    self.id_like(column, span):
                continue
            if not header:
                # An unnamed column left of the labels whose values repeat in runs.
                if column_stats.nonempty >= 2 and (column_stats.distinct <= max(
                        1, label_stats.distinct // 2) or column_stats.nonempty <
                        label_stats.nonempty):
                    layout.stage_column = column
                    return
                continue
            if attribute_of_heading(header) or ignored_reason_of_heading(header) or \
                    is_placeholder_heading(header):
                continue
            # A group column by its shape, whatever its heading ("Lots", "Key Management
            # Area"): text only where a group starts, or merged down over its rows.
            merged = self._vertical_merges(column, start, stop)
            sparse = column_stats.nonempty <= 0.6 * label_stats.nonempty and \
                label_stats.nonempty >= 3
            if merged or sparse:
                layout.stage_column = column
                how = "is merged down over the rows of each group" if merged else \
                    "has text only where a group of rows starts"
                layout.evidence.append(
                    f"{_first_upper(table.column_name(column))} {header!r} {how}: the stages.")
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

    # ---- a list ------------------------------------------------------------------------------

    def _role_columns(self, headers: list[str], stats: dict[int, _ColumnStats]
                      ) -> list[tuple[int, Target]]:
        letters = self.letter_headings(headers)
        found = []
        for column in range(self.width):
            text = headers[column]
            if not text:
                continue
            if self.is_code_heading(text):
                target = letters.get(column)
                if target is not None and self.is_name_column(stats[column]) and \
                        stats[column].text >= 0.5 * max(stats[column].nonempty, 1):
                    found.append((column, target))
                continue
            target = role_of_heading(text)
            if target is not None and self.is_name_column(stats[column]):
                found.append((column, target))
        return found

    def list_layout(self, header: int, end: int | None = None) -> Layout:
        self.layout_header = header
        headers = self._padded(header)
        start, stop = self._data_range(header, end)
        stats = self._all_stats(start, stop)
        role_columns = self._role_columns(headers, stats)
        if end is None and role_columns:
            columns = [c for c, _ in role_columns]
            label_probe = Layout(LIST, header, 0, headers=headers)
            try:
                self._choose_label_and_stage(label_probe, stats, exclude=set(columns),
                                             before=None)
                label_guess = label_probe.label_column
            except ImportFailed:
                label_guess = 0
            table_end = table_bounds.table_end(
                self.table.rows, start,
                lambda first, last: self._continues(first, last, columns, label_guess,
                                                    kinds=(TEXT, WORD, SHORT)))
            if table_end < self.table.height:
                end = table_end
                if table_end < stop:
                    start, stop = self._data_range(header, end)
                    stats = self._all_stats(start, stop)
                    role_columns = self._role_columns(headers, stats) or role_columns
        layout = Layout(LIST, header, 0, headers=headers)
        layout.end_row = end
        self._choose_label_and_stage(layout, stats, exclude={c for c, _ in role_columns},
                                     before=None, span=(start, stop))
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
                reason = ignored_reason_of_heading(text) or "not a role column"
                reason = f"not a department list ({reason})"
            layout.ignored_columns.append((column, text, reason))
        if any(self.is_code_heading(headers[c]) for c in role_indexes):
            letters = ", ".join(headers[c] for c, _ in role_columns)
            layout.evidence.append(
                f"The headings {letters} are role letters over columns of names: a list of "
                "who does what, not a legend.")
        if end is not None:
            layout.after_table = self._after_table(end, sorted(role_indexes))
        return layout

    # ---- several tables on one sheet -----------------------------------------------------------

    def region_of(self, layout: Layout) -> TableRegion:
        end = layout.end_row if layout.end_row is not None else self.table.height
        headings = [layout.headers[layout.label_column]] + \
            [c.header for c in layout.columns if c.included]
        code_cells = self._code_cells(layout)
        return TableRegion(layout.top_row, end, layout.shape, [h for h in headings if h],
                           code_cells)

    def _code_cells(self, layout: Layout) -> int:
        start, stop = self._data_range(layout.header_row, layout.end_row)
        if layout.shape != GRID:
            return 0
        return sum(self.stats(c.index, start, stop).code + self.stats(c.index, start,
                                                                        stop).word
                   for c in layout.columns if c.included)

    def find_tables(self, layout: Layout) -> list[TableRegion]:
        """Every table on the sheet, in order down the sheet, ``layout``'s among them: other
        heading rows with role codes or role columns below them, above or below it."""
        chosen = self.region_of(layout)
        regions = [chosen]
        height = self.table.height
        starts = [r for r in self._header_candidates() if r < chosen.top]
        starts += [first for first, _last, what in layout.after_table
                   if what == "another table"]
        for row in sorted(set(starts)):
            if any(r.top <= row < r.end for r in regions):
                continue
            limit = min((r.top for r in regions if r.top > row), default=height)
            region = self._region_at(row, limit)
            if region is not None:
                regions.append(region)
            if len(regions) >= 12:
                break
        return sorted(regions, key=lambda r: r.top)

    def _region_at(self, row: int, limit: int) -> TableRegion | None:
        if not sum(1 for v in self.table.rows[row] if v) >= 2:
            return None
        grid = self.grid_score(row, limit)
        listed = self.list_score(row, limit)
        if grid < 2 and listed < 2:
            return None
        probe = Detector(self.table)
        probe.classify = self.classify
        probe._prefix = self._prefix  # (the same table's top, classified the same way)
        try:
            other = probe.grid_layout(row) if grid >= 2 else probe.list_layout(row)
        except ImportFailed:
            return None
        if other.end_row is None or other.end_row > limit:
            end = limit
            while end > other.header_row + 1 and not any(self.table.rows[end - 1]):
                end -= 1
            other.end_row = end
        start, stop = probe._data_range(other.header_row, other.end_row)
        filled = 0
        for r in range(start, stop):
            label = self.table.value(r, other.label_column)
            if label and not table_bounds.is_legend_line(label, self._is_code_text) and any(
                    self.table.value(r, c.index) for c in other.department_columns):
                filled += 1
        if filled < 2:
            return None
        return probe.region_of(other)


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted column numbers: [2, 3, 4, 7] -> [(2, 4), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for column in columns:
        if runs and runs[-1][1] == column - 1:
            runs[-1] = (runs[-1][0], column)
        else:
            runs.append((column, column))
    return runs


def _choose_table(regions: list[TableRegion]) -> int:
    """The matrix of codes: the grid with the most role codes, else the first list."""
    grids = [(r.code_cells, -i) for i, r in enumerate(regions) if r.shape == GRID]
    if grids:
        return -max(grids)[1]
    return 0


def detect(table: SheetTable, where: str, *, transposed: bool | None = None,
           table_index: int | None = None) -> tuple[SheetTable, Layout]:
    """The layout of the matrix in ``table`` and the table it applies to (``table``, or the
    table transposed when touchpoints run across). ``transposed`` forces the orientation of a
    grid; ``table_index`` chooses one of several tables on the sheet (as ``Layout.tables``
    lists them). ImportFailed naming ``where`` if there is no matrix."""
    try:
        regions, index, work, found = _tables(table, where, table_index)
        if transposed:
            turned = work.transpose()
            layout = Detector(turned).detect(where)
            if layout.shape == GRID:
                layout.transposed = True
                _keep_tables(layout, regions, index)
                return turned, layout
            raise ImportFailed("with touchpoints across, no grid of role codes was found")
        if found is not None:
            detector, layout = found
        else:
            detector = Detector(work)
            layout = detector.detect(where)
        _keep_tables(layout, regions, index)
        if transposed is None and detector.prefers_transposed(layout):
            turned = work.transpose()
            try:
                turned_layout = Detector(turned).detect(where)
            except ImportFailed:
                return work, layout
            if turned_layout.shape == GRID:
                turned_layout.transposed = True
                turned_layout.evidence.append(
                    "Department names run down the sheet and touchpoints across: read turned.")
                _keep_tables(turned_layout, regions, index)
                return turned, turned_layout
        return work, layout
    except ImportFailed as error:
        message = str(error)
        if not message.startswith(where):
            message = f"{where}: {message}"
        raise ImportFailed(message) from None


def _tables(table: SheetTable, where: str, table_index: int | None
            ) -> tuple[list[TableRegion], int, SheetTable, tuple[Detector, Layout] | None]:
    """The tables on the sheet, which one to read, the sheet with the others blanked, and
    (when there is one table) the detection already made."""
    try:
        detector = Detector(table)
        layout = detector.detect(where)
        regions = detector.find_tables(layout)
    except ImportFailed:
        return [], 0, table, None
    if len(regions) < 2:
        return regions, 0, table, (detector, layout)
    if table_index is None:
        index = _choose_table(regions)
    elif 0 <= table_index < len(regions):
        index = table_index
    else:
        raise ImportFailed(f"there is no table {table_index + 1} on this sheet "
                           f"({len(regions)} tables)")
    others = [(r.top, r.end) for i, r in enumerate(regions) if i != index]
    return regions, index, table.without_rows(others), None


def _keep_tables(layout: Layout, regions: list[TableRegion], index: int) -> None:
    if len(regions) > 1:
        layout.tables = regions
        layout.table_index = index


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


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
