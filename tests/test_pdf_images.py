"""PNG images of report pages (issue 18 point 14): written by the CLI in a fresh process and
read back with PIL: the size in pixels is the page size times the scale, the page is not blank
and the headline is drawn where the PDF draws it."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_checks import glyphs
from PIL import Image

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.pdf import export as pdf_export
from cxmatrix.interchange.pdf import image as pdf_image
from cxmatrix.interchange.pdf.theme import page_size
from cxmatrix.store import Document


def save(matrix: object, path: Path) -> Path:
    Document.create(path, matrix).close()  # type: ignore[arg-type]
    return path


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save(demo_matrix(), tmp_path_factory.mktemp("images") / "demo.cxm")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cxmatrix", *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)


def expected_pixels(size: str, scale: float) -> tuple[int, int]:
    """PDFium rounds a page's size in pixels up (A4 landscape at 2x: 1684 x 1191)."""
    width, height = page_size(size)
    return math.ceil(width * scale - 1e-6), math.ceil(height * scale - 1e-6)


def distinct_colours(image: Image.Image) -> int:
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None
    return len(colours)


def dark_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """The share of pixels in ``box`` darker than light grey."""
    region = image.convert("L").crop(box)
    histogram = region.histogram()
    dark = sum(histogram[:160])
    return dark / max(1, sum(histogram))


def headline_box(pdf: Path, scale: float, height_points: float) -> tuple[int, int, int, int]:
    """The pixel box of the headline ("… lack a single owner …") on page 1 of ``pdf``."""
    drawn = glyphs(pdf, pages=[0])
    text = "".join(g.char for g in drawn)
    start = text.find("lackasingleowner")
    assert start >= 0, text[:400]
    line = drawn[start:start + len("lackasingleowner")]
    left = min(g.left for g in line)
    right = max(g.right for g in line)
    top = max(g.top for g in line)
    bottom = min(g.bottom for g in line)
    return (round(left * scale), round((height_points - top) * scale),
            round(right * scale), round((height_points - bottom) * scale))


@pytest.mark.parametrize(("size", "scale"), [("a4", None), ("letter", "1"), ("a3", "1.5")])
def test_the_summary_image_is_the_pdf_page_at_the_scale(
        tmp_path: Path, demo_file: Path, size: str, scale: str | None) -> None:
    out = tmp_path / "summary.png"
    extra = ["--scale", scale] if scale else []
    result = cli("export", demo_file, out, "--page", "summary", "--page-size", size, *extra)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {out}." in result.stdout
    factor = float(scale or 2)
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == expected_pixels(size, factor)
        assert distinct_colours(image) > 200  # anti-aliased text in several colours
        pdf = tmp_path / "same.pdf"
        pdf_export.write(demo_matrix(), pdf, source_name=demo_file.name, page_size=size)
        box = headline_box(pdf, factor, page_size(size)[1])
        assert dark_share(image, box) > 0.08
        # The margin above the header is paper.
        assert dark_share(image, (0, 0, image.size[0], round(20 * factor))) == 0


def test_the_default_page_is_the_summary_at_2x(tmp_path: Path, demo_file: Path) -> None:
    out = tmp_path / "slide.png"
    result = cli("export", demo_file, out)
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.size == expected_pixels("a4", 2)  # 1684 x 1191


def test_a_chart_of_several_pages_gives_one_numbered_image_per_page(tmp_path: Path) -> None:
    source = save(generate_matrix(400, 30), tmp_path / "big.cxm")
    chart_pages = pdf_export.chart_overview(generate_matrix(400, 30), "a4").pages
    assert chart_pages > 1
    out = tmp_path / "chart.png"
    result = cli("export", source, out, "--page", "chart", "--scale", "1")
    assert result.returncode == 0, result.stderr
    written = sorted(tmp_path.glob("chart-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    assert [p.name for p in written] == [f"chart-{n}.png" for n in range(1, chart_pages + 1)]
    assert not out.exists()
    assert f"Wrote {chart_pages} images" in result.stdout
    for path in (written[0], written[-1]):
        with Image.open(path) as image:
            assert image.size == expected_pixels("a4", 1)
            assert distinct_colours(image) > 50


def test_a_fitted_chart_is_one_image(tmp_path: Path, demo_file: Path) -> None:
    out = tmp_path / "chart.png"
    result = cli("export", demo_file, out, "--page", "chart", "--fit-page", "--page-size",
                 "a3")
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.size == expected_pixels("a3", 2)
        assert distinct_colours(image) > 200


def test_a_lens_image_is_the_named_departments_page(tmp_path: Path, demo_file: Path) -> None:
    out = tmp_path / "lens.png"
    written = pdf_image.write_images(demo_matrix(), out, page="lens", lens="Support",
                                     scale=1)
    assert written[0].name in {"lens.png", "lens-1.png"}
    with Image.open(written[0]) as image:
        assert image.size == expected_pixels("a4", 1)
        assert distinct_colours(image) > 50
    result = cli("export", demo_file, tmp_path / "cs.png", "--page", "lens")  # the focus dept
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("cs*.png"))


@pytest.mark.parametrize(("args", "message"), [
    (("--page", "lens", "--lens", "Nobody"), "no department called 'Nobody'"),
    (("--page", "lens", "--lens", "Support", "Sales"), "one lens page"),
    (("--scale", "40"), "scale 40 is out of range"),
    (("--page", "chart", "--lens", "Support"), "--lens chooses the department of --page lens"),
])
def test_bad_image_options_are_one_line_and_write_nothing(
        tmp_path: Path, demo_file: Path, args: tuple[str, ...], message: str) -> None:
    result = cli("export", demo_file, tmp_path / "x.png", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.png"))


def test_page_and_scale_are_refused_for_other_formats(tmp_path: Path, demo_file: Path) -> None:
    result = cli("export", demo_file, tmp_path / "x.pdf", "--page", "chart")
    assert result.returncode == 2
    assert "--page and --scale are for PNG images" in result.stderr


def test_an_unknown_page_is_refused_by_the_writer(tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="unknown page 'cover'"):
        pdf_image.write_images(demo_matrix(), tmp_path / "x.png", page="cover")


def text_box(pdf: Path, words: str, scale: float, height_points: float
             ) -> tuple[int, int, int, int]:
    """The pixel box of ``words`` (spaces left out) on page 1 of ``pdf``."""
    drawn = glyphs(pdf, pages=[0])
    text = "".join(g.char for g in drawn)
    start = text.find(words)
    assert start >= 0, text[:600]
    line = drawn[start:start + len(words)]
    return (round(min(g.left for g in line) * scale),
            round((height_points - max(g.top for g in line)) * scale),
            round(max(g.right for g in line) * scale),
            round((height_points - min(g.bottom for g in line)) * scale))


def test_the_summary_image_of_a_file_with_snapshots_shows_the_drift_chart(
        tmp_path: Path) -> None:
    from cxmatrix.cli import main

    source = tmp_path / "demo.cxm"
    assert main(["new", str(source), "--demo"]) == 0  # the demo brings two snapshots
    out = tmp_path / "summary.png"
    assert main(["export", str(source), str(out), "--page", "summary"]) == 0
    pdf = tmp_path / "same.pdf"
    assert main(["export", str(source), str(pdf)]) == 0
    height = page_size("a4")[1]
    heading = text_box(pdf, "Driftacrossthesnapshots", 2.0, height)
    legend = text_box(pdf, "Exactlyoneowner(%)", 2.0, height)
    # Without snapshots the same page has no chart: nothing is drawn where it stands.
    bare = save(demo_matrix(), tmp_path / "bare.cxm")
    bare_out = tmp_path / "bare.png"
    assert main(["export", str(bare), str(bare_out), "--page", "summary"]) == 0
    with Image.open(out) as image, Image.open(bare_out) as plain:
        assert image.size == plain.size == expected_pixels("a4", 2.0)
        for box in (heading, legend):
            assert dark_share(image, box) > 0.08
            assert dark_share(plain, box) < dark_share(image, box) / 4
        # The chart's frame and lines lie between the heading and the legend's row.
        chart = (heading[0], heading[3], image.size[0] - heading[0], legend[1])
        assert dark_share(image, chart) > dark_share(plain, chart)
