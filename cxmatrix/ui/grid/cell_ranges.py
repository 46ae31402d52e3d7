"""Cells gathered into few rectangles, so that selecting what an edit changed stays cheap.

An undo of a whole replacement changes every cell of a large matrix: one selection range per
cell (a million of them at L size) makes selecting, painting and reading the selection take
seconds each. Runs of neighbouring columns in a row, and runs of neighbouring rows with the
same column runs, become one rectangle. Plain Python, tested without Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class CellRange(NamedTuple):
    top: int
    left: int
    bottom: int
    right: int


def _runs(columns: list[int]) -> tuple[tuple[int, int], ...]:
    columns.sort()
    runs: list[tuple[int, int]] = []
    start = previous = columns[0]
    for column in columns[1:]:
        if column == previous:
            continue
        if column != previous + 1:
            runs.append((start, previous))
            start = column
        previous = column
    runs.append((start, previous))
    return tuple(runs)


def cell_ranges(cells: Iterable[tuple[int, int]]) -> list[CellRange]:
    """Rectangles covering exactly the ``(row, column)`` cells given, top to bottom; linear
    but for sorting."""
    by_row: dict[int, list[int]] = {}
    for row, column in cells:
        by_row.setdefault(row, []).append(column)
    ranges: list[CellRange] = []
    block_top = block_bottom = -2
    block_runs: tuple[tuple[int, int], ...] = ()

    def close_block() -> None:
        ranges.extend(CellRange(block_top, left, block_bottom, right)
                      for left, right in block_runs)

    for row in sorted(by_row):
        runs = _runs(by_row[row])
        if row == block_bottom + 1 and runs == block_runs:
            block_bottom = row
            continue
        close_block()
        block_top = block_bottom = row
        block_runs = runs
    close_block()
    return ranges


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of neighbouring rows, ``(first, last)`` top to bottom: what ``cell_ranges`` gives
    for whole rows, without a pass per row over its columns."""
    ordered = sorted(set(rows))
    if not ordered:
        return []
    runs: list[tuple[int, int]] = []
    start = previous = ordered[0]
    for row in ordered[1:]:
        if row != previous + 1:
            runs.append((start, previous))
            start = row
        previous = row
    runs.append((start, previous))
    return runs
