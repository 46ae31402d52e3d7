"""Comments in the window: the details dock lists a cell's and its touchpoint's comments with
author and time and offers Add Comment…; the grid marks a commented cell discreetly and its
tooltip says so; undo removes the comment. On the team server a department lead comments on
another department's cell, the other window shows it live, History lists it, and a viewer
cannot comment (pytest-qt, two windows in one process)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from ui_support import (
    click_cell,
    column_of,
    row_of,
    small_matrix,
    window_on_small_matrix,
    window_with_captured_messages,
)

from cxmatrix.store import Document
from cxmatrix.store.server import parse_address, transfer
from cxmatrix.store.server.members import change_members
from cxmatrix.ui.dialogs.comment_dialog import CommentDialog
from cxmatrix.ui.grid.model import COMMENTS

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
TOOLTIP = Qt.ItemDataRole.ToolTipRole
WAIT_MS = 30_000


def _cell_image(window: Any, row: int, column: int) -> QImage:
    grid = window.grid
    grid.clearSelection()
    grid.setCurrentIndex(QModelIndex())
    grid.viewport().repaint()
    return grid.viewport().grab(grid.visualRect(window.model.index(row, column))).toImage()


def _answer_dialog(author: str, text: str) -> None:
    """Fill and accept the Add Comment dialog once it is open."""
    def fill() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, CommentDialog) and w.isVisible())
        if not dialog.author.isReadOnly():
            dialog.author.setText(author)
        dialog.text.setPlainText(text)
        dialog.accept()

    QTimer.singleShot(0, fill)


def test_a_comment_is_added_shown_marked_and_undone(qtbot: Any, tmp_path: Path,
                                                    monkeypatch: Any) -> None:
    window = window_on_small_matrix(qtbot, tmp_path, monkeypatch)
    row, column = row_of(window, "Welcome email"), column_of(window, "Sales")
    plain = _cell_image(window, row, column)
    click_cell(qtbot, window, row, column)
    box = window.details_panel.comments
    assert box.isVisibleTo(window.details_panel) and "No comments yet" in box.list.text()
    assert box.add_button.isEnabled()
    _answer_dialog("Maren <Sales>", "We send this one.\nCheck the wording.")
    assert box.add_comment()
    matrix = window.session.matrix
    tp = matrix.find_touchpoints("Welcome email")[0].id
    dept = matrix.find_department("Sales").id
    [comment] = matrix.comments_on(tp, dept)
    assert comment.author == "Maren <Sales>"
    shown = box.list.text()
    assert "<b>Maren &lt;Sales&gt;</b>" in shown and "We send this one.<br>Check" in shown
    assert comment.at.strftime("%Y-%m-%d %H:%M UTC") in shown
    index = window.model.index(row, column)
    assert index.data(COMMENTS) == 1
    assert "1 comment, latest by Maren <Sales>: We send this one. Check" in index.data(TOOLTIP)
    assert _cell_image(window, row, column) != plain  # the corner mark
    # The same touchpoint, another cell: its own list is empty, the row's comment is named.
    click_cell(qtbot, window, row, column_of(window, "Support"))
    assert "on Sales" in box.list.text()
    # The author is remembered for the next comment; undo removes the comment.
    dialog = CommentDialog(window, "x", None)
    qtbot.addWidget(dialog)
    assert dialog.author.text() == "Maren <Sales>"
    window.session.undo_stack.undo()
    assert not matrix.comments and index.data(COMMENTS) == 0
    assert _cell_image(window, row, column) == plain


@pytest.mark.team
def test_a_lead_comments_on_another_column_and_the_other_window_sees_it(
        qtbot: Any, tmp_path: Path, monkeypatch: Any, team_url: str) -> None:
    path = tmp_path / "small.cxm"
    Document.create(path, small_matrix()).close()
    address = parse_address(team_url)
    transfer.publish(path, address, "Small")
    login = f"anna_{team_url.rsplit('/', 1)[1]}"
    viewer = f"vic_{team_url.rsplit('/', 1)[1]}"
    shared = address.with_name("Small")
    change_members(shared, add=(login, "lead", ["Support"]), password="anna-pw")
    change_members(shared, add=(viewer, "viewer", []), password="vic-pw")
    lead = window_with_captured_messages(qtbot, tmp_path / "one", monkeypatch)
    owner = window_with_captured_messages(qtbot, tmp_path / "two", monkeypatch)
    for window, url in ((lead, team_url.replace("cxadmin:admin-secret@",
                                                 f"{login}:anna-pw@")), (owner, team_url)):
        job = window.team.open_address(f"{url}#Small")
        assert job is not None
        qtbot.waitUntil(lambda job=job: job.settled, timeout=WAIT_MS)
        assert window.team.document is not None, window.errors
    row, column = row_of(lead, "Welcome email"), column_of(lead, "Sales")  # not Anna's
    click_cell(qtbot, lead, row, column)
    _answer_dialog("ignored", "Support gets these replies")
    assert lead.details_panel.comments.add_comment(), lead.errors
    matrix = owner.session.matrix
    tp = matrix.find_touchpoints("Welcome email")[0].id
    dept = matrix.find_department("Sales").id
    click_cell(qtbot, owner, row, column)
    qtbot.waitUntil(lambda: len(matrix.comments_on(tp, dept)) == 1, timeout=WAIT_MS)
    assert matrix.comments_on(tp, dept)[0].author == login
    box = owner.details_panel.comments
    qtbot.waitUntil(lambda: "Support gets these replies" in box.list.text(), timeout=WAIT_MS)
    assert f"<b>{login}</b>" in box.list.text()
    assert owner.model.index(row, column).data(COMMENTS) == 1
    assert any("commented on Welcome email (Sales)" in note for note in owner.team.notes)
    assert "commented on Welcome email (Sales): Support gets" in owner.team.history_text(tp, dept)
    # Undo in the lead's window removes it for everybody.
    lead.session.undo_stack.undo()
    qtbot.waitUntil(lambda: not matrix.comments_on(tp, dept), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "No comments yet" in box.list.text(), timeout=WAIT_MS)
    # A viewer reads comments but cannot add one.
    reader = window_with_captured_messages(qtbot, tmp_path / "three", monkeypatch)
    job = reader.team.open_address(team_url.replace("cxadmin:admin-secret@",
                                                    f"{viewer}:vic-pw@") + "#Small")
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=WAIT_MS)
    click_cell(qtbot, reader, row, column)
    assert not reader.details_panel.comments.add_button.isEnabled()
    # Remove: the lead is offered only their own comment, the owner any, the viewer none;
    # the owner removes the lead's comment and History says who did.
    click_cell(qtbot, lead, row, column)
    _answer_dialog("ignored", "A second thought")
    assert lead.details_panel.comments.add_comment(), lead.errors
    qtbot.waitUntil(lambda: len(matrix.comments_on(tp, dept)) == 1, timeout=WAIT_MS)
    click_cell(qtbot, owner, row, column)
    _answer_dialog("ignored", "Owner agrees")
    assert box.add_comment(), owner.errors
    lead_box = lead.details_panel.comments
    qtbot.waitUntil(lambda: "Owner agrees" in lead_box.list.text(), timeout=WAIT_MS)
    lead_menu = [a.text() for a in lead_box.removal_menu().actions()]
    assert len(lead_menu) == 1 and lead_menu[0].startswith(f"Remove {login}'s comment of ")
    assert "A second thought" in lead_menu[0]
    owner_menu = box.removal_menu().actions()
    assert len(owner_menu) == 2
    qtbot.waitUntil(lambda: "Owner agrees" in reader.details_panel.comments.list.text()
                    or bool(reader.session.matrix.comments_on(tp, dept)), timeout=WAIT_MS)
    click_cell(qtbot, reader, row, column)
    assert reader.details_panel.comments.removal_menu().isEmpty()
    next(a for a in owner_menu if "A second thought" in a.text()).trigger()
    assert owner.session.undo_stack.undoText().startswith(f"Remove {login}'s comment on ")
    assert [c.text for c in matrix.comments_on(tp, dept)] == ["Owner agrees"]
    qtbot.waitUntil(lambda: "A second thought" not in lead_box.list.text(), timeout=WAIT_MS)
    assert f"cxadmin removed {login} (Support)'s comment on Welcome email: A second thought" \
        in owner.team.history_text(tp, dept)


def test_a_comment_is_removed_from_the_list_s_menu_and_undone(qtbot: Any, tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    window = window_on_small_matrix(qtbot, tmp_path, monkeypatch)
    click_cell(qtbot, window, row_of(window, "Welcome email"), column_of(window, "Sales"))
    box = window.details_panel.comments
    assert box.removal_menu().isEmpty()
    _answer_dialog("Robin", "Ask Sales first")
    assert box.add_comment(), window.errors
    menu = box.removal_menu().actions()
    assert [a.text() for a in menu] == [
        f"Remove Robin's comment of {box.shown[0].at:%Y-%m-%d %H:%M}: “Ask Sales first”"]
    menu[0].trigger()
    assert "No comments yet" in box.list.text()
    assert window.session.undo_stack.undoText() == "Remove Robin's comment on Sales on " \
                                                   "Welcome email"
    assert _comments_on_disk(window, tmp_path) == []
    window.session.undo_stack.undo()
    assert "Ask Sales first" in box.list.text()
    assert _comments_on_disk(window, tmp_path) == ["Ask Sales first"]


def _comments_on_disk(window: Any, folder: Path) -> list[str]:
    """The comments a fresh reader of a copy of the window's file sees."""
    copy = folder / "copy.cxm"
    shutil.copyfile(window.session.document.path, copy)
    with Document.open(copy, read_only=True) as fresh:
        return [c.text for c in fresh.matrix.comments.values()]
