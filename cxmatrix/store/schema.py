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
older format (the rebuild fills it in); a column whose ``info["since"]`` is N was added by
format N to a table that already existed (the migration adds it with ALTER TABLE).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Text
from sqlmodel import Field, SQLModel

from cxmatrix.domain.comments import MAX_COMMENT_LENGTH, UID_LENGTH
from cxmatrix.domain.limits import (
    MAX_DEPARTMENTS,
    MAX_NAME_LENGTH,
    MAX_ROLE_CELLS,
    MAX_STAGES,
    MAX_TEXT_LENGTH,
    MAX_TOUCHPOINTS,
)
from cxmatrix.domain.model import MAX_CODE_LENGTH
from cxmatrix.domain.signoff import FINGERPRINT_LENGTH
from cxmatrix.store.format import ROLE_CODES

MAX_UID_LENGTH = 64
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
    uid: str = Field(default="", max_length=MAX_UID_LENGTH,
                     sa_column_kwargs={**_EMPTY, "info": {"since": 6}})


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


# ---- today and target (format 5) ------------------------------------------------------------
#
# The target layer is kept beside the cells, sparse: a target role only where it is set apart
# from the current role, an action only where one is recorded, a planned flag only where it
# is set. ``info["since"]`` is the format that introduced a table: a file of an earlier
# format lacks it, and the migration creates it.

_SINCE_5 = {"info": {"since": 5}}
ACTION_STATUSES = ("planned", "in progress", "done")  # the values of ActionStatus


class CellTargetRow(SQLModel, table=True):
    """A target role set apart from the current role (NULL: no role at target)."""

    __tablename__ = "cell_target"
    __table_args__ = {"sqlite_with_rowid": False, **_SINCE_5}
    touchpoint_id: int = Field(primary_key=True, foreign_key="touchpoint.id",
                               ondelete="CASCADE")
    department_id: int = Field(primary_key=True, index=True, foreign_key="department.id",
                               ondelete="CASCADE")
    role: str | None = Field(default=None, max_length=1,
                             sa_column_kwargs={"info": {"values": tuple(ROLE_CODES.values())}})


class CellActionRow(SQLModel, table=True):
    """The action of a planned change: who drives it, its due date (ISO text), status, note."""

    __tablename__ = "cell_action"
    __table_args__ = {"sqlite_with_rowid": False, **_SINCE_5}
    touchpoint_id: int = Field(primary_key=True, foreign_key="touchpoint.id",
                               ondelete="CASCADE")
    department_id: int = Field(primary_key=True, index=True, foreign_key="department.id",
                               ondelete="CASCADE")
    person: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    due: str = Field(default="", max_length=10, sa_column_kwargs=_EMPTY)
    status: str = Field(default="planned", max_length=11,
                        sa_column_kwargs={"server_default": "planned",
                                          "info": {"values": ACTION_STATUSES}})
    note: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)


class PlannedTouchpointRow(SQLModel, table=True):
    """A touchpoint that exists only at target."""

    __tablename__ = "planned_touchpoint"
    __table_args__ = _SINCE_5
    touchpoint_id: int = Field(primary_key=True, foreign_key="touchpoint.id",
                               ondelete="CASCADE")


class PlannedDepartmentRow(SQLModel, table=True):
    """A department that exists only at target."""

    __tablename__ = "planned_department"
    __table_args__ = _SINCE_5
    department_id: int = Field(primary_key=True, foreign_key="department.id",
                               ondelete="CASCADE")


TABLES.update({
    "cell_target": CellTargetRow,
    "cell_action": CellActionRow,
    "planned_touchpoint": PlannedTouchpointRow,
    "planned_department": PlannedDepartmentRow,
})
MAX_ROWS.update({
    CellTargetRow: MAX_ROLE_CELLS,
    CellActionRow: MAX_ROLE_CELLS,
    PlannedTouchpointRow: MAX_TOUCHPOINTS,
    PlannedDepartmentRow: MAX_DEPARTMENTS,
})


# ---- snapshots (format 5) -------------------------------------------------------------------
#
# A snapshot is one row of ``snapshot`` (its name, when it was taken, a note and the figures
# a list shows without loading it) and a frozen copy of every table above, each copy keyed by
# the snapshot's id in front of the table's own key, with the same columns; the copies are
# made from the tables here (``snapshot_table``), so they never fall out of step; the cells
# alone are kept packed, one row per touchpoint (format 8, below).

MAX_SNAPSHOTS = 1_000


class SnapshotRow(SQLModel, table=True):
    __tablename__ = "snapshot"
    __table_args__ = _SINCE_5
    id: int = Field(primary_key=True)
    name: str = Field(max_length=MAX_NAME_LENGTH)
    taken: str = Field(max_length=40)
    note: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)
    deleted: bool = Field(default=False, sa_column_kwargs=_FALSE)  # kept until closed, for undo
    touchpoints: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    one_owner: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    no_owner: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    several_owners: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    handle_without_own: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    planned_changes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


SNAPSHOT_PREFIX = "snapshot_"


def _snapshot_table(name: str) -> Table:
    source: Table = TABLES[name].__table__  # type: ignore[attr-defined]
    columns = [Column("snapshot_id", Integer, ForeignKey("snapshot.id", ondelete="CASCADE"),
                      primary_key=True)]
    for column in source.columns:
        columns.append(Column(column.name, column.type, primary_key=column.primary_key,
                              nullable=column.nullable, server_default=column.server_default
                              and column.server_default.arg,  # type: ignore[attr-defined]
                              info=dict(column.info)))
    # Small rows (cells) without a rowid, as in the table copied.
    with_rowid = source.dialect_options["sqlite"]["with_rowid"]
    return Table(SNAPSHOT_PREFIX + name, SQLModel.metadata, *columns,
                 sqlite_with_rowid=with_rowid,
                 info={"since": max(5, int(source.info.get("since", 1))), "copy_of": name})




# ---- sign-off (format 6) ----------------------------------------------------------------------
#
# A department's sign-off record (a department without one is not asked): its state, the lead
# it went to or who answered, the day, and the fingerprints of what was agreed. The basis (the
# department's current and target role on each touchpoint as the lead saw it) and the disputed
# cells are kept in order (``position``). A basis cell names its touchpoint without a foreign
# key: the record of what was agreed keeps a touchpoint removed since (the sign-off then says
# it was removed); a dispute goes with its touchpoint.

_SINCE_6 = {"info": {"since": 6}}
SIGNOFF_STATES = ("asked", "agreed", "disputed")  # the values of a stored SignOffState


class SignOffRow(SQLModel, table=True):
    __tablename__ = "signoff"
    __table_args__ = _SINCE_6
    department_id: int = Field(primary_key=True, foreign_key="department.id",
                               ondelete="CASCADE")
    state: str = Field(max_length=8, sa_column_kwargs={"info": {"values": SIGNOFF_STATES}})
    lead: str = Field(default="", max_length=MAX_NAME_LENGTH, sa_column_kwargs=_EMPTY)
    dated: str = Field(default="", max_length=10, sa_column_kwargs=_EMPTY)
    touchpoint_set: str = Field(default="", max_length=FINGERPRINT_LENGTH,
                                sa_column_kwargs=_EMPTY)
    fingerprint: str = Field(default="", max_length=FINGERPRINT_LENGTH, sa_column_kwargs=_EMPTY)


class SignOffBasisRow(SQLModel, table=True):
    """One touchpoint of what a lead agreed to: the department's role today and at target."""

    __tablename__ = "signoff_basis"
    __table_args__ = {"sqlite_with_rowid": False, **_SINCE_6}
    department_id: int = Field(primary_key=True, foreign_key="signoff.department_id",
                               ondelete="CASCADE")
    touchpoint_id: int = Field(primary_key=True)
    position: int
    role: str | None = Field(default=None, max_length=1,
                             sa_column_kwargs={"info": {"values": tuple(ROLE_CODES.values())}})
    target_role: str | None = Field(
        default=None, max_length=1,
        sa_column_kwargs={"info": {"values": tuple(ROLE_CODES.values())}})


class SignOffDisputeRow(SQLModel, table=True):
    """A cell the lead disputes: their comment and the role they propose (NULL: none)."""

    __tablename__ = "signoff_dispute"
    __table_args__ = {"sqlite_with_rowid": False, **_SINCE_6}
    department_id: int = Field(primary_key=True, foreign_key="signoff.department_id",
                               ondelete="CASCADE")
    touchpoint_id: int = Field(primary_key=True, index=True, foreign_key="touchpoint.id",
                               ondelete="CASCADE")
    position: int
    comment: str = Field(default="", max_length=MAX_TEXT_LENGTH, sa_column_kwargs=_EMPTY)
    proposed: str | None = Field(
        default=None, max_length=1,
        sa_column_kwargs={"info": {"values": tuple(ROLE_CODES.values())}})


TABLES.update({
    "signoff": SignOffRow,
    "signoff_basis": SignOffBasisRow,
    "signoff_dispute": SignOffDisputeRow,
})
MAX_ROWS.update({
    SignOffRow: MAX_DEPARTMENTS,
    SignOffBasisRow: MAX_ROLE_CELLS,
    SignOffDisputeRow: MAX_ROLE_CELLS,
})


# ---- comments (format 7) ----------------------------------------------------------------------
#
# ``touchpoint_comment``: a comment on a touchpoint, or on one of its cells (``department_id``
# set): who wrote it, when (ISO 8601, UTC) and what (``body``). It names its touchpoint and
# department without foreign keys: a comment stays with a removed touchpoint or department
# and comes back with it on undo.

_SINCE_7 = {"info": {"since": 7}}
MAX_COMMENTS = 10 * MAX_TOUCHPOINTS


class CommentRow(SQLModel, table=True):
    __tablename__ = "touchpoint_comment"
    __table_args__ = _SINCE_7
    uid: str = Field(primary_key=True, max_length=UID_LENGTH)
    touchpoint_id: int = Field(index=True)
    department_id: int | None = Field(default=None)
    author: str = Field(max_length=MAX_NAME_LENGTH)
    at: str = Field(max_length=40)
    body: str = Field(max_length=MAX_COMMENT_LENGTH)


TABLES["touchpoint_comment"] = CommentRow
MAX_ROWS[CommentRow] = MAX_COMMENTS


# ---- a snapshot's cells, packed (format 8) ----------------------------------------------------
#
# The cells are most of a matrix, and one row per cell in the copy cost 1.5 times the cell
# table's own size (the snapshot id in every row, a b-tree entry per cell). A snapshot keeps
# them packed instead, one row per touchpoint with cells: its department ids as a JSON array,
# the role letters in the same order as one text ("-" for a cell with a note but no role),
# and the notes in the same order as a JSON array, or "" when none of the row's cells has one.
# Packing and unpacking run inside SQLite (json_group_array, json_each): no cell passes
# through Python. Unpacked, the rows are those of ``cell``, read with all the loader's checks.

NO_ROLE_LETTER = "-"
DAMAGED_ROLE_LETTER = "?"  # a value that is not a role: refused when the snapshot is read
_SINCE_8 = {"since": 8, "packs": "cell"}


def _snapshot_cell_pack() -> Table:
    return Table(
        SNAPSHOT_PREFIX + "cell_pack", SQLModel.metadata,
        Column("snapshot_id", Integer, ForeignKey("snapshot.id", ondelete="CASCADE"),
               primary_key=True),
        Column("touchpoint_id", Integer, primary_key=True, autoincrement=False),
        Column("departments", Text, nullable=False),
        Column("roles", Text, nullable=False),
        Column("notes", Text, nullable=False, server_default=""),
        sqlite_with_rowid=False, info=_SINCE_8)


# The snapshot copy of the cells as formats 5 to 7 kept it, one row per cell: not in the
# metadata (no file of format 8 has it), only for the format 7 -> 8 step that packs its rows.
FORMAT_7_SNAPSHOT_CELLS = Table(
    SNAPSHOT_PREFIX + "cell", MetaData(), Column("snapshot_id", Integer),
    Column("touchpoint_id", Integer), Column("department_id", Integer), Column("role", Text),
    Column("note", Text))

SNAPSHOT_TABLES: dict[str, Table] = {
    name: _snapshot_cell_pack() if name == "cell" else _snapshot_table(name) for name in TABLES}
