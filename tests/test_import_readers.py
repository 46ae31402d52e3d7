"""The readers: python-calamine gives the same information as openpyxl (values, merged
ranges, comments), which is why the importer uses it; CSV encodings and delimiters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from cxmatrix.interchange.spreadsheet.csv_reader import decode, detect_delimiter, read_csv
from cxmatrix.interchange.spreadsheet.sheet_table import (
    cell_ref,
    column_index,
    column_letter,
    to_text,
)
from cxmatrix.interchange.spreadsheet.xlsx_reader import (
    open_workbook,
    read_sheet,
    read_sheet_openpyxl,
)

SAMPLES = Path(__file__).parent / "data" / "samples"


def assert_same(path: Path) -> None:
    info = open_workbook(path)
    for entry in info.sheets:
        ours = read_sheet(info, entry.name)
        theirs = read_sheet_openpyxl(path, entry.name)
        assert ours.rows == theirs.rows, entry.name
        assert sorted(ours.merged) == sorted(theirs.merged), entry.name
        assert ours.comments == theirs.comments, entry.name
        assert ours.hidden == theirs.hidden


@pytest.mark.parametrize("name", ["raci_onboarding_programme.xlsx", "cx_ownership_grid.xlsx"])
def test_calamine_matches_openpyxl_on_the_samples(name: str) -> None:
    assert_same(SAMPLES / name)


def test_calamine_matches_openpyxl_on_every_kind_of_value(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Values"
    sheet.append(["Text", "  padded  ", 42, 3.5, -0.25, True, False, None, "Ünïcödé ☕"])
    sheet.append([dt.date(2026, 1, 5), dt.datetime(2026, 1, 5, 13, 30), 1e20, 12345678901234])
    sheet.append([None, None, None, "after blanks"])
    sheet["B5"] = "far"
    sheet.merge_cells("A7:C8")
    sheet["A7"] = "merged"
    sheet.merge_cells("E2:E6")
    sheet["A1"].comment = Comment("first\nsecond line", "Ana")
    sheet["D3"].comment = Comment("on an empty-looking row", "Bo")
    hidden = book.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    path = tmp_path / "values.xlsx"
    book.save(path)
    assert_same(path)
    info = open_workbook(path)
    table = read_sheet(info, "Values")
    assert table.rows[0] == ["Text", "padded", "42", "3.5", "-0.25", "TRUE", "FALSE", "",
                             "Ünïcödé ☕"]
    assert table.rows[1][0] == "2026-01-05"
    assert table.comments[(0, 0)] == "first\nsecond line"
    assert (6, 0, 7, 2) in table.merged
    assert [s.hidden for s in info.sheets] == [False, True]


def test_cell_references() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert [column_index(s) for s in ("A", "Z", "AA", "ZZ", "AAA")] == [0, 25, 26, 701, 702]
    assert cell_ref(6, 1) == "B7"
    assert to_text(5.0) == "5" and to_text(None) == "" and to_text(dt.time(9, 30)) == "09:30:00"


def test_encodings_are_detected() -> None:
    path = Path("x.csv")
    assert decode(path, "Zürich".encode()) == ("Zürich", "UTF-8")
    assert decode(path, "\ufeffZürich".encode()) == ("Zürich", "UTF-8 (with BOM)")
    assert decode(path, "Zürich – €".encode("cp1252")) == ("Zürich – €", "Windows-1252")
    assert decode(path, "Zürich".encode("utf-16")) == ("Zürich", "UTF-16")
    assert decode(path, b"\x81\x8d")[1] == "Latin-1"


@pytest.mark.parametrize(("text", "suffix", "expected"), [
    ("a,b,c\n1,2,3\n", ".csv", ","),
    ("a;b;c\n1;2;3\n", ".csv", ";"),
    ("a\tb\tc\n1\t2\t3\n", ".txt", "\t"),
    ("a|b|c\n1|2|3\n", ".csv", "|"),
    ('"x, y";b\n"1, 2";3\n', ".csv", ";"),
    ("single\n", ".tsv", "\t"),
])
def test_delimiters_are_detected(text: str, suffix: str, expected: str) -> None:
    assert detect_delimiter(text, suffix) == expected


def test_csv_table_is_text_with_blank_tail_trimmed(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A, B ,C\n1,,\n,,\n\n", encoding="utf-8")
    table, found = read_csv(path)
    assert table.rows == [["A", "B", "C"], ["1"]]
    assert found == {"encoding": "UTF-8", "delimiter": "comma"}
    assert table.name == "table"


def test_excel_threaded_comments_are_read(tmp_path: Path) -> None:
    """Excel 365 keeps a placeholder in the legacy comments part and the text in a
    threadedComments part; the text wins."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Touchpoint", "Sales"])
    sheet.append(["Demo", "O"])
    sheet["B2"].comment = Comment("[Threaded comment]\n\nYour version of Excel allows you to "
                                  "read this threaded comment...\n\nComment:\n    Runs demos",
                                  "tc={1}")
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    threaded = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        'threadedcomments"><threadedComment ref="B2" id="{1}" personId="{9}">'
        "<text>Sales runs every demo</text></threadedComment>"
        '<threadedComment ref="B2" id="{2}" parentId="{1}" personId="{9}">'
        "<text>Agreed</text></threadedComment></ThreadedComments>")
    path = tmp_path / "threaded.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/_rels/sheet1.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdT" Type="http://schemas.microsoft.com/office/2017/'
                    b'10/relationships/threadedComment" Target="../threadedComments/'
                    b'threadedComment1.xml"/></Relationships>'))
            new.writestr(item.filename, data)
        new.writestr("xl/threadedComments/threadedComment1.xml", threaded)
    info = open_workbook(path)
    table = read_sheet(info, info.sheets[0].name)
    assert table.comments == {(1, 1): "Sales runs every demo\nAgreed"}
