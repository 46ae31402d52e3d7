"""A longer crash run than the test suite's: thousands of SIGKILLs, then the counts.

    .venv/bin/python bench/crash_soak.py [--kills 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HARNESS = Path(__file__).resolve().parent.parent / "tests" / "crash_harness.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, str(HARNESS), "--kills", str(args.kills),
                                 "--seed", str(args.seed), "--folder", folder], check=False)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
