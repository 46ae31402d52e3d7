"""The steps that turn one list of ids into another: removals, moves and insertions of runs.

The grid's rows (stage headings and touchpoints) and columns (departments) are lists of ids.
After an edit the model knows the new list; these steps are what it tells Qt, one
``beginRemoveRows``/``beginMoveRows``/``beginInsertRows`` each, so views keep their selection,
current cell and scroll position. Plain Python, tested without Qt.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# Past this many steps one layout change is cheaper than many small signals.
MAX_STEPS = 64


@dataclass(frozen=True, slots=True)
class Remove:
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Move:
    """Move ``first..last`` to stand before ``destination`` (indexes before the move)."""

    first: int
    last: int
    destination: int


@dataclass(frozen=True, slots=True)
class Insert:
    first: int
    keys: tuple[Hashable, ...]


Step = Remove | Move | Insert


def list_edits(old: Sequence[K], new: Sequence[K], max_steps: int = MAX_STEPS
               ) -> list[Step] | None:
    """The steps from ``old`` to ``new`` (both without duplicates), applied in order, each
    index counted in the list as it is at that step; None when there would be more than
    ``max_steps`` (the caller then announces one layout change)."""
    steps: list[Step] = []
    new_keys = set(new)
    current = list(old)
    # Removals, from the bottom up so that earlier indexes stay valid.
    index = len(current) - 1
    while index >= 0:
        if current[index] in new_keys:
            index -= 1
            continue
        last = index
        while index - 1 >= 0 and current[index - 1] not in new_keys:
            index -= 1
        steps.append(Remove(index, last))
        del current[index:last + 1]
        if len(steps) > max_steps:
            return None
        index -= 1
    # Moves: make the surviving ids follow the new order, a run at a time.
    kept = set(current)
    target = [key for key in new if key in kept]
    position = 0
    while position < len(target):
        if current[position] == target[position]:
            position += 1
            continue
        source = current.index(target[position], position)
        length = 1
        while (position + length < len(target) and source + length < len(current)
               and current[source + length] == target[position + length]):
            length += 1
        steps.append(Move(source, source + length - 1, position))
        run = current[source:source + length]
        del current[source:source + length]
        current[position:position] = run
        if len(steps) > max_steps:
            return None
        position += length
    # Insertions, top down: each run of new ids goes where the new list has it.
    position = 0
    while position < len(new):
        if position < len(current) and current[position] == new[position]:
            position += 1
            continue
        run_end = position
        while run_end < len(new) and new[run_end] not in kept:
            run_end += 1
        run = tuple(new[position:run_end])
        steps.append(Insert(position, run))
        current[position:position] = run
        if len(steps) > max_steps:
            return None
        position = run_end
    return steps
