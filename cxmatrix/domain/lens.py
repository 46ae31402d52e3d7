"""The department lens: the matrix through one department's eyes, with standing advice."""

from __future__ import annotations

from dataclasses import dataclass

from cxmatrix.domain.model import Department, Matrix, Touchpoint
from cxmatrix.domain.roles import Role

ADVICE = {
    Role.OWN: (
        "Create routines and metrics that make each interaction efficient and effective, and "
        "share what this access to customers teaches with the rest of the company."
    ),
    Role.INFLUENCE: (
        "Treat the owning department as an internal customer: learn its needs and help it "
        "reach its goals, and bring what you learn back to the interactions you own."
    ),
    Role.HANDLE: (
        "Run a process for every case: intake, understand, act, communicate, evaluate and "
        "close, with every internal stakeholder included."
    ),
}
NO_ROLE_ADVICE = "Review these touchpoints: should this department have a role? Which one?"


@dataclass(frozen=True, slots=True)
class DepartmentLens:
    department: Department
    own: tuple[Touchpoint, ...]
    influence: tuple[Touchpoint, ...]
    handle: tuple[Touchpoint, ...]
    no_role: tuple[Touchpoint, ...]

    def touchpoints(self, role: Role | None) -> tuple[Touchpoint, ...]:
        return {Role.OWN: self.own, Role.INFLUENCE: self.influence,
                Role.HANDLE: self.handle, None: self.no_role}[role]

    @property
    def counts(self) -> dict[Role | None, int]:
        return {role: len(self.touchpoints(role)) for role in (*Role, None)}

    @staticmethod
    def advice(role: Role | None) -> str:
        return ADVICE[role] if role is not None else NO_ROLE_ADVICE


def department_lens(matrix: Matrix, department_id: int) -> DepartmentLens:
    department = matrix.department(department_id)
    lists: dict[Role | None, list[Touchpoint]] = {role: [] for role in (*Role, None)}
    for tp in matrix.iter_touchpoints():
        lists[matrix.row_roles(tp.id).get(department_id)].append(tp)
    return DepartmentLens(department, tuple(lists[Role.OWN]), tuple(lists[Role.INFLUENCE]),
                          tuple(lists[Role.HANDLE]), tuple(lists[None]))
