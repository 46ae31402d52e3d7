"""Errors about the user's file, as opposed to bugs.

Every DocumentError says which file and what is wrong in one line, so the CLI prints it as is
and the GUI shows it in a dialog. Anything else escaping the store is a bug.

A problem is written either as what the file does ("is open in another cxmatrix window"),
which reads as a sentence after the file's name ("demo.cxm is open in ..."), or as a phrase of
its own ("no such file", "the disk is full"), which follows the name after a colon.
"""

from __future__ import annotations

from pathlib import Path

# First words of a problem that continues the sentence the file's name starts.
_PREDICATES = frozenset({"is", "was", "has", "had", "cannot", "could", "can", "contains",
                         "already", "does", "did", "will", "would", "lacks"})


def describe(name: str, problem: str) -> str:
    """"demo.cxm is open in ..." or "demo.cxm: no such file": one line about one file."""
    first = problem.split(" ", 1)[0]
    return f"{name} {problem}" if first in _PREDICATES else f"{name}: {problem}"


class DocumentError(Exception):
    """A .cxm file cannot be opened, written or changed. Nothing was modified."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(describe(self.path.name, problem))


class DocumentNotFound(DocumentError):
    """There is no file at the path."""


class NotADocument(DocumentError):
    """Not a SQLite file, a SQLite file of another application, or truncated."""


class CorruptDocument(DocumentError):
    """A cxmatrix file whose content is damaged or whose schema is not ours."""


class NewerVersionDocument(DocumentError):
    """Written by a newer cxmatrix with a schema this version does not know."""


class DocumentInUse(DocumentError):
    """Another running cxmatrix (or another program) has the file open."""


class ReadOnlyDocument(DocumentError):
    """The document was opened read-only, so edits are refused."""


class DocumentWriteError(DocumentError):
    """A change could not be written (disk full, folder gone); the change was not made."""


# ---- what a SQLite error means --------------------------------------------------------------

# Primary result codes (https://sqlite.org/rescode.html); extended codes carry them in the low
# byte. Recognised by code, never by the message text, which SQLite does not promise.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_PROBLEMS: dict[int, tuple[type[DocumentError], str]] = {
    SQLITE_BUSY: (DocumentInUse, "is locked by another program; the change was not saved"),
    SQLITE_LOCKED: (DocumentInUse, "is locked by another program; the change was not saved"),
    SQLITE_READONLY: (DocumentWriteError, "the file or its folder has become read-only; the "
                                          "last change was not saved"),
    SQLITE_FULL: (DocumentWriteError, "the disk is full; the last change was not saved"),
    SQLITE_IOERR: (DocumentWriteError, "the file can no longer be written (was it moved or "
                                       "deleted?); the last change was not saved. Use Save As "
                                       "to keep your work"),
    SQLITE_CORRUPT: (CorruptDocument, "is damaged; the last change was not saved"),
    SQLITE_NOTADB: (CorruptDocument, "is damaged; the last change was not saved"),
}
_PROBLEMS[SQLITE_CANTOPEN] = _PROBLEMS[SQLITE_IOERR]


def sqlite_code(error: BaseException) -> int | None:
    """The primary SQLite result code of a sqlite3 error, or of the driver error that a
    SQLAlchemy DBAPIError wraps (``.orig``); None for anything else."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def sqlite_problem(error: BaseException) -> tuple[type[DocumentError], str]:
    """What a SQLite error means for the user's file: the DocumentError to raise and its
    one-line problem. BUSY and LOCKED mean another program holds the file; READONLY, FULL,
    IOERR and CANTOPEN that it cannot be written; CORRUPT and NOTADB that it is damaged."""
    code = sqlite_code(error)
    if code in _PROBLEMS:
        return _PROBLEMS[code]
    message = str(getattr(error, "orig", None) or error)
    return DocumentWriteError, f"the change could not be saved ({message})"


def is_in_use(error: BaseException) -> bool:
    """Whether a SQLite error says another connection holds the file (BUSY or LOCKED)."""
    return sqlite_code(error) in (SQLITE_BUSY, SQLITE_LOCKED)
