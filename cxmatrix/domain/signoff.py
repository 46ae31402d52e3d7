"""Department sign-off: would the other leaders agree?

Each department's lead reviews that department's column. A department is *not asked* (no
record), *asked* (a review pack was sent: when, to whom), *agreed* (by whom, when, and exactly
what: the department's current and target role on every touchpoint it has a role on, kept as
the ``basis`` and summed up in a fingerprint), or *disputed* (which cells, with the lead's
comment and proposed role). An agreement whose basis differs from the matrix now is *out of
date*; ``changes_since`` says what changed. Pure functions of a matrix and its sign-offs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING

from cxmatrix.domain.roles import Role

if TYPE_CHECKING:
    from cxmatrix.domain.model import Matrix


class SignOffState(Enum):
    NOT_ASKED = "not asked"
    ASKED = "asked"
    AGREED = "agreed"
    DISPUTED = "disputed"


STORED_STATES = (SignOffState.ASKED.value, SignOffState.AGREED.value,
                 SignOffState.DISPUTED.value)
FINGERPRINT_LENGTH = 16  # hexadecimal digits of a fingerprint


@dataclass(frozen=True, slots=True)
class BasisCell:
    """One touchpoint as the lead saw it: the department's role today and at target."""

    touchpoint_id: int
    current: Role | None
    target: Role | None


@dataclass(frozen=True, slots=True)
class Dispute:
    """One cell the lead does not agree with: their comment and the role they propose."""

    touchpoint_id: int
    comment: str = ""
    proposed: Role | None = None


@dataclass(frozen=True, slots=True)
class SignOff:
    """A department's sign-off record (a department without one is not asked).

    ``lead`` is whom the pack went to (asked) or who answered; ``when`` the day of that;
    ``basis`` the department's roles as agreed or disputed, ``touchpoints`` the fingerprint of
    the set of touchpoints then (a touchpoint added or removed makes the agreement out of
    date even where the department has no role).
    """

    state: SignOffState
    lead: str = ""
    when: date | None = None
    basis: tuple[BasisCell, ...] = ()
    touchpoints: str = ""
    disputes: tuple[Dispute, ...] = ()

    def __post_init__(self) -> None:
        if self.state is SignOffState.NOT_ASKED:
            raise ValueError("a sign-off record is asked, agreed or disputed")

    @property
    def fingerprint(self) -> str:
        return basis_fingerprint(self.basis, self.touchpoints)


def _code(role: Role | None) -> str:
    return role.value if role is not None else "-"


def basis_of(matrix: Matrix, department_id: int) -> tuple[BasisCell, ...]:
    """The department's current and target role on every touchpoint where it has one, in
    display order."""
    out = []
    for tp in matrix.iter_touchpoints():
        current = matrix.role(tp.id, department_id)
        target = matrix.target_role(tp.id, department_id)
        if current is not None or target is not None:
            out.append(BasisCell(tp.id, current, target))
    return tuple(out)


def touchpoints_fingerprint(matrix: Matrix) -> str:
    import hashlib  # (here: a matrix without sign-offs never needs it, nor does its start)

    ids = ",".join(str(tp.id) for tp in sorted(matrix.iter_touchpoints(), key=lambda t: t.id))
    return hashlib.sha256(ids.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def basis_fingerprint(basis: Iterable[BasisCell], touchpoints: str) -> str:
    import hashlib

    text = touchpoints + ";" + ";".join(
        f"{c.touchpoint_id}:{_code(c.current)}:{_code(c.target)}"
        for c in sorted(basis, key=lambda c: c.touchpoint_id))
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def department_fingerprint(matrix: Matrix, department_id: int) -> str:
    """What a lead agrees to, summed up: changes whenever the department's roles (current or
    target) or the set of touchpoints change."""
    return basis_fingerprint(basis_of(matrix, department_id), touchpoints_fingerprint(matrix))


def agreement(matrix: Matrix, department_id: int, lead: str, when: date) -> SignOff:
    """The record of a lead agreeing to the department's column as it is now."""
    return SignOff(SignOffState.AGREED, lead, when, basis_of(matrix, department_id),
                   touchpoints_fingerprint(matrix))


@dataclass(frozen=True, slots=True)
class ChangeSince:
    """One thing that changed since the department agreed."""

    touchpoint_id: int | None  # None: the touchpoints themselves (added or removed)
    before: BasisCell | None
    after: BasisCell | None
    text: str


def changes_since(matrix: Matrix, department_id: int, signoff: SignOff
                  ) -> list[ChangeSince]:
    """What changed in the department's column since its basis was taken (empty: still as
    agreed)."""
    if not signoff.basis and not signoff.touchpoints:
        return []
    before = {c.touchpoint_id: c for c in signoff.basis}
    now = {c.touchpoint_id: c for c in basis_of(matrix, department_id)}
    order = {tp.id: i for i, tp in enumerate(matrix.iter_touchpoints())}
    out: list[ChangeSince] = []
    for tid in sorted(before.keys() | now.keys(),
                      key=lambda t: (t not in order, order.get(t, t))):
        old, new = before.get(tid), now.get(tid)
        if old != new:
            out.append(change_text(matrix, tid, old, new))
    if (signoff.touchpoints and touchpoints_fingerprint(matrix) != signoff.touchpoints
            and not any(c.after is None and c.before is not None for c in out)):
        out.append(ChangeSince(None, None, None, "touchpoints were added or removed"))
    return out


def change_text(matrix: Matrix, touchpoint_id: int, old: BasisCell | None,
                new: BasisCell | None) -> ChangeSince:
    """One cell that differs from what was agreed, in words."""
    if not matrix.has_touchpoint(touchpoint_id):
        return ChangeSince(touchpoint_id, old, None, f"touchpoint {touchpoint_id} was removed")
    name = matrix.touchpoint(touchpoint_id).name
    return ChangeSince(touchpoint_id, old, new, f"{name}: {_pair(old)} -> {_pair(new)}")


def _pair(cell: BasisCell | None) -> str:
    if cell is None:
        return "no role"
    if cell.current is cell.target:
        return _name(cell.current)
    return f"{_name(cell.current)} (target {_name(cell.target)})"


def _name(role: Role | None) -> str:
    return role.name.lower() if role is not None else "no role"


@dataclass(frozen=True, slots=True)
class DepartmentSignOff:
    """A department's sign-off as it stands now: its state, whether out of date, what
    changed since."""

    department_id: int
    state: SignOffState
    record: SignOff | None
    changes: tuple[ChangeSince, ...] = ()

    @property
    def out_of_date(self) -> bool:
        return self.state is SignOffState.AGREED and bool(self.changes)

    @property
    def agreed(self) -> bool:
        """Agreed and still as agreed."""
        return self.state is SignOffState.AGREED and not self.changes

    @property
    def label(self) -> str:
        if self.out_of_date:
            return "out of date"
        return self.state.value


def department_signoff(matrix: Matrix, department_id: int) -> DepartmentSignOff:
    record = matrix.signoffs.get(department_id)
    if record is None:
        return DepartmentSignOff(department_id, SignOffState.NOT_ASKED, None)
    changes: tuple[ChangeSince, ...] = ()
    if record.state is SignOffState.AGREED:
        changes = tuple(changes_since(matrix, department_id, record))
    return DepartmentSignOff(department_id, record.state, record, changes)


def signoff_status(matrix: Matrix) -> list[DepartmentSignOff]:
    """Every department's sign-off, left to right (one pass over the cells for all of
    them: ``signoff_index``)."""
    from cxmatrix.domain.signoff_index import SignOffIndex

    return SignOffIndex(matrix).statuses()


def departments_with_a_role(matrix: Matrix) -> list[int]:
    """Departments with a role today or at target on some touchpoint (those whose agreement
    the matrix needs)."""
    have: set[int] = set()
    for tp in matrix.iter_touchpoints():
        have.update(matrix.row_roles(tp.id))
        have.update(matrix.target_row(tp.id))
    return [d.id for d in matrix.departments if d.id in have]


def matrix_agreed(matrix: Matrix, error_count: int) -> bool:
    """The matrix is agreed as a whole: every department with a role agreed (and its
    agreement is not out of date), and no error finding remains."""
    if error_count:
        return False
    needed = departments_with_a_role(matrix)
    by_id = {s.department_id: s for s in signoff_status(matrix)}
    return bool(needed) and all(by_id[d].agreed for d in needed)


def possessive(name: str) -> str:
    """"Sales'", "Legal's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def short_day(when: date | None) -> str:
    """"14 Jan"."""
    return f"{when.day} {when:%b}" if when is not None else "?"



def medium_day(when: date) -> str:
    """"3 Dec 2026" (no leading zero, as the other days the window and the PDF write)."""
    return f"{when.day} {when:%b %Y}"


def long_day(when: date | None) -> str:
    return f"{when.day} {when:%B %Y}" if when is not None else "an unknown day"


def summary_sentence(matrix: Matrix, statuses: list[DepartmentSignOff] | None = None) -> str:
    """'6 of 9 departments agreed; Legal disputes 2 touchpoints; Sales' agreement is out of
    date (3 changes since 14 Jan); Professional Services has not answered (sent 1 Dec)'.
    ``statuses``: ``signoff_status`` when the caller has it."""
    needed = departments_with_a_role(matrix) or [d.id for d in matrix.departments]
    return summary_of(matrix, signoff_status(matrix) if statuses is None else statuses, needed)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _names_or_count(names: list[str]) -> str:
    """"Legal", "Legal and Sales", "Legal, Sales and Finance", "4 departments"."""
    if len(names) > 3:
        return f"{len(names)} departments"
    return _names_and(names)


NAMED_DISPUTES = 3  # touchpoints named in a dispute before "and N more"


def disputes_phrase(count: int) -> str:
    """"disputes 2 touchpoints": what a department's dispute is, in every view's words."""
    return f"disputes {_plural(count, 'touchpoint')}"


def disputed_touchpoints(matrix: Matrix, record: SignOff, shown: int = NAMED_DISPUTES) -> str:
    """The touchpoints a dispute is about, by name: "Checkout", "Checkout and Invoice",
    "Checkout, Invoice, Renewal and 2 more" (those removed since are left out)."""
    names = [matrix.touchpoint(d.touchpoint_id).name for d in _live_disputes(matrix, record)]
    if len(names) <= shown:
        return _names_and(names)
    return ", ".join(names[:shown]) + f" and {len(names) - shown:,} more"


def _names_and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def summary_of(matrix: Matrix, statuses: Iterable[DepartmentSignOff],
               needed: Iterable[int]) -> str:
    """The summary sentence over the ``needed`` departments, from their sign-offs as the
    caller keeps them (the Sign-off panel: ``SignOffIndex``). Every needed department is
    accounted for: agreed, disputed, out of date, asked and not answered, or not asked."""
    by_id = {s.department_id: s for s in statuses}
    chosen = [by_id[d] for d in needed if d in by_id]
    agreed = sum(1 for s in chosen if s.agreed)
    parts = [f"{agreed} of {len(chosen)} departments agreed"]
    for s in chosen:
        name = matrix.department(s.department_id).name
        if s.state is SignOffState.DISPUTED and s.record is not None:
            parts.append(f"{name} {disputes_phrase(len(s.record.disputes))}")
    for s in chosen:
        if s.out_of_date and s.record is not None:
            owner = possessive(matrix.department(s.department_id).name)
            since = f" since {short_day(s.record.when)}" if s.record.when else " since"
            parts.append(f"{owner} agreement is out of date "
                         f"({_plural(len(s.changes), 'change')}{since})")
    waiting = [s for s in chosen if s.state is SignOffState.ASKED]
    if waiting:
        names = [matrix.department(s.department_id).name for s in waiting]
        days = sorted({s.record.when for s in waiting
                       if s.record is not None and s.record.when is not None})
        verb = "has" if len(waiting) == 1 else "have"
        sent = ""
        if days:
            sent = (f" (sent {short_day(days[0])})" if len(days) == 1
                    else f" (sent {short_day(days[0])} to {short_day(days[-1])})")
        parts.append(f"{_names_or_count(names)} {verb} not answered yet{sent}")
    unasked = [matrix.department(s.department_id).name for s in chosen
               if s.state is SignOffState.NOT_ASKED]
    if unasked:
        verb = "was" if len(unasked) == 1 else "were"
        parts.append(f"{_names_or_count(unasked)} {verb} not asked")
    return "; ".join(parts)


def asked_phrase(record: SignOff) -> str:
    """Where an 'asked' record stands, in the words every view uses: "review pack sent to
    Rahul Mehta on 1 December 2026" (the lead is whom it went to, not who asked)."""
    lead = " ".join(record.lead.split())
    to = f" to {lead}" if lead else ""
    return f"review pack sent{to} on {long_day(record.when)}"


def resend_note(status: DepartmentSignOff) -> str | None:
    """What sending the department a new review pack replaces (None: nothing worth keeping):
    "replaces the agreement of 14 Jan, up to date", "replaces the dispute of 24 Nov (2
    touchpoints)". The new pack makes the department asked; Undo brings the record back."""
    record = status.record
    if record is None or record.state is SignOffState.ASKED:
        return None
    # A returned pack may leave its date empty: "the dispute (1 touchpoint)", not "of ?".
    of_day = f" of {short_day(record.when)}" if record.when else ""
    if status.agreed:
        return f"replaces the agreement{of_day}, up to date"
    if status.out_of_date:
        return (f"replaces the agreement{of_day} "
                f"({_plural(len(status.changes), 'change')} since)")
    return (f"replaces the dispute{of_day} "
            f"({_plural(len(record.disputes), 'touchpoint')})")


def signoff_line(matrix: Matrix, department_id: int) -> str | None:
    """'Agreed by Maren Lindqvist on 14 January 2026' (None: not agreed as it is now)."""
    status = department_signoff(matrix, department_id)
    if not status.agreed or status.record is None:
        return None
    lead = status.record.lead or "the lead"
    return f"Agreed by {lead} on {long_day(status.record.when)}"


SIGNOFF_HEADER = ("Department", "Lead", "State", "Date", "Disputes", "Changes since")
DISPUTE_HEADER = ("Department", "Touchpoint", "Role today", "Proposed role", "Comment")


def signoff_rows(matrix: Matrix, statuses: list[DepartmentSignOff] | None = None
                 ) -> list[tuple[str, ...]]:
    """The rows of a workbook's Sign-off sheet (writer-neutral): a header row, then one row per
    department: name, lead, state, ISO date, how many touchpoints it disputes
    (``dispute_rows`` has each of them with its comment) and what changed since it agreed
    (one change a line). ``statuses``: ``signoff_status`` when the caller has it."""
    rows: list[tuple[str, ...]] = [SIGNOFF_HEADER]
    for status in signoff_status(matrix) if statuses is None else statuses:
        dept = matrix.department(status.department_id)
        record = status.record
        disputed = len(_live_disputes(matrix, record))
        rows.append((
            dept.name,
            (record.lead if record is not None and record.lead else dept.lead),
            status.label,
            record.when.isoformat() if record is not None and record.when else "",
            _plural(disputed, "touchpoint") if disputed else "",
            "\n".join(c.text for c in status.changes),
        ))
    return rows


def _live_disputes(matrix: Matrix, record: SignOff | None) -> list[Dispute]:
    """The record's disputes of touchpoints that still exist."""
    if record is None:
        return []
    return [d for d in record.disputes if matrix.has_touchpoint(d.touchpoint_id)]


def dispute_rows(matrix: Matrix, statuses: list[DepartmentSignOff] | None = None
                 ) -> list[tuple[str, ...]]:
    """One row per disputed cell, departments left to right (writer-neutral, no header):
    department, touchpoint, the department's role there today, the role the lead proposes,
    and the lead's comment (``statuses``: ``signoff_status`` when the caller has it)."""
    rows: list[tuple[str, ...]] = []
    for status in signoff_status(matrix) if statuses is None else statuses:
        name = matrix.department(status.department_id).name
        for dispute in _live_disputes(matrix, status.record):
            today = matrix.role(dispute.touchpoint_id, status.department_id)
            rows.append((name, matrix.touchpoint(dispute.touchpoint_id).name,
                         today.label if today is not None else "no role",
                         dispute.proposed.label if dispute.proposed is not None else "no role",
                         dispute.comment))
    return rows


def json_state(matrix: Matrix) -> list[dict[str, object]]:
    """Each department's sign-off as it stands now, by name, for ``check --json`` (the JSON
    format keeps the records themselves: ``interchange/json/signoffs``)."""
    out: list[dict[str, object]] = []
    for status in signoff_status(matrix):
        record = status.record
        entry: dict[str, object] = {
            "department": matrix.department(status.department_id).name,
            "state": status.label,
        }
        if record is not None:
            entry["lead"] = record.lead
            entry["date"] = record.when.isoformat() if record.when else None
            if record.state is SignOffState.AGREED:
                entry["fingerprint"] = record.fingerprint
            if status.changes:
                entry["changes_since"] = [c.text for c in status.changes]
            if record.disputes:
                entry["disputes"] = [
                    {"touchpoint": matrix.touchpoint(d.touchpoint_id).name
                     if matrix.has_touchpoint(d.touchpoint_id) else None,
                     "comment": d.comment,
                     "proposed": d.proposed.name.lower() if d.proposed else None}
                    for d in record.disputes]
        out.append(entry)
    return out


def valid_signoffs(matrix: Matrix, signoffs: Mapping[int, SignOff]) -> dict[int, SignOff]:
    """The records whose department exists, with disputes of touchpoints that are gone left
    out (a loaded file is checked by the store; this is for copies between matrices)."""
    out = {}
    for did, record in signoffs.items():
        if matrix.has_department(did):
            disputes = tuple(d for d in record.disputes if matrix.has_touchpoint(d.touchpoint_id))
            out[did] = SignOff(record.state, record.lead, record.when, record.basis,
                               record.touchpoints, disputes)
    return out
