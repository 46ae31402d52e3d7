"""The PDF export dialog's preview of page 1 (issue 18 point 15): drawn from the real PDF off
the GUI thread, shown as a pixmap, redrawn when the options change, "No preview" when it
cannot be made."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from ui_support import isolate_settings, small_matrix

from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.interchange.pdf.theme import page_size
from cxmatrix.ui.dialogs.pdf_export import NO_PREVIEW, PdfExportDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> Iterator[PdfExportDialog]:
    isolate_settings(tmp_path / "settings")
    shown = PdfExportDialog(demo_matrix(), "demo.pdf")
    qtbot.addWidget(shown)
    shown.page_size.setCurrentIndex(shown.page_size.findData("a4"))
    shown.show()
    yield shown
    shown.reject()


def shown_image(dialog: PdfExportDialog) -> QImage:
    pixmap = dialog.preview.pixmap()
    assert not pixmap.isNull()
    return pixmap.toImage()


def aspect(image: QImage) -> float:
    return image.width() / image.height()


def dark_pixels(image: QImage) -> int:
    """Pixels darker than mid grey, sampled on a grid (the headline, the tiles, the table)."""
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixelColor(x, y).lightness() < 128:
                count += 1
    return count


def test_the_preview_shows_page_1_and_follows_the_page_size(
        qtbot: QtBot, dialog: PdfExportDialog) -> None:
    qtbot.waitUntil(dialog.preview_ready, timeout=30_000)
    a4 = shown_image(dialog)
    width, height = page_size("a4")
    assert aspect(a4) == pytest.approx(width / height, rel=0.02)
    assert a4.width() >= 200
    assert dark_pixels(a4) > 200
    assert dialog.preview.text() == ""

    dialog.page_size.setCurrentIndex(dialog.page_size.findData("letter"))
    assert not dialog.preview_ready()  # the A4 picture no longer stands for the options
    qtbot.waitUntil(dialog.preview_ready, timeout=30_000)
    letter = shown_image(dialog)
    width, height = page_size("letter")
    assert aspect(letter) == pytest.approx(width / height, rel=0.02)
    assert aspect(letter) < aspect(a4) - 0.05
    assert dialog.preview_options is not None
    assert dialog.preview_options.page_size == "letter"


def test_a_run_of_changes_ends_with_the_last_choice(
        qtbot: QtBot, dialog: PdfExportDialog) -> None:
    for size in ("a3", "tabloid", "letter", "a3"):
        dialog.page_size.setCurrentIndex(dialog.page_size.findData(size))
        dialog.fit_page.toggle()
    qtbot.waitUntil(dialog.preview_ready, timeout=30_000)
    assert dialog.preview_options == dialog.options()
    assert dialog.preview_options.page_size == "a3"
    assert dialog.preview_options.fit_page is False  # toggled four times


def test_a_preview_that_cannot_be_made_is_a_quiet_text(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_settings(tmp_path / "settings")
    # No temporary folder to write the PDF in: a real failure of the preview's first step.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    shown = PdfExportDialog(small_matrix(), "small.pdf")
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.preview.text() == NO_PREVIEW, timeout=30_000)
    assert shown.preview.pixmap().isNull()
    assert shown.isVisible()  # no error box took over
    shown.reject()
