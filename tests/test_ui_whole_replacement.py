"""A merge that rewrites most of a large matrix, its undo and its redo are written on a worker
thread: the GUI thread keeps running its event loop, the window takes no edits meanwhile
(a window-modal progress dialog, and the Session refuses them), and the result is one undo
step. A cancel or a refused write leaves file and memory as they were, with a message.

Which thread writes is seen through sqlite3's trace callback on the document's connection;
the worker is held at its first write, so nothing here depends on the machine's speed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from ui_support import on_disk, open_and_wait, window_with_captured_messages

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.store import Document
from cxmatrix.ui import commands, transfer

# The offscreen platform cannot size the progress dialog's window for its hints.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

WRITES = ("INSERT", "UPDATE", "DELETE", "DROP", "CREATE")
SOURCE = Path("colleague.xlsx")


class WriteWatch:
    """Records the thread of every write statement; holds the first one until released."""

    def __init__(self, document: Document) -> None:
        self.threads: list[threading.Thread] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        document._connection().set_trace_callback(self.trace)

    def trace(self, statement: str) -> None:
        if statement.lstrip().split(None, 1)[0].upper() not in WRITES:
            return
        self.threads.append(threading.current_thread())
        if not self.entered.is_set():
            self.entered.set()
            self.gate.wait(timeout=120)

    def hold_next(self) -> None:
        self.entered.clear()
        self.gate.clear()

    def off_the_gui_thread(self) -> bool:
        return bool(self.threads) and threading.main_thread() not in self.threads


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    win = window_with_captured_messages(qtbot, tmp_path, monkeypatch, capture_urls=False)
    path = tmp_path / "large.cxm"
    Document.create(path, generate_matrix(2_500, 20, seed=3)).close()
    open_and_wait(qtbot, win, path)
    yield win
    win.close()


def colleague_version(window: Any) -> ImportResult:
    """The same matrix with a role in every cell: merged, most of it is rewritten."""
    imported = window.session.matrix.copy()
    departments = [d.id for d in imported.departments]
    for row, tp in enumerate(imported.iter_touchpoints()):
        for column, did in enumerate(departments):
            imported.set_role(tp.id, did, Role.OWN if column == row % len(departments)
                              else Role.INFLUENCE)
    return ImportResult(imported)


def merge(window: Any) -> None:
    job = transfer.finish_import(window, SOURCE, colleague_version(window), "merge")
    assert job is not None


def gui_thread_runs(qtbot: QtBot) -> bool:
    ran: list[threading.Thread] = []
    QTimer.singleShot(0, lambda: ran.append(threading.current_thread()))
    qtbot.waitUntil(lambda: bool(ran), timeout=10_000)
    return ran == [threading.main_thread()]


def progress_dialog(window: Any) -> QProgressDialog:
    (dialog,) = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    return dialog


def test_merge_undo_and_redo_write_off_the_gui_thread_as_one_step(qtbot: QtBot,
                                                                  window: Any) -> None:
    session = window.session
    document = session.document
    before = session.matrix.content()
    expected = colleague_version(window).matrix.content()
    watch = WriteWatch(document)
    merge(window)
    qtbot.waitUntil(watch.entered.is_set, timeout=60_000)
    # The worker is in the middle of the write; the GUI thread goes on with its events.
    assert gui_thread_runs(qtbot)
    assert session.busy == f"Import {SOURCE.name}"
    dialog = progress_dialog(window)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # the window takes no input
    # Edits wait: refused with a message, nothing changes.
    assert not session.execute(commands.AddStage(session, "Typed meanwhile"))
    title, message = window.errors[-1]
    assert title.endswith(" failed")
    assert message == f"Wait until “Import {SOURCE.name}” is finished."
    assert session.matrix.content() == before
    watch.gate.set()
    qtbot.waitUntil(lambda: session.busy is None and session.undo_stack.count() == 1,
                    timeout=120_000)
    assert watch.off_the_gui_thread()
    assert session.matrix.content() == expected
    assert on_disk(document) == expected
    assert session.undo_stack.undoText() == f"Import {SOURCE.name}"
    assert "Merged colleague.xlsx" in window.statusBar().currentMessage()

    watch.threads.clear()
    watch.hold_next()
    window.undo_action.trigger()  # Edit > Undo
    qtbot.waitUntil(watch.entered.is_set, timeout=60_000)
    assert gui_thread_runs(qtbot)
    assert session.matrix.content() == expected  # shown only once written
    watch.gate.set()
    qtbot.waitUntil(lambda: session.busy is None and session.undo_stack.index() == 0,
                    timeout=120_000)
    assert watch.off_the_gui_thread()
    assert session.matrix.content() == before
    assert on_disk(document) == before

    watch.threads.clear()
    window.redo_action.trigger()  # Edit > Redo
    qtbot.waitUntil(lambda: session.busy is None and session.undo_stack.index() == 1,
                    timeout=120_000)
    assert watch.off_the_gui_thread()
    assert session.matrix.content() == expected
    assert on_disk(document) == expected
    assert session.undo_stack.count() == 1


def test_cancelled_merge_changes_neither_file_nor_memory(qtbot: QtBot, window: Any) -> None:
    session = window.session
    document = session.document
    before = session.matrix.content()
    watch = WriteWatch(document)
    merge(window)
    qtbot.waitUntil(watch.entered.is_set, timeout=60_000)
    (cancel,) = progress_dialog(window).findChildren(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    watch.gate.set()
    qtbot.waitUntil(lambda: session.busy is None, timeout=120_000)
    assert session.undo_stack.count() == 0
    assert session.matrix.content() == before
    assert on_disk(document) == before
    assert window.statusBar().currentMessage() == (f"Cancelled “Import {SOURCE.name}”; "
                                                   "nothing was changed.")
    # and the window edits as before
    assert session.execute(commands.AddStage(session, "After the cancel"))
    assert on_disk(document) == session.matrix.content()


def test_refused_write_changes_neither_file_nor_memory(qtbot: QtBot, window: Any) -> None:
    session = window.session
    document = session.document
    before = session.matrix.content()
    connection = document._connection()
    connection.execute("PRAGMA query_only = ON")  # every write is refused by SQLite
    merge(window)
    qtbot.waitUntil(lambda: bool(window.errors), timeout=120_000)
    qtbot.waitUntil(lambda: session.busy is None, timeout=10_000)
    title, message = window.errors[-1]
    assert title == f"Import {SOURCE.name} failed"
    assert message.startswith(f"{document.path.name}: ") or document.path.name in message
    assert session.undo_stack.count() == 0
    assert session.matrix.content() == before
    connection.execute("PRAGMA query_only = OFF")
    assert on_disk(document) == before


def test_a_whole_replacement_and_its_undo_keep_the_current_cell_and_scroll(
        qtbot: QtBot, window: Any) -> None:
    # Every row changes (the large-change path of the grid and the Changes dock): the model
    # is never reset, and the cell the user is on and the scroll position stay put.
    session, grid, model = window.session, window.grid, window.model
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    grid.setCurrentIndex(model.index(1200, 3))
    grid.scrollTo(model.index(1200, 3))
    current, scrolled = grid.currentIndex(), grid.verticalScrollBar().value()
    assert scrolled > 0
    merge(window)
    qtbot.waitUntil(lambda: session.busy is None and session.undo_stack.count() == 1,
                    timeout=120_000)
    for step, index in ((window.undo_action, 0), (window.redo_action, 1)):
        assert (grid.currentIndex().row(), grid.currentIndex().column()) == (
            current.row(), current.column())
        assert grid.verticalScrollBar().value() == scrolled
        step.trigger()
        qtbot.waitUntil(lambda i=index: session.busy is None
                        and session.undo_stack.index() == i, timeout=120_000)
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (
        current.row(), current.column())
    assert grid.verticalScrollBar().value() == scrolled
    assert resets == []
