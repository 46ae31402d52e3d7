"""The GUI's exception hook: an error raised inside painting or a model's data() during a
reset never opens a dialog (or any nested event loop) there; one dialog follows, for the
whole burst, once the event loop is back in charge, and the process lives on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView, QWidget
from pytestqt.qtbot import QtBot

from cxmatrix.app import ErrorReporter

# The offscreen platform cannot propagate a message box's size hints and says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


NO_PARENT = QModelIndex()


class BrokenModel(QAbstractTableModel):
    """A table whose cells fail to give their text, as a damaged matrix's cells did."""

    broken = False

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else 40

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else 6

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if self.broken and role == Qt.ItemDataRole.DisplayRole:
            raise TypeError(f"cell {index.row()},{index.column()} holds a BLOB")
        return f"{index.row()},{index.column()}" if role == Qt.ItemDataRole.DisplayRole else None


class BrokenPainting(QWidget):
    def paintEvent(self, event: QPaintEvent) -> None:
        raise RuntimeError("painting failed")


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.fixture
def reporter(monkeypatch: pytest.MonkeyPatch) -> ErrorReporter:
    hook = ErrorReporter()
    monkeypatch.setattr(sys, "excepthook", hook)
    return hook


@pytest.mark.qt_no_exception_capture
def test_errors_in_data_during_a_reset_give_one_dialog_afterwards(
        qtbot: QtBot, reporter: ErrorReporter, capsys: pytest.CaptureFixture[str]) -> None:
    model = BrokenModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    seen: list[bool] = []  # whether a dialog existed when each error reached the hook

    def hook(*error: object) -> None:
        seen.append(reporter.box is not None or bool(visible_boxes()))
        reporter(*error)  # type: ignore[arg-type]

    sys.excepthook = hook
    model.beginResetModel()
    model.broken = True
    model.endResetModel()  # the view repaints from the event loop: every cell's data() raises
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible(), timeout=5000)
    assert len(seen) > 1 and not seen[0]  # nothing was shown from inside that first paint
    painted = len(seen)
    view.viewport().update()  # the same failures again, with the dialog up
    qtbot.waitUntil(lambda: len(seen) > painted, timeout=5000)
    boxes = visible_boxes()
    assert len(boxes) == 1
    assert "holds a BLOB" in boxes[0].text()
    assert "Traceback" in boxes[0].detailedText()
    assert "holds a BLOB" in capsys.readouterr().err
    # The dialog is up and this test runs on: it was shown, not exec()'d in a nested loop.
    boxes[0].close()
    qtbot.waitUntil(lambda: reporter.box is None, timeout=5000)
    assert view.isVisible()  # the process and its window live on


@pytest.mark.qt_no_exception_capture
def test_a_burst_of_different_errors_shares_one_dialog(qtbot: QtBot,
                                                      reporter: ErrorReporter) -> None:
    painting = BrokenPainting()
    qtbot.addWidget(painting)
    painting.resize(200, 100)
    painting.show()
    qtbot.waitExposed(painting)
    painting.update()
    qtbot.waitUntil(lambda: reporter._pending != [] or reporter.box is not None, timeout=5000)
    for number in range(3):  # three more, from three other places
        try:
            raise ValueError(f"error {number}") if number == 0 else KeyError(number) \
                if number == 1 else LookupError(number)
        except Exception as error:  # handed to the hook as Qt would
            sys.excepthook(type(error), error, error.__traceback__)
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible(), timeout=5000)
    boxes = visible_boxes()
    assert len(boxes) == 1
    assert "painting failed" in boxes[0].text()
    assert boxes[0].informativeText() == "3 more errors followed."
    boxes[0].close()
    qtbot.waitUntil(lambda: reporter.box is None, timeout=5000)


def test_a_cxm_with_a_blob_for_a_title_is_refused_by_the_window(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file that used to make the window segfault while painting: refused when it is
    opened, with a message naming the table, the row and the column; the window lives on."""
    import sqlite3

    from ui_support import document_of, open_and_wait, small_matrix, window_with_captured_messages

    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = document_of(tmp_path, small_matrix(), "blob")
    path = document.path
    document.close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE matrix SET title = ?", (b"\x00\xff binary",))
        raw.execute("UPDATE stage SET name = ? WHERE id = (SELECT min(id) FROM stage)",
                    (b"\x01\x02",))
    open_and_wait(qtbot, window, path, must_open=False)
    assert window.session.document is None
    (title, message), = window.errors
    assert title == "Cannot open the matrix"
    assert "blob.cxm" in message and "'matrix'" in message and "title" in message
    qtbot.waitUntil(window.isVisible)
    window.grab()  # it still paints
