"""The suite stands on its own: what it reads is inside the repository (tests/data, fixtures,
resources), so a clean clone runs every test instead of skipping the ones whose files live
elsewhere on a developer's machine."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Ways a test reaches above the checkout: a third parent of a file in tests/, a relative
# climb, or the sample folder that used to sit beside the checkout.
OUTSIDE = re.compile(r"parents\[[2-9]\]|parent\.parent\.parent|[\"']\.\.[\"']|Path\([\"']\.\./"
                     r"|shared/samples")


def test_no_test_reads_outside_the_repository() -> None:
    offenders = [f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
                 for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__).resolve()
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if OUTSIDE.search(line)]
    assert not offenders, "\n".join(offenders)


def test_the_samples_are_in_the_repository() -> None:
    samples = TESTS / "data" / "samples"
    names = sorted(path.name for path in samples.iterdir())
    assert names == ["README.md", "cx_ownership_grid.xlsx", "journey_touchpoints_owners.csv",
                     "raci_onboarding_programme.xlsx", "raci_projet_migration_fr.xlsx"]
