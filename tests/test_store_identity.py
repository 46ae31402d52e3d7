"""A matrix's identity (format 6): one uid per matrix, kept by every copy of it."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.store.document import Document
from cxmatrix.store.format import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
UID = re.compile(r"[0-9a-f]{32}")


def test_a_new_matrix_has_its_own_identity_and_copies_share_it() -> None:
    first, second = Matrix(), Matrix()
    assert UID.fullmatch(first.uid) and first.uid != second.uid
    assert first.copy().uid == first.uid
    second.replace_contents(first)  # a merge fills a matrix; it stays itself
    assert second.uid != first.uid


def test_the_identity_is_kept_by_the_file_save_as_and_snapshots(tmp_path: Path) -> None:
    matrix = generate_matrix(10, 3, seed=1)
    with Document.create(tmp_path / "a.cxm", matrix) as document:
        document.take_snapshot("Before")
        copy = document.save_as(tmp_path / "b.cxm")
        copy.close()
    with Document.open(tmp_path / "a.cxm") as again:
        assert again.matrix.uid == matrix.uid
        assert again.snapshot("Before").matrix.uid == matrix.uid
    with Document.open(tmp_path / "b.cxm") as copied:
        assert copied.matrix.uid == matrix.uid


def test_format_5_gets_an_identity_that_its_snapshots_share(tmp_path: Path) -> None:
    paths = [tmp_path / "one.cxm", tmp_path / "two.cxm"]
    for path in paths:
        shutil.copy(FIXTURES / "schema_v5.cxm", path)
    uids = []
    for path in paths:
        with Document.open(path) as document:
            uid = document.matrix.uid
            assert UID.fullmatch(uid)
            assert document.snapshot("Agreed in April").matrix.uid == uid
            assert document.matrix.has_plan  # the format-5 content came through
        with Document.open(path) as again:
            assert again.matrix.uid == uid
        uids.append(uid)
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        db.close()
    assert uids[0] != uids[1]  # two upgraded copies are told apart from here on


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_every_earlier_format_gets_an_identity(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.cxm"
    shutil.copy(FIXTURES / f"schema_v{version}.cxm", path)
    with Document.open(path) as document:
        uid = document.matrix.uid
    with Document.open(path) as again:
        assert again.matrix.uid == uid and UID.fullmatch(uid)
