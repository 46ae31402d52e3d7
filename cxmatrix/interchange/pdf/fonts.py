"""The DejaVu Sans fonts shipped in resources/fonts, registered once and embedded in each PDF.

Embedding (reportlab subsets TrueType fonts) makes accents, Greek and Cyrillic render the same
on every machine, whatever fonts it has installed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
CONDENSED = "DejaVuSansCondensed"
CONDENSED_BOLD = "DejaVuSansCondensed-Bold"
FONT_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    CONDENSED: "DejaVuSansCondensed.ttf",
    CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf",
}
LICENCE_FILE = "LICENSE.txt"

_lock = threading.Lock()
_registered = False


def font_dir() -> Path:
    """resources/fonts in the repository or inside a frozen (PyInstaller) bundle."""
    return resource_path("fonts")


def register_fonts() -> None:
    """Register the four faces and their families with reportlab (once per process)."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = font_dir()
        for name, file_name in FONT_FILES.items():
            path = folder / file_name
            if not path.is_file():
                raise ExportFailed(f"the font {file_name} is missing from {folder}; "
                                   "reinstall cxmatrix")
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except Exception as error:  # reportlab raises bare TTFError and friends
                raise ExportFailed(f"the font {file_name} cannot be read: {error}") from error
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                      boldItalic=BOLD)
        pdfmetrics.registerFontFamily(CONDENSED, normal=CONDENSED, bold=CONDENSED_BOLD,
                                      italic=CONDENSED, boldItalic=CONDENSED_BOLD)
        _registered = True
