"""Print setup of the exported workbook's sheets: paper, margins, titles, header and footer.

Narrow sheets print one page wide. The Matrix sheet prints at a fixed, readable scale
instead: a wide matrix becomes pages of columns, each repeating the touchpoint column and the
header row, rather than one page of type too small to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from xlsxwriter.worksheet import Worksheet

from cxmatrix.interchange.cell_text import excel_text

PAPER_SIZES = {"a4": 9, "letter": 1, "a3": 8, "legal": 5, "tabloid": 3}
HEADER_PART_LIMIT = 80
# The Matrix sheet's print scale: 11-point text prints at 85% as 9.4 points.
MATRIX_PRINT_SCALE = 85
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.6}
HEADER_MARGIN = 0.3


@dataclass(frozen=True)
class PageText:
    """What every printed page says besides the cells: the matrix, the paper, the date."""

    title: str
    organisation: str
    focus: str
    paper: str
    exported: datetime


def set_up_printing(sheet: Worksheet, page: PageText, *, landscape: bool,
                    title_rows: int | None, focus: bool = False,
                    one_page_wide: bool = True) -> None:
    """Paper, margins, the repeated title row (0-based), and the matrix's title,
    organisation, export date and page numbers in the page header and footer."""
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(PAPER_SIZES.get(str(page.paper).lower(), PAPER_SIZES["a4"]))
    if one_page_wide:
        sheet.fit_to_pages(1, 0)
    if title_rows is not None:
        sheet.repeat_rows(title_rows)
    sheet.set_margins(**MARGINS)
    # Empty parts stay unset: an empty part confuses readers of the header text.
    header = "&L" + header_text(page.title)
    if page.organisation.strip():
        header += "&C" + header_text(page.organisation)
    if focus and page.focus:
        header += "&R" + header_text(f"Focus department: {page.focus}")
    sheet.set_header(header, {"margin": HEADER_MARGIN})
    # &A is the sheet's name.
    sheet.set_footer(f"&L&A, exported {page.exported:%Y-%m-%d} by cxmatrix&RPage &P of &N",
                     {"margin": HEADER_MARGIN})


def header_text(text: str, limit: int = HEADER_PART_LIMIT) -> str:
    """One line of at most ``limit`` characters for a print header, '&' escaped as '&&'.

    Excel refuses a header longer than 255 characters in all, codes included, so each of the
    three parts stays well under a third of that.
    """
    escaped = " ".join(excel_text(text).split()).replace("&", "&&")
    if len(escaped) <= limit:
        return escaped
    cut = escaped[:limit - 1]
    if (len(cut) - len(cut.rstrip("&"))) % 2:
        cut = cut[:-1]  # never split an escaped '&&'
    return cut.rstrip() + "…"
