"""Undo and redo of every kind of change: the file on disk always equals the matrix in memory,
undo brings back exactly what was there, and redo exactly what the edit made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication
from ui_support import document_of, isolate_settings, on_disk, small_matrix

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.store import ReadOnlyDocument
from cxmatrix.ui import commands
from cxmatrix.ui.session import Session


def named(matrix: Matrix, name: str) -> int:
    """A touchpoint's or department's id by name."""
    for tp in matrix.iter_touchpoints():
        if tp.name == name:
            return tp.id
    for dept in matrix.departments:
        if dept.name == name:
            return dept.id
    raise KeyError(name)


def stage(matrix: Matrix, name: str) -> int:
    found = matrix.find_stage(name)
    if found is None:
        raise KeyError(name)
    return found.id


Build = Callable[[Session, Matrix], commands.MatrixCommand]

CASES: dict[str, tuple[Build, str]] = {
    "set one role": (lambda s, m: commands.SetRoles(
        s, [(named(m, "Outage notice"), named(m, "Support"), Role.OWN)]),
        "Set Support to Own on Outage notice"),
    "clear one role": (lambda s, m: commands.SetRoles(
        s, [(named(m, "Kick-off call"), named(m, "Sales"), None)]),
        "Clear the role of Sales on Kick-off call"),
    "set many roles": (lambda s, m: commands.SetRoles(
        s, [(t.id, named(m, "Support"), Role.HANDLE) for t in m.iter_touchpoints()]),
        "Set 4 cells to Handle"),
    "note": (lambda s, m: commands.SetNote(
        s, named(m, "Kick-off call"), named(m, "Sales"), "Joins the first call"),
        "Edit the note of Sales on Kick-off call"),
    "add touchpoint": (lambda s, m: commands.AddTouchpoint(
        s, stage(m, "Support"), "Renewal call", 1, channel="Phone"),
        "Add touchpoint Renewal call to Support"),
    "rename touchpoint": (lambda s, m: commands.UpdateTouchpoint(
        s, named(m, "Welcome email"), name="Welcome pack"),
        "Rename touchpoint Welcome email to Welcome pack"),
    "touchpoint fields": (lambda s, m: commands.UpdateTouchpoint(
        s, named(m, "Support ticket"), metric="Time to resolve", peak=True),
        "Change the metric, peak moment of Support ticket"),
    "move touchpoint across stages": (lambda s, m: commands.MoveTouchpoint(
        s, named(m, "Kick-off call"), stage(m, "Support"), 1),
        "Move touchpoint Kick-off call to Support"),
    "move touchpoints": (lambda s, m: commands.MoveTouchpoints(
        s, [named(m, "Outage notice"), named(m, "Support ticket")], stage(m, "Onboarding"), 0),
        "Move 2 touchpoints to Onboarding"),
    "delete touchpoint": (lambda s, m: commands.DeleteTouchpoints(
        s, [named(m, "Welcome email")]), "Delete touchpoint Welcome email"),
    "delete touchpoints": (lambda s, m: commands.DeleteTouchpoints(
        s, [named(m, "Kick-off call"), named(m, "Support ticket")]), "Delete 2 touchpoints"),
    "add stage": (lambda s, m: commands.AddStage(s, "Renewal", 1), "Add stage Renewal"),
    "rename stage": (lambda s, m: commands.RenameStage(s, stage(m, "Support"), "Service"),
                     "Rename stage Support to Service"),
    "move stage": (lambda s, m: commands.MoveStage(s, stage(m, "Support"), 0),
                   "Move stage Support"),
    "delete stage": (lambda s, m: commands.DeleteStage(s, stage(m, "Onboarding")),
                     "Delete stage Onboarding and its 2 touchpoints"),
    "add department": (lambda s, m: commands.AddDepartment(s, "Finance", None, "Ann", 0),
                       "Add department Finance"),
    "edit department": (lambda s, m: commands.UpdateDepartment(
        s, named(m, "Sales"), name="Sales EMEA", lead="Bo"),
        "Change the name, lead of Sales"),
    "move department": (lambda s, m: commands.MoveDepartment(s, named(m, "Support"), 0),
                        "Move department Support"),
    "delete focus department": (lambda s, m: commands.DeleteDepartment(
        s, named(m, "Customer Success")), "Delete department Customer Success"),
    "properties": (lambda s, m: commands.SetProperties(
        s, title="Renamed", focus_department_id=named(m, "Sales")),
        "Change the matrix title, focus department"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_undo_and_redo_match_the_file(session: Session, case: str) -> None:
    build, text = CASES[case]
    document = session.document
    assert document is not None
    before = document.matrix.content()
    command = build(session, document.matrix)
    assert command.text() == text
    assert session.execute(command)
    after = document.matrix.content()
    assert after != before
    assert on_disk(document) == after
    for _ in range(2):
        session.undo_stack.undo()
        assert document.matrix.content() == before
        assert on_disk(document) == before
        session.undo_stack.redo()
        assert document.matrix.content() == after
        assert on_disk(document) == after


def test_delete_department_is_one_step_with_its_assignments(session: Session) -> None:
    matrix = session.matrix
    cs = named(matrix, "Customer Success")
    roles_before = sum(1 for row in matrix.roles.values() if cs in row)
    assert roles_before == 3
    session.execute(commands.DeleteDepartment(session, cs))
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert sum(1 for row in session.matrix.roles.values() if cs in row) == 3
    assert session.matrix.focus_department_id == cs


def test_a_refused_edit_reports_and_leaves_no_history(session: Session) -> None:
    messages: list[tuple[str, str]] = []
    session.failed.connect(lambda title, message: messages.append((title, message)))
    assert not session.execute(commands.AddDepartment(session, "sales"))
    assert messages == [("Add department sales failed",
                         "There is already a department called 'Sales'.")]
    assert session.undo_stack.count() == 0


def test_read_only_documents_refuse_edits_with_a_message(qapp: QApplication,
                                                         tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    from cxmatrix.store import Document

    session = Session()
    session.set_document(Document.open(path, read_only=True))
    messages: list[str] = []
    session.failed.connect(lambda _t, message: messages.append(message))
    assert not session.execute(commands.AddStage(session, "Extra"))
    assert "read-only" in messages[0]
    assert session.undo_stack.count() == 0
    session.close()


def test_save_as_keeps_the_history_working(session: Session, tmp_path: Path) -> None:
    matrix = session.matrix
    session.execute(commands.SetRoles(
        session, [(named(matrix, "Outage notice"), named(matrix, "Support"), Role.OWN)]))
    session.save_as(str(tmp_path / "copy.cxm"))
    document = session.document
    assert document is not None and document.path.name == "copy.cxm"
    session.undo_stack.undo()
    assert document.matrix.role(named(document.matrix, "Outage notice"),
                                named(document.matrix, "Support")) is None
    assert on_disk(document) == document.matrix.content()


def test_undo_of_a_change_the_file_refuses_drops_the_history(session: Session) -> None:
    matrix = session.matrix
    session.execute(commands.AddStage(session, "Extra"))
    document = session.document
    assert document is not None
    document.read_only, document.read_only_reason = True, "test"
    messages: list[str] = []
    session.failed.connect(lambda _t, message: messages.append(message))
    session.undo_stack.undo()
    assert messages and "read-only" in messages[0]
    QApplication.processEvents()
    assert session.undo_stack.count() == 0
    assert matrix.find_stage("Extra") is not None
    with pytest.raises(ReadOnlyDocument):
        document.add_stage("Another")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(CASES) - 1), st.booleans()), min_size=1,
                max_size=6))
def test_any_sequence_undoes_back_to_the_start(session: Session,
                                               steps: list[tuple[int, bool]]) -> None:
    session.undo_stack.setIndex(0)
    session.undo_stack.clear()
    document = session.document
    assert document is not None
    start = document.matrix.content()
    contents = [start]
    for case_number, undo_one in steps:
        build, _text = CASES[list(CASES)[case_number]]
        try:
            command = build(session, document.matrix)
        except KeyError:
            continue  # the thing this case edits was deleted or renamed earlier
        if session.execute(command):
            contents.append(document.matrix.content())
        if undo_one and session.undo_stack.canUndo():
            session.undo_stack.undo()
            contents.pop()
            assert document.matrix.content() == contents[-1]
    session.undo_stack.setIndex(0)
    assert document.matrix.content() == start
    assert on_disk(document) == start


def test_the_edit_mark_sees_an_undo_followed_by_a_new_edit(session: Session) -> None:
    """Work on a copy (a review, a merge) applies only to the matrix it was made from: an undo
    and a new edit leave the undo stack's index and count as they were, not the matrix."""
    matrix = session.matrix
    support, outage = named(matrix, "Support"), named(matrix, "Outage notice")
    assert session.execute(commands.SetRoles(session, [(outage, support, Role.OWN)]))
    mark = session.edit_mark()
    assert not session.changed_since(mark)
    session.undo_stack.undo()
    assert session.execute(commands.SetRoles(session, [(outage, support, Role.HANDLE)]))
    assert session.changed_since(mark)
