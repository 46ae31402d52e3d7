"""Today and target as two plain matrices, so every rule and the comparison engine apply to
both unchanged.

A :class:`~cxmatrix.domain.model.Matrix` holds one structure, the current roles and a target
layer (target roles, actions, planned touchpoints and departments). ``current_state`` is the
matrix as it is today: without what exists only at target, and without a plan.
``target_state`` is the matrix as it should be: every target role in place of the current one,
the planned touchpoints and departments established. Both keep the matrix's ids, so comparing
them by id tells a planned touchpoint as added and a planned change as a changed cell.

Neither state carries the departments' sign-offs: a lead agrees to the column's roles today
*and* at target (``signoff.basis_of``), which only the matrix itself holds, so the sign-off
findings are computed on the matrix (``findings.signoff_findings``, counted as today's),
never on a state (there every department with a planned change would look out of date).
"""

from __future__ import annotations

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role


def current_state(matrix: Matrix) -> Matrix:
    """The matrix as it is today: a copy without planned touchpoints, planned departments,
    the target layer and the sign-offs."""
    state = matrix.copy()
    for tid in sorted(matrix.planned_touchpoints):
        state.delete_touchpoint(tid)
    for did in sorted(matrix.planned_departments):
        state.delete_department(did)
    state.load_plan({}, {}, set(), set())
    state.load_signoffs({})
    return state


def target_state(matrix: Matrix) -> Matrix:
    """The matrix as it should be: a copy whose roles are the target roles, with the planned
    touchpoints and departments established, no target layer and no sign-offs."""
    roles = {tid: dict(row) for tid, row in target_roles(matrix).items()}
    state = matrix.copy(roles)
    state.load_plan({}, {}, set(), set())
    state.load_signoffs({})
    return state


def has_planned_structure(matrix: Matrix) -> bool:
    return bool(matrix.planned_touchpoints or matrix.planned_departments)


def target_roles(matrix: Matrix) -> dict[int, dict[int, Role]]:
    """The roles at target by touchpoint: the rows without a planned change are today's own
    row objects (shared, not copied), the others new rows."""
    roles: dict[int, dict[int, Role]] = dict(matrix.roles)  # type: ignore[arg-type]
    for tid, overrides in matrix.targets.items():
        row = dict(roles.get(tid, {}))
        for did, role in overrides.items():
            if role is None:
                row.pop(did, None)
            else:
                row[did] = role
        if row:
            roles[tid] = row
        else:
            roles.pop(tid, None)
    return roles


def state_views(matrix: Matrix) -> tuple[Matrix, Matrix]:
    """Today and target for reading only (see ``Matrix.state_view``): without planned
    structure they share the matrix's containers instead of copying a million cells; with it,
    the copies of ``current_state`` and ``target_state``."""
    if has_planned_structure(matrix):
        return current_state(matrix), target_state(matrix)
    return matrix.state_view(), matrix.state_view(target_roles(matrix))
