"""The app on the desktop: Help > About with its licences, the window icon, the desktop file
name, and files the desktop asks the app to open (QFileOpenEvent)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot
from ui_support import document_of, isolate_settings, small_matrix, window_with_captured_messages

from cxmatrix import __version__
from cxmatrix.app import parse_arguments, start
from cxmatrix.ui import identity

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    win = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    yield win
    win.close()


def test_about_shows_the_version_and_the_licences_on_request(
        window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str] = {}

    def press_licences(box: QMessageBox) -> int:
        seen["about"] = box.text()
        seen["title"] = box.windowTitle()
        assert not box.iconPixmap().isNull()
        next(b for b in box.buttons() if b.text() == "&Licences…").click()
        return 0

    def read_licences(dialog: QDialog) -> int:
        text = dialog.findChild(QPlainTextEdit, "licencesText")
        assert text is not None and text.isReadOnly()
        seen["licences"] = text.toPlainText()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_licences)
    monkeypatch.setattr(QDialog, "exec", read_licences)
    window.about_action.trigger()
    assert seen["title"] == "About cxmatrix"
    assert f"cxmatrix {__version__}" in seen["about"]
    assert "DejaVu" in seen["about"]
    licence_file = ROOT / "resources" / "fonts" / "LICENSE.txt"
    first_line = licence_file.read_text(encoding="utf-8").strip().splitlines()[0]
    assert first_line in seen["licences"]

    def close(box: QMessageBox) -> int:
        box.button(QMessageBox.StandardButton.Close).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", close)
    assert window.about() == "closed"


def test_the_icon_has_every_size_shipped() -> None:
    icon = identity.app_icon()
    sizes = {size.width() for size in icon.availableSizes()}
    shipped = {int(p.stem.split("-")[1]) for p in (ROOT / "resources" / "icons").glob("*.png")}
    assert sizes == shipped
    assert {16, 32, 256, 512} <= sizes
    assert icon.pixmap(QSize(48, 48)).width() == 48


def test_start_sets_the_icon_and_desktop_file_name(qtbot: QtBot, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_settings(tmp_path / "settings")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # start() installs its own
    window = start(parse_arguments([]))
    qtbot.addWidget(window)
    try:
        assert QGuiApplication.desktopFileName() == "cxmatrix"
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        assert not app.windowIcon().isNull()
        assert QSize(512, 512) in app.windowIcon().availableSizes()
        window.close()
    finally:
        isolate_settings(tmp_path / "settings")


OPEN_EVENT_SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFileOpenEvent
from cxmatrix.app import Application, parse_arguments, start

window = start(parse_arguments([]))
app = QCoreApplication.instance()
assert isinstance(app, Application), type(app)
QCoreApplication.postEvent(app, QFileOpenEvent(sys.argv[1]))

def check():
    if window.session.document is not None:
        print("opened", window.session.document.path.name, flush=True)
        window.close()
        app.quit()
    else:
        QTimer.singleShot(20, check)

QTimer.singleShot(0, check)
QTimer.singleShot(20000, app.quit)
app.exec()
"""


def test_a_file_the_desktop_asks_to_open_is_opened(tmp_path: Path) -> None:
    document = document_of(tmp_path, small_matrix(), "double-clicked")
    path = document.path
    document.close()
    env = {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", OPEN_EVENT_SCRIPT, str(path)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "opened double-clicked.cxm" in done.stdout


def test_files_asked_for_before_the_window_exists_wait_for_it() -> None:
    from types import SimpleNamespace

    from cxmatrix.app import adopt_window, open_requested_file

    opened: list[str] = []
    app: Any = SimpleNamespace(window=None, pending_files=[])
    open_requested_file(app, "early.cxm")
    assert app.pending_files == ["early.cxm"] and opened == []
    window: Any = SimpleNamespace(open_path=opened.append, raise_=lambda: None,
                                  activateWindow=lambda: None)
    adopt_window(app, window)
    assert opened == ["early.cxm"] and app.pending_files == []
    open_requested_file(app, "later.cxm")
    assert opened == ["early.cxm", "later.cxm"]


def test_the_dark_palette_sets_fields_apart_from_the_window() -> None:
    from PySide6.QtGui import QPalette

    from cxmatrix.ui.grid.delegates import is_dark
    from cxmatrix.ui.theme import dark_palette

    palette = dark_palette()
    role = QPalette.ColorRole
    window, base = palette.color(role.Window), palette.color(role.Base)
    assert is_dark(palette)
    assert abs(base.lightness() - window.lightness()) >= 8  # fields and grid stand out
    assert palette.color(role.Text).lightness() - base.lightness() >= 150
