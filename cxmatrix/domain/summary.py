"""Counts per department and role, per stage, and for the whole matrix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain, repeat
from operator import countOf, methodcaller

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


@dataclass(frozen=True, slots=True)
class OwnerShare:
    """What ``check`` prints of a summary: sizes and the share with exactly one owner."""

    touchpoints: int
    departments: int
    single_owner: int

    @property
    def single_owner_share(self) -> float:
        """As ``MatrixSummary.single_owner_share``."""
        return self.single_owner / self.touchpoints if self.touchpoints else 1.0


def owner_share(matrix: Matrix) -> OwnerShare:
    """The figures of ``summarise`` that ``check`` prints, without counting every cell by
    department and stage (a row with exactly one owner is counted as there)."""
    owners = map(countOf, map(methodcaller("values"), matrix.roles.values()), repeat(Role.OWN))
    single = list(owners).count(1)  # (at C speed: no Python step per row)
    return OwnerShare(matrix.touchpoint_count, len(matrix.departments), single)


def summarise(matrix: Matrix) -> MatrixSummary:
    by_department = {d.id: dict.fromkeys(Role, 0) for d in matrix.departments}
    stages = []
    totals = [0, 0, 0]
    rows = matrix.roles
    own = Role.OWN
    empty: Mapping[int, Role] = {}
    for stage in matrix.stages:
        owned_by: dict[int, int] = dict.fromkeys(by_department, 0)
        touchpoints = matrix.touchpoints_in(stage.id)
        stage_rows = [rows.get(tp.id, empty) for tp in touchpoints]
        # Counted at C speed: (department, role) pairs, and the owners of each row.
        for (dept_id, role), count in Counter(chain.from_iterable(
                row.items() for row in stage_rows)).items():
            by_department[dept_id][role] += count
            if role is own:
                owned_by[dept_id] += count
        owners = Counter([list(row.values()).count(own) for row in stage_rows])
        single, none = owners[1], owners[0]
        counts = [single, none, len(touchpoints) - single - none]  # single, none, several
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
