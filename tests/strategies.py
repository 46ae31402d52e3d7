"""Hypothesis strategies for whole matrices: unicode, quotes, line breaks, would-be formulas."""

from __future__ import annotations

from hypothesis import strategies as st

from cxmatrix.domain import DomainError, Matrix, Role, name_key

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
    matrix.set_properties(title=draw(names_), organisation=draw(texts), description=draw(texts))
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
