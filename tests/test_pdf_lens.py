"""Lens pages that run over several pages: each continued page repeats the role heading and
the current stage, and a list is set tighter rather than leave one or two lines alone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pdf_checks import glyphs_outside, margins_are_blank, page_texts
from reportlab.pdfgen.canvas import Canvas

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.pdf import fonts
from cxmatrix.interchange.pdf import lens as lens_module
from cxmatrix.interchange.pdf.export import write
from cxmatrix.interchange.pdf.lens import (
    HEADINGS,
    LINE_HEIGHT,
    STAGE_HEIGHT,
    TIGHT_LINE_HEIGHT,
    RoleList,
    _Line,
)


def _lens_pages(texts: list[str]) -> list[str]:
    start = next(i for i, t in enumerate(texts) if "Department lens:" in t)
    return texts[start:]


def test_continued_lens_pages_repeat_the_heading_and_stage(tmp_path: Path) -> None:
    matrix = generate_matrix(600, 4, fill=0.3)
    department = matrix.departments[0]
    path = tmp_path / "lens.pdf"
    write(matrix, path, lenses=[department.name], page_size="a4")
    pages = _lens_pages(page_texts(path))
    assert len(pages) >= 3
    headings = set(HEADINGS.values())
    continued = stages_continued = 0
    for page in pages[1:]:
        lines = [line.strip() for line in page.splitlines()]
        # Line 0 is the role tile's letter (absent for "no role"); then the heading.
        top = lines[1] if lines[0] in {"O", "I", "H"} else lines[0]
        assert top in headings or top.removesuffix(" (continued)") in headings, top
        if top.endswith(" (continued)"):
            continued += 1
            stage_at = lines.index(top) + 2  # after the touchpoint count: the stage
            assert lines[stage_at].isupper(), lines[stage_at]
            stages_continued += lines[stage_at + 1] == "(continued)"
    assert continued >= 2 and stages_continued >= 1
    assert any(page.splitlines()[0].strip() == "No role yet (continued)" for page in pages)
    lens_text = " ".join(pages)
    for tp in matrix.iter_touchpoints():  # every touchpoint still listed once per lens
        assert tp.name in lens_text
    start = len(page_texts(path)) - len(pages)
    check = [start, start + 1, start + len(pages) - 1]
    assert margins_are_blank(path, pages=check) == []
    assert glyphs_outside(path, pages=check) == []


def _role_list(line_count: int) -> RoleList:
    fonts.register_fonts()
    lines = [_Line("Stage", (("Touchpoint", ""),), index == 0) for index in range(line_count)]
    return RoleList(Role.OWN, line_count, "Advice.", lines, 500)


def _line_count(part: RoleList) -> int:
    return len(part.lines)


def _height_leaving(role_list: RoleList, over: int) -> float:
    """Room for all but ``over`` lines at the normal spacing."""
    _, height = role_list.wrap(500, 1000)
    return height - over * LINE_HEIGHT + 0.5


@pytest.mark.parametrize("over", [1, 2])
def test_one_or_two_stray_lines_are_kept_by_setting_tighter(over: int) -> None:
    role_list = _role_list(30)
    parts = role_list.split(500, _height_leaving(role_list, over))
    assert len(parts) == 1 and _line_count(parts[0]) == 30
    assert parts[0].wrap(500, 1000)[1] <= _height_leaving(role_list, over)
    canvas = Canvas(io.BytesIO())
    parts[0].drawOn(canvas, 0, 0)  # draws without error


def test_a_longer_overflow_splits_and_the_rest_is_continued() -> None:
    role_list = _role_list(30)
    room = _height_leaving(role_list, 12)
    first, rest = role_list.split(500, room)
    assert first.wrap(500, room)[1] <= room
    assert _line_count(first) + _line_count(rest) == 30
    assert not first.continued and rest.continued
    assert rest.advice is None and rest.lines[0].first is False  # stage label "(continued)"
    assert TIGHT_LINE_HEIGHT < LINE_HEIGHT


def test_a_heading_never_ends_a_page_without_two_lines() -> None:
    role_list = _role_list(30)
    role_list.wrap(500, 1000)
    room = role_list._top_height() + STAGE_HEIGHT + LINE_HEIGHT + 1  # room for one line only
    assert role_list.split(500, room) == []


def test_stray_last_lines_do_not_take_a_page_of_their_own(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # With 164 touchpoints the last lens list and its sign-off overflow their page by one or
    # two lines.
    matrix = generate_matrix(164, 2)
    lenses = [matrix.departments[0].name]
    kept, loose = tmp_path / "kept.pdf", tmp_path / "loose.pdf"
    write(matrix, kept, lenses=lenses, page_size="a4")
    monkeypatch.setattr(lens_module, "WIDOW_LINES", 0)  # no widow control
    write(matrix, loose, lenses=lenses, page_size="a4")
    kept_texts, loose_texts = page_texts(kept), page_texts(loose)
    assert len(kept_texts) == len(loose_texts) - 1
    names = [tp.name for tp in matrix.iter_touchpoints()]
    last_names = [n for n in names if n in loose_texts[-1]]
    assert 0 < len(last_names) <= 2 * 3  # one or two lines of up to three names each
    assert all(n in kept_texts[-1] for n in last_names)
    last = len(kept_texts) - 1
    assert margins_are_blank(kept, pages=[last]) == []
    assert glyphs_outside(kept, pages=[last]) == []


def test_a_lens_that_fills_its_last_page_adds_no_blank_page(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # With 166 touchpoints the last list ends at the foot of a page: nothing may follow it.
    matrix = generate_matrix(166, 2)
    monkeypatch.setattr(lens_module, "WIDOW_LINES", 0)
    path = tmp_path / "full.pdf"
    write(matrix, path, lenses=[matrix.departments[0].name], page_size="a4")
    names = [tp.name for tp in matrix.iter_touchpoints()]
    for text in _lens_pages(page_texts(path)):
        assert any(name in text for name in names)
