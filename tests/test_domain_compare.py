"""The comparison engine: structure, cells and ownership in words, findings fixed and new."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import matrices, random_edits

from cxmatrix.domain import Matrix, Role
from cxmatrix.domain.compare import (
    apply_comparison,
    change_meanings,
    compare,
    ownership_text,
    role_change_text,
)
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import name_key, name_keys


@given(matrices())
@settings(max_examples=60, deadline=None, database=None)
def test_a_matrix_compared_with_itself_has_no_changes(matrix: Matrix) -> None:
    for match_by in ("id", "name"):
        comparison = compare(matrix, matrix.copy(), match_by=match_by)  # type: ignore[arg-type]
        assert comparison.is_empty, comparison.lines()
        assert not comparison.ownership and not comparison.findings_fixed
        assert not comparison.findings_new


@given(matrices(), st.integers(0, 2**32 - 1), st.integers(1, 25))
@settings(max_examples=80, deadline=None, database=None)
def test_applying_a_comparison_gives_the_compared_state(matrix: Matrix, seed: int,
                                                        count: int) -> None:
    edited = random_edits(matrix, random.Random(seed), count)
    comparison = compare(matrix, edited)
    assert apply_comparison(matrix, comparison).content() == edited.content()
    assert comparison.is_empty == (matrix.content() == edited.content())


@given(matrices(), matrices())
@settings(max_examples=40, deadline=None, database=None)
def test_two_different_files_compare_by_name(first: Matrix, second: Matrix) -> None:
    comparison = compare(first, second, match_by="name")
    assert apply_comparison(first, comparison).content() == second.content()


def demo_pair() -> tuple[Matrix, Matrix]:
    matrix = Matrix(title="Pair")
    sales = matrix.add_department("Sales")
    support = matrix.add_department("Support")
    cs = matrix.add_department("Customer Success")
    onboarding = matrix.add_stage("Onboarding")
    incidents = matrix.add_stage("Incidents")
    renewal = matrix.add_touchpoint(onboarding.id, "Renewal reminder", metric="NRR")
    welcome = matrix.add_touchpoint(onboarding.id, "Welcome email")
    outage = matrix.add_touchpoint(incidents.id, "Outage notification", peak=True)
    matrix.set_role(renewal.id, support.id, Role.OWN)
    matrix.set_role(welcome.id, sales.id, Role.OWN)
    matrix.set_role(welcome.id, cs.id, Role.OWN)
    matrix.set_role(outage.id, support.id, Role.HANDLE)
    after = matrix.copy()
    after.set_role(renewal.id, support.id, Role.INFLUENCE)
    after.set_role(renewal.id, cs.id, Role.OWN)
    after.set_role(outage.id, support.id, Role.OWN)
    after.set_role(welcome.id, sales.id, Role.INFLUENCE)
    return matrix, after


def test_ownership_is_told_in_words() -> None:
    before, after = demo_pair()
    comparison = compare(before, after)
    told = {change.touchpoint: change.text for change in comparison.ownership}
    assert told == {
        "Renewal reminder": "Support gives up Own, Customer Success takes it on",
        "Outage notification": "gains an owner (Support)",
        "Welcome email": "ambiguity removed (Sales no longer owns)",
    }
    assert len(comparison.cells) == 4
    assert not comparison.structure
    fixed = {f.code for f in comparison.findings_fixed}
    assert {"no-owner", "several-owners", "critical-moment-unowned"} <= fixed
    assert "Renewal reminder: Support gives up Own, Customer Success takes it on" in (
        comparison.lines())
    data = comparison.to_dict()
    assert data["counts"]["cells changed"] == 4  # type: ignore[index]
    assert data["ownership"][0]["text"]  # type: ignore[index]


def test_ownership_texts_for_every_shape() -> None:
    assert ownership_text(("Support",), ()) == "loses its owner (Support): nobody owns it now"
    assert ownership_text((), ("A", "B")) == "gains owners (A and B): ownership is ambiguous"
    assert ownership_text(("A",), ("A", "B")) == "B also owns: ownership is ambiguous"
    assert ownership_text(("A", "B"), ("C",)) == "A and B give up Own, C takes it on"


def test_changes_that_leave_the_owners_are_told_per_department() -> None:
    assert role_change_text("Support", Role.HANDLE, None) == "Support stops handling fallout"
    assert role_change_text("Support", None, Role.HANDLE) == "Support starts handling fallout"
    assert role_change_text("Eng", None, Role.INFLUENCE) == "Eng takes on Influence"
    assert role_change_text("Eng", Role.INFLUENCE, None) == "Eng gives up Influence"
    assert role_change_text("Eng", Role.HANDLE, Role.INFLUENCE) == (
        "Eng moves from handling fallout to Influence")
    assert role_change_text("Eng", Role.INFLUENCE, Role.HANDLE) == (
        "Eng goes from Influence to handling fallout")
    assert role_change_text("Eng", Role.HANDLE, Role.HANDLE) == ""
    before, after = demo_pair()
    support = after.find_department("Support")
    sales = after.find_department("Sales")
    assert support is not None and sales is not None
    outage = after.find_touchpoints("Outage notification")[0]
    after.set_role(outage.id, support.id, Role.HANDLE)  # its owners stay (none)
    after.set_role(outage.id, sales.id, Role.INFLUENCE)
    meanings = change_meanings(compare(before, after))
    # Ownership first, then the touchpoints whose owners stay, each cell in words.
    assert meanings[-1] == ("Outage notification", "Sales takes on Influence")
    assert [t for t, _ in meanings[:-1]] == ["Renewal reminder", "Welcome email"]


def test_renames_and_moves_by_id_are_removals_and_additions_by_name() -> None:
    before, _ = demo_pair()
    after = before.copy()
    sales = after.find_department("Sales")
    assert sales is not None
    after.rename_department(sales.id, "Revenue")
    welcome = after.find_touchpoints("Welcome email")[0]
    incidents = after.find_stage("Incidents")
    assert incidents is not None
    after.move_touchpoint(welcome.id, incidents.id, 0)
    by_id = {(c.kind, c.what) for c in compare(before, after).structure}
    assert by_id == {("department", "renamed"), ("touchpoint", "moved")}
    moved = next(c for c in compare(before, after).structure if c.what == "moved")
    assert moved.detail == "from Onboarding to Incidents"
    by_name = {(c.kind, c.what) for c in compare(before, after, match_by="name").structure}
    assert by_name == {("department", "added"), ("department", "removed"),
                       ("touchpoint", "moved")}


def test_empty_matrices_and_everything_new() -> None:
    empty = Matrix()
    assert compare(empty, Matrix()).is_empty
    _, full = demo_pair()
    comparison = compare(empty, full, match_by="name")
    kinds = {(c.kind, c.what) for c in comparison.structure}
    assert kinds == {("department", "added"), ("stage", "added"), ("touchpoint", "added")}
    assert apply_comparison(empty, comparison).content() == full.content()
    back = compare(full, empty, match_by="name")
    assert {c.what for c in back.structure} == {"removed"}


def test_a_large_comparison_finds_each_edit() -> None:
    matrix = generate_matrix(2_000, 30, seed=4)
    edited = matrix.copy()
    tps = list(edited.iter_touchpoints())
    dept = edited.departments[5]
    for tp in tps[::200]:
        edited.set_role(tp.id, dept.id,
                        Role.OWN if edited.role(tp.id, dept.id) is Role.HANDLE else Role.HANDLE)
    comparison = compare(matrix, edited)
    assert len(comparison.cells) == len(tps[::200])
    assert apply_comparison(matrix, comparison).content() == edited.content()


def test_cells_of_added_and_removed_departments_are_changes_too() -> None:
    """Found by trying the app: a role given in a department that was just added was left
    out of the comparison."""
    before, _ = demo_pair()
    after = before.copy()
    partners = after.add_department("Partnerships")
    welcome = after.find_touchpoints("Welcome email")[0]
    after.set_role(welcome.id, partners.id, Role.INFLUENCE)
    sales = after.find_department("Sales")
    assert sales is not None
    after.delete_department(sales.id)
    for match_by in ("id", "name"):
        comparison = compare(before, after, match_by=match_by)  # type: ignore[arg-type]
        cells = {(c.touchpoint, c.department, c.old_role, c.new_role) for c in comparison.cells}
        assert ("Welcome email", "Partnerships", None, Role.INFLUENCE) in cells
        assert ("Welcome email", "Sales", Role.OWN, None) in cells
        assert apply_comparison(before, comparison).content() == after.content()


@given(st.lists(st.text(alphabet=st.sampled_from(["a", "B", " ", "\x00", "\t", "ß", "İ", "é",
                                                  "\u00a0", "Σ"]), max_size=6), max_size=8))
def test_the_keys_of_many_names_at_once_are_each_names_key(names: list[str]) -> None:
    assert name_keys(names) == [name_key(name) for name in names]


def test_two_files_by_name_pair_touchpoints_sharing_a_name_in_order() -> None:
    """Matched by name, the old touchpoints of a stage take the new ones of the same name in
    their order; one left over is matched in another stage, the rest are added/removed."""
    old, new = Matrix(), Matrix()
    for m in (old, new):
        m.add_department("Support")
        m.add_stage("Onboarding")
        m.add_stage("Support")
    o1 = old.stages[0].id
    for name in ("Call", "call", "Email", "Chat"):
        old.add_touchpoint(o1, name)
    n1, n2 = new.stages[0].id, new.stages[1].id
    for stage, name in ((n1, "CALL"), (n2, "Chat"), (n1, "Call"), (n1, "Survey")):
        new.add_touchpoint(stage, name)
    result = compare(old, new, match_by="name")
    assert sorted((c.what, c.name, c.old_name, c.detail) for c in result.structure) == [
        ("added", "Survey", "", "in Onboarding"),
        ("moved", "Chat", "", "from Onboarding to Support"),
        ("removed", "Email", "", "in Onboarding"),
        ("renamed", "CALL", "Call", ""), ("renamed", "Call", "call", "")]
    assert apply_comparison(old, result).content() == new.content()


def test_two_files_by_name_tell_a_move_between_stages_that_share_an_id() -> None:
    """The stage the new file calls 'Adoption' has the id that 'Onboarding' has in the old
    file: a touchpoint with the same fields under that id moved by name."""
    old, new = Matrix(), Matrix()
    onboarding = old.add_stage("Onboarding", stage_id=3).id
    old.add_stage("Adoption", stage_id=4)
    old.add_touchpoint(onboarding, "Kick-off call", touchpoint_id=10)
    adoption = new.add_stage("Adoption", stage_id=3).id
    new.add_stage("Onboarding", stage_id=4)
    new.add_touchpoint(adoption, "Kick-off call", touchpoint_id=10)
    result = compare(old, new, match_by="name")
    assert [(c.kind, c.what, c.name, c.detail) for c in result.structure
            if c.kind == "touchpoint"] == [
        ("touchpoint", "moved", "Kick-off call", "from Onboarding to Adoption")]
    assert apply_comparison(old, result).content() == new.content()


def test_two_copies_of_one_file_by_name_pair_each_touchpoint_with_itself() -> None:
    """The quick matching of two copies (same ids, order and names) pairs a name two
    touchpoints of a stage share as the full matching does: in order."""
    old = Matrix()
    support = old.add_department("Support").id
    stage = old.add_stage("Onboarding").id
    first = old.add_touchpoint(stage, "Call").id
    second = old.add_touchpoint(stage, "Call").id
    new = old.copy()
    new.set_role(second, support, Role.OWN)
    result = compare(old, new, match_by="name")
    assert [(c.touchpoint, c.new_role) for c in result.cells] == [("Call", Role.OWN)]
    assert not result.structure
    renumbered = apply_comparison(old, result)
    assert renumbered.role(second, support) is Role.OWN and renumbered.role(first, support) is None


def test_a_touchpoint_that_differs_in_any_field_is_told_changed() -> None:
    """Each of TOUCHPOINT_FIELDS, changed alone in a copy read apart, is a change."""
    from dataclasses import replace

    from cxmatrix.domain.compare import _same_fields
    from cxmatrix.domain.model import TOUCHPOINT_FIELDS, Touchpoint

    tp = Touchpoint(1, 2, "Call", "Team member", "phone", "a call", False, False, "NPS", "n")
    assert _same_fields(tp, replace(tp))
    for name in TOUCHPOINT_FIELDS:
        value = getattr(tp, name)
        other = replace(tp, **{name: (not value) if isinstance(value, bool) else value + "!"})
        assert not _same_fields(tp, other), name
