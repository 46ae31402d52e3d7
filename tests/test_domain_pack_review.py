"""The domain's plan of returned review packs, without files: what an answer means against
the matrix now (agreement, disputes, proposals, contradictions, changes since sending)."""

from __future__ import annotations

from datetime import date

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.pack_review import PackAnswers, RowAnswer, SentRow, plan_review
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    SignOff,
    SignOffState,
    department_signoff,
    touchpoints_fingerprint,
)

DAY = date(2026, 1, 14)


def _matrix() -> tuple[Matrix, list[int], int]:
    m = Matrix()
    stage = m.add_stage("Buy")
    tps = [m.add_touchpoint(stage.id, name).id for name in ("Checkout", "Invoice", "Returns")]
    sales = m.add_department("Sales").id
    other = m.add_department("Support").id
    for tid in tps:
        m.set_role(tid, other, Role.OWN)
    m.set_role(tps[0], sales, Role.INFLUENCE)
    m.set_role(tps[1], sales, Role.HANDLE)
    return m, tps, sales


def _pack(m: Matrix, sales: int, answers: list[RowAnswer], *, whole: bool | None = True,
          lead: str = "Ana") -> PackAnswers:
    sent = tuple(SentRow(t.id, t.name, m.role(t.id, sales), m.target_role(t.id, sales))
                 for t in m.iter_touchpoints() if m.role(t.id, sales) is not None)
    return PackAnswers(file="a.xlsx", sheet="Review", matrix_uid=m.uid, department_id=sales,
                       department_name="Sales", sent_to="Ana", sent_on=DAY,
                       touchpoints=touchpoints_fingerprint(m), sent=sent,
                       answers=tuple(answers), whole=whole, lead=lead, day=DAY,
                       whole_cell="H10", lead_cell="H11", day_cell="H12")


def test_an_agreement_records_exactly_what_was_sent() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, True), RowAnswer(tps[1], 7, True)])
    (lead,) = plan_review(m, [pack]).leads
    assert lead.agreed and lead.signoff is not None
    m.set_signoffs([(sales, lead.signoff)])
    assert department_signoff(m, sales).agreed


def test_yes_as_a_whole_with_a_row_answered_no_is_a_dispute_and_says_so() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, False, comment="not us"),
                            RowAnswer(tps[1], 7, True)])
    (lead,) = plan_review(m, [pack]).leads
    assert not lead.agreed and lead.signoff is not None
    assert lead.signoff.state is SignOffState.DISPUTED
    assert any("cell H10: the lead agrees with the column as a whole but answered No"
               in f for f in lead.flags)


def test_a_proposal_on_a_row_answered_yes_is_a_proposal_flagged() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, True, proposed=Role.OWN),
                            RowAnswer(tps[1], 7, True, no_role=True)])
    (lead,) = plan_review(m, [pack]).leads
    assert [(p.touchpoint_id, p.proposed) for p in lead.proposals] == [(tps[0], Role.OWN),
                                                                        (tps[1], None)]
    assert lead.proposals[1].text == "Invoice: target of Sales Handle → no role"
    assert any("cell H6: Agree? is Yes but a role is proposed" in f for f in lead.flags)


def test_a_touchpoint_added_since_sending_is_a_note_and_the_agreement_is_out_of_date() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, True), RowAnswer(tps[1], 7, True)])
    m.add_touchpoint(m.stages[0].id, "Gift card")
    (lead,) = plan_review(m, [pack]).leads
    assert not lead.refused and lead.agreed
    assert any("touchpoints were added or removed since the pack was sent" in f
               for f in lead.flags)
    m.set_signoffs([(sales, lead.signoff)])
    assert department_signoff(m, sales).out_of_date


def test_a_renamed_department_is_still_its_pack_with_a_note() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, True), RowAnswer(tps[1], 7, True)])
    m.rename_department(sales, "Revenue")
    (lead,) = plan_review(m, [pack]).leads
    assert lead.agreed and lead.department == "Revenue"
    assert "a.xlsx: department 'Sales' was renamed 'Revenue' since the pack was sent" \
        in lead.flags


def test_a_removed_touchpoint_makes_the_pack_too_old() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, True), RowAnswer(tps[1], 7, True)])
    m.delete_touchpoint(tps[1])
    (lead,) = plan_review(m, [pack]).leads
    assert "a.xlsx: sheet 'Review', cell E7: touchpoint 'Invoice' was removed" in lead.refused


def test_a_pack_older_than_the_last_one_sent_says_so() -> None:
    m, tps, sales = _matrix()
    pack = _pack(m, sales, [RowAnswer(tps[0], 6, True), RowAnswer(tps[1], 7, True)])
    m.set_signoffs([(sales, SignOff(SignOffState.ASKED, "Bo", date(2026, 2, 1)))])
    (lead,) = plan_review(m, [pack]).leads
    assert lead.agreed
    assert ("a.xlsx: this pack was sent on 2026-01-14; a newer one went to Bo on 2026-02-01"
            in lead.flags)


def test_a_lead_plan_names_the_column_with_the_right_possessive() -> None:
    from cxmatrix.domain.pack_review import LeadPlan

    assert LeadPlan("Review - Sales.xlsx", 1, "Sales", "Daniel Okafor", agreed=True
                    ).summary == "Daniel Okafor agrees with Sales' column"
    assert LeadPlan("Review - Legal.xlsx", 2, "Legal", "", ).summary == (
        "the lead does not agree with Legal's column")
