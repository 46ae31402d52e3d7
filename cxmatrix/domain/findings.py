"""The rules the tool checks: every touchpoint needs exactly one clear owner.

``touchpoint_findings`` and ``department_findings`` are pure functions of the matrix.
``FindingsIndex`` keeps their results current as the matrix changes, recomputing only the rows
an edit touched, so it stays fast on a 20,000-touchpoint matrix.

All of them find today's problems: a touchpoint or department flagged planned exists only at
target, so it is left out (a planned touchpoint has no "no owner", a planned department is not
idle, and a planned department's roles count for nobody), exactly as if the rules ran on
``states.current_state``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from itertools import chain
from operator import countOf

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.domain.model import Department, Matrix, MatrixListener, Touchpoint
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.domain.signoff import (
    DepartmentSignOff,
    SignOffState,
    long_day,
    possessive,
    signoff_status,
)
from cxmatrix.domain.signoff_index import SignOffIndex
from cxmatrix.domain.states import has_planned_structure, state_views

NO_OWNER = "no-owner"
SEVERAL_OWNERS = "several-owners"
CRITICAL_MOMENT_UNOWNED = "critical-moment-unowned"
OWNER_WITHOUT_METRIC = "owner-without-metric"
ROLE_NOT_ESTABLISHED = "role-not-established"
IDLE_DEPARTMENT = "idle-department"
SIGNOFF_OUTDATED = "signoff-outdated"
DISPUTED = "disputed"

SEVERITY_OF = {
    NO_OWNER: Severity.ERROR,
    SEVERAL_OWNERS: Severity.WARNING,
    CRITICAL_MOMENT_UNOWNED: Severity.ERROR,
    OWNER_WITHOUT_METRIC: Severity.INFO,
    ROLE_NOT_ESTABLISHED: Severity.INFO,
    IDLE_DEPARTMENT: Severity.INFO,
    SIGNOFF_OUTDATED: Severity.INFO,
    DISPUTED: Severity.WARNING,
}
CODES = tuple(SEVERITY_OF)
TITLES = {
    NO_OWNER: "No clear owner",
    SEVERAL_OWNERS: "Several owners",
    CRITICAL_MOMENT_UNOWNED: "Critical moment without a single owner",
    OWNER_WITHOUT_METRIC: "Owned but no metric",
    ROLE_NOT_ESTABLISHED: "Focus department has no role",
    IDLE_DEPARTMENT: "Department with no role",
    SIGNOFF_OUTDATED: "Sign-off out of date",
    DISPUTED: "Disputed by the department's lead",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem the tool found, by ids; its message names the departments as they are
    called when it is shown, so renaming a department changes no finding.

    ``department_ids`` are the departments the finding is about (the owners, or the departments
    that handle the fallout); ``detail`` is what else the message needs ("peak and end").
    """

    code: str
    severity: Severity
    touchpoint_id: int | None = None
    department_id: int | None = None
    department_ids: tuple[int, ...] = ()
    detail: str = ""
    matrix: Matrix | None = field(default=None, compare=False, repr=False)

    @property
    def title(self) -> str:
        return TITLES[self.code]

    @property
    def message(self) -> str:
        return _MESSAGES[self.code](self)

    def _names(self) -> str:
        matrix = self.matrix
        if matrix is None:
            return join_names([f"department {d}" for d in self.department_ids])
        ids = self.department_ids
        _, position, names = _department_table(matrix)
        if len(ids) > 1:  # in the matrix's department order; ids it lacks last
            last = len(position)
            ids = tuple(sorted(ids, key=lambda d: position.get(d, last)))
        return join_names([names.get(d, "a department") for d in ids])


# The department order and names of the matrix last asked, with the departments they were
# made from: a check prints thousands of messages, and each would otherwise walk every
# department. A list compare finds the same department objects at C speed (a renamed or moved
# department is a different list; Department is immutable). One tuple, so threads swap it whole.
_DEPARTMENTS: tuple[list[Department], dict[int, int], dict[int, str]] = ([], {}, {})


def _department_table(matrix: Matrix) -> tuple[list[Department], dict[int, int], dict[int, str]]:
    global _DEPARTMENTS
    table = _DEPARTMENTS
    cached, current = table[0], matrix.departments
    # Another matrix's equal departments (a file opened again) are taken in, so that the list
    # compare finds the same objects: comparing equal ones field by field at every message
    # cost more than the messages.
    if not (cached and current and cached[0] is current[0]) or cached != current:
        departments = list(matrix.departments)
        table = (departments, {d.id: index for index, d in enumerate(departments)},
                 {d.id: d.name for d in departments})
        _DEPARTMENTS = table
    return table


def _department_name(matrix: Matrix | None, department_id: int | None) -> str:
    if matrix is not None and department_id is not None:
        return _department_table(matrix)[2].get(department_id, "a department")
    return "a department"


def _no_owner_message(finding: Finding) -> str:
    if not finding.department_ids:
        return "No clear owner."
    verb = "handles" if len(finding.department_ids) == 1 else "handle"
    return f"{finding._names()} {verb} the fallout, but nobody owns it."


def _critical_message(finding: Finding) -> str:
    owners = len(finding.department_ids)
    problem = "no owner" if not owners else f"{owners} owners"
    article = "An" if finding.detail.startswith("end") else "A"
    return (f"{article} {finding.detail} moment with {problem}: peak and end moments shape "
            "what customers remember most.")


_MESSAGES: dict[str, Callable[[Finding], str]] = {
    NO_OWNER: _no_owner_message,
    SEVERAL_OWNERS: lambda f: (f"Owned by {f._names()}: ambiguous ownership, duplicated "
                               "effort."),
    CRITICAL_MOMENT_UNOWNED: _critical_message,
    OWNER_WITHOUT_METRIC: lambda f: (f"Owned by {f._names()}, but no metric is recorded: "
                                     "owners create routines and metrics."),
    ROLE_NOT_ESTABLISHED: lambda f: (f"Should {_department_name(f.matrix, f.department_id)} "
                                     "have a role here? Which one?"),
    IDLE_DEPARTMENT: lambda f: (f"{_department_name(f.matrix, f.department_id)} has no role "
                                "on any touchpoint."),
    SIGNOFF_OUTDATED: lambda f: (f"{possessive(_department_name(f.matrix, f.department_id))} "
                                 f"agreement is out of date: {f.detail}."),
    DISPUTED: lambda f: (f"{_department_name(f.matrix, f.department_id)} disputes its role "
                         "here" + (f": {f.detail}" if f.detail else ".")),
}


def messages(findings: Iterable[Finding]) -> list[str]:
    """The findings' messages, in order, each text made once: a message says nothing of its
    touchpoint (only of its code, departments and detail, named from its matrix as it is
    now), and a check of a large matrix prints thousands of equal ones ("Should Support have
    a role here?" on 14,000 rows of an L matrix)."""
    made: dict[tuple[object, ...], str] = {}
    texts = []
    for finding in findings:
        key = (finding.code, finding.department_id, finding.department_ids, finding.detail,
               id(finding.matrix))
        text = made.get(key)
        if text is None:
            text = made[key] = finding.message
        texts.append(text)
    return texts


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def today_row(matrix: Matrix, touchpoint_id: int) -> Mapping[int, Role]:
    """A touchpoint's roles today: none for a planned touchpoint, and none of a planned
    department's (both exist only at target)."""
    if touchpoint_id in matrix.planned_touchpoints:
        return {}
    row = matrix.row_roles(touchpoint_id)
    planned = matrix.planned_departments
    if planned and not planned.isdisjoint(row):
        return {d: role for d, role in row.items() if d not in planned}
    return row


def today_focus(matrix: Matrix) -> Department | None:
    """The focus department, unless it is planned (then today has none)."""
    focus = matrix.focus_department
    if focus is not None and focus.id in matrix.planned_departments:
        return None
    return focus


def touchpoint_findings(matrix: Matrix, touchpoint: Touchpoint) -> tuple[Finding, ...]:
    """The findings about one touchpoint today, from its row alone (and the focus
    department); none for a planned touchpoint."""
    if touchpoint.id in matrix.planned_touchpoints:
        return ()
    focus = today_focus(matrix)
    return _row_findings(matrix, touchpoint, today_row(matrix, touchpoint.id),
                         focus.id if focus is not None else None)


def touchpoints_findings(matrix: Matrix, touchpoints: Iterable[Touchpoint]
                         ) -> Iterator[tuple[Touchpoint, tuple[Finding, ...]]]:
    """``touchpoint_findings`` of each of ``touchpoints``, with what every row shares (the
    planned touchpoints and departments, the focus) read once: a comparison or a full count
    asks for thousands."""
    planned_touchpoints = matrix.planned_touchpoints
    planned_departments = matrix.planned_departments
    focus = today_focus(matrix)
    focus_id = focus.id if focus is not None else None
    roles = matrix.roles
    for tp in touchpoints:
        if tp.id in planned_touchpoints:
            yield tp, ()
            continue
        row = roles.get(tp.id, _NO_ROLES)
        if planned_departments and not planned_departments.isdisjoint(row):
            row = {d: role for d, role in row.items() if d not in planned_departments}
        yield tp, _row_findings(matrix, tp, row, focus_id)


def _finding_maker() -> Callable[[str, Severity, int | None, int | None, tuple[int, ...], str,
                                  Matrix | None], Finding]:
    """``Finding(code, severity, touchpoint_id, department_id, department_ids, detail,
    matrix)`` at half the cost, for the rows' findings (25,000 on a large matrix): a frozen
    dataclass's ``__init__`` goes through ``object.__setattr__`` for each field; this sets
    the slots through their descriptors. The same object in every respect."""
    new = object.__new__
    setters = [getattr(Finding, f.name).__set__ for f in fields(Finding)]
    if len(setters) != 7:  # (a field added to Finding must be added here too)
        raise AssertionError(f"Finding has {len(setters)} fields")
    code_, severity_, touchpoint_, department_, departments_, detail_, matrix_ = setters

    def make(code: str, severity: Severity, touchpoint_id: int | None,
             department_id: int | None, department_ids: tuple[int, ...], detail: str,
             matrix: Matrix | None) -> Finding:
        finding = new(Finding)
        code_(finding, code)
        severity_(finding, severity)
        touchpoint_(finding, touchpoint_id)
        department_(finding, department_id)
        departments_(finding, department_ids)
        detail_(finding, detail)
        matrix_(finding, matrix)
        return finding

    return make


_new_finding = _finding_maker()
_NO_ROLES: Mapping[int, Role] = {}
_OWN, _HANDLE = Role.OWN, Role.HANDLE
_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _row_findings(matrix: Matrix, touchpoint: Touchpoint, row: Mapping[int, Role],
                  focus_id: int | None) -> tuple[Finding, ...]:
    """``touchpoint_findings`` with today's row and focus department id looked up."""
    # Per set cell, not per department: messages put the names in department order when
    # they are shown, so the ids are kept sorted by id here.
    tid = touchpoint.id
    # Most rows have one owner and a metric: counting at C speed tells them apart, and only
    # the others need the owners' ids.
    count = countOf(row.values(), _OWN)
    metric = touchpoint.metric
    if count == 1 and metric and not metric.isspace():  # (what ``not metric.strip()`` flags)
        if focus_id is not None and focus_id not in row:
            return (_new_finding(ROLE_NOT_ESTABLISHED, _INFO, tid, focus_id, (), "", matrix),)
        return ()
    owners = [d for d, role in row.items() if role is _OWN] if count else []
    found: list[Finding] = []
    if not owners:
        handlers = [d for d, role in row.items() if role is _HANDLE]
        handlers.sort()
        found.append(_new_finding(NO_OWNER, _ERROR, tid, None, tuple(handlers), "", matrix))
    elif len(owners) > 1:
        owners.sort()
        found.append(_new_finding(SEVERAL_OWNERS, _WARNING, tid, None, tuple(owners), "",
                                  matrix))
    if (touchpoint.peak or touchpoint.end) and len(owners) != 1:
        kind = " and ".join(k for k, flag in (("peak", touchpoint.peak),
                                              ("end", touchpoint.end)) if flag)
        found.append(_new_finding(CRITICAL_MOMENT_UNOWNED, _ERROR, tid, None, tuple(owners),
                                  kind, matrix))
    if owners and not metric.strip():
        found.append(_new_finding(OWNER_WITHOUT_METRIC, _INFO, tid, None, tuple(owners), "",
                                  matrix))
    if focus_id is not None and focus_id not in row:
        found.append(_new_finding(ROLE_NOT_ESTABLISHED, _INFO, tid, focus_id, (), "",
                                  matrix))
    return tuple(found)


def idle_department_finding(department: Department, matrix: Matrix | None = None) -> Finding:
    return Finding(IDLE_DEPARTMENT, Severity.INFO, department_id=department.id, matrix=matrix)


def department_findings(matrix: Matrix) -> list[Finding]:
    """One idle-department finding per department (not planned) with no role today."""
    planned_departments = matrix.planned_departments
    planned_touchpoints = matrix.planned_touchpoints
    busy: set[int] = set(planned_departments)  # never idle today: they start at target
    everyone = len(matrix.departments)
    for tid, row in matrix.roles.items():
        if tid in planned_touchpoints:
            continue
        busy.update(row)
        if len(busy) >= everyone:
            return []  # usually after a few rows: every department has a role somewhere
    return [idle_department_finding(d, matrix) for d in matrix.departments
            if d.id not in busy]


def signoff_findings(matrix: Matrix, statuses: list[DepartmentSignOff] | None = None
                     ) -> list[Finding]:
    """Sign-off findings: one ``disputed`` per disputed cell (with the lead's comment), one
    ``signoff-outdated`` per department whose agreement no longer matches its column
    (``statuses``: the departments' sign-offs when the caller keeps them, ``SignOffIndex``).

    Always of the matrix itself, target layer included: what a lead agreed to is the column
    today and at target (a state of the matrix carries no sign-offs,
    ``states.current_state``; ``today_and_target`` counts these as today's)."""
    found: list[Finding] = []
    if not matrix.signoffs:
        return found
    for status in signoff_status(matrix) if statuses is None else statuses:
        record = status.record
        if record is None:
            continue
        if record.state is SignOffState.DISPUTED:
            for dispute in record.disputes:
                if matrix.has_touchpoint(dispute.touchpoint_id):
                    found.append(Finding(DISPUTED, Severity.WARNING, dispute.touchpoint_id,
                                         status.department_id, detail=dispute.comment,
                                         matrix=matrix))
        elif status.out_of_date:
            n = len(status.changes)
            when = f" since {long_day(record.when)}" if record.when else ""
            found.append(Finding(SIGNOFF_OUTDATED, Severity.INFO,
                                 department_id=status.department_id,
                                 detail=f"{n} change{'s' if n != 1 else ''}{when}",
                                 matrix=matrix))
    return found


def sort_key(matrix: Matrix) -> object:
    order = {tp.id: i for i, tp in enumerate(matrix.iter_touchpoints())}
    dept_order = {d.id: i for i, d in enumerate(matrix.departments)}
    code_order = {code: i for i, code in enumerate(CODES)}

    def key(finding: Finding) -> tuple[int, int, int, int]:
        return (
            finding.severity.rank,
            order.get(finding.touchpoint_id, len(order)) if finding.touchpoint_id else len(order),
            dept_order.get(finding.department_id, 0) if finding.department_id else 0,
            code_order[finding.code],
        )

    return key


def compute_findings(matrix: Matrix, signoffs: list[DepartmentSignOff] | None = None
                     ) -> list[Finding]:
    """Every finding of today (planned touchpoints and departments left out), most serious
    first, then in display order (a full computation; ``signoffs``: the departments'
    sign-offs when the caller has them, ``signoff_status``)."""
    found = _all_touchpoint_findings(matrix)
    extra = department_findings(matrix) + signoff_findings(matrix, signoffs)
    if extra:
        found.extend(extra)
        found.sort(key=sort_key(matrix))  # type: ignore[arg-type]
    else:
        # The touchpoints' findings come in display order, and within a touchpoint in the
        # order of sort_key (code order; the focus department's finding last): a stable sort
        # by severity alone gives sort_key's order.
        found.sort(key=_severity_rank)
    return found


def _severity_rank(finding: Finding) -> int:
    return _RANK[finding.severity]


_RANK = {severity: severity.rank for severity in Severity}


def _all_touchpoint_findings(matrix: Matrix) -> list[Finding]:
    """The findings of every touchpoint today, in display order."""
    found: list[Finding] = []
    extend = found.extend
    for _, row_found in _each_touchpoint_findings(matrix):
        extend(row_found)
    return found


def _each_touchpoint_findings(matrix: Matrix) -> Iterator[tuple[int, tuple[Finding, ...]]]:
    """(touchpoint id, its findings) for every touchpoint with findings today, in display
    order: ``touchpoint_findings`` with the focus department and the rows looked up once."""
    planned = matrix.planned_touchpoints
    focus = today_focus(matrix)
    focus_id = focus.id if focus is not None else None
    by_planned_structure = bool(matrix.planned_departments)
    rows = matrix.roles
    empty: Mapping[int, Role] = {}
    for tp in matrix.iter_touchpoints():
        tid = tp.id
        if tid in planned:
            continue
        row = today_row(matrix, tid) if by_planned_structure else rows.get(tid, empty)
        found = _row_findings(matrix, tp, row, focus_id)
        if found:
            yield tid, found


# Rows (with findings) between two pauses of a count on a worker thread: about a millisecond.
PACE_ROWS = 250


def _paced(items: Iterable[tuple[int, tuple[Finding, ...]]], pause: Callable[[], object]
           ) -> Iterator[tuple[int, tuple[Finding, ...]]]:
    for number, item in enumerate(items, start=1):
        if number % PACE_ROWS == 0:
            pause()
        yield item


def _rule_findings(matrix: Matrix) -> list[Finding]:
    """The findings of the touchpoint and department rules (not the sign-offs), unsorted."""
    found = _all_touchpoint_findings(matrix)
    found.extend(department_findings(matrix))
    return found


class FindingsIndex(MatrixListener):
    """Findings kept current by recomputing only the touchpoints an edit touched.

    Attach it to a matrix; queries bring the dirty rows up to date first.

    A newly opened file's full computation runs on a worker thread while the window already
    shows the matrix (``compute_elsewhere``, then ``take_over``): meanwhile the index is
    *pending*, its queries find nothing (its users say "checking…" instead of a count), and
    the rows edited meanwhile are noted, to be recomputed on top of the worker's result.
    """

    def __init__(self, matrix: Matrix, *, listen: bool = True) -> None:
        self.matrix = matrix
        self._by_touchpoint: dict[int, tuple[Finding, ...]] = {}
        # Each row's departments with a role today, to count them off when the row changes:
        # a tuple, a quarter of a frozenset's size (20,000 rows of 15: 3.5 MB against 14).
        self._row_departments: dict[int, tuple[int, ...]] = {}
        self._department_use: Counter[int] = Counter()
        self._code_counts: Counter[str] = Counter()
        self._dirty: set[int] = set()
        self._everything = True
        self._all: list[Finding] | None = None  # all(), until the next change
        # Whether _by_touchpoint is in display order: nothing changed since it was computed.
        self._in_display_order = False
        self._signoff: list[Finding] | None = None  # sign-off findings, until a change
        self.signoffs = SignOffIndex(matrix)  # the departments' sign-offs, followed here
        self.pending = False  # computed elsewhere, not yet taken over: see compute_elsewhere
        self._pause: Callable[[], object] | None = None  # see computed_apart
        self._everything_meanwhile = False  # a change while pending needs a full count
        if listen:
            matrix.add_listener(self)

    def matrix_changed(self, matrix: Matrix, change: MatrixChange) -> None:
        self._all = None  # any change can reorder the list (a moved row, a renamed stage)
        self._in_display_order = False
        self.signoffs.changed(change)
        if change.targets_changed or change.signoffs:
            self._signoff = None
        planned_departments = change.departments_planned
        if (change.focus_changed or len(change.cells) > matrix.touchpoint_count
                or (planned_departments
                    and matrix.focus_department_id in planned_departments)):
            self._everything = True  # (most rows changed: recomputing all is as quick)
            self._everything_meanwhile = self.pending
        elif self.pending or not self._everything:
            self._dirty.update(change.touchpoints, change.touchpoints_inserted,
                               change.touchpoints_removed, change.touchpoints_planned,
                               (t for t, _ in change.cells))
            if planned_departments:  # the rows where such a department has a role
                self._dirty.update(tid for tid, row in matrix.roles.items()
                                   if not planned_departments.isdisjoint(row))

    def adopt(self, other: FindingsIndex) -> None:
        """Take over what ``other`` found on a copy whose contents this index's matrix has
        since taken over (``Matrix.adopt_contents``): a whole replacement's findings are
        computed on the worker thread that writes it, not on the GUI thread."""
        other.all()
        matrix = self.matrix
        # Findings are immutable to their users; those computed on the copy are re-pointed
        # to the matrix that now holds its contents (the copy is dropped).
        for found in (*other._by_touchpoint.values(), other._all or ()):
            for finding in found:
                object.__setattr__(finding, "matrix", matrix)
        other.matrix.remove_listener(other)
        self._by_touchpoint = other._by_touchpoint
        self._row_departments = other._row_departments
        self._department_use = other._department_use
        self._code_counts = other._code_counts
        self._dirty = set()
        self._everything = False
        self._in_display_order = other._in_display_order
        self._all = other._all
        self._signoff = None
        self.signoffs = SignOffIndex(matrix)

    def compute_elsewhere(self) -> None:
        """Another thread computes everything (``computed_apart``) for ``take_over``: until
        then the queries find nothing and the changes are noted, not counted."""
        self.pending = True
        self._everything_meanwhile = False
        self._dirty.clear()

    @classmethod
    def computed_apart(cls, matrix: Matrix, pause: Callable[[], object] | None = None
                       ) -> FindingsIndex:
        """Every finding of ``matrix``, in an index that does not follow it (made on a worker
        thread while the window shows the matrix; a pending index takes it over). A row
        edited meanwhile may be read half-changed: the pending index recomputes it.
        ``pause`` is called every few hundred rows (a worker thread lets the GUI thread's
        edits and paints have the interpreter there, instead of waiting up to its switch
        interval)."""
        index = cls(matrix, listen=False)
        index._pause = pause
        index.all()
        index._pause = None
        return index

    def take_over(self, other: FindingsIndex | None) -> None:
        """End the pending state with ``other`` (``computed_apart`` over this index's
        matrix), bringing up to date the rows changed since; with None (the computation
        failed: a structural edit meanwhile can break it) the next query counts everything
        here."""
        dirty, everything = set(self._dirty), self._everything_meanwhile
        self.pending = False
        self._everything_meanwhile = False
        if other is None or everything:
            self._dirty.clear()
            self._everything = True
            self._all = None
            return
        self.adopt(other)
        if dirty:
            self._dirty = dirty
            self._all = None
            self._in_display_order = False

    @classmethod
    def following(cls, matrix: Matrix, today: FindingsIndex, rows: Iterable[int]
                  ) -> FindingsIndex:
        """An index over ``matrix``, a copy of ``today``'s matrix whose ``rows`` (touchpoint
        ids) alone may differ (the target state of a matrix without planned structure: only
        the rows with a target role do): it takes over ``today``'s findings of every other
        row and computes only those, a fraction of a full count. The findings taken over
        name their departments through ``today``'s matrix, whose names the copy shares."""
        today.refresh()
        index = cls(matrix)
        by_touchpoint = dict(today._by_touchpoint)
        row_departments = dict(today._row_departments)
        codes = today._code_counts.copy()
        use = today._department_use.copy()
        differing = [tid for tid in rows if matrix.has_touchpoint(tid)]
        for tid in differing:
            codes.subtract(f.code for f in by_touchpoint.pop(tid, ()))
            use.subtract(row_departments.pop(tid, ()))
        for tp, found in touchpoints_findings(matrix, map(matrix.touchpoint, differing)):
            if found:
                by_touchpoint[tp.id] = found
                codes.update(f.code for f in found)
            departments = tuple(matrix.row_roles(tp.id))
            if departments:
                row_departments[tp.id] = departments
                use.update(departments)
        index._by_touchpoint = by_touchpoint
        index._row_departments = row_departments
        index._code_counts = codes
        index._department_use = use
        index._everything = False
        return index

    def refresh(self) -> set[int]:
        """Bring the index up to date; returns the touchpoint ids whose findings changed
        (every touchpoint after a full recomputation). While pending: nothing, at once."""
        if self.pending:
            return set()
        if self._everything:
            self._rebuild()
            return set(self._by_touchpoint)
        changed: set[int] = set()
        matrix = self.matrix
        for tid in self._dirty:
            old = self._by_touchpoint.pop(tid, ())
            old_depts = self._row_departments.pop(tid, ())
            self._code_counts.subtract(f.code for f in old)
            self._department_use.subtract(old_depts)
            new: tuple[Finding, ...] = ()
            if matrix.has_touchpoint(tid):
                new = touchpoint_findings(matrix, matrix.touchpoint(tid))
                depts = tuple(today_row(matrix, tid))
                if new:
                    self._by_touchpoint[tid] = new
                if depts:
                    self._row_departments[tid] = depts
                self._department_use.update(depts)
                self._code_counts.update(f.code for f in new)
            if new != old:
                changed.add(tid)
        self._dirty.clear()
        return changed

    def _rebuild(self) -> None:
        matrix = self.matrix
        self._by_touchpoint.clear()
        self._row_departments.clear()
        self._department_use.clear()
        self._code_counts.clear()
        by_touchpoint = self._by_touchpoint
        found = _each_touchpoint_findings(matrix)
        by_touchpoint.update(found if self._pause is None else _paced(found, self._pause))
        # Counted once over everything: a Counter.update per row costs more than the rows.
        self._code_counts.update(f.code for found in by_touchpoint.values() for f in found)
        rows = self._row_departments
        if has_planned_structure(matrix):
            for tid in matrix.roles:
                today = today_row(matrix, tid)
                if today:
                    rows[tid] = tuple(today)
        else:
            for tid, row in matrix.roles.items():
                rows[tid] = tuple(row)
        self._department_use.update(chain.from_iterable(rows.values()))
        self._dirty.clear()
        self._everything = False
        self._in_display_order = True

    def for_touchpoint(self, touchpoint_id: int) -> tuple[Finding, ...]:
        self.refresh()
        return self._by_touchpoint.get(touchpoint_id, ())

    def idle_departments(self) -> list[Finding]:
        if self.pending:
            return []
        self.refresh()
        use = self._department_use
        planned = self.matrix.planned_departments
        return [idle_department_finding(d, self.matrix) for d in self.matrix.departments
                if use[d.id] <= 0 and d.id not in planned]

    def signoff_findings(self) -> list[Finding]:
        if self.pending:
            return []
        if self._signoff is None:
            self._signoff = (signoff_findings(self.matrix, self.signoffs.statuses())
                             if self.matrix.signoffs else [])
        return list(self._signoff)

    def counts(self) -> dict[str, int]:
        """How many findings of each code there are now."""
        self.refresh()
        counts = {code: max(0, self._code_counts[code]) for code in CODES}
        counts[IDLE_DEPARTMENT] = len(self.idle_departments())
        signoff = Counter(f.code for f in self.signoff_findings())
        counts[SIGNOFF_OUTDATED] = signoff[SIGNOFF_OUTDATED]
        counts[DISPUTED] = signoff[DISPUTED]
        return counts

    def severity_counts(self) -> dict[Severity, int]:
        totals = dict.fromkeys(Severity, 0)
        for code, count in self.counts().items():
            totals[SEVERITY_OF[code]] += count
        return totals

    def touchpoints_with_findings(self, min_severity: Severity = Severity.INFO) -> set[int]:
        self.refresh()
        return {tid for tid, found in self._by_touchpoint.items()
                if any(f.severity.rank <= min_severity.rank for f in found)}

    def all(self) -> list[Finding]:
        """Every finding, most serious first, then in display order (kept until the next
        change, so a file opened on a worker thread hands the window a finished list).
        Empty while pending."""
        if self.pending:
            return []
        if self._all is None:
            self.refresh()
            found = [f for group in self._by_touchpoint.values() for f in group]
            extra = self.idle_departments() + self.signoff_findings()
            if self._in_display_order and not extra:
                found.sort(key=_severity_rank)  # sort_key's order: see compute_findings
            else:
                found.extend(extra)
                found.sort(key=sort_key(self.matrix))  # type: ignore[arg-type]
            self._all = found
        return list(self._all)


# ---- today and target ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingCounts:
    """How many findings of each severity one state of a matrix has."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, findings: list[Finding]) -> FindingCounts:
        counts = Counter(f.severity for f in findings)
        return cls(counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO])

    def text(self) -> str:
        """"4 errors, 2 warnings"; errors are always named, warnings when there are any."""
        parts = [f"{self.errors} error{'' if self.errors == 1 else 's'}"]
        if self.warnings:
            parts.append(f"{self.warnings} warning{'' if self.warnings == 1 else 's'}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class TodayAndTarget:
    """The findings of the current state and of the target state, side by side."""

    today: FindingCounts
    target: FindingCounts
    today_findings: tuple[Finding, ...] = field(default=(), compare=False, repr=False)
    target_findings: tuple[Finding, ...] = field(default=(), compare=False, repr=False)

    def text(self) -> str:
        """"today: 4 errors, 2 warnings → target: 0 errors" (the status bar and the PDF)."""
        return f"today: {self.today.text()} → target: {self.target.text()}"


def today_and_target(matrix: Matrix, signoffs: list[DepartmentSignOff] | None = None
                     ) -> TodayAndTarget:
    """Findings computed for today (``current_state``) and for the target (``target_state``).

    The sign-off findings are today's (the document as it stands, whose reviews are under
    way), computed on the matrix itself: a lead agreed to the column today and at target,
    which neither state holds alone. The target counts the roles as planned only.
    Without a plan both states are the matrix itself, computed once. ``signoffs``: the
    departments' sign-offs when the caller has them."""
    if not matrix.has_plan:
        found = tuple(compute_findings(matrix, signoffs))
        counts = FindingCounts.of(list(found))
        return TodayAndTarget(counts, counts, found, found)
    today_state, target_state_ = state_views(matrix)
    today = _rule_findings(today_state) + signoff_findings(matrix, signoffs)
    today.sort(key=sort_key(today_state))  # type: ignore[arg-type]
    target = tuple(compute_findings(target_state_))  # (a state has no sign-offs)
    return TodayAndTarget(FindingCounts.of(today), FindingCounts.of(list(target)),
                          tuple(today), target)
