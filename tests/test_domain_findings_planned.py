"""Touchpoints and departments flagged planned exist only at target: today's findings (the
FindingsIndex, compute_findings) leave them out, and agree with ``today_and_target`` through
any sequence of edits and planned flags."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from cxmatrix.domain import (
    CODES,
    IDLE_DEPARTMENT,
    NO_OWNER,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    FindingsIndex,
    Matrix,
    Role,
    Severity,
    compute_findings,
)
from cxmatrix.domain.findings import FindingCounts, today_and_target
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.states import target_state
from tests.test_domain_findings import RandomEditor, make_matrix, seeded_matrix


def codes(matrix: Matrix) -> Counter[str]:
    return Counter(f.code for f in compute_findings(matrix))


def assert_today_agrees(index: FindingsIndex, matrix: Matrix) -> None:
    today = today_and_target(matrix)
    assert index.all() == list(today.today_findings)
    assert compute_findings(matrix) == list(today.today_findings)
    counts = Counter(f.code for f in today.today_findings)
    assert index.counts() == {code: counts[code] for code in CODES}
    totals = index.severity_counts()
    assert FindingCounts(totals[Severity.ERROR], totals[Severity.WARNING],
                         totals[Severity.INFO]) == today.today


def test_a_planned_touchpoint_without_an_owner_is_no_error_today() -> None:
    matrix, tids, depts = make_matrix(touchpoints=2, focus="Support")
    matrix.set_role(tids[0], depts["Support"], Role.OWN)
    index = FindingsIndex(matrix)
    assert index.counts()[NO_OWNER] == 1
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 1
    matrix.set_planned_touchpoint(tids[1], True)
    assert index.counts()[NO_OWNER] == 0
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 0
    assert index.for_touchpoint(tids[1]) == ()
    assert codes(matrix)[NO_OWNER] == 0
    matrix.set_planned_touchpoint(tids[1], False)
    assert index.counts()[NO_OWNER] == 1
    assert_today_agrees(index, matrix)


def test_a_planned_department_is_not_idle_and_owns_nothing_today() -> None:
    matrix, tids, depts = make_matrix(touchpoints=1)
    matrix.set_role(tids[0], depts["Sales"], Role.OWN)
    matrix.set_role(tids[0], depts["Support"], Role.OWN)
    index = FindingsIndex(matrix)
    assert index.counts()[SEVERAL_OWNERS] == 1
    assert index.counts()[IDLE_DEPARTMENT] == 2  # Marketing, Customer Success
    matrix.set_planned_department(depts["Support"], True)
    assert index.counts()[SEVERAL_OWNERS] == 0  # Support owns only at target
    matrix.set_planned_department(depts["Marketing"], True)
    idle = [f.department_id for f in index.idle_departments()]
    assert idle == [depts["Customer Success"]]
    assert_today_agrees(index, matrix)


def test_a_department_busy_only_on_planned_touchpoints_is_idle_today() -> None:
    matrix, tids, depts = make_matrix(departments=("Sales", "Support"), touchpoints=2)
    matrix.set_role(tids[0], depts["Sales"], Role.OWN)
    matrix.set_role(tids[1], depts["Support"], Role.OWN)
    index = FindingsIndex(matrix)
    assert index.counts()[IDLE_DEPARTMENT] == 0
    matrix.set_planned_touchpoint(tids[1], True)
    assert [f.department_id for f in index.idle_departments()] == [depts["Support"]]
    assert_today_agrees(index, matrix)


def test_a_planned_focus_department_asks_for_no_role_today() -> None:
    matrix, _tids, depts = make_matrix(touchpoints=3, focus="Support")
    index = FindingsIndex(matrix)
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 3
    matrix.set_planned_department(depts["Support"], True)
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 0
    assert_today_agrees(index, matrix)


class PlanEditor(RandomEditor):
    """The random editor, with planned flags and target roles among its operations."""

    def step(self) -> None:
        operations = [super().step] * 6 + [self.flag_touchpoint, self.flag_touchpoint,
                                           self.flag_department, self.set_target]
        self.rng.choice(operations)()

    def flag_touchpoint(self) -> None:
        tid = self._touchpoint()
        if tid is None:
            return
        old = self.matrix.set_planned_touchpoint(tid, self.rng.random() < 0.6)
        self.undo_stack.append(lambda: self.matrix.set_planned_touchpoint(tid, old))

    def flag_department(self) -> None:
        did = self._department()
        if did is None:
            return
        old = self.matrix.set_planned_department(did, self.rng.random() < 0.5)
        self.undo_stack.append(lambda: self.matrix.set_planned_department(did, old))

    def set_target(self) -> None:
        tid, did = self._touchpoint(), self._department()
        if tid is None or did is None:
            return
        old = self.matrix.target_role(tid, did)
        self.matrix.set_target(tid, did, self.rng.choice([*Role, None]))
        self.undo_stack.append(lambda: self.matrix.set_target(tid, did, old))


@pytest.mark.parametrize("seed", range(12))
def test_index_equals_today_and_target_over_random_plans(seed: int) -> None:
    rng = random.Random(seed)
    matrix = seeded_matrix(rng)
    index = FindingsIndex(matrix)
    editor = PlanEditor(matrix, rng)
    for _ in range(200):
        editor.step()
        if rng.random() < 0.3:  # several edits pile up between refreshes
            assert_today_agrees(index, matrix)
    assert_today_agrees(index, matrix)
    assert FindingsIndex(matrix).all() == index.all()
    while editor.undo_stack:
        editor.undo()
        if rng.random() < 0.2:
            assert_today_agrees(index, matrix)
    assert_today_agrees(index, matrix)


@pytest.mark.parametrize("seed", range(6))
def test_a_target_index_following_today_equals_a_full_count(seed: int) -> None:
    """``FindingsIndex.following``: the target state's index that takes today's findings of
    the rows without a target role finds what a full count of the target state finds."""
    rng = random.Random(seed)
    matrix = generate_matrix(60, 7, seed=seed)
    matrix.set_properties(focus_department_id=matrix.departments[seed % 7].id)
    tps = [tp.id for tp in matrix.iter_touchpoints()]
    depts = [d.id for d in matrix.departments]
    for _ in range(25):
        matrix.set_target(rng.choice(tps), rng.choice(depts),
                          rng.choice([Role.OWN, Role.INFLUENCE, Role.HANDLE, None]))
    today = FindingsIndex(matrix)
    state = target_state(matrix)
    following = FindingsIndex.following(state, today, matrix.targets)
    full = FindingsIndex(target_state(matrix))
    assert following.counts() == full.counts()
    assert sorted(map(repr, following.all())) == sorted(map(repr, full.all()))
    # It follows later edits of the copy as any index does.
    state.set_cells([(tps[0], depts[0], None), (tps[1], depts[1], Role.OWN)])
    full.matrix.set_cells([(tps[0], depts[0], None), (tps[1], depts[1], Role.OWN)])
    assert following.counts() == full.counts()
