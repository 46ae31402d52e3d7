"""The Sign-off dock in the window: built after the menus (like the plan view), tabified with
the findings and the lens, in the View menu; a department clicked in it is selected in the
grid and its column brought into view, a disputed or changed cell is gone to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMenu

from cxmatrix.ui.panels.signoff import SignOffPanel

if TYPE_CHECKING:
    from cxmatrix.ui.main_window import MainWindow


class SignOffView(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.grid = window.grid
        self.panel = SignOffPanel(window.session, window)
        self.dock = QDockWidget("Sign-off", window)
        self.dock.setObjectName("signoffDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.lens_dock, self.dock)
        window.findings_dock.raise_()
        window.docks = (*window.docks, self.dock)
        for action in window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text() == "&View":
                menu.addAction(self.dock.toggleViewAction())
        self.panel.department_selected.connect(self.go_to_department)
        self.panel.cell_selected.connect(self.go_to_cell)

    def go_to_department(self, department_id: int) -> None:
        self.grid.select_department(department_id)
        self.grid.bring_columns_into_view([department_id])

    def go_to_cell(self, touchpoint_id: int, department_id: int) -> None:
        self.grid.go_to_touchpoint(touchpoint_id, [department_id])
