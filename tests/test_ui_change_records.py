"""The views follow typed change records: no model reset for an ordinary edit, a multi-row
delete or their undo; the selection, the current cell and the scroll position survive; an
undo shows where it happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelection, QItemSelectionModel
from ui_support import document_of, on_disk, open_and_wait, window_with_captured_messages

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role
from cxmatrix.ui import commands
from cxmatrix.ui.grid.list_edits import Insert, Move, Remove, list_edits
from cxmatrix.ui.grid.model import MatrixModel
from cxmatrix.ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def apply_steps(old: list[int], steps: list[Any]) -> list[int]:
    current = list(old)
    for step in steps:
        if isinstance(step, Remove):
            del current[step.first:step.last + 1]
        elif isinstance(step, Move):
            run = current[step.first:step.last + 1]
            del current[step.first:step.last + 1]
            current[step.destination:step.destination] = run
        else:
            current[step.first:step.first] = list(step.keys)
    return current


@given(st.lists(st.integers(0, 40), unique=True, max_size=25), st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None, database=None)
def test_list_edits_turn_any_list_into_any_other(old: list[int], rng: Any) -> None:
    new = [key for key in old if rng.random() < 0.8]
    if rng.random() < 0.4:
        rng.shuffle(new)
    for key in rng.sample(range(100, 120), rng.randint(0, 4)):
        new.insert(rng.randint(0, len(new)), key)
    steps = list_edits(old, new, max_steps=1000)
    assert steps is not None
    assert apply_steps(old, steps) == new
    assert all(step.destination < step.first for step in steps if isinstance(step, Move))


def test_list_edits_give_up_on_a_reshuffle() -> None:
    assert list_edits(list(range(200)), list(range(200))[::-1], max_steps=10) is None
    assert list_edits([1, 2, 3], [1, 2, 3]) == []
    assert list_edits([1, 2, 3, 4], [1, 4]) == [Remove(1, 2)]
    assert list_edits([1, 4], [1, 2, 3, 4]) == [Insert(1, (2, 3))]


def test_the_grid_model_passes_qt_model_tests(qtmodeltester: Any, session: Session) -> None:
    model = MatrixModel(session)
    qtmodeltester.check(model, force_py=True)
    matrix = session.matrix
    stage = matrix.stages[0]
    session.execute(commands.AddTouchpoint(session, stage.id, "Tested touchpoint"))
    session.execute(commands.AddDepartment(session, "Tested department", "TD", "", 0))
    session.undo_stack.undo()
    session.undo_stack.undo()


@pytest.fixture
def big(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A window on a 300 x 12 generated matrix, 1000 x 600 pixels."""
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    window.resize(1000, 600)
    document = document_of(tmp_path, generate_matrix(300, 12, seed=5), "big")
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    return window


def selected_cells(window: Any) -> set[tuple[int, int]]:
    model = window.model
    return {(model.touchpoint_id_at(i.row()), model.department_id_at(i.column()))
            for i in window.grid.selectionModel().selectedIndexes()}


def test_edits_deletes_and_undo_keep_selection_and_scroll(qtbot: Any, big: Any) -> None:
    window, model, grid = big, big.model, big.grid
    resets: list[bool] = []
    layouts: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.layoutChanged.connect(lambda *_: layouts.append(True))
    rows = model.touchpoint_rows()
    middle = rows[120:124]
    selection = QItemSelection(model.index(middle[0], 2), model.index(middle[-1], 4))
    grid.selectionModel().setCurrentIndex(model.index(middle[0], 3),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)
    grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    grid.scrollTo(model.index(middle[0], 3))
    scroll = grid.verticalScrollBar().value()
    chosen = selected_cells(window)
    assert len(chosen) == 12 and scroll > 0

    session = window.session
    far = [model.touchpoint_id_at(r) for r in rows[-3:]]
    dept = model.department_id_at(1)
    edits = [
        commands.SetRoles(session, [(far[0], dept, Role.HANDLE)]),  # an ordinary edit
        commands.DeleteTouchpoints(session, far[1:]),  # two rows at once, below the view
    ]
    for command in edits:
        assert session.execute(command)
        assert selected_cells(window) == chosen
        assert grid.verticalScrollBar().value() == scroll
    assert not window.session.matrix.has_touchpoint(far[1])
    for _ in edits:
        session.undo_stack.undo()
    assert window.session.matrix.has_touchpoint(far[1])
    assert not resets and not layouts
    # Undo shows where it happened: the last undo gave back the cell's old role.
    assert selected_cells(window) == {(far[0], dept)}
    assert on_disk(window.session.document) == window.session.matrix.content()


def test_undo_selects_the_cells_it_changed_and_scrolls_to_them(qtbot: Any, big: Any) -> None:
    window, model, grid = big, big.model, big.grid
    session = window.session
    rows = model.touchpoint_rows()
    target = model.touchpoint_id_at(rows[250])
    dept = model.department_id_at(7)
    assert session.execute(commands.SetRoles(session, [(target, dept, Role.INFLUENCE)]))
    grid.select_cell(rows[2], 1)  # the user has moved on, far from the edit
    assert not grid.viewport().rect().intersects(
        grid.visualRect(model.index(rows[250], 7)))
    session.undo_stack.undo()
    index = grid.currentIndex()
    assert (model.touchpoint_id_at(index.row()), model.department_id_at(index.column())) == (
        target, dept)
    assert selected_cells(window) == {(target, dept)}
    assert grid.viewport().rect().intersects(grid.visualRect(index))
    session.undo_stack.redo()
    assert selected_cells(window) == {(target, dept)}


def test_renaming_a_department_recomputes_no_finding(session: Session,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    findings = session.findings
    before = findings.all()
    sales = session.matrix.find_department("Sales")
    assert sales is not None
    assert any("Sales" in f.message for f in before)
    rebuilt: list[bool] = []
    real = FindingsIndex._rebuild
    monkeypatch.setattr(FindingsIndex, "_rebuild",
                        lambda self: rebuilt.append(True) or real(self))
    changes: list[MatrixChange] = []
    session.changed.connect(changes.append)
    assert session.execute(commands.UpdateDepartment(session, sales.id, name="Revenue"))
    assert changes == [MatrixChange(departments=frozenset({sales.id}))]
    after = findings.all()
    assert not rebuilt and after == before
    assert not any("Sales" in f.message for f in after)
    assert any("Revenue" in f.message for f in after)


def test_the_writer_loads_off_the_gui_thread_before_the_first_edit(tmp_path: Path) -> None:
    """SQLAlchemy (about 0.6 s to import) loads on a worker thread once a file is open, so
    the first edit does not wait for it on the GUI thread."""
    path = tmp_path / "warm.cxm"
    document_of(tmp_path, generate_matrix(20, 4, seed=2), "warm").close()
    script = f"""
import sys, threading, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from cxmatrix.ui.main_window import MainWindow
importers = []
real_import = __builtins__.__import__
def watch(name, *args, **kwargs):
    if name.partition(".")[0] == "sqlalchemy" and "sqlalchemy" not in sys.modules:
        importers.append(threading.current_thread().name)
    return real_import(name, *args, **kwargs)
__builtins__.__import__ = watch
window = MainWindow()
window.show()
window.open_path({str(path)!r})
deadline = time.monotonic() + 60
# cxmatrix.store.sql enters sys.modules before its own "import sqlalchemy" runs, so wait
# for the import itself to be seen
while not importers and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print(window.session.document is not None, "cxmatrix.store.sql" in sys.modules, importers)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    opened, loaded, importers = done.stdout.strip().split(" ", 2)
    assert opened == "True" and loaded == "True"
    assert "MainThread" not in importers and importers != "[]"


def frame_pixels_outside(window: Any, *, spare_current: bool = True) -> list[tuple[int, int]]:
    """Pixels painted in the current-cell frame's colour anywhere but on the current cell's
    frame and the lens column's edges: what a stale outline would leave."""
    grid, model = window.grid, window.model
    image = grid.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    focus = grid.painter.colours.focus.rgb()
    current = grid.visualRect(grid.currentIndex()) if spare_current else None
    highlight = model.highlight_department_id
    column = model.column_of_department(highlight) if highlight is not None else None
    edges: list[tuple[int, int]] = []
    if column is not None:
        x = grid.columnViewportPosition(column)
        edges = [(x, x + 2), (x + grid.columnWidth(column) - 2, x + grid.columnWidth(column))]
    stray = []
    for y in range(0, int(image.height() / ratio), 2):
        for x in range(0, int(image.width() / ratio), 2):
            if image.pixel(int(x * ratio), int(y * ratio)) & 0xFFFFFF != focus & 0xFFFFFF:
                continue
            if current is not None and current.adjusted(-1, -1, 1, 1).contains(x, y):
                continue
            if any(left <= x < right for left, right in edges):
                continue
            stray.append((x, y))
    return stray


def test_no_outline_of_an_earlier_cell_stays_after_undo_or_reopening(qtbot: Any,
                                                                     big: Any) -> None:
    window, model, grid = big, big.model, big.grid
    session = window.session
    rows = model.touchpoint_rows()
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    first = model.touchpoint_id_at(rows[3])
    dept = model.department_id_at(2)
    grid.select_cell(rows[3], 2)
    assert session.execute(commands.SetRoles(session, [(first, dept, Role.OWN)]))
    grid.select_cell(rows[8], 4)
    grid.select_cell(rows[6], 1)
    assert frame_pixels_outside(window, spare_current=False)  # the frame is seen at all
    assert not frame_pixels_outside(window)
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: not frame_pixels_outside(window), timeout=2000)
    path = session.document.path
    window.close_document()
    open_and_wait(qtbot, window, path)
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    assert not frame_pixels_outside(window)
