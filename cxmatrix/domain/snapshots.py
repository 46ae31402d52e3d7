"""Snapshots: named, dated, frozen copies of a whole matrix, and the drift across them.

A :class:`Snapshot` is a value: its name, when it was taken, a note, and a frozen copy of the
matrix (structure, current and target roles, cell notes, actions). The store keeps snapshots
inside the .cxm file; here is what they mean. ``drift`` reads the ownership figures of each
snapshot in order: the share of touchpoints with exactly one owner, how many have none, how
many several, and how many are handled by someone but owned by nobody (the fallout load).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.states import current_state


@dataclass(frozen=True, slots=True)
class OwnershipFigures:
    """Ownership across the touchpoints of one state (planned touchpoints left out)."""

    touchpoints: int = 0
    one_owner: int = 0
    no_owner: int = 0
    several_owners: int = 0
    handle_without_own: int = 0

    @property
    def one_owner_share(self) -> float:
        """Share of touchpoints with exactly one owner (1.0 without touchpoints)."""
        return self.one_owner / self.touchpoints if self.touchpoints else 1.0


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """What a list of snapshots shows: name, date, note and figures (no matrix loaded)."""

    id: int
    name: str
    taken: datetime
    note: str = ""
    figures: OwnershipFigures = field(default_factory=OwnershipFigures)
    planned_changes: int = 0


@dataclass(frozen=True)
class Snapshot:
    """A frozen copy of a whole matrix: never change ``matrix`` (take a copy to edit)."""

    id: int
    name: str
    taken: datetime
    matrix: Matrix
    note: str = ""

    def info(self) -> SnapshotInfo:
        return SnapshotInfo(self.id, self.name, self.taken, self.note,
                            ownership_figures(self.matrix), len(self.matrix.planned_changes()))


@dataclass(frozen=True, slots=True)
class DriftPoint:
    """The figures of one snapshot (or of now), in the order of the drift chart."""

    name: str
    taken: datetime
    figures: OwnershipFigures


def snapshot_name(name: str) -> str:
    """A snapshot's name as it is kept: one line, trimmed; empty or absurd names refused."""
    if not isinstance(name, str):
        raise DomainError(f"a snapshot name must be text, not {type(name).__name__}")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise DomainError("a snapshot needs a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise DomainError(f"a snapshot name is longer than {MAX_NAME_LENGTH:,} characters")
    return cleaned


def snapshot_note(note: str) -> str:
    if not isinstance(note, str):
        raise DomainError("a snapshot note must be text")
    if len(note) > MAX_TEXT_LENGTH:
        raise DomainError(f"a snapshot note is longer than {MAX_TEXT_LENGTH:,} characters")
    return note.strip()


def ownership_figures(matrix: Matrix) -> OwnershipFigures:
    """The ownership figures of a matrix as it is today (planned touchpoints and departments
    do not count)."""
    state = current_state(matrix) if (matrix.planned_touchpoints
                                      or matrix.planned_departments) else matrix
    one = none = several = fallout = 0
    for tp in state.iter_touchpoints():
        row = state.row_roles(tp.id)
        owners = sum(1 for role in row.values() if role is Role.OWN)
        if owners == 1:
            one += 1
        elif owners == 0:
            none += 1
            if any(role is Role.HANDLE for role in row.values()):
                fallout += 1
        else:
            several += 1
    return OwnershipFigures(state.touchpoint_count, one, none, several, fallout)


def drift(points: Iterable[tuple[str, datetime, OwnershipFigures]]) -> list[DriftPoint]:
    """The drift over time: the points in the order they were taken (ties by given order)."""
    ordered = sorted(enumerate(points), key=lambda item: (item[1][1], item[0]))
    return [DriftPoint(name, taken, figures) for _, (name, taken, figures) in ordered]


def drift_of(snapshots: Iterable[Snapshot]) -> list[DriftPoint]:
    return drift((s.name, s.taken, ownership_figures(s.matrix)) for s in snapshots)
