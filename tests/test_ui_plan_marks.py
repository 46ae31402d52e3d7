"""In Current, a cell with a planned change carries a corner mark and says what is planned:
"Planned: Influence → Own (due 2026-03-31, Anna)" (tooltip, a data role, accessibility)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from ui_support import click_cell, column_of, press, row_of, window_on_small_matrix

from cxmatrix.domain.actions import Action
from cxmatrix.domain.roles import Role
from cxmatrix.ui.grid.layers import LayerKind
from cxmatrix.ui.grid.model import PLANNED
from cxmatrix.ui.plan_commands import SetAction

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

TOOLTIP = Qt.ItemDataRole.ToolTipRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


def cell_image(window: Any, row: int, column: int) -> QImage:
    """The cell as the grid paints it (grabbed from the viewport)."""
    grid = window.grid
    grid.clearSelection()
    grid.setCurrentIndex(QModelIndex())
    grid.viewport().repaint()
    rect = grid.visualRect(window.model.index(row, column))
    return grid.viewport().grab(rect).toImage()


def test_a_planned_change_is_marked_and_named_in_current(qtbot: QtBot, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    window = window_on_small_matrix(qtbot, tmp_path, monkeypatch)
    model = window.model
    kickoff, sales = row_of(window, "Kick-off call"), column_of(window, "Sales")
    welcome = row_of(window, "Welcome email")
    cs = column_of(window, "Customer Success")
    unmarked = cell_image(window, kickoff, sales)
    neighbour = cell_image(window, kickoff, cs)
    assert model.index(kickoff, sales).data(PLANNED) is None

    # Plan Sales to own the kick-off call (in Target), with Anna driving it by March.
    window.grid.setFocus()
    press(qtbot, window, Qt.Key.Key_F7)
    assert model.layer.kind is LayerKind.TARGET
    click_cell(qtbot, window, kickoff, sales)
    qtbot.keyClick(window.grid, Qt.Key.Key_O)
    matrix = window.session.matrix
    tp = matrix.find_touchpoints("Kick-off call")[0].id
    dept = matrix.find_department("Sales").id
    window.session.execute(SetAction(window.session, tp, dept,
                                     Action(person="Anna", due=date(2026, 3, 31))))
    press(qtbot, window, Qt.Key.Key_F7)
    assert model.layer.kind is LayerKind.CURRENT

    # The grid still shows today's role, and says what is planned.
    index = model.index(kickoff, sales)
    assert index.data() == "I"
    assert index.data(PLANNED) == (Role.INFLUENCE, Role.OWN)
    tooltip = index.data(TOOLTIP)
    assert tooltip.startswith("Planned: Influence → Own (due 2026-03-31, Anna)\n"), tooltip
    assert "(planned: Own)" in index.data(ACCESSIBLE)
    # Cells without a planned change say nothing of it.
    for other in (model.index(kickoff, cs), model.index(welcome, sales)):
        assert other.data(PLANNED) is None
        assert "Planned" not in other.data(TOOLTIP)

    # The mark is painted on the planned cell only, and reads without colour: the marked cell
    # differs from itself unmarked in greyscale too.
    marked = cell_image(window, kickoff, sales)
    assert marked != unmarked
    assert (marked.convertToFormat(QImage.Format.Format_Grayscale8)
            != unmarked.convertToFormat(QImage.Format.Format_Grayscale8))
    assert cell_image(window, kickoff, cs) == neighbour
    if folder := os.environ.get("CXMATRIX_SHOT_DIR"):
        window.grid.grab().save(str(Path(folder) / "planned-mark.png"))

    # Undo the action: the tooltip loses the person and date; undo the target: no mark.
    window.session.undo_stack.undo()
    assert index.data(TOOLTIP).startswith("Planned: Influence → Own\n")
    window.session.undo_stack.undo()
    assert index.data(PLANNED) is None
    assert "Planned" not in index.data(TOOLTIP)
    assert cell_image(window, kickoff, sales) == unmarked
