"""Progress and cancellation for long work, shared by the GUI, the CLI and tests.

Long work is a plain function that takes a Progress and calls ``step``; the GUI reads it from
another thread and may call ``cancel``. No Qt here: the GUI polls or wraps it.
"""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The user cancelled the work; whatever it was doing has been rolled back."""


class Progress:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.message = ""

    def step(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Report progress; raises Cancelled once the user has asked to cancel."""
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
            if message is not None:
                self.message = message
        if self._cancel.is_set():
            raise Cancelled("cancelled")

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("cancelled")

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def fraction(self) -> float:
        with self._lock:
            return min(1.0, self.done / self.total) if self.total else 0.0


NO_PROGRESS = Progress()
