"""The README's "For developers" layout names every room of the code, so a newcomer finds it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## For developers") :]
    start = section.index("```\n") + 4
    return section[start : section.index("```\n", start)]


def test_every_package_of_the_code_is_in_the_layout() -> None:
    block = _layout_block()
    packages = sorted(
        path.parent.relative_to(ROOT / "cxmatrix").as_posix()
        for path in (ROOT / "cxmatrix").rglob("__init__.py")
        if path.parent != ROOT / "cxmatrix"
    )
    missing = [name for name in packages if f"{name.rsplit('/', 1)[-1]}/" not in block]
    assert missing == []


def test_every_module_says_what_it_holds() -> None:
    silent = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "cxmatrix").rglob("*.py"))
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert silent == [], "modules without a docstring saying what they hold"
