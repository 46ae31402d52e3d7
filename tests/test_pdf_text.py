"""Fitting text into the PDF: wrapped lines never exceed their width, and only an ellipsis
ever hides text; markup characters are escaped for reportlab's paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from cxmatrix.interchange.pdf import fonts
from cxmatrix.interchange.pdf.text import (
    ELLIPSIS,
    REPLACEMENT,
    drawable,
    escape,
    fit,
    one_line,
    wrap,
)

fonts.register_fonts()
FONT = fonts.CONDENSED
SIZE = 8.0
WORDS = st.text(alphabet=st.sampled_from("abcXYZ éΩЖ<>&;·-"), min_size=0, max_size=30)
TEXTS = st.lists(WORDS, min_size=0, max_size=25).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(text=TEXTS, width=st.floats(min_value=4, max_value=300))
def test_wrapped_lines_fit_and_keep_every_character(text: str, width: float) -> None:
    lines = wrap(text, FONT, SIZE, width)
    for line in lines:
        assert stringWidth(line, FONT, SIZE) <= width + 1e-6 or len(line) == 1
    assert "".join(lines).replace(" ", "") == "".join(text.split())


@settings(max_examples=60, deadline=None)
@given(text=TEXTS, width=st.floats(min_value=10, max_value=300),
       max_lines=st.integers(min_value=1, max_value=4))
def test_limited_lines_end_with_an_ellipsis_when_cut(text: str, width: float,
                                                     max_lines: int) -> None:
    full = wrap(text, FONT, SIZE, width)
    lines = wrap(text, FONT, SIZE, width, max_lines)
    assert len(lines) <= max_lines
    for line in lines:
        assert stringWidth(line, FONT, SIZE) <= width + 1e-6 or len(line) == 1
    if len(full) <= max_lines:
        assert lines == full
    else:
        assert lines[:-1] == full[:max_lines - 1]
        assert lines[-1].endswith(ELLIPSIS) or lines[-1] == ""


@settings(max_examples=60, deadline=None)
@given(text=TEXTS, width=st.floats(min_value=0, max_value=300))
def test_fit_is_the_text_or_a_prefix_with_an_ellipsis(text: str, width: float) -> None:
    fitted = fit(text, FONT, SIZE, width)
    assert stringWidth(fitted, FONT, SIZE) <= width + 1e-6
    flat = one_line(text)
    if fitted != flat:
        assert fitted in ("", ELLIPSIS) or (
            fitted.endswith(ELLIPSIS) and flat.startswith(fitted[:-1].rstrip()))


def test_five_thousand_characters_fit_in_two_lines_quickly() -> None:
    lines = wrap("x" * 5000, FONT, SIZE, 150, 2)
    assert len(lines) == 2 and lines[1].endswith(ELLIPSIS)
    assert fit("word " * 2000, FONT, SIZE, 100).endswith(ELLIPSIS)


@pytest.mark.parametrize("text", ["A & B", "<b>not bold</b>", "1 < 2 > 0", "&amp;", "Ж&Ω"])
def test_escaped_text_reads_back_literally_in_a_paragraph(text: str) -> None:
    style = ParagraphStyle("test", fontName=FONT, fontSize=SIZE)
    assert Paragraph(escape(text), style).getPlainText() == text


def test_undrawable_characters_become_a_replacement_mark() -> None:
    assert drawable("plain text") == "plain text"
    assert drawable("bell\x07 nul\x00") == "bell  nul "
    assert drawable("Ωmega Жук é") == "Ωmega Жук é"
    assert drawable("smile 😀 中") == f"smile {REPLACEMENT} {REPLACEMENT}"
    assert one_line("a\tb\nc\x0bd") == "a b c d"
    assert wrap("😀 x", FONT, SIZE, 100) == [f"{REPLACEMENT} x"]
