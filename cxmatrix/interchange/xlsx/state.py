"""What was exported, recorded inside the workbook so that it can come back as a review.

The state is one JSON document: the matrix's properties, its departments, stages and
touchpoints with their ids (in display order), each touchpoint's roles as one letter per
department (O, I, H, or '.' for none), the cell notes, the plan (target roles set apart from
today, actions, planned touchpoints and departments), the matrix's identity and the export
time. A record without its "plan" (written before the plan sheets were reviewed) reads as
before: ``ExportedState.plan_recorded`` is False then, and the plan sheets cannot be compared.
It is compressed (zlib) and written as base64 text: at 20,000 x 50 the JSON is a few
megabytes, and Excel cells hold at most 32,767 characters, so the text is cut into chunks of
CHUNK characters, kept in order. Reading it back checks everything as a file from outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cxmatrix.domain.actions import Action, ActionError, ActionStatus, checked_action
from cxmatrix.domain.limits import MAX_TEXT_LENGTH
from cxmatrix.domain.model import Department, DomainError, Matrix, Touchpoint, clean_name
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.xlsx.packed import pack_json, unpack_json

STATE_FORMAT = "cxmatrix workbook state 1"
CHUNK = 30_000
MAX_STATE_BYTES = 512 * 1024 * 1024  # decompressed; a damaged record must not eat memory
# Key/value rows at the top of the state sheet (column A key, column B value).
FORMAT_KEY = "format"
UID_KEY = "matrix uid"
EXPORTED_KEY = "exported"
CHUNKS_KEY = "chunks"
_LETTER = {Role.OWN: "O", Role.INFLUENCE: "I", Role.HANDLE: "H"}
_ROLE = {letter: role for role, letter in _LETTER.items()}
_TEXT_FIELDS = ("category", "channel", "description", "metric", "notes")


@dataclass(frozen=True)
class ExportedState:
    """The matrix as exported (with its ids), its identity and when it was exported."""

    matrix: Matrix
    uid: str | None
    exported: datetime
    plan_recorded: bool = True


def state_text(matrix: Matrix, exported: datetime, uid: str | None) -> str:
    departments = matrix.departments
    column = {d.id: i for i, d in enumerate(departments)}
    empty = ["."] * len(departments)
    stages = []
    for stage in matrix.stages:
        rows = []
        for tp in matrix.touchpoints_in(stage.id):
            roles = matrix.row_roles(tp.id)
            letters = ""
            if roles:
                cells = empty.copy()
                for dept_id, role in roles.items():
                    cells[column[dept_id]] = _LETTER[role]
                letters = "".join(cells).rstrip(".")
            rows.append([tp.id, tp.name, tp.category, tp.channel, tp.description, tp.peak,
                         tp.end, tp.metric, tp.notes, letters])
        stages.append([stage.id, stage.name, rows])
    data = {"format": STATE_FORMAT, "uid": uid, "exported": exported.isoformat(),
            "title": matrix.title, "organisation": matrix.organisation,
            "description": matrix.description, "prepared_by": matrix.prepared_by,
            "focus": matrix.focus_department_id,
            "departments": [[d.id, d.name, d.code, d.lead] for d in departments],
            "stages": stages,
            "notes": [[t, d, note] for (t, d), note in matrix.notes.items()],
            "plan": _plan_data(matrix)}
    return pack_json(data, 3)


def _plan_data(matrix: Matrix) -> dict[str, Any]:
    return {"targets": [[t, d, _LETTER[role] if role is not None else "."]
                        for t, row in matrix.targets.items() for d, role in row.items()],
            "actions": [[t, d, a.person, a.due.isoformat() if a.due else None, a.status.value,
                         a.note] for (t, d), a in matrix.actions.items()],
            "planned_touchpoints": sorted(matrix.planned_touchpoints),
            "planned_departments": sorted(matrix.planned_departments)}


def chunks(text: str) -> list[str]:
    """``text`` in pieces of at most CHUNK characters, which joined give ``text`` again."""
    return [text[start:start + CHUNK] for start in range(0, len(text), CHUNK)] or [""]


def read_state(text: str, where: str) -> ExportedState:
    """The state recorded in ``text``; ImportFailed naming ``where`` when it is damaged."""
    try:
        data = unpack_json(text, MAX_STATE_BYTES)
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ValueError("not a cxmatrix state record")
        exported = datetime.fromisoformat(_text(data["exported"]))
        uid = data.get("uid")
        if uid is not None:
            _text(uid, 100)
        matrix = _matrix(data)
        plan = data.get("plan")
        if plan is not None:
            _load_plan(matrix, plan)
        if uid:
            matrix.uid = uid
    except (ValueError, KeyError, TypeError, IndexError, DomainError, UnicodeError,
            ActionError) as error:
        raise ImportFailed(f"{where}: the record of what was exported is damaged ({error})"
                           ) from None
    return ExportedState(matrix, uid if isinstance(uid, str) else None, exported,
                         plan is not None)


def _text(value: Any, limit: int = MAX_TEXT_LENGTH) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"{type(value).__name__} where text belongs")
    return value


def _id(value: Any, taken: set[int]) -> int:
    if type(value) is not int or value <= 0 or value in taken:
        raise ValueError(f"bad or repeated id {value!r}")
    taken.add(value)
    return value


def _matrix(data: dict[str, Any]) -> Matrix:
    matrix = Matrix(title=_text(data["title"]), organisation=_text(data["organisation"]),
                    description=_text(data["description"]),
                    prepared_by=_text(data["prepared_by"]))
    taken: set[int] = set()
    departments = []
    for dept_id, name, code, lead in data["departments"]:
        department = Department(_id(dept_id, taken), clean_name(_text(name), "department"),
                                _text(code), _text(lead))
        matrix.load_department(department)
        departments.append(department.id)
    roles: dict[int, dict[int, Role]] = {}
    for stage_id, stage_name, rows in data["stages"]:
        stage = _id(stage_id, taken)
        matrix.load_stage(stage, clean_name(_text(stage_name), "stage"))
        for tp_id, name, category, channel, description, peak, end, metric, notes, letters \
                in rows:
            if type(peak) is not bool or type(end) is not bool:
                raise ValueError("a flag that is not true or false")
            touchpoint = Touchpoint(_id(tp_id, taken), stage,
                                    clean_name(_text(name), "touchpoint"), _text(category),
                                    _text(channel), _text(description), peak, end,
                                    _text(metric), _text(notes))
            matrix.load_touchpoint(touchpoint)
            if _text(letters, len(departments)):
                row = {departments[i]: _ROLE[letter] for i, letter in enumerate(letters)
                       if letter != "."}
                roles[touchpoint.id] = row
    notes: dict[tuple[int, int], str] = {}
    for tp_id, dept_id, note in data["notes"]:
        if not (matrix.has_touchpoint(tp_id) and matrix.has_department(dept_id)):
            raise ValueError("a note on an unknown cell")
        notes[(tp_id, dept_id)] = _text(note)
    matrix.load_cells(roles, notes)
    focus = data["focus"]
    if focus is not None:
        if not matrix.has_department(focus):
            raise ValueError("an unknown focus department")
        matrix.focus_department_id = focus
    matrix.load_finished()
    return matrix


def _load_plan(matrix: Matrix, plan: dict[str, Any]) -> None:
    def cell(tid: Any, did: Any) -> tuple[int, int]:
        if not (type(tid) is int and type(did) is int and matrix.has_touchpoint(tid)
                and matrix.has_department(did)):
            raise ValueError("a plan entry on an unknown cell")
        return tid, did

    targets: dict[int, dict[int, Role | None]] = {}
    for tid, did, letter in plan["targets"]:
        cell(tid, did)
        targets.setdefault(tid, {})[did] = None if letter == "." else _ROLE[letter]
    actions: dict[tuple[int, int], Action] = {}
    for tid, did, person, due, status, note in plan["actions"]:
        actions[cell(tid, did)] = checked_action(Action(
            _text(person), date.fromisoformat(_text(due)) if due is not None else None,
            ActionStatus(status), _text(note)))
    touchpoints = {int(t) for t in plan["planned_touchpoints"] if matrix.has_touchpoint(t)}
    departments = {int(d) for d in plan["planned_departments"] if matrix.has_department(d)}
    matrix.load_plan(targets, actions, touchpoints, departments)
