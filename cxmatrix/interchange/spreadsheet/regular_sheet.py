"""The quick measure of a regular worksheet's cells: regular expressions instead of a Python
call per XML element.

The XML scan in ``xlsx_reader`` calls Python twice per element, which is most of importing a
large workbook (two million calls for a 20,000 x 50 grid). Most sheets are regular: inside
``sheetData`` there are only rows and cells, every cell has an ``r`` reference of letters and
digits, and a cell's children are values, formulas and inline strings, all with the prefix of
``sheetData``. For such content the extent, the cells' references and the bold cells can be
measured a chunk at a time by regular expressions, with the same result the scan would have.

``RegularCells`` is fed the part in chunks. It keeps what comes before ``sheetData``'s content
(``head``) and after it (``tail``) for the scan itself, which measures those (merged ranges,
mostly). Whenever anything is not regular (a comment or CDATA in the content, a cell without a
reference, text between cells, a reference or row number the scan would refuse, an odd child),
it gives up (``regular`` False) and the caller runs the scan over the whole part, so that every
refusal and message stay the scan's own. It never refuses anything itself.

The caller parses the head and the tail with expat. When all the content is in the plain
grammar (rows and cells as spreadsheet programs write them, each attribute at most once) and
its text is well formed ASCII (``well_formed``), the whole part is well formed XML if the head
and the tail are: the content is a run of complete elements with no reference but the five
predefined ones. Then the content need not go through expat as well.
"""

from __future__ import annotations

import re
from operator import itemgetter

from cxmatrix.interchange.spreadsheet.sheet_table import column_index

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
_MAX_HEAD = 1 << 20  # bytes before sheetData's content
_MAX_CARRY = 4 << 20  # content waiting for the end of a row
_MAX_TAIL = 32 << 20  # bytes after sheetData's content (merged ranges, page setup)

_NAME = rb"[A-Za-z_][\w.\-:]*"
_VALUE = rb"(?:\"[^\"<]*\"|'[^'<]*')"
_ATTRIBUTES = rb"(?:\s+" + _NAME + rb"\s*=\s*" + _VALUE + rb")*\s*"
# A cell's reference as the scan reads one: letters and digits, in either quote (four groups).
_REFERENCE = (rb"\s+r\s*=\s*(?:\"([A-Za-z]{1,3})([0-9]{1,7})\"|'([A-Za-z]{1,3})([0-9]{1,7})')")
_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.\-]*:)?sheetData" + _ATTRIBUTES + rb"(/?)>")


class _Patterns:
    """The expressions for one prefix ("" or "x:")."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        a = _ATTRIBUTES
        text = rb"[^<]*"
        formula = rb"<" + p + rb"f" + a + rb"(?:/>|>" + text + rb"</" + p + rb"f\s*>)"
        # The alternatives begin with different tokens, so their order changes only the
        # speed: the most frequent first (values, inline strings; cells, then rows).
        child = (rb"<" + p + rb"v" + a + rb"(?:/>|>" + text + rb"</" + p + rb"v\s*>)|<" + p
                 + rb"is\s*>(?:\s+|<" + p + rb"t" + a + rb"(?:/>|>" + text + rb"</" + p
                 + rb"t\s*>))*+</" + p + rb"is\s*>|" + formula + rb"|\s+")
        cell = rb"<" + p + rb"c" + a + rb"(?:>(?:" + child + rb")*+</" + p + rb"c\s*>|/>)"
        row = rb"<" + p + rb"row" + a + rb"/?>|</" + p + rb"row\s*>"
        # Only whitespace, rows and cells: no comment, CDATA, text or other element.
        self.content = re.compile(rb"(?:" + cell + rb"|" + row + rb"|\s+)*+")
        # A part of that language, as spreadsheet programs and libraries write it: no
        # whitespace between elements, rows and cells with their references first and the
        # attributes those writers use after them, each at most once, in the schema's order,
        # with values of a few plain characters; each cell empty or with one value or inline
        # string. Three times faster to match, tried first; and such content is well formed
        # XML whenever its text is (``_well_formed_text``), so expat need not read it.
        def once(*names: bytes, value: bytes = rb"[A-Za-z0-9.:\- ]{0,40}") -> bytes:
            return b"".join(rb"(?: " + name + rb"=\"" + value + rb"\")?" for name in names)

        cell_attributes = once(b"s", b"t")
        row_attributes = once(b"spans", b"s", b"customFormat", b"ht", b"hidden",
                              b"customHeight", b"outlineLevel", b"collapsed", b"thickTop",
                              b"thickBot", b"ph", b"x14ac:dyDescent")
        plain = (rb"<" + p + rb"c r=\"[A-Z]{1,3}[0-9]{1,7}\"" + cell_attributes + rb"(?:/>|><"
                 + p + rb"(?:v>" + text + rb"</" + p + rb"v>|is><" + p + rb"t"
                 + once(b"xml:space", value=rb"preserve") + rb">" + text + rb"</" + p
                 + rb"t></" + p + rb"is>)</" + p + rb"c>)")
        self.plain_row = re.compile(rb"<" + p + rb"row r=\"([0-9]{1,7})\"")
        self.plain_content = re.compile(rb"(?:<" + p + rb"row r=\"[0-9]{1,7}\"" + row_attributes
                                        + rb">(?:" + plain + rb")*+</" + p + rb"row>)*+")
        # A cell as most writers put it: its reference first, in double quotes, upper case,
        # and a value or an inline string as its first child (a valued cell). When every cell
        # of the content is one of these, its references are taken by this simple expression
        # at a quarter of the general one's cost (two groups: letters, digits).
        self.plain_cell = re.compile(rb"<" + p + rb"c r=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*(?<!/)><"
                                     + p + rb"(?:v|is)>")
        other = rb"(?:\s+(?!r\s*=)" + _NAME + rb"\s*=\s*" + _VALUE + rb")*"
        # Every cell, with its reference (four groups) and, in the fifth, "<" when it has a
        # child other than a formula: a cell the extent counts.
        self.cell = re.compile(rb"<" + p + rb"c" + other + _REFERENCE + a + rb"(?:/>|>(?=(?:\s+|"
                               + formula + rb")*+(<)" + p + rb"(?:v|is)[\s/>])|>)")
        row_reference = rb"\s+r\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')"
        self.row = re.compile(rb"<" + p + rb"row" + rb"(?:\s+(?!r\s*=)" + _NAME + rb"\s*=\s*"
                              + _VALUE + rb")*" + row_reference)
        self.row_end = re.compile(rb"</" + p + rb"row\s*>")
        self.content_end = re.compile(rb"</" + p + rb"sheetData\s*>")
        self.prefix = prefix

    def bold(self, styles: frozenset[str]) -> re.Pattern[bytes]:
        """Cells whose style number is one of ``styles``, capturing their reference (r before
        s, or after it)."""
        numbers = b"|".join(re.escape(s.encode()) for s in sorted(styles))
        style = rb"\s+s\s*=\s*(?:\"(?:" + numbers + rb")\"|'(?:" + numbers + rb")')"
        p = re.escape(self.prefix)

        def other(*names: bytes) -> bytes:
            blocked = b"|".join(names)
            return rb"(?:\s+(?!(?:" + blocked + rb")\s*=)" + _NAME + rb"\s*=\s*" + _VALUE + rb")*"

        return re.compile(rb"<" + p + rb"c" + other(b"r", b"s") + rb"(?:" + _REFERENCE + other(b"s")
                          + style + rb"|" + style + other(b"r") + _REFERENCE + rb")" + _ATTRIBUTES
                          + rb"/?>")


# The groups of a match of ``_Patterns.cell``.
_LETTERS_DOUBLE, _DIGITS_DOUBLE, _LETTERS_SINGLE, _DIGITS_SINGLE, _VALUED = (
    itemgetter(n) for n in range(5))
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_ROW_NUMBER = re.compile(rb"(?:[A-Za-z]{1,3})?([0-9]{1,7})")
_PATTERNS: dict[bytes, _Patterns] = {}


class RegularCells:
    """Measures a worksheet part fed in chunks, while it stays regular (module docstring)."""

    def __init__(self, bold_styles: frozenset[str], max_bold: int) -> None:
        self.regular = True
        # Every byte of the content measured was in ``plain_content``'s language with well
        # formed text: the part is well formed if its head and tail are (module docstring).
        self.well_formed = True
        self.rows = 0
        self.columns = 0
        self.elements = 0  # in the content (the scan counts the head and tail)
        self.bold: list[tuple[int, int]] = []
        self.head = b""  # through sheetData's start tag
        self.tail = b""  # from sheetData's end tag
        self._bold_styles = bold_styles
        self._max_bold = max_bold
        self._stage = 0  # 0: in the head, 1: in the content, 2: in the tail
        self._carry = b""
        self._patterns: _Patterns | None = None
        self._bold: re.Pattern[bytes] | None = None
        self._tail: list[bytes] = []
        self._tail_size = 0

    def feed(self, chunk: bytes) -> None:
        if not self.regular:
            return
        if self._stage == 0:
            self._find_content(chunk)
        elif self._stage == 1:
            self._content(self._carry + chunk)
        else:
            self._add_tail(chunk)

    def close(self) -> None:
        """After the last chunk: ``regular`` says whether the measures hold."""
        if self._stage != 2:
            self.regular = False
        self.tail = b"".join(self._tail)

    # ----

    def _find_content(self, chunk: bytes) -> None:
        data = self.head + chunk
        match = _SHEET_DATA.search(data)
        if match is None:
            self.head = data
            if len(data) > _MAX_HEAD:
                self.regular = False
            return
        prefix = match.group(1) or b""
        patterns = _PATTERNS.get(prefix)
        if patterns is None:
            patterns = _PATTERNS[prefix] = _Patterns(prefix)
        self._patterns = patterns
        if self._bold_styles:
            self._bold = patterns.bold(self._bold_styles)
        self.head = data[:match.end()]
        if match.group(2):  # <sheetData/>: no content
            self._stage = 2
            self._add_tail(data[match.end():])
            return
        self._stage = 1
        self._content(data[match.end():])

    def _content(self, data: bytes) -> None:
        patterns = self._patterns
        assert patterns is not None
        end = patterns.content_end.search(data)
        if end is not None:
            self._measure(data[:end.start()])
            self._stage = 2
            self._carry = b""
            self._add_tail(data[end.start():])
            return
        # Measured up to the end of the last row here; the rest waits for the next chunk.
        cut = data.rfind(b"</" + patterns.prefix + b"row")
        last = patterns.row_end.match(data, cut) if cut >= 0 else None
        if last is None:
            self._carry = data
            if len(data) > _MAX_CARRY:
                self.regular = False
            return
        self._measure(data[:last.end()])
        self._carry = data[last.end():]

    def _add_tail(self, data: bytes) -> None:
        self._tail.append(data)
        self._tail_size += len(data)
        if self._tail_size > _MAX_TAIL:
            self.regular = False

    def _measure(self, content: bytes) -> None:
        """Rows and cells only, each cell with a good reference: the extent of the valued
        ones, the references of the bold ones."""
        patterns = self._patterns
        assert patterns is not None
        if not self.regular:
            return
        in_plain_grammar = patterns.plain_content.fullmatch(content) is not None
        if not in_plain_grammar and patterns.content.fullmatch(content) is None:
            self.regular = False
            return
        if self.well_formed and not (in_plain_grammar and _well_formed_text(content)):
            self.well_formed = False
        self.elements += content.count(b"<") - content.count(b"</")
        # In such content only cells start with "<c" (or the prefix's).
        starts = content.count(b"<" + patterns.prefix + b"c")
        plain = patterns.plain_cell.findall(content)
        if len(plain) == starts:
            rows_fit = (self._plain_rows_fit(patterns, content) if in_plain_grammar
                        else self._rows_fit(patterns, content))
            if not rows_fit or not self._extent(plain):
                self.regular = False  # the scan refuses a row number or a reference
            elif self._bold is not None:
                self._measure_bold(content)
            return
        cells = patterns.cell.findall(content)
        if len(cells) != starts:
            self.regular = False  # a cell without a reference of letters and digits
            return
        if not self._rows_fit(patterns, content):
            self.regular = False  # the scan refuses it
            return
        if not cells:
            return
        # The columns of the matches taken apart at C speed: a million cells make a million
        # tuples, and unpacking them with zip(*cells) cost more than matching them.
        letters = set(map(_LETTERS_DOUBLE, cells)) | set(map(_LETTERS_SINGLE, cells))
        letters.discard(b"")
        digits = set(map(_DIGITS_DOUBLE, cells)) | set(map(_DIGITS_SINGLE, cells))
        digits.discard(b"")
        numbers = list(map(int, digits))
        if (min(numbers) < 1 or max(numbers) > EXCEL_ROWS
                or max(map(_column, letters)) >= EXCEL_COLUMNS):
            self.regular = False
            return
        valued = list(filter(_VALUED, cells))
        if valued:
            if len(valued) < len(cells):
                letters = set(map(_LETTERS_DOUBLE, valued)) | set(map(_LETTERS_SINGLE, valued))
                letters.discard(b"")
                digits = set(map(_DIGITS_DOUBLE, valued)) | set(map(_DIGITS_SINGLE, valued))
                digits.discard(b"")
                numbers = list(map(int, digits))
            self.rows = max(self.rows, *numbers)
            self.columns = max(self.columns, *(_column(x) + 1 for x in letters))
        if self._bold is not None:
            self._measure_bold(content)

    def _rows_fit(self, patterns: _Patterns, content: bytes) -> bool:
        """Whether every row's number is one the scan accepts."""
        for numbers in patterns.row.findall(content):
            row = _ROW_NUMBER.fullmatch(numbers[0] or numbers[1])
            if row is None or not 0 < int(row.group(1)) <= EXCEL_ROWS:
                return False
        return True

    @staticmethod
    def _plain_rows_fit(patterns: _Patterns, content: bytes) -> bool:
        """``_rows_fit`` for content in ``plain_content``'s language, where each row's
        number is digits in double quotes right after its name."""
        numbers = list(map(int, patterns.plain_row.findall(content)))
        return not numbers or (min(numbers) > 0 and max(numbers) <= EXCEL_ROWS)

    def _extent(self, plain: list[tuple[bytes, bytes]]) -> bool:
        """The extent grown by cells that are all valued (``plain_cell`` matches); False
        where the scan would refuse a reference."""
        if not plain:
            return True
        letters = set(map(_FIRST, plain))
        numbers = list(map(int, set(map(_SECOND, plain))))
        columns = max(map(_column, letters)) + 1
        if min(numbers) < 1 or max(numbers) > EXCEL_ROWS or columns > EXCEL_COLUMNS:
            return False
        self.rows = max(self.rows, *numbers)
        self.columns = max(self.columns, columns)
        return True

    def _measure_bold(self, content: bytes) -> None:
        assert self._bold is not None
        if len(self.bold) < self._max_bold:
            for a, b, c, d, e, f, g, h in self._bold.findall(content):
                if len(self.bold) >= self._max_bold:
                    break
                letters_, digits = next((x, y) for x, y in ((a, b), (c, d), (e, f), (g, h)) if x)
                self.bold.append((int(digits) - 1, _column(letters_)))


# The ASCII characters XML 1.0 allows, and an "&" that does not begin one of the five
# predefined references.
_XML_ASCII = b"\t\n\r" + bytes(range(0x20, 0x80))
_BARE_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)")


def _well_formed_text(content: bytes) -> bool:
    """Whether the text in ``plain_content``'s language is well formed: ASCII (any other
    byte is left to expat, which knows the encoding) without control characters or "]]>",
    each "&" one of the five predefined references. (Each test is a single pass in C: a
    character class searched by ``re`` costs ten times what ``translate`` does.)"""
    return (content.isascii() and not content.translate(None, _XML_ASCII)
            and not (b"]" in content and b"]]>" in content)
            and not (b"&" in content and _BARE_AMPERSAND.search(content)))


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    column = _COLUMNS.get(letters)
    if column is None:
        column = _COLUMNS[letters] = column_index(letters.decode("ascii"))
    return column
