"""Work off the GUI thread with a progress dialog that can be cancelled.

The work is a plain function taking a cxmatrix.domain.progress.Progress; it runs on a Python
thread while a QTimer on the GUI thread updates the dialog and, when the work ends, hands the
result (or the exception) to the callbacks, on the GUI thread. Work that cannot stop half way
(opening a file) is abandoned on cancel: its result is passed to ``discard`` when it arrives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from cxmatrix.domain.progress import Cancelled, Progress

POLL_MS = 20
SHOW_AFTER_MS = 400
_running: set[BackgroundJob] = set()


class BackgroundJob(QObject):
    def __init__(self, parent: QWidget, label: str, work: Callable[[Progress], Any], *,
                 on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None],
                 on_cancel: Callable[[], None] | None = None,
                 discard: Callable[[Any], None] | None = None) -> None:
        super().__init__(parent)
        self.progress = Progress()
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancel = on_cancel
        self.discard = discard
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False  # the work has ended (set on the worker thread)
        self.settled = False  # its outcome has been handed over (on the GUI thread)
        self._thread = threading.Thread(target=self._run, name="cxmatrix-job", daemon=True)
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("cxmatrix")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.cancelled = False

    def start(self) -> BackgroundJob:
        _running.add(self)
        self._thread.start()
        self._timer.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self.work(self.progress)
        except BaseException as error:  # handed to the GUI thread, shown there
            self.error = error
        self.finished = True

    def cancel(self) -> None:
        self.cancelled = True
        self.progress.cancel()
        self.dialog.setLabelText("Cancelling…")

    def _poll(self) -> None:
        progress = self.progress
        if progress.total:
            self.dialog.setMaximum(1000)
            self.dialog.setValue(int(progress.fraction() * 1000))
        if progress.message and not self.cancelled:
            self.dialog.setLabelText(progress.message)
        if not self.finished:
            return
        self._timer.stop()
        self._thread.join()
        self.dialog.hide()
        self.dialog.deleteLater()
        _running.discard(self)
        if self.cancelled or isinstance(self.error, Cancelled):
            if self.error is None and self.discard is not None:
                self.discard(self.result)
            if self.on_cancel is not None:
                self.on_cancel()
        elif self.error is not None:
            self.on_error(self.error)
        else:
            self.on_done(self.result)
        self.settled = True
        self.deleteLater()


def jobs_running() -> int:
    return len(_running)
