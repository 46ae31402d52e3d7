"""Today and target: target roles, actions, planned flags, findings of both states, the
comparison from today to target, snapshots and drift."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import planned_matrices, random_edits, random_plan_edits

from cxmatrix.domain import DomainError, Matrix, Role
from cxmatrix.domain.actions import Action, ActionStatus, done_change_text
from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.compare import apply_comparison, compare, compare_today_target
from cxmatrix.domain.findings import today_and_target
from cxmatrix.domain.model import MatrixListener
from cxmatrix.domain.roles import gives_and_takes
from cxmatrix.domain.snapshots import Snapshot, drift_of, ownership_figures, snapshot_name
from cxmatrix.domain.states import current_state, target_state


class Recorder(MatrixListener):
    def __init__(self) -> None:
        self.changes: list[MatrixChange] = []

    def matrix_changed(self, matrix: Matrix, change: MatrixChange) -> None:
        self.changes.append(change)


def small() -> tuple[Matrix, dict[str, int]]:
    m = Matrix(title="Plan")
    ids = {
        "support": m.add_department("Support").id,
        "cs": m.add_department("Customer Success").id,
        "marketing": m.add_department("Marketing").id,
    }
    stage = m.add_stage("Renewal & expansion").id
    ids["renewal"] = m.add_touchpoint(stage, "Renewal reminder", metric="NRR").id
    ids["welcome"] = m.add_touchpoint(stage, "Welcome email", metric="Opens").id
    ids["outage"] = m.add_touchpoint(stage, "Outage notification", metric="MTTR").id
    m.set_role(ids["renewal"], ids["support"], Role.OWN)
    m.set_role(ids["welcome"], ids["cs"], Role.OWN)
    m.set_role(ids["welcome"], ids["marketing"], Role.OWN)
    m.set_role(ids["outage"], ids["support"], Role.HANDLE)
    return m, ids


def with_plan(m: Matrix, ids: dict[str, int]) -> None:
    m.set_target(ids["renewal"], ids["support"], Role.INFLUENCE)
    m.set_target(ids["renewal"], ids["cs"], Role.OWN)
    m.set_target(ids["outage"], ids["support"], Role.OWN)
    m.set_target(ids["welcome"], ids["marketing"], None)
    m.set_action(ids["renewal"], ids["cs"], Action("Dana", date(2026, 3, 31)))


def test_a_new_matrix_target_is_its_current_state() -> None:
    m, _ids = small()
    assert not m.has_plan and m.planned_changes() == []
    for tp in m.iter_touchpoints():
        assert m.target_row(tp.id) == m.row_roles(tp.id)
    assert target_state(m).content() == m.content() == current_state(m).content()


def test_a_target_that_differs_is_a_planned_change_and_one_equal_to_today_is_not() -> None:
    m, ids = small()
    recorder = Recorder()
    m.add_listener(recorder)
    assert m.set_target(ids["renewal"], ids["cs"], Role.OWN) is None
    assert recorder.changes == [MatrixChange(targets=frozenset({(ids["renewal"], ids["cs"])}))]
    assert m.is_planned_change(ids["renewal"], ids["cs"])
    assert m.role(ids["renewal"], ids["cs"]) is None  # today is unchanged
    assert m.set_target(ids["renewal"], ids["cs"], None) is Role.OWN
    assert not m.has_plan
    # Setting the target to what is there already records nothing.
    m.set_target(ids["renewal"], ids["support"], Role.OWN)
    assert len(recorder.changes) == 2 and not m.targets
    with pytest.raises(DomainError):
        m.set_target(ids["renewal"], 999, Role.OWN)
    with pytest.raises(DomainError):
        m.set_target(ids["renewal"], ids["cs"], "own")  # type: ignore[arg-type]


def test_set_targets_is_checked_first_and_returns_its_undo() -> None:
    m, ids = small()
    with pytest.raises(DomainError):
        m.set_targets([(ids["renewal"], ids["cs"], Role.OWN), (ids["renewal"], 999, None)])
    assert not m.has_plan
    before = m.plan_content()
    undo = m.set_targets([(ids["renewal"], ids["cs"], Role.OWN),
                          (ids["outage"], ids["support"], Role.OWN)])
    assert len(m.planned_changes()) == 2
    m.set_targets(undo)
    assert m.plan_content() == before


def test_marking_a_change_done_is_one_operation_and_undoes_exactly() -> None:
    m, ids = small()
    with_plan(m, ids)
    before_content, before_plan = m.content(), m.plan_content()
    recorder = Recorder()
    m.add_listener(recorder)
    key = (ids["renewal"], ids["cs"])
    undo = m.complete_change(*key)
    assert len(recorder.changes) == 1
    change = recorder.changes[0]
    assert key in change.cells and key in change.targets and key in change.actions
    assert m.role(*key) is Role.OWN and not m.is_planned_change(*key)
    action = m.action(*key)
    assert action is not None and action.status is ActionStatus.DONE and action.person == "Dana"
    m.restore_plan_cells([(*key, undo)])
    assert m.content() == before_content and m.plan_content() == before_plan


def test_a_done_change_is_named_by_the_role_it_reached() -> None:
    assert done_change_text(Role.OWN) == "Own (done)"
    assert done_change_text(None) == "No role (done)"


def test_actions_are_checked() -> None:
    m, ids = small()
    with pytest.raises(DomainError):
        m.set_action(ids["renewal"], ids["cs"], Action("x" * 20_000))
    with pytest.raises(DomainError):
        m.set_action(ids["renewal"], ids["cs"], Action(due="2026-01-01"))  # type: ignore[arg-type]
    m.set_action(ids["renewal"], ids["cs"], Action("  Dana   Whitfield ", note=" call "))
    assert m.action(ids["renewal"], ids["cs"]) == Action("Dana Whitfield", note="call")


def test_planned_touchpoints_and_departments_exist_only_at_target() -> None:
    m, ids = small()
    stage = m.stages[0].id
    health = m.add_touchpoint(stage, "Renewal health check", metric="Score").id
    m.set_role(health, ids["cs"], Role.OWN)
    m.set_planned_touchpoint(health, True)
    ops = m.add_department("CS Operations").id
    m.set_planned_department(ops, True)
    m.set_target(ids["outage"], ops, Role.OWN)
    today, target = current_state(m), target_state(m)
    assert not today.has_touchpoint(health) and not today.has_department(ops)
    assert target.has_touchpoint(health) and target.role(ids["outage"], ops) is Role.OWN
    assert not today.has_plan and not target.has_plan
    comparison = compare_today_target(m)
    added = {(c.kind, c.name) for c in comparison.structure if c.what == "added"}
    assert added == {("touchpoint", "Renewal health check"), ("department", "CS Operations")}


def test_findings_for_today_and_target() -> None:
    m, ids = small()
    summary = today_and_target(m)
    assert summary.today == summary.target
    with_plan(m, ids)
    summary = today_and_target(m)
    # today: outage has no owner (error), welcome has two (warning)
    assert (summary.today.errors, summary.today.warnings) == (1, 1)
    assert (summary.target.errors, summary.target.warnings) == (0, 0)
    assert summary.text() == "today: 1 error, 1 warning → target: 0 errors"


def test_today_to_target_tells_ownership_in_words() -> None:
    m, ids = small()
    with_plan(m, ids)
    comparison = compare_today_target(m)
    words = {c.touchpoint: c.text for c in comparison.ownership}
    assert words == {
        "Renewal reminder": "Support gives up Own, Customer Success takes it on",
        "Outage notification": "gains an owner (Support)",
        "Welcome email": "ambiguity removed (Marketing no longer owns)",
    }
    assert len(comparison.cells) == 4
    assert {f.code for f in comparison.findings_fixed} >= {"no-owner", "several-owners"}


def test_what_a_department_gives_and_takes_says_a_count_the_total_says_once() -> None:
    own, inf, handle = Role.OWN, Role.INFLUENCE, Role.HANDLE
    changes = [(own, None), (own, inf), (handle, None)]
    assert gives_and_takes(changes) == "gives up Own on 2, Handle on 1 · takes on Influence on 1"
    assert (gives_and_takes(changes, total=3)
            == "gives up Own on 2, Handle on 1 · takes on Influence on 1")
    assert gives_and_takes([(None, own)], total=1) == "takes on Own"
    assert (gives_and_takes([(own, inf), (own, None)], total=2)
            == "gives up Own · takes on Influence on 1")


def test_deleting_and_restoring_keeps_the_target_layer() -> None:
    m, ids = small()
    with_plan(m, ids)
    m.set_planned_touchpoint(ids["renewal"], True)
    m.set_planned_department(ids["cs"], True)
    plan = m.plan_content()
    snapshot = m.delete_touchpoint(ids["renewal"])
    assert not any(t == ids["renewal"] for t, _ in m.actions)
    m.restore_touchpoint(snapshot)
    assert m.plan_content() == plan
    dept_snapshot = m.delete_department(ids["cs"])
    assert ids["cs"] not in m.planned_departments
    m.restore_department(dept_snapshot)
    assert m.plan_content() == plan
    stage_snapshot = m.delete_stage(m.stages[0].id)
    assert not m.has_plan or m.planned_departments == {ids["cs"]}
    m.restore_stage(stage_snapshot)
    assert m.plan_content() == plan


def test_copy_and_replace_contents_carry_the_plan() -> None:
    m, ids = small()
    with_plan(m, ids)
    other, _ = small()
    recorder = Recorder()
    other.add_listener(recorder)
    change = other.replace_contents(m)
    assert other.plan_content() == m.plan_content() == m.copy().plan_content()
    assert change.targets and change.actions


@given(planned_matrices())
@settings(max_examples=60, deadline=None, database=None)
def test_a_planned_matrix_compared_with_itself_has_no_changes(matrix: Matrix) -> None:
    for match_by in ("id", "name"):
        comparison = compare(matrix, matrix.copy(), match_by=match_by)  # type: ignore[arg-type]
        assert comparison.is_empty, comparison.lines()
        assert not comparison.plan


@given(planned_matrices(), st.integers(0, 2**32 - 1), st.integers(1, 25))
@settings(max_examples=80, deadline=None, database=None)
def test_applying_a_comparison_gives_the_compared_state_with_its_plan(
        matrix: Matrix, seed: int, count: int) -> None:
    rng = random.Random(seed)
    edited = random_plan_edits(random_edits(matrix, rng, count), rng, count)
    comparison = compare(matrix, edited)
    applied = apply_comparison(matrix, comparison)
    assert applied.content() == edited.content()
    assert applied.plan_content() == edited.plan_content()
    same = (matrix.content(), matrix.plan_content()) == (edited.content(),
                                                         edited.plan_content())
    assert comparison.is_empty == same


@given(planned_matrices(), planned_matrices())
@settings(max_examples=40, deadline=None, database=None)
def test_two_planned_files_compare_by_name(first: Matrix, second: Matrix) -> None:
    applied = apply_comparison(first, compare(first, second, match_by="name"))
    assert applied.content() == second.content()
    assert applied.plan_content() == second.plan_content()


def test_drift_over_snapshots() -> None:
    m, ids = small()
    jan = Snapshot(1, "Agreed with the leadership team, Jan 2026",
                   datetime(2026, 1, 15, tzinfo=UTC), m.copy())
    figures = ownership_figures(m)
    assert (figures.touchpoints, figures.one_owner, figures.no_owner, figures.several_owners,
            figures.handle_without_own) == (3, 1, 1, 1, 1)
    with_plan(m, ids)
    for key in [(c.touchpoint_id, c.department_id) for c in m.planned_changes()]:
        m.complete_change(*key)
    mar = Snapshot(2, "March", datetime(2026, 3, 1, tzinfo=UTC), m.copy())
    points = drift_of([mar, jan])
    assert [p.name for p in points] == [jan.name, "March"]
    assert points[1].figures.one_owner_share == 1.0
    assert mar.info().planned_changes == 0
    with pytest.raises(DomainError):
        snapshot_name("   ")
