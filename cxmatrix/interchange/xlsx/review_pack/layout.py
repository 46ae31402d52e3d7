"""The layout of a review pack, shared by the writer and the reader, and its hidden record.

Sheet REVIEW_SHEET (its name may change: the reader finds it by MARKER in cell A1)
    Column A (hidden): A1 MARKER, A2 the department's key ("D5"), then on each touchpoint row
    the touchpoint's key ("T17"). Rows 1-3: title, what was sent to whom, how to answer.
    Row HEADER_ROW: COLUMNS. Then one row per touchpoint. Columns AGREE, PROPOSED and COMMENT
    are the lead's to fill (unlocked; the sheet is protected). After the rows, one blank row,
    then the final block: WHOLE_LABEL (answer in AGREE's column), NAME_LABEL and DATE_LABEL.
Sheet COVER_SHEET: what is asked, by whom, by when, the roles and the standing advice.
Sheet RECORD_SHEET (very hidden; found by RECORD_FORMAT in A1, not by name): what was sent,
    as zlib-compressed JSON in base64 chunks in column B from row 3 (A2/B2: the chunk count).
"""

from __future__ import annotations

from typing import Any

from cxmatrix.interchange.xlsx.packed import pack_json, unpack_json

COVER_SHEET = "Read me first"
REVIEW_SHEET = "Review"
RECORD_SHEET = "cxmatrix pack"
MARKER = "cxmatrix review sheet"
RECORD_FORMAT = "cxmatrix review pack 1"
FIRST_CHUNK_ROW = 3  # 1-based
MAX_RECORD_BYTES = 64 * 1024 * 1024

HEADER_ROW = 5  # 1-based
COLUMNS = ("", "Stage", "Touchpoint", "Description", "Current role", "Target role",
           "Other departments", "Agree?", "Proposed role", "Comment")
ID, STAGE, TOUCHPOINT, DESCRIPTION, CURRENT, TARGET, OTHERS, AGREE, PROPOSED, COMMENT = range(10)
LOCKED_COLUMNS = (STAGE, TOUCHPOINT, DESCRIPTION, CURRENT, TARGET, OTHERS)
FILL_COLUMNS = (AGREE, PROPOSED, COMMENT)
LAST_COLUMN = COMMENT
WIDTHS = {ID: 6, STAGE: 16, TOUCHPOINT: 28, DESCRIPTION: 40, CURRENT: 11, TARGET: 11,
          OTHERS: 30, AGREE: 9, PROPOSED: 13, COMMENT: 40}

YES, NO = "Yes", "No"
NO_ROLE = "No role"
ROLE_CHOICES = ("Own", "Influence", "Handle", NO_ROLE)
NONE_SHOWN = "—"
WHOLE_LABEL = "I agree with this column as a whole"
NAME_LABEL = "Your name"
DATE_LABEL = "Date"


def record_text(data: dict[str, Any]) -> str:
    return pack_json(data, 6)


def read_record_text(text: str) -> dict[str, Any]:
    """The record's JSON; ValueError when it is damaged."""
    data = unpack_json(text, MAX_RECORD_BYTES)
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise ValueError("not a review pack record")
    return data
