"""Helpers shared by the GUI tests (tests/test_ui_*.py): isolated settings, documents.

Kept out of conftest.py (shared) on purpose; each test module builds its fixtures from these.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication

from cxmatrix.domain.model import Matrix
from cxmatrix.store import FILE_SUFFIX, Document
from cxmatrix.ui import files
from cxmatrix.ui.session import Session

TEST_ORGANISATION = "cxmatrix-tests"


def isolate_settings(folder: Path) -> None:
    """Every QSettings() of this test writes an INI file under ``folder``."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName(TEST_ORGANISATION)
    QCoreApplication.setApplicationName("cxmatrix-ui-tests")
    QSettings().clear()


def demo_document(folder: Path, name: str = "demo") -> Document:
    return Document.create(folder / f"{name}{FILE_SUFFIX}", files.demo_matrix())


def document_of(folder: Path, matrix: Matrix, name: str = "matrix") -> Document:
    return Document.create(folder / f"{name}{FILE_SUFFIX}", matrix)


def on_disk(document: Document) -> dict[str, object]:
    """The content of the document's file as a fresh reader sees it. The open document holds
    an exclusive lock, so the committed file is copied and the copy is read."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / document.path.name
        shutil.copyfile(document.path, copy)
        with Document.open(copy, read_only=True) as fresh:
            return fresh.matrix.content()


def small_matrix() -> Matrix:
    """Two stages, three departments, four touchpoints; focus on Customer Success."""
    from cxmatrix.domain.roles import Role

    matrix = Matrix(title="Small", organisation="Test Org")
    sales = matrix.add_department("Sales", "SAL")
    cs = matrix.add_department("Customer Success", "CS")
    support = matrix.add_department("Support", "SUP")
    onboarding = matrix.add_stage("Onboarding")
    support_stage = matrix.add_stage("Support")
    kickoff = matrix.add_touchpoint(onboarding.id, "Kick-off call", metric="NPS")
    welcome = matrix.add_touchpoint(onboarding.id, "Welcome email", peak=True)
    ticket = matrix.add_touchpoint(support_stage.id, "Support ticket")
    matrix.add_touchpoint(support_stage.id, "Outage notice", end=True)
    matrix.set_role(kickoff.id, cs.id, Role.OWN)
    matrix.set_role(kickoff.id, sales.id, Role.INFLUENCE)
    matrix.set_role(welcome.id, sales.id, Role.OWN)
    matrix.set_role(welcome.id, cs.id, Role.OWN)
    matrix.set_role(ticket.id, support.id, Role.OWN)
    matrix.set_role(ticket.id, cs.id, Role.HANDLE)
    matrix.set_properties(focus_department_id=cs.id)
    return matrix


def window_with_captured_messages(qtbot: Any, tmp_path: Path, monkeypatch: Any, *,
                                  capture_urls: bool = True,
                                  size: tuple[int, int] = (1300, 800)) -> Any:
    """A shown MainWindow with isolated settings, its warnings and critical messages recorded
    in ``window.errors``; with ``capture_urls`` every QDesktopServices.openUrl is recorded in
    ``window.opened`` and nothing is opened (without, offscreen Qt opens nothing either, as
    on a machine with no viewer)."""
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    from cxmatrix.ui.main_window import MainWindow

    isolate_settings(tmp_path / "settings")
    monkeypatch.setattr(files, "data_folder", lambda: tmp_path)
    errors: list[tuple[str, str]] = []
    opened: list[str] = []

    def capture(_parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        errors.append((title, text))
        return QMessageBox.StandardButton.Ok

    def open_url(url: Any) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QMessageBox, "warning", capture)
    monkeypatch.setattr(QMessageBox, "critical", capture)
    if capture_urls:
        monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = MainWindow()
    window.errors = errors  # type: ignore[attr-defined]
    window.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_and_wait(qtbot: Any, window: Any, path: Path, *, must_open: bool = True,
                  **options: Any) -> None:
    """Open ``path`` in the window and wait until the open has succeeded or failed, and the
    findings, counted after the window shows the matrix, have arrived."""
    job = window.open_path(path, **options)
    assert job is not None
    qtbot.waitUntil(lambda: job.settled and not window.session.checking, timeout=10_000)
    if must_open:
        assert window.session.document is not None


def window_on_small_matrix(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    """A window (messages and opened URLs captured) showing small_matrix() in small.cxm."""
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = document_of(tmp_path, small_matrix(), "small")
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    return window


# ---- driving the grid as a person does ------------------------------------------------------


def press(qtbot: Any, window: Any, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press as the window system delivers it: to the window, so shortcuts fire."""
    handle = window.windowHandle()
    assert handle is not None
    qtbot.keyClick(handle, key, modifiers)


def row_of(window: Any, name: str) -> int:
    """The grid row showing a touchpoint or stage heading called ``name``."""
    model = window.model
    for row in range(model.rowCount()):
        if model.data(model.index(row, 0)) == name:
            return row
    raise KeyError(name)


def column_of(window: Any, name: str) -> int:
    """The grid column of the department called ``name``."""
    dept = window.session.matrix.find_department(name)
    assert dept is not None
    column = window.model.column_of_department(dept.id)
    assert column is not None
    return column


def cell_centre(window: Any, row: int, column: int) -> QPoint:
    grid = window.grid
    index = window.model.index(row, column)
    grid.scrollTo(index)
    return grid.visualRect(index).center()


def click_cell(qtbot: Any, window: Any, row: int, column: int,
               modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mouseClick(window.grid.viewport(), Qt.MouseButton.LeftButton, modifier,
                     cell_centre(window, row, column))


@pytest.fixture
def session(qapp: QApplication, tmp_path: Path) -> Iterator[Session]:
    """A Session on a small matrix in its own file, with settings kept in ``tmp_path``."""
    isolate_settings(tmp_path / "settings")
    session = Session()
    session.set_document(document_of(tmp_path, small_matrix()))
    yield session
    session.close()
