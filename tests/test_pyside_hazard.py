"""Regression test for DESIGN.md's known hazard: PySide6 6.12.0 on CPython 3.11 drops None's
reference count on every empty data() from a C++ model and the app aborts with
"Fatal Python error: none_dealloc". pyproject.toml pins PySide6 below 6.12 on Python < 3.12;
this test fails if an affected PySide6 is ever installed anyway."""

from __future__ import annotations

import sys

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtGui import QStandardItemModel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal on Python 3.12+")
def test_empty_model_data_keeps_none_alive(qapp) -> None:
    model = QStandardItemModel(3, 3)  # every cell empty
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(1, 1)
    before = sys.getrefcount(None)
    for _ in range(200):
        assert proxy.data(index) is None
    lost = before - sys.getrefcount(None)
    assert lost <= 0, (f"PySide6 {pyside_version} loses a reference to None on each empty "
                       "data() call: pin PySide6-Essentials<6.12 for Python 3.11")


def test_installed_pyside_respects_the_pin() -> None:
    major, minor = (int(part) for part in pyside_version.split(".")[:2])
    if sys.version_info < (3, 12):
        assert (major, minor) < (6, 12), f"PySide6 {pyside_version} is affected on 3.11"
