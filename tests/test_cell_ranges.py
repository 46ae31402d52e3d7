"""Cells gathered into rectangles for the grid's selection (ui/grid/cell_ranges.py)."""

from __future__ import annotations

from cxmatrix.ui.grid.cell_ranges import CellRange, cell_ranges


def covered(ranges: list[CellRange]) -> set[tuple[int, int]]:
    return {(row, column) for r in ranges for row in range(r.top, r.bottom + 1)
            for column in range(r.left, r.right + 1)}


def test_a_full_block_is_one_rectangle() -> None:
    cells = [(row, column) for row in range(3, 40) for column in range(1, 51)]
    assert cell_ranges(reversed(cells)) == [CellRange(3, 1, 39, 50)]


def test_rows_with_the_same_runs_merge_and_gaps_split() -> None:
    cells = {(0, 1), (0, 2), (0, 5), (1, 1), (1, 2), (1, 5), (3, 1), (3, 2), (4, 7)}
    ranges = cell_ranges(cells)
    assert ranges == [CellRange(0, 1, 1, 2), CellRange(0, 5, 1, 5), CellRange(3, 1, 3, 2),
                      CellRange(4, 7, 4, 7)]
    assert covered(ranges) == cells


def test_scattered_cells_are_covered_exactly_and_repeats_count_once() -> None:
    cells = [((row * 7) % 31, (row * 3) % 11) for row in range(200)]
    ranges = cell_ranges(cells + cells[:20])
    assert covered(ranges) == set(cells)
    assert sum((r.bottom - r.top + 1) * (r.right - r.left + 1) for r in ranges) == len(set(cells))


def test_no_cells_no_ranges() -> None:
    assert cell_ranges([]) == []


def test_row_runs_joins_neighbouring_rows() -> None:
    from cxmatrix.ui.grid.cell_ranges import row_runs

    assert row_runs([5, 1, 2, 3, 3, 9, 8]) == [(1, 3), (5, 5), (8, 9)]
    assert row_runs([]) == []
