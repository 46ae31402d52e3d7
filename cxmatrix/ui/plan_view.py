"""Today, target and snapshots in the window: the Current / Target switch, the Changes dock,
snapshots and the comparison with one.

The window creates one :class:`PlanView` after its menus; the plan view adds its toolbar, its
dock, a status-bar figure ("today: 4 errors, 2 warnings → target: 0 errors") and its entries
in the Matrix and View menus and in the context menus, and carries out the actions declared
for it in ui/actions.py. The grid shows what :attr:`MatrixModel.layer` says (grid/layers.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QToolBar, QToolButton

from cxmatrix.domain.signoff import medium_day
from cxmatrix.ui.grid.layers import CURRENT_LAYER, TARGET_LAYER, GridLayer, LayerKind
from cxmatrix.ui.plan_figures import PlanFigures

if TYPE_CHECKING:
    from collections.abc import Callable

    from cxmatrix.domain.changes import MatrixChange
    from cxmatrix.ui.dialogs.snapshots_dialog import SnapshotNameDialog, SnapshotsDialog
    from cxmatrix.ui.main_window import MainWindow
    from cxmatrix.ui.panels.changes_panel import ChangesPanel


def plan_slots(window: MainWindow) -> dict[str, Callable[[], object]]:
    """What the plan view's actions do (the plan view is built after the actions, so each
    slot looks its method up when it runs)."""
    def later(method: str, *args: object) -> Callable[[], object]:
        return lambda: getattr(window.plan_view, method)(*args)

    return {
        "view_current": later("show_layer", LayerKind.CURRENT),
        "view_target": later("show_layer", LayerKind.TARGET),
        "switch_layer": later("switch_layer"),
        "leave_comparison": later("leave_comparison"),
        "take_snapshot": later("take_snapshot"),
        "snapshots": later("show_snapshots"),
        "planned_touchpoint": later("toggle_planned_touchpoint"),
        "planned_department": later("toggle_planned_department"),
        "go_changes": later("go_to_changes"),
    }


def _menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text() == title:
            return menu
    raise LookupError(title)


class PlanView(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.model = window.model
        self.grid = window.grid
        self._previous_kind = LayerKind.CURRENT
        self.name_dialog: SnapshotNameDialog | None = None
        self.snapshots_dialog: SnapshotsDialog | None = None

        # The Changes panel (its module and its list of a file's planned changes) is made
        # when its dock first shows, not on the way to the first paint.
        self._panel: ChangesPanel | None = None
        self._figures_text = ""
        self.dock = QDockWidget("Changes", window)
        self.dock.setObjectName("changesDock")
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.visibilityChanged.connect(lambda visible: visible and self.panel)
        window.docks = (*window.docks, self.dock)

        actions = window.actions
        self.current_action = actions["view_current"]
        self.target_action = actions["view_target"]
        group = QActionGroup(self)
        group.setExclusive(True)
        for action in (self.current_action, self.target_action):
            group.addAction(action)
        self.current_action.setChecked(True)
        self.leave_action = actions["leave_comparison"]
        self.leave_action.setEnabled(False)

        self.toolbar = QToolBar("Today and Target", window)
        self.toolbar.setObjectName("planToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.current_action, self.target_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([actions["take_snapshot"], actions["snapshots"]])
        self.comparing_label = QLabel(self.toolbar)
        self.comparing_label.setObjectName("comparingLabel")
        self.comparing_label.setContentsMargins(12, 0, 6, 0)
        self._comparing_label_action = self.toolbar.addWidget(self.comparing_label)
        leave_button = QToolButton(self.toolbar)
        leave_button.setObjectName("leaveComparisonButton")
        leave_button.setDefaultAction(self.leave_action)
        self._leave_button_action = self.toolbar.addWidget(leave_button)
        self._comparing_label_action.setVisible(False)
        self._leave_button_action.setVisible(False)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        matrix_menu = _menu(window, "&Matrix")
        matrix_menu.addSeparator()
        matrix_menu.addActions([actions["planned_touchpoint"], actions["planned_department"]])
        matrix_menu.addSeparator()
        matrix_menu.addActions([actions["take_snapshot"], actions["snapshots"]])
        view_menu = _menu(window, "&View")
        first = view_menu.actions()[0] if view_menu.actions() else None
        view_menu.insertActions(first, [self.current_action, self.target_action,
                                        actions["switch_layer"], self.leave_action])
        view_menu.insertSeparator(first)  # type: ignore[arg-type]
        go_details = actions["go_details"]
        after = view_menu.actions()[view_menu.actions().index(go_details) + 1]
        view_menu.insertAction(after, actions["go_changes"])
        view_menu.addAction(self.dock.toggleViewAction())

        self.status = QLabel(window)
        self.status.setObjectName("planStatus")
        self.status.setContentsMargins(0, 0, 16, 0)
        self.status.setToolTip("Findings of the matrix as it is today and as it should be")
        self.status.hide()
        window.statusBar().addPermanentWidget(self.status)
        self.figures = PlanFigures()
        self.model.target_findings = self.figures.target_findings

        self.session.changed.connect(self._on_change)
        self.session.document_changed.connect(self._on_document_changed)
        self.session.findings_ready.connect(self._on_findings_ready)
        self.grid.selectionModel().currentChanged.connect(self._follow_current)
        self._on_document_changed()

    @property
    def panel(self) -> ChangesPanel:
        """The Changes dock's panel, made at the first use."""
        if self._panel is None:
            from cxmatrix.ui.panels.changes_panel import ChangesPanel

            panel = ChangesPanel(self.session, self.window)
            self._panel = panel
            panel.set_figures_text(self._figures_text)
            panel.change_selected.connect(self.go_to_cell)
            panel.planned_only_changed.connect(
                lambda on: self.model.update_filter(planned_only=on))
            panel.leave_requested.connect(self.leave_comparison)
            self.dock.setWidget(panel)
        return self._panel

    # ---- Current / Target / comparison ------------------------------------------------------

    @property
    def kind(self) -> LayerKind:
        return self.model.layer.kind

    def show_layer(self, kind: LayerKind) -> None:
        """Show today (Current) or the target (Target); leaves a comparison."""
        if self.session.document is None:
            return
        if self.kind is LayerKind.COMPARE:
            self._end_comparison()
        self.model.set_layer(TARGET_LAYER if kind is LayerKind.TARGET else CURRENT_LAYER)
        if kind is LayerKind.TARGET and not self.dock.isVisible():
            self.show_dock()
        self._sync_actions()
        self.window.statusBar().showMessage(
            "Target: the role keys set the target; today's role shows struck through."
            if kind is LayerKind.TARGET else "Current: the role keys set today's roles.", 6000)

    def switch_layer(self) -> None:
        self.show_layer(LayerKind.CURRENT if self.kind is LayerKind.TARGET
                        else LayerKind.TARGET)

    def compare_with(self, snapshot_id: int) -> bool:
        """Show the grid and the Changes dock against a snapshot, read-only."""
        document = self.session.document
        if document is None:
            return False
        from cxmatrix.ui.session import expected_errors

        try:
            snapshot = document.snapshot(snapshot_id)
        except expected_errors() as error:
            self.session.report("Compare with snapshot", error)
            return False
        if self.kind is not LayerKind.COMPARE:
            self._previous_kind = self.kind
        title = f"“{snapshot.name}” ({medium_day(snapshot.taken)})"
        self.model.set_layer(GridLayer(LayerKind.COMPARE, snapshot.matrix, title))
        self.panel.compare_with(snapshot.matrix, title)
        self.comparing_label.setText(f"Comparing with {title}: read-only")
        self._comparing_label_action.setVisible(True)
        self._leave_button_action.setVisible(True)
        self.leave_action.setEnabled(True)
        self._sync_actions()
        self.show_dock()
        return True

    def leave_comparison(self) -> None:
        if self.kind is not LayerKind.COMPARE:
            return
        self._end_comparison()
        self.model.set_layer(TARGET_LAYER if self._previous_kind is LayerKind.TARGET
                             else CURRENT_LAYER)
        self._sync_actions()

    def _end_comparison(self) -> None:
        if self._panel is not None:
            self._panel.compare_with(None)
        self._comparing_label_action.setVisible(False)
        self._leave_button_action.setVisible(False)
        self.leave_action.setEnabled(False)

    def _sync_actions(self) -> None:
        comparing = self.kind is LayerKind.COMPARE
        self.current_action.setChecked(self.kind is LayerKind.CURRENT)
        self.target_action.setChecked(self.kind is LayerKind.TARGET)
        if comparing:  # neither: an exclusive group needs its checked action unchecked
            group = self.current_action.actionGroup()
            assert group is not None
            group.setExclusive(False)
            self.current_action.setChecked(False)
            self.target_action.setChecked(False)
            group.setExclusive(True)
        self.window.findings_panel.set_grid_shows(
            "the target" if self.kind is LayerKind.TARGET
            else "a comparison with a snapshot" if comparing else "")
        self.update_status()

    # ---- the document -------------------------------------------------------------------

    def _on_document_changed(self) -> None:
        self.figures.reset(self.session.document)
        if self.kind is LayerKind.COMPARE:
            self._end_comparison()
        self.model.set_layer(CURRENT_LAYER)
        self._previous_kind = LayerKind.CURRENT
        self._sync_actions()
        self._follow_current()

    def _on_findings_ready(self) -> None:
        self.figures.reset(self.session.document)  # takes the target's count over
        self.update_status()

    def _on_change(self, change: MatrixChange) -> None:
        self.figures.follow(change)
        # A sign-off changes findings (disputed, outdated agreement) and no role.
        if change.plan_changed or change.roles_changed or change.everything or change.signoffs:
            self.update_status()
        if change.touchpoints_planned or change.departments_planned or change.structure:
            self._follow_current()

    def update_status(self) -> None:
        """"today: 4 errors, 2 warnings → target: 0 errors" while the matrix has a plan or
        the grid shows the target."""
        document = self.session.document
        figures = self.figures.figures()
        text = (figures.text() if figures is not None
                else "checking for findings…" if self.session.checking else "")
        self._figures_text = text
        if self._panel is not None:
            self._panel.set_figures_text(text)
        # The grid marks planned changes with a corner in Current only: the legend says so.
        self.window.legend.set_planned(document is not None and self.kind is LayerKind.CURRENT
                                       and document.matrix.has_planned_changes)
        if document is None or (not document.matrix.has_plan
                                and self.kind is not LayerKind.TARGET):
            self.status.hide()
            return
        self.status.setText(text)
        self.status.show()

    # ---- going to a change --------------------------------------------------------------

    def go_to_cell(self, touchpoint_id: int, department_id: int) -> None:
        self.grid.go_to_touchpoint(touchpoint_id, [department_id])

    def show_dock(self) -> None:
        """Show the Changes dock; below the grid it takes about a third of the height."""
        first = not self.dock.isVisible()
        _ = self.panel  # made before the dock shows, so the dock is laid out with it
        self.dock.show()
        self.dock.raise_()
        area = self.window.dockWidgetArea(self.dock)
        if first and area == Qt.DockWidgetArea.BottomDockWidgetArea:
            self.window.resizeDocks([self.dock], [max(240, self.window.height() * 3 // 10)],
                                    Qt.Orientation.Vertical)

    def go_to_changes(self) -> None:
        self.show_dock()
        self.panel.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- planned touchpoints and departments ----------------------------------------------

    def _follow_current(self, *_args: object) -> None:
        """The Planned Touchpoint / Department actions show the current cell's flags."""
        document = self.session.document
        tid = self.grid.current_touchpoint_id() if document is not None else None
        did = self.grid.current_department_id() if document is not None else None
        tp_action = self.window.actions["planned_touchpoint"]
        dept_action = self.window.actions["planned_department"]
        writable = document is not None and not document.read_only
        tp_action.setChecked(tid is not None and document is not None
                             and document.matrix.is_planned_touchpoint(tid))
        dept_action.setChecked(did is not None and document is not None
                               and document.matrix.is_planned_department(did))
        tp_action.setEnabled(writable and tid is not None)
        dept_action.setEnabled(writable and did is not None)

    def toggle_planned_touchpoint(self, touchpoint_id: int | None = None) -> bool:
        tid = touchpoint_id if touchpoint_id is not None else self.grid.current_touchpoint_id()
        if tid is None or self.session.document is None:
            return False
        from cxmatrix.ui.plan_commands import SetPlannedTouchpoint

        planned = not self.session.matrix.is_planned_touchpoint(tid)
        done = self.session.execute(SetPlannedTouchpoint(self.session, tid, planned))
        self._follow_current()
        return done

    def toggle_planned_department(self, department_id: int | None = None) -> bool:
        did = department_id if department_id is not None else self.grid.current_department_id()
        if did is None or self.session.document is None:
            return False
        from cxmatrix.ui.plan_commands import SetPlannedDepartment

        planned = not self.session.matrix.is_planned_department(did)
        done = self.session.execute(SetPlannedDepartment(self.session, did, planned))
        self._follow_current()
        return done

    def extend_cell_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addAction(self.window.actions["planned_touchpoint"])

    def extend_header_menu(self, menu: QMenu, department_id: int) -> None:
        document = self.session.document
        if document is None:
            return
        action = QAction("Planned Dep&artment", menu)
        action.setCheckable(True)
        action.setChecked(document.matrix.is_planned_department(department_id))
        action.setEnabled(not document.read_only)
        action.triggered.connect(lambda _c=False: self.toggle_planned_department(department_id))
        menu.addSeparator()
        menu.addAction(action)

    # ---- snapshots ------------------------------------------------------------------------

    def take_snapshot(self, name: str | None = None, note: str = "") -> bool:
        """Take a snapshot named ``name``; without a name, ask for one (the dialog's OK
        takes it)."""
        document = self.session.document
        if document is None:
            return False
        from cxmatrix.ui.plan_commands import TakeSnapshot

        if name is not None:
            done = self.session.execute(TakeSnapshot(self.session, name, note))
            if done:
                # A notice, not a status message: the toolbar button's status tip, shown
                # again as the dialog closes under the pointer, would replace a message.
                self.window.notify_undoable(f"Snapshot “{' '.join(name.split())}” taken")
            return done
        from cxmatrix.ui.dialogs.snapshots_dialog import SnapshotNameDialog

        parent = self.snapshots_dialog if (self.snapshots_dialog is not None
                                           and self.snapshots_dialog.isVisible()) else self.window
        dialog = SnapshotNameDialog(parent, [s.name for s in document.snapshots()])
        self.name_dialog = dialog
        dialog.accepted.connect(lambda: self.take_snapshot(dialog.name.text(),
                                                           dialog.note.toPlainText()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return False

    def show_snapshots(self) -> SnapshotsDialog | None:
        if self.session.document is None:
            return None
        from cxmatrix.ui.dialogs.snapshots_dialog import SnapshotsDialog

        if self.snapshots_dialog is None:
            dialog = SnapshotsDialog(self.session, self.window)
            dialog.take_requested.connect(self.take_snapshot)
            dialog.compare_requested.connect(self.compare_with)
            dialog.restore_requested.connect(self.restore_snapshot)
            self.snapshots_dialog = dialog
        else:
            self.snapshots_dialog.model.reload()
        self.snapshots_dialog.show()
        self.snapshots_dialog.raise_()
        return self.snapshots_dialog

    def restore_snapshot(self, snapshot_id: int, path: str | Path | None = None) -> Path | None:
        """Write a snapshot as a new .cxm file (this file unchanged) and say where."""
        document = self.session.document
        if document is None:
            return None
        from cxmatrix.ui.session import expected_errors

        try:
            info = document.find_snapshot(snapshot_id)
        except expected_errors() as error:
            self.session.report("Restore snapshot", error)
            return None
        asked = path is None  # the file dialog has asked before replacing a file
        target = Path(path) if path is not None else self.window.ask_new_path(
            "Restore snapshot as a new file", f"{document.path.stem} - {info.name}.cxm")
        if target is None:
            return None
        try:
            written = document.restore_snapshot_as(snapshot_id, target, overwrite=asked)
        except expected_errors() as error:
            self.session.report(f"Restore snapshot {info.name}", error)
            return None
        self.window.notice.show_notice(
            f"Snapshot “{info.name}” restored as {written.name}",
            [("&Open", lambda: self.window.open_path(written))])
        return written
