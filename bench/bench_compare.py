"""The comparison engine at 20,000 touchpoints x 50 departments (target: under 100 ms).

Two states of one matrix, 200 cells apart, compared by id (a file and its earlier copy) and
by name (two files). The figure is absolute: the raw-library baseline of a comparison that
tells ownership changes in words does not exist.
"""

from __future__ import annotations

from common import Result, absolute_result, median_time

from cxmatrix.domain.compare import compare
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.roles import Role


def run(quick: bool) -> list[Result]:
    size = "M" if quick else "L"
    before = generate_size(size)
    after = before.copy()
    touchpoints = list(after.iter_touchpoints())
    department = after.departments[5]
    for tp in touchpoints[:: max(1, len(touchpoints) // 200)]:
        after.set_role(tp.id, department.id, Role.HANDLE)
    results = []
    for match_by in ("id", "name"):
        seconds = median_time(lambda m=match_by: compare(before, after, match_by=m),
                              3 if quick else 5)
        results.append(absolute_result("compare", f"compare {size} by {match_by}, 200 cells "
                                                  "apart", seconds, 0.100))
    return results
