"""PDF report speed: the full report against raw reportlab canvas drawing the same grid.

Ours: ``pdf_export.write`` for a generated matrix (executive summary, every chart page,
findings; A4 landscape). Baseline: the plain reportlab canvas code anyone would write for the
same chart: the same fonts and page size, the department names rotated at the top of each
page, then for every row its touchpoint name and, for every role, a coloured cell with its
letter centred on it, with as many rows to a page as give the same number of chart pages as
ours; then pages of the findings' messages as text until it has as many pages as our whole
report (summary, findings and all). Ours and the baseline run in turns, so a busy machine
slows both alike. Both write compressed streams without ASCII85 (reportlab's global setting,
which our writer also uses).

Target for M (2,000 touchpoints x 30 departments): within 2x. L (20,000 x 50) is timed once,
for information, with the same baseline.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from common import Result, alternating_medians, ratio_result
from pypdf import PdfReader
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from cxmatrix import palette
from cxmatrix.domain.findings import touchpoint_findings
from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.pdf import export as pdf_export
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.pages import binary_streams

TARGET = 2.0
ROWS_PER_PAGE = 24


def raw_canvas_grid(matrix: Matrix, path: Path, rows_per_page: int = ROWS_PER_PAGE,
                    total_pages: int = 0) -> None:
    """The same grid drawn the plain way (every cell and letter one canvas call each), then
    pages of text lines (the findings' messages, batched in text objects) until the file has
    ``total_pages``: as many pages as the report, so the two do the same amount of work."""
    fonts.register_fonts()
    width, height = theme.page_size("a4")
    fills = {role: HexColor("#" + palette.ROLE_FILL[role]) for role in palette.ROLE_FILL}
    inks = {role: HexColor("#" + palette.ROLE_INK[role]) for role in palette.ROLE_INK}
    departments = matrix.departments
    per_page = min(len(departments), 30) or 1
    cell = (width - 72 - 200) / per_page
    rows = list(matrix.iter_touchpoints())
    canvas = Canvas(str(path), pagesize=(width, height))
    for start in range(0, len(rows), rows_per_page):
        for part in range(math.ceil(len(departments) / per_page)):
            shown = departments[part * per_page:(part + 1) * per_page]
            top = height - 150
            canvas.setFont(fonts.CONDENSED_BOLD, 7.4)
            for index, dept in enumerate(shown):
                canvas.saveState()
                canvas.translate(236 + index * cell + cell / 2, top + 4)
                canvas.rotate(90)
                canvas.drawString(0, 0, dept.name)
                canvas.restoreState()
            y = top
            for tp in rows[start:start + rows_per_page]:
                y -= 13
                canvas.setFillColor(theme.INK)
                canvas.setFont(fonts.CONDENSED, 7.6)
                canvas.drawString(40, y + 4, tp.name)
                row = matrix.row_roles(tp.id)
                canvas.setFont(fonts.BOLD, 7.4)
                for index, dept in enumerate(shown):
                    role = row.get(dept.id)
                    if role is None:
                        continue
                    x = 236 + index * cell
                    canvas.setFillColor(fills[role.value])
                    canvas.rect(x + 0.7, y + 0.7, cell - 1.4, 11.6, stroke=0, fill=1)
                    canvas.setFillColor(inks[role.value])
                    canvas.drawCentredString(x + cell / 2, y + 4, role.letter)
            canvas.showPage()
    pages = math.ceil(len(rows) / rows_per_page) * math.ceil(len(departments) / per_page)
    lines = [f"{tp.name}: {finding.message}" for tp in rows
             for finding in touchpoint_findings(matrix, tp)] or ["(no findings)"]
    line = 0
    while pages < total_pages:
        text = canvas.beginText(40, height - 60)
        text.setFont(fonts.REGULAR, 8.5)
        for _ in range(60):
            text.textLine(lines[line % len(lines)][:120])
            line += 1
        canvas.drawText(text)
        canvas.showPage()
        pages += 1
    canvas.save()


def run(quick: bool) -> list[Result]:
    results = []
    repeat = 3 if quick else 5
    fonts.register_fonts()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        sizes = [("M", repeat)] if quick else [("M", repeat), ("L", 1)]
        for size, times in sizes:
            matrix = generate_size(size)

            overview = pdf_export.chart_overview(matrix)
            blocks = max(1, overview.pages // overview.department_parts)
            rows = max(1, math.ceil(matrix.touchpoint_count / blocks))

            pdf_export.write(matrix, out / "ours.pdf")
            total = len(PdfReader(out / "ours.pdf").pages)

            def raw(matrix: Matrix = matrix, rows: int = rows, total: int = total) -> None:
                with binary_streams():
                    raw_canvas_grid(matrix, out / "raw.pdf", rows, total)

            ours, baseline = alternating_medians(
                lambda matrix=matrix: pdf_export.write(matrix, out / "ours.pdf"), raw, times)
            result = ratio_result("pdf", f"report {size}", ours, baseline,
                                  "raw canvas: same grid, names and letters", TARGET)
            if size != "M":
                result.target, result.ok = "(information)", None
            results.append(result)
    return results
