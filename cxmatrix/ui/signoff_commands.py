"""The undo commands of the departments' sign-off: record an agreement, mark a department
asked, withdraw a record; each one undo step through ``Document.set_signoffs``, which writes
it in one transaction (on the team server row-level security lets a lead sign only their own
departments, and a refusal leaves nothing on the undo stack)."""

from __future__ import annotations

from datetime import date

from cxmatrix.domain.signoff import SignOff, SignOffState, agreement, possessive
from cxmatrix.ui.commands import MatrixCommand
from cxmatrix.ui.session import Session


class SetSignOffs(MatrixCommand):
    """Set (None: clear) the sign-off records of some departments, as one step."""

    def __init__(self, session: Session, records: dict[int, SignOff | None], text: str) -> None:
        super().__init__(session, text)
        self.records = dict(records)
        self.previous: list[tuple[int, SignOff | None]] = []

    def do(self) -> None:
        self.previous = self.doc.set_signoffs(self.records.items())

    def revert(self) -> None:
        self.doc.set_signoffs(self.previous)


def record_agreement(session: Session, department_id: int, lead: str, when: date
                     ) -> SetSignOffs:
    """The lead agrees to the department's column as it is now (today and target)."""
    name = session.matrix.department(department_id).name
    record = agreement(session.matrix, department_id, lead.strip(), when)
    return SetSignOffs(session, {department_id: record}, f"Record {possessive(name)} agreement")


def mark_asked(session: Session, department_id: int, lead: str, when: date) -> SetSignOffs:
    name = session.matrix.department(department_id).name
    record = SignOff(SignOffState.ASKED, lead.strip(), when)
    return SetSignOffs(session, {department_id: record}, f"Mark {name} asked for sign-off")


def withdraw(session: Session, department_id: int) -> SetSignOffs:
    name = session.matrix.department(department_id).name
    return SetSignOffs(session, {department_id: None}, f"Clear {possessive(name)} sign-off")
