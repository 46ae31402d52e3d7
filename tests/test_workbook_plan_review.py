"""The plan sheets come back through the review: a target role changed on the Target sheet, a
person, due date, status or note changed on the Changes sheet, each a change of its own kind;
workbook-only changes apply, app-only ones stay, both-sided disagreements are conflicts that
name the file and the cell. Edited with openpyxl and through LibreOffice."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cxmatrix.cli import main
from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.workbook_update import review_workbooks
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx import state
from cxmatrix.interchange.xlsx.layout import CHANGES_COLUMNS, HEADER_ROW, PLANNED_ROW
from cxmatrix.interchange.xlsx.returned import read_returned
from cxmatrix.store.document import Document

DUE = date(2026, 3, 31)


def planned() -> Matrix:
    """Kick-off call moves from Sales to Customer Success (Dana drives it); Outage notice has
    no plan yet."""
    matrix = Matrix(title="Plan")
    sales, success, support = (matrix.add_department(n) for n in ("Sales", "Customer Success",
                                                                   "Support"))
    stage = matrix.add_stage("Onboarding")
    kickoff = matrix.add_touchpoint(stage.id, "Kick-off call")
    welcome = matrix.add_touchpoint(stage.id, "Welcome email")
    outage = matrix.add_touchpoint(stage.id, "Outage notice")
    matrix.set_role(kickoff.id, sales.id, Role.OWN)
    matrix.set_role(welcome.id, success.id, Role.OWN)
    matrix.set_role(outage.id, support.id, Role.HANDLE)
    matrix.set_target(kickoff.id, sales.id, Role.INFLUENCE)
    matrix.set_target(kickoff.id, success.id, Role.OWN)
    matrix.set_action(kickoff.id, success.id, Action("Dana", DUE, ActionStatus.PLANNED))
    return matrix


def ids(matrix: Matrix, touchpoint: str, department: str) -> tuple[int, int]:
    return (matrix.find_touchpoints(touchpoint)[0].id, matrix.find_department(department).id)


def export(matrix: Matrix, folder: Path) -> Path:
    path = folder / "plan.xlsx"
    xlsx_export.write(matrix, path)
    return path


def cell_of(sheet, name: str, department: str) -> str:
    row = next(c.row for c in sheet["A"] if c.value == name)
    column = next(c.column_letter for c in sheet[HEADER_ROW] if c.value == department)
    return f"{column}{row}"


def changes_row(sheet, touchpoint: str, department: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1)
                if sheet.cell(r, 2).value == touchpoint and sheet.cell(r, 3).value == department)


COLUMN = {title: index + 1 for index, title in enumerate(CHANGES_COLUMNS)}


def set_action_cell(book, title: str, value: object) -> int:
    """Set the ``title`` cell of Kick-off call · Customer Success's Changes row; its row."""
    changes = book["Changes"]
    row = changes_row(changes, "Kick-off call", "Customer Success")
    changes.cell(row, COLUMN[title]).value = value
    return row


def edit(source: Path, target: Path, change) -> None:
    shutil.copy(source, target)
    book = openpyxl.load_workbook(target)
    change(book)
    book.save(target)


def colleague(book) -> None:
    """Plans Support to own Outage notice, moves Dana's action on and gives it to Eli, and
    changes one role today on the Matrix sheet (which is not a change of the plan)."""
    target, changes, grid = book["Target"], book["Changes"], book["Matrix"]
    target[cell_of(target, "Outage notice", "Support")] = "Own"
    row = changes_row(changes, "Kick-off call", "Customer Success")
    changes.cell(row, COLUMN["Status"]).value = "In progress"
    changes.cell(row, COLUMN["Person"]).value = "Eli"
    grid[cell_of(grid, "Welcome email", "Sales")] = "Influence"


def test_the_record_of_what_was_exported_holds_the_plan(tmp_path):
    matrix = planned()
    returned = read_returned(export(matrix, tmp_path))
    exported = returned.exported
    assert returned.plan_compared
    assert exported.targets == matrix.targets
    assert exported.actions == matrix.actions
    assert returned.saved.targets == matrix.targets  # nothing edited: the same plan
    assert returned.saved.actions == matrix.actions


def test_target_and_action_edits_apply_and_the_apps_plan_stays(tmp_path):
    matrix = planned()
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"
    edit(source, anna, colleague)
    ours = matrix.copy()
    kickoff_cs = ids(ours, "Kick-off call", "Customer Success")
    ours.set_action(*kickoff_cs, Action("Dana", date(2026, 4, 30), ActionStatus.PLANNED))
    welcome_support = ids(ours, "Welcome email", "Support")
    ours.set_target(*welcome_support, Role.HANDLE)  # the app's own plan: it stays

    review = review_workbooks(ours, [anna])
    by_kind = {}
    for change in review.changes:
        by_kind.setdefault(change.kind, []).append(change)
    assert set(by_kind) == {"cell", "target", "action"}, [c.text for c in review.changes]
    (target,) = by_kind["target"]
    assert target.status == "applies" and target.group == "Outage notice"
    assert target.text == "Outage notice · Support: target as today (Handle) → Own"
    (action,) = by_kind["action"]
    assert action.status == "applies"  # status and person there, due date here: merged
    assert "Eli" in action.text and "in progress" in action.text
    (cell,) = by_kind["cell"]
    assert cell.text == "Welcome email · Sales: no role → Influence"
    assert not review.conflicts

    merged = review.apply(review.accept_all())
    outage_support = ids(merged, "Outage notice", "Support")
    assert merged.target_role(*outage_support) is Role.OWN
    assert merged.role(*outage_support) is Role.HANDLE  # today unchanged
    assert merged.action(*kickoff_cs) == Action("Eli", date(2026, 4, 30),
                                                ActionStatus.IN_PROGRESS)
    assert merged.target_role(*welcome_support) is Role.HANDLE
    welcome_sales = ids(merged, "Welcome email", "Sales")
    assert merged.role(*welcome_sales) is Role.INFLUENCE
    assert not merged.is_planned_change(*welcome_sales)  # the target follows today


def test_both_sides_changing_the_plan_differently_is_a_conflict_naming_file_and_cell(tmp_path):
    matrix = planned()
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"
    target_cell = {}

    def change(book) -> None:
        sheet = book["Target"]
        target_cell["ref"] = cell_of(sheet, "Kick-off call", "Customer Success")
        sheet[target_cell["ref"]] = "Influence"
        target_cell["row"] = set_action_cell(book, "Status", "Done")

    edit(source, anna, change)
    ours = matrix.copy()
    kickoff_cs = ids(ours, "Kick-off call", "Customer Success")
    ours.set_target(*kickoff_cs, Role.HANDLE)
    ours.set_action(*kickoff_cs, Action("Dana", DUE, ActionStatus.IN_PROGRESS))
    review = review_workbooks(ours, [anna])
    conflicts = {c.kind: c for c in review.conflicts}
    assert set(conflicts) == {"target", "action"}, [c.text for c in review.changes]
    assert conflicts["target"].text == (
        f"Kick-off call · Customer Success (target): Influence in anna.xlsx "
        f"(Target!{target_cell['ref']}), Handle here (was Own)")
    assert f"anna.xlsx (Changes!A{target_cell['row']})" in conflicts["action"].text
    assert conflicts["action"].options[0].label.startswith("Dana, due 2026-03-31, done")
    merged = review.apply(review.accept_all())  # conflicts keep the matrix as it is
    assert merged.target_role(*kickoff_cs) is Role.HANDLE
    chosen = review.apply({conflicts["target"].key: 0})
    assert chosen.target_role(*kickoff_cs) is Role.INFLUENCE


def test_two_copies_disagreeing_on_an_action_name_both_files(tmp_path):
    matrix = planned()
    source = export(matrix, tmp_path)

    def status(word: str):
        def change(book) -> None:
            set_action_cell(book, "Status", word)
        return change

    anna, ben = tmp_path / "anna.xlsx", tmp_path / "ben.xlsx"
    edit(source, anna, status("Done"))
    edit(source, ben, status("In progress"))
    review = review_workbooks(matrix.copy(), [anna, ben])
    (conflict,) = review.conflicts
    assert conflict.kind == "action"
    row = changes_row(openpyxl.load_workbook(anna)["Changes"], "Kick-off call",
                      "Customer Success")
    assert f"done in anna.xlsx (Changes!A{row})" in conflict.text
    assert f"in progress in ben.xlsx (Changes!A{row})" in conflict.text


def test_a_deleted_changes_row_removes_the_action_and_a_deleted_row_is_no_error(tmp_path):
    matrix = planned()
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"

    def change(book) -> None:
        changes = book["Changes"]
        changes.delete_rows(changes_row(changes, "Kick-off call", "Customer Success"))
        grid = book["Matrix"]
        grid.delete_rows(next(c.row for c in grid["A"] if c.value == "Kick-off call"))

    edit(source, anna, change)
    returned = read_returned(anna)
    assert not returned.saved.actions
    review = review_workbooks(matrix.copy(), [anna])
    assert [c.what for c in review.changes] == ["deleted"]  # the row; its plan goes with it

    only_action = tmp_path / "ben.xlsx"

    def clear(book) -> None:
        changes = book["Changes"]
        row = changes_row(changes, "Kick-off call", "Customer Success")
        for title in ("Person", "Due", "Status", "Note"):
            changes.cell(row, COLUMN[title]).value = None

    edit(source, only_action, clear)
    review = review_workbooks(matrix.copy(), [only_action])
    (removed,) = review.changes
    assert removed.kind == "action" and removed.what == "action removed"
    merged = review.apply(review.accept_all())
    assert merged.action(*ids(merged, "Kick-off call", "Customer Success")) is None
    assert merged.is_planned_change(*ids(merged, "Kick-off call", "Customer Success"))


def test_a_workbook_without_a_recorded_plan_reads_and_says_so(tmp_path, monkeypatch):
    """A workbook exported before the plan was recorded: its record has no "plan"."""
    matrix = planned()
    monkeypatch.setattr(state, "_plan_data", lambda _matrix: None)
    source = export(matrix, tmp_path)
    monkeypatch.undo()
    anna = tmp_path / "anna.xlsx"
    edit(source, anna, colleague)
    returned = read_returned(anna)
    assert not returned.plan_compared
    assert any("did not record the plan" in n and "'Target'" in n for n in returned.notices)
    review = review_workbooks(matrix.copy(), [anna])
    assert {c.kind for c in review.changes} == {"cell"}
    assert any("did not record the plan" in n for n in review.notices)


def test_a_bad_status_names_the_sheet_and_cell(tmp_path):

    source = export(planned(), tmp_path)
    anna = tmp_path / "anna.xlsx"

    def change(book) -> None:
        book["Changes"].cell(2, COLUMN["Status"]).value = "Soon"

    edit(source, anna, change)
    with pytest.raises(ImportFailed, match=r"sheet 'Changes', cell H2: 'Soon' is not a status"):
        read_returned(anna)


def test_merge_dry_run_json_lists_the_plan_changes_and_writes_them_as_one_step(tmp_path,
                                                                               capsys):
    cxm = tmp_path / "plan.cxm"
    Document.create(cxm, planned()).close()
    with Document.open(cxm, read_only=True) as document:
        matrix = document.matrix
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"
    edit(source, anna, colleague)
    before = cxm.read_bytes()
    assert main(["merge", str(cxm), str(anna), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert cxm.read_bytes() == before
    kinds = {c["kind"]: c for c in data["changes"]}
    assert kinds["target"]["what"] == "target set" and kinds["target"]["applied"] is True
    assert kinds["action"]["exported"] == "Dana, due 2026-03-31, planned"
    assert main(["merge", str(cxm), str(anna)]) == 0
    capsys.readouterr()
    with Document.open(cxm, read_only=True) as document:
        merged = document.matrix
    assert merged.target_role(*ids(merged, "Outage notice", "Support")) is Role.OWN
    action = merged.action(*ids(merged, "Kick-off call", "Customer Success"))
    assert action is not None and (action.person, action.status) == ("Eli",
                                                                     ActionStatus.IN_PROGRESS)


@pytest.mark.soffice
def test_plan_edits_made_in_libreoffice_come_back(tmp_path):
    from test_workbook_grows import edit_in_libreoffice

    matrix = planned()
    source = export(matrix, tmp_path)
    book = openpyxl.load_workbook(source)
    outage = cell_of(book["Target"], "Outage notice", "Support")
    row = changes_row(book["Changes"], "Kick-off call", "Customer Success")
    due = openpyxl.utils.get_column_letter(COLUMN["Due"])
    status = openpyxl.utils.get_column_letter(COLUMN["Status"])
    note = openpyxl.utils.get_column_letter(COLUMN["Note"])
    edited, _pdf = edit_in_libreoffice(source, tmp_path, [
        ["set", "Target", outage, "Own"],
        ["set", "Changes", f"{status}{row}", "In progress"],
        ["set", "Changes", f"{due}{row}", "=DATE(2026;4;15)"],
        ["set", "Changes", f"{note}{row}", "Agreed with Sales"],
    ])
    (tmp_path / "untouched").mkdir()
    untouched, _pdf = edit_in_libreoffice(source, tmp_path / "untouched", [])
    assert not review_workbooks(matrix.copy(), [untouched]).changes  # a save changes nothing

    review = review_workbooks(matrix.copy(), [edited])
    assert {c.kind for c in review.changes} == {"target", "action"}, [
        c.text for c in review.changes]
    merged = review.apply(review.accept_all())
    assert merged.target_role(*ids(merged, "Outage notice", "Support")) is Role.OWN
    assert merged.action(*ids(merged, "Kick-off call", "Customer Success")) == Action(
        "Dana", date(2026, 4, 15), ActionStatus.IN_PROGRESS, "Agreed with Sales")


def test_a_target_typed_in_the_changes_sheet_is_named_in_a_notice(tmp_path):
    """The Target sheet is where target roles come back; a To cell changed on the Changes
    sheet alone is not read as a plan, and the review says so with the cell."""
    matrix = planned()
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"
    place = {}

    def change(book) -> None:
        place["row"] = set_action_cell(book, "To", "Handle")

    edit(source, anna, change)
    review = review_workbooks(matrix.copy(), [anna])
    assert not review.changes
    (notice,) = review.notices
    assert f"sheet 'Changes', cell E{place['row']}: To was changed to 'Handle'" in notice
    # Changed on both sheets alike: the Target sheet's change, and no notice.
    both = tmp_path / "ben.xlsx"

    def change_both(book) -> None:
        change(book)
        target = book["Target"]
        target[cell_of(target, "Kick-off call", "Customer Success")] = "Handle"

    edit(source, both, change_both)
    review = review_workbooks(matrix.copy(), [both])
    assert [c.kind for c in review.changes] == ["target"] and not review.notices


def with_planned_flags() -> Matrix:
    """planned(), plus a planned touchpoint (Partner portal) and a planned department
    (Partners): both exist only at target."""
    matrix = planned()
    stage = matrix.stages[0]
    portal = matrix.add_touchpoint(stage.id, "Partner portal")
    partners = matrix.add_department("Partners")
    matrix.set_planned_touchpoint(portal.id, True)
    matrix.set_planned_department(partners.id, True)
    return matrix


def flag_cells(book) -> dict[str, str]:
    """The Target sheet's planned-flag cells: touchpoints by name (column B), departments by
    name (row 4)."""
    sheet = book["Target"]
    cells = {sheet.cell(row, 1).value: f"B{row}" for row in range(HEADER_ROW + 1,
                                                                  sheet.max_row + 1)
             if sheet.cell(row, 4).value and str(sheet.cell(row, 4).value).startswith("T")}
    cells.update({c.value: f"{c.column_letter}{PLANNED_ROW}" for c in sheet[HEADER_ROW]
                  if c.column > 4 and c.value})
    return cells


def flagger(book) -> None:
    """Outage notice and Support become planned; Partner portal and Partners exist today."""
    target, cells = book["Target"], flag_cells(book)
    target[cells["Outage notice"]] = "Yes"
    target[cells["Partner portal"]] = None
    target[cells["Support"]] = "Planned"
    target[cells["Partners"]] = None


def test_planned_flags_changed_on_the_target_sheet_come_back_as_changes(tmp_path):
    matrix = with_planned_flags()
    source = export(matrix, tmp_path)
    book = openpyxl.load_workbook(source)
    cells = flag_cells(book)
    assert book["Target"][cells["Partner portal"]].value == "Yes"
    assert book["Target"][cells["Partners"]].value == "Planned"
    flags = [dv for dv in book["Target"].data_validations.dataValidation
             if cells["Outage notice"] in dv.sqref or cells["Support"] in dv.sqref]
    assert len(flags) == 2  # each flag has its drop-down
    untouched = tmp_path / "untouched.xlsx"
    edit(source, untouched, lambda book: None)
    assert not review_workbooks(matrix.copy(), [untouched]).changes

    anna = tmp_path / "anna.xlsx"
    edit(source, anna, flagger)
    ours = matrix.copy()
    ours.update_touchpoint(ours.find_touchpoints("Welcome email")[0].id, metric="NPS")
    review = review_workbooks(ours, [anna])
    by_text = {c.text: c for c in review.changes}
    assert set(by_text) == {
        "Touchpoint Outage notice marked planned (exists only at target)",
        "Touchpoint Partner portal no longer planned (exists today)",
        "Department Support marked planned (exists only at target)",
        "Department Partners no longer planned (exists today)"}, list(by_text)
    assert {c.kind for c in review.changes} == {"planned"}
    assert all(c.status == "applies" and not c.deletion for c in review.changes)
    outage = by_text["Touchpoint Outage notice marked planned (exists only at target)"]
    assert outage.what == "planned set" and outage.group == "Outage notice"
    assert (outage.base, outage.ours) == ("not planned", "not planned")
    assert outage.options[0].label == (f"planned (from anna.xlsx "
                                       f"(Target!{cells['Outage notice']}))")
    support = by_text["Department Support marked planned (exists only at target)"]
    assert support.group == "Department Support"
    assert f"Target!{cells['Support']}" in support.options[0].label
    # Departments are listed before the touchpoints, as everywhere in the review.
    kinds = [c.group.startswith("Department") for c in review.changes]
    assert kinds == sorted(kinds, reverse=True)

    merged = review.apply(review.accept_all())
    names = {t.id: t.name for t in merged.iter_touchpoints()}
    assert {names[t] for t in merged.planned_touchpoints} == {"Outage notice"}
    assert {merged.department(d).name for d in merged.planned_departments} == {"Support"}
    assert merged.touchpoint(ours.find_touchpoints("Welcome email")[0].id).metric == "NPS"
    kept = review.apply({})
    assert kept.planned_touchpoints == ours.planned_touchpoints


def test_a_planned_flag_changed_here_stays_and_a_deletion_conflict_names_it(tmp_path):
    matrix = with_planned_flags()
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"
    edit(source, anna, flagger)
    ours = matrix.copy()
    portal = ours.find_touchpoints("Partner portal")[0].id
    outage = ours.find_touchpoints("Outage notice")[0].id
    ours.set_planned_touchpoint(portal, False)  # the same change as the workbook's
    ours.delete_touchpoint(outage)  # gone here, marked planned there
    review = review_workbooks(ours, [anna])
    texts = [c.text for c in review.changes]
    assert not any("Partner portal" in t for t in texts), texts
    (conflict,) = review.conflicts
    assert conflict.key == f"touchpoint:{outage}:restore"
    cell = flag_cells(openpyxl.load_workbook(anna))["Outage notice"]
    assert conflict.text == ("Touchpoint Outage notice was deleted here and changed in "
                             f"anna.xlsx; planned in anna.xlsx (Target!{cell})")
    restored = review.apply({conflict.key: 0})
    assert restored.is_planned_touchpoint(outage)


def test_a_planned_flag_that_is_no_flag_names_the_sheet_and_cell(tmp_path):
    source = export(with_planned_flags(), tmp_path)
    anna = tmp_path / "anna.xlsx"
    place = {}

    def change(book) -> None:
        place["cell"] = flag_cells(book)["Welcome email"]
        book["Target"][place["cell"]] = "maybe"

    edit(source, anna, change)
    with pytest.raises(ImportFailed, match=rf"sheet 'Target', cell {place['cell']}: 'maybe' "
                                           "is not a planned flag"):
        read_returned(anna)


def test_merge_json_lists_planned_flags_and_writes_them(tmp_path, capsys):
    cxm = tmp_path / "flags.cxm"
    Document.create(cxm, with_planned_flags()).close()
    with Document.open(cxm, read_only=True) as document:
        matrix = document.matrix
    source = export(matrix, tmp_path)
    anna = tmp_path / "anna.xlsx"
    edit(source, anna, flagger)
    assert main(["merge", str(cxm), str(anna), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    planned_changes = [c for c in data["changes"] if c["kind"] == "planned"]
    assert len(planned_changes) == 4 and all(c["applied"] for c in planned_changes)
    assert {c["what"] for c in planned_changes} == {"planned set", "planned cleared"}
    assert main(["merge", str(cxm), str(anna)]) == 0
    capsys.readouterr()
    with Document.open(cxm, read_only=True) as document:
        merged = document.matrix
    assert {merged.touchpoint(t).name for t in merged.planned_touchpoints} == {"Outage notice"}
    assert {merged.department(d).name for d in merged.planned_departments} == {"Support"}


@pytest.mark.soffice
def test_planned_flags_changed_in_libreoffice_come_back(tmp_path):
    from test_workbook_grows import edit_in_libreoffice

    matrix = with_planned_flags()
    source = export(matrix, tmp_path)
    cells = flag_cells(openpyxl.load_workbook(source))
    edited, _pdf = edit_in_libreoffice(source, tmp_path, [
        ["set", "Target", cells["Outage notice"], "Yes"],
        ["set", "Target", cells["Partners"], ""],
    ])
    review = review_workbooks(matrix.copy(), [edited])
    assert sorted(c.text for c in review.changes) == [
        "Department Partners no longer planned (exists today)",
        "Touchpoint Outage notice marked planned (exists only at target)"]
    merged = review.apply(review.accept_all())
    assert {merged.touchpoint(t).name for t in merged.planned_touchpoints} == {
        "Outage notice", "Partner portal"}
    assert not merged.planned_departments
