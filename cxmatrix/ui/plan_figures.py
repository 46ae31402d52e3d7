"""The status bar's "today: 4 errors, 2 warnings → target: 0 errors", kept up to date cheaply.

``today_and_target`` computes the findings of both states from scratch: 0.8 s at 20,000
touchpoints x 50 departments, too slow for every edit. Here today's counts come from the
document's own incremental findings index, and the target's from a second index over a copy
of the target state that each edit updates cell by cell; only a change of structure, of a
touchpoint's fields or of the planned flags copies the target state again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxmatrix.domain.findings import FindingCounts, FindingsIndex, TodayAndTarget, today_and_target
from cxmatrix.domain.roles import Severity
from cxmatrix.domain.states import has_planned_structure, target_state

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange
    from cxmatrix.domain.model import Matrix
    from cxmatrix.store import Document


def _counts(index: FindingsIndex) -> FindingCounts:
    totals = index.severity_counts()
    return FindingCounts(totals[Severity.ERROR], totals[Severity.WARNING],
                         totals[Severity.INFO])


class PlanFigures:
    """Today's and the target's finding counts of one document, followed edit by edit."""

    def __init__(self) -> None:
        self._document: Document | None = None
        self._state: Matrix | None = None
        self._index: FindingsIndex | None = None

    def reset(self, document: Document | None) -> None:
        self._document = document
        self._state = None
        self._index = None

    def follow(self, change: MatrixChange) -> None:
        """Bring the target copy up to date with what ``change`` says changed."""
        if self._state is None or self._document is None:
            return
        if (change.everything or change.structure or change.touchpoints
                or change.touchpoints_planned or change.departments_planned):
            self._state = None  # copied again when next asked
            return
        matrix = self._document.matrix
        if change.focus_changed:
            self._state.set_properties(focus_department_id=matrix.focus_department_id)
        cells = change.cells | change.targets
        if cells:
            self._state.set_cells([(t, d, matrix.target_role(t, d)) for t, d in cells])

    def figures(self) -> TodayAndTarget | None:
        """The counts of both states, or None without a document."""
        document = self._document
        if document is None:
            return None
        matrix = document.matrix
        if has_planned_structure(matrix):  # today is not the document itself: count anew
            self._state = None
            return today_and_target(matrix)
        today = _counts(document.findings)
        if not matrix.has_plan:
            self._state = None
            return TodayAndTarget(today, today)
        if self._state is None:
            self._state = target_state(matrix)
            self._index = FindingsIndex(self._state)
        assert self._index is not None
        return TodayAndTarget(today, _counts(self._index))
