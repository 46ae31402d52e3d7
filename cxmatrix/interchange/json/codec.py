"""The JSON interchange format: lossless, readable, documented in the README.

    {"cxmatrix": 3, "title": ..., "organisation": ..., "description": ...,
     "prepared_by": ... (optional), "focus_department": <name or null>,
     "departments": [{"id", "name", "code", "lead", "planned" (only when true)}],
     "stages": [{"id", "name", "touchpoints": [{"id", "name", "category", "channel",
                 "description", "peak", "end", "metric", "notes",
                 "planned" (only when true),
                 "roles": {"<department name>": "own"|"influence"|"handle"},
                 "role_notes": {"<department name>": "..."},
                 "target_roles": {"<department name>": "own"|...|null} (planned changes),
                 "actions": {"<department name>": {"person", "due", "status", "note"}},
                 "comments": [{"id", "author", "at", "department" (name or null),
                               "text"}] (oldest first, only when there are some)}]}],
     "signoffs": [{"department": <id>, "state", "lead", "date", "touchpoints",
                   "fingerprint", "basis", "disputes"}] (only when there are some; see
                  ``signoffs``),
     "snapshots": [{"name", "taken", "note", "matrix": {the same, without "cxmatrix"
                    and "snapshots"}}]}

Departments, stages and touchpoints are in display order. Version 1 files (no ids, no target
layer, no snapshots) and version 2 files (no sign-offs) are still read. The ids are optional
on reading; they keep the identity of things across the snapshots of one file, so that a
comparison after the round trip still tells a rename from a removal, and sign-offs name
departments and touchpoints by them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO
from uuid import uuid4

from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.comments import Comment, CommentError, checked_comment
from cxmatrix.domain.limits import (
    MAX_DEPARTMENTS,
    MAX_JSON_BYTES,
    MAX_JSON_VALUES,
    MAX_NAME_LENGTH,
    MAX_ROLE_CELLS,
    MAX_STAGES,
    MAX_TEXT_LENGTH,
    MAX_TOUCHPOINTS,
)
from cxmatrix.domain.model import (
    TOUCHPOINT_FLAG_FIELDS,
    TOUCHPOINT_TEXT_FIELDS,
    DomainError,
    Matrix,
    PlanCell,
    Stage,
    clean_name,
    name_key,
)
from cxmatrix.domain.roles import Role
from cxmatrix.domain.snapshots import Snapshot, snapshot_name, snapshot_note
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.errors import ExportFailed, ImportFailed, reading
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.interchange.json.estimate import least_document
from cxmatrix.interchange.json.fields import (
    Where,
    expect,
    read_day,
    read_flag,
    read_id,
    read_list,
    read_mapping,
    read_moment,
    read_name,
    read_role,
    read_text,
)
from cxmatrix.interchange.json.signoffs import read_signoffs, signoff_entries

FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
SIGNOFFS_SINCE = 3  # the first version with sign-offs (an older file's "signoffs" is not read)
MAX_SNAPSHOTS = 1_000  # as many as a .cxm file keeps
MAX_COMMENTS_PER_TOUCHPOINT = 10_000
MAX_NUMBER_DIGITS = 20  # the format holds one number, its version; no need for long ones
# Touchpoint fields that are names (the rest are free text, capped at MAX_TEXT_LENGTH).
_NAME_FIELDS = frozenset({"name"})


def _role(value: Role | None) -> str | None:
    return value.value if value is not None else None


def _action(action: Action) -> dict[str, Any]:
    return {"person": action.person, "due": action.due.isoformat() if action.due else None,
            "status": action.status.value, "note": action.note}


def _comment(comment: Comment, names: dict[int, str]) -> dict[str, Any]:
    return {"id": comment.uid, "author": comment.author, "at": comment.at.isoformat(),
            "department": names[comment.department_id] if comment.department_id is not None
            else None, "text": comment.text}


def _matrix_dict(matrix: Matrix) -> dict[str, Any]:
    names = {d.id: d.name for d in matrix.departments}
    order = {d.id: i for i, d in enumerate(matrix.departments)}
    focus = matrix.focus_department
    actions_by_touchpoint: dict[int, list[tuple[int, Action]]] = {}
    for (tid, did), action in matrix.actions.items():
        actions_by_touchpoint.setdefault(tid, []).append((did, action))
    stages = []
    for stage in matrix.stages:
        touchpoints = []
        for tp in matrix.touchpoints_in(stage.id):
            entry: dict[str, Any] = {"id": tp.id}
            entry.update({key: getattr(tp, key) for key in TOUCHPOINT_TEXT_FIELDS})
            entry.update({key: getattr(tp, key) for key in TOUCHPOINT_FLAG_FIELDS})
            if matrix.is_planned_touchpoint(tp.id):
                entry["planned"] = True
            row = matrix.row_roles(tp.id)
            entry["roles"] = {names[d.id]: row[d.id].value for d in matrix.departments
                              if d.id in row}
            entry["role_notes"] = {names[d.id]: matrix.note(tp.id, d.id)
                                   for d in matrix.departments if matrix.note(tp.id, d.id)}
            targets = matrix.targets.get(tp.id)
            if targets:
                entry["target_roles"] = {names[did]: _role(targets[did])
                                         for did in sorted(targets, key=order.__getitem__)}
            actions = actions_by_touchpoint.get(tp.id)
            if actions:
                entry["actions"] = {names[did]: _action(action) for did, action in
                                    sorted(actions, key=lambda item: order[item[0]])}
            comments = matrix.comments_on(tp.id)
            if comments:
                entry["comments"] = [_comment(c, names) for c in comments]
            touchpoints.append(entry)
        stages.append({"id": stage.id, "name": stage.name, "touchpoints": touchpoints})
    departments = []
    for d in matrix.departments:
        dept: dict[str, Any] = {"id": d.id, "name": d.name, "code": d.code, "lead": d.lead}
        if matrix.is_planned_department(d.id):
            dept["planned"] = True
        departments.append(dept)
    data = {
        "title": matrix.title,
        "organisation": matrix.organisation,
        "description": matrix.description,
        "prepared_by": matrix.prepared_by,
        "focus_department": focus.name if focus else None,
        "departments": departments,
        "stages": stages,
    }
    signoffs = signoff_entries(matrix)
    if signoffs:
        data["signoffs"] = signoffs
    return data


def to_dict(matrix: Matrix, snapshots: Sequence[Snapshot] = ()) -> dict[str, Any]:
    """The JSON document of a matrix and (optionally) the snapshots of its file."""
    data: dict[str, Any] = {"cxmatrix": FORMAT_VERSION, **_matrix_dict(matrix)}
    if snapshots:
        data["snapshots"] = [{"name": s.name, "taken": s.taken.isoformat(), "note": s.note,
                              "matrix": _matrix_dict(s.matrix)} for s in snapshots]
    return data


JSON_OPTIONS: dict[str, Any] = {"ensure_ascii": False, "indent": 2}


def _too_large(name: str) -> ExportFailed:
    return ExportFailed(f"{name}: the JSON file would be larger than "
                        f"{MAX_JSON_BYTES / 1e6:,.0f} MB, which cxmatrix cannot import "
                        "again; export to Excel (.xlsx) instead")


def _too_many_values(name: str, values: int) -> ExportFailed:
    return ExportFailed(f"{name}: the JSON file would hold about {values:,} values, more "
                        f"than the {MAX_JSON_VALUES:,} cxmatrix can import again; export "
                        "to Excel (.xlsx) instead")


def _document(matrix: Matrix) -> bytes:
    """A matrix's document exactly as ``write`` writes it (for measuring small ones)."""
    return (json.dumps(to_dict(matrix), **JSON_OPTIONS) + "\n").encode("utf-8")


def _check_estimate(matrix: Matrix, snapshots: Sequence[Snapshot], name: str) -> None:
    """Refuse at once a document that is sure to pass the reader's limits: its least size
    and value count (``estimate``) never exceed what is written."""
    least = least_document(matrix, snapshots, _document, _value_count)
    if least.size > MAX_JSON_BYTES:
        raise _too_large(name)
    if least.values > MAX_JSON_VALUES:
        raise _too_many_values(name, least.values)


class _BoundedFile:
    """Encodes what json.dump writes to a binary file, refusing to go past MAX_JSON_BYTES."""

    def __init__(self, handle: BinaryIO, name: str) -> None:
        self.handle = handle
        self.name = name
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.size += len(data)
        if self.size > MAX_JSON_BYTES:
            raise _too_large(self.name)
        self.handle.write(data)


def write(matrix: Matrix, path: Path, *, snapshots: Sequence[Snapshot] = (),
          **_options: object) -> None:
    """Write ``matrix`` (and ``snapshots``, those of its file) as JSON; refuses (writing
    nothing) a file the reader would refuse.

    Streamed to the file: a whole-document string would double the memory of long texts. A
    document sure to pass the limits is refused before anything is built (``estimate``).
    """
    path = Path(path)
    _check_estimate(matrix, snapshots, path.name)
    data = to_dict(matrix, snapshots)
    with atomic_path(path) as temp:
        with temp.open("wb") as handle:
            bounded = _BoundedFile(handle, path.name)
            json.dump(data, bounded, **JSON_OPTIONS)
            bounded.write("\n")
        _check_value_count(temp, path.name)


def _check_value_count(written: Path, name: str) -> None:
    """Refuse a file with more values than the reader takes, counted as the reader counts
    them (a large matrix whose departments all agreed holds a basis cell for each role)."""
    values = 1
    with written.open("rb") as handle:
        while block := handle.read(1 << 24):
            values += _value_count(block) - 1
    if values > MAX_JSON_VALUES:
        raise _too_many_values(name, values)


def _check_version(data: dict[str, Any], at: Where) -> int:
    version = data.get("cxmatrix")
    if type(version) is int and version > FORMAT_VERSION:
        raise at.fail("\"cxmatrix\"", f"format version {version} is newer than this "
                      f"cxmatrix understands ({FORMAT_VERSION}); update cxmatrix")
    if type(version) is not int or version not in READABLE_VERSIONS:  # true == 1 in Python
        raise at.fail("\"cxmatrix\"", "missing or wrong format marker "
                      f"(expected \"cxmatrix\": {FORMAT_VERSION})")
    return version


def _check_counts(data: dict[str, Any], at: Where, prefix: str = "") -> None:
    """Refuse a matrix beyond the documented limits from its counts, before building it."""
    departments = read_list(data, "departments", f"{prefix}departments", at)
    if len(departments) > MAX_DEPARTMENTS:
        raise at.fail(f"{prefix}departments", f"{len(departments):,} departments; at most "
                                              f"{MAX_DEPARTMENTS:,} are allowed")
    stages = read_list(data, "stages", f"{prefix}stages", at)
    if len(stages) > MAX_STAGES:
        raise at.fail(f"{prefix}stages", f"{len(stages):,} stages; at most {MAX_STAGES:,} "
                                         "are allowed")
    touchpoints = 0
    cells = dict.fromkeys(("roles", "role_notes", "target_roles", "actions"), 0)
    for number, stage in enumerate(stages, start=1):
        where = f"{prefix}stage {number}"
        entries = read_list(expect(stage, dict, where, at), "touchpoints",
                        f"{where} touchpoints", at)
        touchpoints += len(entries)
        if touchpoints > MAX_TOUCHPOINTS:
            raise at.fail(f"{prefix}stages", f"more than {MAX_TOUCHPOINTS:,} touchpoints; at "
                                             f"most {MAX_TOUCHPOINTS:,} are allowed")
        for entry in entries:
            if type(entry) is dict:
                for key in cells:
                    row = entry.get(key)
                    cells[key] += len(row) if type(row) is dict else 0
        if max(cells.values()) > MAX_ROLE_CELLS:
            raise at.fail(f"{prefix}stages", f"more than {MAX_ROLE_CELLS:,} cells with a role, "
                                             f"a target, an action or a note; at most "
                                             f"{MAX_ROLE_CELLS:,} are allowed")


class _Ids:
    """The ids a document gives its departments, stages and touchpoints (optional, version
    2), checked up front; those it leaves out are numbered after the largest one given."""

    def __init__(self, data: dict[str, Any], at: Where, prefix: str) -> None:
        seen: dict[int, str] = {}

        def claim(entry: Any, where: str) -> None:
            if type(entry) is not dict or entry.get("id") is None:
                return
            value = read_id(entry["id"], f"{where} id", at)
            if value in seen:
                raise at.fail(f"{where} id", f"{value} is already the id of {seen[value]}")
            seen[value] = where

        for number, dept in enumerate(read_list(data, "departments", "departments", at), 1):
            claim(dept, f"{prefix}department {number}")
        for s_number, stage in enumerate(read_list(data, "stages", "stages", at), 1):
            claim(stage, f"{prefix}stage {s_number}")
            if type(stage) is dict:
                for t_number, tp in enumerate(read_list(stage, "touchpoints", "touchpoints", at),
                                              1):
                    claim(tp, f"{prefix}stage {s_number}, touchpoint {t_number}")
        self._next = max(seen, default=0) + 1

    def of(self, entry: dict[str, Any]) -> int:
        value = entry.get("id")
        if value is not None:
            return int(value)
        self._next += 1
        return self._next - 1


def from_dict(data: Any, file_name: str = "JSON") -> Matrix:
    """Build a matrix from the JSON structure; raises ImportFailed naming the bad place."""
    return read_document(data, file_name)[0]


def read_document(data: Any, file_name: str = "JSON") -> tuple[Matrix, list[Snapshot]]:
    """The matrix and the snapshots of a JSON document; ImportFailed names the bad place."""
    at = Where(file_name)
    expect(data, dict, "top level", at)
    version = _check_version(data, at)
    entries = read_list(data, "snapshots", "snapshots", at)
    if len(entries) > MAX_SNAPSHOTS:
        raise at.fail("snapshots", f"{len(entries):,} snapshots; at most {MAX_SNAPSHOTS:,} "
                                   "are allowed")
    _check_counts(data, at)
    snapshots: list[Snapshot] = []
    names: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        snapshot = _read_snapshot(entry, number, at, version)
        if name_key(snapshot.name) in names:
            raise at.fail(f"snapshot {number}", f"there is already a snapshot called "
                                                f"{snapshot.name!r}")
        names.add(name_key(snapshot.name))
        snapshots.append(snapshot)
    return _read_matrix(data, at, version), snapshots


def _read_snapshot(entry: Any, number: int, at: Where, version: int) -> Snapshot:
    where = f"snapshot {number}"
    expect(entry, dict, where, at)
    try:
        name = snapshot_name(read_name(entry.get("name"), f"{where} name", at))
        note = snapshot_note(read_text(entry.get("note"), f"{where} note", at))
    except DomainError as error:
        raise at.fail(where, str(error)) from None
    taken = read_moment(entry.get("taken"), f"{where} taken", at)
    prefix = f"{where} ({name}) "
    matrix_data = expect(entry.get("matrix"), dict, f"{prefix}matrix", at)
    _check_counts(matrix_data, at, prefix)
    return Snapshot(number, name, taken, _read_matrix(matrix_data, at, version, prefix),
                    note)


def _read_matrix(data: dict[str, Any], at: Where, version: int, prefix: str = "") -> Matrix:
    ids = _Ids(data, at, prefix)
    matrix = Matrix()
    try:
        matrix.set_properties(
            title=read_name(data.get("title"), f"{prefix}title", at) or "Untitled matrix",
            organisation=read_text(data.get("organisation"), f"{prefix}organisation", at),
            description=read_text(data.get("description"), f"{prefix}description", at),
            prepared_by=read_text(data.get("prepared_by"), f"{prefix}prepared_by", at,
                              limit=MAX_NAME_LENGTH),
        )
    except DomainError as error:
        raise at.fail(f"{prefix}matrix properties", str(error)) from error
    by_key: dict[str, int] = {}
    # Flagged after the roles are read: a file may hold roles a department had today when
    # it was marked planned (they stay, as in the .cxm), which a new edit would be refused.
    planned_departments: list[int] = []
    for number, entry in enumerate(read_list(data, "departments", "departments", at), start=1):
        where = f"{prefix}department {number}"
        expect(entry, dict, where, at)
        name = read_name(entry.get("name"), f"{where} name", at)
        key = name_key(name)
        if key in by_key:
            raise at.fail(where, f"there is already a department called "
                                 f"{matrix.department(by_key[key]).name!r}")
        try:
            dept = matrix.add_department(
                name, read_name(entry.get("code"), f"{where} code", at) or None,
                read_name(entry.get("lead"), f"{where} lead", at), department_id=ids.of(entry))
        except DomainError as error:
            raise at.fail(where, str(error)) from error
        if read_flag(entry, "planned", f"{where} planned", at):
            planned_departments.append(dept.id)
        by_key[key] = dept.id
    focus = data.get("focus_department")
    if focus is not None:
        focus_key = name_key(read_name(focus, f"{prefix}focus_department", at))
        if focus_key not in by_key:
            raise at.fail(f"{prefix}focus_department", f"no department called {focus!r}")
        matrix.set_properties(focus_department_id=by_key[focus_key])
    stage_names: dict[str, str] = {}  # by name_key
    for s_number, stage_entry in enumerate(read_list(data, "stages", "stages", at), start=1):
        where = f"{prefix}stage {s_number}"
        expect(stage_entry, dict, where, at)
        try:
            stage_name = clean_name(read_name(stage_entry.get("name"), f"{where} name", at),
                                    "Stage")
        except DomainError as error:
            raise at.fail(where, str(error)) from error
        key = name_key(stage_name)
        if key in stage_names:
            raise at.fail(where, f"there is already a stage called {stage_names[key]!r}")
        stage_names[key] = stage_name
        # Checked here against a set: Matrix.add_stage looks for duplicates one by one,
        # which for MAX_STAGES stages took 15 s.
        stage = Stage(ids.of(stage_entry), stage_name)
        matrix.load_stage(stage.id, stage.name)
        for t_number, tp_entry in enumerate(
                read_list(stage_entry, "touchpoints", f"{where} touchpoints", at), start=1):
            _read_touchpoint(matrix, stage.id, tp_entry, f"{where} ({stage.name}), touchpoint "
                             f"{t_number}", by_key, at, ids)
    for did in planned_departments:
        matrix.set_planned_department(did, True)
    if version >= SIGNOFFS_SINCE:
        read_signoffs(matrix, data, at, prefix)
    return matrix


def _read_touchpoint(matrix: Matrix, stage_id: int, entry: Any, where: str,
                     by_key: dict[str, int], at: Where, ids: _Ids) -> None:
    expect(entry, dict, where, at)
    attributes: dict[str, object] = {}
    for key in TOUCHPOINT_TEXT_FIELDS:
        limit = MAX_NAME_LENGTH if key in _NAME_FIELDS else MAX_TEXT_LENGTH
        attributes[key] = read_text(entry.get(key), f"{where} {key}", at, limit=limit)
    for key in TOUCHPOINT_FLAG_FIELDS:
        attributes[key] = read_flag(entry, key, f"{where} {key}", at)
    name = str(attributes.pop("name"))
    try:
        tp = matrix.add_touchpoint(stage_id, name, touchpoint_id=ids.of(entry), **attributes)
    except DomainError as error:
        raise at.fail(where, str(error)) from error
    where = f"{where} ({tp.name})"
    if read_flag(entry, "planned", f"{where} planned", at):
        matrix.set_planned_touchpoint(tp.id, True)
    for dept_name, value in read_mapping(entry, "roles", f"{where} roles", at).items():
        dept_id = _department_id(dept_name, by_key, where, at)
        matrix.set_role(tp.id, dept_id, read_role(value, f"{where} role of {dept_name!r}", at))
    for dept_name, note in read_mapping(entry, "role_notes", f"{where} role_notes", at).items():
        dept_id = _department_id(dept_name, by_key, where, at)
        text = read_text(note, f"{where} note of {dept_name!r}", at)
        try:
            matrix.set_note(tp.id, dept_id, text)
        except DomainError as error:
            raise at.fail(where, str(error)) from error
    for dept_name, value in read_mapping(entry, "target_roles", f"{where} target_roles",
                                     at).items():
        dept_id = _department_id(dept_name, by_key, where, at)
        target = None if value is None else read_role(
            value, f"{where} target role of {dept_name!r}", at)
        if target is matrix.role(tp.id, dept_id):
            # A target the current role has caught up with (a change marked done) stays
            # set, as in the .cxm: the plan holds if the current role moves again.
            matrix.restore_plan_cells([(tp.id, dept_id, PlanCell(
                target, True, target, matrix.action(tp.id, dept_id)))])
        else:
            matrix.set_target(tp.id, dept_id, target)
    for dept_name, value in read_mapping(entry, "actions", f"{where} actions", at).items():
        dept_id = _department_id(dept_name, by_key, where, at)
        action = _read_action(value, f"{where} action of {dept_name!r}", at)
        try:
            matrix.set_action(tp.id, dept_id, action)
        except DomainError as error:
            raise at.fail(f"{where} action of {dept_name!r}", str(error)) from error
    comments = read_list(entry, "comments", f"{where} comments", at)
    if len(comments) > MAX_COMMENTS_PER_TOUCHPOINT:
        raise at.fail(f"{where} comments", f"{len(comments):,} comments; at most "
                                           f"{MAX_COMMENTS_PER_TOUCHPOINT:,} are allowed")
    read = [_read_comment(value, tp.id, f"{where} comment {number}", by_key, at)
            for number, value in enumerate(comments, start=1)]
    try:
        matrix.add_comments(read)
    except DomainError as error:
        raise at.fail(f"{where} comments", str(error)) from error


def _read_comment(value: Any, tid: int, where: str, by_key: dict[str, int],
                  at: Where) -> Comment:
    expect(value, dict, where, at)
    department = value.get("department")
    did = None if department is None else _department_id(
        read_name(department, f"{where} department", at), by_key, where, at)
    when = read_moment(value.get("at"), f"{where} at", at)
    uid = read_name(value.get("id"), f"{where} id", at) or uuid4().hex
    try:
        return checked_comment(Comment(uid, tid, did, read_name(value.get("author"),
                                                            f"{where} author", at),
                                       when, read_text(value.get("text"), f"{where} text", at)))
    except CommentError as error:
        raise at.fail(where, str(error)) from None


def _read_action(value: Any, where: str, at: Where) -> Action:
    expect(value, dict, where, at)
    due = read_day(value.get("due"), f"{where} due", at)
    status_text = read_name(value.get("status"), f"{where} status", at,
                        default=ActionStatus.PLANNED.value)
    try:
        status = ActionStatus(status_text.lower())
    except ValueError:
        known = ", ".join(s.value for s in ActionStatus)
        raise at.fail(f"{where} status", f"{status_text!r} is not a status ({known})") from None
    return Action(read_name(value.get("person"), f"{where} person", at), due, status,
                  read_text(value.get("note"), f"{where} note", at))


def _department_id(name: str, by_key: dict[str, int], where: str, at: Where) -> int:
    found = by_key.get(name_key(read_name(name, f"{where} department name", at)))
    if found is None:
        shown = name if len(name) <= 80 else name[:80] + "..."
        raise at.fail(where, f"names a department {shown!r} that is not in \"departments\"")
    return found


class _Refused(Exception):
    """Raised from inside the JSON parser's hooks to stop it at once."""


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _Refused(f"a number with {len(digits.lstrip('-')):,} digits (at most "
                       f"{MAX_NUMBER_DIGITS} are allowed)")
    return int(digits)


def _parse_constant(name: str) -> float:
    raise _Refused(f"{name} is not a JSON value")


def _value_count(data: bytes) -> int:
    """An upper bound on the number of values (and keys) the document parses into: each one
    but the first of a container follows a comma or a colon. Strings may hold these bytes
    too, so it can only overcount."""
    return sum(data.count(mark) for mark in (b",", b":", b"[", b"{")) + 1


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{path.name}: not UTF-8 text (byte {error.start:,})") from None


def _parse(path: Path) -> Any:
    with reading(path):
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ImportFailed(f"{path.name}: the file is too large to import "
                               f"({size:,} bytes; at most {MAX_JSON_BYTES / 1e6:,.0f} MB)")
        data = path.read_bytes()
    # Parsed, every small value costs 50-70 bytes, so refuse by count before parsing.
    values = _value_count(data)
    if values > MAX_JSON_VALUES:
        raise ImportFailed(f"{path.name}: too many values to import (about {values:,}; at "
                           f"most {MAX_JSON_VALUES:,})")
    text = _decode(path, data)
    del data
    try:
        return json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{path.name}: not valid JSON: {error.msg} at line {error.lineno}, "
                           f"column {error.colno}") from None
    except _Refused as error:
        raise ImportFailed(f"{path.name}: {error}") from None
    except RecursionError:
        raise ImportFailed(f"{path.name}: the JSON is nested too deeply") from None


def read(path: Path, **_options: object) -> ImportResult:
    path = Path(path)
    matrix, snapshots = read_document(_parse(path), path.name)
    report = [f"Imported {matrix.touchpoint_count} touchpoints in {len(matrix.stages)} stages "
              f"and {len(matrix.departments)} departments from {path.name}."]
    if snapshots:
        report.append(f"With {len(snapshots)} snapshot{'s' if len(snapshots) != 1 else ''}: "
                      + ", ".join(s.name for s in snapshots) + ".")
    return ImportResult(matrix, report, snapshots=snapshots)

