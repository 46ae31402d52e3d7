"""Which state of the matrix the grid shows: today, the target, or today against a snapshot.

The grid model asks its :class:`GridLayer` for the roles of a row and, outside the plain
Current view, for the roles they differ from: in Target the roles shown are the target roles
and the difference is against today; in a comparison the roles shown are today's and the
difference is against the snapshot's. The painter marks every cell whose two roles differ
(target_paint.py); the role keys, the role picker and paste set the target in Target and are
refused while comparing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role

_NO_ROLES: Mapping[int, Role] = {}


class LayerKind(enum.Enum):
    CURRENT = "current"
    TARGET = "target"
    COMPARE = "compare"


@dataclass(frozen=True)
class GridLayer:
    """What the grid shows. ``baseline`` is the snapshot's matrix while comparing."""

    kind: LayerKind = LayerKind.CURRENT
    baseline: Matrix | None = None
    baseline_name: str = ""

    @property
    def marks_differences(self) -> bool:
        return self.kind is not LayerKind.CURRENT

    @property
    def read_only(self) -> bool:
        return self.kind is LayerKind.COMPARE

    @property
    def edits_target(self) -> bool:
        return self.kind is LayerKind.TARGET

    def shown_row(self, matrix: Matrix, touchpoint_id: int) -> Mapping[int, Role]:
        """The roles the grid shows on one touchpoint, by department id."""
        if self.kind is LayerKind.TARGET:
            return matrix.target_row(touchpoint_id)
        return matrix.roles.get(touchpoint_id, _NO_ROLES)

    def other_row(self, matrix: Matrix, touchpoint_id: int) -> Mapping[int, Role] | None:
        """The roles the shown ones are compared with (today in Target, the snapshot's while
        comparing); None in Current, or for a touchpoint the snapshot does not have."""
        if self.kind is LayerKind.TARGET:
            return matrix.roles.get(touchpoint_id, _NO_ROLES)
        if self.kind is LayerKind.COMPARE and self.baseline is not None:
            if not self.baseline.has_touchpoint(touchpoint_id):
                return None
            return self.baseline.roles.get(touchpoint_id, _NO_ROLES)
        return None

    def is_new_row(self, matrix: Matrix, touchpoint_id: int) -> bool:
        """While comparing: a touchpoint added since the snapshot."""
        return (self.kind is LayerKind.COMPARE and self.baseline is not None
                and not self.baseline.has_touchpoint(touchpoint_id))

    def shown_role(self, matrix: Matrix, touchpoint_id: int, department_id: int) -> Role | None:
        return self.shown_row(matrix, touchpoint_id).get(department_id)

    def difference(self, matrix: Matrix, touchpoint_id: int, department_id: int
                   ) -> tuple[Role | None, Role | None] | None:
        """(before, after) where the cell's two roles differ, else None."""
        if not self.marks_differences:
            return None
        other = self.other_row(matrix, touchpoint_id)
        if other is None:
            return None
        before = other.get(department_id)
        after = self.shown_row(matrix, touchpoint_id).get(department_id)
        if not self.compares_department(department_id):
            return None
        return (before, after) if before is not after else None

    def compares_department(self, department_id: int) -> bool:
        """False for a department added since the snapshot (its column is all new)."""
        return not (self.kind is LayerKind.COMPARE and self.baseline is not None
                    and not self.baseline.has_department(department_id))

    def changed_touchpoints(self, matrix: Matrix) -> set[int]:
        """Touchpoints with a difference to show (the "only planned changes" filter): in
        Target and Current the planned changes and planned touchpoints, while comparing the
        touchpoints that differ from the snapshot or are new since."""
        if self.kind is LayerKind.COMPARE and self.baseline is not None:
            base = self.baseline
            departments = [d.id for d in matrix.departments if base.has_department(d.id)]
            changed = set()
            for tp in matrix.iter_touchpoints():
                if not base.has_touchpoint(tp.id):
                    changed.add(tp.id)
                    continue
                now = matrix.roles.get(tp.id, _NO_ROLES)
                then = base.roles.get(tp.id, _NO_ROLES)
                if any(now.get(d) is not then.get(d) for d in departments):
                    changed.add(tp.id)
            return changed
        planned = {tid for tid, row in matrix.targets.items()
                   if any(matrix.is_planned_change(tid, did) for did in row)}
        return planned | set(matrix.planned_touchpoints)


CURRENT_LAYER = GridLayer()
TARGET_LAYER = GridLayer(LayerKind.TARGET)
