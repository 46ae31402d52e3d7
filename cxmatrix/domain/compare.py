"""Comparing two states of a matrix: what changed in its structure, in every cell, and in who
owns each touchpoint, told in words.

One engine for every comparison the product makes: two files (matched by name), a file
against an earlier copy of itself (matched by id, so renames and moves are told as such),
and later current against target and snapshots. ``compare(old, new)`` gives a
:class:`Comparison`; ``apply_comparison(old, comparison)`` turns ``old`` into a matrix with the
content of ``new``, which is how a comparison is known to be complete.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

from cxmatrix.domain.actions import Action
from cxmatrix.domain.findings import (
    Finding,
    department_findings,
    join_names,
    touchpoints_findings,
)
from cxmatrix.domain.model import (
    MATRIX_PROPERTIES,
    TOUCHPOINT_FIELDS,
    Department,
    Matrix,
    Stage,
    Touchpoint,
    name_key,
    name_keys,
)
from cxmatrix.domain.roles import Role
from cxmatrix.domain.states import state_views

Kind = Literal["stage", "touchpoint", "department"]
# Owners' names are compared as names are, thousands of times a comparison, among a few
# hundred department names.
_owner_key = functools.lru_cache(maxsize=4096)(name_key)
What = Literal["added", "removed", "renamed", "moved", "changed"]
MatchBy = Literal["id", "name"]


@dataclass(frozen=True, slots=True)
class StructureChange:
    """A stage, touchpoint or department added, removed, renamed, moved or changed.

    ``name`` is the name in the new state (the old one for a removal), ``old_name`` the name
    before a rename; ``detail`` says more in words ("from Onboarding to Adoption",
    "metric: NPS → CSAT").
    """

    kind: Kind
    what: What
    name: str
    old_name: str = ""
    detail: str = ""

    def describe(self) -> str:
        if self.what == "renamed":
            return f"{self.kind.capitalize()} {self.old_name} renamed to {self.name}"
        text = f"{self.kind.capitalize()} {self.name} {self.what}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True, slots=True)
class CellChange:
    """One cell whose role or note differs; names as in the new state where it exists."""

    touchpoint: str
    department: str
    old_role: Role | None
    new_role: Role | None
    old_note: str = ""
    new_note: str = ""
    stage: str = ""

    def describe(self) -> str:
        def letter(role: Role | None) -> str:
            return role.label if role is not None else "no role"

        parts = []
        if self.old_role is not self.new_role:
            parts.append(f"{letter(self.old_role)} → {letter(self.new_role)}")
        if self.old_note != self.new_note:
            parts.append("note changed" if self.old_note and self.new_note else
                         "note added" if self.new_note else "note removed")
        return f"{self.touchpoint} · {self.department}: {', '.join(parts)}"


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One cell whose planned change or action differs between the two states.

    ``old_target`` / ``new_target`` are the target role where that state plans a change of
    the cell (``old_planned`` / ``new_planned``), else None with the flag false.
    """

    touchpoint: str
    department: str
    old_planned: bool
    old_target: Role | None
    new_planned: bool
    new_target: Role | None
    old_action: Action | None = None
    new_action: Action | None = None
    stage: str = ""

    def describe(self) -> str:
        def target(planned: bool, role: Role | None) -> str:
            if not planned:
                return "no planned change"
            return f"target {role.label if role is not None else 'no role'}"

        parts = []
        if (self.old_planned, self.old_target) != (self.new_planned, self.new_target):
            parts.append(f"{target(self.old_planned, self.old_target)} → "
                         f"{target(self.new_planned, self.new_target)}")
        if self.old_action != self.new_action:
            if self.new_action is None:
                parts.append("action removed")
            else:
                parts.append(f"action: {self.new_action.describe()}")
        return f"{self.touchpoint} · {self.department}: {', '.join(parts)}"


@dataclass(frozen=True, slots=True)
class OwnershipChange:
    """What happened to one touchpoint's ownership, in words."""

    touchpoint: str
    old_owners: tuple[str, ...]
    new_owners: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class FindingKey:
    """A finding as it is recognised in the other state: its code, its touchpoint and its
    departments, by matched ids. ``finding`` is the finding in its own state; the touchpoint's
    name and the message are built from it when they are shown (a comparison of a large
    matrix finds thousands, and most are never shown)."""

    code: str
    anchor: tuple[str, int]  # ("touchpoint", id) or ("department", id), ids of the new state
    departments: frozenset[int]
    finding: Finding | None = field(compare=False, default=None, repr=False)

    @property
    def touchpoint(self) -> str:
        """The touchpoint's name in the finding's own state ("" for a department's)."""
        finding = self.finding
        if finding is None or finding.touchpoint_id is None or finding.matrix is None:
            return ""
        return finding.matrix.touchpoint(finding.touchpoint_id).name

    @property
    def message(self) -> str:
        return self.finding.message if self.finding is not None else ""


@dataclass
class Comparison:
    """Everything that differs between two states, and what it means."""

    match_by: MatchBy
    properties: dict[str, tuple[object, object]] = field(default_factory=dict)
    structure: list[StructureChange] = field(default_factory=list)
    cells: list[CellChange] = field(default_factory=list)
    ownership: list[OwnershipChange] = field(default_factory=list)
    findings_fixed: list[FindingKey] = field(default_factory=list)
    findings_new: list[FindingKey] = field(default_factory=list)
    plan: list[PlanChange] = field(default_factory=list)
    # The new state, as far as apply_comparison needs it (not shown to people).
    _target: Matrix | None = field(default=None, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.properties or self.structure or self.cells or self.plan)

    def counts(self) -> dict[str, int]:
        by_what = Counter(f"{c.kind}s {c.what}" for c in self.structure)
        return {**dict(sorted(by_what.items())), "cells changed": len(self.cells),
                "ownership changes": len(self.ownership),
                "findings fixed": len(self.findings_fixed),
                "findings new": len(self.findings_new),
                "plan changes": len(self.plan)}

    def lines(self) -> list[str]:
        """The comparison for people, one line each (the CLI prints these)."""
        lines = [f"{key.replace('_', ' ').capitalize()}: {old!r} → {new!r}"
                 for key, (old, new) in self.properties.items()]
        lines.extend(change.describe() for change in self.structure)
        lines.extend(f"{change.touchpoint}: {change.text}" for change in self.ownership)
        lines.extend(change.describe() for change in self.cells)
        lines.extend(f"Plan: {change.describe()}" for change in self.plan)
        lines.extend(f"Fixed: {f.touchpoint + ': ' if f.touchpoint else ''}{f.message}"
                     for f in self.findings_fixed)
        lines.extend(f"New: {f.touchpoint + ': ' if f.touchpoint else ''}{f.message}"
                     for f in self.findings_new)
        return lines

    def to_dict(self) -> dict[str, object]:
        """The documented JSON form of a comparison (README, "cxmatrix diff")."""
        def role(value: Role | None) -> str | None:
            return value.value if value is not None else None

        return {
            "match_by": self.match_by,
            "counts": self.counts(),
            "properties": {k: {"old": o, "new": n} for k, (o, n) in self.properties.items()},
            "structure": [{"kind": c.kind, "what": c.what, "name": c.name,
                           "old_name": c.old_name, "detail": c.detail}
                          for c in self.structure],
            "cells": [{"stage": c.stage, "touchpoint": c.touchpoint,
                       "department": c.department, "old_role": role(c.old_role),
                       "new_role": role(c.new_role), "old_note": c.old_note,
                       "new_note": c.new_note} for c in self.cells],
            "ownership": [{"touchpoint": c.touchpoint, "old_owners": list(c.old_owners),
                           "new_owners": list(c.new_owners), "text": c.text}
                          for c in self.ownership],
            "findings_fixed": [_finding_dict(f) for f in self.findings_fixed],
            "findings_new": [_finding_dict(f) for f in self.findings_new],
            "plan": [{"stage": c.stage, "touchpoint": c.touchpoint, "department": c.department,
                      "old_planned": c.old_planned, "old_target": role(c.old_target),
                      "new_planned": c.new_planned, "new_target": role(c.new_target),
                      "old_action": _action_dict(c.old_action),
                      "new_action": _action_dict(c.new_action)} for c in self.plan],
        }


def _action_dict(action: Action | None) -> dict[str, object] | None:
    if action is None:
        return None
    return {"person": action.person, "due": action.due.isoformat() if action.due else None,
            "status": action.status.value, "note": action.note}


def _finding_dict(key: FindingKey) -> dict[str, object]:
    return {"code": key.code, "touchpoint": key.touchpoint, "message": key.message}


# ---- matching ------------------------------------------------------------------------------


@dataclass
class _Matching:
    """Old id -> new id, for stages, departments and touchpoints; and, read once for the
    whole comparison, the touchpoints of both states by id and their ids in display order."""

    stages: dict[int, int]
    departments: dict[int, int]
    touchpoints: dict[int, int]
    old_touchpoints: dict[int, Touchpoint] = field(default_factory=dict)
    new_touchpoints: dict[int, Touchpoint] = field(default_factory=dict)
    by_id: bool = False  # every match keeps its id, and nothing unmatched shares one

    @property
    def old_order(self) -> list[int]:
        return list(self.old_touchpoints)

    @property
    def new_order(self) -> list[int]:
        return list(self.new_touchpoints)


def _by_id(matrix: Matrix) -> dict[int, Touchpoint]:
    """The touchpoints by id, in display order (dicts keep it)."""
    return {tp.id: tp for tp in matrix.iter_touchpoints()}


def _match_by_id(old: Matrix, new: Matrix) -> _Matching:
    old_tps = _by_id(old)
    new_tps = old_tps if old.shares_structure_with(new) else _by_id(new)
    return _Matching(
        stages={s.id: s.id for s in old.stages if new.has_stage(s.id)},
        departments={d.id: d.id for d in old.departments if new.has_department(d.id)},
        touchpoints={t: t for t in old_tps if t in new_tps},
        old_touchpoints=old_tps, new_touchpoints=new_tps, by_id=True)


def _match_by_name(old: Matrix, new: Matrix) -> _Matching:
    stages = _pair_names([(s.id, s.name) for s in old.stages],
                         [(s.id, s.name) for s in new.stages])
    departments = _pair_names([(d.id, d.name) for d in old.departments],
                              [(d.id, d.name) for d in new.departments])
    # Touchpoints: by name within the matched stage first, then by name anywhere; each old
    # touchpoint, in order, takes the first candidate not yet taken. Inlined (20,000 of
    # them), with per-stage dicts keyed by the name's key: a name's one candidate is taken
    # off its dict, a name several touchpoints of a stage share has its list of them.
    old_tps, new_tps = _by_id(old), _by_id(new)
    if _same_touchpoint_names(old_tps, new_tps, stages):
        return _Matching(stages, departments, {t: t for t in old_tps}, old_tps, new_tps)
    first: dict[int, dict[str, int]] = {stage.id: {} for stage in new.stages}
    several: dict[int, dict[str, list[int]]] = {}
    new_list = list(new_tps.values())
    new_keys = name_keys([tp.name for tp in new_list])
    for tp, key in zip(new_list, new_keys, strict=True):
        names = first[tp.stage_id]
        if names.setdefault(key, tp.id) != tp.id:
            shared = several.setdefault(tp.stage_id, {})
            shared.setdefault(key, [names[key]]).append(tp.id)
    old_list = list(old_tps.values())
    old_keys = name_keys([tp.name for tp in old_list])
    touchpoints: dict[int, int] = {}
    no_names: dict[str, int] = {}
    for tp, key in zip(old_list, old_keys, strict=True):
        stage = stages.get(tp.stage_id)
        if stage is None:
            continue
        stage_shared = several.get(stage)
        candidates = stage_shared.get(key) if stage_shared else None
        if candidates is None:
            candidate = first.get(stage, no_names).pop(key, None)
            if candidate is not None:
                touchpoints[tp.id] = candidate
        elif candidates:
            touchpoints[tp.id] = candidates.pop(0)
    if len(touchpoints) < len(old_list):
        anywhere: dict[str, list[int]] = {}
        for tp, key in zip(new_list, new_keys, strict=True):
            anywhere.setdefault(key, []).append(tp.id)
        taken = set(touchpoints.values())
        for tp, key in zip(old_list, old_keys, strict=True):
            if tp.id not in touchpoints:
                for candidate in anywhere.get(key, ()):
                    if candidate not in taken:
                        touchpoints[tp.id] = candidate
                        taken.add(candidate)
                        break
    return _Matching(stages, departments, touchpoints, old_tps, new_tps)


def _same_touchpoint_names(old_tps: dict[int, Touchpoint], new_tps: dict[int, Touchpoint],
                           stages: dict[int, int]) -> bool:
    """True when both states list the same touchpoint ids, in the same order, with the same
    names, in stages that keep their ids (two copies of one file, as often as not): the
    matching by name then pairs each touchpoint with itself. Compared at C speed."""
    if list(old_tps) != list(new_tps) or any(k != v for k, v in stages.items()):
        return False
    olds, news = list(old_tps.values()), list(new_tps.values())
    old_stages = list(map(_STAGE_ID, olds))
    return (old_stages == list(map(_STAGE_ID, news)) and set(old_stages) <= stages.keys()
            and list(map(_NAME, olds)) == list(map(_NAME, news)))


_STAGE_ID, _NAME = attrgetter("stage_id"), attrgetter("name")


def _pair_names(old: list[tuple[int, str]], new: list[tuple[int, str]]) -> dict[int, int]:
    by_key = {name_key(name): key for key, name in new}
    return {key: by_key[name_key(name)] for key, name in old if name_key(name) in by_key}


# ---- comparing -----------------------------------------------------------------------------


def compare(old: Matrix, new: Matrix, *, match_by: MatchBy = "id") -> Comparison:
    """What changed from ``old`` to ``new``. Match by id for two states of one matrix (a
    rename is a rename), by name for two different files."""
    matching = _match_by_id(old, new) if match_by == "id" else _match_by_name(old, new)
    result = Comparison(match_by, _target=new)
    for key in MATRIX_PROPERTIES:
        if key == "focus_department_id":
            before = old.focus_department.name if old.focus_department else None
            after = new.focus_department.name if new.focus_department else None
            if (before and name_key(before)) != (after and name_key(after)) or (
                    match_by == "id" and old.focus_department_id != new.focus_department_id):
                result.properties["focus_department"] = (before, after)
        elif getattr(old, key) != getattr(new, key):
            result.properties[key] = (getattr(old, key), getattr(new, key))
    _compare_stages(old, new, matching, result)
    _compare_departments(old, new, matching, result)
    touched = _compare_touchpoints(old, new, matching, result)
    touched |= _compare_cells(old, new, matching, result)
    _compare_findings(old, new, matching, touched, "focus_department" in result.properties,
                      result)
    if old.has_plan or new.has_plan:
        _compare_plan(old, new, matching, result)
    return result


def compare_today_target(matrix: Matrix) -> Comparison:
    """From today to target: the current state compared with the target state (by id), so
    planned touchpoints and departments are additions and planned changes changed cells."""
    return compare(*state_views(matrix), match_by="id")


def _compare_plan(old: Matrix, new: Matrix, matching: _Matching, result: Comparison) -> None:
    """The target layers of two full matrices: planned flags, planned changes, actions."""
    tp_to_new, dept_to_new = matching.touchpoints, matching.departments
    # The ids of one matrix in both (states of one file, or a copy of a file): no mapping.
    same_ids = (all(k == v for k, v in dept_to_new.items())
                and all(k == v for k, v in tp_to_new.items()))
    tp_to_old = {} if same_ids else {v: k for k, v in tp_to_new.items()}
    dept_to_old = {} if same_ids else {v: k for k, v in dept_to_new.items()}
    for old_id, new_id in (tp_to_new.items() if old.planned_touchpoints
                           or new.planned_touchpoints else ()):
        before, after = old.is_planned_touchpoint(old_id), new.is_planned_touchpoint(new_id)
        if before != after:
            result.structure.append(StructureChange(
                "touchpoint", "changed", new.touchpoint(new_id).name,
                detail="now planned (target only)" if after else "no longer planned"))
    for old_id, new_id in dept_to_new.items():
        before, after = old.is_planned_department(old_id), new.is_planned_department(new_id)
        if before != after:
            result.structure.append(StructureChange(
                "department", "changed", new.department(new_id).name,
                detail="now planned (target only)" if after else "no longer planned"))

    def plan_keys(matrix: Matrix) -> set[tuple[int, int]]:
        roles = matrix.roles
        keys = {(t, d) for t, row in matrix.targets.items() for d, role in row.items()
                if role is not roles.get(t, {}).get(d)}  # the planned changes
        return keys | set(matrix.actions)

    old_keys, new_keys = plan_keys(old), plan_keys(new)
    if same_ids:
        keys = {key for key in old_keys | new_keys if key[0] in tp_to_new
                and key[1] in dept_to_new}
    else:
        keys = {(tp_to_new[t], dept_to_new[d]) for t, d in old_keys
                if t in tp_to_new and d in dept_to_new}
        keys.update((t, d) for t, d in new_keys if t in tp_to_old and d in dept_to_old)
    no_row: dict[int, Role] = {}
    old_targets, new_targets = old.targets, new.targets
    old_roles, new_roles = old.roles, new.roles

    differing: list[tuple[int, int, tuple[bool, Role | None], tuple[bool, Role | None],
                          Action | None, Action | None]] = []
    old_actions, new_actions = old.actions, new.actions
    for t, d in keys:
        ot, od = (t, d) if same_ids else (tp_to_old[t], dept_to_old[d])
        old_action, new_action = old_actions.get((ot, od)), new_actions.get((t, d))
        # Whether the cell's target differs from today, and that target (read directly:
        # thousands of cells).
        row = old_targets.get(ot, no_row)
        was = ((True, row[od]) if od in row and row[od] is not old_roles.get(ot, no_row).get(od)
               else (False, None))
        row = new_targets.get(t, no_row)
        now = ((True, row[d]) if d in row and row[d] is not new_roles.get(t, no_row).get(d)
               else (False, None))
        if was != now or (old_action is not new_action and old_action != new_action):
            differing.append((t, d, was, now, old_action, new_action))
    stage_names = {s.id: s.name for s in new.stages}
    order = {tid: i for i, tid in enumerate(matching.new_touchpoints)} if differing else {}
    dept_order = {d.id: i for i, d in enumerate(new.departments)}
    differing.sort(key=lambda k: (order[k[0]], dept_order[k[1]]))
    for t, d, (old_planned, old_target), (new_planned, new_target), old_action, new_action in (
            differing):
        tp = new.touchpoint(t)
        result.plan.append(PlanChange(tp.name, new.department(d).name, old_planned,
                                      old_target, new_planned, new_target, old_action,
                                      new_action, stage_names[tp.stage_id]))


def _moved(old_order: list[int], new_order: list[int], matched: dict[int, int]) -> set[int]:
    """Old ids whose place among the matched items differs (matched: old id -> new id)."""
    if old_order == new_order and all(k == v for k, v in matched.items()):
        return set()  # the same ids in the same order: nothing moved
    kept_new = set(matched.values())
    old_common = [matched[k] for k in old_order if k in matched]
    new_common = [k for k in new_order if k in kept_new]
    if old_common == new_common:
        return set()
    position = {k: i for i, k in enumerate(new_common)}
    # Items on the longest run that kept its order did not move; the others did.
    stay = _longest_increasing([position[k] for k in old_common])
    moved_new = {old_common[i] for i in range(len(old_common)) if i not in stay}
    inverse = {v: k for k, v in matched.items()}
    return {inverse[k] for k in moved_new}


def _longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        position = bisect.bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[position] = value
            tail_index[position] = i
        previous[i] = tail_index[position - 1] if position else -1
    result: set[int] = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        result.add(index)
        index = previous[index]
    return result


def _added_removed_renamed(kind: Kind, old_items: Sequence[Stage | Department],
                           new_items: Sequence[Stage | Department], matched: dict[int, int],
                           result: Comparison) -> None:
    """Stages or departments removed, added and renamed (``matched``: old id -> new id)."""
    kept = set(matched.values())
    new_by_id = {item.id: item for item in new_items}
    for item in old_items:
        if item.id not in matched:
            result.structure.append(StructureChange(kind, "removed", item.name))
    for item in new_items:
        if item.id not in kept:
            result.structure.append(StructureChange(kind, "added", item.name))
    for item in old_items:
        if item.id in matched and item.name != new_by_id[matched[item.id]].name:
            result.structure.append(StructureChange(kind, "renamed",
                                                    new_by_id[matched[item.id]].name,
                                                    item.name))


def _moved_items(kind: Kind, old_items: Sequence[Stage | Department],
                 new_items: Sequence[Stage | Department], matched: dict[int, int],
                 result: Comparison) -> None:
    new_by_id = {item.id: item for item in new_items}
    for old_id in _moved([i.id for i in old_items], [i.id for i in new_items], matched):
        result.structure.append(StructureChange(kind, "moved", new_by_id[matched[old_id]].name))


def _compare_stages(old: Matrix, new: Matrix, matching: _Matching, result: Comparison) -> None:
    _added_removed_renamed("stage", old.stages, new.stages, matching.stages, result)
    _moved_items("stage", old.stages, new.stages, matching.stages, result)


def _compare_departments(old: Matrix, new: Matrix, matching: _Matching,
                         result: Comparison) -> None:
    matched = matching.departments
    _added_removed_renamed("department", old.departments, new.departments, matched, result)
    for old_id, new_id in matched.items():
        before, after = old.department(old_id), new.department(new_id)
        details = [f"{label}: {getattr(before, key) or '–'} → {getattr(after, key) or '–'}"
                   for key, label in (("code", "short code"), ("lead", "lead"))
                   if getattr(before, key) != getattr(after, key)]
        if details:
            result.structure.append(StructureChange("department", "changed", after.name,
                                                    detail="; ".join(details)))
    _moved_items("department", old.departments, new.departments, matched, result)


def _same_fields(a: Touchpoint, b: Touchpoint) -> bool:
    """Whether two touchpoints have the same ``TOUCHPOINT_FIELDS`` (a test checks that this
    reads every one): attribute by attribute, twice as quick as two tuples of them."""
    return (a.name == b.name and a.category == b.category and a.channel == b.channel
            and a.description == b.description and a.metric == b.metric
            and a.notes == b.notes and a.peak == b.peak and a.end == b.end)


_FIELD_LABELS = {"category": "category", "channel": "channel", "description": "description",
                 "peak": "peak moment", "end": "end moment", "metric": "metric",
                 "notes": "notes"}


def _compare_touchpoints(old: Matrix, new: Matrix, matching: _Matching,
                         result: Comparison) -> set[int]:
    """Compare the touchpoints themselves; returns the new ids of those whose fields
    changed (for the findings)."""
    matched = matching.touchpoints
    old_tps, new_tps = matching.old_touchpoints, matching.new_touchpoints
    old_stage_names = {s.id: s.name for s in old.stages}
    new_stage_names = {s.id: s.name for s in new.stages}
    if len(matched) != len(old_tps):
        for tp in old_tps.values():
            if tp.id not in matched:
                result.structure.append(StructureChange(
                    "touchpoint", "removed", tp.name, detail=f"in {old_stage_names[tp.stage_id]}"))
    if len(matched) != len(new_tps):
        kept = set(matched.values())
        for tp in new_tps.values():
            if tp.id not in kept:
                result.structure.append(StructureChange(
                    "touchpoint", "added", tp.name, detail=f"in {new_stage_names[tp.stage_id]}"))
    moved = _moved(matching.old_order, matching.new_order, matched)
    changed: set[int] = set()
    stage_match = matching.stages
    same_fields = _same_fields
    for old_id, new_id in matched.items():
        before, after = old_tps[old_id], new_tps[new_id]
        # Nothing to tell: the same touchpoint, or the same fields in the matched stage (two
        # files read apart share no touchpoint objects).
        if old_id not in moved and (before is after or (
                stage_match.get(before.stage_id) == after.stage_id
                and same_fields(before, after))):
            continue
        if before.name != after.name:
            result.structure.append(StructureChange("touchpoint", "renamed", after.name,
                                                    before.name))
        stage_changed = stage_match.get(before.stage_id) != after.stage_id
        if stage_changed:
            result.structure.append(StructureChange(
                "touchpoint", "moved", after.name,
                detail=f"from {old_stage_names[before.stage_id]} to "
                       f"{new_stage_names[after.stage_id]}"))
        elif old_id in moved:
            result.structure.append(StructureChange(
                "touchpoint", "moved", after.name,
                detail=f"within {new_stage_names[after.stage_id]}"))
        details = [_field_change(key, getattr(before, key), getattr(after, key))
                   for key in TOUCHPOINT_FIELDS
                   if key != "name" and getattr(before, key) != getattr(after, key)]
        if details:
            changed.add(new_id)
            result.structure.append(StructureChange("touchpoint", "changed", after.name,
                                                    detail="; ".join(details)))
    return changed


def _field_change(key: str, before: object, after: object) -> str:
    label = _FIELD_LABELS.get(key, key)
    if isinstance(before, bool):
        return f"now a {label}" if after else f"no longer a {label}"
    if not before:
        return f"{label} set"
    if not after:
        return f"{label} cleared"
    if len(str(before)) + len(str(after)) <= 60:
        return f"{label}: {before} → {after}"
    return f"{label} changed"


def _compare_cells(old: Matrix, new: Matrix, matching: _Matching, result: Comparison
                   ) -> set[int]:
    """Compare the cells of matched touchpoints; returns the new ids of the touchpoints whose
    row changed (for the findings)."""
    dept_old_to_new = matching.departments
    dept_new_to_old = {v: k for k, v in dept_old_to_new.items()}
    new_stage_names = {s.id: s.name for s in new.stages}
    order = {d.id: i for i, d in enumerate(new.departments)}
    old_order = {d.id: i for i, d in enumerate(old.departments)}
    old_names = {d.id: d.name for d in old.departments}
    new_names = {d.id: d.name for d in new.departments}
    old_notes, new_notes = _notes_by_touchpoint(old), _notes_by_touchpoint(new)
    touched: set[int] = set()
    # Rows can be compared as they are when every department kept its id and no new
    # department took the id of one that went.
    gone = {d.id for d in old.departments} - set(dept_old_to_new)
    came = {d.id for d in new.departments} - set(dept_new_to_old)
    same_ids = all(k == v for k, v in dept_old_to_new.items()) and not gone & came
    plain_ids = same_ids and not gone
    new_department = new.department
    old_roles, new_roles = old.roles, new.roles
    no_roles: dict[int, Role] = {}
    new_tps = matching.new_touchpoints
    for old_tid, new_tid in matching.touchpoints.items():
        old_row, new_row = old_roles.get(old_tid, no_roles), new_roles.get(new_tid, no_roles)
        if same_ids and (old_row is new_row or old_row == new_row) and not (
                old_tid in old_notes or new_tid in new_notes):
            continue  # the fast path of the test below, for the many rows that did not change
        before_notes, after_notes = old_notes.get(old_tid, {}), new_notes.get(new_tid, {})
        if not before_notes and not after_notes and (
                old_row == new_row if same_ids else (
                    len(old_row) == len(new_row)
                    and all(new_row.get(dept_old_to_new.get(d, -1)) is r
                            for d, r in old_row.items()))):
            continue  # the same roles of the same departments
        tp = new_tps[new_tid]
        touched.add(new_tid)
        if plain_ids and not before_notes and not after_notes:
            # Every department kept its id and none went: only the cells that differ.
            differing = [d for d, r in new_row.items() if old_row.get(d) is not r]
            differing.extend(d for d in old_row if d not in new_row)
            if len(differing) > 1:
                differing.sort(key=order.__getitem__)
            stage_name = new_stage_names[tp.stage_id]
            for did in differing:
                result.cells.append(CellChange(tp.name, new_department(did).name,
                                               old_row.get(did), new_row.get(did), "", "",
                                               stage_name))
        else:
            _changed_cells(old, new, tp, old_row, new_row, before_notes, after_notes,
                           dept_old_to_new, dept_new_to_old, order, old_order,
                           new_stage_names[tp.stage_id], result)
        old_owners = _owners_in_order(old_names, old_row, old_order)
        new_owners = _owners_in_order(new_names, new_row, order)
        if old_owners != new_owners and (
                set(map(_owner_key, old_owners)) != set(map(_owner_key, new_owners))):
            result.ownership.append(OwnershipChange(
                tp.name, old_owners, new_owners, ownership_text(old_owners, new_owners)))
    # Touchpoints that are new: their owner is news too.
    matched_new = set(matching.touchpoints.values())
    for tp in (new_tps.values() if len(matched_new) != len(new_tps) else ()):
        if tp.id not in matched_new:
            touched.add(tp.id)
            owners = _owners(new, tp.id)
            if owners:
                result.ownership.append(OwnershipChange(
                    tp.name, (), owners, f"new, owned by {join_names(list(owners))}"))
    return touched


def _changed_cells(old: Matrix, new: Matrix, tp: Touchpoint, old_row: Mapping[int, Role],
                   new_row: Mapping[int, Role], before_notes: Mapping[int, str],
                   after_notes: Mapping[int, str], dept_old_to_new: Mapping[int, int],
                   dept_new_to_old: Mapping[int, int], order: Mapping[int, int],
                   old_order: Mapping[int, int], stage_name: str, result: Comparison) -> None:
    """The changed cells of one row, departments matched (kept, added or gone) and notes."""
    # Cells of departments in the new state (kept or added), then of departments gone.
    departments = (
        {dept_old_to_new[d] for d in (*old_row, *before_notes) if d in dept_old_to_new}
        | set(new_row) | set(after_notes))
    for new_did in sorted(departments, key=order.__getitem__):
        old_did = dept_new_to_old.get(new_did)
        before = old_row.get(old_did) if old_did is not None else None
        old_note = before_notes.get(old_did, "") if old_did is not None else ""
        after, new_note = new_row.get(new_did), after_notes.get(new_did, "")
        if before is not after or old_note != new_note:
            result.cells.append(CellChange(tp.name, new.department(new_did).name, before,
                                           after, old_note, new_note,
                                           stage_name))
    for old_did in sorted(set(old_row) | set(before_notes), key=old_order.__getitem__):
        if old_did not in dept_old_to_new:
            result.cells.append(CellChange(tp.name, old.department(old_did).name,
                                           old_row.get(old_did), None,
                                           before_notes.get(old_did, ""), "",
                                           stage_name))


def _notes_by_touchpoint(matrix: Matrix) -> dict[int, dict[int, str]]:
    notes: dict[int, dict[int, str]] = {}
    for (tid, did), note in matrix.notes.items():
        notes.setdefault(tid, {})[did] = note
    return notes


def _owners_in_order(names: Mapping[int, str], row: Mapping[int, Role],
                     order: Mapping[int, int]) -> tuple[str, ...]:
    """The names of a row's owners in display order (``names``: department id to its name,
    ``order``: to its place), without a walk over every department (as ``_owners``)."""
    owning = [d for d, role in row.items() if role is _OWN]
    if len(owning) > 1:
        owning.sort(key=order.__getitem__)
    return tuple([names[d] for d in owning])


_OWN = Role.OWN


def _owners(matrix: Matrix, touchpoint_id: int) -> tuple[str, ...]:
    return tuple(d.name for d in matrix.owners(touchpoint_id))


def ownership_text(old_owners: tuple[str, ...], new_owners: tuple[str, ...]) -> str:
    """"Support gives up Own, Customer Success takes it on", "gains an owner (Support)"."""
    old_keys = set(map(_owner_key, old_owners))
    new_keys = set(map(_owner_key, new_owners))
    gone = [n for n in old_owners if _owner_key(n) not in new_keys]
    came = [n for n in new_owners if _owner_key(n) not in old_keys]
    if not old_owners:
        if len(new_owners) == 1:
            return f"gains an owner ({new_owners[0]})"
        return f"gains owners ({join_names(list(new_owners))}): ownership is ambiguous"
    if not new_owners:
        owner = "owner" if len(old_owners) == 1 else "owners"
        return f"loses its {owner} ({join_names(list(old_owners))}): nobody owns it now"
    if len(old_owners) > 1 and len(new_owners) == 1 and not came:
        return f"ambiguity removed ({join_names(gone)} no longer {_own(gone)})"
    if len(old_owners) == 1 and len(new_owners) > 1 and not gone:
        return f"{join_names(came)} also {_own(came)}: ownership is ambiguous"
    parts = []
    if gone:
        parts.append(f"{join_names(gone)} {'gives' if len(gone) == 1 else 'give'} up Own")
    if came:
        verb = "takes" if len(came) == 1 else "take"
        parts.append(f"{join_names(came)} {verb} it on" if gone else f"{join_names(came)} "
                     f"{verb} on Own")
    return ", ".join(parts)


def role_change_text(department: str, before: Role | None, after: Role | None) -> str:
    """One department's change of role in words: "Support stops handling fallout",
    "Engineering takes on Influence" ("" when the role stays). For the changes that leave a
    touchpoint's owners as they are; ``ownership_text`` says what happens to those."""
    if before is after:
        return ""
    fallout = "handling fallout"
    if after is Role.HANDLE:
        return (f"{department} starts {fallout}" if before is None
                else f"{department} goes from {before.label} to {fallout}")
    if before is Role.HANDLE:
        return (f"{department} stops {fallout}" if after is None
                else f"{department} moves from {fallout} to {after.label}")
    if before is None:
        return f"{department} takes on {after.label}" if after is not None else ""
    if after is None:
        return f"{department} gives up {before.label}"
    return f"{department} goes from {before.label} to {after.label}"


def change_meanings(comparison: Comparison) -> list[tuple[str, str]]:
    """(touchpoint, what its changes mean): first every change of ownership, then the
    touchpoints whose owners stay but whose other roles change, each cell in words
    ("Support stops handling fallout; Engineering takes on Influence")."""
    lines = [(change.touchpoint, change.text) for change in comparison.ownership]
    owned = {change.touchpoint for change in comparison.ownership}
    others: dict[tuple[str, str], list[str]] = {}
    for cell in comparison.cells:
        if cell.touchpoint in owned:
            continue
        text = role_change_text(cell.department, cell.old_role, cell.new_role)
        if text:
            others.setdefault((cell.stage, cell.touchpoint), []).append(text)
    lines.extend((touchpoint, "; ".join(texts)) for (_, touchpoint), texts in others.items())
    return lines


def _own(names: list[str]) -> str:
    return "owns" if len(names) == 1 else "own"


def _compare_findings(old: Matrix, new: Matrix, matching: _Matching, touched: set[int],
                      focus_changed: bool, result: Comparison) -> None:
    """Findings come from each row alone (and the focus department), so only the rows that
    changed can have fixed or new findings, unless the focus department changed."""
    to_new = matching.touchpoints
    from_new = {v: k for k, v in to_new.items()}
    dept_to_new = matching.departments
    if focus_changed:
        touched = set(matching.new_order) | set(to_new.values())
    old_rows = [t for t in (from_new.get(n) for n in touched) if t is not None]
    old_rows.extend(t for t in matching.old_order if t not in to_new)

    # Keyed by plain tuples (the fields a FindingKey compares): most findings of a touched
    # row are in both states, and only those in one become FindingKeys.
    def old_key(finding: Finding) -> _Key:
        ids = finding.department_ids or (
            (finding.department_id,) if finding.department_id is not None else ())
        tid = finding.touchpoint_id
        if tid is not None:
            anchor = ("touchpoint", to_new.get(tid, -tid))
        else:
            d = finding.department_id or 0
            anchor = ("department", dept_to_new.get(d, -d))
        return finding.code, anchor, frozenset([dept_to_new.get(d, -d) for d in ids])

    def new_key(finding: Finding) -> _Key:
        ids = finding.department_ids or (
            (finding.department_id,) if finding.department_id is not None else ())
        tid = finding.touchpoint_id
        anchor = (("touchpoint", tid) if tid is not None
                  else ("department", finding.department_id or 0))
        return finding.code, anchor, frozenset(ids)

    rows = [new.touchpoint(tid) for tid in touched if new.has_touchpoint(tid)]
    if matching.by_id:
        # Matched by id, a thing keeps its id and an unmatched one's id is not in the other
        # state: a finding's own ids key it (read at C speed, thousands of findings), and
        # only the findings fixed or new get their FindingKey.
        old_found = [f for _, found in touchpoints_findings(old, map(old.touchpoint, old_rows))
                     for f in found]
        old_found.extend(department_findings(old))
        new_found = [f for _, found in touchpoints_findings(new, rows) for f in found]
        new_found.extend(department_findings(new))
        before_ids = dict(zip(map(_FINDING_IDS, old_found), old_found, strict=True))
        after_ids = dict(zip(map(_FINDING_IDS, new_found), new_found, strict=True))
        result.findings_fixed = [FindingKey(*old_key(f), finding=f)
                                 for k, f in before_ids.items() if k not in after_ids]
        result.findings_new = [FindingKey(*new_key(f), finding=f)
                               for k, f in after_ids.items() if k not in before_ids]
        return
    before: dict[_Key, Finding] = {}
    for _, found in touchpoints_findings(old, map(old.touchpoint, old_rows)):
        for finding in found:
            before.setdefault(old_key(finding), finding)
    for finding in department_findings(old):
        before.setdefault(old_key(finding), finding)
    after: dict[_Key, Finding] = {}
    for _, found in touchpoints_findings(new, rows):
        for finding in found:
            after.setdefault(new_key(finding), finding)
    for finding in department_findings(new):
        after.setdefault(new_key(finding), finding)
    result.findings_fixed = [FindingKey(*k, finding=f) for k, f in before.items()
                             if k not in after]
    result.findings_new = [FindingKey(*k, finding=f) for k, f in after.items()
                           if k not in before]


_Key = tuple[str, tuple[str, int], frozenset[int]]
# What tells two findings of states matched by id apart: a row has at most one finding of a
# code, a department one idle finding; the department ids of a touchpoint's finding are in id
# order (``findings``), so equal sets are equal tuples.
_FINDING_IDS = attrgetter("code", "touchpoint_id", "department_id", "department_ids")


# ---- applying ------------------------------------------------------------------------------


def apply_comparison(old: Matrix, comparison: Comparison) -> Matrix:
    """A copy of ``old`` changed by ``comparison`` so that its content equals the compared new
    state; ids of kept things stay those of ``old``.

    This is what makes a comparison trustworthy: the property tests check that applying
    compare(A, B) to A gives B.
    """
    target = comparison._target
    if target is None:
        raise ValueError("this comparison cannot be applied")
    matching = (_match_by_id(old, target) if comparison.match_by == "id"
                else _match_by_name(old, target))
    result = old.copy()
    result.replace_contents(_rebuilt_with_old_ids(old, target, matching))
    return result


def _rebuilt_with_old_ids(old: Matrix, new: Matrix, matching: _Matching) -> Matrix:
    """``new``'s content, with the ids of ``old`` wherever a thing was matched."""
    rebuilt = Matrix(title=new.title, organisation=new.organisation,
                     description=new.description, prepared_by=new.prepared_by,
                     created=old.created, modified=new.modified)
    next_id = max(old.next_free_id, new.next_free_id)
    fresh: dict[tuple[str, int], int] = {}

    def mapped(kind: str, new_id: int) -> int:
        nonlocal next_id
        inverse = inverse_of[kind]
        if new_id in inverse:
            return inverse[new_id]
        if (kind, new_id) not in fresh:
            fresh[(kind, new_id)] = next_id
            next_id += 1
        return fresh[(kind, new_id)]

    inverse_of = {"stage": {v: k for k, v in matching.stages.items()},
                  "department": {v: k for k, v in matching.departments.items()},
                  "touchpoint": {v: k for k, v in matching.touchpoints.items()}}
    for dept in new.departments:
        rebuilt.add_department(dept.name, dept.code, dept.lead,
                               department_id=mapped("department", dept.id))
    for stage in new.stages:
        stage_id = mapped("stage", stage.id)
        rebuilt.add_stage(stage.name, stage_id=stage_id)
        for tp in new.touchpoints_in(stage.id):
            tid = mapped("touchpoint", tp.id)
            rebuilt.add_touchpoint(stage_id, tp.name, touchpoint_id=tid,
                                   category=tp.category, channel=tp.channel,
                                   description=tp.description, peak=tp.peak, end=tp.end,
                                   metric=tp.metric, notes=tp.notes)
            for did, role in new.row_roles(tp.id).items():
                rebuilt.set_role(tid, mapped("department", did), role)
    for (t, d), note in new.notes.items():
        rebuilt.set_note(mapped("touchpoint", t),
                         mapped("department", d), note)
    if new.focus_department_id is not None:
        rebuilt.set_properties(focus_department_id=mapped("department",
                                                          new.focus_department_id))
    if new.has_plan:
        rebuilt.load_plan(
            {mapped("touchpoint", t): {mapped("department", d): role
                                       for d, role in row.items()}
             for t, row in new.targets.items()},
            {(mapped("touchpoint", t), mapped("department", d)): action
             for (t, d), action in new.actions.items()},
            {mapped("touchpoint", t) for t in new.planned_touchpoints},
            {mapped("department", d) for d in new.planned_departments})
    return rebuilt
