"""Today and target in the window: the Current / Target switch, role keys setting the target,
the Changes dock (actions edited in place, Mark Done), snapshots and the comparison with one,
every step undone, and the file read back from disk after each."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
)
from pytestqt.qtbot import QtBot
from ui_support import (
    click_cell,
    column_of,
    press,
    row_of,
    window_on_small_matrix,
)

from cxmatrix.domain.actions import ActionStatus
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.store import Document
from cxmatrix.ui.grid.layers import LayerKind
from cxmatrix.ui.panels.changes_panel import DUE, MEANING, PERSON, STATUS, DueEdit

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

Window = Any


@pytest.fixture
def small(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Window:
    return window_on_small_matrix(qtbot, tmp_path, monkeypatch)


def from_disk(window: Window) -> dict[str, Any]:
    """What a fresh reader of the window's file sees: content, target layer and snapshots."""
    document = window.session.document
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / document.path.name
        shutil.copyfile(document.path, copy)
        with Document.open(copy, read_only=True) as fresh:
            return {"content": fresh.matrix.content(), "plan": fresh.matrix.plan_content(),
                    "snapshots": [s.name for s in fresh.snapshots()]}


def in_memory(window: Window) -> dict[str, Any]:
    document = window.session.document
    return {"content": document.matrix.content(), "plan": document.matrix.plan_content(),
            "snapshots": [s.name for s in document.snapshots()]}


def ids(window: Window, touchpoint: str, department: str) -> tuple[int, int]:
    matrix = window.session.matrix
    dept = matrix.find_department(department)
    assert dept is not None
    return matrix.find_touchpoints(touchpoint)[0].id, dept.id


def edit_in_place(qtbot: QtBot, window: Window, key: tuple[int, int], column: int,
                  text: str) -> None:
    """Type into a cell of the Changes dock as a person does: F2, the text, Enter."""
    panel = window.plan_view.panel
    index = panel.model.row_index(key).siblingAtColumn(column)
    assert index.isValid()
    panel.view.setCurrentIndex(index)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, DueEdit if column == DUE else QLineEdit), editor
    assert editor.parent() is panel.view.viewport(), editor.objectName()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits an item editor's text after Enter through the event loop.
    editing = QAbstractItemView.State.EditingState
    qtbot.waitUntil(lambda: panel.view.state() != editing)


def test_target_changes_snapshot_compare_and_undo_every_step(qtbot: QtBot,
                                                             small: Window) -> None:
    stack = small.session.undo_stack
    states = [from_disk(small)]

    def step(text: str) -> None:
        assert stack.undoText() == text
        assert from_disk(small) == in_memory(small)
        states.append(from_disk(small))

    # F7 switches the grid to Target; the toolbar follows.
    small.grid.setFocus()
    press(qtbot, small, Qt.Key.Key_F7)
    assert small.model.layer.kind is LayerKind.TARGET
    assert small.view_target_action.isChecked() and not small.view_current_action.isChecked()
    assert small.plan_view.dock.isVisible()

    # Role keys set the target: Sales stops owning the welcome email, Support takes on the
    # outage notice. Today's roles stay.
    welcome = ids(small, "Welcome email", "Sales")
    outage = ids(small, "Outage notice", "Support")
    click_cell(qtbot, small, row_of(small, "Welcome email"), column_of(small, "Sales"))
    qtbot.keyClick(small.grid, Qt.Key.Key_Delete)
    step("Clear the target role of Sales on Welcome email")
    click_cell(qtbot, small, row_of(small, "Outage notice"), column_of(small, "Support"))
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    step("Set the target of Support to Own on Outage notice")
    matrix = small.session.matrix
    assert matrix.role(*welcome) is Role.OWN and matrix.target_role(*welcome) is None
    assert matrix.role(*outage) is None and matrix.target_role(*outage) is Role.OWN
    index = small.model.index(row_of(small, "Outage notice"), column_of(small, "Support"))
    assert index.data() == "O"
    assert "Planned change: today no role, target Own" in index.data(
        Qt.ItemDataRole.ToolTipRole)
    # The status bar follows (after the edits settle): today's errors, none at target.
    label = small.plan_view.status
    qtbot.waitUntil(lambda: label.text().endswith("→ target: 0 errors"))
    assert label.isVisible() and label.text().startswith("today: 3 errors")

    # The Changes dock lists both by department, with what they mean for ownership.
    panel = small.plan_view.panel
    qtbot.waitUntil(lambda: panel.model.changes.count == 2)
    groups = {g.department: g for g in panel.model.changes.groups}
    assert set(groups) == {"Sales", "Support"}
    assert groups["Sales"].summary == "gives up Own"
    assert groups["Support"].summary == "takes on Own"
    heading = panel.model.index(list(groups).index("Support"), 0)
    assert heading.data() == "Support — 1 change: takes on Own"  # each count said once
    assert groups["Support"].rows[0].meaning == "gains an owner (Support)"

    # Person, due date and status edited in place, each one step.
    edit_in_place(qtbot, small, outage, PERSON, "Dana Whitfield")
    step("Change the person of Support's change on Outage notice")
    edit_in_place(qtbot, small, outage, DUE, "2026-03-31")
    step("Change the due date of Support's change on Outage notice")
    action = small.session.matrix.action(*outage)
    assert action is not None and (action.person, action.due) == ("Dana Whitfield",
                                                                   date(2026, 3, 31))
    status_index = panel.model.row_index(outage).siblingAtColumn(STATUS)
    panel.view.setCurrentIndex(status_index)
    panel.view.edit(status_index)
    combo = panel.view.findChild(QComboBox, "statusEditor")
    assert combo is not None
    combo.setCurrentIndex(combo.findText(ActionStatus.IN_PROGRESS.label))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.view.state() != QAbstractItemView.State.EditingState)
    step("Change the status of Support's change on Outage notice")
    assert small.session.matrix.action(*outage).status is ActionStatus.IN_PROGRESS
    # Letters are no date: the date editor takes none, and nothing changes.
    edit_in_place(qtbot, small, outage, DUE, "next week")
    assert small.session.matrix.action(*outage).due == date(2026, 3, 31)
    assert len(states) == 6 and from_disk(small) == states[-1]

    # Clicking a change goes to its cell; Mark Done makes today's role the target.
    row_index = panel.model.row_index(welcome)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(row_index).center())
    assert small.grid.current_touchpoint_id() == welcome[0]
    assert small.grid.current_department_id() == welcome[1]
    qtbot.mouseClick(panel.mark_done, Qt.MouseButton.LeftButton)
    step("Mark done: Sales on Welcome email")
    assert small.session.matrix.role(*welcome) is None
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)  # the dock lists it again

    # Take a snapshot through the dialog (its name defaults to today's date).
    small.take_snapshot_action.trigger()
    dialog = small.plan_view.name_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text().startswith("Snapshot ")
    dialog.name.setText("Agreed in January")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    step("Take snapshot “Agreed in January”")
    assert from_disk(small)["snapshots"] == ["Agreed in January"]

    # Back to Current: a key sets today's role again.
    small.view_current_action.trigger()
    assert small.model.layer.kind is LayerKind.CURRENT
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Support"))
    qtbot.keyClick(small.grid, Qt.Key.Key_I)
    step("Set Support to Influence on Kick-off call")

    # Compare with the snapshot: the grid and the dock show the difference, read-only.
    dialog = small.plan_view.show_snapshots()
    assert dialog is not None
    assert dialog.model.data(dialog.model.index(0, 0)) == "Agreed in January"
    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.compare, Qt.MouseButton.LeftButton)
    assert small.model.layer.kind is LayerKind.COMPARE
    assert "Agreed in January" in small.plan_view.comparing_label.text()
    kickoff = ids(small, "Kick-off call", "Support")
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    assert [r.key for g in panel.model.changes.groups for r in g.rows] == [kickoff]
    cell = small.model.index(row_of(small, "Kick-off call"), column_of(small, "Support"))
    assert "was no role, now Influence" in cell.data(Qt.ItemDataRole.ToolTipRole)
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Support"))
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    assert small.errors[-1][0] == "Comparing with a snapshot"
    assert small.session.matrix.role(*kickoff) is Role.INFLUENCE
    assert stack.undoText() == "Set Support to Influence on Kick-off call"
    small.leave_comparison_action.trigger()
    assert small.model.layer.kind is LayerKind.CURRENT
    assert panel.model.baseline is None

    # Rename and delete the snapshot from the list, each one step.
    dialog.model.setData(dialog.model.index(0, 0), "Agreed with the leadership team")
    step("Rename snapshot “Agreed in January” to “Agreed with the leadership team”")
    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.delete, Qt.MouseButton.LeftButton)
    step("Delete snapshot “Agreed with the leadership team”")
    assert from_disk(small)["snapshots"] == []
    dialog.close()

    # Undo every step: the file goes back through each state to where it started.
    for expected in reversed(states[:-1]):
        stack.undo()
        assert from_disk(small) == expected
    assert not stack.canUndo()
    assert not small.session.matrix.has_plan
    # And redo brings the end back.
    while stack.canRedo():
        stack.redo()
    assert from_disk(small) == states[-1]


def test_undo_keeps_the_cell_selected_and_planned_flags(qtbot: QtBot, small: Window) -> None:
    small.view_target_action.trigger()
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Sales"))
    qtbot.keyClick(small.grid, Qt.Key.Key_H)
    click_cell(qtbot, small, row_of(small, "Kick-off call"), column_of(small, "Sales"))
    small.session.undo_stack.undo()
    assert small.grid.current_touchpoint_id() == ids(small, "Support ticket", "Sales")[0]
    assert small.grid.current_department_id() == ids(small, "Support ticket", "Sales")[1]
    # A touchpoint flagged planned from the Matrix menu; the action follows the cell.
    assert not small.planned_touchpoint_action.isChecked()
    small.planned_touchpoint_action.trigger()
    tid = ids(small, "Support ticket", "Sales")[0]
    assert small.session.matrix.is_planned_touchpoint(tid)
    assert small.planned_touchpoint_action.isChecked()
    assert from_disk(small)["plan"]["planned_touchpoints"] == [("Support", "Support ticket")]
    small.session.undo_stack.undo()
    assert not small.session.matrix.is_planned_touchpoint(tid)
    # The filter shows only the touchpoints with planned changes.
    small.session.undo_stack.redo()
    name_index = small.model.index(row_of(small, "Support ticket"), 0)
    assert "planned" in name_index.data(Qt.ItemDataRole.AccessibleTextRole)
    # A department too, from the Matrix menu's action on the current cell's column.
    click_cell(qtbot, small, row_of(small, "Support ticket"), column_of(small, "Sales"))
    assert small.planned_department_action.isEnabled()
    small.planned_department_action.trigger()
    sales = column_of(small, "Sales")
    assert small.model.headerData(sales, Qt.Orientation.Horizontal) == "Sales\n(planned)"
    assert small.model.headerData(sales, Qt.Orientation.Horizontal,
                                  Qt.ItemDataRole.FontRole).italic()
    assert from_disk(small)["plan"]["planned_departments"] == ["Sales"]
    # Sales had roles today; a planned department has none, so they became its target.
    assert small.session.undo_stack.undoText() == (
        "Mark department Sales as planned (its 2 roles today become its target)")
    matrix = small.session.matrix
    sales_id = matrix.find_department("Sales").id
    kickoff = matrix.find_touchpoints("Kick-off call")[0].id
    assert matrix.role(kickoff, sales_id) is None
    assert matrix.target_role(kickoff, sales_id) is Role.INFLUENCE
    assert from_disk(small) == in_memory(small)
    small.session.undo_stack.undo()
    assert from_disk(small)["plan"]["planned_departments"] == []
    assert matrix.role(kickoff, sales_id) is Role.INFLUENCE
    assert not matrix.is_planned_change(kickoff, sales_id)
    assert from_disk(small) == in_memory(small)
    small.plan_view.panel.planned_only.setChecked(True)
    shown = {small.model.touchpoint_id_at(r) for r in small.model.touchpoint_rows()}
    assert shown == {tid}
    small.plan_view.panel.planned_only.setChecked(False)
    assert len(small.model.touchpoint_rows()) == 4


def test_the_status_figures_follow_each_edit_as_a_full_count_does(tmp_path: Path) -> None:
    """The incremental counts (today from the document's index, the target from a copy
    updated cell by cell) equal today_and_target after every kind of edit."""
    from cxmatrix.domain.findings import today_and_target
    from cxmatrix.ui.files import demo_matrix
    from cxmatrix.ui.plan_figures import PlanFigures

    figures = PlanFigures()
    with Document.create(tmp_path / "demo.cxm", demo_matrix()) as document:
        figures.reset(document)
        document.add_listener(figures.follow)
        matrix = document.matrix
        tps = [tp.id for tp in matrix.iter_touchpoints()]
        depts = [d.id for d in matrix.departments]

        def check() -> None:
            full = today_and_target(matrix)
            assert figures.figures() == full
            at_target = {}
            for finding in full.target_findings:
                if finding.touchpoint_id is not None:
                    at_target.setdefault(finding.touchpoint_id, []).append(finding)
            for tid in [tp.id for tp in matrix.iter_touchpoints()]:
                assert sorted(map(repr, figures.target_findings(tid))) == sorted(
                    map(repr, at_target.get(tid, [])))

        check()
        for number, tid in enumerate(tps[:12]):
            document.set_target(tid, depts[number % len(depts)], Role.OWN)
            check()
        document.set_targets([(t, depts[1], None) for t in tps[12:20]])
        check()
        document.set_role(tps[3], depts[3], Role.HANDLE)
        check()
        document.complete_changes([(tps[0], depts[0]), (tps[1], depts[1])])
        check()
        document.set_properties(focus_department_id=depts[4])
        check()
        document.update_touchpoint(tps[5], peak=True)
        check()
        document.set_planned_touchpoint(tps[6], True)
        check()
        document.set_planned_department(depts[2], True)
        check()
        document.set_target(tps[6], depts[2], Role.OWN)
        check()
        document.set_role(tps[8], depts[2], Role.OWN)
        check()
        document.set_planned_department(depts[2], False)
        document.set_planned_touchpoint(tps[6], False)
        check()
        document.delete_touchpoint(tps[7])
        check()
        document.set_targets([(t, d, matrix.role(t, d)) for t, row in
                              list(matrix.targets.items()) for d in row])
        check()


def test_a_snapshot_restored_as_a_new_file_opens_as_it_was(qtbot: QtBot, small: Window,
                                                          tmp_path: Path) -> None:
    before = in_memory(small)["content"]
    assert small.plan_view.take_snapshot("Before the workshop")
    click_cell(qtbot, small, row_of(small, "Outage notice"), column_of(small, "Support"))
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    dialog = small.plan_view.show_snapshots()
    dialog.view.selectRow(0)
    assert dialog.restore.isEnabled()
    written = small.plan_view.restore_snapshot(dialog.selected().id,
                                               tmp_path / "restored.cxm")
    assert written is not None
    with Document.open(written, read_only=True) as restored:
        assert restored.matrix.content() == before
    assert small.notice.text == "Snapshot “Before the workshop” restored as restored.cxm"
    # The open file is unchanged by it; a name taken twice is refused by the dialog.
    assert in_memory(small)["content"] != before
    small.take_snapshot_action.trigger()
    name_dialog = small.plan_view.name_dialog
    name_dialog.name.setText("before the  workshop")
    assert not name_dialog.buttons.button(name_dialog.buttons.StandardButton.Ok).isEnabled()
    assert "exists" in name_dialog.problem.text()
    name_dialog.reject()


def test_in_target_the_picker_paste_and_cut_set_the_target(qtbot: QtBot, small: Window) -> None:
    small.view_target_action.trigger()
    matrix = small.session.matrix
    today = in_memory(small)["content"]
    row = row_of(small, "Outage notice")
    sales, cs = column_of(small, "Sales"), column_of(small, "Customer Success")
    index = small.model.index(row, sales)
    qtbot.mouseDClick(small.grid.viewport(), Qt.MouseButton.LeftButton,
                      pos=small.grid.visualRect(index).center())
    assert small.grid.role_picker.isVisible()
    qtbot.keyClick(small.grid.role_picker, Qt.Key.Key_H)
    outage_sales = ids(small, "Outage notice", "Sales")
    assert matrix.target_role(*outage_sales) is Role.HANDLE
    assert small.session.undo_stack.undoText() == ("Set the target of Sales to Handle on "
                                                   "Outage notice")
    # Paste two roles from the selected cell rightwards: targets, one step.
    assert small.grid.paste_text("Influence\tOwn")
    assert small.session.undo_stack.undoText() == "Paste targets of 2 cells"
    assert matrix.target_role(*outage_sales) is Role.INFLUENCE
    assert matrix.target_role(*ids(small, "Outage notice", "Customer Success")) is Role.OWN
    # Copy in Target copies the target roles; Cut clears the targets.
    small.grid.select_cell(row, cs)
    assert small.grid.copy_selection() == "Own\n"
    assert small.grid.cut_selection()
    assert small.session.undo_stack.undoText() == "Cut the target role of 1 cell"
    assert matrix.target_role(*ids(small, "Outage notice", "Customer Success")) is None
    assert from_disk(small)["content"] == today  # today's roles never changed
    assert from_disk(small)["plan"] == in_memory(small)["plan"]


def test_mark_done_of_several_changes_and_by_status_is_one_step_each(qtbot: QtBot,
                                                                    small: Window) -> None:
    small.view_target_action.trigger()
    cells = [ids(small, "Outage notice", "Support"), ids(small, "Support ticket", "Sales"),
             ids(small, "Kick-off call", "Support")]
    small.grid.setFocus()
    for tid, did in cells:  # O on each cell sets its target
        small.grid.select_touchpoint(tid, did)
        qtbot.keyClick(small.grid, Qt.Key.Key_O)
    panel = small.plan_view.panel
    qtbot.waitUntil(lambda: panel.model.changes.count == 3)
    first = panel.view.visualRect(panel.model.row_index(cells[0])).center()
    second = panel.view.visualRect(panel.model.row_index(cells[1])).center()
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, second)
    assert len(panel.selected_changes()) == 2
    qtbot.mouseClick(panel.mark_done, Qt.MouseButton.LeftButton)
    assert small.session.undo_stack.undoText() == "Mark 2 planned changes done"
    matrix = small.session.matrix
    assert [matrix.role(*c) for c in cells] == [Role.OWN, Role.OWN, None]
    assert all(matrix.action(*c).is_done for c in cells[:2])
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    # Done chosen as the status does the same.
    status = panel.model.row_index(cells[2]).siblingAtColumn(STATUS)
    panel.view.setCurrentIndex(status)
    panel.view.edit(status)
    combo = panel.view.findChild(QComboBox, "statusEditor")
    combo.setCurrentIndex(combo.findText(ActionStatus.DONE.label))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.model.changes.count == 0)
    assert small.session.undo_stack.undoText() == "Mark done: Support on Kick-off call"
    assert from_disk(small) == in_memory(small)
    small.session.undo_stack.undo()
    small.session.undo_stack.undo()
    assert [matrix.role(*c) for c in cells] == [None, None, None]
    assert from_disk(small)["plan"] == in_memory(small)["plan"]
    assert len(from_disk(small)["plan"]["planned_changes"]) == 3


def test_the_changes_list_follows_edits_row_by_row(qtbot: QtBot, small: Window) -> None:
    """Edits of target roles update the dock's rows in place (no reset) and the list always
    equals the one built from scratch."""
    from cxmatrix.ui.panels.change_list import planned_change_list

    small.view_target_action.trigger()
    panel = small.plan_view.panel
    matrix = small.session.matrix
    cells = [ids(small, tp, dept) for tp in ("Kick-off call", "Welcome email",
                                             "Support ticket", "Outage notice")
             for dept in ("Sales", "Support")]
    small.grid.setFocus()
    small.grid.select_touchpoint(*cells[0])
    qtbot.keyClick(small.grid, Qt.Key.Key_H)  # Sales: a first change, a new heading
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    for number, key in enumerate([cells[2], cells[4], cells[6], cells[2], cells[0]]):
        small.grid.select_touchpoint(*key)
        qtbot.keyClick(small.grid, [Qt.Key.Key_H, Qt.Key.Key_I, Qt.Key.Key_Delete][number % 3])
        QApplication.processEvents()
        assert panel.model.changes == planned_change_list(matrix)
    assert not resets  # Sales kept a change throughout: rows came and went, no reset
    for _ in range(3):
        small.session.undo_stack.undo()
        QApplication.processEvents()
        assert panel.model.changes == planned_change_list(matrix)


def test_a_planned_touchpoint_leaves_the_findings_panel_as_it_leaves_the_status_bar(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A touchpoint flagged planned exists only at target: its "no owner" leaves today's
    findings, so the Findings panel counts what the status bar's "today: ..." says."""
    from ui_support import demo_document, open_and_wait, window_with_captured_messages

    from cxmatrix.domain.findings import NO_OWNER

    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch, capture_urls=False)
    document = demo_document(tmp_path)
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    panel, status = window.findings_panel, window.plan_view.status

    def panel_errors() -> int:
        return int(panel.summary.text().removeprefix("Today: ").split(" error")[0])

    def status_errors() -> int:
        return int(status.text().removeprefix("today: ").split(" error")[0])

    matrix = window.session.matrix
    unowned = next(f.touchpoint_id for f in window.session.findings.all()
                   if f.code == NO_OWNER)
    assert unowned is not None
    name = matrix.touchpoint(unowned).name
    window.view_target_action.trigger()  # the status bar shows both states in Target
    qtbot.waitUntil(lambda: status.text().startswith("today: "))
    before = panel_errors()
    assert status_errors() == before

    click_cell(qtbot, window, row_of(window, name), column_of(window, "Support"))
    window.planned_touchpoint_action.trigger()
    assert matrix.is_planned_touchpoint(unowned)
    qtbot.waitUntil(lambda: status_errors() < before)
    assert panel_errors() == status_errors()
    assert all(f.touchpoint_id != unowned for f in panel.model.findings(Severity.ERROR))

    window.session.undo_stack.undo()  # and back again
    qtbot.waitUntil(lambda: status_errors() == before)
    assert panel_errors() == before
    window.close()


def test_figures_prepared_where_the_document_opened_are_taken_over(tmp_path: Path) -> None:
    """The worker thread that counts a newly opened file's findings counts the target's too
    (``prepare``); the window's figures take that count over and follow edits from it, as a
    full count."""
    from cxmatrix.domain.findings import FindingsIndex, today_and_target
    from cxmatrix.ui.files import demo_matrix
    from cxmatrix.ui.plan_figures import PlanFigures, prepare

    path = tmp_path / "prepared.cxm"
    Document.create(path, demo_matrix()).close()
    with Document.open(path) as document:
        assert document.matrix.has_plan
        document.findings.compute_elsewhere()
        today = FindingsIndex.computed_apart(document.matrix)
        prepare(document, today)
        document.findings.take_over(today)
        figures = PlanFigures()
        figures.reset(document)
        document.add_listener(figures.follow)
        assert figures.figures() == today_and_target(document.matrix)
        tid = next(document.matrix.iter_touchpoints()).id
        for department in document.matrix.departments[:3]:
            document.set_target(tid, department.id, Role.OWN)
        assert figures.figures() == today_and_target(document.matrix)
        again = PlanFigures()  # taken over once: a later reset counts afresh
        again.reset(document)
        assert again.figures() == today_and_target(document.matrix)


def test_taking_a_snapshot_says_so_with_undo_past_the_buttons_status_tip(
        qtbot: QtBot, small: Window) -> None:
    """The dialog closes under the pointer on the toolbar's Take Snapshot, whose status tip
    comes back: a status message saying the snapshot was taken was replaced by it at once, so
    nothing said it had worked. A notice with Undo stays past the tip."""
    from PySide6.QtGui import QStatusTipEvent

    small.take_snapshot_action.trigger()
    dialog = small.plan_view.name_dialog
    dialog.name.setText("Agreed  in January")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert from_disk(small)["snapshots"] == ["Agreed in January"]
    assert small.notice.text == "Snapshot “Agreed in January” taken"
    QApplication.sendEvent(small, QStatusTipEvent(small.take_snapshot_action.statusTip()))
    QApplication.sendEvent(small, QStatusTipEvent(""))  # the pointer leaves the button
    assert small.notice.isVisible()
    assert small.notice.text == "Snapshot “Agreed in January” taken"
    undo = small.notice.button("Undo")
    assert undo is not None
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert from_disk(small)["snapshots"] == []
    assert not small.notice.isVisible()


def test_the_snapshots_list_shows_a_long_name_whole(qtbot: QtBot, small: Window) -> None:
    """The list opened 760 pixels wide with the figures' columns taking their room first:
    "Agreed with the leadership team, Nov 2026" was cut to "Agreed with the leadership
    team, Nov …". The dialog now opens wide enough for the name on one line."""
    name = "Agreed with the leadership team, Nov 2026"
    assert small.plan_view.take_snapshot(name)
    dialog = small.plan_view.show_snapshots()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    view = dialog.view
    needed = view.fontMetrics().horizontalAdvance(name)
    assert view.columnWidth(0) >= needed + 6  # the text and the cell's padding
    assert view.horizontalHeader().length() <= view.viewport().width()  # no scrolling


def test_the_snapshots_list_opens_with_the_newest_chosen(qtbot: QtBot, small: Window) -> None:
    """Compare and Restore are ready at once: the newest snapshot is chosen on opening."""
    assert small.plan_view.take_snapshot("First")
    assert small.plan_view.take_snapshot("Second")
    dialog = small.plan_view.show_snapshots()
    assert dialog is not None
    assert dialog.selected() is not None and dialog.selected().name == "Second"
    assert dialog.compare.isEnabled() and dialog.restore.isEnabled()


def test_a_snapshots_day_is_written_without_a_leading_zero(qtbot: QtBot, small: Window) -> None:
    """The comparison's label, the drift chart and the PDF wrote "03 Dec 2026" beside the
    "3 December 2026" and "Snapshot 3 Dec 2026" of the rest of the window and report."""
    from cxmatrix.domain.signoff import medium_day

    assert medium_day(date(2026, 12, 3)) == "3 Dec 2026"
    assert small.plan_view.take_snapshot("Early")
    info = small.session.document.snapshots()[0]
    assert small.plan_view.compare_with(info.id)
    day = info.taken
    assert small.plan_view.comparing_label.text() == (
        f"Comparing with “Early” ({day.day} {day:%b %Y}): read-only")


def test_the_findings_dock_says_its_list_is_todays_while_the_grid_shows_the_target(
        qtbot: QtBot, small: Window) -> None:
    """In Target the Findings dock kept listing today's findings under a bare "2 errors"
    heading, beside a grid whose target had none: a new user read them as the target's."""
    summary = small.findings_panel.summary
    today = summary.text()
    assert not today.startswith("Today")
    small.view_target_action.trigger()
    assert summary.text() == f"Today: {today} (the grid shows the target)"
    assert small.plan_view.take_snapshot("Early")
    assert small.plan_view.compare_with(small.session.document.snapshots()[0].id)
    assert summary.text() == f"Today: {today} (the grid shows a comparison with a snapshot)"
    small.plan_view.leave_comparison()  # back to the target it came from
    assert summary.text() == f"Today: {today} (the grid shows the target)"
    press(qtbot, small, Qt.Key.Key_F7)
    assert small.model.layer.kind is LayerKind.CURRENT
    assert summary.text() == today


def open_due_editor(qtbot: QtBot, window: Window, key: tuple[int, int]) -> DueEdit:
    panel = window.plan_view.panel
    index = panel.model.row_index(key).siblingAtColumn(DUE)
    panel.view.setCurrentIndex(index)
    panel.view.edit(index)
    editors = [e for e in panel.view.viewport().findChildren(DueEdit) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def commit_due(qtbot: QtBot, window: Window, editor: DueEdit) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    view = window.plan_view.panel.view
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def test_the_due_date_is_typed_picked_from_the_calendar_or_cleared(qtbot: QtBot,
                                                                   small: Window) -> None:
    small.view_target_action.trigger()
    outage = ids(small, "Outage notice", "Support")
    small.grid.setFocus()
    small.grid.select_touchpoint(*outage)
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    panel = small.plan_view.panel
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    stack = small.session.undo_stack
    matrix = small.session.matrix
    steps = stack.count()

    # No date yet: the editor says so, and an ISO date typed over it is taken.
    editor = open_due_editor(qtbot, small, outage)
    assert editor.text() == "No date" and editor.calendarPopup()
    qtbot.keyClicks(editor, "2026-03-31")
    commit_due(qtbot, small, editor)
    assert matrix.action(*outage).due == date(2026, 3, 31)
    assert stack.count() == steps + 1
    assert stack.undoText() == "Change the due date of Support's change on Outage notice"

    # The calendar: the arrow opens it on the date, a day to the right, Enter picks it.
    editor = open_due_editor(qtbot, small, outage)
    arrow = QPoint(editor.width() - 6, editor.height() // 2)
    qtbot.mouseClick(editor, Qt.MouseButton.LeftButton, pos=arrow)
    calendar = editor.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.selectedDate().toPython() == date(2026, 3, 31)
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_Right)
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert editor.due() == date(2026, 4, 1)
    commit_due(qtbot, small, editor)
    assert matrix.action(*outage).due == date(2026, 4, 1)
    assert stack.count() == steps + 2

    # Delete clears it: one more step, and the file agrees.
    editor = open_due_editor(qtbot, small, outage)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.text() == "No date" and editor.due() is None
    commit_due(qtbot, small, editor)
    assert matrix.action(*outage).due is None
    assert panel.model.row_index(outage).siblingAtColumn(DUE).data() == ""
    assert stack.count() == steps + 3
    assert from_disk(small) == in_memory(small)

    # Opening and leaving the editor without a change adds no step; undo goes back a date.
    commit_due(qtbot, small, open_due_editor(qtbot, small, outage))
    assert stack.count() == steps + 3
    # With no date the calendar opens on today, not on the editor's minimum.
    editor = open_due_editor(qtbot, small, outage)
    qtbot.mouseClick(editor, Qt.MouseButton.LeftButton,
                     pos=QPoint(editor.width() - 6, editor.height() // 2))
    calendar = editor.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.selectedDate() == QDate.currentDate()
    calendar.window().close()
    panel.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
    assert matrix.action(*outage).due is None and stack.count() == steps + 3
    stack.undo()
    assert matrix.action(*outage).due == date(2026, 4, 1)
    stack.undo()
    assert matrix.action(*outage).due == date(2026, 3, 31)
    assert from_disk(small) == in_memory(small)


def test_a_change_that_leaves_the_owners_says_what_it_means(qtbot: QtBot,
                                                            small: Window) -> None:
    small.view_target_action.trigger()
    welcome = ids(small, "Welcome email", "Support")  # Sales owns it, today and at target
    small.grid.setFocus()
    small.grid.select_touchpoint(*welcome)
    qtbot.keyClick(small.grid, Qt.Key.Key_H)
    panel = small.plan_view.panel
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    meaning = panel.model.row_index(welcome).siblingAtColumn(MEANING)
    assert meaning.data() == "Support starts handling fallout"
    assert "Support starts handling fallout" in meaning.data(Qt.ItemDataRole.ToolTipRole)
    qtbot.keyClick(small.grid, Qt.Key.Key_I)  # the same row, edited in place
    qtbot.waitUntil(lambda: panel.model.row_index(welcome).siblingAtColumn(MEANING).data()
                    == "Support takes on Influence")


def test_in_current_the_legend_explains_the_planned_change_mark(qtbot: QtBot,
                                                                small: Window) -> None:
    legend = small.legend
    assert not legend.planned and "Planned change" not in legend.toolTip()
    narrow = legend.sizeHint().width()
    small.view_target_action.trigger()
    outage = ids(small, "Outage notice", "Support")
    small.grid.setFocus()
    small.grid.select_touchpoint(*outage)
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    assert not legend.planned  # Target shows the change itself, not a corner
    small.view_current_action.trigger()
    assert legend.planned and "Corner mark = Planned change" in legend.toolTip()
    assert legend.sizeHint().width() > narrow
    small.session.undo_stack.undo()  # no planned change left: no mark to explain
    assert not legend.planned and legend.sizeHint().width() == narrow


def test_in_current_a_planned_departments_column_takes_no_role_today(qtbot: QtBot,
                                                                      small: Window) -> None:
    document = small.session.document
    desk = document.add_department("Renewals desk")
    document.set_planned_department(desk.id, True)
    tid = ids(small, "Support ticket", "Sales")[0]
    messages: list[str] = []
    small.session.failed.connect(lambda _title, text: messages.append(text))
    qtbot.waitUntil(lambda: small.model.column_of_department(desk.id) is not None)
    cell = small.model.index(row_of(small, "Support ticket"),
                             small.model.column_of_department(desk.id))
    assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith(
        "Not applicable today: Renewals desk is a planned department")
    assert cell.data(Qt.ItemDataRole.AccessibleTextRole).endswith("(not applicable today)")
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
    small.grid.viewport().repaint()

    def colours(index: Any) -> set[str]:
        shot = small.grid.viewport().grab(small.grid.visualRect(index)).toImage()
        return {shot.pixelColor(x, y).name() for x in range(2, shot.width() - 2)
                for y in range(2, shot.height() - 2)}

    empty = cell.siblingAtColumn(column_of(small, "Sales"))  # an ordinary empty cell
    assert empty.data(Qt.ItemDataRole.DisplayRole) == ""
    assert colours(cell) != colours(empty)  # drawn as not applicable (hatched)
    small.grid.setFocus()
    small.grid.select_touchpoint(tid, desk.id)
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    assert messages and "Renewals desk is a planned department" in messages[-1]
    assert small.session.matrix.role(tid, desk.id) is None
    assert not small.session.undo_stack.canUndo() or \
        "Renewals desk" not in small.session.undo_stack.undoText()
    # At target the same key plans the role; Mark Done is then refused the same way.
    small.view_target_action.trigger()
    assert "Not applicable" not in cell.data(Qt.ItemDataRole.ToolTipRole)
    small.grid.select_touchpoint(tid, desk.id)
    qtbot.keyClick(small.grid, Qt.Key.Key_O)
    assert small.session.matrix.target_role(tid, desk.id) is Role.OWN
    panel = small.plan_view.panel
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    panel.view.setCurrentIndex(panel.model.row_index((tid, desk.id)))
    assert panel.complete_selected() is False
    assert "exists only at target" in messages[-1]
    assert small.session.matrix.role(tid, desk.id) is None
    assert from_disk(small) == in_memory(small)


def test_in_target_the_cell_details_name_the_target_role_and_todays(qtbot: QtBot,
                                                                    small: Window) -> None:
    label = small.details_panel.cell_label
    small.grid.setFocus()
    click_cell(qtbot, small, row_of(small, "Welcome email"), column_of(small, "Sales"))
    assert label.text() == "Sales on Welcome email: Own"
    press(qtbot, small, Qt.Key.Key_F7)
    assert label.text() == "Sales on Welcome email: Own at target, as today"
    qtbot.keyClick(small.grid, Qt.Key.Key_Delete)  # the target only: today Sales still owns
    assert label.text() == "Sales on Welcome email: no role at target (today: Own)"
    tooltip = small.model.index(row_of(small, "Welcome email"), column_of(small, "Sales")
                                ).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Planned change: today Own, target no role\n"
                              "Sales has no role on Welcome email.")
    press(qtbot, small, Qt.Key.Key_F7)  # back to Current: today's role again
    assert label.text() == "Sales on Welcome email: Own"
