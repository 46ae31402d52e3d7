"""Domain operations: every edit, its checks, and the snapshots that undo deletes."""

from __future__ import annotations

import pytest

from cxmatrix.domain import (
    ADVICE,
    DomainError,
    Matrix,
    Role,
    RoleTextError,
    department_lens,
    derive_code,
    parse_role_text,
    summarise,
)
from cxmatrix.domain.summary import owner_share


@pytest.fixture
def matrix() -> Matrix:
    m = Matrix(title="Test")
    onboarding = m.add_stage("Onboarding")
    renewal = m.add_stage("Renewal")
    for name in ("Kick-off call", "Welcome email", "Training"):
        m.add_touchpoint(onboarding.id, name)
    m.add_touchpoint(renewal.id, "Renewal quote", end=True)
    for name in ("Sales", "Customer Success", "Support"):
        m.add_department(name)
    return m


def names(m: Matrix) -> list[str]:
    return [tp.name for tp in m.iter_touchpoints()]


def test_stage_operations(matrix: Matrix) -> None:
    stage = matrix.add_stage("  Awareness ", 0)
    assert stage.name == "Awareness"
    assert [s.name for s in matrix.stages] == ["Awareness", "Onboarding", "Renewal"]
    assert matrix.rename_stage(stage.id, "Discovery") == "Awareness"
    assert matrix.move_stage(stage.id, 99) == 0
    assert matrix.stages[-1].name == "Discovery"
    with pytest.raises(DomainError, match="already a stage"):
        matrix.add_stage("onboarding")
    with pytest.raises(DomainError, match="cannot be empty"):
        matrix.rename_stage(stage.id, "   ")
    onboarding = matrix.stages[0]
    before = matrix.content()
    snapshot = matrix.delete_stage(onboarding.id)
    assert names(matrix) == ["Renewal quote"]
    matrix.restore_stage(snapshot)
    assert matrix.content() == before


def test_touchpoint_operations(matrix: Matrix) -> None:
    onboarding, renewal = matrix.stages
    tp = matrix.add_touchpoint(onboarding.id, "Health check", 1, channel="Phone", peak=True)
    assert names(matrix)[:3] == ["Kick-off call", "Health check", "Welcome email"]
    assert matrix.update_touchpoint(tp.id, metric="NPS", category="Team member") == {
        "metric": "", "category": ""}
    assert matrix.move_touchpoint(tp.id, renewal.id, 0) == (onboarding.id, 1)
    assert matrix.touchpoint(tp.id).stage_id == renewal.id
    assert names(matrix)[-2:] == ["Health check", "Renewal quote"]
    with pytest.raises(DomainError, match="unknown touchpoint attribute"):
        matrix.update_touchpoint(tp.id, colour="red")
    with pytest.raises(DomainError, match="true or false"):
        matrix.update_touchpoint(tp.id, peak="yes")
    with pytest.raises(DomainError, match="no touchpoint"):
        matrix.rename_touchpoint(12345, "x")
    assert matrix.rename_touchpoint(tp.id, "Quarterly health check") == "Health check"


def test_department_operations_and_codes(matrix: Matrix) -> None:
    sales, success, support = matrix.departments
    assert (sales.code, success.code, support.code) == ("SAL", "CS", "SUP")
    legal = matrix.add_department("Legal", lead="  Dana ", index=0)
    assert legal.lead == "Dana"
    assert matrix.departments[0] is legal
    assert matrix.move_department(legal.id, 10) == 0
    assert matrix.departments[-1] is legal
    with pytest.raises(DomainError, match="already a department"):
        matrix.add_department(" customer   success ".replace("   ", " "))
    with pytest.raises(DomainError, match="longer than 4"):
        matrix.update_department(legal.id, code="LEGAL")
    assert matrix.update_department(legal.id, name="Legal & Compliance", code="") == {
        "name": "Legal", "code": "LEG"}
    assert matrix.department(legal.id).code == "LC"


def test_derive_code_is_unique_and_short() -> None:
    assert derive_code("Customer Success") == "CS"
    assert derive_code("Customer Success", ["CS"]) == "CS2"
    assert derive_code("Marketing") == "MAR"
    assert derive_code("Professional Services Team Europe Extra") == "PSTE"
    assert len(derive_code("ÆØÅ-team", ["ÆT"])) <= 4
    assert derive_code("ßtraße") == "SST"  # upper-casing can lengthen a word
    assert derive_code("ß ß ß ß ß") == "SSSS"


def test_roles_notes_and_cells(matrix: Matrix) -> None:
    tp = next(matrix.iter_touchpoints())
    sales, success, _ = matrix.departments
    assert matrix.set_role(tp.id, sales.id, Role.OWN) is None
    assert matrix.set_role(tp.id, sales.id, Role.HANDLE) is Role.OWN
    assert matrix.set_role(tp.id, sales.id, None) is Role.HANDLE
    assert tp.id not in matrix.roles
    assert matrix.set_note(tp.id, success.id, "  ask Dana ") == ""
    assert matrix.cell(tp.id, success.id).note == "ask Dana"
    assert matrix.cell(tp.id, success.id).role is None
    undo = matrix.set_cells([(tp.id, d.id, Role.INFLUENCE) for d in matrix.departments])
    assert all(matrix.role(tp.id, d.id) is Role.INFLUENCE for d in matrix.departments)
    matrix.set_cells(undo)
    assert tp.id not in matrix.roles
    with pytest.raises(DomainError):
        matrix.set_role(tp.id, sales.id, "own")  # type: ignore[arg-type]


def test_delete_department_snapshot_restores_roles_notes_and_focus(matrix: Matrix) -> None:
    tp = next(matrix.iter_touchpoints())
    success = matrix.departments[1]
    matrix.set_role(tp.id, success.id, Role.OWN)
    matrix.set_note(tp.id, success.id, "why")
    matrix.set_properties(focus_department_id=success.id)
    before = matrix.content()
    snapshot = matrix.delete_department(success.id)
    assert matrix.focus_department is None
    assert matrix.role(tp.id, success.id) is None
    matrix.restore_department(snapshot)
    assert matrix.content() == before
    assert matrix.focus_department.name == success.name


def test_restore_touchpoint_is_all_or_nothing(matrix: Matrix) -> None:
    tp = next(matrix.iter_touchpoints())
    sales = matrix.departments[0]
    matrix.set_role(tp.id, sales.id, Role.OWN)
    snapshot = matrix.delete_touchpoint(tp.id)
    matrix.delete_department(sales.id)
    count = matrix.touchpoint_count
    with pytest.raises(DomainError):
        matrix.restore_touchpoint(snapshot)
    assert matrix.touchpoint_count == count


def test_properties(matrix: Matrix) -> None:
    old = matrix.set_properties(title=" New title ", organisation="Acme")
    assert old == {"title": "Test", "organisation": ""}
    assert matrix.title == "New title"
    with pytest.raises(DomainError, match="no department"):
        matrix.set_properties(focus_department_id=999)
    with pytest.raises(DomainError, match="unknown matrix property"):
        matrix.set_properties(colour="blue")


@pytest.mark.parametrize(("text", "role"), [
    ("O", Role.OWN), (" own ", Role.OWN), ("Owner", Role.OWN), ("OWNS", Role.OWN),
    ("i", Role.INFLUENCE), ("Influencer", Role.INFLUENCE), ("h", Role.HANDLE),
    ("Handles", Role.HANDLE), ("", None), ("-", None), ("n/a", None), (None, None),
])
def test_parse_role_text(text, role) -> None:
    assert parse_role_text(text) is role


@pytest.mark.parametrize("text", ["x", "Responsible", "O/I", "owner?"])
def test_parse_role_text_never_guesses(text) -> None:
    with pytest.raises(RoleTextError, match="not a role"):
        parse_role_text(text)


def test_role_cycle_and_letters() -> None:
    assert [r.letter for r in Role] == ["O", "I", "H"]
    assert Role.OWN.next_in_cycle() is Role.INFLUENCE
    assert Role.HANDLE.next_in_cycle() is None
    assert Role.from_letter("h") is Role.HANDLE


def test_lens_lists_and_advice(matrix: Matrix) -> None:
    tps = list(matrix.iter_touchpoints())
    success = matrix.departments[1]
    matrix.set_role(tps[0].id, success.id, Role.OWN)
    matrix.set_role(tps[1].id, success.id, Role.INFLUENCE)
    matrix.set_role(tps[2].id, success.id, Role.HANDLE)
    lens = department_lens(matrix, success.id)
    assert [t.name for t in lens.own] == ["Kick-off call"]
    assert [t.name for t in lens.influence] == ["Welcome email"]
    assert [t.name for t in lens.handle] == ["Training"]
    assert [t.name for t in lens.no_role] == ["Renewal quote"]
    assert lens.counts == {Role.OWN: 1, Role.INFLUENCE: 1, Role.HANDLE: 1, None: 1}
    assert lens.advice(Role.OWN) == ADVICE[Role.OWN]
    assert "internal customer" in lens.advice(Role.INFLUENCE)
    assert "intake, understand, act" in lens.advice(Role.HANDLE)


def test_summary_counts(matrix: Matrix) -> None:
    tps = list(matrix.iter_touchpoints())
    sales, success, support = matrix.departments
    matrix.set_role(tps[0].id, success.id, Role.OWN)
    matrix.set_role(tps[1].id, success.id, Role.OWN)
    matrix.set_role(tps[1].id, sales.id, Role.OWN)
    matrix.set_role(tps[2].id, support.id, Role.HANDLE)
    summary = summarise(matrix)
    assert (summary.single_owner, summary.several_owners, summary.no_owner) == (1, 1, 2)
    assert summary.single_owner_share == 0.25
    assert summary.by_department[success.id][Role.OWN] == 2
    assert summary.by_department[support.id][Role.HANDLE] == 1
    onboarding = summary.by_stage[0]
    assert (onboarding.touchpoints, onboarding.single_owner) == (3, 1)
    assert onboarding.owned_by[success.id] == 2
    assert summarise(Matrix()).single_owner_share == 1.0
    share = owner_share(matrix)  # what check prints, without the whole summary
    assert (share.touchpoints, share.departments, share.single_owner) == (
        summary.touchpoints, summary.departments, 1)
    assert share.single_owner_share == 0.25
    assert owner_share(Matrix()).single_owner_share == 1.0


def test_prepared_by_is_a_property_kept_by_copies_and_comparisons() -> None:
    from cxmatrix.domain.compare import apply_comparison, compare

    m = Matrix(title="T")
    assert m.prepared_by == ""
    old = m.set_properties(prepared_by="  Priya\n Raman ")
    assert old == {"prepared_by": ""} and m.prepared_by == "Priya Raman"
    assert m.copy().prepared_by == "Priya Raman"
    assert m.content()["prepared_by"] == "Priya Raman"
    other = Matrix(title="T")
    assert other.content() != m.content()
    change = other.replace_contents(m)
    assert "prepared_by" in change.properties and other.prepared_by == "Priya Raman"
    edited = m.copy()
    edited.set_properties(prepared_by="Jane Doe")
    comparison = compare(m, edited)
    assert comparison.properties == {"prepared_by": ("Priya Raman", "Jane Doe")}
    assert "Prepared by: 'Priya Raman' → 'Jane Doe'" in comparison.lines()
    assert apply_comparison(m, comparison).prepared_by == "Jane Doe"
    with pytest.raises(DomainError, match="Prepared by is longer"):
        m.set_properties(prepared_by="x" * 10_001)
    with pytest.raises(DomainError, match="must be text"):
        m.set_properties(prepared_by=5)
    assert m.prepared_by == "Priya Raman"


def test_matrix_properties_are_kept_within_what_a_file_can_hold() -> None:
    """An organisation the .cxm loader would refuse is refused when it is set, so a file
    never holds what it cannot open again."""
    from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH

    matrix = Matrix()
    with pytest.raises(DomainError, match="organisation"):
        matrix.set_properties(organisation="x" * (MAX_NAME_LENGTH + 1))
    with pytest.raises(DomainError, match="description"):
        matrix.set_properties(description="x" * (MAX_TEXT_LENGTH + 1))
    matrix.set_properties(organisation="x" * MAX_NAME_LENGTH)
    assert len(matrix.organisation) == MAX_NAME_LENGTH
