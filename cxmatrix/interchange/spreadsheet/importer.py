"""Import the spreadsheets users already have: .xlsx/.xlsm (Strict Open XML too), .ods,
.csv/.tsv/.txt, and the tables of Markdown and HTML documents.

Two steps, so the GUI wizard can show what will happen before it happens:

* :func:`inspect` reads the file, chooses the sheet, detects the layout, resolves the code
  mapping and dry-runs the import, returning an :class:`Inspection` (sheets, layout, distinct
  codes with counts and roles, skipped cells, a preview of the first rows as they will import).
* :meth:`Inspection.adjust` applies the user's overrides (another sheet, header row, label
  column, stage column or heading rows, departments on or off, mapping entries) cheaply, and
  :func:`import_inspection` runs the real import.

:func:`read` is the reader that ``formats`` registers: inspect with defaults, then import. An
import is all or nothing: it builds a new Matrix, and any problem raises ImportFailed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from cxmatrix.domain.codes import (
    DEFAULT_PRESET,
    MAPPING_PRESETS,
    CodeMapping,
    Target,
    mapping_from_table,
    normalise_code,
    resolve_mapping,
)
from cxmatrix.domain.limits import MAX_SHEETS_INSPECTED
from cxmatrix.domain.model import DEFAULT_FOCUS_DEPARTMENT, DomainError
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.interchange.spreadsheet.build import BuildOutcome, build, collect_codes
from cxmatrix.interchange.spreadsheet.detect import detect, sheet_score
from cxmatrix.interchange.spreadsheet.layout import GRID, Layout
from cxmatrix.interchange.spreadsheet.report import CodeUse, ImportReport
from cxmatrix.interchange.spreadsheet.sheet_facts import SheetFacts, sheet_facts
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, listed

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
DOCUMENT_SUFFIXES = (".md", ".markdown", ".html", ".htm")
PREVIEW_ROWS = 30
FULL_DRY_RUN_CELLS = 300_000

MappingArgument = str | CodeMapping | dict[str, Any] | None
P = ParamSpec("P")
R = TypeVar("R")


def _memory_bounded(function: Callable[P, R]) -> Callable[P, R]:
    """Running out of memory while reading a file is the file's problem, reported as such: the
    wizard inspects inside the GUI process, which must survive it."""

    @functools.wraps(function)
    def bounded(*args: P.args, **kwargs: P.kwargs) -> R:
        source = args[0] if args else kwargs.get("path", kwargs.get("inspection", ""))
        name = source.path.name if isinstance(source, Inspection) else Path(str(source)).name
        try:
            return function(*args, **kwargs)
        except MemoryError:
            pass  # leave the except block first: its traceback holds what filled the memory
        raise ImportFailed(f"{name}: the file is too large to read in the memory available")

    return bounded



@dataclass
class SheetInfo:
    name: str
    hidden: bool
    rows: int = 0
    columns: int = 0
    score: int = 0
    problem: str = ""


@dataclass
class PreviewRow:
    """One row of the preview: where it comes from and what it becomes."""

    sheet_row: int
    stage: str
    touchpoint: str
    roles: list[Role | None]


@dataclass
class Inspection:
    path: Path
    sheets: list[SheetInfo]
    sheet: str
    table: SheetTable
    layout: Layout
    preset: str
    mapping: CodeMapping
    codes: list[CodeUse]
    report: ImportReport
    preview_departments: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    text_format: dict[str, str] = field(default_factory=dict)
    cxmatrix_about: dict[str, str] | None = None
    customised: bool = False
    dry_run_complete: bool = True
    mapping_edits: dict[str, Target | None] = field(default_factory=dict)
    source_table: SheetTable | None = None  # as read, before any transposition
    _workbook: Any = None

    @property
    def cxmatrix_workbook(self) -> bool:
        return self.cxmatrix_about is not None and not self.customised

    @_memory_bounded
    def adjust(self, *, layout: Layout | None = None, preset: str | None = None,
               mapping: dict[str, Target | None] | None = None,
               sheet: str | None = None, progress: Progress | None = None) -> Inspection:
        """A new inspection with the user's changes (no change to this one).

        ``mapping`` changes entries of the current mapping: raw code -> target (None: not
        understood). ``preset`` starts the mapping again from a preset.
        """
        if sheet is not None and sheet != self.sheet:
            return _inspect_workbook_sheet(self, sheet, preset or self.preset, progress)
        new_layout = layout or self.layout
        table_codes = {c.key: c.count for c in collect_codes(self.table, new_layout).values()}
        edits = {} if preset is not None else dict(self.mapping_edits)
        edits.update({normalise_code(raw): target for raw, target in (mapping or {}).items()})
        if preset is not None or layout is not None:
            code_mapping = _resolve(preset or self.preset, table_codes, self.table, new_layout)
        else:
            code_mapping = self.mapping
        for key, target in edits.items():
            code_mapping = code_mapping.with_entry(key, target)
        inspection = _analyse(self.path, self.sheets, self.table, new_layout,
                              preset or self.preset, code_mapping, self.text_format,
                              self.cxmatrix_about, progress)
        inspection.mapping_edits = edits
        inspection.source_table = self.source_table
        inspection.customised = self.customised or layout is not None or bool(edits) or (
            preset is not None and preset != self.preset)
        inspection._workbook = self._workbook
        return inspection

    # ---- the wizard's controls, one override each ---------------------------------------------

    def with_header_row(self, row: int) -> Inspection:
        """Headings in ``row`` (0-based) instead; the rest is detected again below it."""
        from cxmatrix.interchange.spreadsheet.detect import Detector

        if not 0 <= row < self.table.height:
            raise ImportFailed(f"{_where(self.path, self.table)}: {self.table.line(row)} is "
                               "outside the table")
        detector = Detector(self.table)
        where = f"{_where(self.path, self.table)}, {self.table.line(row)}"
        try:
            if self.layout.shape == GRID:
                layout = detector.grid_layout(row)
            else:
                layout = detector.list_layout(row)
        except (ImportFailed, ValueError) as error:
            raise ImportFailed(f"{where}: {error}") from None
        layout.transposed = self.layout.transposed
        return self.adjust(layout=layout)

    def with_transposed(self, transposed: bool) -> Inspection:
        """Touchpoints across the sheet (a grid), or one row per department (a list)."""
        if self.layout.shape != GRID:
            return self.adjust(layout=replace(self.layout, transposed=transposed))
        source = self.source_table or self.table
        inspection = _inspect_table(self.path, self.sheets, source, self.preset,
                                    self.text_format, self.cxmatrix_about, None,
                                    transposed=transposed,
                                    table_index=self.layout.table_index
                                    if self.layout.tables else None)
        inspection._workbook = self._workbook
        inspection.customised = True
        if self.mapping_edits:
            inspection = inspection.adjust(mapping=self.mapping_edits)
        return inspection

    def with_table(self, index: int) -> Inspection:
        """Another of the tables seen on the sheet (``layout.tables``), detected afresh."""
        source = self.source_table or self.table
        inspection = _inspect_table(self.path, self.sheets, source, self.preset,
                                    self.text_format, self.cxmatrix_about, None,
                                    table_index=index)
        inspection._workbook = self._workbook
        inspection.customised = True
        if self.mapping_edits:
            inspection = inspection.adjust(mapping=self.mapping_edits)
        return inspection

    def with_label_column(self, column: int) -> Inspection:
        layout = self.layout
        columns = [c for c in layout.columns if c.index != column]
        attributes = {k: v for k, v in layout.attributes.items() if v != column}
        stage = None if layout.stage_column == column else layout.stage_column
        return self.adjust(layout=replace(layout, label_column=column, columns=columns,
                                          attributes=attributes, stage_column=stage,
                                          stage_rows=layout.stage_rows and stage is None))

    def with_stages(self, *, column: int | None = None, heading_rows: bool = False
                    ) -> Inspection:
        """Stages from a column, from heading rows, or none (one stage for everything)."""
        layout = self.layout
        columns = layout.columns if column is None else [c for c in layout.columns
                                                         if c.index != column]
        return self.adjust(layout=replace(layout, stage_column=column, columns=columns,
                                          stage_rows=heading_rows and column is None))

    def with_department(self, column: int, included: bool) -> Inspection:
        layout = self.layout.with_column(column, included)
        if included:
            layout.attributes = {k: v for k, v in layout.attributes.items() if v != column}
        return self.adjust(layout=layout)

    def with_code(self, key: str, target: Target | None) -> Inspection:
        return self.adjust(mapping={key: target})

    def mapping_table(self) -> dict[str, str | None]:
        """The code mapping as raw code -> role name (None: not understood), for the CLI
        and for re-running the same import later."""
        return {use.display: (use.target.value if use.target else None) for use in self.codes}


def _resolve(preset: str, codes: dict[str, int], table: SheetTable, layout: Layout
             ) -> CodeMapping:
    mapping = resolve_mapping(preset, codes)
    if layout.shape != GRID:
        # A list's "codes" are its role column headings; keep what detection found.
        entries = dict(mapping.entries)
        for choice in layout.department_columns:
            key = normalise_code(choice.header)
            if choice.target is not None:
                entries[key] = choice.target
        mapping = CodeMapping(entries, preset, "")
    return mapping


def _mapping_from_argument(argument: MappingArgument, where: str
                           ) -> tuple[str, dict[str, Any] | None, CodeMapping | None]:
    """(preset, entries to override, a complete mapping) from the ``mapping`` argument."""
    if argument is None or argument == "":
        return DEFAULT_PRESET, None, None
    if isinstance(argument, CodeMapping):
        return "custom", None, argument
    if isinstance(argument, str):
        preset = argument.strip().lower()
        if preset not in MAPPING_PRESETS:
            known = ", ".join(MAPPING_PRESETS)
            raise ImportFailed(f"{where}: unknown code mapping {argument!r} (known: {known})")
        return preset, None, None
    if isinstance(argument, dict):
        return DEFAULT_PRESET, argument, None
    raise ImportFailed(f"{where}: the code mapping must be a preset name or a table, not "
                       f"{type(argument).__name__}")


def _analyse(path: Path, sheets: list[SheetInfo], table: SheetTable, layout: Layout,
             preset: str, mapping: CodeMapping, text_format: dict[str, str],
             about: dict[str, str] | None, progress: Progress | None, *,
             codes: dict[str, CodeUse] | None = None, dry_run: bool = True) -> Inspection:
    """Codes with their roles, and (``dry_run``) a preview and the report of a trial import."""
    if codes is None:
        codes = collect_codes(table, layout)
    for use in codes.values():
        use.target = mapping.entries.get(use.key)
    cells = table.height * max(table.width, 1)
    full = dry_run and cells <= FULL_DRY_RUN_CELLS
    report = _new_report(path, table, layout, mapping, codes)
    inspection = Inspection(path, sheets, table.name, table, layout, preset, mapping,
                            sorted(codes.values(), key=lambda c: (-c.count, c.key)), report,
                            text_format=text_format, cxmatrix_about=about,
                            dry_run_complete=full)
    if not dry_run:
        return inspection
    preview_report = _new_report(path, table, layout, mapping, codes)
    preview_outcome = build(table, layout, mapping, preview_report, max_touchpoints=PREVIEW_ROWS)
    _note_readings(table, layout, mapping, preview_report, preview_outcome)
    if full:
        outcome = build(table, layout, mapping, report, progress=progress)
        _note_readings(table, layout, mapping, report, outcome)
    else:
        inspection.report = preview_report
    _fill_preview(inspection, preview_outcome)
    return inspection


def _new_report(path: Path, table: SheetTable, layout: Layout, mapping: CodeMapping,
                codes: dict[str, CodeUse]) -> ImportReport:
    sheet = table.name if path.suffix.lower() in WORKBOOK_SUFFIXES else ""
    report = ImportReport(path.name, sheet, layout.shape)
    report.detected = layout.describe()
    if getattr(table, "row_lines", None):  # a document's tables: rows are its lines
        report.detected["headings"] = table.line(layout.header_row)
    report.codes = codes
    report.mapping_explanation = mapping.explanation
    from cxmatrix.interchange.spreadsheet.sheet_table import column_letter

    def name(index: int) -> str:
        # A grid read turned has the sheet's rows for columns: name them as rows.
        return str(index + 1) if table.transposed else column_letter(index)

    report.ignored_columns = [(name(c.index), c.header, c.reason) for c in layout.columns
                              if not c.included]
    listed = {c.index for c in layout.columns}
    report.ignored_columns += [(name(i), h, r) for i, h, r in layout.ignored_columns
                               if i not in listed]
    return report


def _note_readings(table: SheetTable, layout: Layout, mapping: CodeMapping,
                   report: ImportReport, outcome: BuildOutcome) -> None:
    from cxmatrix.interchange.spreadsheet.code_notes import note_readings

    note_readings(table, layout, mapping, report, (r - 1 for r in outcome.source_rows.values()))


def _fill_preview(inspection: Inspection, outcome: BuildOutcome) -> None:
    matrix = outcome.matrix
    inspection.preview_departments = [d.name for d in matrix.departments]
    stage_names = {s.id: s.name for s in matrix.stages}
    for touchpoint in matrix.iter_touchpoints():
        row = matrix.row_roles(touchpoint.id)
        inspection.preview.append(PreviewRow(
            outcome.source_rows.get(touchpoint.id, 0), stage_names[touchpoint.stage_id],
            touchpoint.name, [row.get(d.id) for d in matrix.departments]))
    inspection.preview.sort(key=lambda p: p.sheet_row)


# ---- reading files ------------------------------------------------------------------------------


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix in WORKBOOK_SUFFIXES or suffix in DOCUMENT_SUFFIXES:
        return suffix
    from cxmatrix.interchange.formats import REFUSED_READERS

    if suffix in REFUSED_READERS:
        raise ImportFailed(f"{path.name}: {REFUSED_READERS[suffix]}")
    raise ImportFailed(f"{path.name}: cannot import {suffix or 'a file without an extension'}: "
                       "use .xlsx, .xlsm, .ods, .csv, .tsv, .md or .html")


@_memory_bounded
def inspect(path: Path | str, *, sheet: str | None = None, mapping: MappingArgument = None,
            progress: Progress | None = None, dry_run: bool = True) -> Inspection:
    """Read ``path`` and work out how it will import (see the module docstring).

    With ``dry_run`` (the wizard) the inspection has a preview and the report of a trial
    import; without (a plain import) only what the import itself needs.
    """
    path = Path(path)
    suffix = _suffix(path)
    preset, overrides, complete = _mapping_from_argument(mapping, path.name)
    if suffix in TEXT_SUFFIXES:
        from cxmatrix.interchange.spreadsheet.csv_reader import read_csv

        table, text_format = read_csv(path, progress)
        sheets = [SheetInfo(table.name, False, table.height, table.width)]
        inspection = _inspect_table(path, sheets, table, preset, text_format, None, progress,
                                    dry_run)
    elif suffix in DOCUMENT_SUFFIXES:
        from cxmatrix.interchange.spreadsheet.document_reader import read_document

        table = read_document(path, progress)
        sheets = [SheetInfo(table.name, False, table.height, table.width)]
        inspection = _inspect_table(path, sheets, table, preset, {}, None, progress, dry_run)
    else:
        from cxmatrix.interchange.spreadsheet import cxmatrix_workbook, xlsx_reader

        workbook = xlsx_reader.open_workbook(path)
        about = cxmatrix_workbook.about_values(workbook)
        sheets = [SheetInfo(s.name, s.hidden) for s in workbook.sheets]
        holder = Inspection(path, sheets, "", SheetTable("", []), Layout(GRID, 0, 0), preset,
                            CodeMapping({}), [], ImportReport(path.name),
                            cxmatrix_about=about)
        holder._workbook = workbook
        if sheet is None and about is not None:
            from cxmatrix.interchange.xlsx.layout import MATRIX_SHEET

            sheet = MATRIX_SHEET
        inspection = _inspect_workbook_sheet(holder, sheet, preset, progress, dry_run)
    if complete is not None or overrides:
        inspection = _with_mapping(inspection, complete, overrides)
    return inspection


def _with_mapping(inspection: Inspection, complete: CodeMapping | None,
                  overrides: dict[str, Any] | None) -> Inspection:
    try:
        if complete is not None:
            changes = {c.key: complete.entries.get(c.key) for c in inspection.codes}
        else:
            table = mapping_from_table(overrides or {})
            changes = dict(table.entries)
            for raw, value in (overrides or {}).items():
                if value is None or value == "":
                    changes[normalise_code(raw)] = None
    except ValueError as error:
        raise ImportFailed(f"{inspection.path.name}: {error}") from None
    return inspection.adjust(mapping=changes)


def _inspect_workbook_sheet(holder: Inspection, sheet: str | None, preset: str,
                            progress: Progress | None, dry_run: bool = True) -> Inspection:
    from cxmatrix.interchange.spreadsheet import xlsx_reader

    workbook = holder._workbook
    sheets = [replace(s) for s in holder.sheets]
    if sheet is not None:
        entry = workbook.entry(sheet)
        table = xlsx_reader.read_sheet(workbook, entry.name, progress)
        for info in sheets:
            if info.name == entry.name:
                info.rows, info.columns = table.height, table.width
    elif sum(1 for s in workbook.sheets if s.kind == "worksheet" and s.part) == 1:
        entry = next(s for s in workbook.sheets if s.kind == "worksheet" and s.part)
        table = xlsx_reader.read_sheet(workbook, entry.name, progress)
        for info in sheets:
            if info.name == entry.name:
                info.rows, info.columns = table.height, table.width
    else:
        table = _choose_sheet(workbook, sheets, progress)
    inspection = _inspect_table(holder.path, sheets, table, preset, {}, holder.cxmatrix_about,
                                progress, dry_run)
    inspection._workbook = workbook
    return inspection


def _choose_sheet(workbook: Any, sheets: list[SheetInfo], progress: Progress | None
                  ) -> SheetTable:
    """The sheet that looks most like a matrix, among the first MAX_SHEETS_INSPECTED
    worksheets, all read from one opening of the workbook."""
    from cxmatrix.interchange.spreadsheet import xlsx_reader

    infos = {info.name: info for info in sheets}
    worksheets = []
    for info, entry in zip(sheets, workbook.sheets, strict=True):
        if entry.kind != "worksheet" or not entry.part:
            info.problem = "a chart sheet"
        elif len(worksheets) < MAX_SHEETS_INSPECTED:
            worksheets.append(entry)
        else:
            info.problem = "not inspected: choose it to read it"
    uninspected = sum(1 for entry in workbook.sheets
                      if entry.kind == "worksheet" and entry.part) - len(worksheets)
    best: tuple[int, int, SheetTable | None] = (0, 0, None)
    problems = []
    for position, (name, result) in enumerate(
            xlsx_reader.iter_sheets(workbook, [e.name for e in worksheets], progress)):
        info = infos[name]
        if isinstance(result, ImportFailed):
            info.problem = str(result)
            problems.append(str(result))
            continue
        info.rows, info.columns = result.height, result.width
        info.score = sheet_score(result)
        if workbook.entry(name).hidden:
            info.score //= 10
        if info.score > best[0]:
            best = (info.score, -position, result)
    if best[2] is None:
        if problems:
            more = len(problems) - 1
            raise ImportFailed(problems[0] + (f" (and {more:,} more sheets cannot be read)"
                                              if more else ""))
        if all(info.rows == 0 for info in sheets) and not uninspected:
            raise ImportFailed(f"{workbook.path.name}: the workbook is empty: no sheet has "
                               "any values")
        names = listed([s.name for s in sheets])
        looked = (f"; only the first {MAX_SHEETS_INSPECTED:,} of {len(worksheets) + uninspected:,}"
                  " were inspected: name the sheet to import") if uninspected else ""
        raise ImportFailed(
            f"{workbook.path.name}: no sheet holds a matrix (sheets: {names}{looked}). A "
            "matrix has a heading row of department names with role codes below (such as "
            "O/I/H or R/A/C/I), or a list with columns such as 'Owner' and 'Supporting teams'")
    return best[2]


def _where(path: Path, table: SheetTable) -> str:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return f"{path.name}, sheet {table.name!r}"
    return path.name


def _inspect_table(path: Path, sheets: list[SheetInfo], table: SheetTable, preset: str,
                   text_format: dict[str, str], about: dict[str, str] | None,
                   progress: Progress | None, dry_run: bool = True,
                   transposed: bool | None = None, table_index: int | None = None
                   ) -> Inspection:
    where = _where(path, table)
    if table.height == 0:
        raise ImportFailed(f"{where}: the sheet is empty")
    source = table
    table, layout = detect(table, where, transposed=transposed, table_index=table_index)
    uses = collect_codes(table, layout)
    mapping = _resolve(preset, {c.key: c.count for c in uses.values()}, table, layout)
    inspection = _analyse(path, sheets, table, layout, preset, mapping, text_format, about,
                          progress, codes=uses, dry_run=dry_run)
    inspection.source_table = source
    return inspection


# ---- importing ---------------------------------------------------------------------------------


@_memory_bounded
def import_inspection(inspection: Inspection, progress: Progress | None = None
                      ) -> ImportResult:
    """Run the import that ``inspection`` describes, into a new Matrix."""
    if inspection.cxmatrix_workbook and inspection._workbook is not None:
        from cxmatrix.interchange.spreadsheet.cxmatrix_workbook import read_cxmatrix_workbook

        return read_cxmatrix_workbook(inspection._workbook, inspection.cxmatrix_about or {},
                                      None, progress)
    report = _new_report(inspection.path, inspection.table, inspection.layout,
                         inspection.mapping, {c.key: replace(c) for c in inspection.codes})
    try:
        outcome = build(inspection.table, inspection.layout, inspection.mapping, report,
                        progress=progress)
    except DomainError as error:
        raise ImportFailed(f"{inspection.path.name}: {error}") from None
    _note_readings(inspection.table, inspection.layout, inspection.mapping, report, outcome)
    matrix = outcome.matrix
    if matrix.touchpoint_count == 0:
        raise ImportFailed(f"{inspection.path.name}, sheet {inspection.sheet!r}: no "
                           "touchpoints found below the heading row "
                           f"{inspection.layout.header_row + 1}")
    facts = sheet_facts(inspection.table, inspection.layout.top_row)
    matrix.title = _title(inspection, facts)
    if facts.prepared_by:
        matrix.set_properties(prepared_by=facts.prepared_by)
    lines = report.lines()
    document_note = getattr(inspection.source_table or inspection.table, "note", "")
    if document_note:  # the tables of a Markdown or HTML document
        lines.insert(1, document_note)
    lines.extend(facts.report_lines())
    if inspection.text_format.get("removed"):
        lines.append(inspection.text_format["removed"])
    focus = matrix.find_department(DEFAULT_FOCUS_DEPARTMENT)
    if focus is not None:
        matrix.set_properties(focus_department_id=focus.id)
        lines.append(f"Focus department: {focus.name} (the lens looks through its eyes; "
                     "change it in the matrix properties).")
    details = {"report": report.as_dict(), "detection": inspection.layout.describe(),
               "sheet": inspection.sheet, "sheets": [s.name for s in inspection.sheets],
               "preset": inspection.preset, **inspection.text_format}
    return ImportResult(matrix, lines, details)


def _title(inspection: Inspection, facts: SheetFacts) -> str:
    """A title row above the headings ("Customer Onboarding Programme - RACI Chart"), else
    the file name (and the sheet's, when the workbook has several). A "Prepared by" or
    "Last updated" row is not a title."""
    table, layout = inspection.table, inspection.layout
    if not table.transposed:
        facts_lines = {facts.prepared_by_line, facts.updated_line}
        for index, row in enumerate(table.rows[: max(0, layout.top_row)]):
            if table.line(index) in facts_lines:
                continue
            filled = [value.strip() for value in row if value.strip()]
            if len(filled) == 1 and 3 <= len(filled[0]) <= 200 and not filled[0][0].isdigit():
                return filled[0]
    stem = inspection.path.stem.replace("_", " ").strip() or "Imported matrix"
    if len(inspection.sheets) > 1:
        return f"{stem} - {inspection.sheet}"[:200]
    return stem[:200]


@_memory_bounded
def read(path: Path | str, *, sheet: str | None = None, mapping: MappingArgument = None,
         progress: Progress | None = None, **_options: object) -> ImportResult:
    """Import ``path`` with default detection (the reader registered in ``formats``)."""
    path = Path(path)
    preset, overrides, complete = _mapping_from_argument(mapping, path.name)
    inspection = _inspect_for_import(path, sheet, preset, progress)
    if complete is not None or overrides:
        inspection = _with_mapping(inspection, complete, overrides)
    return import_inspection(inspection, progress)


def _inspect_for_import(path: Path, sheet: str | None, preset: str,
                        progress: Progress | None) -> Inspection:
    if path.suffix.lower() in WORKBOOK_SUFFIXES and sheet is None:
        from cxmatrix.interchange.spreadsheet import cxmatrix_workbook, xlsx_reader

        _suffix(path)
        workbook = xlsx_reader.open_workbook(path)
        about = cxmatrix_workbook.about_values(workbook)
        if about is not None and preset == DEFAULT_PRESET:
            holder = Inspection(path, [SheetInfo(s.name, s.hidden) for s in workbook.sheets],
                                "Matrix", SheetTable("Matrix", []), Layout(GRID, 0, 0), preset,
                                CodeMapping({}), [], ImportReport(path.name),
                                cxmatrix_about=about)
            holder._workbook = workbook
            return holder
    return inspect(path, sheet=sheet, mapping=preset, progress=progress, dry_run=False)
