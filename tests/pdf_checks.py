"""Reading our PDFs back for the PDF tests: text, fonts, sizes, and where things are drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.pdf import fonts

DEMO_PATH = Path(__file__).resolve().parent.parent / "resources" / "demo.json"
OUR_FONTS = {fonts.REGULAR, fonts.BOLD, fonts.CONDENSED, fonts.CONDENSED_BOLD}


def demo_matrix() -> Matrix:
    """The demo matrix when it exists, else a generated one of the same kind."""
    if DEMO_PATH.is_file():
        from cxmatrix.interchange.demo import demo_matrix as bundled_demo

        return bundled_demo()  # with the demo's sign-offs
    return generate_size("S")


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def _font_dicts(resources: object) -> list[pypdf.generic.DictionaryObject]:
    """Every font dictionary in a resources dictionary, forms included."""
    found = []
    if not isinstance(resources, pypdf.generic.DictionaryObject):
        return found
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found.extend(_font_dicts(xobject.get("/Resources")))
    return found


def font_report(path: Path) -> dict[str, bool]:
    """Base font name (without the subset prefix) -> whether a font program is embedded."""
    report: dict[str, bool] = {}
    for page in pypdf.PdfReader(path).pages:
        for font in _font_dicts(page.get("/Resources")):
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            report[name] = report.get(name, True) and embedded
    return report


@dataclass(frozen=True)
class Glyph:
    page: int
    char: str
    left: float
    bottom: float
    right: float
    top: float


def glyphs(path: Path, pages: Sequence[int] | None = None) -> list[Glyph]:
    """Every character drawn, with its box on the page (pdfium's reading, forms included)."""
    found: list[Glyph] = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in (range(len(document)) if pages is None else pages):
            text_page = document[index].get_textpage()
            count = text_page.count_chars()
            text = text_page.get_text_range(0, count)
            for char_index in range(count):
                char = text[char_index] if char_index < len(text) else ""
                if not char.strip():
                    continue
                left, bottom, right, top = text_page.get_charbox(char_index)
                found.append(Glyph(index, char, left, bottom, right, top))
            text_page.close()
    finally:
        document.close()
    return found


def margins_are_blank(path: Path, band: float = 24.0, scale: float = 1.0,
                      pages: Sequence[int] | None = None) -> list[int]:
    """Pages (from 0; all, or those given) with anything drawn in the outer ``band`` points.

    Everything we draw stays inside half-inch margins, so a mark in this band is something
    that ran over: text too long for its place, or a shape drawn out of the page.
    """
    bad = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in (range(len(document)) if pages is None else pages):
            image = document[index].render(scale=scale).to_pil().convert("L")
            width, height = image.size
            edge = int(band * scale)
            boxes = [(0, 0, width, edge), (0, height - edge, width, height),
                     (0, 0, edge, height), (width - edge, 0, width, height)]
            if any(image.crop(box).getextrema()[0] < 250 for box in boxes):
                bad.append(index)
    finally:
        document.close()
    return bad


def glyphs_outside(path: Path, margin: float = 30.0, pages: Sequence[int] | None = None
                   ) -> list[Glyph]:
    """Characters drawn closer than ``margin`` to an edge of their page (or beyond it)."""
    reader = pypdf.PdfReader(path)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    outside = []
    for glyph in glyphs(path, pages):
        width, height = sizes[glyph.page]
        if not (margin <= glyph.left <= glyph.right <= width - margin
                and margin <= glyph.bottom <= glyph.top <= height - margin):
            outside.append(glyph)
    return outside
