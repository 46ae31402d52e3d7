"""The Sign-off dock and the header marks, driven as a person does: the demo's states, a
click on a department goes to its column and on a dispute to its cell, an agreement recorded
through the dialog is one undo step, and a later edit puts the mark out of date; the marks
differ in shape (greyscale) and say what they mean in the tooltip."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import demo_document, open_and_wait, window_with_captured_messages

from cxmatrix.domain.roles import Role
from cxmatrix.ui.grid.model import SIGNOFF_MARK, TOOLTIP
from cxmatrix.ui.main_window import MainWindow
from cxmatrix.ui.signoff_marks import Mark, mark_icon
from cxmatrix.ui.theme import dark_palette

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _open_demo(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               size: tuple[int, int]) -> MainWindow:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch, size=size)
    document = demo_document(tmp_path)
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    window.signoff_view.dock.show()
    window.signoff_view.dock.raise_()
    return window


@pytest.fixture
def demo(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return _open_demo(qtbot, tmp_path, monkeypatch, (1500, 900))


def _department(window: MainWindow, name: str) -> int:
    return next(d.id for d in window.session.matrix.departments if d.name == name)


def _row(window: MainWindow, name: str) -> int:
    row = window.signoff_view.panel.model.row_of(_department(window, name))
    assert row is not None
    return row


def _click_row(qtbot: QtBot, window: MainWindow, name: str) -> None:
    table = window.signoff_view.panel.table
    rect = table.visualRect(table.model().index(_row(window, name), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _header(window: MainWindow, name: str, role: int) -> Any:
    column = window.model.column_of_department(_department(window, name))
    return window.model.headerData(column, Qt.Orientation.Horizontal, role)


def test_the_panel_shows_each_department_and_a_click_goes_to_its_column(
        qtbot: QtBot, demo: MainWindow) -> None:
    panel = demo.signoff_view.panel
    assert panel.summary.text() == (
        "6 of 9 departments agreed; Legal disputes 2 touchpoints; Sales' agreement is out "
        "of date (2 changes since 14 Sep); Professional Services has not answered yet "
        "(sent 1 Dec).")
    model = panel.model
    states = {model.data(model.index(r, 0)): model.data(model.index(r, 1))
              for r in range(model.rowCount())}
    assert states["Sales"] == "out of date" and states["Legal"] == "disputed"
    assert states["Professional Services"] == "asked" and states["Finance"] == "agreed"
    # The rows elide long names in a narrow dock; the tooltip has them whole.
    services = model.row_of(_department(demo, "Professional Services"))
    assert model.data(model.index(services, 2), Qt.ItemDataRole.ToolTipRole) == (
        "Professional Services: asked, review pack sent to Rahul Mehta on 1 December 2026")
    _click_row(qtbot, demo, "Sales")
    sales = _department(demo, "Sales")
    column = demo.model.column_of_department(sales)
    assert demo.grid.selectionModel().isColumnSelected(column)
    assert panel.details_title.text() == (
        "Sales: out of date (agreed by Daniel Okafor on 14 September 2026; 2 changes since)")
    assert [i.text for i in panel.details.items] == [
        "Sales-to-CS handover & kick-off call: own -> own (target influence)",
        "Renewal conversation: own -> influence"]
    # A dispute goes to its cell.
    _click_row(qtbot, demo, "Legal")
    assert panel.details.items[0].text.startswith(
        "Security & compliance questionnaire (proposes Own): Legal answers")
    view = panel.details_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(panel.details.index(0)).center())
    current = demo.grid.currentIndex()
    tp = next(t for t in demo.session.matrix.iter_touchpoints()
              if t.name == "Security & compliance questionnaire")
    assert demo.model.touchpoint_id_at(current.row()) == tp.id
    assert current.column() == demo.model.column_of_department(_department(demo, "Legal"))


def test_record_an_agreement_through_the_dialog_then_undo_and_a_later_edit(
        qtbot: QtBot, demo: MainWindow) -> None:
    panel = demo.signoff_view.panel
    sales = _department(demo, "Sales")
    _click_row(qtbot, demo, "Sales")
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))

    def fill() -> None:
        dialog = panel.dialog
        assert dialog.lead.text() == "Daniel Okafor"
        dialog.day.setDate(QDate(2026, 12, 2))
        dialog.accept()

    QTimer.singleShot(0, fill)
    panel.agree_button.click()
    status = demo.session.document.findings.signoffs.status(sales)
    assert status.agreed and status.record.when == date(2026, 12, 2)
    assert panel.model.data(panel.model.index(_row(demo, "Sales"), 1)) == "agreed"
    assert panel.summary.text().startswith("7 of 9 departments agreed; Legal disputes")
    assert "Sign-off: agreed by Daniel Okafor on 2 December 2026" in _header(demo, "Sales",
                                                                               TOOLTIP)
    assert demo.session.undo_stack.undoText() == "Record Sales' agreement"
    demo.session.undo_stack.undo()
    assert demo.session.document.findings.signoffs.status(sales).out_of_date
    assert panel.model.data(panel.model.index(_row(demo, "Sales"), 1)) == "out of date"
    demo.session.undo_stack.redo()
    # A later edit of the column makes it out of date again, row and header.
    renewal = next(t.id for t in demo.session.matrix.iter_touchpoints()
                   if t.name == "Renewal conversation")
    demo.session.document.set_cells([(renewal, sales, Role.HANDLE)])
    assert panel.model.data(panel.model.index(_row(demo, "Sales"), 1)) == "out of date"
    assert "out of date" in _header(demo, "Sales", TOOLTIP)
    assert resets == []  # followed row by row, never reset


@pytest.mark.team
def test_on_the_team_server_a_lead_signs_their_department_and_a_refusal_is_shown(
        qtbot: QtBot, team_url: str, tmp_path: Path) -> None:
    from cxmatrix.interchange.demo import demo_matrix
    from cxmatrix.store import Document
    from cxmatrix.store.server import ServerAddress, parse_address, transfer
    from cxmatrix.store.server.document import ServerDocument
    from cxmatrix.store.server.members import change_members
    from cxmatrix.ui.panels.signoff import SignOffPanel
    from cxmatrix.ui.session import Session

    path = tmp_path / "demo.cxm"
    Document.create(path, demo_matrix()).close()
    address = parse_address(team_url)
    transfer.publish(path, address, "Journey")
    login = f"maren_{address.url.rsplit('/', 1)[1]}"
    change_members(address.with_name("Journey"), add=(login, "lead", ["Customer Success"]),
                   password="maren-pw")
    lead = ServerAddress(address.url.replace("cxadmin@", f"{login}@"), "Journey", "maren-pw")
    document = ServerDocument.connect(lead)
    session = Session()
    session.set_document(document)
    panel = SignOffPanel(session)
    qtbot.addWidget(panel)
    try:
        matrix = document.matrix
        success = next(d.id for d in matrix.departments if d.name == "Customer Success")
        sales = next(d.id for d in matrix.departments if d.name == "Sales")
        assert panel.record_agreement(success, "Maren Lindqvist", date(2026, 12, 2))
        assert document.findings.signoffs.status(success).agreed
        assert matrix.signoffs[success].when == date(2026, 12, 2)
        assert not panel.message.isVisibleTo(panel)
        assert not panel.record_agreement(sales, "Maren Lindqvist", date(2026, 12, 2))
        assert panel.message.isVisibleTo(panel)
        assert panel.message.text().startswith("Record Sales' agreement failed: ")
        assert document.findings.signoffs.status(sales).out_of_date  # as it was
        assert session.undo_stack.count() == 1
        session.undo_stack.undo()  # back to the demo's agreement of 20 November
        assert matrix.signoffs[success].when == date(2026, 11, 20)
    finally:
        session.close()


def test_header_marks_differ_in_shape_and_say_what_they_mean(demo: MainWindow) -> None:
    assert _header(demo, "Marketing", SIGNOFF_MARK) is Mark.AGREED
    assert _header(demo, "Sales", SIGNOFF_MARK) is Mark.OUT_OF_DATE
    assert _header(demo, "Professional Services", SIGNOFF_MARK) is Mark.ASKED
    assert "Sign-off: disputed by Jonah Feldman" in _header(demo, "Legal", TOOLTIP)
    assert ("Sign-off: asked, review pack sent to Rahul Mehta on 1 December 2026"
            in _header(demo, "Professional Services", TOOLTIP))
    for palette in (QApplication.palette(), dark_palette()):
        greys = []
        for mark in Mark:
            image = mark_icon(mark, palette).pixmap(14, 14).toImage().convertToFormat(
                QImage.Format.Format_Grayscale8)
            greys.append(bytes(image.constBits())[:image.sizeInBytes()])
        assert len(set(greys)) == 4  # four different pictures even without colour


def _header_image(demo: MainWindow) -> QImage:
    header = demo.grid.horizontalHeader()
    header.viewport().repaint()
    return header.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)


def _ink_rows(image: QImage, left: int, right: int) -> list[int]:
    """The rows of the image between columns left and right that hold dark or light ink
    (a pixel far from the row's background)."""
    rows = []
    for y in range(image.height()):
        background = image.pixelColor(left, y).value()
        if any(abs(image.pixelColor(x, y).value() - background) > 90
               for x in range(left + 2, right - 2)):
            rows.append(y)
    return rows


def test_the_header_mark_stands_above_the_name_with_a_gap(demo: MainWindow) -> None:
    from cxmatrix.ui.grid.header import MARK_GAP, STRIP

    header = demo.grid.horizontalHeader()
    column = demo.model.column_of_department(_department(demo, "Engineering"))
    left = header.sectionViewportPosition(column)
    image = _header_image(demo)
    rows = _ink_rows(image, left, left + header.sectionSize(column))
    mark = [y for y in rows if y < STRIP]
    name = [y for y in rows if y >= STRIP]
    assert mark and name, "both the mark and the name are painted"
    assert min(name) - max(mark) > MARK_GAP  # a gap between the mark and the text
    # Without any sign-off the header has no strip.
    with_strip = header.height()
    demo.session.document.set_signoffs([(d, None) for d in list(demo.session.matrix.signoffs)])
    assert not header.any_mark()
    assert header.sizeHint().height() < with_strip


def test_the_panel_shows_nine_departments_one_line_each_at_its_default_size(
        qtbot: QtBot, demo: MainWindow) -> None:
    table = demo.signoff_view.panel.table
    rows = table.model().rowCount()
    assert rows == 9

    def all_rows_shown() -> bool:
        last = table.rowViewportPosition(rows - 1) + table.rowHeight(rows - 1)
        return last <= table.viewport().height()

    assert all_rows_shown()  # every department visible without scrolling
    assert len({table.rowHeight(r) for r in range(rows)}) == 1  # no lead's name wraps
    assert not table.wordWrap()
    # A longer summary (Marketing out of date too) takes its room from the details below.
    matrix = demo.session.matrix
    marketing = _department(demo, "Marketing")
    tp = next(t.id for t in matrix.iter_touchpoints() if matrix.role(t.id, marketing) is None)
    summary = demo.signoff_view.panel.summary
    lines = summary.height()
    demo.session.document.set_cells([(tp, marketing, Role.HANDLE)])
    qtbot.waitUntil(lambda: summary.height() > lines, timeout=5_000)
    assert all_rows_shown()


def test_the_findings_list_follows_sign_off_changes_and_edits_of_agreed_columns(
        demo: MainWindow) -> None:
    from cxmatrix.domain.findings import DISPUTED, SIGNOFF_OUTDATED, Severity
    from cxmatrix.ui import signoff_commands

    model = demo.findings_panel.model
    session = demo.session

    def shown(code: str) -> list[str]:
        return [session.matrix.department(f.department_id).name
                for severity in Severity for f in model.findings(severity)
                if f.code == code and f.department_id is not None]

    assert shown(DISPUTED) == ["Legal", "Legal"] and shown(SIGNOFF_OUTDATED) == ["Sales"]
    legal = _department(demo, "Legal")
    assert session.execute(signoff_commands.mark_asked(session, legal, "Jonah Feldman",
                                                       date(2026, 12, 3)))
    assert shown(DISPUTED) == []  # asked again: the dispute is no longer listed
    session.undo_stack.undo()
    assert shown(DISPUTED) == ["Legal", "Legal"]
    marketing = _department(demo, "Marketing")
    tp = next(t.id for t in session.matrix.iter_touchpoints()
              if session.matrix.role(t.id, marketing) is None)
    session.document.set_cells([(tp, marketing, Role.HANDLE)])
    assert shown(SIGNOFF_OUTDATED) == ["Marketing", "Sales"]


def test_on_a_laptop_the_chosen_department_stays_in_view_and_an_agreed_one_lists_nothing(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = _open_demo(qtbot, tmp_path, monkeypatch, (1280, 800))
    panel = window.signoff_view.panel
    table = panel.table
    QApplication.processEvents()
    for name in ("Customer Success", "Legal", "Professional Services", "Sales", "Finance"):
        panel.select_department(_department(window, name))
        QApplication.processEvents()
        status = window.session.document.findings.signoffs.status(_department(window, name))
        listed = status.out_of_date or status.state.value == "disputed"
        assert panel.details_view.isVisibleTo(panel) == listed, name
        assert panel.details_title.text().startswith(f"{name}: "), name
        # The chosen row is whole in view, also after the table gave room to the list.
        rect = table.visualRect(panel.model.index(_row(window, name), 0))
        assert rect.top() >= 0 and rect.bottom() <= table.viewport().height(), name
    # With nothing to list, the table takes the room: all nine departments show.
    panel.select_department(_department(window, "Finance"))
    QApplication.processEvents()
    last = panel.model.rowCount() - 1
    assert table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()
    window.close()


def test_an_edit_outside_agreed_columns_keeps_the_out_of_date_agreement_listed(
        demo: MainWindow) -> None:
    """The person of a planned change typed in the Changes dock, then a role in a column
    nobody agreed to: the findings list still shows Sales' out-of-date agreement, and counts
    what a full computation counts (it had dropped it: "20 info" became "19 info")."""
    from cxmatrix.domain.findings import SIGNOFF_OUTDATED, Severity, compute_findings
    from cxmatrix.ui.panels.changes_panel import PERSON

    panel = demo.findings_panel
    session = demo.session

    def listed() -> list[tuple[str, int | None, int | None]]:
        return [(f.code, f.touchpoint_id, f.department_id)
                for severity in Severity for f in panel.model.findings(severity)]

    def computed() -> list[tuple[str, int | None, int | None]]:
        return [(f.code, f.touchpoint_id, f.department_id)
                for f in compute_findings(session.matrix)]

    assert listed() == computed()
    summary = panel.summary.text()
    changes = demo.plan_view.panel.model
    key = next(row.key for group in changes.changes.groups for row in group.rows
               if row.action is not None)
    index = changes.row_index(key).siblingAtColumn(PERSON)
    assert changes.setData(index, "Jamie Fox")
    assert session.matrix.action(*key).person == "Jamie Fox"
    assert listed() == computed()
    assert panel.summary.text() == summary
    assert [f.code for f in panel.model.findings(Severity.INFO)].count(SIGNOFF_OUTDATED) == 1

    from cxmatrix.domain.signoff import SignOffState

    signoffs = session.matrix.signoffs
    free = next(d for d in session.matrix.departments
                if d.id not in session.matrix.planned_departments and (
                    d.id not in signoffs or signoffs[d.id].state is SignOffState.ASKED))
    tp = next(t.id for t in session.matrix.iter_touchpoints()
              if session.matrix.role(t.id, free.id) is None)
    session.document.set_cells([(tp, free.id, Role.INFLUENCE)])
    assert listed() == computed()
