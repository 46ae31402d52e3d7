"""Review packs end to end with openpyxl (Excel's file semantics): the packs written (cover,
protected review sheet, drop-downs, print setup, hidden record), filled as leads fill them,
and applied: sign-offs, disputes and their findings, proposed target roles, refusals naming
the file and the cell, half-filled packs, ignored edits, renamed sheets, idempotence, undo,
and an agreement that a later edit puts out of date."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from review_packs import ANSWERED, demo_file, fill, final_rows, plan, rows_of, send

from cxmatrix.cli import main as cli_main
from cxmatrix.domain.findings import DISPUTED, SIGNOFF_OUTDATED, compute_findings
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOffState, department_signoff
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.xlsx.review_pack import layout as pk
from cxmatrix.interchange.xlsx.review_pack.reader import read_pack
from cxmatrix.interchange.xlsx.review_pack.writer import pack_touchpoints
from cxmatrix.store.document import Document, write_document


@pytest.fixture
def document(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Document.open(demo_file(tmp_path)) as doc:
        yield doc


# ---- the pack as written ---------------------------------------------------------------------

def test_a_pack_asks_about_every_cell_of_the_column_and_the_unowned_touchpoints(
        document: Document, tmp_path: Path) -> None:
    matrix = document.matrix
    legal = matrix.find_department("Legal")
    assert legal is not None
    tp = next(t for t in matrix.iter_touchpoints() if matrix.role(t.id, legal.id) is None)
    for dept in matrix.departments:  # a touchpoint nobody owns: role not established
        if matrix.role(tp.id, dept.id) is Role.OWN:
            matrix.set_role(tp.id, dept.id, Role.INFLUENCE)
            matrix.set_target(tp.id, dept.id, Role.INFLUENCE)
    packs = send(document, tmp_path / "out", "Legal")
    rows = rows_of(packs["Legal"])
    expected = [t.id for t, _ in pack_touchpoints(matrix, legal.id)]
    assert [r.touchpoint_id for r in rows] == expected
    with_role = {t.id for t in matrix.iter_touchpoints()
                 if matrix.role(t.id, legal.id) or matrix.target_role(t.id, legal.id)}
    assert with_role < set(expected) and tp.id in expected

    book = openpyxl.load_workbook(packs["Legal"])
    assert book.sheetnames == [pk.COVER_SHEET, pk.REVIEW_SHEET, pk.RECORD_SHEET]
    assert book[pk.RECORD_SHEET].sheet_state == "veryHidden"
    sheet = book[pk.REVIEW_SHEET]
    header = [sheet.cell(pk.HEADER_ROW, c + 1).value for c in range(1, len(pk.COLUMNS))]
    assert header == list(pk.COLUMNS[1:])
    row = next(r for r in rows if r.touchpoint_id == tp.id).row
    assert sheet.cell(row, pk.OTHERS + 1).value.startswith("Role not established")
    assert sheet.column_dimensions["A"].hidden
    # Protected, with only the cells to fill unlocked.
    assert sheet.protection.sheet
    first = rows[0].row
    for column in pk.FILL_COLUMNS:
        assert sheet.cell(first, column + 1).protection.locked is False
    for column in pk.LOCKED_COLUMNS:
        assert sheet.cell(first, column + 1).protection.locked is not False
    for cell_row in final_rows(packs["Legal"]):
        assert sheet.cell(cell_row, pk.AGREE + 1).protection.locked is False
    # Drop-downs on Agree? and Proposed role, and on the final question.
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation
             if v.type == "list"}
    assert lists[f"H{first}:H{rows[-1].row}"] == '"Yes,No"'
    assert lists[f"I{first}:I{rows[-1].row}"] == '"Own,Influence,Handle,No role"'
    assert lists[f"H{final_rows(packs['Legal'])[0]}"] == '"Yes,No"'
    # Printable: landscape, one page wide, the header row repeated.
    assert sheet.page_setup.orientation == "landscape"
    # (fitToWidth 1 is the default, which is left out of the file)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${pk.HEADER_ROW}:${pk.HEADER_ROW}"
    cover = book[pk.COVER_SHEET]
    texts = " ".join(str(c.value) for r in cover.iter_rows() for c in r if c.value)
    for needed in ("What is asked", "Jonah Feldman", "Alex Moreau", "19 January 2026",
                   "Standing advice", Role.OWN.meaning, "Role not established"):
        assert needed in texts


def test_writing_packs_marks_the_departments_asked(document: Document,
                                                   tmp_path: Path) -> None:
    send(document, tmp_path / "out", "Legal", "Sales")
    for name, lead in (("Legal", "Jonah Feldman"), ("Sales", "Daniel Okafor")):
        dept = document.matrix.find_department(name)
        assert dept is not None
        status = department_signoff(document.matrix, dept.id)
        assert status.state is SignOffState.ASKED
        assert status.record is not None and status.record.lead == lead


# ---- agreeing, disputing, proposing -----------------------------------------------------

def test_a_lead_who_agrees_with_everything_signs_off_once_and_undo_restores(
        document: Document, tmp_path: Path) -> None:
    pack = fill(send(document, tmp_path / "out", "Legal")["Legal"], name="Jonah Feldman")
    legal = document.matrix.find_department("Legal")
    assert legal is not None
    found = plan(document.matrix, pack)
    (lead,) = found.leads
    assert lead.agreed and not lead.missing and not lead.refused and not lead.proposals
    assert "Jonah Feldman agrees with Legal's column" in lead.summary
    asked = document.matrix.signoffs[legal.id]
    undo = document.apply_review(*found.changes())
    status = department_signoff(document.matrix, legal.id)
    assert status.agreed and status.record is not None
    assert (status.record.lead, status.record.when) == ("Jonah Feldman", ANSWERED)
    # The second time changes nothing.
    again = plan(document.matrix, pack)
    assert again.leads[0].already and again.changes() == ([], [])
    document.apply_review(*undo)
    assert document.matrix.signoffs[legal.id] == asked


def test_disputes_with_comments_and_a_proposed_role_are_one_step(
        document: Document, tmp_path: Path) -> None:
    matrix = document.matrix
    path = send(document, tmp_path / "out", "Sales")["Sales"]
    sales = matrix.find_department("Sales")
    assert sales is not None
    rows = rows_of(path)
    first, second = rows[1], rows[3]
    proposed_role = "Handle" if matrix.target_role(first.touchpoint_id, sales.id) \
        is not Role.HANDLE else "Influence"
    fill(path, agree={first.touchpoint_id: "No", second.touchpoint_id: "no"},
         proposed={first.touchpoint_id: proposed_role},
         comments={first.touchpoint_id: "Marketing runs this now",
                   second.touchpoint_id: "We only see the quote"},
         whole="No", name="Daniel Okafor")
    found = plan(matrix, path)
    (lead,) = found.leads
    assert not lead.agreed and [d.touchpoint_id for d in lead.disputes] == [
        first.touchpoint_id, second.touchpoint_id]
    assert lead.signoff is not None and lead.signoff.state is SignOffState.DISPUTED
    (proposal,) = lead.proposals
    assert proposal.proposed is Role(proposed_role.lower())
    assert proposal.where == f"{path.name}: sheet 'Review', cell I{first.row}"
    before_target = matrix.target_role(first.touchpoint_id, sales.id)
    undo = document.apply_review(*found.changes({proposal.key}))
    assert matrix.target_role(first.touchpoint_id, sales.id) is proposal.proposed
    disputed = [f for f in compute_findings(matrix)  # Sales' (the demo's Legal disputes too)
                if f.code == DISPUTED and f.department_id == sales.id]
    assert {(f.touchpoint_id, f.detail) for f in disputed} == {
        (first.touchpoint_id, "Marketing runs this now"),
        (second.touchpoint_id, "We only see the quote")}
    # Applied once more: the pack is not older than the change it made itself.
    again = plan(matrix, path)
    assert not again.leads[0].refused and again.changes({p.key for p in again.proposals}) \
        == ([], [])
    document.apply_review(*undo)
    assert matrix.target_role(first.touchpoint_id, sales.id) is before_target
    assert matrix.signoffs[sales.id].state is SignOffState.ASKED
    # A rejected proposal leaves the target as it is.
    document.apply_review(*plan(matrix, path).changes())
    assert matrix.target_role(first.touchpoint_id, sales.id) is before_target


def test_a_half_filled_pack_says_what_is_missing_and_is_not_an_agreement(
        document: Document, tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    rows = rows_of(path)
    answered = {r.touchpoint_id: "Yes" for r in rows[:2]}
    fill(path, agree=answered, default=None, whole="Yes", name=None, day=None)
    (lead,) = plan(document.matrix, path).leads
    assert not lead.agreed and lead.signoff is None
    text = "\n".join(lead.missing)
    assert f"cell H{rows[2].row}: Agree? is not answered on {len(rows) - 2} rows" in text
    _whole_row, name_row, day_row = final_rows(path)
    assert f"cell H{name_row}: the lead's name is missing" in text
    assert f"cell H{day_row}: the date is missing" in text
    assert plan(document.matrix, path).changes() == ([], [])


def test_values_that_are_not_answers_are_named_by_cell(document: Document,
                                                       tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    row = rows_of(path)[0]
    fill(path, agree={row.touchpoint_id: "Maybe"}, proposed={row.touchpoint_id: "Boss"},
         day="next week")
    (lead,) = plan(document.matrix, path).leads
    text = "\n".join(lead.missing)
    assert f"cell H{row.row}: 'Maybe' is not Yes or No" in text
    assert f"cell I{row.row}: 'Boss' is not a role" in text
    assert f"cell H{final_rows(path)[2]}: 'next week' is not a date" in text
    assert not lead.agreed


def test_edits_outside_the_cells_to_fill_are_ignored_and_listed(document: Document,
                                                                tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    row = rows_of(path)[0]
    fill(path, name="Jonah Feldman", cells={f"C{row.row}": "Renamed by the lead",
                                            f"E{row.row}": "Own", "L3": "a note to self"})
    (lead,) = plan(document.matrix, path).leads
    assert lead.agreed
    flags = "\n".join(lead.flags)
    assert f"cell C{row.row}: Touchpoint was edited" in flags
    assert f"cell E{row.row}: Current role was edited" in flags
    assert "cell L3: 'a note to self' is outside the cells to fill; ignored" in flags


def test_a_renamed_review_sheet_is_still_found(document: Document, tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    fill(path, name="Jonah Feldman", rename="Legal answers")
    answers = read_pack(path)
    assert answers.sheet == "Legal answers"
    (lead,) = plan(document.matrix, path).leads
    assert lead.agreed


# ---- refusals ------------------------------------------------------------------------------

def test_a_pack_for_another_matrix_is_refused(document: Document, tmp_path: Path) -> None:
    path = fill(send(document, tmp_path / "out", "Legal")["Legal"])
    (tmp_path / "other").mkdir()
    with Document.open(demo_file(tmp_path / "other")) as other:
        (lead,) = plan(other.matrix, path).leads
        assert lead.refused.startswith("it was written for another matrix")
        assert other.matrix.uid in lead.refused
        assert plan(other.matrix, path).changes() == ([], [])


def test_a_sheet_of_another_department_is_refused(document: Document, tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    sales = document.matrix.find_department("Sales")
    assert sales is not None
    fill(path, cells={"A2": f"D{sales.id}"})
    (lead,) = plan(document.matrix, path).leads
    assert lead.refused == ("the sheet names department 'Sales' but the pack was written "
                            "for 'Legal'")


def test_a_pack_older_than_a_later_change_to_its_cells_is_refused_naming_the_cell(
        document: Document, tmp_path: Path) -> None:
    matrix = document.matrix
    path = fill(send(document, tmp_path / "out", "Legal")["Legal"])
    legal = matrix.find_department("Legal")
    assert legal is not None
    row = rows_of(path)[2]
    old = matrix.role(row.touchpoint_id, legal.id)
    new = Role.HANDLE if old is not Role.HANDLE else Role.INFLUENCE
    document.set_role(row.touchpoint_id, legal.id, new)
    (lead,) = plan(matrix, path).leads
    assert lead.refused.startswith("it is older than a later change to the same cells: "
                                   f"{path.name}: sheet 'Review', cell E{row.row}: "
                                   f"{row.name!r} was ")
    assert plan(matrix, path).changes() == ([], [])


def test_damaged_and_foreign_files_are_refused_naming_file_sheet_and_cell(
        document: Document, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    with pytest.raises(ImportFailed, match=r"^junk\.xlsx: "):
        read_pack(junk)
    foreign = tmp_path / "foreign.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Budget"
    book.save(foreign)
    with pytest.raises(ImportFailed, match=r"foreign\.xlsx: not a review pack cxmatrix wrote"):
        read_pack(foreign)
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    book = openpyxl.load_workbook(path)
    book[pk.RECORD_SHEET]["B3"] = "garbage!"
    book.save(path)
    with pytest.raises(ImportFailed, match=r"Review - Legal\.xlsx: sheet 'cxmatrix pack', "
                                           r"cell B3: the record of what was sent is damaged"):
        read_pack(path)
    # Read through plan_packs without strict: one refused entry, the others still planned.
    (lead,) = plan_packs_lenient(document, junk)
    assert lead.refused.startswith("junk.xlsx: ")


def plan_packs_lenient(document: Document, *paths: Path):  # type: ignore[no-untyped-def]
    from cxmatrix.interchange.xlsx.review_pack.reader import plan_packs

    return plan_packs(document.matrix, list(paths)).leads


# ---- out of date -----------------------------------------------------------------------------

def test_a_later_edit_makes_the_agreement_out_of_date(document: Document,
                                                      tmp_path: Path) -> None:
    matrix = document.matrix
    path = fill(send(document, tmp_path / "out", "Legal")["Legal"], name="Jonah Feldman")
    document.apply_review(*plan(matrix, path).changes())
    legal = matrix.find_department("Legal")
    assert legal is not None and department_signoff(matrix, legal.id).agreed
    row = rows_of(path)[0]
    document.set_role(row.touchpoint_id, legal.id, None)
    status = department_signoff(matrix, legal.id)
    assert status.out_of_date and len(status.changes) == 1
    assert legal.id in [f.department_id for f in compute_findings(matrix)  # and the demo's
                        if f.code == SIGNOFF_OUTDATED]                      # Sales


# ---- the command line -----------------------------------------------------------------------

def test_the_command_line_writes_and_applies_packs(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cxm = demo_file(tmp_path)
    out = tmp_path / "packs"
    out.mkdir()
    assert cli_main(["review", str(cxm), "--out", str(out), "--department", "legal",
                     "--department", "Sales", "--lead", "J. Feldman", "--lead", "D. Okafor",
                     "--due", "2026-01-19"]) == 0
    assert "2 departments marked asked" in capsys.readouterr().out
    legal_pack, sales_pack = out / "Review - Legal.xlsx", out / "Review - Sales.xlsx"
    fill(legal_pack, name="Jonah Feldman")
    sales_row = rows_of(sales_pack)[0]
    fill(sales_pack, agree={sales_row.touchpoint_id: "No"},
         proposed={sales_row.touchpoint_id: "No role"},
         comments={sales_row.touchpoint_id: "Not ours"}, whole="No", name="Daniel Okafor")
    args = ["apply-review", str(cxm), str(legal_pack), str(sales_pack)]
    assert cli_main([*args, "--dry-run", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["written"] is False
    assert [p["state"] for p in shown["packs"]] == ["agreed", "disputed"]
    assert shown["packs"][1]["disputes"][0]["comment"] == "Not ours"
    assert shown["packs"][1]["proposals"][0]["to"] is None
    with Document.open(cxm, read_only=True) as doc:
        assert {r.state for r in doc.matrix.signoffs.values()} == {SignOffState.ASKED}
    assert cli_main([*args, "--accept", "all"]) == 0
    text = capsys.readouterr().out
    assert "Jonah Feldman agrees with Legal's column" in text and "apply" in text
    with Document.open(cxm, read_only=True) as doc:
        sales = doc.matrix.find_department("Sales")
        assert sales is not None
        assert doc.matrix.target_role(sales_row.touchpoint_id, sales.id) is None
        assert doc.matrix.signoffs[sales.id].state is SignOffState.DISPUTED
    assert cli_main(args) == 0
    assert "already recorded" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["review", "{cxm}", "--out", "{tmp}", "--department", "Nope"], "no department 'Nope'"),
    (["review", "{cxm}", "--out", "{tmp}/missing"], "no such folder"),
    (["review", "{cxm}", "--out", "{tmp}", "--department", "Legal", "--lead", "A",
      "--lead", "B"], "--lead given 2 times for 1 departments"),
    (["apply-review", "{cxm}", "{tmp}/notes.txt"], "notes.txt: not a review pack"),
    (["apply-review", "{cxm}", "{tmp}/junk.xlsx"], "junk.xlsx: "),
])
def test_bad_input_is_one_line_and_exit_status_2(tmp_path: Path, argv: list[str],
                                                 message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cxm = demo_file(tmp_path)
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 broken")
    with zipfile.ZipFile(tmp_path / "notes.zip", "w"):
        pass
    argv = [a.format(cxm=cxm, tmp=tmp_path) for a in argv]
    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    with Document.open(cxm, read_only=True) as doc:
        assert not doc.matrix.signoffs


def test_the_launcher_routes_both_commands_to_the_command_line() -> None:
    from cxmatrix.launcher import wants_cli

    assert wants_cli(["review", "x.cxm", "--out", "."]) and wants_cli(["apply-review", "x"])


def test_a_pack_date_typed_as_text_or_as_a_date_reads_the_same(document: Document,
                                                                tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    for typed in ("2026-01-14", "14 January 2026", date(2026, 1, 14), 46036):
        fill(path, name="Jonah Feldman", day=typed)
        assert read_pack(path).day == ANSWERED, typed


def test_departments_whose_names_make_the_same_file_name_get_two_packs(
        document: Document, tmp_path: Path) -> None:
    matrix = document.matrix
    document.add_department("R&D/Labs")
    document.add_department("R&D:labs")
    packs = send(document, tmp_path / "out", "R&D/Labs", "R&D:labs")
    assert sorted(p.name for p in packs.values()) == ["Review - R&D_Labs.xlsx",
                                                      "Review - R&D_labs (2).xlsx"]
    assert {read_pack(p).department_name for p in packs.values()} == {"R&D/Labs", "R&D:labs"}
    assert matrix.touchpoint_count


def test_a_department_with_nothing_to_review_can_still_agree(document: Document,
                                                             tmp_path: Path) -> None:
    matrix = document.matrix
    for tp in matrix.iter_touchpoints():  # every touchpoint owned: nothing "not established"
        if not matrix.owners(tp.id):
            document.set_role(tp.id, matrix.departments[0].id, Role.OWN)
    dept = document.add_department("Data Office")
    path = send(document, tmp_path / "out", "Data Office")["Data Office"]
    assert rows_of(path) == []
    fill(path, name="Noor Haddad")
    (lead,) = plan(matrix, path).leads
    assert lead.agreed and lead.signoff is not None and lead.signoff.basis == ()
    document.apply_review(*plan(matrix, path).changes())
    assert department_signoff(matrix, dept.id).agreed


def test_two_packs_of_one_department_in_one_go_apply_the_first_only(
        document: Document, tmp_path: Path) -> None:
    path = fill(send(document, tmp_path / "out", "Legal")["Legal"], name="Jonah Feldman")
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(path.read_bytes())
    first, second = plan(document.matrix, path, copy).leads
    assert first.agreed and not first.refused
    assert second.refused == (f"{path.name} is also a pack for Legal; apply one pack per "
                              "department at a time")


def test_a_cell_far_out_is_reported_without_reading_a_million_empty_rows(
        document: Document, tmp_path: Path) -> None:
    path = send(document, tmp_path / "out", "Legal")["Legal"]
    fill(path, name="Jonah Feldman", cells={"XFD1048576": "far away"})
    (lead,) = plan(document.matrix, path).leads
    assert lead.agreed
    assert any("cell XFD1048576: 'far away' is outside" in f for f in lead.flags)


def test_the_command_line_skips_departments_agreed_and_up_to_date_unless_all(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cxmatrix.interchange.demo import demo_matrix

    cxm = tmp_path / "journey.cxm"
    write_document(cxm, demo_matrix())  # with the demo's sign-offs: six agreed
    out = tmp_path / "packs"
    out.mkdir()
    assert cli_main(["review", str(cxm), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Skipped Marketing: agreed on 20 Nov and up to date (--all sends it a pack too)" in text
    assert text.count("Skipped ") == 6
    assert "Legal: asked again; this replaces the dispute of 24 Nov (2 touchpoints)" in text
    assert "3 departments marked asked" in text
    assert sorted(p.name for p in out.iterdir()) == [
        "Review - Legal.xlsx", "Review - Professional Services.xlsx", "Review - Sales.xlsx"]
    with Document.open(cxm, read_only=True) as doc:
        marketing = doc.matrix.find_department("Marketing")
        assert marketing is not None
        assert doc.matrix.signoffs[marketing.id].state is SignOffState.AGREED
    assert cli_main(["review", str(cxm), "--out", str(out), "--department", "Marketing"]) == 0
    assert "nothing to send" in capsys.readouterr().out
    assert cli_main(["review", str(cxm), "--out", str(out), "--department", "Marketing",
                     "--all"]) == 0
    assert ("Marketing: asked again; this replaces the agreement of 20 Nov, up to date"
            in capsys.readouterr().out)
    with Document.open(cxm, read_only=True) as doc:
        assert doc.matrix.signoffs[marketing.id].state is SignOffState.ASKED
