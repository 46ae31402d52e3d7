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
