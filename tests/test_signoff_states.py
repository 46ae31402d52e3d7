"""Sign-off findings with a plan: they are of the matrix itself (today and target), so a plan
neither loses them (``today_and_target`` reads through state views, which carry no records)
nor invents them (a department agreed to a column with a pending target change is not out of
date in today's or the target's state); they count as today's; ``check`` and ``check --json``
report them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cxmatrix.cli import main
from cxmatrix.domain.findings import (
    DISPUTED,
    SIGNOFF_OUTDATED,
    FindingCounts,
    today_and_target,
)
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import Dispute, SignOff, SignOffState, agreement
from cxmatrix.domain.states import current_state, target_state
from cxmatrix.store import Document
from cxmatrix.ui.plan_figures import PlanFigures

JAN_14 = date(2026, 1, 14)


def _planned(planned_structure: bool = False) -> tuple[Matrix, list[int], list[int]]:
    """Sales owns Checkout and will own Invoice (a pending target change); Legal owns Invoice
    today; with ``planned_structure`` a touchpoint exists only at target."""
    m = Matrix(title="Plan")
    stage = m.add_stage("Buy")
    tps = [m.add_touchpoint(stage.id, n, metric="NPS").id for n in ("Checkout", "Invoice")]
    sales, legal = (m.add_department(n).id for n in ("Sales", "Legal"))
    m.set_role(tps[0], sales, Role.OWN)
    m.set_role(tps[1], legal, Role.OWN)
    m.set_target(tps[1], sales, Role.INFLUENCE)
    if planned_structure:
        later = m.add_touchpoint(stage.id, "Refund", metric="NPS").id
        m.set_role(later, sales, Role.OWN)
        m.set_planned_touchpoint(later, True)
        tps.append(later)
    return m, tps, [sales, legal]


def _codes(findings) -> list[str]:
    return sorted(f.code for f in findings if f.code in (DISPUTED, SIGNOFF_OUTDATED))


def test_today_and_target_keep_the_signoff_findings_with_a_plan() -> None:
    m, tps, (sales, legal) = _planned()
    m.set_signoff(sales, agreement(m, sales, "Maren Lindqvist", JAN_14))
    m.set_signoff(legal, SignOff(SignOffState.DISPUTED, "Ben", JAN_14,
                                 disputes=(Dispute(tps[1], "Finance owns it",
                                                   Role.INFLUENCE),)))
    m.set_role(tps[0], sales, Role.INFLUENCE)  # Sales' agreement goes out of date
    both = today_and_target(m)
    assert _codes(both.today_findings) == [DISPUTED, SIGNOFF_OUTDATED]
    assert both.today.warnings == 1
    # The target counts the roles as planned; the reviews are today's.
    assert _codes(both.target_findings) == []


def test_an_agreement_with_a_pending_target_change_is_not_out_of_date_anywhere() -> None:
    for planned_structure in (False, True):
        m, _tps, (sales, legal) = _planned(planned_structure)
        for did in (sales, legal):
            m.set_signoff(did, agreement(m, did, "Lead", JAN_14))
        both = today_and_target(m)
        assert _codes(both.today_findings) == [] and _codes(both.target_findings) == []
        # Neither state carries the records that would compare against it.
        assert not current_state(m).signoffs and not target_state(m).signoffs


def test_the_status_bar_counts_signoff_findings_today_not_at_target(tmp_path: Path) -> None:
    m, tps, (sales, legal) = _planned()
    document = Document.create(tmp_path / "p.cxm", m)
    try:
        matrix = document.matrix
        document.set_signoff(sales, agreement(matrix, sales, "Maren", JAN_14))
        figures = PlanFigures()
        figures.reset(document)
        before = figures.figures()
        assert before is not None
        document.set_signoff(legal, SignOff(SignOffState.DISPUTED, "Ben", JAN_14,
                                            disputes=(Dispute(tps[1], "no"),)))
        after = figures.figures()
        assert after is not None
        assert after.today.warnings == before.today.warnings + 1
        assert after.target == before.target
        assert document.findings.counts()[SIGNOFF_OUTDATED] == 0
        assert before.target.infos == FindingCounts.of(
            list(today_and_target(matrix).target_findings)).infos
    finally:
        document.close()


def test_check_reports_signoff_findings_and_states_with_a_plan(tmp_path: Path,
                                                               capsys) -> None:
    m, tps, (sales, legal) = _planned(planned_structure=True)
    m.set_signoff(sales, agreement(m, sales, "Maren Lindqvist", JAN_14))
    # A dispute of the touchpoint that exists only at target is still named.
    m.set_signoff(legal, SignOff(SignOffState.DISPUTED, "Ben Ode", JAN_14,
                                 disputes=(Dispute(tps[2], "Legal approves refunds",
                                                   Role.INFLUENCE),)))
    Document.create(tmp_path / "p.cxm", m).close()
    main(["check", str(tmp_path / "p.cxm")])
    out = capsys.readouterr().out
    assert "disputed" in out and "Refund: Legal disputes its role here" in out
    assert SIGNOFF_OUTDATED not in out
    assert "Sign-off: 1 of 2 departments agreed; Legal disputes 1 touchpoint." in out
    main(["check", str(tmp_path / "p.cxm"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["counts"][DISPUTED] == 1 and data["target_counts"][DISPUTED] == 0
    assert data["counts"][SIGNOFF_OUTDATED] == 0
    states = {s["department"]: s for s in data["signoffs"]}
    assert states["Sales"]["state"] == "agreed"
    assert states["Sales"]["lead"] == "Maren Lindqvist"
    assert states["Sales"]["date"] == "2026-01-14"
    assert states["Legal"]["state"] == "disputed"
    assert states["Legal"]["disputes"] == [
        {"touchpoint": "Refund", "comment": "Legal approves refunds", "proposed": "influence"}]
    assert data["agreed"] is False


def test_no_false_out_of_date_in_the_panel_or_the_pdf_with_a_pending_target_change(
        qtbot, tmp_path: Path) -> None:
    import pypdfium2

    from cxmatrix.interchange.pdf.export import write
    from cxmatrix.ui.panels.signoff import SignOffPanel
    from cxmatrix.ui.session import Session

    m, _tps, (sales, legal) = _planned(planned_structure=True)
    for did, lead in ((sales, "Maren Lindqvist"), (legal, "Ben Ode")):
        m.set_signoff(did, agreement(m, did, lead, JAN_14))
    write(m, tmp_path / "p.pdf", lenses=["Sales", "Legal"])
    pdf = pypdfium2.PdfDocument(str(tmp_path / "p.pdf"))
    try:
        text = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split())
                        for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "out of date" not in text
    assert "Sign-off: 2 of 2 departments agreed." in text
    assert "Agreed by Maren Lindqvist on 14 January 2026" in text
    assert "Agreed by Ben Ode on 14 January 2026" in text
    session = Session()
    session.set_document(Document.create(tmp_path / "p.cxm", m))
    panel = SignOffPanel(session)
    qtbot.addWidget(panel)
    try:
        model = panel.model
        assert [model.data(model.index(r, 1)) for r in range(model.rowCount())] == [
            "agreed", "agreed"]
        assert panel.summary.text() == "2 of 2 departments agreed."
    finally:
        session.close()
