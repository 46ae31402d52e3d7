"""Start the desktop editor: ``cxmatrix [FILE.cxm] [--demo]`` (also ``python main.py``).

Sets the organisation and application names once so a bare QSettings() works everywhere,
gives the app its icon and desktop file name, follows the system's light or dark scheme,
opens the files the desktop hands over (macOS sends a QFileOpenEvent for a double-clicked
.cxm), and turns any unexpected error into a dialog (shown later, never from inside painting)
as well as a traceback on the console.
"""

from __future__ import annotations

import argparse
import contextlib
import linecache
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

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


class ErrorReporter:
    """``sys.excepthook`` for the GUI: the traceback on stderr, then one dialog, later.

    An exception escaping a Qt virtual (``paintEvent``, a model's ``data()``) reaches the hook
    while Qt is still inside that call, perhaps in the middle of a model reset. A modal dialog
    opened there runs a nested event loop that paints the same half-reset view again and can
    crash the process. So the hook only records the error and posts the dialog to the event
    loop; the dialog is shown, not exec()'d (no nested loop there either), a burst of errors
    shares one dialog, and an error seen before (the same exception from the same place, as
    a failing paint repeats on every repaint) does not open a dialog again.
    """

    TITLE = "Unexpected error"

    def __init__(self) -> None:
        self.box: QMessageBox | None = None
        self._pending: list[tuple[str, str]] = []
        self._scheduled = False
        self._seen: set[tuple[str, str]] = set()
        self._shown_count = 0

    def __call__(self, kind: type[BaseException], error: BaseException,
                 trace: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, trace))
        with contextlib.suppress(Exception):
            sys.stderr.write(details)
        if QApplication.instance() is None:
            return
        frames = traceback.extract_tb(trace)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        signature = (kind.__qualname__, where)
        if signature in self._seen:
            return
        self._seen.add(signature)
        self._pending.append((f"{error}" or kind.__name__, details))
        if self.box is not None:
            self._update_box()
        elif not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self._show)

    def _show(self) -> None:
        self._scheduled = False
        if self.box is not None or not self._pending:
            return
        box = QMessageBox(QMessageBox.Icon.Critical, self.TITLE, "")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._closed)
        self.box = box
        self._shown_count = 0
        self._update_box()
        box.show()

    def _update_box(self) -> None:
        assert self.box is not None
        errors, self._pending = self._pending, []
        self._shown_count += len(errors)
        if not errors:
            return
        if self._shown_count == len(errors):  # the first errors of this dialog
            first = errors[0][0]
            if len(first) > 300:
                first = first[:300] + "..."
            self.box.setText(f"Something went wrong inside cxmatrix: {first}\n\nYour matrix "
                             "is safe: every change that was made has been saved.")
        more = self._shown_count - 1
        self.box.setInformativeText(f"{more} more error{'s' if more != 1 else ''} followed."
                                    if more else "")
        previous = self.box.detailedText()
        self.box.setDetailedText("\n".join([previous, *(d for _, d in errors)]).strip())

    def _closed(self) -> None:
        self.box = None
        if self._pending and not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self._show)


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
    sys.excepthook = ErrorReporter()

    from cxmatrix.ui.main_window import MainWindow

    window = MainWindow()
    # PySide6 reads the source of every module imported after it (looking for its
    # __feature__ imports) and leaves it in linecache: a few MB only a traceback would use,
    # and it reads them again when one needs them.
    linecache.clearcache()
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
