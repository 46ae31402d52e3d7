"""Issue 13, points 11-21, driven as a person drives the window: shortcuts sent to the window's
windowHandle(), clicks on buttons, menus and drop-downs, and the .cxm read back after the
window has closed where data is involved."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from ui_support import (
    click_cell,
    demo_document,
    document_of,
    open_and_wait,
    press,
    row_of,
    window_with_captured_messages,
)

from cxmatrix.domain.codes import Target
from cxmatrix.domain.findings import CODES, SEVERITY_OF
from cxmatrix.store import Document, DocumentNotFound
from cxmatrix.ui import files, transfer
from cxmatrix.ui.dialogs import help as help_dialog
from cxmatrix.ui.dialogs.import_wizard import ImportWizard
from cxmatrix.ui.dialogs.pdf_export import PdfOptions
from cxmatrix.ui.grid.model import NAME_COLUMN
from cxmatrix.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
README = Path(__file__).resolve().parents[1] / "README.md"
CTRL = Qt.KeyboardModifier.ControlModifier


class Window(MainWindow):
    errors: list[tuple[str, str]]


def make_window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                size: tuple[int, int] = (1300, 800)) -> Window:
    """A real window; warnings and critical boxes are recorded in ``errors`` (and not shown).
    QDesktopServices is left alone: offscreen it opens nothing, as on a machine without a PDF
    viewer."""
    window: Window = window_with_captured_messages(qtbot, tmp_path, monkeypatch,
                                                   capture_urls=False, size=size)
    return window


def reopened_window(qtbot: QtBot, size: tuple[int, int]) -> Window:
    """The app started again: a new window with the settings the last one left."""
    window = Window()
    window.errors = []
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def demo(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Window]:
    window = make_window(qtbot, tmp_path, monkeypatch)
    path = demo_path(tmp_path)
    open_and_wait(qtbot, window, path)
    yield window
    window.close()


def read_back(path: Path) -> Document:
    return Document.open(path, read_only=True)


def click(qtbot: QtBot, widget: QWidget, pos: QPoint | None = None) -> None:
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def demo_path(folder: Path, name: str = "demo") -> Path:
    document = demo_document(folder, name)
    document.close()
    return document.path


def click_menu(qtbot: QtBot, window: MainWindow, title: str, action: Any) -> None:
    """Open a menu of the menu bar with a click and click one of its entries."""
    bar = window.menuBar()
    top = next(a for a in bar.actions() if a.text().replace("&", "") == title)
    menu = top.menu()
    assert isinstance(menu, QMenu)
    click(qtbot, bar, bar.actionGeometry(top).center())
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    click(qtbot, menu, menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=3000)


def when_modal(handle: Callable[[QWidget], None]) -> None:
    """Run ``handle`` on the next modal dialog once its exec() shows it."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, poll)
        else:
            handle(dialog)

    QTimer.singleShot(0, poll)


def fill_department_dialog(qtbot: QtBot, name: str) -> list[QWidget]:
    seen: list[QWidget] = []

    def fill(dialog: QWidget) -> None:
        seen.append(dialog)
        line = dialog.findChild(QWidget, "departmentName")
        assert line is not None
        qtbot.keyClicks(line, name)
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        click(qtbot, box.button(QDialogButtonBox.StandardButton.Ok))

    when_modal(fill)
    return seen


def click_name(qtbot: QtBot, window: MainWindow, row: int) -> None:
    frozen = window.grid.frozen
    index = window.model.index(row, NAME_COLUMN)
    frozen.scrollTo(index)
    rect = frozen.visualRect(index)
    click(qtbot, frozen.viewport(), QPoint(rect.center().x() + 40, rect.center().y()))


def fully_visible_departments(window: MainWindow) -> int:
    grid = window.grid
    left = grid.columnWidth(NAME_COLUMN)
    right = grid.viewport().width()
    count = 0
    for column in range(1, window.model.columnCount()):
        x = grid.columnViewportPosition(column)
        if x >= left - 1 and x + grid.columnWidth(column) <= right + 1:
            count += 1
    return count


# ---- 11: deleting a stage says so, with Undo --------------------------------------------------


def test_deleting_a_stage_says_what_went_and_undo_brings_it_back(qtbot: QtBot,
                                                                 demo: Window) -> None:
    matrix = demo.session.matrix
    stage = next(s for s in matrix.stages if s.name == "Onboarding")
    count = len(matrix.stage_touchpoint_ids(stage.id))
    assert count == 7
    click_name(qtbot, demo, row_of(demo, "Onboarding"))
    press(qtbot, demo, Qt.Key.Key_Delete, CTRL)
    assert "Onboarding" not in [s.name for s in matrix.stages]
    assert demo.notice.isVisible()
    assert demo.notice.text == "Deleted stage Onboarding and its 7 touchpoints."
    undo = demo.notice.button("Undo")
    assert undo is not None and undo.isVisible()
    click(qtbot, undo)
    assert not demo.notice.isVisible()
    restored = matrix.touchpoints_in(stage.id)
    assert len(restored) == 7
    assert restored[0].name == "Sales-to-CS handover & kick-off call"
    # Deleted again, then something else is done: the notice's Undo would undo the wrong
    # thing, so it goes.
    click_name(qtbot, demo, row_of(demo, "Onboarding"))
    press(qtbot, demo, Qt.Key.Key_Delete, CTRL)
    assert demo.notice.isVisible()
    click_name(qtbot, demo, row_of(demo, "Awareness"))
    press(qtbot, demo, Qt.Key.Key_T, CTRL)  # add a touchpoint
    assert not demo.notice.isVisible()
    press(qtbot, demo, Qt.Key.Key_Escape)
    demo.session.undo_stack.undo()  # the touchpoint
    demo.session.undo_stack.undo()  # the stage's deletion
    path = demo.session.document.path  # type: ignore[union-attr]
    demo.close()
    with read_back(path) as document:
        back = next(s for s in document.matrix.stages if s.name == "Onboarding")
        assert len(document.matrix.stage_touchpoint_ids(back.id)) == 7


# ---- 12: a new department comes into view; its dialog has room ---------------------------------


def test_a_new_department_is_selected_and_scrolled_into_view(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, tmp_path, monkeypatch, (1024, 640))
    path = demo_path(tmp_path)
    open_and_wait(qtbot, window, path)
    last = window.model.columnCount() - 1
    click_cell(qtbot, window, row_of(window, "Free trial sign-up"), last)
    window.grid.horizontalScrollBar().setValue(0)  # looking at the first departments
    dialogs = fill_department_dialog(qtbot, "Partnerships")
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert dialogs, "the Add department dialog did not open"
    dialog = dialogs[0]
    code = dialog.findChild(QWidget, "departmentCode")
    assert code is not None
    # The whole placeholder shows ("derived from the name", not "derived from the …").
    assert code.width() >= code.fontMetrics().horizontalAdvance(code.placeholderText()) + 12
    dept = window.session.matrix.find_department("Partnerships")
    assert dept is not None
    column = window.model.column_of_department(dept.id)
    current = window.grid.currentIndex()
    assert (current.row(), current.column()) == (row_of(window, "Free trial sign-up"), column)
    grid = window.grid
    x = grid.columnViewportPosition(column)  # type: ignore[arg-type]
    assert x >= grid.columnWidth(NAME_COLUMN) - 1
    assert x + grid.columnWidth(column) <= grid.viewport().width()  # type: ignore[arg-type]
    # The next shortcut works (a trial on a screen without a window manager found Ctrl+T
    # doing nothing: nothing gave the window back its activation when the dialog closed).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    before = window.session.matrix.touchpoint_count
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: window.session.matrix.touchpoint_count == before + 1)
    window.close()
    with read_back(path) as document:
        assert document.matrix.departments[-1].name == "Partnerships"


# ---- 13: one export notice for every format; no viewer is no error ------------------------------


def export_notice(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    def shown() -> list[QMessageBox]:
        return [b for b in window.findChildren(QMessageBox, transfer.EXPORT_FINISHED)
                if b.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=10_000)
    return shown()[0]


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx", ".csv", ".json"])
def test_every_export_ends_with_the_same_notice_and_no_viewer_is_not_an_error(
        qtbot: QtBot, demo: Window, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    options = PdfOptions("a4", ()) if suffix == ".pdf" else None
    job = demo.export_file(target, pdf_options=options)
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=30_000)
    assert target.exists()
    box = export_notice(qtbot, demo)
    assert box.windowTitle() == "Export finished"
    assert {"&Open", "Show in &Folder"} <= {b.text() for b in box.buttons()}
    assert f"{target.name} is ready" in box.text()
    open_button = next(b for b in box.buttons() if b.text() == "&Open")
    click(qtbot, open_button)  # offscreen nothing can open it, like a laptop without a viewer
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)
    assert demo.errors == []
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()]
    assert demo.notice.isVisible()
    assert "No application on this computer opens" in demo.notice.text
    folder = demo.notice.button("Show in Folder")
    assert folder is not None
    click(qtbot, folder)
    assert demo.errors == []
    assert str(tmp_path) in demo.notice.text


# ---- 14: zoom, remembered per file; fit the departments to the width ----------------------------


def test_zoom_keys_scale_the_grid_and_each_file_keeps_its_zoom(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, tmp_path, monkeypatch)
    path = demo_path(tmp_path)
    open_and_wait(qtbot, window, path)
    grid = window.grid
    point_size = grid.font().pointSizeF()
    width = grid.columnWidth(1)
    names = grid.name_width
    window.grid.setFocus()
    press(qtbot, window, Qt.Key.Key_Plus, CTRL)
    press(qtbot, window, Qt.Key.Key_Equal, CTRL)  # the same key without Shift
    assert grid.zoom == 1.25
    assert grid.font().pointSizeF() == pytest.approx(point_size * 1.25)
    assert grid.rowHeight(1) == 30 and grid.frozen.rowHeight(1) == 30
    assert grid.columnWidth(1) == round(width * 1.25)
    assert grid.columnWidth(NAME_COLUMN) == round(names * 1.25)
    assert grid.name_width == names  # remembered at 100%
    press(qtbot, window, Qt.Key.Key_Minus, CTRL)
    assert grid.zoom == 1.1
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert {window.zoom_in_action, window.zoom_out_action, window.zoom_reset_action,
            window.fit_action} <= set(view_menu.actions())
    other_document = document_of(tmp_path, files.blank_matrix("Other"), "other")
    other_document.close()
    other = other_document.path
    open_and_wait(qtbot, window, other)
    assert grid.zoom == 1.0  # another file, its own zoom
    window.close()
    again = reopened_window(qtbot, (1300, 800))
    open_and_wait(qtbot, again, path)
    assert again.grid.zoom == 1.1
    press(qtbot, again, Qt.Key.Key_0, CTRL)
    assert again.grid.zoom == 1.0
    assert again.grid.rowHeight(1) == 24
    again.close()


def test_fit_to_width_shows_every_department_under_its_short_code(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, tmp_path, monkeypatch, (1024, 640))
    path = demo_path(tmp_path)
    open_and_wait(qtbot, window, path)
    matrix = window.session.matrix
    departments = len(matrix.departments)
    assert fully_visible_departments(window) < departments
    names = window.grid.name_width
    click_menu(qtbot, window, "View", window.fit_action)
    assert window.fit_action.isChecked()
    assert fully_visible_departments(window) == departments
    header = window.grid.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    widest = max(QFontMetrics(bold).horizontalAdvance(d.code) for d in matrix.departments)
    assert all(header.sectionSize(c) >= widest + 8 for c in range(1, departments + 1))
    model = window.model
    for column, dept in enumerate(matrix.departments, start=1):
        assert model.headerData(column, Qt.Orientation.Horizontal) == dept.code
        assert dept.name in model.headerData(column, Qt.Orientation.Horizontal,
                                             Qt.ItemDataRole.ToolTipRole)
    window.resize(1300, 700)
    qtbot.waitUntil(lambda: window.grid.viewport().width() > 700, timeout=3000)
    assert fully_visible_departments(window) == departments
    assert window.grid.horizontalScrollBar().maximum() == 0
    window.close()
    again = reopened_window(qtbot, (1024, 640))
    open_and_wait(qtbot, again, path)
    assert again.fit_action.isChecked()  # remembered with the file
    click_menu(qtbot, again, "View", again.fit_action)
    assert not again.fit_action.isChecked()
    assert again.grid.name_width == names  # the room the names lent comes back
    assert again.model.headerData(1, Qt.Orientation.Horizontal) != matrix.departments[0].code
    assert fully_visible_departments(again) < departments
    again.close()


# ---- 15 and 19: import from the welcome screen; where the new file goes -------------------------


RACI_CSV = ("Touchpoint,Sales,Support,Finance\n"
            "Awareness,,,\n"
            "Demo call,A,I,\n"
            "Invoice,I,R,A\n"
            "Renewal call,A/R,C,I\n")


def test_import_from_the_welcome_screen_into_a_new_file_in_the_documents_folder(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    QStandardPaths.setTestModeEnabled(True)
    monkeypatch.setattr(QStandardPaths, "writableLocation",
                        lambda _where: str(tmp_path / "Documents"))
    window = make_window(qtbot, tmp_path, monkeypatch)
    shared = tmp_path / "shared drive"
    shared.mkdir()
    sheet = shared / "raci.csv"
    sheet.write_text(RACI_CSV, encoding="utf-8")
    asked: list[str] = []
    target = tmp_path / "Documents" / "raci.cxm"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a, **_k: (str(sheet), files.IMPORT_FILTER))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _p, _c, start, *_a: (asked.append(start), (str(target), ""))[1])
    assert window.pages.currentWidget() is window.welcome
    button = window.welcome.findChild(QWidget, "welcomeImport")
    assert button is not None and button.isVisible()
    assert button.text() == "&Import a spreadsheet…"
    click(qtbot, button)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(ImportWizard)),
                    timeout=10_000)
    wizard = next(w for w in window.findChildren(ImportWizard) if w.isVisible())
    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: window.session.document is not None, timeout=10_000)
    # Not the spreadsheet's (shared, maybe read-only) folder: the documents folder.
    assert asked == [str(tmp_path / "Documents" / "raci.cxm")]
    window.close()
    with read_back(target) as document:
        assert [d.name for d in document.matrix.departments] == ["Sales", "Support", "Finance"]
        assert document.matrix.touchpoint_count == 3


def raci_wizard(qtbot: QtBot, tmp_path: Path) -> ImportWizard:
    sheet = tmp_path / "raci.csv"
    sheet.write_text(RACI_CSV, encoding="utf-8")
    wizard = ImportWizard(sheet)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def mapping_combo(wizard: ImportWizard, code: str) -> QComboBox:
    model = wizard.mapping_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == code)
    combo = wizard.mapping_view.indexWidget(model.index(row, 2))
    assert isinstance(combo, QComboBox)
    return combo


def test_the_code_mapping_is_a_visible_drop_down_and_the_hint_follows_it(
        qtbot: QtBot, tmp_path: Path) -> None:
    wizard = raci_wizard(qtbot, tmp_path)
    model = wizard.mapping_model
    combos = [wizard.mapping_view.indexWidget(model.index(r, 2))
              for r in range(model.rowCount())]
    assert combos and all(isinstance(c, QComboBox) and c.isVisible() for c in combos)
    assert "I is read as Informed" in wizard.mapping_note.text()
    preview = wizard.skipped_text.toPlainText()
    assert "Will create 3 touchpoints" in preview and "Created" not in preview
    combo = mapping_combo(wizard, "I")
    assert combo.currentText() == "No role"
    click(qtbot, combo)  # the drop-down opens
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    # Choose Handle in the open list with the arrow keys and Enter (a click on the list
    # right after it opened is taken by Qt as the end of the opening click).
    steps = combo.findText("Handle") - combo.currentIndex()
    for _ in range(abs(steps)):
        qtbot.keyClick(popup, Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.inspection.mapping.entries.get("i") is Target.HANDLE,
                    timeout=3000)
    assert mapping_combo(wizard, "I").currentText() == "Handle"
    hint = wizard.mapping_note.text()
    assert "Informed" not in hint
    assert "I is read as Handle" in hint
    invoice = next(r for r in range(wizard.preview_model.rowCount())
                   if wizard.preview_model.index(r, 2).data() == "Invoice")
    assert wizard.preview_model.index(invoice, 3).data() == "H"  # Sales on Invoice
    assert isinstance(wizard.mapping_view.indexWidget(model.index(0, 2)), QComboBox)


# ---- 16: a blank matrix says what to do first ----------------------------------------------------


def test_a_blank_matrix_shows_what_to_do_first_until_it_has_both(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, tmp_path, monkeypatch)
    blank = document_of(tmp_path, files.blank_matrix("Blank"), "blank")
    blank.close()
    path = blank.path
    open_and_wait(qtbot, window, path)
    hint = window.empty_hint
    qtbot.waitUntil(hint.isVisible, timeout=3000)
    grid = window.grid
    rows = window.model.rowCount()
    bottom_of_rows = grid.rowViewportPosition(rows - 1) + grid.rowHeight(rows - 1)
    assert hint.geometry().top() > grid.viewport().geometry().top() + bottom_of_rows
    assert grid.viewport().geometry().contains(hint.geometry())
    assert "empty" in hint.text.text()
    assert hint.add_department.isVisible() and hint.add_touchpoint.isVisible()
    assert hint.import_button.isVisible()
    fill_department_dialog(qtbot, "Sales")
    click(qtbot, hint.add_department)
    assert [d.name for d in window.session.matrix.departments] == ["Sales"]
    assert hint.isVisible() and not hint.add_department.isVisible()
    assert "No touchpoints yet" in hint.text.text()
    click(qtbot, hint.add_touchpoint)
    frozen = window.grid.frozen
    qtbot.waitUntil(lambda: frozen.findChild(QLineEdit) is not None, timeout=3000)
    editor = frozen.findChild(QLineEdit)  # the new touchpoint's name, being edited in place
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Website visit")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [tp.name for tp in window.session.matrix.touchpoints_in(
        window.session.matrix.stages[0].id)] == ["Website visit"], timeout=3000)
    assert not hint.isVisible()
    window.close()
    with read_back(path) as document:
        matrix = document.matrix
        first = matrix.stages[0]
        assert [tp.name for tp in matrix.touchpoints_in(first.id)] == ["Website visit"]


# ---- 17: one demo entry in the File menu ------------------------------------------------------


def test_the_file_menu_has_one_way_to_the_demo(demo: Window) -> None:
    file_menu = demo.menuBar().actions()[0].menu()
    demo_entries = [a.text() for a in file_menu.actions() if "demo" in a.text().lower()]
    assert demo_entries == ["Open the &Demo Matrix"]


# ---- 18: Help: the guide and the keyboard shortcuts ----------------------------------------------


def readme_checks() -> list[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### What cxmatrix checks", 1)[1].split("###", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\| `([a-z-]+)` \| (\w+) \| (.*) \|$", line)
        if match:
            rows.append((match[1], match[2], match[3]))
    return rows


def test_f1_opens_the_guide_with_the_roles_checks_and_markers(qtbot: QtBot,
                                                             demo: Window) -> None:
    press(qtbot, demo, Qt.Key.Key_F1)
    dialog = demo.findChild(QDialog, "helpDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.tabs.currentIndex() == help_dialog.GUIDE_PAGE
    text = dialog.guide.toPlainText()
    for role in ("Own", "Influence", "Handle"):
        assert role in text
    for code in CODES:
        assert code in text and SEVERITY_OF[code].value in text
    assert "hollow circle" in text and "peak" in text and "note" in text
    # The same checks, severities and texts as the README's table, from the domain's codes.
    assert [(c, s, w) for c, s, _title, w in help_dialog.check_rows()] == readme_checks()
    assert len(readme_checks()) == len(CODES)


def test_the_keyboard_shortcuts_page_lists_the_actions_as_qt_shows_them(
        qtbot: QtBot, demo: Window) -> None:
    click_menu(qtbot, demo, "Help", demo.shortcuts_action)
    dialog = demo.findChild(QDialog, "helpDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.tabs.currentIndex() == help_dialog.SHORTCUTS_PAGE
    text = dialog.shortcuts.toPlainText()
    native = QKeySequence.SequenceFormat.NativeText
    for action in (demo.undo_action, demo.redo_action, demo.add_touchpoint_action,
                   demo.zoom_in_action, demo.guide_action, demo.delete_rows_action):
        assert action.shortcut().toString(native) in text
    keys = {(menu, name): keys for menu, name, keys in help_dialog.shortcut_rows(demo)}
    assert ("Edit", "Undo") in keys
    # A theme's media key ("Open" on some keyboards) is not something people type.
    assert keys[("File", "Open")] == QKeySequence("Ctrl+O").toString(native)
    # Undo and Redo are listed by their verb, not the step they would take now; the old X11
    # function keys (F14 for Undo, F16 for Copy…) are not listed.
    window = demo
    cell = window.model.index(row_of(window, "Free trial sign-up"), 1)
    window.grid.setCurrentIndex(cell)
    window.grid.set_role_on_selection(None)
    rows = help_dialog.shortcut_rows(window)
    assert {name for _menu, name, _keys in rows} >= {"Undo", "Redo"}
    assert not any(name.startswith(("Undo ", "Redo ")) for _menu, name, _keys in rows)
    assert not any(re.search(r"\bF1[3-9]\b|\bF[23][0-9]\b", k) for _m, _n, k in rows)


# ---- 20: the cell note stays in view on a 900 px screen ------------------------------------------


def test_the_cell_note_is_in_view_at_900_pixels_and_its_text_is_kept(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, tmp_path, monkeypatch, (1440, 900))
    path = demo_path(tmp_path)
    open_and_wait(qtbot, window, path)
    matrix = window.session.matrix
    sales = matrix.find_department("Sales")
    assert sales is not None
    column = window.model.column_of_department(sales.id)
    assert column is not None
    click_cell(qtbot, window, row_of(window, "Free trial sign-up"), column)
    note = window.details_panel.cell_note
    qtbot.waitUntil(note.isVisible, timeout=3000)
    scroll = window.details_dock.widget()
    viewport = scroll.viewport()  # type: ignore[attr-defined]
    top_left = note.mapTo(viewport, QPoint(0, 0))
    assert QRect(QPoint(0, 0), viewport.size()).contains(QRect(top_left, note.size()))
    click(qtbot, note)
    qtbot.keyClicks(note, "Ask Sales about the trial length")
    click_cell(qtbot, window, row_of(window, "Discovery call & demo"), column)
    window.close()
    with read_back(path) as document:
        (tp,) = document.matrix.find_touchpoints("Free trial sign-up")
        assert document.matrix.note(tp.id, sales.id) == "Ask Sales about the trial length"


# ---- 21: messages about a file read as sentences --------------------------------------------


def test_a_file_open_elsewhere_is_one_sentence_without_a_stray_colon(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, tmp_path, monkeypatch)
    held = demo_document(tmp_path, "held")  # another program holds it open
    try:
        job = window.open_path(held.path)
        assert job is not None
        qtbot.waitUntil(lambda: job.settled, timeout=5000)
    finally:
        held.close()
    title, message = window.errors[-1]
    assert title == "Cannot open the matrix"
    assert message.startswith("held.cxm is open in another cxmatrix window")
    assert ": is" not in message
    assert str(DocumentNotFound(tmp_path / "gone.cxm", "no such file")) == "gone.cxm: no such file"
    window.close()
