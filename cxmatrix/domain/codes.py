"""How the codes people write in their own spreadsheets map to roles, on import.

Users arrive with RACI charts (Responsible, Accountable, Consulted, Informed), its variants
(RASCI's Support, P/S for Primary/Support, DRASCI's Driver) or home-made grids in Own /
Influence / Handle words. A **mapping** is a plain, user-editable table from a raw code (as
found in the file, compared case-insensitively) to a :class:`Target`. A **preset** builds the
starting table from the distinct codes found in a sheet; the user may change any entry.

Two rules make RACI fit the one-owner model (see DESIGN.md):

* R is "Own when the row has no A": its target is ``OWN_UNLESS_OWNED``, which becomes Own when
  nothing else in the row is a definite Own, and Influence otherwise.
* A cell with several codes ("A/R", "R, C", "RA", "(R)") takes the strongest one
  (A before R before C/S before I).

Codes that no entry maps are *not understood*: they are reported with their cells and never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from cxmatrix.domain.roles import Role


class Target(StrEnum):
    """What a raw code turns into."""

    OWN = "own"
    OWN_UNLESS_OWNED = "own-unless-owned"
    INFLUENCE = "influence"
    HANDLE = "handle"
    NO_ROLE = "none"

    @property
    def label(self) -> str:
        return _TARGET_LABELS[self]

    @property
    def strength(self) -> int:
        """Which code wins when one cell holds several: the higher."""
        return _STRENGTH[self]


_TARGET_LABELS = {
    Target.OWN: "Own",
    Target.OWN_UNLESS_OWNED: "Own, or Influence if another department owns the row",
    Target.INFLUENCE: "Influence",
    Target.HANDLE: "Handle",
    Target.NO_ROLE: "No role",
}
_STRENGTH = {Target.OWN: 5, Target.OWN_UNLESS_OWNED: 4, Target.INFLUENCE: 3,
             Target.HANDLE: 2, Target.NO_ROLE: 1}
TARGET_ROLES = {Target.OWN: Role.OWN, Target.INFLUENCE: Role.INFLUENCE,
                Target.HANDLE: Role.HANDLE}

# ---- vocabulary -------------------------------------------------------------------------------

NOBODY_CODES = frozenset({"-", "–", "—", "--", "n", "/", "n/a", "na", "n.a.", "none",
                          "no role", "nobody", "not involved"})
_OIH_WORDS: dict[str, Target] = {}
for _target, _words in {
    Target.OWN: ("o", "own", "owns", "owner", "owners", "owned", "owning", "ownership"),
    Target.INFLUENCE: ("influence", "influences", "influencer", "influencers", "influenced",
                       "influencing"),
    Target.HANDLE: ("h", "handle", "handles", "handler", "handlers", "handled", "handling"),
}.items():
    for _word in _words:
        _OIH_WORDS[_word] = _target

_RACI_WORDS: dict[str, Target] = {
    "a": Target.OWN, "accountable": Target.OWN, "accountability": Target.OWN,
    "r": Target.OWN_UNLESS_OWNED, "responsible": Target.OWN_UNLESS_OWNED,
    "responsibility": Target.OWN_UNLESS_OWNED,
    "c": Target.INFLUENCE, "consulted": Target.INFLUENCE, "consult": Target.INFLUENCE,
    "consults": Target.INFLUENCE,
    "informed": Target.NO_ROLE, "inform": Target.NO_ROLE, "informs": Target.NO_ROLE,
}
_SUPPORT_WORDS: dict[str, Target] = {
    "s": Target.INFLUENCE, "support": Target.INFLUENCE, "supports": Target.INFLUENCE,
    "supporting": Target.INFLUENCE, "supportive": Target.INFLUENCE,
}
_PRIMARY_WORDS: dict[str, Target] = {
    "p": Target.OWN, "primary": Target.OWN, "secondary": Target.INFLUENCE,
}
_DRIVER_WORDS: dict[str, Target] = {
    "d": Target.OWN_UNLESS_OWNED, "driver": Target.OWN_UNLESS_OWNED,
    "drives": Target.OWN_UNLESS_OWNED,
}

# ---- presets ----------------------------------------------------------------------------------

MAPPING_PRESETS: dict[str, str] = {
    "auto": "Own/Influence/Handle and RACI, RASCI and P/S codes as letters or words; "
            "I means Influence or Informed depending on the other codes in the sheet",
    "oih": "Own / Influence / Handle: O, I, H and the words",
    "raci": "RACI: A -> Own; R -> Own unless the row has an A, then Influence; "
            "C -> Influence; I -> no role",
    "rasci": "RASCI: as RACI, and S (Support) -> Influence",
    "drasci": "DRASCI: as RASCI, and D (Driver) like R",
    "primary-support": "P/S: P (Primary) -> Own; S (Support) -> Influence",
}
DEFAULT_PRESET = "auto"


def _preset_words(preset: str, i_means: Target) -> dict[str, Target]:
    words: dict[str, Target] = {}
    if preset in ("auto", "oih"):
        words.update(_OIH_WORDS)
    if preset in ("auto", "raci", "rasci", "drasci"):
        words.update(_RACI_WORDS)
    if preset in ("auto", "rasci", "drasci", "primary-support"):
        words.update(_SUPPORT_WORDS)
    if preset in ("auto", "primary-support"):
        words.update(_PRIMARY_WORDS)
    if preset == "drasci":
        words.update(_DRIVER_WORDS)
    # Whole words are never ambiguous; only the single letter I is.
    words["influence"] = Target.INFLUENCE
    if preset in {"oih", "auto"}:
        words["i"] = i_means
    else:
        words["i"] = Target.NO_ROLE
    if preset == "primary-support":
        words.pop("i", None)
    return words


_SPACES = re.compile(r"\s+")
_SPLIT = re.compile(r"\s*[/,;+&|\n]\s*|\s+")
_BRACKETS = "()[]{}<>\"'*.:"


def normalise_code(raw: str) -> str:
    """The key a raw code is compared by: case-folded, spaces collapsed."""
    return _SPACES.sub(" ", raw.strip()).casefold()


def _parts(key: str) -> list[str]:
    """The single codes in a combined cell: "a/r" -> [a, r], "ra" -> [r, a], "(r)" -> [r]."""
    stripped = key.strip(_BRACKETS).strip()
    pieces = [p.strip(_BRACKETS) for p in _SPLIT.split(stripped) if p.strip(_BRACKETS)]
    return pieces


def interpret(key: str, words: Mapping[str, Target]) -> Target | None:
    """The target of one normalised code under a vocabulary, or None if not understood."""
    if key in NOBODY_CODES:
        return Target.NO_ROLE
    found = words.get(key)
    if found is not None:
        return found
    pieces = _parts(key)
    if not pieces:
        return None
    if len(pieces) == 1:
        piece = pieces[0]
        if piece != key:
            return interpret(piece, words) if piece else None
        if 2 <= len(piece) <= 4 and piece.isalpha():
            # Letters run together: "ra", "arc". Only when every letter is a code.
            letters = [words.get(letter) for letter in piece]
            if all(t is not None for t in letters):
                return max((t for t in letters if t is not None), key=lambda t: t.strength)
        return None
    targets = [interpret(piece, words) for piece in pieces]
    if any(t is None for t in targets):
        return None
    return max((t for t in targets if t is not None), key=lambda t: t.strength)


def _letter_family_counts(keys: Iterable[tuple[str, int]]) -> tuple[int, int]:
    """How many cells use the Own/Influence/Handle family, and how many the RACI family."""
    oih = raci = 0
    oih_words = {w for w, t in _OIH_WORDS.items() if t is not Target.INFLUENCE}
    raci_words = set(_RACI_WORDS) | set(_SUPPORT_WORDS) | set(_PRIMARY_WORDS)
    for key, count in keys:
        pieces = _parts(key) or [key]
        if len(pieces) == 1 and 1 < len(pieces[0]) <= 4 and pieces[0].isalpha() \
                and pieces[0] not in raci_words and pieces[0] not in oih_words:
            pieces = list(pieces[0])
        if any(p in oih_words for p in pieces):
            oih += count
        if any(p in raci_words for p in pieces):
            raci += count
    return oih, raci


@dataclass(frozen=True)
class CodeMapping:
    """The editable table: normalised raw code -> target. Codes absent are not understood."""

    entries: Mapping[str, Target]
    preset: str = "custom"
    explanation: str = ""

    def target(self, raw: str) -> Target | None:
        return self.entries.get(normalise_code(raw))

    def with_entry(self, raw: str, target: Target | None) -> CodeMapping:
        """A copy with one entry changed (None: the code is not understood and is skipped)."""
        entries = dict(self.entries)
        key = normalise_code(raw)
        if target is None:
            entries.pop(key, None)
        else:
            entries[key] = target
        return CodeMapping(entries, "custom", self.explanation)


def resolve_mapping(preset: str, codes: Mapping[str, int]) -> CodeMapping:
    """Build the starting mapping for the distinct normalised ``codes`` found (with counts).

    Under "auto", the letter I means Informed when the sheet's other codes are RACI letters
    (R, A, C, S, P) and Influence otherwise.
    """
    if preset not in MAPPING_PRESETS:
        known = ", ".join(MAPPING_PRESETS)
        raise ValueError(f"unknown code mapping {preset!r} (known: {known})")
    explanation = ""
    i_means = Target.INFLUENCE
    if preset == "auto":
        oih, raci = _letter_family_counts(codes.items())
        uses_i = any("i" in (_parts(key) or [key]) for key in codes)
        if raci > oih:
            i_means = Target.NO_ROLE
            if uses_i:
                explanation = ("The codes look like RACI, so I is read as Informed (no role); "
                               "R is Own only where the row has no A.")
        elif (raci or oih) and uses_i:
            explanation = "The codes look like Own/Influence/Handle, so I is read as Influence."
    words = _preset_words(preset, i_means)
    entries: dict[str, Target] = {}
    for key in codes:
        target = interpret(key, words)
        if target is not None:
            entries[key] = target
    return CodeMapping(entries, preset, explanation)


def mapping_from_table(table: Mapping[str, Target | Role | str | None]) -> CodeMapping:
    """A mapping from a user's table of raw code -> target (a Target, a Role, a target or role
    name such as "own", "none"); None or "" means not understood."""
    entries: dict[str, Target] = {}
    for raw, value in table.items():
        if value is None or value == "":
            continue
        if isinstance(value, Role):
            target = Target(value.value)
        else:
            try:
                target = Target(str(value).strip().lower())
            except ValueError:
                raise ValueError(f"{value!r} is not a role for code {raw!r} (own, influence, "
                                 f"handle, own-unless-owned or none)") from None
        entries[normalise_code(raw)] = target
    return CodeMapping(entries)


def roles_for_row(targets: list[Target | None]) -> list[Role | None]:
    """Roles for the cells of one row, applying "R is Own only when nothing else owns it"."""
    definite_owner = Target.OWN in targets
    roles: list[Role | None] = []
    for target in targets:
        if target is None or target is Target.NO_ROLE:
            roles.append(None)
        elif target is Target.OWN_UNLESS_OWNED:
            roles.append(Role.INFLUENCE if definite_owner else Role.OWN)
        else:
            roles.append(TARGET_ROLES[target])
    return roles


# ---- role columns of a list: headings such as "Owner", "Supporting teams", "Consulted" --------

_HEADING_STEMS: tuple[tuple[str, Target], ...] = (
    ("accountab", Target.OWN), ("owner", Target.OWN), ("owned", Target.OWN),
    ("owning", Target.OWN), ("own", Target.OWN), ("primary", Target.OWN),
    ("responsib", Target.OWN_UNLESS_OWNED), ("driver", Target.OWN_UNLESS_OWNED),
    ("consult", Target.INFLUENCE), ("support", Target.INFLUENCE),
    ("influenc", Target.INFLUENCE), ("secondary", Target.INFLUENCE),
    ("contribut", Target.INFLUENCE), ("collaborat", Target.INFLUENCE),
    ("handl", Target.HANDLE), ("fallout", Target.HANDLE), ("escalat", Target.HANDLE),
    ("informed", Target.NO_ROLE), ("inform", Target.NO_ROLE),
)
_LETTER_IN_BRACKETS = re.compile(r"\(([A-Za-z])\)")
_HEADING_WORD = re.compile(r"[^\W\d_]+")


def role_of_heading(heading: str) -> Target | None:
    """The role a list column's heading names ("Owner", "Accountable (A)", "Handled by"),
    or None if it names no role."""
    words = [w.casefold() for w in _HEADING_WORD.findall(heading)]
    for word in words:
        for stem, target in _HEADING_STEMS:
            if word.startswith(stem) and not (stem == "own" and word not in _OIH_WORDS):
                return target
    letter = _LETTER_IN_BRACKETS.search(heading)
    if letter and len(words) <= 3:
        found = {**_RACI_WORDS, **_SUPPORT_WORDS}.get(letter.group(1).lower())
        if found is not None:
            return found
    return None
