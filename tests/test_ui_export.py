"""Exporting from the window: the PDF options dialog, the PDF read back, opening the result,
cancel and failure, the remembered folder, and edits that cannot race an export."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from ui_support import window_on_small_matrix

from cxmatrix.domain.roles import Role
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.interchange.pdf import export as pdf_export
from cxmatrix.ui import transfer
from cxmatrix.ui.dialogs import pdf_export as export_dialog
from cxmatrix.ui.dialogs.pdf_export import PdfExportDialog, PdfOptions
from cxmatrix.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
POINTS_PER_MM = 72 / 25.4


@pytest.fixture
def small(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    window = window_on_small_matrix(qtbot, tmp_path, monkeypatch)
    yield window
    window.close()


@pytest.fixture
def english_locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


def fill_pdf_dialog(monkeypatch: pytest.MonkeyPatch, *, size: str, check: tuple[str, ...] = (),
                    uncheck: tuple[str, ...] = ()) -> None:
    def run(dialog: PdfExportDialog) -> int:
        dialog.page_size.setCurrentIndex(dialog.page_size.findData(size))
        for row in range(dialog.departments.count()):
            item = dialog.departments.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            if name in check or name in uncheck:
                item.setCheckState(Qt.CheckState.Checked if name in check
                                   else Qt.CheckState.Unchecked)
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PdfExportDialog, "exec", run)


def wait_for_job(qtbot: QtBot, job: Any) -> None:
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=20_000)


def export_finished(qtbot: QtBot, window: Any) -> QMessageBox:
    """The "Export finished" notice every export shows, once it is on screen."""
    qtbot.waitUntil(lambda: any(box.isVisible() for box in window.findChildren(
        QMessageBox, transfer.EXPORT_FINISHED)), timeout=5000)
    return next(box for box in window.findChildren(QMessageBox, transfer.EXPORT_FINISHED)
                if box.isVisible())


def click_button(qtbot: QtBot, box: QMessageBox, text: str | None) -> None:
    """Click a button of the notice as a person does (Close when ``text`` is None)."""
    button = next((b for b in box.buttons() if b.text() == text), None) or box.button(
        QMessageBox.StandardButton.Close)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)


def test_the_pdf_dialog_offers_sizes_lenses_and_a_page_count(qtbot: QtBot, small: Any,
                                                             english_locale: None) -> None:
    QLocale.setDefault(QLocale("en_GB"))
    dialog = PdfExportDialog(small.session.matrix.copy(), "small.pdf", small)
    qtbot.addWidget(dialog)
    labels = [dialog.page_size.itemText(i) for i in range(dialog.page_size.count())]
    assert labels == [f"{pdf_export.PAGE_SIZE_LABELS[s]} (landscape)"
                      for s in pdf_export.PAGE_SIZE_CHOICES]
    assert dialog.chosen_page_size() == "a4"
    assert dialog.chosen_lenses() == ("Customer Success",)  # the focus department
    assert dialog.departments.item(1).text() == "Customer Success (focus)"
    qtbot.waitUntil(dialog.page_count_ready, timeout=10_000)
    expected = pdf_export.chart_overview(small.session.matrix, "a4")
    qtbot.waitUntil(lambda: dialog.page_count.text().startswith(
        f"The chart takes {expected.pages} page"), timeout=5000)
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("a3"))
    qtbot.waitUntil(dialog.page_count_ready, timeout=10_000)
    dialog.all_button.click()
    assert dialog.chosen_lenses() == ("Sales", "Customer Success", "Support")
    dialog.none_button.click()
    assert dialog.chosen_lenses() == ()
    dialog.accept()
    assert QSettings().value(export_dialog.PAGE_SIZE_KEY) == "a3"
    again = PdfExportDialog(small.session.matrix, "small.pdf", small)
    qtbot.addWidget(again)
    assert again.chosen_page_size() == "a3"  # the last choice wins over the locale


def test_letter_is_the_default_in_the_united_states(small: Any, english_locale: None) -> None:
    QLocale.setDefault(QLocale("en_US"))
    assert export_dialog.default_page_size() == "letter"
    QLocale.setDefault(QLocale("de_DE"))
    assert export_dialog.default_page_size() == "a4"


def test_export_as_pdf_writes_the_chosen_size_and_lenses_and_opens_it(
        qtbot: QtBot, small: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "exports" / "report.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target.with_suffix("")), "PDF chart (*.pdf)"))
    fill_pdf_dialog(monkeypatch, size="a3", check=("Support",), uncheck=("Customer Success",))
    small.export_pdf_action.trigger()
    jobs = small.findChildren(transfer.BackgroundJob)
    assert len(jobs) == 1
    wait_for_job(qtbot, jobs[0])
    reader = pypdf.PdfReader(target)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / POINTS_PER_MM), round(height / POINTS_PER_MM)) == (420, 297)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Small" in text and "Kick-off call" in text
    lens_titles = [line for line in text.splitlines() if line.startswith("Department lens:")]
    assert lens_titles == ["Department lens: Support"]  # the focus was unticked
    box = export_finished(qtbot, small)
    assert box.text() == "PDF file report.pdf is ready."
    click_button(qtbot, box, "&Open")
    assert small.opened == [str(target)]
    assert small.errors == []
    assert QSettings().value("export/last_folder") == str(target.parent)


def test_a_pdf_can_be_left_closed_and_the_dialog_cancelled(
        qtbot: QtBot, small: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PdfExportDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    assert small.export_file(tmp_path / "never.pdf") is None
    assert not (tmp_path / "never.pdf").exists()
    fill_pdf_dialog(monkeypatch, size="letter")
    target = tmp_path / "closed.pdf"
    wait_for_job(qtbot, small.export_file(target))
    page = pypdf.PdfReader(target).pages[0]
    assert [round(float(v)) for v in page.mediabox.upper_right] == [792, 612]
    click_button(qtbot, export_finished(qtbot, small), None)
    assert small.opened == []


def test_a_failed_pdf_export_is_a_message_and_a_cancelled_one_is_silent(
        qtbot: QtBot, small: Any, tmp_path: Path) -> None:
    target = tmp_path / "failed.pdf"
    options = PdfOptions("a4", ("Nobody",))
    wait_for_job(qtbot, small.export_file(target, pdf_options=options))
    title, message = small.errors[-1]
    assert title == "Export failed"
    assert "failed.pdf: no department called 'Nobody'" in message
    assert not target.exists()
    job = small.export_file(target, pdf_options=PdfOptions("a4", ()))
    job.cancel()
    wait_for_job(qtbot, job)
    assert len(small.errors) == 1
    assert not target.exists()
    assert small.opened == []


@pytest.mark.parametrize(("choice", "opened"), [
    ("&Open", "file"), ("Show in &Folder", "folder"), (None, "nothing")])
def test_excel_and_csv_exports_offer_to_open_the_result(
        qtbot: QtBot, small: Any, tmp_path: Path, choice: str | None, opened: str) -> None:
    target = tmp_path / "matrix.xlsx"
    wait_for_job(qtbot, small.export_file(target))
    click_button(qtbot, export_finished(qtbot, small), choice)
    expected = {"file": [str(target)], "folder": [str(tmp_path)], "nothing": []}[opened]
    assert small.opened == expected
    workbook = openpyxl.load_workbook(target, read_only=True)
    assert workbook.sheetnames
    workbook.close()
    csv_target = tmp_path / "matrix.csv"
    wait_for_job(qtbot, small.export_file(csv_target))
    click_button(qtbot, export_finished(qtbot, small), choice)
    assert "Kick-off call" in csv_target.read_text(encoding="utf-8-sig")
    assert len(small.opened) == 2 * len(expected)


def test_the_export_dialog_starts_in_the_last_export_folder_and_format(
        small: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []
    folder = tmp_path / "board"
    folder.mkdir()

    def save_file_name(_parent: Any, _caption: str, start: str, filters: str,
                       selected: str = "") -> tuple[str, str]:
        asked.append((start, selected))
        return str(folder / "first.csv"), "CSV table (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_file_name)
    assert transfer.ask_export_path(small) == folder / "first.csv"
    assert transfer.ask_export_path(small) == folder / "first.csv"
    assert asked[1] == (str(folder / "small.csv"), "CSV table (*.csv)")
    assert Path(asked[0][0]).suffix == ".xlsx"


def test_edits_made_during_an_export_do_not_reach_the_file(
        qtbot: QtBot, small: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_writer(matrix: Any, path: Path, **options: Any) -> None:
        release.wait(10)
        json_format.write(matrix, path, **options)

    monkeypatch.setattr(transfer, "writer_for", lambda _path: slow_writer)
    before = small.session.matrix.content()
    target = tmp_path / "snapshot.json"
    job = small.export_file(target)
    (tp,) = small.session.matrix.find_touchpoints("Outage notice")
    sales = small.session.matrix.find_department("Sales")
    assert small.grid.select_touchpoint(tp.id, sales.id)
    assert small.grid.set_role_on_selection(Role.OWN)  # while the writer is still waiting
    release.set()
    wait_for_job(qtbot, job)
    assert json_format.read(target).matrix.content() == before
    assert small.session.matrix.role(tp.id, sales.id) is Role.OWN


def test_export_as_pdf_is_in_the_file_menu(small: MainWindow) -> None:
    file_menu = small.menuBar().actions()[0].menu()
    assert small.export_pdf_action in file_menu.actions()
    assert small.export_pdf_action.isEnabled()
    small.close_document()
    assert not small.export_pdf_action.isEnabled()
