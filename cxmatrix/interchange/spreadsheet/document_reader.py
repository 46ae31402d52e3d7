"""Read the tables of a Markdown or HTML document (a RACI chart copied from a wiki, a README or
Confluence) into one :class:`SheetTable`.

A document often holds one table per phase, each under its own heading ("## Phase 1:
Discovery"). The tables that are matrices (by the same score that chooses a workbook's sheet)
and share their headings are joined into one table: the first table's heading row, then for
each table a row holding only its heading, which the importer reads as a stage heading row,
then its rows, each column placed under the heading of the same name. Tables that are not part
of the matrix (a legend, a table of contacts) are left out and named in the report, with the
line they start on.

Markdown: GitHub-style pipe tables (leading and trailing pipes optional, ``\\|`` escapes,
alignment colons), ATX and setext headings and bold lines as headings, fenced code blocks
skipped; inline markup (bold, italics, code, links, ``<br>``) is reduced to its text.
HTML: ``<table>`` with ``<th>``/``<td>``, ``colspan``/``rowspan`` as merged ranges,
``<caption>`` or the nearest ``<h1>``-``<h6>`` above as the table's heading; parsed with the
standard library's html.parser, which keeps no tree, so deep nesting costs nothing but tables
nested more than MAX_TABLE_NESTING deep are refused.

A document larger than MAX_DOCUMENT_BYTES is refused by its size before it is read; the rows,
columns and cells of the tables are bounded by the sheet limits while they are read.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from cxmatrix.domain.limits import MAX_DOCUMENT_BYTES, MAX_STAGES
from cxmatrix.domain.limits import MAX_SHEET_CELLS as MAX_CELLS
from cxmatrix.domain.limits import MAX_SHEET_COLUMNS as MAX_COLUMNS
from cxmatrix.domain.limits import MAX_SHEET_ROWS as MAX_ROWS
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.errors import ImportFailed, reading
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, column_letter

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
MAX_TABLE_NESTING = 32
MAX_SPAN = 1_000  # colspan and rowspan beyond this are read as this (HTML caps colspan there)


@dataclass
class DocumentTable:
    """One table of the document: its heading, where it starts, its rows."""

    heading: str
    line: int  # 1-based line of the document where the table starts
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the document line of each row
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class DocumentSheet(SheetTable):
    """The joined tables, naming their rows by the document's lines ("line 12")."""

    row_lines: list[int] = field(default_factory=list)
    note: str = ""  # for the report: the tables found, joined and left out

    def line(self, row: int) -> str:
        if not self.transposed and 0 <= row < len(self.row_lines) and self.row_lines[row]:
            return f"line {self.row_lines[row]}"
        return super().line(row)

    def ref(self, row: int, column: int) -> str:
        if not self.transposed and 0 <= row < len(self.row_lines) and self.row_lines[row]:
            return f"{column_letter(column)} on line {self.row_lines[row]}"
        return super().ref(row, column)


class _Budget:
    """Counts rows and cells as tables are read, refusing beyond the sheet limits."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self.cells = 0

    def row(self, width: int, line: int) -> None:
        self.rows += 1
        self.cells += width
        if width > MAX_COLUMNS:
            raise ImportFailed(f"{self.name}: the table row on line {line:,} has {width:,} "
                               f"columns; cxmatrix imports at most {MAX_COLUMNS:,}")
        if self.rows > MAX_ROWS:
            raise ImportFailed(f"{self.name}: the tables have more than {MAX_ROWS:,} rows, "
                               "more than cxmatrix imports")
        if self.cells > MAX_CELLS:
            raise ImportFailed(f"{self.name}: the tables have more than {MAX_CELLS:,} cells, "
                               "more than cxmatrix imports")


def _read_text(path: Path) -> str:
    with reading(path):
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ImportFailed(
                f"{path.name}: the document is too large to import ({size / 1e6:,.0f} MB; "
                f"cxmatrix reads documents of at most {MAX_DOCUMENT_BYTES / 1e6:,.0f} MB). "
                "Copy the tables of the matrix into a document of their own")
        data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(f"{path.name}: this is not a text document (it holds binary data)")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) \
            else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


# ---- Markdown ---------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*:?\s*$")
_DELIMITER_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]{0,200}>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")
_CODE = re.compile(r"`([^`]*)`")


def _split_row(line: str) -> list[str]:
    """The cells of a pipe-table line: pipes inside code spans and escaped pipes are text."""
    text = line.strip()
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current))
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|") and cells:
        cells = cells[:-1]
    return cells


def _inline_text(cell: str) -> str:
    """A Markdown cell's text without its markup."""
    text = _BREAK.sub("\n", cell)
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()


def _is_delimiter(line: str) -> bool:
    if "-" not in line:
        return False
    cells = _split_row(line)
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells) and (
        "|" in line or len(cells) > 1)


def markdown_tables(text: str, name: str) -> tuple[list[DocumentTable], str]:
    """Every pipe table of a Markdown document, with the heading above it, and the
    document's title (its first level-1 heading)."""
    lines = text.splitlines()
    tables: list[DocumentTable] = []
    budget = _Budget(name)
    heading = ""
    title = ""
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        fence_match = _FENCE.match(line)
        if fence:
            if fence_match and fence_match.group(1)[0] == fence[0] and \
                    len(fence_match.group(1)) >= len(fence):
                fence = ""
            index += 1
            continue
        if fence_match:
            fence = fence_match.group(1)
            index += 1
            continue
        atx = _ATX.match(line)
        if atx:
            heading = _inline_text(atx.group(1))
            if not title and line.lstrip().startswith("# "):
                title = heading
            index += 1
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if "|" in line and _is_delimiter(following):
            table = DocumentTable(heading, index + 1)
            header = [_inline_text(cell) for cell in _split_row(line)]
            budget.row(len(header), index + 1)
            table.rows.append(header)
            table.lines.append(index + 1)
            index += 2
            while index < len(lines) and lines[index].strip() and "|" in lines[index]:
                row = [_inline_text(cell) for cell in _split_row(lines[index])]
                budget.row(len(row), index + 1)
                while row and not row[-1]:
                    row.pop()
                table.rows.append(row)
                table.lines.append(index + 1)
                index += 1
            tables.append(table)
            continue
        if line.strip() and _SETEXT.match(following) and "|" not in line:
            heading = _inline_text(line)
            if not title and following.strip().startswith("="):
                title = heading
            index += 2
            continue
        bold = _BOLD_LINE.match(line)
        if bold:
            heading = _inline_text(bold.group(2))
        index += 1
    return tables, title


# ---- HTML -------------------------------------------------------------------------------------

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "br", "tr"}
_IGNORED = {"script", "style", "template", "noscript", "head", "title"}


@dataclass
class _OpenTable:
    table: DocumentTable
    row: list[str] | None = None
    row_index: int = -1
    column: int = 0
    cell: list[str] | None = None
    cell_at: tuple[int, int] = (0, 0)
    spans: dict[int, int] = field(default_factory=dict)  # column -> rows still covered
    caption: list[str] | None = None


class _TableParser(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.tables: list[DocumentTable] = []
        self.budget = _Budget(name)
        self.open: list[_OpenTable] = []
        self.heading = ""
        self.title = ""
        self._heading_parts: list[str] | None = None
        self._heading_tag = ""
        self._ignored = 0

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _IGNORED:
            self._ignored += 1
            return
        if tag in _HEADINGS and not self.open:
            self._heading_parts = []
            self._heading_tag = tag
            return
        if tag == "table":
            if len(self.open) >= MAX_TABLE_NESTING:
                raise ImportFailed(f"{self.name}: tables nested more than "
                                   f"{MAX_TABLE_NESTING} deep (line {self._line():,}), which "
                                   "no wiki page needs; cxmatrix refuses the document")
            self.open.append(_OpenTable(DocumentTable(self.heading, self._line())))
            return
        if not self.open:
            return
        current = self.open[-1]
        if tag == "caption":
            current.caption = []
        elif tag == "tr":
            self._end_row(current)
            current.row = []
            current.row_index += 1
            current.column = 0
        elif tag in ("td", "th"):
            if current.row is None:
                current.row, current.row_index, current.column = [], current.row_index + 1, 0
            self._end_cell(current)
            while current.spans.get(current.column, 0) > 0:
                current.column += 1
            values = dict(attrs)
            rows = _span(values.get("rowspan"))
            columns = _span(values.get("colspan"))
            current.cell = []
            current.cell_at = (current.row_index, current.column)
            if rows > 1 or columns > 1:
                r, c = current.cell_at
                current.table.merged.append((r, c, r + rows - 1, c + columns - 1))
            if rows > 1:
                for column in range(current.column, current.column + columns):
                    current.spans[column] = rows  # counted down as rows end
            current.column += columns
            if current.column > MAX_COLUMNS:
                raise ImportFailed(f"{self.name}: the table row on line {self._line():,} "
                                   f"spans {current.column:,} columns; cxmatrix imports at "
                                   f"most {MAX_COLUMNS:,}")
        elif tag in _BLOCKS and current.cell is not None and current.cell:
            current.cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self.open and self.open[-1].cell is not None:
            self.open[-1].cell.append("\n")
        elif tag not in ("br",):
            self.handle_starttag(tag, attrs)
            if tag in ("td", "th", "table", "tr") or tag in _IGNORED:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _IGNORED:
            self._ignored = max(0, self._ignored - 1)
            return
        if tag in _HEADINGS and self._heading_parts is not None and not self.open:
            self.heading = " ".join("".join(self._heading_parts).split())
            self._heading_parts = None
            if self._heading_tag == "h1" and not self.title:
                self.title = self.heading
            return
        if not self.open:
            return
        current = self.open[-1]
        if tag == "caption" and current.caption is not None:
            caption = " ".join("".join(current.caption).split())
            if caption:
                current.table.heading = caption
            current.caption = None
        elif tag in ("td", "th"):
            self._end_cell(current)
        elif tag == "tr":
            self._end_row(current)
        elif tag == "table":
            self._end_row(current)
            finished = self.open.pop()
            height = len(finished.table.rows)
            finished.table.merged = [(r0, c0, min(r1, height - 1), c1)
                                     for r0, c0, r1, c1 in finished.table.merged if r0 < height]
            if finished.table.rows:
                self.tables.append(finished.table)

    def handle_data(self, data: str) -> None:
        if self._ignored:
            return
        if self._heading_parts is not None:
            self._heading_parts.append(data)
            return
        if not self.open:
            return
        current = self.open[-1]
        if current.caption is not None:
            current.caption.append(data)
        elif current.cell is not None:
            current.cell.append(data)

    def _end_cell(self, current: _OpenTable) -> None:
        if current.cell is None or current.row is None:
            return
        text = "\n".join(" ".join(part.split()) for part in "".join(current.cell).split("\n"))
        text = text.strip()
        column = current.cell_at[1]
        if column >= len(current.row):
            current.row.extend([""] * (column + 1 - len(current.row)))
        current.row[column] = text
        current.cell = None

    def _end_row(self, current: _OpenTable) -> None:
        self._end_cell(current)
        if current.row is None:
            return
        row = current.row
        while row and not row[-1]:
            row.pop()
        self.budget.row(max(len(row), current.column), self._line())
        # Rows a rowspan still covers are part of the table even when the file omits them.
        current.table.rows.append(row)
        current.table.lines.append(self._line())
        current.spans = {c: n - 1 for c, n in current.spans.items() if n > 1}
        current.row = None


def _span(value: str | None) -> int:
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SPAN)


def html_tables(text: str, name: str) -> tuple[list[DocumentTable], str]:
    """Every table of an HTML document, with its caption or the heading above it, and the
    document's title (its first <h1>)."""
    parser = _TableParser(name)
    step = 1 << 20
    for start in range(0, len(text), step):
        parser.feed(text[start:start + step])
    parser.close()
    while parser.open:  # tables the document never closes end with it
        parser.handle_endtag("table")
    # An inner table closes first; in the document it comes after the outer one.
    return sorted(parser.tables, key=lambda t: t.line), parser.title


# ---- joining the tables -----------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _where(table: DocumentTable) -> str:
    return f"the table on line {table.line:,}" + (f" ({table.heading!r})" if table.heading
                                                   else "")


def read_document(path: Path, progress: Progress | None = None) -> DocumentSheet:
    """The matrix tables of a Markdown or HTML document as one table, with a report line."""
    from cxmatrix.interchange.spreadsheet.detect import sheet_score
    from cxmatrix.interchange.spreadsheet.layout import is_stage_heading

    path = Path(path)
    text = _read_text(path)
    if progress is not None:
        progress.step(0, 1, "Reading the document's tables")
    suffix = path.suffix.lower()
    kind = "Markdown" if suffix in MARKDOWN_SUFFIXES else "HTML"
    tables, title = markdown_tables(text, path.name) if kind == "Markdown" else \
        html_tables(text, path.name)
    if not tables:
        how = "pipe tables (| Touchpoint | Sales |, then | --- | --- |)" if kind == "Markdown" \
            else "<table> elements"
        raise ImportFailed(f"{path.name}: the document has no tables: cxmatrix reads the "
                           f"matrix from its {how}")
    scores = [sheet_score(SheetTable("", [list(r) for r in t.rows])) for t in tables]
    matrices = [t for t, s in zip(tables, scores, strict=True) if s > 0]
    if not matrices:
        matrices = [max(tables, key=lambda t: len(t.rows) * max(map(len, t.rows), default=0))]
    first = matrices[0]
    header = list(first.rows[0])
    first_keys = [_key(h) for h in header]
    joined = [first]
    left_out = [t for t in tables if t is not first and t not in matrices]
    for table in matrices[1:]:
        keys = [_key(h) for h in table.rows[0]]
        shared = sum(1 for k in keys if k and k in first_keys)
        if keys and (keys[0] == first_keys[0] or shared * 2 >= len([k for k in keys if k])):
            joined.append(table)
        else:
            left_out.append(table)
    if len(joined) > MAX_STAGES:
        raise ImportFailed(f"{path.name}: more than {MAX_STAGES:,} tables, more stages than a "
                           "matrix holds")
    columns = {k: i for i, k in enumerate(first_keys) if k}
    stage_rows = len(joined) > 1 and not any(is_stage_heading(h) for h in header)
    rows: list[list[str]] = []
    row_lines: list[int] = []
    merged: list[tuple[int, int, int, int]] = []
    # A title above the headings: the document's, or the one table's heading.
    if not stage_rows:
        title = first.heading or title
    elif title in {t.heading for t in joined}:
        title = ""
    if title:
        rows.append([title])
        row_lines.append(0)
    rows.append(header)
    row_lines.append(first.line)
    for number, table in enumerate(joined, start=1):
        placing = list(range(len(table.rows[0])))
        if table is not first:
            placing = []
            for heading_text in table.rows[0]:
                key = _key(heading_text)
                if not key or key not in columns:
                    if key:
                        columns[key] = len(header)
                    header.append(heading_text)
                    placing.append(len(header) - 1)
                else:
                    placing.append(columns[key])
        if stage_rows:
            rows.append([table.heading or f"Table {number}"])
            row_lines.append(table.line)
        offset = len(rows) - 1
        for row, line in zip(table.rows[1:], table.lines[1:], strict=True):
            placed = [""] * (max(placing[: len(row)], default=-1) + 1)
            for index, value in enumerate(row):
                if index < len(placing):
                    placed[placing[index]] = value
                elif value:
                    placed.append(value)
            while placed and not placed[-1]:
                placed.pop()
            rows.append(placed)
            row_lines.append(line)
        if table is first:
            merged += [(r0 + offset, c0, r1 + offset, c1) for r0, c0, r1, c1 in table.merged
                       if r0 >= 1]
    sheet = DocumentSheet(path.stem, rows, merged, {}, False, False, row_lines=row_lines)
    note = [f"The {kind} document has {len(tables):,} table" + ("s" if len(tables) != 1
                                                                 else "") + "."]
    if len(joined) > 1:
        stages_text = ", ".join(f"{t.heading or f'Table {n}'!r} (line {t.line:,})"
                                for n, t in enumerate(joined, start=1))
        note.append(f"Joined {len(joined):,} tables" + (
            f" as stages: {stages_text}." if stage_rows else f": {stages_text}."))
    elif len(tables) > 1:
        note.append(f"Imported {_where(first)}.")
    if left_out:
        shown = "; ".join(_where(t) for t in left_out[:5])
        more = len(left_out) - 5
        note.append(f"Left out, not part of the matrix: {shown}" +
                    (f" and {more:,} more." if more > 0 else "."))
    sheet.note = " ".join(note)
    return sheet
