"""Generated matrices of a given size, for tests and benchmarks (deterministic by seed)."""

from __future__ import annotations

import random

from cxmatrix.domain.model import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_STAGES,
    Department,
    Matrix,
    Touchpoint,
)
from cxmatrix.domain.roles import Role

SIZES = {"S": (200, 12), "M": (2_000, 30), "L": (20_000, 50)}
_VERBS = ("Welcome", "Review", "Renewal", "Invoice", "Kick-off", "Health check", "Survey",
          "Escalation", "Training", "Release note", "Outage notice", "Upsell", "Audit")
_OBJECTS = ("call", "email", "meeting", "portal visit", "webinar", "ticket", "letter",
            "workshop", "report", "chat")
_DEPARTMENTS = ("Marketing", "Sales", "Customer Success", "Support", "Product", "Engineering",
                "Finance", "Legal", "Operations", "Professional Services", "Partnerships",
                "Security", "Billing", "Training", "Community", "Data")


def generate_matrix(touchpoints: int, departments: int, *, fill: float = 0.3,
                    seed: int = 1) -> Matrix:
    """A matrix with ``touchpoints`` rows over the default stages and ``departments``
    columns, about ``fill`` of the cells holding a role (owners kept plausible)."""
    rng = random.Random(seed)
    matrix = Matrix(title=f"Generated {touchpoints} x {departments}",
                    organisation="Example Corp", description="Generated for testing.")
    for index in range(departments):
        base = _DEPARTMENTS[index % len(_DEPARTMENTS)]
        name = base if index < len(_DEPARTMENTS) else f"{base} {index // len(_DEPARTMENTS) + 1}"
        matrix.load_department(Department(matrix.new_id(), name, f"D{index + 1}"[:4]))
    stage_ids = []
    for name in DEFAULT_STAGES:
        stage_id = matrix.new_id()
        matrix.load_stage(stage_id, name)
        stage_ids.append(stage_id)
    dept_ids = [d.id for d in matrix.departments]
    roles = (Role.OWN, Role.INFLUENCE, Role.INFLUENCE, Role.HANDLE)
    per_row = max(0, round(fill * departments))
    for index in range(touchpoints):
        stage_id = stage_ids[index * len(stage_ids) // max(touchpoints, 1)]
        tp = Touchpoint(
            matrix.new_id(), stage_id,
            f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {index + 1}",
            category=rng.choice(CATEGORIES), channel=rng.choice(CHANNELS),
            peak=rng.random() < 0.05, end=rng.random() < 0.03,
            metric="CSAT" if rng.random() < 0.6 else "",
        )
        matrix.load_touchpoint(tp)
        if dept_ids and per_row:
            chosen = rng.sample(dept_ids, min(per_row, len(dept_ids)))
            row = {dept_id: rng.choice(roles[1:]) for dept_id in chosen}
            if rng.random() < 0.85:
                row[chosen[0]] = Role.OWN
            if rng.random() < 0.05 and len(chosen) > 1:
                row[chosen[1]] = Role.OWN
            matrix.load_roles(tp.id, row)
    if dept_ids:
        matrix.focus_department_id = dept_ids[min(2, len(dept_ids) - 1)]
    matrix.load_finished()
    return matrix


def generate_size(size: str, seed: int = 1) -> Matrix:
    touchpoints, departments = SIZES[size]
    return generate_matrix(touchpoints, departments, seed=seed)
