"""The packaged app: build it with PyInstaller, run it headless, install it in a scratch home.

The build (packaging/build.py, about two minutes on two cores) is skipped when the last one
started after every change to cxmatrix/, resources/, packaging/, main.py and pyproject.toml.
The tests that need the build are marked ``bundle``: CI runs them, and a developer skips them
with ``bash packaging/setup.sh test -m "not bundle"``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxmatrix import __version__

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "cxmatrix"
EXECUTABLE = DIST / ("cxmatrix.exe" if sys.platform == "win32" else "cxmatrix")
STAMP = ROOT / "dist" / ".cxmatrix-build-started"
INPUTS = ("cxmatrix", "resources", "packaging", "main.py", "pyproject.toml")
DEMO_TITLE = "Customer journey ownership 2026"

pytestmark = pytest.mark.slow


def _newest_input() -> float:
    newest = 0.0
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                newest = max(newest, file.stat().st_mtime)
    return newest


def _bundle_is_current() -> bool:
    return EXECUTABLE.is_file() and STAMP.is_file() and STAMP.stat().st_mtime > _newest_input()


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The built app folder, built now unless the last build is still current."""
    if not _bundle_is_current():
        if sys.platform.startswith("linux") and shutil.which("objcopy") is None:
            pytest.fail("PyInstaller needs objcopy on Linux: install binutils")
        started = time.time()
        result = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")],
                                cwd=ROOT, capture_output=True, text=True, timeout=1200,
                                check=False)
        assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
        STAMP.touch()
        os.utime(STAMP, (started, started))  # a file edited during the build makes it stale
    return DIST


def run_app(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(EXECUTABLE), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.mark.bundle
def test_bundle_prints_its_version(bundle: Path, tmp_path: Path) -> None:
    result = run_app("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cxmatrix {__version__}"


@pytest.mark.bundle
def test_bundle_carries_its_resources(bundle: Path) -> None:
    resources = bundle / "_internal" / "resources"
    assert json.loads((resources / "demo.json").read_text(encoding="utf-8"))
    assert {p.name for p in (resources / "fonts").glob("*.ttf")} >= {"DejaVuSans.ttf",
                                                                      "DejaVuSans-Bold.ttf"}
    assert (resources / "fonts" / "LICENSE.txt").is_file()
    assert (resources / "icons" / "cxmatrix-256.png").is_file()
    assert not (bundle / "_internal" / "PySide6" / "Qt" / "translations").exists()
    if sys.platform.startswith("linux"):
        assert (bundle / "install.sh").is_file()
        assert (bundle / "cxmatrix.desktop").is_file()


@pytest.mark.bundle
def test_bundle_creates_and_exports_the_demo(bundle: Path, tmp_path: Path) -> None:
    import openpyxl
    from pypdf import PdfReader

    created = run_app("new", "demo.cxm", "--demo", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "demo.cxm").read_bytes().startswith(b"SQLite format 3\0")

    checked = run_app("check", "demo.cxm", "--json", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr  # the demo has error findings on purpose
    assert any(f["code"] == "no-owner" for f in json.loads(checked.stdout)["findings"])

    for name in ("demo.xlsx", "demo.pdf", "demo.csv", "demo.json"):
        exported = run_app("export", "demo.cxm", name, cwd=tmp_path)
        assert exported.returncode == 0, f"{name}: {exported.stderr}"

    workbook = openpyxl.load_workbook(tmp_path / "demo.xlsx", read_only=True)
    try:
        assert "Matrix" in workbook.sheetnames
        cells = {str(value) for row in workbook["Matrix"].iter_rows(values_only=True)
                 for value in row if value is not None}
        assert "Customer community forum" in cells
    finally:
        workbook.close()

    pdf = PdfReader(tmp_path / "demo.pdf")
    assert len(pdf.pages) > 0
    assert DEMO_TITLE in pdf.pages[0].extract_text()

    with (tmp_path / "demo.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert any("Customer community forum" in row for row in rows)

    from cxmatrix.interchange.json.codec import read

    matrix = read(tmp_path / "demo.json").matrix
    assert (matrix.title, matrix.touchpoint_count, len(matrix.departments)) == (DEMO_TITLE, 48, 9)


@pytest.mark.bundle
def test_bundle_reports_bad_input_on_stderr(bundle: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.cxm").write_text("not a matrix", encoding="utf-8")
    result = run_app("export", "notes.cxm", "out.pdf", cwd=tmp_path)
    assert result.returncode == 2
    assert "notes.cxm" in result.stderr
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.bundle
def test_bundle_starts_the_gui_offscreen(bundle: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    process = subprocess.Popen([str(EXECUTABLE), "--demo"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status = process.wait(timeout=8)
    except subprocess.TimeoutExpired:
        status = None  # still in its event loop after opening the demo: it started
    finally:
        if process.poll() is None:
            process.terminate()
        _, errors = process.communicate(timeout=30)
    assert status is None, f"the GUI exited with status {status}:\n{errors}"
    assert "Traceback" not in errors, errors


@pytest.mark.bundle
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktop integration")
def test_install_and_uninstall_in_a_scratch_home(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env |= {"HOME": str(home), "PATH": f"{home / '.local' / 'bin'}:{env.get('PATH', '')}"}
    script = ROOT / "packaging" / "linux" / "install.sh"

    installed = subprocess.run(["bash", str(script), str(bundle)], env=env, capture_output=True,
                               text=True, timeout=120, check=False)
    assert installed.returncode == 0, installed.stderr
    local = home / ".local"
    share = local / "share"
    app = local / "opt" / "cxmatrix" / "cxmatrix"
    assert os.access(app, os.X_OK)
    launcher = local / "bin" / "cxmatrix"
    assert launcher.is_symlink() and launcher.resolve() == app.resolve()
    version = subprocess.run(["cxmatrix", "--version"], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert version.stdout.strip() == f"cxmatrix {__version__}"

    desktop = (share / "applications" / "cxmatrix.desktop").read_text(encoding="utf-8")
    assert f'Exec="{app}" %f' in desktop.splitlines()
    assert "MimeType=application/x-cxmatrix;" in desktop.splitlines()
    for size in (16, 32, 48, 256, 512):
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "cxmatrix.png"
        assert icon.read_bytes().startswith(b"\x89PNG")
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "cxmatrix.svg").is_file()
    assert "*.cxm" in (share / "mime" / "packages" / "cxmatrix-mime.xml").read_text()
    if shutil.which("update-mime-database"):
        globs = (share / "mime" / "globs2").read_text(encoding="utf-8")
        assert "application/x-cxmatrix:*.cxm" in globs

    again = subprocess.run(["bash", str(script), str(bundle)], env=env, capture_output=True,
                           text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr  # updating over an install works

    removed = subprocess.run(["bash", str(script), "--uninstall"], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert removed.returncode == 0, removed.stderr
    assert not (local / "opt" / "cxmatrix").exists()
    assert not launcher.exists() and not launcher.is_symlink()
    assert not (share / "applications" / "cxmatrix.desktop").exists()
    assert not list((share / "icons").rglob("cxmatrix*"))
    assert not list((share / "icons").rglob("application-x-cxmatrix*"))
    assert not (share / "mime" / "packages" / "cxmatrix-mime.xml").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktop integration")
def test_install_refuses_a_folder_without_the_app(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(ROOT / "packaging" / "linux" / "install.sh"),
                             str(tmp_path / "nowhere")], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2
    assert "no built app" in result.stderr
    assert not (tmp_path / ".local").exists()


def test_entry_sends_every_cli_command_to_the_cli_and_the_rest_to_the_gui() -> None:
    import argparse

    from cxmatrix import launcher as entry
    from cxmatrix.cli import build_parser

    subparsers = next(action for action in build_parser()._actions
                      if isinstance(action, argparse._SubParsersAction))
    assert set(subparsers.choices) == entry.CLI_COMMANDS
    for command in entry.CLI_COMMANDS:
        assert entry.wants_cli([command, "x.cxm"])
    assert entry.wants_cli(["--version"])
    for gui_args in ([], ["--demo"], ["matrix.cxm"], ["/home/me/new.cxm", "--read-only"]):
        assert not entry.wants_cli(gui_args)
