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
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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

# ---- vocabulary: every letter and word a sheet may use for a role, in one table ------------
#
# (scheme, role, language, words). A preset takes the schemes it names; whole words are
# compared without accents ("consulte" is "Consulté") and without case.

NOBODY_CODES = frozenset({"-", "–", "—", "--", "n", "/", "n/a", "na", "n.a.", "none",
                          "no role", "nobody", "not involved"})
OIH, RACI, SUPPORT, PRIMARY, DRIVER = "oih", "raci", "support", "primary", "driver"
VOCABULARY: tuple[tuple[str, Target, str, tuple[str, ...]], ...] = (
    (OIH, Target.OWN, "en", ("o", "own", "owns", "owner", "owners", "owned", "owning",
                             "ownership")),
    (OIH, Target.INFLUENCE, "en", ("influence", "influences", "influencer", "influencers",
                                   "influenced", "influencing")),
    (OIH, Target.HANDLE, "en", ("h", "handle", "handles", "handler", "handlers", "handled",
                                "handling")),
    (RACI, Target.OWN, "en", ("a", "accountable", "accountability", "approver")),
    (RACI, Target.OWN, "fr", ("approbateur", "approbatrice", "approbation")),
    (RACI, Target.OWN, "es", ("aprobador", "aprobadora", "aprobación")),
    (RACI, Target.OWN, "pt", ("aprovador", "aprovadora", "aprovação")),
    (RACI, Target.OWN, "de", ("rechenschaftspflichtig", "genehmiger", "genehmigend")),
    (RACI, Target.OWN, "nl", ("aansprakelijk", "eindverantwoordelijk")),
    (RACI, Target.OWN, "it", ("approvatore", "approvatrice")),
    (RACI, Target.OWN_UNLESS_OWNED, "en", ("r", "responsible", "responsibility")),
    (RACI, Target.OWN_UNLESS_OWNED, "fr", ("responsable", "acteur", "actrice", "réalisateur",
                                           "réalisatrice")),
    (RACI, Target.OWN_UNLESS_OWNED, "es", ("responsable", "ejecutor", "ejecutora")),
    (RACI, Target.OWN_UNLESS_OWNED, "pt", ("responsável", "executor", "executora")),
    (RACI, Target.OWN_UNLESS_OWNED, "de", ("verantwortlich", "durchführend",
                                           "durchführungsverantwortlich")),
    (RACI, Target.OWN_UNLESS_OWNED, "nl", ("verantwoordelijk", "uitvoerend", "uitvoerder")),
    (RACI, Target.OWN_UNLESS_OWNED, "it", ("responsabile", "esecutore", "esecutrice")),
    (RACI, Target.INFLUENCE, "en", ("c", "consulted", "consult", "consults")),
    (RACI, Target.INFLUENCE, "fr", ("consulté", "consultée", "consultation")),
    (RACI, Target.INFLUENCE, "es", ("consultado", "consultada")),
    (RACI, Target.INFLUENCE, "pt", ("consultado", "consultada")),
    (RACI, Target.INFLUENCE, "de", ("konsultiert", "beratend", "befragt")),
    (RACI, Target.INFLUENCE, "nl", ("geraadpleegd", "geconsulteerd")),
    (RACI, Target.INFLUENCE, "it", ("consultato", "consultata")),
    (RACI, Target.NO_ROLE, "en", ("informed", "inform", "informs")),
    (RACI, Target.NO_ROLE, "fr", ("informé", "informée", "information")),
    (RACI, Target.NO_ROLE, "es", ("informado", "informada")),
    (RACI, Target.NO_ROLE, "pt", ("informado", "informada")),
    (RACI, Target.NO_ROLE, "de", ("informiert",)),
    (RACI, Target.NO_ROLE, "nl", ("geïnformeerd",)),
    (RACI, Target.NO_ROLE, "it", ("informato", "informata")),
    (SUPPORT, Target.INFLUENCE, "en", ("s", "support", "supports", "supporting",
                                       "supportive")),
    (SUPPORT, Target.INFLUENCE, "fr", ("soutien",)),
    (SUPPORT, Target.INFLUENCE, "es", ("apoyo",)),
    (SUPPORT, Target.INFLUENCE, "pt", ("apoio", "suporte")),
    (SUPPORT, Target.INFLUENCE, "de", ("unterstützend", "unterstützt")),
    (SUPPORT, Target.INFLUENCE, "nl", ("ondersteunend",)),
    (SUPPORT, Target.INFLUENCE, "it", ("supporto",)),
    (PRIMARY, Target.OWN, "en", ("p", "primary")),
    (PRIMARY, Target.INFLUENCE, "en", ("secondary",)),
    # DRASCI's Driver: like R, Own where the row has no A, otherwise Influence.
    (DRIVER, Target.OWN_UNLESS_OWNED, "en", ("d", "driver", "drivers", "drives", "driving")),
)
# Words joining two codes in a cell ("R et A", "A and R", "R y A", "R e A", "R und A").
JOIN_WORDS = frozenset({"and", "or", "et", "ou", "y", "e", "ed", "und", "oder", "en", "of"})


def strip_accents(text: str) -> str:
    """"Consulté" -> "Consulte", "geïnformeerd" -> "geinformeerd"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def scheme_words(*schemes: str) -> dict[str, Target]:
    """Every word of the named schemes (with and without accents) -> its target."""
    words: dict[str, Target] = {}
    for scheme, target, _language, terms in VOCABULARY:
        if scheme in schemes:
            for term in terms:
                words[term] = target
                words[strip_accents(term)] = target
    return words


_OIH_WORDS = scheme_words(OIH)
_RACI_WORDS = scheme_words(RACI)
_SUPPORT_WORDS = scheme_words(SUPPORT)
_PRIMARY_WORDS = scheme_words(PRIMARY)
_DRIVER_WORDS = scheme_words(DRIVER)

# Letters of other alphabets that look like Latin ones, as people type them with a Cyrillic
# or Greek keyboard layout ("С" for C, "А" for A). Full-width forms are folded by NFKC.
LOOKALIKES: dict[str, str] = {
    **dict(zip("АВСЕНІЈКМОРЅТХУ", "ABCEHIJKMOPSTXY", strict=True)),
    **dict(zip("авсеніјкморѕтху", "abcehijkmopstxy", strict=True)),
    **dict(zip("ΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "ABEHIKMNOPTXYZ", strict=True)),
    **dict(zip("αβεηικμνορτχυζ", "abehikmnoptxyz", strict=True)),
}


def lookalike_script(char: str) -> str:
    """What a look-alike character is, for the report: "Cyrillic", "Greek", "full-width"."""
    name = unicodedata.name(char, "")
    if name.startswith("FULLWIDTH"):
        return "full-width"
    return name.split(" ", 1)[0].capitalize() if name else "non-Latin"


def lookalikes_in(text: str) -> list[tuple[str, str]]:
    """Each look-alike character in ``text`` with the Latin character it is read as."""
    found: list[tuple[str, str]] = []
    if text.isascii():
        return found
    for char in text:
        if char.isascii() or not char.isalpha():
            continue
        latin = LOOKALIKES.get(char)
        if latin is None:
            folded = unicodedata.normalize("NFKC", char)
            if folded != char and folded.isascii() and folded.strip():
                latin = folded
        if latin is not None and (char, latin) not in found:
            found.append((char, latin))
    return found


def fold_lookalikes(key: str) -> str:
    """``key`` with look-alike letters and full-width forms as the Latin ones they look like
    ("с" -> "c", "ａ" -> "a"); unchanged when it has none."""
    if key.isascii():
        return key
    folded = unicodedata.normalize("NFKC", key)
    return "".join(LOOKALIKES.get(ch, ch) for ch in folded).casefold()

# ---- presets ----------------------------------------------------------------------------------

MAPPING_PRESETS: dict[str, str] = {
    "auto": "Own/Influence/Handle and RACI, RASCI, DRASCI and P/S codes as letters or words "
            "(English, French, Spanish, Portuguese, German, Dutch, Italian); I means Influence "
            "or Informed depending on the other codes in the sheet",
    "oih": "Own / Influence / Handle: O, I, H and the words",
    "raci": "RACI: A -> Own; R -> Own unless the row has an A, then Influence; "
            "C -> Influence; I -> no role",
    "rasci": "RASCI: as RACI, and S (Support) -> Influence",
    "drasci": "DRASCI: as RASCI, and D (Driver) like R",
    "primary-support": "P/S: P (Primary) -> Own; S (Support) -> Influence",
}
DEFAULT_PRESET = "auto"
_PRESET_SCHEMES = {
    "auto": (OIH, RACI, SUPPORT, PRIMARY, DRIVER),
    "oih": (OIH,),
    "raci": (RACI,),
    "rasci": (RACI, SUPPORT),
    "drasci": (RACI, SUPPORT, DRIVER),
    "primary-support": (SUPPORT, PRIMARY),
}


def _preset_words(preset: str, i_means: Target) -> dict[str, Target]:
    words = scheme_words(*_PRESET_SCHEMES.get(preset, ()))
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
    """The single codes in a combined cell: "a/r" -> [a, r], "ra" -> [r, a], "(r)" -> [r],
    "r et a" -> [r, a] (a joining word between two codes is not a code)."""
    stripped = key.strip(_BRACKETS).strip()
    pieces = [p.strip(_BRACKETS) for p in _SPLIT.split(stripped) if p.strip(_BRACKETS)]
    if len(pieces) >= 3:
        pieces = [p for i, p in enumerate(pieces)
                  if not (0 < i < len(pieces) - 1 and p in JOIN_WORDS)]
    return pieces


@dataclass(frozen=True)
class CodeReading:
    """How one code was read: its target, and what the report should say about it."""

    target: Target | None
    unknown: tuple[str, ...] = ()  # single letters not understood, left out ("q")
    lookalikes: tuple[tuple[str, str], ...] = ()  # (as written, read as), for the report

    @property
    def noteworthy(self) -> bool:
        return bool(self.unknown or self.lookalikes)


def _lookup(key: str, words: Mapping[str, Target]) -> Target | None:
    found = words.get(key)
    if found is None and not key.isascii():
        found = words.get(strip_accents(key))
    return found


def _read_plain(key: str, words: Mapping[str, Target]) -> CodeReading:
    if key in NOBODY_CODES:
        return CodeReading(Target.NO_ROLE)
    found = _lookup(key, words)
    if found is not None:
        return CodeReading(found)
    pieces = _parts(key)
    if not pieces:
        return CodeReading(None)
    if len(pieces) == 1:
        piece = pieces[0]
        if piece != key:
            return _read_plain(piece, words)
        if 2 <= len(piece) <= 4 and piece.isalpha():
            # Letters run together: "ra", "arc". Only when every letter is a code.
            letters = [words.get(letter) for letter in piece]
            if all(t is not None for t in letters):
                return CodeReading(max((t for t in letters if t is not None),
                                       key=lambda t: t.strength))
        return CodeReading(None)
    readings = [_read_plain(piece, words) for piece in pieces]
    known = [r for r in readings if r.target is not None]
    unknown = [piece for piece, r in zip(pieces, readings, strict=True) if r.target is None]
    # A stray letter among codes ("R,A,C,Q"): the codes count, the letter is reported. One
    # code and one stranger ("A/X") stays not understood, as before: which one is the typo?
    if len(known) < 2 or len(unknown) > len(known) or \
            any(len(piece) != 1 or not piece.isalpha() for piece in unknown):
        return CodeReading(None)
    strongest = max((r.target for r in known if r.target is not None), key=lambda t: t.strength)
    strays = [*unknown, *(u for r in known for u in r.unknown)]
    return CodeReading(strongest, tuple(dict.fromkeys(strays)))


def read_code(key: str, words: Mapping[str, Target]) -> CodeReading:
    """How one normalised code reads under a vocabulary (target None: not understood).

    Look-alike letters of other alphabets and full-width forms are read as the Latin letters
    they look like, and said so; a letter not understood among codes is left out and said so.
    """
    reading = _read_plain(key, words)
    if reading.target is not None or key.isascii():
        return reading
    folded = fold_lookalikes(key)
    if folded == key or not folded.isascii():
        return reading
    found = _read_plain(folded, words)
    if found.target is None:
        return reading
    return CodeReading(found.target, found.unknown, tuple(lookalikes_in(key)))


def interpret(key: str, words: Mapping[str, Target]) -> Target | None:
    """The target of one normalised code under a vocabulary, or None if not understood."""
    return read_code(key, words).target


def _letters(key: str) -> list[str]:
    """The single codes of a cell, look-alikes folded and run-together letters split."""
    folded = fold_lookalikes(key)
    pieces = _parts(folded) or [folded]
    return pieces


def _letter_family_counts(keys: Iterable[tuple[str, int]]) -> tuple[int, int]:
    """How many cells use the Own/Influence/Handle family, and how many the RACI family
    (RACI, RASCI, DRASCI and P/S, in any of the vocabulary's languages)."""
    oih = raci = 0
    oih_words = {w for w, t in _OIH_WORDS.items() if t is not Target.INFLUENCE}
    raci_words = set(_RACI_WORDS) | set(_SUPPORT_WORDS) | set(_PRIMARY_WORDS) | \
        set(_DRIVER_WORDS)
    for key, count in keys:
        pieces = [strip_accents(p) for p in _letters(key)]
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
    """The editable table: normalised raw code -> target. Codes absent are not understood.

    ``readings`` says, for the codes a preset read with a look-alike letter or a stray
    unknown letter, how it read them (for the report); a code the user maps has none."""

    entries: Mapping[str, Target]
    preset: str = "custom"
    explanation: str = ""
    readings: Mapping[str, CodeReading] = field(default_factory=dict)

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
        readings = {k: r for k, r in self.readings.items() if k != key}
        return CodeMapping(entries, "custom", self.explanation, readings)


def resolve_mapping(preset: str, codes: Mapping[str, int]) -> CodeMapping:
    """Build the starting mapping for the distinct normalised ``codes`` found (with counts).

    Under "auto", the letter I means Informed when the sheet's other codes are RACI letters
    (R, A, C, S, P, D) and Influence otherwise.
    """
    if preset not in MAPPING_PRESETS:
        known = ", ".join(MAPPING_PRESETS)
        raise ValueError(f"unknown code mapping {preset!r} (known: {known})")
    explanations = []
    i_means = Target.INFLUENCE
    if preset == "auto":
        oih, raci = _letter_family_counts(codes.items())
        uses_i = any("i" in _letters(key) for key in codes)
        if raci > oih:
            i_means = Target.NO_ROLE
            if uses_i:
                explanations.append("The codes look like RACI, so I is read as Informed (no "
                                    "role); R is Own only where the row has no A.")
        elif (raci or oih) and uses_i:
            explanations.append("The codes look like Own/Influence/Handle, so I is read as "
                                "Influence.")
    words = _preset_words(preset, i_means)
    entries: dict[str, Target] = {}
    readings: dict[str, CodeReading] = {}
    for key in codes:
        reading = read_code(key, words)
        if reading.target is not None:
            entries[key] = reading.target
            if reading.noteworthy:
                readings[key] = reading
    if preset == "auto" and any("d" in _letters(key) or key in _DRIVER_WORDS
                                for key in entries):
        explanations.append("D (Driver) is read like R: Own where the row has no A, "
                            "otherwise Influence.")
    return CodeMapping(entries, preset, " ".join(explanations), readings)


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
    # The same roles in the other languages of the vocabulary (compared without accents).
    ("approbat", Target.OWN), ("aprobador", Target.OWN), ("aprovador", Target.OWN),
    ("approvator", Target.OWN), ("approver", Target.OWN), ("eindverantwoordelijk", Target.OWN),
    ("aansprakelijk", Target.OWN), ("rechenschaftspflicht", Target.OWN),
    ("responsab", Target.OWN_UNLESS_OWNED), ("responsav", Target.OWN_UNLESS_OWNED),
    ("verantwortlich", Target.OWN_UNLESS_OWNED), ("verantwoordelijk", Target.OWN_UNLESS_OWNED),
    ("acteur", Target.OWN_UNLESS_OWNED), ("realisat", Target.OWN_UNLESS_OWNED),
    ("konsult", Target.INFLUENCE), ("geraadpleegd", Target.INFLUENCE),
    ("soutien", Target.INFLUENCE), ("apoyo", Target.INFLUENCE), ("apoio", Target.INFLUENCE),
    ("unterstutz", Target.INFLUENCE), ("ondersteun", Target.INFLUENCE),
    ("geinform", Target.NO_ROLE),
)
_LETTER_IN_BRACKETS = re.compile(r"\(([A-Za-z])\)")
_HEADING_WORD = re.compile(r"[^\W\d_]+")


def role_of_heading(heading: str) -> Target | None:
    """The role a list column's heading names ("Owner", "Accountable (A)", "Handled by"),
    or None if it names no role."""
    words = [strip_accents(w.casefold()) for w in _HEADING_WORD.findall(heading)]
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
