"""The app icon: the committed PNG, .ico and .icns files match what make_icons.py makes now."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"


def _make_icons_module():
    spec = importlib.util.spec_from_file_location("cxmatrix_make_icons",
                                                  ROOT / "packaging" / "make_icons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make_icons = _make_icons_module()


@pytest.mark.parametrize("size", make_icons.PNG_SIZES)
def test_png_sizes(size: int) -> None:
    with Image.open(ICONS / f"cxmatrix-{size}.png") as image:
        assert image.size == (size, size)
        assert image.mode == "RGBA"
        corner, centre = image.getpixel((0, 0)), image.getpixel((size // 2, size // 2))
    assert corner[3] < 255  # rounded corners are transparent
    assert centre[:3] == (0xD9, 0x82, 0x2B)  # the highlighted cell: Handle orange


def test_ico_holds_every_size_as_png() -> None:
    data = (ICONS / "cxmatrix.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    with Image.open(ICONS / "cxmatrix.ico") as image:
        assert sorted(image.info["sizes"]) == [(s, s) for s in make_icons.ICO_SIZES]


def test_icns_holds_every_size() -> None:
    data = (ICONS / "cxmatrix.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    with Image.open(ICONS / "cxmatrix.icns") as image:
        sizes = {(w * scale) for w, _, scale in image.info["sizes"]}
    assert sizes == {16, 32, 64, 128, 256, 512, 1024}


def _pixels_by_size(path: Path) -> dict[tuple[int, int], bytes]:
    with Image.open(path) as image:
        sizes = image.info.get("sizes") or {image.size}
        pixels = {}
        for size in sizes:
            if path.suffix == ".ico":
                frame = image.ico.getimage(size)
            elif path.suffix == ".icns":
                frame = image.icns.getimage(size)
            else:
                frame = image.copy()
            pixels[tuple(size)] = frame.convert("RGBA").tobytes()
    return pixels


def test_committed_icons_are_up_to_date_with_the_svg(qapp: object, tmp_path: Path) -> None:
    # qapp first: make_icons must reuse the QApplication, not create a bare QGuiApplication.
    # Qt's rasteriser rounds a little differently on other CPUs (its SIMD paths differ): a
    # channel may be off by a few steps at an edge. A changed SVG changes far more than that.
    for path in make_icons.make_icons(tmp_path):
        committed = ICONS / path.name
        made, kept = _pixels_by_size(path), _pixels_by_size(committed)
        assert made.keys() == kept.keys(), f"{path.name} is out of date: run make_icons.py"
        for size, pixels in made.items():
            worst = max((abs(a - b) for a, b in zip(pixels, kept[size], strict=True)),
                        default=0)
            assert worst <= 4, (f"{path.name} at {size} differs by up to {worst} per channel: "
                                "run packaging/make_icons.py")
