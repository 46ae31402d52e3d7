"""Bringing cxmatrix's own workbooks back: read each returned copy and review it against the
matrix as it is now (the CLI's ``merge`` and File > Update from Workbook use this).

A plain spreadsheet goes through the import wizard instead; this is only for workbooks
cxmatrix exported (they carry the hidden ids and the record of what was exported).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.review import ReturnedCopy, Review, review


def read_copies(paths: Sequence[Path], progress: Progress | None = None
                ) -> list[ReturnedCopy]:
    """Each workbook as exported and as saved; raises ImportFailed (naming the file, sheet
    and cell) for the first one that cannot be brought back."""
    from cxmatrix.interchange.xlsx.returned import read_returned

    names = [p.name for p in paths]
    copies = []
    for index, path in enumerate(paths):
        if progress is not None:
            progress.step(index, len(paths), f"Reading {path.name}…")
        returned = read_returned(path)
        name = path.name if names.count(path.name) == 1 else str(path)
        copies.append(ReturnedCopy(name, returned.exported, returned.saved,
                                   returned.matrix_uid, tuple(returned.notices),
                                   plan_compared=returned.plan_compared,
                                   places=returned.plan_places))
    if progress is not None:
        progress.step(len(paths), len(paths), "Comparing…")
    return copies


def review_workbooks(ours: Matrix, paths: Sequence[Path], progress: Progress | None = None
                     ) -> Review:
    """The review of ``paths`` against ``ours``: base is what the workbooks record as
    exported (they must all come from the same export of this matrix)."""
    copies = read_copies(paths, progress)
    return review(copies[0].exported, copies, ours)
