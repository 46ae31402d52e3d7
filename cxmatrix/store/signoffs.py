"""Reading and writing the departments' sign-offs in a .cxm file (format 6).

Kept beside ``load`` (which calls ``load_signoffs`` and ``write_signoffs``), like ``plan``.
A record is one row of ``signoff`` (state, lead, day, the fingerprints of what was agreed),
its basis in ``signoff_basis`` and its disputed cells in ``signoff_dispute``, both in order.
Nothing in a file is trusted: the queries come from ``statements`` (they skip values of the
wrong storage class or length, and the check query names the first), a state, a role and a
day must be one, a disputed cell's touchpoint must exist, and the stored fingerprint must be
that of the stored basis (a basis edited behind cxmatrix's back would otherwise pass for
what the lead agreed to).

An open document writes a department's record by deleting its row (its basis and disputes
cascade) and inserting it again as the matrix holds it (``replace_signoffs``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import STORED_STATES, BasisCell, Dispute, SignOff, SignOffState
from cxmatrix.store import statements as st
from cxmatrix.store.format import ROLE_CODES
from cxmatrix.store.plan import _damaged, _rows

_ROLE_BY_CODE = {code: Role(value) for value, code in ROLE_CODES.items()}
_CODE_OF = {Role(value): code for value, code in ROLE_CODES.items()}
_ROLE_LETTERS = ", ".join(ROLE_CODES.values())
SIGNOFF_TABLES = ("signoff", "signoff_basis", "signoff_dispute")


def _role(path: Path, table: str, key: tuple[object, ...], code: object) -> Role | None:
    if code is None:
        return None
    try:
        return _ROLE_BY_CODE[code]  # type: ignore[index]
    except (KeyError, TypeError):
        raise _damaged(path, table, key, f"{code!r} is not a role ({_ROLE_LETTERS})") from None


def load_signoffs(connection: sqlite3.Connection, matrix: Matrix, path: Path) -> None:
    """Read the sign-off records into ``matrix`` (whose structure is loaded)."""
    heads = _rows(connection, path, "signoff")
    if not heads:
        for table in SIGNOFF_TABLES[1:]:
            rows = _rows(connection, path, table)
            if rows:
                raise _damaged(path, table, tuple(rows[0][:2]),
                               f"department {rows[0][0]!r} has no sign-off")
        return
    basis: dict[int, list[BasisCell]] = {}
    for did, tid, current, target in _rows(connection, path, "signoff_basis"):
        key = (did, tid)
        basis.setdefault(did, []).append(BasisCell(
            tid, _role(path, "signoff_basis", key, current),
            _role(path, "signoff_basis", key, target)))
    disputes: dict[int, list[Dispute]] = {}
    for did, tid, comment, proposed in _rows(connection, path, "signoff_dispute"):
        key = (did, tid)
        if not matrix.has_touchpoint(tid):
            raise _damaged(path, "signoff_dispute", key, f"touchpoint {tid!r} does not exist")
        disputes.setdefault(did, []).append(
            Dispute(tid, comment, _role(path, "signoff_dispute", key, proposed)))
    records: dict[int, SignOff] = {}
    for did, state, lead, dated, touchpoint_set, fingerprint in heads:
        if not matrix.has_department(did):
            raise _damaged(path, "signoff", (did,), f"department {did!r} does not exist")
        if state not in STORED_STATES:
            raise _damaged(path, "signoff", (did,), f"{state!r} is not a sign-off state "
                                                    f"({', '.join(STORED_STATES)})")
        try:
            day = date.fromisoformat(dated) if dated else None
        except ValueError:
            raise _damaged(path, "signoff", (did,), f"{dated!r} is not a date") from None
        record = SignOff(SignOffState(state), lead, day, tuple(basis.pop(did, ())),
                         touchpoint_set, tuple(disputes.pop(did, ())))
        if record.fingerprint != fingerprint:
            raise _damaged(path, "signoff", (did,),
                           "its basis does not match its fingerprint")
        records[did] = record
    for table, left in (("signoff_basis", basis), ("signoff_dispute", disputes)):
        if left:
            did = min(left)
            raise _damaged(path, table, (did, left[did][0].touchpoint_id),
                           f"department {did!r} has no sign-off")
    matrix.load_signoffs(records)


def _code(role: Role | None) -> str | None:
    return _CODE_OF[role] if role is not None else None


def signoff_rows(matrix: Matrix, department_ids: Iterable[int]
                 ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]],
                            list[tuple[object, ...]]]:
    """The rows of ``signoff``, ``signoff_basis`` and ``signoff_dispute`` for these
    departments' records as the matrix holds them (disputes of touchpoints removed since are
    left out: the database removed them with their touchpoint)."""
    heads: list[tuple[object, ...]] = []
    basis: list[tuple[object, ...]] = []
    disputes: list[tuple[object, ...]] = []
    for did in sorted(set(department_ids)):
        record = matrix.signoffs.get(did)
        if record is None or not matrix.has_department(did):
            continue
        heads.append((did, record.state.value, record.lead,
                      record.when.isoformat() if record.when else "", record.touchpoints,
                      record.fingerprint))
        seen: set[int] = set()
        for index, cell in enumerate(record.basis):
            if cell.touchpoint_id not in seen:
                seen.add(cell.touchpoint_id)
                basis.append((did, cell.touchpoint_id, index, _code(cell.current),
                              _code(cell.target)))
        seen = set()
        for index, dispute in enumerate(record.disputes):
            if dispute.touchpoint_id not in seen and matrix.has_touchpoint(dispute.touchpoint_id):
                seen.add(dispute.touchpoint_id)
                disputes.append((did, dispute.touchpoint_id, index, dispute.comment,
                                 _code(dispute.proposed)))
    return heads, basis, disputes


def write_signoffs(connection: sqlite3.Connection, matrix: Matrix,
                   department_ids: Iterable[int] | None = None) -> None:
    """Insert the records of these departments (None: all) into the tables, which hold none
    of them, inside the caller's transaction."""
    ids = matrix.signoffs.keys() if department_ids is None else department_ids
    for table, rows in zip(SIGNOFF_TABLES, signoff_rows(matrix, ids), strict=True):
        if rows:
            connection.executemany(st.INSERT[table], rows)


def replace_signoffs(connection: sqlite3.Connection, matrix: Matrix,
                     department_ids: Iterable[int]) -> None:
    """Write these departments' records as the matrix holds them now (a department without
    one: its row goes), inside the caller's transaction."""
    ids = sorted(set(department_ids))
    if not ids:
        return
    connection.executemany(st.SIGNOFF_DELETE, [{"signoff_department": did} for did in ids])
    write_signoffs(connection, matrix, ids)


def disputing(matrix: Matrix, touchpoint_ids: Iterable[int]) -> set[int]:
    """The departments whose record disputes one of these touchpoints (to write again when
    the touchpoints come back: the database dropped those disputes with them)."""
    tids = set(touchpoint_ids)
    return {did for did, record in matrix.signoffs.items()
            if any(d.touchpoint_id in tids for d in record.disputes)}
