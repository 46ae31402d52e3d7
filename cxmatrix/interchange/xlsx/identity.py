"""The ids a workbook carries for its stages, touchpoints and departments.

Each is a short text: a prefix for the kind (layout's STAGE_PREFIX, TOUCHPOINT_PREFIX,
DEPARTMENT_PREFIX) and the entity's id in the matrix, "T17". The exporter writes them in the
hidden id column and id row of the Matrix sheet; ``returned`` reads them back.
"""

from __future__ import annotations

import re

from cxmatrix.interchange.xlsx.layout import DEPARTMENT_PREFIX, STAGE_PREFIX, TOUCHPOINT_PREFIX

_ID = re.compile(r"([A-Z])(\d{1,12})")
KINDS = {STAGE_PREFIX: "stage", TOUCHPOINT_PREFIX: "touchpoint", DEPARTMENT_PREFIX: "department"}


def stage_key(stage_id: int) -> str:
    return f"{STAGE_PREFIX}{stage_id}"


def touchpoint_key(touchpoint_id: int) -> str:
    return f"{TOUCHPOINT_PREFIX}{touchpoint_id}"


def department_key(department_id: int) -> str:
    return f"{DEPARTMENT_PREFIX}{department_id}"


def parse_key(text: str) -> tuple[str, int] | None:
    """(prefix, id) of an id text, or None when it is not one."""
    match = _ID.fullmatch(text.strip())
    if match is None or match.group(1) not in KINDS:
        return None
    return match.group(1), int(match.group(2))
