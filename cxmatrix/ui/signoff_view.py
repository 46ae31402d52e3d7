"""The Sign-off dock in the window: built after the menus (like the plan view), tabified with
the findings and the lens, in the View menu; a department clicked in it is selected in the
grid and its column brought into view, a disputed or changed cell is gone to. Its panel (and
the departments' statuses it lists) is made when the dock first shows, as the lens's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMenu

if TYPE_CHECKING:
    from cxmatrix.ui.main_window import MainWindow
    from cxmatrix.ui.panels.signoff import SignOffPanel


class SignOffView(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.grid = window.grid
        self._panel: SignOffPanel | None = None
        self.dock = QDockWidget("Sign-off", window)
        self.dock.setObjectName("signoffDock")
        self.dock.visibilityChanged.connect(lambda visible: visible and self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.lens_dock, self.dock)
        window.findings_dock.raise_()
        window.docks = (*window.docks, self.dock)
        for action in window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text() == "&View":
                menu.addAction(self.dock.toggleViewAction())

    @property
    def panel(self) -> SignOffPanel:
        """The dock's panel, made at the first use."""
        if self._panel is None:
            from cxmatrix.ui.panels.signoff import SignOffPanel

            panel = SignOffPanel(self.window.session, self.window)
            self._panel = panel
            panel.department_selected.connect(self.go_to_department)
            panel.cell_selected.connect(self.go_to_cell)
            self.dock.setWidget(panel)
        return self._panel

    def go_to_department(self, department_id: int) -> None:
        self.grid.select_department(department_id)
        self.grid.bring_columns_into_view([department_id])

    def go_to_cell(self, touchpoint_id: int, department_id: int) -> None:
        self.grid.go_to_touchpoint(touchpoint_id, [department_id])
