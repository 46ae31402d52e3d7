"""Undo steps of the target layer and of snapshots, in the style of commands.py.

Setting target roles, editing an action, marking planned changes done, flagging a touchpoint
or department as planned, and taking, renaming or deleting a snapshot: each is one
QUndoCommand whose text says what it does ("Set the target of Support to Own on Renewal
reminder", "Take snapshot “Agreed in January”"). ``redo`` and ``undo`` call symmetric Document
methods with what the first run returned, so the file and the matrix come back exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

from cxmatrix.domain.actions import Action
from cxmatrix.domain.model import PlanCell
from cxmatrix.domain.roles import Role
from cxmatrix.domain.snapshots import SnapshotInfo
from cxmatrix.ui.commands import MatrixCommand, _short, describe_roles
from cxmatrix.ui.session import Session

CellChange = tuple[int, int, Role | None]


class SetTargets(MatrixCommand):
    """Set (or clear) the target roles of one or many cells: one step however many."""

    def __init__(self, session: Session, changes: Sequence[CellChange],
                 text: str | None = None) -> None:
        self.changes = list(changes)
        super().__init__(session, text or describe_targets(session, self.changes))
        self.previous: list[CellChange] = []

    def do(self) -> None:
        self.previous = self.doc.set_targets(self.changes)

    def revert(self) -> None:
        self.doc.set_targets(self.previous)


def describe_targets(session: Session, changes: Sequence[CellChange]) -> str:
    """"Set the target of Support to Own on Renewal reminder", "Set the target of 4 cells"."""
    matrix = session.matrix
    if len(changes) == 1:
        tid, did, role = changes[0]
        dept = matrix.department(did).name
        tp = _short(matrix.touchpoint(tid).name)
        if role is None:
            return f"Clear the target role of {dept} on {tp}"
        return f"Set the target of {dept} to {role.label} on {tp}"
    text = describe_roles(matrix, changes)
    return text.replace("Set ", "Set the target of ", 1).replace("Clear ", "Clear the "
                                                                 "target of ", 1)


class SetAction(MatrixCommand):
    """Record, change or remove the action of one planned change."""

    def __init__(self, session: Session, touchpoint_id: int, department_id: int,
                 action: Action | None, what: str = "action") -> None:
        matrix = session.matrix
        dept = matrix.department(department_id).name
        tp = _short(matrix.touchpoint(touchpoint_id).name)
        super().__init__(session, f"Change the {what} of {dept}'s change on {tp}")
        self.key = (touchpoint_id, department_id)
        self.action = action
        self.old: Action | None = None

    def do(self) -> None:
        self.old = self.doc.set_action(*self.key, self.action)

    def revert(self) -> None:
        self.doc.set_action(*self.key, self.old)


class CompleteChanges(MatrixCommand):
    """Mark planned changes done: today's role becomes the target role, one step."""

    def __init__(self, session: Session, cells: Sequence[tuple[int, int]]) -> None:
        self.cells = list(dict.fromkeys(cells))
        matrix = session.matrix
        if len(self.cells) == 1:
            tid, did = self.cells[0]
            text = (f"Mark done: {matrix.department(did).name} on "
                    f"{_short(matrix.touchpoint(tid).name)}")
        else:
            text = f"Mark {len(self.cells)} planned changes done"
        super().__init__(session, text)
        self.before: list[tuple[int, int, PlanCell]] = []

    def first(self) -> None:
        matrix = self.doc.matrix
        matrix.check_today_roles((t, d, matrix.target_role(t, d)) for t, d in self.cells)
        self.do()

    def do(self) -> None:
        self.before = self.doc.complete_changes(self.cells)

    def revert(self) -> None:
        self.doc.restore_plan_cells(self.before)


class SetPlannedTouchpoint(MatrixCommand):
    def __init__(self, session: Session, touchpoint_id: int, planned: bool) -> None:
        name = _short(session.matrix.touchpoint(touchpoint_id).name)
        super().__init__(session, f"Mark {name} as planned" if planned
                         else f"Mark {name} as existing today")
        self.touchpoint_id = touchpoint_id
        self.planned = planned

    def do(self) -> None:
        self.doc.set_planned_touchpoint(self.touchpoint_id, self.planned)

    def revert(self) -> None:
        self.doc.set_planned_touchpoint(self.touchpoint_id, not self.planned)


class SetPlannedDepartment(MatrixCommand):
    """Mark a department as planned (or as existing today). A planned department has no role
    today (``Matrix.today_refusal``), so the roles it has today become its target roles, in
    the same step."""

    def __init__(self, session: Session, department_id: int, planned: bool) -> None:
        matrix = session.matrix
        name = matrix.department(department_id).name
        self.moved = [tid for tid, row in matrix.roles.items() if department_id in row] \
            if planned and not matrix.is_planned_department(department_id) else []
        text = (f"Mark department {name} as planned" if planned
                else f"Mark department {name} as existing today")
        if self.moved:
            count = len(self.moved)
            text += (f" (its {count} role{'' if count == 1 else 's'} today become"
                     f"{'s' if count == 1 else ''} its target)")
        super().__init__(session, text)
        self.department_id = department_id
        self.planned = planned
        self.previous_roles: list[CellChange] = []
        self.previous_targets: list[CellChange] = []

    def do(self) -> None:
        did = self.department_id
        if not self.moved:
            self.doc.set_planned_department(did, self.planned)
            return
        matrix = self.doc.matrix
        targets = [(tid, did, matrix.target_role(tid, did)) for tid in self.moved]
        with self.doc.batch():
            self.previous_roles = self.doc.set_cells([(tid, did, None) for tid in self.moved])
            self.previous_targets = self.doc.set_targets(targets)
            self.doc.set_planned_department(did, True)

    def revert(self) -> None:
        did = self.department_id
        if not self.moved:
            self.doc.set_planned_department(did, not self.planned)
            return
        with self.doc.batch():
            self.doc.set_planned_department(did, False)
            self.doc.set_targets(self.previous_targets)
            self.doc.set_cells(self.previous_roles)


# ---- snapshots -------------------------------------------------------------------------------


class TakeSnapshot(MatrixCommand):
    """Freeze the matrix as a named snapshot; undo deletes it, redo brings the same one back."""

    def __init__(self, session: Session, name: str, note: str = "") -> None:
        super().__init__(session, f"Take snapshot “{_short(' '.join(name.split()))}”")
        self.name = name
        self.note = note
        self.info: SnapshotInfo | None = None

    def first(self) -> None:
        self.info = self.doc.take_snapshot(self.name, self.note)

    def do(self) -> None:
        assert self.info is not None
        self.doc.undelete_snapshot(self.info.id)

    def revert(self) -> None:
        assert self.info is not None
        self.doc.delete_snapshot(self.info.id)


class RenameSnapshot(MatrixCommand):
    def __init__(self, session: Session, snapshot_id: int, old_name: str, name: str) -> None:
        super().__init__(session, f"Rename snapshot “{_short(old_name)}” to "
                                  f"“{_short(' '.join(name.split()))}”")
        self.snapshot_id = snapshot_id
        self.name = name
        self.old = old_name

    def do(self) -> None:
        self.old = self.doc.rename_snapshot(self.snapshot_id, self.name)

    def revert(self) -> None:
        self.doc.rename_snapshot(self.snapshot_id, self.old)


class DeleteSnapshot(MatrixCommand):
    def __init__(self, session: Session, snapshot_id: int, name: str) -> None:
        super().__init__(session, f"Delete snapshot “{_short(name)}”")
        self.snapshot_id = snapshot_id

    def do(self) -> None:
        self.doc.delete_snapshot(self.snapshot_id)

    def revert(self) -> None:
        self.doc.undelete_snapshot(self.snapshot_id)
