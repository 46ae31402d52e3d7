"""Checks on a file before SQLite touches it, so bad files are refused without changing them."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import struct
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

from cxmatrix.store.errors import (
    DocumentNotFound,
    NewerVersionDocument,
    NotADocument,
)
from cxmatrix.store.format import APPLICATION_ID, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    page_size: int
    page_count: int
    user_version: int
    application_id: int
    writable: bool


_SPECIAL_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def special_file_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file (None when it is).

    Opening a named pipe for reading waits for a writer forever, and a device may never end:
    every reader asks this first, from ``stat``, without opening the file.
    """
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _SPECIAL_FILES if test(mode)), "not a regular file")


def inspect_header(path: Path) -> HeaderInfo:
    """Read the SQLite header and refuse what is not a cxmatrix file of a known version."""
    try:
        info = path.stat()
        size = info.st_size
        kind = special_file_kind(info.st_mode)
        if kind is not None:
            raise NotADocument(path, f"is {kind}, not a cxmatrix file")
        with open(path, "rb") as handle:
            header = handle.read(HEADER_SIZE)
    except FileNotFoundError:
        raise DocumentNotFound(path, "no such file") from None
    except PermissionError:
        raise NotADocument(path, "cannot be read: permission denied") from None
    except OSError as error:
        raise NotADocument(path, f"cannot be read: {error.strerror}") from None
    if size == 0:
        raise NotADocument(path, "the file is empty, not a cxmatrix matrix")
    if not header.startswith(SQLITE_MAGIC):
        raise NotADocument(path, "is not a cxmatrix file (it is not a SQLite database)")
    if len(header) < HEADER_SIZE:
        raise NotADocument(path, "is truncated: the file ends inside its header")
    (raw_page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    (page_count,) = struct.unpack(">I", header[28:32])
    (user_version,) = struct.unpack(">I", header[60:64])
    (application_id,) = struct.unpack(">I", header[68:72])
    if application_id != APPLICATION_ID:
        raise NotADocument(path, "is a SQLite database of another application, "
                                 "not a cxmatrix file")
    if page_size < 512 or page_size & (page_size - 1):
        raise NotADocument(path, "is damaged: its header has an impossible page size")
    journal = path.with_name(path.name + "-journal")
    hot_journal = journal.exists() and journal.stat().st_size > 0
    # After a crash the file may be mid-write; its journal restores it, so judge it after.
    if page_count and size < page_count * page_size and not hot_journal:
        raise NotADocument(path, f"is truncated: {size:,} bytes where the header promises "
                                 f"{page_count * page_size:,}")
    if user_version > SCHEMA_VERSION:
        raise NewerVersionDocument(
            path, f"was saved by a newer cxmatrix (file format {user_version}; this version "
                  f"reads up to {SCHEMA_VERSION}). Update cxmatrix to open it.")
    if user_version < 1:
        raise NotADocument(path, "is damaged: it carries no cxmatrix schema version")
    folder = path.parent if str(path.parent) else Path(".")
    writable = os.access(path, os.W_OK) and os.access(folder, os.W_OK)
    return HeaderInfo(page_size, page_count, user_version, application_id, writable)


# ---- temporary files written beside a target ------------------------------------------------
#
# Every file cxmatrix writes (a new .cxm, a Save As copy, an export) is first written to a
# hidden temporary file in the target's folder, locked with flock while it is being written,
# and renamed onto the target when complete. A process killed meanwhile leaves that file (and
# SQLite's -journal beside it) behind; the next write in the same folder removes what is ours
# and provably abandoned: the name has our mark, nobody holds its lock, and it has not been
# touched for STALE_TEMPORARY_SECONDS (the age covers file systems where locks do nothing).

TEMPORARY_MARK = ".cxmatrix-temp"
STALE_TEMPORARY_SECONDS = 120
_TEMPORARY_NAME = re.compile(r"^\..*-[a-z0-9_]{8}" + re.escape(TEMPORARY_MARK)
                             + r"(\.[A-Za-z0-9]{1,8})?(-journal)?$")


class TemporaryFile:
    """A new, empty, locked temporary file beside ``target`` (see above); close it when done."""

    def __init__(self, target: Path) -> None:
        folder = target.parent if str(target.parent) else Path(".")
        sweep_stale_temporaries(folder)
        import tempfile  # (here: opening and checking a file never writes a temporary one)

        handle, name = tempfile.mkstemp(prefix=f".{target.stem[:40]}-",
                                        suffix=TEMPORARY_MARK + target.suffix[:9], dir=folder)
        self.path = Path(name)
        self._handle: int | None = handle
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def close(self) -> None:
        """Release the lock and remove the file (and a journal) if it is still there."""
        for leftover in (self.path, self.path.with_name(self.path.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


def is_temporary_name(name: str) -> bool:
    return _TEMPORARY_NAME.match(name) is not None


def sweep_stale_temporaries(folder: Path) -> list[Path]:
    """Remove abandoned temporary files of ours from ``folder``; returns what was removed.

    Never raises: cleaning up is a courtesy, and must not stop the write that asked for it.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = [entry for entry in os.scandir(folder)
                   if entry.name.startswith(".") and TEMPORARY_MARK in entry.name]
    except OSError:
        return removed
    # Temporaries before their journals, so a journal is only removed with its file or alone.
    for entry in sorted(entries, key=lambda e: e.name.endswith("-journal")):
        if not is_temporary_name(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_TEMPORARY_SECONDS:
                continue
            path = Path(entry.path)
            if entry.name.endswith("-journal"):
                owner = path.with_name(entry.name[:-len("-journal")])
                if owner.exists():
                    continue
                path.unlink()
            elif not _remove_if_unlocked(path):
                continue
            removed.append(path)
        except OSError:
            continue
    return removed


def _remove_if_unlocked(path: Path) -> bool:
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a live cxmatrix is writing it
        path.unlink()
        return True
    finally:
        os.close(handle)
