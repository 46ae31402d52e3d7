"""The report as a briefing for an executive meeting (issue 18), read back from the PDF: the
headline and the decisions on page 1, plain words, type sizes, problem rows that stand out in
greyscale, the legend, balanced chart pages, leads, grouped findings, bookmarks, links and the
fit-to-page and only-findings options. On the demo, a 400 x 30 and a 40 x 60 matrix, and long
names."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
from pdf_checks import glyphs_outside, margins_are_blank, page_texts

from cxmatrix.domain.findings import (
    CRITICAL_MOMENT_UNOWNED,
    DISPUTED,
    NO_OWNER,
    SEVERAL_OWNERS,
    compute_findings,
)
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.pdf.export import chart_overview, write

PRINTED = date(2026, 12, 2)


def flat(text: str) -> str:
    return " ".join(text.split())


def chart_indexes(texts: list[str]) -> list[int]:
    return [i for i, t in enumerate(texts) if t.startswith("Responsibility chart")]


@pytest.fixture(scope="module")
def demo() -> Matrix:
    return demo_matrix()


@pytest.fixture(scope="module")
def demo_pdf(demo: Matrix, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("briefing") / "demo.pdf"
    write(demo, path, source_name="demo.cxm", printed_on=PRINTED,
          lenses=[demo.departments[0].name])
    return path


@pytest.fixture(scope="module")
def big() -> Matrix:
    return generate_matrix(400, 30)


@pytest.fixture(scope="module")
def big_pdf(big: Matrix, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("briefing") / "big.pdf"
    write(big, path, source_name="big.cxm", printed_on=PRINTED)
    return path


@pytest.fixture(scope="module")
def wide() -> Matrix:
    return generate_matrix(40, 60)


@pytest.fixture(scope="module")
def wide_pdf(wide: Matrix, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("briefing") / "wide.pdf"
    write(wide, path, source_name="wide.cxm", printed_on=PRINTED)
    return path


def _lacking(matrix: Matrix) -> set[int]:
    return {f.touchpoint_id for f in compute_findings(matrix)  # type: ignore[misc]
            if f.code in (NO_OWNER, SEVERAL_OWNERS)}


# ---- 1, 2, 3: page 1 is the briefing ----------------------------------------------------------

def test_headline_says_how_many_lack_an_owner_and_how_many_are_critical(
        demo: Matrix, demo_pdf: Path) -> None:
    first = flat(page_texts(demo_pdf)[0])
    critical = {f.touchpoint_id for f in compute_findings(demo)
                if f.code == CRITICAL_MOMENT_UNOWNED}
    lacking = len(_lacking(demo))
    assert (f"{lacking} of {demo.touchpoint_count} touchpoints lack a single owner"
            in first)
    assert f"{len(critical)} of them are peak or end moments." in first


def test_headline_when_every_touchpoint_has_one_owner(tmp_path: Path) -> None:
    matrix = Matrix(title="Tidy")
    stage = matrix.add_stage("Support")
    dept = matrix.add_department("Support desk")
    for index in range(3):
        tp = matrix.add_touchpoint(stage.id, f"Ticket {index}")
        matrix.set_role(tp.id, dept.id, Role.OWN)
    path = tmp_path / "tidy.pdf"
    write(matrix, path)
    first = flat(page_texts(path)[0])
    assert "Every touchpoint has exactly one owner; no critical moments marked yet." in first
    assert "0 of 0" not in first
    assert "None: every touchpoint has exactly one owner." in first


def test_decisions_needed_lists_each_problem_most_critical_first(demo: Matrix,
                                                                  demo_pdf: Path) -> None:
    first = page_texts(demo_pdf)[0]
    assert "Decisions needed" in first and "Decision / owner" in first
    flat_first = flat(first)
    findings = compute_findings(demo)
    critical = [demo.touchpoint(f.touchpoint_id).name for f in findings
                if f.code == CRITICAL_MOMENT_UNOWNED]
    others = [demo.touchpoint(t).name for t in _lacking(demo)]
    positions = {name: flat_first.index(name) for name in critical + others}
    assert max(positions[n] for n in critical) < min(
        positions[n] for n in others if n not in critical)
    # The departments involved and their roles are named.
    assert "Own: Sales, Customer Success" in flat_first


def test_more_decisions_than_fit_point_to_the_findings_page(big: Matrix, big_pdf: Path) -> None:
    texts = page_texts(big_pdf)
    first = flat(texts[0])
    match = re.search(r"and (\d+) more, page (\d+)", first)
    assert match, first[-400:]
    rest, page = int(match.group(1)), int(match.group(2))
    decisions = {f.touchpoint_id for f in compute_findings(big)
                 if f.code in (NO_OWNER, SEVERAL_OWNERS, CRITICAL_MOMENT_UNOWNED)}
    shown = sum(1 for tp in big.iter_touchpoints()
                if tp.id in decisions and re.search(rf"\b{re.escape(tp.name)}\b", first))
    assert shown + rest == len(decisions)
    assert shown >= 5
    assert texts[page - 1].startswith("Findings")


def test_page_one_gives_the_full_title_organisation_description_and_data_date(
        tmp_path: Path) -> None:
    matrix = demo_matrix()
    matrix.title = ("Customer journey ownership review for the whole EMEA region, second half "
                    "of 2026, as agreed with the regional leadership teams")
    path = tmp_path / "long.pdf"
    write(matrix, path)
    first = flat(page_texts(path)[0])
    assert matrix.title in first
    assert matrix.organisation in first
    assert flat(matrix.description)[:80] in first
    modified = matrix.modified
    assert f"data as of {modified.day} {modified:%B %Y}" in first
    assert margins_are_blank(path, pages=[0]) == []


def test_summary_stays_on_two_pages_with_thirty_or_sixty_departments(
        wide: Matrix, wide_pdf: Path, tmp_path: Path) -> None:
    for matrix, path in ((wide, wide_pdf), (generate_matrix(60, 30), tmp_path / "t.pdf")):
        if not path.exists():
            write(matrix, path)
        texts = page_texts(path)
        assert texts[1].startswith("Departments and roles")
        assert texts[2].startswith("Responsibility chart")  # the summary took two pages
        more = re.search(r"and (\d+) more departments", flat(texts[1]))
        if len(matrix.departments) == 60:
            assert more is not None
        shown = sum(1 for d in matrix.departments
                    if re.search(rf"^{re.escape(d.name)}$", texts[1], re.MULTILINE))
        assert shown + (int(more.group(1)) if more else 0) == len(matrix.departments)
        assert glyphs_outside(path, pages=[0, 1]) == []


# ---- 4: info findings in plain words ----------------------------------------------------------

def test_info_findings_are_sentences(demo_pdf: Path) -> None:
    second = flat(page_texts(demo_pdf)[1])
    assert "(the focus department) has no role yet" in second
    assert "Focus department has no role" not in second


# ---- 6, 7, 11: the chart --------------------------------------------------------------------

def _font_sizes(path: Path, page: int, text: str) -> float:
    document = pypdfium2.PdfDocument(str(path))
    try:
        text_page = document[page].get_textpage()
        content = text_page.get_text_range(0, text_page.count_chars())
        index = content.index(text)
        # The size pdfium reports is before the page's scaling: scale it by the glyph box.
        size = pdfium_raw.FPDFText_GetFontSize(text_page.raw, index)
        return float(size)
    finally:
        document.close()


def _glyph_height(path: Path, page: int, text: str) -> float:
    document = pypdfium2.PdfDocument(str(path))
    try:
        text_page = document[page].get_textpage()
        content = text_page.get_text_range(0, text_page.count_chars())
        index = content.index(text)
        _, bottom, _, top = text_page.get_charbox(index, loose=True)
        return float(top - bottom)
    finally:
        document.close()


def test_body_type_is_at_least_8_5_points_and_larger_on_a3(demo: Matrix, demo_pdf: Path,
                                                           tmp_path: Path) -> None:
    texts = page_texts(demo_pdf)
    chart = chart_indexes(texts)[0]
    name = next(demo.iter_touchpoints()).name
    assert _font_sizes(demo_pdf, chart, name) >= 8.5
    assert _font_sizes(demo_pdf, 0, "Decision / owner") >= 8.5
    assert _font_sizes(demo_pdf, chart, "I = Influence") >= 8.0  # the legend
    a3 = tmp_path / "a3.pdf"
    write(demo, a3, page_size="a3")
    a3_chart = chart_indexes(page_texts(a3))[0]
    assert _glyph_height(a3, a3_chart, name) > 1.15 * _glyph_height(demo_pdf, chart, name)


@pytest.mark.parametrize("which", ["demo_pdf", "big_pdf", "wide_pdf"])
def test_every_chart_page_says_i_means_influence_not_informed(which: str,
                                                              request: pytest.FixtureRequest
                                                              ) -> None:
    texts = page_texts(request.getfixturevalue(which))
    pages = chart_indexes(texts)
    assert pages
    for index in pages:
        assert "I = Influence (not Informed)" in texts[index]


def _row_grey(image: object, top: float, bottom: float, x: float, scale: float,
              height: float) -> int:
    """The lightness of the page at x, in the middle of a row given in PDF points."""
    middle = (top + bottom) / 2
    return image.getpixel((int(x * scale), int((height - middle) * scale)))  # type: ignore[attr-defined]


def test_problem_rows_stand_out_in_greyscale(demo: Matrix, demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    findings = compute_findings(demo)
    unowned = next(demo.touchpoint(f.touchpoint_id).name for f in findings
                   if f.code == NO_OWNER)
    document = pypdfium2.PdfDocument(str(demo_pdf))
    try:
        for index in chart_indexes(texts):
            text_page = document[index].get_textpage()
            content = text_page.get_text_range(0, text_page.count_chars())
            if unowned not in content:
                continue
            page = document[index]
            height = page.get_height()
            scale = 2.0
            image = page.render(scale=scale).to_pil().convert("L")
            at = content.index(unowned)
            _, bottom, _, top = text_page.get_charbox(at)
            end = text_page.get_charbox(at + len(unowned) - 1)[2]
            problem = _row_grey(image, top, bottom, end + 12, scale, height)
            # A plain row: the touchpoint named first on the page with no finding.
            plain_name = next(tp.name for tp in demo.iter_touchpoints()
                              if tp.name in content and tp.id not in _lacking(demo))
            at = content.index(plain_name)
            _, bottom, _, top = text_page.get_charbox(at)
            end = text_page.get_charbox(at + len(plain_name) - 1)[2]
            plain = _row_grey(image, top, bottom, end + 12, scale, height)
            assert plain >= 250 and problem <= plain - 12, (problem, plain)
            return
    finally:
        document.close()
    pytest.fail("the touchpoint with no owner is on no chart page")


# ---- 9, 10: balanced pages, leads ---------------------------------------------------------

@pytest.mark.parametrize("touchpoints", [49, 400])
def test_no_chart_page_holds_a_few_stray_rows(touchpoints: int, tmp_path: Path) -> None:
    matrix = generate_matrix(touchpoints, 8)
    path = tmp_path / "rows.pdf"
    write(matrix, path)
    texts = page_texts(path)
    counts = []
    for index in chart_indexes(texts):
        match = re.search(r"Touchpoints (\d+)–(\d+) of", texts[index])
        assert match
        counts.append(int(match.group(2)) - int(match.group(1)) + 1)
    assert sum(counts) == touchpoints
    assert min(counts) >= 4
    if len(counts) > 1:
        assert min(counts) >= 0.4 * touchpoints / len(counts)


def test_leads_stand_under_the_department_headings(demo: Matrix, demo_pdf: Path) -> None:
    texts = page_texts(demo_pdf)
    chart = flat(texts[chart_indexes(texts)[0]])
    leads = [d.lead for d in demo.departments if d.lead]
    assert leads
    for lead in leads:
        assert lead.split()[0] in chart


# ---- 12: grouped findings ---------------------------------------------------------------------

def test_findings_are_grouped_and_short(big: Matrix, big_pdf: Path) -> None:
    texts = page_texts(big_pdf)
    start = next(i for i, t in enumerate(texts) if t.startswith("Findings"))
    section = flat(" ".join(texts[start:]))
    assert len(texts) - start <= 3
    no_owner = [f for f in compute_findings(big) if f.code == NO_OWNER]
    stages = {big.touchpoint(f.touchpoint_id).stage_id for f in no_owner}
    for stage_id in stages:
        count = sum(1 for f in no_owner
                    if big.touchpoint(f.touchpoint_id).stage_id == stage_id)
        assert f"{big.stage(stage_id).name} ({count})" in section
    assert section.count("handles the fallout, but nobody owns it") == 0


# ---- 13: outline, language, links -------------------------------------------------------------

def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title,  # type: ignore[attr-defined]
                              reader.get_destination_page_number(item)))  # type: ignore[arg-type]
    walk(reader.outline, 0)
    return found


def test_bookmarks_language_and_links(demo: Matrix, demo_pdf: Path) -> None:
    reader = pypdf.PdfReader(demo_pdf)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    texts = page_texts(demo_pdf)
    outline = _outline(reader)
    top = [(title, page) for depth, title, page in outline if depth == 0]
    # The demo has a plan, so "From today to target" follows the summary.
    assert demo.has_plan
    assert [t for t, _ in top] == ["Executive summary", "Departments and roles",
                                   "From today to target", "Responsibility chart", "Findings",
                                   f"Lens: {demo.departments[0].name}"]
    for title, page in top:
        heading = title.split(":")[0]
        assert heading in texts[page] or page == 0
    parts = [(title, page) for depth, title, page in outline if depth == 1]
    assert [page for _, page in parts] == chart_indexes(texts)
    assert all(title.startswith("Touchpoints ") for title, _ in parts)
    # Page 1's decisions and the findings link to the chart rows of their touchpoints.
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    findings_page = next(i for i, t in enumerate(texts) if t.startswith("Findings"))
    for source in (0, findings_page):
        links = [a.get_object() for a in reader.pages[source].get("/Annots", [])]
        links = [a for a in links if a["/Subtype"] == "/Link"]
        assert len(links) >= len(_lacking(demo))
        for link in links:
            target = pages[link["/Dest"][0].idnum]
            assert target in chart_indexes(texts)


# ---- 8: fit to one page, only touchpoints with findings ----------------------------------------

def test_fit_to_one_page_and_only_findings(demo: Matrix, tmp_path: Path) -> None:
    fitted = tmp_path / "fit.pdf"
    write(demo, fitted, fit_page=True)
    texts = page_texts(fitted)
    assert len(chart_indexes(texts)) == 1
    chart = flat(texts[chart_indexes(texts)[0]])
    for tp in demo.iter_touchpoints():
        assert tp.name in chart
    assert chart_overview(demo, "a4", fit_page=True).pages == 1
    assert margins_are_blank(fitted) == []

    only = tmp_path / "only.pdf"
    write(demo, only, only_findings=True)
    texts = page_texts(only)
    chart = flat(" ".join(texts[i] for i in chart_indexes(texts)))
    # Rows with an error or a warning: a touchpoint a lead disputes is one of them.
    lacking = _lacking(demo) | {f.touchpoint_id for f in compute_findings(demo)
                                if f.code in (CRITICAL_MOMENT_UNOWNED, DISPUTED)}
    for tp in demo.iter_touchpoints():
        assert (tp.name in chart) == (tp.id in lacking), tp.name


def test_cli_export_takes_the_options(tmp_path: Path) -> None:
    source = tmp_path / "demo.cxm"
    subprocess.run([sys.executable, "-m", "cxmatrix", "new", str(source), "--demo"],
                   check=True, capture_output=True)
    out = tmp_path / "report.pdf"
    done = subprocess.run([sys.executable, "-m", "cxmatrix", "export", str(source), str(out),
                           "--fit-page", "--only-findings"], check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    texts = page_texts(out)
    assert len(chart_indexes(texts)) == 1
    refused = subprocess.run([sys.executable, "-m", "cxmatrix", "export", str(source),
                              str(tmp_path / "out.csv"), "--fit-page"],
                             check=False, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "--fit-page" in refused.stderr and "PDF" in refused.stderr
    assert not (tmp_path / "out.csv").exists()


def test_stage_headings_in_the_summary_never_break_a_word(tmp_path: Path) -> None:
    matrix = Matrix(title="Long stages")
    names = ["Consideration", "Implementation", "Internationalisation", "Troubleshooting",
             "Recommendation", "Administration", "Reconsideration", "Decommissioning",
             "Renegotiation", "Reimplementation", "Accountability", "Understanding"]
    dept = matrix.add_department("Customer Success")
    for name in names:
        stage = matrix.add_stage(name)
        tp = matrix.add_touchpoint(stage.id, f"{name} call")
        matrix.set_role(tp.id, dept.id, Role.OWN)
    path = tmp_path / "stages.pdf"
    write(matrix, path)
    lines = {line.strip() for line in page_texts(path)[1].splitlines()}
    for name in names:
        assert name in lines, name  # whole on one line, never "Consideratio" / "n"
    assert glyphs_outside(path, pages=[1]) == []


HEADINGS = ("Departments and roles", "Responsibility chart", "Findings", "Decisions needed")


@pytest.mark.parametrize("size", [(40, 60), (60, 30), (400, 30)])
def test_no_heading_or_caption_is_left_alone_on_a_page(tmp_path: Path,
                                                       size: tuple[int, int]) -> None:
    """Point 5: with many departments or touchpoints, every page carries content, and no
    heading ends a page with its table on the next."""
    matrix = generate_matrix(*size, seed=size[0])
    path = tmp_path / "report.pdf"
    write(matrix, path, lenses=[matrix.departments[0].name])
    for number, page in enumerate(pypdf.PdfReader(path).pages, start=1):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines()
                 if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"Page \d+ of \d+", line)][:-2]
        assert len(body) > 3, f"page {number} holds almost nothing: {lines}"
        assert not any(body[-1].startswith(heading) for heading in HEADINGS), (
            f"page {number} ends with a heading: {body[-3:]}")
