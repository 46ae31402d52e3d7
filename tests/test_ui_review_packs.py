"""File > Send for Review… and File > Apply Review… driven as a user would: pick departments
and leads in the dialog, write the packs, fill them as the leads do, read them back, check a
proposed target role, apply as one step, undo and redo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from pytestqt.qtbot import QtBot
from review_packs import fill, rows_of
from ui_support import demo_document, open_and_wait, window_with_captured_messages

from cxmatrix.domain.findings import DISPUTED, compute_findings
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOffState, department_signoff
from cxmatrix.ui.dialogs.review_dialogs import ApplyReviewDialog, SendForReviewDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def shown(qtbot: QtBot, window: Any, kind: type) -> Any:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(kind)),
                    timeout=20_000)
    return next(d for d in window.findChildren(kind) if d.isVisible())


def send_two(qtbot: QtBot, window: Any, out: Path) -> dict[str, Path]:
    """Send Legal and Sales for review through the dialog; Legal's lead typed anew."""
    matrix = window.session.matrix
    window.send_review_action.trigger()
    dialog: SendForReviewDialog = shown(qtbot, window, SendForReviewDialog)
    legal, sales = matrix.find_department("Legal"), matrix.find_department("Sales")
    assert legal is not None and sales is not None
    assert dialog.leads[sales.id].text() == sales.lead  # prefilled from the department
    qtbot.mouseClick(next(b for b in dialog.findChildren(type(dialog.buttons.buttons()[0]))
                          if b.text() == "Select none"), Qt.MouseButton.LeftButton)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "at least one department" in dialog.problem.text()
    dialog.items[legal.id].setCheckState(0, Qt.CheckState.Checked)
    dialog.items[sales.id].setCheckState(0, Qt.CheckState.Checked)
    lead = dialog.leads[legal.id]
    lead.clear()
    qtbot.keyClicks(lead, "J. Feldman")
    dialog.folder.clear()
    qtbot.keyClicks(dialog.folder, str(out))
    assert ok.isEnabled()
    dialog.grab().save(str(out.parent / "send-dialog.png"))
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(
        (record := window.session.matrix.signoffs.get(d.id)) is not None
        and record.state is SignOffState.ASKED for d in (legal, sales)), timeout=20_000)
    return {"Legal": out / "Review - Legal.xlsx", "Sales": out / "Review - Sales.xlsx"}


def test_send_fill_apply_undo_through_the_window(qtbot: QtBot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = demo_document(tmp_path, "journey")
    document.close()
    open_and_wait(qtbot, window, document.path)
    session = window.session
    matrix = session.matrix
    demo_signoffs = dict(matrix.signoffs)  # the demo's own: most agreed, Legal disputes
    out = tmp_path / "packs"
    out.mkdir()
    packs = send_two(qtbot, window, out)
    legal, sales = matrix.find_department("Legal"), matrix.find_department("Sales")
    assert legal is not None and sales is not None
    assert matrix.signoffs[legal.id].state is SignOffState.ASKED
    assert matrix.signoffs[legal.id].lead == "J. Feldman"
    assert session.undo_stack.undoText() == "Send Sales, Legal for review"
    window.undo_action.trigger()
    assert dict(matrix.signoffs) == demo_signoffs
    window.redo_action.trigger()
    assert matrix.signoffs[sales.id].state is SignOffState.ASKED
    assert {k: v for k, v in matrix.signoffs.items() if k not in (legal.id, sales.id)} == {
        k: v for k, v in demo_signoffs.items() if k not in (legal.id, sales.id)}

    # The leads answer: Legal agrees; Sales disputes a row and proposes a role.
    fill(packs["Legal"], name="Jonah Feldman")
    row = rows_of(packs["Sales"])[0]
    target_before = matrix.target_role(row.touchpoint_id, sales.id)
    proposed = Role.HANDLE if target_before is not Role.HANDLE else Role.INFLUENCE
    fill(packs["Sales"], agree={row.touchpoint_id: "No"},
         proposed={row.touchpoint_id: proposed.label},
         comments={row.touchpoint_id: "Marketing runs the ads"}, whole="No",
         name="Daniel Okafor")
    before = (dict(matrix.signoffs), target_before)
    started_in: list[str] = []

    def choose(_parent: Any, _title: str, folder: str, *_a: Any) -> tuple[list[str], str]:
        started_in.append(folder)
        return [str(packs["Legal"]), str(packs["Sales"])], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    window.apply_review_action.trigger()
    dialog: ApplyReviewDialog = shown(qtbot, window, ApplyReviewDialog)
    assert started_in == [str(out.resolve())]  # where the packs were written
    dialog.grab().save(str(tmp_path / "apply-dialog.png"))
    lines = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert lines[0].endswith("Jonah Feldman agrees with Legal's column")
    assert lines[1].endswith("Daniel Okafor disputes 1 touchpoint of Sales")
    sales_item = dialog.tree.topLevelItem(1)
    children = [sales_item.child(i).text(0) for i in range(sales_item.childCount())]
    assert f"Disputes {row.name}: “Marketing runs the ads”" in children
    (key,) = dialog.proposals
    item = dialog.proposals[key]
    assert item.checkState(0) == Qt.CheckState.Unchecked
    assert dialog.apply_button.text() == "Apply 2 changes"
    assert matrix.signoffs == before[0]  # nothing until Apply
    item.setCheckState(0, Qt.CheckState.Checked)
    assert dialog.apply_button.text() == "Apply 3 changes"
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: department_signoff(matrix, legal.id).agreed, timeout=10_000)
    assert matrix.signoffs[sales.id].state is SignOffState.DISPUTED
    assert matrix.target_role(row.touchpoint_id, sales.id) is proposed
    assert [f.detail for f in compute_findings(matrix) if f.code == DISPUTED] == [
        "Marketing runs the ads"]
    assert session.undo_stack.undoText() == "Apply the review of Sales, Legal"
    assert window.errors == []
    # One step: undo takes back the sign-offs and the target role together.
    window.undo_action.trigger()
    assert dict(matrix.signoffs) == before[0]
    assert matrix.target_role(row.touchpoint_id, sales.id) is target_before
    window.redo_action.trigger()
    assert department_signoff(matrix, legal.id).agreed
    assert matrix.target_role(row.touchpoint_id, sales.id) is proposed

    # The same packs again: nothing left to apply.
    window.apply_review_action.trigger()
    dialog = shown(qtbot, window, ApplyReviewDialog)
    assert not dialog.apply_button.isEnabled()
    assert dialog.apply_button.text() == "Nothing to Apply"
    dialog.reject()
    window.close()


def test_a_refused_pack_is_shown_naming_the_file_and_applies_nothing(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = demo_document(tmp_path, "journey")
    document.close()
    open_and_wait(qtbot, window, document.path)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(junk)], ""))
    before = dict(window.session.matrix.signoffs)
    window.apply_review_action.trigger()
    dialog = shown(qtbot, window, ApplyReviewDialog)
    text = dialog.tree.topLevelItem(0).text(0)
    assert text.startswith("junk.xlsx: refused: junk.xlsx: ")
    assert not dialog.apply_button.isEnabled()
    assert "1 refused" in dialog.summary.text()
    dialog.reject()
    assert dict(window.session.matrix.signoffs) == before
    window.close()


def test_sending_again_leaves_agreed_departments_out_and_says_what_it_replaces(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = demo_document(tmp_path, "journey")  # with the demo's own sign-offs
    document.close()
    open_and_wait(qtbot, window, document.path)
    matrix = window.session.matrix
    names = {d.name: d.id for d in matrix.departments}
    before = dict(matrix.signoffs)
    window.send_review_action.trigger()
    dialog: SendForReviewDialog = shown(qtbot, window, SendForReviewDialog)
    checked = {name for name, did in names.items()
               if dialog.items[did].checkState(0) == Qt.CheckState.Checked}
    assert checked == {"Sales", "Legal", "Professional Services"}  # agreed ones left out
    assert dialog.items[names["Marketing"]].text(2) == (
        "agreed 20 Nov, up to date")
    assert dialog.items[names["Legal"]].text(2) == "disputed 24 Nov (2 touchpoints)"
    assert dialog.items[names["Sales"]].text(2) == "out of date (agreed 14 Sep)"
    assert dialog.items[names["Professional Services"]].text(2) == "asked 1 Dec"
    text = dialog.replacing.text()
    assert "Sales: replaces the agreement of 14 Sep (2 changes since)" in text
    assert "Legal: replaces the dispute of 24 Nov (2 touchpoints)" in text
    assert "Professional Services" not in text  # asked already: nothing to lose
    dialog.items[names["Marketing"]].setCheckState(0, Qt.CheckState.Checked)
    assert "Marketing: replaces the agreement of 20 Nov, up to date" in dialog.replacing.text()
    dialog._check_all(Qt.CheckState.Unchecked)
    dialog.items[names["Legal"]].setCheckState(0, Qt.CheckState.Checked)
    assert dialog.replacing.text().startswith(
        "Sending again makes the department asked until the new pack comes back. Legal:")
    out = tmp_path / "packs"
    out.mkdir()
    dialog.folder.setText(str(out))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: matrix.signoffs[names["Legal"]].state is SignOffState.ASKED,
                    timeout=20_000)
    assert window.statusBar().currentMessage() == (
        "Wrote 1 review pack into packs; Legal asked again (Undo brings back their answer).")
    window.undo_action.trigger()
    assert dict(matrix.signoffs) == before  # the dispute is back, as it was
    window.close()


def test_asked_by_offers_the_name_last_typed_when_the_matrix_names_nobody(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui_support import window_on_small_matrix

    from cxmatrix.ui import settings

    window = window_on_small_matrix(qtbot, tmp_path, monkeypatch)
    assert window.session.matrix.prepared_by == ""
    window.send_review_action.trigger()
    dialog: SendForReviewDialog = shown(qtbot, window, SendForReviewDialog)
    assert dialog.asker.text() == ""  # nothing known yet
    qtbot.keyClicks(dialog.asker, "Dana Whitfield ")
    out = tmp_path / "packs"
    out.mkdir()
    dialog.folder.setText(str(out))
    dialog._check_all(Qt.CheckState.Unchecked)
    sales = window.session.matrix.find_department("Sales")
    assert sales is not None
    dialog.items[sales.id].setCheckState(0, Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (record := window.session.matrix.signoffs.get(sales.id))
                    is not None and record.state is SignOffState.ASKED, timeout=20_000)
    assert settings.review_sender("") == "Dana Whitfield"  # kept for the next run
    window.send_review_action.trigger()
    again: SendForReviewDialog = shown(qtbot, window, SendForReviewDialog)
    assert again is not dialog and again.asker.text() == "Dana Whitfield"
    again.reject()
    # A matrix that names who prepared it offers that name first.
    assert settings.review_sender("Sam Okafor") == "Sam Okafor"
    window.close()
