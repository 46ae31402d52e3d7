"""Read back a workbook cxmatrix exported, after colleagues worked in it.

``read_returned(path)`` gives three things for the review that brings the workbook back:

- ``exported``: the matrix as it was exported, from the very hidden state sheet, with the
  ids it had in the app;
- ``saved``: the matrix as the colleague left it, read from the visible sheets. A row or
  department column that kept its hidden id keeps that entity's id (so a renamed
  department or touchpoint is a rename, a moved row a move); one without an id is new and
  gets a fresh id above every exported one (``new_*``); an exported id that no longer
  appears is gone (``removed_*``);
- the matrix's identity (``matrix_uid``) and the export time.

The saved matrix carries the plan of the Target and Changes sheets too (``returned_plan``),
when the record holds the exported plan.

Damaged workbooks raise ImportFailed naming the sheet and cell: a damaged or foreign id, an id
used twice (a row or column pasted twice), a renamed or missing sheet, values that are not
roles, a missing state sheet (a program that drops hidden sheets saved it). A deleted
department column is not an error but is listed in ``notices`` and ``removed_departments``:
the review decides, with the user. So are Owners cells that show no count (a row inserted
without the formula) or a count the row's Own cells do not give (typed over): the per-row
check is made here, from the roles, whatever the sheet shows.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cxmatrix.domain.model import (
    MAX_CODE_LENGTH,
    Department,
    DomainError,
    Matrix,
    Touchpoint,
    clean_name,
    derive_code,
)
from cxmatrix.domain.review import FactKey
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.cxmatrix_workbook import _band_rows, about_values
from cxmatrix.interchange.spreadsheet.sheet_table import SheetTable, cell_ref
from cxmatrix.interchange.spreadsheet.xlsx_reader import WorkbookInfo, open_workbook, read_sheet
from cxmatrix.interchange.xlsx import layout, state
from cxmatrix.interchange.xlsx.identity import KINDS, parse_key
from cxmatrix.interchange.xlsx.returned_plan import read_saved_plan

_ROLE_BY_TEXT = {**{word.casefold(): Role(key) for key, word in layout.ROLE_WORDS.items()},
                 "o": Role.OWN, "i": Role.INFLUENCE, "h": Role.HANDLE}
_FLAG_WORDS = {layout.FLAG_TRUE.casefold(), "true", "y", "x", "1"}
_ATTRIBUTE_BY_HEADER = {label.casefold(): key for label, key in layout.TOUCHPOINT_COLUMNS}
MAX_LISTED = 8  # cells named in one message
NEW_STAGE_NAME = "New touchpoints"


@dataclass(frozen=True)
class ReturnedWorkbook:
    """A cxmatrix workbook as it came back: what was exported and what was saved."""

    path: Path
    exported: Matrix
    saved: Matrix
    matrix_uid: str | None
    exported_at: datetime
    application: str  # the program that last saved the file, from its properties ("" unknown)
    new_stages: frozenset[int] = frozenset()
    new_touchpoints: frozenset[int] = frozenset()
    new_departments: frozenset[int] = frozenset()
    removed_stages: frozenset[int] = frozenset()
    removed_touchpoints: frozenset[int] = frozenset()
    removed_departments: frozenset[int] = frozenset()
    notices: tuple[str, ...] = ()
    # Where each saved entity was found, for messages: id -> "row 12" / "column M".
    places: dict[int, str] = field(default_factory=dict)
    # Whether the plan sheets were compared (the record holds the exported plan), and where
    # each target, action and planned flag was found: ("target" | "action", touchpoint,
    # department) -> "Target!G10" / "Changes!A7", ("touchpoint", id, "planned") -> "Target!B9".
    plan_compared: bool = False
    plan_places: dict[FactKey, str] = field(default_factory=dict)

    def renamed_departments(self) -> dict[int, tuple[str, str]]:
        """Departments that kept their id under another name: id -> (exported, saved)."""
        return _renamed({d.id: d.name for d in self.exported.departments},
                        {d.id: d.name for d in self.saved.departments})

    def renamed_touchpoints(self) -> dict[int, tuple[str, str]]:
        return _renamed({t.id: t.name for t in self.exported.iter_touchpoints()},
                        {t.id: t.name for t in self.saved.iter_touchpoints()})

    def renamed_stages(self) -> dict[int, tuple[str, str]]:
        return _renamed({s.id: s.name for s in self.exported.stages},
                        {s.id: s.name for s in self.saved.stages})


def _owners(count: int) -> str:
    return "no owner" if count == 0 else "1 owner" if count == 1 else f"{count} owners"


def _renamed(before: dict[int, str], after: dict[int, str]) -> dict[int, tuple[str, str]]:
    return {key: (before[key], name) for key, name in after.items()
            if key in before and before[key] != name}


def read_returned(path: Path | str) -> ReturnedWorkbook:
    """Read the workbook at ``path``; raises ImportFailed with the sheet and cell at fault."""
    path = Path(path)
    info = open_workbook(path)
    name = path.name
    application = _application(path)
    about = about_values(info)
    sheet_names = [s.name for s in info.sheets]
    if about is None:
        missing = [s for s in (layout.MATRIX_SHEET, layout.ABOUT_SHEET) if s not in sheet_names]
        if missing:
            raise ImportFailed(
                f"{name}: sheet {missing[0]!r} is missing (the workbook has "
                f"{', '.join(repr(s) for s in sheet_names)}): was it renamed? Give it its "
                "name back to bring the workbook back")
        raise ImportFailed(f"{name}: sheet {layout.ABOUT_SHEET!r} does not carry the line "
                           f"'Format: {layout.FORMAT_MARKER}': this is not a workbook "
                           "cxmatrix exported (import it instead)")
    for required in (layout.DEPARTMENTS_SHEET, layout.STATE_SHEET):
        if required not in sheet_names:
            raise ImportFailed(_missing_sheet_message(name, required, sheet_names, application))
    recorded = _read_state(info, name)
    matrix_sheet = read_sheet(info, layout.MATRIX_SHEET)
    bands = _band_rows(info, info.entry(layout.MATRIX_SHEET).part)
    reader = _SavedReader(name, recorded.matrix, matrix_sheet, bands)
    reader.read_properties(about)
    reader.read_departments(read_sheet(info, layout.DEPARTMENTS_SHEET))
    reader.read_rows()
    saved = reader.finish(about)
    exported = recorded.matrix
    saved.uid = exported.uid  # the same matrix, as the colleague saved it
    plan = read_saved_plan(info, exported, recorded.plan_recorded, saved,
                           reader.new_touchpoints, reader.new_departments)
    kept_touchpoints = {t.id for t in saved.iter_touchpoints()} - reader.new_touchpoints
    kept_departments = {d.id for d in saved.departments} - reader.new_departments
    kept_stages = {s.id for s in saved.stages} - reader.new_stages
    removed_departments = frozenset(d.id for d in exported.departments
                                    if d.id not in kept_departments)
    notices = [f"{name}: sheet {layout.MATRIX_SHEET!r}: the column of department "
               f"{exported.department(i).name!r} (column "
               f"{_exported_column(exported, i)} when exported) was deleted"
               for i in sorted(removed_departments, key=exported.department_index)]
    notices.extend(reader.owner_notices())
    notices.extend(plan.notices)
    return ReturnedWorkbook(
        path=path, exported=exported, saved=saved, matrix_uid=recorded.uid,
        exported_at=recorded.exported, application=application,
        new_stages=frozenset(reader.new_stages),
        new_touchpoints=frozenset(reader.new_touchpoints),
        new_departments=frozenset(reader.new_departments),
        removed_stages=frozenset(s.id for s in exported.stages if s.id not in kept_stages),
        removed_touchpoints=frozenset(t.id for t in exported.iter_touchpoints()
                                      if t.id not in kept_touchpoints),
        removed_departments=removed_departments, notices=tuple(notices),
        places=reader.places, plan_compared=plan.compared, plan_places=plan.places)


def _exported_column(matrix: Matrix, department_id: int) -> str:
    from cxmatrix.interchange.xlsx.placement import FIRST_ROLE_COLUMN, column_name

    return column_name(FIRST_ROLE_COLUMN + matrix.department_index(department_id))


def _missing_sheet_message(name: str, sheet: str, present: list[str], application: str) -> str:
    if sheet == layout.STATE_SHEET:
        saved_by = f" It was last saved by {application}." if application else ""
        return (f"{name}: the hidden sheet {sheet!r}, the record of what was exported, is "
                f"missing, so what colleagues changed cannot be told apart from what was "
                f"there.{saved_by} A program that drops hidden sheets (web spreadsheets "
                "such as Google Sheets may) or a copy of the visible sheets into a new "
                "workbook loses it. Import the "
                "workbook as a new matrix instead, or ask for a copy saved in Excel or "
                "LibreOffice from the exported file")
    return (f"{name}: sheet {sheet!r} is missing (the workbook has "
            f"{', '.join(repr(s) for s in present)}): was it renamed? Give it its name back "
            "to bring the workbook back")


def _application(path: Path) -> str:
    """The program that last saved the file, from docProps/app.xml ("" when not said)."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("docProps/app.xml")[:20_000].decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return ""
    match = re.search(r"<(?:\w+:)?Application>([^<]{1,200})</", data)
    return match.group(1).strip() if match else ""


def _read_state(info: WorkbookInfo, name: str) -> state.ExportedState:
    table = read_sheet(info, layout.STATE_SHEET)
    where = f"{name}: sheet {layout.STATE_SHEET!r}"
    values = {table.value(row, 0): table.value(row, 1) for row in range(min(table.height, 4))}
    if values.get(state.FORMAT_KEY) != state.STATE_FORMAT:
        raise ImportFailed(f"{where}, cell B1: not a record cxmatrix wrote (expected "
                           f"{state.STATE_FORMAT!r})")
    count = values.get(state.CHUNKS_KEY, "")
    if not count.isdigit() or table.height < 4 + int(count):
        raise ImportFailed(f"{where}, cell B4: the record of what was exported is incomplete")
    text = "".join(table.value(row, 1) for row in range(4, 4 + int(count)))
    return state.read_state(text, where)


class _SavedReader:
    """Builds the saved matrix from the visible sheets, keeping the ids the cells carry."""

    def __init__(self, name: str, exported: Matrix, table: SheetTable, bands: set[int]) -> None:
        self.name = name
        self.exported = exported
        self.table = table
        self.bands = bands
        self.where = f"{name}: sheet {layout.MATRIX_SHEET!r}"
        self.saved = Matrix()
        self.new_stages: set[int] = set()
        self.new_touchpoints: set[int] = set()
        self.new_departments: set[int] = set()
        self.places: dict[int, str] = {}
        highest = max([*(s.id for s in exported.stages), *(d.id for d in exported.departments),
                       *(t.id for t in exported.iter_touchpoints()), 0])
        self._next_id = highest + 1
        self.department_columns: dict[int, int] = {}  # column -> department id
        self.attribute_columns: dict[str, int] = {}
        self.id_column = -1
        self.owners_column = -1
        # (Owners cell, touchpoint name, what the cell shows, the row's Own cells, exported)
        self._owner_cells: list[tuple[str, str, str, int, bool]] = []
        self._codes: dict[int, tuple[str, str]] = {}  # department id -> (code, lead)

    def fresh_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def fail(self, cell: str, problem: str) -> ImportFailed:
        return ImportFailed(f"{self.where}, cell {cell}: {problem}")

    # ---- properties and departments ------------------------------------------------------

    def read_properties(self, about: dict[str, str]) -> None:
        try:
            self.saved.set_properties(title=about.get("title") or "Untitled matrix",
                                      organisation=about.get("organisation", ""),
                                      description=about.get("description", ""),
                                      prepared_by=about.get("prepared_by", ""))
        except DomainError as error:
            raise ImportFailed(f"{self.name}: sheet {layout.ABOUT_SHEET!r}: {error}") from None

    def read_departments(self, table: SheetTable) -> None:
        """Codes and leads from the Departments sheet, by id (or by name for a row without)."""
        header = [h.casefold() for h in (table.rows[0] if table.rows else [])]
        wanted = [h.casefold() for h in (*layout.DEPARTMENT_COLUMNS, layout.ID_HEADER)]
        columns = [header.index(key) if key in header else index
                   for index, key in enumerate(wanted)]
        self._by_name: dict[str, tuple[str, str]] = {}
        where = f"{self.name}: sheet {layout.DEPARTMENTS_SHEET!r}"
        for row in range(1, table.height):
            name, code, lead, key = (table.value(row, c) for c in columns)
            if not (name or key):
                continue
            entry = (code[:MAX_CODE_LENGTH], lead)
            if key:
                parsed = parse_key(key)
                if parsed is None or parsed[0] != layout.DEPARTMENT_PREFIX \
                        or not self.exported.has_department(parsed[1]):
                    raise ImportFailed(f"{where}, cell {cell_ref(row, columns[3])}: {key!r} is "
                                       "not the id of an exported department (the hidden id "
                                       "column was edited)")
                self._codes[parsed[1]] = entry
            elif name:
                self._by_name[name.casefold()] = entry

    # ---- the Matrix sheet ----------------------------------------------------------------

    def read_rows(self) -> None:
        table = self.table
        header_index = layout.HEADER_ROW - 1
        if table.height <= header_index:
            raise ImportFailed(f"{self.where} has no heading row {layout.HEADER_ROW}")
        self._read_header(header_index)
        stage_id: int | None = None
        seen: dict[int, str] = {}
        odd_cells: list[str] = []
        roles: dict[int, dict[int, Role]] = {}
        label = self.attribute_columns["name"]
        for row_index in range(header_index + 1, table.height):
            row = table.rows[row_index]
            key = table.value(row_index, self.id_column)
            name = table.value(row_index, label)
            filled = [c for c, v in enumerate(row) if v and c in self._data_columns]
            if not filled and not key:
                continue
            place = cell_ref(row_index, self.id_column)
            parsed = self._parse_row_key(key, place) if key else None
            if parsed is not None and parsed[1] in seen:
                raise self.fail(place, f"{key!r} is also in cell {seen[parsed[1]]}: a row was "
                                       f"copied. Delete the copy, or clear its id cell to "
                                       f"make it a new {KINDS[parsed[0]]}")
            if parsed is not None:
                seen[parsed[1]] = place
            is_stage = (parsed[0] == layout.STAGE_PREFIX if parsed is not None
                        else (row_index in self.bands if self.bands else filled == [label]))
            if is_stage:
                stage_id = self._add_stage(parsed[1] if parsed else None, name, row_index)
                continue
            if not name:
                raise self.fail(cell_ref(row_index, label), "a touchpoint row without a name "
                                "(give it one, or delete the row)")
            if stage_id is None:
                stage_id = self._add_stage(None, NEW_STAGE_NAME, row_index)
            touchpoint_id = parsed[1] if parsed is not None else self.fresh_id()
            if parsed is None:
                self.new_touchpoints.add(touchpoint_id)
            self._add_touchpoint(touchpoint_id, stage_id, row_index)
            row_roles = self._read_roles(row_index, touchpoint_id, odd_cells)
            if row_roles:
                roles[touchpoint_id] = row_roles
            if self.owners_column >= 0:
                self._owner_cells.append((
                    cell_ref(row_index, self.owners_column), name,
                    table.value(row_index, self.owners_column).strip(),
                    sum(1 for role in row_roles.values() if role is Role.OWN), parsed is not None))
        if odd_cells:
            listed = ", ".join(odd_cells[:MAX_LISTED])
            more = f" and {len(odd_cells) - MAX_LISTED} more" if len(odd_cells) > MAX_LISTED else ""
            raise ImportFailed(f"{self.where}: cells {listed}{more} do not hold a role: use "
                               f"{', '.join(layout.ROLE_WORDS.values())}, or leave the cell "
                               "empty")
        for touchpoint_id, row_roles in roles.items():
            self.saved.load_roles(touchpoint_id, row_roles)

    def owner_notices(self) -> list[str]:
        """The per-row check on the way back: Owners cells with no count (rows inserted
        without the formula) and counts that disagree with the row's Own cells (typed over).
        Skipped when no exported row shows a count: the file was saved without calculating
        (openpyxl), so an empty cell says nothing."""
        if not any(shown for _c, _n, shown, _o, exported in self._owner_cells if exported):
            return []
        gaps = [(cell, name, owners) for cell, name, shown, owners, _e in self._owner_cells
                if not shown]
        wrong = []
        for cell, name, shown, owners, _exported in self._owner_cells:
            try:
                number = float(shown) if shown else owners
            except ValueError:
                number = -1
            if number != owners:
                wrong.append(f"{cell} shows {shown[:20]!r} but {name} has {_owners(owners)}")
        notices = []
        if gaps:
            listed = ", ".join(f"{cell} ({name})" for cell, name, _o in gaps[:MAX_LISTED])
            more = f" and {len(gaps) - MAX_LISTED} more" if len(gaps) > MAX_LISTED else ""
            counts = ", ".join(f"{name} {_owners(owners)}" for _c, name, owners
                               in gaps[:MAX_LISTED])
            notices.append(f"{self.where}: the Owners cells {listed}{more} show no count "
                           f"(rows inserted without the formula); counted on the way back: "
                           f"{counts}")
        if wrong:
            more = f" and {len(wrong) - MAX_LISTED} more" if len(wrong) > MAX_LISTED else ""
            notices.append(f"{self.where}: Owners cell {'; '.join(wrong[:MAX_LISTED])}{more} "
                           "(a count typed over the formula); the roles are what comes back")
        return notices

    def _parse_row_key(self, key: str, place: str) -> tuple[str, int]:
        parsed = parse_key(key)
        if parsed is None or parsed[0] not in (layout.STAGE_PREFIX, layout.TOUCHPOINT_PREFIX):
            raise self.fail(place, f"{key!r} is not a stage or touchpoint id (the hidden id "
                                   "column was edited; clear the cell to make the row new)")
        known = (self.exported.has_stage(parsed[1]) if parsed[0] == layout.STAGE_PREFIX
                 else self.exported.has_touchpoint(parsed[1]))
        if not known:
            raise self.fail(place, f"{key!r} is not the id of an exported {KINDS[parsed[0]]} "
                                   "(the hidden id column was edited, or the row comes from "
                                   "another workbook)")
        return parsed

    def _read_header(self, header_index: int) -> None:
        table = self.table
        headers = table.rows[header_index]
        ids_row = layout.ID_ROW - 1
        seen: dict[int, str] = {}
        # The first column of each of these headers is the workbook's own, not data (a
        # department may be called "Owners" too).
        first_of: dict[str, int] = {}
        for column, header in enumerate(headers):
            if header.casefold() in (layout.ID_HEADER.casefold(),
                                     layout.OWNERS_HEADER.casefold()):
                first_of.setdefault(header.casefold(), column)
        skip = set(first_of.values())
        self.id_column = first_of.get(layout.ID_HEADER.casefold(), -1)
        self.owners_column = first_of.get(layout.OWNERS_HEADER.casefold(), -1)
        if self.id_column < 0:
            raise ImportFailed(f"{self.where}, row {layout.HEADER_ROW}: the hidden column "
                               f"{layout.ID_HEADER!r} is missing, so rows cannot be matched "
                               "to what was exported (it was deleted, or the workbook comes "
                               "from an older cxmatrix)")
        for column, header in enumerate(headers):
            if column in skip:
                continue
            key = _ATTRIBUTE_BY_HEADER.get(header.casefold())
            if key is not None and key not in self.attribute_columns:
                self.attribute_columns[key] = column
                continue
            id_text = table.value(ids_row, column)
            if not header:
                if id_text:
                    raise self.fail(cell_ref(header_index, column),
                                    "a department column without a name (give it one)")
                continue
            self._add_department_column(column, header, id_text, seen)
        if "name" not in self.attribute_columns:
            raise ImportFailed(f"{self.where}, row {layout.HEADER_ROW}: no 'Touchpoint' column")
        self._data_columns = set(self.attribute_columns.values()) | set(self.department_columns)

    def _add_department_column(self, column: int, header: str, id_text: str,
                               seen: dict[int, str]) -> None:
        place = cell_ref(layout.ID_ROW - 1, column)
        department_id: int | None = None
        if id_text:
            parsed = parse_key(id_text)
            if parsed is None or parsed[0] != layout.DEPARTMENT_PREFIX \
                    or not self.exported.has_department(parsed[1]):
                raise self.fail(place, f"{id_text!r} is not the id of an exported department "
                                       "(the hidden id row 5 was edited)")
            if parsed[1] in seen:
                raise self.fail(place, f"{id_text!r} is also in cell {seen[parsed[1]]}: a "
                                       "department column was copied. Delete the copy, or "
                                       "clear its id cell in row 5 to make it a new department")
            seen[parsed[1]] = place
            department_id = parsed[1]
        if department_id is None:
            department_id = self.fresh_id()
            self.new_departments.add(department_id)
            code, lead = self._by_name.get(header.casefold(), ("", ""))
        else:
            exported = self.exported.department(department_id)
            code, lead = self._codes.get(department_id, (exported.code, exported.lead))
        if self.saved.find_department(header) is not None:
            raise self.fail(cell_ref(layout.HEADER_ROW - 1, column),
                            f"department {header!r} appears twice in the header")
        taken = [d.code for d in self.saved.departments]
        if not code or code in taken:
            code = derive_code(header, taken)
        try:
            name = clean_name(header, "department")
        except DomainError as error:
            raise self.fail(cell_ref(layout.HEADER_ROW - 1, column), str(error)) from None
        self.saved.load_department(Department(department_id, name, code, lead))
        self.department_columns[column] = department_id
        self.places[department_id] = f"column {cell_ref(0, column)[:-1]}"

    def _add_stage(self, stage_id: int | None, name: str, row_index: int) -> int:
        if stage_id is None:
            stage_id = self.fresh_id()
            self.new_stages.add(stage_id)
        where = cell_ref(row_index, self.attribute_columns["name"])
        try:
            name = clean_name(name, "stage")
        except DomainError as error:
            raise self.fail(where, str(error)) from None
        if self.saved.find_stage(name) is not None:
            raise self.fail(where, f"stage {name!r} appears twice")
        self.saved.load_stage(stage_id, name)
        self.places[stage_id] = f"row {row_index + 1}"
        return stage_id

    def _add_touchpoint(self, touchpoint_id: int, stage_id: int, row_index: int) -> None:
        values: dict[str, object] = {}
        for key, column in self.attribute_columns.items():
            text = self.table.value(row_index, column)
            if key in ("peak", "end"):
                values[key] = text.casefold() in _FLAG_WORDS
            elif key != "name":
                values[key] = text
        where = cell_ref(row_index, self.attribute_columns["name"])
        try:
            name = clean_name(self.table.value(row_index, self.attribute_columns["name"]),
                              "touchpoint")
        except DomainError as error:
            raise self.fail(where, str(error)) from None
        self.saved.load_touchpoint(Touchpoint(touchpoint_id, stage_id, name, **values))  # type: ignore[arg-type]
        self.places[touchpoint_id] = f"row {row_index + 1}"

    def _read_roles(self, row_index: int, touchpoint_id: int, odd: list[str]
                    ) -> dict[int, Role]:
        roles: dict[int, Role] = {}
        for column, department_id in self.department_columns.items():
            note = self.table.comments.get((row_index, column))
            if note:
                self.saved.load_note(touchpoint_id, department_id, note)
            text = self.table.value(row_index, column)
            if not text:
                continue
            role = _ROLE_BY_TEXT.get(text.casefold())
            if role is None:
                odd.append(f"{cell_ref(row_index, column)} ({text[:30]!r})")
            else:
                roles[department_id] = role
        return roles

    def finish(self, about: dict[str, str]) -> Matrix:
        focus = about.get("focus_department", "")
        if focus:
            found = self.saved.find_department(focus)
            if found is not None:
                self.saved.focus_department_id = found.id
            elif self.exported.focus_department_id is not None and \
                    self.saved.has_department(self.exported.focus_department_id):
                self.saved.focus_department_id = self.exported.focus_department_id
        self.saved.load_finished()
        return self.saved
