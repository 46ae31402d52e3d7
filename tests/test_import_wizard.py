"""The import wizard, driven with pytest-qt: detection shown, overrides applied live, the
import run off the GUI thread (and cancellable), the choices and result exposed on accept."""

from __future__ import annotations

import copy
import os
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from cxmatrix.domain.codes import Target
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Cancelled, Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet import importer as spreadsheet_import
from cxmatrix.ui.dialogs import import_wizard
from cxmatrix.ui.dialogs.import_wizard import (
    NOT_UNDERSTOOD,
    STAGES_NONE,
    ImportWizard,
    open_import_wizard,
)

# The offscreen platform warns when a window is shown; nothing to do with the wizard.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
SAMPLES = Path(__file__).parent / "data" / "samples"


def grid_file(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Grid"
    for row in rows:
        sheet.append(row)
    book.create_sheet("Other").append(["Touchpoint", "North", "South"])
    book["Other"].append(["Visit", "O", "I"])
    book.save(path)
    return path


ROWS: list[list[Any]] = [
    ["Ownership map"],
    [],
    ["Touchpoint", "Sales", "Support", "Status", "Finance"],
    ["Onboarding"],
    ["Demo", "A", "R", "open", "X"],
    ["Invoice", "I", "R", "done", "A"],
    ["Renewal"],
    ["Renewal call", "A/R", "C", "open", None],
]


def make_wizard(qtbot: QtBot, source: Any, **kwargs: Any) -> ImportWizard:
    wizard = ImportWizard(source, **kwargs)
    qtbot.addWidget(wizard)
    return wizard


def test_shows_what_was_detected(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, grid_file(tmp_path / "grid.xlsx", ROWS))
    assert wizard.sheet_combo.currentData() == "Grid"
    assert wizard.header_spin.value() == 3
    assert wizard.label_combo.currentData() == 0
    assert wizard.stage_combo.currentText() == "Stage heading rows"
    items = [wizard.columns_list.item(i) for i in range(wizard.columns_list.count())]
    checked = {item.text().split(":")[0]: item.checkState() == Qt.CheckState.Checked
               for item in items}
    assert checked == {"B": True, "C": True, "D": False, "E": True}
    model = wizard.preview_model
    assert model.rowCount() == 3
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] \
        == ["Row", "Stage", "Touchpoint", "Sales", "Support", "Finance"]
    assert [model.index(0, c).data() for c in range(6)] == ["5", "Onboarding", "Demo", "O",
                                                           "I", ""]
    mapping = wizard.mapping_model
    codes = {mapping.index(r, 0).data(): (mapping.index(r, 1).data(), mapping.index(r, 2).data())
             for r in range(mapping.rowCount())}
    assert codes["A"] == ("2", "Own") and codes["A/R"] == ("1", "Own")
    assert codes["X"] == ("1", NOT_UNDERSTOOD)
    assert "code 'X' not understood: E5" in wizard.skipped_text.toPlainText()
    assert not wizard.merge_radio.isEnabled()


def test_overrides_update_the_preview(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, grid_file(tmp_path / "grid.xlsx", ROWS))
    # Map the unknown X to Handle by editing the table.
    mapping = wizard.mapping_model
    row = next(r for r in range(mapping.rowCount()) if mapping.index(r, 0).data() == "X")
    assert mapping.setData(mapping.index(row, 2), "Handle")
    preview = wizard.preview_model
    assert preview.index(0, 5).data() == "H"
    assert "not understood" not in wizard.skipped_text.toPlainText()
    # Switch Finance off.
    item = next(wizard.columns_list.item(i) for i in range(wizard.columns_list.count())
                if wizard.columns_list.item(i).text().startswith("E"))
    item.setCheckState(Qt.CheckState.Unchecked)
    assert preview.columnCount() == 5
    # No stages: one stage for everything.
    wizard.stage_combo.setCurrentIndex(wizard.stage_combo.findData(STAGES_NONE))
    wizard._stages_chosen(wizard.stage_combo.currentIndex())
    assert {preview.index(r, 1).data() for r in range(preview.rowCount())} == {"Touchpoints"}
    assert preview.rowCount() == 5  # the two heading rows are touchpoints now
    # The mapping edit survived the layout changes.
    assert wizard.inspection.mapping.entries["x"] is Target.HANDLE
    # Another sheet.
    wizard.sheet_combo.setCurrentIndex(1)
    wizard._sheet_chosen(1)
    assert wizard.inspection.sheet == "Other"
    assert preview.index(0, 2).data() == "Visit"


def test_another_table_on_the_sheet_can_be_chosen(qtbot: QtBot, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["Deliverable", "Owner", "Due"], ["Charter", "Anna Berg", "2026-01-10"],
                ["Budget", "Ben Okafor", "2026-02-01"], [],
                ["Activity", "PMO", "Finance", "Legal"], ["Charter", "A", "C", None],
                ["Budget", "C", "A", "I"], ["Contract", None, "C", "A"]]:
        sheet.append(row)
    path = tmp_path / "two_tables.xlsx"
    book.save(path)
    wizard = make_wizard(qtbot, path)
    combo = wizard.table_combo
    assert combo.isEnabled() and combo.count() == 2
    assert combo.currentText().startswith("Rows 5-8: a grid of role codes ('Activity', 'PMO'")
    assert combo.itemText(0) == "Rows 1-3: a list of names ('Deliverable', 'Owner')"
    assert wizard.preview_model.headerData(3, Qt.Orientation.Horizontal) == "PMO"
    assert "This sheet holds 2 tables" in wizard.skipped_text.toPlainText()
    # Choose the list above with the keyboard, as a person would.
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: wizard.inspection.layout.table_index == 0, timeout=5_000)
    assert wizard.inspection.layout.shape == "list"
    preview = wizard.preview_model
    assert [preview.index(r, 2).data() for r in range(preview.rowCount())] == ["Charter",
                                                                               "Budget"]
    assert combo.currentIndex() == 0
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert wizard.import_result is not None
    matrix = wizard.import_result.matrix
    assert [d.name for d in matrix.departments] == ["Anna Berg", "Ben Okafor"]
    assert [t.name for t in matrix.iter_touchpoints()] == ["Charter", "Budget"]


def test_a_bad_header_row_is_explained_not_raised(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, grid_file(tmp_path / "grid.xlsx", ROWS))
    wizard.header_spin.setValue(1)
    wizard._header_chosen()
    assert wizard.error_label.isVisibleTo(wizard)
    assert "row 1" in wizard.error_label.text()
    assert wizard.header_spin.value() == 3


def test_import_runs_off_the_gui_thread_and_accepts(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, grid_file(tmp_path / "grid.xlsx", ROWS))
    wizard.change_code("x", Target.INFLUENCE)
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    result = wizard.import_result
    assert result is not None
    matrix = result.matrix
    assert [s.name for s in matrix.stages] == ["Onboarding", "Renewal"]
    demo = matrix.find_touchpoints("Demo")[0]
    finance = matrix.find_department("Finance")
    assert finance is not None and matrix.role(demo.id, finance.id) is Role.INFLUENCE
    options = wizard.options()
    assert options["sheet"] == "Grid" and options["mapping"]["X"] == "influence"
    assert options["merge"] is False
    assert wizard.merge_plan is None


def test_merge_option_gives_a_plan_and_leaves_the_open_matrix_alone(
        qtbot: QtBot, tmp_path: Path) -> None:
    open_matrix = Matrix(title="Open")
    open_matrix.add_department("sales")
    before = copy.deepcopy(open_matrix.content())
    wizard = make_wizard(qtbot, grid_file(tmp_path / "grid.xlsx", ROWS),
                         open_matrix=open_matrix)
    assert wizard.merge_radio.isEnabled()
    wizard.merge_radio.setChecked(True)
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert wizard.merge
    assert wizard.merge_plan is not None
    assert wizard.merge_plan.matched_departments == 1  # "Sales" matches "sales"
    assert open_matrix.content() == before


def test_cancelling_the_import_keeps_the_dialog_open(qtbot: QtBot, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    wizard = make_wizard(qtbot, grid_file(tmp_path / "grid.xlsx", ROWS))
    started = threading.Event()

    def slow_import(inspection: Any, progress: Progress) -> Any:
        started.set()
        for step in range(1_000_000):
            progress.step(step, 1_000_000, "Importing rows")
            time.sleep(0.001)
        raise AssertionError("never cancelled")

    monkeypatch.setattr(import_wizard, "import_inspection", slow_import)
    wizard.import_button.click()
    assert wizard.job is not None and not wizard.import_button.isEnabled()
    assert started.wait(5)
    buttons = wizard.job.dialog.findChildren(QPushButton)
    assert [b.text() for b in buttons] == ["Cancel"]
    buttons[0].click()  # the progress dialog's Cancel button
    qtbot.waitUntil(lambda: wizard.job is None, timeout=10_000)
    assert wizard.import_result is None
    assert "cancelled" in wizard.error_label.text()
    assert wizard.import_button.isEnabled()


def test_a_large_sheet_previews_the_first_rows_and_imports_all(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet_import, "FULL_DRY_RUN_CELLS", 1_000)
    original = generate_matrix(3_000, 8, seed=5)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Big")
    departments = original.departments
    sheet.append(["Touchpoint"] + [d.name for d in departments])
    for tp in original.iter_touchpoints():
        roles = original.row_roles(tp.id)
        sheet.append([tp.name] + [roles[d.id].letter if d.id in roles else None
                                  for d in departments])
    path = tmp_path / "big.xlsx"
    book.save(path)
    wizard = make_wizard(qtbot, path)
    assert not wizard.inspection.dry_run_complete
    assert "first rows only" in wizard.skipped_text.toPlainText()
    assert wizard.preview_model.rowCount() == 30
    with qtbot.waitSignal(wizard.accepted, timeout=20_000):
        wizard.import_button.click()
    assert wizard.import_result is not None
    assert wizard.import_result.matrix.touchpoint_count == 3_000


def test_a_cancelled_progress_stops_the_import(tmp_path: Path) -> None:
    rows = ROWS[:3] + [[f"Touchpoint {n}", "A", "R", "open", "C"] for n in range(6_000)]
    inspection = spreadsheet_import.inspect(grid_file(tmp_path / "grid.xlsx", rows))
    assert inspection.sheet == "Grid"
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        spreadsheet_import.import_inspection(inspection, progress)


def test_screenshot_of_the_raci_sample(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, SAMPLES / "raci_onboarding_programme.xlsx",
                         open_matrix=Matrix())
    wizard.show()
    qtbot.waitExposed(wizard)
    image = Path(os.environ.get("CXMATRIX_SCREENSHOTS", tmp_path)) / "import_wizard.png"
    assert wizard.grab().save(str(image))
    assert image.stat().st_size > 10_000
    assert wizard.preview_model.rowCount() == 14


def test_turning_a_grid_around(qtbot: QtBot, tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Touchpoint", "Welcome call", "QBR"], ["Alpha", "O", "I"],
                             ["Beta", "I", "O"], ["Gamma", None, "H"]]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "turn.xlsx"
    book.save(path)
    wizard = make_wizard(qtbot, path)
    assert not wizard.transposed_check.isChecked()
    assert wizard.preview_model.rowCount() == 3
    wizard.change_code("x", Target.HANDLE)
    wizard.transposed_check.setChecked(True)
    assert wizard.inspection.layout.transposed
    preview = wizard.preview_model
    assert [preview.index(r, 2).data() for r in range(preview.rowCount())] == [
        "Welcome call", "QBR"]
    assert wizard.inspection.preview_departments == ["Alpha", "Beta", "Gamma"]
    assert wizard.header_spin.prefix() == "column "
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert wizard.import_result is not None
    matrix = wizard.import_result.matrix
    qbr = matrix.find_touchpoints("QBR")[0]
    assert {matrix.department(d).name: r for d, r in matrix.row_roles(qbr.id).items()} == {
        "Alpha": Role.INFLUENCE, "Beta": Role.OWN, "Gamma": Role.HANDLE}


def test_open_import_wizard_inspects_off_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    accepted: list[ImportWizard] = []
    errors: list[BaseException] = []
    path = grid_file(tmp_path / "grid.xlsx", ROWS)
    open_import_wizard(parent, path, open_matrix=None, on_accepted=accepted.append,
                       on_error=errors.append)
    qtbot.waitUntil(lambda: parent.findChild(ImportWizard) is not None, timeout=10_000)
    wizard = parent.findChild(ImportWizard)
    assert wizard.inspection.sheet == "Grid"
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert accepted and accepted[0].import_result is not None
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    open_import_wizard(parent, bad, open_matrix=None, on_accepted=accepted.append,
                       on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], ImportFailed) and "bad.xlsx" in str(errors[0])


def test_a_cxmatrix_workbook_reads_back_as_it_was(qtbot: QtBot, tmp_path: Path) -> None:
    from test_import_cxmatrix_workbook import rich_matrix, write_layout_workbook

    original = rich_matrix()
    path = tmp_path / "exported.xlsx"
    write_layout_workbook(original, path)
    wizard = make_wizard(qtbot, path)
    assert "exported by cxmatrix" in wizard.summary_label.text()
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert wizard.import_result is not None
    assert wizard.import_result.matrix.content() == original.content()


def test_a_change_that_leaves_cxmatrixs_own_reader_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    """Unticking a department of a workbook cxmatrix exported switched, silently, to the
    generic reader, which leaves out the plan and the departments' leads."""
    from cxmatrix.interchange.xlsx.export import write

    matrix = generate_matrix(6, 3, seed=2)
    _first, second, third = matrix.departments
    matrix.update_department(second.id, lead="Ana Souza")
    touchpoint = next(iter(matrix.iter_touchpoints()))
    matrix.set_target(touchpoint.id, second.id, Role.HANDLE
                      if matrix.role(touchpoint.id, second.id) is not Role.HANDLE else None)
    path = tmp_path / "exported.xlsx"
    write(matrix, path)
    wizard = make_wizard(qtbot, path)
    wizard.show()
    assert "exported by cxmatrix" in wizard.summary_label.text()
    assert not wizard.generic_note.isVisible()

    def tick(checked: bool) -> None:  # the list is filled anew after each change
        item = next(wizard.columns_list.item(i) for i in range(wizard.columns_list.count())
                    if third.name in wizard.columns_list.item(i).text())
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    tick(False)
    assert wizard.generic_note.isVisible()
    assert "generic spreadsheet reader" in wizard.generic_note.text()
    assert "exported by cxmatrix" not in wizard.summary_label.text()
    tick(True)  # ticking it again does not bring the own reader back: the note stays
    assert wizard.generic_note.isVisible()
    tick(False)
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert wizard.import_result is not None
    imported = wizard.import_result.matrix
    assert imported.find_department(third.name) is None
    assert not imported.targets  # what the note says is not read
    lead = imported.find_department(second.name)
    assert lead is not None and lead.lead == ""
    # Another role for a code does the same.
    again = make_wizard(qtbot, path)
    assert again.generic_note.isHidden()
    again.change_code(again.inspection.codes[0].key, Target.INFLUENCE)
    assert not again.generic_note.isHidden()
