"""Assemble the report: summary, chart, findings and lens pages, with progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from cxmatrix.domain.findings import Finding, compute_findings
from cxmatrix.domain.model import Department, Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Severity
from cxmatrix.domain.signoff import signoff_status
from cxmatrix.domain.snapshots import DriftPoint, Snapshot
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.briefing import FINDINGS_ANCHOR
from cxmatrix.interchange.pdf.chart import ChartPage, make_layout
from cxmatrix.interchange.pdf.findings import findings_section
from cxmatrix.interchange.pdf.lens import lens_section
from cxmatrix.interchange.pdf.pages import (
    Milestone,
    PageInfo,
    ReportDocument,
    SectionStart,
    binary_streams,
)
from cxmatrix.interchange.pdf.plan import drift_chart, snapshot_section, today_target_section
from cxmatrix.interchange.pdf.summary import summary_section


class _Steps:
    """Counts finished steps for the caller's Progress (which may cancel the work)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def step(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress.step(min(self.done, self.total), self.total, message)

    def milestone(self, message: str) -> Milestone:
        return Milestone(lambda: self.step(message))


def build_report(matrix: Matrix, path: Path, *, page_size: str, source_name: str,
                 lenses: Sequence[Department], progress: Progress | None,
                 printed_on: date, fit_page: bool = False, only_findings: bool = False,
                 with_target: bool = True, compare_with: Snapshot | None = None,
                 drift: Sequence[DriftPoint] = ()) -> None:
    fonts.register_fonts()
    info = PageInfo(matrix.title, matrix.organisation, source_name, printed_on)
    document = ReportDocument(path, info, theme.page_size(page_size),
                              subject="Customer touchpoints and the departments that own them")
    signoffs = signoff_status(matrix)  # for the findings, the summary and today to target
    findings = compute_findings(matrix, signoffs)
    by_touchpoint: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.touchpoint_id is not None:
            by_touchpoint[finding.touchpoint_id].append(finding)
    only = ({f.touchpoint_id for f in findings if f.touchpoint_id is not None
             and f.severity in (Severity.ERROR, Severity.WARNING)} if only_findings else None)
    layout = make_layout(matrix, by_touchpoint, page_size, document.width, document.height,
                         fit_page=fit_page, touchpoint_ids=only)
    layout.mark_plan = with_target and compare_with is None and matrix.has_plan
    steps = _Steps(progress, 3 + len(layout.pages) + len(lenses) + 1)
    if progress is not None:
        progress.step(0, steps.total, "Laying out the report")

    story: list[Flowable] = [SectionStart(info, "Executive summary")]
    summary = summary_section(matrix, findings, document.width, info, signoffs)
    if len(drift) >= 2:  # on the summary page, before its page break
        first_break = next((i for i, f in enumerate(summary) if isinstance(f, PageBreak)),
                           len(summary))
        summary.insert(first_break, drift_chart(drift, min(document.width, 560.0)))
    story.extend(summary)
    story.append(steps.milestone("Executive summary"))
    if compare_with is not None:
        story.append(PageBreak())
        story.extend(snapshot_section(compare_with, matrix, document.width, info))
    elif with_target and matrix.has_plan:
        story.append(PageBreak())
        story.extend(today_target_section(matrix, document.width, info, signoffs))
    story.append(PageBreak())
    story.append(SectionStart(info, "Responsibility chart"))
    for index, plan in enumerate(layout.pages):
        message = f"Chart page {index + 1} of {len(layout.pages)}"
        story.append(ChartPage(layout, plan, on_drawn=lambda m=message: steps.step(m)))
    story.append(PageBreak())
    story.append(SectionStart(info, "Findings", anchor=FINDINGS_ANCHOR))
    story.extend(findings_section(matrix, findings, document.width, document.height))
    story.append(steps.milestone("Findings"))
    for department in lenses:
        story.append(PageBreak())
        story.append(SectionStart(info, f"Lens: {department.name}"))
        story.extend(lens_section(matrix, department, document.width))
        story.append(steps.milestone(f"Lens: {department.name}"))
    with binary_streams():
        document.build(story, canvasmaker=document.make_canvas(
            on_save=lambda: steps.step("Saving the PDF")))
    if progress is not None:
        progress.step(steps.total, steps.total, "Done")
