"""The grid's table model with no view: rows, roles of data, collapsing, filters, edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from ui_support import on_disk

from cxmatrix import palette
from cxmatrix.domain.findings import NO_OWNER, SEVERAL_OWNERS
from cxmatrix.domain.model import Matrix, Stage, Touchpoint
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.store import Document
from cxmatrix.ui import commands
from cxmatrix.ui.grid.clipboard import parse_roles, parse_tsv, to_tsv
from cxmatrix.ui.grid.model import (
    CELL_KIND,
    FINDINGS,
    HIGHLIGHT,
    KIND,
    OBJECT,
    ROLE,
    SEVERITY,
    STAGE_KIND,
    TOUCHPOINT_KIND,
    CellRef,
    MatrixModel,
    RowFilter,
    header_label,
)
from cxmatrix.ui.session import Session


@pytest.fixture
def model(session: Session) -> MatrixModel:
    return MatrixModel(session)


def names(model: MatrixModel) -> list[str]:
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def ids(matrix: Matrix) -> dict[str, int]:
    found = {tp.name: tp.id for tp in matrix.iter_touchpoints()}
    found.update({d.name: d.id for d in matrix.departments})
    return found


def test_rows_are_stage_headings_followed_by_their_touchpoints(model: MatrixModel) -> None:
    assert names(model) == ["Onboarding", "Kick-off call", "Welcome email", "Support",
                            "Support ticket", "Outage notice"]
    assert model.columnCount() == 4
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Touchpoint", "Sales", "Customer\nSuccess", "Support"]
    assert model.data(model.index(0, 0), KIND) == STAGE_KIND
    assert isinstance(model.data(model.index(0, 0), OBJECT), Stage)
    assert model.data(model.index(1, 0), KIND) == TOUCHPOINT_KIND
    assert isinstance(model.data(model.index(1, 0), OBJECT), Touchpoint)
    assert model.data(model.index(1, 2), KIND) == CELL_KIND


def test_cells_show_the_letter_on_the_role_colour(model: MatrixModel) -> None:
    kickoff_cs = model.index(1, 2)
    assert model.data(kickoff_cs) == "O"
    assert model.data(kickoff_cs, ROLE) is Role.OWN
    assert model.data(kickoff_cs, Qt.ItemDataRole.EditRole) == "Own"
    assert model.data(kickoff_cs, Qt.ItemDataRole.BackgroundRole).name() == (
        "#" + palette.ROLE_FILL["own"].lower())
    assert model.data(kickoff_cs, Qt.ItemDataRole.ForegroundRole).name() == (
        "#" + palette.ROLE_INK["own"].lower())
    assert "Customer Success: Own on Kick-off call" in model.data(
        kickoff_cs, Qt.ItemDataRole.ToolTipRole)
    empty = model.index(1, 3)
    assert model.data(empty) == ""
    assert model.data(empty, Qt.ItemDataRole.BackgroundRole) is None
    ref = model.data(model.index(4, 2), OBJECT)
    assert isinstance(ref, CellRef)
    assert (ref.touchpoint.name, ref.department.name, ref.role) == (
        "Support ticket", "Customer Success", Role.HANDLE)


def test_findings_mark_rows_with_messages_in_the_tooltip(model: MatrixModel) -> None:
    welcome = model.index(2, 0)  # owned by Sales and Customer Success, a peak moment
    codes = {f.code for f in model.data(welcome, FINDINGS)}
    assert SEVERAL_OWNERS in codes
    assert model.data(welcome, SEVERITY) is Severity.ERROR  # peak moment without one owner
    tooltip = model.data(welcome, Qt.ItemDataRole.ToolTipRole)
    assert "Owned by Sales and Customer Success" in tooltip
    assert "Peak moment" in tooltip
    outage = model.index(5, 0)
    assert NO_OWNER in {f.code for f in model.data(outage, FINDINGS)}


def test_collapsing_a_stage_hides_its_touchpoints(model: MatrixModel) -> None:
    onboarding = model.row_key(0)
    model.set_collapsed(onboarding, True)
    assert names(model) == ["Onboarding", "Support", "Support ticket", "Outage notice"]
    model.toggle_collapsed(onboarding)
    assert names(model)[:3] == ["Onboarding", "Kick-off call", "Welcome email"]


def test_filters_on_text_stage_role_and_findings(model: MatrixModel,
                                                 session: Session) -> None:
    found = ids(session.matrix)
    model.update_filter(text="  WELCOME ")
    assert names(model) == ["Onboarding", "Welcome email"]
    model.set_filter(RowFilter(stage_id=session.matrix.stages[1].id))
    assert names(model) == ["Support", "Support ticket", "Outage notice"]
    model.set_filter(RowFilter(department_id=found["Customer Success"], role=Role.HANDLE,
                               any_role=False))
    assert names(model) == ["Support", "Support ticket"]
    model.set_filter(RowFilter(department_id=found["Customer Success"], role=None,
                               any_role=False))
    assert names(model) == ["Support", "Outage notice"]
    model.set_filter(RowFilter(findings_only=True, min_severity=Severity.ERROR))
    assert names(model) == ["Onboarding", "Welcome email", "Support", "Outage notice"]
    model.set_filter(RowFilter())
    assert len(names(model)) == 6


def test_findings_filter_follows_planned_flags(model: MatrixModel, session: Session) -> None:
    """A touchpoint or department flagged planned leaves today's findings: the rows shown
    for findings follow, and undo brings them back."""
    from cxmatrix.ui import plan_commands

    found = ids(session.matrix)
    model.set_filter(RowFilter(findings_only=True, min_severity=Severity.ERROR))
    everything = ["Onboarding", "Welcome email", "Support", "Outage notice"]
    assert names(model) == everything
    session.execute(plan_commands.SetPlannedTouchpoint(session, found["Outage notice"], True))
    assert names(model) == ["Onboarding", "Welcome email"]
    session.undo_stack.undo()
    assert names(model) == everything
    # Sales and Customer Success both own the welcome email (a peak moment): with Sales
    # planned, Customer Success alone owns it today.
    session.execute(plan_commands.SetPlannedDepartment(session, found["Sales"], True))
    assert names(model) == ["Support", "Outage notice"]
    assert {f.code for f in session.findings.for_touchpoint(found["Welcome email"])} == {
        "owner-without-metric"}
    session.undo_stack.undo()
    assert names(model) == everything


def test_role_filter_follows_edits(model: MatrixModel, session: Session) -> None:
    found = ids(session.matrix)
    model.set_filter(RowFilter(department_id=found["Support"], role=Role.OWN, any_role=False))
    assert names(model) == ["Support", "Support ticket"]
    session.execute(commands.SetRoles(session, [(found["Outage notice"], found["Support"],
                                                 Role.OWN)]))
    assert names(model) == ["Support", "Support ticket", "Outage notice"]
    session.undo_stack.undo()
    assert names(model) == ["Support", "Support ticket"]


def test_set_data_is_an_undoable_command_written_to_the_file(model: MatrixModel,
                                                             session: Session) -> None:
    document = session.document
    assert document is not None
    assert model.setData(model.index(1, 3), "handle")
    assert model.data(model.index(1, 3)) == "H"
    assert session.undo_stack.undoText() == "Set Support to Handle on Kick-off call"
    assert on_disk(document) == document.matrix.content()
    assert model.setData(model.index(1, 0), "Kick-off meeting")
    assert model.data(model.index(1, 0)) == "Kick-off meeting"
    assert model.setData(model.index(0, 0), "Getting started")
    assert model.data(model.index(0, 0)) == "Getting started"
    refused: list[str] = []
    session.failed.connect(lambda title, message: refused.append(message))
    assert not model.setData(model.index(1, 3), "maybe")
    assert "'maybe' is not a role" in refused[0]
    assert model.data(model.index(1, 3)) == "H"
    for _ in range(3):
        session.undo_stack.undo()
    assert names(model)[:2] == ["Onboarding", "Kick-off call"]
    assert model.data(model.index(1, 3)) == ""
    assert on_disk(document) == document.matrix.content()


def test_edits_signal_only_the_rows_they_touch(model: MatrixModel, session: Session) -> None:
    found = ids(session.matrix)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    session.execute(commands.SetRoles(session, [(found["Support ticket"], found["Sales"],
                                                 Role.INFLUENCE)]))
    assert changed == [(4, 4)]
    assert not resets


def test_department_changes_insert_move_and_remove_columns(model: MatrixModel,
                                                           session: Session) -> None:
    events: list[str] = []
    model.columnsInserted.connect(lambda *_: events.append("inserted"))
    model.columnsRemoved.connect(lambda *_: events.append("removed"))
    model.columnsMoved.connect(lambda *_: events.append("moved"))
    model.layoutChanged.connect(lambda *_: events.append("layout"))
    model.modelReset.connect(lambda *_: events.append("reset"))
    command = commands.AddDepartment(session, "Finance", "FIN", "", 1)
    assert session.execute(command)
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Finance"
    assert session.execute(commands.MoveDepartment(session, command.department_id or 0, 3))
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Finance"
    assert session.execute(commands.DeleteDepartment(session, command.department_id or 0))
    assert model.columnCount() == 4
    assert events == ["inserted", "moved", "removed"]


def test_lens_highlight_marks_one_column(model: MatrixModel, session: Session) -> None:
    cs = ids(session.matrix)["Customer Success"]
    model.set_highlight_department(cs)
    assert model.data(model.index(1, 2), HIGHLIGHT) is True
    assert model.data(model.index(1, 1), HIGHLIGHT) is False
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole).bold()


def test_dropping_rows_moves_touchpoints_across_stages(model: MatrixModel,
                                                       session: Session) -> None:
    document = session.document
    assert document is not None
    welcome = ids(session.matrix)["Welcome email"]
    data = model.mimeData([model.index(2, 0)])
    # Dropped on the "Outage notice" row: before it, in the Support stage.
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(5, 0))
    assert names(model) == ["Onboarding", "Kick-off call", "Support", "Support ticket",
                            "Welcome email", "Outage notice"]
    assert session.undo_stack.undoText() == "Move touchpoint Welcome email to Support"
    assert on_disk(document) == document.matrix.content()
    several = model.mimeData([model.index(1, 0), model.index(4, 0)])
    assert model.dropMimeData(several, Qt.DropAction.MoveAction, model.rowCount(), 0,
                              model.index(-1, -1))
    assert names(model)[-2:] == ["Kick-off call", "Welcome email"]
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert names(model)[:3] == ["Onboarding", "Kick-off call", "Welcome email"]
    assert session.matrix.touchpoint(welcome).stage_id == session.matrix.stages[0].id


def test_model_follows_another_document_and_none(model: MatrixModel, session: Session,
                                                 tmp_path: Path) -> None:
    other = Matrix(title="Other")
    other.add_stage("Only stage")
    session.set_document(Document.create(tmp_path / "other.cxm", other))
    assert names(model) == ["Only stage"]
    assert model.columnCount() == 1
    session.close()
    assert model.rowCount() == 0 and model.columnCount() == 0


def test_header_labels_break_long_names() -> None:
    assert header_label("Sales") == "Sales"
    assert header_label("Customer Success") == "Customer\nSuccess"
    assert header_label("Professional Services Team") == "Professional\nServices Team"


def test_tsv_round_trip_and_quoted_cells() -> None:
    rows = [["Own", "", "Influence"], ["a\tb", 'say "hi"', "line\nbreak"]]
    assert parse_tsv(to_tsv(rows)) == rows
    assert parse_tsv("O\tI\r\nH\r\n") == [["O", "I"], ["H", ""]]
    assert parse_tsv("") == [[""]]


def test_pasted_roles_are_read_or_reported_never_guessed() -> None:
    block = parse_roles("own\tI\t-\nHandles\t\tOwner\n")
    assert block.problems == []
    assert block.roles == [[Role.OWN, Role.INFLUENCE, None], [Role.HANDLE, None, Role.OWN]]
    bad = parse_roles("O\tmaybe\nRACI-R\tI\n")
    assert bad.problems == [
        "row 1, column 2: 'maybe' is not a role (use Own, Influence or Handle, or the RACI "
        "letters A, R, C, I)",
        "row 2, column 1: 'RACI-R' is not a role (use Own, Influence or Handle, or the RACI "
        "letters A, R, C, I)"]


def test_findings_model_updates_in_place_and_matches_a_full_rebuild(session: Session) -> None:
    from cxmatrix.ui.panels.findings import FindingsModel

    model = FindingsModel(session)
    found = ids(session.matrix)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    edits = [
        (found["Outage notice"], found["Support"], Role.OWN),  # an error goes away
        (found["Welcome email"], found["Sales"], None),  # a warning goes away
        (found["Kick-off call"], found["Customer Success"], None),  # new no-owner error
        (found["Support ticket"], found["Sales"], Role.OWN),  # new several-owners warning
    ]
    for edit in edits:
        session.execute(commands.SetRoles(session, [edit]))
    assert not resets
    assert inserted
    for severity in Severity:
        assert model.findings(severity) == [f for f in session.findings.all()
                                            if f.severity is severity]
    heading = model.index(model.group_row(Severity.ERROR), 0)
    assert model.data(heading) == f"▾ Errors ({model.count(Severity.ERROR)})"
    rows = model.rowCount()
    model.set_collapsed(Severity.ERROR, True)
    assert model.rowCount() == rows - model.count(Severity.ERROR)
    model.set_collapsed(Severity.INFO, False)
    info_first = model.index(model.group_row(Severity.INFO) + 1, 0)
    assert model.finding_at(info_first) == model.findings(Severity.INFO)[0]
    while session.undo_stack.canUndo():
        session.undo_stack.undo()
    for severity in Severity:
        assert model.findings(severity) == [f for f in session.findings.all()
                                            if f.severity is severity]


def test_dragging_a_stage_heading_moves_the_stage(model: MatrixModel, session: Session) -> None:
    document = session.document
    assert document is not None
    support_heading = names(model).index("Support")
    data = model.mimeData([model.index(support_heading, 0)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, model.index(-1, -1))
    assert [s.name for s in session.matrix.stages] == ["Support", "Onboarding"]
    assert names(model)[:3] == ["Support", "Support ticket", "Outage notice"]
    assert session.undo_stack.undoText() == "Move stage Support"
    assert on_disk(document) == document.matrix.content()
    back = model.mimeData([model.index(0, 0)])
    assert model.dropMimeData(back, Qt.DropAction.MoveAction, model.rowCount(), 0,
                              model.index(-1, -1))
    assert [s.name for s in session.matrix.stages] == ["Onboarding", "Support"]
