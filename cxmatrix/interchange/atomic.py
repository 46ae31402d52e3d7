"""Write a file completely or not at all: to a temporary file beside it, then rename.

The temporary file is named, locked and swept up after a crash as ``store.files`` describes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.store.files import TemporaryFile


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` in one step."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportFailed(f"{target}: the folder {folder} does not exist")
    try:
        temporary = TemporaryFile(target)
    except OSError as error:
        raise ExportFailed(f"{target}: cannot write in {folder}: {error.strerror}") from error
    temp = temporary.path
    try:
        yield temp
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        temp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; exports follow the user's umask
        os.replace(temp, target)
    except OSError as error:
        raise ExportFailed(f"{target}: could not be written: {error.strerror or error}") from error
    finally:
        temporary.close()
