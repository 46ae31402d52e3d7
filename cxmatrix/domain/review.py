"""Bringing returned workbooks back: a three-way review of what was exported (base), what one
or more colleagues saved (theirs, each named by its file) and the matrix as it is now (ours).

Every value of a matrix is a *fact* keyed by what it belongs to: a property, a department's
name, code, lead or place, a stage's name or place, a touchpoint's fields or place, a cell's
role or note, a cell's planned target role and its action (person, due date, status, note),
whether a touchpoint or department is planned (exists only at target), and whether each thing
exists. For each fact:

- changed only in a workbook: the change applies (a deletion only with an explicit yes);
- changed only in the app: it stays, and is not listed;
- changed on both sides to different values: a conflict with both values;
- changed differently by two workbooks: a conflict naming both files. So is a touchpoint
  that two workbooks each give a new owner in different departments.

A target fact is the target role set apart from today's (absent: the target follows today),
so a role changed today does not read as a change of the plan. An action changed on both
sides in different fields (a status there, a due date here) is merged, not a conflict. The
plan (targets, actions and the planned flags) is compared only when every copy recorded the
plan it was exported with (``ReturnedCopy.plan_compared``); a conflict of the plan names the
file's cell.

A place is "where it was" unless the thing moved: a moved row (outside the longest run of
rows that kept their order) is placed after the row before it in the file that moved it.
New things from several files with the same name (in the same stage for a touchpoint) are one
new thing. ``review(...)`` gives a :class:`Review`; ``Review.apply(decisions)`` gives the new
matrix, which the app puts in place as one step.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, cast

from cxmatrix.domain.actions import Action
from cxmatrix.domain.model import (
    TOUCHPOINT_FIELDS,
    DomainError,
    Matrix,
    name_key,
)
from cxmatrix.domain.roles import Role

Kind = Literal["property", "department", "stage", "touchpoint", "cell", "ownership", "target",
               "action", "planned"]
Status = Literal["applies", "conflict"]
# A fact key: ("property", name) | (kind, id, field)
#             | ("cell" | "note" | "target" | "action", touchpoint, department)
#             | ("touchpoint" | "department", id, PLANNED): planned (exists only at target)
FactKey = tuple[str, ...] | tuple[str, int, str] | tuple[str, int, int]
Value = object
SAME = "same place"  # the place of a thing that did not move
NO_TARGET_ROLE = "no role"  # a target fact: no role at target (absent: the target is today's)
_CELL_FACTS = ("cell", "note", "target", "action")
PLANNED = "planned"  # the field of a touchpoint's or department's planned flag
_PLAN_FACTS = ("target", "action")
_ACTION_FIELDS = ("person", "due", "status", "note")
_PROPERTIES = ("title", "organisation", "description", "prepared_by", "focus")
_DEPARTMENT_FIELDS = ("name", "code", "lead", "place", PLANNED)
_STAGE_FIELDS = ("name", "place")
_TOUCHPOINT_FIELDS = (*TOUCHPOINT_FIELDS, "place", PLANNED)
_FIELDS = {"department": _DEPARTMENT_FIELDS, "stage": _STAGE_FIELDS,
           "touchpoint": _TOUCHPOINT_FIELDS}


class ReviewRefused(DomainError):
    """The workbooks cannot be reviewed against this matrix (another matrix, another export)."""


@dataclass(frozen=True)
class ReturnedCopy:
    """One workbook as it came back: its file name, the matrix as exported (ids of the app)
    and as saved (kept ids for kept things, fresh ids for new ones)."""

    name: str
    exported: Matrix
    saved: Matrix
    matrix_uid: str | None = None
    notices: tuple[str, ...] = ()
    plan_compared: bool = True  # False: the copy does not record the plan it was exported with
    # Where the file holds a target or action: ("target", touchpoint, department) ->
    # "Target!G10"; a planned flag: ("touchpoint" | "department", id, PLANNED) -> "Target!B9"
    places: Mapping[FactKey, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Option:
    """One way to settle a change: its label ("Own (from anna.xlsx)"), the files that want
    it, and the facts it sets."""

    label: str
    files: tuple[str, ...]
    effects: Mapping[FactKey, Value]


@dataclass(frozen=True)
class Change:
    """One listed change. ``options`` are the workbooks' values; choosing none keeps the
    matrix as it is now (``ours``). A change that applies has one option."""

    key: str  # stable within one review: "cell:12:4", "touchpoint:12:name"
    kind: Kind
    what: str  # "role", "note", "renamed", "moved", "added", "deleted", "changed", "owner"
    group: str  # what it is shown under: the touchpoint, department, stage or "Matrix"
    text: str  # the change in words
    status: Status
    base: str  # the values in words: as exported, as it is now
    ours: str
    options: tuple[Option, ...]
    deletion: bool = False
    depends_on: tuple[str, ...] = ()  # keys of the additions this change needs

    @property
    def files(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for option in self.options:
            seen.update(dict.fromkeys(option.files))
        return tuple(seen)

    @property
    def default(self) -> int | None:
        """The option "Accept all" takes: the one option of a change that applies (not a
        deletion); conflicts and deletions keep the matrix as it is unless chosen."""
        if self.status == "applies" and not self.deletion:
            return 0
        return None


Decisions = Mapping[str, int | None]  # change key -> chosen option (None: keep as it is)


@dataclass
class Review:
    """The changes the workbooks bring, in the order of the matrix."""

    ours: Matrix
    files: tuple[str, ...]
    changes: list[Change] = field(default_factory=list)
    kept_in_app: int = 0  # facts changed only in the app: they stay
    notices: tuple[str, ...] = ()

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.status == "conflict"]

    @property
    def deletions(self) -> list[Change]:
        return [c for c in self.changes if c.deletion]

    def change(self, key: str) -> Change:
        for change in self.changes:
            if change.key == key:
                return change
        raise KeyError(key)

    def accept_all(self, *, deletions: bool = False) -> dict[str, int | None]:
        """Every change that applies; deletions only when asked; conflicts as they are."""
        chosen: dict[str, int | None] = {c.key: c.default for c in self.changes}
        if deletions:
            chosen.update({c.key: 0 for c in self.changes
                           if c.deletion and c.status == "applies"})
        return chosen

    def apply(self, decisions: Decisions) -> Matrix:
        """A copy of ours with the chosen options applied (a change not named keeps ours)."""
        effects: dict[FactKey, Value] = {}
        for change in self.changes:
            index = decisions.get(change.key)
            if index is not None:
                effects.update(change.options[index].effects)
        return _Builder(self.ours, effects).build()


# ---- facts ---------------------------------------------------------------------------------


def _stable(ids: Sequence[int], base_index: Mapping[int, int]) -> set[int]:
    """The ids of the longest run that kept the base order (the others moved)."""
    common = [i for i in ids if i in base_index]
    tails: list[int] = []
    tail_ids: list[int] = []
    previous: dict[int, int | None] = {}
    for item in common:
        position = base_index[item]
        at = bisect.bisect_left(tails, position)
        previous[item] = tail_ids[at - 1] if at else None
        if at == len(tails):
            tails.append(position)
            tail_ids.append(item)
        else:
            tails[at] = position
            tail_ids[at] = item
    kept: set[int] = set()
    cursor: int | None = tail_ids[-1] if tail_ids else None
    while cursor is not None:
        kept.add(cursor)
        cursor = previous[cursor]
    return kept


def _facts(matrix: Matrix, base: Matrix | None, ids: Mapping[tuple[str, int], int],
           plan: bool = True) -> dict[FactKey, Value]:
    """Every fact of ``matrix``; ids mapped by ``ids`` (kind, id) -> review id where given.
    Places are SAME unless the thing moved against ``base``."""

    def vid(kind: str, key: int) -> int:
        return ids.get((kind, key), key)

    facts: dict[FactKey, Value] = {}
    for prop in _PROPERTIES[:-1]:
        facts[("property", prop)] = getattr(matrix, prop)
    focus = matrix.focus_department_id
    facts[("property", "focus")] = vid("department", focus) if focus is not None else None
    departments = [vid("department", d.id) for d in matrix.departments]
    base_departments = {d.id: i for i, d in enumerate(base.departments)} if base else {}
    kept = _stable(departments, base_departments)
    for index, dept in enumerate(matrix.departments):
        key = departments[index]
        facts[("department", key, "exists")] = True
        facts[("department", key, "name")] = dept.name
        facts[("department", key, "code")] = dept.code
        facts[("department", key, "lead")] = dept.lead
        if plan:
            facts[("department", key, PLANNED)] = matrix.is_planned_department(dept.id)
        facts[("department", key, "place")] = SAME if key in kept else (
            "after", departments[index - 1] if index else None)
    stages = [vid("stage", s.id) for s in matrix.stages]
    base_stages = {s.id: i for i, s in enumerate(base.stages)} if base else {}
    kept = _stable(stages, base_stages)
    for index, stage in enumerate(matrix.stages):
        key = stages[index]
        facts[("stage", key, "exists")] = True
        facts[("stage", key, "name")] = stage.name
        facts[("stage", key, "place")] = SAME if key in kept else (
            "after", stages[index - 1] if index else None)
        touchpoints = [vid("touchpoint", t) for t in matrix.stage_touchpoint_ids(stage.id)]
        base_order: dict[int, int] = {}
        if base is not None and base.has_stage(key):
            base_order = {t: i for i, t in enumerate(base.stage_touchpoint_ids(key))}
        kept_tps = _stable(touchpoints, base_order)
        for position, tp in enumerate(matrix.touchpoints_in(stage.id)):
            tid = touchpoints[position]
            facts[("touchpoint", tid, "exists")] = True
            for name in TOUCHPOINT_FIELDS:
                facts[("touchpoint", tid, name)] = getattr(tp, name)
            if plan:
                facts[("touchpoint", tid, PLANNED)] = matrix.is_planned_touchpoint(tp.id)
            facts[("touchpoint", tid, "place")] = SAME if tid in kept_tps else (
                "after", key, touchpoints[position - 1] if position else None)
            for did, role in matrix.row_roles(tp.id).items():
                facts[("cell", tid, vid("department", did))] = role
    for (t, d), note in matrix.notes.items():
        facts[("note", vid("touchpoint", t), vid("department", d))] = note
    if plan:
        for t, target_row in matrix.targets.items():
            for d, target in target_row.items():
                facts[("target", vid("touchpoint", t), vid("department", d))] = (
                    target if target is not None else NO_TARGET_ROLE)
        for (t, d), action in matrix.actions.items():
            facts[("action", vid("touchpoint", t), vid("department", d))] = action
    return facts


def _owner(key: FactKey) -> tuple[str, int] | None:
    """The thing whose existence a fact depends on (the touchpoint for a cell's own)."""
    if key[0] in ("department", "stage", "touchpoint"):
        return (str(key[0]), int(key[1]))
    return None


def _entities(key: FactKey) -> list[tuple[str, int]]:
    if key[0] in _CELL_FACTS:
        return [("touchpoint", int(key[1])), ("department", int(key[2]))]
    owner = _owner(key)
    return [owner] if owner else []


# ---- matching new things across files ------------------------------------------------------


class _Ids:
    """Gives the new things of each file a review id: the id of a thing of ours with the same
    name (that the file does not hold under its own id), or one negative id shared by every
    file that adds a thing of that name."""

    def __init__(self, ours: Matrix, base: Matrix) -> None:
        self.ours = ours
        self.base = base
        self.shared: dict[tuple[str, str], int] = {}
        self.next = -1

    def of(self, copy: ReturnedCopy) -> dict[tuple[str, int], int]:
        saved, base, ours = copy.saved, self.base, self.ours
        mapping: dict[tuple[str, int], int] = {}

        def claim(kind: str, saved_id: int, name: str, candidates: dict[str, int]) -> None:
            found = candidates.get(name_key(name))
            # Saved ids above the export's are the file's own new ones, not ours.
            kept_there = _holds(base, kind, found or 0) and _holds(saved, kind, found or 0)
            if found is not None and not kept_there and found not in (
                    v for (k, _s), v in mapping.items() if k == kind):
                mapping[(kind, saved_id)] = found
                return
            shared_key = (kind, name_key(name))
            if shared_key not in self.shared:
                self.shared[shared_key] = self.next
                self.next -= 1
            mapping[(kind, saved_id)] = self.shared[shared_key]

        ours_departments = {name_key(d.name): d.id for d in ours.departments}
        for dept in saved.departments:
            if not base.has_department(dept.id):
                claim("department", dept.id, dept.name, ours_departments)
        ours_stages = {name_key(s.name): s.id for s in ours.stages}
        for stage in saved.stages:
            if not base.has_stage(stage.id):
                claim("stage", stage.id, stage.name, ours_stages)
        for stage in saved.stages:
            stage_vid = mapping.get(("stage", stage.id), stage.id)
            in_ours = ({name_key(f"{stage_vid}\0{t.name}"): t.id
                        for t in ours.touchpoints_in(stage_vid)}
                       if ours.has_stage(stage_vid) else {})
            for tp in saved.touchpoints_in(stage.id):
                if not base.has_touchpoint(tp.id):
                    claim("touchpoint", tp.id, f"{stage_vid}\0{tp.name}", in_ours)
        return mapping


def _holds(matrix: Matrix, kind: str, key: int) -> bool:
    return {"department": matrix.has_department, "stage": matrix.has_stage,
            "touchpoint": matrix.has_touchpoint}[kind](key) if key > 0 else False


# ---- the review ----------------------------------------------------------------------------


def review(base: Matrix, copies: Sequence[ReturnedCopy], ours: Matrix) -> Review:
    """The changes ``copies`` bring to ``ours``, against ``base`` (what was exported).

    Raises ReviewRefused when a copy comes from another matrix, or when copies come from
    different exports (bring those back one at a time)."""
    if not copies:
        raise ReviewRefused("no workbook to bring back")
    for copy in copies:
        if copy.matrix_uid is not None and copy.matrix_uid != ours.uid:
            raise ReviewRefused(
                f"{copy.name} was exported from another matrix ({copy.exported.title!r}), "
                f"not from {ours.title!r}: open that matrix to bring it back, or import the "
                "workbook as a new matrix")
    first = copies[0]
    for copy in copies[1:]:
        if copy.exported.content() != first.exported.content():
            raise ReviewRefused(
                f"{copy.name} and {first.name} come from different exports of the matrix: "
                "bring them back one at a time")
    ids = _Ids(ours, base)
    plan = all(copy.plan_compared for copy in copies)
    base_facts = _facts(base, base, {}, plan)
    ours_facts = _facts(ours, base, {}, plan)
    theirs = [(copy.name, _facts(copy.saved, base, ids.of(copy), plan)) for copy in copies]
    result = Review(ours=ours, files=tuple(c.name for c in copies),
                    notices=tuple(n for c in copies for n in c.notices))
    places = {copy.name: copy.places for copy in copies}
    _Classifier(base, ours, base_facts, ours_facts, theirs, result, places).run()
    return result


class _Classifier:
    def __init__(self, base: Matrix, ours: Matrix, base_facts: dict[FactKey, Value],
                 ours_facts: dict[FactKey, Value],
                 theirs: list[tuple[str, dict[FactKey, Value]]], result: Review,
                 places: Mapping[str, Mapping[FactKey, str]] | None = None
                 ) -> None:
        self.base, self.ours = base, ours
        self.places = places or {}
        self.b, self.o, self.theirs = base_facts, ours_facts, theirs
        self.result = result
        self.names: dict[tuple[str, int], str] = {}
        for facts in (base_facts, ours_facts, *(f for _n, f in theirs)):
            for key, value in facts.items():
                if len(key) == 3 and key[2] == "name" and isinstance(key[1], int):
                    self.names.setdefault((str(key[0]), key[1]), str(value))

    def name(self, kind: str, key: int) -> str:
        return self.names.get((kind, key), f"{kind} {key}")

    def exists(self, facts: Mapping[FactKey, Value], entity: tuple[str, int]) -> bool:
        return bool(facts.get((entity[0], entity[1], "exists")))

    def run(self) -> None:
        entity_keys = {(str(k[0]), int(k[1])) for facts in (self.b, self.o,
                                                            *(f for _n, f in self.theirs))
                       for k in facts if len(k) == 3 and k[2] == "exists"}
        changes: list[tuple[tuple[int, ...], Change]] = []
        handled: set[tuple[str, int]] = set()
        for entity in entity_keys:
            change = self.entity_change(entity)
            if change is not None:
                if not change.deletion:
                    handled.add(entity)  # its facts come with the addition or restore
                changes.append((self.sort_key(change, entity), change))
        all_keys: set[FactKey] = set(self.b) | set(self.o)
        for _name, facts in self.theirs:
            all_keys |= set(facts)
        new_owners: dict[int, list[tuple[str, int]]] = {}
        for key in all_keys:
            if key[-1] == "exists":
                continue
            owner = _owner(key)
            if owner is not None and owner in handled:
                continue  # part of the addition, deletion or restore
            change = self.fact_change(key, new_owners)
            if change is not None:
                changes.append((self.sort_key(change, owner or _first(key)), change))
        changes.extend(self.ownership_conflicts(new_owners, changes))
        changes.sort(key=lambda pair: pair[0])
        self.result.changes = [c for _k, c in changes]

    # ---- order -------------------------------------------------------------------------

    def sort_key(self, change: Change, entity: tuple[str, int] | None) -> tuple[int, ...]:
        kind_order = {"property": 0, "department": 1, "stage": 2, "touchpoint": 3, "cell": 3,
                      "ownership": 3, "target": 3, "action": 3, "planned": 3}
        position = 0
        ours = self.ours
        if entity is not None:
            kind, key = entity
            if kind == "touchpoint" and ours.has_touchpoint(key):
                position = ours.touchpoint_index(key)
            elif kind == "touchpoint":
                position = 10**9 + (-key if key < 0 else key)
            elif kind == "department" and ours.has_department(key):
                position = ours.department_index(key)
            elif kind == "stage" and ours.has_stage(key):
                position = ours.stage_index(key)
            else:
                position = 10**9 + abs(key)
        within = {"cell": 1, "target": 2, "action": 3}.get(change.kind, 0)
        order = (kind_order[entity[0]] if change.kind == "planned" and entity is not None
                 else kind_order[change.kind])
        return (order, position, within)

    # ---- whole things --------------------------------------------------------------------

    def entity_facts(self, facts: Mapping[FactKey, Value], entity: tuple[str, int]
                     ) -> dict[FactKey, Value]:
        kind, key = entity
        own: dict[FactKey, Value] = {(kind, key, name): facts[(kind, key, name)]
               for name in ("exists", *_FIELDS[kind]) if (kind, key, name) in facts}
        return own

    def entity_change(self, entity: tuple[str, int]) -> Change | None:
        """An addition, a deletion in a workbook, or a thing deleted here but changed there."""
        kind_name, key = entity
        kind = cast(Kind, kind_name)
        in_base, in_ours = self.exists(self.b, entity), self.exists(self.o, entity)
        having = [(n, f) for n, f in self.theirs if self.exists(f, entity)]
        lacking = [n for n, f in self.theirs if not self.exists(f, entity)]
        name = self.name(kind, key)
        group = self.group_of(kind, key)
        if not in_base:
            if in_ours or not having:
                return None  # added here (stays), or the same name matched ours
            first = having[0][1]
            files = tuple(n for n, _f in having)
            where = self.where(kind, first, key)
            return Change(f"{kind}:{key}:added", kind, "added", group,
                          f"{kind.capitalize()} {name} added{where}", "applies", "none",
                          "none", (Option(f"Add {name}", files,
                                          self.entity_facts(first, entity)),))
        if not in_ours:
            changed = [(n, f) for n, f in having
                       if self.entity_facts(f, entity) != self.entity_facts(self.b, entity)
                       or self.row_changed(f, entity)]
            if not changed:
                return None  # deleted here, left alone there: stays deleted
            file_name, facts = changed[0]
            restore = dict(self.entity_facts(facts, entity))
            restore.update(self.row_facts(facts, entity))
            flag = (kind, key, PLANNED)
            sources = tuple(n for n, f in changed if f.get(flag) != self.b.get(flag))
            flagged = (f"; {self.words(flag, facts.get(flag))} in "
                       f"{self.sources(flag, sources)}" if sources else "")
            return Change(f"{kind}:{key}:restore", kind, "deleted", group,
                          f"{kind.capitalize()} {name} was deleted here and changed in "
                          f"{_files(tuple(n for n, _f in changed))}{flagged}", "conflict",
                          "present", "deleted",
                          (Option(f"Restore {name} as in {file_name}",
                                  tuple(n for n, _f in changed), restore),))
        if not lacking:
            return None
        ours_changed = (self.entity_facts(self.o, entity) != self.entity_facts(self.b, entity)
                        or self.row_changed(self.o, entity))
        others_changed = [n for n, f in having
                          if self.entity_facts(f, entity) != self.entity_facts(self.b, entity)
                          or self.row_changed(f, entity)]
        deleting = tuple(lacking)
        option = Option(f"Delete {name}", deleting, {(kind, key, "exists"): False})
        if ours_changed or others_changed:
            who = (["changed here"] if ours_changed else []) + (
                [f"changed in {_files(tuple(others_changed))}"] if others_changed else [])
            return Change(f"{kind}:{key}:deleted", kind, "deleted", group,
                          f"{kind.capitalize()} {name} deleted in {_files(deleting)}, but "
                          f"{' and '.join(who)}", "conflict", "present", "present", (option,),
                          deletion=True)
        return Change(f"{kind}:{key}:deleted", kind, "deleted", group,
                      f"{kind.capitalize()} {name} deleted in {_files(deleting)}", "applies",
                      "present", "present", (option,), deletion=True)

    def row_facts(self, facts: Mapping[FactKey, Value], entity: tuple[str, int]
                  ) -> dict[FactKey, Value]:
        kind, key = entity
        if kind == "stage":
            return {}
        index = 1 if kind == "touchpoint" else 2
        return {k: v for k, v in facts.items() if k[0] in _CELL_FACTS and k[index] == key}

    def row_changed(self, facts: Mapping[FactKey, Value], entity: tuple[str, int]) -> bool:
        return self.row_facts(facts, entity) != self.row_facts(self.b, entity)

    def where(self, kind: str, facts: Mapping[FactKey, Value], key: int) -> str:
        if kind != "touchpoint":
            return ""
        place = facts.get(("touchpoint", key, "place"))
        if isinstance(place, tuple):
            return f" in {self.name('stage', place[1])}"
        return ""

    def group_of(self, kind: str, key: int) -> str:
        if kind == "touchpoint":
            return self.name("touchpoint", key)
        if kind == "department":
            return f"Department {self.name('department', key)}"
        if kind == "stage":
            return f"Stage {self.name('stage', key)}"
        return "Matrix"

    # ---- single facts --------------------------------------------------------------------

    def fact_change(self, key: FactKey, new_owners: dict[int, list[tuple[str, int]]]
                    ) -> Change | None:
        b, o = self.b.get(key), self.o.get(key)
        place = key[-1] == "place"
        if place and b is None:
            return None  # a new thing's place comes with its addition
        entities = _entities(key)
        proposals: dict[Value, list[str]] = {}
        for file_name, facts in self.theirs:
            if not all(self.exists(facts, e) for e in entities):
                continue  # the file deleted the thing: its deletion says so
            value = facts.get(key)
            if value is None and place:
                continue
            if value != b:
                proposals.setdefault(value, []).append(file_name)
        if not proposals:
            if o != b:
                self.result.kept_in_app += 1
            return None
        if not all(self.exists(self.o, e) or e[1] < 0 or not self.exists(self.b, e)
                   for e in entities):
            return None  # deleted here: the restore conflict (if any) carries it
        if len(proposals) == 1 and next(iter(proposals)) == o:
            return None  # the same change on both sides
        status: Status = "applies" if len(proposals) == 1 and o == b else "conflict"
        if key[0] == "action" and status == "conflict" and len(proposals) == 1:
            ((value, files),) = proposals.items()
            merged = _merged_action(b, o, value)
            if merged is not None:
                change = self.describe(key, b, o, {merged: files}, "applies")
                return replace(change, text=f"{change.text} (with the change made here)")
        if key[0] == "cell" and len(proposals) == 1:
            value = next(iter(proposals))
            if value is Role.OWN and o is not Role.OWN:
                new_owners.setdefault(int(key[1]), []).append(
                    (proposals[value][0], int(key[2])))
        return self.describe(key, b, o, proposals, status)

    def sources(self, key: FactKey, files: Sequence[str]) -> str:
        """The files, each with the cell that holds ``key`` when known: "anna.xlsx
        (Target!G10) and ben.xlsx (Target!G11)"."""
        named = []
        for file_name in files:
            cell = (self.places.get(file_name, {}).get(key)
                    if key[0] in _PLAN_FACTS or key[-1] == PLANNED else None)
            named.append(f"{file_name} ({cell})" if cell else file_name)
        return _files(tuple(named))

    def describe(self, key: FactKey, b: Value, o: Value, proposals: dict[Value, list[str]],
                 status: Status) -> Change:
        options = tuple(Option(self.words(key, value) + f" (from {self.sources(key, files)})",
                               tuple(files), {key: value})
                        for value, files in proposals.items())
        first = next(iter(proposals))
        kind, what, group, text = self.wording(key, b, first)
        if status == "conflict":
            if len(proposals) > 1:
                text = self.conflict_text(key, proposals)
            else:
                text = (f"{self.subject(key)}: {self.words(key, first)} in "
                        f"{self.sources(key, proposals[first])}, "
                        f"{self.words(key, o)} here (was {self.words(key, b)})")
        key_text = ":".join(str(part) for part in key)
        return Change(key_text, kind, what, group, text, status, self.words(key, b),
                      self.words(key, o), options,
                      depends_on=tuple(f"{e[0]}:{e[1]}:added" for e in _entities(key)
                                       if e[1] < 0))

    def conflict_text(self, key: FactKey, proposals: dict[Value, list[str]]) -> str:
        parts = [f"{self.words(key, v)} in {self.sources(key, f)}" for v, f in proposals.items()]
        return f"{self.subject(key)}: " + "; ".join(parts)

    def subject(self, key: FactKey) -> str:
        if key[0] in _CELL_FACTS:
            what = {"cell": "role", "note": "note", "target": "target", "action": "action"}[
                str(key[0])]
            return (f"{self.name('touchpoint', int(key[1]))} · "
                    f"{self.name('department', int(key[2]))} ({what})")
        if key[0] == "property":
            return _label(str(key[1]))
        return f"{self.name(str(key[0]), int(key[1]))} ({_label(str(key[2]))})"

    def words(self, key: FactKey, value: Value) -> str:
        if key[0] == "cell":
            return value.label if isinstance(value, Role) else "no role"
        if key[0] == "target":
            return value.label if isinstance(value, Role) else (
                "no role" if value == NO_TARGET_ROLE else "as today")
        if key[0] == "action":
            if not isinstance(value, Action):
                return "no action"
            note = value.note if len(value.note) <= 40 else value.note[:37] + "…"
            return value.describe() + (f", note {note!r}" if note else "")
        if key[-1] == PLANNED:
            return "planned" if value else "not planned"
        if key[-1] == "place":
            if value == SAME or value is None:
                return "where it was"
            assert isinstance(value, tuple)
            before = value[-1]
            kind = str(key[0])
            if before is None:
                start = (f"first in {self.name('stage', value[1])}" if kind == "touchpoint"
                         else "first")
                return start
            return f"after {self.name(kind, before)}" + (
                f" in {self.name('stage', value[1])}" if kind == "touchpoint" else "")
        if key == ("property", "focus"):
            return self.name("department", value) if isinstance(value, int) else "none"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if value is None or value == "":
            return "empty" if key[0] != "note" else "no note"
        text = str(value)
        return repr(text if len(text) <= 60 else text[:57] + "…")

    def wording(self, key: FactKey, b: Value, value: Value) -> tuple[Kind, str, str, str]:
        if key[0] in _PLAN_FACTS:
            tp, dept = self.name("touchpoint", int(key[1])), self.name("department",
                                                                       int(key[2]))
            noun = str(key[0])
            what = (f"{noun} set" if b is None else f"{noun} removed" if value is None
                    else f"{noun} changed")
            before = self.words(key, b)
            if noun == "target" and b is None:  # as today: say what today is
                before += f" ({self.words(('cell', *key[1:]), self.b.get(('cell', *key[1:])))})"
            return (cast(Kind, noun), what, tp, f"{tp} · {dept}: {noun} "
                    f"{before} → {self.words(key, value)}")
        if key[0] in ("cell", "note"):
            tp, dept = self.name("touchpoint", int(key[1])), self.name("department",
                                                                       int(key[2]))
            if key[0] == "cell":
                what = ("role set" if b is None else "role cleared" if value is None
                        else "role changed")
                return ("cell", what, tp, f"{tp} · {dept}: {self.words(key, b)} → "
                                          f"{self.words(key, value)}")
            what = "note added" if not b else "note removed" if not value else "note changed"
            return ("cell", what, tp, f"{tp} · {dept}: {what}")
        if key[0] == "property":
            label = _label(str(key[1]))
            return ("property", "changed", "Matrix",
                    f"{label}: {self.words(key, b)} → {self.words(key, value)}")
        kind = str(key[0])
        assert kind in ("department", "stage", "touchpoint")
        name = self.name(kind, int(key[1]))
        group = self.group_of(kind, int(key[1]))
        field_name = str(key[2])
        if field_name == "name":
            return (kind, "renamed", group,  # type: ignore[return-value]
                    f"{kind.capitalize()} {b} renamed to {value}")
        if field_name == PLANNED:
            return ("planned", "planned set" if value else "planned cleared", group,
                    f"{kind.capitalize()} {name} " + (
                        "marked planned (exists only at target)" if value else
                        "no longer planned (exists today)"))
        if field_name == "place":
            return (kind, "moved", group,  # type: ignore[return-value]
                    f"{kind.capitalize()} {name} moved {self.words(key, value)}")
        return (kind, "changed", group,  # type: ignore[return-value]
                f"{name}: {_label(field_name)} {self.words(key, b)} → "
                f"{self.words(key, value)}")

    # ---- owners claimed by two files -----------------------------------------------------

    def ownership_conflicts(self, new_owners: dict[int, list[tuple[str, int]]],
                            changes: list[tuple[tuple[int, ...], Change]]
                            ) -> list[tuple[tuple[int, ...], Change]]:
        """Two files each give a touchpoint a new owner in another department: one conflict
        naming both, instead of two owners."""
        found: list[tuple[tuple[int, ...], Change]] = []
        order = {name: index for index, name in enumerate(self.result.files)}
        for tid, claims in new_owners.items():
            files = {f for f, _d in claims}
            if len(files) < 2:
                continue
            claims.sort(key=lambda claim: (order.get(claim[0], len(order)), claim[1]))
            tp = self.name("touchpoint", tid)
            options = tuple(
                Option(f"{self.name('department', did)} owns it (from {file_name})",
                       (file_name,), {("cell", tid, did): Role.OWN})
                for file_name, did in claims)
            text = (f"{tp}: " + "; ".join(f"{file_name} makes "
                                         f"{self.name('department', did)} the owner"
                                         for file_name, did in claims))
            owners = ", ".join(d.name for d in self.ours.owners(tid)) if \
                self.ours.has_touchpoint(tid) else ""
            change = Change(f"ownership:{tid}", "ownership", "owner", tp, text, "conflict",
                            "", owners or "no owner", options)
            found.append((self.sort_key(change, ("touchpoint", tid)), change))
        # The single cell changes are now part of the ownership conflict.
        claimed = {f"cell:{tid}:{did}" for tid, claims in new_owners.items()
                   if len({f for f, _d in claims}) > 1 for _f, did in claims}
        changes[:] = [(k, c) for k, c in changes if c.key not in claimed]
        return found


def _merged_action(base: Value, ours: Value, theirs: Value) -> Action | None:
    """The action with the fields changed there and those changed here, when no field was
    changed on both sides to different values (None then, or when one side has no action)."""
    if not (isinstance(base, Action) and isinstance(ours, Action) and isinstance(theirs, Action)):
        return None
    values: dict[str, object] = {}
    for name in _ACTION_FIELDS:
        b, o, t = getattr(base, name), getattr(ours, name), getattr(theirs, name)
        if o != b and t not in (b, o):
            return None
        values[name] = t if t != b else o
    return Action(**values)  # type: ignore[arg-type]


def _first(key: FactKey) -> tuple[str, int] | None:
    entities = _entities(key)
    return entities[0] if entities else None


def _files(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def _label(name: str) -> str:
    return {"prepared_by": "prepared by", "focus": "focus department", "peak": "peak moment",
            "end": "end moment", "code": "short code"}.get(name, name.replace("_", " "))


# ---- building the result -------------------------------------------------------------------


class _Builder:
    """Ours with the chosen effects: deletions, additions, fields, places, cells."""

    def __init__(self, ours: Matrix, effects: Mapping[FactKey, Value]) -> None:
        self.matrix = ours.copy()
        self.effects = effects
        self.ids: dict[tuple[str, int], int] = {}

    def real(self, kind: str, key: int | None) -> int | None:
        if key is None:
            return None
        if key < 0:
            return self.ids.get((kind, key))
        return key if _holds(self.matrix, kind, key) else self.ids.get((kind, key))

    def build(self) -> Matrix:
        m, effects = self.matrix, self.effects
        by_entity: dict[tuple[str, int], dict[str, Value]] = {}
        cells: list[tuple[FactKey, Value]] = []
        for key, value in effects.items():
            if key[0] in _CELL_FACTS:
                cells.append((key, value))
            elif key[0] != "property":
                by_entity.setdefault((str(key[0]), int(key[1])), {})[str(key[2])] = value
        # Deletions first, so a name set free can be taken.
        for (kind, ident), values in by_entity.items():
            if values.get("exists") is False:
                if kind == "touchpoint" and m.has_touchpoint(ident):
                    m.delete_touchpoint(ident)
                elif kind == "department" and m.has_department(ident):
                    m.delete_department(ident)
        for kind in ("department", "stage", "touchpoint"):
            for (k, ident), values in by_entity.items():
                if k == kind and values.get("exists") is True and not _holds(m, kind, ident):
                    self.add(kind, ident, values)
        for (kind, ident), values in by_entity.items():
            target = self.real(kind, ident)
            if target is None or values.get("exists") is not None:
                continue
            self.update(kind, target, values)
        self.place(by_entity)
        for (kind, ident), values in by_entity.items():
            if kind == "stage" and values.get("exists") is False and m.has_stage(ident) \
                    and not m.stage_touchpoint_ids(ident) and len(m.stages) > 1:
                m.delete_stage(ident)
        # Roles before targets: a target "as today" is the role the cell ends up with.
        cells.sort(key=lambda item: item[0][0] in _PLAN_FACTS)
        for key, value in cells:
            tid = self.real("touchpoint", int(key[1]))
            did = self.real("department", int(key[2]))
            if tid is None or did is None:
                continue
            if key[0] == "cell":
                m.set_role(tid, did, value if isinstance(value, Role) else None)
            elif key[0] == "note":
                m.set_note(tid, did, str(value or ""))
            elif key[0] == "target":
                m.set_target(tid, did, value if isinstance(value, Role) else
                             None if value == NO_TARGET_ROLE else m.role(tid, did))
            else:
                m.set_action(tid, did, value if isinstance(value, Action) else None)
        props = {str(k[1]): v for k, v in effects.items() if k[0] == "property"}
        changes: dict[str, object] = {k: v for k, v in props.items() if k != "focus"}
        if "focus" in props:
            focus = props["focus"]
            changes["focus_department_id"] = (self.real("department", focus)
                                              if isinstance(focus, int) else None)
        if changes:
            m.set_properties(**changes)
        return m

    def add(self, kind: str, key: int, values: Mapping[str, Value]) -> None:
        m = self.matrix
        wanted = key if key > 0 else None
        if wanted is not None and (m.has_stage(wanted) or m.has_touchpoint(wanted)
                                   or m.has_department(wanted)):
            wanted = None
        if kind == "department":
            existing = m.find_department(str(values["name"]))
            if existing is not None:
                self.ids[(kind, key)] = existing.id
                return
            code = str(values.get("code") or "")
            taken = {d.code for d in m.departments}
            dept = m.add_department(str(values["name"]), code if code not in taken else None,
                                    str(values.get("lead") or ""), department_id=wanted)
            self.ids[(kind, key)] = dept.id
            self.set_planned(kind, dept.id, values.get(PLANNED))
        elif kind == "stage":
            existing_stage = m.find_stage(str(values["name"]))
            if existing_stage is not None:
                self.ids[(kind, key)] = existing_stage.id
                return
            stage = m.add_stage(str(values["name"]), stage_id=wanted)
            self.ids[(kind, key)] = stage.id
        else:
            place = values.get("place")
            stage_id = self.real("stage", place[1]) if isinstance(place, tuple) else None
            if stage_id is None:
                stage_id = m.stages[-1].id if m.stages else m.add_stage("New touchpoints").id
            attributes = {name: values[name] for name in TOUCHPOINT_FIELDS
                          if name in values and name != "name"}
            tp = m.add_touchpoint(stage_id, str(values["name"]), touchpoint_id=wanted,
                                  **attributes)  # type: ignore[arg-type]
            self.ids[(kind, key)] = tp.id
            self.set_planned(kind, tp.id, values.get(PLANNED))

    def update(self, kind: str, key: int, values: Mapping[str, Value]) -> None:
        m = self.matrix
        fields = {k: v for k, v in values.items() if k not in ("place", "exists", PLANNED)}
        if PLANNED in values:
            self.set_planned(kind, key, values[PLANNED])
        if not fields:
            return
        try:
            if kind == "department":
                m.update_department(key, **{k: str(v) for k, v in fields.items()})
            elif kind == "stage":
                m.rename_stage(key, str(fields["name"]))
            else:
                m.update_touchpoint(key, **fields)  # type: ignore[arg-type]
        except DomainError as error:
            raise DomainError(f"{self.describe(kind, key)}: {error}") from None

    def set_planned(self, kind: str, key: int, planned: Value) -> None:
        if kind == "department":
            self.matrix.set_planned_department(key, planned is True)
        elif kind == "touchpoint":
            self.matrix.set_planned_touchpoint(key, planned is True)

    def describe(self, kind: str, key: int) -> str:
        m = self.matrix
        name = (m.department(key).name if kind == "department" else m.stage(key).name
                if kind == "stage" else m.touchpoint(key).name)
        return f"{kind} {name}"

    def place(self, by_entity: Mapping[tuple[str, int], Mapping[str, Value]]) -> None:
        m = self.matrix
        for (kind, key), values in _placing_order(by_entity):
            place = values.get("place")
            target = self.real(kind, key)
            if not isinstance(place, tuple) or target is None:
                continue
            before = self.real(kind, place[-1]) if place[-1] is not None else None
            if kind == "department":
                index = (m.department_index(before) + 1) if before is not None else 0
                current = m.department_index(target)
                m.move_department(target, index - 1 if current < index else index)
            elif kind == "stage":
                index = (m.stage_index(before) + 1) if before is not None else 0
                current = m.stage_index(target)
                m.move_stage(target, index - 1 if current < index else index)
            else:
                stage = self.real("stage", place[1])
                if stage is None:
                    continue
                ids = m.stage_touchpoint_ids(stage)
                same_stage = m.touchpoint(target).stage_id == stage
                index = (ids.index(before) + 1) if before in ids else (0 if before is None
                                                                        else len(ids))
                if same_stage and ids.index(target) < index:
                    index -= 1
                m.move_touchpoint(target, stage, index)


def _placing_order(by_entity: Mapping[tuple[str, int], Mapping[str, Value]]
                   ) -> list[tuple[tuple[str, int], Mapping[str, Value]]]:
    """The placed things, each after the thing it follows when that one is placed too: a
    chain of moves ("Alpha after Echo", "Echo first") lands in the file's order."""
    placed = {entity: values for entity, values in by_entity.items()
              if isinstance(values.get("place"), tuple)}
    order: list[tuple[tuple[str, int], Mapping[str, Value]]] = []
    done: set[tuple[str, int]] = set()

    def follows(entity: tuple[str, int]) -> tuple[str, int] | None:
        place = placed[entity].get("place")
        before = place[-1] if isinstance(place, tuple) else None
        return (entity[0], before) if before is not None and (entity[0], before) in placed \
            else None

    for start in placed:
        chain: list[tuple[str, int]] = []  # start, what it follows, what that follows, ...
        entity: tuple[str, int] | None = start
        while entity is not None and entity not in done and entity not in chain:
            chain.append(entity)
            entity = follows(entity)
        for item in reversed(chain):
            done.add(item)
            order.append((item, placed[item]))
    return order
