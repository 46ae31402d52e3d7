"""What the leads said in their returned review packs, and what applying it would change.

A review pack asks one department's lead about that department's column (the workbook side is
``interchange.xlsx.review_pack``). The reader turns a returned pack into :class:`PackAnswers`:
what was sent (each row's touchpoint and the department's roles then) and what the lead
filled in. :func:`plan_review` compares that with the matrix now and says, per lead, what
applies: an agreement becomes a sign-off (name and date from the pack), a row answered No a
:class:`Dispute` (which gives a ``disputed`` finding), a proposed role a target change the
user accepts or rejects one by one. A pack for another matrix or department, or one older
than a later change to the same cells, is refused, naming the file and the cell; a half-filled
pack says what is missing (an unanswered row is not agreement). Pure: no file library here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    BasisCell,
    Dispute,
    SignOff,
    SignOffState,
    basis_fingerprint,
    possessive,
    touchpoints_fingerprint,
)

MAX_LISTED = 6  # rows named in one message


@dataclass(frozen=True, slots=True)
class SentRow:
    """One row of the pack as sent: the touchpoint and the department's roles then."""

    touchpoint_id: int
    name: str
    current: Role | None
    target: Role | None


@dataclass(frozen=True, slots=True)
class RowAnswer:
    """What the lead filled in on one row (``agree`` None: not answered; ``proposed`` set:
    a role proposed, ``no_role`` True: proposing that the department have none)."""

    touchpoint_id: int
    row: int  # the sheet's row number, for messages
    agree: bool | None
    proposed: Role | None = None
    no_role: bool = False
    comment: str = ""

    @property
    def proposes(self) -> bool:
        return self.proposed is not None or self.no_role


@dataclass(frozen=True)
class PackAnswers:
    """A returned pack as read: where it came from, what was sent, what the lead said."""

    file: str
    sheet: str  # the review sheet's name as found (it may have been renamed)
    matrix_uid: str
    department_id: int
    department_name: str
    sent_to: str
    sent_on: date | None
    touchpoints: str  # the touchpoints' fingerprint when sent
    sent: tuple[SentRow, ...]
    answers: tuple[RowAnswer, ...]
    whole: bool | None  # "I agree with this column as a whole"
    lead: str
    day: date | None
    whole_cell: str
    lead_cell: str
    day_cell: str
    problems: tuple[str, ...] = ()  # values that could not be read (named by cell)
    ignored: tuple[str, ...] = ()  # edits outside the cells to fill, not taken
    shown_department: str = ""  # the department named on the sheet itself

    def where(self, cell: str) -> str:
        return f"{self.file}: sheet {self.sheet!r}, cell {cell}"


@dataclass(frozen=True, slots=True)
class ProposedChange:
    """A target role a lead proposes, for the user to accept or reject."""

    key: str
    file: str
    touchpoint_id: int
    department_id: int
    before: Role | None  # the target now
    proposed: Role | None
    comment: str
    text: str
    where: str


@dataclass(frozen=True)
class LeadPlan:
    """What one pack says and what applying it would do."""

    file: str
    department_id: int | None
    department: str
    lead: str
    refused: str = ""  # why the pack is not taken at all ("" when it is)
    signoff: SignOff | None = None  # the record to set (None: none to set)
    agreed: bool = False
    disputes: tuple[Dispute, ...] = ()
    proposals: tuple[ProposedChange, ...] = ()
    missing: tuple[str, ...] = ()  # what a half-filled pack leaves unanswered
    flags: tuple[str, ...] = ()  # taken, but worth knowing (ignored edits, changes since)
    already: bool = False  # the sign-off record is already as the pack says

    @property
    def summary(self) -> str:
        if self.refused:
            return f"{self.file}: refused: {self.refused}"
        who = self.lead or "the lead"
        if self.agreed:
            text = f"{who} agrees with {possessive(self.department)} column"
        elif self.disputes:
            n = len(self.disputes)
            text = f"{who} disputes {n} touchpoint{'s' if n != 1 else ''} of {self.department}"
        elif self.missing:
            text = f"{self.department}: the pack is not complete"
        else:
            text = f"{who} does not agree with {possessive(self.department)} column"
        if self.already:
            text += " (already recorded)"
        return text


@dataclass(frozen=True)
class ReviewPlan:
    """Every returned pack's plan, in the order given."""

    leads: tuple[LeadPlan, ...]
    notices: tuple[str, ...] = field(default=())

    @property
    def proposals(self) -> list[ProposedChange]:
        return [p for lead in self.leads for p in lead.proposals]

    @property
    def refused(self) -> list[LeadPlan]:
        return [lead for lead in self.leads if lead.refused]

    def changes(self, accepted: Iterable[str] = ()
                ) -> tuple[list[tuple[int, SignOff | None]], list[tuple[int, int, Role | None]]]:
        """The sign-off records and target roles to set, given the keys of the accepted
        proposals; both empty when applying changes nothing."""
        keys = set(accepted)
        signoffs: list[tuple[int, SignOff | None]] = []
        targets: list[tuple[int, int, Role | None]] = []
        for lead in self.leads:
            if lead.refused or lead.department_id is None:
                continue
            if lead.signoff is not None and not lead.already:
                signoffs.append((lead.department_id, lead.signoff))
            targets.extend((p.touchpoint_id, p.department_id, p.proposed)
                           for p in lead.proposals if p.key in keys)
        return signoffs, targets


def role_word(role: Role | None) -> str:
    return role.label if role is not None else "no role"


def plan_review(matrix: Matrix, packs: Sequence[PackAnswers]) -> ReviewPlan:
    """What each pack says, checked against ``matrix`` as it is now."""
    leads: list[LeadPlan] = []
    seen: dict[int, str] = {}
    for pack in packs:
        plan = _plan_one(matrix, pack)
        did = plan.department_id
        if not plan.refused and did is not None:
            first = seen.get(did)
            if first is not None:
                plan = LeadPlan(pack.file, did, plan.department, plan.lead,
                                refused=f"{first} is also a pack for {plan.department}; "
                                        "apply one pack per department at a time")
            else:
                seen[did] = pack.file
        leads.append(plan)
    return ReviewPlan(tuple(leads))


def _refused(pack: PackAnswers, why: str) -> LeadPlan:
    return LeadPlan(pack.file, None, pack.department_name, pack.lead, refused=why)


def _plan_one(matrix: Matrix, pack: PackAnswers) -> LeadPlan:
    if pack.matrix_uid != matrix.uid:
        return _refused(pack, f"it was written for another matrix (identity "
                              f"{pack.matrix_uid or 'unknown'}, this one is {matrix.uid})")
    if not matrix.has_department(pack.department_id):
        return _refused(pack, f"department {pack.department_name!r} is no longer in the "
                              "matrix")
    if pack.shown_department and pack.shown_department != pack.department_name:
        return _refused(pack, f"the sheet names department {pack.shown_department!r} but "
                              f"the pack was written for {pack.department_name!r}")
    did = pack.department_id
    name = matrix.department(did).name
    flags: list[str] = list(pack.ignored)
    if name != pack.department_name:
        flags.append(f"{pack.file}: department {pack.department_name!r} was renamed "
                     f"{name!r} since the pack was sent")
    asked = matrix.signoffs.get(did)
    if (asked is not None and asked.state is SignOffState.ASKED and asked.when is not None
            and pack.sent_on is not None and pack.sent_on < asked.when):
        flags.append(f"{pack.file}: this pack was sent on {pack.sent_on.isoformat()}; a newer "
                     f"one went to {asked.lead or 'the lead'} on {asked.when.isoformat()}")
    answers = {a.touchpoint_id: a for a in pack.answers}
    proposed_by_row = {a.touchpoint_id: a for a in pack.answers if a.proposes}
    stale = _stale_rows(matrix, pack, answers, proposed_by_row)
    if stale:
        return LeadPlan(pack.file, did, name, pack.lead, refused=(
            "it is older than a later change to the same cells: " + "; ".join(stale[:MAX_LISTED])
            + (f" and {len(stale) - MAX_LISTED} more" if len(stale) > MAX_LISTED else "")
            + ". Send the department a new pack"))
    missing = list(pack.problems)
    unanswered = [a for a in pack.answers if a.agree is None]
    if unanswered:
        rows = ", ".join(str(a.row) for a in unanswered[:MAX_LISTED])
        more = f" and {len(unanswered) - MAX_LISTED} more" if len(unanswered) > MAX_LISTED else ""
        missing.append(f"{pack.where(_column_cell(unanswered[0]))}: Agree? is not "
                       f"answered on {len(unanswered)} row{'s' if len(unanswered) != 1 else ''}"
                       f" (rows {rows}{more}); an unanswered row is not agreement")
    if len(answers) < len(pack.sent):
        gone = [r.name for r in pack.sent if r.touchpoint_id not in answers]
        missing.append(f"{pack.file}: sheet {pack.sheet!r}: the rows of "
                       f"{', '.join(repr(g) for g in gone[:MAX_LISTED])} were deleted")
    if pack.whole is None:
        missing.append(f"{pack.where(pack.whole_cell)}: 'I agree with this column as a "
                       "whole' is not answered")
    if not pack.lead.strip():
        missing.append(f"{pack.where(pack.lead_cell)}: the lead's name is missing")
    if pack.day is None:
        missing.append(f"{pack.where(pack.day_cell)}: the date is missing")
    disputes: list[Dispute] = []
    proposals: list[ProposedChange] = []
    for answer in pack.answers:
        if not matrix.has_touchpoint(answer.touchpoint_id):
            continue
        tp = matrix.touchpoint(answer.touchpoint_id)
        if answer.agree is False:
            disputes.append(Dispute(answer.touchpoint_id, answer.comment,
                                    answer.proposed))
        elif answer.agree is True and answer.comment.strip() and not answer.proposes:
            flags.append(f"{pack.where(_comment_cell(answer))}: agreed, with the "
                         f"comment: {answer.comment}")
        if answer.proposes:
            now = matrix.target_role(answer.touchpoint_id, did)
            if now is answer.proposed:
                continue
            if answer.agree is True:
                flags.append(f"{pack.where(_column_cell(answer))}: Agree? is Yes but "
                             f"a role is proposed on {tp.name!r}; taken as a proposal")
            proposals.append(ProposedChange(
                key=f"{pack.file}#{answer.touchpoint_id}", file=pack.file,
                touchpoint_id=answer.touchpoint_id, department_id=did, before=now,
                proposed=answer.proposed, comment=answer.comment,
                text=f"{tp.name}: target of {name} {role_word(now)} → "
                     f"{role_word(answer.proposed)}",
                where=pack.where(_proposed_cell(answer))))
    if pack.whole is True and disputes:
        flags.append(f"{pack.where(pack.whole_cell)}: the lead agrees with the column as a "
                     f"whole but answered No on {len(disputes)} row"
                     f"{'s' if len(disputes) != 1 else ''}; taken as disputed")
    if pack.whole is False and not disputes and not missing:
        flags.append(f"{pack.where(pack.whole_cell)}: the lead does not agree with the "
                     "column as a whole but answered Yes on every row")
    basis = tuple(BasisCell(r.touchpoint_id, r.current, r.target) for r in pack.sent
                  if r.current is not None or r.target is not None)
    if pack.touchpoints != touchpoints_fingerprint(matrix):
        flags.append(f"{pack.file}: touchpoints were added or removed since the pack was sent; "
                     f"{possessive(name)} agreement will show as out of date")
    agreed = not missing and pack.whole is True and not disputes
    when = pack.day
    record: SignOff | None = None
    if agreed:
        record = SignOff(SignOffState.AGREED, pack.lead.strip(), when, basis, pack.touchpoints)
    elif disputes or (pack.whole is False and not missing):
        record = SignOff(SignOffState.DISPUTED, pack.lead.strip(), when, basis,
                         pack.touchpoints, tuple(disputes))
    already = record is not None and matrix.signoffs.get(did) == record
    return LeadPlan(pack.file, did, name, pack.lead.strip(), signoff=record, agreed=agreed,
                    disputes=tuple(disputes), proposals=tuple(proposals),
                    missing=tuple(missing), flags=tuple(flags), already=already)


def _stale_rows(matrix: Matrix, pack: PackAnswers, answers: dict[int, RowAnswer],
                proposed: dict[int, RowAnswer]) -> list[str]:
    """The rows whose roles changed in the matrix since the pack was sent (a target this very
    pack proposed, accepted before, is no change: the pack can be applied again)."""
    out: list[str] = []
    did = pack.department_id
    for row in pack.sent:
        answer = answers.get(row.touchpoint_id)
        cell = pack.where(_role_cell(answer)) if answer is not None else pack.file
        if not matrix.has_touchpoint(row.touchpoint_id):
            out.append(f"{cell}: touchpoint {row.name!r} was removed")
            continue
        current = matrix.role(row.touchpoint_id, did)
        target = matrix.target_role(row.touchpoint_id, did)
        if current is row.current and target is row.target:
            continue
        mine = proposed.get(row.touchpoint_id)
        if mine is not None and current is row.current and target is mine.proposed:
            continue
        out.append(f"{cell}: {row.name!r} was {_pair(row.current, row.target)} when sent, "
                   f"is {_pair(current, target)} now")
    return out


def _pair(current: Role | None, target: Role | None) -> str:
    if current is target:
        return role_word(current)
    return f"{role_word(current)} (target {role_word(target)})"


# The pack's column letters, for messages (the workbook side owns the layout; these are
# the same letters: see interchange.xlsx.review_pack).
ROLE_COLUMN, AGREE_COLUMN, PROPOSED_COLUMN, COMMENT_COLUMN = "E", "H", "I", "J"


def _role_cell(answer: RowAnswer | None) -> str:
    return f"{ROLE_COLUMN}{answer.row}" if answer is not None else "?"


def _column_cell(answer: RowAnswer) -> str:
    return f"{AGREE_COLUMN}{answer.row}"


def _proposed_cell(answer: RowAnswer) -> str:
    return f"{PROPOSED_COLUMN}{answer.row}"


def _comment_cell(answer: RowAnswer) -> str:
    return f"{COMMENT_COLUMN}{answer.row}"


def sent_fingerprint(pack: PackAnswers) -> str:
    """The fingerprint of what the pack asked about (as a sign-off record would have it)."""
    basis = [BasisCell(r.touchpoint_id, r.current, r.target) for r in pack.sent
             if r.current is not None or r.target is not None]
    return basis_fingerprint(basis, pack.touchpoints)
