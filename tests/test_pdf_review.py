"""What a first reading of the report asked for: error rows that stand out in the chart, an
executive summary that says each count once, and an honest summary of an empty matrix."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from pdf_checks import demo_matrix, glyphs, page_texts

from cxmatrix.domain.findings import (
    CODES,
    CRITICAL_MOMENT_UNOWNED,
    IDLE_DEPARTMENT,
    NO_OWNER,
    OWNER_WITHOUT_METRIC,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    TITLES,
    compute_findings,
)
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.pdf.chart import CRITICAL_LEGEND, PEAK
from cxmatrix.interchange.pdf.export import write
from cxmatrix.interchange.pdf.summary import CARD_CODES, NO_TOUCHPOINTS_NOTE


@pytest.fixture(scope="module")
def demo() -> Matrix:
    return demo_matrix()


@pytest.fixture(scope="module")
def demo_pdf(demo: Matrix, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "demo.pdf"
    write(demo, path, source_name="demo.cxm", page_size="a4")
    return path


def _redness(path: Path, page: int, box: tuple[float, float, float, float]) -> float:
    """How much redder than green and blue the darkest pixel inside ``box`` (PDF points) is."""
    scale = 4
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[page].render(scale=scale).to_pil().convert("RGB")
        height = document[page].get_height()
    finally:
        document.close()
    left, bottom, right, top = box
    crop = image.crop((int(left * scale), int((height - top) * scale),
                       int(right * scale) + 1, int((height - bottom) * scale) + 1))
    pixels = [crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height)]
    darkest = min(pixels, key=sum)
    return darkest[0] - (darkest[1] + darkest[2]) / 2


def test_unowned_critical_moments_are_red_in_the_chart(demo: Matrix, demo_pdf: Path) -> None:
    critical = {f.touchpoint_id for f in compute_findings(demo)
                if f.code == CRITICAL_MOMENT_UNOWNED}
    assert critical, "the demo has a critical moment without a single owner"
    texts = page_texts(demo_pdf)
    chart = [i for i, t in enumerate(texts) if "Responsibility chart" in t]
    assert all(CRITICAL_LEGEND in texts[i] for i in chart)
    names = {tp.name: tp.id in critical for tp in demo.iter_touchpoints() if tp.peak}
    checked = {True: 0, False: 0}
    for page in chart:
        found = glyphs(demo_pdf, [page])
        stars = [g for g in found if g.char == PEAK and g.left < 60]
        for star in stars:
            middle = (star.bottom + star.top) / 2
            row = "".join(g.char for g in found
                          if 60 < g.left < 300 and g.bottom - 1 < middle < g.top + 1)
            name = next((n for n in names if n.replace(" ", "") in row), None)
            if name is None:
                continue
            red = _redness(demo_pdf, page, (star.left, star.bottom, star.right, star.top))
            assert (red > 60) is names[name], (name, red)
            checked[names[name]] += 1
    assert checked[True] >= 1 and checked[False] >= 1


def _counts(matrix: Matrix) -> dict[str, int]:
    counts = dict.fromkeys(CODES, 0)
    for finding in compute_findings(matrix):
        counts[finding.code] += 1
    return counts


def test_summary_shows_each_finding_count_once(demo: Matrix, demo_pdf: Path) -> None:
    briefing, departments = page_texts(demo_pdf)[:2]
    lines = [line.strip() for line in briefing.splitlines()]
    counts = _counts(demo)
    card_labels = {NO_OWNER: "No clear owner", SEVERAL_OWNERS: "Several owners",
                   CRITICAL_MOMENT_UNOWNED: "Critical moments at risk"}
    assert set(card_labels) == set(CARD_CODES)
    for code, label in card_labels.items():  # a card: its value above its label
        assert lines[lines.index(label) - 1] == f"{counts[code]:,}"
    # The kinds of finding of severity "info" are sentences in plain words on page 2, not
    # bare counts beside their titles.
    flat = " ".join(departments.split())
    focus = demo.focus_department
    assert focus is not None
    assert (f"{counts[ROLE_NOT_ESTABLISHED]} touchpoints where {focus.name} (the focus "
            "department) has no role yet") in flat
    assert f"{counts[OWNER_WITHOUT_METRIC]} owned touchpoints have no metric recorded" in flat
    assert f"{counts[IDLE_DEPARTMENT]} department has no role on any touchpoint" in flat
    for code in (OWNER_WITHOUT_METRIC, ROLE_NOT_ESTABLISHED, IDLE_DEPARTMENT):
        assert TITLES[code] not in briefing + departments


@pytest.mark.parametrize("with_stage", [False, True])
def test_a_matrix_without_touchpoints_claims_no_share(tmp_path: Path, with_stage: bool) -> None:
    matrix = Matrix()
    if with_stage:
        matrix = generate_matrix(1, 3)
        matrix.delete_touchpoint(next(matrix.iter_touchpoints()).id)
    path = tmp_path / "empty.pdf"
    write(matrix, path, source_name="empty.cxm")
    lines = [line.strip() for line in page_texts(path)[0].splitlines()]
    assert "%" not in " ".join(lines)
    at = lines.index("Exactly one owner")
    assert lines[at - 1] == "–" and lines[at + 1] == NO_TOUCHPOINTS_NOTE
