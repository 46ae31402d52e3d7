"""What an operation changed: one typed record, produced by the domain operation itself.

Every operation of a :class:`~cxmatrix.domain.model.Matrix` describes its effect as a
:class:`MatrixChange`; the store passes the records of one transaction on, merged, once the
commit succeeded, and each view refreshes only what the record names: a table model turns
inserted, removed and moved rows into Qt's begin/end calls, a changed cell into one
``dataChanged``. Nothing decodes strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter, itemgetter

_NONE: frozenset[int] = frozenset()
_NO_CELLS: frozenset[tuple[int, int]] = frozenset()
_NO_NAMES: frozenset[str] = frozenset()
_TOUCHPOINT_OF = itemgetter(0)


@dataclass(frozen=True, slots=True)
class MatrixChange:
    """The ids of what changed, by kind. Merging two records gives a record of both.

    Content changes name what is still there: ``touchpoints`` whose fields changed, ``cells``
    (touchpoint id, department id) whose role or note changed, ``stages`` and ``departments``
    whose names or codes changed, matrix ``properties`` by name. Structure changes name the
    touchpoints (rows), stages and departments (columns) that were inserted, removed or
    moved. ``everything`` means the whole content was replaced (a reload, a merge applied as
    one replacement): a view starts again from the matrix.

    The target layer (today and target): ``targets`` are the cells whose target role was set
    or cleared, ``actions`` the cells whose action changed, ``touchpoints_planned`` and
    ``departments_planned`` the touchpoints and departments whose planned flag changed;
    ``snapshots`` the ids of snapshots taken, renamed, deleted or restored (the document's
    list of snapshots, not the matrix); ``signoffs`` the departments whose sign-off record
    was set or cleared (a view showing sign-off states also follows ``roles_changed`` and
    ``targets_changed``, which can make an agreement out of date); ``comments`` the
    identities of comments added or removed.
    """

    touchpoints: frozenset[int] = _NONE
    cells: frozenset[tuple[int, int]] = _NO_CELLS
    stages: frozenset[int] = _NONE
    departments: frozenset[int] = _NONE
    properties: frozenset[str] = _NO_NAMES
    touchpoints_inserted: frozenset[int] = _NONE
    touchpoints_removed: frozenset[int] = _NONE
    touchpoints_moved: frozenset[int] = _NONE
    stages_inserted: frozenset[int] = _NONE
    stages_removed: frozenset[int] = _NONE
    stages_moved: frozenset[int] = _NONE
    departments_inserted: frozenset[int] = _NONE
    departments_removed: frozenset[int] = _NONE
    departments_moved: frozenset[int] = _NONE
    everything: bool = False
    targets: frozenset[tuple[int, int]] = _NO_CELLS
    actions: frozenset[tuple[int, int]] = _NO_CELLS
    touchpoints_planned: frozenset[int] = _NONE
    departments_planned: frozenset[int] = _NONE
    snapshots: frozenset[int] = _NONE
    signoffs: frozenset[int] = _NONE
    comments: frozenset[str] = _NO_NAMES
    # Answers derived from the sets above, kept once asked (not part of the record's value).
    _memo: dict[str, frozenset[int]] = field(default_factory=dict, init=False, repr=False,
                                             compare=False, hash=False)

    def merged(self, other: MatrixChange) -> MatrixChange:
        """One record saying what ``self`` and then ``other`` changed."""
        if other.is_empty:
            return self
        if self.is_empty:
            return other
        values = {name: getattr(self, name) | getattr(other, name) for name in _FIELDS}
        return MatrixChange(**values)

    @property
    def is_empty(self) -> bool:
        # Asked several times per edit: the field names are looked up once, below.
        return not any(_ALL_FIELDS(self))

    @property
    def rows_changed(self) -> bool:
        """Touchpoints or stages were inserted, removed or moved: the grid's rows change."""
        return bool(self.everything or self.touchpoints_inserted or self.touchpoints_removed
                    or self.touchpoints_moved or self.stages_inserted or self.stages_removed
                    or self.stages_moved)

    @property
    def columns_changed(self) -> bool:
        """Departments were inserted, removed or moved: the grid's columns change."""
        return bool(self.everything or self.departments_inserted or self.departments_removed
                    or self.departments_moved)

    @property
    def structure(self) -> bool:
        return self.rows_changed or self.columns_changed

    @property
    def focus_changed(self) -> bool:
        return self.everything or "focus_department_id" in self.properties

    @property
    def roles_changed(self) -> bool:
        """Some department's role on some touchpoint may differ (counts, lens, findings)."""
        return bool(self.everything or self.cells or self.touchpoints_inserted
                    or self.touchpoints_removed or self.departments_inserted
                    or self.departments_removed)

    @property
    def names_changed(self) -> bool:
        """A name shown beside other things changed: a department's, a stage's."""
        return bool(self.everything or self.departments or self.stages)

    def cell_touchpoints(self) -> frozenset[int]:
        """Touchpoints of the cells whose role, note, target role or action changed. Kept
        once asked: after a whole replacement the record names a million cells, and several
        views ask (``warm`` asks on the worker thread that compared the matrices)."""
        known = self._memo.get("cells")
        if known is None:
            rows: set[int] = set()
            for cells in (self.cells, self.targets, self.actions):
                rows.update(map(_TOUCHPOINT_OF, cells))
            known = self._memo["cells"] = frozenset(rows)
        return known

    def touched_touchpoints(self) -> frozenset[int]:
        """Touchpoints whose own row shows something new (fields, cells, a new place, a
        target role, an action, a planned flag); kept once asked, as ``cell_touchpoints``."""
        known = self._memo.get("touched")
        if known is None:
            known = self._memo["touched"] = self.cell_touchpoints().union(
                self.touchpoints, self.touchpoints_inserted, self.touchpoints_moved,
                self.touchpoints_planned)
        return known

    def changed_cell_count(self) -> int:
        """How many cells ``cells``, ``targets`` and ``actions`` name (with repeats), without
        building their union."""
        return len(self.cells) + len(self.targets) + len(self.actions)

    def warm(self) -> MatrixChange:
        """Work out the derived sets now (on a worker thread, before the GUI thread gets the
        record); returns the record."""
        self.touched_touchpoints()
        return self

    @property
    def targets_changed(self) -> bool:
        """The target state may differ: a target role, a planned flag, or anything the target
        follows (a current role where no target is set, the structure)."""
        return bool(self.roles_changed or self.targets or self.touchpoints_planned
                    or self.departments_planned)

    @property
    def plan_changed(self) -> bool:
        """The list of planned changes and their actions may differ."""
        return bool(self.targets_changed or self.actions)

    def plan_cells(self) -> frozenset[tuple[int, int]]:
        """Cells whose target role or action changed (a Target view repaints these)."""
        return self.targets | self.actions


_FIELDS = tuple(f.name for f in fields(MatrixChange) if f.init)
_ALL_FIELDS = attrgetter(*_FIELDS)
NO_CHANGE = MatrixChange()
EVERYTHING = MatrixChange(everything=True)

