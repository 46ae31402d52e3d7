"""Edit a workbook in LibreOffice Calc as a colleague would, through UNO, then save it.

Run with the system Python that has LibreOffice's ``uno`` module (not the project's venv):

    python3 libreoffice_edit.py SOURCE.xlsx OUT_FOLDER PROFILE_FOLDER EDITS.json

EDITS.json is a list of steps on the sheet named in each step:
    ["insert_rows", sheet, row, count]        (1-based row; the rows above stay)
    ["insert_columns", sheet, column, count]  (1-based column)
    ["delete_rows", sheet, row, count]
    ["set", sheet, "A9", "text"]              (text as typed: "=..." becomes a formula)
    ["sort", sheet, "A8:P14", column, ascending]  (0-based column within the range)
    ["move_row", sheet, row, before]          (cut row, insert it above row ``before``)
    ["type", sheet, "H9", "2026-01-14"]       (as typed in the cell: dates and numbers parse)
    ["unprotect", sheet]                      (lift a sheet protection without a password)
    ["rename_sheet", sheet, new_name]
Afterwards everything is recalculated and saved as OUT_FOLDER/<stem>.xlsx and .pdf.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.table import TableSortField  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(profile: Path) -> tuple[subprocess.Popen[bytes], object]:
    pipe = f"cxm{abs(hash(str(profile))) % 10**8}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
         "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            context = resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException until the office listens
            if time.monotonic() > deadline or office.poll() is not None:
                office.kill()
                raise
            time.sleep(0.5)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)
    return office, desktop


def apply(document: object, step: list[object]) -> None:
    kind, sheet_name = step[0], step[1]
    sheet = document.Sheets.getByName(sheet_name)
    if kind == "insert_rows":
        sheet.Rows.insertByIndex(int(step[2]) - 1, int(step[3]))
    elif kind == "insert_columns":
        sheet.Columns.insertByIndex(int(step[2]) - 1, int(step[3]))
    elif kind == "delete_rows":
        sheet.Rows.removeByIndex(int(step[2]) - 1, int(step[3]))
    elif kind == "set":
        cell = sheet.getCellRangeByName(str(step[2]))
        cell.setFormula(str(step[3])) if str(step[3]).startswith("=") else cell.setString(
            str(step[3]))
    elif kind == "sort":
        cells = sheet.getCellRangeByName(str(step[2]))
        field = TableSortField()
        field.Field = int(step[3])
        field.IsAscending = bool(step[4])
        field.IsCaseSensitive = False
        descriptor = cells.createSortDescriptor()
        for item in descriptor:
            if item.Name == "SortFields":
                item.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
            elif item.Name == "ContainsHeader":
                item.Value = False
        uno.invoke(cells, "sort", (descriptor,))
    elif kind == "move_row":
        source, before = int(step[2]) - 1, int(step[3]) - 1
        sheet.Rows.insertByIndex(before, 1)
        if source >= before:
            source += 1
        row = sheet.Rows.getByIndex(source)
        target = sheet.getCellByPosition(0, before).CellAddress
        sheet.moveRange(target, row.RangeAddress)
        sheet.Rows.removeByIndex(source, 1)
    elif kind == "type":
        sheet.getCellRangeByName(str(step[2])).setFormula(str(step[3]))
    elif kind == "unprotect":
        sheet.unprotect("")
    elif kind == "rename_sheet":
        sheet.setName(str(step[2]))
    else:
        raise ValueError(f"unknown step {kind!r}")


def main() -> None:
    source, out, profile, edits = (Path(arg) for arg in sys.argv[1:5])
    steps = json.loads(edits.read_text(encoding="utf-8"))
    office, desktop = connect(profile)
    try:
        document = desktop.loadComponentFromURL(source.resolve().as_uri(), "_blank", 0,
                                                (prop("Hidden", True),))
        for step in steps:
            apply(document, step)
        document.calculateAll()
        out.mkdir(parents=True, exist_ok=True)
        document.storeToURL((out / f"{source.stem}.xlsx").resolve().as_uri(),
                            (prop("FilterName", "Calc MS Excel 2007 XML"),))
        document.storeToURL((out / f"{source.stem}.pdf").resolve().as_uri(),
                            (prop("FilterName", "calc_pdf_Export"),))
        document.close(True)
    finally:
        with contextlib.suppress(Exception):  # the office may already be gone
            desktop.terminate()
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
