"""Merge an imported matrix into an open one, by names, as a list of changes.

:func:`plan_merge` is pure: it compares the two matrices and returns the changes that would
bring the imported content in, without touching either. Departments, stages and touchpoints
are matched by name (case-insensitive, surrounding and repeated spaces ignored). Nothing is
deleted: a matched touchpoint takes the imported roles and notes and fills its empty
attributes; cells the import leaves empty keep their role. A role in the column of a
department the open matrix has planned (it exists only at target, so has no role today) is
not brought, and the plan's summary names it.

Comments and sign-offs come too, where they still mean the same thing here: a comment whose
touchpoint the open matrix has by name (its department matched or added by name); a
department's sign-off record when
it is up to date in the imported file, the open matrix has the same touchpoints (matched by
name, none more), the department's column (today and target) is the same here, and the
department has no record of its own yet. What is left out is counted in the summary, with
why.

:func:`apply_changes` applies a plan and returns a :class:`MergeUndo` that reverts it exactly,
so the GUI can make the whole merge one undoable step (redo = apply, undo = revert).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Union, cast

from cxmatrix.domain.comments import Comment
from cxmatrix.domain.model import (
    TOUCHPOINT_FLAG_FIELDS,
    TOUCHPOINT_TEXT_FIELDS,
    Matrix,
    Touchpoint,
    TouchpointFields,
    derive_code,
    name_key,
)
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    BasisCell,
    Dispute,
    SignOff,
    basis_of,
    department_fingerprint,
    touchpoints_fingerprint,
)

_ATTRIBUTES = tuple(k for k in TOUCHPOINT_TEXT_FIELDS if k != "name") + TOUCHPOINT_FLAG_FIELDS


@dataclass(frozen=True)
class AddDepartment:
    name: str
    code: str = ""
    lead: str = ""

    def describe(self) -> str:
        return f"add department {self.name!r}"


@dataclass(frozen=True)
class AddStage:
    name: str

    def describe(self) -> str:
        return f"add stage {self.name!r}"


@dataclass(frozen=True)
class AddTouchpoint:
    stage: str  # stage name (existing or added by this merge)
    name: str
    attributes: tuple[tuple[str, object], ...] = ()
    roles: tuple[tuple[str, Role], ...] = ()  # department name -> role
    notes: tuple[tuple[str, str], ...] = ()  # department name -> cell note

    def describe(self) -> str:
        return f"add touchpoint {self.name!r} to {self.stage!r}"


@dataclass(frozen=True)
class UpdateTouchpoint:
    touchpoint_id: int
    attributes: tuple[tuple[str, object], ...]

    def describe(self) -> str:
        return f"fill {', '.join(k for k, _ in self.attributes)} of touchpoint " \
               f"{self.touchpoint_id}"


@dataclass(frozen=True)
class SetRole:
    touchpoint_id: int
    department: str  # department name (existing or added by this merge)
    role: Role

    def describe(self) -> str:
        return f"set {self.department!r} to {self.role.label} on touchpoint {self.touchpoint_id}"


@dataclass(frozen=True)
class SetNote:
    touchpoint_id: int
    department: str
    note: str

    def describe(self) -> str:
        return f"note on {self.department!r} for touchpoint {self.touchpoint_id}"


@dataclass(frozen=True)
class AddComment:
    comment: Comment  # with the open matrix's touchpoint id (the department is by name)
    department: str | None = None  # existing or added by this merge; None: the touchpoint's

    def describe(self) -> str:
        return f"comment by {self.comment.author!r} on touchpoint {self.comment.touchpoint_id}"


@dataclass(frozen=True)
class BringSignOff:
    department: str  # an existing department of the open matrix
    record: SignOff  # with the open matrix's touchpoint ids

    def describe(self) -> str:
        return f"sign-off of {self.department!r} ({self.record.state.value})"


Change = Union[AddDepartment, AddStage, AddTouchpoint, UpdateTouchpoint, SetRole, SetNote,  # noqa: UP007
               AddComment, BringSignOff]


@dataclass
class MergePlan:
    changes: list[Change] = field(default_factory=list)
    matched_touchpoints: int = 0
    matched_departments: int = 0
    # Roles left out because their department is planned in the open matrix (it has no
    # role today, Matrix.today_refusal): "Renewal reminder: Renewals desk (Own)".
    not_today: list[str] = field(default_factory=list)
    comments_left: int = 0  # on a touchpoint or department the open matrix does not have
    signoffs_left: list[str] = field(default_factory=list)  # "Sales (its column differs)"

    def summary(self) -> str:
        def count(kind: type) -> int:
            return sum(1 for c in self.changes if isinstance(c, kind))

        added_roles = count(SetRole) + sum(len(c.roles) for c in self.changes
                                           if isinstance(c, AddTouchpoint))
        return (f"Merge: {count(AddTouchpoint):,} new touchpoints, {self.matched_touchpoints:,} "
                f"matched; {count(AddDepartment):,} new departments, "
                f"{self.matched_departments:,} matched; {count(AddStage):,} new stages; "
                f"{added_roles:,} roles set." + self.annotations_text()
                + self.not_today_text())

    def annotations_text(self) -> str:
        comments = sum(1 for c in self.changes if isinstance(c, AddComment))
        signoffs = [c.department for c in self.changes if isinstance(c, BringSignOff)]
        parts = []
        if comments or self.comments_left:
            text = f"{comments:,} comment{'' if comments == 1 else 's'} brought"
            if self.comments_left:
                text += (f" ({self.comments_left:,} not: on touchpoints this matrix did "
                         "not have)")
            parts.append(text)
        if signoffs:
            parts.append(f"sign-offs of {', '.join(signoffs)} brought")
        if self.signoffs_left:
            parts.append(f"sign-offs not brought: {'; '.join(self.signoffs_left)}")
        return (" " + "; ".join(parts) + ".") if parts else ""

    def not_today_text(self) -> str:
        if not self.not_today:
            return ""
        count = len(self.not_today)
        shown = "; ".join(self.not_today[:3]) + ("; …" if count > 3 else "")
        return (f" {count:,} role{'' if count == 1 else 's'} not brought, in a planned "
                f"department's column (no role today; plan it at target): {shown}.")


def plan_merge(target: Matrix, imported: Matrix) -> MergePlan:
    """The changes that merge ``imported`` into ``target`` (neither is modified)."""
    plan = MergePlan()
    changes = plan.changes
    target_departments = {name_key(d.name): d for d in target.departments}
    department_names: dict[int, str] = {}
    for department in imported.departments:
        existing = target_departments.get(name_key(department.name))
        if existing is None:
            changes.append(AddDepartment(department.name, department.code, department.lead))
            target_departments[name_key(department.name)] = department
            department_names[department.id] = department.name
        else:
            plan.matched_departments += 1
            department_names[department.id] = existing.name
    target_stages = {name_key(s.name): s.name for s in target.stages}
    by_name: dict[str, list[Touchpoint]] = {}
    for touchpoint in target.iter_touchpoints():
        by_name.setdefault(name_key(touchpoint.name), []).append(touchpoint)
    def today_allowed(touchpoint: str, department: str, role: Role) -> bool:
        existing = target.find_department(department)
        if existing is None or target.today_refusal(existing.id) is None:
            return True
        plan.not_today.append(f"{touchpoint}: {existing.name} ({role.label})")
        return False

    touchpoint_map: dict[int, int] = {}  # imported touchpoint -> the open matrix's, matched
    for stage in imported.stages:
        stage_name = target_stages.get(name_key(stage.name))
        if stage_name is None:
            changes.append(AddStage(stage.name))
            stage_name = target_stages[name_key(stage.name)] = stage.name
        for touchpoint in imported.touchpoints_in(stage.id):
            roles = imported.row_roles(touchpoint.id)
            notes = {d: imported.note(touchpoint.id, d) for d in department_names
                     if imported.note(touchpoint.id, d)}
            match = _match(target, by_name.get(name_key(touchpoint.name), []), stage_name)
            if match is None:
                attributes = tuple((k, getattr(touchpoint, k)) for k in _ATTRIBUTES
                                   if getattr(touchpoint, k))
                changes.append(AddTouchpoint(
                    stage_name, touchpoint.name, attributes,
                    tuple((department_names[d], r) for d, r in roles.items()
                          if today_allowed(touchpoint.name, department_names[d], r)),
                    tuple((department_names[d], n) for d, n in notes.items())))
                continue
            plan.matched_touchpoints += 1
            fill = tuple((k, getattr(touchpoint, k)) for k in _ATTRIBUTES
                         if getattr(touchpoint, k) and not getattr(match, k))
            if fill:
                changes.append(UpdateTouchpoint(match.id, fill))
            current = target.row_roles(match.id)
            for department_id, role in roles.items():
                name = department_names[department_id]
                existing = target.find_department(name)
                if (existing is None or current.get(existing.id) is not role) and \
                        today_allowed(match.name, name, role):
                    changes.append(SetRole(match.id, name, role))
            for department_id, note in notes.items():
                name = department_names[department_id]
                existing = target.find_department(name)
                if existing is None or target.note(match.id, existing.id) != note:
                    changes.append(SetNote(match.id, name, note))
            touchpoint_map[touchpoint.id] = match.id
    _plan_annotations(plan, target, imported, touchpoint_map)
    return plan


def _plan_annotations(plan: MergePlan, target: Matrix, imported: Matrix,
                      touchpoint_map: dict[int, int]) -> None:
    """The comments and sign-offs to bring (see the module's text): after the plan's other
    changes, so that a department the merge adds takes its comments and sign-off too."""
    names = {d.id: d.name for d in imported.departments}
    if imported.signoffs:
        after = target.copy()
        apply_changes(after, plan.changes)
        _plan_signoffs(plan, after, imported, touchpoint_map)
    for comment in imported.comments.values():
        tid = touchpoint_map.get(comment.touchpoint_id)
        if tid is None:
            plan.comments_left += 1
        elif comment.uid not in target.comments:
            department = None if comment.department_id is None else \
                names[comment.department_id]
            plan.changes.append(AddComment(
                Comment(comment.uid, tid, None, comment.author, comment.at, comment.text),
                department))


def _plan_signoffs(plan: MergePlan, after: Matrix, imported: Matrix,
                   touchpoint_map: dict[int, int]) -> None:
    """A sign-off comes when it is up to date in the imported file and would be here too:
    ``after`` is the open matrix with the merge's other changes applied."""
    same_touchpoints = (len(set(touchpoint_map.values())) == len(touchpoint_map)
                        == len(list(imported.iter_touchpoints()))
                        == len(list(after.iter_touchpoints())))
    for department_id, record in imported.signoffs.items():
        found = after.find_department(imported.department(department_id).name)
        assert found is not None  # the merge adds every department it does not find
        name = found.name
        mapped = _mapped(record, touchpoint_map, after) if same_touchpoints else None
        own = after.signoffs.get(found.id)
        if own is not None:
            if own != mapped:
                plan.signoffs_left.append(f"{name} (it has a sign-off of its own here)")
        elif record.fingerprint != department_fingerprint(imported, department_id):
            plan.signoffs_left.append(f"{name} (out of date in the imported file)")
        elif mapped is None or mapped.basis != basis_of(after, found.id):
            plan.signoffs_left.append(f"{name} (its column or the touchpoints differ here)")
        else:
            plan.changes.append(BringSignOff(name, mapped))


def _mapped(record: SignOff, touchpoint_map: dict[int, int], target: Matrix
            ) -> SignOff | None:
    """The record with the open matrix's touchpoint ids, agreeing to its touchpoints (None
    when one of its touchpoints has no match)."""
    if any(c.touchpoint_id not in touchpoint_map for c in record.basis) or any(
            d.touchpoint_id not in touchpoint_map for d in record.disputes):
        return None
    basis = tuple(BasisCell(touchpoint_map[c.touchpoint_id], c.current, c.target)
                  for c in record.basis)
    order = {tp.id: i for i, tp in enumerate(target.iter_touchpoints())}
    basis = tuple(sorted(basis, key=lambda c: order[c.touchpoint_id]))
    disputes = tuple(Dispute(touchpoint_map[d.touchpoint_id], d.comment, d.proposed)
                     for d in record.disputes)
    return SignOff(record.state, record.lead, record.when, basis,
                   touchpoints_fingerprint(target), disputes)


def _match(target: Matrix, candidates: list[Touchpoint], stage_name: str) -> Touchpoint | None:
    """The same-named touchpoint, preferring one in the same-named stage."""
    if not candidates:
        return None
    key = name_key(stage_name)
    for candidate in candidates:
        if name_key(target.stage(candidate.stage_id).name) == key:
            return candidate
    return candidates[0]


@dataclass
class MergeUndo:
    """What apply_changes did, to revert it exactly."""

    departments: list[int] = field(default_factory=list)
    stages: list[int] = field(default_factory=list)
    touchpoints: list[int] = field(default_factory=list)
    attributes: list[tuple[int, TouchpointFields]] = field(default_factory=list)
    roles: list[tuple[int, int, Role | None]] = field(default_factory=list)
    notes: list[tuple[int, int, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    signoffs: list[tuple[int, SignOff | None]] = field(default_factory=list)

    def revert(self, matrix: Matrix) -> None:
        if self.signoffs:
            matrix.set_signoffs(reversed(self.signoffs))
        if self.comments:
            matrix.remove_comments(self.comments)
        for touchpoint_id, department_id, note in reversed(self.notes):
            matrix.set_note(touchpoint_id, department_id, note)
        for touchpoint_id, department_id, role in reversed(self.roles):
            matrix.set_role(touchpoint_id, department_id, role)
        for touchpoint_id, old in reversed(self.attributes):
            matrix.update_touchpoint(touchpoint_id, **old)
        for touchpoint_id in reversed(self.touchpoints):
            matrix.delete_touchpoint(touchpoint_id)
        for stage_id in reversed(self.stages):
            matrix.delete_stage(stage_id)
        for department_id in reversed(self.departments):
            matrix.delete_department(department_id)


def apply_changes(matrix: Matrix, changes: list[Change]) -> MergeUndo:
    """Apply a plan's changes; the returned MergeUndo reverts them. On an error, whatever was
    applied is reverted before the error propagates (all or nothing)."""
    undo = MergeUndo()
    try:
        for change in changes:
            _apply(matrix, change, undo)
    except Exception:
        undo.revert(matrix)
        raise
    return undo


def _department_id(matrix: Matrix, name: str) -> int:
    department = matrix.find_department(name)
    if department is None:
        raise ValueError(f"no department called {name!r}")
    return department.id


def _apply(matrix: Matrix, change: Change, undo: MergeUndo) -> None:
    if isinstance(change, AddDepartment):
        taken = [d.code for d in matrix.departments]
        code = change.code if change.code and change.code.upper() not in \
            {c.upper() for c in taken} else derive_code(change.name, taken)
        undo.departments.append(matrix.add_department(change.name, code, change.lead).id)
    elif isinstance(change, AddStage):
        undo.stages.append(matrix.add_stage(change.name).id)
    elif isinstance(change, AddTouchpoint):
        stage = matrix.find_stage(change.stage)
        if stage is None:
            raise ValueError(f"no stage called {change.stage!r}")
        attributes: dict[str, Any] = dict(change.attributes)
        touchpoint = matrix.add_touchpoint(stage.id, change.name, **attributes)
        undo.touchpoints.append(touchpoint.id)
        for name, role in change.roles:
            matrix.set_role(touchpoint.id, _department_id(matrix, name), role)
        for name, note in change.notes:
            matrix.set_note(touchpoint.id, _department_id(matrix, name), note)
    elif isinstance(change, UpdateTouchpoint):
        old = matrix.update_touchpoint(change.touchpoint_id,
                                       **cast(TouchpointFields, dict(change.attributes)))
        undo.attributes.append((change.touchpoint_id, old))
    elif isinstance(change, SetRole):
        department_id = _department_id(matrix, change.department)
        old_role = matrix.set_role(change.touchpoint_id, department_id, change.role)
        undo.roles.append((change.touchpoint_id, department_id, old_role))
    elif isinstance(change, SetNote):
        department_id = _department_id(matrix, change.department)
        old_note = matrix.set_note(change.touchpoint_id, department_id, change.note)
        undo.notes.append((change.touchpoint_id, department_id, old_note))
    elif isinstance(change, AddComment):
        comment = change.comment
        if change.department is not None:
            comment = replace(comment, department_id=_department_id(matrix, change.department))
        undo.comments.extend(matrix.add_comments([comment]))
    elif isinstance(change, BringSignOff):
        department_id = _department_id(matrix, change.department)
        undo.signoffs.extend(matrix.set_signoffs([(department_id, change.record)]))


def merge_into(target: Matrix, imported: Matrix) -> tuple[MergePlan, MergeUndo]:
    """Plan and apply in one call (for the CLI and tests)."""
    plan = plan_merge(target, imported)
    return plan, apply_changes(target, plan.changes)
