"""PDF report speed: the whole report against a raw reportlab canvas drawing the same pages.

Ours: ``pdf_export.write`` for a generated matrix with everything the report draws
(``common.fully_featured``: a plan, so the "From today to target" section and the chart's
planned-change corners, sign-offs of every kind, and a drift chart of four points on the
summary page): executive summary, today to target, every chart page, findings; A4 landscape.

Baseline: the plain reportlab canvas code anyone would write for the same pages, batched the
way a fast writer draws (as ours does): on each chart page the department names rotated at
the top, the touchpoint names in one text object, the role tiles one path per role and their
letters one text object per role, the row rules one path; as many rows to a page as give
the same chart pages as ours. Every other page of our report (summary, today to target,
findings) is drawn from its own text, read back from our file before timing: its lines in
one text object per page. So the baseline has as many pages as our report, with the same
grid and the same words, and none of our work (layout, findings, tables, wrapping). Both
write compressed streams without ASCII85 (reportlab's global setting, which our writer also
uses). Ours and the baseline run in turns, timed by this process's CPU seconds.

Target for M (2,000 touchpoints x 30 departments): within 1.5x. L (20,000 x 50) is timed
once, for information, with the same baseline.
"""

from __future__ import annotations

import math
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import Result, alternate, compared, fully_featured
from pypdf import PdfReader
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from cxmatrix import palette
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.snapshots import DriftPoint, drift, ownership_figures
from cxmatrix.interchange.pdf import export as pdf_export
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.pages import binary_streams

TARGET = 1.5
CHART_SECTION, AFTER_CHART = "Responsibility chart", "Findings"


def drift_points(matrix: Matrix) -> list[DriftPoint]:
    """Four points of drift (the matrix's own figures, a quarter apart) for the summary's
    drift chart, as a file with four snapshots gives it."""
    figures = ownership_figures(matrix)
    start = datetime(2026, 1, 5, 9, 0)
    return drift((f"Quarter {n + 1}", start + timedelta(days=91 * n), figures)
                 for n in range(4))


def report_pages(path: Path) -> tuple[range, list[list[str]]]:
    """Our report's chart pages (by the outline), and the text lines of every other page."""
    reader = PdfReader(path)
    starts = {item.title: reader.get_destination_page_number(item)
              for item in reader.outline if not isinstance(item, list)}
    chart = range(starts[CHART_SECTION], starts[AFTER_CHART])
    texts = [page.extract_text().splitlines() for number, page in enumerate(reader.pages)
             if number not in chart]
    return chart, texts


def raw_canvas_report(matrix: Matrix, path: Path, rows_per_page: int, before: int,
                      text_pages: list[list[str]]) -> None:
    """The report's pages before the chart (``before`` of ``text_pages``) as their text
    lines, the chart drawn batched with the plain canvas, then the other pages' text."""
    fonts.register_fonts()
    width, height = theme.page_size("a4")
    fills = {role: HexColor("#" + palette.ROLE_FILL[role.value]) for role in Role}
    inks = {role: HexColor("#" + palette.ROLE_INK[role.value]) for role in Role}
    departments = matrix.departments
    per_page = min(len(departments), 30) or 1
    cell = (width - 72 - 200) / per_page
    rows = list(matrix.iter_touchpoints())
    canvas = Canvas(str(path), pagesize=(width, height))
    for lines in text_pages[:before]:
        _text_page(canvas, lines, height)
    for start in range(0, len(rows), rows_per_page):
        for part in range(math.ceil(len(departments) / per_page)):
            shown = departments[part * per_page:(part + 1) * per_page]
            column = {d.id: 236 + index * cell for index, d in enumerate(shown)}
            top = height - 150
            canvas.setFont(fonts.CONDENSED_BOLD, 7.4)
            for x, dept in zip(column.values(), shown, strict=True):
                canvas.saveState()
                canvas.translate(x + cell / 2, top + 4)
                canvas.rotate(90)
                canvas.drawString(0, 0, dept.name)
                canvas.restoreState()
            names = canvas.beginText()
            names.setFont(fonts.CONDENSED, 7.6)
            tiles = {role: canvas.beginPath() for role in fills}
            letters = {role: canvas.beginText() for role in fills}
            for role, text in letters.items():
                text.setFont(fonts.BOLD, 7.4)
                text.setFillColor(inks[role])
            rules = canvas.beginPath()
            y = top
            for tp in rows[start:start + rows_per_page]:
                y -= 13
                names.setTextOrigin(40, y + 4)
                names.textOut(tp.name)
                for dept_id, role in matrix.row_roles(tp.id).items():
                    x = column.get(dept_id)
                    if x is None:
                        continue
                    tiles[role].rect(x + 0.7, y + 0.7, cell - 1.4, 11.6)
                    letters[role].setTextOrigin(x + cell / 2 - 2.2, y + 4)
                    letters[role].textOut(role.letter)
                rules.moveTo(40, y)
                rules.lineTo(width - 36, y)
            canvas.setFillColor(theme.INK)
            canvas.drawText(names)
            for role, path_ in tiles.items():
                canvas.setFillColor(fills[role])
                canvas.drawPath(path_, stroke=0, fill=1)
                canvas.drawText(letters[role])
            canvas.drawPath(rules, stroke=1, fill=0)
            canvas.showPage()
    for lines in text_pages[before:]:
        _text_page(canvas, lines, height)
    canvas.save()


def _text_page(canvas: Canvas, lines: list[str], height: float) -> None:
    text = canvas.beginText(40, height - 40)
    text.setFont(fonts.REGULAR, 8.5)
    text.setLeading(min(10.0, (height - 80) / max(len(lines), 1)))
    for line in lines:
        text.textLine(line)
    canvas.drawText(text)
    canvas.showPage()


def run(quick: bool) -> list[Result]:
    results = []
    repeat = 3 if quick else 5
    fonts.register_fonts()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        sizes = [("M", repeat)] if quick else [("M", repeat), ("L", 1)]
        for size, times in sizes:
            matrix = fully_featured(generate_size(size))
            points = drift_points(matrix)

            def ours(matrix: Matrix = matrix, points: list[DriftPoint] = points) -> None:
                pdf_export.write(matrix, out / "ours.pdf", drift=points)

            ours()
            chart, text_pages = report_pages(out / "ours.pdf")
            rows = max(1, math.ceil(matrix.touchpoint_count
                                    / max(1, len(chart) // pdf_export.chart_overview(
                                        matrix).department_parts)))

            def raw(matrix: Matrix = matrix, rows: int = rows, chart: range = chart,
                    text_pages: list[list[str]] = text_pages) -> None:
                with binary_streams():
                    raw_canvas_report(matrix, out / "raw.pdf", rows, chart.start, text_pages)

            raw()
            pages = len(PdfReader(out / "ours.pdf").pages)
            drawn = len(PdfReader(out / "raw.pdf").pages)
            if drawn != pages:
                raise AssertionError(f"the baseline drew {drawn} pages, our report has {pages}")
            samples = alternate(ours, raw, times, clock=time.process_time)
            result = compared("pdf", f"report {size}, {pages} pages (CPU)", samples,
                              "raw canvas, same pages batched: grid, names, letters, text",
                              TARGET if size == "M" else None)
            results.append(result)
    return results
