"""Who prepared a matrix (issue 18, point 3): the "Prepared by" field of the Properties dialog
driven in the real window, page 1 of the PDF read back, and spreadsheet imports that take the
name (and report the date) from the rows above the table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pdf_checks import page_texts
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from ui_support import (
    document_of,
    on_disk,
    open_and_wait,
    press,
    small_matrix,
    window_with_captured_messages,
)

from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.pdf.export import write
from cxmatrix.interchange.spreadsheet import importer
from cxmatrix.interchange.spreadsheet.sheet_facts import sheet_facts
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable
from cxmatrix.ui.dialogs.properties import PropertiesDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

SAMPLES = Path(__file__).parent / "data" / "samples"


def flat(text: str) -> str:
    return " ".join(text.split())


# ---- the Properties dialog ---------------------------------------------------------------


def test_prepared_by_typed_in_the_properties_dialog_is_one_undo_step(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    seen: dict[str, Any] = {}

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PropertiesDialog):
            QTimer.singleShot(20, fill_in)  # not shown yet
            return
        field = dialog.prepared_by
        seen["empty"] = field.text()
        field.setFocus()
        qtbot.keyClicks(field, "Priya Raman")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    stack = window.session.undo_stack
    steps = stack.count()
    QTimer.singleShot(0, fill_in)
    press(qtbot, window, Qt.Key.Key_P,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: stack.count() == steps + 1)
    assert seen["empty"] == ""
    assert window.session.matrix.prepared_by == "Priya Raman"
    assert "prepared by" in stack.undoText()
    assert on_disk(window.session.document)["prepared_by"] == "Priya Raman"
    window.activateWindow()  # back from the modal dialog
    qtbot.waitUntil(window.isActiveWindow)
    window.grid.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.session.matrix.prepared_by == "")
    assert on_disk(window.session.document)["prepared_by"] == ""
    assert window.errors == []
    window.close()


# ---- page 1 of the PDF ---------------------------------------------------------------------


def test_page_one_says_who_prepared_it_and_the_date_of_the_data(tmp_path: Path) -> None:
    matrix = demo_matrix()
    matrix.set_properties(prepared_by="Priya Raman")
    write(matrix, tmp_path / "m.pdf")
    first = flat(page_texts(tmp_path / "m.pdf")[0])
    modified = matrix.modified
    assert (f"prepared by Priya Raman · data as of {modified.day} {modified:%B %Y}"
            in first)


def test_a_very_long_name_is_cut_and_the_date_still_shows(tmp_path: Path) -> None:
    matrix = demo_matrix()
    matrix.set_properties(prepared_by="Maximiliana Wolfeschlegelsteinhausenbergerdorff " * 4)
    write(matrix, tmp_path / "m.pdf")
    first = flat(page_texts(tmp_path / "m.pdf")[0])
    assert "prepared by Maximiliana" in first
    assert f"data as of {matrix.modified.day}" in first


def test_no_prepared_by_no_words_for_it(tmp_path: Path) -> None:
    matrix = demo_matrix()
    assert matrix.prepared_by == ""
    write(matrix, tmp_path / "m.pdf")
    assert "prepared by" not in flat(page_texts(tmp_path / "m.pdf")[0])


# ---- spreadsheet imports -------------------------------------------------------------------


def test_the_sample_fills_prepared_by_and_reports_the_date() -> None:
    result = importer.read(SAMPLES / "raci_onboarding_programme.xlsx")
    assert result.matrix.prepared_by == "CS Operations"
    assert result.matrix.title == "Customer Onboarding Programme - RACI Chart"
    assert any(line.startswith("Prepared by CS Operations (row 2)") for line in result.report)
    assert any(line.startswith("Last updated 2024-03-18 (row 2)") for line in result.report)


def _sheet(tmp_path: Path, top: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in top:
        sheet.append(row)
    sheet.append(["Touchpoint", "Sales", "Support"])
    sheet.append(["Kick-off call", "A", "R"])
    sheet.append(["Ticket", "", "A"])
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    return path


def test_name_in_the_next_cell_and_a_real_date_cell(tmp_path: Path) -> None:
    import datetime as dt

    path = _sheet(tmp_path, [["Support ownership"],
                             ["Prepared by", "Jane Doe", None, "Date", dt.date(2026, 1, 14)]])
    result = importer.read(path)
    assert result.matrix.prepared_by == "Jane Doe"
    assert result.matrix.title == "Support ownership"
    assert "Prepared by Jane Doe (row 2): kept as the matrix's 'prepared by'." in result.report
    assert any(line.startswith("Last updated 2026-01-14 (row 2)") for line in result.report)


def test_a_sheet_without_such_rows_leaves_prepared_by_empty(tmp_path: Path) -> None:
    result = importer.read(_sheet(tmp_path, [["Support ownership"]]))
    assert result.matrix.prepared_by == ""
    assert not any(line.startswith(("Prepared by", "Last updated")) for line in result.report)


@pytest.mark.parametrize(("rows", "expected"), [
    ([["Prepared by: Jane Doe"]], ("Jane Doe", "")),
    ([["prepared by   jane  doe", "", "Last updated: 14/01/2026"]], ("jane doe", "14/01/2026")),
    ([["Prepared by", "", "", "Priya Raman"]], ("Priya Raman", "")),
    ([["Prepared by:"], ["Updated quarterly"]], ("", "")),  # no name, no date
    ([["Prepared by", "Last updated: 2026-01-14"]], ("", "2026-01-14")),
    ([["Date of kick-off: to be agreed"]], ("", "")),
    ([["Last updated", "14 January 2026"]], ("", "14 January 2026")),
    ([["Prepared by " + "x" * 300]], ("", "")),  # a sentence, not a name
])
def test_sheet_facts(rows: list[list[str]], expected: tuple[str, str]) -> None:
    table = SheetTable("S", [*rows, ["Touchpoint", "Sales"], ["Call", "A"]])
    facts = sheet_facts(table, header_row=len(rows))
    assert (facts.prepared_by, facts.updated) == expected


def test_rows_below_the_headings_are_not_searched() -> None:
    table = SheetTable("S", [["Touchpoint", "Sales"], ["Prepared by: Jane", "A"]])
    assert sheet_facts(table, header_row=0).prepared_by == ""
