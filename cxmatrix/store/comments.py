"""Reading and writing comments in a .cxm file (format 7), beside ``load`` like ``signoffs``.

A comment is one row of ``touchpoint_comment``. Nothing in a file is trusted: the query skips
values of the wrong storage class or length (the check query names the first), the time must
be one with its time zone, and the comment must pass the domain's checks. A comment may name a
touchpoint or department that no longer exists (it comes back with them on undo).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cxmatrix.domain.comments import Comment, CommentError, checked_comment
from cxmatrix.domain.model import Matrix
from cxmatrix.store import statements as st
from cxmatrix.store.plan import _damaged, _rows

_DELETE = "DELETE FROM touchpoint_comment WHERE uid = ?"


def load_comments(connection: sqlite3.Connection, matrix: Matrix, path: Path) -> None:
    """Read the comments into ``matrix``."""
    comments: dict[str, Comment] = {}
    for uid, tid, did, author, at, text in _rows(connection, path, "touchpoint_comment"):
        try:
            when = datetime.fromisoformat(at)
            comments[uid] = checked_comment(Comment(uid, tid, did, author, when, text))
        except ValueError as error:  # CommentError is one too
            problem = str(error) if isinstance(error, CommentError) else f"{at!r} is not a time"
            raise _damaged(path, "touchpoint_comment", (uid,), problem) from None
    matrix.load_comments(comments)


def comment_row(comment: Comment) -> tuple[object, ...]:
    return (comment.uid, comment.touchpoint_id, comment.department_id, comment.author,
            comment.at.isoformat(), comment.text)


def write_comments(connection: sqlite3.Connection, matrix: Matrix) -> None:
    """Insert every comment into the empty table, inside the caller's transaction."""
    if matrix.comments:
        connection.executemany(st.INSERT["touchpoint_comment"],
                               [comment_row(c) for c in matrix.comments.values()])


def replace_comments(connection: sqlite3.Connection, matrix: Matrix,
                     uids: Iterable[str]) -> None:
    """Write these comments as the matrix holds them now (one it no longer has: its row
    goes), inside the caller's transaction."""
    wanted = sorted(set(uids))
    connection.executemany(_DELETE, [(uid,) for uid in wanted])
    rows = [comment_row(matrix.comments[uid]) for uid in wanted if uid in matrix.comments]
    if rows:
        connection.executemany(st.INSERT["touchpoint_comment"], rows)
