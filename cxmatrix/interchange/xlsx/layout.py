"""The layout of the workbook cxmatrix exports, shared by the exporter and the importer.

The exporter writes exactly this; the importer recognises a cxmatrix workbook by the marker on
the About sheet and reads it back losslessly with default settings (any other workbook goes
through detection). Keep both sides on these names.

Sheet "Matrix"
    Rows 1-4: title block (title, organisation, export date, focus department).
    Row ID_ROW (5, hidden): each department column's id (DEPARTMENT_PREFIX + id); nothing else.
    Row HEADER_ROW: the header. Columns, in order: TOUCHPOINT_COLUMNS (one per touchpoint
    attribute, in the order given), OWNERS_HEADER (a live count of the row's Own cells), the
    hidden id column headed ID_HEADER (STAGE_PREFIX + id on stage rows, TOUCHPOINT_PREFIX + id
    on touchpoint rows), then one column per department, headed by its name. Ids are optional
    for a reader: a workbook without them (or a column or row a colleague added) reads as
    before; columns headed OWNERS_HEADER or ID_HEADER are never departments.
    Stage heading rows: a row whose first cell holds the stage name and nothing else (styled
    as a band). A stage with no touchpoints still has its heading row. A touchpoint row always
    has its flag cells filled (FLAG_TRUE or FLAG_FALSE), so a touchpoint with nothing but a
    name is never mistaken for a stage heading.
    Role cells hold the role as a word: ROLE_WORDS. A cell note is an Excel comment on the
    role cell (author NOTE_AUTHOR); a comment on an empty cell is a note with no role.
Sheet "Departments"
    Header row 1: DEPARTMENT_COLUMNS, then the hidden ID_HEADER column; one row per department
    in display order.
Sheet "Findings", sheet "Summary": derived, ignored by the importer.
Sheet "About"
    Column A labels, column B values, starting at row 1: ABOUT_FIELDS label/value pairs
    (title, organisation, description, prepared by, focus department, cxmatrix version,
    format marker), then the role legend.
Sheet STATE_SHEET (very hidden): what was exported, for bringing the workbook back (see
    ``state``): key/value rows, then the state JSON cut into chunks in column B.
"""

from __future__ import annotations

from cxmatrix.palette import ROLE_FILL, ROLE_INK

MATRIX_SHEET = "Matrix"
DEPARTMENTS_SHEET = "Departments"
FINDINGS_SHEET = "Findings"
SIGNOFF_SHEET = "Sign-off"  # a record of the export, not read back
SUMMARY_SHEET = "Summary"
ABOUT_SHEET = "About"

HEADER_ROW = 6
ID_ROW = 5
OWNERS_HEADER = "Owners"
ID_HEADER = "cxmatrix id"
STAGE_PREFIX = "S"
TOUCHPOINT_PREFIX = "T"
DEPARTMENT_PREFIX = "D"
STATE_SHEET = "cxmatrix state"

# (header text, touchpoint attribute). Flags are written as FLAG_TRUE or FLAG_FALSE.
TOUCHPOINT_COLUMNS = (
    ("Touchpoint", "name"),
    ("Category", "category"),
    ("Channel", "channel"),
    ("Peak moment", "peak"),
    ("End moment", "end"),
    ("Metric", "metric"),
    ("Description", "description"),
    ("Notes", "notes"),
)
FLAG_TRUE = "Yes"
FLAG_FALSE = "No"

DEPARTMENT_COLUMNS = ("Department", "Code", "Lead")

ROLE_WORDS = {"own": "Own", "influence": "Influence", "handle": "Handle"}
NOTE_AUTHOR = "cxmatrix"

# (label in column A, key). The key "format" holds FORMAT_MARKER.
ABOUT_FIELDS = (
    ("Title", "title"),
    ("Organisation", "organisation"),
    ("Description", "description"),
    ("Prepared by", "prepared_by"),
    ("Focus department", "focus_department"),
    ("cxmatrix version", "version"),
    ("Format", "format"),
)
FORMAT_MARKER = "cxmatrix workbook 1"

# Role colours: the same as the app's and the PDF's (cxmatrix.palette).
ROLE_FILLS = ROLE_FILL
ROLE_TEXT = ROLE_INK

# ---- the plan sheets (only when the matrix has a plan) ---------------------------------------
#
# Sheet TARGET_SHEET: the target roles, laid out like the Matrix sheet but with fewer attribute
# columns: Touchpoint, Planned (Yes when the touchpoint exists only at target), Owners at target
# (live), the hidden id column, then one column per department. Row ID_ROW (hidden) holds the
# department ids; row PLANNED_ROW says "Planned" above a department that exists only at target.
# Sheet CHANGES_SHEET: one row per planned change or recorded action, CHANGES_COLUMNS, with the
# touchpoint and department ids in two hidden columns after them.
TARGET_SHEET = "Target"
CHANGES_SHEET = "Changes"
PLANNED_HEADER = "Planned"
TARGET_OWNERS_HEADER = "Owners at target"
PLANNED_ROW = 4
CHANGES_COLUMNS = ("Stage", "Touchpoint", "Department", "From", "To", "Person", "Due",
                   "Status", "Note")
CHANGES_ID_HEADERS = ("Touchpoint id", "Department id")
NO_ROLE_WORD = "No role"
