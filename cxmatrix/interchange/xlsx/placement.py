"""Where the Matrix sheet puts things, and how far its live ranges reach.

Validation, role colours and the Summary's formulas cover ranges that reach well past the
data (GROW_ROWS rows and GROW_COLUMNS columns), so the rows and the department columns a
colleague adds, at the end or in the middle, are covered too: an insertion inside a range
widens it, in Excel and LibreOffice alike, and one just past the data lands inside the
reach. Cells are 0-based here, as xlsxwriter counts them; Excel's A1 references say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name

from cxmatrix.interchange.xlsx.layout import HEADER_ROW, ID_ROW, TOUCHPOINT_COLUMNS

OWNERS_COLUMN = len(TOUCHPOINT_COLUMNS)  # 0-based: I
ID_COLUMN = OWNERS_COLUMN + 1  # J, hidden
FIRST_ROLE_COLUMN = ID_COLUMN + 1  # K
HEADER_INDEX = HEADER_ROW - 1  # 0-based row of the header
ID_INDEX = ID_ROW - 1
FIRST_DATA_INDEX = HEADER_INDEX + 1
GROW_ROWS = 500
GROW_COLUMNS = 30


def column_name(index: int) -> str:
    return str(xl_col_to_name(index))


@dataclass
class MatrixPlacement:
    """What the Matrix sheet holds where, for the formulas of the other sheets."""

    department_names: list[str]
    last_data_index: int = HEADER_INDEX  # 0-based row of the last stage or touchpoint row
    # (stage name, stage row, touchpoint name, touchpoint row, owner count), 0-based rows.
    touchpoint_rows: list[tuple[str, int, str, int, int]] = field(default_factory=list)
    stage_rows: list[tuple[str, int]] = field(default_factory=list)  # (stage name, row)
    own_counts: list[int] = field(default_factory=list)  # per department, in order
    role_counts: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def department_count(self) -> int:
        return len(self.department_names)

    @property
    def last_role_column(self) -> int:
        """The last department column the live ranges reach (0-based)."""
        return FIRST_ROLE_COLUMN + self.department_count - 1 + GROW_COLUMNS

    @property
    def last_reach_index(self) -> int:
        """The last row the live ranges reach (0-based)."""
        return self.last_data_index + GROW_ROWS

    def roles_ref(self, sheet: str = "") -> str:
        """The reach of the role cells, absolute: Matrix!$K$7:$AX$520."""
        prefix = f"{sheet}!" if sheet else ""
        return (f"{prefix}${column_name(FIRST_ROLE_COLUMN)}${FIRST_DATA_INDEX + 1}:"
                f"${column_name(self.last_role_column)}${self.last_reach_index + 1}")

    def header_ref(self, sheet: str = "") -> str:
        prefix = f"{sheet}!" if sheet else ""
        return (f"{prefix}${column_name(FIRST_ROLE_COLUMN)}${HEADER_ROW}:"
                f"${column_name(self.last_role_column)}${HEADER_ROW}")

    def column_ref(self, column: int, sheet: str = "") -> str:
        prefix = f"{sheet}!" if sheet else ""
        letter = column_name(column)
        return f"{prefix}${letter}${FIRST_DATA_INDEX + 1}:${letter}${self.last_reach_index + 1}"

    def row_roles_ref(self, row_index: int) -> str:
        """One row's role cells, with the row relative so that sorting keeps it right."""
        return (f"${column_name(FIRST_ROLE_COLUMN)}{row_index + 1}:"
                f"${column_name(self.last_role_column)}{row_index + 1}")
