"""Every department's sign-off, kept current edit by edit.

``signoff.department_signoff`` compares a department's whole column with what its lead agreed
to: at 20,000 touchpoints that is 0.1 s a department, seconds for 50 departments, too slow
for every edit. A :class:`SignOffIndex` works the comparison out once, in one pass over the
cells for all the departments that agreed, and then follows the change records: a cell edit
compares that one cell again for its department, a touchpoint added or removed compares
those touchpoints for each agreed department and the set of touchpoints once, a new record
recomputes its department. The findings index, the Sign-off panel and the grid's header marks
read it; the summary sentence and the workbook's rows use a one-off index
(``signoff.signoff_status``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxmatrix.domain.signoff import (
    BasisCell,
    ChangeSince,
    DepartmentSignOff,
    SignOff,
    SignOffState,
    change_text,
    touchpoints_fingerprint,
)

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange
    from cxmatrix.domain.model import Matrix

_Pair = tuple[BasisCell | None, BasisCell | None]  # as agreed, as it is now


def current_cell(matrix: Matrix, touchpoint_id: int, department_id: int) -> BasisCell | None:
    """The department's roles on a touchpoint now, as a basis holds them (None: no role)."""
    if not matrix.has_touchpoint(touchpoint_id):
        return None
    current = matrix.role(touchpoint_id, department_id)
    target = matrix.target_role(touchpoint_id, department_id)
    if current is None and target is None:
        return None
    return BasisCell(touchpoint_id, current, target)


class SignOffIndex:
    """The sign-off of each department of one matrix; call ``changed`` with each change
    record (the findings index does), ask ``status`` or ``statuses``."""

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        self._everything = True
        self._stale: set[int] = set()  # departments to compare again in full
        self._dirty: dict[int, set[int]] = {}  # department -> touchpoints to compare again
        self._basis: dict[int, dict[int, BasisCell]] = {}  # agreed department -> as agreed
        self._differ: dict[int, dict[int, _Pair]] = {}  # agreed department -> what differs
        self._touchpoints: str | None = None  # the fingerprint of the touchpoints now
        self._order: dict[int, int] | None = None  # touchpoint id -> display position
        self._statuses: dict[int, DepartmentSignOff] = {}

    # ---- following the matrix -------------------------------------------------------------

    def changed(self, change: MatrixChange) -> None:
        if (change.everything or change.departments_inserted or change.departments_removed
                or len(change.cells) + len(change.targets) > self.matrix.touchpoint_count):
            self._everything = True  # (a whole replacement: one pass is as quick)
            self._statuses.clear()
            self._order = None
            return
        if change.rows_changed:
            self._order = None
        if change.touchpoints or change.departments or change.rows_changed:
            self._statuses.clear()  # names and the order of the changes shown
        if change.signoffs:
            self._stale.update(change.signoffs)
            for did in change.signoffs:
                self._statuses.pop(did, None)
        rows = change.touchpoints_inserted | change.touchpoints_removed
        if rows:
            self._touchpoints = None
            for did in self._differ:
                self._dirty.setdefault(did, set()).update(rows)
                self._statuses.pop(did, None)
        for tid, did in (*change.cells, *change.targets):
            if did in self._differ:
                self._dirty.setdefault(did, set()).add(tid)
                self._statuses.pop(did, None)

    # ---- answers ----------------------------------------------------------------------------

    def status(self, department_id: int) -> DepartmentSignOff:
        self._refresh()
        known = self._statuses.get(department_id)
        if known is None:
            known = self._statuses[department_id] = self._status_of(department_id)
        return known

    def statuses(self) -> list[DepartmentSignOff]:
        """Every department's sign-off, left to right."""
        return [self.status(d.id) for d in self.matrix.departments]

    def _status_of(self, department_id: int) -> DepartmentSignOff:
        record = self.matrix.signoffs.get(department_id)
        if record is None:
            return DepartmentSignOff(department_id, SignOffState.NOT_ASKED, None)
        if record.state is not SignOffState.AGREED:
            return DepartmentSignOff(department_id, record.state, record)
        return DepartmentSignOff(department_id, record.state, record,
                                 tuple(self._changes(department_id, record)))

    def _changes(self, department_id: int, record: SignOff) -> list[ChangeSince]:
        if not record.basis and not record.touchpoints:
            return []
        matrix = self.matrix
        differ = self._differ.get(department_id, {})
        order = self._order_map() if differ else {}
        out = [change_text(matrix, tid, old, new) for tid, (old, new) in sorted(
            differ.items(), key=lambda item: (item[0] not in order,
                                              order.get(item[0], item[0])))]
        if (record.touchpoints and self._touchpoint_set() != record.touchpoints
                and not any(c.after is None and c.before is not None for c in out)):
            out.append(ChangeSince(None, None, None, "touchpoints were added or removed"))
        return out

    def _touchpoint_set(self) -> str:
        if self._touchpoints is None:
            self._touchpoints = touchpoints_fingerprint(self.matrix)
        return self._touchpoints

    def _order_map(self) -> dict[int, int]:
        if self._order is None:
            self._order = {tp.id: i for i, tp in enumerate(self.matrix.iter_touchpoints())}
        return self._order

    # ---- bringing it up to date -------------------------------------------------------------

    def _refresh(self) -> None:
        if self._everything:
            self._rebuild()
            return
        for did in self._stale:
            self._compare_department(did)
        self._stale.clear()
        for did, touchpoints in self._dirty.items():
            basis, differ = self._basis.get(did), self._differ.get(did)
            if basis is None or differ is None:
                continue
            for tid in touchpoints:
                old, new = basis.get(tid), current_cell(self.matrix, tid, did)
                if old == new:
                    differ.pop(tid, None)
                else:
                    differ[tid] = (old, new)
        self._dirty.clear()

    def _agreed(self) -> dict[int, SignOff]:
        return {did: record for did, record in self.matrix.signoffs.items()
                if record.state is SignOffState.AGREED and self.matrix.has_department(did)}

    def _compare_department(self, department_id: int) -> None:
        """Compare one department's column in full (its record was set or cleared)."""
        self._basis.pop(department_id, None)
        self._differ.pop(department_id, None)
        self._dirty.pop(department_id, None)
        record = self._agreed().get(department_id)
        if record is not None:
            self._compare({department_id: record})

    def _rebuild(self) -> None:
        self._basis.clear()
        self._differ.clear()
        self._dirty.clear()
        self._stale.clear()
        self._statuses.clear()
        self._touchpoints = None
        self._everything = False
        self._compare(self._agreed())

    def _compare(self, agreed: dict[int, SignOff]) -> None:
        """One pass over the cells for these departments."""
        if not agreed:
            return
        wanted = set(agreed)
        now: dict[int, dict[int, BasisCell]] = {did: {} for did in agreed}
        matrix = self.matrix
        roles, targets = matrix.roles, matrix.targets
        for tp in matrix.iter_touchpoints():
            tid = tp.id
            row = roles.get(tid)
            pinned = targets.get(tid)
            present = set(row) if row else set()
            if pinned:
                present.update(pinned)
            for did in present & wanted if len(present) < len(wanted) else (
                    d for d in wanted if d in present):
                current = row.get(did) if row else None
                target = pinned[did] if pinned and did in pinned else current
                if current is not None or target is not None:
                    now[did][tid] = BasisCell(tid, current, target)
        for did, record in agreed.items():
            basis = {c.touchpoint_id: c for c in record.basis}
            cells = now[did]
            differ: dict[int, _Pair] = {}
            for tid in basis.keys() | cells.keys():
                old, new = basis.get(tid), cells.get(tid)
                if old != new:
                    differ[tid] = (old, new)
            self._basis[did] = basis
            self._differ[did] = differ
