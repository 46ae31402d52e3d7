"""The documented limits of cxmatrix, in one place, applied by every reader.

A matrix larger than these is refused early, from counts, before anything is built: by the
spreadsheet, CSV and JSON readers, by the .cxm loader and by the domain itself. The README's
limits table lists the same numbers.
"""

from __future__ import annotations

# A matrix
MAX_TOUCHPOINTS = 100_000
MAX_DEPARTMENTS = 1_000
MAX_STAGES = 10_000
MAX_ROLE_CELLS = 5_000_000

# Text
MAX_NAME_LENGTH = 10_000  # a name, a title, a short code's source
MAX_TEXT_LENGTH = 100_000  # a description, a metric, a note

# A sheet of a spreadsheet, as the importer reads it
MAX_SHEET_ROWS = 250_000
MAX_SHEET_COLUMNS = 2_000
MAX_SHEET_CELLS = 5_000_000
MAX_MERGED_RANGES = 10_000  # merged ranges in one sheet; more is refused before any is filled

# A workbook
MAX_WORKBOOK_SHEETS = 1_000  # sheets a workbook may list; more is refused on opening
MAX_SHEETS_INSPECTED = 50  # worksheets read to find the matrix when no sheet is named

# A text file (CSV, TSV)
MAX_TEXT_FILE_BYTES = 200 * 1024 * 1024  # refused by size before reading
MAX_TEXT_RECORD_CHARACTERS = 4 * 1024 * 1024  # one row, quoted line breaks included

# A document whose tables are read (Markdown, HTML), refused by size before reading
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Files, by size before they are read (the JSON reader parses the whole document at once)
MAX_JSON_BYTES = 100_000_000
MAX_JSON_VALUES = 6_000_000  # numbers, texts, lists and objects in one JSON document

# Written formats
MAX_PDF_CHART_CELLS = 2_000_000  # touchpoints x departments in the PDF report's chart
