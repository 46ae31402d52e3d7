"""Every finding rule with its edge cases, and the FindingsIndex kept equal to a full
recomputation through any sequence of edits."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import pytest

from cxmatrix.domain import (
    CODES,
    CRITICAL_MOMENT_UNOWNED,
    IDLE_DEPARTMENT,
    NO_OWNER,
    OWNER_WITHOUT_METRIC,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    Department,
    Finding,
    FindingsIndex,
    Matrix,
    Role,
    Severity,
    Touchpoint,
    compute_findings,
)
from cxmatrix.domain.findings import SEVERITY_OF, join_names, touchpoint_findings

DEPARTMENTS = ("Marketing", "Sales", "Customer Success", "Support")


def make_matrix(departments: tuple[str, ...] = DEPARTMENTS, touchpoints: int = 1,
                focus: str | None = None) -> tuple[Matrix, list[int], dict[str, int]]:
    """A matrix with one stage of ``touchpoints`` rows; returns it, the touchpoint ids and the
    department ids by name."""
    matrix = Matrix(title="Test")
    stage = matrix.add_stage("Onboarding")
    tids = [matrix.add_touchpoint(stage.id, f"Touchpoint {n}", metric="CSAT").id
            for n in range(1, touchpoints + 1)]
    depts = {name: matrix.add_department(name).id for name in departments}
    if focus is not None:
        matrix.set_properties(focus_department_id=depts[focus])
    return matrix, tids, depts


def codes_for(matrix: Matrix, touchpoint_id: int) -> list[str]:
    return [f.code for f in compute_findings(matrix) if f.touchpoint_id == touchpoint_id]


def finding(matrix: Matrix, code: str, touchpoint_id: int | None = None) -> Finding:
    found = [f for f in compute_findings(matrix)
             if f.code == code and f.touchpoint_id == touchpoint_id]
    assert len(found) == 1, f"expected one {code} finding, found {found}"
    return found[0]


def assert_index_matches(index: FindingsIndex, matrix: Matrix) -> None:
    full = compute_findings(matrix)
    assert index.all() == full
    counts = Counter(f.code for f in full)
    assert index.counts() == {code: counts[code] for code in CODES}
    for tp in matrix.iter_touchpoints():
        assert index.for_touchpoint(tp.id) == touchpoint_findings(matrix, tp)


# ---- empty and degenerate matrices ---------------------------------------------------------


def test_empty_matrix_has_no_findings() -> None:
    matrix = Matrix()
    assert compute_findings(matrix) == []
    index = FindingsIndex(matrix)
    assert index.all() == []
    assert index.counts() == dict.fromkeys(CODES, 0)
    assert index.severity_counts() == dict.fromkeys(Severity, 0)


def test_departments_without_touchpoints_are_all_idle() -> None:
    matrix, _, depts = make_matrix(touchpoints=0, focus="Customer Success")
    found = compute_findings(matrix)
    assert [f.code for f in found] == [IDLE_DEPARTMENT] * len(DEPARTMENTS)
    assert [f.department_id for f in found] == list(depts.values())
    assert found[0].message == "Marketing has no role on any touchpoint."
    assert found[0].severity is Severity.INFO
    assert found[0].touchpoint_id is None


def test_touchpoints_without_departments_have_no_owner() -> None:
    matrix, tids, _ = make_matrix(departments=(), touchpoints=3)
    matrix.update_touchpoint(tids[1], end=True)
    found = compute_findings(matrix)
    assert [f.code for f in found if f.touchpoint_id == tids[0]] == [NO_OWNER]
    assert finding(matrix, NO_OWNER, tids[0]).message == "No clear owner."
    assert codes_for(matrix, tids[1]) == [NO_OWNER, CRITICAL_MOMENT_UNOWNED]
    assert not [f for f in found if f.code == IDLE_DEPARTMENT]


def test_empty_stage_adds_no_findings() -> None:
    matrix, _, depts = make_matrix(touchpoints=0)
    matrix.add_stage("Renewal & expansion")
    assert {f.code for f in compute_findings(matrix)} == {IDLE_DEPARTMENT}
    assert len(compute_findings(matrix)) == len(depts)


# ---- no-owner ------------------------------------------------------------------------------


def test_no_roles_at_all_means_no_clear_owner() -> None:
    matrix, (tid,), _ = make_matrix()
    found = finding(matrix, NO_OWNER, tid)
    assert found.message == "No clear owner."
    assert found.severity is Severity.ERROR
    assert found.department_ids == ()
    assert found.title == "No clear owner"


def test_influence_only_is_still_no_clear_owner() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Sales"], Role.INFLUENCE)
    matrix.set_role(tid, depts["Marketing"], Role.INFLUENCE)
    assert finding(matrix, NO_OWNER, tid).message == "No clear owner."


def test_one_handler_is_named() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Support"], Role.HANDLE)
    matrix.set_role(tid, depts["Sales"], Role.INFLUENCE)
    found = finding(matrix, NO_OWNER, tid)
    assert found.message == "Support handles the fallout, but nobody owns it."
    assert found.department_ids == (depts["Support"],)


def test_two_handlers_are_named_in_department_order() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Support"], Role.HANDLE)
    matrix.set_role(tid, depts["Customer Success"], Role.HANDLE)
    found = finding(matrix, NO_OWNER, tid)
    assert found.message == "Customer Success and Support handle the fallout, but nobody owns it."
    assert found.department_ids == (depts["Customer Success"], depts["Support"])


def test_three_handlers_are_listed_with_commas() -> None:
    matrix, (tid,), depts = make_matrix()
    for name in ("Support", "Marketing", "Sales"):
        matrix.set_role(tid, depts[name], Role.HANDLE)
    assert finding(matrix, NO_OWNER, tid).message == (
        "Marketing, Sales and Support handle the fallout, but nobody owns it.")


def test_an_owner_silences_no_owner_even_with_handlers() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Support"], Role.HANDLE)
    matrix.set_role(tid, depts["Customer Success"], Role.OWN)
    assert codes_for(matrix, tid) == []


def test_clearing_the_only_owner_brings_no_owner_back() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Sales"], Role.OWN)
    assert NO_OWNER not in codes_for(matrix, tid)
    matrix.set_role(tid, depts["Sales"], None)
    assert codes_for(matrix, tid) == [NO_OWNER]


@pytest.mark.parametrize(("names", "joined"), [
    ([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C"),
])
def test_join_names(names: list[str], joined: str) -> None:
    assert join_names(names) == joined


# ---- several-owners ------------------------------------------------------------------------


def test_two_owners() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Customer Success"], Role.OWN)
    matrix.set_role(tid, depts["Marketing"], Role.OWN)
    found = finding(matrix, SEVERAL_OWNERS, tid)
    assert found.message == (
        "Owned by Marketing and Customer Success: ambiguous ownership, duplicated effort.")
    assert found.severity is Severity.WARNING
    assert found.department_ids == (depts["Marketing"], depts["Customer Success"])
    assert codes_for(matrix, tid) == [SEVERAL_OWNERS]


def test_every_department_owning() -> None:
    matrix, (tid,), depts = make_matrix()
    for dept_id in depts.values():
        matrix.set_role(tid, dept_id, Role.OWN)
    assert finding(matrix, SEVERAL_OWNERS, tid).message.startswith(
        "Owned by Marketing, Sales, Customer Success and Support: ")
    assert NO_OWNER not in codes_for(matrix, tid)


def test_owner_turned_influencer_leaves_one_owner() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Sales"], Role.OWN)
    matrix.set_role(tid, depts["Support"], Role.OWN)
    matrix.set_role(tid, depts["Support"], Role.INFLUENCE)
    assert codes_for(matrix, tid) == []


# ---- critical-moment-unowned ---------------------------------------------------------------

FLAGS = [(True, False, "peak"), (False, True, "end"), (True, True, "peak and end")]


@pytest.mark.parametrize("owners", [0, 1, 2])
@pytest.mark.parametrize(("peak", "end", "kind"), FLAGS)
def test_critical_moment_needs_exactly_one_owner(peak: bool, end: bool, kind: str,
                                                 owners: int) -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.update_touchpoint(tid, peak=peak, end=end)
    for name in ("Sales", "Customer Success")[:owners]:
        matrix.set_role(tid, depts[name], Role.OWN)
    found = [f for f in compute_findings(matrix) if f.code == CRITICAL_MOMENT_UNOWNED]
    if owners == 1:
        assert found == []
        return
    (critical,) = found
    problem = "no owner" if owners == 0 else "2 owners"
    assert f" {kind} moment with {problem}: " in critical.message
    assert critical.severity is Severity.ERROR
    assert critical.touchpoint_id == tid
    assert len(critical.department_ids) == owners


@pytest.mark.parametrize("owners", [0, 2])
def test_ordinary_moment_is_not_critical(owners: int) -> None:
    matrix, (tid,), depts = make_matrix()
    for name in ("Sales", "Customer Success")[:owners]:
        matrix.set_role(tid, depts[name], Role.OWN)
    assert CRITICAL_MOMENT_UNOWNED not in codes_for(matrix, tid)


def test_clearing_the_flags_clears_the_finding() -> None:
    matrix, (tid,), _ = make_matrix()
    matrix.update_touchpoint(tid, peak=True, end=True)
    assert CRITICAL_MOMENT_UNOWNED in codes_for(matrix, tid)
    matrix.update_touchpoint(tid, peak=False)
    assert CRITICAL_MOMENT_UNOWNED in codes_for(matrix, tid)
    matrix.update_touchpoint(tid, end=False)
    assert codes_for(matrix, tid) == [NO_OWNER]


def test_end_moment_message_is_grammatical() -> None:
    matrix, (tid,), _ = make_matrix()
    matrix.update_touchpoint(tid, end=True)
    assert finding(matrix, CRITICAL_MOMENT_UNOWNED, tid).message.startswith(
        "An end moment with no owner")


# ---- owner-without-metric ------------------------------------------------------------------


def test_owned_without_metric() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.update_touchpoint(tid, metric="")
    matrix.set_role(tid, depts["Support"], Role.OWN)
    found = finding(matrix, OWNER_WITHOUT_METRIC, tid)
    assert found.message == (
        "Owned by Support, but no metric is recorded: owners create routines and metrics.")
    assert found.severity is Severity.INFO
    assert found.department_ids == (depts["Support"],)


def test_owned_with_metric_is_fine() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Support"], Role.OWN)
    assert codes_for(matrix, tid) == []


def test_whitespace_metric_set_through_an_edit_counts_as_none() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.set_role(tid, depts["Support"], Role.OWN)
    matrix.update_touchpoint(tid, metric="  \t \n ")
    assert codes_for(matrix, tid) == [OWNER_WITHOUT_METRIC]


def test_whitespace_metric_loaded_in_bulk_counts_as_none() -> None:
    # The store loads touchpoints directly, so the rule must not rely on edits stripping text.
    matrix = Matrix()
    matrix.load_stage(1, "Support")
    matrix.load_department(Department(2, "Support", "SUP"))
    matrix.load_touchpoint(Touchpoint(3, 1, "Ticket", metric="   "))
    matrix.roles[3] = {2: Role.OWN}
    matrix.load_finished()
    assert codes_for(matrix, 3) == [OWNER_WITHOUT_METRIC]
    assert FindingsIndex(matrix).counts()[OWNER_WITHOUT_METRIC] == 1


def test_unowned_without_metric_is_only_no_owner() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.update_touchpoint(tid, metric="")
    matrix.set_role(tid, depts["Support"], Role.HANDLE)
    assert codes_for(matrix, tid) == [NO_OWNER]


def test_several_owners_without_metric_names_them_all() -> None:
    matrix, (tid,), depts = make_matrix()
    matrix.update_touchpoint(tid, metric="")
    matrix.set_role(tid, depts["Sales"], Role.OWN)
    matrix.set_role(tid, depts["Marketing"], Role.OWN)
    assert codes_for(matrix, tid) == [SEVERAL_OWNERS, OWNER_WITHOUT_METRIC]
    assert finding(matrix, OWNER_WITHOUT_METRIC, tid).message.startswith(
        "Owned by Marketing and Sales, but no metric")


# ---- role-not-established (focus department) -----------------------------------------------


def test_no_focus_department_means_no_role_questions() -> None:
    matrix, _, _ = make_matrix(touchpoints=3)
    assert ROLE_NOT_ESTABLISHED not in {f.code for f in compute_findings(matrix)}
    assert matrix.focus_department is None


def test_focus_department_without_a_role_is_asked() -> None:
    matrix, tids, depts = make_matrix(touchpoints=2, focus="Customer Success")
    matrix.set_role(tids[0], depts["Customer Success"], Role.INFLUENCE)
    found = finding(matrix, ROLE_NOT_ESTABLISHED, tids[1])
    assert found.message == "Should Customer Success have a role here? Which one?"
    assert found.department_id == depts["Customer Success"]
    assert found.severity is Severity.INFO
    assert ROLE_NOT_ESTABLISHED not in codes_for(matrix, tids[0])


@pytest.mark.parametrize("role", list(Role))
def test_any_role_of_the_focus_department_is_established(role: Role) -> None:
    matrix, (tid,), depts = make_matrix(focus="Support")
    matrix.set_role(tid, depts["Support"], role)
    assert ROLE_NOT_ESTABLISHED not in codes_for(matrix, tid)


def test_a_note_alone_is_not_a_role() -> None:
    matrix, (tid,), depts = make_matrix(focus="Support")
    matrix.set_note(tid, depts["Support"], "Ask the lead")
    assert ROLE_NOT_ESTABLISHED in codes_for(matrix, tid)


def test_focus_deleted_restored_and_changed() -> None:
    matrix, tids, depts = make_matrix(touchpoints=3, focus="Customer Success")
    index = FindingsIndex(matrix)
    matrix.set_role(tids[0], depts["Customer Success"], Role.OWN)
    matrix.set_role(tids[1], depts["Sales"], Role.OWN)
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 2

    snapshot = matrix.delete_department(depts["Customer Success"])
    assert matrix.focus_department is None
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 0
    assert_index_matches(index, matrix)

    matrix.restore_department(snapshot)
    assert matrix.focus_department is not None
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 2
    assert_index_matches(index, matrix)

    matrix.set_properties(focus_department_id=depts["Sales"])
    asked = [f for f in index.all() if f.code == ROLE_NOT_ESTABLISHED]
    assert [f.touchpoint_id for f in asked] == [tids[0], tids[2]]
    assert {f.message for f in asked} == {"Should Sales have a role here? Which one?"}
    assert_index_matches(index, matrix)

    matrix.set_properties(focus_department_id=None)
    assert index.counts()[ROLE_NOT_ESTABLISHED] == 0
    assert_index_matches(index, matrix)


def test_renaming_the_focus_department_updates_the_question() -> None:
    matrix, (tid,), depts = make_matrix(focus="Customer Success")
    index = FindingsIndex(matrix)
    index.all()
    matrix.rename_department(depts["Customer Success"], "Client Success")
    assert [f.message for f in index.for_touchpoint(tid) if f.code == ROLE_NOT_ESTABLISHED] == [
        "Should Client Success have a role here? Which one?"]


# ---- idle-department -----------------------------------------------------------------------


def idle_names(matrix: Matrix, index: FindingsIndex) -> list[str]:
    full = [matrix.department(f.department_id).name for f in compute_findings(matrix)
            if f.code == IDLE_DEPARTMENT and f.department_id is not None]
    from_index = [matrix.department(f.department_id).name for f in index.idle_departments()
                  if f.department_id is not None]
    assert full == from_index
    return full


def test_idle_department_becomes_busy_and_idle_again() -> None:
    matrix, tids, depts = make_matrix(touchpoints=2)
    index = FindingsIndex(matrix)
    assert idle_names(matrix, index) == list(DEPARTMENTS)

    matrix.set_role(tids[0], depts["Support"], Role.HANDLE)
    matrix.set_role(tids[1], depts["Support"], Role.INFLUENCE)
    assert "Support" not in idle_names(matrix, index)

    matrix.set_role(tids[0], depts["Support"], None)
    assert "Support" not in idle_names(matrix, index), "still busy on the second touchpoint"

    snapshot = matrix.delete_touchpoint(tids[1])
    assert "Support" in idle_names(matrix, index)

    matrix.restore_touchpoint(snapshot)
    assert "Support" not in idle_names(matrix, index)

    matrix.set_cells([(tids[1], depts["Support"], None), (tids[1], depts["Sales"], Role.OWN)])
    assert idle_names(matrix, index) == ["Marketing", "Customer Success", "Support"]
    assert_index_matches(index, matrix)


def test_deleted_department_is_not_reported_idle() -> None:
    matrix, _, depts = make_matrix()
    index = FindingsIndex(matrix)
    matrix.delete_department(depts["Sales"])
    assert idle_names(matrix, index) == ["Marketing", "Customer Success", "Support"]


def test_deleting_the_stage_makes_its_departments_idle() -> None:
    matrix, tids, depts = make_matrix(touchpoints=2)
    index = FindingsIndex(matrix)
    matrix.set_role(tids[0], depts["Sales"], Role.OWN)
    assert "Sales" not in idle_names(matrix, index)
    snapshot = matrix.delete_stage(matrix.stages[0].id)
    assert idle_names(matrix, index) == list(DEPARTMENTS)
    matrix.restore_stage(snapshot)
    assert "Sales" not in idle_names(matrix, index)
    assert_index_matches(index, matrix)


# ---- severities, ordering and the index's own queries --------------------------------------


def test_severities_and_titles_are_defined_for_every_code() -> None:
    assert set(SEVERITY_OF) == set(CODES)
    assert SEVERITY_OF[NO_OWNER] is Severity.ERROR
    assert SEVERITY_OF[CRITICAL_MOMENT_UNOWNED] is Severity.ERROR
    assert SEVERITY_OF[SEVERAL_OWNERS] is Severity.WARNING
    for code in (OWNER_WITHOUT_METRIC, ROLE_NOT_ESTABLISHED, IDLE_DEPARTMENT):
        assert SEVERITY_OF[code] is Severity.INFO
    for code in CODES:
        assert Finding(code, SEVERITY_OF[code], "").title


def test_findings_are_ordered_by_severity_then_display_order() -> None:
    matrix, tids, depts = make_matrix(touchpoints=3, focus="Support")
    matrix.set_role(tids[0], depts["Sales"], Role.OWN)
    matrix.set_role(tids[0], depts["Marketing"], Role.OWN)
    matrix.update_touchpoint(tids[1], metric="")
    matrix.set_role(tids[1], depts["Sales"], Role.OWN)
    found = compute_findings(matrix)
    ranks = [f.severity.rank for f in found]
    assert ranks == sorted(ranks)
    assert [(f.code, f.touchpoint_id) for f in found] == [
        (NO_OWNER, tids[2]),
        (SEVERAL_OWNERS, tids[0]),
        (ROLE_NOT_ESTABLISHED, tids[0]),
        (OWNER_WITHOUT_METRIC, tids[1]),
        (ROLE_NOT_ESTABLISHED, tids[1]),
        (ROLE_NOT_ESTABLISHED, tids[2]),
        (IDLE_DEPARTMENT, None),
        (IDLE_DEPARTMENT, None),
    ]
    # Moving a touchpoint changes the display order of its findings.
    matrix.move_touchpoint(tids[2], matrix.stages[0].id, 0)
    assert [f.touchpoint_id for f in compute_findings(matrix)
            if f.code == ROLE_NOT_ESTABLISHED] == [tids[2], tids[0], tids[1]]


def test_index_queries_and_refresh_report_what_changed() -> None:
    matrix, tids, depts = make_matrix(touchpoints=3)
    index = FindingsIndex(matrix)
    assert index.refresh() == set(tids)  # the first refresh is a full computation
    assert index.refresh() == set()
    matrix.set_role(tids[1], depts["Sales"], Role.OWN)
    matrix.set_role(tids[2], depts["Sales"], Role.INFLUENCE)  # still no owner: unchanged
    assert index.refresh() == {tids[1]}
    assert index.for_touchpoint(tids[1]) == ()
    assert index.touchpoints_with_findings(Severity.ERROR) == {tids[0], tids[2]}
    matrix.update_touchpoint(tids[1], metric="")
    assert index.touchpoints_with_findings(Severity.ERROR) == {tids[0], tids[2]}
    assert index.touchpoints_with_findings(Severity.INFO) == set(tids)
    assert index.severity_counts() == {Severity.ERROR: 2, Severity.WARNING: 0,
                                       Severity.INFO: 1 + 3}  # metric + 3 idle departments


def test_index_follows_a_department_move() -> None:
    matrix, (tid,), depts = make_matrix()
    index = FindingsIndex(matrix)
    matrix.set_role(tid, depts["Customer Success"], Role.HANDLE)
    matrix.set_role(tid, depts["Support"], Role.HANDLE)
    index.all()
    matrix.move_department(depts["Support"], 0)
    assert index.all() == compute_findings(matrix)


# ---- random edit sequences -----------------------------------------------------------------

Undo = Callable[[], object]


class RandomEditor:
    """Applies random domain operations, each with its inverse on an undo stack, the way the
    GUI's undo stack does (undo is always last-in, first-out)."""

    def __init__(self, matrix: Matrix, rng: random.Random) -> None:
        self.matrix = matrix
        self.rng = rng
        self.undo_stack: list[Undo] = []
        self.counter = 0

    def _name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix} {self.counter}"

    def _touchpoint(self) -> int | None:
        tps = list(self.matrix.iter_touchpoints())
        return self.rng.choice(tps).id if tps else None

    def _department(self) -> int | None:
        depts = self.matrix.departments
        return self.rng.choice(depts).id if depts else None

    def _stage(self) -> int | None:
        return self.rng.choice(self.matrix.stages).id if self.matrix.stages else None

    def step(self) -> None:
        operations = [self.set_role] * 8 + [
            self.set_cells, self.edit_touchpoint, self.edit_touchpoint, self.add_touchpoint,
            self.delete_touchpoint, self.move_touchpoint, self.add_department,
            self.delete_department, self.rename_department, self.set_focus, self.add_stage,
            self.delete_stage, self.move_stage, self.move_department, self.set_note, self.undo,
            self.undo]
        self.rng.choice(operations)()

    def set_role(self) -> None:
        tid, did = self._touchpoint(), self._department()
        if tid is None or did is None:
            return
        role = self.rng.choice([*Role, Role.OWN, None])
        old = self.matrix.set_role(tid, did, role)
        self.undo_stack.append(lambda: self.matrix.set_role(tid, did, old))

    def set_cells(self) -> None:
        if not self.matrix.departments or not self.matrix.touchpoint_count:
            return
        changes = []
        for _ in range(self.rng.randint(1, 6)):
            tid, did = self._touchpoint(), self._department()
            assert tid is not None
            assert did is not None
            changes.append((tid, did, self.rng.choice([*Role, None])))
        previous = self.matrix.set_cells(changes)
        self.undo_stack.append(lambda: self.matrix.set_cells(previous))

    def edit_touchpoint(self) -> None:
        tid = self._touchpoint()
        if tid is None:
            return
        change = self.rng.choice([
            {"peak": self.rng.random() < 0.5}, {"end": self.rng.random() < 0.5},
            {"metric": self.rng.choice(["", "  ", "CSAT", "Time to first value"])},
            {"name": self._name("Renamed")}])
        old = self.matrix.update_touchpoint(tid, **change)
        self.undo_stack.append(lambda: self.matrix.update_touchpoint(tid, **old))

    def add_touchpoint(self) -> None:
        sid = self._stage()
        if sid is None:
            return
        tp = self.matrix.add_touchpoint(
            sid, self._name("Touchpoint"), self.rng.randint(0, 5),
            peak=self.rng.random() < 0.2, end=self.rng.random() < 0.1,
            metric=self.rng.choice(["", "NPS"]))
        self.undo_stack.append(lambda: self.matrix.delete_touchpoint(tp.id))

    def delete_touchpoint(self) -> None:
        tid = self._touchpoint()
        if tid is None:
            return
        snapshot = self.matrix.delete_touchpoint(tid)
        self.undo_stack.append(lambda: self.matrix.restore_touchpoint(snapshot))

    def move_touchpoint(self) -> None:
        tid, sid = self._touchpoint(), self._stage()
        if tid is None or sid is None:
            return
        old_stage, old_index = self.matrix.move_touchpoint(tid, sid, self.rng.randint(0, 5))
        self.undo_stack.append(lambda: self.matrix.move_touchpoint(tid, old_stage, old_index))

    def add_department(self) -> None:
        dept = self.matrix.add_department(self._name("Department"),
                                          index=self.rng.randint(0, 8))
        self.undo_stack.append(lambda: self.matrix.delete_department(dept.id))

    def delete_department(self) -> None:
        did = self._department()
        if did is None:
            return
        snapshot = self.matrix.delete_department(did)
        self.undo_stack.append(lambda: self.matrix.restore_department(snapshot))

    def rename_department(self) -> None:
        did = self._department()
        if did is None:
            return
        old = self.matrix.rename_department(did, self._name("Team"))
        self.undo_stack.append(lambda: self.matrix.rename_department(did, old))

    def set_focus(self) -> None:
        target = self._department() if self.rng.random() < 0.8 else None
        old = self.matrix.set_properties(focus_department_id=target)
        self.undo_stack.append(lambda: self.matrix.set_properties(**old))

    def add_stage(self) -> None:
        stage = self.matrix.add_stage(self._name("Stage"), self.rng.randint(0, 8))
        self.undo_stack.append(lambda: self.matrix.delete_stage(stage.id))

    def delete_stage(self) -> None:
        sid = self._stage()
        if sid is None or len(self.matrix.stages) < 2:
            return
        snapshot = self.matrix.delete_stage(sid)
        self.undo_stack.append(lambda: self.matrix.restore_stage(snapshot))

    def move_stage(self) -> None:
        sid = self._stage()
        if sid is None:
            return
        old = self.matrix.move_stage(sid, self.rng.randint(0, 8))
        self.undo_stack.append(lambda: self.matrix.move_stage(sid, old))

    def move_department(self) -> None:
        did = self._department()
        if did is None:
            return
        old = self.matrix.move_department(did, self.rng.randint(0, 8))
        self.undo_stack.append(lambda: self.matrix.move_department(did, old))

    def set_note(self) -> None:
        tid, did = self._touchpoint(), self._department()
        if tid is None or did is None:
            return
        old = self.matrix.set_note(tid, did, self.rng.choice(["", "check with the lead"]))
        self.undo_stack.append(lambda: self.matrix.set_note(tid, did, old))

    def undo(self) -> None:
        if self.undo_stack:
            self.undo_stack.pop()()


def seeded_matrix(rng: random.Random) -> Matrix:
    matrix, tids, depts = make_matrix(touchpoints=6, focus="Customer Success")
    for tid in tids:
        for did in depts.values():
            if rng.random() < 0.4:
                matrix.set_role(tid, did, rng.choice(list(Role)))
        matrix.update_touchpoint(tid, peak=rng.random() < 0.3, end=rng.random() < 0.2,
                                 metric=rng.choice(["", "CSAT"]))
    return matrix


@pytest.mark.parametrize("seed", range(12))
def test_index_equals_full_computation_after_random_edits(seed: int) -> None:
    rng = random.Random(seed)
    matrix = seeded_matrix(rng)
    index = FindingsIndex(matrix)
    start = matrix.content()
    editor = RandomEditor(matrix, rng)
    for _ in range(200):
        editor.step()
        # Query only sometimes, so several edits pile up between refreshes.
        if rng.random() < 0.3:
            assert_index_matches(index, matrix)
    assert_index_matches(index, matrix)
    late_index = FindingsIndex(matrix)  # an index attached mid-way starts from the truth
    assert late_index.all() == index.all()
    while editor.undo_stack:
        editor.undo()
        if rng.random() < 0.2:
            assert_index_matches(index, matrix)
    assert matrix.content() == start
    assert_index_matches(index, matrix)


def test_the_rows_quick_finding_maker_makes_the_same_frozen_finding() -> None:
    from dataclasses import FrozenInstanceError, fields

    from cxmatrix.domain.findings import _new_finding

    matrix = Matrix()
    args = (NO_OWNER, Severity.ERROR, 7, 3, (1, 2), "peak", matrix)
    quick, usual = _new_finding(*args), Finding(*args)
    assert quick == usual and hash(quick) == hash(usual)
    assert all(getattr(quick, f.name) is getattr(usual, f.name) for f in fields(Finding))
    with pytest.raises(FrozenInstanceError):
        quick.code = SEVERAL_OWNERS  # type: ignore[misc]


def test_messages_made_once_are_each_findings_own_message() -> None:
    """``messages`` gives every finding its own message, in order, also when findings of two
    matrices whose departments are called differently are asked together."""
    from cxmatrix.domain.findings import messages
    from cxmatrix.domain.generate import generate_matrix
    from cxmatrix.interchange.demo import demo_import

    first = generate_matrix(300, 9, fill=0.25, seed=5)
    first.focus_department_id = first.departments[1].id
    first.add_department("Nobody's department")
    second = first.copy()
    second.rename_department(second.departments[1].id, "Renamed department")
    demo = demo_import().matrix
    found = [*compute_findings(first), *compute_findings(second), *compute_findings(demo)]
    assert messages(found) == [finding.message for finding in found]
    assert len(set(messages(found))) < len(found)  # (equal messages there are)
    assert any("Renamed department" in text for text in messages(compute_findings(second)))


def test_a_pending_index_finds_nothing_until_it_takes_over() -> None:
    matrix, tids, depts = make_matrix(touchpoints=3)
    matrix.set_role(tids[0], depts["Sales"], Role.OWN)
    index = FindingsIndex(matrix)
    index.compute_elsewhere()
    assert index.pending
    assert index.all() == [] and index.idle_departments() == []
    assert index.for_touchpoint(tids[1]) == () and not any(index.counts().values())
    index.take_over(FindingsIndex.computed_apart(matrix))
    assert not index.pending
    assert_index_matches(index, matrix)


@pytest.mark.parametrize("seed", range(12))
def test_a_pending_index_takes_over_a_result_computed_before_later_edits(seed: int) -> None:
    """The worker's count may be of the matrix as it was some edits ago (or half-way
    through one): the edits made while it ran are recomputed on top of its result."""
    rng = random.Random(seed)
    matrix = seeded_matrix(rng)
    index = FindingsIndex(matrix)
    index.compute_elsewhere()
    editor = RandomEditor(matrix, rng)
    for _ in range(rng.randint(0, 10)):
        editor.step()
    apart = FindingsIndex.computed_apart(matrix)  # counted part-way through the edits
    for _ in range(rng.randint(0, 10)):
        editor.step()
    index.take_over(apart)
    assert_index_matches(index, matrix)
    for _ in range(50):
        editor.step()
    assert_index_matches(index, matrix)


def test_a_pending_index_whose_computation_failed_counts_everything_itself() -> None:
    matrix, tids, depts = make_matrix(touchpoints=2)
    index = FindingsIndex(matrix)
    index.compute_elsewhere()
    matrix.set_role(tids[1], depts["Support"], Role.OWN)
    index.take_over(None)
    assert_index_matches(index, matrix)
