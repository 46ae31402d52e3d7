"""PNG images of report pages for slides: the summary, the chart or a lens page.

    write(matrix, Path("summary.png"), page="summary", scale=2)
    write(matrix, Path("chart.png"), page="chart")         # chart.png, or chart-1.png, -2…
    write(matrix, Path("support.png"), page="lens", lens="Support")

An image is the PDF report's own page, rasterised: the report is written to a temporary PDF
with the same drawing code as ``export.write`` and the pages of the chosen section are
rendered with PDFium (pypdfium2). reportlab cannot do it alone: its renderPM draws only
``Drawing`` objects, not platypus pages, and needs a Cairo or C backend besides. The whole
report is built, not the section alone, so that page references on the summary ("and 12
more, page 7") and the footer's "Page x of y" read as they do in the PDF.

``scale`` is pixels per PDF point: 1 is 72 dpi, the default 2 is 144 dpi (an A4 landscape
page is 1684 x 1191 pixels), sharp on a projector and a high-density screen.

A section that takes one page is written to the path given. One that takes several (the
chart of a large matrix, a long lens page) is written as ``OUT-1.png``, ``OUT-2.png``… beside
it, one file per page; ``write_images`` returns the paths written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.snapshots import DriftPoint
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.pdf import export

IMAGE_PAGES = ("summary", "chart", "lens")
DEFAULT_SCALE = 2.0
MIN_SCALE, MAX_SCALE = 0.25, 6.0
# The sections' outline entries (pages.SectionStart), by page kind.
_SECTION_TITLES = {"summary": "Executive summary", "chart": "Responsibility chart"}
_LENS_PREFIX = "Lens: "


def write(matrix: Matrix, path: Path, **options: Any) -> None:
    """The writer of ``.png`` files (cxmatrix.interchange.formats); see ``write_images``."""
    write_images(matrix, path, **options)


def write_images(matrix: Matrix, path: Path, *, page: str = "summary",
                 lens: str | None = None, lenses: Iterable[str] = (),
                 scale: float = DEFAULT_SCALE, source_name: str = "", page_size: str = "a4",
                 fit_page: bool = False, only_findings: bool = False,
                 progress: Progress | None = None, printed_on: date | None = None,
                 drift: Sequence[DriftPoint] = (), **_options: object) -> list[Path]:
    """Write the ``page`` section (summary, chart or lens) of the report as PNG images.

    ``lens`` names the department of a lens page; without it the first of ``lenses``, else
    the focus department. Raises ExportFailed (nothing written) for a bad option, an unknown
    department or a file that cannot be written, and Cancelled if ``progress`` is cancelled.
    ``drift`` (the file's snapshots' figures, oldest first) draws the drift chart on the
    summary page when there are at least two, as in the PDF.
    """
    path = Path(path)
    kind = str(page or "summary").strip().lower()
    if kind not in IMAGE_PAGES:
        raise ExportFailed(f"{path.name}: unknown page {page!r} (use {', '.join(IMAGE_PAGES)})")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ExportFailed(f"{path.name}: scale {scale:g} is out of range (use {MIN_SCALE:g} "
                           f"to {MAX_SCALE:g}; 2 is sharp on a projector)")
    department = ""
    if kind == "lens":
        department = lens or next(iter(lenses), "")
        if not department:
            focus = matrix.focus_department
            if focus is None:
                raise ExportFailed(f"{path.name}: name the department of the lens page (this "
                                   "matrix has no focus department)")
            department = focus.name
        department = export.lens_departments(matrix, [department], path.name)[0].name
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory(prefix="cxmatrix-image-") as folder:
        report = Path(folder) / "report.pdf"
        export.write(matrix, report, source_name=source_name, page_size=page_size,
                     lenses=(department,) if department else (), progress=progress,
                     printed_on=printed_on, fit_page=fit_page, only_findings=only_findings,
                     drift=tuple(drift))
        document = pdfium.PdfDocument(str(report))
        try:
            title = _LENS_PREFIX + department if kind == "lens" else _SECTION_TITLES[kind]
            first, last = _section_pages(document, title)
            count = last - first + 1
            targets = ([path] if count == 1 else
                       [path.with_name(f"{path.stem}-{n}{path.suffix}")
                        for n in range(1, count + 1)])
            for index, target in zip(range(first, last + 1), targets, strict=True):
                if progress is not None:
                    progress.check()
                image = _render(document, index, scale)
                with atomic_path(target) as temp:
                    image.save(temp, format="PNG", optimize=False)
        finally:
            document.close()
    return targets


def render_page_png(pdf_path: Path, index: int, scale: float) -> bytes:
    """Page ``index`` (from 0) of a PDF file as PNG bytes (for a preview)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        image = _render(document, index, scale)
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _render(document: Any, index: int, scale: float) -> Any:
    page = document[index]
    try:
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            return bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()


def _section_pages(document: Any, title: str) -> tuple[int, int]:
    """First and last page index (from 0) of the section whose top-level bookmark is
    ``title``: up to the page before the next section's."""
    starts: list[tuple[int, str]] = []
    for bookmark in document.get_toc():
        if bookmark.level != 0:
            continue
        dest = bookmark.get_dest()
        index = dest.get_index() if dest is not None else None
        if index is not None:
            starts.append((index, bookmark.get_title()))
    starts.sort(key=lambda start: start[0])
    for position, (index, name) in enumerate(starts):
        if name == title:
            end = (starts[position + 1][0] - 1 if position + 1 < len(starts)
                   else len(document) - 1)
            return index, max(index, end)
    raise ExportFailed(f"the report has no section {title!r}")  # a bug, not bad input
