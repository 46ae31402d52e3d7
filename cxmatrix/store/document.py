"""The Document: one open .cxm file and the Matrix it holds.

Every operation changes the in-memory matrix (which checks it) and writes the change in one
SQLite transaction with a durable commit before it returns; then listeners get one
:class:`~cxmatrix.domain.changes.MatrixChange`, the records of the domain operations merged,
saying what changed. An operation the domain refuses changed nothing, so only the SQL is rolled
back; if the write itself fails, the transaction rolls back and the matrix is reloaded from the
file, so memory and disk never disagree.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, Unpack

from cxmatrix.domain.actions import Action
from cxmatrix.domain.changes import NO_CHANGE, MatrixChange
from cxmatrix.domain.comments import Comment
from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.model import (
    Department,
    DepartmentSnapshot,
    Matrix,
    MatrixListener,
    PlanCell,
    Stage,
    StageSnapshot,
    Touchpoint,
    TouchpointAttributes,
    TouchpointFields,
    TouchpointSnapshot,
    difference,
)
from cxmatrix.domain.progress import NO_PROGRESS, Cancelled, Progress
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOff
from cxmatrix.store.errors import (
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    CorruptDocument,
    DocumentError,
    DocumentInUse,
    DocumentWriteError,
    ReadOnlyDocument,
    is_in_use,
    sqlite_code,
    sqlite_problem,
)
from cxmatrix.store.files import TemporaryFile, inspect_header
from cxmatrix.store.format import APPLICATION_ID, SCHEMA_VERSION
from cxmatrix.store.load import load_matrix, verify_schema, write_matrix
from cxmatrix.store.migrate import upgrade

if TYPE_CHECKING:
    from cxmatrix.domain.snapshots import Snapshot, SnapshotInfo
    from cxmatrix.store.sql import SqlWriter

LOCK_TIMEOUT_SECONDS = 0.5
IN_USE = "is open in another cxmatrix window or program; close it there first"
ALREADY_EXISTS = "already exists; choose another name or allow overwriting"


Listener = Callable[[MatrixChange], None]
_T = TypeVar("_T")


class _ChangeCollector(MatrixListener):
    """Gathers what the domain operations of one transaction changed."""

    def __init__(self) -> None:
        self.change = NO_CHANGE

    def matrix_changed(self, matrix: Matrix, change: MatrixChange) -> None:
        # (the first change of a transaction, the only one of a cell edit: nothing to merge)
        self.change = change if self.change is NO_CHANGE else self.change.merged(change)

    def take(self) -> MatrixChange:
        change, self.change = self.change, NO_CHANGE
        return change


def _now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    connection = sqlite3.connect(uri, uri=True, timeout=LOCK_TIMEOUT_SECONDS,
                                 isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA foreign_keys = ON")  # deletes cascade in the database
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA cell_size_check = ON")
    if not read_only:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = FULL")
        # Hold the file for as long as it is open, so a second cxmatrix is refused clearly.
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    return connection


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _has_hot_journal(path: Path) -> bool:
    """True when a rollback journal beside ``path`` holds a change to roll back.

    SQLite zeroes the journal's header once a transaction is committed (or never finished
    writing it), and a journal without its magic number restores nothing: such a cold journal
    is left over, not a sign of a half-made change.
    """
    journal = path.with_name(path.name + "-journal")
    try:
        # Non-blocking: a named pipe in the journal's place must not hang the open.
        handle = os.open(journal, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(handle).st_mode) and os.read(
            handle, len(JOURNAL_MAGIC)) == JOURNAL_MAGIC
    except OSError:
        return False
    finally:
        os.close(handle)


def _recover_hot_journal(path: Path, writable: bool) -> None:
    """A writer died mid-change and left its rollback journal. SQLite rolls it back on the
    next read-write open; a read-only connection cannot, so recover first."""
    if not writable:
        raise CorruptDocument(path, "was left half-changed by a crash and cannot be repaired "
                                    "here because the file or its folder is read-only; open "
                                    "it where it can be written")
    try:
        connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        if _is_locked(error):
            raise DocumentInUse(path, IN_USE) from None
        raise CorruptDocument(path, f"is damaged and cannot be read ({error})") from None


@contextlib.contextmanager
def _written_beside(target: Path, *, exclusive: bool = False) -> Iterator[Path]:
    """Yield a temporary file beside ``target``; once written, it is synced and renamed onto
    ``target`` in one step, so ``target`` is only ever replaced by a complete file.

    With ``exclusive``, ``target`` must not exist: the complete file is linked into place,
    which fails if another process got there first, so exactly one creator wins.
    """
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DocumentWriteError(target, f"the folder {folder} does not exist")
    try:
        temporary = TemporaryFile(target)
    except OSError as error:
        raise DocumentWriteError(target, f"cannot write in {folder}: "
                                         f"{error.strerror}") from None
    temp = temporary.path
    try:
        yield temp
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        mask = os.umask(0)
        os.umask(mask)
        temp.chmod(0o666 & ~mask)  # mkstemp makes 0600; a document follows the user's umask
        if exclusive:
            _link_new(temp, target)
        else:
            os.replace(temp, target)
    except sqlite3.Error as error:
        raise DocumentWriteError(target, _write_problem(error)) from None
    except FileExistsError:
        raise DocumentError(target, ALREADY_EXISTS) from None
    except OSError as error:
        raise DocumentWriteError(target, f"cannot be written: {error.strerror}") from None
    finally:
        temporary.close()


def _link_new(temp: Path, target: Path) -> None:
    """Put the complete ``temp`` at ``target``, which must not exist (FileExistsError)."""
    try:
        os.link(temp, target)
        return
    except FileExistsError:
        raise
    except OSError:
        pass  # a file system without hard links: claim the name, then fill it in one step
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.replace(temp, target)


def _refuse_if_in_use(path: Path) -> None:
    """Never replace a document that another cxmatrix has open: its window would lose it."""
    try:
        with open(path, "rb") as handle:
            if not handle.read(16).startswith(b"SQLite format 3"):
                return
        probe = sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
    except (OSError, sqlite3.Error):
        return
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
    except sqlite3.Error as error:
        if _is_locked(error):
            raise DocumentInUse(path, IN_USE) from None
    finally:
        probe.close()


def _is_locked(error: BaseException) -> bool:
    return is_in_use(error)


def _write_problem(error: BaseException) -> str:
    return sqlite_problem(error)[1]


class Document:
    """An open cxmatrix file. Create with ``Document.open`` or ``Document.create``."""

    def __init__(self, path: Path, connection: sqlite3.Connection, matrix: Matrix, *,
                 read_only: bool, read_only_reason: str = "") -> None:
        self.path = path
        self.matrix = matrix
        self.findings = FindingsIndex(matrix)
        self._collected = _ChangeCollector()
        matrix.add_listener(self._collected)
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self._raw: sqlite3.Connection | None = connection
        self._sql: SqlWriter | None = None  # made on the first write
        self._wrote_snapshots = False  # a snapshot change made with sqlite3 alone
        self._listeners: list[Listener] = []
        self._batch_depth = 0
        self._identity = self._file_identity()
        self._modified_as_text: tuple[datetime | None, str] = (None, "")

    # ---- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> Document:
        """Open a .cxm file. A file that cannot be written opens read-only, with a reason."""
        path = Path(path)
        header = inspect_header(path)
        reason = ""
        if not read_only and not header.writable:
            read_only, reason = True, "the file or its folder is read-only"
        elif read_only:
            reason = "opened read-only"
        if read_only and _has_hot_journal(path):
            _recover_hot_journal(path, header.writable)
        try:
            connection = _connect(path, read_only=read_only)
        except sqlite3.Error as error:
            if _is_locked(error):
                raise DocumentInUse(path, IN_USE) from None
            if sqlite_code(error) in (SQLITE_CORRUPT, SQLITE_NOTADB):  # its schema is damaged
                raise CorruptDocument(path, f"is damaged and cannot be read ({error})") from None
            raise CorruptDocument(path, f"cannot be opened: {error}") from None
        try:
            if not read_only:
                try:
                    connection.execute("BEGIN EXCLUSIVE")
                    connection.execute("COMMIT")
                except sqlite3.OperationalError as error:
                    if _is_locked(error):
                        raise DocumentInUse(path, IN_USE) from None
                    raise
            verify_schema(connection, path, header.user_version)
            if header.user_version < SCHEMA_VERSION:
                connection = _migrated(connection, path, header.user_version,
                                       in_memory=read_only)
            matrix = load_matrix(connection, path)
        except DocumentError:
            connection.close()
            raise
        except sqlite3.DatabaseError as error:
            connection.close()
            if _is_locked(error):
                raise DocumentInUse(path, IN_USE) from None
            raise CorruptDocument(path, f"is damaged and cannot be read ({error})") from None
        return cls(path, connection, matrix, read_only=read_only, read_only_reason=reason)

    @classmethod
    def create(cls, path: str | os.PathLike[str], matrix: Matrix | None = None, *,
               overwrite: bool = False, snapshots: Sequence[Snapshot] = ()) -> Document:
        """Write ``matrix`` (or an empty one) to a new file and open it; ``snapshots`` (an
        imported file's, oldest first) are kept in it with their names, notes and dates.

        The file is written beside the target and renamed into place, so an existing file is
        only replaced by a complete one.
        """
        path = Path(path)
        write_document(path, matrix if matrix is not None else Matrix(), overwrite=overwrite,
                       snapshots=snapshots)
        return cls.open(path)

    def close(self) -> None:
        if self._raw is None:
            return
        if self._sql is not None or self._wrote_snapshots:
            self._purge_deleted_snapshots()
        if self._sql is not None:
            self._sql.close()
            self._sql = None
        self._raw.close()
        self._raw = None

    @property
    def closed(self) -> bool:
        return self._raw is None

    def _connection(self) -> sqlite3.Connection:
        if self._raw is None:
            raise DocumentError(self.path, "is closed")
        return self._raw

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save_copy(self, target: str | os.PathLike[str]) -> None:
        """Write a complete copy of the document to ``target`` with SQLite's backup API."""
        target = Path(target)
        source = self._connection()
        if target.resolve() == self.path.resolve():
            return  # Every change is already saved in this very file.
        if target.exists():
            _refuse_if_in_use(target)
        with _written_beside(target) as temp:
            destination = sqlite3.connect(temp, isolation_level=None)
            try:
                source.backup(destination)
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()

    def save_as(self, target: str | os.PathLike[str]) -> Document:
        """Copy to ``target``, close this document and return the document open on the copy."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            return self
        self.save_copy(target)
        self.close()
        return Document.open(target)

    # ---- notifications and transactions ----------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def _emit(self) -> None:
        """Tell listeners what the last transaction changed (once a batch is complete)."""
        if self._batch_depth:
            return
        change = self._collected.take()
        if change.is_empty:
            return
        for listener in list(self._listeners):
            listener(change)

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyDocument(self.path, f"is read-only ({self.read_only_reason}); "
                                              "use Save As to edit a copy")

    def _writer(self) -> SqlWriter:
        raw = self._connection()
        self._refuse_if_read_only()
        if self._sql is None:
            from cxmatrix.store.sql import SqlWriter

            self._sql = SqlWriter(raw)
        return self._sql

    def warm_up(self) -> None:
        """Import what the first write needs (SQLAlchemy, about 0.6 s) now, on whatever thread
        calls this, so that the first edit is as quick as the tenth."""
        if not self.read_only:
            importlib.import_module("cxmatrix.store.sql")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[SqlWriter]:
        """Run domain changes and their SQL as one unit: on failure both are undone.

        A refusal by the domain (a duplicate name) comes before the domain changes anything,
        so rolling back the SQL is enough; only when memory already changed (a batch refused
        half way, a failed write) is the matrix reread from the file.
        """
        writer = self._writer()
        if self._batch_depth and writer.conn.in_transaction():
            yield writer
            return
        self._check_still_there()
        from cxmatrix.store.sql import DBAPIError

        try:
            with writer.conn.begin():
                yield writer
                if not self._collected.change.is_empty:
                    writer.touch_modified(self.matrix.modified.isoformat())
        except (DBAPIError, sqlite3.Error) as error:
            self._reload_after_failure()
            if _is_locked(error):
                raise DocumentInUse(self.path, "is locked by another program; the change "
                                               "was not saved") from None
            raise DocumentWriteError(self.path, _write_problem(error)) from None
        except BaseException:
            if not self._collected.change.is_empty:
                self._reload_after_failure()
            raise

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group operations into one transaction and one notification (all or none)."""
        self._writer()
        outer = self._batch_depth == 0
        self._batch_depth += 1
        try:
            if outer:
                with self._transaction():
                    yield
            else:
                yield
        finally:
            self._batch_depth -= 1
            if outer:
                self._emit()

    def _reload_after_failure(self) -> None:
        """The file is the truth: after a failed write, reread it into the same Matrix.

        Listeners are told what differs between what they showed and the file."""
        try:
            fresh = load_matrix(self._connection(), self.path)
        except (sqlite3.Error, DocumentError):
            return
        self.matrix.replace_contents(fresh)
        self._emit()

    def _file_identity(self) -> tuple[int, int] | None:
        # Asked before every write (a journal must be beside the file it restores): os.stat
        # of the path's text, without pathlib's layers.
        try:
            info = os.stat(os.fspath(self.path))
        except OSError:
            return None
        return info.st_dev, info.st_ino

    def _modified_text(self) -> str:
        """The matrix's modified time as the file keeps it (it changes once a second at
        most, so the text is made once per value)."""
        modified = self.matrix.modified
        if self._modified_as_text[0] is not modified:
            self._modified_as_text = (modified, modified.isoformat())
        return self._modified_as_text[1]

    def _check_still_there(self) -> None:
        if self._identity is not None and self._file_identity() != self._identity:
            raise DocumentWriteError(
                self.path, "was moved or deleted while open; your changes are kept in memory:"
                           " use Save As to store them")

    def file_missing(self) -> bool:
        """True when the file was moved or deleted while open (Save As still works)."""
        return self._identity is not None and self._file_identity() != self._identity

    # ---- properties ----------------------------------------------------------------------

    def set_properties(self, **changes: object) -> dict[str, object]:
        with self._transaction() as sql:
            old = self.matrix.set_properties(**changes)
            sql.update_properties({k: getattr(self.matrix, k) for k in changes})
        self._emit()
        return old

    # ---- stages ---------------------------------------------------------------------------

    def add_stage(self, name: str, index: int | None = None) -> Stage:
        with self._transaction() as sql:
            stage = self.matrix.add_stage(name, index)
            sql.insert_stage(stage)
            sql.stage_order(self.matrix)
        self._emit()
        return stage

    def rename_stage(self, stage_id: int, name: str) -> str:
        with self._transaction() as sql:
            old = self.matrix.rename_stage(stage_id, name)
            sql.rename_stage(self.matrix.stage(stage_id))
        self._emit()
        return old

    def move_stage(self, stage_id: int, index: int) -> int:
        with self._transaction() as sql:
            old = self.matrix.move_stage(stage_id, index)
            sql.stage_order(self.matrix)
        self._emit()
        return old

    def delete_stage(self, stage_id: int) -> StageSnapshot:
        with self._transaction() as sql:
            snapshot = self.matrix.delete_stage(stage_id)
            sql.delete_stage(stage_id)  # its touchpoints and their cells cascade
            sql.stage_order(self.matrix)
        self._emit()
        return snapshot

    def restore_stage(self, snapshot: StageSnapshot) -> Stage:
        with self._transaction() as sql:
            stage = self.matrix.restore_stage(snapshot)
            sql.insert_stage(stage)
            sql.stage_order(self.matrix)
            for tp_snapshot in snapshot.touchpoints:
                self._write_restored_touchpoint(sql, tp_snapshot)
            self._write_restored_disputes(sql, (t.touchpoint.id for t in snapshot.touchpoints))
        self._emit()
        return stage

    # ---- touchpoints ----------------------------------------------------------------------

    def add_touchpoint(self, stage_id: int, name: str, index: int | None = None,
                       **attributes: Unpack[TouchpointAttributes]) -> Touchpoint:
        with self._transaction() as sql:
            tp = self.matrix.add_touchpoint(stage_id, name, index, **attributes)
            sql.insert_touchpoint(tp)
            sql.touchpoint_order(self.matrix, stage_id)
        self._emit()
        return tp

    def update_touchpoint(self, touchpoint_id: int, **changes: Unpack[TouchpointFields]
                          ) -> TouchpointFields:
        with self._transaction() as sql:
            old = self.matrix.update_touchpoint(touchpoint_id, **changes)
            sql.update_touchpoint(self.matrix.touchpoint(touchpoint_id))
        self._emit()
        return old

    def rename_touchpoint(self, touchpoint_id: int, name: str) -> str:
        return self.update_touchpoint(touchpoint_id, name=name)["name"]

    def move_touchpoint(self, touchpoint_id: int, stage_id: int, index: int
                        ) -> tuple[int, int]:
        with self._transaction() as sql:
            old_stage, old_index = self.matrix.move_touchpoint(touchpoint_id, stage_id, index)
            sql.update_touchpoint(self.matrix.touchpoint(touchpoint_id))
            sql.touchpoint_order(self.matrix, stage_id)
            if old_stage != stage_id:
                sql.touchpoint_order(self.matrix, old_stage)
        self._emit()
        return old_stage, old_index

    def delete_touchpoint(self, touchpoint_id: int) -> TouchpointSnapshot:
        with self._transaction() as sql:
            snapshot = self.matrix.delete_touchpoint(touchpoint_id)
            sql.delete_touchpoints([touchpoint_id])
            sql.touchpoint_order(self.matrix, snapshot.touchpoint.stage_id)
        self._emit()
        return snapshot

    def restore_touchpoint(self, snapshot: TouchpointSnapshot) -> Touchpoint:
        with self._transaction() as sql:
            self.matrix.restore_touchpoint(snapshot)
            tp = self._write_restored_touchpoint(sql, snapshot)
            self._write_restored_disputes(sql, (tp.id,))
        self._emit()
        return tp

    # ---- departments ----------------------------------------------------------------------

    def add_department(self, name: str, code: str | None = None, lead: str = "",
                       index: int | None = None) -> Department:
        with self._transaction() as sql:
            dept = self.matrix.add_department(name, code, lead, index)
            sql.insert_department(dept)
            sql.department_order(self.matrix)
        self._emit()
        return dept

    def update_department(self, department_id: int, *, name: str | None = None,
                          code: str | None = None, lead: str | None = None) -> dict[str, str]:
        with self._transaction() as sql:
            old = self.matrix.update_department(department_id, name=name, code=code, lead=lead)
            sql.update_department(self.matrix.department(department_id))
        self._emit()
        return old

    def rename_department(self, department_id: int, name: str) -> str:
        return self.update_department(department_id, name=name)["name"]

    def move_department(self, department_id: int, index: int) -> int:
        with self._transaction() as sql:
            old = self.matrix.move_department(department_id, index)
            sql.department_order(self.matrix)
        self._emit()
        return old

    def delete_department(self, department_id: int) -> DepartmentSnapshot:
        with self._transaction() as sql:
            snapshot = self.matrix.delete_department(department_id)
            sql.delete_department(department_id)  # cells cascade; the focus is set null
            sql.department_order(self.matrix)
        self._emit()
        return snapshot

    def restore_department(self, snapshot: DepartmentSnapshot) -> Department:
        with self._transaction() as sql:
            dept = self.matrix.restore_department(snapshot)
            sql.insert_department(dept)
            sql.department_order(self.matrix)
            sql.cells(self.matrix, ((tid, dept.id)
                                    for tid in set(snapshot.roles) | set(snapshot.notes)))
            if snapshot.was_focus:
                sql.update_properties({"focus_department_id": dept.id})
            if snapshot.targets or snapshot.actions or snapshot.planned:
                from cxmatrix.store.plan_sql import write_restored_plan

                write_restored_plan(sql.conn, self.matrix, department_ids=(dept.id,))
            if snapshot.signoff is not None:
                sql.signoffs(self.matrix, (dept.id,))
        self._emit()
        return dept

    # ---- cells ----------------------------------------------------------------------------

    def set_role(self, touchpoint_id: int, department_id: int, role: Role | None
                 ) -> Role | None:
        return self._cell_edit(lambda: self.matrix.set_role(touchpoint_id, department_id,
                                                            role),
                               ((touchpoint_id, department_id),))

    def set_note(self, touchpoint_id: int, department_id: int, note: str) -> str:
        return self._cell_edit(lambda: self.matrix.set_note(touchpoint_id, department_id,
                                                            note),
                               ((touchpoint_id, department_id),))

    def set_cells(self, changes: Iterable[tuple[int, int, Role | None]]
                  ) -> list[tuple[int, int, Role | None]]:
        """Set many roles in one transaction; returns the list that undoes it."""
        checked = list(changes)
        return self._cell_edit(lambda: self.matrix.set_cells(checked),
                               [(t, d) for t, d, _ in checked])

    # A subclass whose writes must go through ``_transaction`` (the team server's document
    # sends each transaction's rows to the server) turns the raw fast path off.
    raw_cell_edits = True

    def _cell_edit(self, operation: Callable[[], _T], pairs: Iterable[tuple[int, int]]
                   ) -> _T:
        """A cell edit as one transaction on the raw connection (``cell_sql``): no
        SQLAlchemy, so the first edit after opening is as quick as the others. Inside a
        batch it joins the batch's transaction. The domain's refusal leaves the file
        untouched; a failed write rolls back and rereads the file, as ``_transaction``."""
        if self._batch_depth or not self.raw_cell_edits:
            with self._transaction() as sql:
                result = operation()
                sql.cells(self.matrix, pairs)
            return result
        raw = self._connection()
        self._refuse_if_read_only()
        self._check_still_there()
        from cxmatrix.store.cell_sql import touch_modified, write_cells

        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = operation()
                write_cells(raw, self.matrix, pairs)
                if not self._collected.change.is_empty:
                    touch_modified(raw, self._modified_text())
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._reload_after_failure()
            if _is_locked(error):
                raise DocumentInUse(self.path, "is locked by another program; the change "
                                               "was not saved") from None
            raise DocumentWriteError(self.path, _write_problem(error)) from None
        except BaseException:
            if not self._collected.change.is_empty:
                self._reload_after_failure()
            raise
        self._emit()
        return result

    def _write_restored_touchpoint(self, sql: SqlWriter, snapshot: TouchpointSnapshot
                                   ) -> Touchpoint:
        tp = self.matrix.touchpoint(snapshot.touchpoint.id)
        sql.insert_touchpoint(tp)
        sql.touchpoint_order(self.matrix, tp.stage_id)
        sql.cells(self.matrix, ((tp.id, did) for did in set(snapshot.roles) | set(snapshot.notes)))
        if snapshot.targets or snapshot.actions or snapshot.planned:
            from cxmatrix.store.plan_sql import write_restored_plan

            write_restored_plan(sql.conn, self.matrix, touchpoint_ids=(tp.id,))
        return tp

    def _write_restored_disputes(self, sql: SqlWriter, touchpoint_ids: Iterable[int]) -> None:
        """Write again the sign-offs disputing restored touchpoints, once all are back: the
        file dropped those disputes with the touchpoints, the matrix kept them."""
        if self.matrix.signoffs:
            from cxmatrix.store.signoffs import disputing

            sql.signoffs(self.matrix, disputing(self.matrix, touchpoint_ids))

    # ---- today and target: target roles, actions, planned flags --------------------------
    #
    # Each is one transaction and one notification, like every edit; the change record names
    # the cells (targets, actions) and flags it changed. Undo: set_target / set_targets with
    # what they return; complete_changes with restore_plan_cells; the flags with the old flag.

    def _plan_edit(self, operation: Callable[[], _T]) -> _T:
        with self._transaction() as sql:
            result = operation()
            sql.apply(self.matrix, self._collected.change)
        self._emit()
        return result

    def set_target(self, touchpoint_id: int, department_id: int, role: Role | None
                   ) -> Role | None:
        """Set one target role (equal to today: no planned change); returns the old one."""
        return self._plan_edit(lambda: self.matrix.set_target(touchpoint_id, department_id,
                                                              role))

    def set_targets(self, changes: Iterable[tuple[int, int, Role | None]]
                    ) -> list[tuple[int, int, Role | None]]:
        """Set many target roles in one transaction; returns the list that undoes it."""
        checked = list(changes)
        return self._plan_edit(lambda: self.matrix.set_targets(checked))

    def set_action(self, touchpoint_id: int, department_id: int, action: Action | None
                   ) -> Action | None:
        """Record (None: remove) the action of a planned change; returns the old action."""
        return self._plan_edit(lambda: self.matrix.set_action(touchpoint_id, department_id,
                                                              action))

    def complete_changes(self, cells: Iterable[tuple[int, int]]
                         ) -> list[tuple[int, int, PlanCell]]:
        """Mark planned changes done (current = target, action done), one transaction;
        returns what restore_plan_cells needs to undo it."""
        keys = list(cells)
        return self._plan_edit(lambda: self.matrix.complete_changes(keys))

    def complete_change(self, touchpoint_id: int, department_id: int) -> PlanCell:
        return self.complete_changes([(touchpoint_id, department_id)])[0][2]

    def restore_plan_cells(self, cells: Iterable[tuple[int, int, PlanCell]]) -> None:
        """Put cells back as plan_cell described them (the undo of complete_changes)."""
        checked = list(cells)
        self._plan_edit(lambda: self.matrix.restore_plan_cells(checked))

    def set_planned_touchpoint(self, touchpoint_id: int, planned: bool) -> bool:
        return self._plan_edit(lambda: self.matrix.set_planned_touchpoint(touchpoint_id,
                                                                          planned))

    def set_planned_department(self, department_id: int, planned: bool) -> bool:
        return self._plan_edit(lambda: self.matrix.set_planned_department(department_id,
                                                                          planned))

    # ---- sign-off -----------------------------------------------------------------------------
    #
    # A department's sign-off record (store/signoffs.py), one transaction and one notification
    # like every edit (MatrixChange(signoffs={department ids})). Undo: set_signoffs with what
    # it returns (set_signoff with the old record).

    def set_signoff(self, department_id: int, record: SignOff | None) -> SignOff | None:
        """Set (None: clear) a department's sign-off record; returns the old one."""
        return self.set_signoffs([(department_id, record)])[0][1]

    def set_signoffs(self, changes: Iterable[tuple[int, SignOff | None]]
                     ) -> list[tuple[int, SignOff | None]]:
        """Set many sign-off records in one transaction; returns the list that undoes it."""
        checked = list(changes)
        return self._plan_edit(lambda: self.matrix.set_signoffs(checked))

    def apply_review(self, signoffs: Iterable[tuple[int, SignOff | None]],
                     targets: Iterable[tuple[int, int, Role | None]]
                     ) -> tuple[list[tuple[int, SignOff | None]],
                                list[tuple[int, int, Role | None]]]:
        """Set sign-off records and target roles together (what returned review packs say),
        in one transaction; returns the pair that, passed back, undoes it."""
        records, roles = list(signoffs), list(targets)

        def both() -> tuple[list[tuple[int, SignOff | None]],
                            list[tuple[int, int, Role | None]]]:
            old_targets = self.matrix.set_targets(roles)
            return self.matrix.set_signoffs(records), old_targets

        return self._plan_edit(both)

    # Comments (store/comments.py), one transaction each like every edit
    # (MatrixChange(comments={uids})). Undo: remove_comments with what add_comments returns,
    # and add_comments with what remove_comments returns.

    comment_author: str | None = None  # who comments here when the document knows (a server)

    def add_comments(self, comments: Iterable[Comment]) -> list[str]:
        """Add comments (checked by the domain); returns their identities."""
        checked = list(comments)
        return self._plan_edit(lambda: self.matrix.add_comments(checked))

    def may_remove_comment(self, comment: Comment) -> bool:
        """Whether this document lets its user remove the comment: in a file, anyone who may
        edit it; on a team server, what the member's role allows."""
        return not self.read_only

    def remove_comments(self, uids: Iterable[str]) -> list[Comment]:
        """Remove comments by identity; returns them (to add back on undo)."""
        wanted = list(uids)
        return self._plan_edit(lambda: self.matrix.remove_comments(wanted))

    # ---- snapshots ---------------------------------------------------------------------------
    #
    # Kept in the file itself (store/snapshots.py). Listeners hear of a snapshot taken,
    # renamed, deleted or brought back as MatrixChange(snapshots={id}); the matrix is
    # untouched. Undo: rename back; delete_snapshot is undone by undelete_snapshot.

    def _tell(self, change: MatrixChange) -> None:
        for listener in list(self._listeners):
            listener(change)

    def _snapshot_write(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        raw = self._connection()
        if not self._batch_depth and not raw.in_transaction:
            return self._raw_snapshot_write(raw, operation)
        from cxmatrix.store.sql import DBAPIError

        try:
            with self._transaction() as sql:
                return operation(sql.raw)
        except sqlite3.Error as error:
            if _is_locked(error):
                raise DocumentInUse(self.path, "is locked by another program; the change "
                                               "was not saved") from None
            if isinstance(error, DBAPIError):
                raise
            raise DocumentWriteError(self.path, _write_problem(error)) from None

    def _raw_snapshot_write(self, raw: sqlite3.Connection,
                            operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """A snapshot's statements are SQL text run with sqlite3 alone: outside a batch they
        need no SqlWriter, so taking the first snapshot (``cxmatrix snapshot``) does not wait
        for SQLAlchemy to import (about 0.6 s)."""
        self._refuse_if_read_only()
        self._check_still_there()
        self._wrote_snapshots = True
        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = operation(raw)
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            return result
        except sqlite3.Error as error:
            if _is_locked(error):
                raise DocumentInUse(self.path, "is locked by another program; the change "
                                               "was not saved") from None
            raise DocumentWriteError(self.path, _write_problem(error)) from None

    def take_snapshot(self, name: str, note: str = "", taken: datetime | None = None
                      ) -> SnapshotInfo:
        """Freeze the whole matrix (structure, today, target, notes, actions) as a named,
        dated snapshot inside the file: one transaction, copied inside SQLite."""
        from cxmatrix.store.snapshots import take_snapshot

        info = self._snapshot_write(lambda raw: take_snapshot(raw, self.path, self.matrix,
                                                              name, note, taken))
        self._tell(MatrixChange(snapshots=frozenset({info.id})))
        return info

    def snapshots(self) -> list[SnapshotInfo]:
        """The snapshots in the file, oldest first (without loading their matrices)."""
        from cxmatrix.store.snapshots import list_snapshots

        return list_snapshots(self._connection(), self.path)

    def snapshot(self, ref: str | int) -> Snapshot:
        """One snapshot by id or name, with its whole matrix (read like a document)."""
        from cxmatrix.store.snapshots import load_snapshot

        return load_snapshot(self._connection(), self.path, ref)

    def find_snapshot(self, ref: str | int) -> SnapshotInfo:
        from cxmatrix.store.snapshots import find_snapshot

        return find_snapshot(self._connection(), self.path, ref)

    def rename_snapshot(self, snapshot_id: int, name: str) -> str:
        """Rename a snapshot; returns the old name (rename back to undo)."""
        from cxmatrix.store.snapshots import rename_snapshot

        old = self._snapshot_write(lambda raw: rename_snapshot(raw, self.path, snapshot_id,
                                                               name))
        self._tell(MatrixChange(snapshots=frozenset({snapshot_id})))
        return old

    def delete_snapshot(self, snapshot_id: int) -> SnapshotInfo:
        """Delete a snapshot (undelete_snapshot brings it back until the file is closed)."""
        from cxmatrix.store.snapshots import set_snapshot_deleted

        info = self.find_snapshot(snapshot_id)
        self._snapshot_write(lambda raw: set_snapshot_deleted(raw, snapshot_id, True))
        self._tell(MatrixChange(snapshots=frozenset({snapshot_id})))
        return info

    def undelete_snapshot(self, snapshot_id: int) -> None:
        """Undo delete_snapshot."""
        from cxmatrix.store.snapshots import set_snapshot_deleted

        self._snapshot_write(lambda raw: set_snapshot_deleted(raw, snapshot_id, False))
        self._tell(MatrixChange(snapshots=frozenset({snapshot_id})))

    def restore_snapshot_as(self, ref: str | int, target: str | os.PathLike[str], *,
                            overwrite: bool = False) -> Path:
        """Write a snapshot's matrix (with its target layer) as a new .cxm file; this
        document is unchanged. Returns the new file's path."""
        snapshot = self.snapshot(ref)
        Document.create(target, snapshot.matrix, overwrite=overwrite).close()
        return Path(target)

    def _purge_deleted_snapshots(self) -> None:
        raw = self._raw
        if raw is None or self.read_only:
            return
        try:
            from cxmatrix.store.snapshots import purge_deleted_snapshots

            raw.execute("BEGIN IMMEDIATE")
            purge_deleted_snapshots(raw)
            raw.execute("COMMIT")
        except sqlite3.Error:
            if raw.in_transaction:
                raw.execute("ROLLBACK")

    # ---- whole-document replacement (merge import, reload) ---------------------------------

    def replace_matrix(self, matrix: Matrix) -> Matrix:
        """Replace the whole content with ``matrix`` in one transaction; returns the old
        content (a copy) so that the replacement can be undone the same way. Listeners are
        told exactly what differs, so views keep their place."""
        return self.finish_replacement(self.prepare_replacement(matrix))

    def prepare_replacement(self, matrix: Matrix, progress: Progress = NO_PROGRESS
                            ) -> Replacement:
        """The slow half of ``replace_matrix`` (seconds at 20,000 x 50), which may run on a
        worker thread while nothing else uses this document: compare, write and commit.
        The matrix in memory is not changed; ``finish_replacement`` shows the result, on
        the thread that owns the matrix. A refused write or a cancel (``progress``, also
        in the middle of a statement) rolls the file back: file and memory stay as they were.
        """
        writer = self._writer()
        self._check_still_there()
        progress.step(0, 3, "Comparing…")
        new = matrix.copy()
        change = difference(self.matrix, new)
        previous = self.matrix.copy()
        if change.is_empty:
            return Replacement(new, previous, change)
        progress.step(1, 3, "Writing…")
        from cxmatrix.store.sql import DBAPIError

        raw = writer.raw
        raw.set_progress_handler(lambda: progress.cancelled, 20_000)
        try:
            with writer.conn.begin():
                # Write only what differs, unless that is most of it: a merge of a colleague's
                # workbook, or its undo, touches a few rows of a large matrix.
                if _mostly_new(new, change):
                    writer.replace_all(new)
                else:
                    writer.apply(new, change)
                writer.touch_modified(new.modified.isoformat())
                progress.check()  # the last moment to cancel: the commit follows
        except (sqlite3.Error, DBAPIError) as error:
            if progress.cancelled:
                raise Cancelled("cancelled") from None
            # replace_all writes through the raw connection, whose errors are not wrapped by
            # SQLAlchemy; the transaction has rolled back, and memory was not touched.
            if _is_locked(error):
                raise DocumentInUse(self.path, "is locked by another program; the change "
                                               "was not saved") from None
            raise DocumentWriteError(self.path, _write_problem(error)) from None
        finally:
            raw.set_progress_handler(None, 0)
        findings = None
        if _mostly_new(new, change):  # the checks of most rows: here too, not on the GUI thread
            progress.step(2, 3, "Checking…")
            findings = FindingsIndex(new)
            findings.all()
        # The views ask which rows changed (a pass over up to a million cells): here, not on
        # the GUI thread.
        change.warm()
        progress.step(3, 3)
        return Replacement(new, previous, change, findings)

    def finish_replacement(self, replacement: Replacement) -> Matrix:
        """The quick half of ``replace_matrix``: the matrix in memory takes over what
        ``prepare_replacement`` wrote (nothing may have changed it since) and listeners are
        told; returns the content before, for undoing."""
        if not replacement.change.is_empty:
            self.matrix.adopt_contents(replacement.matrix, replacement.change)
            if replacement.findings is not None:
                self.findings.adopt(replacement.findings)
            self._emit()
        return replacement.previous

    def integrity_check(self) -> str:
        return str(self._connection().execute("PRAGMA integrity_check").fetchone()[0])


@dataclass(frozen=True)
class Replacement:
    """A whole replacement written to the file by ``Document.prepare_replacement``, not yet
    shown: the new content (the document's from now on), the content before, what differs,
    and (when most rows changed) the findings of the new content."""

    matrix: Matrix
    previous: Matrix
    change: MatrixChange
    findings: FindingsIndex | None = None


def _mostly_new(matrix: Matrix, change: MatrixChange) -> bool:
    rows = len(change.touchpoints_inserted) + len(change.touchpoints_removed) + len(
        change.touchpoints | change.touchpoints_moved)
    return change.everything or rows > max(1_000, matrix.touchpoint_count // 2) or len(
        change.cells) > max(20_000, matrix.cell_count() // 2)


def write_document(path: str | os.PathLike[str], matrix: Matrix, *,
                   overwrite: bool = False, snapshots: Sequence[Snapshot] = ()) -> None:
    """Write ``matrix`` as a new .cxm file at ``path`` without opening it afterwards (what
    ``Document.create`` does before it opens the file; the command line's import and new
    stop here). Needs only sqlite3: the DDL and the inserts are the compiled text of
    ``statements``.

    The file is written beside the target and renamed into place, so an existing file is
    only replaced by a complete one; without ``overwrite`` it is linked into place, which
    fails if another process created ``path`` meanwhile (exactly one creator wins).
    ``snapshots`` (an imported file's, oldest first) are kept with their names, notes and
    dates: each is written as the matrix and snapshotted, then the matrix replaces them.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise DocumentError(path, ALREADY_EXISTS)
    if path.exists():
        _refuse_if_in_use(path)
    with _written_beside(path, exclusive=not overwrite) as temp:
        if not snapshots:
            write_new_file(temp, matrix, named=path)
            return
        first = snapshots[0].matrix.copy()
        first.uid = matrix.uid  # the file is the matrix's, its snapshots share its identity
        write_new_file(temp, first, named=path)
        with Document.open(temp) as document:
            for snapshot in snapshots:
                document.replace_matrix(snapshot.matrix)
                document.take_snapshot(snapshot.name, snapshot.note, snapshot.taken)
            document.replace_matrix(matrix)


def write_new_file(path: Path, matrix: Matrix, *, named: Path | None = None) -> None:
    """Write a complete new .cxm file at ``path`` (which must be empty or absent).

    What is written comes from a Matrix the domain checked, so it is not read back; the
    references between its rows are checked once, in one query over every foreign key
    (``PRAGMA foreign_key_check``), before the commit. ``named`` is the file that messages
    name (the target of the temporary file written here).

    ``path`` is a new temporary file that nobody else sees until the caller has synced it and
    renamed it into place (``_written_beside``), and that is deleted if anything fails: so it
    is written without a rollback journal and without syncs (the caller's one fsync makes it
    durable), and the indexes are built once after the rows are in rather than row by row."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        from cxmatrix.store.statements import CREATE, SNAPSHOT_CREATE

        statements = (*CREATE, *SNAPSHOT_CREATE)
        indexes = [s for s in statements if s.startswith("CREATE INDEX ")]
        for statement in statements:
            if not statement.startswith("CREATE INDEX "):
                connection.execute(statement)
        write_matrix(connection, matrix)
        for statement in indexes:
            connection.execute(statement)
        broken = connection.execute("PRAGMA foreign_key_check").fetchone()
        if broken is not None:
            table, rowid, parent, _ = broken
            raise DocumentWriteError(named or path, f"a row of table {table!r} (rowid {rowid}) "
                                                    f"refers to a missing row of {parent!r}; "
                                                    "nothing was written")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    finally:
        connection.close()


def _migrated(connection: sqlite3.Connection, path: Path, version: int, *,
              in_memory: bool) -> sqlite3.Connection:
    """Bring an older schema up to date: in the file itself (one transaction), or for a
    read-only file in a private in-memory copy."""
    if in_memory:
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        connection.backup(memory)
        connection.close()
        connection = memory
    try:
        upgrade(connection, path, version)
    except DocumentError:
        connection.close()
        raise
    except sqlite3.Error as error:
        connection.close()
        raise CorruptDocument(path, f"could not be upgraded from file format {version}: "
                                    f"{error}") from None
    return connection
