"""How large a matrix's JSON document will be at least, from counts, before it is written.

The reader refuses a file over MAX_JSON_BYTES or with more than MAX_JSON_VALUES values
(``codec._value_count``), so the writer refuses such a document too. Writing it to find out
took 7.2 s for a 100,000 x 50 matrix; this bound takes a walk over the rows' role counts and
texts instead. It is a lower bound, never more than the document written, so it refuses only
what the reader would refuse; a document that passes it is still measured as it is written.

The cost of each part (a touchpoint, a role cell, a sign-off's basis cell) is measured once,
by writing tiny documents with the codec itself and taking the differences, so the bound
follows the format: the smallest touchpoint (one-character name, empty texts, both flags
true), a role cell with a one-character department name and the shortest role word, a basis
cell one byte short of its shortest ("role": null). Longer names and texts, ids of more
digits, notes, plans, comments and disputes only add.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from cxmatrix.domain.model import TOUCHPOINT_TEXT_FIELDS, Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import agreement
from cxmatrix.domain.snapshots import Snapshot

Dump = Callable[[Matrix], bytes]  # a matrix's whole document, as the writer writes it
Count = Callable[[bytes], int]  # the values of a document, counted as the reader counts them


@dataclass(frozen=True)
class Least:
    """A lower bound on a document's size in bytes and on its values as the reader counts."""

    size: int
    values: int

    def __add__(self, other: Least) -> Least:
        return Least(self.size + other.size, self.values + other.values)


@dataclass(frozen=True)
class _Costs:
    base: Least  # the document of a matrix without departments, stages or touchpoints
    stage: Least  # one more stage with a one-character name
    touchpoint: Least  # one more touchpoint, its name one character long
    first_role: Least  # a row's first role cell, the department's name one character long
    role: Least  # each further role cell of a row
    basis: Least  # one more basis cell in a sign-off


def least_document(matrix: Matrix, snapshots: Sequence[Snapshot], document: Dump,
                   count_values: Count) -> Least:
    """The least size and value count of the document (``document`` writes a matrix's
    alone) of ``matrix`` and ``snapshots``; a snapshot's matrix adds at least its rows."""
    costs = _costs(document, count_values)
    total = costs.base + _least_rows(matrix, costs)
    for snapshot in snapshots:
        total = total + _least_rows(snapshot.matrix, costs)
    return total


def _least_rows(matrix: Matrix, costs: _Costs) -> Least:
    departments = matrix.departments
    shortest = min((len(d.name) for d in departments), default=1)
    names = sum(len(s.name) - 1 for s in matrix.stages)
    texts = cells = rows = 0
    for tp in matrix.iter_touchpoints():
        texts += sum(len(getattr(tp, key)) for key in TOUCHPOINT_TEXT_FIELDS) - 1
        count = len(matrix.row_roles(tp.id))
        cells += count
        rows += count > 0
    basis = sum(len(record.basis) for record in matrix.signoffs.values())
    stages, touchpoints = len(matrix.stages), matrix.touchpoint_count
    return Least(
        stages * costs.stage.size + names
        + touchpoints * costs.touchpoint.size + texts
        + rows * costs.first_role.size + (cells - rows) * costs.role.size
        + cells * (shortest - 1) + basis * costs.basis.size,
        stages * costs.stage.values
        + touchpoints * costs.touchpoint.values
        + rows * costs.first_role.values + (cells - rows) * costs.role.values
        + basis * costs.basis.values)


@cache
def _costs(document: Dump, count_values: Count) -> _Costs:
    def measure(matrix: Matrix) -> Least:
        data = document(matrix)
        return Least(len(data), count_values(data))

    def less(more: Least, fewer: Least) -> Least:
        return Least(more.size - fewer.size, more.values - fewer.values)

    empty = Matrix(title="")
    base = measure(empty)
    staged = Matrix(title="")
    stage = staged.add_stage("s")
    one_stage = measure(staged)
    staged.add_touchpoint(stage.id, "t", peak=True, end=True)
    one_touchpoint = measure(staged)
    staged.add_touchpoint(stage.id, "u", peak=True, end=True)
    two_touchpoints = measure(staged)

    roles = Matrix(title="")
    first, second = roles.add_department("a", "a"), roles.add_department("b", "b")
    row = roles.add_touchpoint(roles.add_stage("s").id, "t")
    shortest = min(Role, key=lambda role: len(role.value))
    no_role = measure(roles)
    roles.set_role(row.id, first.id, shortest)
    one_role = measure(roles)
    roles.set_role(row.id, second.id, shortest)
    two_roles = measure(roles)

    agreed = Matrix(title="")
    lead = agreed.add_department("a", "a")
    stage_id = agreed.add_stage("s").id
    rows = [agreed.add_touchpoint(stage_id, name) for name in ("t", "u")]
    agreed.set_role(rows[0].id, lead.id, shortest)
    agreed.set_signoff(lead.id, agreement(agreed, lead.id, "l", date(2026, 1, 1)))
    one_cell = measure(agreed)
    agreed.set_role(rows[1].id, lead.id, shortest)
    agreed.set_signoff(lead.id, agreement(agreed, lead.id, "l", date(2026, 1, 1)))
    two_cells = measure(agreed)
    role = less(two_roles, one_role)
    basis = less(less(two_cells, one_cell), role)  # the second role cell came with it
    # A focus department named by one character is a byte shorter than null, and so is
    # "role": null than the shortest role word in quotes.
    return _Costs(Least(base.size - 1, base.values), less(one_stage, base),
                  less(two_touchpoints, one_touchpoint), less(one_role, no_role), role,
                  Least(basis.size - 1, basis.values))

