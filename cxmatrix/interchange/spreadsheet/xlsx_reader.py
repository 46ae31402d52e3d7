"""Read .xlsx/.xlsm workbooks safely into :class:`SheetTable`s.

Before any parser sees the file we check what it is (an encrypted workbook and an old .xls are
OLE files; an .ods is a zip with an OpenDocument mimetype, handed to ``ods_reader``; a Strict
Open XML workbook uses other namespaces, and is read like the others), and that the zip is
sane: a bounded number of parts, declared sizes and compression ratios within limits, and each
part we will parse inflated once in bounded chunks (which also proves the declared size true)
with no DTD in it.

python-calamine allocates a dense grid over every cell a sheet references, and aborts the
process when that fails. So each sheet is first streamed through expat, placing cells the way
calamine does (any attribute order, any prefix, rows and cells without references), and a
sheet whose values reach beyond the limits is refused before calamine sees it. Calamine then
reads a copy holding only the parts measured, so what it allocates is what was measured.

Values come from python-calamine (cached results, not formulas; about six times faster than
openpyxl's read-only mode, with identical values: see tests/test_import_readers.py); merged
ranges from the same scan, at most MAX_MERGED_RANGES. Comments are parsed with defusedxml
from the sheet's comments part.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from cxmatrix.domain.limits import (
    MAX_MERGED_RANGES,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_WORKBOOK_SHEETS,
)
from cxmatrix.domain.limits import MAX_SHEET_CELLS as MAX_CELLS
from cxmatrix.domain.limits import MAX_SHEET_COLUMNS as MAX_COLUMNS
from cxmatrix.domain.limits import MAX_SHEET_ROWS as MAX_ROWS
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.errors import ImportFailed, reading
from cxmatrix.interchange.spreadsheet.sheet_table import (
    SheetTable,
    column_index,
    listed,
    text_row,
    trim_rows,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 400 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_PART_BYTES = 600 * 1024 * 1024
MAX_SMALL_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 1_500 * 1024 * 1024
MAX_RATIO = 250
CHUNK = 1 << 20

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

SAVE_AS_XLSX = "open it in your spreadsheet program and save it as an Excel Workbook (.xlsx)"


@dataclass
class SheetEntry:
    name: str
    part: str  # path inside the zip, "" when the sheet has no worksheet part (chart sheet)
    hidden: bool
    kind: str = "worksheet"


@dataclass
class WorkbookInfo:
    path: Path
    sheets: list[SheetEntry] = field(default_factory=list)
    date1904: bool = False
    strict: bool = False  # saved as Strict Open XML

    def entry(self, name: str) -> SheetEntry:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if sheet.name.strip().casefold() == name.strip().casefold():
                return sheet
        names = listed([s.name for s in self.sheets])
        raise ImportFailed(f"{self.path.name}: there is no sheet called {name!r} "
                           f"(sheets: {names})")


def sniff_refusal(path: Path, head: bytes) -> str | None:
    """Why this file is not an .xlsx we can read, from its first bytes, or None."""
    if head.startswith(OLE_MAGIC):
        return None  # decided by _ole_refusal, which needs more of the file
    if head.startswith(b"PK"):
        return None
    if not head:
        return "the file is empty"
    if head.lstrip().startswith((b"<?xml", b"<")):
        return ("this is an XML file, not an Excel workbook (an Excel 2003 XML spreadsheet "
                f"or a web page?): {SAVE_AS_XLSX}")
    if _looks_like_text(head):
        return ("this is not an Excel workbook (.xlsx) but text: if it is a CSV file, give it "
                "the extension .csv and import it again")
    return f"this is not an Excel workbook (.xlsx): {SAVE_AS_XLSX}"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:  # incremental: a character cut at the end of the sample is not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def _ole_refusal(path: Path) -> str:
    """An OLE compound file is either an encrypted workbook or an old binary .xls/.doc."""
    with path.open("rb") as handle:
        data = handle.read(8 * 1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in data or \
            "EncryptionInfo".encode("utf-16-le") in data:
        return ("the workbook is protected with a password (encrypted): open it in Excel, "
                "remove the password (File > Info > Protect Workbook > Encrypt with Password), "
                "save it, and import it again")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return ("this is an old binary Excel file (.xls), which cxmatrix cannot read: "
                "open it in your spreadsheet program and save it as .xlsx")
    return f"this is an old binary Office file, not an Excel workbook (.xlsx): {SAVE_AS_XLSX}"


def open_workbook(path: Path) -> WorkbookInfo:
    """Check the file and list its sheets; raises ImportFailed with advice if it is unusable."""
    path = Path(path)
    with reading(path):
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    if head.startswith(OLE_MAGIC):
        raise ImportFailed(f"{path.name}: {_ole_refusal(path)}")
    refusal = sniff_refusal(path, head)
    if refusal:
        raise ImportFailed(f"{path.name}: {refusal}")
    if size > MAX_FILE_BYTES:
        raise ImportFailed(f"{path.name}: the file is too large to import "
                           f"({size / 1e6:,.0f} MB; at most {MAX_FILE_BYTES / 1e6:,.0f} MB)")
    try:
        with zipfile.ZipFile(path) as archive:
            info = _check_archive(path, archive)
    except zipfile.BadZipFile as error:
        raise ImportFailed(f"{path.name}: the file is damaged or not a workbook ({error}): "
                           f"{SAVE_AS_XLSX}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as error:
        raise ImportFailed(f"{path.name}: the workbook cannot be read ({error})") from None
    return info


def _check_archive(path: Path, archive: zipfile.ZipFile) -> WorkbookInfo:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportFailed(f"{path.name}: the workbook has {len(members):,} parts, which is "
                           "not a normal spreadsheet; cxmatrix refuses it")
    names = {m.filename for m in members}
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ImportFailed(f"{path.name}: the workbook is encrypted; remove the password "
                               "and save it again")
        total += member.file_size
        limit = MAX_PART_BYTES if member.filename.startswith("xl/worksheets/") \
            else MAX_SMALL_PART_BYTES
        if member.file_size > limit:
            raise ImportFailed(f"{path.name}: the part {member.filename} unpacks to "
                               f"{member.file_size / 1e6:,.0f} MB, more than cxmatrix accepts "
                               "(a zip bomb, or a sheet far too large)")
        if member.file_size > 2 * 1024 * 1024 and \
                member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ImportFailed(f"{path.name}: the part {member.filename} is compressed "
                               f"{member.file_size // max(member.compress_size, 1):,} to 1, "
                               "which no spreadsheet needs: refused as a zip bomb")
    if total > MAX_TOTAL_BYTES:
        raise ImportFailed(f"{path.name}: the workbook unpacks to {total / 1e6:,.0f} MB, "
                           "more than cxmatrix accepts")
    if "mimetype" in names:
        mimetype = _read_part(path, archive, "mimetype", 1024).decode("ascii", "replace")
        if "opendocument.spreadsheet" in mimetype and "template" not in mimetype:
            from cxmatrix.interchange.spreadsheet.ods_reader import open_ods

            return open_ods(path, archive)
        raise ImportFailed(f"{path.name}: this is an OpenDocument file, not a spreadsheet "
                           f"cxmatrix can read: {SAVE_AS_XLSX}")
    workbook_part = _main_part(path, archive, names)
    root = _parse_xml(path, archive, workbook_part)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace not in (MAIN_NS, STRICT_NS):
        raise ImportFailed(f"{path.name}: this is not an Excel workbook: {SAVE_AS_XLSX}")
    # A Strict Open XML workbook (ISO 29500 Strict, Excel's "Strict Open XML Spreadsheet")
    # differs by its namespaces; the sheets are read by element names, whatever those are.
    rel_ns = STRICT_REL_NS if namespace == STRICT_NS else REL_NS
    rels = _relationships(path, archive, workbook_part)
    info = WorkbookInfo(path, strict=namespace == STRICT_NS)
    listed_sheets = list(root.iter(f"{{{namespace}}}sheet"))
    if len(listed_sheets) > MAX_WORKBOOK_SHEETS:
        raise ImportFailed(f"{path.name}: the workbook has {len(listed_sheets):,} sheets; "
                           f"cxmatrix reads workbooks of at most {MAX_WORKBOOK_SHEETS:,}. Copy "
                           "the sheet with the matrix into a workbook of its own")
    properties = root.find(f"{{{namespace}}}workbookPr")
    info.date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    for sheet in listed_sheets:
        name = sheet.get("name", "")
        rid = sheet.get(f"{{{rel_ns}}}id", "") or sheet.get(f"{{{REL_NS}}}id", "")
        target, kind = rels.get(rid, ("", ""))
        hidden = sheet.get("state", "visible") != "visible"
        info.sheets.append(SheetEntry(name, target if target in names else "", hidden, kind))
    if not info.sheets:
        raise ImportFailed(f"{path.name}: the workbook has no sheets")
    return info


def _main_part(path: Path, archive: zipfile.ZipFile, names: set[str]) -> str:
    if "_rels/.rels" in names:
        for rel in _parse_xml(path, archive, "_rels/.rels"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = str(rel.get("Target", "")).lstrip("/")
                if target in names:
                    return target
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    if "word/document.xml" in names:
        raise ImportFailed(f"{path.name}: this is a Word document, not a spreadsheet")
    if "ppt/presentation.xml" in names:
        raise ImportFailed(f"{path.name}: this is a PowerPoint file, not a spreadsheet")
    raise ImportFailed(f"{path.name}: this zip file is not an Excel workbook: {SAVE_AS_XLSX}")


def _relationships(path: Path, archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """rId -> (absolute part name, relationship kind) for one part."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in archive.namelist():
        return {}
    result = {}
    for rel in _parse_xml(path, archive, rels_part):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        absolute = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        result[rel.get("Id", "")] = (absolute, rel.get("Type", "").rsplit("/", 1)[-1])
    return result


def _iter_part(path: Path, archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part's bytes in chunks; a lying size or a bad CRC raises ImportFailed."""
    try:
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    return
                yield chunk
    except zipfile.BadZipFile as error:
        raise ImportFailed(f"{path.name}: the part {part} is damaged ({error})") from None
    except (NotImplementedError, RuntimeError) as error:
        raise ImportFailed(f"{path.name}: the part {part} cannot be unpacked ({error})") from None


def _read_part(path: Path, archive: zipfile.ZipFile, part: str, limit: int) -> bytes:
    data = bytearray()
    for chunk in _iter_part(path, archive, part):
        data += chunk
        if len(data) > limit:
            raise ImportFailed(f"{path.name}: the part {part} is larger than it should be")
    return bytes(data)


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parse_xml(path: Path, archive: zipfile.ZipFile, part: str) -> Any:
    data = _read_part(path, archive, part, MAX_SMALL_PART_BYTES)
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ImportFailed(f"{path.name}: the part {part} declares XML entities or a DTD, "
                           "which spreadsheets never need (an XML bomb or external entity); "
                           "cxmatrix refuses it for safety") from None
    except SafeET.ParseError as error:
        raise ImportFailed(f"{path.name}: the part {part} is not valid XML ({error})") from None


# ---- the sheet's extent, measured before anything builds a dense grid ------------------------

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
# All sheets read at one opening of a workbook together: bounds the time the XML scan takes
# (about a second per million elements), whatever the file is made of.
MAX_XML_ELEMENTS = 20_000_000
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REFERENCE = re.compile(r"(?:[A-Za-z]{1,3})?([0-9]{1,7})")
_COLUMNS: dict[str, int] = {}  # column letters -> index, as met
MAX_BOLD_CELLS = 200_000


class _Refusal(Exception):
    """Raised inside the scan's XML handlers to stop the parse with a message."""


@dataclass
class _Budget:
    elements: int = MAX_XML_ELEMENTS


class _SheetScan:
    """One streaming pass of expat over a worksheet part, placing cells as python-calamine
    does: elements by their local name (any prefix, any namespace), attributes in any order;
    a cell at its own ``r``, else in the column after the previous cell; a row at its own
    ``r``, else after the previous row, and cells outside rows too.

    The extent counts every cell with a child element other than a formula, a superset of the
    cells calamine keeps (it drops empty ones), so calamine's dense grid is never larger than
    what is measured here. Merged ranges come from the same pass.
    """

    def __init__(self, where: str, bold_styles: frozenset[str] = frozenset()) -> None:
        self.where = where
        self.bold_styles = bold_styles  # cell style numbers whose font is bold
        self.bold: set[tuple[int, int]] = set()
        self.rows = 0
        self.columns = 0
        self.merged: list[tuple[int, int, int, int]] = []
        self.elements = 0
        self._stage = 0  # 0 before sheetData, 1 inside, 2 after
        self._row = 0
        self._column = 0
        self._cell: tuple[int, int] | None = None
        self._valued = False
        self._depth = 0  # elements open inside the current cell
        self._in_merges = False

    # expat handlers: the hot path of reading a workbook, kept short.

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self._cell is not None:
            self._depth += 1
            if not self._valued and name != "f" and not name.endswith(":f"):
                self._valued = True
            return
        colon = name.find(":")
        if colon >= 0:
            name = name[colon + 1:]
        if self._stage == 1:
            if name == "c":
                ref = attributes.get("r")
                if ref is None:
                    self._cell = (self._row, self._column)
                else:
                    self._cell = self._position(ref)
                    self._column = self._cell[1]
                self._valued = False
                if self.bold_styles and attributes.get("s") in self.bold_styles and \
                        len(self.bold) < MAX_BOLD_CELLS:
                    self.bold.add(self._cell)
                return
            if name == "row":
                ref = attributes.get("r")
                if ref is not None:
                    self._row = self._row_number(ref)
                return
        elif self._stage == 0 and name == "sheetData":
            self._stage = 1
            return
        if name == "mergeCells":
            self._in_merges = True
        elif name == "mergeCell" and self._in_merges:
            self._merge(attributes.get("ref", ""))

    def end(self, name: str) -> None:
        if self._cell is not None:
            if self._depth:  # the end of something inside the cell
                self._depth -= 1
                return
            if self._valued:
                row, column = self._cell
                if row >= self.rows or column >= self.columns:
                    self._grow(row, column)
            self._cell = None
            self._column += 1
            return
        colon = name.find(":")
        if colon >= 0:
            name = name[colon + 1:]
        if self._stage == 1:
            if name == "row":
                self._row += 1
                self._column = 0
            elif name == "sheetData":
                self._stage = 2
        elif name == "mergeCells":
            self._in_merges = False

    # ----

    def _grow(self, row: int, column: int) -> None:
        if row >= self.rows:
            self.rows = row + 1
            if self.rows > MAX_ROWS:
                raise _Refusal(f"{self.where} has values down to row {self.rows:,}; cxmatrix "
                               f"imports at most {MAX_ROWS:,} rows. Delete the rows you do "
                               "not need and save it again")
        if column >= self.columns:
            self.columns = column + 1
            if self.columns > MAX_COLUMNS:
                raise _Refusal(f"{self.where} has values in {self.columns:,} columns; cxmatrix "
                               f"imports at most {MAX_COLUMNS:,}")
        if self.rows * self.columns > MAX_CELLS:
            raise _Refusal(f"{self.where} spans {self.rows:,} rows by {self.columns:,} "
                           f"columns, more cells than cxmatrix imports ({MAX_CELLS:,})")

    def _position(self, ref: str) -> tuple[int, int]:
        match = _CELL_REFERENCE.fullmatch(ref)
        if match is None:
            raise _Refusal(f"{self.where} has a cell reference {ref[:20]!r} that is not a "
                           "cell reference (a damaged file)")
        letters, digits = match.groups()
        column = _COLUMNS.get(letters)
        if column is None:
            column = _COLUMNS[letters] = column_index(letters)
        row = int(digits) - 1
        if not 0 <= row < EXCEL_ROWS or column >= EXCEL_COLUMNS:
            raise _Refusal(f"{self.where} has a cell reference {ref!r} outside the grid a "
                           "spreadsheet can have (a damaged file)")
        return row, column

    def _row_number(self, ref: str) -> int:
        match = _ROW_REFERENCE.fullmatch(ref)
        row = int(match.group(1)) - 1 if match else -1
        if not 0 <= row < EXCEL_ROWS:
            raise _Refusal(f"{self.where} has a row number {ref[:20]!r} that is not a row of "
                           "a spreadsheet (a damaged file)")
        return row

    def _merge(self, ref: str) -> None:
        if len(self.merged) >= MAX_MERGED_RANGES:
            raise _Refusal(f"{self.where} has more than {MAX_MERGED_RANGES:,} merged ranges; "
                           f"cxmatrix imports at most {MAX_MERGED_RANGES:,}. Unmerge the "
                           "cells (Home > Merge & Center > Unmerge Cells) and save it again")
        first, _, last = ref.partition(":")
        try:
            r0, c0 = self._position(first)
            r1, c1 = self._position(last) if last else (r0, c0)
        except _Refusal:
            return  # python-calamine ignores unreadable merges too
        self.merged.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))

    def check_merges(self) -> None:
        """Merged ranges never overlap in a file a spreadsheet program wrote. Within the
        extent their areas then add up to at most its cells, which bounds what filling them
        costs; more than that means overlapping ranges, refused before anything fills them."""
        budget = self.rows * self.columns
        for r0, c0, r1, c1 in self.merged:
            if r0 < self.rows and c0 < self.columns:
                budget -= (min(r1, self.rows - 1) - r0 + 1) * (min(c1, self.columns - 1) - c0 + 1)
                if budget < 0:
                    raise _Refusal(f"{self.where} has merged ranges that overlap, which no "
                                   "spreadsheet program writes (a damaged file)")


# A sheet part this large is first inflated without parsing, to refuse an extent beyond the
# limits from its last rows (_refuse_from_tail): inflating costs about 3% of the scan, and a
# 100,000-row sheet is refused in well under a second instead of after a scan of ten.
TAIL_CHECK_BYTES = 4 * 1024 * 1024
# A cell with a reference and a child that is not a formula (a value, an inline string): a
# cell the scan counts in the extent. Attribute values hold no '<', so the match cannot run
# from one tag into another.
_VALUED_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?c\s(?:[^>]*?\s)?r=[\"']([A-Za-z]{1,3})([0-9]{1,7})[\"']"
    rb"[^>]*(?<!/)>\s*<(?!(?:[A-Za-z_][\w.\-]*:)?f[\s/>])[A-Za-z_]")
_TAIL_WINDOW = 256 * 1024
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?sheetData\s*>")


def _refuse_from_tail(path: Path, archive: zipfile.ZipFile, entry: SheetEntry,
                      where: str) -> None:
    """Refuse a large sheet whose last rows alone reach beyond the limits, before the scan.

    The part is inflated (which checks its size and CRC) keeping only its last two chunks;
    the largest row and column of a valued cell there, before the end of sheetData, are a
    lower bound of the extent the scan would measure (a cell with a reference is placed at
    it). Beyond the limits, the refusal is the scan's own message; within them, the scan
    decides, as for any sheet. A cell tag hidden in a comment or CDATA could only make a
    crafted file refused."""
    tail = [b"", b""]
    for chunk in _iter_part(path, archive, entry.part):
        tail = [tail[1], chunk]
    data = tail[0] + tail[1]
    ends = list(_SHEET_DATA_END.finditer(data))
    if not ends:
        return  # the end of the cells is not in sight: leave it to the scan
    end = ends[-1]
    rows, letters = 0, set()
    # The last rows are enough for a lower bound (a 50-column row is about 2 KB).
    for match in _VALUED_CELL.finditer(data, max(0, end.start() - _TAIL_WINDOW), end.start()):
        letters.add(match[1])
        rows = max(rows, int(match[2]))
    columns = max((column_index(text.decode("ascii")) + 1 for text in letters), default=0)
    if 0 < rows <= EXCEL_ROWS and 0 < columns <= EXCEL_COLUMNS:
        _SheetScan(where)._grow(rows - 1, columns - 1)  # raises the scan's refusal


def _scan_sheet(path: Path, archive: zipfile.ZipFile, entry: SheetEntry, sink: IO[bytes],
                budget: _Budget, progress: Progress | None,
                bold_styles: frozenset[str] = frozenset()) -> _SheetScan:
    """Inflate the sheet part once, in chunks, through expat and into ``sink``: a true size,
    no DTD, an extent within the limits. Raises ImportFailed."""
    scan = _SheetScan(f"{path.name}: sheet {entry.name!r}", bold_styles)
    if archive.getinfo(entry.part).file_size >= TAIL_CHECK_BYTES:
        try:
            _refuse_from_tail(path, archive, entry, scan.where)
        except _Refusal as refusal:
            raise ImportFailed(str(refusal)) from None
    quick = _quick_scan(path, archive, entry, sink, budget, progress, scan)
    if quick is not None:
        return quick
    # Not regular, or something to refuse: the scan below decides, over the whole part (the
    # quick pass has written it to the sink).
    _full_scan(path, archive, entry, None, budget, progress, scan)
    return scan


def _quick_scan(path: Path, archive: zipfile.ZipFile, entry: SheetEntry, sink: IO[bytes],
                budget: _Budget, progress: Progress | None, scan: _SheetScan
                ) -> _SheetScan | None:
    """Inflate the part once into ``sink`` and through ``RegularCells``; what comes before
    and after the cells goes through the scan's handlers. Unless ``RegularCells`` finds the
    part well formed by its grammar, expat without element handlers checks it too (a well
    formed part, no DTD), from a second inflation. The scan's result, or None when the whole
    scan must decide (a sheet that is not regular, anything to refuse)."""
    from cxmatrix.interchange.spreadsheet.regular_sheet import RegularCells

    cells = RegularCells(scan.bold_styles, MAX_BOLD_CELLS)
    declared = archive.getinfo(entry.part).file_size
    size = 0
    try:
        for chunk in _iter_part(path, archive, entry.part):
            size += len(chunk)
            sink.write(chunk)
            if cells.regular:
                cells.feed(chunk)
            if progress is not None:
                progress.step(size, max(declared, size), f"Checking sheet {entry.name!r}")
        cells.close()
        if not cells.regular:
            return None
        if not cells.well_formed:
            parser = _checking_parser()
            for chunk in _iter_part(path, archive, entry.part):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (ImportFailed, expat.ExpatError, _Refusal):
        return None  # (the whole scan meets the same, or refuses something before it)
    ends = _SheetScan(scan.where, scan.bold_styles)
    ends_parser = _checking_parser()
    ends_parser.StartElementHandler = ends.start
    ends_parser.EndElementHandler = ends.end
    try:
        ends_parser.Parse(cells.head, False)
        ends_parser.Parse(cells.tail, True)
        ends.elements += cells.elements
        if ends.elements > budget.elements:
            return None
        if cells.rows:  # (the head and tail hold no cells: the extent is the content's)
            ends._grow(cells.rows - 1, cells.columns - 1)
        ends.check_merges()
    except (expat.ExpatError, _Refusal):
        return None
    ends.bold = set(cells.bold)
    budget.elements -= ends.elements
    return ends


def _checking_parser() -> Any:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _full_scan(path: Path, archive: zipfile.ZipFile, entry: SheetEntry,
               sink: IO[bytes] | None, budget: _Budget, progress: Progress | None,
               scan: _SheetScan) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    declared = archive.getinfo(entry.part).file_size
    size = 0
    try:
        for chunk in _iter_part(path, archive, entry.part):
            size += len(chunk)
            parser.Parse(chunk, False)
            if sink is not None:
                sink.write(chunk)
            if scan.elements > budget.elements:
                raise _Refusal(f"{path.name}: the sheets hold more than {MAX_XML_ELEMENTS:,} "
                               "XML elements, more than cxmatrix reads at once; name the "
                               "sheet to import")
            if progress is not None:
                progress.step(size, max(declared, size), f"Checking sheet {entry.name!r}")
        parser.Parse(b"", True)
        scan.check_merges()
    except _Refusal as refusal:
        message = str(refusal)
        if message == "DTD":
            message = (f"{path.name}: sheet {entry.name!r} declares XML entities or a DTD (an "
                       "XML bomb or external entity); cxmatrix refuses it")
        raise ImportFailed(message) from None
    except expat.ExpatError as error:
        raise ImportFailed(f"{path.name}: sheet {entry.name!r} is not valid XML "
                           f"({expat.ErrorString(error.code)}, line {error.lineno})") from None
    finally:
        budget.elements -= scan.elements


def _refuse_dtd(*_arguments: object) -> None:
    raise _Refusal("DTD")


# ---- reading sheets -------------------------------------------------------------------------

WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
# The workbook-wide parts python-calamine reads by these names (case aside), whatever the
# workbook's relationships say.
_SHARED_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml")


@dataclass
class _Checked:
    entry: SheetEntry
    scan: _SheetScan
    number: int  # the sheet is "s<number>" in the copy, its part worksheets/sheet<number>.xml
    comments: dict[tuple[int, int], str]


def read_sheet(info: WorkbookInfo, name: str, progress: Progress | None = None) -> SheetTable:
    """One sheet's values, merged ranges and comments."""
    for _name, result in iter_sheets(info, [name], progress):
        if isinstance(result, ImportFailed):
            raise result
        return result
    raise AssertionError("iter_sheets yields one result per name")


def iter_sheets(info: WorkbookInfo, names: list[str], progress: Progress | None = None
                ) -> Iterator[tuple[str, SheetTable | ImportFailed]]:
    """Each named sheet's table, or why it cannot be read, from one opening of the workbook.

    python-calamine never sees the user's file: it reads a copy that holds only the parts
    checked here (the shared strings, the styles and each sheet part, byte for byte as
    scanned) under a workbook and relationships written here. So the sheet it reads is the
    sheet that was measured, whatever the zip's directory, names or relationships claim.
    """
    from cxmatrix.interchange.spreadsheet.ods_reader import OdsWorkbook, iter_ods_sheets

    if isinstance(info, OdsWorkbook):
        yield from iter_ods_sheets(info, names, progress)
        return
    path = info.path
    entries = [info.entry(name) for name in names]
    results: list[_Checked | ImportFailed] = []
    copy = io.BytesIO()
    budget = _Budget()
    try:
        with zipfile.ZipFile(path) as archive, \
                zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            members = {m.filename.replace("\\", "/").casefold(): m.filename
                       for m in reversed(archive.infolist())}
            bold_styles: frozenset[str] = frozenset()
            for part in _SHARED_PARTS:
                found = members.get(part.casefold())
                if found is not None:
                    with out.open(part, "w", force_zip64=True) as sink:
                        _copy_shared_part(path, archive, found, sink)
                    if part == "xl/styles.xml":
                        bold_styles = _bold_styles(path, archive, found)
            for number, entry in enumerate(entries, start=1):
                if not entry.part or entry.kind != "worksheet":
                    results.append(ImportFailed(
                        f"{path.name}: sheet {entry.name!r} is a chart or dialog sheet, not a "
                        "table of cells"))
                    continue
                try:
                    with out.open(f"xl/worksheets/sheet{number}.xml", "w",
                                  force_zip64=True) as sink:
                        scan = _scan_sheet(path, archive, entry, sink, budget, progress,
                                           bold_styles)
                    comments = _read_comments(path, archive, entry.part,
                                              (scan.rows, scan.columns))
                except ImportFailed as error:
                    results.append(error)
                    continue
                results.append(_Checked(entry, scan, number, comments))
            checked = [r for r in results if isinstance(r, _Checked)]
            out.writestr("[Content_Types].xml", _CONTENT_TYPES)
            out.writestr("_rels/.rels", _PACKAGE_RELS)
            out.writestr("xl/workbook.xml", _workbook_xml(checked, info.date1904))
            out.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(checked))
    except zipfile.BadZipFile as error:
        raise ImportFailed(f"{path.name}: the file is damaged or not a workbook ({error}): "
                           f"{SAVE_AS_XLSX}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as error:
        raise ImportFailed(f"{path.name}: the workbook cannot be read ({error})") from None
    if not any(isinstance(r, _Checked) for r in results):
        for entry, result in zip(entries, results, strict=True):
            yield entry.name, result  # type: ignore[misc]
        return
    workbook = _open_copy(path, copy)
    try:
        for entry, result in zip(entries, results, strict=True):
            if isinstance(result, _Checked):
                yield entry.name, _values(path, workbook, result)
            else:
                yield entry.name, result
    finally:
        workbook.close()


def _bold_styles(path: Path, archive: zipfile.ZipFile, part: str) -> frozenset[str]:
    """The cell style numbers (a cell's ``s``) whose font is bold: phase rows are often
    told apart by a bold label. A styles part that cannot be parsed gives none."""
    try:
        root = _parse_xml(path, archive, part)
    except ImportFailed:
        return frozenset()

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    bold_fonts: set[int] = set()
    xfs: list[Any] = []
    for child in root:
        name = local(child.tag)
        if name == "fonts":
            for number, font in enumerate(child):
                for detail in font:
                    if local(detail.tag) == "b" and detail.get("val", "1") not in ("0", "false"):
                        bold_fonts.add(number)
        elif name == "cellXfs":
            xfs = list(child)
    if not bold_fonts:
        return frozenset()
    found = set()
    for number, xf in enumerate(xfs):
        try:
            if int(xf.get("fontId", "0")) in bold_fonts:
                found.add(str(number))
        except ValueError:
            continue
    return frozenset(found)


def _copy_shared_part(path: Path, archive: zipfile.ZipFile, part: str, sink: IO[bytes]) -> None:
    """Inflate a part once into ``sink``: it must hold no DTD and be no larger than it says."""
    first = True
    for chunk in _iter_part(path, archive, part):
        if first and _DTD.search(chunk[:65536]):
            raise ImportFailed(f"{path.name}: the part {part} declares XML entities or a DTD "
                               "(an XML bomb or external entity); cxmatrix refuses it for "
                               "safety")
        first = False
        sink.write(chunk)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')


_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def _workbook_xml(checked: list[_Checked], date1904: bool) -> str:
    sheets = "".join(f'<sheet name="s{c.number}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, c in enumerate(checked, start=1))
    properties = '<workbookPr date1904="1"/>' if date1904 else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}">{properties}<sheets>{sheets}</sheets></workbook>')


def _workbook_rels(checked: list[_Checked]) -> str:
    rels = "".join(f'<Relationship Id="rId{n}" Type="{WORKSHEET_REL}" '
                   f'Target="worksheets/sheet{c.number}.xml"/>'
                   for n, c in enumerate(checked, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f"{rels}</Relationships>")


def _open_copy(path: Path, copy: io.BytesIO) -> Any:
    import python_calamine

    copy.seek(0)
    try:
        return python_calamine.CalamineWorkbook.from_filelike(copy)
    except python_calamine.PasswordError:
        raise ImportFailed(f"{path.name}: the workbook is protected with a password; "
                           "remove it and save the workbook again") from None
    except Exception as error:  # whatever the reader raises, the file is the cause
        raise ImportFailed(f"{path.name}: the workbook cannot be read "
                           f"({_short(error)}): {SAVE_AS_XLSX}") from None
    except BaseException as error:
        raise _reader_failure(path, error) from None


def _values(path: Path, workbook: Any, checked: _Checked) -> SheetTable | ImportFailed:
    """The checked sheet's values through python-calamine, or why they cannot be read."""
    entry = checked.entry
    try:
        sheet = workbook.get_sheet_by_name(f"s{checked.number}")
        values = sheet.to_python(skip_empty_area=False)
        rows = trim_rows([text_row(row) for row in values])
    except MemoryError:
        return ImportFailed(f"{path.name}: sheet {entry.name!r} is too large to read in the "
                            "memory available")
    except Exception as error:  # whatever the reader raises, the file is the cause
        return ImportFailed(f"{path.name}: sheet {entry.name!r} cannot be read "
                            f"({_short(error)}): {SAVE_AS_XLSX}")
    except BaseException as error:
        raise _reader_failure(path, error) from None
    return SheetTable(entry.name, rows, list(checked.scan.merged), checked.comments,
                      entry.hidden, bold=frozenset(checked.scan.bold))


def _reader_failure(path: Path, error: BaseException) -> BaseException:
    """A panic inside python-calamine (pyo3's PanicException is a BaseException) is the
    file's fault too; KeyboardInterrupt and the like pass through."""
    if type(error).__name__ == "PanicException":
        return ImportFailed(f"{path.name}: the workbook cannot be read ({_short(error)}): "
                            f"{SAVE_AS_XLSX}")
    return error


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def read_sheet_openpyxl(path: Path, name: str) -> SheetTable:
    """The same sheet through openpyxl (normal mode): for tests comparing the readers."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        sheet = workbook[name]
        rows = trim_rows([text_row(list(row)) for row in sheet.iter_rows(values_only=True)])
        merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                  for r in sheet.merged_cells.ranges]
        comments = {(c.row - 1, c.column - 1): _strip_author(c.comment.text, c.comment.author)
                    for row in sheet.iter_rows() for c in row if c.comment}
        return SheetTable(name, rows, merged, comments, sheet.sheet_state != "visible")
    finally:
        workbook.close()


def _strip_author(text: str, author: str | None) -> str:
    text = text or ""
    if author and text.startswith(f"{author}:"):
        text = text[len(author) + 1:]
    return text.strip()


_THREADED_PREFIX = "[Threaded comment]"


def _read_comments(path: Path, archive: zipfile.ZipFile, sheet_part: str,
                   extent: tuple[int, int]) -> dict[tuple[int, int], str]:
    """The sheet's comments and threaded comments by cell, streamed through expat: memory
    follows the comments kept (those on cells within the sheet's extent, each at most
    MAX_TEXT_LENGTH characters), not the part's size."""
    comments: dict[tuple[int, int], list[str]] = {}
    sizes: dict[tuple[int, int], int] = {}
    rels = _relationships(path, archive, sheet_part)
    names = set(archive.namelist())
    for target, kind in rels.values():
        if target in names and kind in ("comments", "threadedComment"):
            scan = _CommentScan(kind == "threadedComment", extent, comments, sizes)
            parser = expat.ParserCreate()
            parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
            parser.StartDoctypeDeclHandler = _refuse_dtd
            parser.EntityDeclHandler = _refuse_dtd
            parser.StartElementHandler = scan.start
            parser.EndElementHandler = scan.end
            parser.CharacterDataHandler = scan.characters
            try:
                for chunk in _iter_part(path, archive, target):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except _Refusal:
                raise ImportFailed(f"{path.name}: the part {target} declares XML entities or "
                                   "a DTD (an XML bomb or external entity); cxmatrix refuses "
                                   "it for safety") from None
            except expat.ExpatError as error:
                raise ImportFailed(f"{path.name}: the part {target} is not valid XML "
                                   f"({expat.ErrorString(error.code)}, line "
                                   f"{error.lineno})") from None
    return {position: "\n".join(texts)[:MAX_TEXT_LENGTH]
            for position, texts in comments.items()}


class _CommentScan:
    """A comments part (``<comment ref><text>…<t>``, authors first) or a threaded comments
    part (``<threadedComment ref><text>``), element names by their local name."""

    def __init__(self, threaded: bool, extent: tuple[int, int],
                 comments: dict[tuple[int, int], list[str]],
                 sizes: dict[tuple[int, int], int]) -> None:
        self.threaded = threaded
        self.rows, self.columns = extent
        self.comments = comments
        self.sizes = sizes  # characters kept per cell so far
        self.authors: list[str] = []
        self.position: tuple[int, int] | None = None
        self.author: str | None = None
        self.parts: list[str] = []
        self.size = 0
        self.collecting = False
        self.in_comment = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        if name == ("threadedComment" if self.threaded else "comment"):
            self.in_comment = True
            self.position = _position(attributes.get("ref", ""))
            author_id = attributes.get("authorId", "")
            self.author = self.authors[int(author_id)] if author_id.isdigit() and \
                int(author_id) < len(self.authors) else None
            self.parts = []
            self.size = 0
        elif not self.in_comment:
            if name == "author" and not self.threaded:
                self.collecting = True
                self.parts, self.size = [], 0
        elif name == ("text" if self.threaded else "t"):
            self.collecting = True
            if self.threaded and self.parts:
                self.parts.append(" ")

    def characters(self, data: str) -> None:
        if self.collecting and self.size < MAX_TEXT_LENGTH:
            self.parts.append(data)
            self.size += len(data)

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name in ("t", "text", "author"):
            self.collecting = False
            if name == "author" and not self.in_comment:
                self.authors.append("".join(self.parts)[:MAX_NAME_LENGTH])
        elif name == ("threadedComment" if self.threaded else "comment"):
            self.in_comment = False
            position = self.position
            if position is None or position[0] >= self.rows or position[1] >= self.columns:
                return  # a comment on no cell, or on a cell holding nothing
            text = "".join(self.parts)
            if not self.threaded:
                text = _strip_author(text, self.author)
                if text.startswith(_THREADED_PREFIX):
                    return  # the threadedComments part holds the real text
            text = text.strip()
            size = self.sizes.get(position, 0)
            if text and size < MAX_TEXT_LENGTH:
                self.comments.setdefault(position, []).append(text)
                self.sizes[position] = size + len(text) + 1


_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _position(ref: str) -> tuple[int, int] | None:
    match = _REF.match(ref.replace("$", "").upper())
    if not match:
        return None
    return int(match.group(2)) - 1, column_index(match.group(1))
