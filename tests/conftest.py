"""Shared fixtures. Qt runs offscreen; every test gets its own settings and temp folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# UI fixtures shared by the tests/test_ui_*.py modules.
pytest_plugins = ["ui_support"]
