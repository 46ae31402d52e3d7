"""File > Export as Image from the window (issue 18 point 14): the menu entry, the page and
scale dialog, the PNG read back, and the "Export finished" notice."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from ui_support import window_on_small_matrix

from cxmatrix.interchange.pdf.theme import page_size
from cxmatrix.ui import transfer
from cxmatrix.ui.dialogs.image_export import ImageExportDialog, ImageOptions

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def small(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    window = window_on_small_matrix(qtbot, tmp_path, monkeypatch)
    yield window
    window.close()


def pixels(size: str, scale: float) -> tuple[int, int]:
    width, height = page_size(size)
    return math.ceil(width * scale - 1e-6), math.ceil(height * scale - 1e-6)


def wait_for_notice(qtbot: QtBot, window: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: any(box.isVisible() for box in window.findChildren(
        QMessageBox, transfer.EXPORT_FINISHED)), timeout=30_000)
    return next(box for box in window.findChildren(QMessageBox, transfer.EXPORT_FINISHED)
                if box.isVisible())


def test_export_as_image_is_in_the_file_menu(small: Any) -> None:
    file_menu = small.menuBar().actions()[0].menu()
    assert small.export_image_action in file_menu.actions()
    assert small.export_image_action.text() == "Export as &Image…"
    assert small.export_image_action.isEnabled()
    small.close_document()
    assert not small.export_image_action.isEnabled()


def test_the_menu_entry_asks_for_a_file_and_a_page_and_writes_the_png(
        qtbot: QtBot, small: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "slides" / "lens"  # no extension: .png is added
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_args, **_kw: (str(target), transfer.IMAGE_FILTER))
    seen: dict[str, Any] = {}

    def run(dialog: ImageExportDialog) -> int:
        pages = [dialog.page.itemText(i) for i in range(dialog.page.count())]
        seen["pages"] = pages
        dialog.page.setCurrentIndex(pages.index("Lens: Support"))
        dialog.page_size.setCurrentIndex(dialog.page_size.findData("letter"))
        dialog.scale.setValue(1.5)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImageExportDialog, "exec", run)
    small.export_image_action.trigger()
    box = wait_for_notice(qtbot, small)
    assert seen["pages"][:3] == ["Executive summary", "Responsibility chart",
                                 "Lens: Customer Success"]  # the focus department first
    written = target.with_suffix(".png")
    assert "lens.png is ready" in box.text()
    with Image.open(written) as image:
        assert image.size == pixels("letter", 1.5)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None
        assert len(colours) > 100
    box.close()


def test_an_image_export_with_given_options_writes_the_summary(
        qtbot: QtBot, small: Any, tmp_path: Path) -> None:
    target = tmp_path / "summary.png"
    job = small.export_image(target, image_options=ImageOptions("summary", None, "a4", 2.0))
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=30_000)
    with Image.open(target) as image:
        assert image.size == pixels("a4", 2)
        # The headline and the tiles sit in the upper half: not white.
        upper = image.convert("L").crop((0, 0, image.size[0], image.size[1] // 2))
        assert min(upper.getextrema()) < 80
    assert small.statusBar().currentMessage() == f"Exported to {target}"
    wait_for_notice(qtbot, small).close()


def test_an_unknown_lens_is_an_error_message_and_no_file(
        qtbot: QtBot, small: Any, tmp_path: Path) -> None:
    target = tmp_path / "x.png"
    job = small.export_image(target, image_options=ImageOptions("lens", "Nobody"))
    assert job is not None
    qtbot.waitUntil(lambda: job.settled, timeout=30_000)
    assert any("no department called 'Nobody'" in text for _title, text in small.errors)
    assert not target.exists()


def test_cancelling_the_image_dialog_writes_nothing(
        small: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageExportDialog, "exec",
                        lambda _dialog: QDialog.DialogCode.Rejected)
    assert small.export_image(tmp_path / "x.png") is None
    assert not (tmp_path / "x.png").exists()


def test_the_summary_image_shows_the_drift_chart_once_there_are_two_snapshots(
        qtbot: QtBot, small: Any, tmp_path: Path) -> None:
    def export(name: str) -> Image.Image:
        target = tmp_path / name
        job = small.export_image(target, image_options=ImageOptions("summary", None, "a4", 2.0))
        assert job is not None
        qtbot.waitUntil(lambda: job.settled, timeout=30_000)
        wait_for_notice(qtbot, small).close()
        with Image.open(target) as image:
            return image.convert("L")

    def ink_below_half(image: Image.Image) -> int:
        lower = image.crop((0, image.size[1] // 2, image.size[0], image.size[1] - 120))
        return sum(lower.histogram()[:160])

    before = export("before.png")
    assert small.plan_view.take_snapshot("January")
    assert small.plan_view.take_snapshot("February")
    qtbot.waitUntil(lambda: len(small.session.document.snapshots()) == 2, timeout=30_000)
    after = export("after.png")
    assert after.size == before.size == pixels("a4", 2)
    # The small matrix's summary ends in the upper half; the chart comes below it.
    assert ink_below_half(before) < ink_below_half(after) / 4
