"""Comments: what a member says about a touchpoint or one of its cells, with who and when.

A comment belongs to a touchpoint and, when it is about one cell, to a department as well. It
is immutable once written (a correction is a new comment); its author may remove it. A
comment keeps naming its touchpoint and department after they are removed (like a sign-off's
basis), so that undoing the removal brings the comments back; only comments of what exists
are shown. The identity is a random text, so that several people adding comments at once on
the team server never pick the same one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from cxmatrix.domain.uids import new_uid

MAX_COMMENT_LENGTH = MAX_TEXT_LENGTH
UID_LENGTH = 32


class CommentError(ValueError):
    """A comment that cannot be: empty, too long, without an author, a bad identity."""


@dataclass(frozen=True, slots=True)
class Comment:
    uid: str
    touchpoint_id: int
    department_id: int | None  # None: about the touchpoint as a whole
    author: str
    at: datetime  # aware, UTC
    text: str

    def is_on(self, touchpoint_id: int, department_id: int | None = None) -> bool:
        """About this touchpoint (any of its cells when ``department_id`` is None), or
        about this one cell."""
        return self.touchpoint_id == touchpoint_id and (
            department_id is None or self.department_id == department_id)


def checked_comment(comment: Comment) -> Comment:
    """The comment itself when it is well formed, else CommentError saying what is wrong."""
    if not isinstance(comment, Comment):
        raise CommentError(f"{comment!r} is not a comment")
    if (not isinstance(comment.uid, str) or not comment.uid or len(comment.uid) > UID_LENGTH
            or not comment.uid.isalnum()):
        raise CommentError(f"{comment.uid!r} is not a comment identity (1 to {UID_LENGTH} "
                           "letters and digits)")
    if type(comment.touchpoint_id) is not int or (
            comment.department_id is not None and type(comment.department_id) is not int):
        raise CommentError("a comment names its touchpoint (and department) by id")
    if not isinstance(comment.author, str) or not comment.author.strip():
        raise CommentError("a comment needs an author")
    if len(comment.author) > MAX_NAME_LENGTH:
        raise CommentError(f"a comment's author has at most {MAX_NAME_LENGTH} characters")
    if not isinstance(comment.at, datetime) or comment.at.tzinfo is None:
        raise CommentError("a comment's time must be a date and time with its time zone")
    if not isinstance(comment.text, str) or not comment.text.strip():
        raise CommentError("a comment cannot be empty")
    if len(comment.text) > MAX_COMMENT_LENGTH:
        raise CommentError(f"a comment has at most {MAX_COMMENT_LENGTH:,} characters "
                           f"(this one has {len(comment.text):,})")
    return comment


def new_comment(author: str, text: str, touchpoint_id: int, department_id: int | None = None,
                *, at: datetime | None = None) -> Comment:
    """A new comment by ``author`` now (or ``at``), checked; the text is kept as typed but
    for surrounding blank space."""
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return checked_comment(Comment(new_uid(), touchpoint_id, department_id,
                                   author.strip() if isinstance(author, str) else author,
                                   when, text.strip() if isinstance(text, str) else text))


def in_order(comments: Iterable[Comment]) -> list[Comment]:
    """Comments oldest first (ties: by identity, so that every reader lists them alike)."""
    return sorted(comments, key=lambda c: (c.at, c.uid))
