"""Run every benchmark in bench/ and print one table.

    .venv/bin/python bench/run.py            all areas, all sizes
    .venv/bin/python bench/run.py --quick    smaller sizes and fewer repeats
    .venv/bin/python bench/run.py store pdf  only the named areas (bench_<area>.py)
    .venv/bin/python bench/run.py --check    exit 1 when a line misses its target

Each module bench_<area>.py has ``run(quick: bool) -> list[Result]``. Every figure is our
median and its ratio to the raw library doing the same work in the same run, the two run in
turns; the spread is the lowest and highest sample of each. ``--check`` is for people, not a
CI gate: shared machines are noisy.
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

from common import Result, format_spread, format_value  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("areas", nargs="*", help="areas to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when any line misses its target")
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
    missed = [r for r in results if r.ok is False]
    if args.check and missed:
        print(f"{len(missed)} of {len(results)} lines miss their target: "
              + "; ".join(f"{r.area} {r.case}" for r in missed), file=sys.stderr)
        return 1
    return 0


def print_table(results: list[Result]) -> None:
    headers = ("area", "case", "ours (median)", "spread", "baseline", "baseline (median)",
               "spread", "ratio", "target", "ok")
    rows = []
    for r in results:
        rows.append((
            r.area, r.case, format_value(r.ours, r.unit), format_spread(r.ours_samples, r.unit),
            r.baseline_name, format_value(r.baseline, r.unit) if r.baseline else "",
            format_spread(r.baseline_samples, r.unit),
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
