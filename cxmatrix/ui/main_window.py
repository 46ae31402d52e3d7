"""The main window: the grid in the middle, findings, lens and details docks, menus, status.

The window wires parts together and handles files; editing lives in the grid, the panels and
the commands. Actions are declared in ``_create_actions`` with standard keys where Qt has them.
For a quick start, what is not on screen is built when first needed: the lens panel (its
dock starts tabbed behind the findings), dialogs and menus.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizeGrip,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cxmatrix import APP_NAME
from cxmatrix.domain.findings import Finding
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.ui import files, settings
from cxmatrix.ui.actions import ROLE_ACTIONS, ActionCollection, Scope
from cxmatrix.ui.documents import Documents
from cxmatrix.ui.grid.column_widths import ColumnWidths
from cxmatrix.ui.grid.empty_hint import EmptyHint
from cxmatrix.ui.grid.filter_bar import FilterBar
from cxmatrix.ui.grid.model import NAME_COLUMN, MatrixModel
from cxmatrix.ui.grid.view import MatrixView
from cxmatrix.ui.jobs import BackgroundJob
from cxmatrix.ui.long_edits import history_step
from cxmatrix.ui.panels.details import DetailsPanel
from cxmatrix.ui.panels.findings import FindingsPanel
from cxmatrix.ui.panels.status import LegendWidget, StatusNotice, status_text
from cxmatrix.ui.panels.welcome import WelcomePage
from cxmatrix.ui.plan_view import PlanView, plan_slots
from cxmatrix.ui.session import Session
from cxmatrix.ui.settings import default_window_size, dock_width
from cxmatrix.ui.signoff_view import SignOffView
from cxmatrix.ui.structure import StructureEditor
from cxmatrix.ui.team import TeamLink

if TYPE_CHECKING:  # the store (SQLAlchemy) loads off the GUI thread with the first document
    from cxmatrix.domain.changes import MatrixChange
    from cxmatrix.store import Document
    from cxmatrix.ui.dialogs.help import HelpDialog
    from cxmatrix.ui.panels.lens import LensPanel

_NO_MAXIMUM = 16_777_215  # QWIDGETSIZE_MAX, which PySide6 does not export


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.session = Session(self)
        self.documents = Documents(self.session, self)
        self.model = MatrixModel(self.session, self)

        self.grid = MatrixView(self.model, self)
        self.filter_bar = FilterBar(self)
        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.setSpacing(0)
        editor_layout.addWidget(self.filter_bar)
        editor_layout.addWidget(self.grid, 1)
        self.welcome = WelcomePage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(editor)
        self.setCentralWidget(self.pages)
        self.setTabOrder(self.filter_bar.clear, self.grid.frozen)

        self.findings_panel = FindingsPanel(self.session, self)
        self._lens_panel: LensPanel | None = None
        self._help: HelpDialog | None = None
        self.details_panel = DetailsPanel(self.session, self)
        self.model.layer_changed.connect(lambda: self.details_panel.set_layer(self.model.layer))
        self.findings_dock = self._dock("Findings", "findingsDock", self.findings_panel,
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.lens_dock = self._dock("Lens", "lensDock", None,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.lens_dock.visibilityChanged.connect(
            lambda visible: self.lens_panel if visible else None)
        # In a scroll area, so on a short laptop screen the details give the findings room.
        details_scroll = QScrollArea(self)
        details_scroll.setObjectName("detailsScroll")
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        details_scroll.setWidget(self.details_panel)
        self.details_dock = self._dock("Details", "detailsDock", details_scroll,
                                       Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.findings_dock, self.lens_dock)
        self.findings_dock.raise_()
        self.docks = (self.findings_dock, self.lens_dock, self.details_dock)
        # While no matrix is open the docks are hidden; this keeps their layout meanwhile.
        self._editor_state: QByteArray | None = None
        self._default_dock_width = False  # no saved layout: docks sized when first shown

        self.legend = LegendWidget(self)
        self.counts = QLabel(self)
        self.counts.setObjectName("statusCounts")
        self.filter_status = QLabel(self)
        self.filter_status.setObjectName("statusFilter")
        self.filter_status.setToolTip("Some touchpoints are hidden by the filter bar or the "
                                      "findings dock; Edit > Clear Filters shows them all")
        self.filter_status.setContentsMargins(0, 0, 16, 0)  # apart from the counts
        self.filter_status.hide()
        self.notice = StatusNotice(self)
        self.statusBar().addWidget(self.legend)
        self.statusBar().addWidget(self.notice, 1)
        self.statusBar().addPermanentWidget(self.filter_status)
        self.statusBar().addPermanentWidget(self.counts)
        self._folded: list[QWidget] = []
        self.statusBar().messageChanged.connect(self._fold_permanent_widgets)
        self.team = TeamLink(self)

        self.structure = StructureEditor(self.session, self.model, self.grid, self)
        self.column_widths = ColumnWidths(self.session, self.model, self.grid)
        self.empty_hint = EmptyHint(self.grid)
        self._create_actions()
        self._create_menus()
        self.plan_view = PlanView(self)  # today and target, snapshots: its own module
        self.signoff_view = SignOffView(self)  # the departments' sign-off dock
        self._connect()
        self._restore_settings()
        self._on_document_changed()

    def _dock(self, title: str, name: str, widget: QWidget | None,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if widget is not None:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    @property
    def lens_panel(self) -> LensPanel:
        """The lens panel, built the first time its dock shows (or something asks for it)."""
        if self._lens_panel is None:
            from cxmatrix.ui.panels.lens import LensPanel

            panel = LensPanel(self.session, self)
            self._lens_panel = panel
            panel.department_changed.connect(self.model.set_highlight_department)
            panel.touchpoint_selected.connect(self.grid.select_touchpoint)
            self.lens_dock.setWidget(panel)
            self.model.set_highlight_department(panel.department_id())
        return self._lens_panel

    def _highlight_focus(self) -> None:
        """Until the lens panel exists, the grid highlights the focus department."""
        if self._lens_panel is None:
            document = self.session.document
            self.model.set_highlight_department(
                document.matrix.focus_department_id if document is not None else None)

    # ---- actions and menus ----------------------------------------------------------------

    def _create_actions(self) -> None:
        """The actions are declared in ui/actions.py; here they are connected to what they
        do, and kept as attributes (``self.new_action``…) for the menus and tests."""
        self.actions = actions = ActionCollection(self)
        for attribute, action in actions.items():
            setattr(self, f"{attribute}_action", action)
        grid, structure = self.grid, self.structure
        actions.connect({
            "new": self.new_blank, "open": self.open_dialog, "open_demo": self.open_demo,
            "save_as": self.save_as, "import": self.import_file, "export": self.export_file,
            "update_workbook": self.update_from_workbook,
            "send_review": self.send_for_review, "apply_review": self.apply_review,
            "export_pdf": self.export_pdf, "export_image": self.export_image,
            "close": self.close_document, "quit": self.close,
            "cut": grid.cut_selection, "copy": grid.copy_selection,
            "copy_headers": lambda: grid.copy_selection(headers=True),
            "paste": grid.paste_clipboard, "select_all": grid.select_all_cells,
            **{name: (lambda r=role: grid.set_role_on_selection(r))
               for role, name in ROLE_ACTIONS.items()},
            "cycle": grid.cycle_selection, "pick_role": grid.open_role_picker,
            "find": self.filter_bar.focus_text, "clear_filters": self.filter_bar.reset,
            "add_touchpoint": structure.add_touchpoint, "add_stage": structure.add_stage,
            "add_department": structure.add_department, "rename": structure.rename_current,
            "edit_department": structure.edit_department,
            "move_up": lambda: structure.move_rows(-1),
            "move_down": lambda: structure.move_rows(1),
            "move_left": lambda: structure.move_department(-1),
            "move_right": lambda: structure.move_department(1),
            "delete_rows": structure.delete_rows,
            "delete_department": structure.delete_department,
            "properties": structure.edit_properties,
            "zoom_in": grid.zoom_in, "zoom_out": grid.zoom_out,
            "zoom_reset": lambda: grid.set_zoom(1.0),
            "collapse_all": lambda: structure.collapse_all(True),
            "expand_all": lambda: structure.collapse_all(False),
            "go_grid": grid.focus_cells,
            "go_findings": lambda: self._go_to(self.findings_dock, self.findings_panel.view),
            "go_lens": lambda: self._go_to(self.lens_dock, self.lens_panel.chooser),
            "go_details": lambda: self._go_to(self.details_dock, self.details_panel.name),
            "guide": lambda: self.show_help(0), "shortcuts": lambda: self.show_help(1),
            "about": self.about, **plan_slots(self),
            "open_team": self.team.open_dialog, "publish_team": self.team.publish_dialog,
            "save_copy": self.team.save_copy_dialog, "members": self.team.show_members,
            "history": self.show_history,
        })
        actions["fit"].toggled.connect(self.column_widths.set_fit)
        for action in (*actions.in_scope(Scope.GRID), *actions.in_scope(Scope.GRID_ONLY)):
            grid.addAction(action)
        self.role_actions: dict[Role | None, QAction] = {
            role: actions[name] for role, name in ROLE_ACTIONS.items()}
        self._connect_history(actions["undo"], actions["redo"])

    def _connect_history(self, undo: QAction, redo: QAction) -> None:
        """Undo and Redo name the step they take (QUndoStack's own actions put the step's
        text into the menu unescaped, so an "&" in a name vanished as a mnemonic); a step
        that rewrites most of the matrix runs off the GUI thread (ui/long_edits.py)."""
        stack = self.session.undo_stack
        for action, run, text_changed, can_changed, text, enabled in (
                (undo, lambda: history_step(self, self.session, True), stack.undoTextChanged,
                 stack.canUndoChanged, stack.undoText(), stack.canUndo()),
                (redo, lambda: history_step(self, self.session, False),
                 stack.redoTextChanged, stack.canRedoChanged, stack.redoText(),
                 stack.canRedo())):
            action.triggered.connect(run)
            text_changed.connect(action.follow)
            can_changed.connect(action.setEnabled)
            action.follow(text)
            action.setEnabled(enabled)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addActions([self.open_demo_action, self.open_team_action])
        file_menu.addSeparator()
        file_menu.addActions([self.save_as_action, self.save_copy_action,
                              self.publish_team_action, self.import_action,
                              self.update_workbook_action, self.send_review_action,
                              self.apply_review_action, self.export_action,
                              self.export_pdf_action, self.export_image_action])
        file_menu.addSeparator()
        file_menu.addActions([self.close_action, self.quit_action])

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.cut_action, self.copy_action, self.copy_headers_action,
                              self.paste_action, self.select_all_action])
        edit_menu.addSeparator()
        edit_menu.addActions([*self.role_actions.values(), self.cycle_action,
                              self.pick_role_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.clear_filters_action])

        matrix_menu = bar.addMenu("&Matrix")
        matrix_menu.addActions([self.add_touchpoint_action, self.add_stage_action,
                                self.add_department_action])
        matrix_menu.addSeparator()
        matrix_menu.addActions([self.rename_action, self.edit_department_action])
        matrix_menu.addSeparator()
        matrix_menu.addActions([self.move_up_action, self.move_down_action,
                                self.move_left_action, self.move_right_action])
        matrix_menu.addSeparator()
        matrix_menu.addActions([self.delete_rows_action, self.delete_department_action])
        matrix_menu.addSeparator()
        matrix_menu.addActions([self.properties_action, self.members_action,
                                self.history_action])

        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action,
                              self.zoom_reset_action, self.fit_action])
        view_menu.addSeparator()
        view_menu.addActions([self.collapse_all_action, self.expand_all_action])
        view_menu.addSeparator()
        view_menu.addActions([self.go_grid_action, self.go_findings_action,
                              self.go_lens_action, self.go_details_action])
        view_menu.addSeparator()
        for dock in (self.findings_dock, self.lens_dock, self.details_dock):
            view_menu.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.guide_action, self.shortcuts_action])
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        session = self.session
        session.failed.connect(self.show_error)
        self.documents.failed.connect(self.show_error)
        self.documents.adopted.connect(self._on_adopted)
        self.documents.recent_changed.connect(
            lambda: self.welcome.set_recent(settings.recent_files()))
        session.document_changed.connect(self._on_document_changed)
        session.changed.connect(self._on_change)
        session.findings_ready.connect(self._update_status)
        self.grid.selectionModel().currentChanged.connect(self._on_current_changed)
        self.model.modelReset.connect(self._on_current_changed)
        self.findings_panel.finding_selected.connect(self.select_finding)
        self.findings_panel.only_rows_changed.connect(
            lambda on, severity: self.model.update_filter(findings_only=on,
                                                          min_severity=severity))
        self.filter_bar.changed.connect(lambda values: self.model.update_filter(**values))
        self.grid.context_menu.connect(self._cell_menu)
        self.grid.header_menu.connect(self._header_menu)
        self.grid.header_double_clicked.connect(self.structure.edit_department_at)
        self.grid.delete_rows_requested.connect(self.structure.delete_rows)
        self.structure.deleted.connect(self.notify_undoable)
        self.grid.status_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.welcome.open_requested.connect(self.open_dialog)
        self.welcome.new_requested.connect(self.new_blank)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.import_requested.connect(self.import_file)
        self.empty_hint.add_department_requested.connect(self.add_department_action.trigger)
        self.empty_hint.add_touchpoint_requested.connect(self._add_first_touchpoint)
        self.empty_hint.import_requested.connect(self.import_action.trigger)
        self.welcome.recent_requested.connect(self.open_path)
        for signal in (self.model.modelReset, self.model.layoutChanged,
                       self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_filter_status)

    # ---- reacting to the session -----------------------------------------------------------

    def _on_document_changed(self) -> None:
        document = self.session.document
        self.pages.setCurrentIndex(1 if document is not None else 0)
        self._show_docks(document is not None)
        self.filter_bar.set_matrix(document.matrix if document is not None else None)
        self.welcome.set_recent(settings.recent_files())
        self._update_title()
        self._update_enabled()
        self._update_status()
        self._highlight_focus()
        self.fit_action.setChecked(self.column_widths.fit)
        if document is not None and self.model.rowCount() > 0:
            first = min(1, self.model.rowCount() - 1)
            self.grid.setCurrentIndex(self.model.index(first, NAME_COLUMN))
            self.grid.focus_names()

    def _on_change(self, change: MatrixChange) -> None:
        self._update_status()
        if change.structure or change.names_changed:
            self.filter_bar.set_matrix(self.session.matrix)
        if change.properties or change.everything:
            self._update_title()
        if change.focus_changed or change.columns_changed or change.departments:
            self._highlight_focus()

    def _add_first_touchpoint(self) -> None:
        """From the empty grid's hint: the first touchpoint goes into the first stage."""
        if self.model.rowCount() and self.model.matrix and not self.model.matrix.touchpoint_count:
            self.grid.select_cell(0, NAME_COLUMN)
        self.add_touchpoint_action.trigger()

    def _update_title(self) -> None:
        document = self.session.document
        if document is None:
            self.setWindowTitle(APP_NAME)
            return
        marker = " [read-only]" if document.read_only else ""
        self.setWindowTitle(f"{document.path.name}{marker} – {document.matrix.title} – "
                            f"{APP_NAME}")
        self.setWindowFilePath(str(document.path))

    def _update_enabled(self) -> None:
        has = self.session.has_document
        self.actions.update(has_document=has, writable=has and not self.session.read_only)

    def _update_status(self) -> None:
        document = self.session.document
        self.counts.setText(status_text(document) if document is not None else "")
        self._update_filter_status()

    def _update_filter_status(self, *_args: object) -> None:
        """"Filter: 12 of 48 touchpoints shown" while a filter hides touchpoints."""
        shown = self.model.shown_touchpoint_count()
        matrix = self.model.matrix
        if shown is None or matrix is None:
            self.filter_status.hide()
            return
        self.filter_status.setText(f"Filter: {shown:,} of {matrix.touchpoint_count:,} "
                                   "touchpoints shown")
        self.filter_status.show()

    def _on_current_changed(self, *_args: object) -> None:
        index = self.grid.currentIndex()
        if not index.isValid():
            self.details_panel.show_cell(None, None)
            return
        self.details_panel.show_cell(self.model.touchpoint_id_at(index.row()),
                                     self.model.department_id_at(index.column()))

    def _go_to(self, dock: QDockWidget, widget: QWidget) -> None:
        """Show a dock (raising its tab) and put the keyboard focus in it."""
        dock.show()
        dock.raise_()
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- messages -------------------------------------------------------------------------

    def _fold_permanent_widgets(self, message: str) -> None:
        """While a message shows, the counts and figures on the right give it their room:
        'Wrote 4 review packs into … (Undo brings back their answer)' was cut mid-word
        under them. Only their width is folded; their own showing and hiding is theirs."""
        if message and not self._folded:
            # The bar has hidden its other widgets for the message: what shows is permanent.
            self._folded = [child for child in self.statusBar().findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if child.isVisible() and not isinstance(child, QSizeGrip)]
            for child in self._folded:
                child.setMaximumWidth(0)
        elif not message:
            for child in self._folded:
                child.setMaximumWidth(_NO_MAXIMUM)
            self._folded = []

    def show_error(self, title: str, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self, title, message)

    def notify_undoable(self, text: str) -> None:
        """Say what an edit did, with an Undo button that undoes that edit (and only it: the
        notice goes once anything else is done or undone)."""
        stack = self.session.undo_stack
        index = stack.index()

        def undo() -> None:
            if stack.index() == index and stack.canUndo():
                stack.undo()

        def follow(now: int) -> None:
            if now != index:
                stack.indexChanged.disconnect(follow)
                if self.notice.generation == shown:
                    self.notice.dismiss()

        self.notice.show_notice(text, [("&Undo", undo)])
        shown = self.notice.generation
        stack.indexChanged.connect(follow)

    def show_help(self, page: int) -> QDialog:
        """Help > Guide (page 0) or Keyboard Shortcuts (page 1), in one window kept open."""
        from cxmatrix.ui.dialogs.help import HelpDialog

        if self._help is None:
            self._help = HelpDialog(self)
        self._help.show_page(page)
        return self._help

    def about(self) -> str:
        from cxmatrix.ui.identity import show_about

        return show_about(self)

    # ---- files ------------------------------------------------------------------------------

    def commit_pending_edits(self) -> bool:
        """Commit every editor still open (a Details field being typed in, a name being
        renamed in place with F2) before the window closes, opens, creates or imports a file,
        or exports: with no Save, what the user sees must be what the file holds. False if an
        edit was refused (a duplicate or too long name): the session has said why, the
        editor keeps the typed text and the focus, and the caller stops."""
        if self.session.document is None or self.session.read_only:
            return True
        if not self.grid.frozen.commit_editor():
            return False
        details = self.details_panel
        if details.commit_pending():
            return True
        # Put the grid's cursor back on the touchpoint if it moved, then the typed text back
        # in its field.
        assert details.refused is not None
        touchpoint_id, department_id = details.refused[:2]
        if self.grid.current_touchpoint_id() != touchpoint_id:
            self.grid.select_touchpoint(touchpoint_id, department_id)
            details.show_refused()
        return False

    def ask_new_path(self, caption: str, suggestion: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        start = str(Path(settings.last_folder()) / suggestion)
        path, _filter = QFileDialog.getSaveFileName(self, caption, start, files.MATRIX_FILTER)
        if not path:
            return None
        settings.remember_folder(path)
        return files.with_suffix(path, files.MATRIX_SUFFIX)

    def create_document(self, path: Path, matrix: Matrix,
                        snapshots: Sequence[Snapshot] = ()) -> bool:
        return self.documents.create(path, matrix, snapshots)

    def new_blank(self, path: str | Path | None = None) -> bool:
        if not self.commit_pending_edits():
            return False
        target = Path(path) if path else self.ask_new_path("New matrix", "Untitled.cxm")
        if target is None:
            return False
        return self.create_document(target, files.blank_matrix(target.stem))

    def new_from_demo(self, path: str | Path | None = None) -> bool:
        if not self.commit_pending_edits():
            return False
        target = Path(path) if path else self.ask_new_path("New matrix from the demo",
                                                            files.DEMO_FILE_NAME)
        if target is None:
            return False
        return self.create_document(target, files.demo_matrix(), files.demo_snapshots())

    def open_demo(self) -> BackgroundJob | None:
        """Open the user's copy of the demo matrix (built from resources/ the first time)."""
        if not self.commit_pending_edits():
            return None
        return self.documents.open("the demo matrix", files.demo_document_path)

    def open_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if not self.commit_pending_edits():
            return

        path, _filter = QFileDialog.getOpenFileName(
            self, "Open matrix", settings.last_folder(),
            f"{files.MATRIX_FILTER};;All files (*)")
        if path:
            settings.remember_folder(path)
            self.open_path(path)

    def open_path(self, path: str | Path, *, read_only: bool = False) -> BackgroundJob | None:
        """Open a .cxm file off the GUI thread (a progress dialog appears if it is slow)."""
        target = Path(path)
        current = self.session.document
        if current is not None and target.resolve() == current.path.resolve():
            return None
        if not self.commit_pending_edits():
            return None
        if target.suffix.lower() in files.IMPORT_SUFFIXES:
            self.import_file(target)
            return None
        return self.documents.open(target.name, lambda: target, read_only=read_only)

    def _on_adopted(self, document: Document) -> None:
        if document.read_only:
            self.statusBar().showMessage(
                f"{document.path.name} is read-only ({document.read_only_reason}): use Save As "
                "to edit a copy.", 10_000)

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = settings.recent_files()
        for number, path in enumerate(recent, start=1):
            action = menu.addAction(f"&{number % 10} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if recent:
            menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(settings.clear_recent_files)

    def save_as(self, path: str | Path | None = None) -> bool:
        document = self.session.document
        if document is None or not self.commit_pending_edits():
            return False
        target = Path(path) if path else self.ask_new_path("Save matrix as",
                                                            document.path.name)
        if target is None:
            return False
        if not self.documents.save_as(target):
            return False
        self._update_title()
        return True

    def close_document(self) -> bool:
        if not self.commit_pending_edits():
            return False
        self.documents.close()
        return True

    def export_file(self, path: str | Path | None = None, *,
                    pdf_options: Any = None) -> BackgroundJob | None:
        from cxmatrix.ui import transfer

        if not self.commit_pending_edits():
            return None
        return transfer.export_matrix(self, path, pdf_options=pdf_options)

    def export_pdf(self, path: str | Path | None = None) -> BackgroundJob | None:
        from cxmatrix.ui import transfer

        if not self.commit_pending_edits():
            return None
        return transfer.export_pdf(self, path)

    def export_image(self, path: str | Path | None = None, *,
                     image_options: Any = None) -> BackgroundJob | None:
        from cxmatrix.ui import transfer

        if not self.commit_pending_edits():
            return None
        return transfer.export_image(self, path, image_options=image_options)

    def import_file(self, path: str | Path | None = None) -> None:
        from cxmatrix.ui import transfer

        if not self.commit_pending_edits():
            return
        transfer.import_into(self, path)

    def update_from_workbook(self, paths: list[str | Path] | None = None
                             ) -> BackgroundJob | None:
        from cxmatrix.ui import update

        if not self.commit_pending_edits():
            return None
        return update.update_from_workbooks(self, paths)

    def send_for_review(self) -> None:
        from cxmatrix.ui import review

        if self.commit_pending_edits():
            review.send_for_review(self)

    def apply_review(self, paths: list[str | Path] | None = None) -> BackgroundJob | None:
        from cxmatrix.ui import review

        if not self.commit_pending_edits():
            return None
        return review.apply_review_packs(self, paths)

    # ---- dropping files onto the window ------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.open_path(paths[0])

    # ---- selecting from the panels --------------------------------------------------------

    def select_finding(self, finding: Finding) -> None:
        """Go to a finding the user clicked: its row in the middle of the grid, the
        departments it names in view."""
        named = [d for d in (finding.department_id, *finding.department_ids) if d is not None]
        departments = list(dict.fromkeys(named))
        if finding.touchpoint_id is not None:
            self.grid.go_to_touchpoint(finding.touchpoint_id, departments)
        elif finding.department_id is not None:
            self.grid.select_department(finding.department_id)
            self.grid.bring_columns_into_view(departments)

    # ---- context menus --------------------------------------------------------------------

    def _cell_menu(self, position: QPoint, area: str) -> None:
        menu = QMenu(self)
        if area == "cell":
            menu.addActions([*self.role_actions.values(), self.cycle_action,
                             self.pick_role_action])
            menu.addSeparator()
            menu.addActions([self.cut_action, self.copy_action, self.copy_headers_action,
                             self.paste_action])
            menu.addSeparator()
        move_menu = self._move_to_stage_menu(menu)
        if self.team.document is not None:
            menu.addAction(self.history_action)
            menu.addSeparator()
        menu.addActions([self.add_touchpoint_action, self.add_stage_action,
                         self.rename_action])
        if move_menu is not None:
            menu.addMenu(move_menu)
        menu.addActions([self.move_up_action, self.move_down_action,
                         self.delete_rows_action])
        self.plan_view.extend_cell_menu(menu)
        menu.popup(position)

    def _move_to_stage_menu(self, parent: QMenu) -> QMenu | None:
        ids = self.grid.selected_touchpoint_ids()
        if not ids or self.session.read_only:
            return None
        menu = QMenu("Move to &Stage", parent)
        for stage in self.session.matrix.stages:
            action = menu.addAction(stage.name)
            action.triggered.connect(
                lambda _c=False, s=stage.id, t=tuple(ids): self.structure.move_to_stage(list(t), s))
        return menu

    def show_history(self) -> None:
        """Right-click > History: the current cell's changes, or its touchpoint's."""
        current = self.grid.currentIndex()
        touchpoint = self.model.touchpoint_id_at(current.row()) if current.isValid() else None
        department = self.model.department_id_at(current.column()) if current.isValid() \
            else None
        self.team.show_history(touchpoint, department)

    def _header_menu(self, position: QPoint, column: int) -> None:
        dept_id = self.model.department_id_at(column)
        menu = QMenu(self)
        if dept_id is not None:
            self.grid.selectColumn(column)
            lens = menu.addAction("Look Through This Department's &Lens")
            lens.triggered.connect(lambda: (self.lens_panel.set_department(dept_id),
                                            self.lens_dock.show(), self.lens_dock.raise_()))
            menu.addSeparator()
            menu.addActions([self.edit_department_action, self.move_left_action,
                             self.move_right_action, self.delete_department_action])
            self.plan_view.extend_header_menu(menu, dept_id)
            if self.team.document is not None:
                history = menu.addAction("&History…")
                history.triggered.connect(lambda: self.team.show_history(None, dept_id))
            menu.addSeparator()
        menu.addAction(self.add_department_action)
        menu.popup(position)

    # ---- window state -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        store = QSettings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(default_window_size(self.screen().availableGeometry().size()))
        state = store.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        else:
            self._default_dock_width = True
        self.grid.set_name_width(settings.int_value("grid/name_width", self.grid.name_width))

    def _show_docks(self, show: bool) -> None:
        """Hide the docks while no matrix is open (they would only say so); bring them back
        as they were when one opens."""
        if not show and self._editor_state is None:
            self._editor_state = self.saveState()
            for dock in self.docks:
                dock.hide()
        elif show and self._editor_state is not None:
            state, self._editor_state = self._editor_state, None
            self.restoreState(state)
        for dock in self.docks:
            dock.toggleViewAction().setEnabled(show)
        if show and self._default_dock_width:  # the first time, at the window's real width
            self._default_dock_width = False
            self.resizeDocks([self.findings_dock], [dock_width(self.width())],
                             Qt.Orientation.Horizontal)
            # The details below get what they need if the findings (or lens) above keep
            # at least half the height; on a short screen the details scroll.
            panel = self.details_panel
            wanted = (panel.touchpoint_box.sizeHint().height()
                      + panel.cell_box.sizeHint().height() + 72)  # titles and margins
            total = self.height() - self.menuBar().height() - self.statusBar().height()
            above = max(total // 2, total - wanted)
            self.resizeDocks([self.findings_dock, self.details_dock], [above, total - above],
                             Qt.Orientation.Vertical)

    def save_settings(self) -> None:
        store = QSettings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self._editor_state if self._editor_state is not None
                       else self.saveState())
        store.setValue("grid/name_width", self.column_widths.unfitted_name_width())
        self.column_widths.save()
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.commit_pending_edits():
            event.ignore()  # the user is told why and finds the typed text still there
            return
        self.save_settings()
        self.session.close()
        event.accept()

