"""The demo matrix in resources/: it loads, it is realistic, and it shows every finding.

The demo is what a new user sees first, so it should look like a healthy company map with a
handful of problems that stand out, one of each kind the tool checks.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cxmatrix.domain import (
    CATEGORIES,
    CHANNELS,
    CODES,
    CRITICAL_MOMENT_UNOWNED,
    DEFAULT_STAGES,
    IDLE_DEPARTMENT,
    NO_OWNER,
    OWNER_WITHOUT_METRIC,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    FindingsIndex,
    Matrix,
    Role,
    compute_findings,
)
from cxmatrix.domain.findings import DISPUTED
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.json import codec as json_format

DEMO_PATH = Path(__file__).resolve().parent.parent / "resources" / "demo.json"
NAMED_DEPARTMENTS = ("Marketing", "Sales", "Customer Success", "Support", "Product",
                     "Engineering", "Finance", "Legal")
NEW_DEPARTMENT = "Professional Services"


@pytest.fixture(scope="module")
def demo() -> Matrix:
    return demo_matrix()


def _touchpoint_named(matrix: Matrix, name: str) -> int:
    found = [tp for tp in matrix.iter_touchpoints() if name.lower() in tp.name.lower()]
    assert len(found) == 1, f"expected one touchpoint matching {name!r}, found {found}"
    return found[0].id


def test_demo_loads_through_the_json_reader() -> None:
    result = json_format.read(DEMO_PATH)
    assert result.matrix.title == "Customer journey ownership 2026"
    assert result.matrix.organisation
    assert result.matrix.description
    assert result.report == [
        f"Imported {result.matrix.touchpoint_count} touchpoints in 8 stages and "
        f"{len(NAMED_DEPARTMENTS) + 1} departments from demo.json.",
        "With 2 snapshots: Kick-off, Sep 2026, Agreed with the leadership team, Nov 2026."]


def test_stages_are_the_default_journey(demo: Matrix) -> None:
    assert [s.name for s in demo.stages] == list(DEFAULT_STAGES)
    assert all(demo.touchpoints_in(s.id) for s in demo.stages), "every stage has touchpoints"


def test_touchpoint_count_and_attributes_are_realistic(demo: Matrix) -> None:
    touchpoints = list(demo.iter_touchpoints())
    assert 35 <= len(touchpoints) <= 50
    assert len({tp.name.casefold() for tp in touchpoints}) == len(touchpoints)
    assert {tp.category for tp in touchpoints} == set(CATEGORIES)
    assert {tp.channel for tp in touchpoints} <= set(CHANNELS)
    assert len({tp.channel for tp in touchpoints}) >= 6
    assert all(tp.description for tp in touchpoints)
    assert sum(1 for tp in touchpoints if tp.notes) >= 5
    assert sum(1 for tp in touchpoints if tp.peak) >= 3
    assert sum(1 for tp in touchpoints if tp.end) >= 2


def test_departments_have_codes_and_leads(demo: Matrix) -> None:
    assert [d.name for d in demo.departments] == [*NAMED_DEPARTMENTS, NEW_DEPARTMENT]
    codes = [d.code for d in demo.departments]
    assert all(1 <= len(code) <= 4 for code in codes)
    assert len({code.upper() for code in codes}) == len(codes)
    assert all(d.lead for d in demo.departments)
    assert demo.focus_department is not None
    assert demo.focus_department.name == "Customer Success"


def test_every_finding_occurs(demo: Matrix) -> None:
    counts = Counter(f.code for f in compute_findings(demo))
    assert set(counts) == set(CODES)
    index_counts = FindingsIndex(demo).counts()
    assert index_counts == {code: counts[code] for code in CODES}


def test_most_touchpoints_have_exactly_one_owner(demo: Matrix) -> None:
    owners = [len(demo.owners(tp.id)) for tp in demo.iter_touchpoints()]
    assert sum(1 for n in owners if n == 1) / len(owners) >= 0.8
    # The problems stand out: only a few rows break the one-owner rule.
    assert sum(1 for n in owners if n != 1) <= 5


def test_most_owned_touchpoints_have_a_metric(demo: Matrix) -> None:
    owned = [tp for tp in demo.iter_touchpoints() if demo.owners(tp.id)]
    with_metric = [tp for tp in owned if tp.metric]
    assert len(with_metric) / len(owned) >= 0.85
    assert len(with_metric) < len(owned)


def test_outage_is_handled_by_support_and_success_but_owned_by_nobody(demo: Matrix) -> None:
    tid = _touchpoint_named(demo, "outage")
    assert demo.touchpoint(tid).peak
    found = {f.code: f for f in compute_findings(demo) if f.touchpoint_id == tid}
    assert found[NO_OWNER].message == (
        "Customer Success and Support handle the fallout, but nobody owns it.")
    assert CRITICAL_MOMENT_UNOWNED in found
    handlers = {d.name for d in demo.departments_with(tid, Role.HANDLE)}
    assert handlers == {"Customer Success", "Support"}


def test_welcome_email_is_owned_twice(demo: Matrix) -> None:
    tid = _touchpoint_named(demo, "welcome email")
    assert [d.name for d in demo.owners(tid)] == ["Marketing", "Customer Success"]
    found = [f for f in compute_findings(demo) if f.touchpoint_id == tid]
    assert [f.code for f in found] == [SEVERAL_OWNERS]
    # Both owners explain themselves in a cell note.
    assert all(demo.note(tid, d.id) for d in demo.owners(tid))


def test_findings_are_where_a_reader_expects_them(demo: Matrix) -> None:
    findings = compute_findings(demo)
    by_code: dict[str, list[int]] = {}
    for finding in findings:
        if finding.touchpoint_id is not None:
            by_code.setdefault(finding.code, []).append(finding.touchpoint_id)
    assert all(demo.touchpoint(tid).is_critical for tid in by_code[CRITICAL_MOMENT_UNOWNED])
    assert len(by_code[OWNER_WITHOUT_METRIC]) >= 1
    idle = [demo.department(f.department_id).name for f in findings
            if f.code == IDLE_DEPARTMENT and f.department_id is not None]
    assert idle == [NEW_DEPARTMENT]
    # Customer Success has a role on many touchpoints but not on all of them.
    no_role = by_code[ROLE_NOT_ESTABLISHED]
    assert 5 <= len(no_role) <= demo.touchpoint_count // 2


def test_role_notes_are_present(demo: Matrix) -> None:
    assert len(demo.notes) >= 5
    # A note sits on a cell that also holds a role.
    assert all(demo.role(tid, did) is not None for tid, did in demo.notes)


def test_file_is_in_the_writers_canonical_form(demo: Matrix) -> None:
    on_disk = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    assert on_disk["signoffs"], "the sign-offs are part of the format (version 3)"
    assert on_disk == json_format.to_dict(demo, json_format.read(DEMO_PATH).snapshots)


def test_most_departments_agreed_legal_disputes_and_sales_is_out_of_date(demo: Matrix
                                                                         ) -> None:
    from cxmatrix.domain.signoff import signoff_line, signoff_status, summary_sentence

    labels = {demo.department(s.department_id).name: s.label for s in signoff_status(demo)}
    assert labels == {"Marketing": "agreed", "Sales": "out of date",
                      "Customer Success": "agreed", "Support": "agreed", "Product": "agreed",
                      "Engineering": "agreed", "Finance": "agreed", "Legal": "disputed",
                      "Professional Services": "asked"}
    assert summary_sentence(demo) == (
        "6 of 9 departments agreed; Legal disputes 2 touchpoints; Sales' agreement is out of "
        "date (2 changes since 14 Sep); Professional Services has not answered yet "
        "(sent 1 Dec)")
    assert signoff_line(demo, demo.focus_department_id) == (
        "Agreed by Maren Lindqvist on 20 November 2026")
    disputed = [f for f in compute_findings(demo) if f.code == DISPUTED]
    assert all(f.detail for f in disputed), "every dispute carries the lead's comment"


def test_json_round_trip_gives_an_identical_matrix(demo: Matrix, tmp_path: Path) -> None:
    again = json_format.from_dict(json_format.to_dict(demo))
    assert again.content() == demo.content()
    out = tmp_path / "demo-copy.json"
    json_format.write(demo, out)
    assert json_format.read(out).matrix.content() == demo.content()


# ---- today and target, snapshots -------------------------------------------------------------


def test_the_target_fixes_every_error_and_warning_and_names_who_and_when(demo: Matrix) -> None:
    from cxmatrix.domain.findings import today_and_target

    both = today_and_target(demo)
    assert (both.today.errors, both.today.warnings) == (4, 4)  # 2 of them disputes
    assert (both.target.errors, both.target.warnings) == (0, 0)
    assert both.text() == "today: 4 errors, 4 warnings → target: 0 errors"
    # The idle department gets its work at target.
    assert IDLE_DEPARTMENT not in {f.code for f in both.target_findings}
    changes = demo.planned_changes()
    assert len(changes) >= 5
    assert all(c.action is not None and c.action.person and c.action.due for c in changes)
    assert {c.action.status.value for c in changes if c.action} >= {"planned", "in progress"}
    assert any(a.is_done for a in demo.actions.values())
    # The demo's structure is the same today and at target, so every page counts alike.
    assert not demo.planned_touchpoints and not demo.planned_departments


def test_no_department_is_planned_to_take_on_fallout_it_has_no_part_in(demo: Matrix) -> None:
    """Handle means "not planned, but deals with the fallout": a plan that gives a department
    a Handle where it has no role today reads as a contradiction in front of an executive
    (Professional Services' paid onboarding package is its Influence on onboarding)."""
    assert [(c.touchpoint_id, c.department_id) for c in demo.planned_changes()
            if c.current is None and c.target is Role.HANDLE] == []
    services = demo.find_department(NEW_DEPARTMENT)
    assert services is not None
    assert {c.target for c in demo.planned_changes()
            if c.department_id == services.id} == {Role.INFLUENCE}


def test_two_snapshots_show_the_drift_from_kick_off_to_agreed() -> None:
    from cxmatrix.domain.snapshots import drift_of

    snapshots = json_format.read(DEMO_PATH).snapshots
    assert [s.name for s in snapshots] == ["Kick-off, Sep 2026",
                                           "Agreed with the leadership team, Nov 2026"]
    assert snapshots[0].taken < snapshots[1].taken
    assert not snapshots[0].matrix.has_plan and snapshots[1].matrix.has_plan
    # The description is the map's, not a dated story: the snapshots said "agreed by the
    # leadership team in January 2026" on a map first drawn in September 2026.
    today = json_format.read(DEMO_PATH).matrix
    assert {s.matrix.description for s in snapshots} == {today.description}
    assert "2026" not in today.description
    points = drift_of(snapshots)
    # Two problems were fixed between the kick-off and the agreement.
    assert points[0].figures.several_owners == points[1].figures.several_owners + 1
    assert points[0].figures.one_owner_share < points[1].figures.one_owner_share


def test_a_demo_file_keeps_the_snapshots(tmp_path: Path) -> None:
    from cxmatrix.cli import main
    from cxmatrix.store import Document

    assert main(["new", str(tmp_path / "demo.cxm"), "--demo"]) == 0
    with Document.open(tmp_path / "demo.cxm") as document:
        assert len(document.snapshots()) == 2
        assert len(document.matrix.planned_changes()) == len(
            json_format.read(DEMO_PATH).matrix.planned_changes())
