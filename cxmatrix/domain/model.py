"""The matrix: stages of touchpoints against departments, each cell an optional role.

Everything here is plain Python. The store persists a Matrix, the GUI shows one, and the
interchange formats read and write one. Every operation checks its arguments before it changes
anything, so a failed operation leaves the matrix as it was. Deleting returns a snapshot that
the matching restore operation puts back exactly, which is what undo needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime

from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from cxmatrix.domain.roles import Role

MAX_CODE_LENGTH = 4
TOUCHPOINT_TEXT_FIELDS = ("name", "category", "channel", "description", "metric", "notes")
TOUCHPOINT_FLAG_FIELDS = ("peak", "end")
TOUCHPOINT_FIELDS = TOUCHPOINT_TEXT_FIELDS + TOUCHPOINT_FLAG_FIELDS
MATRIX_PROPERTIES = ("title", "organisation", "description", "focus_department_id")

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


@dataclass(slots=True)
class Stage:
    id: int
    name: str


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(frozen=True, slots=True)
class TouchpointSnapshot:
    """A deleted touchpoint with its position and cells, to restore it exactly."""

    touchpoint: Touchpoint
    index: int
    roles: dict[int, Role]
    notes: dict[int, str]


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
    return " ".join(name.split()).casefold()


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
    focus_department_id: int | None = None
    created: datetime = field(default_factory=_now)
    modified: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        self.stages: list[Stage] = []
        self.departments: list[Department] = []
        self._stage_by_id: dict[int, Stage] = {}
        self._touchpoint_by_id: dict[int, Touchpoint] = {}
        self._department_by_id: dict[int, Department] = {}
        self._stage_touchpoints: dict[int, list[int]] = {}
        self.roles: dict[int, dict[int, Role]] = {}
        self.notes: dict[tuple[int, int], str] = {}
        self._next_id = 1
        self._listeners: list[MatrixListener] = []

    # ---- identity -------------------------------------------------------------------------

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

    def _touch(self, touchpoint_ids: Iterable[int] = (), *, departments: bool = False,
               everything: bool = False) -> None:
        for listener in self._listeners:
            listener.matrix_changed(self, touchpoint_ids, departments=departments,
                                    everything=everything)

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
        key = name_key(name)
        return next((d for d in self.departments if name_key(d.name) == key), None)

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
        row = self.roles.get(touchpoint_id)
        return row.get(department_id) if row else None

    def note(self, touchpoint_id: int, department_id: int) -> str:
        return self.notes.get((touchpoint_id, department_id), "")

    def cell(self, touchpoint_id: int, department_id: int) -> Cell:
        role = self.role(touchpoint_id, department_id)
        note = self.note(touchpoint_id, department_id)
        if role is None and not note:
            return EMPTY_CELL
        return Cell(role, note)

    def row_roles(self, touchpoint_id: int) -> dict[int, Role]:
        """The roles of one touchpoint by department id (do not modify)."""
        return self.roles.get(touchpoint_id, _NO_ROLES)

    def owners(self, touchpoint_id: int) -> list[Department]:
        row = self.row_roles(touchpoint_id)
        return [d for d in self.departments if row.get(d.id) is Role.OWN]

    def departments_with(self, touchpoint_id: int, role: Role) -> list[Department]:
        row = self.row_roles(touchpoint_id)
        return [d for d in self.departments if row.get(d.id) is role]

    def cell_count(self) -> int:
        return sum(len(row) for row in self.roles.values())

    # ---- properties -----------------------------------------------------------------------

    def set_properties(self, **changes: object) -> dict[str, object]:
        """Change title, organisation, description or focus_department_id; returns old values."""
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
        old = {key: getattr(self, key) for key in changes}
        for key, value in changes.items():
            setattr(self, key, value)
        if "focus_department_id" in changes:
            self._touch(everything=True)
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
        self.stages.insert(position, stage)
        self._stage_by_id[stage.id] = stage
        self._stage_touchpoints[stage.id] = []
        return stage

    def rename_stage(self, stage_id: int, name: str) -> str:
        stage = self.stage(stage_id)
        cleaned = self._check_stage_name(name, ignore_id=stage_id)
        old, stage.name = stage.name, cleaned
        return old

    def move_stage(self, stage_id: int, index: int) -> int:
        """Move a stage to ``index`` among the stages; returns its old index."""
        stage = self.stage(stage_id)
        old = self.stages.index(stage)
        new = _clamp(index, len(self.stages) - 1)
        self.stages.pop(old)
        self.stages.insert(new, stage)
        return old

    def delete_stage(self, stage_id: int) -> StageSnapshot:
        """Delete a stage with all its touchpoints and their cells."""
        stage = self.stage(stage_id)
        index = self.stages.index(stage)
        tids = list(self._stage_touchpoints[stage_id])
        snapshots = tuple(self.delete_touchpoint(tid) for tid in reversed(tids))[::-1]
        self.stages.pop(index)
        del self._stage_by_id[stage_id]
        del self._stage_touchpoints[stage_id]
        return StageSnapshot(stage=replace(stage), index=index, touchpoints=snapshots)

    def restore_stage(self, snapshot: StageSnapshot) -> Stage:
        stage = self.add_stage(snapshot.stage.name, snapshot.index, stage_id=snapshot.stage.id)
        for tp_snapshot in snapshot.touchpoints:
            self.restore_touchpoint(tp_snapshot)
        return stage

    # ---- touchpoints ----------------------------------------------------------------------

    def add_touchpoint(self, stage_id: int, name: str, index: int | None = None, *,
                       touchpoint_id: int | None = None, **attributes: object) -> Touchpoint:
        self.stage(stage_id)
        cleaned = clean_name(name, "Touchpoint")
        checked = _check_touchpoint_attributes(attributes)
        order = self._stage_touchpoints[stage_id]
        position = _insert_position(index, len(order))
        touchpoint = Touchpoint(self._claim_id(touchpoint_id), stage_id, cleaned,
                                **checked)  # type: ignore[arg-type]
        order.insert(position, touchpoint.id)
        self._touchpoint_by_id[touchpoint.id] = touchpoint
        self._touch((touchpoint.id,))
        return touchpoint

    def update_touchpoint(self, touchpoint_id: int, **changes: object) -> dict[str, object]:
        """Change touchpoint attributes (name, category, ..., peak, end); returns old values."""
        touchpoint = self.touchpoint(touchpoint_id)
        checked = _check_touchpoint_attributes(changes)
        old = {key: getattr(touchpoint, key) for key in checked}
        for key, value in checked.items():
            setattr(touchpoint, key, value)
        self._touch((touchpoint_id,))
        return old

    def rename_touchpoint(self, touchpoint_id: int, name: str) -> str:
        old = self.update_touchpoint(touchpoint_id, name=name)
        return str(old["name"])

    def move_touchpoint(self, touchpoint_id: int, stage_id: int, index: int) -> tuple[int, int]:
        """Move a touchpoint to ``index`` in ``stage_id``; returns its old (stage id, index)."""
        touchpoint = self.touchpoint(touchpoint_id)
        self.stage(stage_id)
        old_stage = touchpoint.stage_id
        old_order = self._stage_touchpoints[old_stage]
        old_index = old_order.index(touchpoint_id)
        old_order.pop(old_index)
        new_order = self._stage_touchpoints[stage_id]
        new_order.insert(_clamp(index, len(new_order)), touchpoint_id)
        touchpoint.stage_id = stage_id
        return old_stage, old_index

    def delete_touchpoint(self, touchpoint_id: int) -> TouchpointSnapshot:
        touchpoint = self.touchpoint(touchpoint_id)
        order = self._stage_touchpoints[touchpoint.stage_id]
        index = order.index(touchpoint_id)
        roles = dict(self.roles.pop(touchpoint_id, {}))
        notes = {
            dept: self.notes.pop((touchpoint_id, dept))
            for dept in [d for (t, d) in self.notes if t == touchpoint_id]
        } if self.notes else {}
        order.pop(index)
        del self._touchpoint_by_id[touchpoint_id]
        self._touch((touchpoint_id,), departments=bool(roles))
        return TouchpointSnapshot(replace(touchpoint), index, roles, notes)

    def restore_touchpoint(self, snapshot: TouchpointSnapshot) -> Touchpoint:
        tp = snapshot.touchpoint
        for dept_id in list(snapshot.roles) + list(snapshot.notes):
            self.department(dept_id)
        attributes = {key: getattr(tp, key) for key in TOUCHPOINT_FIELDS if key != "name"}
        touchpoint = self.add_touchpoint(tp.stage_id, tp.name, snapshot.index,
                                         touchpoint_id=tp.id, **attributes)
        if snapshot.roles:
            self.roles[tp.id] = dict(snapshot.roles)
        for dept_id, note in snapshot.notes.items():
            self.notes[(tp.id, dept_id)] = note
        self._touch((tp.id,), departments=bool(snapshot.roles))
        return touchpoint

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
        self.departments.insert(position, department)
        self._department_by_id[department.id] = department
        self._touch(departments=True)
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
        for key, value in changes.items():
            setattr(department, key, value)
        if "name" in changes:
            self._touch(everything=True)
        return old

    def rename_department(self, department_id: int, name: str) -> str:
        return self.update_department(department_id, name=name)["name"]

    def move_department(self, department_id: int, index: int) -> int:
        department = self.department(department_id)
        old = self.departments.index(department)
        self.departments.pop(old)
        self.departments.insert(_clamp(index, len(self.departments)), department)
        self._touch(list(self.roles), departments=True)  # messages list departments in order
        return old

    def delete_department(self, department_id: int) -> DepartmentSnapshot:
        """Delete a department with its roles and notes on every touchpoint."""
        department = self.department(department_id)
        index = self.departments.index(department)
        roles: dict[int, Role] = {}
        affected: list[int] = []
        for tid, row in self.roles.items():
            role = row.pop(department_id, None)
            if role is not None:
                roles[tid] = role
                affected.append(tid)
        for tid in affected:
            if not self.roles[tid]:
                del self.roles[tid]
        notes = {
            tid: self.notes.pop((tid, dept))
            for (tid, dept) in [key for key in self.notes if key[1] == department_id]
        } if self.notes else {}
        was_focus = self.focus_department_id == department_id
        if was_focus:
            self.focus_department_id = None
        self.departments.pop(index)
        del self._department_by_id[department_id]
        self._touch(affected, departments=True, everything=was_focus)
        return DepartmentSnapshot(replace(department), index, roles, notes, was_focus)

    def restore_department(self, snapshot: DepartmentSnapshot) -> Department:
        dept = snapshot.department
        for tid in list(snapshot.roles) + list(snapshot.notes):
            self.touchpoint(tid)
        department = self.add_department(dept.name, dept.code, dept.lead, snapshot.index,
                                         department_id=dept.id)
        for tid, role in snapshot.roles.items():
            self.roles.setdefault(tid, {})[dept.id] = role
        for tid, note in snapshot.notes.items():
            self.notes[(tid, dept.id)] = note
        if snapshot.was_focus:
            self.focus_department_id = dept.id
        self._touch(snapshot.roles, departments=True, everything=snapshot.was_focus)
        return department

    # ---- cells ----------------------------------------------------------------------------

    def set_role(self, touchpoint_id: int, department_id: int, role: Role | None) -> Role | None:
        """Set (or with None, clear) a department's role on a touchpoint; returns the old role."""
        self.touchpoint(touchpoint_id)
        self.department(department_id)
        if role is not None and not isinstance(role, Role):
            raise DomainError(f"{role!r} is not a role")
        row = self.roles.get(touchpoint_id)
        old = row.get(department_id) if row else None
        if old is role:
            return old
        if role is None:
            if row is not None:
                del row[department_id]
                if not row:
                    del self.roles[touchpoint_id]
        elif row is None:
            self.roles[touchpoint_id] = {department_id: role}
        else:
            row[department_id] = role
        self._touch((touchpoint_id,), departments=True)
        return old

    def set_note(self, touchpoint_id: int, department_id: int, note: str) -> str:
        """Set the note on one cell (empty text removes it); returns the old note."""
        self.touchpoint(touchpoint_id)
        self.department(department_id)
        text = _text(note, "note").strip()
        key = (touchpoint_id, department_id)
        old = self.notes.get(key, "")
        if text:
            self.notes[key] = text
        else:
            self.notes.pop(key, None)
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
        for touchpoint_id, department_id, role in checked:
            self.set_role(touchpoint_id, department_id, role)
        return previous[::-1]

    # ---- bulk loading (used by the store and the readers) -----------------------------------

    def load_stage(self, stage_id: int, name: str) -> None:
        """Append a stage with a known id, trusting the caller (fast path for loading)."""
        stage = Stage(stage_id, name)
        self.stages.append(stage)
        self._stage_by_id[stage_id] = stage
        self._stage_touchpoints[stage_id] = []
        self._next_id = max(self._next_id, stage_id + 1)

    def load_touchpoint(self, touchpoint: Touchpoint) -> None:
        self._stage_touchpoints[touchpoint.stage_id].append(touchpoint.id)
        self._touchpoint_by_id[touchpoint.id] = touchpoint
        self._next_id = max(self._next_id, touchpoint.id + 1)

    def load_department(self, department: Department) -> None:
        self.departments.append(department)
        self._department_by_id[department.id] = department
        self._next_id = max(self._next_id, department.id + 1)

    def load_finished(self) -> None:
        """Tell listeners that a bulk load replaced everything."""
        self._touch(everything=True)

    # ---- comparison -----------------------------------------------------------------------

    def content(self) -> dict[str, object]:
        """Everything a user sees, by name and in order, without ids or times (for comparing)."""
        dept_names = {d.id: d.name for d in self.departments}
        return {
            "title": self.title,
            "organisation": self.organisation,
            "description": self.description,
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
                            sorted((dept_names[d], n) for (t, d), n in self.notes.items()
                                   if t == tp.id),
                        )
                        for tp in self.touchpoints_in(stage.id)
                    ],
                )
                for stage in self.stages
            ],
        }


class MatrixListener:
    """Told after every change, so derived state (findings) can update only what changed."""

    def matrix_changed(self, matrix: Matrix, touchpoint_ids: Iterable[int], *,
                       departments: bool, everything: bool) -> None:
        raise NotImplementedError


_NO_ROLES: dict[int, Role] = {}
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
