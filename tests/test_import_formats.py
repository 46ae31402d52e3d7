"""The formats people keep their charts in (issue 19, section 4): OpenDocument spreadsheets,
Strict Open XML workbooks, Google Sheets exports, Excel Tables and used ranges far past the
data. Every fixture is written by the test: .ods files with odfpy (or by hand, for hostile
ones), Strict workbooks by rewriting a transitional workbook's namespaces as Excel's Strict
save option does (ISO/IEC 29500 Strict)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from odf.dc import Creator
from odf.office import Annotation
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableProperties
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P
from openpyxl.worksheet.table import Table as ExcelTable

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.formats import reader_for
from cxmatrix.interchange.spreadsheet.importer import inspect, read

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def roles(matrix: Matrix) -> dict[tuple[str, str], Role]:
    names = {d.id: d.name for d in matrix.departments}
    return {(t.name, names[d]): role for t in matrix.iter_touchpoints()
            for d, role in matrix.row_roles(t.id).items()}


def stages(matrix: Matrix) -> dict[str, list[str]]:
    names = {s.id: s.name for s in matrix.stages}
    found: dict[str, list[str]] = {}
    for touchpoint in matrix.iter_touchpoints():
        found.setdefault(names[touchpoint.stage_id], []).append(touchpoint.name)
    return found


# ---- OpenDocument ------------------------------------------------------------------------------

def _ods_table(document: OpenDocumentSpreadsheet, name: str, rows: list[list[str]], *,
               hidden: bool = False, merge_down: dict[tuple[int, int], int] | None = None,
               notes: dict[tuple[int, int], str] | None = None) -> None:
    merge_down = merge_down or {}
    notes = notes or {}
    attributes = {"name": name}
    if hidden:
        style = Style(name=f"hide{name}", family="table")
        style.addElement(TableProperties(display="false"))
        document.automaticstyles.addElement(style)
        attributes["stylename"] = style
    table = Table(**attributes)
    covered = {(r + k, c) for (r, c), span in merge_down.items() for k in range(1, span)}
    for r, values in enumerate(rows):
        row = TableRow()
        for c, value in enumerate(values):
            if (r, c) in covered:
                row.addElement(CoveredTableCell())
                continue
            options = {"valuetype": "string"} if value else {}
            if (r, c) in merge_down:
                options["numberrowsspanned"] = str(merge_down[(r, c)])
            cell = TableCell(**options)
            if (r, c) in notes:
                note = Annotation()
                note.addElement(Creator(text="Maria"))
                note.addElement(P(text=notes[(r, c)]))
                cell.addElement(note)
            if value:
                cell.addElement(P(text=value))
            row.addElement(cell)
        # What LibreOffice writes after the data: empty cells to the last column.
        row.addElement(TableCell(numbercolumnsrepeated="1018"))
        table.addElement(row)
    # ...and empty rows to the last row of the sheet.
    table.addElement(TableRow(numberrowsrepeated="1048570"))
    document.spreadsheet.addElement(table)


def raci_ods(path: Path) -> Path:
    document = OpenDocumentSpreadsheet()
    _ods_table(document, "Notes", [["Prepared for the onboarding review"]])
    _ods_table(document, "RACI", [
        ["Phase", "Activity", "Customer Success", "Sales", "Support"],
        ["Onboarding", "Kick-off call", "A", "R", "C"],
        ["", "Welcome pack", "R", "", "I"],
        ["Adoption", "Quarterly review", "A", "C", ""],
        ["Renewal", "Renewal offer", "C", "A", "I"],
    ], merge_down={(1, 0): 2}, notes={(1, 2): "CSM leads the call"})
    _ods_table(document, "Old", [["Activity", "Sales"], ["Call", "A"]], hidden=True)
    document.save(str(path))
    return path


def test_opendocument_spreadsheet_imports_with_stages_merges_and_notes(tmp_path: Path) -> None:
    path = raci_ods(tmp_path / "raci.ods")
    assert reader_for(path) is read
    result = read(path)
    matrix = result.matrix
    assert [d.name for d in matrix.departments] == ["Customer Success", "Sales", "Support"]
    assert stages(matrix) == {"Onboarding": ["Kick-off call", "Welcome pack"],
                              "Adoption": ["Quarterly review"], "Renewal": ["Renewal offer"]}
    found = roles(matrix)
    assert found[("Kick-off call", "Customer Success")] is Role.OWN
    assert found[("Kick-off call", "Sales")] is Role.INFLUENCE
    assert found[("Welcome pack", "Customer Success")] is Role.OWN
    assert found[("Renewal offer", "Sales")] is Role.OWN
    kick_off = next(t for t in matrix.iter_touchpoints() if t.name == "Kick-off call")
    success = matrix.find_department("Customer Success")
    assert success is not None
    assert matrix.note(kick_off.id, success.id) == "CSM leads the call"
    assert result.report[0] == "Read raci.ods, sheet 'RACI' as a grid (headings in row 1)."
    inspection = inspect(path)
    assert [(s.name, s.hidden) for s in inspection.sheets] == [
        ("Notes", False), ("RACI", False), ("Old", True)]
    assert inspection.table.height == 5  # the 1,048,570 empty rows cost nothing


def test_opendocument_renamed_to_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    renamed = tmp_path / "calc.xlsx"
    renamed.write_bytes(raci_ods(tmp_path / "raci.ods").read_bytes())
    assert read(renamed).matrix.touchpoint_count == 4


def _hand_ods(path: Path, content: str, *, manifest: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE)
        archive.writestr("META-INF/manifest.xml", manifest or (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/"/></manifest:manifest>'))
        archive.writestr("content.xml", content)
    return path


def _content(body: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
            f'<office:spreadsheet><table:table table:name="Grid">{body}</table:table>'
            '</office:spreadsheet></office:body></office:document-content>')


_ROWS = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Touchpoint'
         '</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>'
         'Sales</text:p></table:table-cell></table:table-row><table:table-row>'
         '<table:table-cell office:value-type="string"><text:p>Demo</text:p></table:table-cell>'
         '<table:table-cell office:value-type="string"><text:p>O</text:p></table:table-cell>'
         '</table:table-row>')


@pytest.mark.parametrize(("body", "words"), [
    # A valued cell repeated across the whole width, in a row repeated down the whole sheet:
    # 17 billion cells from a few hundred bytes.
    (_ROWS + '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
     'table:number-columns-repeated="16384" office:value-type="string"><text:p>O</text:p>'
     '</table:table-cell></table:table-row>', ("16,384 columns", "at most 2,000")),
    (_ROWS + '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
     'office:value-type="string"><text:p>O</text:p></table:table-cell></table:table-row>',
     ("down to row 1,000,002", "at most 250,000 rows")),
    # Empty cells are pushed only when a valued one follows them.
    (_ROWS + '<table:table-row><table:table-cell table:number-columns-repeated="9999999"/>'
     '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>',
     ("10,000,000 columns",)),
    (_ROWS + '<table:table-row><table:table-cell table:number-columns-repeated="-3"/>'
     '</table:table-row>', ("number-columns-repeated", "damaged")),
    (_ROWS + '<table:table-row table:number-rows-repeated="2000"><table:table-cell '
     'table:number-columns-repeated="1999" office:value-type="string"><text:p>O</text:p>'
     '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2000">'
     '<table:table-cell table:number-columns-repeated="1999" office:value-type="string">'
     '<text:p>O</text:p></table:table-cell></table:table-row>', ("more cells", "5,000,000")),
    # Merged ranges that overlap: each one spans the whole sheet.
    (_ROWS + ('<table:table-row>' + '<table:table-cell table:number-rows-spanned="4" '
              'table:number-columns-spanned="4" office:value-type="string"><text:p>O</text:p>'
              '</table:table-cell>' * 4 + '</table:table-row>') * 2, ("overlap",)),
])
def test_hostile_opendocument_is_refused_before_calamine_allocates(
        tmp_path: Path, body: str, words: tuple[str, ...]) -> None:
    path = _hand_ods(tmp_path / "hostile.ods", _content(body))
    with pytest.raises(ImportFailed) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith("hostile.ods: ")
    for word in words:
        assert word in message


def test_opendocument_damaged_encrypted_or_with_a_dtd_is_refused(tmp_path: Path) -> None:
    good = raci_ods(tmp_path / "good.ods").read_bytes()
    broken = tmp_path / "broken.ods"
    broken.write_bytes(good[: len(good) // 2])
    with pytest.raises(ImportFailed, match=r"broken\.ods: the file is damaged"):
        read(broken)
    encrypted = _hand_ods(tmp_path / "locked.ods", _content(_ROWS), manifest=(
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
        '</manifest:file-entry></manifest:manifest>'))
    with pytest.raises(ImportFailed, match=r"locked\.ods: .*password"):
        read(encrypted)
    bomb = _hand_ods(tmp_path / "laughs.ods", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a '
                     '"aaaa">]>' + _content(_ROWS).split("?>", 1)[1])
    with pytest.raises(ImportFailed, match=r"laughs\.ods: .*DTD"):
        read(bomb)
    nested = _hand_ods(tmp_path / "nested.ods", _content(
        _ROWS + "<table:table-row><table:table-cell><table:table><table:table-row/>"
        "</table:table></table:table-cell></table:table-row>"))
    with pytest.raises(ImportFailed, match=r"nested\.ods: a table inside a cell"):
        read(nested)


# ---- Strict Open XML ---------------------------------------------------------------------------

# ISO/IEC 29500-1 Strict: the namespaces a Strict workbook uses instead of the transitional ones.
STRICT_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main":
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "http://schemas.openxmlformats.org/drawingml/2006/main":
        "http://purl.oclc.org/ooxml/drawingml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        "http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
}


def strict_copy(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) \
            as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.endswith((".xml", ".rels")) and \
                    item.filename != "[Content_Types].xml":
                text = data.decode("utf-8")
                for transitional, strict in STRICT_NAMESPACES.items():
                    text = text.replace(transitional, strict)
                if item.filename == "xl/workbook.xml":
                    text = text.replace("<workbook ", '<workbook conformance="strict" ', 1)
                data = text.encode("utf-8")
            new.writestr(item.filename, data)
    return target


def test_strict_open_xml_workbook_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chart"
    sheet.append(["Step", "Customer Success", "Sales"])
    sheet.append(["Trial start", "A", "C"])
    sheet.append(["Renewal call", "R", "A"])
    book.create_sheet("Legend").append(["R", "Responsible"])
    book.save(tmp_path / "transitional.xlsx")
    path = strict_copy(tmp_path / "transitional.xlsx", tmp_path / "strict.xlsx")
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    assert 'xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"' in workbook_xml
    assert 'conformance="strict"' in workbook_xml
    assert "schemas.openxmlformats.org/spreadsheetml" not in sheet_xml
    assert "http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" in rels
    result = read(path)
    assert [d.name for d in result.matrix.departments] == ["Customer Success", "Sales"]
    found = roles(result.matrix)
    assert found[("Trial start", "Customer Success")] is Role.OWN
    assert found[("Renewal call", "Customer Success")] is Role.INFLUENCE
    assert result.report[0] == "Read strict.xlsx, sheet 'Chart' as a grid (headings in row 1)."
    assert [s.name for s in inspect(path).sheets] == ["Chart", "Legend"]


# ---- what Excel Online, Google Sheets and Excel Tables write ------------------------------------

def test_google_sheets_export_without_document_properties(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in (["Touchpoint", "CS", "Sales"], ["Demo", "A", "R"], ["QBR", "R", ""]):
        sheet.append(row)
    book.save(tmp_path / "with.xlsx")
    path = tmp_path / "google.xlsx"
    with zipfile.ZipFile(tmp_path / "with.xlsx") as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            if item.filename.startswith("docProps/"):
                continue
            data = old.read(item.filename)
            if item.filename in ("_rels/.rels", "[Content_Types].xml"):
                text = data.decode()
                for part in ("docProps/core.xml", "docProps/app.xml"):
                    text = text.replace(part, "missing/" + part)
                data = text.encode()
            new.writestr(item.filename, data)
    with zipfile.ZipFile(path) as archive:
        assert not any(n.startswith("docProps/") for n in archive.namelist())
    result = read(path)
    assert result.matrix.touchpoint_count == 2
    assert roles(result.matrix)[("QBR", "CS")] is Role.OWN


def test_excel_table_list_object_and_used_range_far_past_the_data(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    for row in (["Touchpoint", "Customer Success", "Support", "Sales"],
                ["Onboarding call", "A", "C", "I"], ["Ticket", "C", "A", ""],
                ["Upsell", "C", "", "A"]):
        sheet.append(row)
    table = ExcelTable(displayName="Raci", ref="A1:D4")
    sheet.add_table(table)
    # Formatting run far past the data (what a whole-column format leaves): styled, no value.
    for row in range(5, 60_000, 997):
        sheet.cell(row=row, column=40).style = "Good"
    sheet.cell(row=200_000, column=2).number_format = "0.00"
    book.save(tmp_path / "table.xlsx")
    with zipfile.ZipFile(tmp_path / "table.xlsx") as archive:
        assert any(n.startswith("xl/tables/") for n in archive.namelist())
        assert "<dimension ref=\"A1:AN200000\" />" in archive.read(
            "xl/worksheets/sheet1.xml").decode()
    result = read(tmp_path / "table.xlsx")
    assert result.matrix.touchpoint_count == 3
    assert [d.name for d in result.matrix.departments] == ["Customer Success", "Support",
                                                           "Sales"]
    assert inspect(tmp_path / "table.xlsx").table.height == 4
