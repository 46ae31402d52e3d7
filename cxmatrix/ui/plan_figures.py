"""The status bar's "today: 4 errors, 2 warnings → target: 0 errors", kept up to date cheaply,
and the target's findings of each touchpoint for the grid's markers in Target.

``today_and_target`` computes the findings of both states from scratch: 0.8 s at 20,000
touchpoints x 50 departments, too slow for every edit. Here today's counts come from the
document's own incremental findings index (which leaves out what exists only at target, so the
Findings panel and the status bar say the same), and the target's from an index over a copy of
the target state; each edit updates the copy cell by cell, and only a change of structure, of
a touchpoint's fields or of the planned flags copies it again. Without planned touchpoints or
departments the copy's index starts from today's findings and computes only the rows with a
target role (``FindingsIndex.following``): the first count after opening or after a change of
structure costs the copy (about 40 ms at L) instead of a full count (about 200 ms).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from cxmatrix.domain.findings import Finding, FindingCounts, FindingsIndex, TodayAndTarget
from cxmatrix.domain.roles import Severity
from cxmatrix.domain.states import has_planned_structure, target_state

if TYPE_CHECKING:
    from collections.abc import Callable

    from cxmatrix.domain.changes import MatrixChange
    from cxmatrix.domain.model import Matrix
    from cxmatrix.domain.roles import Role
    from cxmatrix.store import Document


def _counts(index: FindingsIndex) -> FindingCounts:
    totals = index.severity_counts()
    return FindingCounts(totals[Severity.ERROR], totals[Severity.WARNING],
                         totals[Severity.INFO])


class _Copy:
    """One state of the matrix as a matrix of its own, with its findings index."""

    def __init__(self, state: Matrix, index: FindingsIndex | None = None) -> None:
        self.state = state
        self.index = index if index is not None else FindingsIndex(state)

    @classmethod
    def of_target(cls, document: Document, today: FindingsIndex | None = None) -> _Copy:
        """The target state of the document's matrix. Without planned structure it differs
        from today only in the rows with a target role, so its index takes today's findings
        (``today``, by default the document's) of the others (at L, 40 ms instead of a full
        count's 200 ms)."""
        matrix = document.matrix
        state = target_state(matrix)
        if has_planned_structure(matrix):
            return cls(state)
        return cls(state, FindingsIndex.following(state, today or document.findings,
                                                  matrix.targets))

    def follow(self, cells: frozenset[tuple[int, int]],
               role: Callable[[int, int], Role | None], focus: int | None,
               focus_changed: bool) -> None:
        state = self.state
        if focus_changed:
            state.set_properties(focus_department_id=focus if focus is None
                                 or state.has_department(focus) else None)
        wanted = [(t, d, role(t, d)) for t, d in cells
                  if state.has_touchpoint(t) and state.has_department(d)]
        if wanted:
            state.set_cells(wanted)


# Target copies made on the worker thread that opened their document (``prepare``), until the
# window's PlanFigures takes them over.
_PREPARED: weakref.WeakKeyDictionary[Document, _Copy] = weakref.WeakKeyDictionary()


def prepare(document: Document, today: FindingsIndex) -> None:
    """Count the target's findings of a document on the worker thread that counted today's
    (``today``, the document's index is still pending), so that showing them counts nothing
    on the GUI thread; the next ``PlanFigures.reset`` with this document takes the count
    over (``discard_prepared`` drops it when the matrix changed meanwhile)."""
    if document.matrix.has_plan:
        copy = _Copy.of_target(document, today)
        copy.index.counts()
        _PREPARED[document] = copy


def discard_prepared(document: Document) -> None:
    _PREPARED.pop(document, None)


class PlanFigures:
    """Today's and the target's findings of one document, followed edit by edit."""

    def __init__(self) -> None:
        self._document: Document | None = None
        self._target: _Copy | None = None

    def reset(self, document: Document | None) -> None:
        self._document = document
        self._target = _PREPARED.pop(document, None) if document is not None else None

    def follow(self, change: MatrixChange) -> None:
        """Bring the copies up to date with what ``change`` says changed."""
        document = self._document
        if document is None or self._target is None:
            return
        if (change.everything or change.structure or change.touchpoints
                or change.touchpoints_planned or change.departments_planned):
            self._target = None  # copied again when next asked
            return
        matrix = document.matrix
        self._target.follow(change.cells | change.targets, matrix.target_role,
                            matrix.focus_department_id, change.focus_changed)

    def _target_copy(self) -> _Copy | None:
        document = self._document
        if document is None or document.findings.pending or not document.matrix.has_plan:
            self._target = None
            return None
        if self._target is None:
            self._target = _Copy.of_target(document)
        return self._target

    def figures(self) -> TodayAndTarget | None:
        """The counts of both states, or None without a document or while its findings are
        being counted."""
        document = self._document
        if document is None or document.findings.pending:
            return None
        today = _counts(document.findings)
        target = self._target_copy()
        return TodayAndTarget(today, _counts(target.index) if target is not None else today)

    def target_findings(self, touchpoint_id: int) -> tuple[Finding, ...]:
        """A touchpoint's findings at target (the grid's markers in Target)."""
        target = self._target_copy()
        if target is None:
            document = self._document
            return document.findings.for_touchpoint(touchpoint_id) if document else ()
        return target.index.for_touchpoint(touchpoint_id)
