"""Page sizes, margins, colours and type sizes of the report, in one place.

Colours come from cxmatrix.palette, so the PDF matches the grid and the Excel file. Everything
else is greys with clearly different lightness, so the report reads well printed in greyscale.
"""

from __future__ import annotations

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A3, A4, LETTER, TABLOID, landscape

from cxmatrix import palette
from cxmatrix.domain.roles import Role

PAGE_SIZES = {"a4": A4, "letter": LETTER, "a3": A3, "tabloid": TABLOID}
PAGE_SIZE_NAMES = {"a4": "A4", "letter": "US Letter", "a3": "A3", "tabloid": "Tabloid"}


def page_size(name: str) -> tuple[float, float]:
    """The landscape page for a size name (a4, letter, a3 or tabloid)."""
    return landscape(PAGE_SIZES[name])


def _hex(value: str) -> Color:
    return HexColor("#" + value)


ROLE_FILL = {role: _hex(palette.ROLE_FILL[role.value]) for role in Role}
ROLE_INK = {role: _hex(palette.ROLE_INK[role.value]) for role in Role}
STAGE_BAND = _hex(palette.STAGE_BAND)
FINDING_ERROR = _hex(palette.FINDING_ERROR)
FINDING_WARNING = _hex(palette.FINDING_WARNING)
FINDING_INFO = _hex(palette.FINDING_INFO)


def _tint(colour: Color, share: float) -> Color:
    return Color(1 - (1 - colour.red) * share, 1 - (1 - colour.green) * share,
                 1 - (1 - colour.blue) * share)


# Row tints of the chart: pale, so the letters stay readable, and of different lightness, so
# the two kinds of problem row differ in greyscale too (their markers and frames differ more).
TINT_ERROR = _tint(FINDING_ERROR, 0.20)
TINT_WARNING = _tint(FINDING_WARNING, 0.14)

INK = HexColor("#1F2430")
MUTED = HexColor("#5B6270")
FAINT = HexColor("#8A909C")
RULE = HexColor("#C9CED6")
HAIRLINE = HexColor("#DDE1E7")
HEADER_BAND = HexColor("#F2F3F6")
ACCENT = _hex(palette.ROLE_FILL["own"])
WHITE = HexColor("#FFFFFF")

MARGIN = 36.0  # half an inch: inside every printer's unprintable border
HEADER_HEIGHT = 30.0  # title line and rule, above the frame
FOOTER_HEIGHT = 22.0  # rule and footer line, below the frame



def type_scale(name: str) -> float:
    """How much larger the chart is set on this paper: A3 and Tabloid take bigger type."""
    return 1.25 if name in ("a3", "tabloid") else 1.0


def frame_size(name: str) -> tuple[float, float]:
    """The room between the margins, header and footer of a landscape page."""
    width, height = page_size(name)
    return (width - 2 * MARGIN,
            height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT)


TITLE_SIZE = 11.0
HEADER_SMALL = 8.0
FOOTER_SIZE = 7.5
BODY_SIZE = 9.0
SMALL_SIZE = 7.5
HEADING_SIZE = 17.0
SUBHEADING_SIZE = 11.5
