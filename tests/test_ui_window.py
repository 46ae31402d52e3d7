"""The real main window, driven offscreen: keys and clicks set roles, paste, structure edits,
the findings and lens panels and the status bar follow edits, filters, files and errors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from ui_support import (
    click_cell,
    column_of,
    demo_document,
    document_of,
    isolate_settings,
    on_disk,
    open_and_wait,
    row_of,
    small_matrix,
    window_with_captured_messages,
)

from cxmatrix.app import parse_arguments
from cxmatrix.domain.model import DEFAULT_STAGES
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.ui import commands, files, transfer
from cxmatrix.ui.dialogs.properties import PropertiesDialog
from cxmatrix.ui.grid.model import NAME_COLUMN
from cxmatrix.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


class Window(MainWindow):
    """The main window with its message boxes captured instead of shown."""

    errors: list[tuple[str, str]]


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Window]:
    win: Window = window_with_captured_messages(qtbot, tmp_path, monkeypatch,
                                                capture_urls=False)
    yield win
    win.close()


@pytest.fixture
def demo(qtbot: QtBot, window: Window, tmp_path: Path) -> Window:
    document = demo_document(tmp_path)
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    assert window.session.document is not None
    return window


@pytest.fixture
def small(qtbot: QtBot, window: Window, tmp_path: Path) -> Window:
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    return window


def role_at(window: MainWindow, touchpoint: str, department: str) -> Role | None:
    matrix = window.session.matrix
    dept = matrix.find_department(department)
    (tp,) = matrix.find_touchpoints(touchpoint)
    assert dept is not None
    return matrix.role(tp.id, dept.id)


def test_title_status_and_docks_show_the_open_matrix(demo: Window) -> None:
    assert demo.windowTitle().startswith("demo.cxm – Customer journey ownership 2026")
    status = demo.counts.text()
    assert status.startswith("48 touchpoints · 9 departments · ")
    assert "with exactly one owner" in status
    assert status.endswith("4 error findings")
    assert demo.findings_panel.summary.text() == "4 errors · 4 warnings · 20 info"
    assert demo.lens_panel.chooser.currentText() == "Customer Success (focus)"
    assert demo.model.highlight_department_id == demo.session.matrix.focus_department_id


def test_keys_and_clicks_set_roles_and_undo(qtbot: QtBot, small: Window) -> None:
    row = row_of(small, "Outage notice")
    support = column_of(small, "Support")
    click_cell(qtbot, small, row, support)
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    assert role_at(small, "Outage notice", "Support") is Role.OWN
    assert small.session.undo_stack.undoText() == "Set Support to Own on Outage notice"
    qtbot.keyClick(small.grid, Qt.Key.Key_Space)
    assert role_at(small, "Outage notice", "Support") is Role.INFLUENCE
    qtbot.keyClick(small.grid, Qt.Key.Key_Delete)
    assert role_at(small, "Outage notice", "Support") is None
    # A range: shift-click extends the selection, H sets every cell of it in one step.
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Sales"))
    click_cell(qtbot, small, row, column_of(small, "Customer Success"),
               Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(small.grid, Qt.Key.Key_H)
    assert small.session.undo_stack.undoText() == "Set 3 cells to Handle"  # one was already
    for tp in ("Support ticket", "Outage notice"):
        for dept in ("Sales", "Customer Success"):
            assert role_at(small, tp, dept) is Role.HANDLE
    qtbot.keyClick(small.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert role_at(small, "Outage notice", "Sales") is None
    assert role_at(small, "Support ticket", "Customer Success") is Role.HANDLE
    # A double click opens the role picker; O in it picks Own.
    index = small.model.index(row, support)
    qtbot.mouseDClick(small.grid.viewport(), Qt.MouseButton.LeftButton,
                      pos=small.grid.visualRect(index).center())
    assert small.grid.role_picker.isVisible()
    qtbot.keyClick(small.grid.role_picker, Qt.Key.Key_O)
    assert role_at(small, "Outage notice", "Support") is Role.OWN
    document = small.session.document
    assert document is not None
    assert on_disk(document) == document.matrix.content()


def test_context_menu_actions_set_roles(qtbot: QtBot, small: Window) -> None:
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Support"))
    small.role_actions[Role.INFLUENCE].trigger()
    assert role_at(small, "Kick-off call", "Support") is Role.INFLUENCE
    small.role_actions[None].trigger()
    assert role_at(small, "Kick-off call", "Support") is None


def test_copy_and_paste_tab_separated_ranges(qtbot: QtBot, small: Window) -> None:
    clipboard = QGuiApplication.clipboard()
    top = row_of(small, "Kick-off call")
    click_cell(qtbot, small, top, column_of(small, "Sales"))
    click_cell(qtbot, small, top + 1, column_of(small, "Customer Success"),
               Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(small.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "Influence\tOwn\nOwn\tOwn\n"
    # Paste a block as Excel puts it on the clipboard, onto the Support stage.
    clipboard.setText("own\ti\r\nHandle\t\r\n")
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Customer Success"))
    qtbot.keyClick(small.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert small.session.undo_stack.undoText() == "Paste 3 cells"  # one cell was already empty
    assert role_at(small, "Support ticket", "Customer Success") is Role.OWN
    assert role_at(small, "Support ticket", "Support") is Role.INFLUENCE
    assert role_at(small, "Outage notice", "Customer Success") is Role.HANDLE
    assert role_at(small, "Outage notice", "Support") is None
    small.session.undo_stack.undo()
    assert role_at(small, "Support ticket", "Customer Success") is Role.HANDLE
    assert role_at(small, "Support ticket", "Support") is Role.OWN


def test_pasting_text_that_is_not_roles_changes_nothing(qtbot: QtBot, small: Window) -> None:
    document = small.session.document
    assert document is not None
    before = document.matrix.content()
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Sales"))
    assert not small.grid.paste_text("Own\tRACI-A\nyes\tI\n")
    title, message = small.errors[-1]
    assert title == "Paste refused"
    assert "row 1, column 2: 'RACI-A' is not a role" in message
    assert "row 2, column 1: 'yes' is not a role" in message
    assert not small.grid.paste_text("O\tO\tO\tO\n")  # wider than the departments left
    assert "4 columns wide, but only 3 departments" in small.errors[-1][1]
    assert document.matrix.content() == before
    assert small.session.undo_stack.count() == 0


def test_one_pasted_value_fills_the_selection(qtbot: QtBot, small: Window) -> None:
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Sales"))
    click_cell(qtbot, small, row_of(small, "Outage notice"), column_of(small, "Sales"),
               Qt.KeyboardModifier.ShiftModifier)
    assert small.grid.paste_text("Influence\n")
    assert role_at(small, "Support ticket", "Sales") is Role.INFLUENCE
    assert role_at(small, "Outage notice", "Sales") is Role.INFLUENCE


def test_adding_renaming_moving_and_deleting_touchpoints(qtbot: QtBot, small: Window) -> None:
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Sales"))
    qtbot.keyClick(small.grid, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    editor = QGuiApplication.focusObject()
    assert editor is not None and editor.metaObject().className() == "QExpandingLineEdit"
    editor.selectAll()
    qtbot.keyClicks(editor, "Success plan review")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on a queued call
    qtbot.waitUntil(lambda: small.session.undo_stack.count() == 2, timeout=2000)
    names = [small.model.data(small.model.index(r, 0)) for r in range(small.model.rowCount())]
    assert names[:4] == ["Onboarding", "Kick-off call", "Success plan review", "Welcome email"]
    assert small.session.undo_stack.count() == 2  # add, then rename
    # Move it down twice: past Welcome email, then into the next stage.
    small.grid.frozen.setFocus()
    small.grid.setCurrentIndex(small.model.index(row_of(small, "Success plan review"), 0))
    small.move_down_action.trigger()
    small.move_down_action.trigger()
    matrix = small.session.matrix
    (tp,) = matrix.find_touchpoints("Success plan review")
    support_stage = matrix.find_stage("Support")
    assert support_stage is not None and tp.stage_id == support_stage.id
    assert matrix.touchpoint_index(tp.id) == 0
    small.move_up_action.trigger()
    assert matrix.touchpoint(tp.id).stage_id == matrix.stages[0].id
    # Delete from the name column with the Delete key.
    small.grid.frozen.setFocus()
    small.grid.select_touchpoint(tp.id)
    qtbot.keyClick(small.grid.frozen, Qt.Key.Key_Delete)
    assert not matrix.has_touchpoint(tp.id)
    small.session.undo_stack.undo()
    assert matrix.has_touchpoint(tp.id)
    document = small.session.document
    assert document is not None
    assert on_disk(document) == document.matrix.content()


def test_stages_are_added_moved_collapsed_and_deleted(qtbot: QtBot, small: Window) -> None:
    matrix = small.session.matrix
    small.grid.select_cell(row_of(small, "Onboarding"), NAME_COLUMN)
    stage_id = small.structure.add_stage("Renewal")
    assert stage_id is not None
    assert [s.name for s in matrix.stages] == ["Onboarding", "Renewal", "Support"]
    small.grid.select_cell(row_of(small, "Renewal"), NAME_COLUMN)
    small.move_down_action.trigger()
    assert [s.name for s in matrix.stages] == ["Onboarding", "Support", "Renewal"]
    # Collapse with the keyboard on the heading.
    small.grid.frozen.setFocus()
    small.grid.setCurrentIndex(small.model.index(row_of(small, "Onboarding"), 0))
    qtbot.keyClick(small.grid.frozen, Qt.Key.Key_Left)
    assert small.model.is_collapsed(matrix.stages[0].id)
    with pytest.raises(KeyError):
        row_of(small, "Kick-off call")
    qtbot.keyClick(small.grid.frozen, Qt.Key.Key_Right)
    assert row_of(small, "Kick-off call") == 1
    small.grid.select_cell(row_of(small, "Support"), NAME_COLUMN)
    small.grid.clearSelection()
    small.grid.setCurrentIndex(small.model.index(row_of(small, "Support"), 0))
    assert small.structure.delete_rows()
    assert [s.name for s in matrix.stages] == ["Onboarding", "Renewal"]
    assert small.session.undo_stack.undoText() == "Delete stage Support and its 2 touchpoints"
    small.session.undo_stack.undo()
    assert row_of(small, "Outage notice") > row_of(small, "Support")


def test_departments_are_added_moved_by_key_and_drag_and_deleted(qtbot: QtBot,
                                                                 small: Window) -> None:
    matrix = small.session.matrix
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Sales"))
    dept_id = small.structure.add_department("Finance", "FIN", "Ann Lee")
    assert [d.name for d in matrix.departments] == ["Sales", "Finance", "Customer Success",
                                                    "Support"]
    # The new department's cell on the current touchpoint is selected (and scrolled to).
    current = small.grid.currentIndex()
    assert (current.row(), current.column()) == (row_of(small, "Kick-off call"),
                                                 column_of(small, "Finance"))
    qtbot.keyClick(small.grid, Qt.Key.Key_Right,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [d.name for d in matrix.departments][2] == "Finance"
    header = small.grid.horizontalHeader()
    header.moveSection(column_of(small, "Finance"), 1)  # what a header drag does
    assert next(d.name for d in matrix.departments) == "Finance"
    assert header.visualIndex(1) == 1  # the header follows the model, not its own order
    assert small.structure.edit_department(dept_id, {"name": "Finance & Billing"})
    assert small.model.headerData(1, Qt.Orientation.Horizontal).split() == [
        "Finance", "&", "Billing"]
    assert small.structure.delete_department(dept_id)
    assert len(matrix.departments) == 3
    for _ in range(5):
        small.session.undo_stack.undo()
    assert [d.name for d in matrix.departments] == ["Sales", "Customer Success", "Support"]


def test_findings_panel_follows_edits_and_selects_rows(qtbot: QtBot, demo: Window) -> None:
    panel = demo.findings_panel
    errors = panel.model.count(Severity.ERROR)
    orphan = next(f for f in panel.model.findings(Severity.ERROR) if f.code == "no-owner")
    assert orphan.touchpoint_id is not None
    matrix = demo.session.matrix
    name = matrix.touchpoint(orphan.touchpoint_id).name
    group = panel.model.index(panel.model.group_row(Severity.ERROR), 0)
    assert panel.select_finding(orphan)
    assert demo.grid.current_touchpoint_id() == orphan.touchpoint_id
    support = matrix.find_department("Support")
    assert support is not None
    click_cell(qtbot, demo, row_of(demo, name), column_of(demo, "Support"))
    qtbot.keyClick(demo.grid, Qt.Key.Key_O)
    assert panel.model.count(Severity.ERROR) < errors
    assert panel.model.data(group) == f"▾ Errors ({panel.model.count(Severity.ERROR)})"
    assert f"{panel.model.count(Severity.ERROR)} error findings" in demo.counts.text()
    qtbot.keyClick(demo.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.model.count(Severity.ERROR) == errors
    assert panel.model.findings(Severity.ERROR) == [
        f for f in demo.session.findings.all() if f.severity is Severity.ERROR]


def test_only_rows_with_findings(demo: Window) -> None:
    panel = demo.findings_panel
    total = demo.model.rowCount()
    panel.min_severity.setCurrentIndex(0)  # errors
    panel.only_rows.setChecked(True)
    shown = demo.model.touchpoint_rows()
    flagged = demo.session.findings.touchpoints_with_findings(Severity.ERROR)
    assert {demo.model.touchpoint_id_at(r) for r in shown} == flagged
    panel.only_rows.setChecked(False)
    assert demo.model.rowCount() == total


def test_lens_follows_the_chosen_department_and_edits(qtbot: QtBot, demo: Window) -> None:
    lens = demo.lens_panel
    demo.lens_dock.raise_()  # the lens catches up when it is shown, not while hidden
    own = lens.lists[Role.OWN]
    owned = len(own.touchpoints)
    assert owned > 0
    assert lens.section_title(Role.OWN) == f"Own {owned}"
    # Tabbed with the findings above the details, one list gets the dock's height and the
    # four section tabs fit side by side.
    view = lens.views[Role.OWN]
    qtbot.waitUntil(lambda: view.isVisible() and view.height() >= 8 * view.rowHeight(0),
                    timeout=2000)
    bar = lens.tabs.tabBar()
    assert bar.tabRect(bar.count() - 1).right() <= bar.width()
    assert lens.section_title(None) == f"No role {len(lens.lists[None].touchpoints)}"
    no_role = lens.lists[None].touchpoints
    target = no_role[0]
    click_cell(qtbot, demo, row_of(demo, target.name), column_of(demo, "Customer Success"))
    qtbot.keyClick(demo.grid, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: len(own.touchpoints) == owned + 1, timeout=2000)
    assert target.id in [tp.id for tp in own.touchpoints]
    lens.set_department(demo.session.matrix.find_department("Legal").id)  # type: ignore[union-attr]
    assert demo.model.highlight_department_id == demo.session.matrix.find_department(
        "Legal").id  # type: ignore[union-attr]
    assert "Legal: owns" in lens.counts.text()


def test_filter_bar_filters_rows(qtbot: QtBot, small: Window) -> None:
    bar = small.filter_bar
    qtbot.keyClicks(bar.text, "email")
    qtbot.waitUntil(lambda: small.model.rowCount() == 2, timeout=2000)
    bar.reset()
    assert small.model.rowCount() == 6
    bar.stage.setCurrentIndex(bar.stage.findText("Support"))
    assert small.model.rowCount() == 3
    bar.stage.setCurrentIndex(0)
    bar.department.setCurrentIndex(bar.department.findText("Customer Success"))
    bar.role.setCurrentIndex(bar.role.findText("handles"))
    assert [small.model.data(small.model.index(r, 0)) for r in range(small.model.rowCount())
            ] == ["Support", "Support ticket"]
    small.clear_filters_action.trigger()
    assert small.model.rowCount() == 6


def test_details_panel_edits_the_current_touchpoint_and_note(qtbot: QtBot,
                                                             small: Window) -> None:
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Support"))
    details = small.details_panel
    assert details.name.text() == "Support ticket"
    details.metric_edit.setText("Time to resolution")
    details.metric_edit.editingFinished.emit()
    (tp,) = small.session.matrix.find_touchpoints("Support ticket")
    assert tp.metric == "Time to resolution"
    assert small.session.undo_stack.undoText() == "Change the metric of Support ticket"
    details.end.setChecked(True)
    assert small.session.matrix.touchpoint(tp.id).end
    details.cell_note.setPlainText("Tier 2 takes over after 4 hours")
    details._commit_note()
    support = small.session.matrix.find_department("Support")
    assert support is not None
    assert small.session.matrix.note(tp.id, support.id) == "Tier 2 takes over after 4 hours"
    small.session.undo_stack.undo()
    assert small.session.matrix.note(tp.id, support.id) == ""


def test_properties_dialog_changes_title_and_focus(small: Window,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: PropertiesDialog) -> int:
        dialog.title.setText("Ownership map")
        dialog.focus.setCurrentIndex(dialog.focus.findText("Support"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PropertiesDialog, "exec", fill)
    assert small.structure.edit_properties()
    assert small.session.matrix.title == "Ownership map"
    assert "Ownership map" in small.windowTitle()
    assert small.lens_panel.chooser.currentText() == "Support (focus)" or (
        small.session.matrix.focus_department.name == "Support")  # type: ignore[union-attr]
    small.session.undo_stack.undo()
    assert small.session.matrix.title == "Small"


def test_keyboard_moves_between_names_and_cells(qtbot: QtBot, small: Window) -> None:
    small.grid.focus_names()
    assert small.grid.frozen.hasFocus()
    qtbot.keyClick(small.grid.frozen, Qt.Key.Key_Down)
    qtbot.keyClick(small.grid.frozen, Qt.Key.Key_Right)
    assert small.grid.hasFocus()
    assert small.grid.currentIndex().column() == 1
    qtbot.keyClick(small.grid, Qt.Key.Key_Left)
    assert small.grid.frozen.hasFocus()


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "the file is empty"),
    (b"just some text, not a database at all" * 5, "is not a cxmatrix file"),
])
def test_opening_bad_files_shows_a_dialog(qtbot: QtBot, window: Window, tmp_path: Path,
                                          content: bytes, problem: str) -> None:
    bad = tmp_path / "bad.cxm"
    bad.write_bytes(content)
    open_and_wait(qtbot, window, bad, must_open=False)
    assert window.session.document is None
    title, message = window.errors[-1]
    assert title == "Cannot open the matrix"
    assert message.startswith("bad.cxm") and problem in message
    assert "bad.cxm: is" not in message
    assert bad.read_bytes() == content


def test_opening_a_newer_or_missing_file_shows_a_dialog(qtbot: QtBot, window: Window,
                                                        tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix(), "newer")
    path = document.path
    document.close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    open_and_wait(qtbot, window, path, must_open=False)
    assert "newer cxmatrix" in window.errors[-1][1]
    open_and_wait(qtbot, window, tmp_path / "gone.cxm", must_open=False)
    assert window.errors[-1][1] == "gone.cxm: no such file"
    assert window.pages.currentWidget() is window.welcome


def test_read_only_files_say_so_and_refuse_edits(qtbot: QtBot, window: Window,
                                                 tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path, read_only=True)
    assert "[read-only]" in window.windowTitle()
    assert not window.add_touchpoint_action.isEnabled()
    click_cell(qtbot, window, row_of(window, "Kick-off call"), column_of(window, "Support"))
    qtbot.keyClick(window.grid, Qt.Key.Key_O)
    assert role_at(window, "Kick-off call", "Support") is None


def test_files_new_save_as_close_recent_and_settings(qtbot: QtBot, window: Window,
                                                     tmp_path: Path) -> None:
    assert window.new_blank(tmp_path / "blank.cxm")
    assert [s.name for s in window.session.matrix.stages] == list(DEFAULT_STAGES)
    assert window.windowTitle().startswith("blank.cxm")
    assert window.new_from_demo(tmp_path / "from-demo.cxm")
    assert window.session.matrix.touchpoint_count == 48
    # The demo comes with its plan and its two snapshots, kept in the new file.
    assert window.session.matrix.has_plan
    assert len(window.session.document.snapshots()) == 2
    assert window.save_as(tmp_path / "copy.cxm")
    assert window.windowTitle().startswith("copy.cxm")
    from cxmatrix.ui import settings

    assert [Path(p).name for p in settings.recent_files()][:3] == [
        "copy.cxm", "from-demo.cxm", "blank.cxm"]
    window.grid.set_name_width(333)
    window.close_document()
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.recent.count() == 3
    window.save_settings()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.grid.name_width == 333
    assert again.saveGeometry() is not None


def test_demo_is_built_once_in_the_data_folder(qtbot: QtBot, window: Window,
                                               tmp_path: Path) -> None:
    job = window.open_demo()
    assert job is not None
    qtbot.waitUntil(lambda: window.session.document is not None, timeout=5000)
    assert window.session.document.path == tmp_path / files.DEMO_FILE_NAME  # type: ignore[union-attr]
    assert parse_arguments(["--demo"]).demo
    assert parse_arguments(["some.cxm"]).file == "some.cxm"


def test_dropping_a_file_opens_it(qtbot: QtBot, window: Window, tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix(), "dropped")
    path = document.path
    document.close()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.session.document is not None, timeout=5000)
    assert window.session.document.path.name == "dropped.cxm"  # type: ignore[union-attr]


def test_export_to_json_off_the_gui_thread(qtbot: QtBot, small: Window, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    job = small.export_file(target)
    assert job is not None
    qtbot.waitUntil(lambda: job.finished and target.exists(), timeout=5000)
    qtbot.waitUntil(lambda: "Exported" in small.statusBar().currentMessage(), timeout=2000)
    assert json_format.read(target).matrix.content() == small.session.matrix.content()
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Small"


def test_export_reports_a_missing_format_module(small: Window, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_path: Path) -> None:
        raise ModuleNotFoundError("No module named 'reportlab'", name="reportlab")

    monkeypatch.setattr(transfer, "writer_for", missing)
    assert small.export_file(tmp_path / "out.pdf") is None
    title, message = small.errors[-1]
    assert title == "Format not available"
    assert "out.pdf: PDF files cannot be handled" in message and "reportlab" in message
    assert not (tmp_path / "out.pdf").exists()


def test_importing_json_merges_into_the_open_matrix_as_one_step(qtbot: QtBot, small: Window,
                                                                tmp_path: Path) -> None:
    extra = small_matrix()
    extra.add_department("Finance", "FIN")
    stage = extra.add_stage("Renewal")
    extra.add_touchpoint(stage.id, "Renewal quote")
    source = tmp_path / "extra.json"
    json_format.write(extra, source)
    before = small.session.matrix.content()
    job = transfer.finish_import(small, source, json_format.read(source), "merge")
    assert job is not None  # planned and applied off the GUI thread, then written there
    qtbot.waitUntil(lambda: job.settled, timeout=10_000)
    qtbot.waitUntil(lambda: small.session.undo_stack.count() == 1, timeout=10_000)
    matrix = small.session.matrix
    assert [d.name for d in matrix.departments][-1] == "Finance"
    assert len(matrix.find_touchpoints("Renewal quote")) == 1
    assert matrix.touchpoint_count == 5
    assert small.session.undo_stack.undoText() == "Import extra.json"
    small.session.undo_stack.undo()
    assert small.session.matrix.content() == before
    # An edit made while a merge is prepared is never overwritten: the merge is refused.
    job = transfer.finish_import(small, source, json_format.read(source), "merge")
    assert job is not None
    small.session.execute(commands.AddStage(small.session, "Typed meanwhile"))
    qtbot.waitUntil(lambda: job.settled, timeout=10_000)
    assert small.session.matrix.find_stage("Typed meanwhile") is not None
    assert small.session.matrix.find_department("Finance") is None
    assert small.errors and small.errors[-1][0] == "Import not merged"


def test_a_merged_json_brings_its_comments_and_signoffs_in_the_same_step(
        qtbot: QtBot, small: Window, tmp_path: Path) -> None:
    from datetime import date

    from cxmatrix.domain.comments import new_comment
    from cxmatrix.domain.signoff import agreement, department_signoff

    colleague = small.session.matrix.copy()  # the same matrix, kept by a colleague
    sales = colleague.find_department("Sales").id
    tp = next(colleague.iter_touchpoints()).id
    colleague.add_comments([new_comment("Robin", "Sales calls first", tp, sales)])
    colleague.set_signoff(sales, agreement(colleague, sales, "Sam Lead", date(2026, 5, 4)))
    source = tmp_path / "colleague.json"
    json_format.write(colleague, source)
    job = transfer.finish_import(small, source, json_format.read(source), "merge")
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=10_000)
    qtbot.waitUntil(lambda: small.session.undo_stack.count() == 1, timeout=10_000)
    matrix = small.session.matrix
    assert [c.text for c in matrix.comments_on(tp, sales)] == ["Sales calls first"]
    assert not department_signoff(matrix, sales).out_of_date
    assert matrix.signoffs[sales].lead == "Sam Lead"
    assert "1 comment brought; sign-offs of Sales brought" in \
        small.statusBar().currentMessage()
    small.session.undo_stack.undo()
    assert not small.session.matrix.comments and not small.session.matrix.signoffs


def test_context_menus_open_without_errors(qtbot: QtBot, small: Window) -> None:
    click_cell(qtbot, small, 1, 1)
    small._cell_menu(QPoint(10, 10), "cell")
    small._header_menu(QPoint(10, 10), 1)
    menus = [w for w in QGuiApplication.topLevelWindows() if w.isVisible()]
    assert menus
    for menu in small.findChildren(type(small.menuBar().actions()[0].menu())):
        menu.close()


def test_spreadsheet_import_goes_through_the_wizard_and_merges(
        qtbot: QtBot, small: Window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxmatrix.ui.dialogs import import_wizard

    source = tmp_path / "raci.csv"
    source.write_text("Touchpoint,Sales,Support,Legal\nRenewal quote,A,C,\n"
                      "Kick-off call,,R,C\n", encoding="utf-8")

    def run(wizard: import_wizard.ImportWizard) -> None:  # the user picks merge, clicks Import
        wizard.merge_radio.setChecked(True)
        wizard.start_import()

    monkeypatch.setattr(import_wizard.ImportWizard, "open", run)
    before = small.session.matrix.content()
    small.import_file(source)
    qtbot.waitUntil(lambda: small.session.undo_stack.count() == 1, timeout=10_000)
    matrix = small.session.matrix
    assert small.session.undo_stack.undoText() == "Import raci.csv"
    assert [d.name for d in matrix.departments] == ["Sales", "Customer Success", "Support",
                                                    "Legal"]
    assert role_at(small, "Renewal quote", "Sales") is Role.OWN
    assert role_at(small, "Kick-off call", "Support") is Role.OWN
    assert role_at(small, "Kick-off call", "Customer Success") is Role.OWN  # kept
    document = small.session.document
    assert document is not None
    assert on_disk(document) == matrix.content()
    small.session.undo_stack.undo()
    assert small.session.matrix.content() == before


def test_keyboard_reaches_every_dock(qtbot: QtBot, demo: Window) -> None:
    qtbot.keyClick(demo, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert demo.lens_panel.chooser.hasFocus()
    qtbot.keyClick(demo, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert demo.findings_panel.view.hasFocus()
    qtbot.keyClick(demo.findings_panel.view, Qt.Key.Key_Down)
    qtbot.keyClick(demo.findings_panel.view, Qt.Key.Key_Down)  # the second error
    qtbot.keyClick(demo.findings_panel.view, Qt.Key.Key_Return)  # go to it
    assert demo.grid.current_touchpoint_id() is not None
    qtbot.keyClick(demo, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert demo.details_panel.name.hasFocus()
    qtbot.keyClick(demo, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert demo.grid.hasFocus()


def test_slow_work_can_be_cancelled_and_its_result_discarded(qtbot: QtBot,
                                                             window: Window) -> None:
    import threading

    from cxmatrix.ui.jobs import BackgroundJob

    release = threading.Event()
    outcome: list[str] = []

    def slow(_progress: object) -> str:
        release.wait(5)
        return "opened"

    job = BackgroundJob(window, "Working…", slow, on_done=outcome.append,
                        on_error=lambda e: outcome.append(f"error {e}"),
                        on_cancel=lambda: outcome.append("cancelled"),
                        discard=lambda r: outcome.append(f"discarded {r}")).start()
    from PySide6.QtWidgets import QPushButton

    job.dialog.findChild(QPushButton).click()  # the Cancel button
    release.set()
    qtbot.waitUntil(lambda: job.settled, timeout=5000)
    assert outcome == ["discarded opened", "cancelled"]


def test_cancelling_cooperative_work_reports_cancelled(qtbot: QtBot, window: Window) -> None:
    import time

    from cxmatrix.domain.progress import Progress
    from cxmatrix.ui.jobs import BackgroundJob

    outcome: list[str] = []

    def work(progress: Progress) -> None:
        for step in range(1000):
            progress.step(step, 1000, "Exporting…")
            time.sleep(0.005)

    job = BackgroundJob(window, "Working…", work, on_done=lambda r: outcome.append("done"),
                        on_error=lambda e: outcome.append("error"),
                        on_cancel=lambda: outcome.append("cancelled")).start()
    qtbot.waitUntil(lambda: job.progress.done > 5, timeout=5000)
    job.cancel()
    qtbot.waitUntil(lambda: job.settled, timeout=5000)
    assert outcome == ["cancelled"]


def test_the_app_starts_and_opens_the_file_given(qtbot: QtBot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from PySide6.QtCore import QSettings

    from cxmatrix.app import start

    isolate_settings(tmp_path / "settings")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # start() installs its own
    document = document_of(tmp_path, small_matrix(), "given")
    path = document.path
    document.close()
    window = start(parse_arguments([str(path)]))
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.session.document is not None, timeout=5000)
        assert window.windowTitle().startswith("given.cxm")
        assert QSettings().organizationName() == "cxmatrix"
        assert QSettings().fileName().startswith(str(tmp_path / "settings"))
        window.close()
    finally:
        isolate_settings(tmp_path / "settings")  # give the test identity back to later tests


def test_f2_renames_the_current_row_in_place(qtbot: QtBot, small: Window) -> None:
    click_cell(qtbot, small, row_of(small, "Welcome email"), column_of(small, "Support"))
    qtbot.keyClick(small.grid, Qt.Key.Key_F2)
    editor = QGuiApplication.focusObject()
    assert editor is not None and editor.metaObject().className() == "QExpandingLineEdit"
    editor.selectAll()
    qtbot.keyClicks(editor, "Welcome pack")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: small.session.undo_stack.count() == 1, timeout=2000)
    assert small.session.undo_stack.undoText() == (
        "Rename touchpoint Welcome email to Welcome pack")


def test_the_window_starts_without_loading_sqlalchemy_openpyxl_or_reportlab() -> None:
    import subprocess
    import sys

    from cxmatrix.store import FILE_SUFFIX

    assert files.MATRIX_SUFFIX == FILE_SUFFIX
    script = ("import sys, cxmatrix.app, cxmatrix.ui.main_window; "
              "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'openpyxl', 'reportlab') "
              "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_a_file_deleted_while_open_is_reported_and_save_as_rescues_it(
        qtbot: QtBot, small: Window, tmp_path: Path) -> None:
    document = small.session.document
    assert document is not None
    document.path.unlink()
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Support"))
    qtbot.keyClick(small.grid, Qt.Key.Key_H)
    title, message = small.errors[-1]
    assert title == "Set Support to Handle on Kick-off call failed"
    assert "moved or deleted" in message and "Save As" in message
    assert small.save_as(tmp_path / "rescued.cxm")
    rescued = small.session.document
    assert rescued is not None and rescued.path.name == "rescued.cxm"
    assert on_disk(rescued) == rescued.matrix.content()


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("old.xls", b"\xd0\xcf\x11\xe0 not really", "save it as .xlsx"),
    ("broken.xlsx", b"PK\x03\x04 this is no workbook", "broken.xlsx"),
])
def test_importing_a_bad_spreadsheet_shows_a_dialog(qtbot: QtBot, small: Window,
                                                    tmp_path: Path, name: str, content: bytes,
                                                    problem: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    before = small.session.matrix.content()
    small.import_file(source)
    qtbot.waitUntil(lambda: bool(small.errors), timeout=10_000)
    title, message = small.errors[-1]
    assert title == "Cannot import"
    assert problem in message
    assert small.session.matrix.content() == before


def test_clicks_change_nothing_in_a_read_only_file(qtbot: QtBot, window: Window,
                                                   tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path, read_only=True)
    row, column = row_of(window, "Kick-off call"), column_of(window, "Support")
    click_cell(qtbot, window, row, column)
    click_cell(qtbot, window, row, column)
    assert role_at(window, "Kick-off call", "Support") is None
    assert window.errors == []


def test_each_department_keeps_its_own_column_width(qtbot: QtBot, small: Window,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from cxmatrix.ui.grid.view import MatrixView

    def never(*_args: object) -> None:
        raise AssertionError("columns are sized one by one, never to their contents")

    monkeypatch.setattr(MatrixView, "resizeColumnsToContents", never)
    monkeypatch.setattr(MatrixView, "resizeColumnToContents", never)
    header = small.grid.horizontalHeader()
    default = header.defaultSectionSize()

    def widths() -> dict[str, int]:
        return {d.name: header.sectionSize(column_of(small, d.name))
                for d in small.session.matrix.departments}

    header.resizeSection(column_of(small, "Sales"), 150)  # what dragging the edge does
    header.resizeSection(column_of(small, "Support"), 44)
    assert widths() == {"Sales": 150, "Customer Success": default, "Support": 44}
    sales = small.session.matrix.find_department("Sales")
    assert sales is not None
    small.grid.select_department(sales.id)
    small.move_right_action.trigger()  # Sales moves; its width goes with it
    assert [d.name for d in small.session.matrix.departments][1] == "Sales"
    assert widths() == {"Sales": 150, "Customer Success": default, "Support": 44}
    small.structure.add_department("Finance", "FIN", "")
    assert widths()["Finance"] == default and widths()["Sales"] == 150
    assert small.structure.delete_department(sales.id)
    assert widths() == {"Customer Success": default, "Support": 44, "Finance": default}
    small.session.undo_stack.undo()  # Sales comes back with its id, and its width
    assert widths()["Sales"] == 150
    document = small.session.document
    assert document is not None
    path = document.path
    small.close_document()
    open_and_wait(qtbot, small, path)
    assert widths()["Sales"] == 150 and widths()["Support"] == 44
    assert small.save_as(tmp_path / "copy.cxm")
    assert widths()["Sales"] == 150
    small.save_settings()
    from cxmatrix.ui.grid.column_widths import stored_widths

    support = small.session.matrix.find_department("Support")
    assert support is not None
    assert stored_widths(tmp_path / "copy.cxm")[support.id] == 44
    assert stored_widths(path)[sales.id] == 150


def test_what_is_not_on_screen_is_built_when_first_needed(qtbot: QtBot, demo: Window) -> None:
    import subprocess
    import sys

    script = ("import sys; from cxmatrix.app import start, parse_arguments; "
              "w = start(parse_arguments([])); "
              "print(sorted(m for m in ('json', 'csv', 'cxmatrix.ui.panels.lens', "
              "'cxmatrix.ui.dialogs.properties', 'cxmatrix.ui.grid.clipboard', "
              "'cxmatrix.ui.transfer', "
              "'cxmatrix.about') if m in sys.modules), w._lens_panel is None)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60,
                          env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(Path.cwd()),
                               "PATH": ""})
    assert done.stdout.strip() == "[] True"
    # In the window: the lens is tabbed behind the findings, so it is not built yet, and the
    # grid highlights the focus department meanwhile.
    matrix = demo.session.matrix
    assert demo._lens_panel is None
    assert demo.model.highlight_department_id == matrix.focus_department_id
    support = matrix.find_department("Support")
    assert support is not None
    from cxmatrix.ui.commands import SetProperties

    assert demo.session.execute(SetProperties(demo.session, focus_department_id=support.id))
    assert demo.model.highlight_department_id == support.id
    demo.lens_dock.raise_()
    qtbot.waitUntil(lambda: demo._lens_panel is not None, timeout=2000)
    assert demo.lens_panel.chooser.currentText() == "Support (focus)"
    assert demo.model.highlight_department_id == support.id
    # Quick work never builds a progress dialog.
    job = demo.export_file(demo.session.document.path.with_suffix(".json"))  # type: ignore[union-attr]
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=5000)
    assert job._dialog is None


def test_importing_json_as_a_new_file_keeps_its_snapshots_and_signoffs(
        qtbot: QtBot, small: Window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxmatrix.interchange.demo import demo_matrix, demo_snapshots

    source = tmp_path / "demo.json"
    json_format.write(demo_matrix(), source, snapshots=demo_snapshots())
    target = tmp_path / "imported.cxm"
    monkeypatch.setattr(small, "ask_new_path", lambda caption, suggestion: target)
    assert transfer.finish_import(small, source, json_format.read(source), "new") is None
    document = small.session.document
    assert document is not None and document.path == target
    assert [s.name for s in document.snapshots()] == [s.name for s in demo_snapshots()]
    assert small.session.matrix.plan_content() == demo_matrix().plan_content()
    assert dict(small.session.matrix.signoffs) == dict(demo_matrix().signoffs)
