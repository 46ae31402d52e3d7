"""The very hidden state sheet: what was exported, for bringing the workbook back.

Column A names each value, column B holds it: the state format, the matrix's identity, the
export time, the number of chunks, then the chunks of the state text (``xlsx.state``) in
order, one a row. Very hidden: Excel's menus do not offer to show it.
"""

from __future__ import annotations

from datetime import datetime

from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.xlsx import state

FIRST_CHUNK_INDEX = 4  # 0-based row of the first chunk


def write_state(sheet: Worksheet, matrix: Matrix, exported: datetime, uid: str | None) -> None:
    sheet.very_hidden()
    parts = state.chunks(state.state_text(matrix, exported, uid))
    for row, (key, value) in enumerate(((state.FORMAT_KEY, state.STATE_FORMAT),
                                        (state.UID_KEY, uid or ""),
                                        (state.EXPORTED_KEY, exported.isoformat()),
                                        (state.CHUNKS_KEY, str(len(parts))))):
        sheet.write_string(row, 0, key)
        if value:
            sheet.write_string(row, 1, value)
    for row, part in enumerate(parts, start=FIRST_CHUNK_INDEX):
        sheet.write_string(row, 0, f"chunk {row - FIRST_CHUNK_INDEX + 1}")
        sheet.write_string(row, 1, part)
