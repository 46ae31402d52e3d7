"""The page frame of the report: header, footer with "Page x of y", and the document.

"Page x of y" needs the page count before the last page is known. ``ReportCanvas`` keeps each
finished page's drawing aside and adds the footers when the document is saved: one pass over
the pages, so the cost stays linear in the number of pages (platypus's own two-pass approach
would build the whole document twice). Forward references ("and 12 more, page 7") use the
same trick: a flowable notes where its text goes, and the text is drawn at save time, when
the page of every anchor is known.

``SectionStart`` also adds the section to the PDF outline (bookmarks), so a reader can jump
to the summary, a chart part, the findings or a lens page.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from cxmatrix import __version__
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.text import fit


@dataclass
class PageInfo:
    """What the header and footer of every page say."""

    title: str
    organisation: str
    source_name: str
    printed_on: date
    section: str = ""  # the section the page belongs to, set as the report is built

    @property
    def date_text(self) -> str:
        return f"{self.printed_on.day} {self.printed_on:%B %Y}"


def draw_header(canvas: Canvas, info: PageInfo, page_width: float, page_height: float) -> None:
    left, right = theme.MARGIN, page_width - theme.MARGIN
    width = right - left
    baseline = page_height - theme.MARGIN - theme.TITLE_SIZE
    canvas.saveState()
    # Right: the organisation and the section, so a page torn out still says what it is.
    parts = [fit(text, fonts.REGULAR, theme.HEADER_SMALL, width * 0.25)
             for text in (info.organisation, info.section) if text.strip()]
    organisation = "  ·  ".join(parts)
    org_width = canvas.stringWidth(organisation, fonts.REGULAR, theme.HEADER_SMALL)
    title_room = width - org_width - (18 if organisation else 0)
    canvas.setFillColor(theme.INK)
    canvas.setFont(fonts.BOLD, theme.TITLE_SIZE)
    canvas.drawString(left, baseline, fit(info.title, fonts.BOLD, theme.TITLE_SIZE, title_room))
    if organisation:
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.REGULAR, theme.HEADER_SMALL)
        canvas.drawRightString(right, baseline, organisation)
    canvas.setStrokeColor(theme.ACCENT)
    canvas.setLineWidth(1.2)
    rule = page_height - theme.MARGIN - theme.HEADER_HEIGHT + 10
    canvas.line(left, rule, right, rule)
    canvas.restoreState()


def draw_footer(canvas: Canvas, info: PageInfo, number: int, total: int) -> None:
    page_width = canvas._pagesize[0]
    left, right = theme.MARGIN, page_width - theme.MARGIN
    width = right - left
    canvas.saveState()
    canvas.setStrokeColor(theme.RULE)
    canvas.setLineWidth(0.5)
    rule = theme.MARGIN + theme.FOOTER_HEIGHT - 8
    canvas.line(left, rule, right, rule)
    canvas.setFillColor(theme.MUTED)
    canvas.setFont(fonts.REGULAR, theme.FOOTER_SIZE)
    baseline = theme.MARGIN + 2
    canvas.drawString(left, baseline, info.date_text)
    if info.source_name:
        canvas.drawCentredString(page_width / 2, baseline,
                                 fit(info.source_name, fonts.REGULAR, theme.FOOTER_SIZE,
                                     width * 0.5))
    canvas.drawRightString(right, baseline, f"Page {number} of {total}")
    canvas.restoreState()


_settings_lock = threading.Lock()


@contextlib.contextmanager
def binary_streams() -> Iterator[None]:
    """Compressed streams without the ASCII85 wrapping reportlab adds by default (a global
    setting): files a fifth smaller, and saving them much faster."""
    with _settings_lock:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved


class ReportCanvas(Canvas):
    """A canvas that holds finished pages back until ``save`` so footers know the total."""

    def __init__(self, filename: str, *, info: PageInfo, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self._info = info
        self._held_pages: list[dict[str, Any]] = []
        self.on_save: Callable[[], None] | None = None
        self.anchors: dict[str, int] = {}  # anchor name -> page number, from 1
        self._late: list[tuple[int, Callable[[Canvas, dict[str, int]], None]]] = []
        # Bookmarks (link and outline destinations) name the page they are on, which only
        # exists once the page is written: they are noted here and made at save time.
        self._bookmarks: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        self._replaying = False

    def bookmarkPage(self, key: str, **kwargs: Any) -> str:
        if self._replaying:
            return str(super().bookmarkPage(key, **kwargs))
        self._bookmarks.setdefault(self.page_index, []).append((key, kwargs))
        return key

    @property
    def page_index(self) -> int:
        """The page being drawn now, from 0."""
        return len(self._held_pages)

    def set_anchor(self, name: str) -> None:
        self.anchors.setdefault(name, self.page_index + 1)

    def draw_late(self, draw: Callable[[Canvas, dict[str, int]], None]) -> None:
        """Call ``draw(canvas, anchors)`` on this page when the document is saved, in page
        coordinates (use ``absolutePosition`` to place it)."""
        self._late.append((self.page_index, draw))

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        if self._code:
            self.showPage()
        if self.on_save is not None:
            self.on_save()
        held = self._held_pages
        total = len(held)
        late: dict[int, list[Callable[[Canvas, dict[str, int]], None]]] = {}
        for index, draw in self._late:
            late.setdefault(index, []).append(draw)
        anchors = self.anchors
        bookmarks = self._bookmarks
        for number, state in enumerate(held, 1):
            self.__dict__.update(state)
            self.anchors = anchors
            self._replaying = True
            for key, kwargs in bookmarks.get(number - 1, ()):
                self.bookmarkPage(key, **kwargs)
            for draw in late.get(number - 1, ()):
                draw(self, anchors)
            draw_footer(self, self._info, number, total)
            Canvas.showPage(self)
        held.clear()
        Canvas.save(self)


class ReportDocument(BaseDocTemplate):
    """One frame per page between the header and the footer."""

    def __init__(self, path: Path, info: PageInfo, pagesize: tuple[float, float],
                 subject: str = "") -> None:
        super().__init__(
            str(path), pagesize=pagesize,
            leftMargin=theme.MARGIN, rightMargin=theme.MARGIN,
            topMargin=theme.MARGIN + theme.HEADER_HEIGHT,
            bottomMargin=theme.MARGIN + theme.FOOTER_HEIGHT,
            title=info.title, author=info.organisation, subject=subject,
            creator=f"cxmatrix {__version__}", producer=f"cxmatrix {__version__} (reportlab)",
            initialFontName=fonts.REGULAR, initialFontSize=theme.BODY_SIZE, lang="en",
        )
        self.info = info
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate("body", [frame], onPageEnd=self._page_end)])

    def _page_end(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_header(canvas, self.info, *self.pagesize)

    def make_canvas(self, on_save: Callable[[], None] | None = None
                    ) -> Callable[..., ReportCanvas]:
        def make(*args: Any, **kwargs: Any) -> ReportCanvas:
            canvas = partial(ReportCanvas, info=self.info)(*args, **kwargs)
            canvas.on_save = on_save
            return canvas
        return make


class SectionStart(Flowable):
    """Takes no room; from the page it lands on, headers name ``section``. It bookmarks its
    place in the outline (under ``outline`` when given, else as ``section``) and, with
    ``anchor``, records the page for forward references."""

    def __init__(self, info: PageInfo, section: str, outline: str = "", anchor: str = ""
                 ) -> None:
        super().__init__()
        self._info = info
        self._section = section
        self._outline = outline or section
        self._anchor = anchor

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._info.section = self._section
        add_outline(self.canv, self._outline, 0)
        if self._anchor and isinstance(self.canv, ReportCanvas):
            self.canv.set_anchor(self._anchor)


def add_outline(canvas: Canvas, title: str, level: int) -> None:
    """A bookmark here (the top of the current page) in the PDF outline."""
    key = f"outline-{next(_outline_keys)}"
    canvas.bookmarkPage(key)
    canvas.addOutlineEntry(title, key, level=level)


_outline_keys = itertools.count(1)


class Milestone(Flowable):
    """Takes no room; calls ``callback`` when platypus reaches it (for progress)."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback = callback

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._callback()
