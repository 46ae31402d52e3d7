"""Hostile files, each refused through the command line in bounded time and memory, with a
clear message, and with no output file left behind.

Each import runs in a fresh process so its peak memory can be measured on its own. Run with
``-s`` to see the figures: ``pytest tests/test_hostile_files.py -s``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.store import Document

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 15  # of CPU time (process_time): other work on the machine does not count
MAX_PEAK_MB = 400
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Peak memory from VmHWM, which belongs to this program's own address space: ru_maxrss would
# also count the test process it was forked from before exec.
MEASURED = """
import json, re, sys, time
from cxmatrix.cli import main
start = time.process_time()
status = main(sys.argv[1:])
status_text = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status_text).group(1)) // 1024
print(json.dumps({"status": status, "seconds": time.process_time() - start, "peak_mb": peak}))
"""


def measured_cli(*args: str | Path) -> tuple[dict[str, float], str]:
    done = subprocess.run([sys.executable, "-c", MEASURED, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr.strip()


def base_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Grid"
    sheet.append(["Touchpoint", "Sales", "Support"])
    sheet.append(["Demo", "O", "I"])
    workbook.save(path)
    return path


def with_parts(base: Path, target: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(target, "w",
                                                       zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, parts.get(item.filename, old.read(item.filename)))
        for name, data in parts.items():
            if name not in old.namelist():
                new.writestr(name, data)
    return target


def billion_laughs(tmp: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
           f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    return with_parts(base_workbook(tmp / "b.xlsx"), tmp / "laughs.xlsx",
                      {"xl/sharedStrings.xml": xml.encode()})


def external_entity(tmp: Path) -> Path:
    xml = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&x;</t></si></sst>')
    return with_parts(base_workbook(tmp / "b.xlsx"), tmp / "external.xlsx",
                      {"xl/sharedStrings.xml": xml.encode()})


def zip_bomb(tmp: Path) -> Path:
    padding = b" " * (200 * 1024 * 1024)  # 200 MB of XML whitespace, a few hundred KB zipped
    xml = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
           + padding + b"</sheetData></worksheet>")
    return with_parts(base_workbook(tmp / "b.xlsx"), tmp / "zipbomb.xlsx",
                      {"xl/worksheets/sheet1.xml": xml})


def huge_declared_sheet(tmp: Path) -> Path:
    first = '<c r="A1" t="inlineStr"><is><t>Touchpoint</t></is></c>'
    last = '<c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c>'
    xml = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}">'
           '<dimension ref="A1:XFD1048576"/><sheetData>'
           f'<row r="1">{first}</row><row r="1048576">{last}</row>'
           '</sheetData></worksheet>')
    return with_parts(base_workbook(tmp / "b.xlsx"), tmp / "declared.xlsx",
                      {"xl/worksheets/sheet1.xml": xml.encode()})


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "billion laughs in sharedStrings.xml": (billion_laughs, "entit"),
    "external entity": (external_entity, "entit"),
    "zip bomb (200 MB sheet)": (zip_bomb, "zip bomb"),
    "sheet declaring 1,048,576 x 16,384 cells": (huge_declared_sheet, "row 1,048,576"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_workbook_is_refused_in_bounded_time_and_memory(tmp_path: Path,
                                                                name: str) -> None:
    build, words = HOSTILE[name]
    path = build(tmp_path)
    output = tmp_path / "out.cxm"
    figures, stderr = measured_cli("import", path, "-o", output)
    print(f"\n{name}: refused in {figures['seconds']:.2f} s of CPU, peak {figures['peak_mb']} MB: "
          f"{stderr}")
    assert figures["status"] == 2
    assert stderr.startswith(f"cxmatrix: {path.name}: ")
    assert words.lower() in stderr.lower()
    assert stderr.count("\n") == 0
    assert figures["seconds"] < MAX_SECONDS
    assert figures["peak_mb"] < MAX_PEAK_MB
    assert not output.exists()


def test_cxm_with_malicious_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.cxm"
    Document.create(path, generate_matrix(10, 3)).close()
    db = sqlite3.connect(path)
    db.execute("CREATE TRIGGER stage_ai AFTER UPDATE ON matrix BEGIN DELETE FROM cell; END")
    db.execute("CREATE VIEW findings AS SELECT * FROM cell")
    db.commit()
    db.close()
    before = path.read_bytes()
    figures, stderr = measured_cli("check", path)
    assert figures["status"] == 2
    assert "evil.cxm contains a trigger" in stderr
    assert path.read_bytes() == before
