"""Where the app's bundled files live: the repo's resources/ folder, or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


DEMO_SOURCE = ("demo.json",)


def demo_source() -> Path:
    return resource_path(*DEMO_SOURCE)
