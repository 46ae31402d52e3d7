"""The layers of DESIGN.md hold: the domain is standard library only, SQL stays in the store,
Qt stays in the GUI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cxmatrix"


def imported_modules(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(PACKAGE))] = names
    return found


def test_domain_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"cxmatrix", "__future__"}
    for module, names in imported_modules(PACKAGE / "domain").items():
        assert names <= allowed, f"{module} imports {sorted(names - allowed)}"


def test_domain_import_loads_no_third_party_module() -> None:
    code = ("import sys, cxmatrix.domain, cxmatrix.domain.generate, cxmatrix.domain.progress\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "{'PySide6', 'sqlmodel', 'sqlalchemy', 'openpyxl', 'reportlab', 'shiboken6'}]\n"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_no_qt_below_the_gui() -> None:
    for layer in ("domain", "store", "interchange"):
        for module, names in imported_modules(PACKAGE / layer).items():
            assert "PySide6" not in names, f"{layer}/{module} imports Qt"


def test_no_sql_above_the_store() -> None:
    for layer in ("domain", "interchange", "ui"):
        for module, names in imported_modules(PACKAGE / layer).items():
            assert not names & {"sqlite3", "sqlalchemy", "sqlmodel"}, f"{layer}/{module}"
