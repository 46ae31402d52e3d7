"""Folders offered by the file dialogs: never one that does not exist (a file dialog would put
its name in the file-name box, as a trial found with a missing Documents folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication
from ui_support import isolate_settings

from cxmatrix.ui import settings


def test_missing_folders_fall_back_to_ones_that_exist(qapp: QApplication, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_settings(tmp_path / "settings")
    missing = tmp_path / "no such Documents"
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(missing))
    assert settings.documents_folder() == str(Path.home())
    gone = tmp_path / "was here" / "plan.cxm"
    gone.parent.mkdir()
    settings.remember_folder(gone)
    settings.remember_import_folder(gone)
    assert settings.last_folder() == str(gone.parent.resolve())
    gone.parent.rmdir()
    assert settings.last_folder() == str(Path.home())
    assert settings.last_import_folder() == str(Path.home())
