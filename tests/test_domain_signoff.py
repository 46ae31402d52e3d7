"""Department sign-off in the domain: states, out of date with what changed, findings, the
matrix agreed as a whole, the summary sentence and the Sign-off sheet's rows."""

from __future__ import annotations

from datetime import date

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.findings import (
    DISPUTED,
    SIGNOFF_OUTDATED,
    FindingsIndex,
    compute_findings,
)
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    Dispute,
    SignOff,
    SignOffState,
    agreement,
    asked_phrase,
    changes_since,
    department_fingerprint,
    department_signoff,
    dispute_rows,
    disputed_touchpoints,
    matrix_agreed,
    resend_note,
    signoff_line,
    signoff_rows,
    summary_sentence,
)

JAN_14 = date(2026, 1, 14)


def _matrix() -> tuple[Matrix, list[int], list[int]]:
    m = Matrix()
    stage = m.add_stage("Buy")
    tps = [m.add_touchpoint(stage.id, name, metric="NPS").id
           for name in ("Checkout", "Invoice", "Returns")]
    depts = [m.add_department(name, lead=lead).id for name, lead in
             (("Sales", "Ana"), ("Legal", "Ben"), ("Support", "Cy"))]
    for tid, did in zip(tps, depts, strict=True):
        m.set_role(tid, did, Role.OWN)
    return m, tps, depts


def test_a_department_without_a_record_is_not_asked_and_an_agreement_is_kept() -> None:
    m, _tps, depts = _matrix()
    assert department_signoff(m, depts[0]).state is SignOffState.NOT_ASKED
    changes: list[MatrixChange] = []

    class Listener:
        def matrix_changed(self, matrix: Matrix, change: MatrixChange) -> None:
            changes.append(change)

    m.add_listener(Listener())
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    assert changes[-1].signoffs == {depts[0]}
    status = department_signoff(m, depts[0])
    assert status.agreed and not status.out_of_date
    assert m.signoffs[depts[0]].fingerprint == department_fingerprint(m, depts[0])
    assert signoff_line(m, depts[0]) == "Agreed by Ana on 14 January 2026"
    assert signoff_line(m, depts[1]) is None


def test_a_later_role_change_or_target_makes_the_agreement_out_of_date_listing_it() -> None:
    m, tps, depts = _matrix()
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    m.set_role(tps[1], depts[0], Role.INFLUENCE)
    m.set_target(tps[0], depts[0], Role.HANDLE)
    status = department_signoff(m, depts[0])
    assert status.out_of_date and status.label == "out of date"
    assert [c.text for c in status.changes] == [
        "Checkout: own -> own (target handle)", "Invoice: no role -> influence"]
    # Another department's change does not touch it; undoing the change makes it current.
    m.set_role(tps[2], depts[2], Role.INFLUENCE)
    assert len(department_signoff(m, depts[0]).changes) == 2
    m.set_role(tps[1], depts[0], None)
    m.set_target(tps[0], depts[0], Role.OWN)
    assert department_signoff(m, depts[0]).agreed


def test_a_touchpoint_added_or_removed_makes_it_out_of_date() -> None:
    m, _tps, depts = _matrix()
    m.set_signoff(depts[1], agreement(m, depts[1], "Ben", JAN_14))
    m.add_touchpoint(m.stages[0].id, "Refund")
    assert [c.text for c in changes_since(m, depts[1], m.signoffs[depts[1]])] == [
        "touchpoints were added or removed"]
    m2, tps2, depts2 = _matrix()
    m2.set_signoff(depts2[1], agreement(m2, depts2[1], "Ben", JAN_14))
    m2.delete_touchpoint(tps2[1])
    assert [c.text for c in changes_since(m2, depts2[1], m2.signoffs[depts2[1]])] == [
        f"touchpoint {tps2[1]} was removed"]


def test_findings_disputes_per_cell_and_outdated_per_department() -> None:
    m, tps, depts = _matrix()
    index = FindingsIndex(m)
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    m.set_signoff(depts[1], SignOff(SignOffState.DISPUTED, "Ben", JAN_14, disputes=(
        Dispute(tps[0], "We review every contract", Role.INFLUENCE), Dispute(tps[1], ""))))
    assert index.counts()[DISPUTED] == 2
    m.set_role(tps[2], depts[0], Role.HANDLE)
    found = {f.code: f for f in index.all()}
    assert index.counts()[SIGNOFF_OUTDATED] == 1
    assert found[SIGNOFF_OUTDATED].message == (
        "Sales' agreement is out of date: 1 change since 14 January 2026.")
    disputed = [f for f in compute_findings(m) if f.code == DISPUTED]
    assert [(f.touchpoint_id, f.department_id) for f in disputed] == [
        (tps[0], depts[1]), (tps[1], depts[1])]
    assert disputed[0].message == "Legal disputes its role here: We review every contract"


def test_the_matrix_is_agreed_only_when_every_department_with_a_role_agreed() -> None:
    m, tps, depts = _matrix()
    idle = m.add_department("Finance").id
    for did in depts[:2]:
        m.set_signoff(did, agreement(m, did, "x", JAN_14))
    assert not matrix_agreed(m, 0)
    m.set_signoff(depts[2], agreement(m, depts[2], "Cy", JAN_14))
    assert matrix_agreed(m, 0)
    assert not matrix_agreed(m, 1)  # an error finding remains
    assert idle not in m.signoffs
    m.set_role(tps[0], depts[1], Role.HANDLE)
    assert not matrix_agreed(m, 0)


def test_summary_sentence_and_rows() -> None:
    m, tps, depts = _matrix()
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    m.set_signoff(depts[2], agreement(m, depts[2], "Cy", JAN_14))
    m.set_signoff(depts[1], SignOff(SignOffState.DISPUTED, "Ben", JAN_14, disputes=(
        Dispute(tps[0], "Not ours"), Dispute(tps[1], "Ours"))))
    for role in (Role.INFLUENCE, Role.HANDLE, None):
        m.set_role(tps[1], depts[0], role)
    m.set_role(tps[2], depts[0], Role.HANDLE)
    m.set_target(tps[0], depts[0], Role.INFLUENCE)
    assert summary_sentence(m) == ("1 of 3 departments agreed; Legal disputes 2 touchpoints; "
                                   "Sales' agreement is out of date (2 changes since 14 Jan)")
    rows = signoff_rows(m)
    assert rows[0][:3] == ("Department", "Lead", "State")
    assert rows[1][:4] == ("Sales", "Ana", "out of date", "2026-01-14")
    assert rows[1][5].count("\n") == 1  # one change a line
    # The department's row counts its disputes; each is said once, in dispute_rows.
    assert rows[2][2] == "disputed" and rows[2][4] == "2 touchpoints"
    assert rows[3][2] == "agreed"
    assert dispute_rows(m) == [("Legal", "Checkout", "no role", "no role", "Not ours"),
                               ("Legal", "Invoice", "Own", "no role", "Ours")]


def test_deleting_a_department_keeps_its_signoff_for_undo_and_copies_keep_them() -> None:
    m, _tps, depts = _matrix()
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    copy = m.copy()
    assert copy.signoffs == m.signoffs
    snapshot = m.delete_department(depts[0])
    assert depts[0] not in m.signoffs
    m.restore_department(snapshot)
    assert department_signoff(m, depts[0]).agreed
    previous = m.set_signoffs([(depts[0], None)])
    m.set_signoffs(previous)
    assert department_signoff(m, depts[0]).agreed


def test_the_summary_accounts_for_every_department_asked_or_not() -> None:
    m, tps, depts = _matrix()
    for tp in tps:  # every department has a role, so each one's agreement is needed
        m.set_role(tp, depts[2], Role.HANDLE)
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    m.set_signoff(depts[1], SignOff(SignOffState.ASKED, "Ben", date(2026, 12, 1)))
    assert summary_sentence(m) == ("1 of 3 departments agreed; Legal has not answered yet "
                                   "(sent 1 Dec); Support was not asked")
    m.set_signoff(depts[2], SignOff(SignOffState.ASKED, "Cy", date(2026, 12, 3)))
    assert summary_sentence(m) == ("1 of 3 departments agreed; Legal and Support have not "
                                   "answered yet (sent 1 Dec to 3 Dec)")
    m.set_signoffs([(depts[0], None), (depts[2], None)])
    assert summary_sentence(m) == ("0 of 3 departments agreed; Legal has not answered yet "
                                   "(sent 1 Dec); Sales and Support were not asked")


def test_asked_names_whom_the_pack_went_to_and_a_new_pack_says_what_it_replaces() -> None:
    m, tps, depts = _matrix()
    asked = SignOff(SignOffState.ASKED, "Rahul  Mehta", date(2026, 11, 12))
    assert asked_phrase(asked) == "review pack sent to Rahul Mehta on 12 November 2026"
    assert asked_phrase(SignOff(SignOffState.ASKED, "", date(2026, 11, 12))) == (
        "review pack sent on 12 November 2026")
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    m.set_signoff(depts[1], SignOff(SignOffState.DISPUTED, "Ben", JAN_14, disputes=(
        Dispute(tps[0], "Not ours"),)))
    m.set_signoff(depts[2], asked)
    assert resend_note(department_signoff(m, depts[0])) == (
        "replaces the agreement of 14 Jan, up to date")
    assert resend_note(department_signoff(m, depts[1])) == (
        "replaces the dispute of 14 Jan (1 touchpoint)")
    assert resend_note(department_signoff(m, depts[2])) is None  # nothing said yet to lose
    m.set_role(tps[2], depts[0], Role.HANDLE)
    assert resend_note(department_signoff(m, depts[0])) == (
        "replaces the agreement of 14 Jan (1 change since)")


def test_a_record_without_a_date_is_said_without_one() -> None:
    """A returned pack may leave its date empty: no "the dispute of ?" nor "since ?"."""
    m, tps, depts = _matrix()
    m.set_signoff(depts[0], SignOff(SignOffState.DISPUTED, "Ben", None, disputes=(
        Dispute(tps[0], "Not ours"),)))
    m.set_signoff(depts[1], agreement(m, depts[1], "Ana", None))
    assert resend_note(department_signoff(m, depts[0])) == (
        "replaces the dispute (1 touchpoint)")
    assert resend_note(department_signoff(m, depts[1])) == (
        "replaces the agreement, up to date")
    m.set_role(tps[2], depts[1], Role.HANDLE)
    assert resend_note(department_signoff(m, depts[1])) == (
        "replaces the agreement (1 change since)")
    assert "?" not in summary_sentence(m)
    assert "out of date (1 change since)" in summary_sentence(m)


def test_a_dispute_names_its_touchpoints_up_to_a_few_then_counts_the_rest() -> None:
    m, tps, _depts = _matrix()
    names = [m.touchpoint(t).name for t in tps]

    def disputing(*ids: int) -> SignOff:
        return SignOff(SignOffState.DISPUTED, "Ben", JAN_14,
                       disputes=tuple(Dispute(t) for t in ids))

    assert disputed_touchpoints(m, disputing(tps[0])) == names[0]
    assert disputed_touchpoints(m, disputing(tps[0], tps[1])) == f"{names[0]} and {names[1]}"
    assert disputed_touchpoints(m, disputing(*tps), shown=1) == (
        f"{names[0]} and {len(tps) - 1} more")
    assert disputed_touchpoints(m, disputing(tps[1], 999_999)) == names[1]  # removed: left out


def test_the_sign_offs_worked_out_once_give_what_each_caller_works_out_itself() -> None:
    """The exports work the departments' sign-offs out once and hand them to the findings,
    the summary sentence and the Sign-off sheet's rows: the same as each one's own pass."""
    from cxmatrix.domain.findings import today_and_target
    from cxmatrix.domain.signoff import signoff_status

    m, tps, depts = _matrix()
    m.set_signoff(depts[0], agreement(m, depts[0], "Ana", JAN_14))
    m.set_signoff(depts[1], SignOff(SignOffState.DISPUTED, "Ben", JAN_14,
                                    disputes=(Dispute(tps[1], "Not ours", Role.INFLUENCE),)))
    m.set_signoff(depts[2], SignOff(SignOffState.ASKED, "Cy", JAN_14))
    m.set_role(tps[0], depts[2], Role.HANDLE)  # Sales' agreement stays; Support's column moves
    m.set_role(tps[2], depts[0], Role.INFLUENCE)  # Sales' agreement is out of date
    m.set_target(tps[0], depts[1], Role.OWN)
    statuses = signoff_status(m)
    assert compute_findings(m, statuses) == compute_findings(m)
    assert any(f.code == SIGNOFF_OUTDATED for f in compute_findings(m, statuses))
    assert today_and_target(m, statuses) == today_and_target(m)
    assert summary_sentence(m, statuses) == summary_sentence(m)
    assert signoff_rows(m, statuses) == signoff_rows(m)
    assert dispute_rows(m, statuses) == dispute_rows(m) != []
