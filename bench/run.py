"""Run every benchmark in bench/ and print one table.

    .venv/bin/python bench/run.py            all areas, all sizes
    .venv/bin/python bench/run.py --quick    smaller sizes and fewer repeats
    .venv/bin/python bench/run.py store pdf  only the named areas (bench_<area>.py)

Each module bench_<area>.py has ``run(quick: bool) -> list[Result]``. Every figure is our
median time and its ratio to the raw library doing the same work in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import Result, format_value  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("areas", nargs="*", help="areas to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    areas = args.areas or available
    unknown = set(areas) - set(available)
    if unknown:
        parser.error(f"unknown areas {sorted(unknown)}; known: {available}")
    results: list[Result] = []
    for area in areas:
        module = importlib.import_module(f"bench_{area}")
        print(f"running {area} ...", file=sys.stderr, flush=True)
        results.extend(module.run(args.quick))
    print_table(results)
    return 0


def print_table(results: list[Result]) -> None:
    headers = ("area", "case", "ours (median)", "baseline", "baseline (median)", "ratio",
               "target", "ok")
    rows = []
    for r in results:
        rows.append((
            r.area, r.case, format_value(r.ours, r.unit), r.baseline_name,
            format_value(r.baseline, r.unit) if r.baseline else "",
            f"{r.ratio:.2f}x" if r.ratio is not None else "",
            r.target, {True: "yes", False: "NO", None: ""}[r.ok],
        ))
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    raise SystemExit(main())
