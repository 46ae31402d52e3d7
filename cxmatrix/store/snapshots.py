"""Snapshots kept inside a .cxm file: take, list, load, rename, delete (with undo), purge.

Taking a snapshot is one row of ``snapshot`` and one ``INSERT ... SELECT`` per table, inside
SQLite and inside the caller's transaction: no row passes through Python. The copies carry no
secondary indexes, and the cells, most of a matrix, are packed one row per touchpoint
(``schema``, format 8): at 20,000 touchpoints x 50 departments a snapshot grows the file by
0.77 times the cell table's own size (one row per cell took 1.47 times). Loading one copies
its rows into TEMP tables named like the document's tables (the packed cells unpacked with
json_each), which hide the main ones for the duration, and reads them with the document
loader and all its checks; the TEMP tables are dropped before it returns. Deleting only
hides a snapshot (so that undo can bring it back); hidden snapshots are purged when the
document is closed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from cxmatrix.domain.model import DomainError, Matrix, name_key
from cxmatrix.domain.snapshots import (
    OwnershipFigures,
    Snapshot,
    SnapshotInfo,
    ownership_figures,
    snapshot_name,
    snapshot_note,
)
from cxmatrix.store import statements as st
from cxmatrix.store.errors import CorruptDocument

MAX_SNAPSHOTS = 1_000


def _info(row: tuple[object, ...]) -> SnapshotInfo:
    sid, name, taken, note, tps, one, none, several, fallout, planned = row
    try:
        when = datetime.fromisoformat(str(taken))
    except ValueError:
        when = datetime.fromtimestamp(0, UTC)
    numbers = [n if isinstance(n, int) else 0 for n in (tps, one, none, several, fallout)]
    return SnapshotInfo(int(sid), str(name), when, str(note),  # type: ignore[call-overload]
                        OwnershipFigures(*numbers),
                        planned if isinstance(planned, int) else 0)


def _missing_tables(path: Path, error: sqlite3.Error) -> CorruptDocument:
    return CorruptDocument(path, f"is damaged: its snapshots cannot be read ({error})")


def list_snapshots(connection: sqlite3.Connection, path: Path) -> list[SnapshotInfo]:
    """The snapshots of a document, oldest first."""
    try:
        return [_info(row) for row in connection.execute(st.SNAPSHOT_LIST)]
    except sqlite3.OperationalError as error:
        raise _missing_tables(path, error) from None


def find_snapshot(connection: sqlite3.Connection, path: Path, ref: str | int
                  ) -> SnapshotInfo:
    """A snapshot by id, or by name (compared as names are); DomainError if there is none."""
    snapshots = list_snapshots(connection, path)
    if isinstance(ref, int):
        found = [s for s in snapshots if s.id == ref]
    else:
        found = [s for s in snapshots if name_key(s.name) == name_key(ref)]
        if not found and ref.strip().isdigit():
            found = [s for s in snapshots if s.id == int(ref.strip())]
    if not found:
        names = ", ".join(repr(s.name) for s in snapshots) or "none"
        raise DomainError(f"{path.name} has no snapshot {ref!r} (its snapshots: {names})")
    return found[-1]


def take_snapshot(connection: sqlite3.Connection, path: Path, matrix: Matrix, name: str,
                  note: str = "", taken: datetime | None = None) -> SnapshotInfo:
    """Copy the document's tables into a new snapshot, inside the caller's transaction.
    ``matrix`` is the document's matrix as written (for the figures the list shows)."""
    cleaned, note = snapshot_name(name), snapshot_note(note)
    existing = list_snapshots(connection, path)
    if any(name_key(s.name) == name_key(cleaned) for s in existing):
        raise DomainError(f"there is already a snapshot called {cleaned!r}")
    if len(existing) >= MAX_SNAPSHOTS:
        raise DomainError(f"a matrix keeps at most {MAX_SNAPSHOTS:,} snapshots; delete some")
    (sid,) = connection.execute(st.SNAPSHOT_NEXT_ID).fetchone()
    when = (taken or datetime.now(UTC)).replace(microsecond=0)
    figures = ownership_figures(matrix)
    planned = len(matrix.planned_changes())
    # In the order of the snapshot table's columns (schema.SnapshotRow).
    row = (sid, cleaned, when.isoformat(), note, 0, figures.touchpoints, figures.one_owner,
           figures.no_owner, figures.several_owners, figures.handle_without_own, planned)
    connection.execute(st.SNAPSHOT_INSERT, dict(zip(st.SNAPSHOT_COLUMNS, row, strict=True)))
    for statement in st.SNAPSHOT_TAKE.values():
        connection.execute(statement, {"snapshot_id": sid})
    return SnapshotInfo(sid, cleaned, when, note, figures, planned)


@contextmanager
def _extracted(connection: sqlite3.Connection, snapshot_id: int) -> Iterator[None]:
    """The snapshot's rows in TEMP tables that hide the document's own, until the end."""
    try:
        for table in st.TABLE_NAMES:
            connection.execute(st.SNAPSHOT_EXTRACT[table], {"snapshot_id": snapshot_id})
        yield
    finally:
        for table in st.TABLE_NAMES:
            connection.execute(st.SNAPSHOT_DROP_EXTRACTED[table])


def load_snapshot(connection: sqlite3.Connection, path: Path, ref: str | int) -> Snapshot:
    """A snapshot with its whole matrix, read and checked like a document."""
    from cxmatrix.store.load import load_matrix

    info = find_snapshot(connection, path, ref)
    try:
        with _extracted(connection, info.id):
            matrix = load_matrix(connection, path)
    except sqlite3.OperationalError as error:
        raise _missing_tables(path, error) from None
    except CorruptDocument as error:
        raise CorruptDocument(path, f"snapshot {info.name!r}: {error.problem}") from None
    return Snapshot(info.id, info.name, info.taken, matrix, info.note)


def rename_snapshot(connection: sqlite3.Connection, path: Path, snapshot_id: int,
                    name: str) -> str:
    """Rename a snapshot, inside the caller's transaction; returns the old name."""
    info = find_snapshot(connection, path, snapshot_id)
    cleaned = snapshot_name(name)
    if any(name_key(s.name) == name_key(cleaned) and s.id != snapshot_id
           for s in list_snapshots(connection, path)):
        raise DomainError(f"there is already a snapshot called {cleaned!r}")
    connection.execute(st.SNAPSHOT_RENAME, {"snapshot_id": snapshot_id, "new_name": cleaned})
    return info.name


def set_snapshot_deleted(connection: sqlite3.Connection, snapshot_id: int,
                         deleted: bool) -> None:
    """Hide a snapshot (deleted) or bring a hidden one back (undo of the delete)."""
    connection.execute(st.SNAPSHOT_SET_DELETED, {"snapshot_id": snapshot_id,
                                                 "is_deleted": int(deleted)})


def purge_deleted_snapshots(connection: sqlite3.Connection) -> None:
    """Remove hidden snapshots for good (their copies cascade), inside a transaction."""
    connection.execute(st.SNAPSHOT_PURGE)
