"""What was exported, recorded inside the workbook so that it can come back as a review.

The state is one JSON text: the matrix in the JSON interchange format (``json.codec``), the
ids of its stages, departments and touchpoints in display order (the interchange format has
none), the matrix's identity and the export time. Excel cells hold at most 32,767
characters, so the text is cut into chunks of CHUNK characters, kept in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cxmatrix.domain.model import Department, DomainError, Matrix, Touchpoint
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.json import codec

STATE_FORMAT = "cxmatrix workbook state 1"
CHUNK = 30_000
# Key/value rows at the top of the state sheet (column A key, column B value).
FORMAT_KEY = "format"
UID_KEY = "matrix uid"
EXPORTED_KEY = "exported"
CHUNKS_KEY = "chunks"


@dataclass(frozen=True)
class ExportedState:
    """The matrix as exported (with its ids), its identity and when it was exported."""

    matrix: Matrix
    uid: str | None
    exported: datetime


def state_text(matrix: Matrix, exported: datetime, uid: str | None) -> str:
    ids = {
        "stages": [s.id for s in matrix.stages],
        "departments": [d.id for d in matrix.departments],
        "touchpoints": [[t.id for t in matrix.touchpoints_in(s.id)] for s in matrix.stages],
    }
    return json.dumps({"format": STATE_FORMAT, "uid": uid, "exported": exported.isoformat(),
                       "matrix": codec.to_dict(matrix), "ids": ids}, separators=(",", ":"))


def chunks(text: str) -> list[str]:
    """``text`` in pieces of at most CHUNK characters, none starting or ending with a space
    (readers trim cells), which joined give ``text`` again."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + CHUNK, len(text))
        while end < len(text) and end - start > 1 and (text[end - 1] == " " or text[end] == " "):
            end -= 1
        parts.append(text[start:end])
        start = end
    return parts or [""]


def read_state(text: str, where: str) -> ExportedState:
    """The state recorded in ``text``; ImportFailed naming ``where`` when it is damaged."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ValueError("not a cxmatrix state record")
        exported = datetime.fromisoformat(str(data["exported"]))
        uid = data.get("uid")
        plain = codec.from_dict(data["matrix"], where)
        matrix = _with_ids(plain, data["ids"])
    except ImportFailed:
        raise
    except (ValueError, KeyError, TypeError, IndexError, DomainError) as error:
        raise ImportFailed(f"{where}: the record of what was exported is damaged ({error})"
                           ) from None
    return ExportedState(matrix, uid if isinstance(uid, str) else None, exported)


def _with_ids(plain: Matrix, ids: dict[str, Any]) -> Matrix:
    """``plain`` (read with fresh ids) rebuilt with the ids recorded at export."""
    stage_ids = [int(i) for i in ids["stages"]]
    department_ids = [int(i) for i in ids["departments"]]
    touchpoint_ids = [[int(i) for i in row] for row in ids["touchpoints"]]
    if len(stage_ids) != len(plain.stages) or len(department_ids) != len(plain.departments):
        raise ValueError("the ids do not match the matrix")
    everything = stage_ids + department_ids + [i for row in touchpoint_ids for i in row]
    if len(set(everything)) != len(everything):
        raise ValueError("an id is used twice")
    matrix = Matrix(title=plain.title, organisation=plain.organisation,
                    description=plain.description, prepared_by=plain.prepared_by)
    department_of: dict[int, int] = {}
    touchpoint_of: dict[int, int] = {}
    for department, new_id in zip(plain.departments, department_ids, strict=True):
        matrix.load_department(Department(new_id, department.name, department.code,
                                          department.lead))
        department_of[department.id] = new_id
    roles: dict[int, dict[int, Any]] = {}
    notes: dict[tuple[int, int], str] = {}
    for stage, stage_id, row_ids in zip(plain.stages, stage_ids, touchpoint_ids, strict=True):
        matrix.load_stage(stage_id, stage.name)
        touchpoints = plain.touchpoints_in(stage.id)
        if len(touchpoints) != len(row_ids):
            raise ValueError(f"the ids of stage {stage.name!r} do not match its touchpoints")
        for touchpoint, new_id in zip(touchpoints, row_ids, strict=True):
            matrix.load_touchpoint(Touchpoint(
                new_id, stage_id, touchpoint.name, touchpoint.category, touchpoint.channel,
                touchpoint.description, touchpoint.peak, touchpoint.end, touchpoint.metric,
                touchpoint.notes))
            touchpoint_of[touchpoint.id] = new_id
            row = plain.row_roles(touchpoint.id)
            if row:
                roles[new_id] = {department_of[d]: role for d, role in row.items()}
    for (touchpoint_id, department_id), note in plain.notes.items():
        notes[(touchpoint_of[touchpoint_id], department_of[department_id])] = note
    matrix.load_cells(roles, notes)
    if plain.focus_department_id is not None:
        matrix.focus_department_id = department_of[plain.focus_department_id]
    matrix.load_finished()
    return matrix

