"""The rules of cxmatrix in plain Python: no Qt, no SQL, no file formats.

Import what you need from here; the submodules are an implementation detail.
"""

from cxmatrix.domain.findings import (
    CODES,
    CRITICAL_MOMENT_UNOWNED,
    IDLE_DEPARTMENT,
    NO_OWNER,
    OWNER_WITHOUT_METRIC,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    Finding,
    FindingsIndex,
    compute_findings,
)
from cxmatrix.domain.lens import ADVICE, DepartmentLens, department_lens
from cxmatrix.domain.model import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_STAGES,
    MATRIX_PROPERTIES,
    TOUCHPOINT_FIELDS,
    Cell,
    Department,
    DepartmentSnapshot,
    DomainError,
    Matrix,
    Stage,
    StageSnapshot,
    Touchpoint,
    TouchpointSnapshot,
    derive_code,
    name_key,
)
from cxmatrix.domain.roles import Role, RoleTextError, Severity, parse_role_text
from cxmatrix.domain.summary import MatrixSummary, StageSummary, summarise

__all__ = [
    "ADVICE",
    "CATEGORIES",
    "CHANNELS",
    "CODES",
    "CRITICAL_MOMENT_UNOWNED",
    "DEFAULT_STAGES",
    "IDLE_DEPARTMENT",
    "MATRIX_PROPERTIES",
    "NO_OWNER",
    "OWNER_WITHOUT_METRIC",
    "ROLE_NOT_ESTABLISHED",
    "SEVERAL_OWNERS",
    "TOUCHPOINT_FIELDS",
    "Cell",
    "Department",
    "DepartmentLens",
    "DepartmentSnapshot",
    "DomainError",
    "Finding",
    "FindingsIndex",
    "Matrix",
    "MatrixSummary",
    "Role",
    "RoleTextError",
    "Severity",
    "Stage",
    "StageSnapshot",
    "StageSummary",
    "Touchpoint",
    "TouchpointSnapshot",
    "compute_findings",
    "department_lens",
    "derive_code",
    "name_key",
    "parse_role_text",
    "summarise",
]
