"""The read-only state views that make today-against-target fast give exactly what the copies
give: the same comparison, the same findings, and the matrix itself untouched."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from strategies import planned_matrices

from cxmatrix.domain.compare import compare, compare_today_target
from cxmatrix.domain.findings import compute_findings, today_and_target
from cxmatrix.domain.states import current_state, state_views, target_state


def _shown(comparison):
    """A comparison as people see it (the lines) and as the CLI prints it (the dict)."""
    return comparison.lines(), comparison.to_dict()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planned_matrices())
def test_views_compare_and_find_like_the_copies(matrix) -> None:
    content, plan = matrix.content(), matrix.plan_content()
    today, target = current_state(matrix), target_state(matrix)
    view_today, view_target = state_views(matrix)
    assert view_today.content() == today.content()
    assert view_target.content() == target.content()
    assert not view_today.has_plan and not view_target.has_plan
    assert _shown(compare_today_target(matrix)) == _shown(compare(today, target))
    both = today_and_target(matrix)
    assert [(f.code, f.touchpoint_id, f.message) for f in both.today_findings] == [
        (f.code, f.touchpoint_id, f.message) for f in compute_findings(today)]
    assert [(f.code, f.touchpoint_id, f.message) for f in both.target_findings] == [
        (f.code, f.touchpoint_id, f.message) for f in compute_findings(target)]
    assert (matrix.content(), matrix.plan_content()) == (content, plan)
