"""The tables of a .cxm file, its identity and its schema versions.

A .cxm file is a SQLite database used as an application file format: ``application_id`` says
it is ours, ``user_version`` says which schema it has, and ``format.MIGRATIONS`` bring any
earlier version up to date inside one transaction. SQLModel defines the tables; the store
writes through SQLAlchemy Core statements over them (see ``sql``).
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class MatrixRow(SQLModel, table=True):
    __tablename__ = "matrix"
    id: int = Field(default=1, primary_key=True)
    title: str = ""
    organisation: str = ""
    description: str = ""
    focus_department_id: int | None = None
    created: str = ""
    modified: str = ""


class StageRow(SQLModel, table=True):
    __tablename__ = "stage"
    id: int = Field(primary_key=True)
    name: str
    position: int


class DepartmentRow(SQLModel, table=True):
    __tablename__ = "department"
    id: int = Field(primary_key=True)
    name: str
    code: str = ""
    lead: str = ""
    position: int


class TouchpointRow(SQLModel, table=True):
    __tablename__ = "touchpoint"
    id: int = Field(primary_key=True)
    stage_id: int = Field(index=True)
    position: int
    name: str
    category: str = ""
    channel: str = ""
    description: str = ""
    peak: bool = False
    is_end: bool = False
    metric: str = ""
    notes: str = ""


class CellRow(SQLModel, table=True):
    """One non-empty cell: a role letter (O, I, H or NULL) and a note."""

    __tablename__ = "cell"
    __table_args__ = {"sqlite_with_rowid": False}
    touchpoint_id: int = Field(primary_key=True)
    department_id: int = Field(primary_key=True, index=True)
    role: str | None = None
    note: str = ""


TABLES = {
    "matrix": MatrixRow,
    "stage": StageRow,
    "department": DepartmentRow,
    "touchpoint": TouchpointRow,
    "cell": CellRow,
}
