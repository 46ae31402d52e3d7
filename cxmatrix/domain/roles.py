"""Roles a department can play on a touchpoint, and finding severities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """A department's role on one touchpoint. An empty cell means no role."""

    OWN = "own"
    INFLUENCE = "influence"
    HANDLE = "handle"

    @property
    def letter(self) -> str:
        return _LETTERS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @classmethod
    def from_letter(cls, letter: str) -> Role:
        return _BY_LETTER[letter.upper()]

    def next_in_cycle(self) -> Role | None:
        """The role after this one in the cycle empty -> Own -> Influence -> Handle -> empty."""
        order = list(Role)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None

    def __str__(self) -> str:
        return self.label


_LETTERS = {Role.OWN: "O", Role.INFLUENCE: "I", Role.HANDLE: "H"}
_BY_LETTER = {letter: role for role, letter in _LETTERS.items()}
_MEANINGS = {
    Role.OWN: (
        "Initiates the contact, or the customer comes straight to it; designs, runs and "
        "measures the interaction."
    ),
    Role.INFLUENCE: (
        "Collaborates with or supports the owner and shapes the interaction without running it."
    ),
    Role.HANDLE: (
        "Was not planned to be involved, but the fallout lands on its doorstep and it deals "
        "with it after the fact."
    ),
}

# Words a person may type or paste for a role; matched case-insensitively after stripping.
_ROLE_WORDS: dict[str, Role] = {}
for _role, _words in {
    Role.OWN: ("o", "own", "owns", "owner", "owned", "owning", "ownership"),
    Role.INFLUENCE: ("i", "influence", "influences", "influencer", "influenced", "influencing"),
    Role.HANDLE: ("h", "handle", "handles", "handler", "handled", "handling"),
}.items():
    for _word in _words:
        _ROLE_WORDS[_word] = _role

_EMPTY_WORDS = frozenset({"", "-", "–", "—", "n", "/", "n/a", "na", "none", "no role"})


def gives_and_takes(changes: Iterable[tuple[Role | None, Role | None]], *,
                    total: int | None = None) -> str:
    """What a department's planned changes (before, after) ask of it: "gives up Own on 2 ·
    takes on Influence on 1"; the Changes dock and the PDF's today-to-target pages say it
    alike. With ``total`` (the number of changes, said next to it), a role given up or taken
    on in every one of them is said without its count: "takes on Own", not "takes on Own on
    1 (1 change)"."""
    gives: Counter[Role] = Counter()
    takes: Counter[Role] = Counter()
    for before, after in changes:
        if before is not None:
            gives[before] += 1
        if after is not None:
            takes[after] += 1
    parts = []
    for verb, counts in (("gives up", gives), ("takes on", takes)):
        if counts:
            parts.append(f"{verb} " + ", ".join(
                role.label if counts[role] == total else f"{role.label} on {counts[role]}"
                for role in Role if counts[role]))
    return " · ".join(parts)


class RoleTextError(ValueError):
    """Text that does not name a role, for example when pasting cells."""


def parse_role_text(text: str | None) -> Role | None:
    """Read a role written as a letter or word ("O", "own", "Owner", "influence", "H").

    Empty text and the usual "nobody" marks give None; anything else raises RoleTextError,
    because a role is never guessed.
    """
    if text is None:
        return None
    key = text.strip().lower()
    if key in _EMPTY_WORDS:
        return None
    role = _ROLE_WORDS.get(key)
    if role is None:
        raise RoleTextError(f"{text.strip()!r} is not a role (use Own, Influence or Handle)")
    return role


class Severity(StrEnum):
    """How serious a finding is; ordered from most to least serious."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
