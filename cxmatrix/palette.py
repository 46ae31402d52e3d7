"""Role colours shared by the grid, the Excel export and the PDF (hex RGB, no '#').

Blue against orange stays apart for the common colour-blindnesses, and the three fills sit at
clearly different lightness (dark, pale, middle), so they survive greyscale printing too. The
letter is always drawn on top: colour is never the only cue.
"""

from __future__ import annotations

ROLE_FILL = {"own": "1B2A49", "influence": "C9DDF0", "handle": "D9822B"}
ROLE_INK = {"own": "FFFFFF", "influence": "1B2A49", "handle": "1B1B1B"}
STAGE_BAND = "E7E9EE"
NOT_TODAY = "F3F4F7"  # a cell that takes no role today (a planned department, in Current)
FINDING_ERROR = "C0392B"
FINDING_WARNING = "B9770E"
FINDING_INFO = "5D6D7E"
