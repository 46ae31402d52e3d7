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
    NO_OWNER,
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
    lines = [line.strip() for line in page_texts(demo_pdf)[0].splitlines()]
    counts = _counts(demo)
    card_labels = {NO_OWNER: "No clear owner", SEVERAL_OWNERS: "Several owners",
                   CRITICAL_MOMENT_UNOWNED: "Critical moments at risk"}
    assert set(card_labels) == set(CARD_CODES)
    for code, label in card_labels.items():  # a card: its value above its label
        assert lines[lines.index(label) - 1] == f"{counts[code]:,}"
    strip = [code for code in CODES if code not in CARD_CODES]
    first = lines.index(TITLES[strip[0]])
    assert lines[first:first + len(strip)] == [TITLES[code] for code in strip]
    values = lines[first + len(strip):first + 2 * len(strip)]
    assert values == [f"{counts[code]:,}" for code in strip]
    # The cards' kinds are not repeated in the strip.
    assert lines.count("Several owners") == 1
    assert TITLES[CRITICAL_MOMENT_UNOWNED] not in lines
    assert lines[first:].count(TITLES[NO_OWNER]) <= 1  # at most the table's closing row


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
