"""The change record keeps the touchpoints it names once asked, without changing its value."""

from cxmatrix.domain.changes import MatrixChange


def test_touched_touchpoints_are_kept_and_do_not_change_the_value() -> None:
    change = MatrixChange(cells=frozenset({(1, 10), (2, 10)}), targets=frozenset({(3, 11)}),
                          touchpoints_inserted=frozenset({4}))
    plain = MatrixChange(cells=frozenset({(1, 10), (2, 10)}), targets=frozenset({(3, 11)}),
                         touchpoints_inserted=frozenset({4}))
    assert change.warm() is change
    assert change.cell_touchpoints() == {1, 2, 3}
    assert change.touched_touchpoints() == {1, 2, 3, 4}
    assert change.touched_touchpoints() is change.touched_touchpoints()
    assert change == plain and hash(change) == hash(plain)
    assert change.changed_cell_count() == 3
    merged = change.merged(MatrixChange(actions=frozenset({(7, 10)})))
    assert merged.touched_touchpoints() == {1, 2, 3, 4, 7}
    assert not MatrixChange().touched_touchpoints()
