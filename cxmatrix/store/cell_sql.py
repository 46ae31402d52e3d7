"""The writes of a cell edit on plain sqlite3, the most frequent edit of all.

Setting a role or a note is written with three statements compiled once from the tables
(``statements.EDIT_*``), which sqlite3 keeps prepared in its statement cache: no SQLAlchemy
(so the first edit after opening a file does not wait for it to import), no per-edit
statement building, and nothing checked again that the domain has checked already.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.store import statements as st
from cxmatrix.store.format import ROLE_CODES


def write_cells(connection: sqlite3.Connection, matrix: Matrix,
                pairs: Iterable[tuple[int, int]]) -> None:
    """Write the current state of these (touchpoint, department) cells, inside the caller's
    transaction: an upsert for a cell with a role or a note, a delete for an empty one."""
    if isinstance(pairs, tuple) and len(pairs) == 1:  # one cell edited: the usual case
        ((tid, did),) = pairs
        role = matrix.role(tid, did)
        note = matrix.note(tid, did)
        if role is None and not note:
            connection.execute(st.EDIT_CELL_DELETE, {"tid": tid, "did": did})
        else:
            connection.execute(st.EDIT_CELL_UPSERT, {
                "tid": tid, "did": did, "cell_note": note,
                "cell_role": _CODES[role] if role is not None else None})
        return
    upserts: list[dict[str, object]] = []
    deletes: list[dict[str, object]] = []
    for tid, did in dict.fromkeys(pairs):
        cell = matrix.cell(tid, did)
        if cell.is_empty:
            deletes.append({"tid": tid, "did": did})
        else:
            upserts.append({"tid": tid, "did": did, "cell_note": cell.note,
                            "cell_role": ROLE_CODES[cell.role.value] if cell.role else None})
    if len(upserts) == 1:
        connection.execute(st.EDIT_CELL_UPSERT, upserts[0])
    elif upserts:
        connection.executemany(st.EDIT_CELL_UPSERT, upserts)
    if len(deletes) == 1:
        connection.execute(st.EDIT_CELL_DELETE, deletes[0])
    elif deletes:
        connection.executemany(st.EDIT_CELL_DELETE, deletes)


_CODES = {role: ROLE_CODES[role.value] for role in Role}


def touch_modified(connection: sqlite3.Connection, when: str) -> None:
    connection.execute(st.EDIT_TOUCH_MODIFIED, {"when": when})
