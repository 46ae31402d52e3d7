"""Export speed: our Excel and CSV exports against the raw libraries writing the same output.

xlsx: ``xlsx_export.write`` (every sheet, formats, conditional formats, validation, comments,
formulas, the state sheet, findings computed) against XlsxWriter itself writing exactly the
same cells and formats: one of our exports is recorded call by call (every worksheet and
format call, with its arguments) and the baseline replays those calls on a fresh workbook,
in the same constant-memory mode and with the same worksheet class (cell formulas written as
given, ``xlsx.worksheet``), to the same in-memory archive and file. That is the
fastest any program can write this workbook with XlsxWriter; what is left over is our own
work (walking the matrix, text checks, formulas). Target: within 1.3x. CSV:
``csv_export.write`` against the csv module writing the same rows, ready-made. Target: 2x.

The matrix has everything the workbook writes (``common.fully_featured``: a plan with actions,
so the Target and Changes sheets, and sign-offs of every kind, so the Sign-off sheet has its
disputes and out-of-date agreements), and before timing, the replayed file is checked to be
ours part for part (``same_workbook``), so the baseline cannot fall behind the export.

Runs alternate (ours, baseline, ours, ...) and count the CPU time of this process: the machine
is shared, and wall time swings with whatever else runs, while CPU time stays put.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from common import Result, alternate, compared, fully_featured
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.csv import export as csv_export
from cxmatrix.interchange.xlsx import export as xlsx_export
from cxmatrix.interchange.xlsx.layout import FLAG_FALSE, FLAG_TRUE, ROLE_WORDS, TOUCHPOINT_COLUMNS
from cxmatrix.interchange.xlsx.worksheet import PlainFormulaWorksheet

XLSX_TARGET = 1.3
# Our CSV builds its rows from the matrix; the baseline gets them ready-made.
CSV_TARGET = 2.0

# sheet index (-1: the workbook), method, positional and keyword arguments
Call = tuple[int, str, tuple[Any, ...], dict[str, Any]]


class _FormatRef:
    """A format in a recorded call, by its place in the order formats were made."""

    def __init__(self, index: int) -> None:
        self.index = index


class _Recording:
    """One export's calls on XlsxWriter, to replay."""

    def __init__(self) -> None:
        self.formats: list[dict[str, Any]] = []
        self.sheets: list[str] = []
        self.calls: list[Call] = []
        self.prepared: list[tuple[int, str, tuple[Any, ...], dict[str, Any], bool]] = []
        self.closed = False
        # a call made from inside a recorded call (set_column calls set_column_pixels) is
        # replayed by its caller, not a second time
        self.depth = 0

    def add(self, index: int, name: str, args: tuple[Any, ...],
            keywords: dict[str, Any] | None = None) -> None:
        if not self.closed and self.depth == 0:
            self.calls.append((index, name, tuple(_ref(a) for a in args),
                               _ref(keywords or {})))


def _ref(value: Any) -> Any:
    if isinstance(value, Format):
        return _FormatRef(value._bench_index)
    if isinstance(value, dict):
        return {key: _ref(item) for key, item in value.items()}
    return value


def _has_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_ref(item) for item in value.values())
    return isinstance(value, _FormatRef)


class _RecordingSheet(Worksheet):  # type: ignore[misc]
    recording: _Recording
    index: int

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name.startswith("_") or not callable(attribute):
            return attribute
        recording, index = super().__getattribute__("recording"), super().__getattribute__(
            "index")

        def record(*args: Any, **keywords: Any) -> Any:
            recording.add(index, name, args, keywords)
            recording.depth += 1
            try:
                return attribute(*args, **keywords)
            finally:
                recording.depth -= 1

        return record


def record_export(matrix: Matrix, path: Path) -> _Recording:
    """Export ``matrix`` once with every XlsxWriter call recorded."""
    recording = _Recording()

    class RecordingWorkbook(Workbook):  # type: ignore[misc]
        def __init__(self, *args: Any) -> None:
            self._recording_formats = False  # the formats XlsxWriter makes for itself are not
            super().__init__(*args)
            self._recording_formats = True

        def add_format(self, properties: dict[str, Any] | None = None) -> Format:
            made = super().add_format(properties)
            if self._recording_formats:
                made._bench_index = len(recording.formats)
                recording.formats.append(dict(properties or {}))
            return made

        def add_worksheet(self, name: str | None = None, worksheet_class: Any = None
                          ) -> Worksheet:
            sheet = super().add_worksheet(name, _RecordingSheet)
            sheet.recording, sheet.index = recording, len(recording.sheets)
            recording.sheets.append(str(name))
            return sheet

        def set_properties(self, properties: dict[str, Any]) -> None:
            recording.add(-1, "set_properties", (properties,))
            super().set_properties(properties)

        def close(self) -> None:
            recording.closed = True  # what XlsxWriter does on its own is not ours to replay
            super().close()

    original = xlsx_export.Workbook
    xlsx_export.Workbook = RecordingWorkbook
    try:
        xlsx_export.write(matrix, path)
    finally:
        xlsx_export.Workbook = original
    recording.prepared = [(index, name, args, keywords,
                           any(_has_ref(a) for a in (*args, keywords)))
                          for index, name, args, keywords in recording.calls]
    return recording


def replay(recording: _Recording, path: Path) -> None:
    """Write the recorded workbook with plain XlsxWriter calls."""
    archive = io.BytesIO()
    workbook = Workbook(archive, xlsx_export.WORKBOOK_OPTIONS)
    formats = [workbook.add_format(properties) for properties in recording.formats]
    # The same worksheet class as the export (its cell formulas skip XlsxWriter's
    # dynamic-array search), so both sides do the same work.
    sheets = [workbook.add_worksheet(name, PlainFormulaWorksheet) for name in recording.sheets]

    def real(value: Any) -> Any:
        if isinstance(value, _FormatRef):
            return formats[value.index]
        if isinstance(value, dict):
            return {key: real(item) for key, item in value.items()}
        return value

    for index, name, args, keywords, with_formats in recording.prepared:
        method = getattr(sheets[index] if index >= 0 else workbook, name)
        if with_formats:
            method(*(real(a) for a in args), **real(keywords))
        else:
            method(*args, **keywords)
    workbook.close()
    with open(path, "wb") as handle:
        handle.write(archive.getbuffer())


def csv_rows(matrix: Matrix) -> list[list[str]]:
    departments = matrix.departments
    rows = [["Stage", *(title for title, _ in TOUCHPOINT_COLUMNS), *(d.name for d in departments)]]
    for stage in matrix.stages:
        for tp in matrix.touchpoints_in(stage.id):
            roles = matrix.row_roles(tp.id)
            row = [stage.name]
            for _, attribute in TOUCHPOINT_COLUMNS:
                value = getattr(tp, attribute)
                row.append((FLAG_TRUE if value else FLAG_FALSE) if isinstance(value, bool)
                           else value)
            row += [ROLE_WORDS[roles[d.id].value] if d.id in roles else "" for d in departments]
            rows.append(row)
    return rows


def write_csv_rows(rows: list[list[str]], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def same_workbook(ours: Path, replayed: Path) -> None:
    """Check the replay wrote our workbook: every part the same bytes, except the two that
    hold the moment of the export (the document properties and the state sheet, the last
    one), which must have the same size give or take the time's digits."""
    with zipfile.ZipFile(ours) as mine, zipfile.ZipFile(replayed) as theirs:
        names = sorted(mine.namelist())
        if names != sorted(theirs.namelist()):
            raise AssertionError("the replayed workbook has other parts than ours")
        sheets = sum(name.startswith("xl/worksheets/sheet") for name in names)
        timed = {"docProps/core.xml", f"xl/worksheets/sheet{sheets}.xml"}
        for name in names:
            first, second = mine.read(name), theirs.read(name)
            if first != second and (name not in timed or abs(len(first) - len(second)) > 8):
                raise AssertionError(f"the replayed workbook differs from ours in {name}")


def run(quick: bool) -> list[Result]:
    results = []
    sizes = ("M",) if quick else ("M", "L")
    repeat = 3 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for size in sizes:
            matrix = fully_featured(generate_size(size))
            recording = record_export(matrix, out / "recorded.xlsx")
            replay(recording, out / "raw.xlsx")
            same_workbook(out / "recorded.xlsx", out / "raw.xlsx")
            samples = alternate(
                lambda matrix=matrix: xlsx_export.write(matrix, out / "ours.xlsx"),
                lambda recording=recording: replay(recording, out / "raw.xlsx"), repeat,
                clock=time.process_time)
            results.append(compared("export", f"xlsx {size} (CPU)", samples,
                                    "XlsxWriter replaying the same calls", XLSX_TARGET))
            rows = csv_rows(matrix)
            samples = alternate(
                lambda matrix=matrix: csv_export.write(matrix, out / "ours.csv"),
                lambda rows=rows: write_csv_rows(rows, out / "raw.csv"), repeat,
                clock=time.process_time)
            results.append(compared("export", f"csv {size} (CPU)", samples,
                                    "csv module, same rows", CSV_TARGET))
    return results
