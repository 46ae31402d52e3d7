"""Start the desktop editor: ``cxmatrix [FILE.cxm] [--demo]`` (also ``python main.py``).

Sets the organisation and application names once so a bare QSettings() works everywhere,
gives the app its icon and desktop file name, follows the system's light or dark scheme,
opens the files the desktop hands over (macOS sends a QFileOpenEvent for a double-clicked
.cxm), and turns any unexpected error into a dialog instead of a traceback on the console.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from cxmatrix import APP_NAME, ORG_DOMAIN, ORG_NAME, __version__

if TYPE_CHECKING:
    from cxmatrix.ui.main_window import MainWindow


DESKTOP_FILE_NAME = "cxmatrix"  # packaging/linux/cxmatrix.desktop


class Application(QApplication):
    """The QApplication, plus the files the desktop asks it to open."""

    def __init__(self, argv: Sequence[str]) -> None:
        super().__init__(list(argv))
        self.window: MainWindow | None = None
        self.pending_files: list[str] = []

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            from PySide6.QtGui import QFileOpenEvent

            if isinstance(event, QFileOpenEvent):
                open_requested_file(self, event.file())
                return True
        return super().event(event)



def adopt_window(app: Application, window: MainWindow) -> None:
    """The window exists: open what the desktop asked for before it did."""
    app.window = window
    pending, app.pending_files = app.pending_files, []
    for path in pending:
        open_requested_file(app, path)


def open_requested_file(app: Application, path: str) -> None:
    """Open a file the desktop handed over, in the window (or once the window exists)."""
    if not path:
        return
    if app.window is None:
        app.pending_files.append(path)
        return
    app.window.open_path(path)
    app.window.raise_()
    app.window.activateWindow()


def set_identity() -> None:
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setOrganizationDomain(ORG_DOMAIN)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=APP_NAME, description="Edit a cxmatrix matrix.")
    parser.add_argument("file", nargs="?", help="a .cxm matrix to open")
    parser.add_argument("--demo", action="store_true", help="open the demo matrix")
    parser.add_argument("--read-only", action="store_true", help="open the file read-only")
    return parser.parse_args(list(argv))


def _excepthook(kind: type[BaseException], error: BaseException,
                trace: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, error, trace))
    sys.stderr.write(details)
    if QApplication.instance() is None:
        return
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                      f"Something went wrong inside cxmatrix: {error}\n\nYour matrix is safe: "
                      "every change that was made has been saved.")
    box.setDetailedText(details)
    box.exec()


def start(arguments: argparse.Namespace) -> MainWindow:
    """Create the application and its window, show it, and schedule opening the file."""
    set_identity()
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    app = QApplication.instance() or Application([sys.argv[0]])
    assert isinstance(app, QApplication)
    from cxmatrix.ui.identity import app_icon
    from cxmatrix.ui.theme import follow_system

    app.setWindowIcon(app_icon())
    follow_system(app)
    sys.excepthook = _excepthook

    from cxmatrix.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if isinstance(app, Application):
        adopt_window(app, window)
    # The document opens on a worker thread that starts now, while the window paints.
    if arguments.file:
        window.open_path(arguments.file, read_only=arguments.read_only)
    elif arguments.demo:
        window.open_demo()
    return window


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    window = start(arguments)
    app = QApplication.instance()
    assert app is not None
    code = app.exec()
    del window
    return code


if __name__ == "__main__":
    raise SystemExit(main())
