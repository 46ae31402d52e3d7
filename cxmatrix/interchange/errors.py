"""Errors of the interchange formats: the user's file is bad, or cannot be written."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from cxmatrix.store.files import special_file_kind


class InterchangeError(Exception):
    """A file could not be read or written; the message names the file and the place."""


class ImportFailed(InterchangeError):
    """The input file cannot be imported. Nothing was changed."""


class ExportFailed(InterchangeError):
    """The output file could not be written. No partial file is left behind."""


class UnsupportedFormat(InterchangeError):
    """No reader or writer for this file extension."""


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn the operating system's refusals to read ``path`` into ImportFailed messages.

    Every reader opens its file inside this, so this is also where anything but a regular
    file is refused, before it is opened: a named pipe would block the read forever.
    """
    try:
        refuse_special_file(path)
        yield
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} is a folder, not a file") from None
    except OSError as error:
        raise ImportFailed(f"{path} cannot be read: {error.strerror or error}") from None


def refuse_special_file(path: Path) -> None:
    """Raise ImportFailed when ``path`` is a folder, a named pipe, a device or a socket."""
    kind = special_file_kind(Path(path).stat().st_mode)
    if kind is not None:
        raise ImportFailed(f"{Path(path).name} is {kind}, not a file that can be imported")
