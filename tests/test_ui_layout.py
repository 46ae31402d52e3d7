"""The window as a first-time user meets it: the welcome page, the docks and the filter bar at
laptop and desktop sizes, wrapped findings, filter counts, light/dark switches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
    QStyleOptionViewItem,
)
from pytestqt.qtbot import QtBot
from ui_support import demo_document, document_of, isolate_settings, open_and_wait, small_matrix

from cxmatrix.domain.roles import Severity
from cxmatrix.ui import files
from cxmatrix.ui.main_window import MainWindow
from cxmatrix.ui.theme import ClearStyle, apply_palette, dark_palette

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def fresh_window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 size: tuple[int, int]) -> MainWindow:
    """A window with no remembered layout, shown at ``size``."""
    isolate_settings(tmp_path / "settings")
    monkeypatch.setattr(files, "data_folder", lambda: tmp_path)
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_demo(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxm"
    if not path.exists():
        demo_document(tmp_path).close()
    open_and_wait(qtbot, window, path)
    QApplication.processEvents()
    return path


@pytest.fixture
def laptop(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    window = fresh_window(qtbot, tmp_path, monkeypatch, (1024, 640))
    yield window
    window.close()


def test_the_welcome_page_shows_the_whole_tagline_and_no_docks(qtbot: QtBot, laptop: MainWindow,
                                                              tmp_path: Path) -> None:
    tagline = laptop.welcome.tagline
    assert tagline.text() == "One clear owner for every customer touchpoint."
    assert tagline.width() >= tagline.fontMetrics().horizontalAdvance(tagline.text())
    assert all(dock.isHidden() for dock in laptop.docks)
    assert not laptop.findings_dock.toggleViewAction().isEnabled()
    open_demo(qtbot, laptop, tmp_path)
    assert laptop.findings_dock.isVisible() and laptop.details_dock.isVisible()
    assert laptop._lens_panel is None  # still tabbed behind the findings
    laptop.details_dock.hide()  # the user's choice survives closing and reopening
    laptop.close_document()
    assert all(dock.isHidden() for dock in laptop.docks)
    laptop.save_settings()
    assert QSettings().value("window/state") is not None
    open_demo(qtbot, laptop, tmp_path)
    assert laptop.findings_dock.isVisible() and laptop.details_dock.isHidden()


@pytest.mark.parametrize(("size", "most"), [((1024, 640), 340), ((1440, 900), 450),
                                            ((1600, 1000), 500)])
def test_the_docks_leave_the_grid_most_of_the_width(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int], most: int) -> None:
    window = fresh_window(qtbot, tmp_path, monkeypatch, size)
    open_demo(qtbot, window, tmp_path)
    dock = window.findings_dock.width()
    assert 280 <= dock <= most
    assert window.grid.width() >= size[0] - most - 20
    # The findings (or lens) above get about half the height beside the grid (below the
    # menu bar and the Current/Target toolbar); the details below scroll.
    beside = window.findings_dock.height() + window.details_dock.height()
    assert window.findings_dock.height() >= 0.45 * beside
    assert window.findings_dock.height() >= 0.38 * size[1]
    bar = window.filter_bar
    assert bar.text.width() >= 180  # the placeholder reads "Filter touchpoints…", not "Filte…"
    assert bar.role.isHidden()  # no department chosen: no role to choose
    bar.department.setCurrentIndex(1)
    QApplication.processEvents()
    assert not bar.role.isHidden()
    assert bar.text.width() >= 180
    assert bar.clear.geometry().right() <= bar.width()
    window.close()


def test_findings_wrap_so_they_can_be_read_in_full(qtbot: QtBot, laptop: MainWindow,
                                                  tmp_path: Path) -> None:
    open_demo(qtbot, laptop, tmp_path)
    panel = laptop.findings_panel
    view = panel.view
    assert panel.summary.text() == "4 errors · 4 warnings · 20 info"
    fallout = next(f for f in panel.model.findings(Severity.ERROR)
                   if "handle the fallout" in f.message)
    row = panel.model.finding_row(fallout)
    assert row is not None
    index = panel.model.index(row, 0)
    text = index.data()
    assert text == ("Outage notification & status page: Customer Success and Support handle the "
                    "fallout, but nobody owns it.")
    view.scrollTo(index)
    qtbot.waitUntil(lambda: view.rowHeight(row) > view.line_height, timeout=2000)
    # Where the delegate draws the text, the whole wrapped text fits.
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    view.itemDelegate().initStyleOption(option, index)
    assert option.features & QStyleOptionViewItem.ViewItemFeature.WrapText
    area = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    needed = view.fontMetrics().boundingRect(
        area, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), text)
    assert needed.width() <= area.width() and needed.height() <= area.height()
    # A heading keeps the one-line height.
    assert view.rowHeight(panel.model.group_row(Severity.ERROR)) == view.line_height
    # Expanding thousands of info rows measures only what is on screen.
    panel.model.set_collapsed(Severity.INFO, False)
    qtbot.waitUntil(lambda: not view._refit.isActive(), timeout=2000)


def test_filtered_stages_and_the_status_bar_say_how_many_are_shown(
        qtbot: QtBot, laptop: MainWindow, tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, laptop, path)
    model = laptop.model
    onboarding = laptop.session.matrix.stages[0].id
    assert model.stage_count_text(onboarding) == "2"
    assert laptop.filter_status.isHidden()
    qtbot.keyClicks(laptop.filter_bar.text, "email")
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=2000)
    assert model.stage_count_text(onboarding) == "1 of 2"
    assert "1 of 2 touchpoints shown" in model.data(model.index(0, 0),
                                                    Qt.ItemDataRole.ToolTipRole)
    assert not laptop.filter_status.isHidden()
    assert laptop.filter_status.text() == "Filter: 1 of 4 touchpoints shown"
    # Collapsing the stage hides rows but filters nothing: the count stays.
    model.set_collapsed(onboarding, True)
    assert laptop.filter_status.text() == "Filter: 1 of 4 touchpoints shown"
    model.set_collapsed(onboarding, False)
    laptop.findings_panel.only_rows.setChecked(True)  # the findings dock filters too
    laptop.filter_bar.reset()
    assert laptop.filter_status.text().startswith("Filter: ")
    laptop.findings_panel.only_rows.setChecked(False)
    assert model.stage_count_text(onboarding) == "2"
    assert laptop.filter_status.isHidden()
    assert laptop.counts.text().startswith("4 touchpoints")


def test_switching_light_and_dark_restyles_the_names_and_the_lens(
        qtbot: QtBot, laptop: MainWindow, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, laptop, path)
    laptop.lens_dock.raise_()
    qtbot.waitUntil(lambda: laptop._lens_panel is not None, timeout=2000)
    advice = laptop.lens_panel.findChild(QLabel, "lensAdvice_own")
    names = laptop.grid.frozen

    def below_the_rows() -> QColor:
        """A pixel of the name column under its last row: the view's base colour."""
        image = names.viewport().grab().toImage()
        return image.pixelColor(20, image.height() - 5)

    assert below_the_rows() == light.color(QPalette.ColorRole.Base)
    try:
        apply_palette(app, True)
        QApplication.processEvents()
        dark = dark_palette()
        assert below_the_rows() == dark.color(QPalette.ColorRole.Base)
        assert names.palette().color(QPalette.ColorRole.Text) == dark.color(
            QPalette.ColorRole.Text)
        ink = advice.palette().color(advice.foregroundRole())
        assert ink == dark.color(QPalette.ColorRole.PlaceholderText)
        assert laptop.details_panel.palette().color(QPalette.ColorRole.Window) == dark.color(
            QPalette.ColorRole.Window)
    finally:
        app.setPalette(light)
    QApplication.processEvents()
    assert below_the_rows() == light.color(QPalette.ColorRole.Base)
    assert advice.palette().color(advice.foregroundRole()) == light.color(
        QPalette.ColorRole.PlaceholderText)


def indicator_contrast(qtbot: QtBot, style: QStyle) -> int:
    """The largest lightness difference between an unchecked check box's indicator and the
    dark window around it."""
    box = QCheckBox("Peak moment")
    qtbot.addWidget(box)
    box.setStyle(style)
    box.setPalette(dark_palette())
    box.resize(box.sizeHint())
    option = QStyleOptionButton()
    box.initStyleOption(option)
    area = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    window = dark_palette().color(QPalette.ColorRole.Window).lightness()
    return max(abs(image.pixelColor(x, y).lightness() - window)
               for x in range(area.left(), area.right() + 1)
               for y in range(area.top(), area.bottom() + 1))


def test_check_boxes_show_on_a_dark_window(qtbot: QtBot) -> None:
    plain = QStyleFactory.create("Fusion")
    assert indicator_contrast(qtbot, ClearStyle()) >= 2 * indicator_contrast(qtbot, plain)
    assert indicator_contrast(qtbot, ClearStyle()) >= 80
