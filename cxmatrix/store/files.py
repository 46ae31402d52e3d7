"""Checks on a file before SQLite touches it, so bad files are refused without changing them."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

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


def inspect_header(path: Path) -> HeaderInfo:
    """Read the SQLite header and refuse what is not a cxmatrix file of a known version."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise NotADocument(path, "is a folder, not a cxmatrix file")
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
