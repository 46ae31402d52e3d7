"""Start the desktop editor: ``cxmatrix [FILE.cxm] [--demo]`` (also ``python main.py``).

Sets the organisation and application names once so a bare QSettings() works everywhere,
follows the system's light or dark scheme, and turns any unexpected error into a dialog
instead of a traceback on the console.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from cxmatrix import APP_NAME, ORG_DOMAIN, ORG_NAME, __version__

if TYPE_CHECKING:
    from cxmatrix.ui.main_window import MainWindow


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
    box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                      f"Something went wrong inside cxmatrix: {error}\n\nYour matrix is safe: "
                      "every change that was made has been saved.")
    box.setDetailedText(details)
    box.exec()


def start(arguments: argparse.Namespace) -> MainWindow:
    """Create the application and its window, show it, and schedule opening the file."""
    set_identity()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    from cxmatrix.ui.theme import follow_system

    follow_system(app)
    sys.excepthook = _excepthook

    from cxmatrix.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if arguments.file:
        QTimer.singleShot(0, lambda: window.open_path(arguments.file,
                                                      read_only=arguments.read_only))
    elif arguments.demo:
        QTimer.singleShot(0, window.open_demo)
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
