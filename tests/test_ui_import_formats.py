"""The new import formats reached from the window (issue 19, section 4): an .ods dropped onto
the window, and a Markdown document chosen in File > Import, whose filter offers both; each
goes through the import wizard into a new .cxm file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from test_import_documents import PHASES_MD
from test_import_formats import raci_ods
from ui_support import window_with_captured_messages

from cxmatrix.ui import files
from cxmatrix.ui.dialogs.import_wizard import ImportWizard

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _import_through_the_wizard(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(ImportWizard)),
                    timeout=10_000)
    wizard = next(w for w in window.findChildren(ImportWizard) if w.isVisible())
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.document is not None, timeout=10_000)


def test_an_ods_dropped_on_the_window_imports(qtbot: QtBot, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    path = raci_ods(tmp_path / "raci.ods")
    target = tmp_path / "raci.cxm"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    _import_through_the_wizard(qtbot, window)
    matrix = window.session.matrix
    assert window.session.document.path == target
    assert [d.name for d in matrix.departments] == ["Customer Success", "Sales", "Support"]
    assert [s.name for s in matrix.stages] == ["Onboarding", "Adoption", "Renewal"]
    assert window.errors == []
    window.close()


def test_file_import_offers_ods_markdown_and_html_and_reads_a_markdown_file(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    source = tmp_path / "onboarding.md"
    source.write_text(PHASES_MD, encoding="utf-8")
    offered: list[str] = []

    def choose(_parent: Any, _caption: str, _folder: str, filters: str) -> tuple[str, str]:
        offered.append(filters)
        return str(source), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(tmp_path / "onboarding.cxm"), ""))
    window.import_file()
    _import_through_the_wizard(qtbot, window)
    assert offered == [files.IMPORT_FILTER]
    first = offered[0].split(";;")[0]
    for pattern in ("*.xlsx", "*.ods", "*.md", "*.markdown", "*.html", "*.htm", "*.csv"):
        assert pattern in first
    matrix = window.session.matrix
    assert matrix.title == "Customer onboarding RACI"
    assert [s.name for s in matrix.stages] == ["Phase 1: Discovery", "Phase 2: Setup",
                                               "Go-live"]
    assert matrix.touchpoint_count == 6
    window.close()
