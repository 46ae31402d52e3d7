"""Pictures of today and target as people see them: the grid in Target (light and dark), the
comparison with a snapshot, the Changes dock and the drift chart, grabbed from the real
widgets. They are written to $CXMATRIX_SCREENSHOTS when set (to look at), else to the test's
own folder; the assertions check what the pictures must show."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot
from ui_support import column_of, open_and_wait, row_of, window_with_captured_messages

from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.roles import Role
from cxmatrix.domain.states import current_state
from cxmatrix.store import Document
from cxmatrix.ui import files
from cxmatrix.ui.grid.layers import LayerKind
from cxmatrix.ui.panels.changes_panel import PERSON
from cxmatrix.ui.theme import ClearStyle, dark_palette

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

# (touchpoint, department, target role, person, due, status): the fixes the demo's findings
# call for.
PLAN = (
    ("Outage notification & status page", "Support", Role.OWN, "Priya Raman",
     date(2026, 3, 31), ActionStatus.IN_PROGRESS),
    ("Outage notification & status page", "Customer Success", Role.INFLUENCE, "Priya Raman",
     date(2026, 3, 31), ActionStatus.PLANNED),
    ("Customer community forum", "Customer Success", Role.OWN, "Dana Whitfield",
     date(2026, 4, 30), ActionStatus.PLANNED),
    ("Welcome email", "Marketing", Role.INFLUENCE, "Sam Okafor", date(2026, 2, 28),
     ActionStatus.PLANNED),
    ("Sales-to-CS handover & kick-off call", "Sales", Role.INFLUENCE, "Alex Moreau",
     date(2026, 2, 15), ActionStatus.IN_PROGRESS),
)


def folder(tmp_path: Path) -> Path:
    chosen = os.environ.get("CXMATRIX_SCREENSHOTS")
    target = Path(chosen) if chosen else tmp_path / "pictures"
    target.mkdir(parents=True, exist_ok=True)
    return target


def planned_demo(path: Path) -> None:
    """The demo with two snapshots (as it was, after a first fix) and a plan for the rest."""
    # The demo as it is today, without its own plan: this test plans it its own way.
    with Document.create(path, current_state(files.demo_matrix())) as document:
        matrix = document.matrix
        document.take_snapshot("Kick-off workshop", taken=datetime(2025, 11, 12, 10, 0))
        tp = matrix.find_touchpoints("Customer community forum")[0]
        marketing = matrix.find_department("Marketing")
        assert marketing is not None
        document.set_role(tp.id, marketing.id, Role.HANDLE)
        document.take_snapshot("Agreed with the leadership team",
                               taken=datetime(2026, 1, 14, 16, 30))
        renewal = matrix.find_stage("Renewal & expansion")
        assert renewal is not None
        check = document.add_touchpoint(renewal.id, "Renewal health check", 0)
        document.set_planned_touchpoint(check.id, True)
        cs = matrix.find_department("Customer Success")
        assert cs is not None
        document.set_target(check.id, cs.id, Role.OWN)
        document.set_action(check.id, cs.id, Action("Dana Whitfield", date(2026, 6, 30)))
        for name, dept_name, role, person, due, status in PLAN:
            tid = matrix.find_touchpoints(name)[0].id
            dept = matrix.find_department(dept_name)
            assert dept is not None
            document.set_target(tid, dept.id, role)
            document.set_action(tid, dept.id, Action(person, due, status))


def pixel(image: QImage, point: QPoint) -> QColor:
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def test_pictures_of_target_comparison_changes_and_drift(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyle(ClearStyle())
    light = app.style().standardPalette()
    app.setPalette(light)
    shots = folder(tmp_path)
    window: Any = window_with_captured_messages(qtbot, tmp_path, monkeypatch,
                                                size=(1440, 900))
    path = tmp_path / "planned demo.cxm"
    planned_demo(path)
    open_and_wait(qtbot, window, path)
    grid = window.grid
    row = row_of(window, "Outage notification & status page")
    support = column_of(window, "Support")
    window.view_target_action.trigger()  # shows the Changes dock below the grid
    window.view_current_action.trigger()
    grid.setFocus()
    grid.scrollTo(window.model.index(row, support),
                  QAbstractItemView.ScrollHint.PositionAtCenter)
    QApplication.processEvents()
    rect = grid.visualRect(window.model.index(row, support))
    badge = rect.topLeft() + QPoint(8, 8)
    assert grid.viewport().rect().contains(rect)

    today = grid.viewport().grab()
    grid.grab().save(str(shots / "grid-current.png"))
    window.view_target_action.trigger()
    assert window.model.layer.kind is LayerKind.TARGET
    QApplication.processEvents()
    target = grid.viewport().grab()
    grid.grab().save(str(shots / "grid-target-light.png"))
    check_row = row_of(window, "Renewal health check")
    grid.scrollTo(window.model.index(check_row, 0),
                  QAbstractItemView.ScrollHint.PositionAtCenter)
    QApplication.processEvents()
    grid.grab().save(str(shots / "grid-target-planned.png"))
    grid.scrollTo(window.model.index(row, support),
                  QAbstractItemView.ScrollHint.PositionAtCenter)
    QApplication.processEvents()
    # Today the cell is empty; at target it carries Support's Own with a "+" badge and frame.
    assert pixel(today.toImage(), rect.center()) != pixel(target.toImage(), rect.center())
    assert pixel(today.toImage(), badge) != pixel(target.toImage(), badge)
    panel = window.plan_view.panel
    qtbot.waitUntil(lambda: panel.model.changes.count == len(PLAN) + 1)
    window.plan_view.dock.grab().save(str(shots / "changes-dock.png"))
    chart = panel.chart
    panel.tabs.setCurrentWidget(chart)  # the figures are counted when the chart shows
    QApplication.processEvents()
    assert chart.has_snapshots and [p.name for p in chart.points] == [
        "Kick-off workshop", "Agreed with the leadership team", "Now"]
    assert chart.target is not None  # the plan fixes every no-owner touchpoint
    assert chart.target.figures.no_owner == 0 < chart.points[-1].figures.no_owner
    window.plan_view.dock.grab().save(str(shots / "drift-chart.png"))

    app.setPalette(dark_palette())
    QApplication.processEvents()
    dark = grid.viewport().grab()
    grid.grab().save(str(shots / "grid-target-dark.png"))
    frame = rect.topLeft() + QPoint(rect.width() // 2, 2)
    assert pixel(dark.toImage(), frame) != pixel(target.toImage(), frame)  # follows the palette
    window.plan_view.dock.grab().save(str(shots / "drift-chart-dark.png"))
    panel.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    window.plan_view.dock.grab().save(str(shots / "changes-dock-dark.png"))
    app.setPalette(light)
    QApplication.processEvents()

    snapshot = window.session.document.snapshots()[0]
    assert window.plan_view.compare_with(snapshot.id)
    qtbot.waitUntil(lambda: panel.model.changes.count == 1)
    qtbot.waitUntil(window.plan_view.comparing_label.isVisible)
    assert panel.view.isColumnHidden(PERSON)
    grid.go_to_touchpoint(panel.model.changes.groups[0].rows[0].touchpoint_id, [])
    grid.grab().save(str(shots / "grid-compare.png"))
    window.plan_view.dock.grab().save(str(shots / "changes-compare.png"))
    window.grab().save(str(shots / "window-compare.png"))
    window.leave_comparison_action.trigger()
    qtbot.waitUntil(lambda: not window.plan_view.comparing_label.isVisible())
    window.grab().save(str(shots / "window-target.png"))
    assert window.model.layer.kind is LayerKind.TARGET
    assert Qt.ItemFlag.ItemIsEditable in window.model.flags(window.model.index(row, support))
