"""Hypothesis strategies for whole matrices (unicode, quotes, line breaks, would-be formulas),
and for the sheets a person types them into."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import strategies as st

from cxmatrix.domain import DomainError, Matrix, Role, name_key
from cxmatrix.domain.codes import DEFAULT_PRESET, resolve_mapping, role_of_heading
from cxmatrix.domain.signoff import STORED_STATES as STORED_SIGNOFF_STATES
from cxmatrix.interchange.spreadsheet.layout import (
    attribute_of_heading,
    ignored_reason_of_heading,
    is_department_heading,
    is_stage_heading,
    label_heading_score,
)

# Text a person might type, including the awkward parts: accents, CJK, emoji, quotes,
# leading = + - @, line breaks and tabs. No control characters other than those, and no
# surrogates (files cannot carry them).
_ALPHABET = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\t")
_AWKWARD = st.sampled_from(["=SUM(A1:A9)", "+1", "-", "@home", "'quoted'", '"double"',
                            "a\nb", "Zürich – Café", "Ωμέγα", "Привет", "日本語", "<b>&amp;",
                            "O", "own", "I"])
names = st.one_of(_AWKWARD, st.text(_ALPHABET, min_size=1, max_size=40)).filter(
    lambda text: text.strip() != "")
texts = st.one_of(st.just(""), _AWKWARD, st.text(_ALPHABET, max_size=60))


@st.composite
def matrices(draw: st.DrawFn, max_touchpoints: int = 12, max_departments: int = 6,
             name_strategy: st.SearchStrategy[str] = names) -> Matrix:
    names_ = name_strategy
    matrix = Matrix()
    matrix.set_properties(title=draw(names_), organisation=draw(texts), description=draw(texts),
                          prepared_by=draw(texts))
    for _ in range(draw(st.integers(0, max_departments))):
        name = draw(names_)
        if matrix.find_department(name) is None:
            try:
                matrix.add_department(name, lead=draw(texts))
            except DomainError:
                continue
    for _ in range(draw(st.integers(1, 4))):
        name = draw(names_)
        if matrix.find_stage(name) is None:
            matrix.add_stage(name)
    for _ in range(draw(st.integers(0, max_touchpoints))):
        stage = draw(st.sampled_from(matrix.stages))
        tp = matrix.add_touchpoint(
            stage.id, draw(names_), category=draw(texts), channel=draw(texts),
            description=draw(texts), metric=draw(texts), notes=draw(texts),
            peak=draw(st.booleans()), end=draw(st.booleans()))
        for dept in matrix.departments:
            role = draw(st.sampled_from([None, None, *Role]))
            matrix.set_role(tp.id, dept.id, role)
            if draw(st.integers(0, 9)) == 0:
                matrix.set_note(tp.id, dept.id, draw(texts))
    if matrix.departments and draw(st.booleans()):
        matrix.set_properties(focus_department_id=draw(st.sampled_from(matrix.departments)).id)
    return matrix


def unique_by_key(items: list[str]) -> bool:
    keys = [name_key(item) for item in items]
    return len(keys) == len(set(keys))


# ---- sheets as a person types them ------------------------------------------------------------

# Row labels the importer reads as lines that are not touchpoints: a legend entry ("O = Own",
# "Key: ..."), a totals row, a placeholder.
_NOT_A_ROW = re.compile(
    r"^(legend|key|total|totals|sum|count|subtotal|grand total)\b"
    r"|^\(?\w{1,3}\)?\s*(=|:|\s[-–—]\s)"
    r"|^(tbd|tbc|todo|to do|\.\.\.|…|\?+|xxx+|placeholder|example|add (more|new|rows?).*"
    r"|\(add.*\)|new touchpoint)$", re.IGNORECASE)


def means_something_else(text: str) -> bool:
    """Whether the import's vocabulary reads ``text`` as more than a name: a role code or a
    "nobody" mark under the default mapping (O, own, A/R, -, n/a...), a heading that names what a
    column holds (Notes, Owner, Stage, Touchpoint, Status, Team...), a legend, totals or
    placeholder line, or text without a letter (numbers, dates, punctuation). Such a text as a
    department, stage or touchpoint name makes a sheet ambiguous, so a typed grid holding one
    is not vouched for."""
    if not any(character.isalpha() for character in text):
        return True
    key = text.strip()
    if _NOT_A_ROW.search(key):
        return True
    if resolve_mapping(DEFAULT_PRESET, {key.casefold(): 1}).target(key) is not None:
        return True
    return bool(role_of_heading(key) or attribute_of_heading(key)
                or ignored_reason_of_heading(key) or is_stage_heading(key)
                or label_heading_score(key) or is_department_heading(key))


plain_names = names.filter(lambda text: not means_something_else(text))

# How people write Own / Influence / Handle in their own grids.
CODE_STYLES = [
    {Role.OWN: "O", Role.INFLUENCE: "I", Role.HANDLE: "H"},
    {Role.OWN: "o", Role.INFLUENCE: "i", Role.HANDLE: "h"},
    {Role.OWN: "Own", Role.INFLUENCE: "Influence", Role.HANDLE: "Handle"},
    {Role.OWN: "OWNER", Role.INFLUENCE: "influences", Role.HANDLE: "Handles"},
]


@dataclass
class TypedSheet:
    """The cells of one sheet and, when the strategy vouches that the sheet is a valid
    matrix, the matrix it holds (None: anything goes, the importer may refuse it)."""

    rows: list[list[object]]
    expected: Matrix | None = None


@st.composite
def typed_grids(draw: st.DrawFn) -> TypedSheet:
    """A valid matrix sheet: a heading row "Stage", "Touchpoint" and one column per
    department, then one row per touchpoint with its stage and a code in each cell, in one of
    the CODE_STYLES. Every name is a plain name, there is at least one touchpoint, and every
    department holds a role somewhere (an empty column is a spacer, not a department)."""
    matrix = draw(matrices(max_touchpoints=10, max_departments=6,
                           name_strategy=plain_names).filter(_shows_every_department))
    codes = draw(st.sampled_from(CODE_STYLES))
    rows: list[list[object]] = [["Stage", "Touchpoint", *(d.name for d in matrix.departments)]]
    for stage in matrix.stages:
        for touchpoint in matrix.touchpoints_in(stage.id):
            roles = [matrix.role(touchpoint.id, d.id) for d in matrix.departments]
            rows.append([stage.name, touchpoint.name,
                         *(codes[role] if role is not None else "" for role in roles)])
    return TypedSheet(rows, matrix)


def _shows_every_department(matrix: Matrix) -> bool:
    if not matrix.departments or matrix.touchpoint_count == 0:
        return False
    return all(any(matrix.role(tp.id, d.id) is not None for tp in matrix.iter_touchpoints())
               for d in matrix.departments)


def random_edits(matrix: Matrix, rng: random.Random, count: int) -> Matrix:
    """A copy of ``matrix`` after ``count`` random edits of every kind."""
    edited = matrix.copy()
    for number in range(count):
        departments, stages = list(edited.departments), list(edited.stages)
        touchpoints = list(edited.iter_touchpoints())
        choice = rng.randrange(10)
        try:
            if choice <= 3 and touchpoints and departments:
                edited.set_role(rng.choice(touchpoints).id, rng.choice(departments).id,
                                rng.choice([None, *Role]))
            elif choice == 4 and stages:
                edited.add_touchpoint(rng.choice(stages).id, f"New touchpoint {number}",
                                      metric=rng.choice(["", "NPS"]))
            elif choice == 5 and touchpoints:
                edited.delete_touchpoint(rng.choice(touchpoints).id)
            elif choice == 6 and touchpoints and stages:
                edited.move_touchpoint(rng.choice(touchpoints).id, rng.choice(stages).id,
                                       rng.randrange(5))
            elif choice == 7 and departments:
                edited.rename_department(rng.choice(departments).id, f"Renamed {number}")
            elif choice == 8:
                edited.add_department(f"Department {number}")
            elif choice == 9 and touchpoints:
                edited.update_touchpoint(rng.choice(touchpoints).id, peak=rng.random() < 0.5,
                                         name=f"Touchpoint renamed {number}")
        except DomainError:
            continue
    return edited


# ---- the target layer ---------------------------------------------------------------------------


def random_plan_edits(matrix: Matrix, rng: random.Random, count: int) -> Matrix:
    """A copy of ``matrix`` after ``count`` random edits of its target layer: target roles,
    actions, planned flags, changes marked done."""
    from cxmatrix.domain.actions import Action, ActionStatus

    edited = matrix.copy()
    for number in range(count):
        departments = list(edited.departments)
        touchpoints = list(edited.iter_touchpoints())
        if not departments or not touchpoints:
            break
        tp, dept = rng.choice(touchpoints), rng.choice(departments)
        choice = rng.randrange(6)
        if choice <= 1:
            edited.set_target(tp.id, dept.id, rng.choice([None, *Role]))
        elif choice == 2:
            edited.set_action(tp.id, dept.id, rng.choice([None, Action(
                f"Person {number}", rng.choice([None, date(2026, 1 + number % 12, 1)]),
                rng.choice(list(ActionStatus)), rng.choice(["", "call first"]))]))
        elif choice == 3:
            edited.set_planned_touchpoint(tp.id, rng.random() < 0.7)
        elif choice == 4:
            edited.set_planned_department(dept.id, rng.random() < 0.3)
        elif edited.is_planned_change(tp.id, dept.id):
            edited.complete_change(tp.id, dept.id)
    return edited


@st.composite
def planned_matrices(draw: st.DrawFn, max_touchpoints: int = 10, max_departments: int = 5
                     ) -> Matrix:
    """Matrices with a target layer: planned changes, actions, planned flags."""
    matrix = draw(matrices(max_touchpoints, max_departments))
    return random_plan_edits(matrix, random.Random(draw(st.integers(0, 2**32 - 1))),
                             draw(st.integers(0, 20)))


# ---- comments and sign-offs ---------------------------------------------------------------------

_MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                        timezones=st.just(UTC))
_DAYS = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))


@st.composite
def signed_matrices(draw: st.DrawFn, max_touchpoints: int = 10, max_departments: int = 5
                    ) -> Matrix:
    """Matrices with a target layer, comments (on touchpoints and on cells) and a sign-off in
    every state: not asked, asked (with or without the basis a review pack records), agreed
    and still current, agreed and out of date (later edits of the roles, touchpoints added or
    removed, so that a basis can name a touchpoint that is gone), disputed (cells with a
    comment and a proposed role or none)."""
    from cxmatrix.domain.comments import new_comment
    from cxmatrix.domain.signoff import (
        Dispute,
        SignOff,
        SignOffState,
        basis_of,
        touchpoints_fingerprint,
    )

    matrix = draw(planned_matrices(max_touchpoints, max_departments))
    touchpoints = [tp.id for tp in matrix.iter_touchpoints()]
    departments = [d.id for d in matrix.departments]
    if touchpoints:
        comments = []
        for _ in range(draw(st.integers(0, 6))):
            department = draw(st.one_of(st.none(), st.sampled_from(departments))
                              if departments else st.none())
            comments.append(new_comment(draw(names), draw(names), draw(st.sampled_from(
                touchpoints)), department, at=draw(_MOMENTS)))
        matrix.add_comments(comments)
    records = []
    for did in departments:
        state = draw(st.sampled_from([None, *STORED_SIGNOFF_STATES]))
        lead, when = draw(texts), draw(_DAYS)
        if state == "agreed":
            record = SignOff(SignOffState.AGREED, lead, when, basis_of(matrix, did),
                             touchpoints_fingerprint(matrix))
        elif state == "asked":
            basis = basis_of(matrix, did) if draw(st.booleans()) else ()
            record = SignOff(SignOffState.ASKED, lead, when, basis,
                             touchpoints_fingerprint(matrix) if basis else "")
        elif state == "disputed" and touchpoints:
            disputed = draw(st.lists(st.sampled_from(touchpoints), max_size=4, unique=True))
            record = SignOff(SignOffState.DISPUTED, lead, when, basis_of(matrix, did),
                             touchpoints_fingerprint(matrix), tuple(
                                 Dispute(tid, draw(texts), draw(st.sampled_from([None, *Role])))
                                 for tid in disputed))
        else:
            continue
        records.append((did, record))
    matrix.set_signoffs(records)
    # Later edits make some agreements out of date (and remove disputed touchpoints).
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    return random_plan_edits(random_edits(matrix, rng, draw(st.integers(0, 3))), rng,
                             draw(st.integers(0, 3)))
