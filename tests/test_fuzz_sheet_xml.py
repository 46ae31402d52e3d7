"""A fuzz target for the workbook reader's XML (issue 12): hypothesis writes sheets with
attributes in any order and either quote, prefixed and default namespaces, rows and cells
with and without references, huge and broken references, lying dimensions, merged ranges,
every cell type and odd children. The reader must either return a bounded table or raise its
own ImportFailed with one line naming the file; nothing else, and never abort the process.

It also checks the property the reader's safety rests on: the extent its XML scan measures
is never smaller than what python-calamine then reads, so calamine never allocates more than
was measured. Derandomized and without an example database, so every run (in CI too) tries
the same examples; a few seconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile_spreadsheets import MAIN_NS, workbook

from cxmatrix.domain.limits import (
    MAX_MERGED_RANGES,
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
)
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.sheet_table import column_letter
from cxmatrix.interchange.spreadsheet.xlsx_reader import (
    _Budget,
    _quick_scan,
    _SheetScan,
    open_workbook,
    read_sheet,
)

SHARED = ["Touchpoint", "Sales", "O", "I", "H", "Support"]

small_refs = st.builds(lambda c, r: f"{column_letter(c)}{r}", st.integers(0, 9),
                       st.integers(1, 30))
huge_refs = st.sampled_from(["XFD1048576", "A1048576", "XFD1", "A250001", "CZZ1", "ZZZ1",
                             "A1048577", "A99999999", "A0", "1", "A", "$A$1", "a1", "xfd9",
                             "A1:B2", " A1", "&#65;1", ""])
# Mostly references within a small grid, so that many sheets reach python-calamine and the
# comparison of extents below has something to compare; now and then a hostile one.
refs = st.integers(0, 15).flatmap(
    lambda k: huge_refs if k == 0 else small_refs.map(str.lower) if k == 1 else small_refs)
row_numbers = st.integers(0, 15).flatmap(
    lambda k: st.sampled_from(["1048576", "250001", "0", "-1", "x", "A5", "", "1e3"])
    if k == 0 else st.integers(1, 30).map(str))
texts = st.sampled_from(["Touchpoint", "Sales", "O", "I", "H", "Own", "", " ", "3.5", "0",
                         "1", "TRUE", "#N/A", "2024-01-31", "&amp;", "&lt;x&gt;", "Zürich"])


def attributes(draw: st.DrawFn, pairs: list[tuple[str, str]]) -> str:
    order = draw(st.permutations(pairs))
    quote = draw(st.sampled_from(['"', "'"]))
    return "".join(f" {name}={quote}{value}{quote}" for name, value in order)


@st.composite
def cells(draw: st.DrawFn, prefix: str) -> str:
    pairs = []
    if draw(st.booleans()):
        pairs.append(("r", draw(refs)))
    kind = draw(st.sampled_from([None, None, "n", "s", "s", "str", "inlineStr", "inlineStr",
                                 "b", "e", "d", "zz"]))
    if kind is not None:
        pairs.append(("t", kind))
    if draw(st.booleans()):
        pairs.append(("s", draw(st.sampled_from(["0", "1", "99"]))))
    if draw(st.integers(0, 5)) == 0:
        pairs.append(("x:r" if prefix else "foo", draw(refs)))
    tag = f"{prefix}c"
    child = draw(st.sampled_from(["v", "v", "v", "v", "is", "is", "", "v-empty", "f", "f+v",
                                  "odd", "comment"]))
    text = draw(texts)
    if kind == "s" and child in ("v", "f+v"):
        text = draw(st.sampled_from(["0", "2", "5", "6", "-1", ""]))
    inner = {
        "": "",
        "v": f"<{prefix}v>{text}</{prefix}v>",
        "v-empty": f"<{prefix}v/>",
        "is": f"<{prefix}is><{prefix}t>{text}</{prefix}t></{prefix}is>",
        "f": f"<{prefix}f>SUM(A1:A2)</{prefix}f>",
        "f+v": f"<{prefix}f>1+1</{prefix}f><{prefix}v>{text}</{prefix}v>",
        "odd": f"<{prefix}extLst><{prefix}v>1</{prefix}v></{prefix}extLst>",
        "comment": f"<!-- <{prefix}c r=\"XFD1048576\"><v>1</v></{prefix}c> -->",
    }[child]
    opening = f"<{tag}{attributes(draw, pairs)}"
    return f"{opening}/>" if not inner else f"{opening}>{inner}</{tag}>"


@st.composite
def rows(draw: st.DrawFn, prefix: str) -> str:
    pairs = []
    if draw(st.booleans()):
        pairs.append(("r", draw(row_numbers)))
    if draw(st.booleans()):
        pairs.append(("spans", "1:3"))
    if draw(st.booleans()):
        pairs.append(("customFormat", "1"))
    body = "".join(draw(st.lists(cells(prefix), max_size=6)))
    opening = f"<{prefix}row{attributes(draw, pairs)}"
    return f"{opening}/>" if not body else f"{opening}>{body}</{prefix}row>"


@st.composite
def sheets(draw: st.DrawFn) -> str:
    style = draw(st.sampled_from(["default", "prefixed", "both"]))
    prefix = "" if style == "default" else "x:"
    declarations = {"default": f'xmlns="{MAIN_NS}"', "prefixed": f'xmlns:x="{MAIN_NS}"',
                    "both": f'xmlns="{MAIN_NS}" xmlns:x="{MAIN_NS}"'}[style]
    parts = []
    if draw(st.booleans()):
        dimension = draw(st.one_of(refs, st.builds(lambda a, b: f"{a}:{b}", refs, refs)))
        parts.append(f'<{prefix}dimension ref="{dimension}"/>')
    body = "".join(draw(st.lists(rows(prefix), max_size=8)))
    loose = draw(st.lists(cells(prefix), max_size=2))  # cells outside any row
    parts.append(f"<{prefix}sheetData>{body}{''.join(loose)}</{prefix}sheetData>")
    merges = draw(st.lists(st.one_of(st.builds(lambda a, b: f"{a}:{b}", refs, refs), refs),
                           max_size=6))
    if merges:
        listed = "".join(f'<{prefix}mergeCell ref="{ref}"/>' for ref in merges)
        parts.append(f"<{prefix}mergeCells>{listed}</{prefix}mergeCells>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {declarations}>'
            f"{''.join(parts)}</{prefix}worksheet>")


def measured(xml: str) -> _SheetScan:
    from xml.parsers import expat

    scan = _SheetScan("fuzz")
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.Parse(xml.encode(), True)
    return scan


def full_scan(xml: str) -> _SheetScan:
    """The sheet measured by the full scan: expat with the scan's handlers."""
    from xml.parsers import expat

    scan = _SheetScan("fuzz", frozenset({"1"}))
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.Parse(xml.encode(), True)
    return scan


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sheets())
def test_the_reader_returns_a_bounded_table_or_its_own_refusal(xml: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = workbook(Path(folder) / "fuzz.xlsx", {"Grid": xml}, shared=SHARED)
        try:
            table = read_sheet(open_workbook(path), "Grid")
        except ImportFailed as error:
            message = str(error)
            assert message.startswith("fuzz.xlsx") and "\n" not in message, message
            return
    assert table.height <= MAX_SHEET_ROWS
    assert table.width <= MAX_SHEET_COLUMNS
    assert table.height * table.width <= MAX_SHEET_CELLS
    assert len(table.merged) <= MAX_MERGED_RANGES
    scan = measured(xml)
    assert table.height <= scan.rows and table.width <= scan.columns, (
        f"calamine read {table.height} x {table.width}, the scan measured "
        f"{scan.rows} x {scan.columns}")


def quick_measure(xml: str) -> _SheetScan | None:
    """The quick pass of the reader (regular sheets) over the same XML, None when it leaves
    the sheet to the whole scan."""
    import io
    import zipfile

    with tempfile.TemporaryDirectory() as folder:
        path = workbook(Path(folder) / "fuzz.xlsx", {"Grid": xml}, shared=SHARED)
        info = open_workbook(path)
        entry = info.entry("Grid")
        with zipfile.ZipFile(path) as archive:
            return _quick_scan(path, archive, entry, io.BytesIO(), _Budget(), None,
                               _SheetScan("fuzz", frozenset({"1"})))


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sheets())
def test_the_quick_pass_measures_what_the_scan_measures(xml: str) -> None:
    quick = quick_measure(xml)
    if quick is None:
        return
    scan = full_scan(xml)  # a sheet the quick pass accepts, the scan accepts
    scan.check_merges()
    assert (quick.rows, quick.columns, quick.merged, quick.bold, quick.elements) == (
        scan.rows, scan.columns, scan.merged, scan.bold, scan.elements)


def test_the_quick_pass_takes_a_regular_sheet() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Touchpoint {n}</t></is>'
                   f'</c><c r="B{n}" s="1"><v>2</v></c><c r="C{n}"><f>1+1</f></c></row>'
                   for n in range(1, 40))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
           f'{rows}</sheetData><mergeCells><mergeCell ref="D1:E2"/></mergeCells></worksheet>')
    quick = quick_measure(xml)
    assert quick is not None
    assert (quick.rows, quick.columns, quick.merged) == (39, 2, [(0, 3, 1, 4)])
    assert quick.bold == {(n, 1) for n in range(39)}


# Sheets as most writers put them (no whitespace, references first, double quotes, one value
# or inline string per cell), which the quick pass reads by its simplest expressions, with
# now and then one cell or row written otherwise: the simple expressions and the general ones
# must agree with the scan wherever the quick pass decides.
odd_cells = st.sampled_from([
    '<c t="n" r="{ref}"><v>1</v></c>', '<c r="{ref}"/>', '<c r="{ref}" s="1"/>',
    '<c r="{ref}"><f>1+1</f></c>', '<c r="{ref}"><f>1+1</f><v>2</v></c>', '<c r="{ref}"><v/></c>',
    "<c r='{ref}'><v>1</v></c>", '<c  r="{ref}"><v>1</v></c>', '<c r="{ref}" ><v>1</v></c>',
    '<c r="{ref}"> <v>1</v></c>', '<c r="{ref}"><v>1</v> </c>', '<c><v>1</v></c>',
    '<c r="{ref}" r="XFD1048576"><v>1</v></c>', '<c r="{ref}" foo="XFD1048576"><v>1</v></c>',
    '<c r="{ref}"><is><t xml:space="preserve"> x </t></is></c>', '<c r="{ref}"><is></is></c>',
    '<c r="{ref}"><v>1</v><v>2</v></c>', '<c r="{ref}" x="a>b"><v>1</v></c>',
    '<c r="{ref}"><extLst><v>1</v></extLst></c>', '<c r="{ref}"><!-- c --><v>1</v></c>',
    '<c r="{ref}" s="1" s="2"><v>1</v></c>', '<c r="{ref}" t="s" s="1"><v>1</v></c>',
    '<c r="{ref}" s="a&amp;b"><v>1</v></c>', '<c r="{ref}" s="&#49;"><v>1</v></c>',
    '<c r="{ref}"><is><t xml:space="preserve" xml:space="preserve">x</t></is></c>'])
# Text the plain path must leave to expat: not well formed, or not ASCII.
plain_texts = st.one_of(texts, st.sampled_from([
    "&foo;", "&#0;", "&#65;", "&", "a & b", "]]>", "x]]>y", "\x01", "\x0b", "tab\there", "é",
    "&amp;&lt;", "&quot;&apos;&gt;", "&amp", "&AMP;"]))
odd_rows = st.sampled_from(['<row r="{n}" spans="1:3">', "<row r='{n}'>", '<row>',
                            '<row r="{n}" ht="1" ht="2">', '<row r="{n}" ht="15" spans="1:3">',
                            '<row r="{n}"/><row>', '<row  r="{n}">', '<row r="0">',
                            '<row r="1048577">', '<row spans="1:3" r="{n}">'])


@st.composite
def plain_sheets(draw: st.DrawFn) -> str:
    body = []
    for n in range(1, draw(st.integers(0, 8)) + 1):
        opening = '<row r="{n}">'
        if draw(st.integers(0, 9)) == 0:
            opening = draw(odd_rows)
        cells_ = []
        for column in range(draw(st.integers(0, 6))):
            ref = draw(refs) if draw(st.integers(0, 7)) == 0 else f"{column_letter(column)}{n}"
            cell = (f'<c r="{ref}" t="inlineStr"><is><t>{draw(plain_texts)}</t></is></c>'
                    if draw(st.booleans()) else f'<c r="{ref}" s="1"><v>{column}</v></c>')
            if draw(st.integers(0, 11)) == 0:
                cell = draw(odd_cells).replace("{ref}", ref)
            cells_.append(cell)
        body.append(opening.replace("{n}", str(n)) + "".join(cells_) + "</row>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
            f'{"".join(body)}</sheetData></worksheet>')


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plain_sheets())
def test_the_quick_pass_measures_plain_sheets_as_the_scan_does(xml: str) -> None:
    quick = quick_measure(xml)
    if quick is None:
        return
    scan = full_scan(xml)
    assert (quick.rows, quick.columns, quick.bold, quick.elements) == (
        scan.rows, scan.columns, scan.bold, scan.elements)


def test_a_plain_sheet_takes_the_plain_path_and_an_odd_cell_the_general_one() -> None:
    """The simplest expressions decide a plain sheet; one cell without a value sends its
    references to the general expression, which leaves that cell out of the extent as the
    scan does (and one with a formula the content to the general grammar too)."""
    from cxmatrix.interchange.spreadsheet.regular_sheet import _PATTERNS, RegularCells

    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>T{n}</t></is></c>'
                   f'<c r="B{n}" s="1"><v>2</v></c></row>' for n in range(1, 30))
    plain = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
             f"{rows}</sheetData></worksheet>")
    quick = quick_measure(plain)
    assert quick is not None and (quick.rows, quick.columns) == (29, 2)
    content = plain[plain.index("<sheetData>") + 11:plain.index("</sheetData>")].encode()
    assert _PATTERNS[b""].plain_content.fullmatch(content) is not None
    cells = RegularCells(frozenset(), 10)
    cells.feed(plain.encode())
    cells.close()
    assert cells.regular and cells.well_formed  # expat reads only its head and tail
    for odd_cell, plain_grammar in (('<c r="Z40"/>', True), ('<c r="Z40"><f>1</f></c>', False)):
        odd = plain.replace("</row></sheetData>", f"{odd_cell}</row></sheetData>")
        quick = quick_measure(odd)
        assert quick is not None and (quick.rows, quick.columns) == (29, 2)
        matched = _PATTERNS[b""].plain_content.fullmatch(
            odd[odd.index("<sheetData>") + 11:odd.index("</sheetData>")].encode())
        assert (matched is not None) == plain_grammar


@pytest.mark.parametrize("text", ["&foo;", "&#0;", "a]]>b", "\x01", "a & b"])
def test_text_that_is_not_well_formed_in_a_plain_sheet_is_refused_as_xml(text: str) -> None:
    """The plain path reads no text through expat: whatever it cannot vouch for is parsed by
    expat, which refuses it as before."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>T{n}</t></is></c></row>'
                   for n in range(1, 30))
    rows += f'<row r="30"><c r="A30" t="inlineStr"><is><t>{text}</t></is></c></row>'
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
           f"{rows}</sheetData></worksheet>")
    assert quick_measure(xml) is None
    with tempfile.TemporaryDirectory() as folder:
        path = workbook(Path(folder) / "fuzz.xlsx", {"Grid": xml})
        with pytest.raises(ImportFailed, match="is not valid XML"):
            read_sheet(open_workbook(path), "Grid")


def test_a_plain_sheet_with_text_beyond_ascii_is_checked_by_expat_and_read() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Zürich {n} &amp; co'
                   "</t></is></c></row>" for n in range(1, 30))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
           f"{rows}</sheetData></worksheet>")
    quick = quick_measure(xml)
    assert quick is not None and (quick.rows, quick.columns) == (29, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = workbook(Path(folder) / "fuzz.xlsx", {"Grid": xml})
        assert read_sheet(open_workbook(path), "Grid").rows[28] == ["Zürich 29 & co"]
