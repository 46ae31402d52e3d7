"""Read .csv/.tsv/.txt files into a :class:`SheetTable`, detecting encoding and delimiter.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 with a mark (Excel's "Unicode
text"), and otherwise Windows-1252, the encoding Excel on Windows uses for "CSV". Delimiter:
whichever of comma, semicolon, tab and bar splits the first lines most consistently (tab for
.tsv unless the content says otherwise).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from cxmatrix.domain.limits import MAX_SHEET_CELLS as MAX_CELLS
from cxmatrix.domain.limits import MAX_SHEET_COLUMNS as MAX_COLUMNS
from cxmatrix.domain.limits import MAX_SHEET_ROWS as MAX_ROWS
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.cell_text import csv_unprotected
from cxmatrix.interchange.errors import ImportFailed, reading
from cxmatrix.interchange.spreadsheet.sheet_table import (
    SheetTable,
    text_row,
    trim_rows,
)

MAX_TEXT_BYTES = 200 * 1024 * 1024
_SEP_HINT = re.compile(r"^sep=(.)\r?\n")
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_LINES = 50


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of the file and the name of the encoding found."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "UTF-8 (with BOM)"
        codec = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, codec = "UTF-16", "utf-16"
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            encoding, codec = "Windows-1252", "cp1252"
    try:
        return data.decode(codec), encoding
    except UnicodeDecodeError:
        if codec == "cp1252":
            # Five bytes are undefined in Windows-1252; Latin-1 reads them as control codes.
            return data.decode("latin-1"), "Latin-1"
        raise ImportFailed(f"{path.name}: the text is not valid {encoding}") from None


def detect_delimiter(text: str, suffix: str) -> str:
    lines = [line for line in text.splitlines()[:SAMPLE_LINES] if line.strip()]
    if not lines:
        return "\t" if suffix == ".tsv" else ","
    best, best_score = ("\t" if suffix == ".tsv" else ","), (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(row) for row in rows if row]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        consistency = widths.count(common) / len(widths)
        score = (consistency, common)
        if suffix == ".tsv" and delimiter == "\t":
            score = (consistency + 0.2, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, progress: Progress | None = None) -> tuple[SheetTable, dict[str, str]]:
    """The file as one sheet named after the file, and what was detected."""
    path = Path(path)
    with reading(path):
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise ImportFailed(f"{path.name}: the file is too large to import "
                               f"({size / 1e6:,.0f} MB; at most {MAX_TEXT_BYTES / 1e6:,.0f} MB)")
        data = path.read_bytes()
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFailed(f"{path.name}: this is a spreadsheet or Office file, not text: "
                           "give it its real extension (.xlsx) or save it as CSV")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE,
                                                         codecs.BOM_UTF16_BE)):
        raise ImportFailed(f"{path.name}: this is a binary file, not CSV text")
    text, encoding = decode(path, data)
    hint = _SEP_HINT.match(text)
    if hint:  # Excel's "sep=;" first line names the delimiter
        delimiter = hint.group(1)
        text = text[hint.end():]
    else:
        delimiter = detect_delimiter(text, path.suffix.lower())
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise ImportFailed(f"{path.name}: more than {MAX_ROWS:,} rows; cxmatrix "
                                   "imports at most that many. Split the file")
            if len(row) > MAX_COLUMNS:
                raise ImportFailed(f"{path.name}: row {number} has {len(row):,} columns; "
                                   f"cxmatrix imports at most {MAX_COLUMNS:,}")
            rows.append(text_row([csv_unprotected(cell) for cell in row]))
            if progress is not None and number % 5000 == 0:
                progress.step(number, 0, "Reading rows")
    except csv.Error as error:
        raise ImportFailed(f"{path.name}: line {reader.line_num}: {error}") from None
    trim_rows(rows)
    if sum(len(row) for row in rows) > MAX_CELLS:
        raise ImportFailed(f"{path.name}: more than {MAX_CELLS:,} cells; cxmatrix refuses it")
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
    return SheetTable(path.stem, rows), {"encoding": encoding,
                                         "delimiter": names.get(delimiter, repr(delimiter))}
