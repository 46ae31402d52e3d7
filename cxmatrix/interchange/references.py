"""What a FILE argument of the command line names: a file, ``FILE.cxm@SNAPSHOT``,
``FILE.cxm@target`` or ``FILE.cxm@today``.

A reference is read into a matrix: a .cxm document (today and its target layer), one of its
snapshots (a frozen copy with its own target layer), the target state of either (every planned
change in place, no target layer), or today's state alone. Any other importable file is read
through its reader. A name that exists as a file is that file, even with an ``@`` in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.states import current_state, target_state
from cxmatrix.interchange.errors import InterchangeError

if TYPE_CHECKING:  # (checking a file needs no snapshot code)
    from cxmatrix.domain.snapshots import Snapshot

TARGET, TODAY = "target", "today"


class BadReference(InterchangeError):
    """A reference that names no state: a snapshot in a file that is not .cxm, a bad form."""


@dataclass(frozen=True)
class Reference:
    """A file and, after the ``@``, a snapshot's name or id, ``target`` or ``today``."""

    path: Path
    snapshot: str | None = None  # None: the file itself
    state: str = ""  # "", TARGET or TODAY: which state of the file or snapshot

    @property
    def label(self) -> str:
        parts = [self.path.name]
        if self.snapshot is not None:
            parts.append(self.snapshot)
        if self.state:
            parts.append(self.state)
        return "@".join(parts)

    @property
    def is_plain(self) -> bool:
        return self.snapshot is None and not self.state


def parse_reference(text: str) -> Reference:
    """``a.cxm``, ``a.cxm@Kick-off``, ``a.cxm@target``, ``a.cxm@Kick-off@target``.

    A snapshot whose name is itself ``target`` or ``today`` is reached by its number."""
    path = Path(text)
    if "@" not in text or path.exists():
        return Reference(path)
    at = text.lower().find(".cxm@")
    if at < 0:
        head = text.partition("@")[0]
        raise BadReference(f"{Path(head).name}: only .cxm files keep snapshots and a "
                              "target (FILE.cxm@SNAPSHOT, FILE.cxm@target)")
    head, rest = text[:at + 4], text[at + 5:]
    words = rest.split("@")
    state = ""
    if words[-1].strip().lower() in {TARGET, TODAY}:
        state = words.pop().strip().lower()
    name = "@".join(words).strip()
    if not name and (words or not state):
        raise BadReference(f"{text}: name a snapshot after the @ (or target, or today)")
    return Reference(Path(head), name or None, state)


def read_reference(reference: Reference) -> Matrix:
    """The matrix a reference names (a DocumentError, InterchangeError or DomainError says
    why it cannot be read: no such file, no such snapshot)."""
    matrix = _read_source(reference)
    if reference.state == TARGET:
        return target_state(matrix)
    if reference.state == TODAY:
        return current_state(matrix)
    return matrix


def _read_source(reference: Reference) -> Matrix:
    if reference.path.suffix.lower() == ".cxm":
        from cxmatrix.store.document import Document

        with Document.open(reference.path, read_only=True) as document:
            if reference.snapshot is None:
                return document.matrix
            return document.snapshot(reference.snapshot).matrix
    from cxmatrix.interchange.formats import reader_for

    return reader_for(reference.path)(reference.path).matrix


def read_snapshots(path: Path) -> list[Snapshot]:
    """The snapshots kept in a .cxm file, oldest first, each with its matrix (none for other
    files)."""
    if path.suffix.lower() != ".cxm":
        return []
    from cxmatrix.store.document import Document

    with Document.open(path, read_only=True) as document:
        return [document.snapshot(info.id) for info in document.snapshots()]
