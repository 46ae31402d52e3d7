"""Merging an imported matrix into an open one by names, as one revertible set of changes."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from cxmatrix.domain.comments import new_comment
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.merge import (
    AddComment,
    AddDepartment,
    AddStage,
    AddTouchpoint,
    BringSignOff,
    SetRole,
    UpdateTouchpoint,
    apply_changes,
    merge_into,
    plan_merge,
)
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOffState, agreement, department_signoff
from cxmatrix.interchange.spreadsheet.importer import read
from cxmatrix.store import Document


def open_matrix() -> Matrix:
    matrix = Matrix(title="Open")
    sales = matrix.add_department("Sales")
    support = matrix.add_department("Customer Support", "CSUP")
    stage = matrix.add_stage("Onboarding")
    demo = matrix.add_touchpoint(stage.id, "Demo call")
    matrix.set_role(demo.id, sales.id, Role.OWN)
    matrix.set_role(demo.id, support.id, Role.HANDLE)
    matrix.add_touchpoint(stage.id, "Welcome email", channel="Email")
    return matrix


def imported_matrix() -> Matrix:
    matrix = Matrix(title="Imported")
    sales = matrix.add_department("  SALES ")
    legal = matrix.add_department("Legal")
    onboarding = matrix.add_stage("onboarding")
    demo = matrix.add_touchpoint(onboarding.id, "demo  call", metric="Win rate")
    matrix.set_role(demo.id, legal.id, Role.INFLUENCE)
    matrix.set_role(demo.id, sales.id, Role.OWN)
    matrix.set_note(demo.id, legal.id, "Reviews the terms")
    renewal = matrix.add_stage("Renewal")
    contract = matrix.add_touchpoint(renewal.id, "Contract", peak=True)
    matrix.set_role(contract.id, legal.id, Role.OWN)
    return matrix


def test_plan_matches_by_name_and_changes_nothing() -> None:
    target, imported = open_matrix(), imported_matrix()
    before = copy.deepcopy(target.content()), copy.deepcopy(imported.content())
    plan = plan_merge(target, imported)
    assert (target.content(), imported.content()) == before
    kinds = [type(c) for c in plan.changes]
    assert kinds.count(AddDepartment) == 1  # Legal; "  SALES " matches Sales
    assert kinds.count(AddStage) == 1  # Renewal; "onboarding" matches Onboarding
    assert kinds.count(AddTouchpoint) == 1  # Contract; "demo  call" matches Demo call
    assert any(isinstance(c, UpdateTouchpoint) and c.attributes == (("metric", "Win rate"),)
               for c in plan.changes)
    # Sales already owns the demo: no change for it.
    assert [c.department for c in plan.changes if isinstance(c, SetRole)] == ["Legal"]
    assert plan.matched_touchpoints == 1 and plan.matched_departments == 1
    assert "1 new touchpoints" in plan.summary()


def test_roles_in_a_planned_departments_column_are_not_brought_and_named() -> None:
    target, imported = open_matrix(), imported_matrix()
    legal = target.add_department("Legal")
    target.set_planned_department(legal.id, True)
    plan = plan_merge(target, imported)
    assert not any(isinstance(c, SetRole) and c.department == "Legal" for c in plan.changes)
    assert all(dict(c.roles).get("Legal") is None for c in plan.changes
               if isinstance(c, AddTouchpoint))
    assert plan.not_today == ["Demo call: Legal (Influence)", "Contract: Legal (Own)"]
    assert ("2 roles not brought, in a planned department's column (no role today; plan it "
            "at target): Demo call: Legal (Influence); Contract: Legal (Own).") in plan.summary()
    merge_into(target, imported)
    assert not any(legal.id in row for row in target.roles.values())


def test_apply_then_revert_is_exact() -> None:
    target = open_matrix()
    original = copy.deepcopy(target.content())
    plan, undo = merge_into(target, imported_matrix())
    content = target.content()
    assert [d[0] for d in content["departments"]] == ["Sales", "Customer Support", "Legal"]
    demo = target.find_touchpoints("Demo call")[0]
    legal = target.find_department("legal")
    assert legal is not None
    assert target.role(demo.id, legal.id) is Role.INFLUENCE
    assert target.note(demo.id, legal.id) == "Reviews the terms"
    # The import did not mention Customer Support: its Handle stays.
    support = target.find_department("Customer Support")
    assert support is not None and target.role(demo.id, support.id) is Role.HANDLE
    assert demo.metric == "Win rate"
    contract = target.find_touchpoints("Contract")[0]
    assert target.stage(contract.stage_id).name == "Renewal" and contract.peak
    undo.revert(target)
    assert target.content() == original
    # Redo after undo: the same changes apply again.
    apply_changes(target, plan.changes)
    assert target.content() == content


def test_merge_of_an_imported_file_into_a_generated_matrix(tmp_path: Path) -> None:
    target = generate_matrix(40, 6, seed=3)
    original = copy.deepcopy(target.content())
    path = tmp_path / "extra.csv"
    names = [d.name for d in target.departments]
    path.write_text(f"Touchpoint,{names[0].upper()},{names[1]},New team\n"
                    f"Brand new touchpoint,O,I,H\n", encoding="utf-8")
    imported = read(path).matrix
    plan, undo = merge_into(target, imported)
    assert target.find_department("New team") is not None
    assert len(target.departments) == 7
    new = target.find_touchpoints("Brand new touchpoint")[0]
    assert len(target.row_roles(new.id)) == 3
    undo.revert(target)
    assert target.content() == original
    assert plan.matched_departments == 2


def colleagues_copy() -> Matrix:
    """The open matrix as a colleague keeps it: the same names in another order (so other
    ids), with comments and sign-offs."""
    matrix = Matrix(title="Colleague's")
    matrix.delete_department(matrix.add_department("Scratch").id)
    support = matrix.add_department("customer support")
    sales = matrix.add_department("Sales")
    legal = matrix.add_department("Legal")
    stage = matrix.add_stage("Onboarding")
    welcome = matrix.add_touchpoint(stage.id, "Welcome email")
    demo = matrix.add_touchpoint(stage.id, "Demo call")
    matrix.set_role(demo.id, sales.id, Role.OWN)
    matrix.set_role(demo.id, support.id, Role.HANDLE)
    matrix.set_role(welcome.id, support.id, Role.INFLUENCE)  # differs from the open matrix
    matrix.add_comments([new_comment("Robin", "Sales runs this well", demo.id, sales.id),
                         new_comment("Robin", "Too many emails", welcome.id),
                         new_comment("Robin", "Legal reads the terms", demo.id, legal.id)])
    day = date(2026, 5, 4)
    matrix.set_signoffs([(sales.id, agreement(matrix, sales.id, "Sam Lead", day)),
                         (support.id, agreement(matrix, support.id, "Pat Lead", day)),
                         (legal.id, agreement(matrix, legal.id, "Lee Lead", day))])
    return matrix


def test_comments_and_up_to_date_signoffs_come_by_name_in_one_revertible_step() -> None:
    target, imported = open_matrix(), colleagues_copy()
    before = copy.deepcopy(target.content())
    plan = plan_merge(target, imported)
    assert [(c.comment.text, c.department) for c in plan.changes
            if isinstance(c, AddComment)] == [("Sales runs this well", "Sales"),
                                              ("Too many emails", None),
                                              ("Legal reads the terms", "Legal")]
    # Support's column is the colleague's once merged; Legal is added with its sign-off.
    assert [c.department for c in plan.changes if isinstance(c, BringSignOff)] == [
        "Sales", "Customer Support", "Legal"]
    assert plan.comments_left == 0 and plan.signoffs_left == []
    assert "3 comments brought; sign-offs of Sales, Customer Support, Legal brought" in \
        plan.summary()
    undo = apply_changes(target, plan.changes)
    sales = target.find_department("Sales").id
    demo = target.find_touchpoints("Demo call")[0].id
    status = department_signoff(target, sales)
    assert status.state is SignOffState.AGREED and not status.out_of_date
    assert status.record is not None and status.record.lead == "Sam Lead"
    assert [c.text for c in target.comments_on(demo, sales)] == ["Sales runs this well"]
    assert len(target.comments) == 3
    assert all(not department_signoff(target, d.id).out_of_date for d in target.departments)
    again = plan_merge(target, imported)  # merged again: nothing twice
    assert not any(isinstance(c, AddComment | BringSignOff) for c in again.changes)
    undo.revert(target)
    assert target.content() == before
    assert not target.comments and not target.signoffs


def test_what_no_longer_holds_is_left_out_and_said() -> None:
    target, imported = open_matrix(), colleagues_copy()
    sales = target.find_department("Sales")
    target.set_signoff(sales.id, agreement(target, sales.id, "Own lead", date(2026, 1, 2)))
    stage = imported.find_stage("Onboarding")
    extra = imported.add_touchpoint(stage.id, "Kick-off call")  # out of date there, and new
    imported.add_comments([new_comment("Robin", "New here", extra.id)])
    plan = plan_merge(target, imported)
    assert plan.comments_left == 1
    assert plan.signoffs_left == ["Sales (it has a sign-off of its own here)",
                                  "Customer Support (out of date in the imported file)",
                                  "Legal (out of date in the imported file)"]
    assert "sign-offs not brought: Sales (it has a sign-off of its own here); Customer " \
           "Support (out of date in the imported file)" in plan.summary()


def test_a_merge_replaces_the_file_with_its_comments_and_signoffs(tmp_path: Path) -> None:
    path = tmp_path / "open.cxm"
    Document.create(path, open_matrix()).close()
    with Document.open(path) as document:
        merged = document.matrix.copy()
        merge_into(merged, colleagues_copy())
        document.replace_matrix(merged)
    with Document.open(path, read_only=True) as again:
        sales = again.matrix.find_department("Sales").id
        assert again.matrix.signoffs[sales].lead == "Sam Lead"
        assert not department_signoff(again.matrix, sales).out_of_date
        assert len(again.matrix.comments) == 3

