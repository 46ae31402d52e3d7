"""The PDF's sign-off: the executive summary says who agreed, who disputes and whose agreement
is out of date in one sentence; each lens ends with the recorded agreement, or with rules for
the lead to sign and date and what stands in the way. Read back with pypdfium2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import Dispute, SignOff, SignOffState
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.pdf.export import write


def _texts(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [" ".join(document[i].get_textpage().get_text_range().split())
                for i in range(len(document))]
    finally:
        document.close()


def _lens_text(texts: list[str], name: str) -> str:
    start = next(i for i, t in enumerate(texts) if f"Department lens: {name}" in t)
    end = next((i for i in range(start + 1, len(texts))
                if "Department lens:" in texts[i] and f"lens: {name}" not in texts[i]
                and "(continued)" not in texts[i]), len(texts))
    return " ".join(texts[start:end])


def test_the_demo_report_says_who_agreed_and_each_lens_ends_with_its_signoff(
        tmp_path: Path) -> None:
    path = tmp_path / "demo.pdf"
    write(demo_matrix(), path, lenses=["Customer Success", "Sales", "Legal",
                                       "Professional Services"])
    texts = _texts(path)
    assert ("Sign-off: 6 of 9 departments agreed; Legal disputes 2 touchpoints; Sales' "
            "agreement is out of date (2 changes since 14 Sep); Professional Services has not "
            "answered yet (sent 1 Dec).") in texts[0]
    success = _lens_text(texts, "Customer Success")
    assert success.count("Agreed by Maren Lindqvist on 20 November 2026") == 1
    assert "lead of Customer Success" not in success  # agreed: no line to sign
    sales = _lens_text(texts, "Sales")
    assert ("Sign-off: Agreed by Daniel Okafor on 14 September 2026, but out of date: "
            "2 changes since.") in sales
    assert "Daniel Okafor, lead of Sales Date" in sales
    legal = _lens_text(texts, "Legal")
    assert ("Sign-off: Disputed by Jonah Feldman on 24 November 2026: Security & compliance "
            "questionnaire and Data export & account closure.") in legal
    services = _lens_text(texts, "Professional Services")
    assert ("Sign-off: Review pack sent to Rahul Mehta on 1 December 2026; not answered "
            "yet.") in services
    assert "by Rahul Mehta" not in services  # he was asked; he did not ask


def test_without_any_signoff_the_summary_says_nothing_and_the_lens_has_a_line_to_sign(
        tmp_path: Path) -> None:
    matrix = Matrix(title="Plain")
    sales = matrix.add_department("Sales", lead="Ana Ruiz")
    tp = matrix.add_touchpoint(matrix.add_stage("Buy").id, "Demo", metric="Win rate")
    matrix.set_role(tp.id, sales.id, Role.OWN)
    path = tmp_path / "plain.pdf"
    write(matrix, path, lenses=["Sales"])
    texts = _texts(path)
    assert "Sign-off" not in texts[0]
    lens = _lens_text(texts, "Sales")
    assert "Sign-off: Not agreed yet. Ana Ruiz, lead of Sales Date" in lens


def test_a_long_dispute_names_a_few_touchpoints_and_wraps_above_the_line_to_sign(
        tmp_path: Path) -> None:
    matrix = Matrix(title="Disputed")
    legal = matrix.add_department("Legal", lead="Jonah Feldman")
    stage = matrix.add_stage("Buy")
    names = [f"Contract renewal negotiation with procurement, round {n}" for n in range(1, 6)]
    tps = [matrix.add_touchpoint(stage.id, name, metric="Cycle time").id for name in names]
    for tid in tps:
        matrix.set_role(tid, legal.id, Role.INFLUENCE)
    matrix.set_signoff(legal.id, SignOff(SignOffState.DISPUTED, "Jonah Feldman",
                                         date(2026, 11, 24),
                                         disputes=tuple(Dispute(t, "Not ours") for t in tps)))
    path = tmp_path / "disputed.pdf"
    write(matrix, path, lenses=["Legal"])
    lens = _lens_text(_texts(path), "Legal")
    named = ", ".join(names[:3])
    assert f"Sign-off: Disputed by Jonah Feldman on 24 November 2026: {named} and 2 more." in lens
    assert names[3] + " and" not in lens
    assert "Jonah Feldman, lead of Legal Date" in lens  # the rules to sign stay below it
