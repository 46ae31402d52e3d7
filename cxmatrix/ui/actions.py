"""Every action of the window, declared in one place: its text, its keys and what it needs.

Each :class:`Spec` names its keys in the order the menus show them: Qt's standard keys for the
platform (``QKeySequence.StandardKey``) plus the keys users expect where a platform or theme
has none (Ctrl+Y for Redo, Ctrl+Shift+S for Save As). ``needs`` says when the action is
enabled: always, with an open matrix, or with one that can be edited. The window creates the
collection, connects each action to what it does and calls :meth:`ActionCollection.update`
when a document opens or closes (Frescobaldi's ``actioncollection.py`` is the model).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence

from cxmatrix.domain.roles import Role

KEY = QKeySequence.StandardKey


class Needs(enum.Enum):
    NOTHING = "nothing"  # always enabled
    DOCUMENT = "document"  # an open matrix
    WRITABLE = "writable"  # an open matrix that can be edited
    HISTORY = "history"  # Undo and Redo: the undo stack enables them
    OWNER = "owner"  # the part of the window that owns it enables it (plan_view.py)


class Scope(enum.Enum):
    WINDOW = "window"  # the shortcut works anywhere in the window
    GRID = "grid"  # only while the grid (or its frozen name column) has the focus
    GRID_ONLY = "grid only"  # only the grid itself: the key is text elsewhere ("O", Space)


@dataclass(frozen=True, slots=True)
class Spec:
    text: str
    name: str  # the QAction's object name (tests and the shortcut list use it)
    keys: tuple[QKeySequence.StandardKey | str, ...] = ()
    needs: Needs = Needs.DOCUMENT
    tip: str = ""
    scope: Scope = Scope.WINDOW
    checkable: bool = False
    menu_role: QAction.MenuRole | None = None


def _role_spec(role: Role | None, key: str) -> Spec:
    if role is None:
        return Spec("C&lear Role", "actionRoleClear", (key,), Needs.WRITABLE,
                    "Remove the role from the selected cells", Scope.GRID_ONLY)
    return Spec(f"Set &{role.label}", f"actionRole{role.label}", (key,), Needs.WRITABLE,
                role.meaning, Scope.GRID_ONLY)


# attribute name -> what the action is. The window's menus are built from these names.
SPECS: dict[str, Spec] = {
    # File
    "new": Spec("&New Matrix…", "actionNew", (KEY.New,), Needs.NOTHING,
                "Create an empty matrix file with the usual journey stages"),
    "open": Spec("&Open…", "actionOpen", (KEY.Open,), Needs.NOTHING),
    "open_demo": Spec("Open the &Demo Matrix", "actionOpenDemo", (), Needs.NOTHING,
                      "Open your copy of the demo matrix to try things out"),
    "open_team": Spec("Open from &Team Server…", "actionOpenTeam", (), Needs.NOTHING,
                      "Open a matrix shared on a team server (PostgreSQL) to edit it with "
                      "others"),
    "publish_team": Spec("P&ublish to Team Server…", "actionPublishTeam", (), Needs.DOCUMENT,
                         "Put this matrix on a team server so that others can edit it too"),
    "save_copy": Spec("Save a &Copy As…", "actionSaveCopy", (), Needs.DOCUMENT,
                      "Write an offline .cxm copy; this window stays on the matrix"),
    "save_as": Spec("Save &As…", "actionSaveAs", (KEY.SaveAs, "Ctrl+Shift+S"), Needs.DOCUMENT,
                    "Continue in a copy of this matrix under another name"),
    "import": Spec("&Import…", "actionImport", ("Ctrl+Shift+I",), Needs.NOTHING,
                   "Import a spreadsheet (RACI chart, grid) or JSON file"),
    "update_workbook": Spec("&Update from Workbook…", "actionUpdateFromWorkbook", (),
                            Needs.WRITABLE, "Bring back copies of the exported workbook that "
                            "colleagues edited: review every change, then apply"),
    "send_review": Spec("Send for Re&view…", "actionSendForReview", (), Needs.WRITABLE,
                        "Write one review pack per department for its lead to agree with or "
                        "dispute the department's column"),
    "apply_review": Spec("Appl&y Review…", "actionApplyReview", (), Needs.WRITABLE,
                         "Read the review packs the leads returned: sign-offs, disputes and "
                         "proposed target roles, applied as one step"),
    "export": Spec("&Export…", "actionExport", ("Ctrl+E",), Needs.DOCUMENT,
                   "Export to Excel, PDF, CSV or JSON"),
    "export_pdf": Spec("Export as &PDF…", "actionExportPdf", ("Ctrl+Shift+E",), Needs.DOCUMENT,
                       "A PDF report for meetings: summary, chart, findings and lens pages"),
    "export_image": Spec("Export as &Image…", "actionExportImage", (), Needs.DOCUMENT,
                         "A page of the PDF report (summary, chart or a lens) as a PNG image "
                         "for slides"),
    # Ctrl+W first: the menu shows the first key, and Ctrl+F4 is the Windows-only one.
    "close": Spec("&Close", "actionClose", ("Ctrl+W", KEY.Close), Needs.DOCUMENT),
    "quit": Spec("&Quit", "actionQuit", (KEY.Quit, "Ctrl+Q"), Needs.NOTHING,
                 menu_role=QAction.MenuRole.QuitRole),
    # Edit
    "undo": Spec("&Undo", "actionUndo", (KEY.Undo, "Ctrl+Z"), Needs.HISTORY),
    # Some Linux themes bind only one of Ctrl+Y and Ctrl+Shift+Z to the standard Redo key.
    "redo": Spec("&Redo", "actionRedo", (KEY.Redo, "Ctrl+Y", "Ctrl+Shift+Z"), Needs.HISTORY),
    "cut": Spec("Cu&t", "actionCut", (KEY.Cut, "Ctrl+X"), Needs.WRITABLE,
                "Copy the selected roles, then clear them", Scope.GRID),
    "copy": Spec("&Copy", "actionCopy", (KEY.Copy,), Needs.DOCUMENT, scope=Scope.GRID),
    "copy_headers": Spec("Copy with Hea&ders", "actionCopyWithHeaders", ("Ctrl+Shift+C",),
                         Needs.DOCUMENT,
                         "Copy the selected roles with their touchpoint and department names",
                         Scope.GRID),
    "paste": Spec("&Paste", "actionPaste", (KEY.Paste,), Needs.WRITABLE, scope=Scope.GRID),
    "select_all": Spec("Select &All", "actionSelectAll", (KEY.SelectAll,), Needs.DOCUMENT,
                       scope=Scope.GRID),
    "role_own": _role_spec(Role.OWN, "O"),
    "role_influence": _role_spec(Role.INFLUENCE, "I"),
    "role_handle": _role_spec(Role.HANDLE, "H"),
    "role_clear": _role_spec(None, "Del"),
    "cycle": Spec("C&ycle Role", "actionCycle", ("Space",), Needs.WRITABLE,
                  "Empty, Own, Influence, Handle, empty…", Scope.GRID_ONLY),
    "pick_role": Spec("Pic&k Role…", "actionPickRole", ("Alt+Down",), Needs.WRITABLE,
                      "Pick the role from a list (also a double click)", Scope.GRID_ONLY),
    "find": Spec("&Find…", "actionFind", (KEY.Find,), Needs.DOCUMENT),
    "clear_filters": Spec("Clear &Filters", "actionClearFilters", (), Needs.DOCUMENT),
    # Matrix
    "add_touchpoint": Spec("Add &Touchpoint", "actionAddTouchpoint", ("Ctrl+T",),
                           Needs.WRITABLE),
    "add_stage": Spec("Add &Stage", "actionAddStage", ("Ctrl+Shift+T",), Needs.WRITABLE),
    "add_department": Spec("Add &Department…", "actionAddDepartment", ("Ctrl+D",),
                           Needs.WRITABLE),
    "rename": Spec("&Rename Touchpoint or Stage", "actionRename", ("F2",), Needs.WRITABLE),
    "edit_department": Spec("&Edit Department…", "actionEditDepartment", (), Needs.WRITABLE),
    "move_up": Spec("Move &Up", "actionMoveUp", ("Ctrl+Shift+Up",), Needs.WRITABLE),
    "move_down": Spec("Move Do&wn", "actionMoveDown", ("Ctrl+Shift+Down",), Needs.WRITABLE),
    "move_left": Spec("Move Department &Left", "actionMoveLeft", ("Ctrl+Shift+Left",),
                      Needs.WRITABLE),
    "move_right": Spec("Move Department R&ight", "actionMoveRight", ("Ctrl+Shift+Right",),
                       Needs.WRITABLE),
    "delete_rows": Spec("De&lete Touchpoints or Stage", "actionDeleteRows", ("Ctrl+Del",),
                        Needs.WRITABLE),
    "delete_department": Spec("Delete De&partment", "actionDeleteDepartment", (),
                              Needs.WRITABLE),
    "members": Spec("Mem&bers…", "actionMembers", (), Needs.DOCUMENT,
                    "Who may edit this team-server matrix, and which departments"),
    "history": Spec("&History…", "actionHistory", (), Needs.DOCUMENT,
                    "The recorded changes of the current cell (team-server matrices)"),
    "properties": Spec("Matrix &Properties…", "actionProperties", ("Ctrl+Shift+P",),
                       Needs.WRITABLE),
    "planned_touchpoint": Spec("Planned Tou&chpoint", "actionPlannedTouchpoint", (),
                               Needs.OWNER, "The touchpoint exists only at target (one we "
                               "will start)", checkable=True),
    "planned_department": Spec("Planned Dep&artment", "actionPlannedDepartment", (),
                               Needs.OWNER, "The department exists only at target",
                               checkable=True),
    "take_snapshot": Spec("Ta&ke Snapshot…", "actionTakeSnapshot", ("Ctrl+Alt+S",),
                          Needs.WRITABLE, "Freeze the matrix as it is now, under a name and "
                          "date, inside this file"),
    "snapshots": Spec("Snaps&hots…", "actionSnapshots", (), Needs.DOCUMENT,
                      "The snapshots in this file: rename, delete, restore, compare"),
    # View: today and target
    "view_current": Spec("&Current", "actionViewCurrent", (), Needs.DOCUMENT,
                         "Show and edit the roles as they are today", checkable=True),
    "view_target": Spec("&Target", "actionViewTarget", (), Needs.DOCUMENT,
                        "Show and edit the roles as they should be; planned changes are "
                        "marked", checkable=True),
    "switch_layer": Spec("S&witch Current/Target", "actionSwitchLayer", ("F7",),
                         Needs.DOCUMENT, "Switch the grid between today and the target"),
    "leave_comparison": Spec("Leave Co&mparison", "actionLeaveComparison", (), Needs.OWNER,
                             "Stop comparing with the snapshot and edit again"),
    # View
    "zoom_in": Spec("Zoom &In", "actionZoomIn", (KEY.ZoomIn, "Ctrl++", "Ctrl+="),
                    Needs.DOCUMENT),
    "zoom_out": Spec("Zoom &Out", "actionZoomOut", (KEY.ZoomOut, "Ctrl+-"), Needs.DOCUMENT),
    "zoom_reset": Spec("&Actual Size", "actionZoomReset", ("Ctrl+0",), Needs.DOCUMENT),
    "fit": Spec("&Fit Departments to Width", "actionFitDepartments", (), Needs.DOCUMENT,
                "Every department in view at once, headed by its short code", checkable=True),
    "collapse_all": Spec("&Collapse All Stages", "actionCollapseAll", (), Needs.DOCUMENT),
    "expand_all": Spec("E&xpand All Stages", "actionExpandAll", (), Needs.DOCUMENT),
    "go_grid": Spec("Go to the &Grid", "actionGoGrid", ("Ctrl+1",), Needs.DOCUMENT),
    "go_findings": Spec("Go to F&indings", "actionGoFindings", ("Ctrl+2",), Needs.DOCUMENT),
    "go_lens": Spec("Go to the &Lens", "actionGoLens", ("Ctrl+3",), Needs.DOCUMENT),
    "go_details": Spec("Go to &Details", "actionGoDetails", ("Ctrl+4",), Needs.DOCUMENT),
    "go_changes": Spec("Go to C&hanges", "actionGoChanges", ("Ctrl+5",), Needs.DOCUMENT),
    # Help
    "guide": Spec("cxmatrix &Guide", "actionGuide", (KEY.HelpContents, "F1"), Needs.NOTHING,
                  "The roles, the checks and the markers in the grid"),
    "shortcuts": Spec("&Keyboard Shortcuts", "actionShortcuts", ("Ctrl+/",), Needs.NOTHING),
    "about": Spec("&About cxmatrix", "actionAbout", (), Needs.NOTHING,
                  menu_role=QAction.MenuRole.AboutRole),
}

ROLE_ACTIONS: dict[Role | None, str] = {Role.OWN: "role_own", Role.INFLUENCE: "role_influence",
                                        Role.HANDLE: "role_handle", None: "role_clear"}


def key_sequences(keys: tuple[QKeySequence.StandardKey | str, ...]) -> list[QKeySequence]:
    """The keys in order, each standard key as this platform binds it, without repeats."""
    sequences: list[QKeySequence] = []
    for key in keys:
        found = (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                 else [QKeySequence(key)])
        sequences.extend(k for k in found if not k.isEmpty() and k not in sequences)
    return sequences


class HistoryAction(QAction):
    """Undo or Redo: "&Undo Rename touchpoint Pricing page && quote" (an "&" in the step's
    text shown as itself, not taken for a mnemonic)."""

    def __init__(self, verb: str, parent: QObject) -> None:
        super().__init__(verb, parent)
        self.verb = verb

    @Slot(str)
    def follow(self, text: str) -> None:
        self.setText(f"{self.verb} {text.replace('&', '&&')}" if text else self.verb)


class ActionCollection:
    """The window's QActions, one attribute-like entry per :data:`SPECS` name."""

    def __init__(self, parent: QObject) -> None:
        self._actions: dict[str, QAction] = {}
        for attribute, spec in SPECS.items():
            action: QAction = (HistoryAction(spec.text, parent) if spec.needs is Needs.HISTORY
                               else QAction(spec.text, parent))
            action.setObjectName(spec.name)
            action.setShortcuts(key_sequences(spec.keys))
            if spec.tip:
                action.setStatusTip(spec.tip)
                action.setToolTip(spec.tip)
            action.setCheckable(spec.checkable)
            if spec.menu_role is not None:
                action.setMenuRole(spec.menu_role)
            if spec.scope is Scope.GRID:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            elif spec.scope is Scope.GRID_ONLY:
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self._actions[attribute] = action

    def __getitem__(self, attribute: str) -> QAction:
        return self._actions[attribute]

    def items(self) -> Iterator[tuple[str, QAction]]:
        return iter(self._actions.items())

    def connect(self, slots: dict[str, Callable[[], object]]) -> None:
        """Run ``slots[name]`` when the action ``name`` is triggered (or toggled)."""
        missing = set(SPECS) - set(slots) - {"undo", "redo", "fit"}
        if missing:
            raise ValueError(f"actions without a slot: {sorted(missing)}")
        for attribute, slot in slots.items():
            self._actions[attribute].triggered.connect(lambda _checked=False, s=slot: s())

    def in_scope(self, scope: Scope) -> list[QAction]:
        """The actions whose keys work only in the grid: the grid adds them to itself."""
        return [self._actions[a] for a, spec in SPECS.items() if spec.scope is scope]

    def update(self, *, has_document: bool, writable: bool) -> None:
        for attribute, spec in SPECS.items():
            if spec.needs is Needs.DOCUMENT:
                self._actions[attribute].setEnabled(has_document)
            elif spec.needs is Needs.WRITABLE:
                self._actions[attribute].setEnabled(writable)
