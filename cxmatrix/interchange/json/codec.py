"""The JSON interchange format: lossless, readable, documented in the README.

    {"cxmatrix": 1, "title": ..., "organisation": ..., "description": ...,
     "focus_department": <name or null>,
     "departments": [{"name", "code", "lead"}],
     "stages": [{"name", "touchpoints": [{"name", "category", "channel", "description",
                 "peak", "end", "metric", "notes",
                 "roles": {"<department name>": "own"|"influence"|"handle"},
                 "role_notes": {"<department name>": "..."}}]}]}

Departments, stages and touchpoints are in display order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cxmatrix.domain.model import (
    TOUCHPOINT_FLAG_FIELDS,
    TOUCHPOINT_TEXT_FIELDS,
    DomainError,
    Matrix,
)
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.formats import ImportResult

FORMAT_VERSION = 1
MAX_JSON_BYTES = 512 * 1024 * 1024


def to_dict(matrix: Matrix) -> dict[str, Any]:
    names = {d.id: d.name for d in matrix.departments}
    focus = matrix.focus_department
    stages = []
    for stage in matrix.stages:
        touchpoints = []
        for tp in matrix.touchpoints_in(stage.id):
            entry: dict[str, Any] = {key: getattr(tp, key) for key in TOUCHPOINT_TEXT_FIELDS}
            entry.update({key: getattr(tp, key) for key in TOUCHPOINT_FLAG_FIELDS})
            row = matrix.row_roles(tp.id)
            entry["roles"] = {names[d.id]: row[d.id].value for d in matrix.departments
                              if d.id in row}
            entry["role_notes"] = {names[d.id]: matrix.note(tp.id, d.id)
                                   for d in matrix.departments if matrix.note(tp.id, d.id)}
            touchpoints.append(entry)
        stages.append({"name": stage.name, "touchpoints": touchpoints})
    return {
        "cxmatrix": FORMAT_VERSION,
        "title": matrix.title,
        "organisation": matrix.organisation,
        "description": matrix.description,
        "focus_department": focus.name if focus else None,
        "departments": [{"name": d.name, "code": d.code, "lead": d.lead}
                        for d in matrix.departments],
        "stages": stages,
    }


def write(matrix: Matrix, path: Path, **_options: object) -> None:
    text = json.dumps(to_dict(matrix), ensure_ascii=False, indent=2)
    with atomic_path(Path(path)) as temp:
        temp.write_text(text + "\n", encoding="utf-8")


class _Where:
    """Builds messages that say where in the JSON document a problem is."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, where: str, problem: str) -> ImportFailed:
        return ImportFailed(f"{self.file_name}: {where}: {problem}")


def _expect(value: Any, kind: type | tuple[type, ...], where: str, at: _Where) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)
                                       and bool not in (kind if isinstance(kind, tuple)
                                                        else (kind,))):
        names = {dict: "an object", list: "a list", str: "text", bool: "true or false"}
        wanted = names.get(kind, str(kind)) if isinstance(kind, type) else "text"
        raise at.fail(where, f"expected {wanted}, found {type(value).__name__}")
    return value


def from_dict(data: Any, file_name: str = "JSON") -> Matrix:
    """Build a matrix from the JSON structure; raises ImportFailed naming the bad place."""
    at = _Where(file_name)
    _expect(data, dict, "top level", at)
    version = data.get("cxmatrix")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise at.fail("\"cxmatrix\"", f"format version {version} is newer than this "
                          f"cxmatrix understands ({FORMAT_VERSION}); update cxmatrix")
        raise at.fail("\"cxmatrix\"", "missing or wrong format marker "
                      f"(expected \"cxmatrix\": {FORMAT_VERSION})")
    matrix = Matrix()
    try:
        matrix.set_properties(
            title=_expect(data.get("title") or "Untitled matrix", str, "title", at),
            organisation=_expect(data.get("organisation") or "", str, "organisation", at),
            description=_expect(data.get("description") or "", str, "description", at),
        )
    except DomainError as error:
        raise at.fail("matrix properties", str(error)) from error
    departments = _expect(data.get("departments", []), list, "departments", at)
    by_name: dict[str, int] = {}
    for number, entry in enumerate(departments, start=1):
        where = f"department {number}"
        _expect(entry, dict, where, at)
        try:
            dept = matrix.add_department(
                _expect(entry.get("name", ""), str, f"{where} name", at),
                _expect(entry.get("code") or "", str, f"{where} code", at) or None,
                _expect(entry.get("lead") or "", str, f"{where} lead", at))
        except DomainError as error:
            raise at.fail(where, str(error)) from error
        by_name[dept.name] = dept.id
    focus = data.get("focus_department")
    if focus is not None:
        _expect(focus, str, "focus_department", at)
        found = matrix.find_department(focus)
        if found is None:
            raise at.fail("focus_department", f"no department called {focus!r}")
        matrix.set_properties(focus_department_id=found.id)
    for s_number, stage_entry in enumerate(
            _expect(data.get("stages", []), list, "stages", at), start=1):
        where = f"stage {s_number}"
        _expect(stage_entry, dict, where, at)
        try:
            stage = matrix.add_stage(_expect(stage_entry.get("name", ""), str,
                                             f"{where} name", at))
        except DomainError as error:
            raise at.fail(where, str(error)) from error
        for t_number, tp_entry in enumerate(
                _expect(stage_entry.get("touchpoints", []), list, f"{where} touchpoints", at),
                start=1):
            _read_touchpoint(matrix, stage.id, tp_entry, f"{where} ({stage.name}), touchpoint "
                             f"{t_number}", by_name, at)
    return matrix


def _read_touchpoint(matrix: Matrix, stage_id: int, entry: Any, where: str,
                     by_name: dict[str, int], at: _Where) -> None:
    _expect(entry, dict, where, at)
    attributes: dict[str, object] = {}
    for key in TOUCHPOINT_TEXT_FIELDS:
        attributes[key] = _expect(entry.get(key) or "", str, f"{where} {key}", at)
    for key in TOUCHPOINT_FLAG_FIELDS:
        attributes[key] = _expect(entry.get(key, False), bool, f"{where} {key}", at)
    name = str(attributes.pop("name"))
    try:
        tp = matrix.add_touchpoint(stage_id, name, **attributes)
    except DomainError as error:
        raise at.fail(where, str(error)) from error
    where = f"{where} ({tp.name})"
    for dept_name, value in _expect(entry.get("roles", {}), dict, f"{where} roles", at).items():
        dept_id = _department_id(dept_name, by_name, matrix, where, at)
        try:
            role = Role(_expect(value, str, f"{where} role of {dept_name!r}", at).lower())
        except ValueError:
            raise at.fail(where, f"{value!r} is not a role (own, influence or handle)") from None
        matrix.set_role(tp.id, dept_id, role)
    notes = _expect(entry.get("role_notes", {}), dict, f"{where} role_notes", at)
    for dept_name, note in notes.items():
        dept_id = _department_id(dept_name, by_name, matrix, where, at)
        matrix.set_note(tp.id, dept_id, _expect(note, str, f"{where} note", at))


def _department_id(name: str, by_name: dict[str, int], matrix: Matrix, where: str,
                   at: _Where) -> int:
    if name in by_name:
        return by_name[name]
    found = matrix.find_department(name)
    if found is None:
        raise at.fail(where, f"names a department {name!r} that is not in \"departments\"")
    return found.id


def read(path: Path, **_options: object) -> ImportResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ImportFailed(f"{path.name}: the file is too large ({size:,} bytes)")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{path.name}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ImportFailed(f"{path} cannot be read: {error.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{path.name}: not valid JSON: {error.msg} at line {error.lineno}, "
                           f"column {error.colno}") from None
    except RecursionError:
        raise ImportFailed(f"{path.name}: the JSON is nested too deeply") from None
    matrix = from_dict(data, path.name)
    report = [f"Imported {matrix.touchpoint_count} touchpoints in {len(matrix.stages)} stages "
              f"and {len(matrix.departments)} departments from {path.name}."]
    return ImportResult(matrix, report)
