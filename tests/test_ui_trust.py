"""The window never loses, moves or invents a change (issue 13, points 1-4 and 6-9), driven
as a person drives it: typing, key presses sent to the window (so shortcuts fire), clicks on
cells and on the findings list, closing the window; the .cxm file is read back after."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from ui_support import (
    cell_centre,
    click_cell,
    column_of,
    demo_document,
    document_of,
    open_and_wait,
    press,
    row_of,
    small_matrix,
    window_with_captured_messages,
)

from cxmatrix.domain.findings import Finding
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.store import Document
from cxmatrix.ui.grid.clipboard import copy_text, plan_paste
from cxmatrix.ui.grid.model import NAME_COLUMN
from cxmatrix.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    win = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    yield win
    win.close()


@pytest.fixture
def small(qtbot: QtBot, window: Any, tmp_path: Path) -> Any:
    document = document_of(tmp_path, small_matrix(), "small")
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    return window


@pytest.fixture
def demo(qtbot: QtBot, window: Any, tmp_path: Path) -> Any:
    document = demo_document(tmp_path)
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    return window


def saved(path: Path) -> Matrix:
    """The matrix in a file, as a fresh reader sees it once the window let go of it."""
    with Document.open(path, read_only=True) as document:
        return document.matrix


def role_in(matrix: Matrix, touchpoint: str, department: str) -> Role | None:
    dept = matrix.find_department(department)
    (tp,) = matrix.find_touchpoints(touchpoint)
    assert dept is not None
    return matrix.role(tp.id, dept.id)


def click_name(qtbot: QtBot, window: MainWindow, name: str) -> None:
    frozen = window.grid.frozen
    index = window.model.index(row_of(window, name), NAME_COLUMN)
    window.grid.scrollTo(index)
    qtbot.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton,
                     pos=frozen.visualRect(index).center())


def type_into(qtbot: QtBot, widget: Any, text: str) -> None:
    """Click into a field, select what it holds and type over it (no Enter, no Tab: the
    edit has not finished when the window is asked to close)."""
    qtbot.mouseClick(widget.viewport() if hasattr(widget, "viewport") else widget,
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(widget, text)


def quit_with_ctrl_q(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_Q, CTRL)


def close_from_title_bar(_qtbot: QtBot, window: MainWindow) -> None:
    window.close()  # a QCloseEvent, as the window manager's close button sends


# ---- 1. what is being typed is never lost --------------------------------------------------


@pytest.mark.parametrize("leave", [quit_with_ctrl_q, close_from_title_bar])
def test_a_metric_being_typed_is_saved_when_the_window_closes(
        qtbot: QtBot, small: Any, leave: Callable[[QtBot, MainWindow], None]) -> None:
    path = small.session.document.path
    click_cell(qtbot, small, row_of(small, "Welcome email"), column_of(small, "Support"))
    type_into(qtbot, small.details_panel.metric_edit, "Open rate")
    assert small.session.matrix.find_touchpoints("Welcome email")[0].metric == ""
    leave(qtbot, small)
    assert not small.isVisible() and small.session.document is None
    (tp,) = saved(path).find_touchpoints("Welcome email")
    assert tp.metric == "Open rate"


def test_notes_and_a_cell_note_being_typed_are_saved_on_quit(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Support"))
    type_into(qtbot, small.details_panel.notes, "Escalate after two days")
    type_into(qtbot, small.details_panel.cell_note, "Second line only")
    quit_with_ctrl_q(qtbot, small)
    assert not small.isVisible()
    matrix = saved(path)
    (tp,) = matrix.find_touchpoints("Support ticket")
    support = matrix.find_department("Support")
    assert support is not None
    assert tp.notes == "Escalate after two days"
    assert matrix.note(tp.id, support.id) == "Second line only"


def test_a_rename_in_progress_is_saved_on_quit(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    click_name(qtbot, small, "Outage notice")
    press(qtbot, small, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, "Outage e-mail")
    quit_with_ctrl_q(qtbot, small)
    assert not small.isVisible()
    names = [tp.name for tp in saved(path).iter_touchpoints()]
    assert "Outage e-mail" in names and "Outage notice" not in names


def test_typed_text_is_saved_before_opening_importing_or_starting_another_file(
        qtbot: QtBot, small: Any, tmp_path: Path) -> None:
    first = small.session.document.path
    details = small.details_panel
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Sales"))
    # Import (of a file that turns out to be broken): the metric is in the file before.
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    type_into(qtbot, details.metric_edit, "Time to first value")
    small.import_file(broken)
    qtbot.waitUntil(lambda: bool(small.errors), timeout=10_000)
    assert small.session.matrix.find_touchpoints("Kick-off call")[0].metric == (
        "Time to first value")
    # Export: the exported file shows what the user sees.
    type_into(qtbot, details.metric_edit, "Days to kick-off")
    exported = tmp_path / "out.json"
    job = small.export_file(exported)
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=10_000)
    touchpoints = [tp for stage in json.loads(exported.read_text(encoding="utf-8"))["stages"]
                   for tp in stage["touchpoints"]]
    assert next(tp for tp in touchpoints if tp["name"] == "Kick-off call")["metric"] == (
        "Days to kick-off")
    # The "Export finished" notice is window-modal: the user closes it before typing on.
    (notice,) = small.findChildren(QMessageBox, "exportFinished")
    qtbot.mouseClick(notice.button(QMessageBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not small.findChildren(QMessageBox, "exportFinished"))
    small.activateWindow()  # the offscreen platform has no window manager to do it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is small)
    # New: the old file keeps what was typed.
    type_into(qtbot, details.metric_edit, "NPS after kick-off")
    assert small.new_blank(tmp_path / "second.cxm")
    assert small.session.document.path.name == "second.cxm"
    assert saved(first).find_touchpoints("Kick-off call")[0].metric == "NPS after kick-off"
    # Open another file (the first again, from the second with a touchpoint being renamed).
    small.add_touchpoint_action.trigger()  # starts editing the new touchpoint's name
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, "Trial reminder")
    second = small.session.document.path
    open_and_wait(qtbot, small, first)
    assert "Trial reminder" in [tp.name for tp in saved(second).iter_touchpoints()]


def test_a_refused_edit_keeps_the_window_open_with_the_typed_text(
        qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    click_name(qtbot, small, "Support")  # the stage band
    press(qtbot, small, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, "Onboarding")  # another stage's name
    quit_with_ctrl_q(qtbot, small)
    assert small.isVisible() and small.session.document is not None
    title, message = small.errors[-1]
    assert title.startswith("Rename stage") and "already a stage called 'Onboarding'" in message
    editor = QApplication.focusWidget()  # the rename is still open, with what was typed
    assert isinstance(editor, QLineEdit) and editor.text() == "Onboarding"
    assert small.grid.frozen.state() == small.grid.frozen.State.EditingState
    qtbot.keyClicks(editor, " and activation")
    small.close()
    assert not small.isVisible()
    assert [s.name for s in saved(path).stages] == ["Onboarding", "Onboarding and activation"]


def test_a_refused_details_field_keeps_the_window_open(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    click_cell(qtbot, small, row_of(small, "Welcome email"), column_of(small, "Sales"))
    name = small.details_panel.name
    type_into(qtbot, name, "")
    QGuiApplication.clipboard().setText("W" * 10_001)  # longer than a name may be
    qtbot.keyClick(name, Qt.Key.Key_V, CTRL)
    close_from_title_bar(qtbot, small)
    assert small.isVisible()
    title, message = small.errors[-1]
    assert title.startswith("Rename touchpoint") and "longer than 10,000" in message
    assert name.text() == "W" * 10_001 and name.hasFocus()  # still there to be corrected
    assert small.grid.current_touchpoint_id() == small.details_panel.touchpoint_id
    assert small.details_panel.touchpoint_box.isVisible()
    type_into(qtbot, name, "Welcome e-mail")
    close_from_title_bar(qtbot, small)
    assert not small.isVisible()
    assert [tp.name for tp in saved(path).iter_touchpoints()][1] == "Welcome e-mail"


def test_closing_writes_nothing_the_user_did_not_type(qtbot: QtBot, window: Any,
                                                     tmp_path: Path) -> None:
    """A description with Windows line breaks shows with plain ones; only what the user
    changed is committed, so merely looking at it and closing changes nothing."""
    matrix = small_matrix()
    (ticket,) = matrix.find_touchpoints("Support ticket")
    matrix.update_touchpoint(ticket.id, description="Line one\r\nLine two",
                             notes="Kept as imported\r\n")
    document = document_of(tmp_path, matrix, "imported")
    path, before = document.path, document.matrix.content()
    document.close()
    open_and_wait(qtbot, window, path)
    click_cell(qtbot, window, row_of(window, "Support ticket"), column_of(window, "Sales"))
    assert window.details_panel.description.toPlainText() == "Line one\nLine two"
    quit_with_ctrl_q(qtbot, window)
    assert not window.isVisible()
    assert saved(path).content() == before


# ---- 2. and 3. going to a finding -----------------------------------------------------------


def finding_named(window: MainWindow, touchpoint: str, text: str) -> Finding:
    matrix = window.session.matrix
    (tp,) = matrix.find_touchpoints(touchpoint)
    return next(f for f in window.session.findings.for_touchpoint(tp.id) if text in f.message)


def click_finding(qtbot: QtBot, window: MainWindow, finding: Finding) -> None:
    panel = window.findings_panel
    row = panel.model.finding_row(finding)
    assert row is not None
    index = panel.model.index(row, 0)
    panel.view.scrollTo(index)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(index).center())


def test_the_findings_list_never_moves_the_grid_by_itself(qtbot: QtBot, demo: Any) -> None:
    path = demo.session.document.path
    forum = finding_named(demo, "Customer community forum", "No clear owner")
    click_finding(qtbot, demo, forum)
    row = row_of(demo, "Customer community forum")
    assert demo.grid.currentIndex().row() == row
    product = column_of(demo, "Product")
    click_cell(qtbot, demo, row, product)
    scrolled = (demo.grid.horizontalScrollBar().value(), demo.grid.verticalScrollBar().value())
    press(qtbot, demo, Qt.Key.Key_O)
    assert role_in(demo.session.matrix, "Customer community forum", "Product") is Role.OWN
    panel = demo.findings_panel
    assert panel.model.finding_row(forum) is None  # fixed: gone from the list
    assert panel.model.finding_at(panel.view.currentIndex()) is None  # no neighbour chosen
    assert demo.grid.currentIndex() == demo.model.index(row, product)
    assert (demo.grid.horizontalScrollBar().value(),
            demo.grid.verticalScrollBar().value()) == scrolled
    press(qtbot, demo, Qt.Key.Key_I)  # the next key edits the same cell
    demo.close()
    assert role_in(saved(path), "Customer community forum", "Product") is Role.INFLUENCE


def assert_centred(grid: Any, row: int) -> None:
    """The row is in the middle of the view (the grid scrolls by whole rows: give or take
    one and a half), unless the view cannot scroll further."""
    bar = grid.verticalScrollBar()
    middle = grid.viewport().height() / 2
    offset = grid.visualRect(grid.model().index(row, 1)).center().y() - middle
    assert abs(offset) <= 1.5 * grid.rowHeight(row) or (
        offset > 0 and bar.value() == bar.maximum()) or (
        offset < 0 and bar.value() == bar.minimum())


def assert_columns_shown(window: Any, row: int, names: tuple[str, ...]) -> None:
    grid = window.grid
    left, right = grid.columnWidth(NAME_COLUMN), grid.viewport().width()
    for name in names:
        rect = grid.visualRect(window.model.index(row, column_of(window, name)))
        assert left <= rect.left() and rect.right() <= right, name


def test_going_to_a_finding_centres_its_row_and_shows_its_departments(
        qtbot: QtBot, demo: Any) -> None:
    demo.resize(1000, 640)
    grid = demo.grid
    qtbot.waitUntil(lambda: grid.viewport().width() < 700)
    bar = grid.horizontalScrollBar()
    assert bar.maximum() > 0  # not every department fits
    # Scrolled to the last departments and the top: Marketing is hidden behind the names.
    bar.setValue(bar.maximum())
    grid.verticalScrollBar().setValue(0)
    welcome = finding_named(demo, "Welcome email", "Owned by Marketing and Customer Success")
    click_finding(qtbot, demo, welcome)
    row = row_of(demo, "Welcome email")
    assert grid.currentIndex() == demo.model.index(row, column_of(demo, "Marketing"))
    assert grid.verticalScrollBar().value() > 0
    assert_centred(grid, row)
    assert_columns_shown(demo, row, ("Marketing", "Customer Success"))
    # From the first departments to a finding that names Customer Success and Support.
    bar.setValue(0)
    outage = finding_named(demo, "Outage notification & status page", "handle the fallout")
    click_finding(qtbot, demo, outage)
    row = row_of(demo, "Outage notification & status page")
    assert grid.currentIndex().row() == row
    assert_centred(grid, row)
    assert_columns_shown(demo, row, ("Customer Success", "Support"))
    # Scrolled as little as needed: Legal was far right and still is off screen.
    assert grid.visualRect(demo.model.index(row, column_of(demo, "Legal"))).left() > (
        grid.viewport().width())


# ---- 4. a click never changes data; the role picker -----------------------------------------


def test_clicks_never_change_roles(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    row, support = row_of(small, "Outage notice"), column_of(small, "Support")
    for _ in range(3):
        click_cell(qtbot, small, row, support)
    assert small.session.undo_stack.count() == 0
    assert small.grid.currentIndex() == small.model.index(row, support)
    small.close()
    assert role_in(saved(path), "Outage notice", "Support") is None


def test_the_role_picker_opens_on_double_click_and_alt_down(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    grid = small.grid
    row, sales = row_of(small, "Kick-off call"), column_of(small, "Sales")
    centre = cell_centre(small, row, sales)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    picker = grid.role_picker
    qtbot.waitUntil(picker.isVisible)
    assert small.session.undo_stack.count() == 0  # opening it changes nothing
    assert [picker.item(i).text() for i in range(picker.count())] == [
        "Own  (O)", "Influence  (I)", "Handle  (H)", "No role  (Del)"]
    assert picker.current_role() is Role.INFLUENCE  # the cell's role
    cell = grid.visualRect(small.model.index(row, sales))
    assert picker.geometry().top() >= grid.viewport().mapToGlobal(cell.bottomLeft()).y()
    qtbot.keyClick(picker, Qt.Key.Key_Escape)  # cancels
    assert not picker.isVisible() and small.session.undo_stack.count() == 0
    press(qtbot, small, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(picker.isVisible)
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert not picker.isVisible()
    assert role_in(small.session.matrix, "Kick-off call", "Sales") is Role.HANDLE
    assert small.session.undo_stack.undoText() == "Set Sales to Handle on Kick-off call"
    # A click on a choice picks it too; "No role" clears the cell.
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(picker.isVisible)
    last = picker.visualItemRect(picker.item(3)).center()
    qtbot.mouseClick(picker.viewport(), Qt.MouseButton.LeftButton, pos=last)
    assert role_in(small.session.matrix, "Kick-off call", "Sales") is None
    # Keys and the context menu's actions stay.
    press(qtbot, small, Qt.Key.Key_O)
    assert role_in(small.session.matrix, "Kick-off call", "Sales") is Role.OWN
    assert small.pick_role_action.isEnabled()
    small.close()
    assert role_in(saved(path), "Kick-off call", "Sales") is Role.OWN


def test_no_role_picker_in_a_read_only_file(qtbot: QtBot, window: Any, tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix(), "shared")
    path = document.path
    document.close()
    job = window.open_path(path, read_only=True)
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=10_000)
    centre = cell_centre(window, row_of(window, "Kick-off call"), column_of(window, "Support"))
    qtbot.mouseClick(window.grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(window.grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.grid._role_picker is None or not window.grid.role_picker.isVisible()
    assert window.errors == []
    window.close()
    assert role_in(saved(path), "Kick-off call", "Support") is None


# ---- 6. Ctrl+Y, Ctrl+X, Ctrl+A --------------------------------------------------------------


def test_redo_cut_and_select_all_keys(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    row = row_of(small, "Outage notice")
    click_cell(qtbot, small, row, column_of(small, "Sales"))
    press(qtbot, small, Qt.Key.Key_H)
    press(qtbot, small, Qt.Key.Key_Z, CTRL)
    assert role_in(small.session.matrix, "Outage notice", "Sales") is None
    press(qtbot, small, Qt.Key.Key_Y, CTRL)
    assert role_in(small.session.matrix, "Outage notice", "Sales") is Role.HANDLE
    press(qtbot, small, Qt.Key.Key_Z, CTRL)
    press(qtbot, small, Qt.Key.Key_Z, CTRL | SHIFT)
    assert role_in(small.session.matrix, "Outage notice", "Sales") is Role.HANDLE
    # Ctrl+X: copy, then clear, as one step.
    top = row_of(small, "Kick-off call")
    click_cell(qtbot, small, top, column_of(small, "Sales"))
    click_cell(qtbot, small, top + 1, column_of(small, "Customer Success"), SHIFT)
    steps = small.session.undo_stack.count()
    press(qtbot, small, Qt.Key.Key_X, CTRL)
    assert QGuiApplication.clipboard().text() == "Influence\tOwn\nOwn\tOwn\n"
    assert small.session.undo_stack.count() == steps + 1
    assert small.session.undo_stack.undoText() == "Cut 4 cells"
    for tp in ("Kick-off call", "Welcome email"):
        for dept in ("Sales", "Customer Success"):
            assert role_in(small.session.matrix, tp, dept) is None
    # Ctrl+A: every role cell, and only those.
    press(qtbot, small, Qt.Key.Key_A, CTRL)
    assert len(small.grid.selected_cells()) == 4 * 3
    assert not small.grid.selectionModel().isSelected(small.model.index(top, NAME_COLUMN))
    small.close()
    matrix = saved(path)
    assert role_in(matrix, "Kick-off call", "Sales") is None
    assert role_in(matrix, "Outage notice", "Sales") is Role.HANDLE


# ---- 7. "&" in the Undo and Redo texts -------------------------------------------------------


def test_an_ampersand_shows_in_the_undo_and_redo_texts(qtbot: QtBot, demo: Any) -> None:
    click_cell(qtbot, demo, row_of(demo, "Website & interactive product tour"),
               column_of(demo, "Legal"))
    press(qtbot, demo, Qt.Key.Key_H)
    assert demo.undo_action.text() == (
        "&Undo Set Legal to Handle on Website && interactive product tour")
    press(qtbot, demo, Qt.Key.Key_Z, CTRL)
    assert demo.undo_action.text() == "&Undo" and not demo.undo_action.isEnabled()
    assert demo.redo_action.text() == (
        "&Redo Set Legal to Handle on Website && interactive product tour")
    assert demo.redo_action.isEnabled()
    menu = next(a.menu() for a in demo.menuBar().actions() if a.text() == "&Edit")
    assert demo.redo_action in menu.actions()


# ---- 8. RACI letters paste as they import -----------------------------------------------------


def test_pasting_raci_letters_maps_them_and_says_how(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    QGuiApplication.clipboard().setText("A\tR\tC\r\nR\tI\tA/R\r\nC\t\tR\r\nI\tR\tC\r\n")
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Sales"))
    press(qtbot, small, Qt.Key.Key_V, CTRL)
    assert small.errors == []
    assert small.statusBar().currentMessage() == (
        "Pasted 12 cells; RACI letters read as: A → Own, R → Own or Influence, "
        "C → Influence, I → no role.")
    small.close()
    matrix = saved(path)
    expected = {
        "Kick-off call": (Role.OWN, Role.INFLUENCE, Role.INFLUENCE),  # R where A owns
        "Welcome email": (Role.INFLUENCE, None, Role.OWN),  # A/R is Own: R becomes Influence
        "Support ticket": (Role.INFLUENCE, None, Role.OWN),  # R alone owns
        "Outage notice": (None, Role.OWN, Role.INFLUENCE),
    }
    for touchpoint, roles in expected.items():
        assert tuple(role_in(matrix, touchpoint, d) for d in
                     ("Sales", "Customer Success", "Support")) == roles, touchpoint


def test_paste_planning_without_widgets() -> None:
    matrix = small_matrix()
    tps = [tp.id for tp in matrix.iter_touchpoints()]
    depts = [d.id for d in matrix.departments]
    plan = plan_paste("own\ti\n", matrix, rows=tps, columns=depts)
    assert plan.changes == [(tps[0], depts[0], Role.OWN), (tps[0], depts[1], Role.INFLUENCE)]
    assert plan.readings == [] and plan.status() == "Pasted 2 cells."
    raci = plan_paste("R\tI\n", matrix, rows=tps, columns=depts)
    assert raci.changes == [(tps[0], depts[0], Role.OWN), (tps[0], depts[1], None)]
    assert raci.readings == ["R → Own or Influence", "I → no role"]
    refused = plan_paste("O\tmaybe\n", matrix, rows=tps, columns=depts)
    assert not refused.ok and "row 1, column 2: 'maybe' is not a role" in refused.problem
    wide = plan_paste("O\tO\tO\tO\n", matrix, rows=tps, columns=depts)
    assert "4 columns wide, but only 3 departments" in wide.problem
    nowhere = plan_paste("O\n", matrix, rows=None, columns=None)
    assert "Select the top-left role cell" in nowhere.problem
    # A block copied with headers lands on its own cells, wherever the cursor is.
    text = copy_text(matrix, tps[:2], depts[1:], headers=True)
    assert text.splitlines()[0] == "Touchpoint\tCustomer Success\tSupport"
    back = plan_paste(text, matrix, rows=tps[3:], columns=depts[2:])
    assert back.by_name and back.changes == [
        (tps[0], depts[1], Role.OWN), (tps[0], depts[2], None),
        (tps[1], depts[1], Role.OWN), (tps[1], depts[2], None)]
    # A heading row alone maps the columns; the rows start at the cursor.
    columns_only = plan_paste("Support\tSales\nH\tO\n", matrix, rows=tps[2:], columns=None)
    assert columns_only.changes == [(tps[2], depts[2], Role.HANDLE), (tps[2], depts[0], Role.OWN)]
    unknown = plan_paste("Touchpoint\tSales\nNo such thing\tO\n", matrix, rows=tps,
                         columns=depts)
    assert "row 2, column 1: 'No such thing' is not a touchpoint of this matrix" in (
        unknown.problem)


# ---- 9. copy with headers ------------------------------------------------------------------


def test_copy_with_headers_and_paste_back_by_names(qtbot: QtBot, small: Any) -> None:
    path = small.session.document.path
    top = row_of(small, "Kick-off call")
    click_cell(qtbot, small, top, column_of(small, "Sales"))
    click_cell(qtbot, small, top + 1, column_of(small, "Customer Success"), SHIFT)
    press(qtbot, small, Qt.Key.Key_C, CTRL | SHIFT)
    assert QGuiApplication.clipboard().text() == (
        "Touchpoint\tSales\tCustomer Success\n"
        "Kick-off call\tInfluence\tOwn\n"
        "Welcome email\tOwn\tOwn\n")
    press(qtbot, small, Qt.Key.Key_Delete)
    assert role_in(small.session.matrix, "Welcome email", "Sales") is None
    # Pasted back with the cursor elsewhere: the names say where each role goes.
    click_cell(qtbot, small, row_of(small, "Outage notice"), column_of(small, "Support"))
    press(qtbot, small, Qt.Key.Key_V, CTRL)
    assert small.errors == []
    assert small.statusBar().currentMessage().startswith("Pasted 4 cells, placed by the")
    assert small.session.undo_stack.undoText() == "Paste 4 cells"
    small.close()
    matrix = saved(path)
    assert role_in(matrix, "Kick-off call", "Sales") is Role.INFLUENCE
    assert role_in(matrix, "Welcome email", "Customer Success") is Role.OWN
    assert role_in(matrix, "Outage notice", "Support") is None
