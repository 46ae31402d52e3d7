"""The departments' sign-offs in a JSON document (format 3), as ``store/signoffs.py`` keeps
them in a .cxm file.

    "signoffs": [{"department": <id>, "state": "asked"|"agreed"|"disputed", "lead",
                  "date": "YYYY-MM-DD" or null, "touchpoints": <fingerprint of the set of
                  touchpoints>, "fingerprint": <fingerprint of the basis and that set>,
                  "basis": [{"touchpoint": <id>, "role", "target_role" (only when it
                             differs)}] (only when some),
                  "disputes": [{"touchpoint": <id>, "comment", "proposed"}] (only when some)}]

Departments and touchpoints are named by id, the fingerprints are copied as they are, and
the reader refuses what the store refuses: a state that is not one, an unknown department, a
disputed touchpoint that is not in the document, a fingerprint that is not that of its basis
(a basis edited by hand would otherwise pass for what the lead agreed to). A basis may name a
touchpoint removed since the lead agreed (the agreement is then out of date), as in the file.
"""

from __future__ import annotations

from typing import Any

from cxmatrix.domain.limits import MAX_DEPARTMENTS, MAX_ROLE_CELLS, MAX_TEXT_LENGTH
from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    FINGERPRINT_LENGTH,
    STORED_STATES,
    BasisCell,
    Dispute,
    SignOff,
    SignOffState,
)
from cxmatrix.interchange.json.fields import (
    MAX_ID,
    ROLE_WORDS,
    Where,
    expect,
    read_day,
    read_id,
    read_list,
    read_name,
    read_role,
    read_text,
)


def _role(value: Role | None) -> str | None:
    return value.value if value is not None else None


def signoff_entries(matrix: Matrix) -> list[dict[str, Any]]:
    """The ``signoffs`` list of a matrix, in department order (disputes of touchpoints removed
    since are left out, as the .cxm file leaves them out)."""
    out: list[dict[str, Any]] = []
    for dept in matrix.departments:
        record = matrix.signoffs.get(dept.id)
        if record is None:
            continue
        entry: dict[str, Any] = {
            "department": dept.id, "state": record.state.value, "lead": record.lead,
            "date": record.when.isoformat() if record.when else None,
            "touchpoints": record.touchpoints, "fingerprint": record.fingerprint}
        if record.basis:
            entry["basis"] = [_basis_cell(c) for c in record.basis]
        disputes = [d for d in record.disputes if matrix.has_touchpoint(d.touchpoint_id)]
        if disputes:
            entry["disputes"] = [{"touchpoint": d.touchpoint_id, "comment": d.comment,
                                  "proposed": _role(d.proposed)} for d in disputes]
        out.append(entry)
    return out


def _basis_cell(cell: BasisCell) -> dict[str, Any]:
    out = {"touchpoint": cell.touchpoint_id, "role": _role(cell.current)}
    if cell.target is not cell.current:
        out["target_role"] = _role(cell.target)
    return out


class _Cells:
    """Counts the basis and dispute cells of a document's sign-offs against the limit."""

    def __init__(self, at: Where, where: str) -> None:
        self.at, self.where = at, where
        self.counts = {"basis": 0, "disputes": 0}

    def add(self, key: str, count: int) -> None:
        self.counts[key] += count
        if self.counts[key] > MAX_ROLE_CELLS:
            raise self.at.fail(self.where, f"more than {MAX_ROLE_CELLS:,} {key} cells; at "
                                           f"most {MAX_ROLE_CELLS:,} are allowed")


def read_signoffs(matrix: Matrix, data: dict[str, Any], at: Where, prefix: str = "") -> None:
    """Give ``matrix`` (whose departments and touchpoints are read) the records of the
    document's ``signoffs``; ImportFailed names the entry and field that is wrong."""
    entries = read_list(data, "signoffs", f"{prefix}signoffs", at)
    if len(entries) > MAX_DEPARTMENTS:
        raise at.fail(f"{prefix}signoffs", f"{len(entries):,} sign-offs; at most "
                                           f"{MAX_DEPARTMENTS:,} are allowed")
    cells = _Cells(at, f"{prefix}signoffs")
    records: dict[int, SignOff] = {}
    for number, entry in enumerate(entries, start=1):
        did, record = _read_signoff(matrix, entry, f"{prefix}signoff {number}", at, cells)
        if did in records:
            raise at.fail(f"{prefix}signoff {number}", f"department {did} "
                          f"({matrix.department(did).name}) already has a sign-off")
        records[did] = record
    try:
        matrix.set_signoffs(records.items())
    except DomainError as error:  # (checked above; kept for a rule the model adds)
        raise at.fail(f"{prefix}signoffs", str(error)) from None


def _fingerprint(value: Any, where: str, at: Where) -> str:
    text = read_name(value, where, at)
    if len(text) > FINGERPRINT_LENGTH:
        raise at.fail(where, f"{text[:40]!r} is not a fingerprint (at most "
                             f"{FINGERPRINT_LENGTH} characters)")
    return text


def _read_signoff(matrix: Matrix, entry: Any, where: str, at: Where, cells: _Cells
                  ) -> tuple[int, SignOff]:
    expect(entry, dict, where, at)
    did = read_id(entry.get("department"), f"{where} department", at)
    if not matrix.has_department(did):
        raise at.fail(f"{where} department", f"{did} is not the id of a department in "
                                             "\"departments\"")
    where = f"{where} ({matrix.department(did).name})"
    state = read_name(entry.get("state"), f"{where} state", at)
    if state not in STORED_STATES:
        raise at.fail(f"{where} state", f"{state!r} is not a sign-off state "
                                        f"({', '.join(STORED_STATES)})")
    lead = read_name(entry.get("lead"), f"{where} lead", at)
    when = read_day(entry.get("date"), f"{where} date", at)
    touchpoints = _fingerprint(entry.get("touchpoints"), f"{where} touchpoints", at)
    basis_entries = read_list(entry, "basis", f"{where} basis", at)
    cells.add("basis", len(basis_entries))
    basis = _read_basis(basis_entries, f"{where} basis", at)
    dispute_entries = read_list(entry, "disputes", f"{where} disputes", at)
    cells.add("disputes", len(dispute_entries))
    disputes = _read_disputes(matrix, dispute_entries, f"{where} dispute", at)
    record = SignOff(SignOffState(state), lead, when, basis, touchpoints, disputes)
    stored = _fingerprint(entry.get("fingerprint"), f"{where} fingerprint", at)
    if stored != record.fingerprint:
        raise at.fail(f"{where} fingerprint", f"{stored!r} is not the fingerprint of its "
                      "basis and touchpoints: what the lead agreed to was changed after")
    return did, record


def _optional_role(value: Any, where: str, at: Where) -> Role | None:
    return None if value is None else read_role(value, where, at)


def _read_basis(entries: list[Any], where: str, at: Where) -> tuple[BasisCell, ...]:
    out: list[BasisCell] = []
    seen: set[int] = set()
    for number, value in enumerate(entries, start=1):
        cell = _written_cell(value)
        if cell is None or cell.touchpoint_id in seen:
            cell = _checked_cell(value, f"{where} {number}", at, seen)
        seen.add(cell.touchpoint_id)
        out.append(cell)
    return tuple(out)


_UNCHECKED = object()  # not as the writer writes a role


def _written_role(word: Any) -> Any:
    if word is None:
        return None
    return ROLE_WORDS.get(word, _UNCHECKED) if type(word) is str else _UNCHECKED


def _written_cell(value: Any) -> BasisCell | None:
    """A basis cell exactly as the writer writes it, else None (then checked in full, for
    the message): a basis has a cell for every touchpoint where its department has a role,
    and a large matrix agreed by all its departments has a million of them."""
    if type(value) is not dict:
        return None
    tid = value.get("touchpoint")
    current = _written_role(value.get("role"))
    target = _written_role(value["target_role"]) if "target_role" in value else current
    if (type(tid) is not int or not 1 <= tid <= MAX_ID or current is _UNCHECKED
            or target is _UNCHECKED):
        return None
    return BasisCell(tid, current, target)


def _checked_cell(value: Any, where: str, at: Where, seen: set[int]) -> BasisCell:
    expect(value, dict, where, at)
    tid = read_id(value.get("touchpoint"), f"{where} touchpoint", at)
    if tid in seen:
        raise at.fail(f"{where} touchpoint", f"touchpoint {tid} is already in the basis")
    current = _optional_role(value.get("role"), f"{where} role", at)
    target = (_optional_role(value["target_role"], f"{where} target_role", at)
              if "target_role" in value else current)
    return BasisCell(tid, current, target)


def _read_disputes(matrix: Matrix, entries: list[Any], where: str, at: Where
                   ) -> tuple[Dispute, ...]:
    out: list[Dispute] = []
    seen: set[int] = set()
    for number, value in enumerate(entries, start=1):
        here = f"{where} {number}"
        expect(value, dict, here, at)
        tid = read_id(value.get("touchpoint"), f"{here} touchpoint", at)
        if not matrix.has_touchpoint(tid):
            raise at.fail(f"{here} touchpoint", f"{tid} is not the id of a touchpoint in "
                                                "\"stages\"")
        if tid in seen:
            raise at.fail(f"{here} touchpoint", f"touchpoint {tid} "
                          f"({matrix.touchpoint(tid).name}) is already disputed")
        seen.add(tid)
        out.append(Dispute(tid, read_text(value.get("comment"), f"{here} comment", at,
                                          limit=MAX_TEXT_LENGTH),
                           _optional_role(value.get("proposed"), f"{here} proposed", at)))
    return tuple(out)
