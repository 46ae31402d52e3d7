"""The identity and versions of the .cxm format, with no third-party imports.

Kept apart from the SQLModel tables so that opening and reading a document needs only
sqlite3: SQLAlchemy and SQLModel load on the first write (start-up stays fast).
"""

from __future__ import annotations

APPLICATION_ID = 0x43584D58  # "CXMX"
SCHEMA_VERSION = 8
FILE_SUFFIX = ".cxm"

ROLE_CODES = {"own": "O", "influence": "I", "handle": "H"}

# What each earlier format lacks. A file of format 1-3 has its tables rebuilt to the current
# schema inside one transaction (``migrate.upgrade``), copying every column the file has; the
# columns it lacks take their declared defaults. Format 4 -> 5 only adds tables, 5 -> 6 adds
# a column and tables, 6 -> 7 adds the comment table, 7 -> 8 packs the snapshots' cells.
MIGRATIONS: dict[int, str] = {
    1: "format 1 (cxmatrix 0.0.x): no department leads, no cell notes, no foreign keys",
    2: "format 2 (cxmatrix 0.1.x): no foreign keys (deletes cascaded in the program)",
    3: "format 3: no 'prepared by' matrix property",
    4: "format 4: no target roles, actions, planned touchpoints or departments, snapshots",
    5: "format 5: no matrix identity (uid), no department sign-offs",
    6: "format 6: no comments",
    7: "format 7: a snapshot's cells kept one row per cell (not packed per touchpoint)",
}
