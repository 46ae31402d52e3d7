"""Read .csv/.tsv/.txt files into a :class:`SheetTable`, detecting encoding and delimiter.

The file is streamed line by line, never read whole, so memory follows the rows kept, not the
file's size: a file larger than MAX_TEXT_FILE_BYTES is refused before reading, and one row
(quoted line breaks included) may hold at most MAX_TEXT_RECORD_CHARACTERS.

Encodings: a byte-order mark names UTF-8, UTF-16 or UTF-32; without one, the pattern of zero
bytes tells UTF-16 and UTF-32 text (either byte order); otherwise each line is UTF-8 when it
decodes as UTF-8 and Windows-1252 (what Excel on Windows writes for "CSV") when it does not.
A file with lines of both is refused, naming one line of each: guessing would import
"CafÃ©". Control characters (NUL and the other C0 and C1 codes but tab and line breaks) are
removed from the text and reported; they never reach a name.

Delimiter: whichever of comma, semicolon, tab and bar splits the first lines most
consistently (tab for .tsv unless the content says otherwise), or Excel's "sep=;" line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cxmatrix.domain.limits import MAX_SHEET_CELLS as MAX_CELLS
from cxmatrix.domain.limits import MAX_SHEET_COLUMNS as MAX_COLUMNS
from cxmatrix.domain.limits import MAX_SHEET_ROWS as MAX_ROWS
from cxmatrix.domain.limits import MAX_TEXT_FILE_BYTES, MAX_TEXT_RECORD_CHARACTERS
from cxmatrix.domain.progress import Progress
from cxmatrix.interchange.cell_text import csv_unprotected
from cxmatrix.interchange.errors import ImportFailed, reading
from cxmatrix.interchange.spreadsheet.sheet_table import (
    SheetTable,
    text_row,
    trim_rows,
)

_SEP_HINT = re.compile(r"^sep=(.)\r?\n")
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_LINES = 50
SAMPLE_BYTES = 64 * 1024
CHUNK = 1 << 20
_LINE_END = re.compile(rb"\r\n|\r|\n")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BOMS = (  # UTF-32's marks first: UTF-16 LE's is the start of UTF-32 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (with BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# Which bytes of each group of four are zero in ASCII-heavy text without a mark.
_ZERO_PATTERNS = (
    ((False, True, True, True), "utf-32-le", "UTF-32 (no BOM)"),
    ((True, True, True, False), "utf-32-be", "UTF-32 (no BOM)"),
    ((False, True, False, True), "utf-16-le", "UTF-16 (no BOM)"),
    ((True, False, True, False), "utf-16-be", "UTF-16 (no BOM)"),
)


@dataclass
class _Encoding:
    codec: str  # "" for 8-bit text: UTF-8 or Windows-1252, decided line by line
    label: str
    skip: int = 0  # bytes of byte-order mark


def detect_encoding(path: Path, head: bytes) -> _Encoding:
    """The encoding of a text file from its first bytes; binary files are refused."""
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return _Encoding(codec, label, len(bom))
    if b"\x00" not in head:
        if _mostly_control(head):
            raise ImportFailed(f"{path.name}: this is a binary file, not CSV text")
        return _Encoding("", "UTF-8")
    sample = head[: len(head) // 4 * 4] or head
    groups = max(1, len(sample) // 4)
    zero = [sum(1 for i in range(offset, len(sample), 4) if sample[i] == 0) / groups
            for offset in range(4)]
    for pattern, codec, label in _ZERO_PATTERNS:
        if all((share > 0.6) if want else (share < 0.3) for share, want in
               zip(zero, pattern, strict=True)):
            try:
                codecs.getincrementaldecoder(codec)().decode(sample, final=False)
            except UnicodeDecodeError:
                break
            return _Encoding(codec, label)
    if head.count(b"\x00") > max(4, len(head) // 100) or _mostly_control(head):
        raise ImportFailed(f"{path.name}: this is a binary file, not CSV text")
    return _Encoding("", "UTF-8")  # a few stray NUL bytes in text: removed and reported


def _mostly_control(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    return controls > max(8, len(head) // 20)


class _Lines:
    """The file's physical lines as text, line endings kept (what csv.reader wants), with
    what was found on the way: the encoding of 8-bit lines and removed control characters."""

    def __init__(self, path: Path, handle: BinaryIO, encoding: _Encoding) -> None:
        self.path = path
        self.handle = handle
        self.encoding = encoding
        self.number = 0
        self.record_start = 1
        self.record_characters = 0
        self.first_utf8 = 0
        self.first_cp1252 = 0
        self.latin1 = False
        self.controls = 0
        self.first_control = 0

    def __iter__(self) -> Iterator[str]:
        source = self._text_lines() if self.encoding.codec else self._byte_lines()
        for line in source:
            self.number += 1
            self.record_characters += len(line)
            if self.record_characters > MAX_TEXT_RECORD_CHARACTERS:
                raise ImportFailed(
                    f"{self.path.name}: the row starting at line {self.record_start:,} is "
                    f"longer than {MAX_TEXT_RECORD_CHARACTERS:,} characters (a quote that is "
                    "never closed?); cxmatrix refuses it")
            if _CONTROL.search(line):
                line = self._clean(line)
            yield line

    def record_done(self) -> None:
        """csv.reader returned a row: the next row starts on the next line."""
        self.record_start = self.number + 1
        self.record_characters = 0

    def _clean(self, line: str) -> str:
        found = len(_CONTROL.findall(line))
        if found:
            self.controls += found
            self.first_control = self.first_control or self.number
            line = _CONTROL.sub("", line)
        return line

    def _text_lines(self) -> Iterator[str]:
        text = io.TextIOWrapper(self.handle, encoding=self.encoding.codec, errors="strict",
                                newline="")
        try:
            while True:
                line = text.readline(MAX_TEXT_RECORD_CHARACTERS + 1)
                if not line:
                    return
                yield line
        except UnicodeDecodeError:
            raise ImportFailed(f"{self.path.name}: line {self.number + 1:,} is not valid "
                               f"{self.encoding.label} text") from None
        finally:
            text.detach()

    def _byte_lines(self) -> Iterator[str]:
        carry = b""
        while True:
            chunk = self.handle.read(CHUNK)
            if not chunk:
                break
            data = carry + chunk
            start = 0
            for match in _LINE_END.finditer(data):
                end = match.end()
                if end == len(data) and data[-1:] == b"\r":
                    break  # a "\r\n" may be cut between two chunks
                yield self._decode(data[start:end])
                start = end
            carry = data[start:]
            if len(carry) > MAX_TEXT_RECORD_CHARACTERS * 4:
                yield self._decode(carry)  # too long: counted and refused by the caller
                carry = b""
        if carry:
            yield self._decode(carry)

    def _decode(self, raw: bytes) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        line = self.number + 1
        if self.encoding.skip:  # a UTF-8 mark: every line must be UTF-8
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportFailed(f"{self.path.name}: line {line:,} is not valid UTF-8 "
                                   "although the file says it is: save it again as CSV "
                                   "UTF-8") from None
        try:
            text = raw.decode("utf-8")
            self.first_utf8 = self.first_utf8 or line
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:  # five bytes Windows-1252 leaves undefined
                text = raw.decode("latin-1")
                self.latin1 = True
            self.first_cp1252 = self.first_cp1252 or line
        if self.first_utf8 and self.first_cp1252:
            raise ImportFailed(
                f"{self.path.name}: the file mixes text encodings: line "
                f"{self.first_utf8:,} is UTF-8 but line {self.first_cp1252:,} is not (Windows-"
                "1252?), so accented letters would come out wrong. Save it again as CSV UTF-8")
        return text

    def label(self) -> str:
        if self.encoding.codec:
            return self.encoding.label
        if self.latin1:
            return "Latin-1"
        return "Windows-1252" if self.first_cp1252 else self.encoding.label


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding found, by the reader's rules."""
    encoding = detect_encoding(path, data[:SAMPLE_BYTES])
    stream = io.BytesIO(data)
    stream.seek(encoding.skip)
    lines = _Lines(path, stream, encoding)
    return "".join(lines), lines.label()


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
        if size > MAX_TEXT_FILE_BYTES:
            raise ImportFailed(f"{path.name}: the file is too large to import "
                               f"({size / 1e6:,.1f} MB; at most "
                               f"{MAX_TEXT_FILE_BYTES / 1e6:,.1f} MB)")
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
            if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
                raise ImportFailed(f"{path.name}: this is a spreadsheet or Office file, not "
                                   "text: give it its real extension (.xlsx) or save it as "
                                   "CSV")
            encoding = detect_encoding(path, head)
            handle.seek(encoding.skip)
            lines = _Lines(path, handle, encoding)
            rows, delimiter = _read_rows(path, lines, progress)
    trim_rows(rows)
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
    detected = {"encoding": lines.label(), "delimiter": names.get(delimiter, repr(delimiter))}
    if lines.controls:
        detected["removed"] = (f"Removed {lines.controls:,} control character"
                               f"{'' if lines.controls == 1 else 's'} (such as NUL) from the "
                               f"text, the first on line {lines.first_control:,}.")
        detected["encoding"] += f" ({lines.controls:,} control characters removed)"
    return SheetTable(path.stem, rows), detected


def _read_rows(path: Path, lines: _Lines, progress: Progress | None
               ) -> tuple[list[list[str]], str]:
    stream = iter(lines)
    sample: list[str] = []
    size = 0
    for line in stream:
        sample.append(line)
        lines.record_done()  # the sample is bounded by its own size
        size += len(line)
        if len(sample) >= SAMPLE_LINES or size > SAMPLE_BYTES * 16:
            break
    text = "".join(sample)
    hint = _SEP_HINT.match(text)
    if hint:  # Excel's "sep=;" first line names the delimiter
        delimiter = hint.group(1)
        sample.pop(0)
        lines.record_done()
    else:
        delimiter = detect_delimiter(text, path.suffix.lower())

    def all_lines() -> Iterator[str]:
        yield from sample
        yield from stream

    rows: list[list[str]] = []
    cells = 0
    reader = csv.reader(all_lines(), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            lines.record_done()
            if number > MAX_ROWS:
                raise ImportFailed(f"{path.name}: more than {MAX_ROWS:,} rows; cxmatrix "
                                   "imports at most that many. Split the file")
            if len(row) > MAX_COLUMNS:
                raise ImportFailed(f"{path.name}: row {number:,} has {len(row):,} columns; "
                                   f"cxmatrix imports at most {MAX_COLUMNS:,}")
            if not any(row):
                rows.append([])
                continue
            kept = text_row([csv_unprotected(cell) if cell else cell for cell in row])
            cells += len(kept)
            if cells > MAX_CELLS:
                raise ImportFailed(f"{path.name}: more than {MAX_CELLS:,} cells; cxmatrix "
                                   "refuses it")
            rows.append(kept)
            if progress is not None and number % 5000 == 0:
                progress.step(number, 0, "Reading rows")
    except csv.Error as error:
        raise ImportFailed(f"{path.name}: line {reader.line_num:,}: {error}") from None
    return rows, delimiter
