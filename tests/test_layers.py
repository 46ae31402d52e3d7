"""The layers of DESIGN.md hold. The import contracts in pyproject.toml ([tool.importlinter]:
each layer imports only the ones below it, no Qt below the GUI, no database below or above the
store, a domain without third-party packages) are run here by lint-imports, as the test
command does; the tests after them check what import-linter cannot: that the domain imports the
standard library and nothing else (a list of allowed names, not of forbidden ones), that
loading it loads no third-party module, and that no SQL text is written outside the store."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cxmatrix"
LINT_IMPORTS = ("from importlinter.cli import lint_imports_command; "
                "lint_imports_command(prog_name='lint-imports')")


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the package in ``folder`` (its pyproject.toml and cxmatrix/)."""
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
                          cwd=folder, env={**os.environ, "PYTHONPATH": str(folder)},
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_the_import_contracts_catch_imports_in_the_wrong_layer(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(PACKAGE, tmp_path / "cxmatrix",
                    ignore=shutil.ignore_patterns("__pycache__"))
    wrong = {"domain/roles.py": "import openpyxl", "store/files.py": "import cxmatrix.ui",
             "interchange/errors.py": "import PySide6.QtCore",
             "ui/files.py": "import sqlite3", "cli.py": "import cxmatrix.app"}
    for module, line in wrong.items():
        with (tmp_path / "cxmatrix" / module).open("a", encoding="utf-8") as handle:
            handle.write(f"\n{line}\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout
    assert "Contracts: 1 kept, 4 broken." in report
    assert "cxmatrix.domain.roles -> openpyxl" in report
    assert "cxmatrix.store.files -> cxmatrix.ui" in report
    assert "cxmatrix.interchange.errors -> PySide6 (" in report
    assert "cxmatrix.ui.files -> sqlite3" in report
    assert "cxmatrix.cli -> cxmatrix.app" in report


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
            "{'PySide6', 'sqlmodel', 'sqlalchemy', 'openpyxl', 'reportlab', 'shiboken6', "
            "'python_calamine', 'defusedxml', 'sqlite3'}]\n"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


SQL = re.compile(r"\b(select\s+[\w*.,\s]+\s+from|insert\s+(or\s+\w+\s+)?into|update\s+\w+\s+set"
                 r"|delete\s+from|create\s+(table|index|view|trigger)|drop\s+(table|index)"
                 r"|alter\s+table|pragma\s+\w+|begin\s+(immediate|exclusive|transaction))\b",
                 re.IGNORECASE)


def sql_texts(path: Path) -> list[str]:
    """The string literals of a module that hold SQL, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [f"line {node.lineno}: {node.value[:60]!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and SQL.search(node.value)]


def test_no_sql_text_outside_the_store() -> None:
    assert sql_texts(PACKAGE / "store" / "document.py"), "the SQL pattern finds nothing"
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(PACKAGE / "store"):
            continue
        found = sql_texts(path)
        assert not found, f"{path.relative_to(PACKAGE)} writes SQL: {found}"
