"""Comments are kept in the .cxm file (format 7): they survive closing and reopening, Save As
and a snapshot; removing one and undoing it; a comment stays with a removed touchpoint and
comes back with it; bad comments are refused by the domain and a damaged row by the loader,
naming its table and row; files of format 6 gain the table on open."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxmatrix.domain.comments import new_comment
from cxmatrix.domain.model import DomainError, Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.store import CorruptDocument, Document
from cxmatrix.store.format import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
MAY_4 = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def _matrix() -> Matrix:
    m = Matrix(title="Onboarding")
    stage = m.add_stage("Buy")
    for name in ("Checkout", "Invoice"):
        m.add_touchpoint(stage.id, name)
    sales = m.add_department("Sales").id
    m.add_department("Legal")
    m.set_role(next(m.iter_touchpoints()).id, sales, Role.OWN)
    return m


def test_comments_survive_reopen_save_as_and_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "c.cxm"
    with Document.create(path, _matrix()) as document:
        m = document.matrix
        checkout, invoice = (t.id for t in m.iter_touchpoints())
        sales, legal = (d.id for d in m.departments)
        on_cell = new_comment("Maren (Sales)", "  We run this one.\n", checkout, sales, at=MAY_4)
        on_row = new_comment("Ben", "Legal wants a say", invoice, at=MAY_4)
        later = new_comment("Ben", "Agreed with Maren", checkout, legal,
                            at=datetime(2026, 5, 5, tzinfo=UTC))
        changes = []
        document.add_listener(changes.append)
        assert document.add_comments([on_cell, on_row, later]) == [on_cell.uid, on_row.uid,
                                                                    later.uid]
        assert changes[-1].comments == {on_cell.uid, on_row.uid, later.uid}
        document.take_snapshot("With comments")
        document.save_copy(tmp_path / "copy.cxm")
    for name in ("c.cxm", "copy.cxm"):
        with Document.open(tmp_path / name) as document:
            m = document.matrix
            assert dict(m.comments) == {c.uid: c for c in (on_cell, on_row, later)}
            assert m.comments[on_cell.uid].text == "We run this one."
            assert m.comments_on(checkout) == [on_cell, later]
            assert m.comments_on(checkout, sales) == [on_cell]
            assert m.commented_cells() == {(checkout, sales), (checkout, legal)}
    with Document.open(path) as document:
        assert dict(document.snapshot("With comments").matrix.comments) == dict(
            document.matrix.comments)


def test_removing_a_comment_and_undoing_it(tmp_path: Path) -> None:
    path = tmp_path / "c.cxm"
    with Document.create(path, _matrix()) as document:
        tp = next(document.matrix.iter_touchpoints()).id
        comment = new_comment("Ben", "Check the refund path", tp)
        document.add_comments([comment])
        removed = document.remove_comments([comment.uid])
        assert removed == [comment] and not document.matrix.comments
    with Document.open(path) as document:
        assert not document.matrix.comments
        document.add_comments(removed)  # the undo
    with Document.open(path) as document:
        assert list(document.matrix.comments.values()) == [comment]


def test_a_comment_stays_with_a_removed_touchpoint_and_comes_back(tmp_path: Path) -> None:
    path = tmp_path / "c.cxm"
    with Document.create(path, _matrix()) as document:
        tp = next(document.matrix.iter_touchpoints()).id
        comment = new_comment("Ben", "Who owns this?", tp, document.matrix.departments[1].id)
        document.add_comments([comment])
        snapshot = document.delete_touchpoint(tp)
        assert document.matrix.comments_on(tp) == []
        document.restore_touchpoint(snapshot)
    with Document.open(path) as document:
        assert document.matrix.comments_on(tp) == [comment]


@pytest.mark.parametrize(("author", "text", "problem"), [
    ("", "text", "needs an author"),
    ("Ben", "   ", "cannot be empty"),
    ("Ben", "x" * 100_001, "at most 100,000 characters"),
])
def test_a_bad_comment_is_refused_and_changes_nothing(tmp_path: Path, author: str, text: str,
                                                      problem: str) -> None:
    with Document.create(tmp_path / "c.cxm", _matrix()) as document:
        tp = next(document.matrix.iter_touchpoints()).id
        good = new_comment("Ben", "fine", tp)
        with pytest.raises(ValueError, match=problem):
            document.add_comments([good, new_comment(author, text, tp)])
        assert not document.matrix.comments
        with pytest.raises(DomainError, match="no touchpoint with id 99999"):
            document.add_comments([new_comment("Ben", "where?", 99_999)])
        document.add_comments([good])
        with pytest.raises(DomainError, match="already"):
            document.add_comments([good])


@pytest.mark.parametrize(("column", "value", "problem"), [
    ("at", "'yesterday'", "'yesterday' is not a time"),
    ("at", "'2026-05-04T09:30:00'", "time zone"),
    ("author", "''", "needs an author"),
    ("body", "x'00'", "table 'touchpoint_comment', row uid"),
])
def test_a_damaged_comment_row_is_refused(tmp_path: Path, column: str, value: str,
                                          problem: str) -> None:
    path = tmp_path / "c.cxm"
    with Document.create(path, _matrix()) as document:
        tp = next(document.matrix.iter_touchpoints()).id
        document.add_comments([new_comment("Ben", "fine", tp)])
    with sqlite3.connect(path) as raw:
        raw.execute(f"UPDATE touchpoint_comment SET {column} = {value}")
    raw.close()
    with pytest.raises(CorruptDocument, match=problem):
        Document.open(path)


def test_a_format_6_file_gains_the_comment_table(tmp_path: Path) -> None:
    path = tmp_path / "v6.cxm"
    shutil.copy(FIXTURES / "schema_v6.cxm", path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (6,)
    raw.close()
    with Document.open(path) as document:
        assert not document.matrix.comments
        assert document.matrix.signoffs  # what format 6 had is still there
        tp = next(document.matrix.iter_touchpoints()).id
        comment = new_comment("Robin", "After the upgrade", tp)
        document.add_comments([comment])
        document.take_snapshot("After the upgrade")
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    raw.close()
    with Document.open(path) as document:
        assert list(document.matrix.comments.values()) == [comment]
        for info in document.snapshots():
            document.snapshot(info.id)  # snapshots taken before the upgrade still load
