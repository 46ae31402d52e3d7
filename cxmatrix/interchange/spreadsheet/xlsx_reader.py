"""Read .xlsx/.xlsm workbooks safely into :class:`SheetTable`s.

Before any parser sees the file we check what it is (an encrypted workbook and an old .xls are
OLE files; an .ods is a zip with an OpenDocument mimetype; a Strict Open XML workbook uses
other namespaces), and that the zip is sane: a bounded number of parts, declared sizes and
compression ratios within limits, and each part we will parse inflated once in bounded chunks
(which also proves the declared size true) with no DTD in it. The cells' extent is measured
from the XML before python-calamine builds its dense grid, so a sheet that declares or holds a
million rows is refused quickly instead of exhausting memory.

Values come from python-calamine (cached results, not formulas; about six times faster than
openpyxl's read-only mode, with identical values: see tests/test_import_readers.py); merged
ranges too. Comments are parsed with defusedxml from the sheet's comments part.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from cxmatrix.domain.limits import MAX_SHEET_CELLS as MAX_CELLS
from cxmatrix.domain.limits import MAX_SHEET_COLUMNS as MAX_COLUMNS
from cxmatrix.domain.limits import MAX_SHEET_ROWS as MAX_ROWS
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.errors import ImportFailed, reading
from cxmatrix.interchange.spreadsheet.sheet_table import (
    SheetTable,
    column_index,
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

    def entry(self, name: str) -> SheetEntry:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if sheet.name.strip().casefold() == name.strip().casefold():
                return sheet
        names = ", ".join(repr(s.name) for s in self.sheets)
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
    if "mimetype" in names:
        mimetype = _read_part(path, archive, "mimetype", 1024).decode("ascii", "replace")
        if "opendocument.spreadsheet" in mimetype:
            raise ImportFailed(f"{path.name}: this is an OpenDocument spreadsheet (.ods), which "
                               "cxmatrix cannot read: open it in your spreadsheet program and "
                               "save it as .xlsx")
        raise ImportFailed(f"{path.name}: this is an OpenDocument file, not a spreadsheet "
                           f"cxmatrix can read: {SAVE_AS_XLSX}")
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
    workbook_part = _main_part(path, archive, names)
    root = _parse_xml(path, archive, workbook_part)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace == STRICT_NS:
        raise ImportFailed(f"{path.name}: the workbook is saved as Strict Open XML, which "
                           "cxmatrix cannot read: open it in Excel and save it as "
                           "'Excel Workbook (.xlsx)' (not 'Strict Open XML Spreadsheet')")
    if namespace != MAIN_NS:
        raise ImportFailed(f"{path.name}: this is not an Excel workbook: {SAVE_AS_XLSX}")
    rels = _relationships(path, archive, workbook_part)
    info = WorkbookInfo(path)
    for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
        name = sheet.get("name", "")
        rid = sheet.get(f"{{{REL_NS}}}id", "")
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


def _parts_read_with(archive: zipfile.ZipFile) -> list[str]:
    """The workbook-wide parts python-calamine parses besides the sheet itself."""
    names = set(archive.namelist())
    return [part for part in ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
                              "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
            if part in names]


def _check_shared_part(path: Path, archive: zipfile.ZipFile, part: str) -> None:
    """Inflate a part once: it must hold no DTD and be no larger than it says."""
    first = True
    for chunk in _iter_part(path, archive, part):
        if first and _DTD.search(chunk[:65536]):
            raise ImportFailed(f"{path.name}: the part {part} declares XML entities or a DTD "
                               "(an XML bomb or external entity); cxmatrix refuses it for "
                               "safety")
        first = False


# ---- the sheet's extent, measured before anything builds a dense grid ------------------------

_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})')
_ROW_REF = re.compile(rb'<row [^>]*?r="(\d+)"')
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?(/?)>')


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0
    explicit: bool = True


def _check_sheet_part(path: Path, archive: zipfile.ZipFile, part: str, sheet: str,
                      progress: Progress | None) -> None:
    """Inflate the sheet once: no DTD, true size, and an extent within the limits."""
    extent = Extent()
    columns: set[bytes] = set()
    head = True
    size = 0
    declared = archive.getinfo(part).file_size
    for chunk in _iter_part(path, archive, part):
        size += len(chunk)
        if head:
            if _DTD.search(chunk[:65536]):
                raise ImportFailed(f"{path.name}: sheet {sheet!r} declares XML entities or a "
                                   "DTD (an XML bomb or external entity); cxmatrix refuses it")
            head = False
        columns.update(_CELL_REF.findall(chunk))
        rows = _ROW_REF.findall(chunk[-4096:]) or _ROW_REF.findall(chunk)
        if rows:
            extent.rows = max(extent.rows, int(rows[-1]))
        if progress is not None:
            progress.step(size, max(declared, size), f"Checking sheet {sheet!r}")
    extent.columns = max((column_index(c.decode()) + 1 for c in columns), default=0)
    if not columns and size:
        extent = _precise_extent(path, archive, part)
    elif extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS or \
            extent.rows * extent.columns > MAX_CELLS:
        # Formatted but empty rows and cells count for nothing: measure the values only.
        extent = _precise_extent(path, archive, part)
    _refuse_extent(path, sheet, extent)


def _refuse_extent(path: Path, sheet: str, extent: Extent) -> None:
    if extent.rows > MAX_ROWS:
        raise ImportFailed(f"{path.name}: sheet {sheet!r} has values down to row "
                           f"{extent.rows:,}; cxmatrix imports at most {MAX_ROWS:,} rows. "
                           "Delete the rows you do not need and save it again")
    if extent.columns > MAX_COLUMNS:
        raise ImportFailed(f"{path.name}: sheet {sheet!r} has values in {extent.columns:,} "
                           f"columns; cxmatrix imports at most {MAX_COLUMNS:,}")
    if extent.rows * extent.columns > MAX_CELLS:
        raise ImportFailed(f"{path.name}: sheet {sheet!r} spans {extent.rows:,} rows by "
                           f"{extent.columns:,} columns, more cells than cxmatrix imports "
                           f"({MAX_CELLS:,})")


def _precise_extent(path: Path, archive: zipfile.ZipFile, part: str) -> Extent:
    """The last row and column holding a value (slower; only for suspicious sheets)."""
    extent = Extent()
    carry = b""
    row_number = 0
    cells_in_row = 0
    for chunk in _iter_part(path, archive, part):
        data = carry + chunk
        # Keep an incomplete tag for the next chunk.
        cut = data.rfind(b"<")
        carry, data = data[cut:], data[:cut]
        for match in re.finditer(rb"<row\b[^>]*>|<c\b[^>]*>", data):
            tag = match.group(0)
            if tag.startswith(b"<row"):
                number = re.search(rb'\br="(\d+)"', tag)
                row_number = int(number.group(1)) if number else row_number + 1
                cells_in_row = 0
                continue
            cells_in_row += 1
            ref = re.search(rb'\br="([A-Z]{1,3})(\d+)"', tag)
            column = column_index(ref.group(1).decode()) + 1 if ref else cells_in_row
            if tag.endswith(b"/>"):
                continue
            following = data[match.end():match.end() + 400]
            close = following.find(b"</c>")
            body = following if close < 0 else following[:close]
            if b"<v" in body or b"<is" in body:
                extent.rows = max(extent.rows, row_number)
                extent.columns = max(extent.columns, column)
    return extent


# ---- reading a sheet ------------------------------------------------------------------------


def read_sheet(info: WorkbookInfo, name: str, progress: Progress | None = None) -> SheetTable:
    """One sheet's values, merged ranges and comments."""
    import python_calamine

    entry = info.entry(name)
    path = info.path
    if not entry.part or entry.kind != "worksheet":
        raise ImportFailed(f"{path.name}: sheet {entry.name!r} is a chart or dialog sheet, "
                           "not a table of cells")
    with zipfile.ZipFile(path) as archive:
        for part in _parts_read_with(archive):
            _check_shared_part(path, archive, part)
        _check_sheet_part(path, archive, entry.part, entry.name, progress)
        comments = _read_comments(path, archive, entry.part)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            sheet = workbook.get_sheet_by_name(entry.name)
            values = sheet.to_python(skip_empty_area=False)
            merged_raw = sheet.merged_cell_ranges or []
        finally:
            workbook.close()
    except python_calamine.PasswordError:
        raise ImportFailed(f"{path.name}: the workbook is protected with a password; "
                           "remove it and save the workbook again") from None
    except (python_calamine.CalamineError, ValueError, OSError) as error:
        raise ImportFailed(f"{path.name}: sheet {entry.name!r} cannot be read ({error}): "
                           f"{SAVE_AS_XLSX}") from None
    rows = trim_rows([text_row(row) for row in values])
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged_raw]
    return SheetTable(entry.name, rows, merged, comments, entry.hidden)


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


def _read_comments(path: Path, archive: zipfile.ZipFile,
                   sheet_part: str) -> dict[tuple[int, int], str]:
    comments: dict[tuple[int, int], str] = {}
    rels = _relationships(path, archive, sheet_part)
    names = set(archive.namelist())
    for target, kind in rels.values():
        if target not in names:
            continue
        if kind == "comments":
            root = _parse_xml(path, archive, target)
            authors = [a.text or "" for a in root.iter(f"{{{MAIN_NS}}}author")]
            for comment in root.iter(f"{{{MAIN_NS}}}comment"):
                ref = comment.get("ref", "")
                position = _position(ref)
                if position is None:
                    continue
                text = "".join(t.text or "" for t in comment.iter(f"{{{MAIN_NS}}}t"))
                author_id = comment.get("authorId", "")
                author = authors[int(author_id)] if author_id.isdigit() and \
                    int(author_id) < len(authors) else None
                text = _strip_author(text, author)
                if text.startswith(_THREADED_PREFIX):
                    continue  # the threadedComments part holds the real text
                if text:
                    comments[position] = text
        elif kind == "threadedComment":
            root = _parse_xml(path, archive, target)
            for comment in root:
                position = _position(comment.get("ref", ""))
                text = " ".join(t.text or "" for t in comment if t.tag.endswith("}text"))
                if position is not None and text.strip():
                    previous = comments.get(position)
                    comments[position] = f"{previous}\n{text.strip()}" if previous \
                        else text.strip()
    return comments


_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _position(ref: str) -> tuple[int, int] | None:
    match = _REF.match(ref.replace("$", "").upper())
    if not match:
        return None
    return int(match.group(2)) - 1, column_index(match.group(1))
