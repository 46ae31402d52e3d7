"""The actions declared in ui/actions.py: each in a menu, with the keys users expect, enabled
by the state it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from ui_support import document_of, open_and_wait, small_matrix, window_with_captured_messages

from cxmatrix.ui.actions import SPECS, Needs, key_sequences

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return window_with_captured_messages(qtbot, tmp_path, monkeypatch)


def menu_actions(window: Any) -> set[str]:
    names: set[str] = set()
    menus = [action.menu() for action in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            if action.menu() is not None:
                menus.append(action.menu())
            elif action.objectName():
                names.add(action.objectName())
    return names


def test_every_declared_action_is_in_a_menu_with_its_keys(window: Any) -> None:
    shown = menu_actions(window)
    assert {spec.name for spec in SPECS.values()} <= shown
    redo = [k.toString() for k in window.redo_action.shortcuts()]
    assert "Ctrl+Y" in redo and "Ctrl+Shift+Z" in redo
    assert window.close_action.shortcuts()[0] == QKeySequence("Ctrl+W")
    assert QKeySequence("Ctrl+X") in window.cut_action.shortcuts()
    assert key_sequences(("Ctrl+Q", "Ctrl+Q")) == [QKeySequence("Ctrl+Q")]


def test_actions_follow_the_document_state(qtbot: Any, window: Any, tmp_path: Path) -> None:
    def enabled(needs: Needs) -> set[bool]:
        return {getattr(window, f"{name}_action").isEnabled()
                for name, spec in SPECS.items() if spec.needs is needs}

    assert enabled(Needs.NOTHING) == {True}
    assert enabled(Needs.DOCUMENT) == {False} and enabled(Needs.WRITABLE) == {False}
    document = document_of(tmp_path, small_matrix())
    path = document.path
    document.close()
    open_and_wait(qtbot, window, path)
    assert enabled(Needs.DOCUMENT) == {True} and enabled(Needs.WRITABLE) == {True}
    window.close_document()
    job = window.open_path(path, read_only=True)
    qtbot.waitUntil(lambda: job.settled, timeout=5000)
    assert window.session.read_only
    assert enabled(Needs.DOCUMENT) == {True} and enabled(Needs.WRITABLE) == {False}
