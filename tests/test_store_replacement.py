"""A whole replacement in two halves: ``prepare_replacement`` writes and commits (and, when
most rows change, computes the findings) without touching the matrix in memory, so that it
can run on a worker thread; ``finish_replacement`` only shows the result."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxmatrix.domain.findings import FindingsIndex
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.progress import Cancelled, Progress
from cxmatrix.store import Document


def messages(index: FindingsIndex) -> list[tuple[str, int | None, str]]:
    return [(f.code, f.touchpoint_id, f.message) for f in index.all()]


def test_prepared_replacement_changes_memory_only_when_finished(tmp_path: Path) -> None:
    path = tmp_path / "m.cxm"
    with Document.create(path, generate_matrix(1_500, 12, seed=1)) as document:
        before = document.matrix.content()
        other = generate_matrix(1_500, 12, seed=2)  # the same ids, other roles and names
        prepared = document.prepare_replacement(other)
        assert document.matrix.content() == before  # written, not shown
        assert prepared.findings is not None  # most rows changed: checked on that thread
        seen = []
        document.add_listener(seen.append)
        old = document.finish_replacement(prepared)
        assert old.content() == before
        assert document.matrix.content() == other.content()
        assert len(seen) == 1 and not seen[0].is_empty
        # The adopted findings are those of the matrix, and name it as it is now.
        assert messages(document.findings) == messages(FindingsIndex(document.matrix))
        department = document.matrix.departments[0]
        document.rename_department(department.id, "Renamed Team")
        assert messages(document.findings) == messages(FindingsIndex(document.matrix))
        assert any("Renamed Team" in message for _, _, message in messages(document.findings))
        shown = document.matrix.content()
    with Document.open(path, read_only=True) as reopened:
        assert reopened.matrix.content() == shown


def test_cancel_in_the_middle_of_the_write_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "m.cxm"
    with Document.create(path, generate_matrix(800, 10, seed=1)) as document:
        before = document.matrix.content()
        progress = Progress()
        # Cancel arrives in the middle of the write (seen at its first INSERT).
        document._connection().set_trace_callback(
            lambda statement: progress.cancel() if statement.startswith("INSERT") else None)
        with pytest.raises(Cancelled):
            document.prepare_replacement(generate_matrix(800, 10, seed=2), progress)
        document._connection().set_trace_callback(None)
        assert document.matrix.content() == before
    with Document.open(path, read_only=True) as reopened:
        assert reopened.matrix.content() == before
