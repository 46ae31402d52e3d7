"""Help > About text: name, version, purpose, and the licences of the bundled fonts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from cxmatrix import APP_NAME, __version__
from cxmatrix.about import LIBRARIES, about_html, about_text, font_licences, licences_text
from cxmatrix.resources import resource_path


def test_about_names_the_app_its_version_and_purpose() -> None:
    text = about_text()
    assert text.splitlines()[0] == f"{APP_NAME} {__version__}"
    assert "clear owner" in text
    assert "MIT licence" in text
    assert "Qt and PySide6: LGPL v3" in text


def test_about_names_every_format_the_app_writes() -> None:
    """It said "Excel, CSV and a PDF report" while File > Export also wrote JSON and PNG."""
    from cxmatrix.interchange.formats import WRITERS

    words = {".xlsx": "Excel", ".csv": "CSV", ".json": "JSON", ".pdf": "PDF", ".png": "PNG"}
    assert set(WRITERS) == set(words), "a new export format: name it in about.PURPOSE"
    text = about_text()
    for suffix, word in words.items():
        assert re.search(rf"\b{word}\b", text), suffix


def test_about_names_every_library_the_app_depends_on() -> None:
    """XlsxWriter, pypdfium2 and psycopg (LGPL) were shipped but missing from the box."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    named = " ".join(name.lower() for name, _licence in LIBRARIES)
    for requirement in dependencies:
        distribution = re.match(r"[A-Za-z0-9_.-]+", requirement)
        assert distribution is not None
        base = distribution.group(0).lower().removesuffix("-essentials")
        assert base in named, requirement
    text = about_text()
    assert "psycopg and libpq: LGPL v3" in text
    assert "XlsxWriter: BSD licence" in text


def test_about_lists_every_bundled_font_and_its_licence() -> None:
    fonts_dir = resource_path("fonts")
    licences = font_licences()
    assert [licence.file_name for licence in licences] == ["LICENSE.txt"]
    dejavu = licences[0]
    assert dejavu.family == "DejaVu fonts"
    assert dejavu.licence == "Bitstream Vera"
    assert set(dejavu.fonts) == {p.name for p in fonts_dir.glob("*.ttf")}
    for font in dejavu.fonts:
        assert font in about_text()
    assert (fonts_dir / "LICENSE.txt").read_text(encoding="utf-8").strip() in licences_text()


def test_about_html_escapes_and_carries_the_same_facts() -> None:
    html = about_html()
    assert html.startswith(f"<h3>{APP_NAME} {__version__}</h3>")
    assert "Bitstream Vera licence" in html
    assert "<script" not in html


def test_font_licences_of_another_folder(tmp_path: Path) -> None:
    (tmp_path / "Inter.otf").write_bytes(b"\0")
    (tmp_path / "OFL.txt").write_text("SIL Open Font License 1.1\n\nCopyright Inter\n",
                                      encoding="utf-8")
    (tmp_path / "README.md").write_text("not a licence", encoding="utf-8")
    [licence] = font_licences(tmp_path)
    assert (licence.file_name, licence.family, licence.licence) == (
        "OFL.txt", "SIL Open Font License 1.1", "")
    assert licence.fonts == ("Inter.otf",)
    assert font_licences(tmp_path / "missing") == []
