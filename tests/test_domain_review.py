"""The three-way review of returned workbooks: base (exported), theirs (saved), ours (now)."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmatrix.domain import Matrix, Role
from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.review import ReturnedCopy, ReviewRefused, review
from tests.strategies import matrices


def sample() -> Matrix:
    m = Matrix(title="Journey")
    for name in ("Sales", "Support", "Legal", "Customer Success"):
        m.add_department(name)
    onboarding = m.add_stage("Onboarding")
    renewal = m.add_stage("Renewal")
    for name in ("Kick-off call", "Training", "Welcome email"):
        m.add_touchpoint(onboarding.id, name)
    for name in ("Renewal reminder", "Quote"):
        m.add_touchpoint(renewal.id, name)
    sales, support = m.find_department("Sales"), m.find_department("Support")
    assert sales and support
    for tp in m.iter_touchpoints():
        m.set_role(tp.id, sales.id, Role.OWN)
        m.set_role(tp.id, support.id, Role.INFLUENCE)
    return m


def copy_of(base: Matrix, saved: Matrix, name: str = "anna.xlsx") -> ReturnedCopy:
    return ReturnedCopy(name, base.copy(), saved, base.uid)


def tp(m: Matrix, name: str) -> int:
    return m.find_touchpoints(name)[0].id


def dept(m: Matrix, name: str) -> int:
    found = m.find_department(name)
    assert found is not None
    return found.id


def test_only_in_the_workbook_applies_only_in_the_app_stays() -> None:
    base = sample()
    theirs, ours = base.copy(), base.copy()
    theirs.set_role(tp(theirs, "Training"), dept(theirs, "Support"), None)  # cleared
    theirs.rename_department(dept(theirs, "Legal"), "Legal & Compliance")
    ours.set_role(tp(ours, "Quote"), dept(ours, "Legal"), Role.HANDLE)
    result = review(base, [copy_of(base, theirs)], ours)
    texts = [c.text for c in result.changes]
    assert "Training · Support: Influence → no role" in texts
    assert "Department Legal renamed to Legal & Compliance" in texts
    assert all(c.status == "applies" for c in result.changes)
    assert result.kept_in_app == 1
    merged = result.apply(result.accept_all())
    assert merged.role(tp(merged, "Training"), dept(merged, "Support")) is None
    assert merged.find_department("Legal") is None
    legal = dept(merged, "Legal & Compliance")
    assert legal == dept(base, "Legal")  # a rename, not a new department
    assert merged.role(tp(merged, "Quote"), legal) is Role.HANDLE  # ours stays
    assert len(merged.departments) == 4


def test_a_cell_changed_on_both_sides_is_a_conflict_with_both_values() -> None:
    base = sample()
    theirs, ours = base.copy(), base.copy()
    theirs.set_role(tp(theirs, "Quote"), dept(theirs, "Support"), Role.HANDLE)
    ours.set_role(tp(ours, "Quote"), dept(ours, "Support"), Role.OWN)
    result = review(base, [copy_of(base, theirs)], ours)
    [conflict] = result.conflicts
    assert conflict.text == "Quote · Support (role): Handle in anna.xlsx, Own here (was Influence)"
    assert conflict.ours == "Own" and conflict.base == "Influence"
    assert [o.label for o in conflict.options] == ["Handle (from anna.xlsx)"]
    kept = result.apply(result.accept_all())
    assert kept.role(tp(kept, "Quote"), dept(kept, "Support")) is Role.OWN
    taken = result.apply({conflict.key: 0})
    assert taken.role(tp(taken, "Quote"), dept(taken, "Support")) is Role.HANDLE


def test_new_moved_and_deleted_touchpoints() -> None:
    base = sample()
    theirs = base.copy()
    onboarding = theirs.find_stage("Onboarding")
    assert onboarding is not None
    new = theirs.add_touchpoint(onboarding.id, "Admin training", 1, metric="Seats active")
    theirs.set_role(new.id, dept(theirs, "Customer Success"), Role.OWN)
    renewal = theirs.find_stage("Renewal")
    assert renewal is not None
    theirs.move_touchpoint(tp(theirs, "Welcome email"), renewal.id, 0)
    theirs.delete_touchpoint(tp(theirs, "Quote"))
    result = review(base, [copy_of(base, theirs)], base.copy())
    by_text = {c.text: c for c in result.changes}
    assert "Touchpoint Admin training added in Onboarding" in by_text
    assert "Touchpoint Welcome email moved first in Renewal" in by_text
    deletion = by_text["Touchpoint Quote deleted in anna.xlsx"]
    assert deletion.deletion and deletion.default is None
    assert "Admin training · Customer Success: no role → Own" in by_text
    merged = result.apply(result.accept_all())
    assert merged.find_touchpoints("Quote")  # not deleted without a yes
    assert [t.name for t in merged.touchpoints_in(merged.stages[0].id)] == [
        "Kick-off call", "Admin training", "Training"]
    added = merged.find_touchpoints("Admin training")[0]
    assert added.metric == "Seats active"
    assert merged.role(added.id, dept(merged, "Customer Success")) is Role.OWN
    everything = result.apply(result.accept_all(deletions=True))
    assert everything.content() == theirs.content()


def test_two_copies_claiming_the_same_touchpoint_conflict_naming_both_files() -> None:
    base = sample()
    base.set_role(tp(base, "Training"), dept(base, "Sales"), None)
    anna, ben = base.copy(), base.copy()
    anna.set_role(tp(anna, "Training"), dept(anna, "Customer Success"), Role.OWN)
    ben.set_role(tp(ben, "Training"), dept(ben, "Legal"), Role.OWN)
    anna.set_role(tp(anna, "Quote"), dept(anna, "Support"), Role.HANDLE)
    ben.set_role(tp(ben, "Quote"), dept(ben, "Support"), None)  # one clears, one sets
    result = review(base, [copy_of(base, anna, "anna.xlsx"), copy_of(base, ben, "ben.xlsx")],
                    base.copy())
    assert len(result.conflicts) == 2
    owner = result.change(f"ownership:{tp(base, 'Training')}")
    assert owner.files == ("anna.xlsx", "ben.xlsx")
    assert "anna.xlsx makes Customer Success the owner" in owner.text
    assert "ben.xlsx makes Legal the owner" in owner.text
    quote = next(c for c in result.conflicts if c.group == "Quote")
    assert quote.text == ("Quote · Support (role): Handle in anna.xlsx; "
                          "no role in ben.xlsx")
    merged = result.apply(result.accept_all())
    assert merged.content() == base.content()  # nothing decided for the user
    chosen = result.apply({owner.key: 1})
    assert [d.name for d in chosen.owners(tp(chosen, "Training"))] == ["Legal"]


def test_the_same_department_added_in_two_copies_is_one_addition() -> None:
    base = sample()
    anna, ben = base.copy(), base.copy()
    for copy in (anna, ben):
        data = copy.add_department("Data Office")
        copy.set_role(tp(copy, "Quote"), data.id, Role.INFLUENCE)
    # Both copies got the same fresh id from base.copy(); give ben's another one.
    ben2 = Matrix(title=ben.title, uid=ben.uid)
    ben2.replace_contents(ben)
    result = review(base, [copy_of(base, anna, "a.xlsx"), copy_of(base, ben2, "b.xlsx")],
                    base.copy())
    additions = [c for c in result.changes if c.what == "added"]
    assert [c.text for c in additions] == ["Department Data Office added"]
    assert additions[0].files == ("a.xlsx", "b.xlsx")
    merged = result.apply(result.accept_all())
    assert merged.role(tp(merged, "Quote"), dept(merged, "Data Office")) is Role.INFLUENCE


def test_a_deletion_against_an_edit_here_is_a_conflict() -> None:
    base = sample()
    theirs, ours = base.copy(), base.copy()
    theirs.delete_touchpoint(tp(theirs, "Training"))
    ours.set_role(tp(ours, "Training"), dept(ours, "Legal"), Role.HANDLE)
    result = review(base, [copy_of(base, theirs)], ours)
    [change] = result.changes
    assert change.status == "conflict" and change.deletion
    assert change.text == "Touchpoint Training deleted in anna.xlsx, but changed here"


def test_a_workbook_of_another_matrix_is_refused() -> None:
    base, other = sample(), sample()
    with pytest.raises(ReviewRefused, match="another matrix"):
        review(base, [ReturnedCopy("other.xlsx", other, other.copy(), other.uid)], base)


# ---- properties ----------------------------------------------------------------------------


def edit(matrix: Matrix, rng: random.Random, steps: int) -> None:
    """Random edits a colleague (or the app) makes: roles, renames, moves, additions,
    deletions, planned flags."""
    for _ in range(steps):
        touchpoints = list(matrix.iter_touchpoints())
        action = rng.choice(["role", "role", "role", "rename", "move", "add", "delete",
                             "dept", "planned"])
        if action == "role" and touchpoints and matrix.departments:
            matrix.set_role(rng.choice(touchpoints).id, rng.choice(matrix.departments).id,
                            rng.choice([None, *Role]))
        elif action == "rename" and touchpoints:
            target = rng.choice(touchpoints)
            matrix.rename_touchpoint(target.id, target.name + " (new)")
        elif action == "move" and touchpoints:
            stage = rng.choice(matrix.stages)
            matrix.move_touchpoint(rng.choice(touchpoints).id, stage.id,
                                   rng.randint(0, len(matrix.touchpoints_in(stage.id))))
        elif action == "add":
            stage = rng.choice(matrix.stages)
            matrix.add_touchpoint(stage.id, f"Added {rng.randint(0, 10**6)}")
        elif action == "delete" and touchpoints:
            matrix.delete_touchpoint(rng.choice(touchpoints).id)
        elif action == "planned" and touchpoints and matrix.departments:
            flip_planned(matrix, rng)
        elif action == "dept" and matrix.departments:
            target = rng.choice(matrix.departments)
            if matrix.find_department(target.name + " 2") is None:
                matrix.rename_department(target.id, target.name + " 2")


def flip_planned(matrix: Matrix, rng: random.Random) -> None:
    """Flip the planned flag of a random touchpoint or department."""
    if rng.random() < 0.5:
        touchpoint = rng.choice(list(matrix.iter_touchpoints())).id
        matrix.set_planned_touchpoint(touchpoint, not matrix.is_planned_touchpoint(touchpoint))
    else:
        department = rng.choice(matrix.departments).id
        matrix.set_planned_department(department, not matrix.is_planned_department(department))


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(matrices(), st.integers(0, 2**32), st.integers(0, 8))
def test_an_unchanged_copy_changes_nothing(base: Matrix, seed: int, steps: int) -> None:
    ours = base.copy()
    edit(ours, random.Random(seed), steps)
    result = review(base, [copy_of(base, base.copy())], ours)
    assert result.changes == []
    assert result.apply(result.accept_all(deletions=True)).content() == ours.content()


@SETTINGS
@given(matrices(), st.integers(0, 2**32), st.integers(0, 8))
def test_accepting_everything_of_one_copy_gives_that_copy(base: Matrix, seed: int,
                                                          steps: int) -> None:
    theirs = base.copy()
    edit(theirs, random.Random(seed), steps)
    result = review(base, [copy_of(base, theirs)], base.copy())
    assert not result.conflicts
    decisions = {c.key: 0 for c in result.changes}
    assert result.apply(decisions).content() == theirs.content()


@SETTINGS
@given(matrices(max_departments=5), st.integers(0, 2**32))
def test_disjoint_edits_commute_and_overlapping_ones_are_reported(base: Matrix,
                                                                   seed: int) -> None:
    """Random role edits on both sides: the result is exactly the union of the edits that do
    not clash, and every cell edited differently on both sides is a conflict."""
    rng = random.Random(seed)
    cells = [(t.id, d.id) for t in base.iter_touchpoints() for d in base.departments]
    theirs, ours = base.copy(), base.copy()
    for side in (theirs, ours):
        for t, d in rng.sample(cells, min(len(cells), rng.randint(0, 6))):
            side.set_role(t, d, rng.choice([None, *Role]))
    result = review(base, [copy_of(base, theirs)], ours)
    clashing = {(t, d) for t, d in cells
                if base.role(t, d) is not theirs.role(t, d)
                and base.role(t, d) is not ours.role(t, d)
                and theirs.role(t, d) is not ours.role(t, d)}
    assert {c.key for c in result.conflicts} == {f"cell:{t}:{d}" for t, d in clashing}
    merged = result.apply(result.accept_all())
    for t, d in cells:
        if (t, d) in clashing or base.role(t, d) is theirs.role(t, d):
            assert merged.role(t, d) is ours.role(t, d)
        else:
            assert merged.role(t, d) is theirs.role(t, d)
    # And the other way round: the same union, whichever side made which edit.
    flipped = review(base, [copy_of(base, ours)], theirs)
    other = flipped.apply(flipped.accept_all())
    for t, d in cells:
        if (t, d) not in clashing:
            assert other.role(t, d) is merged.role(t, d)


@pytest.mark.parametrize("seed", range(20))
def test_shuffled_rows_review_as_moves_and_land_in_the_copys_order(seed: int) -> None:
    """A sort or a shuffle moves rows after rows that move too: every listed change is a move,
    and accepting them gives the copy's order in each stage (placed after what they follow,
    in chain order)."""
    base = Matrix(title="Shuffled")
    sales = base.add_department("Sales")
    stage = base.add_stage("Only stage")
    for index in range(12):
        base.set_role(base.add_touchpoint(stage.id, f"Touchpoint {index:02}").id, sales.id,
                      Role.OWN)
    theirs = base.copy()
    order = [t.id for t in theirs.touchpoints_in(stage.id)]
    random.Random(seed).shuffle(order)
    for index, ident in enumerate(order):
        theirs.move_touchpoint(ident, stage.id, index)
    result = review(base, [copy_of(base, theirs)], base.copy())
    assert {c.what for c in result.changes} <= {"moved"}
    merged = result.apply(result.accept_all())
    assert [t.id for t in merged.touchpoints_in(stage.id)] == order
    assert merged.content() == theirs.content()


# ---- the plan: target roles and actions ----------------------------------------------------

_ACTIONS = [None, Action("Dana"), Action("Dana", status=ActionStatus.DONE),
            Action("Eli", date(2026, 3, 31)), Action("Dana", date(2026, 4, 30), note="late")]


def _target_fact(m: Matrix, t: int, d: int) -> object:
    return m.targets.get(t, {}).get(d, "as today")


def _action_outcome(b: Action | None, o: Action | None, th: Action | None
                    ) -> tuple[Action | None, bool]:
    """What merging one action gives, and whether it is a conflict (ours kept)."""
    if th in (b, o):
        return o, False
    if o == b:
        return th, False
    if b is None or o is None or th is None:
        return o, True
    fields = {}
    for name in ("person", "due", "status", "note"):
        bv, ov, tv = getattr(b, name), getattr(o, name), getattr(th, name)
        if ov != bv and tv not in (bv, ov):
            return o, True
        fields[name] = tv if tv != bv else ov
    return Action(**fields), False


@SETTINGS
@given(matrices(max_departments=5), st.integers(0, 2**32))
def test_plan_edits_on_both_sides_give_their_union_and_clashes_are_conflicts(
        base: Matrix, seed: int) -> None:
    """Random target roles and actions set on both sides (on a base that has a plan): the
    result is the union of what does not clash, actions changed in different fields merge,
    and every clash is a conflict of its kind."""
    rng = random.Random(seed)
    cells = [(t.id, d.id) for t in base.iter_touchpoints() for d in base.departments]
    for t, d in rng.sample(cells, min(len(cells), 3)):
        base.set_target(t, d, rng.choice([None, *Role]))
        base.set_action(t, d, rng.choice(_ACTIONS))
    theirs, ours = base.copy(), base.copy()
    for side in (theirs, ours):
        for t, d in rng.sample(cells, min(len(cells), rng.randint(0, 6))):
            if rng.random() < 0.5:
                side.set_target(t, d, rng.choice([None, *Role]))
            else:
                side.set_action(t, d, rng.choice(_ACTIONS))
        for _ in range(rng.randint(0, 3) if cells else 0):
            flip_planned(side, rng)
    result = review(base, [copy_of(base, theirs)], ours)
    expected_conflicts = set()
    merged = result.apply(result.accept_all())
    for t, d in cells:
        b, th, o = (_target_fact(m, t, d) for m in (base, theirs, ours))
        if b != th and o not in (b, th):
            expected_conflicts.add(f"target:{t}:{d}")
            assert merged.target_role(t, d) is ours.target_role(t, d)
        elif th != b:
            assert merged.target_role(t, d) is theirs.target_role(t, d)
        else:
            assert merged.target_role(t, d) is ours.target_role(t, d)
        action, clash = _action_outcome(base.action(t, d), ours.action(t, d),
                                        theirs.action(t, d))
        if clash:
            expected_conflicts.add(f"action:{t}:{d}")
        assert merged.action(t, d) == action, (t, d)
    # A flag is a yes or no: changed on either side it takes the changed value, never a clash.
    for flags in ("planned_touchpoints", "planned_departments"):
        b, th, o = (getattr(m, flags) for m in (base, theirs, ours))
        assert getattr(merged, flags) == (o - (b - th)) | (th - b), flags
    assert {c.key for c in result.conflicts} == expected_conflicts
    assert {c.kind for c in result.changes} <= {"target", "action", "planned"}
    assert merged.roles == ours.roles  # nothing but the plan was edited


def test_a_touchpoint_deleted_there_while_its_target_changed_here_is_a_conflict() -> None:
    base = sample()
    kickoff, legal = tp(base, "Kick-off call"), dept(base, "Legal")
    theirs, ours = base.copy(), base.copy()
    theirs.delete_touchpoint(kickoff)
    ours.set_target(kickoff, legal, Role.OWN)
    result = review(base, [copy_of(base, theirs)], ours)
    (change,) = result.changes
    assert change.deletion and change.status == "conflict" and "changed here" in change.text
