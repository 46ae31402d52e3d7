"""Found by walking a week's work in a real window: each test pins one fix (keyboard access,
wording, feedback) so that it stays fixed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot
from ui_support import (
    click_cell,
    column_of,
    demo_document,
    open_and_wait,
    press,
    row_of,
    window_with_captured_messages,
)

from cxmatrix.ui.panels.changes_panel import DUE, DueEdit

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
ALT = Qt.KeyboardModifier.AltModifier


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower case."""
    found = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def visible_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Letter -> texts of the visible labels, buttons, group boxes and tabs that claim it."""
    claims: dict[str, list[str]] = {}

    def claim(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            claims.setdefault(letter, []).append(text)

    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            claim(widget.text())
        elif isinstance(widget, QAbstractButton | QGroupBox):
            claim(widget.text() if isinstance(widget, QAbstractButton) else widget.title())
        elif isinstance(widget, QTabBar):
            for tab in range(widget.count()):
                claim(widget.tabText(tab))
    return claims


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = demo_document(tmp_path)
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    return window


def test_no_visible_field_takes_a_menu_letter_or_anothers(demo_window: Any, qtbot: QtBot) -> None:
    """Alt+M and Alt+H opened nothing: the Details dock's '&Metric:' and 'C&hannel:' took
    the letters of the Matrix and Help menus, and Qt gives an ambiguous Alt+letter to
    neither."""
    window = demo_window
    for dock in window.findChildren(QWidget):
        if dock.metaObject().className() == "QDockWidget":
            dock.show()
    qtbot.wait(10)
    menus = {mnemonic(action.text()) for action in window.menuBar().actions()}
    claims = visible_mnemonics(window)
    taken = {letter: texts for letter, texts in claims.items() if letter in menus}
    assert taken == {}
    shared = {letter: texts for letter, texts in claims.items() if len(texts) > 1}
    assert shared == {}


@pytest.mark.parametrize(("letter", "title"),
                         [(Qt.Key.Key_M, "&Matrix"), (Qt.Key.Key_H, "&Help")])
def test_alt_letter_opens_its_menu(demo_window: Any, qtbot: QtBot, letter: Qt.Key,
                                   title: str) -> None:
    window = demo_window
    bar = window.menuBar()
    press(qtbot, window, letter, ALT)
    qtbot.waitUntil(lambda: bar.activeAction() is not None, timeout=2000)
    assert bar.activeAction().text() == title
    bar.activeAction().menu().close()


def test_deleting_a_department_says_what_went_with_undo(demo_window: Any, qtbot: QtBot) -> None:
    """Matrix > Delete Department took a whole column away without a word, where deleting a
    touchpoint or a stage says what went and offers Undo."""
    window = demo_window
    matrix = window.session.matrix
    finance = matrix.find_department("Finance")
    assert finance is not None
    roles = sum(1 for row in matrix.roles.values() if finance.id in row)
    assert roles > 1
    first = matrix.touchpoint(next(tp for tp, row in matrix.roles.items() if finance.id in row))
    click_cell(qtbot, window, row_of(window, first.name), column_of(window, "Finance"))
    window.delete_department_action.trigger()
    assert matrix.find_department("Finance") is None
    assert window.notice.isVisible()
    assert window.notice.text == f"Deleted department Finance and its {roles} roles."
    undo = window.notice.button("Undo")
    assert undo is not None
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert not window.notice.isVisible()
    back = matrix.find_department("Finance")
    assert back is not None
    assert sum(1 for row in matrix.roles.values() if back.id in row) == roles


def open_due_editor(window: Any, key: tuple[int, int]) -> DueEdit:
    panel = window.plan_view.panel
    index = panel.model.row_index(key).siblingAtColumn(DUE)
    assert index.isValid()
    panel.view.setCurrentIndex(index)
    panel.view.edit(index)
    (editor,) = [e for e in panel.view.viewport().findChildren(DueEdit) if e.isVisible()]
    return editor


@pytest.mark.parametrize(("typed", "wanted"), [
    ("2027-01-15", date(2027, 1, 15)), ("2025-3-7", date(2025, 3, 7)),
    ("20270115", date(2027, 1, 15)), ("2027/11/30", date(2027, 11, 30))])
def test_a_due_date_typed_in_another_year_keeps_its_year(demo_window: Any, qtbot: QtBot,
                                                         typed: str, wanted: date) -> None:
    """Typing 2027-01-15 in the Due column saved 2026-01-15: the year's digits were dropped
    (over "No date" and over a date alike), and after a full year the '-' skipped the month."""
    window = demo_window
    window.view_target_action.trigger()
    matrix = window.session.matrix
    key = next((tp, dept) for tp, row in matrix.targets.items() for dept in row
               if matrix.is_planned_change(tp, dept))
    for before in (None, date(2026, 5, 1)):
        editor = open_due_editor(window, key)
        editor.set_due(before)
        qtbot.keyClicks(editor, typed)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.plan_view.panel.view.state()
                        != QAbstractItemView.State.EditingState)
        action = matrix.action(*key)
        assert action is not None and action.due == wanted, (before, typed)


def test_a_long_status_message_is_not_cut_by_the_counts(demo_window: Any, qtbot: QtBot) -> None:
    """'Wrote 4 review packs into packs; Marketing, Sales, Legal asked again (Undo brings
    bac' ran under the counts on the right; while a message shows they give it room, and
    they come back, as they were, once it has gone."""
    window = demo_window
    window.resize(1280, 800)
    bar = window.statusBar()
    counts = window.findChild(QLabel, "statusCounts")
    plan = window.findChild(QLabel, "planStatus")
    assert counts.isVisible() and plan.isVisible()
    message = ("Wrote 4 review packs into packs; Marketing, Sales, Legal and Professional "
               "Services asked again (Undo brings back their answer).")
    bar.showMessage(message, 5000)
    qtbot.waitUntil(lambda: counts.width() == 0 and plan.width() == 0)
    needed = bar.fontMetrics().horizontalAdvance(message)
    assert needed < bar.width() - 20
    bar.clearMessage()
    qtbot.waitUntil(lambda: counts.width() > 0 and plan.width() > 0)
    assert counts.isVisible() and plan.isVisible()
    assert counts.text().startswith("48 touchpoints")


def test_the_status_figures_follow_a_change_of_sign_off(demo_window: Any, qtbot: QtBot) -> None:
    """After sending packs or applying a review the status bar still said 'today: 4 errors,
    5 warnings' where the Findings dock said 3 warnings: a sign-off changes findings
    (disputed, outdated) without changing a role, and the figures waited for a role."""
    from cxmatrix.ui.plan_figures import PlanFigures

    window = demo_window
    document = window.session.document
    status = window.findChild(QLabel, "planStatus")
    before = status.text()
    panel = window.signoff_view.panel
    legal = window.session.matrix.find_department("Legal")
    assert legal is not None and legal.id in window.session.matrix.signoffs
    window.signoff_view.dock.show()
    panel.select_department(legal.id)
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert legal.id not in window.session.matrix.signoffs
    fresh = PlanFigures()
    fresh.reset(document)
    figures = fresh.figures()
    assert figures is not None
    assert status.text() == figures.text() != before
    window.session.undo_stack.undo()
    fresh.reset(document)
    assert status.text() == before == fresh.figures().text()  # type: ignore[union-attr]


def test_send_for_review_says_what_it_replaces_without_a_question_mark(
        demo_window: Any, qtbot: QtBot, tmp_path: Path) -> None:
    """A pack returned without its date left a dispute with no day, and Send for Review
    said 'Marketing: replaces the dispute of ? (1 touchpoint)'."""
    from cxmatrix.domain.signoff import Dispute, SignOff, SignOffState
    from cxmatrix.ui.dialogs.review_dialogs import SendForReviewDialog

    window = demo_window
    matrix = window.session.matrix
    marketing = matrix.find_department("Marketing")
    assert marketing is not None
    touchpoint = next(tp for tp, row in matrix.roles.items() if marketing.id in row)
    matrix.set_signoff(marketing.id, SignOff(SignOffState.DISPUTED, "Priya Raman", None,
                                             disputes=(Dispute(touchpoint, "Not ours"),)))
    dialog = SendForReviewDialog(matrix, str(tmp_path), window)
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.replacing_text()
    assert "Marketing: replaces the dispute (1 touchpoint)" in text
    assert "?" not in text
    assert dialog.replacing.isVisible()


def test_a_refused_department_name_brings_the_dialog_back_as_typed(
        demo_window: Any, qtbot: QtBot) -> None:
    """Renaming Product to 'sales' said 'There is already a department called Sales' and
    closed the dialog: the lead and code typed with it were lost. The dialog comes back with
    what was typed; the second, good name is taken in one step."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cxmatrix.ui.dialogs.properties import DepartmentDialog

    window = demo_window
    matrix = window.session.matrix
    product = matrix.find_department("Product")
    assert product is not None
    seen: list[tuple[str, str]] = []
    answers = iter([("sales", "Dana Lee"), ("Product & Design", None)])

    def answer() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, DepartmentDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        seen.append((dialog.name.text(), dialog.lead.text()))
        name, lead = next(answers)
        dialog.name.setText(name)
        if lead is not None:
            dialog.lead.setText(lead)
        dialog.accept()
        if name == "sales":
            QTimer.singleShot(10, answer)

    steps = window.session.undo_stack.count()
    QTimer.singleShot(10, answer)
    assert window.structure.edit_department(product.id)
    assert [title for title, _text in window.errors] != []
    assert "already a department called" in window.errors[0][1]
    assert seen == [("Product", "Aisha Campbell"), ("sales", "Dana Lee")]
    renamed = matrix.department(product.id)
    assert (renamed.name, renamed.lead) == ("Product & Design", "Dana Lee")
    assert window.session.undo_stack.count() == steps + 1


def test_the_snapshots_compare_button_says_what_it_compares(demo_window: Any,
                                                            qtbot: QtBot) -> None:
    """'Compare with…' promised a question and compared at once with the matrix as it is."""
    window = demo_window
    assert window.plan_view.take_snapshot("Before the QBR")
    dialog = window.plan_view.show_snapshots()
    assert dialog is not None
    assert dialog.compare.text() == "&Compare with Today"
    from cxmatrix.ui.dialogs.help import guide_html
    assert "<b>Compare with Today</b>" in guide_html()
    assert dialog.compare.isEnabled()
    qtbot.mouseClick(dialog.compare, Qt.MouseButton.LeftButton)
    assert "Comparing with" in window.plan_view.comparing_label.text()
    dialog.close()


def test_the_import_dialog_counts_a_cxmatrix_workbook_as_it_will_read_it(
        qtbot: QtBot, tmp_path: Path) -> None:
    """Opening an Excel file exported by cxmatrix said 'Will create 48 touchpoints in 8
    stages and 8 departments' and 'Column S (Professional Services) is not imported: no
    codes in this column', then imported 9 departments: the department with only planned
    roles was counted by the grid's trial run, not by the workbook's own reader."""
    from cxmatrix.interchange.demo import demo_matrix
    from cxmatrix.interchange.xlsx.export import write
    from cxmatrix.ui.dialogs.import_wizard import ImportWizard

    matrix = demo_matrix()
    source = tmp_path / "exported.xlsx"
    write(matrix, source)
    wizard = ImportWizard(source)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.inspection is not None, timeout=10_000)
    text = wizard.skipped_text.toPlainText()
    count = len(matrix.departments)
    assert f"and {count} departments" in text, text
    assert "Professional Services" not in text
    assert text.startswith("Will create")


def test_review_packs_go_where_the_last_packs_went(demo_window: Any, qtbot: QtBot,
                                                   tmp_path: Path) -> None:
    """After a PDF export, File > Send for Review… offered the PDF's folder instead of the
    one the packs were written to (and the answers come back to)."""
    from cxmatrix.ui import review, settings
    from cxmatrix.ui.dialogs.review_dialogs import SendForReviewDialog

    packs = tmp_path / "packs"
    reports = tmp_path / "reports"
    packs.mkdir()
    reports.mkdir()
    settings.remember_review_folder(packs)
    settings.remember_export(reports / "demo.pdf")
    dialog = review.send_for_review(demo_window)
    assert isinstance(dialog, SendForReviewDialog)
    assert Path(dialog.folder.text()) == packs.resolve()
    dialog.reject()


def test_an_overdue_action_stands_out_in_the_changes_dock(demo_window: Any) -> None:
    """The demo's Welcome email change was due on 30 November and still in progress; the
    Changes dock showed it like any other date."""
    from datetime import timedelta

    from PySide6.QtGui import QBrush

    from cxmatrix.domain.actions import Action, ActionStatus

    window = demo_window
    matrix = window.session.matrix
    keys = [(tp, dept) for tp, row in matrix.targets.items() for dept in row
            if matrix.is_planned_change(tp, dept)][:2]
    late, later = keys
    today = date.today()
    matrix.set_action(*late, Action("Priya Raman", today - timedelta(days=3),
                                    ActionStatus.IN_PROGRESS))
    matrix.set_action(*later, Action("Daniel Okafor", today + timedelta(days=3)))
    model = window.plan_view.panel.model
    model.rebuild()
    overdue = model.row_index(late).siblingAtColumn(DUE)
    on_time = model.row_index(later).siblingAtColumn(DUE)
    assert isinstance(overdue.data(Qt.ItemDataRole.ForegroundRole), QBrush)
    assert "Overdue: it was due on" in overdue.data(Qt.ItemDataRole.ToolTipRole)
    assert on_time.data(Qt.ItemDataRole.ForegroundRole) is None
    assert "Overdue" not in on_time.data(Qt.ItemDataRole.ToolTipRole)
    assert not Action(due=today - timedelta(days=1), status=ActionStatus.DONE).is_overdue(today)
    assert not Action(due=today).is_overdue(today)


def test_the_pdf_preview_sits_under_its_caption(demo_window: Any, qtbot: QtBot) -> None:
    """'Page 1:' stood alone at the top, the page drawn far below it in the middle."""
    from cxmatrix.ui.dialogs.pdf_export import PdfExportDialog

    window = demo_window
    dialog = PdfExportDialog(window.session.matrix.copy(), "demo.pdf", window)
    qtbot.addWidget(dialog)
    dialog.show()
    caption = dialog.findChild(QLabel, "pdfPreviewCaption")
    preview = dialog.findChild(QLabel, "pdfPreview")
    assert caption.text() == "Preview of page 1, the executive summary:"
    assert preview.alignment() & Qt.AlignmentFlag.AlignTop
    qtbot.waitUntil(lambda: not preview.pixmap().isNull(), timeout=20_000)
    dialog.reject()


@pytest.mark.parametrize("sample", ["raci_onboarding_programme.xlsx",
                                    "journey_touchpoints_owners.csv"])
def test_the_import_dialog_fits_a_1280_by_800_screen(qtbot: QtBot, sample: str) -> None:
    """At 1280x800 the import dialog, at least 760 pixels tall, had its Import button below
    the screen's edge once a task bar and a title bar took their share (about 70 pixels)."""
    from cxmatrix.ui.dialogs.import_wizard import ImportWizard

    wizard = ImportWizard(Path(__file__).parent / "data" / "samples" / sample)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.minimumSizeHint().height() <= 800 - 70
    room = wizard.screen().availableGeometry()
    assert wizard.height() <= max(room.height() - 70, wizard.minimumSizeHint().height())
    assert wizard.width() <= max(room.width() - 40, wizard.minimumSizeHint().width())
    assert wizard.preview_view.height() >= 7 * wizard.fontMetrics().height()


def test_going_to_the_findings_by_keyboard_shows_where_the_focus_is(demo_window: Any,
                                                                    qtbot: QtBot) -> None:
    """After Ctrl+2 no row of the Findings list was highlighted; the focus was there, unseen."""
    window = demo_window
    grid_row = window.grid.currentIndex().row()
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.findings_panel.view
    qtbot.waitUntil(view.hasFocus)
    assert view.selectionModel().hasSelection()
    assert view.selectionModel().isSelected(view.currentIndex())
    assert window.grid.currentIndex().row() == grid_row  # showing it goes nowhere
    qtbot.keyClick(view, Qt.Key.Key_Down)
    finding = window.findings_panel.model.finding_at(view.currentIndex())
    assert finding is not None
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.grid.current_touchpoint_id() == finding.touchpoint_id
