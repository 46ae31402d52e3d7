"""The tables of a .cxm file: the one place where tables and columns are defined.

A .cxm file is a SQLite database used as an application file format: ``application_id`` says
it is ours, ``user_version`` says which schema it has, and older versions are rebuilt to this
schema on open (``migrate``). Every statement the store runs is built from these SQLModel
tables: the writes as SQLAlchemy Core statements (``sql``), the reads and bulk inserts as SQL
text compiled from them once (``statements``, generated, so opening a file needs no
SQLAlchemy).

Conventions the store relies on (checked by tests): a table's columns without ``position``
are, in order, the fields of its domain entity (the order of stages, departments and
touchpoints is kept in ``position``); ``max_length`` is the longest text a column may hold,
checked when a file is loaded; ``info["values"]`` are the only values a column may hold
(checked by the loader); a column with a ``server_default`` may be missing from a file of an
older format (the rebuild fills it in).
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from cxmatrix.domain.limits import (
    MAX_DEPARTMENTS,
    MAX_NAME_LENGTH,
    MAX_ROLE_CELLS,
    MAX_STAGES,
    MAX_TEXT_LENGTH,
    MAX_TOUCHPOINTS,
)
from cxmatrix.domain.model import MAX_CODE_LENGTH
from cxmatrix.store.format import ROLE_CODES

ORDER_COLUMN = "position"  # where a table keeps the order of its rows (not a domain field)
_EMPTY = {"server_default": ""}
_FALSE = {"server_default": "0"}


class StageRow(SQLModel, table=True):
    __tablename__ = "stage"
    id: int = Field(primary_key=True)
    name: str = Field(max_length=MAX_NAME_LENGTH)
    position: int


class DepartmentRow(SQLModel, table=True):
    __tablename__ = "department"
    id: int = Field(primary_key=True)
    name: str = Field(max_length=MAX_NAME_LENGTH)
    code: str = Field(default="", max_length=MAX_CODE_LENGTH, sa_column_kwargs=_EMPTY)
    lead: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    position: int


class MatrixRow(SQLModel, table=True):
    __tablename__ = "matrix"
    id: int = Field(default=1, primary_key=True)
    title: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    organisation: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    description: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)
    prepared_by: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    focus_department_id: int | None = Field(default=None, foreign_key="department.id",
                                            ondelete="SET NULL")
    created: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    modified: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)


class TouchpointRow(SQLModel, table=True):
    __tablename__ = "touchpoint"
    id: int = Field(primary_key=True)
    stage_id: int = Field(index=True, foreign_key="stage.id", ondelete="CASCADE")
    position: int
    name: str = Field(max_length=MAX_NAME_LENGTH)
    category: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    channel: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    description: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)
    peak: bool = Field(default=False, sa_column_kwargs=_FALSE)
    is_end: bool = Field(default=False, sa_column_kwargs=_FALSE)
    metric: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)
    notes: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)


class CellRow(SQLModel, table=True):
    """One non-empty cell: a role letter (O, I, H or NULL) and a note."""

    __tablename__ = "cell"
    __table_args__ = {"sqlite_with_rowid": False}
    touchpoint_id: int = Field(primary_key=True, foreign_key="touchpoint.id",
                               ondelete="CASCADE")
    department_id: int = Field(primary_key=True, index=True, foreign_key="department.id",
                               ondelete="CASCADE")
    role: str | None = Field(default=None, max_length=1,
                             sa_column_kwargs={"info": {"values": tuple(ROLE_CODES.values())}})
    note: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)


# In the order they are created and filled: every table after the tables it refers to.
TABLES: dict[str, type[SQLModel]] = {
    "stage": StageRow,
    "department": DepartmentRow,
    "matrix": MatrixRow,
    "touchpoint": TouchpointRow,
    "cell": CellRow,
}

# The most rows a table may hold: a file with more is refused from its counts, before loading.
MAX_ROWS: dict[type[SQLModel], int] = {
    StageRow: MAX_STAGES,
    DepartmentRow: MAX_DEPARTMENTS,
    MatrixRow: 1,
    TouchpointRow: MAX_TOUCHPOINTS,
    CellRow: MAX_ROLE_CELLS,
}
