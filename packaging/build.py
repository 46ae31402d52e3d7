"""Build the desktop app with PyInstaller: `python packaging/build.py` -> dist/cxmatrix/.

Runs packaging/cxmatrix.spec with the Python that runs this script (use the project's
virtualenv), then starts the built executable once with `--version` to prove it runs.
On macOS the app is also wrapped as dist/cxmatrix.app. On Linux the desktop files and
install.sh from packaging/linux are copied into the app folder, so an archive of that folder
is all a user needs.

    python packaging/build.py              build (reusing PyInstaller's cache in build/)
    python packaging/build.py --clean      build from scratch
    python packaging/build.py --archive    also pack dist/cxmatrix-VERSION-PLATFORM.tar.gz/.zip
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "cxmatrix.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
LINUX_FILES = ("install.sh", "cxmatrix.desktop", "cxmatrix-mime.xml")


def bundle_dir() -> Path:
    return DIST / "cxmatrix"


def executable() -> Path:
    return bundle_dir() / ("cxmatrix.exe" if sys.platform == "win32" else "cxmatrix")


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.is_symlink())


def build(clean: bool = False) -> Path:
    """Build the bundle and return its executable; raise CalledProcessError on failure."""
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
               "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK)]
    if clean:
        command.append("--clean")
    subprocess.run(command, cwd=ROOT, check=True)
    if sys.platform.startswith("linux"):
        for name in LINUX_FILES:
            shutil.copy2(ROOT / "packaging" / "linux" / name, bundle_dir() / name)
    return executable()


def archive() -> Path:
    """Pack the app folder for download: a .tar.gz on Linux (keeps permissions), else a .zip."""
    sys.path.insert(0, str(ROOT))
    from cxmatrix import __version__

    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    base = DIST / f"cxmatrix-{__version__}-{system}-{platform.machine().lower()}"
    kind = "gztar" if sys.platform.startswith("linux") else "zip"
    folder = "cxmatrix.app" if sys.platform == "darwin" else "cxmatrix"
    return Path(shutil.make_archive(str(base), kind, root_dir=DIST, base_dir=folder))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="ignore PyInstaller's cache")
    parser.add_argument("--archive", action="store_true", help="also pack the app for download")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("PyInstaller") is None:
        print(f"build: PyInstaller is not installed for {sys.executable}; run this with the "
              "project's virtualenv (pip install -e '.[test]' installs it)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        program = build(clean=args.clean)
    except subprocess.CalledProcessError as error:
        print(f"build: PyInstaller failed (exit status {error.returncode})", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    version = subprocess.run([str(program), "--version"], capture_output=True, text=True,
                             timeout=120, check=False)
    if version.returncode != 0:
        print(f"build: {program} --version failed:\n{version.stderr}", file=sys.stderr)
        return 1
    size_mb = folder_size(bundle_dir()) / 1e6
    print(f"build: {version.stdout.strip()} in {bundle_dir()} "
          f"({size_mb:.0f} MB, built in {seconds:.0f} s)")
    if args.archive:
        packed = archive()
        print(f"build: packed {packed} ({packed.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
