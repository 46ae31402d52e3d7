"""Opening a file shows the matrix before its findings are counted: until they arrive, the
findings dock, the status bar and the grid's tooltips say "checking…" (never a count of
nothing), and edits made before and while the worker counts end in the same findings as a
count from scratch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from ui_support import document_of, window_with_captured_messages

from cxmatrix.domain.findings import compute_findings
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.ui import commands
from cxmatrix.ui.grid.model import NAME_COLUMN, TOOLTIP
from cxmatrix.ui.panels.findings import findings_count_text

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _large_file(tmp_path: Path) -> Path:
    document = document_of(tmp_path, generate_matrix(3000, 30, seed=5), "large")
    path = document.path
    document.close()
    return path


def _shown(window: Any) -> dict[str, object]:
    """What the user sees of the findings at this moment."""
    model = window.model
    first_row = next(row for row in range(model.rowCount())
                     if model.touchpoint_id_at(row) is not None)
    return {
        "summary": window.findings_panel.summary.text(),
        "status": window.counts.text(),
        "listed": window.findings_panel.model.rowCount() - len(Severity),
        "tooltip": model.data(model.index(first_row, NAME_COLUMN), TOOLTIP),
    }


@pytest.mark.parametrize("meanwhile", ["roles", "rows"])
def test_edits_before_the_findings_arrive_end_in_the_right_findings(
        qtbot: Any, tmp_path: Path, monkeypatch: Any, meanwhile: str) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    path = _large_file(tmp_path)
    session = window.session
    seen: list[dict[str, object]] = []

    def edit_during() -> None:  # queued after the count's start: the worker is counting
        matrix = session.matrix
        tids = [tp.id for tp in matrix.iter_touchpoints()]
        if meanwhile == "rows":
            session.execute(commands.DeleteTouchpoints(session, tids[5:40]))
        else:
            dept = matrix.departments[3].id
            session.execute(commands.SetRoles(
                session, [(tid, dept, Role.OWN) for tid in tids[100:400]]))

    def at_once(document: Any) -> None:  # the window has just shown the document
        assert session.checking
        seen.append(_shown(window))
        matrix = document.matrix
        first = next(matrix.iter_touchpoints())
        session.execute(commands.SetRoles(session, [
            (first.id, d.id, Role.OWN) for d in matrix.departments[:3]]))
        seen.append(_shown(window))
        QTimer.singleShot(0, edit_during)

    window.documents.adopted.connect(at_once)
    job = window.open_path(path)
    assert job is not None
    qtbot.waitUntil(lambda: job.settled and len(seen) == 2 and not session.checking,
                    timeout=20_000)
    for before in seen:
        assert before["summary"] == "Checking the matrix for findings…"
        assert str(before["status"]).endswith("· checking for findings…")
        assert "error" not in str(before["status"])
        assert before["listed"] == 0
        assert "Checking for findings…" in str(before["tooltip"])
    assert window.errors == []
    expected = compute_findings(session.matrix)
    assert session.findings.all() == expected
    panel = window.findings_panel.model
    assert [f for s in Severity for f in panel.findings(s)] == [
        f for s in Severity for f in expected if f.severity is s]
    counts = {s: sum(1 for f in expected if f.severity is s) for s in Severity}
    assert window.findings_panel.summary.text() == findings_count_text(counts)
    errors = counts[Severity.ERROR]
    assert window.counts.text().endswith(f"{errors:,} error findings")
    session.undo_stack.undo()  # the edits stay undoable, the findings right
    session.undo_stack.undo()
    assert session.findings.all() == compute_findings(session.matrix)
