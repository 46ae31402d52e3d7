"""What Help > About says: the app's name, version and purpose, and the licences of what it ships.

No Qt here: the GUI shows `about_html()` (rich text for QMessageBox.about) and can offer
`licences_text()` in full, for example as the box's detailed text. The font licences are read
from resources/fonts, so they always match the fonts actually bundled.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from cxmatrix import APP_NAME, __version__
from cxmatrix.resources import resource_path

PURPOSE = ("Map every customer touchpoint against every department and give each one a "
           "clear owner: Own, Influence or Handle. cxmatrix shows where ownership is missing "
           "or ambiguous, and exports the matrix to Excel, CSV and JSON, a PDF report for "
           "meetings and PNG images of the report's pages for slides.")
APP_LICENCE = "MIT licence"
# The libraries inside the packaged app, with the licence each is distributed under.
LIBRARIES = (
    ("Python", "PSF licence"),
    ("Qt and PySide6", "LGPL v3"),
    ("SQLAlchemy and SQLModel", "MIT licence"),
    ("openpyxl", "MIT licence"),
    ("XlsxWriter", "BSD licence"),
    ("ReportLab", "BSD licence"),
    ("pypdfium2 and PDFium", "BSD and Apache 2.0 licences"),
    ("python-calamine", "MIT licence"),
    ("defusedxml", "PSF licence"),
    ("psycopg and libpq", "LGPL v3 and PostgreSQL licence"),
)
_FONT_SUFFIXES = (".ttf", ".otf")
_LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|ofl|copyright)", re.IGNORECASE)


@dataclass(frozen=True)
class FontLicence:
    """One licence file of resources/fonts, with what it covers."""

    file_name: str
    family: str           # "DejaVu fonts", from Upstream-Name or the file's first line
    licence: str          # "Bitstream Vera", from the License: field, or "" when not stated
    fonts: tuple[str, ...]
    text: str


def _field(text: str, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def font_licences(fonts_dir: Path | None = None) -> list[FontLicence]:
    """The licence files beside the bundled fonts (an empty list if there are none)."""
    folder = fonts_dir or resource_path("fonts")
    if not folder.is_dir():
        return []
    fonts = tuple(sorted(p.name for p in folder.iterdir() if p.suffix.lower() in _FONT_SUFFIXES))
    licences = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or not _LICENCE_NAME.match(path.name):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
        family = _field(text, "Upstream-Name") or first_line or path.stem
        licence = _field(text, "License").replace("-", " ").title()
        licences.append(FontLicence(path.name, family, licence, fonts, text))
    return licences


def _font_line(licence: FontLicence) -> str:
    which = f" ({', '.join(licence.fonts)})" if licence.fonts else ""
    under = f", {licence.licence} licence" if licence.licence else ""
    return f"{licence.family}{which}{under} (full text: fonts/{licence.file_name})"


def about_text() -> str:
    """The About box as plain text."""
    lines = [f"{APP_NAME} {__version__}", "", PURPOSE, "",
             f"{APP_NAME} is free software under the {APP_LICENCE}.", "",
             "Built with:"]
    lines += [f"  {name}: {licence}" for name, licence in LIBRARIES]
    fonts = font_licences()
    if fonts:
        lines += ["", "Fonts embedded in PDF reports:"]
        lines += [f"  {_font_line(licence)}" for licence in fonts]
    return "\n".join(lines)


def about_html() -> str:
    """The About box as Qt rich text (a small HTML subset)."""
    esc = html.escape
    parts = [f"<h3>{esc(APP_NAME)} {esc(__version__)}</h3>", f"<p>{esc(PURPOSE)}</p>",
             f"<p>{esc(APP_NAME)} is free software under the {esc(APP_LICENCE)}.</p>",
             "<p><b>Built with</b><br>"
             + "<br>".join(f"{esc(name)}: {esc(licence)}" for name, licence in LIBRARIES)
             + "</p>"]
    fonts = font_licences()
    if fonts:
        parts.append("<p><b>Fonts embedded in PDF reports</b><br>"
                     + "<br>".join(esc(_font_line(licence)) for licence in fonts) + "</p>")
    return "".join(parts)


def licences_text() -> str:
    """The full text of every bundled font licence, for a 'show details' area."""
    return "\n\n".join(f"== {licence.file_name} ==\n{licence.text.rstrip()}"
                       for licence in font_licences())
