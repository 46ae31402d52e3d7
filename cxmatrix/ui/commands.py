"""One QUndoCommand per domain operation.

Each command's text says what it does ("Set Sales to Own on Demo call"). ``apply_first`` runs
the operation once (the Session calls it, so a refused edit never reaches the stack); ``redo``
and ``undo`` then call symmetric Document methods, restoring deleted things from the snapshots
the Document returned, so ids and positions come back exactly. Edits of several things at
once run inside ``Document.batch()``: one transaction, one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from cxmatrix.domain.comments import Comment
from cxmatrix.domain.model import (
    DepartmentSnapshot,
    Matrix,
    StageSnapshot,
    TouchpointSnapshot,
)
from cxmatrix.domain.roles import Role
from cxmatrix.ui.session import Session, expected_errors

if TYPE_CHECKING:
    from cxmatrix.domain.progress import Progress
    from cxmatrix.store import Document
    from cxmatrix.store.document import Replacement

CellChange = tuple[int, int, Role | None]

FIELD_LABELS = {"name": "name", "category": "category", "channel": "channel",
                "description": "description", "peak": "peak moment", "end": "end moment",
                "metric": "metric", "notes": "notes", "code": "short code", "lead": "lead",
                "title": "title", "organisation": "organisation", "prepared_by": "prepared by",
                "focus_department_id": "focus department"}


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


class MatrixCommand(QUndoCommand):
    """Base: subclasses implement ``do`` (first run and redo) and ``revert`` (undo)."""

    def __init__(self, session: Session, text: str) -> None:
        super().__init__(text)
        self.session = session
        self._applied_once = False

    @property
    def doc(self) -> Document:
        document = self.session.document
        if document is None:
            raise RuntimeError("no document is open")
        return document

    def apply_first(self) -> None:
        self.first()
        self._applied_once = True

    def first(self) -> None:
        """The first run; by default the same as redo."""
        self.do()

    def do(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._applied_once:
            self._applied_once = False  # QUndoStack.push calls redo: the work is done.
            return
        self._guard("Redo", self.do)

    def undo(self) -> None:
        self._guard("Undo", self.revert)

    def _guard(self, what: str, action: Callable[[], None]) -> None:
        try:
            with self.session.replaying():
                action()
        except expected_errors() as error:
            self.session.history_broken(f"{what} of “{self.text()}”", error)


# ---- cells ---------------------------------------------------------------------------------


class SetRoles(MatrixCommand):
    """Set (or clear) the roles of one or many cells: one step however many cells."""

    def __init__(self, session: Session, changes: Sequence[CellChange],
                 text: str | None = None) -> None:
        self.changes = list(changes)
        super().__init__(session, text or describe_roles(session.matrix, self.changes))
        self.previous: list[CellChange] = []

    def first(self) -> None:
        self.doc.matrix.check_today_roles(self.changes)
        self.do()

    def do(self) -> None:
        self.previous = self.doc.set_cells(self.changes)

    def revert(self) -> None:
        self.doc.set_cells(self.previous)


class CutRoles(SetRoles):
    """Ctrl+X: the roles were copied to the clipboard; clear them, as one step."""

    def __init__(self, session: Session, changes: Sequence[CellChange]) -> None:
        cleared = [(t, d, None) for t, d, _role in changes]
        if len(cleared) == 1:
            tid, did, _none = cleared[0]
            matrix = session.matrix
            text = (f"Cut the role of {matrix.department(did).name} on "
                    f"{_short(matrix.touchpoint(tid).name)}")
        else:
            text = f"Cut {len(cleared)} cells"
        super().__init__(session, cleared, text)


def describe_roles(matrix: Matrix, changes: Sequence[CellChange], verb: str = "Set") -> str:
    roles = {role for _, _, role in changes}
    if len(changes) == 1:
        tid, did, role = changes[0]
        dept = matrix.department(did).name
        tp = _short(matrix.touchpoint(tid).name)
        if role is None:
            return f"Clear the role of {dept} on {tp}"
        return f"{verb} {dept} to {role.label} on {tp}"
    if roles == {None}:
        return f"Clear {len(changes)} cells"
    if len(roles) == 1:
        role = next(iter(roles))
        assert role is not None
        return f"{verb} {len(changes)} cells to {role.label}"
    return f"{verb} {len(changes)} cells"


class SetNote(MatrixCommand):
    def __init__(self, session: Session, touchpoint_id: int, department_id: int,
                 note: str) -> None:
        matrix = session.matrix
        dept = matrix.department(department_id).name
        tp = _short(matrix.touchpoint(touchpoint_id).name)
        verb = "Edit" if note.strip() else "Remove"
        super().__init__(session, f"{verb} the note of {dept} on {tp}")
        self.key = (touchpoint_id, department_id)
        self.note = note
        self.old = ""

    def do(self) -> None:
        self.old = self.doc.set_note(*self.key, self.note)

    def revert(self) -> None:
        self.doc.set_note(*self.key, self.old)


# ---- touchpoints ---------------------------------------------------------------------------


class AddTouchpoint(MatrixCommand):
    def __init__(self, session: Session, stage_id: int, name: str, index: int | None = None,
                 **attributes: object) -> None:
        stage = session.matrix.stage(stage_id).name
        super().__init__(session, f"Add touchpoint {_short(name.strip())} to {stage}")
        self.args = (stage_id, name, index)
        self.attributes = attributes
        self.touchpoint_id: int | None = None
        self.snapshot: TouchpointSnapshot | None = None

    def first(self) -> None:
        self.touchpoint_id = self.doc.add_touchpoint(*self.args, **self.attributes).id

    def do(self) -> None:
        assert self.snapshot is not None
        self.doc.restore_touchpoint(self.snapshot)

    def revert(self) -> None:
        assert self.touchpoint_id is not None
        self.snapshot = self.doc.delete_touchpoint(self.touchpoint_id)


class UpdateTouchpoint(MatrixCommand):
    def __init__(self, session: Session, touchpoint_id: int, **changes: object) -> None:
        tp = session.matrix.touchpoint(touchpoint_id)
        if set(changes) == {"name"}:
            text = f"Rename touchpoint {_short(tp.name)} to {_short(str(changes['name']))}"
        else:
            labels = ", ".join(FIELD_LABELS.get(k, k) for k in changes)
            text = f"Change the {labels} of {_short(tp.name)}"
        super().__init__(session, text)
        self.touchpoint_id = touchpoint_id
        self.changes = changes
        self.old: dict[str, object] = {}

    def do(self) -> None:
        self.old = self.doc.update_touchpoint(self.touchpoint_id, **self.changes)

    def revert(self) -> None:
        self.doc.update_touchpoint(self.touchpoint_id, **self.old)


class MoveTouchpoint(MatrixCommand):
    def __init__(self, session: Session, touchpoint_id: int, stage_id: int, index: int) -> None:
        matrix = session.matrix
        tp = matrix.touchpoint(touchpoint_id)
        if tp.stage_id == stage_id:
            text = f"Move touchpoint {_short(tp.name)}"
        else:
            text = f"Move touchpoint {_short(tp.name)} to {matrix.stage(stage_id).name}"
        super().__init__(session, text)
        self.touchpoint_id = touchpoint_id
        self.target = (stage_id, index)
        self.old = (tp.stage_id, matrix.touchpoint_index(touchpoint_id))

    def do(self) -> None:
        self.old = self.doc.move_touchpoint(self.touchpoint_id, *self.target)

    def revert(self) -> None:
        self.doc.move_touchpoint(self.touchpoint_id, *self.old)


class MoveTouchpoints(MatrixCommand):
    """Move several touchpoints (a dragged selection) together before ``index`` of a stage."""

    def __init__(self, session: Session, touchpoint_ids: Sequence[int], stage_id: int,
                 index: int) -> None:
        stage = session.matrix.stage(stage_id).name
        super().__init__(session, f"Move {len(touchpoint_ids)} touchpoints to {stage}")
        self.touchpoint_ids = list(touchpoint_ids)
        self.target = (stage_id, index)
        self.old: list[tuple[int, tuple[int, int]]] = []

    def do(self) -> None:
        doc = self.doc
        matrix = doc.matrix
        stage_id, index = self.target
        self.old = []
        with doc.batch():
            for tid in self.touchpoint_ids:
                if (matrix.touchpoint(tid).stage_id == stage_id
                        and matrix.touchpoint_index(tid) < index):
                    index -= 1
                self.old.append((tid, doc.move_touchpoint(tid, stage_id, index)))
                index += 1

    def revert(self) -> None:
        doc = self.doc
        with doc.batch():
            for tid, (stage_id, index) in reversed(self.old):
                doc.move_touchpoint(tid, stage_id, index)


class DeleteTouchpoints(MatrixCommand):
    """Delete one or several touchpoints with their cells, as one step."""

    def __init__(self, session: Session, touchpoint_ids: Sequence[int]) -> None:
        matrix = session.matrix
        ids = list(touchpoint_ids)
        text = (f"Delete touchpoint {_short(matrix.touchpoint(ids[0]).name)}" if len(ids) == 1
                else f"Delete {len(ids)} touchpoints")
        super().__init__(session, text)
        self.touchpoint_ids = ids
        self.snapshots: list[TouchpointSnapshot] = []

    def do(self) -> None:
        doc = self.doc
        if len(self.touchpoint_ids) == 1:
            self.snapshots = [doc.delete_touchpoint(self.touchpoint_ids[0])]
            return
        with doc.batch():
            self.snapshots = [doc.delete_touchpoint(tid) for tid in self.touchpoint_ids]

    def revert(self) -> None:
        doc = self.doc
        if len(self.snapshots) == 1:
            doc.restore_touchpoint(self.snapshots[0])
            return
        with doc.batch():
            for snapshot in reversed(self.snapshots):
                doc.restore_touchpoint(snapshot)


# ---- stages --------------------------------------------------------------------------------


class AddStage(MatrixCommand):
    def __init__(self, session: Session, name: str, index: int | None = None) -> None:
        super().__init__(session, f"Add stage {_short(name.strip())}")
        self.args = (name, index)
        self.stage_id: int | None = None
        self.snapshot: StageSnapshot | None = None

    def first(self) -> None:
        self.stage_id = self.doc.add_stage(*self.args).id

    def do(self) -> None:
        assert self.snapshot is not None
        self.doc.restore_stage(self.snapshot)

    def revert(self) -> None:
        assert self.stage_id is not None
        self.snapshot = self.doc.delete_stage(self.stage_id)


class RenameStage(MatrixCommand):
    def __init__(self, session: Session, stage_id: int, name: str) -> None:
        old = session.matrix.stage(stage_id).name
        super().__init__(session, f"Rename stage {_short(old)} to {_short(name.strip())}")
        self.stage_id = stage_id
        self.name = name
        self.old = old

    def do(self) -> None:
        self.old = self.doc.rename_stage(self.stage_id, self.name)

    def revert(self) -> None:
        self.doc.rename_stage(self.stage_id, self.old)


class MoveStage(MatrixCommand):
    def __init__(self, session: Session, stage_id: int, index: int) -> None:
        super().__init__(session, f"Move stage {_short(session.matrix.stage(stage_id).name)}")
        self.stage_id = stage_id
        self.index = index
        self.old = session.matrix.stage_index(stage_id)

    def do(self) -> None:
        self.old = self.doc.move_stage(self.stage_id, self.index)

    def revert(self) -> None:
        self.doc.move_stage(self.stage_id, self.old)


class DeleteStage(MatrixCommand):
    def __init__(self, session: Session, stage_id: int) -> None:
        matrix = session.matrix
        count = len(matrix.stage_touchpoint_ids(stage_id))
        what = f" and its {count} touchpoint{'s' if count != 1 else ''}" if count else ""
        super().__init__(session, f"Delete stage {_short(matrix.stage(stage_id).name)}{what}")
        self.stage_id = stage_id
        self.snapshot: StageSnapshot | None = None

    def do(self) -> None:
        self.snapshot = self.doc.delete_stage(self.stage_id)

    def revert(self) -> None:
        assert self.snapshot is not None
        self.doc.restore_stage(self.snapshot)


# ---- departments ---------------------------------------------------------------------------


class AddDepartment(MatrixCommand):
    def __init__(self, session: Session, name: str, code: str | None = None, lead: str = "",
                 index: int | None = None) -> None:
        super().__init__(session, f"Add department {_short(name.strip())}")
        self.args = (name, code, lead, index)
        self.department_id: int | None = None
        self.snapshot: DepartmentSnapshot | None = None

    def first(self) -> None:
        self.department_id = self.doc.add_department(*self.args).id

    def do(self) -> None:
        assert self.snapshot is not None
        self.doc.restore_department(self.snapshot)

    def revert(self) -> None:
        assert self.department_id is not None
        self.snapshot = self.doc.delete_department(self.department_id)


class UpdateDepartment(MatrixCommand):
    def __init__(self, session: Session, department_id: int, **changes: str) -> None:
        dept = session.matrix.department(department_id)
        if set(changes) == {"name"}:
            text = f"Rename department {_short(dept.name)} to {_short(changes['name'].strip())}"
        else:
            labels = ", ".join(FIELD_LABELS.get(k, k) for k in changes)
            text = f"Change the {labels} of {_short(dept.name)}"
        super().__init__(session, text)
        self.department_id = department_id
        self.changes = changes
        self.old: dict[str, str] = {}

    def do(self) -> None:
        self.old = self.doc.update_department(self.department_id, **self.changes)

    def revert(self) -> None:
        self.doc.update_department(self.department_id, **self.old)


class MoveDepartment(MatrixCommand):
    def __init__(self, session: Session, department_id: int, index: int) -> None:
        name = session.matrix.department(department_id).name
        super().__init__(session, f"Move department {_short(name)}")
        self.department_id = department_id
        self.index = index
        self.old = session.matrix.department_index(department_id)

    def do(self) -> None:
        self.old = self.doc.move_department(self.department_id, self.index)

    def revert(self) -> None:
        self.doc.move_department(self.department_id, self.old)


class DeleteDepartment(MatrixCommand):
    """Delete a department with every role and note it had: one step."""

    def __init__(self, session: Session, department_id: int) -> None:
        name = session.matrix.department(department_id).name
        super().__init__(session, f"Delete department {_short(name)}")
        self.department_id = department_id
        self.snapshot: DepartmentSnapshot | None = None

    def do(self) -> None:
        self.snapshot = self.doc.delete_department(self.department_id)

    def revert(self) -> None:
        assert self.snapshot is not None
        self.doc.restore_department(self.snapshot)


# ---- the matrix as a whole -----------------------------------------------------------------


class SetProperties(MatrixCommand):
    def __init__(self, session: Session, **changes: Any) -> None:
        labels = ", ".join(FIELD_LABELS.get(k, k) for k in changes)
        super().__init__(session, f"Change the matrix {labels}")
        self.changes = changes
        self.old: dict[str, object] = {}

    def do(self) -> None:
        self.old = self.doc.set_properties(**self.changes)

    def revert(self) -> None:
        self.doc.set_properties(**self.old)


class ReplaceContents(MatrixCommand):
    """Replace everything (an import merged into the open matrix): one step.

    The slow half (compare, write, commit: seconds on a large matrix) can be prepared on a
    worker thread first (``prepare``, see ui/long_edits.py); ``do`` and ``revert`` then only
    show what was written. Unprepared, they do all of it."""

    def __init__(self, session: Session, matrix: Matrix, text: str) -> None:
        super().__init__(session, text)
        self.new = matrix
        self.old: Matrix | None = None
        self._prepared: Replacement | None = None

    def prepare(self, undo: bool, progress: Progress) -> None:
        """On a worker thread: write the content that redo (or undo) shows."""
        target = self.old if undo else self.new
        assert target is not None
        self._prepared = self.doc.prepare_replacement(target, progress)

    def drop_prepared(self) -> None:
        self._prepared = None

    def _replace(self, matrix: Matrix) -> Matrix:
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            return self.doc.finish_replacement(prepared)
        return self.doc.replace_matrix(matrix)

    def do(self) -> None:
        self.old = self._replace(self.new)

    def revert(self) -> None:
        assert self.old is not None
        self._replace(self.old)


# ---- comments ------------------------------------------------------------------------------


def _comment_place(matrix: Matrix, comment: Comment) -> str:
    """Where a comment sits, for an undo text: "Sales on Welcome email" or the touchpoint."""
    where = _short(matrix.touchpoint(comment.touchpoint_id).name)
    if comment.department_id is not None:
        where = f"{matrix.department(comment.department_id).name} on {where}"
    return where


class AddComment(MatrixCommand):
    """Add one comment; undo removes it (on the team server only the author may)."""

    def __init__(self, session: Session, comment: Comment) -> None:
        where = _comment_place(session.matrix, comment)
        super().__init__(session, f"Comment on {where}")
        self.comment = comment

    def do(self) -> None:
        self.doc.add_comments([self.comment])

    def revert(self) -> None:
        self.doc.remove_comments([self.comment.uid])


class RemoveComment(MatrixCommand):
    """Remove one comment; undo adds it back (on the team server an owner who removed
    somebody else's comment cannot add it back in their name: the server refuses)."""

    def __init__(self, session: Session, comment: Comment) -> None:
        where = _comment_place(session.matrix, comment)
        super().__init__(session, f"Remove {comment.author}'s comment on {where}")
        self.comment = comment

    def do(self) -> None:
        self.doc.remove_comments([self.comment.uid])

    def revert(self) -> None:
        self.doc.add_comments([self.comment])
