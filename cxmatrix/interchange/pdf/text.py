"""Text helpers: escaping for paragraph markup, and fitting text into a width.

Nothing is ever drawn wider than the room it was given: text is wrapped at spaces, words too
long for a line are broken, and whatever does not fit in the lines allowed is cut with an
ellipsis. Characters the fonts cannot draw (emoji, CJK) become a visible replacement mark
and control characters become spaces, so every string is drawn the same everywhere.
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape as _xml_escape

from reportlab.pdfbase import pdfmetrics

from cxmatrix.interchange.pdf import fonts

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"
_coverage: frozenset[int] | None = None

# Widths by (text, font, size): the same words and names are measured again and again (a
# report wraps the same touchpoint names and message words on many pages), and reportlab
# measures a TrueType string glyph by glyph in Python. The fonts are registered once under
# fixed names, so a width never changes.
string_width = lru_cache(maxsize=1 << 16)(pdfmetrics.stringWidth)


def _covered() -> frozenset[int]:
    """The code points every one of our four faces can draw, in the Basic Multilingual
    Plane only: reportlab writes a broken text map (ToUnicode) for characters beyond it, such
    as emoji, which spoils copying text out of the PDF."""
    global _coverage
    if _coverage is None:
        fonts.register_fonts()
        maps = [set(pdfmetrics.getFont(name).face.charToGlyph) for name in fonts.FONT_FILES]
        _coverage = frozenset(c for c in set.intersection(*maps) if c <= 0xFFFF)
    return _coverage


def drawable(text: str) -> str:
    """``text`` with control characters as spaces and undrawable characters replaced."""
    if text.isascii() and text.isprintable():
        return text
    covered = _covered()
    return "".join(
        char if ord(char) in covered or char.isspace()
        else REPLACEMENT if char.isprintable() else " "
        for char in text)


def escape(text: str) -> str:
    """Text made safe for reportlab's paragraph markup (<, > and & escaped)."""
    return _xml_escape(text)


def one_line(text: str) -> str:
    """Text with line breaks, tabs and repeated spaces folded into single spaces (and made
    drawable)."""
    return " ".join(drawable(text).split())


def width_of(text: str, font: str, size: float) -> float:
    return string_width(text, font, size)


def _longest_prefix(text: str, font: str, size: float, width: float, suffix: str = "") -> int:
    """The length of the longest prefix of ``text`` that fits in ``width`` with ``suffix``."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(text[:middle] + suffix, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut with an ellipsis if it is wider than ``width``."""
    text = one_line(text)
    if string_width(text, font, size) <= width:
        return text
    keep = _longest_prefix(text, font, size, width, ELLIPSIS)
    if keep == 0:
        return ELLIPSIS if string_width(ELLIPSIS, font, size) <= width else ""
    return text[:keep].rstrip() + ELLIPSIS


def wrap(text: str, font: str, size: float, width: float, max_lines: int | None = None
         ) -> list[str]:
    """``text`` broken into lines no wider than ``width``.

    With ``max_lines``, the last line allowed holds the rest of the text, cut with an
    ellipsis. Empty text gives no lines.
    """
    words = drawable(text).split()
    if not words or width <= 0:
        return []
    space = string_width(" ", font, size)
    lines: list[str] = []
    index = 0
    while index < len(words):
        if max_lines is not None and len(lines) >= max_lines - 1:
            lines.append(fit(" ".join(words[index:]), font, size, width))
            return lines
        word = words[index]
        line_width = string_width(word, font, size)
        if line_width > width:
            keep = max(1, _longest_prefix(word, font, size, width))
            lines.append(word[:keep])
            words[index] = word[keep:]
            continue
        line = [word]
        index += 1
        while index < len(words):
            word_width = string_width(words[index], font, size)
            if line_width + space + word_width > width:
                break
            line.append(words[index])
            line_width += space + word_width
            index += 1
        lines.append(" ".join(line))
    return lines
