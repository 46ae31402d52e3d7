"""Read OpenDocument spreadsheets (.ods, what LibreOffice saves) safely into SheetTables.

python-calamine reads .ods files, but it parses every sheet of ``content.xml`` when the file is
opened and builds each sheet's dense grid, repeating cells and rows as
``table:number-columns-repeated`` / ``table:number-rows-repeated`` say. A 10 KB file can
declare a cell repeated a billion times. So, as for .xlsx (see DESIGN.md's hazard), the zip is
checked first (the same member, size and ratio limits as a workbook), then ``content.xml`` is
streamed once through expat, placing cells the way calamine does, and a workbook whose sheets
reach beyond the limits is refused before calamine sees it. Calamine then reads a copy that
holds only the part measured (with a manifest written here), so what it allocates is what was
measured. Merged cells (``number-columns-spanned``/``rows-spanned``) and comments
(``office:annotation``) come from the same pass.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from cxmatrix.domain.limits import (
    MAX_MERGED_RANGES,
    MAX_TEXT_LENGTH,
    MAX_WORKBOOK_SHEETS,
)
from cxmatrix.domain.limits import MAX_SHEET_CELLS as MAX_CELLS
from cxmatrix.domain.limits import MAX_SHEET_COLUMNS as MAX_COLUMNS
from cxmatrix.domain.limits import MAX_SHEET_ROWS as MAX_ROWS
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, text_row, trim_rows
from cxmatrix.interchange.spreadsheet.xlsx_reader import (
    MAX_XML_ELEMENTS,
    SheetEntry,
    WorkbookInfo,
    _iter_part,
    _read_part,
    _reader_failure,
    _short,
)

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
SAVE_AS = ("open it in LibreOffice or Excel and save it again as an OpenDocument spreadsheet "
           "(.ods) or an Excel workbook (.xlsx)")
MAX_NOTE_CHARACTERS = 50_000_000  # all comments of a workbook together
# A repeat count beyond the grid a spreadsheet program has is a damaged or hostile file.
MAX_REPEAT = 1 << 24
_VALUE_ATTRIBUTES = ("value", "string-value", "date-value", "time-value", "boolean-value",
                     "formula")
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    f'manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


@dataclass
class _Sheet:
    """One table of content.xml as measured."""

    name: str
    hidden: bool = False
    rows: int = 0
    columns: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class OdsWorkbook(WorkbookInfo):
    """An .ods file's sheets, measured; the xlsx reader's functions hand it on to here."""

    measured: list[_Sheet] = field(default_factory=list)


class _Refusal(Exception):
    pass


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _ContentScan:
    """One expat pass over content.xml: each table's extent as calamine will build it (cells
    repeated along the row, rows repeated down the sheet, empty cells counted only when a
    valued cell follows them), its merged cells and its comments. Names by local name, so it
    sees at least what calamine sees whatever the prefixes."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.sheets: list[_Sheet] = []
        self.elements = 0
        self.total_cells = 0
        self._sheet: _Sheet | None = None
        self._row = 0  # the current row's first index
        self._row_repeat = 1
        self._row_valued = False
        self._column = 0
        self._cell_depth = 0  # elements open inside a cell (0: not in a cell)
        self._cell_at: tuple[int, int] = (0, 0)
        self._annotation_depth = 0
        self._cell_repeat = 1
        self._note_in_p = 0
        self._style = ""
        self._hidden_styles: set[str] = set()
        self._note: list[str] = []
        self._note_size = 0
        self._notes_left = MAX_NOTE_CHARACTERS

    def _number(self, attributes: dict[str, str], local: str) -> int:
        for key, value in attributes.items():
            if _local(key) == local:
                text = value.strip()
                if not text.isdigit() or not 0 < int(text) <= MAX_REPEAT:
                    raise _Refusal(f"{self.where}: a table says {local}={value[:20]!r}, which "
                                   "no spreadsheet program writes (a damaged file)")
                return int(text)
        return 1

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _Refusal(f"{self.where}: the sheets hold more than {MAX_XML_ELEMENTS:,} XML "
                           "elements, more than cxmatrix reads at once")
        local = _local(name)
        if self._cell_depth:
            self._cell_depth += 1
            if local in ("table", "table-row"):
                raise _Refusal(f"{self.where}: a table inside a cell, which cxmatrix does not "
                               f"read: {SAVE_AS} without it")
            if self._annotation_depth:
                self._annotation_depth += 1
                if local == "p":  # the note's text; its author and date are not
                    if self._note_in_p == 0 and self._note:
                        self._note.append("\n")
                    self._note_in_p += 1
            elif local == "annotation":
                self._annotation_depth = 1
                self._note, self._note_size = [], 0
            elif local == "p" and not self._annotation_depth:
                self._valued_cell()
            return
        if local == "style" and self._sheet is None:
            self._style = next((v for k, v in attributes.items() if _local(k) == "name"), "")
        elif local == "table-properties" and self._sheet is None:
            if any(_local(k) == "display" and v.strip() == "false"
                   for k, v in attributes.items()):
                self._hidden_styles.add(self._style)
        elif local == "table" and self._sheet is None:
            if len(self.sheets) >= MAX_WORKBOOK_SHEETS:
                raise _Refusal(f"{self.where}: the workbook has more than "
                               f"{MAX_WORKBOOK_SHEETS:,} sheets; cxmatrix reads workbooks of "
                               f"at most {MAX_WORKBOOK_SHEETS:,}")
            sheet_name = next((v for k, v in attributes.items() if _local(k) == "name"), "")
            style = next((v for k, v in attributes.items() if _local(k) == "style-name"), "")
            self._sheet = _Sheet(sheet_name or f"Sheet{len(self.sheets) + 1}",
                                 hidden=bool(style) and style in self._hidden_styles)
            self._row = 0
        elif self._sheet is None:
            return
        elif local == "table-row":
            self._row_repeat = self._number(attributes, "number-rows-repeated")
            self._row_valued = False
            self._column = 0
        elif local in ("table-cell", "covered-table-cell"):
            repeat = self._number(attributes, "number-columns-repeated")
            self._cell_at = (self._row, self._column)
            self._cell_depth = 1
            self._cell_repeat = repeat
            if any(_local(k) in _VALUE_ATTRIBUTES for k in attributes) or any(
                    _local(k) == "value-type" for k in attributes):
                self._valued_cell()
            spanned = (self._number(attributes, "number-rows-spanned"),
                       self._number(attributes, "number-columns-spanned"))
            if spanned != (1, 1):
                if len(self._sheet.merged) >= MAX_MERGED_RANGES:
                    raise _Refusal(f"{self.where}: sheet {self._sheet.name!r} has more than "
                                   f"{MAX_MERGED_RANGES:,} merged ranges; cxmatrix imports at "
                                   "most that many. Unmerge the cells and save it again")
                row, column = self._cell_at
                self._sheet.merged.append((row, column, row + spanned[0] - 1,
                                           column + spanned[1] - 1))

    def _valued_cell(self) -> None:
        """The current cell holds something: the sheet reaches at least to its end."""
        sheet = self._sheet
        if sheet is None or not self._cell_depth:
            return
        self._row_valued = True
        row, column = self._cell_at
        last_column = column + self._cell_repeat
        last_row = row + self._row_repeat
        if last_column > sheet.columns:
            sheet.columns = last_column
            if sheet.columns > MAX_COLUMNS:
                raise _Refusal(f"{self.where}: sheet {sheet.name!r} has values in "
                               f"{sheet.columns:,} columns; cxmatrix imports at most "
                               f"{MAX_COLUMNS:,}")
        if last_row > sheet.rows:
            sheet.rows = last_row
            if sheet.rows > MAX_ROWS:
                raise _Refusal(f"{self.where}: sheet {sheet.name!r} has values down to row "
                               f"{sheet.rows:,}; cxmatrix imports at most {MAX_ROWS:,} rows. "
                               "Delete the rows you do not need and save it again")
        if sheet.rows * sheet.columns + self.total_cells > MAX_CELLS:
            raise _Refusal(f"{self.where}: sheet {sheet.name!r} spans {sheet.rows:,} rows by "
                           f"{sheet.columns:,} columns; with the other sheets (an .ods is read "
                           f"whole) that is more cells than cxmatrix imports ({MAX_CELLS:,})")

    def characters(self, data: str) -> None:
        if self._note_in_p and self._note_size < MAX_TEXT_LENGTH:
            self._note.append(data)
            self._note_size += len(data)

    def end(self, name: str) -> None:
        local = _local(name)
        if self._cell_depth:
            self._cell_depth -= 1
            if self._annotation_depth:
                self._annotation_depth -= 1
                if local == "p" and self._note_in_p:
                    self._note_in_p -= 1
                if not self._annotation_depth:
                    self._keep_note()
            if not self._cell_depth:
                self._column += self._cell_repeat
            return
        if self._sheet is None:
            return
        if local == "table-row":
            self._row += self._row_repeat
        elif local == "table":
            sheet = self._sheet
            self.total_cells += sheet.rows * sheet.columns
            self._check_merges(sheet)
            sheet.comments = {at: text for at, text in sheet.comments.items()
                              if at[0] < sheet.rows and at[1] < sheet.columns}
            self.sheets.append(sheet)
            self._sheet = None

    def _keep_note(self) -> None:
        sheet = self._sheet
        text = "".join(self._note).strip()[:MAX_TEXT_LENGTH]
        # A note is kept once per cell (not per repeat); all notes together are bounded.
        if sheet is not None and text and len(text) <= self._notes_left:
            self._notes_left -= len(text)
            sheet.comments.setdefault(self._cell_at, text)

    def _check_merges(self, sheet: _Sheet) -> None:
        """Merged ranges never overlap in a file a spreadsheet program wrote; within the
        extent their areas add up to at most its cells, which bounds what filling them costs."""
        budget = sheet.rows * sheet.columns
        for r0, c0, r1, c1 in sheet.merged:
            if r0 < sheet.rows and c0 < sheet.columns:
                budget -= (min(r1, sheet.rows - 1) - r0 + 1) * \
                    (min(c1, sheet.columns - 1) - c0 + 1)
                if budget < 0:
                    raise _Refusal(f"{self.where}: sheet {sheet.name!r} has merged cells that "
                                   "overlap, which no spreadsheet program writes (a damaged "
                                   "file)")


def _refuse_dtd(*_arguments: object) -> None:
    raise _Refusal("DTD")


def open_ods(path: Path, archive: zipfile.ZipFile) -> OdsWorkbook:
    """The sheets of an .ods whose zip has been checked; raises ImportFailed with advice."""
    names = set(archive.namelist())
    manifest = "META-INF/manifest.xml"
    if manifest in names and b"encryption-data" in _read_part(path, archive, manifest,
                                                              4 * 1024 * 1024):
        raise ImportFailed(f"{path.name}: the spreadsheet is protected with a password: open "
                           "it in LibreOffice, remove the password (File > Properties > "
                           "Security, or save it without 'Save with password'), and import it "
                           "again")
    if "content.xml" not in names:
        raise ImportFailed(f"{path.name}: the spreadsheet has no content.xml (a damaged "
                           f"file): {SAVE_AS}")
    scan = _ContentScan(path.name)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.characters
    try:
        for chunk in _iter_part(path, archive, "content.xml"):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refusal as refusal:
        message = str(refusal)
        if message == "DTD":
            message = (f"{path.name}: content.xml declares XML entities or a DTD (an XML bomb "
                       "or external entity); cxmatrix refuses it for safety")
        raise ImportFailed(message) from None
    except expat.ExpatError as error:
        raise ImportFailed(f"{path.name}: content.xml is not valid XML "
                           f"({expat.ErrorString(error.code)}, line {error.lineno})") from None
    if not scan.sheets:
        raise ImportFailed(f"{path.name}: the spreadsheet has no sheets")
    info = OdsWorkbook(path, measured=scan.sheets)
    info.sheets = [SheetEntry(sheet.name, "content.xml", sheet.hidden) for sheet in scan.sheets]
    return info


def iter_ods_sheets(info: OdsWorkbook, names: list[str], progress: Progress | None = None
                    ) -> Iterator[tuple[str, SheetTable | ImportFailed]]:
    """Each named sheet's table, from one reading of the measured copy."""
    path = info.path
    entries = [info.entry(name) for name in names]
    copy = io.BytesIO()
    try:
        with zipfile.ZipFile(path) as archive, \
                zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            out.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE,
                         compress_type=zipfile.ZIP_STORED)
            out.writestr("META-INF/manifest.xml", _MANIFEST)
            with out.open("content.xml", "w", force_zip64=True) as sink:
                size = 0
                for chunk in _iter_part(path, archive, "content.xml"):
                    sink.write(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress.step(size, max(size, archive.getinfo("content.xml").file_size),
                                      "Reading the spreadsheet")
    except zipfile.BadZipFile as error:
        raise ImportFailed(f"{path.name}: the file is damaged ({error}): {SAVE_AS}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as error:
        raise ImportFailed(f"{path.name}: the spreadsheet cannot be read ({error})") from None
    import python_calamine

    copy.seek(0)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(copy)
    except MemoryError:
        raise ImportFailed(f"{path.name}: the spreadsheet is too large to read in the memory "
                           "available") from None
    except Exception as error:  # whatever the reader raises, the file is the cause
        raise ImportFailed(f"{path.name}: the spreadsheet cannot be read "
                           f"({_short(error)}): {SAVE_AS}") from None
    except BaseException as error:
        raise _reader_failure(path, error) from None
    try:
        measured = {sheet.name: sheet for sheet in info.measured}
        for entry in entries:
            yield entry.name, _values(path, workbook, measured[entry.name], entry.hidden)
    finally:
        workbook.close()


def _values(path: Path, workbook: object, sheet: _Sheet, hidden: bool
            ) -> SheetTable | ImportFailed:
    try:
        values = workbook.get_sheet_by_name(sheet.name).to_python(  # type: ignore[attr-defined]
            skip_empty_area=False)
        rows = trim_rows([text_row(row) for row in values])
    except MemoryError:
        return ImportFailed(f"{path.name}: sheet {sheet.name!r} is too large to read in the "
                            "memory available")
    except Exception as error:  # whatever the reader raises, the file is the cause
        return ImportFailed(f"{path.name}: sheet {sheet.name!r} cannot be read "
                            f"({_short(error)}): {SAVE_AS}")
    except BaseException as error:
        raise _reader_failure(path, error) from None
    return SheetTable(sheet.name, rows, list(sheet.merged), dict(sheet.comments), hidden)
