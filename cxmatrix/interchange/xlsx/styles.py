"""The cell formats of the exported workbook, made once per workbook with xlsxwriter.

Role cells stay unformatted: their colours come from conditional formats over the whole role
range (see ``sheets.matrix``), so a role a colleague picks from the drop-down gets its colour
too. Fonts are named: without a name LibreOffice falls back to a serif face.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from cxmatrix.interchange.xlsx.layout import ROLE_FILLS, ROLE_TEXT
from cxmatrix.palette import FINDING_ERROR, FINDING_INFO, FINDING_WARNING, STAGE_BAND

INK = "#1B2A49"
MUTED = "#5D6D7E"
HEADER_FILL = "#F2F3F5"
RULE = "#1B2A49"
THIN = "#B8BEC8"
FONT_NAME = "Calibri"

_HEADER = {"bold": True, "font_color": INK, "bg_color": HEADER_FILL, "bottom": 2,
           "bottom_color": RULE, "text_wrap": True, "valign": "bottom"}

# name -> xlsxwriter format properties.
STYLES: dict[str, dict[str, Any]] = {
    "title": {"font_size": 16, "bold": True, "font_color": INK},
    "subtitle": {"font_color": MUTED},
    "bold": {"bold": True, "font_color": INK, "valign": "top"},
    "bold_wrap": {"bold": True, "font_color": INK, "valign": "top", "text_wrap": True},
    "header": _HEADER,
    "header_centre": {**_HEADER, "align": "center"},
    "stage": {"bold": True, "font_color": INK, "bg_color": f"#{STAGE_BAND}", "top": 1,
              "top_color": THIN},
    "wrap": {"text_wrap": True, "valign": "top"},
    "owners": {"align": "center", "valign": "top"},
    "role": {"align": "center", "valign": "top"},
    # A target cell that differs from today: bold italic in a heavy border (greyscale-safe).
    "target_changed": {"bold": True, "italic": True, "align": "center", "valign": "top",
                       "border": 5, "border_color": INK},
    "date": {"num_format": "yyyy-mm-dd", "valign": "top", "align": "left"},
    "percent": {"bold": True, "font_color": INK, "num_format": "0.0%"},
    **{f"role_{role}": {"bold": True, "font_color": f"#{ROLE_TEXT[role]}",
                        "bg_color": f"#{ROLE_FILLS[role]}", "align": "center",
                        "valign": "top"}
       for role in ROLE_FILLS},
}

# Conditional formats (differential formats): the role colours and the owner-count warnings.
NO_OWNER_TINT = "#F6D5D1"
OWNERS_GAP = "#7F7F7F"
SEVERAL_OWNERS_TINT = "#FBE6C2"
RULE_STYLES: dict[str, dict[str, Any]] = {
    **{f"role_{role}": {"bold": role == "own", "font_color": f"#{ROLE_TEXT[role]}",
                        "bg_color": f"#{ROLE_FILLS[role]}", "pattern": 1}
       for role in ROLE_FILLS},
    "no_owner": {"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{FINDING_ERROR}",
                 "pattern": 1},
    "several_owners": {"bold": True, "font_color": "#1B1B1B", "bg_color": "#F5C26B",
                       "pattern": 1},
    # The same warnings, lighter, on the touchpoint's name.
    "no_owner_name": {"bold": True, "font_color": f"#{FINDING_ERROR}", "bg_color": NO_OWNER_TINT,
                      "pattern": 1},
    "several_owners_name": {"bold": True, "font_color": "#1B1B1B",
                            "bg_color": SEVERAL_OWNERS_TINT, "pattern": 1},
    # An Owners cell without its count (a row inserted without the formula): a hatched gap.
    "owners_missing": {"bg_color": "#FFFFFF", "fg_color": OWNERS_GAP, "pattern": 8,
                       "border": 3, "border_color": "#595959"},
    # A stage heading in the Summary's per-touchpoint table.
    "stage_text": {"bold": True, "font_color": INK, "bg_color": f"#{STAGE_BAND}", "pattern": 1},
    "error_text": {"bold": True, "font_color": f"#{FINDING_ERROR}"},
    "warning_text": {"bold": True, "font_color": f"#{FINDING_WARNING}"},
    "info_text": {"font_color": f"#{FINDING_INFO}"},
    "agreed_text": {"bold": True, "font_color": INK},
}


class Styles:
    """The workbook's formats by name: ``styles["header"]``."""

    def __init__(self, workbook: Workbook) -> None:
        self._formats: dict[str, Format] = {}
        for name, properties in STYLES.items():
            self._formats[name] = workbook.add_format({"font_name": FONT_NAME, **properties})
        for name, properties in RULE_STYLES.items():
            self._formats[f"rule_{name}"] = workbook.add_format(properties)

    def __getitem__(self, name: str) -> Format:
        return self._formats[name]

    def rule(self, name: str) -> Format:
        return self._formats[f"rule_{name}"]
