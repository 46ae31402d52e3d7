"""Read back a workbook that cxmatrix exported, losslessly, with default settings.

The layout is the contract in ``workbook_layout``: matrix properties on About, department
codes and leads on Departments, touchpoint attributes and roles on Matrix, stage heading rows
styled as a band, cell notes as comments on role cells. A workbook is recognised by the format
marker on its About sheet; anything else goes through detection.
"""

from __future__ import annotations

import re
import zipfile

from cxmatrix.domain.codes import CodeMapping, Target, normalise_code, resolve_mapping
from cxmatrix.domain.model import (
    MAX_CODE_LENGTH,
    DomainError,
    Matrix,
    Touchpoint,
    derive_code,
)
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.interchange.spreadsheet.plan_sheets import read_plan
from cxmatrix.interchange.spreadsheet.report import CodeUse, ImportReport
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, cell_ref
from cxmatrix.interchange.spreadsheet.xlsx_reader import (
    MAIN_NS,
    WorkbookInfo,
    _iter_part,
    _parse_xml,
    read_sheet,
)
from cxmatrix.interchange.xlsx import layout
from cxmatrix.palette import STAGE_BAND

_ROLE_BY_WORD = {word.casefold(): Role(value) for value, word in layout.ROLE_WORDS.items()}
_OWN_HEADERS = {layout.OWNERS_HEADER.casefold(), layout.ID_HEADER.casefold()}
_FLAG_WORDS = {layout.FLAG_TRUE.casefold(), "true", "y", "x", "1"}


def about_values(info: WorkbookInfo) -> dict[str, str] | None:
    """The About sheet's values by key, if this workbook carries the cxmatrix marker."""
    names = {s.name for s in info.sheets}
    if layout.ABOUT_SHEET not in names or layout.MATRIX_SHEET not in names:
        return None
    about = read_sheet(info, layout.ABOUT_SHEET)
    labels = {label.casefold(): key for label, key in layout.ABOUT_FIELDS}
    values: dict[str, str] = {}
    for row in about.rows[:60]:
        if len(row) >= 1 and row[0].casefold() in labels:
            values.setdefault(labels[row[0].casefold()], row[1] if len(row) > 1 else "")
    if values.get("format") != layout.FORMAT_MARKER:
        return None
    return values


def _band_rows(info: WorkbookInfo, sheet_part: str) -> set[int]:
    """0-based rows whose first cell is filled with the stage band colour."""
    with zipfile.ZipFile(info.path) as archive:
        if "xl/styles.xml" not in archive.namelist():
            return set()
        styles = _parse_xml(info.path, archive, "xl/styles.xml")
        fills = []
        fills_node = styles.find(f"{{{MAIN_NS}}}fills")
        for fill in fills_node if fills_node is not None else []:
            colour = ""
            pattern = fill.find(f"{{{MAIN_NS}}}patternFill")
            if pattern is not None:
                foreground = pattern.find(f"{{{MAIN_NS}}}fgColor")
                if foreground is not None:
                    colour = (foreground.get("rgb") or "")[-6:].upper()
            fills.append(colour)
        band_styles = set()
        xfs = styles.find(f"{{{MAIN_NS}}}cellXfs")
        for index, xf in enumerate(xfs if xfs is not None else []):
            fill_id = xf.get("fillId", "0")
            if fill_id.isdigit() and int(fill_id) < len(fills) and \
                    fills[int(fill_id)] == STAGE_BAND.upper():
                band_styles.add(str(index))
        if not band_styles:
            return set()
        rows: set[int] = set()
        pattern = re.compile(rb'<c\b[^>]*\br="A(\d+)"[^>]*>')
        style = re.compile(rb'\bs="(\d+)"')
        carry = b""
        for chunk in _iter_part(info.path, archive, sheet_part):
            data = carry + chunk
            cut = data.rfind(b"<")
            carry, data = data[cut:], data[:cut]
            for match in pattern.finditer(data):
                found = style.search(match.group(0))
                if found and found.group(1).decode() in band_styles:
                    rows.add(int(match.group(1)) - 1)
        return rows


def read_cxmatrix_workbook(info: WorkbookInfo, about: dict[str, str],
                           mapping: CodeMapping | None = None,
                           progress: Progress | None = None) -> ImportResult:
    name = info.path.name
    report = ImportReport(name, layout.MATRIX_SHEET, "grid", cxmatrix_workbook=True)
    matrix = Matrix()
    try:
        matrix.set_properties(title=about.get("title") or "Untitled matrix",
                              organisation=about.get("organisation", ""),
                              description=about.get("description", ""),
                              prepared_by=about.get("prepared_by", ""))
    except DomainError as error:
        raise ImportFailed(f"{name}: sheet {layout.ABOUT_SHEET!r}: {error}") from None
    sheet_names = {s.name for s in info.sheets}
    if layout.DEPARTMENTS_SHEET in sheet_names:
        _read_departments(matrix, read_sheet(info, layout.DEPARTMENTS_SHEET), name)
    table = read_sheet(info, layout.MATRIX_SHEET, progress)
    entry = info.entry(layout.MATRIX_SHEET)
    bands = _band_rows(info, entry.part)
    keys = _read_matrix(matrix, table, bands, mapping, report, name)
    if layout.TARGET_SHEET in sheet_names or layout.CHANGES_SHEET in sheet_names:
        read_plan(info, matrix, keys)
    focus = about.get("focus_department", "")
    if focus:
        found = matrix.find_department(focus)
        if found is None:
            raise ImportFailed(f"{name}: sheet {layout.ABOUT_SHEET!r}: the focus department "
                               f"{focus!r} is not among the departments")
        matrix.focus_department_id = found.id
    matrix.load_finished()
    report.touchpoints = matrix.touchpoint_count
    report.departments = len(matrix.departments)
    report.stages = len(matrix.stages)
    return ImportResult(matrix, report.lines(), {"report": report.as_dict(),
                                                 "detection": {"cxmatrix_workbook": True}})


def _read_departments(matrix: Matrix, table: SheetTable, name: str) -> None:
    header = [h.casefold() for h in (table.rows[0] if table.rows else [])]
    wanted = [h.casefold() for h in layout.DEPARTMENT_COLUMNS]
    columns = {key: header.index(key) if key in header else index
               for index, key in enumerate(wanted)}
    for row_index in range(1, table.height):
        department = table.value(row_index, columns[wanted[0]])
        if not department:
            continue
        code = table.value(row_index, columns[wanted[1]])[:MAX_CODE_LENGTH]
        lead = table.value(row_index, columns[wanted[2]])
        try:
            matrix.add_department(department, code or None, lead)
        except DomainError as error:
            raise ImportFailed(f"{name}: sheet {layout.DEPARTMENTS_SHEET!r}, row "
                               f"{row_index + 1}: {error}") from None


def _read_matrix(matrix: Matrix, table: SheetTable, bands: set[int],
                 mapping: CodeMapping | None, report: ImportReport, name: str
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Read the Matrix sheet into ``matrix``; returns the touchpoint and department ids by
    the workbook's hidden id texts ("T17", "D3"), for the plan sheets."""
    header_index = layout.HEADER_ROW - 1
    if table.height <= header_index:
        raise ImportFailed(f"{name}: sheet {layout.MATRIX_SHEET!r} has no heading row "
                           f"{layout.HEADER_ROW}")
    headers = table.rows[header_index]
    by_header = {label.casefold(): key for label, key in layout.TOUCHPOINT_COLUMNS}
    attribute_columns: dict[str, int] = {}
    department_columns: dict[int, int] = {}
    # The live Owners count and the hidden ids are the workbook's own, not data.
    # (The first column of each such header: a department may be called "Owners" too.)
    first_of: dict[str, int] = {}
    for column, header in enumerate(headers):
        if header.casefold() in _OWN_HEADERS:
            first_of.setdefault(header.casefold(), column)
    own_columns = set(first_of.values())
    id_column = first_of.get(layout.ID_HEADER.casefold())
    touchpoint_keys: dict[str, int] = {}
    department_keys: dict[str, int] = {}
    for column, header in enumerate(headers):
        key = by_header.get(header.casefold())
        if column in own_columns:
            continue
        if key is not None and key not in attribute_columns:
            attribute_columns[key] = column
        elif header:
            department = matrix.find_department(header)
            if department is None:
                code = derive_code(header, [d.code for d in matrix.departments])
                try:
                    department = matrix.add_department(header, code)
                except DomainError as error:
                    raise ImportFailed(f"{name}: sheet {layout.MATRIX_SHEET!r}, row "
                                       f"{layout.HEADER_ROW}: {error}") from None
            department_columns[column] = department.id
            key_text = table.value(layout.ID_ROW - 1, column)
            if key_text:
                department_keys.setdefault(key_text.strip(), department.id)
    if "name" not in attribute_columns:
        raise ImportFailed(f"{name}: sheet {layout.MATRIX_SHEET!r}, row {layout.HEADER_ROW}: "
                           "no 'Touchpoint' column")
    label_column = attribute_columns["name"]
    codes: dict[str, int] = {}
    for row in table.rows[header_index + 1:]:
        for column in department_columns:
            if column < len(row) and row[column]:
                key = normalise_code(row[column])
                codes[key] = codes.get(key, 0) + 1
    if mapping is None:
        mapping = resolve_mapping("oih", codes)
        for word, role in _ROLE_BY_WORD.items():
            mapping = mapping.with_entry(word, Target(role.value))
    report.codes = {key: CodeUse(key, key, count, mapping.entries.get(key))
                    for key, count in codes.items()}
    stage_id: int | None = None
    use_bands = bool(bands)
    for row_index in range(header_index + 1, table.height):
        row = table.rows[row_index]
        if not any(row):
            continue
        first = row[label_column] if label_column < len(row) else ""
        filled = [c for c, v in enumerate(row) if v and c not in own_columns]
        is_band = row_index in bands if use_bands else (filled == [label_column])
        if is_band:
            try:
                stage_id = matrix.add_stage(first).id
            except DomainError as error:
                raise ImportFailed(f"{name}: sheet {layout.MATRIX_SHEET!r}, row "
                                   f"{row_index + 1}: {error}") from None
            continue
        if not first:
            report.skip_row("no touchpoint name", f"row {row_index + 1}")
            continue
        if stage_id is None:
            stage_id = matrix.add_stage("Touchpoints").id
        values: dict[str, object] = {}
        for key, column in attribute_columns.items():
            text = table.value(row_index, column)
            if key in ("peak", "end"):
                values[key] = text.casefold() in _FLAG_WORDS
            elif key != "name":
                values[key] = text
        touchpoint = Touchpoint(matrix.new_id(), stage_id, first, **values)  # type: ignore[arg-type]
        matrix.load_touchpoint(touchpoint)
        if id_column is not None:
            key_text = table.value(row_index, id_column).strip()
            if key_text:
                touchpoint_keys.setdefault(key_text, touchpoint.id)
        roles: dict[int, Role] = {}
        for column, department_id in department_columns.items():
            note = table.comments.get((row_index, column))
            if note:
                matrix.load_note(touchpoint.id, department_id, note)
                report.cell_notes += 1
            text = table.value(row_index, column)
            if not text:
                continue
            target = mapping.entries.get(normalise_code(text))
            if target is None:
                report.skip_cell(f"code {text!r} not understood", cell_ref(row_index, column))
            elif target is Target.NO_ROLE:
                report.no_role_cells += 1
            else:
                role = Role.OWN if target is Target.OWN_UNLESS_OWNED else Role(target.value)
                roles[department_id] = role
                report.roles[role] += 1
        if roles:
            matrix.load_roles(touchpoint.id, roles)
    return touchpoint_keys, department_keys
