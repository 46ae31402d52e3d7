"""The written workbooks keep the rules Excel is strict about, checked in the files' XML
(Excel and Google Sheets cannot run here). What Excel would "repair" or show as #NAME?:

- functions that came after Excel 2007 need a ``_xlfn.`` prefix (xlsxwriter's "Formulas added
  in Excel 2010 and later"): every function used is on a list of Excel 2007 functions, so a
  new one is checked against that list when it is added;
- no dynamic-array formulas (no spill metadata) and no table references, which older Excel
  and LibreOffice 7 do not read;
- a data validation list written inline is at most 255 characters, its titles at most 32 and
  its messages at most 255; validations do not overlap;
- a conditional format's formula refers to its own sheet only (Excel 2007 refuses others)
  and each rule has its own priority;
- a text constant inside a formula at most 255 characters;
- headers and footers at most 255 characters, formulas at most 8,192, cell text at most
  32,767, sheet names at most 31 characters of the allowed ones;
- xlsxwriter warns (and leaves the feature out) instead of failing on several of these: the
  exports run with its warnings as errors.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from export_samples import awkward, demo_like
from openpyxl.utils import range_boundaries
from test_workbook_plan_review import with_planned_flags

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.review_pack.writer import PackRequest, write_pack

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
# Functions of Excel 2007's file format (none needs a prefix); the only ones the workbooks use.
EXCEL_2007_FUNCTIONS = {"AND", "COLUMN", "COUNTIF", "EXACT", "IF", "IFERROR", "INDEX",
                        "ISBLANK", "ISNUMBER", "LEFT", "LOWER", "MATCH", "MMULT", "N", "OR", "ROW",
                        "SUM", "SUMPRODUCT", "TRANSPOSE"}
SHEET_NAME = re.compile(r"[^\[\]:*?/\\]{1,31}")
STRING = re.compile(r'"(?:[^"]|"")*"')


def functions(formula: str) -> set[str]:
    """The function names a formula calls (strings and sheet names left out)."""
    bare = STRING.sub('""', formula)
    bare = re.sub(r"'(?:[^']|'')*'!", "", bare)
    return set(re.findall(r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.]*)\(", bare))


def long_literals(formula: str) -> list[str]:
    """Text constants in a formula longer than Excel's 255 characters."""
    return [text[:40] for text in STRING.findall(formula)
            if len(text[1:-1].replace('""', '"')) > 255]


def other_sheet_reference(formula: str) -> bool:
    return "!" in STRING.sub('""', formula)


def overlap(first: str, second: str) -> bool:
    for a in first.split():
        for b in second.split():
            a0, a1, a2, a3 = range_boundaries(a)
            b0, b1, b2, b3 = range_boundaries(b)
            if a0 <= b2 and b0 <= a2 and a1 <= b3 and b1 <= a3:
                return True
    return False


def check_workbook(path: Path) -> list[str]:
    """Every broken rule of the module's list in the workbook at ``path``, as text."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "xl/metadata.xml" in names:
            problems.append("dynamic array metadata (xl/metadata.xml)")
        problems += [f"table part {n}" for n in names if n.startswith("xl/tables/")]
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        for sheet in book.iterfind("m:sheets/m:sheet", NS):
            if not SHEET_NAME.fullmatch(sheet.get("name", "")):
                problems.append(f"sheet name {sheet.get('name')!r}")
        for name in book.iterfind("m:definedNames/m:definedName", NS):
            problems += [f"defined name {name.get('name')}: {f}"
                         for f in functions(name.text or "") - EXCEL_2007_FUNCTIONS]
        if "xl/sharedStrings.xml" in names:
            strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            for text in strings.iterfind(".//m:t", NS):
                if len(text.text or "") > 32_767:
                    problems.append("a shared string over 32,767 characters")
        for part in (n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
            problems += [f"{part}: {p}" for p in check_sheet(archive.read(part))]
    return problems


def check_sheet(xml: bytes) -> list[str]:
    sheet = ElementTree.fromstring(xml)
    problems = []
    for formula in sheet.iterfind(".//m:c/m:f", NS):
        text = formula.text or ""
        if len(text) > 8192:
            problems.append(f"a formula of {len(text)} characters")
        problems += [f"function {f} in {text[:60]}" for f in functions(text)
                     - EXCEL_2007_FUNCTIONS]
        problems += [f"a text constant over 255 characters: {t}" for t in long_literals(text)]
        if formula.get("t") == "array" and formula.get("aca") is not None:
            problems.append("a dynamic array formula")
    priorities: list[str] = []
    for rule in sheet.iterfind(".//m:conditionalFormatting/m:cfRule", NS):
        priorities.append(rule.get("priority", ""))
        for formula in rule.iterfind("m:formula", NS):
            text = formula.text or ""
            problems += [f"function {f} in a conditional format" for f in functions(text)
                         - EXCEL_2007_FUNCTIONS]
            problems += [f"a long text constant in a conditional format: {t}"
                         for t in long_literals(text)]
            if other_sheet_reference(text):
                problems.append(f"a conditional format refers to another sheet: {text}")
    if len(priorities) != len(set(priorities)):
        problems.append("conditional formats sharing a priority")
    validations = list(sheet.iterfind(".//m:dataValidations/m:dataValidation", NS))
    for index, validation in enumerate(validations):
        source = validation.findtext("m:formula1", "", NS)
        if validation.get("type") == "list" and source.startswith('"') and len(source) - 2 > 255:
            problems.append(f"a list of {len(source) - 2} characters")
        for title in ("errorTitle", "promptTitle"):
            if len(validation.get(title, "")) > 32:
                problems.append(f"{title} over 32 characters")
        for message in ("error", "prompt"):
            if len(validation.get(message, "")) > 255:
                problems.append(f"{message} over 255 characters")
        problems += [f"function {f} in a validation" for f in functions(source)
                     - EXCEL_2007_FUNCTIONS]
        for other in validations[index + 1:]:
            if overlap(validation.get("sqref", ""), other.get("sqref", "")):
                problems.append(f"validations overlap: {validation.get('sqref')} and "
                                f"{other.get('sqref')}")
    for part in ("oddHeader", "oddFooter"):
        text = sheet.findtext(f"m:headerFooter/m:{part}", "", NS)
        if len(text) > 255:
            problems.append(f"{part} of {len(text)} characters")
    return problems


def long_names() -> Matrix:
    """Names and a title at their limits, and enough departments to need the grow columns."""
    matrix = with_planned_flags()
    matrix.set_properties(title="T" * 250, organisation="O & " * 60)
    for index in range(30):
        matrix.add_department(f"Department with a long name number {index:02} " + "x" * 150)
    return matrix


@pytest.mark.parametrize("make", [demo_like, awkward, with_planned_flags, long_names,
                                  lambda: generate_size("S")],
                         ids=["demo-like", "awkward", "plan", "long-names", "generated-S"])
def test_the_exported_workbook_keeps_excels_rules(make, tmp_path):
    path = tmp_path / "rules.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xlsxwriter warns where Excel's limits are crossed
        xlsx_export.write(make(), path)
    assert check_workbook(path) == []


def test_a_review_pack_keeps_excels_rules(tmp_path):
    matrix = long_names()
    path = tmp_path / "pack.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_pack(matrix, path, PackRequest(matrix.departments[0].id, "Dana",
                                             date(2026, 3, 31), "Eli"), date(2026, 3, 1))
    assert check_workbook(path) == []


def test_the_check_finds_what_excel_repairs(tmp_path):
    """The checker itself: a future function without its prefix, a long text constant,
    overlapping validations and a conditional format on another sheet are each found (a
    list over 255 characters XlsxWriter leaves out with a warning, which the exports above
    turn into an error)."""
    from xlsxwriter.workbook import Workbook

    path = tmp_path / "bad.xlsx"
    workbook = Workbook(str(path))
    sheet = workbook.add_worksheet("Bad")
    sheet.write_formula("A1", "=STDEV.S(B1:B9)")
    sheet.write_formula("A2", '=IFS(B1>1,"big",TRUE,"small")')
    sheet.write_formula("A3", '=IF(B1="' + "z" * 256 + '",1,0)')
    sheet.data_validation("C1:C9", {"validate": "list", "source": ["a", "b"]})
    sheet.data_validation("C5:D5", {"validate": "list", "source": ["c"]})
    sheet.conditional_format("E1:E9", {"type": "formula", "criteria": "=Other!A1=1",
                                       "format": workbook.add_format({"bold": True})})
    with pytest.warns(UserWarning, match="255"):
        sheet.data_validation("F1", {"validate": "list", "source": ["y" * 300]})
    workbook.close()
    problems = check_workbook(path)
    assert any("STDEV.S" in p for p in problems) and any("IFS" in p for p in problems)
    assert any("validations overlap" in p for p in problems)
    assert any("another sheet" in p for p in problems)
    assert any("text constant over 255" in p for p in problems)
    assert functions('=IF(A1="SUM(x)",_xlfn.STDEV.S(A:A),0)') == {"IF", "_xlfn.STDEV.S"}


def test_formulas_written_as_given_are_what_xlsxwriter_would_write(tmp_path, monkeypatch):
    """The export's worksheet class skips XlsxWriter's dynamic-array search over each cell
    formula; with Excel 2007 functions only that search changes nothing, so the sheets' XML
    is the same byte for byte (dates aside, and the state record, which holds the export
    time) as with XlsxWriter's own class."""
    from xlsxwriter.worksheet import Worksheet

    matrix = with_planned_flags()
    fast, plain = tmp_path / "fast.xlsx", tmp_path / "plain.xlsx"
    xlsx_export.write(matrix, fast)
    monkeypatch.setattr(xlsx_export, "PlainFormulaWorksheet", Worksheet)
    xlsx_export.write(matrix, plain)

    def sheets(path: Path) -> dict[str, str]:
        with zipfile.ZipFile(path) as archive:
            return {name: re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", "DATE",
                                 archive.read(name).decode())
                    for name in archive.namelist() if name.startswith("xl/worksheets/")
                    and "cxmatrix workbook state" not in archive.read(name).decode()}

    found, expected = sheets(fast), sheets(plain)
    assert found == expected
    assert any("<f>" in text for text in found.values())
