"""The welcome page's recent files: a long path shows the file's name whole and the folder
elided in the middle, with the whole path in the tooltip, and the list never scrolls
sideways; activating a file asks for its whole path."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from cxmatrix.ui.panels.welcome import FOLDER_ROLE, PATH_ROLE, RecentFileDelegate, WelcomePage

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_a_long_recent_path_shows_the_name_and_the_folder_elided_in_the_middle(
        qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path.joinpath("Customer Experience", "Journey mapping workshops 2026",
                               "Regional rollout", "EMEA and APAC leadership review")
    long_path = str(folder / "customer-journey-ownership-final.cxm")
    short_path = str(tmp_path / "demo.cxm")
    page = WelcomePage()
    qtbot.addWidget(page)
    page.set_recent([long_path, short_path])
    page.resize(700, 560)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    recent = page.recent
    assert recent.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert not recent.horizontalScrollBar().isVisible()
    item = recent.item(0)
    assert item.text() == "customer-journey-ownership-final.cxm"
    assert item.toolTip() == long_path and item.data(PATH_ROLE) == long_path
    assert item.data(FOLDER_ROLE) == str(folder)
    delegate = recent.itemDelegate()
    assert isinstance(delegate, RecentFileDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(recent.viewport())
    option.rect = recent.visualItemRect(item)
    assert option.rect.right() <= recent.viewport().width()  # the row fits the view's width
    (name, name_font, name_line), (shown, _font, folder_line) = delegate.lines(
        option, item.text(), str(item.data(FOLDER_ROLE)))
    assert name == "customer-journey-ownership-final.cxm" and name_font.bold()
    assert folder_line.top() > name_line.bottom()  # the folder on its own line, under it
    # The folder is cut in the middle: both of its ends stay readable.
    assert "…" in shown and shown != str(folder)
    head, tail = shown.split("…")
    assert str(folder).startswith(head) and str(folder).endswith(tail)
    assert tail.endswith("EMEA and APAC leadership review"[-6:])
    assert recent.fontMetrics().horizontalAdvance(shown) <= folder_line.width()
    # A short path is shown whole.
    _, (short_shown, _, _) = delegate.lines(option, "demo.cxm", "Documents")
    assert short_shown == "Documents"
    with qtbot.waitSignal(page.recent_requested) as asked:
        recent.itemActivated.emit(item)
    assert asked.args == [long_path]
    # Narrower still (a small window): no sideways scrolling, the rows keep their two lines.
    page.resize(340, 560)
    QApplication.processEvents()
    assert not recent.horizontalScrollBar().isVisible()
    assert recent.visualItemRect(item).height() >= 2 * recent.fontMetrics().height()
    assert recent.indexAt(QPoint(5, recent.visualItemRect(item).center().y())).row() == 0
