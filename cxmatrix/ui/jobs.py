"""Work off the GUI thread with a progress dialog that can be cancelled.

The work is a plain function taking a cxmatrix.domain.progress.Progress; it runs on a Python
thread while a QTimer on the GUI thread updates the dialog. When the work ends, the thread
wakes the GUI thread at once (a queued signal, not the next timer tick) to hand the result
(or the exception) to the callbacks, on the GUI thread. Work that cannot stop half way
(opening a file) is abandoned on cancel: its result is passed to ``discard`` when it arrives.
Work during which the window must take no input (``show_at_once``) shows the window-modal
dialog from its start; work the window goes on beside (``quiet``: counting a newly opened
file's findings) shows none.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from cxmatrix.domain.progress import Cancelled, Progress

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog, QWidget

POLL_MS = 20
SHOW_AFTER_MS = 400
_running: set[BackgroundJob] = set()


class BackgroundJob(QObject):
    _work_ended = Signal()  # emitted on the worker thread, delivered on the GUI thread

    def __init__(self, parent: QWidget, label: str, work: Callable[[Progress], Any], *,
                 on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None],
                 on_cancel: Callable[[], None] | None = None,
                 discard: Callable[[Any], None] | None = None,
                 show_at_once: bool = False, quiet: bool = False) -> None:
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
        self._parent = parent
        self._label = label
        self._dialog: QProgressDialog | None = None  # made only if the work is slow
        self._started = 0.0
        self._handed_over = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._work_ended.connect(self._poll, Qt.ConnectionType.QueuedConnection)
        self.cancelled = False
        # Work during which the window must take no input shows its (window-modal) dialog
        # at once rather than after SHOW_AFTER_MS.
        self._show_at_once = show_at_once
        self._quiet = quiet

    @property
    def dialog(self) -> QProgressDialog:
        """The progress dialog with its Cancel button, made when first needed: quick work
        (opening a small file at start-up) never builds one."""
        if self._dialog is None:
            from PySide6.QtWidgets import QProgressDialog

            dialog = QProgressDialog(self._label, "Cancel", 0, 0, self._parent)
            dialog.setWindowTitle("cxmatrix")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(SHOW_AFTER_MS)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.cancel)
            if self.cancelled:
                dialog.setLabelText("Cancelling…")
            self._dialog = dialog
        return self._dialog

    def start(self) -> BackgroundJob:
        self._started = time.monotonic()
        _running.add(self)
        if self._show_at_once:
            self.dialog.show()
        self._thread.start()
        self._timer.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self.work(self.progress)
        except BaseException as error:  # handed to the GUI thread, shown there
            self.error = error
        self.finished = True
        self._work_ended.emit()

    def cancel(self) -> None:
        self.cancelled = True
        self.progress.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Cancelling…")

    def _poll(self) -> None:
        if self.finished:
            self._hand_over()
            return
        if self._dialog is None:
            if self._quiet or (time.monotonic() - self._started) * 1000 < SHOW_AFTER_MS:
                return
            self.dialog.show()
        progress = self.progress
        dialog = self.dialog
        if progress.total:
            dialog.setMaximum(1000)
            dialog.setValue(int(progress.fraction() * 1000))
        if progress.message and not self.cancelled:
            dialog.setLabelText(progress.message)

    def _hand_over(self) -> None:
        if self._handed_over:  # a timer tick and the wake-up may both arrive
            return
        self._handed_over = True
        self._timer.stop()
        self._thread.join()
        if self._dialog is not None:
            self._dialog.hide()
            self._dialog.deleteLater()
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
