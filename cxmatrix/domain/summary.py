"""Counts per department and role, per stage, and for the whole matrix."""

from __future__ import annotations

from dataclasses import dataclass

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role


@dataclass(frozen=True, slots=True)
class StageSummary:
    stage_id: int
    name: str
    touchpoints: int
    single_owner: int
    no_owner: int
    several_owners: int
    owned_by: dict[int, int]  # department id -> touchpoints of this stage it owns


@dataclass(frozen=True, slots=True)
class MatrixSummary:
    touchpoints: int
    departments: int
    stages: int
    single_owner: int
    no_owner: int
    several_owners: int
    by_department: dict[int, dict[Role, int]]
    by_stage: tuple[StageSummary, ...]

    @property
    def single_owner_share(self) -> float:
        """Share of touchpoints with exactly one owner (1.0 for an empty matrix)."""
        return self.single_owner / self.touchpoints if self.touchpoints else 1.0


def summarise(matrix: Matrix) -> MatrixSummary:
    by_department = {d.id: dict.fromkeys(Role, 0) for d in matrix.departments}
    stages = []
    totals = [0, 0, 0]
    for stage in matrix.stages:
        counts = [0, 0, 0]  # single, none, several
        owned_by: dict[int, int] = dict.fromkeys(by_department, 0)
        touchpoints = matrix.touchpoints_in(stage.id)
        for tp in touchpoints:
            owners = 0
            for dept_id, role in matrix.row_roles(tp.id).items():
                by_department[dept_id][role] += 1
                if role is Role.OWN:
                    owners += 1
                    owned_by[dept_id] += 1
            counts[0 if owners == 1 else 1 if owners == 0 else 2] += 1
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        stages.append(StageSummary(stage.id, stage.name, len(touchpoints), counts[0], counts[1],
                                   counts[2], owned_by))
    return MatrixSummary(
        touchpoints=matrix.touchpoint_count,
        departments=len(matrix.departments),
        stages=len(matrix.stages),
        single_owner=totals[0],
        no_owner=totals[1],
        several_owners=totals[2],
        by_department=by_department,
        by_stage=tuple(stages),
    )
