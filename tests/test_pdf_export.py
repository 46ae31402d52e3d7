"""The PDF report read back: pages, sizes, texts, fonts, options, progress and failures."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdf
import pytest
from pdf_checks import demo_matrix, font_report, glyphs_outside, margins_are_blank, page_texts

from cxmatrix.domain.findings import CRITICAL_MOMENT_UNOWNED, NO_OWNER, compute_findings
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Cancelled, Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.formats import writer_for
from cxmatrix.interchange.pdf import fonts
from cxmatrix.interchange.pdf.export import chart_overview, write

POINTS_PER_INCH = 72


@pytest.fixture(scope="module")
def demo() -> Matrix:
    return demo_matrix()


@pytest.fixture(scope="module")
def demo_pdf(demo: Matrix, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    focus = demo.focus_department or demo.departments[0]
    write(demo, path, source_name="demo.cxm", lenses=[focus.name],
          printed_on=date(2026, 3, 4))
    return path


def test_the_registry_writes_pdf_with_this_module(demo: Matrix, tmp_path: Path) -> None:
    path = tmp_path / "via-registry.pdf"
    writer_for(path)(demo, path, source_name="x.cxm", page_size="letter", lenses=(),
                     progress=None, findings=None)
    assert pypdf.PdfReader(path).pages[0].mediabox.width == 11 * POINTS_PER_INCH


def test_report_sections_come_in_order(demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    assert "Executive summary" in texts[0]
    first_chart = next(i for i, t in enumerate(texts) if "Responsibility chart" in t)
    findings = next(i for i, t in enumerate(texts) if t.lstrip().startswith("Findings")
                    or "\nFindings\n" in t)
    lens = next(i for i, t in enumerate(texts) if "Department lens:" in t)
    assert 0 < first_chart < findings < lens == len(texts) - 1 or lens > findings


def test_every_page_has_header_and_numbered_footer(demo: Matrix, demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert demo.title in text
        assert "4 March 2026" in text
        assert "demo.cxm" in text
        if demo.organisation:
            assert demo.organisation in text


def test_summary_gives_counts_and_every_department(demo: Matrix, demo_pdf: Path) -> None:
    briefing, departments = page_texts(demo_pdf)[:2]
    summary = briefing + departments
    findings = compute_findings(demo)
    single = sum(1 for tp in demo.iter_touchpoints() if len(demo.owners(tp.id)) == 1)
    assert f"{single} of {demo.touchpoint_count} touchpoints" in summary
    assert f"{round(100 * single / demo.touchpoint_count)}%" in summary
    for title in ("No clear owner", "Several owners", "Decisions needed"):
        assert title in briefing
    for title in ("owned touchpoints have no metric recorded", "Touchpoints owned, by stage",
                  "Roles by department"):
        assert title in departments
    for dept in demo.departments:
        assert dept.name in departments
    no_owner = sum(1 for f in findings if f.code == NO_OWNER)
    assert re.search(rf"\b{no_owner}\nNo clear owner", briefing)


def test_chart_shows_every_touchpoint_department_and_legend(demo: Matrix,
                                                            demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    chart = [t for t in texts if "Responsibility chart" in t]
    joined = "\n".join(chart)
    for tp in demo.iter_touchpoints():
        assert tp.name in joined
    for stage in demo.stages:
        assert stage.name in joined
    for page in chart:
        for role in Role:
            assert role.label in page
        for dept in demo.departments:
            assert dept.name in " ".join(page.split())
        assert "No clear owner" in page and "Peak moment" in page


def test_findings_section_lists_each_problem_with_its_message(demo: Matrix,
                                                              demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    start = next(i for i, t in enumerate(texts) if "needs exactly one clear owner:" in t)
    section = " ".join(" ".join(t.split()) for t in texts[start:])
    for finding in compute_findings(demo):
        if finding.code == CRITICAL_MOMENT_UNOWNED:  # few, and each worth its sentence
            assert " ".join(finding.message.split()) in section
        if finding.code in (NO_OWNER, CRITICAL_MOMENT_UNOWNED, "several-owners"):
            tp = demo.touchpoint(finding.touchpoint_id)
            assert tp.name in section
        if finding.code == NO_OWNER:  # grouped by stage
            assert f"{demo.stage(tp.stage_id).name} (" in section
        if finding.code == "several-owners":  # grouped by the owners
            assert f"{finding._names()} (" in section


def test_findings_section_leaves_out_a_planned_touchpoint(tmp_path: Path) -> None:
    """A touchpoint flagged planned exists only at target: the findings section lists today's
    findings (those of ``today_and_target``), so its "no owner" is not among them."""
    from cxmatrix.domain.findings import today_and_target

    matrix = demo_matrix()
    unowned = [f.touchpoint_id for f in compute_findings(matrix) if f.code == NO_OWNER]
    assert len(unowned) >= 2
    planned = matrix.touchpoint(unowned[0])
    matrix.set_planned_touchpoint(planned.id, True)
    today = today_and_target(matrix).today_findings
    assert list(today) == compute_findings(matrix)
    path = tmp_path / "planned.pdf"
    write(matrix, path, source_name="demo.cxm", lenses=(), printed_on=date(2026, 3, 4))
    texts = page_texts(path)
    start = next(i for i, t in enumerate(texts) if "needs exactly one clear owner:" in t)
    section = " ".join(" ".join(t.split()) for t in texts[start:])
    assert " ".join(planned.name.split()) not in section
    for finding in today:
        if finding.code == NO_OWNER:
            tp = matrix.touchpoint(finding.touchpoint_id)
            assert " ".join(tp.name.split()) in section


def test_lens_pages_give_each_role_and_its_advice(demo: Matrix, demo_pdf: Path) -> None:
    focus = demo.focus_department or demo.departments[0]
    texts = page_texts(demo_pdf)
    start = next(i for i, t in enumerate(texts) if f"Department lens: {focus.name}" in t)
    lens = " ".join(" ".join(t.split()) for t in texts[start:])
    for heading in ("Owns", "Influences", "Handles", "No role yet"):
        assert heading in lens
    assert "Create routines and metrics" in lens
    owned = [tp for tp in demo.iter_touchpoints() if demo.role(tp.id, focus.id) is Role.OWN]
    for tp in owned:
        assert tp.name in lens
    for page in texts[start:]:  # a page torn out of the lens still says whose lens it is
        assert f"Lens: {focus.name}" in page


def test_page_headers_name_their_section(demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    assert texts[0].count("Executive summary") == 1  # the page header; the title heads it
    assert texts[1].count("Departments and roles") == 2  # heading and page header
    for page in texts:
        if page.startswith("Responsibility chart"):
            assert page.count("Responsibility chart") == 2  # the page's title and header
        elif "clear owner:" in page:
            assert "·  Findings" in page or "· Findings" in page


def test_fonts_are_our_embedded_dejavu_faces(demo_pdf: Path) -> None:
    report = font_report(demo_pdf)
    assert set(report) == {fonts.REGULAR, fonts.BOLD, fonts.CONDENSED, fonts.CONDENSED_BOLD}
    assert all(report.values()), report


def test_nothing_is_drawn_outside_the_margins(demo_pdf: Path) -> None:
    assert margins_are_blank(demo_pdf) == []
    assert glyphs_outside(demo_pdf) == []


@pytest.mark.parametrize(("size", "width", "height"), [
    ("a4", 841.89, 595.28), ("letter", 792, 612), ("a3", 1190.55, 841.89),
    ("tabloid", 1224, 792), ("A4", 841.89, 595.28)])
def test_page_sizes_are_landscape(demo: Matrix, tmp_path: Path, size: str, width: float,
                                  height: float) -> None:
    path = tmp_path / "sized.pdf"
    write(demo, path, page_size=size)
    pages = pypdf.PdfReader(path).pages
    for page in pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.01)
    assert glyphs_outside(path) == []


def test_bigger_pages_hold_more_rows(demo: Matrix, tmp_path: Path) -> None:
    counts = {}
    for size in ("letter", "a4", "a3"):
        path = tmp_path / f"{size}.pdf"
        write(demo, path, page_size=size)
        counts[size] = sum("Responsibility chart" in t for t in page_texts(path))
    assert counts["a3"] <= counts["a4"] <= counts["letter"]


def test_unknown_page_size_is_refused_and_nothing_written(demo: Matrix, tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    with pytest.raises(ExportFailed, match=r"bad\.pdf: unknown page size 'b5'"):
        write(demo, path, page_size="b5")
    assert list(tmp_path.iterdir()) == []


def test_unknown_lens_department_is_named(demo: Matrix, tmp_path: Path) -> None:
    path = tmp_path / "lens.pdf"
    path.write_bytes(b"previous")
    with pytest.raises(ExportFailed, match=r"lens\.pdf: no department called 'Astrology'"):
        write(demo, path, lenses=[demo.departments[0].name, "Astrology"])
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["lens.pdf"]


def test_lens_names_match_like_department_names(demo: Matrix, tmp_path: Path) -> None:
    path = tmp_path / "lenses.pdf"
    name = demo.departments[0].name
    write(demo, path, lenses=[f"  {name.upper()} ", name])
    texts = page_texts(path)
    assert sum(f"Department lens: {name}" in t for t in texts) == 1


def test_progress_is_reported_to_the_end(demo: Matrix, tmp_path: Path) -> None:
    progress = Progress()
    seen: list[tuple[int, int, str]] = []
    original = progress.step

    def record(done: int, total: int | None = None, message: str | None = None) -> None:
        seen.append((done, total or 0, message or ""))
        original(done, total, message)

    progress.step = record  # type: ignore[method-assign]
    write(demo, tmp_path / "progress.pdf", progress=progress)
    dones = [done for done, _, _ in seen]
    assert dones == sorted(dones)
    assert progress.fraction() == 1.0
    assert any("Chart page" in message for _, _, message in seen)
    assert len(seen) >= 5


def test_cancel_leaves_no_file(demo: Matrix, tmp_path: Path) -> None:
    path = tmp_path / "cancelled.pdf"
    path.write_bytes(b"the previous report")
    progress = Progress()
    original = progress.step

    def cancel_on_chart(done: int, total: int | None = None, message: str | None = None
                        ) -> None:
        if message and message.startswith("Chart page"):
            progress.cancel()
        original(done, total, message)

    progress.step = cancel_on_chart  # type: ignore[method-assign]
    with pytest.raises(Cancelled):
        write(demo, path, progress=progress)
    assert path.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["cancelled.pdf"]


def test_missing_folder_is_a_clear_failure(demo: Matrix, tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="does not exist"):
        write(demo, tmp_path / "no" / "such" / "report.pdf")


def test_metadata_names_the_matrix(demo: Matrix, demo_pdf: Path) -> None:
    metadata = pypdf.PdfReader(demo_pdf).metadata
    assert metadata is not None
    assert metadata.title == demo.title
    assert (metadata.creator or "").startswith("cxmatrix")


@pytest.mark.parametrize("size", ["a4", "letter", "tabloid"])
def test_chart_overview_predicts_the_chart_pages(size: str, tmp_path: Path) -> None:
    matrix = generate_matrix(150, 45)
    overview = chart_overview(matrix, size)
    path = tmp_path / "overview.pdf"
    write(matrix, path, page_size=size)
    chart = [t for t in page_texts(path) if t.startswith("Responsibility chart")]
    assert overview.pages == len(chart)
    if overview.department_parts > 1:
        assert f"(part 1 of {overview.department_parts})" in chart[0]
    else:
        assert "(part" not in chart[0]
