"""The README's limits table says what the code applies: each row names its constant, and the
number in the row is that constant's value."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from cxmatrix.domain import limits

README = Path(__file__).resolve().parent.parent / "README.md"
UNITS = {"": 1, "MB": 1000 ** 2, "MiB": 1024 ** 2, "GB": 1000 ** 3, "GiB": 1024 ** 3}


def limit_rows() -> list[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Limits", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[3].startswith("`"):
            rows.append((cells[0], cells[1], cells[3]))
    return rows


def constant(defined_as: str) -> int:
    names = re.findall(r"`([^`]+)`", defined_as)
    if len(names) == 1:
        return int(getattr(limits, names[0]))
    module = "cxmatrix." + names[0].removesuffix(".py").replace("/", ".")
    return int(getattr(importlib.import_module(module), names[1]))


def test_every_limit_in_the_readme_is_the_value_in_the_code() -> None:
    rows = limit_rows()
    assert len(rows) >= 10
    for what, value, defined_as in rows:
        number, _, unit = value.partition(" ")
        assert int(number.replace(",", "")) * UNITS[unit] == constant(defined_as), what


def test_every_limit_of_the_domain_is_in_the_readme() -> None:
    listed = {name for _, _, defined_as in limit_rows()
              for name in re.findall(r"`(MAX_\w+)`", defined_as)}
    defined = {name for name in vars(limits) if name.startswith("MAX_")}
    assert defined <= listed, sorted(defined - listed)
