"""The layout of the workbook cxmatrix exports, shared by the exporter and the importer.

The exporter writes exactly this; the importer recognises a cxmatrix workbook by the marker on
the About sheet and reads it back losslessly with default settings (any other workbook goes
through detection). Keep both sides on these names.

Sheet "Matrix"
    Rows 1-4: title block (title, organisation, export date, focus department), row 5 blank.
    Row HEADER_ROW: the header. Columns, in order: TOUCHPOINT_COLUMNS (one per touchpoint
    attribute, in the order given), then one column per department, headed by its name.
    Stage heading rows: a row whose first cell holds the stage name and nothing else (styled
    as a band). A stage with no touchpoints still has its heading row. A touchpoint row always
    has its flag cells filled (FLAG_TRUE or FLAG_FALSE), so a touchpoint with nothing but a
    name is never mistaken for a stage heading.
    Role cells hold the role as a word: ROLE_WORDS. A cell note is an Excel comment on the
    role cell (author NOTE_AUTHOR); a comment on an empty cell is a note with no role.
Sheet "Departments"
    Header row 1: DEPARTMENT_COLUMNS; one row per department in display order.
Sheet "Findings", sheet "Summary": derived, ignored by the importer.
Sheet "About"
    Column A labels, column B values, starting at row 1: ABOUT_FIELDS label/value pairs
    (title, organisation, description, prepared by, focus department, cxmatrix version,
    format marker), then the role legend.
"""

from __future__ import annotations

from cxmatrix.palette import ROLE_FILL, ROLE_INK

MATRIX_SHEET = "Matrix"
DEPARTMENTS_SHEET = "Departments"
FINDINGS_SHEET = "Findings"
SUMMARY_SHEET = "Summary"
ABOUT_SHEET = "About"

HEADER_ROW = 6

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
