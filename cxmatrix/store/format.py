"""The identity and versions of the .cxm format, with no third-party imports.

Kept apart from the SQLModel tables so that opening and reading a document needs only
sqlite3: SQLAlchemy and SQLModel load on the first write (start-up stays fast).
"""

from __future__ import annotations

APPLICATION_ID = 0x43584D58  # "CXMX"
SCHEMA_VERSION = 2
FILE_SUFFIX = ".cxm"

ROLE_CODES = {"own": "O", "influence": "I", "handle": "H"}
TABLE_NAMES = ("matrix", "stage", "department", "touchpoint", "cell")

# Schema version 1 (cxmatrix 0.0.x) had no department lead and no cell notes.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "ALTER TABLE department ADD COLUMN lead VARCHAR NOT NULL DEFAULT ''",
        "ALTER TABLE cell ADD COLUMN note VARCHAR NOT NULL DEFAULT ''",
    ),
}
