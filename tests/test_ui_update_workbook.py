"""File > Update from Workbook… driven as a user would: pick two colleagues' copies, review
the changes in the dialog (check boxes, a conflict's choice), apply as one step, undo."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_samples import demo_like
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from test_workbook_update import colleague_edit, column_of, row_of
from ui_support import document_of, on_disk, open_and_wait, window_with_captured_messages

from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.ui.dialogs.update_dialog import UpdateDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def open_dialog(qtbot: QtBot, window: Any) -> UpdateDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(UpdateDialog)),
                    timeout=20_000)
    return next(d for d in window.findChildren(UpdateDialog) if d.isVisible())


def test_update_from_two_workbooks_through_the_dialog_and_undo(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    path = document_of(tmp_path, demo_like(), "journey")
    path.close()
    open_and_wait(qtbot, window, path.path)
    session = window.session
    document = session.document
    exported = tmp_path / "journey.xlsx"
    xlsx_export.write(session.matrix.copy(), exported)
    anna, ben = tmp_path / "anna.xlsx", tmp_path / "ben.xlsx"
    colleague_edit(exported, anna)
    unowned = next(t for t in session.matrix.iter_touchpoints()
                   if not session.matrix.owners(t.id))
    shutil.copy(exported, ben)
    book = openpyxl.load_workbook(ben)
    sheet = book["Matrix"]
    sheet.cell(row_of(sheet, unowned.name), column_of(sheet, "Support")).value = "Own"
    book.save(ben)
    book = openpyxl.load_workbook(anna)
    sheet = book["Matrix"]
    sheet.cell(row_of(sheet, unowned.name), column_of(sheet, "Sales")).value = "Own"
    book.save(anna)
    before = on_disk(document)
    matrix_before = session.matrix.content()

    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *_a, **_k: ([str(anna), str(ben)], ""))
    window.update_workbook_action.trigger()
    dialog = open_dialog(qtbot, window)
    dialog.grab().save(str(tmp_path / "update-dialog.png"))
    texts = {c.text: c for c in dialog.review.changes}
    deletion = dialog.items[texts["Touchpoint Outage notice deleted in anna.xlsx"].key]
    assert deletion.checkState(0) == Qt.CheckState.Unchecked
    owner = next(c for c in dialog.review.conflicts if c.kind == "ownership")
    assert owner.files == ("anna.xlsx", "ben.xlsx")
    assert dialog.items[owner.key].checkState(0) == Qt.CheckState.Unchecked
    # The user picks Support (ben's) as the owner and leaves the deletion unchecked.
    combo = dialog.choices[owner.key]
    combo.setCurrentIndex(2)
    assert dialog.items[owner.key].checkState(0) == Qt.CheckState.Checked
    assert session.matrix.content() == matrix_before  # nothing until Apply
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.matrix.content() != matrix_before, timeout=10_000)

    matrix = session.matrix
    assert [d.name for d in matrix.owners(unowned.id)] == ["Support"]
    assert matrix.find_department("Legal & Compliance") is not None
    assert matrix.find_touchpoints("Outage notice")
    assert matrix.find_touchpoints("Training session")
    assert on_disk(document) == matrix.content()
    assert window.errors == []
    assert session.undo_stack.undoText() == "Update from anna.xlsx, ben.xlsx"

    after = matrix.content()
    window.undo_action.trigger()  # a whole replacement: undone on a worker thread
    qtbot.waitUntil(lambda: session.matrix.content() == matrix_before, timeout=30_000)
    qtbot.waitUntil(lambda: on_disk(document) == before, timeout=30_000)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: on_disk(document) == after, timeout=30_000)
    window.close()


def test_a_damaged_workbook_is_a_message_and_changes_nothing(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    path = document_of(tmp_path, demo_like(), "journey")
    path.close()
    open_and_wait(qtbot, window, path.path)
    workbook = tmp_path / "damaged.xlsx"
    xlsx_export.write(window.session.matrix.copy(), workbook)
    book = openpyxl.load_workbook(workbook)
    book["Matrix"]["J8"] = "T99999"
    book.save(workbook)
    before = window.session.matrix.content()
    window.update_from_workbook([workbook])
    qtbot.waitUntil(lambda: bool(window.errors), timeout=20_000)
    title, text = window.errors[0]
    assert title == "Cannot update from workbook"
    assert "sheet 'Matrix', cell J8" in text
    assert window.session.matrix.content() == before
    assert window.session.undo_stack.count() == 0
    window.close()


def big_review() -> Any:
    """About 300 role changes from one copy, and a conflict: the review at scale."""
    from cxmatrix.domain.generate import generate_matrix
    from cxmatrix.domain.review import ReturnedCopy, review
    from cxmatrix.domain.roles import Role

    base = generate_matrix(80, 12)
    theirs, ours = base.copy(), base.copy()
    cells = [(t.id, d.id) for t in base.iter_touchpoints() for d in base.departments]
    for tid, did in cells[::3][:300]:
        theirs.set_role(tid, did, Role.HANDLE if base.role(tid, did) is not Role.HANDLE
                        else None)
    tid, did = cells[0]
    ours.set_role(tid, did, Role.INFLUENCE)  # also changed here: a conflict
    return review(base, [ReturnedCopy("anna.xlsx", base.copy(), theirs, base.uid)], ours)


def test_the_dialog_filters_and_checks_whole_groups_at_scale(qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    found = big_review()
    assert len(found.changes) >= 290 and found.conflicts
    dialog = UpdateDialog(found)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    total = len(found.changes)
    assert dialog.shown.text() == f"{total} changes"
    dialog.grab().save(str(tmp_path / "update-all.png"))

    # Type a touchpoint's name: only its group stays, every change of it shown.
    group_name = found.changes[5].group
    qtbot.keyClicks(dialog.filter, group_name)
    shown_groups = [name for name, item in dialog.groups.items() if not item.isHidden()]
    assert group_name in shown_groups
    members = [c for c in found.changes if c.group == group_name]
    assert all(not dialog.items[c.key].isHidden() for c in members)
    assert all(dialog.groups[c.group].isHidden() for c in found.changes
               if group_name.casefold() not in (c.group + c.text).casefold())
    assert dialog.shown.text().endswith(f"of {total} shown")
    dialog.grab().save(str(tmp_path / "update-filtered.png"))

    # The group's box, toggled from the keyboard: clears, then checks, its shown changes.
    group = dialog.groups[group_name]
    assert group.checkState(0) == Qt.CheckState.Checked  # all of them apply
    dialog.tree.setFocus()
    dialog.tree.setCurrentItem(group)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert group.checkState(0) == Qt.CheckState.Unchecked
    assert not any(c.key in dialog.decisions() for c in members)
    plain = [c for c in members if c.status != "conflict"]
    assert len(dialog.decisions()) == total - len(found.conflicts) - len(plain)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert all(c.key in dialog.decisions() for c in members if c.status != "conflict")
    # One change cleared by hand: the group box shows some checked.
    dialog.items[plain[0].key].setCheckState(0, Qt.CheckState.Unchecked)
    assert group.checkState(0) == Qt.CheckState.PartiallyChecked

    # A filter on a value narrows within groups; the group box then sets only what shows.
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "no role")
    visible = [c for c in found.changes if not dialog.items[c.key].isHidden()
               and not dialog.groups[c.group].isHidden()]
    assert visible and len(visible) < total
    assert all("no role" in (c.text + c.ours + c.base).casefold() for c in visible)
    first = dialog.groups[visible[0].group]
    first.setCheckState(0, Qt.CheckState.Unchecked)
    cleared = {c.key for c in visible if c.group == visible[0].group}
    others = [c for c in found.changes if c.group == visible[0].group and c.key not in cleared
              and c.status != "conflict"]
    decisions = dialog.decisions()
    assert not cleared & set(decisions)
    assert all((c.key in decisions) == (c.key != plain[0].key) for c in others)
    assert "Apply" in dialog.apply_button.text() and dialog.apply_button.isEnabled()


def test_plan_changes_show_in_the_dialog_and_apply_as_one_step(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A target role changed on the Target sheet and an action on the Changes sheet are
    changes of their own kinds in the dialog; applied with the role change in one undo step."""
    from test_workbook_plan_review import colleague, edit, ids, planned

    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    path = document_of(tmp_path, planned(), "plan")
    path.close()
    open_and_wait(qtbot, window, path.path)
    session = window.session
    exported = tmp_path / "plan.xlsx"
    xlsx_export.write(session.matrix.copy(), exported)
    anna = tmp_path / "anna.xlsx"
    edit(exported, anna, colleague)
    before = session.matrix.copy()
    window.update_from_workbook([anna])
    dialog = open_dialog(qtbot, window)
    dialog.resize(900, 360)
    dialog.grab().save(str(tmp_path / "update-plan.png"))
    kinds = {c.kind: c for c in dialog.review.changes}
    assert set(kinds) == {"cell", "target", "action"}
    for change in kinds.values():
        assert dialog.items[change.key].checkState(0) == Qt.CheckState.Checked
    assert dialog.items[kinds["target"].key].text(0) == kinds["target"].text
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    outage_support = ids(before, "Outage notice", "Support")
    kickoff_cs = ids(before, "Kick-off call", "Customer Success")
    qtbot.waitUntil(lambda: session.matrix.target_role(*outage_support) is not None,
                    timeout=10_000)
    matrix = session.matrix
    action = matrix.action(*kickoff_cs)
    assert action is not None and action.person == "Eli"
    assert matrix.role(*ids(before, "Welcome email", "Sales")) is not None
    assert session.undo_stack.count() == 1
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: session.matrix.action(*kickoff_cs) == before.action(*kickoff_cs),
                    timeout=30_000)
    assert session.matrix.targets == before.targets
    assert session.matrix.roles == before.roles
    assert window.errors == []
    window.close()


def test_planned_flags_show_in_the_dialog_and_apply_as_one_step(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Planned flags changed on the Target sheet are listed as their own kind, checked, and
    applied in one undo step that undo takes back."""
    from test_workbook_plan_review import edit, flagger, with_planned_flags

    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    path = document_of(tmp_path, with_planned_flags(), "flags")
    path.close()
    open_and_wait(qtbot, window, path.path)
    session = window.session
    exported = tmp_path / "flags.xlsx"
    xlsx_export.write(session.matrix.copy(), exported)
    anna = tmp_path / "anna.xlsx"
    edit(exported, anna, flagger)
    before = session.matrix.copy()
    window.update_from_workbook([anna])
    dialog = open_dialog(qtbot, window)
    dialog.resize(900, 300)
    dialog.grab().save(str(tmp_path / "update-planned.png"))
    planned = [c for c in dialog.review.changes if c.kind == "planned"]
    assert len(planned) == 4 and len(dialog.review.changes) == 4
    for change in planned:
        assert dialog.items[change.key].checkState(0) == Qt.CheckState.Checked
        assert dialog.items[change.key].text(0) == change.text
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    outage = before.find_touchpoints("Outage notice")[0].id
    qtbot.waitUntil(lambda: session.matrix.is_planned_touchpoint(outage), timeout=10_000)
    support = before.find_department("Support").id
    assert session.matrix.planned_departments == {support}
    assert session.undo_stack.count() == 1
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not session.matrix.is_planned_touchpoint(outage), timeout=30_000)
    assert session.matrix.planned_touchpoints == before.planned_touchpoints
    assert session.matrix.planned_departments == before.planned_departments
    assert window.errors == []
    window.close()
