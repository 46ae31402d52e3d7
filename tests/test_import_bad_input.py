"""Bad input: each gives a clear ImportFailed naming the file and saying what to do, in bounded
time and memory, and nothing else happens (an import builds a new matrix or nothing)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from cxmatrix.interchange.errors import ImportFailed, UnsupportedFormat
from cxmatrix.interchange.formats import reader_for
from cxmatrix.interchange.spreadsheet.importer import inspect, read

DATA = Path(__file__).parent / "data" / "import"


def small_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Grid"
    sheet.append(["Touchpoint", "Sales", "Support"])
    sheet.append(["Demo", "O", "I"])
    sheet.append(["Ticket", "I", "O"])
    workbook.save(path)
    return path


def rewrite(source: Path, target: Path, replace: dict[str, bytes],
            compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A copy of a zip with some parts replaced (or added)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compression) as new:
        for item in old.infolist():
            data = replace.get(item.filename, old.read(item.filename))
            new.writestr(item.filename, data)
        for name, data in replace.items():
            if name not in old.namelist():
                new.writestr(name, data)
    return target


def refused(path: Path, *words: str, **options: object) -> str:
    with pytest.raises(ImportFailed) as caught:
        read(path, **options)
    message = str(caught.value)
    assert path.name in message, message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def test_fixture_files_are_what_they_claim() -> None:
    assert (DATA / "encrypted_password_secret.xlsx").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert (DATA / "old_binary.xls").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    with zipfile.ZipFile(DATA / "opendocument.ods") as archive:
        assert b"opendocument.spreadsheet" in archive.read("mimetype")


def test_encrypted_workbook(tmp_path: Path) -> None:
    message = refused(DATA / "encrypted_password_secret.xlsx", "password", "remove")
    assert "save" in message


def test_old_xls_by_extension_and_by_content(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat, match=r"\.xls.*save it as \.xlsx"):
        reader_for(DATA / "old_binary.xls")
    with pytest.raises(ImportFailed, match=r"save it as \.xlsx"):
        read(DATA / "old_binary.xls")
    renamed = tmp_path / "really_old.xlsx"
    renamed.write_bytes((DATA / "old_binary.xls").read_bytes())
    refused(renamed, ".xls", "save it as .xlsx")


def test_ods_by_extension_and_by_content(tmp_path: Path) -> None:
    """LibreOffice's .ods is read (issue 19), also when it was renamed to .xlsx."""
    assert reader_for(DATA / "opendocument.ods") is read
    assert read(DATA / "opendocument.ods").matrix.touchpoint_count == 2
    renamed = tmp_path / "calc.xlsx"
    renamed.write_bytes((DATA / "opendocument.ods").read_bytes())
    assert read(renamed).matrix.touchpoint_count == 2
    template = tmp_path / "writer.xlsx"
    with zipfile.ZipFile(DATA / "opendocument.ods") as old, \
            zipfile.ZipFile(template, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, data.replace(b"opendocument.spreadsheet",
                                            b"opendocument.text") if item.filename ==
                         "mimetype" else data)
    refused(template, "OpenDocument file, not a spreadsheet", ".xlsx")


def test_strict_open_xml(tmp_path: Path) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    strict = workbook_xml.replace("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                  "http://purl.oclc.org/ooxml/spreadsheetml/main")
    path = rewrite(base, tmp_path / "strict.xlsx", {"xl/workbook.xml": strict.encode()})
    # Read since issue 19 (tests/test_import_formats.py builds a whole Strict workbook).
    assert read(path).matrix.touchpoint_count == 2


@pytest.mark.parametrize(("content", "words"), [
    (b"", ("empty",)),
    (b"Touchpoint,Sales\nDemo,O\n", ("not an Excel workbook", "extension .csv")),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ("not an Excel workbook",)),
    (b"<html><body>table</body></html>", ("XML file",)),
    (b"PK\x03\x04garbage that is not really a zip", ("damaged",)),
])
def test_not_a_workbook(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "not_really.xlsx"
    path.write_bytes(content)
    refused(path, *words)


def test_a_word_document_and_a_plain_zip(tmp_path: Path) -> None:
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    refused(docx, "Word document")
    plain = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("photo.txt", "hello")
    refused(plain, "not an Excel workbook")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="no such file"):
        read(tmp_path / "absent.xlsx")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ImportFailed, match="folder"):
        read(folder)


def test_empty_workbook_and_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    refused(path, "empty")
    csv_path = tmp_path / "empty.csv"
    csv_path.write_text("\n\n ,, \n", encoding="utf-8")
    refused(csv_path, "empty")


def test_no_recognisable_matrix(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet.append(["Quarter", "Revenue", "Cost"])
    for quarter in range(1, 5):
        sheet.append([f"Q{quarter}", 1000 * quarter, 600 * quarter])
    workbook.create_sheet("Notes").append(["Remember to renew the contract with the venue"])
    path = tmp_path / "budget.xlsx"
    workbook.save(path)
    message = refused(path, "no sheet holds a matrix", "Budget", "Notes")
    assert "heading row" in message
    with pytest.raises(ImportFailed, match=r"budget.xlsx, sheet 'Budget': no matrix found"):
        read(path, sheet="Budget")
    with pytest.raises(ImportFailed, match="no sheet called 'Plan'"):
        read(path, sheet="Plan")


def test_csv_with_no_matrix_and_binary_csv(tmp_path: Path) -> None:
    path = tmp_path / "prose.csv"
    path.write_text("Dear team,\nthe quarterly numbers are attached.\n", encoding="utf-8")
    refused(path, "no matrix found")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    refused(binary, "binary")
    disguised = tmp_path / "disguised.csv"
    disguised.write_bytes(small_workbook(tmp_path / "w.xlsx").read_bytes())
    refused(disguised, ".xlsx")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                  "xl/sharedStrings.xml", "_rels/.rels"])
@pytest.mark.parametrize("prefix", [BILLION_LAUGHS, EXTERNAL])
def test_xml_bombs_and_external_entities(tmp_path: Path, part: str, prefix: str) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as archive:
        original = archive.read(part).decode() if part in archive.namelist() else \
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    body = original.split("?>", 1)[1] if original.startswith("<?xml") else original
    path = rewrite(base, tmp_path / "bomb.xlsx", {part: (prefix + body).encode()})
    start = time.process_time()
    refused(path, "entit")
    assert time.process_time() - start < 5


def run_isolated(path: Path) -> tuple[str, float, int]:
    """Import in a fresh process: (outcome, CPU seconds, peak memory in MB). CPU time, not
    wall time, so a loaded machine does not fail the limits."""
    code = (
        "import json, sys, time\n"
        "from cxmatrix.interchange.errors import ImportFailed\n"
        "from cxmatrix.interchange.spreadsheet.importer import read\n"
        "start = time.process_time()\n"
        "try:\n"
        "    result = read(sys.argv[1])\n"
        "    outcome = f'ok {result.matrix.touchpoint_count}'\n"
        "except ImportFailed as error:\n"
        "    outcome = f'failed {error}'\n"
        # VmHWM, not ru_maxrss: the latter also counts the test process forked before exec.
        "status = open('/proc/self/status').read()\n"
        "peak = int(status.split('VmHWM:')[1].split()[0]) // 1024\n"
        "print(json.dumps([outcome, time.process_time() - start, peak]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=120, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    outcome, seconds, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome, seconds, peak


def sheet_xml(rows: str, dimension: str = "A1:C3") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROWS = (
    f'<row r="1">{inline("A1", "Touchpoint")}{inline("B1", "Sales")}'
    f'{inline("C1", "Support")}</row>'
    f'<row r="2">{inline("A2", "Demo")}{inline("B2", "O")}{inline("C2", "I")}</row>'
)


def test_sheet_with_a_value_a_million_rows_down(tmp_path: Path) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    rows = HEADER_ROWS + f'<row r="1048576">{inline("Z1048576", "far away")}</row>'
    path = rewrite(base, tmp_path / "far.xlsx",
                   {"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:Z1048576")})
    outcome, seconds, peak = run_isolated(path)
    assert outcome.startswith("failed far.xlsx: sheet 'Grid' has values down to row 1,048,576")
    assert "at most 250,000 rows" in outcome
    assert seconds < 10
    assert peak < 400


def test_many_formatted_empty_rows_import_quickly(tmp_path: Path) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    empty = "".join(f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/></row>'
                    for n in range(3, 400_000))
    path = rewrite(base, tmp_path / "formatted.xlsx",
                   {"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROWS + empty, "A1:C400000")})
    outcome, seconds, peak = run_isolated(path)
    assert outcome == "ok 1"
    assert seconds < 20
    assert peak < 600


def test_zip_bomb_is_refused_without_unpacking(tmp_path: Path) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    padding = " " * (40 * 1024 * 1024)
    xml = sheet_xml(HEADER_ROWS + padding)
    assert len(zlib.compress(xml[:1_000_000], 9)) < 10_000
    path = rewrite(base, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": xml})
    del xml, padding
    assert path.stat().st_size < 2_000_000
    start = time.process_time()
    refused(path, "zip bomb")
    assert time.process_time() - start < 2


def test_too_many_parts(tmp_path: Path) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    extra = {f"xl/media/junk{n}.bin": b"" for n in range(10_001)}
    path = rewrite(base, tmp_path / "parts.xlsx", extra, zipfile.ZIP_STORED)
    refused(path, "parts")


def test_unknown_mapping_and_extension(tmp_path: Path) -> None:
    path = small_workbook(tmp_path / "fine.xlsx")
    refused(path, "unknown code mapping", "raci", mapping="sixsigma")
    odd = tmp_path / "matrix.numbers"
    odd.write_bytes(b"")
    with pytest.raises(ImportFailed, match=r"cannot import \.numbers"):
        inspect(odd)


def test_csv_too_wide(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["x"] * 3000) + "\n", encoding="utf-8")
    refused(path, "3,000 columns")


def test_a_failed_import_leaves_nothing(tmp_path: Path) -> None:
    """All or nothing: a reader either returns a whole matrix or raises; no files appear."""
    before = set(tmp_path.iterdir())
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"nonsense")
    with pytest.raises(ImportFailed):
        read(path)
    assert set(tmp_path.iterdir()) == before | {path}


def lie_about_size(path: Path, part: str, declared: int) -> None:
    """Patch the zip so that ``part`` claims to unpack to ``declared`` bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    data[info.header_offset + 22:info.header_offset + 26] = declared.to_bytes(4, "little")
    name = part.encode()
    end_record = data.rindex(b"PK\x05\x06")
    central = int.from_bytes(data[end_record + 16:end_record + 20], "little")
    while True:
        length = int.from_bytes(data[central + 28:central + 30], "little")
        if bytes(data[central + 46:central + 46 + length]) == name:
            data[central + 24:central + 28] = declared.to_bytes(4, "little")
            break
        extra = int.from_bytes(data[central + 30:central + 32], "little")
        comment = int.from_bytes(data[central + 32:central + 34], "little")
        central += 46 + length + extra + comment
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_part_that_lies_about_its_size_is_refused(tmp_path: Path, part: str) -> None:
    base = small_workbook(tmp_path / "base.xlsx")
    big = b"<!-- " + b" " * (30 * 1024 * 1024) + b" -->"
    with zipfile.ZipFile(base) as archive:
        original = archive.read(part) if part in archive.namelist() else \
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = rewrite(base, tmp_path / "liar.xlsx", {part: original + big})
    lie_about_size(path, part, 2000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(part).file_size == 2000
    start = time.process_time()
    refused(path, "damaged")
    assert time.process_time() - start < 5
