"""The matrix: stages of touchpoints against departments, each cell an optional role.

Everything here is plain Python. The store persists a Matrix, the GUI shows one, and the
interchange formats read and write one. Every operation checks its arguments before it changes
anything, so a failed operation leaves the matrix as it was, and tells the matrix's listeners
what it changed as one :class:`~cxmatrix.domain.changes.MatrixChange`. Deleting returns a
snapshot that the matching restore operation puts back exactly, which is what undo needs.

Stages, touchpoints and departments are immutable values: they change only through the
matrix's operations, which check them and replace them, so no caller can skip the checks.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import TypedDict, Unpack, cast

from cxmatrix.domain.actions import Action, ActionError, ActionStatus, checked_action
from cxmatrix.domain.changes import EVERYTHING, MatrixChange
from cxmatrix.domain.comments import Comment, CommentError, checked_comment, in_order
from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOff
from cxmatrix.domain.uids import new_uid

MAX_CODE_LENGTH = 4
TOUCHPOINT_TEXT_FIELDS = ("name", "category", "channel", "description", "metric", "notes")
TOUCHPOINT_FLAG_FIELDS = ("peak", "end")
# Short labels that many touchpoints share a few values of (a loader keeps one string each).
TOUCHPOINT_LABEL_FIELDS = ("category", "channel", "metric")
TOUCHPOINT_FIELDS = TOUCHPOINT_TEXT_FIELDS + TOUCHPOINT_FLAG_FIELDS
MATRIX_PROPERTIES = ("title", "organisation", "description", "prepared_by",
                     "focus_department_id")

DEFAULT_STAGES = (
    "Awareness",
    "Evaluation & purchase",
    "Onboarding",
    "Adoption",
    "Support",
    "Renewal & expansion",
    "Exit & win-back",
    "Incidents",
)
DEFAULT_FOCUS_DEPARTMENT = "Customer Success"
CATEGORIES = ("Product", "Company", "Brand", "Team member")
CHANNELS = ("Email", "Phone", "In-app", "In person", "Web", "Video call", "Chat", "Letter")


class DomainError(ValueError):
    """An operation that the matrix refuses: an unknown id, an empty or duplicate name."""


@dataclass(frozen=True, slots=True)
class Stage:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Touchpoint:
    id: int
    stage_id: int
    name: str
    category: str = ""
    channel: str = ""
    description: str = ""
    peak: bool = False
    end: bool = False
    metric: str = ""
    notes: str = ""

    @property
    def is_critical(self) -> bool:
        """Peak and end moments shape what customers remember most."""
        return self.peak or self.end


@dataclass(frozen=True, slots=True)
class Department:
    id: int
    name: str
    code: str = ""
    lead: str = ""


@dataclass(frozen=True, slots=True)
class Cell:
    """What one (touchpoint, department) pair holds: a role, a note, both or neither."""

    role: Role | None = None
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return self.role is None and not self.note


EMPTY_CELL = Cell()


class TouchpointAttributes(TypedDict, total=False):
    """A new touchpoint's optional fields (the name is given on its own)."""

    category: str
    channel: str
    description: str
    peak: bool
    end: bool
    metric: str
    notes: str


class TouchpointFields(TouchpointAttributes, total=False):
    """A touchpoint's fields other than its id and stage, all optional (for changes)."""

    name: str


@dataclass(frozen=True, slots=True)
class TouchpointSnapshot:
    """A deleted touchpoint with its position and cells, to restore it exactly (with its
    target roles and actions by department id, and its planned flag)."""

    touchpoint: Touchpoint
    index: int
    roles: dict[int, Role]
    notes: dict[int, str]
    targets: dict[int, Role | None] = field(default_factory=dict)
    actions: dict[int, Action] = field(default_factory=dict)
    planned: bool = False


@dataclass(frozen=True, slots=True)
class StageSnapshot:
    stage: Stage
    index: int
    touchpoints: tuple[TouchpointSnapshot, ...]


@dataclass(frozen=True, slots=True)
class DepartmentSnapshot:
    department: Department
    index: int
    roles: dict[int, Role]
    notes: dict[int, str]
    was_focus: bool
    targets: dict[int, Role | None] = field(default_factory=dict)  # by touchpoint id
    actions: dict[int, Action] = field(default_factory=dict)
    planned: bool = False
    signoff: SignOff | None = None


@dataclass(frozen=True, slots=True)
class PlanCell:
    """Everything the target layer and the current role hold for one cell, to restore it
    exactly (undo of marking a change done): the current role, whether a target role is set
    and which, and the action."""

    role: Role | None
    has_target: bool
    target: Role | None
    action: Action | None


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """A cell whose target role differs from its current role, with its action if any."""

    touchpoint_id: int
    department_id: int
    current: Role | None
    target: Role | None
    action: Action | None


def clean_name(name: str, what: str) -> str:
    """A name with surrounding white space removed; empty or absurdly long names are refused."""
    if not isinstance(name, str):
        raise DomainError(f"{what} name must be text, not {type(name).__name__}")
    cleaned = name.strip()
    if not cleaned:
        raise DomainError(f"{what} name cannot be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise DomainError(f"{what} name is longer than {MAX_NAME_LENGTH:,} characters")
    return cleaned


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, ignoring surrounding and repeated spaces."""
    # A printable name holds no whitespace but the ASCII space (str.isprintable counts every
    # other separator as unprintable), so without doubled or outer spaces it is its own key.
    if name.isprintable() and "  " not in name and name[:1] != " " and name[-1:] != " ":
        return name.casefold()
    return " ".join(name.split()).casefold()


def name_keys(names: Sequence[str]) -> list[str]:
    """``name_key`` of every name, in order: in one pass over all of them joined when every
    name is its own key but for case (as nearly always), else one by one."""
    joined = "\x00".join(names)
    plain = joined.replace("\x00", "")
    if (plain.isprintable() and "  " not in joined and " \x00" not in joined
            and "\x00 " not in joined and joined[:1] != " " and joined[-1:] != " "):
        keys = joined.casefold().split("\x00")
        if len(keys) == len(names):
            return keys
    return [name_key(name) for name in names]


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def derive_code(name: str, taken: Iterable[str] = ()) -> str:
    """A short code of at most 4 characters for narrow headers: initials, or the first letters."""
    taken_keys = {code.upper() for code in taken}
    words = _WORD.findall(name)
    if len(words) >= 2:
        base = "".join(word[0] for word in words).upper()[:MAX_CODE_LENGTH]
    elif words:
        base = words[0].upper()[:3]
    else:
        base = "D"
    code = base
    counter = 2
    while code.upper() in taken_keys:
        suffix = str(counter)
        code = base[: MAX_CODE_LENGTH - len(suffix)] + suffix
        counter += 1
    return code


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Matrix:
    """One matrix document held in memory.

    Stages are ordered, each stage orders its touchpoints, departments are ordered. Roles live
    in ``roles[touchpoint_id][department_id]`` and cell notes in
    ``notes[(touchpoint_id, department_id)]``: both sparse.
    """

    title: str = "Untitled matrix"
    organisation: str = ""
    description: str = ""
    prepared_by: str = ""  # who prepared the matrix (a person's name), optional
    focus_department_id: int | None = None
    created: datetime = field(default_factory=_now)
    modified: datetime = field(default_factory=_now)
    # Which matrix this is, whatever its file is called: kept by Save As and by copies, so
    # that a workbook, review pack or published copy can be matched to the matrix it came from.
    uid: str = field(default_factory=new_uid)

    def __post_init__(self) -> None:
        self._stages: list[Stage] = []
        self._departments: list[Department] = []
        self._stage_by_id: dict[int, Stage] = {}
        self._touchpoint_by_id: dict[int, Touchpoint] = {}
        self._department_by_id: dict[int, Department] = {}
        self._stage_touchpoints: dict[int, list[int]] = {}
        self._roles: dict[int, dict[int, Role]] = {}
        self._notes: dict[tuple[int, int], str] = {}
        self._next_id = 1
        self._listeners: list[MatrixListener] = []
        self._name_index: dict[str, Department] | None = None  # built on the first lookup
        self._modified_second = 0
        # The target layer: target roles that differ from (or are pinned apart from) the
        # current role, by touchpoint then department (None: the target is no role); actions
        # by cell; touchpoints and departments that exist only at target.
        self._targets: dict[int, dict[int, Role | None]] = {}
        self._actions: dict[tuple[int, int], Action] = {}
        self._planned_touchpoints: set[int] = set()
        self._planned_departments: set[int] = set()
        self._signoffs: dict[int, SignOff] = {}
        self._comments: dict[str, Comment] = {}

    # ---- read-only views of the contents ----------------------------------------------------

    @property
    def stages(self) -> Sequence[Stage]:
        return self._stages

    @property
    def departments(self) -> Sequence[Department]:
        return self._departments

    @property
    def roles(self) -> Mapping[int, Mapping[int, Role]]:
        """Roles by touchpoint id, then department id (sparse)."""
        return self._roles

    @property
    def notes(self) -> Mapping[tuple[int, int], str]:
        """Cell notes by (touchpoint id, department id) (sparse)."""
        return self._notes

    def copy(self, roles: dict[int, dict[int, Role]] | None = None) -> Matrix:
        """An independent copy with the same ids and contents, and no listeners; with
        ``roles`` (which the caller gives away), those roles instead of a copy of these."""
        other = Matrix(title=self.title, organisation=self.organisation,
                       description=self.description, prepared_by=self.prepared_by,
                       focus_department_id=self.focus_department_id,
                       created=self.created, modified=self.modified, uid=self.uid)
        other._copy_contents_from(self, roles)
        return other

    def state_view(self, roles: dict[int, dict[int, Role]] | None = None) -> Matrix:
        """A matrix that shares this one's structure, notes and (unless ``roles`` is given)
        roles, without the target layer and without listeners: for reading only, and only
        while this matrix does not change (comparing today with target at 20,000 touchpoints
        without two copies of a million cells). Edit a ``copy()`` instead."""
        view = Matrix(title=self.title, organisation=self.organisation,
                      description=self.description, prepared_by=self.prepared_by,
                      focus_department_id=self.focus_department_id,
                      created=self.created, modified=self.modified)
        view._stages = self._stages
        view._departments = self._departments
        view._stage_by_id = self._stage_by_id
        view._touchpoint_by_id = self._touchpoint_by_id
        view._department_by_id = self._department_by_id
        view._stage_touchpoints = self._stage_touchpoints
        view._roles = self._roles if roles is None else roles
        view._notes = self._notes
        view._next_id = self._next_id
        return view

    def shares_structure_with(self, other: Matrix) -> bool:
        """True when ``other`` holds this matrix's very stages, touchpoints and departments
        (a ``state_view`` of it, or it of the same matrix): the same, not merely equal."""
        return (self._stage_touchpoints is other._stage_touchpoints
                and self._touchpoint_by_id is other._touchpoint_by_id
                and self._stages is other._stages and self._departments is other._departments)

    def replace_contents(self, source: Matrix) -> MatrixChange:
        """Hold exactly what ``source`` holds (same ids), keeping this matrix's listeners;
        returns (and tells them) what differs."""
        before = self.copy()
        for key in ("title", "organisation", "description", "prepared_by",
                    "focus_department_id", "created", "modified"):
            setattr(self, key, getattr(source, key))
        self._copy_contents_from(source)
        change = difference(before, self)
        self._changed(change, touch=False)
        return change

    def adopt_contents(self, source: Matrix, change: MatrixChange) -> None:
        """Take over everything ``source`` holds, without copying (``source`` must not be used
        afterwards), and tell listeners ``change``: what ``difference(self, source)`` said
        when nothing had changed since (the caller computed it, possibly on another thread,
        so that this part is quick)."""
        for key in ("title", "organisation", "description", "prepared_by",
                    "focus_department_id", "created", "modified"):
            setattr(self, key, getattr(source, key))
        for key in ("_stages", "_departments", "_stage_by_id", "_touchpoint_by_id",
                    "_department_by_id", "_stage_touchpoints", "_roles", "_notes", "_next_id",
                    "_targets", "_actions", "_planned_touchpoints", "_planned_departments",
                    "_signoffs", "_comments"):
            setattr(self, key, getattr(source, key))
        self._name_index = None
        self._changed(change, touch=False)

    def _copy_contents_from(self, source: Matrix,
                            roles: dict[int, dict[int, Role]] | None = None) -> None:
        # The entities are immutable, so the copies share them; only the containers are new.
        self._stages = list(source._stages)
        self._departments = list(source._departments)
        self._stage_by_id = dict(source._stage_by_id)
        self._touchpoint_by_id = dict(source._touchpoint_by_id)
        self._department_by_id = dict(source._department_by_id)
        self._stage_touchpoints = {k: list(v) for k, v in source._stage_touchpoints.items()}
        self._roles = {k: dict(v) for k, v in source._roles.items()} if roles is None else roles
        self._notes = dict(source._notes)
        self._next_id = source._next_id
        self._name_index = None
        self._targets = {k: dict(v) for k, v in source._targets.items()}
        self._actions = dict(source._actions)
        self._planned_touchpoints = set(source._planned_touchpoints)
        self._planned_departments = set(source._planned_departments)
        self._signoffs = dict(source._signoffs)
        self._comments = dict(source._comments)

    # ---- identity -------------------------------------------------------------------------

    @property
    def next_free_id(self) -> int:
        """The id new_id() would give next (ids of every kind share one counter)."""
        return self._next_id

    def new_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def _claim_id(self, value: int | None) -> int:
        if value is None:
            return self.new_id()
        if value in self._stage_by_id or value in self._touchpoint_by_id or (
            value in self._department_by_id
        ):
            raise DomainError(f"id {value} is already in use")
        self._next_id = max(self._next_id, value + 1)
        return value

    def add_listener(self, listener: MatrixListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: MatrixListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self, change: MatrixChange, *, touch: bool = True) -> None:
        if change.departments or change.departments_inserted or change.departments_removed:
            self._name_index = None
        if touch:
            now = time.time()
            if int(now) != self._modified_second:  # seconds are what is kept
                self._modified_second = int(now)
                self.modified = datetime.fromtimestamp(int(now), UTC)
        for listener in self._listeners:
            listener.matrix_changed(self, change)

    # ---- lookups --------------------------------------------------------------------------

    def stage(self, stage_id: int) -> Stage:
        try:
            return self._stage_by_id[stage_id]
        except KeyError:
            raise DomainError(f"no stage with id {stage_id}") from None

    def touchpoint(self, touchpoint_id: int) -> Touchpoint:
        try:
            return self._touchpoint_by_id[touchpoint_id]
        except KeyError:
            raise DomainError(f"no touchpoint with id {touchpoint_id}") from None

    def department(self, department_id: int) -> Department:
        try:
            return self._department_by_id[department_id]
        except KeyError:
            raise DomainError(f"no department with id {department_id}") from None

    def has_touchpoint(self, touchpoint_id: int) -> bool:
        return touchpoint_id in self._touchpoint_by_id

    def has_stage(self, stage_id: int) -> bool:
        return stage_id in self._stage_by_id

    def has_department(self, department_id: int) -> bool:
        return department_id in self._department_by_id

    def stage_touchpoint_ids(self, stage_id: int) -> list[int]:
        """The ids of a stage's touchpoints in order (a copy)."""
        self.stage(stage_id)
        return list(self._stage_touchpoints[stage_id])

    def touchpoints_in(self, stage_id: int) -> list[Touchpoint]:
        self.stage(stage_id)
        return [self._touchpoint_by_id[tid] for tid in self._stage_touchpoints[stage_id]]

    def iter_touchpoints(self) -> Iterator[Touchpoint]:
        """All touchpoints in display order: stage by stage."""
        for stage in self.stages:
            for tid in self._stage_touchpoints[stage.id]:
                yield self._touchpoint_by_id[tid]

    @property
    def touchpoint_count(self) -> int:
        return len(self._touchpoint_by_id)

    def touchpoint_index(self, touchpoint_id: int) -> int:
        """Position of a touchpoint inside its stage."""
        touchpoint = self.touchpoint(touchpoint_id)
        return self._stage_touchpoints[touchpoint.stage_id].index(touchpoint_id)

    def stage_index(self, stage_id: int) -> int:
        return self.stages.index(self.stage(stage_id))

    def department_index(self, department_id: int) -> int:
        return self.departments.index(self.department(department_id))

    def find_department(self, name: str) -> Department | None:
        index = self._name_index
        if index is None:
            index = self._name_index = {name_key(d.name): d for d in self._departments}
        return index.get(name_key(name))

    def find_stage(self, name: str) -> Stage | None:
        key = name_key(name)
        return next((s for s in self.stages if name_key(s.name) == key), None)

    def find_touchpoints(self, name: str) -> list[Touchpoint]:
        key = name_key(name)
        return [t for t in self.iter_touchpoints() if name_key(t.name) == key]

    @property
    def focus_department(self) -> Department | None:
        if self.focus_department_id is None:
            return None
        return self._department_by_id.get(self.focus_department_id)

    def role(self, touchpoint_id: int, department_id: int) -> Role | None:
        row = self._roles.get(touchpoint_id)
        return row.get(department_id) if row else None

    def note(self, touchpoint_id: int, department_id: int) -> str:
        return self._notes.get((touchpoint_id, department_id), "")

    def cell(self, touchpoint_id: int, department_id: int) -> Cell:
        role = self.role(touchpoint_id, department_id)
        note = self.note(touchpoint_id, department_id)
        if role is None and not note:
            return EMPTY_CELL
        return Cell(role, note)

    def row_roles(self, touchpoint_id: int) -> Mapping[int, Role]:
        """The roles of one touchpoint by department id."""
        return self._roles.get(touchpoint_id, _NO_ROLES)

    def owners(self, touchpoint_id: int) -> list[Department]:
        """The departments that own a touchpoint, in display order."""
        row = self.row_roles(touchpoint_id)
        owning = [d for d, role in row.items() if role is Role.OWN]
        if len(owning) <= 1:  # the usual case, without a walk over every department
            return [self._department_by_id[d] for d in owning]
        return [d for d in self.departments if row.get(d.id) is Role.OWN]

    def departments_with(self, touchpoint_id: int, role: Role) -> list[Department]:
        row = self.row_roles(touchpoint_id)
        return [d for d in self.departments if row.get(d.id) is role]

    def cell_count(self) -> int:
        return sum(len(row) for row in self._roles.values())

    # ---- properties -----------------------------------------------------------------------

    def set_properties(self, **changes: object) -> dict[str, object]:
        """Change title, organisation, description, prepared_by or focus_department_id; returns
        the old values."""
        for key, value in changes.items():
            if key not in MATRIX_PROPERTIES:
                raise DomainError(f"unknown matrix property {key!r}")
            if key == "focus_department_id":
                if value is not None and not isinstance(value, int):
                    raise DomainError("focus department must be a department id")
                if value is not None:
                    self.department(value)
            elif not isinstance(value, str):
                raise DomainError(f"{key} must be text")
        if "title" in changes:
            changes["title"] = clean_name(str(changes["title"]), "Matrix title")
        if "prepared_by" in changes:
            changes["prepared_by"] = _person(str(changes["prepared_by"]), "Prepared by")
        # The same limits the .cxm loader applies: what is accepted here opens again.
        if "organisation" in changes and len(str(changes["organisation"])) > MAX_NAME_LENGTH:
            raise DomainError(f"organisation is longer than {MAX_NAME_LENGTH:,} characters")
        if "description" in changes:
            changes["description"] = _text(changes["description"], "description")
        old = {key: getattr(self, key) for key in changes}
        for key, value in changes.items():
            setattr(self, key, value)
        self._changed(MatrixChange(properties=frozenset(changes)))
        return old

    # ---- stages ---------------------------------------------------------------------------

    def _check_stage_name(self, name: str, ignore_id: int | None = None) -> str:
        cleaned = clean_name(name, "Stage")
        existing = self.find_stage(cleaned)
        if existing is not None and existing.id != ignore_id:
            raise DomainError(f"there is already a stage called {existing.name!r}")
        return cleaned

    def add_stage(self, name: str, index: int | None = None, *, stage_id: int | None = None
                  ) -> Stage:
        cleaned = self._check_stage_name(name)
        position = _insert_position(index, len(self.stages))
        stage = Stage(self._claim_id(stage_id), cleaned)
        self._stages.insert(position, stage)
        self._stage_by_id[stage.id] = stage
        self._stage_touchpoints[stage.id] = []
        self._changed(MatrixChange(stages_inserted=frozenset({stage.id})))
        return stage

    def rename_stage(self, stage_id: int, name: str) -> str:
        stage = self.stage(stage_id)
        cleaned = self._check_stage_name(name, ignore_id=stage_id)
        renamed = replace(stage, name=cleaned)
        self._stages[self._stages.index(stage)] = renamed
        self._stage_by_id[stage_id] = renamed
        self._changed(MatrixChange(stages=frozenset({stage_id})))
        return stage.name

    def move_stage(self, stage_id: int, index: int) -> int:
        """Move a stage to ``index`` among the stages; returns its old index."""
        stage = self.stage(stage_id)
        old = self._stages.index(stage)
        new = _clamp(index, len(self._stages) - 1)
        self._stages.pop(old)
        self._stages.insert(new, stage)
        if new != old:
            self._changed(MatrixChange(stages_moved=frozenset({stage_id})))
        return old

    def delete_stage(self, stage_id: int) -> StageSnapshot:
        """Delete a stage with all its touchpoints and their cells."""
        stage = self.stage(stage_id)
        index = self._stages.index(stage)
        tids = list(self._stage_touchpoints[stage_id])
        snapshots = tuple(self.delete_touchpoint(tid) for tid in reversed(tids))[::-1]
        self._stages.pop(index)
        del self._stage_by_id[stage_id]
        del self._stage_touchpoints[stage_id]
        self._changed(MatrixChange(stages_removed=frozenset({stage_id})))
        return StageSnapshot(stage=stage, index=index, touchpoints=snapshots)

    def restore_stage(self, snapshot: StageSnapshot) -> Stage:
        stage = self.add_stage(snapshot.stage.name, snapshot.index, stage_id=snapshot.stage.id)
        for tp_snapshot in snapshot.touchpoints:
            self.restore_touchpoint(tp_snapshot)
        return stage

    # ---- touchpoints ----------------------------------------------------------------------

    def add_touchpoint(self, stage_id: int, name: str, index: int | None = None, *,
                       touchpoint_id: int | None = None,
                       **attributes: Unpack[TouchpointAttributes]) -> Touchpoint:
        self.stage(stage_id)
        cleaned = clean_name(name, "Touchpoint")
        checked = _check_touchpoint_attributes(dict(attributes))
        order = self._stage_touchpoints[stage_id]
        position = _insert_position(index, len(order))
        touchpoint = Touchpoint(self._claim_id(touchpoint_id), stage_id, cleaned)
        if checked:
            touchpoint = replace(touchpoint, **checked)  # type: ignore[arg-type]
        order.insert(position, touchpoint.id)
        self._touchpoint_by_id[touchpoint.id] = touchpoint
        self._changed(MatrixChange(touchpoints_inserted=frozenset({touchpoint.id})))
        return touchpoint

    def update_touchpoint(self, touchpoint_id: int, **changes: Unpack[TouchpointFields]
                          ) -> TouchpointFields:
        """Change touchpoint fields (name, category, ..., peak, end); returns the old values."""
        touchpoint = self.touchpoint(touchpoint_id)
        checked = _check_touchpoint_attributes(dict(changes))
        old = cast(TouchpointFields, {key: getattr(touchpoint, key) for key in checked})
        self._touchpoint_by_id[touchpoint_id] = replace(
            touchpoint, **checked)  # type: ignore[arg-type]
        self._changed(MatrixChange(touchpoints=frozenset({touchpoint_id})))
        return old

    def rename_touchpoint(self, touchpoint_id: int, name: str) -> str:
        old = self.update_touchpoint(touchpoint_id, name=name)
        return old["name"]

    def move_touchpoint(self, touchpoint_id: int, stage_id: int, index: int) -> tuple[int, int]:
        """Move a touchpoint to ``index`` in ``stage_id``; returns its old (stage id, index)."""
        touchpoint = self.touchpoint(touchpoint_id)
        self.stage(stage_id)
        old_stage = touchpoint.stage_id
        old_order = self._stage_touchpoints[old_stage]
        old_index = old_order.index(touchpoint_id)
        old_order.pop(old_index)
        new_order = self._stage_touchpoints[stage_id]
        new_index = _clamp(index, len(new_order))
        new_order.insert(new_index, touchpoint_id)
        if stage_id != old_stage:
            self._touchpoint_by_id[touchpoint_id] = replace(touchpoint, stage_id=stage_id)
        if (stage_id, new_index) != (old_stage, old_index):
            self._changed(MatrixChange(touchpoints_moved=frozenset({touchpoint_id})))
        return old_stage, old_index

    def delete_touchpoint(self, touchpoint_id: int) -> TouchpointSnapshot:
        touchpoint = self.touchpoint(touchpoint_id)
        order = self._stage_touchpoints[touchpoint.stage_id]
        index = order.index(touchpoint_id)
        roles = dict(self._roles.pop(touchpoint_id, {}))
        notes = {
            dept: self._notes.pop((touchpoint_id, dept))
            for dept in [d for (t, d) in self._notes if t == touchpoint_id]
        } if self._notes else {}
        targets = dict(self._targets.pop(touchpoint_id, {}))
        actions = {
            dept: self._actions.pop((touchpoint_id, dept))
            for dept in [d for (t, d) in self._actions if t == touchpoint_id]
        } if self._actions else {}
        planned = touchpoint_id in self._planned_touchpoints
        self._planned_touchpoints.discard(touchpoint_id)
        order.pop(index)
        del self._touchpoint_by_id[touchpoint_id]
        self._changed(MatrixChange(touchpoints_removed=frozenset({touchpoint_id})))
        return TouchpointSnapshot(touchpoint, index, roles, notes, targets, actions, planned)

    def restore_touchpoint(self, snapshot: TouchpointSnapshot) -> Touchpoint:
        tp = snapshot.touchpoint
        self.stage(tp.stage_id)
        for dept_id in [*snapshot.roles, *snapshot.notes, *snapshot.targets, *snapshot.actions]:
            self.department(dept_id)
        self._claim_id(tp.id)
        order = self._stage_touchpoints[tp.stage_id]
        order.insert(_insert_position(snapshot.index, len(order)), tp.id)
        self._touchpoint_by_id[tp.id] = tp
        if snapshot.roles:
            self._roles[tp.id] = dict(snapshot.roles)
        for dept_id, note in snapshot.notes.items():
            self._notes[(tp.id, dept_id)] = note
        if snapshot.targets:
            self._targets[tp.id] = dict(snapshot.targets)
        for dept_id, action in snapshot.actions.items():
            self._actions[(tp.id, dept_id)] = action
        if snapshot.planned:
            self._planned_touchpoints.add(tp.id)
        self._changed(MatrixChange(touchpoints_inserted=frozenset({tp.id})))
        return tp

    # ---- departments ----------------------------------------------------------------------

    def _check_department_name(self, name: str, ignore_id: int | None = None) -> str:
        cleaned = clean_name(name, "Department")
        existing = self.find_department(cleaned)
        if existing is not None and existing.id != ignore_id:
            raise DomainError(f"there is already a department called {existing.name!r}")
        return cleaned

    def _check_code(self, code: str | None, name: str, ignore_id: int | None = None) -> str:
        taken = [d.code for d in self.departments if d.id != ignore_id]
        if code is None or not code.strip():
            return derive_code(name, taken)
        cleaned = code.strip()
        if len(cleaned) > MAX_CODE_LENGTH:
            raise DomainError(
                f"short code {cleaned!r} is longer than {MAX_CODE_LENGTH} characters")
        return cleaned

    def add_department(self, name: str, code: str | None = None, lead: str = "",
                       index: int | None = None, *, department_id: int | None = None
                       ) -> Department:
        cleaned = self._check_department_name(name)
        checked_code = self._check_code(code, cleaned)
        position = _insert_position(index, len(self.departments))
        department = Department(self._claim_id(department_id), cleaned, checked_code,
                                _text(lead, "lead").strip())
        self._departments.insert(position, department)
        self._department_by_id[department.id] = department
        self._changed(MatrixChange(departments_inserted=frozenset({department.id})))
        return department

    def update_department(self, department_id: int, *, name: str | None = None,
                          code: str | None = None, lead: str | None = None) -> dict[str, str]:
        """Change a department's name, short code or lead; returns the old values changed."""
        department = self.department(department_id)
        changes: dict[str, str] = {}
        if name is not None:
            changes["name"] = self._check_department_name(name, ignore_id=department_id)
        if code is not None:
            changes["code"] = self._check_code(code, changes.get("name", department.name),
                                               ignore_id=department_id)
        if lead is not None:
            changes["lead"] = _text(lead, "lead").strip()
        old = {key: getattr(department, key) for key in changes}
        changed = replace(department, **changes)  # type: ignore[arg-type]
        self._departments[self._departments.index(department)] = changed
        self._department_by_id[department_id] = changed
        self._changed(MatrixChange(departments=frozenset({department_id})))
        return old

    def rename_department(self, department_id: int, name: str) -> str:
        return self.update_department(department_id, name=name)["name"]

    def move_department(self, department_id: int, index: int) -> int:
        department = self.department(department_id)
        old = self._departments.index(department)
        self._departments.pop(old)
        new = _clamp(index, len(self._departments))
        self._departments.insert(new, department)
        if new != old:
            self._changed(MatrixChange(departments_moved=frozenset({department_id})))
        return old

    def delete_department(self, department_id: int) -> DepartmentSnapshot:
        """Delete a department with its roles and notes on every touchpoint."""
        department = self.department(department_id)
        index = self._departments.index(department)
        roles: dict[int, Role] = {}
        for tid, row in self._roles.items():
            role = row.pop(department_id, None)
            if role is not None:
                roles[tid] = role
        for tid in roles:
            if not self._roles[tid]:
                del self._roles[tid]
        notes = {
            tid: self._notes.pop((tid, dept))
            for (tid, dept) in [key for key in self._notes if key[1] == department_id]
        } if self._notes else {}
        targets: dict[int, Role | None] = {}
        for tid, target_row in self._targets.items():
            if department_id in target_row:
                targets[tid] = target_row.pop(department_id)
        for tid in targets:
            if not self._targets[tid]:
                del self._targets[tid]
        actions = {
            tid: self._actions.pop((tid, dept))
            for (tid, dept) in [key for key in self._actions if key[1] == department_id]
        } if self._actions else {}
        planned = department_id in self._planned_departments
        self._planned_departments.discard(department_id)
        signoff = self._signoffs.pop(department_id, None)
        was_focus = self.focus_department_id == department_id
        if was_focus:
            self.focus_department_id = None
        self._departments.pop(index)
        del self._department_by_id[department_id]
        self._changed(MatrixChange(
            departments_removed=frozenset({department_id}),
            cells=frozenset((tid, department_id) for tid in set(roles) | set(notes)),
            properties=frozenset({"focus_department_id"}) if was_focus else frozenset(),
            targets=frozenset((tid, department_id) for tid in targets),
            actions=frozenset((tid, department_id) for tid in actions),
            signoffs=frozenset({department_id}) if signoff is not None else frozenset()))
        return DepartmentSnapshot(department, index, roles, notes, was_focus, targets, actions,
                                  planned, signoff)

    def restore_department(self, snapshot: DepartmentSnapshot) -> Department:
        dept = snapshot.department
        for tid in [*snapshot.roles, *snapshot.notes, *snapshot.targets, *snapshot.actions]:
            self.touchpoint(tid)
        self._check_department_name(dept.name)
        self._claim_id(dept.id)
        self._departments.insert(_insert_position(snapshot.index, len(self._departments)),
                                 dept)
        self._department_by_id[dept.id] = dept
        for tid, role in snapshot.roles.items():
            self._roles.setdefault(tid, {})[dept.id] = role
        for tid, note in snapshot.notes.items():
            self._notes[(tid, dept.id)] = note
        for tid, target in snapshot.targets.items():
            self._targets.setdefault(tid, {})[dept.id] = target
        for tid, action in snapshot.actions.items():
            self._actions[(tid, dept.id)] = action
        if snapshot.planned:
            self._planned_departments.add(dept.id)
        if snapshot.signoff is not None:
            self._signoffs[dept.id] = snapshot.signoff
        if snapshot.was_focus:
            self.focus_department_id = dept.id
        self._changed(MatrixChange(
            departments_inserted=frozenset({dept.id}),
            cells=frozenset((tid, dept.id) for tid in set(snapshot.roles) | set(snapshot.notes)),
            properties=frozenset({"focus_department_id"}) if snapshot.was_focus
            else frozenset(),
            targets=frozenset((tid, dept.id) for tid in snapshot.targets),
            actions=frozenset((tid, dept.id) for tid in snapshot.actions),
            signoffs=frozenset({dept.id}) if snapshot.signoff is not None else frozenset()))
        return dept

    # ---- cells ----------------------------------------------------------------------------

    def set_role(self, touchpoint_id: int, department_id: int, role: Role | None) -> Role | None:
        """Set (or with None, clear) a department's role on a touchpoint; returns the old role."""
        self.touchpoint(touchpoint_id)
        self.department(department_id)
        if role is not None and not isinstance(role, Role):
            raise DomainError(f"{role!r} is not a role")
        old = self._put_role(touchpoint_id, department_id, role)
        if old is not role:
            self._changed(MatrixChange(cells=frozenset({(touchpoint_id, department_id)})))
        return old

    def _put_role(self, touchpoint_id: int, department_id: int, role: Role | None
                  ) -> Role | None:
        row = self._roles.get(touchpoint_id)
        old = row.get(department_id) if row else None
        if old is role:
            return old
        if role is None:
            if row is not None:
                del row[department_id]
                if not row:
                    del self._roles[touchpoint_id]
        elif row is None:
            self._roles[touchpoint_id] = {department_id: role}
        else:
            row[department_id] = role
        return old

    def set_note(self, touchpoint_id: int, department_id: int, note: str) -> str:
        """Set the note on one cell (empty text removes it); returns the old note."""
        self.touchpoint(touchpoint_id)
        self.department(department_id)
        text = _text(note, "note").strip()
        key = (touchpoint_id, department_id)
        old = self._notes.get(key, "")
        if text:
            self._notes[key] = text
        else:
            self._notes.pop(key, None)
        if text != old:
            self._changed(MatrixChange(cells=frozenset({key})))
        return old

    def set_cells(self, changes: Iterable[tuple[int, int, Role | None]]
                  ) -> list[tuple[int, int, Role | None]]:
        """Set many roles at once; all are checked before any is applied.

        Returns the previous roles as a list that, passed back, undoes the change.
        """
        checked = list(changes)
        for touchpoint_id, department_id, role in checked:
            self.touchpoint(touchpoint_id)
            self.department(department_id)
            if role is not None and not isinstance(role, Role):
                raise DomainError(f"{role!r} is not a role")
        previous = [(t, d, self.role(t, d)) for t, d, _ in checked]
        changed = {(t, d) for t, d, role in checked if self._put_role(t, d, role) is not role}
        if changed:
            self._changed(MatrixChange(cells=frozenset(changed)))
        return previous[::-1]

    # ---- the target layer: target roles, actions, planned touchpoints and departments ------
    #
    # The target state is the current state with the planned changes applied: a cell's target
    # role is the one set with set_target, or else its current role (a new matrix's target is
    # its current state). Setting a target equal to the current role removes the planned
    # change. Touchpoints and departments flagged planned exist only at target.

    @property
    def targets(self) -> Mapping[int, Mapping[int, Role | None]]:
        """Target roles set apart from the current role, by touchpoint then department id
        (sparse; None means "no role at target")."""
        return self._targets

    @property
    def actions(self) -> Mapping[tuple[int, int], Action]:
        """Actions by (touchpoint id, department id) (sparse)."""
        return self._actions

    @property
    def planned_touchpoints(self) -> AbstractSet[int]:
        """Ids of touchpoints that exist only at target."""
        return self._planned_touchpoints

    @property
    def planned_departments(self) -> AbstractSet[int]:
        """Ids of departments that exist only at target."""
        return self._planned_departments

    @property
    def has_plan(self) -> bool:
        """True when the target differs from today in any way, or an action is recorded."""
        return bool(self._targets or self._actions or self._planned_touchpoints
                    or self._planned_departments)

    def target_role(self, touchpoint_id: int, department_id: int) -> Role | None:
        row = self._targets.get(touchpoint_id)
        if row is not None and department_id in row:
            return row[department_id]
        return self.role(touchpoint_id, department_id)

    def has_target(self, touchpoint_id: int, department_id: int) -> bool:
        """True when a target role is set for this cell (it may equal the current role)."""
        row = self._targets.get(touchpoint_id)
        return row is not None and department_id in row

    def target_row(self, touchpoint_id: int) -> Mapping[int, Role]:
        """The target roles of one touchpoint by department id (departments without a role at
        target left out)."""
        overrides = self._targets.get(touchpoint_id)
        current = self._roles.get(touchpoint_id, _NO_ROLES)
        if not overrides:
            return current
        row = dict(current)
        for department_id, role in overrides.items():
            if role is None:
                row.pop(department_id, None)
            else:
                row[department_id] = role
        return row

    @property
    def has_planned_changes(self) -> bool:
        """True when some cell's target role differs from its current role (stops at the
        first: the targets are few beside the cells)."""
        roles = self._roles
        return any(target is not roles.get(tid, _NO_ROLES).get(did)
                   for tid, row in self._targets.items() for did, target in row.items())

    def is_planned_change(self, touchpoint_id: int, department_id: int) -> bool:
        """True when the cell's target role differs from its current role."""
        row = self._targets.get(touchpoint_id)
        return row is not None and department_id in row and (
            row[department_id] is not self.role(touchpoint_id, department_id))

    def action(self, touchpoint_id: int, department_id: int) -> Action | None:
        return self._actions.get((touchpoint_id, department_id))

    def planned_changes(self) -> list[PlannedChange]:
        """Every cell whose target differs from today, in display order (touchpoints stage by
        stage, departments left to right), each with its action."""
        if not self._targets:
            return []
        order = {d.id: i for i, d in enumerate(self._departments)}
        result = []
        for tp in self.iter_touchpoints():
            overrides = self._targets.get(tp.id)
            if not overrides:
                continue
            current = self._roles.get(tp.id, _NO_ROLES)
            for did in sorted(overrides, key=order.__getitem__):
                target = overrides[did]
                if target is not current.get(did):
                    result.append(PlannedChange(tp.id, did, current.get(did), target,
                                                self._actions.get((tp.id, did))))
        return result

    def is_planned_touchpoint(self, touchpoint_id: int) -> bool:
        return touchpoint_id in self._planned_touchpoints

    def is_planned_department(self, department_id: int) -> bool:
        return department_id in self._planned_departments

    def today_refusal(self, department_id: int) -> str | None:
        """Why no role can be set today in this department's column, or None when one can.
        A planned department exists only at target, so it has no role today: its roles are
        planned as target roles. The one place that says so; new edits of today's roles ask
        here through ``check_today_roles`` (undo, loading and comparisons do not: a
        department marked planned keeps the roles it had, outside today's state)."""
        if department_id not in self._planned_departments:
            return None
        name = self.department(department_id).name
        return (f"{name} is a planned department (it exists only at target), so it has no "
                "role today: set its roles at target, or unmark it as planned first")

    def check_today_roles(self, cells: Iterable[tuple[int, int, Role | None]]) -> None:
        """DomainError when one of these new roles of today (a role, not a clearing) falls in
        a planned department's column: the rule of ``today_refusal``, for the edits that
        set today's roles (the grid, Mark Done, a merge)."""
        for _touchpoint_id, department_id, role in cells:
            if role is not None:
                reason = self.today_refusal(department_id)
                if reason is not None:
                    raise DomainError(reason)

    def _check_cell(self, touchpoint_id: int, department_id: int, role: Role | None) -> None:
        self.touchpoint(touchpoint_id)
        self.department(department_id)
        if role is not None and not isinstance(role, Role):
            raise DomainError(f"{role!r} is not a role")

    def _put_target(self, touchpoint_id: int, department_id: int, role: Role | None) -> bool:
        """Set one target role (equal to the current role: no planned change); returns
        whether the effective target or the stored override changed."""
        row = self._targets.get(touchpoint_id)
        had = row is not None and department_id in row
        old = row[department_id] if row is not None and had else None
        if role is self.role(touchpoint_id, department_id):
            if not had:
                return False
            del row[department_id]  # type: ignore[union-attr]
            if not row:
                del self._targets[touchpoint_id]
            return True
        if had and old is role:
            return False
        self._targets.setdefault(touchpoint_id, {})[department_id] = role
        return True

    def set_target(self, touchpoint_id: int, department_id: int, role: Role | None
                   ) -> Role | None:
        """Set (or with None, clear) a department's target role on a touchpoint; returns the
        old target role. A target equal to the current role is no planned change."""
        self._check_cell(touchpoint_id, department_id, role)
        old = self.target_role(touchpoint_id, department_id)
        if self._put_target(touchpoint_id, department_id, role):
            self._changed(MatrixChange(targets=frozenset({(touchpoint_id, department_id)})))
        return old

    def set_targets(self, changes: Iterable[tuple[int, int, Role | None]]
                    ) -> list[tuple[int, int, Role | None]]:
        """Set many target roles at once; all are checked before any is applied. Returns the
        previous target roles as a list that, passed back, undoes the change."""
        checked = list(changes)
        for touchpoint_id, department_id, role in checked:
            self._check_cell(touchpoint_id, department_id, role)
        previous = [(t, d, self.target_role(t, d)) for t, d, _ in checked]
        changed = {(t, d) for t, d, role in checked if self._put_target(t, d, role)}
        if changed:
            self._changed(MatrixChange(targets=frozenset(changed)))
        return previous[::-1]

    def set_action(self, touchpoint_id: int, department_id: int, action: Action | None
                   ) -> Action | None:
        """Record (or with None, remove) the action of one cell; returns the old action."""
        self._check_cell(touchpoint_id, department_id, None)
        key = (touchpoint_id, department_id)
        if action is not None:
            try:
                action = checked_action(action)
            except ActionError as error:
                raise DomainError(str(error)) from None
        old = self._actions.get(key)
        if action is None:
            self._actions.pop(key, None)
        else:
            self._actions[key] = action
        if old != action:
            self._changed(MatrixChange(actions=frozenset({key})))
        return old

    def plan_cell(self, touchpoint_id: int, department_id: int) -> PlanCell:
        """What one cell holds in both states, for restore_plan_cells."""
        return PlanCell(self.role(touchpoint_id, department_id),
                        self.has_target(touchpoint_id, department_id),
                        self._targets.get(touchpoint_id, {}).get(department_id),
                        self._actions.get((touchpoint_id, department_id)))

    def restore_plan_cells(self, cells: Iterable[tuple[int, int, PlanCell]]) -> None:
        """Put cells back exactly as plan_cell described them (current role, target, action),
        in one operation."""
        checked = list(cells)
        for touchpoint_id, department_id, cell in checked:
            self._check_cell(touchpoint_id, department_id, cell.role)
        keys = frozenset((t, d) for t, d, _ in checked)
        for t, d, cell in checked:
            self._put_role(t, d, cell.role)
            row = self._targets.get(t)
            if cell.has_target:
                self._targets.setdefault(t, {})[d] = cell.target
            elif row is not None and d in row:
                del row[d]
                if not row:
                    del self._targets[t]
            if cell.action is None:
                self._actions.pop((t, d), None)
            else:
                self._actions[(t, d)] = cell.action
        if keys:
            self._changed(MatrixChange(cells=keys, targets=keys, actions=keys))

    def complete_changes(self, cells: Iterable[tuple[int, int]]
                         ) -> list[tuple[int, int, PlanCell]]:
        """Mark planned changes done: each cell's current role becomes its target role and
        its action's status done (an action is recorded if there was none). One operation,
        one change record; returns what restore_plan_cells needs to undo it."""
        keys = list(dict.fromkeys(cells))
        for touchpoint_id, department_id in keys:
            self._check_cell(touchpoint_id, department_id, None)
        before = [(t, d, self.plan_cell(t, d)) for t, d in keys]
        for t, d in keys:
            target = self.target_role(t, d)
            self._put_role(t, d, target)
            self._put_target(t, d, target)
            action = self._actions.get((t, d), Action())
            self._actions[(t, d)] = replace(action, status=ActionStatus.DONE)
        if keys:
            done = frozenset(keys)
            self._changed(MatrixChange(cells=done, targets=done, actions=done))
        return before

    def complete_change(self, touchpoint_id: int, department_id: int) -> PlanCell:
        """Mark one planned change done (see complete_changes); returns the cell before."""
        return self.complete_changes([(touchpoint_id, department_id)])[0][2]

    def set_planned_touchpoint(self, touchpoint_id: int, planned: bool) -> bool:
        """Flag a touchpoint as existing only at target (or not); returns the old flag."""
        self.touchpoint(touchpoint_id)
        return self._set_flag(self._planned_touchpoints, touchpoint_id, planned,
                              "touchpoints_planned")

    def set_planned_department(self, department_id: int, planned: bool) -> bool:
        """Flag a department as existing only at target (or not); returns the old flag. Roles
        it has today stay as they are (they are not part of today's state); new ones are
        refused (``today_refusal``)."""
        self.department(department_id)
        return self._set_flag(self._planned_departments, department_id, planned,
                              "departments_planned")

    def _set_flag(self, flags: set[int], key: int, planned: bool, kind: str) -> bool:
        if not isinstance(planned, bool):
            raise DomainError("planned must be true or false")
        old = key in flags
        if planned:
            flags.add(key)
        else:
            flags.discard(key)
        if old != planned:
            self._changed(MatrixChange(**{kind: frozenset({key})}))  # type: ignore[arg-type]
        return old

    def load_plan(self, targets: dict[int, dict[int, Role | None]],
                  actions: dict[tuple[int, int], Action], planned_touchpoints: set[int],
                  planned_departments: set[int]) -> None:
        """Take over a loaded target layer (the caller checked it and gives it away)."""
        self._targets = targets
        self._actions = actions
        self._planned_touchpoints = planned_touchpoints
        self._planned_departments = planned_departments

    # ---- sign-off ---------------------------------------------------------------------------

    @property
    def signoffs(self) -> Mapping[int, SignOff]:
        """Sign-off records by department id (a department without one is not asked)."""
        return self._signoffs

    def set_signoff(self, department_id: int, record: SignOff | None) -> SignOff | None:
        """Set (or with None, clear) a department's sign-off record; returns the old one."""
        return self.set_signoffs([(department_id, record)])[0][1]

    def set_signoffs(self, changes: Iterable[tuple[int, SignOff | None]]
                     ) -> list[tuple[int, SignOff | None]]:
        """Set many sign-off records at once, all checked first; returns the previous ones
        as a list that, passed back, undoes the change."""
        checked = list(changes)
        for department_id, record in checked:
            self.department(department_id)
            if record is not None:
                if not isinstance(record, SignOff):
                    raise DomainError(f"{record!r} is not a sign-off")
                for dispute in record.disputes:
                    self.touchpoint(dispute.touchpoint_id)
        previous = [(d, self._signoffs.get(d)) for d, _ in checked]
        changed = set()
        for department_id, record in checked:
            if self._signoffs.get(department_id) == record:
                continue
            changed.add(department_id)
            if record is None:
                del self._signoffs[department_id]
            else:
                self._signoffs[department_id] = record
        if changed:
            self._changed(MatrixChange(signoffs=frozenset(changed)))
        return previous[::-1]

    def load_signoffs(self, signoffs: dict[int, SignOff]) -> None:
        """Take over loaded sign-off records (the caller checked them and gives them away)."""
        self._signoffs = signoffs

    # ---- comments ---------------------------------------------------------------------------

    @property
    def comments(self) -> Mapping[str, Comment]:
        """Every comment by identity (also those of touchpoints and departments removed
        since, which come back with them)."""
        return self._comments

    def comments_on(self, touchpoint_id: int, department_id: int | None = None
                    ) -> list[Comment]:
        """The comments of a touchpoint (with its cells' when ``department_id`` is None) or
        of one cell, oldest first; those of removed touchpoints and departments are left
        out."""
        if touchpoint_id not in self._touchpoint_by_id:
            return []
        return in_order(c for c in self._comments.values()
                        if c.is_on(touchpoint_id, department_id)
                        and (c.department_id is None or c.department_id in
                             self._department_by_id))

    def commented_cells(self) -> set[tuple[int, int]]:
        """The cells (of existing touchpoints and departments) with a comment of their own."""
        cells: set[tuple[int, int]] = set()
        for comment in self._comments.values():
            if (comment.department_id in self._department_by_id
                    and comment.touchpoint_id in self._touchpoint_by_id):
                assert comment.department_id is not None
                cells.add((comment.touchpoint_id, comment.department_id))
        return cells

    def add_comments(self, comments: Iterable[Comment]) -> list[str]:
        """Add comments (all checked first: a well-formed comment on an existing touchpoint
        and department, a new identity); returns their identities, which
        ``remove_comments`` takes to undo it."""
        try:
            checked = [checked_comment(c) for c in comments]
        except CommentError as error:
            raise DomainError(str(error)) from None
        seen: set[str] = set()
        for comment in checked:
            self.touchpoint(comment.touchpoint_id)
            if comment.department_id is not None:
                self.department(comment.department_id)
            if comment.uid in self._comments or comment.uid in seen:
                raise DomainError(f"there is a comment {comment.uid!r} already")
            seen.add(comment.uid)
        for comment in checked:
            self._comments[comment.uid] = comment
        if checked:
            self._changed(MatrixChange(comments=frozenset(seen)))
        return [c.uid for c in checked]

    def remove_comments(self, uids: Iterable[str]) -> list[Comment]:
        """Remove comments by identity (unknown ones are an error, nothing removed); returns
        them, which ``add_comments`` takes to undo it."""
        wanted = list(dict.fromkeys(uids))
        for uid in wanted:
            if uid not in self._comments:
                raise DomainError(f"there is no comment {uid!r}")
        removed = [self._comments.pop(uid) for uid in wanted]
        if removed:
            self._changed(MatrixChange(comments=frozenset(wanted)))
        return removed

    def load_comments(self, comments: dict[str, Comment]) -> None:
        """Take over loaded comments (the caller checked them and gives them away)."""
        self._comments = comments

    def plan_content(self) -> dict[str, object]:
        """The target layer by name and in order (for comparing, beside ``content``): the
        planned changes, the actions, the planned touchpoints and departments."""
        dept_names = {d.id: d.name for d in self.departments}

        def where(tid: int) -> tuple[str, str]:
            tp = self._touchpoint_by_id[tid]
            return self._stage_by_id[tp.stage_id].name, tp.name

        def role(value: Role | None) -> str | None:
            return value.value if value is not None else None

        return {
            "planned_changes": [(*where(c.touchpoint_id), dept_names[c.department_id],
                                 role(c.current), role(c.target))
                                for c in self.planned_changes()],
            "actions": sorted((*where(t), dept_names[d], a.person,
                               a.due.isoformat() if a.due else "", a.status.value, a.note)
                              for (t, d), a in self._actions.items()),
            "planned_touchpoints": sorted(where(t) for t in self._planned_touchpoints),
            "planned_departments": [d.name for d in self.departments
                                    if d.id in self._planned_departments],
        }

    # ---- bulk loading (used by the store and the readers) -----------------------------------

    def load_stage(self, stage_id: int, name: str) -> None:
        """Append a stage with a known id, trusting the caller (fast path for loading)."""
        stage = Stage(stage_id, name)
        self._stages.append(stage)
        self._stage_by_id[stage_id] = stage
        self._stage_touchpoints[stage_id] = []
        self._next_id = max(self._next_id, stage_id + 1)

    def load_touchpoint(self, touchpoint: Touchpoint) -> None:
        self._stage_touchpoints[touchpoint.stage_id].append(touchpoint.id)
        self._touchpoint_by_id[touchpoint.id] = touchpoint
        self._next_id = max(self._next_id, touchpoint.id + 1)

    def load_touchpoints(self, touchpoints: Sequence[Touchpoint]) -> None:
        """Append touchpoints in order (each after those of its stage), trusting the caller:
        the bulk form of load_touchpoint."""
        by_stage = self._stage_touchpoints
        for touchpoint in touchpoints:
            by_stage[touchpoint.stage_id].append(touchpoint.id)
        ids = [touchpoint.id for touchpoint in touchpoints]
        self._touchpoint_by_id.update(zip(ids, touchpoints, strict=True))
        if ids:
            self._next_id = max(self._next_id, max(ids) + 1)

    def load_department(self, department: Department) -> None:
        self._name_index = None
        self._departments.append(department)
        self._department_by_id[department.id] = department
        self._next_id = max(self._next_id, department.id + 1)

    def load_cells(self, roles: dict[int, dict[int, Role]],
                   notes: dict[tuple[int, int], str]) -> None:
        """Take over loaded roles and notes (the caller checked them and gives them away)."""
        self._roles = roles
        self._notes = notes

    def load_roles(self, touchpoint_id: int, row: dict[int, Role]) -> None:
        """Give a loaded touchpoint its roles by department id, trusting the caller."""
        if row:
            self._roles[touchpoint_id] = row

    def load_note(self, touchpoint_id: int, department_id: int, note: str) -> None:
        self._notes[(touchpoint_id, department_id)] = note

    def load_finished(self) -> None:
        """Tell listeners that a bulk load replaced everything."""
        self._changed(EVERYTHING, touch=False)

    # ---- comparison -----------------------------------------------------------------------

    def content(self) -> dict[str, object]:
        """Everything a user sees, by name and in order, without ids or times (for comparing)."""
        dept_names = {d.id: d.name for d in self.departments}
        return {
            "title": self.title,
            "organisation": self.organisation,
            "description": self.description,
            "prepared_by": self.prepared_by,
            "focus_department": self.focus_department.name if self.focus_department else None,
            "departments": [(d.name, d.code, d.lead) for d in self.departments],
            "stages": [
                (
                    stage.name,
                    [
                        (
                            tuple(getattr(tp, key) for key in TOUCHPOINT_FIELDS),
                            sorted((dept_names[d], r.value)
                                   for d, r in self.row_roles(tp.id).items()),
                            sorted((dept_names[d], n) for (t, d), n in self._notes.items()
                                   if t == tp.id),
                        )
                        for tp in self.touchpoints_in(stage.id)
                    ],
                )
                for stage in self.stages
            ],
        }


def difference(old: Matrix, new: Matrix) -> MatrixChange:
    """What changed from ``old`` to ``new`` (the same matrix at two moments, ids shared)."""
    old_stages, new_stages = [s.id for s in old.stages], [s.id for s in new.stages]
    old_depts = [d.id for d in old.departments]
    new_depts = [d.id for d in new.departments]
    old_tps = [t.id for t in old.iter_touchpoints()]
    new_tps = [t.id for t in new.iter_touchpoints()]
    common_tps = set(old_tps) & set(new_tps)
    cells: set[tuple[int, int]] = set()
    for tid in set(old._roles) | set(new._roles):
        old_row, new_row = old._roles.get(tid, _NO_ROLES), new._roles.get(tid, _NO_ROLES)
        if old_row != new_row:
            cells.update((tid, d) for d in set(old_row) | set(new_row)
                         if old_row.get(d) is not new_row.get(d))
    if old._notes != new._notes:
        cells.update(key for key in set(old._notes) | set(new._notes)
                     if old._notes.get(key) != new._notes.get(key))
    targets: set[tuple[int, int]] = set()
    for tid in set(old._targets) | set(new._targets):
        old_set, new_set = old._targets.get(tid, {}), new._targets.get(tid, {})
        if old_set != new_set:
            targets.update((tid, d) for d in set(old_set) | set(new_set)
                           if (d in old_set) != (d in new_set)
                           or old_set.get(d) is not new_set.get(d))
    actions = {key for key in set(old._actions) | set(new._actions)
               if old._actions.get(key) != new._actions.get(key)}
    signoffs = {d for d in set(old._signoffs) | set(new._signoffs)
                if old._signoffs.get(d) != new._signoffs.get(d)}
    comments = {u for u in set(old._comments) | set(new._comments)
                if old._comments.get(u) != new._comments.get(u)}
    return MatrixChange(
        comments=frozenset(comments),
        signoffs=frozenset(signoffs),
        targets=frozenset(targets),
        actions=frozenset(actions),
        touchpoints_planned=frozenset(old._planned_touchpoints ^ new._planned_touchpoints),
        departments_planned=frozenset(old._planned_departments ^ new._planned_departments),
        touchpoints=frozenset(t for t in common_tps
                              if old._touchpoint_by_id[t] != new._touchpoint_by_id[t]),
        cells=frozenset(cells),
        stages=frozenset(s for s in set(old_stages) & set(new_stages)
                         if old._stage_by_id[s] != new._stage_by_id[s]),
        departments=frozenset(d for d in set(old_depts) & set(new_depts)
                              if old._department_by_id[d] != new._department_by_id[d]),
        properties=frozenset(key for key in MATRIX_PROPERTIES
                             if getattr(old, key) != getattr(new, key)),
        touchpoints_inserted=frozenset(set(new_tps) - common_tps),
        touchpoints_removed=frozenset(set(old_tps) - common_tps),
        touchpoints_moved=_moved(old_tps, new_tps) | frozenset(
            t for t in common_tps
            if old._touchpoint_by_id[t].stage_id != new._touchpoint_by_id[t].stage_id),
        stages_inserted=frozenset(set(new_stages) - set(old_stages)),
        stages_removed=frozenset(set(old_stages) - set(new_stages)),
        stages_moved=_moved(old_stages, new_stages),
        departments_inserted=frozenset(set(new_depts) - set(old_depts)),
        departments_removed=frozenset(set(old_depts) - set(new_depts)),
        departments_moved=_moved(old_depts, new_depts),
    )


def _moved(old: list[int], new: list[int]) -> frozenset[int]:
    """Ids in both lists whose place among the common ids differs."""
    common = set(old) & set(new)
    old_common = [k for k in old if k in common]
    new_common = [k for k in new if k in common]
    return frozenset(a for a, b in zip(old_common, new_common, strict=True) if a != b)


class MatrixListener:
    """Told after every change, so derived state (findings) can update only what changed."""

    def matrix_changed(self, matrix: Matrix, change: MatrixChange) -> None:
        raise NotImplementedError


_NO_ROLES: Mapping[int, Role] = {}
_TOUCHPOINT_FIELD_TYPES = {f.name: f.type for f in fields(Touchpoint)}


def _check_touchpoint_attributes(attributes: dict[str, object]) -> dict[str, object]:
    checked: dict[str, object] = {}
    for key, value in attributes.items():
        if key not in TOUCHPOINT_FIELDS:
            raise DomainError(f"unknown touchpoint attribute {key!r}")
        if key == "name":
            checked[key] = clean_name(str(value) if value is not None else "", "Touchpoint")
        elif key in TOUCHPOINT_FLAG_FIELDS:
            if not isinstance(value, bool):
                raise DomainError(f"{key} must be true or false")
            checked[key] = value
        else:
            checked[key] = _text(value, key).strip()
    return checked


def _person(name: str, what: str) -> str:
    """A person's name as a property holds it: one line, no surrounding spaces (may be empty)."""
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME_LENGTH:
        raise DomainError(f"{what} is longer than {MAX_NAME_LENGTH:,} characters")
    return cleaned


def _text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(f"{what} must be text, not {type(value).__name__}")
    if len(value) > MAX_TEXT_LENGTH:
        raise DomainError(f"{what} is too long")
    return value


def _insert_position(index: int | None, length: int) -> int:
    if index is None:
        return length
    return _clamp(index, length)


def _clamp(index: int, upper: int) -> int:
    return max(0, min(index, upper))
