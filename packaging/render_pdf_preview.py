"""Regenerate the sample PDF report of the demo matrix and the PNG previews the README shows.

    python packaging/render_pdf_preview.py [--out DIR]     (default: resources)

Writes DIR/demo-report.pdf (A4, with the focus department's lens page) and, from it,
DIR/screenshots/demo-report-1.png (the briefing page), demo-report-2.png (the first page
of the chart) and demo-report-findings.png (the findings). The PNGs are reduced to a small
palette so each stays well under 400 KB. The output does not change from run to run (fixed
date, reportlab's invariant mode), so run it again whenever the report's look changes and
commit the results. Needs pypdfium2 (in the test extra) to render the pages.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportlab import rl_config  # noqa: E402

from cxmatrix.domain.generate import generate_size  # noqa: E402
from cxmatrix.domain.model import Matrix  # noqa: E402
from cxmatrix.domain.snapshots import DriftPoint, drift, ownership_figures  # noqa: E402
from cxmatrix.interchange.demo import demo_matrix as bundled_demo  # noqa: E402
from cxmatrix.interchange.demo import demo_snapshots  # noqa: E402
from cxmatrix.interchange.pdf import export as pdf_export  # noqa: E402

DEMO = ROOT / "resources" / "demo.json"
PRINTED_ON = date(2026, 12, 2)  # after the demo's last snapshot and review pack
SCALE = 2.0  # pixels per point: an A4 landscape page is 1684 x 1191
COLOURS = 256
MAX_PNG_BYTES = 400_000


def demo_matrix() -> Matrix:
    matrix = bundled_demo() if DEMO.is_file() else generate_size("S")
    # The data's date on page 1 and the printing date in the footer agree, and the previews
    # come out the same whenever they are made.
    matrix.modified = datetime.combine(PRINTED_ON, time(9), UTC)
    return matrix


def demo_drift() -> list[DriftPoint]:
    """The drift of the demo's snapshots, as the summary page of a .cxm's report shows it."""
    if not DEMO.is_file():
        return []
    return drift((s.name, s.taken, ownership_figures(s.matrix)) for s in demo_snapshots())


def render_previews(pdf: Path, folder: Path) -> list[Path]:
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
        findings = next((i for i, text in enumerate(texts)
                         if "needs exactly one clear owner:" in text), len(texts) - 1)
        chart = next((i for i, text in enumerate(texts)
                      if text.startswith("Responsibility chart")), min(1, len(texts) - 1))
        chosen = {"demo-report-1.png": 0, "demo-report-2.png": chart,
                  "demo-report-findings.png": findings}
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, index in chosen.items():
            image = document[index].render(scale=SCALE).to_pil().convert("RGB")
            small = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=0)
            path = folder / name
            small.save(path, optimize=True)
            if path.stat().st_size > MAX_PNG_BYTES:
                raise SystemExit(f"{path} is {path.stat().st_size:,} bytes; lower SCALE")
            written.append(path)
        return written
    finally:
        document.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "resources")
    args = parser.parse_args()
    matrix = demo_matrix()
    focus = matrix.focus_department
    pdf = args.out / "demo-report.pdf"
    rl_config.invariant = 1  # the same bytes every run: no creation date or random ids
    pdf_export.write(matrix, pdf, source_name="demo.cxm", page_size="a4",
                     lenses=[focus.name] if focus else [], printed_on=PRINTED_ON,
                     drift=demo_drift())
    for path in [pdf, *render_previews(pdf, args.out / "screenshots")]:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
              f"({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
