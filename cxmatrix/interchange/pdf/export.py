"""Export a matrix as a PDF report for executive meetings (see cxmatrix.interchange.pdf).

    write(matrix, path, source_name="demo.cxm", page_size="a4", lenses=["Support"])

The report: an executive summary, the responsibility chart, the findings and, optionally, one
lens page per chosen department. Pages are landscape. The file is written completely or not
at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cxmatrix.domain.findings import compute_findings
from cxmatrix.domain.limits import MAX_PDF_CHART_CELLS
from cxmatrix.domain.model import Department, Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Severity
from cxmatrix.domain.snapshots import DriftPoint, Snapshot
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.chart import make_layout
from cxmatrix.interchange.pdf.report import build_report
from cxmatrix.interchange.pdf.theme import PAGE_SIZE_NAMES, PAGE_SIZES

PAGE_SIZE_CHOICES = tuple(PAGE_SIZES)  # a4, letter, a3, tabloid
PAGE_SIZE_LABELS = PAGE_SIZE_NAMES  # for a dialog: {"a4": "A4", "letter": "US Letter", ...}


@dataclass(frozen=True)
class ChartOverview:
    """How the chart will be cut up on a page size, for an export dialog to show."""

    pages: int
    department_parts: int  # >1 when the departments are split across pages side by side
    departments_per_page: int


def chart_overview(matrix: Matrix, page_size: str = "a4", *, fit_page: bool = False,
                   only_findings: bool = False) -> ChartOverview:
    """Lay the chart out without drawing it (a fraction of a second for 2,000 touchpoints)."""
    fonts.register_fonts()
    only = None
    if only_findings:
        only = {f.touchpoint_id for f in compute_findings(matrix)
                if f.touchpoint_id is not None and f.severity in (Severity.ERROR,
                                                                  Severity.WARNING)}
    layout = make_layout(matrix, {}, page_size, *theme.frame_size(page_size),
                         fit_page=fit_page, touchpoint_ids=only)
    return ChartOverview(len(layout.pages), len(layout.parts), layout.per_part)


def lens_departments(matrix: Matrix, names: Iterable[str], file_name: str
                     ) -> list[Department]:
    """The departments named for lens pages, in the order given; unknown names are refused."""
    chosen: list[Department] = []
    for name in names:
        department = matrix.find_department(name)
        if department is None:
            known = ", ".join(repr(d.name) for d in matrix.departments[:12])
            more = " …" if len(matrix.departments) > 12 else ""
            hint = f" (departments: {known}{more})" if known else " (it has no departments)"
            raise ExportFailed(f"{file_name}: no department called {name!r} for a lens page in "
                               f"this matrix{hint}")
        if department not in chosen:
            chosen.append(department)
    return chosen


def write(matrix: Matrix, path: Path, *, source_name: str = "", page_size: str = "a4",
          lenses: Iterable[str] = (), progress: Progress | None = None,
          printed_on: date | None = None, fit_page: bool = False,
          only_findings: bool = False, with_target: bool = True,
          compare_with: Snapshot | None = None, drift: Sequence[DriftPoint] = (),
          **_options: object) -> None:
    """Write the PDF report of ``matrix`` to ``path``.

    ``page_size`` is a4, letter, a3 or tabloid (pages are landscape); ``lenses`` names the
    departments that get a lens page; ``source_name`` is the file name shown in the footer.
    ``fit_page`` sets the chart as large as lets it fit on one page (smaller type when it
    must); ``only_findings`` keeps only the touchpoints with an error or a warning in it.
    A matrix with a plan gets a "From today to target" section after the executive summary
    (``with_target=False`` leaves it out); ``compare_with`` (a snapshot) gives the same
    section against that snapshot instead; ``drift`` (the file's snapshots' figures, oldest
    first) draws the drift chart on the summary page when there are at least two.
    Raises ExportFailed (nothing written) for a bad option or a file that cannot be written,
    and Cancelled if ``progress`` is cancelled.
    """
    path = Path(path)
    size = str(page_size or "a4").strip().lower()
    if size not in PAGE_SIZES:
        raise ExportFailed(f"{path.name}: unknown page size {page_size!r} "
                           f"(use {', '.join(PAGE_SIZE_CHOICES)})")
    # The chart draws every touchpoint against every department; time and memory follow.
    cells = matrix.touchpoint_count * len(matrix.departments)
    if cells > MAX_PDF_CHART_CELLS:
        raise ExportFailed(
            f"{path.name}: {matrix.touchpoint_count:,} touchpoints x "
            f"{len(matrix.departments):,} departments is too large for the PDF report (at most "
            f"{MAX_PDF_CHART_CELLS:,} chart cells); export to Excel, or report a part of it")
    departments = lens_departments(matrix, lenses, path.name)
    with atomic_path(path) as temp:
        build_report(matrix, temp, page_size=size, source_name=source_name,
                     lenses=departments, progress=progress,
                     printed_on=printed_on or date.today(), fit_page=bool(fit_page),
                     only_findings=bool(only_findings), with_target=bool(with_target),
                     compare_with=compare_with, drift=tuple(drift))
