"""Read a returned review pack into the domain's ``PackAnswers`` (openpyxl, read-only).

Nothing in the file is trusted. The file is first checked as any workbook from outside is
(``spreadsheet.xlsx_reader.open_workbook``: size, parts, not a legacy or encrypted file). The
record of what was sent is found by its format text in cell A1 of whichever sheet holds it, and
the review sheet by its marker, so renamed sheets are still found. A damaged or foreign file
raises ImportFailed naming the file, the sheet and the cell. Values the lead wrote that cannot
be read ("Maybe" under Agree?) are problems named by cell; edits outside the cells to fill
(a locked cell changed after lifting the protection, text beside the table) are ignored and
listed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.pack_review import (
    LeadPlan,
    PackAnswers,
    ReviewPlan,
    RowAnswer,
    SentRow,
    plan_review,
)
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.sheet_table import column_letter
from cxmatrix.interchange.spreadsheet.xlsx_reader import open_workbook
from cxmatrix.interchange.xlsx.identity import parse_key
from cxmatrix.interchange.xlsx.layout import DEPARTMENT_PREFIX, TOUCHPOINT_PREFIX
from cxmatrix.interchange.xlsx.review_pack import layout as pk

MAX_LISTED = 8
MAX_COMMENT = 2000
_YES = {"yes", "y", "agree", "agreed", "ja", "oui", "true"}
_NO = {"no", "n", "disagree", "nein", "non", "false"}
_NO_ROLE = {pk.NO_ROLE.casefold(), "none", "-", pk.NONE_SHOWN}
_ROLES = {**{r.label.casefold(): r for r in Role}, **{r.letter.casefold(): r for r in Role}}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d.%m.%Y",
                 "%Y/%m/%d")
_EXCEL_EPOCH = date(1899, 12, 30)


def _where(name: str, sheet: str, cell: str) -> str:
    return f"{name}: sheet {sheet!r}, cell {cell}"


def read_pack(path: Path | str) -> PackAnswers:
    """The answers in the returned pack at ``path``; ImportFailed when it is not one."""
    path = Path(path)
    open_workbook(path)  # the checks every workbook from outside gets
    name = path.name
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        raise ImportFailed(f"{name}: the workbook cannot be read ({error})") from None
    try:
        return _PackReader(name, book).read()
    finally:
        book.close()


class _PackReader:
    def __init__(self, name: str, book: Any) -> None:
        self.name = name
        self.book = book

    def read(self) -> PackAnswers:
        record_sheet, data = self._record()
        review = self._review_sheet()
        sheet = review.title
        try:
            return self._answers(review, data)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ImportFailed(f"{self.name}: sheet {record_sheet!r}, cell B"
                               f"{pk.FIRST_CHUNK_ROW}: the record of what was sent is damaged "
                               f"({error}); sheet {sheet!r} cannot be checked against it"
                               ) from None

    # ---- finding the sheets -------------------------------------------------------------

    def _first_cell(self, sheet: Any) -> object:
        for row in sheet.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True):
            return row[0] if row else None
        return None

    def _record(self) -> tuple[str, dict[str, Any]]:
        for sheet in self.book.worksheets:
            if self._first_cell(sheet) != pk.RECORD_FORMAT:
                continue
            where = _where(self.name, sheet.title, "B2")
            rows = list(sheet.iter_rows(min_row=2, max_row=2, min_col=2, max_col=2,
                                        values_only=True))
            count = str(rows[0][0]) if rows and rows[0] and rows[0][0] is not None else ""
            if not count.isdigit() or not 0 < int(count) < 10_000:
                raise ImportFailed(f"{where}: the record of what was sent is damaged (no "
                                   "chunk count)")
            parts = [row[0] for row in sheet.iter_rows(
                min_row=pk.FIRST_CHUNK_ROW, max_row=pk.FIRST_CHUNK_ROW + int(count) - 1,
                min_col=2, max_col=2, values_only=True)]
            if len(parts) != int(count) or not all(isinstance(p, str) for p in parts):
                raise ImportFailed(f"{_where(self.name, sheet.title, f'B{pk.FIRST_CHUNK_ROW}')}"
                                   ": the record of what was sent is incomplete")
            try:
                return sheet.title, pk.read_record_text("".join(parts))
            except ValueError as error:
                raise ImportFailed(
                    f"{_where(self.name, sheet.title, f'B{pk.FIRST_CHUNK_ROW}')}: the record "
                    f"of what was sent is damaged ({error})") from None
        names = ", ".join(repr(s.title) for s in self.book.worksheets)
        raise ImportFailed(f"{self.name}: not a review pack cxmatrix wrote: no sheet holds its "
                           f"hidden record (the workbook has {names}). A pack copied into a "
                           "new workbook, or saved by a program that drops hidden sheets, "
                           "loses it; ask the lead for the file as it was sent")

    def _review_sheet(self) -> Any:
        for sheet in self.book.worksheets:
            if self._first_cell(sheet) == pk.MARKER:
                return sheet
        raise ImportFailed(f"{self.name}: the review sheet is missing (no sheet holds "
                           f"{pk.MARKER!r} in its hidden cell A1): was it deleted or its "
                           "first column cleared?")

    # ---- the answers ----------------------------------------------------------------------

    def _answers(self, review: Any, data: dict[str, Any]) -> PackAnswers:
        sheet = review.title
        did, department_name = data["department"]
        if type(did) is not int or not isinstance(department_name, str):
            raise ValueError("the department")
        departments = {int(d): str(n) for d, n in data["departments"]}
        uid = data["uid"]
        if not isinstance(uid, str):
            raise ValueError("the matrix identity")
        final = {key: int(data["final"][key]) for key in ("whole", "name", "date")}
        cells = _Cells(review)
        problems: list[str] = []
        ignored: list[str] = []
        shown = ""
        key = parse_key(str(cells.get(2, pk.ID) or ""))
        if key is None or key[0] != DEPARTMENT_PREFIX:
            ignored.append(f"{_where(self.name, sheet, 'A2')}: the department's id was "
                           "cleared; the record names the department")
        elif key[1] != did:
            shown = departments.get(key[1], f"id {key[1]}")
        rows_by_id: dict[int, int] = {}
        for row, values in cells.rows.items():
            found = parse_key(str(values.get(pk.ID) or ""))
            if found is not None and found[0] == TOUCHPOINT_PREFIX and row > pk.HEADER_ROW:
                rows_by_id.setdefault(found[1], row)
        sent: list[SentRow] = []
        answers: list[RowAnswer] = []
        table_rows: set[int] = set()
        for tid, sent_row, tp_name, current, target, texts in data["rows"]:
            if type(tid) is not int or type(sent_row) is not int or not isinstance(tp_name, str):
                raise ValueError("a row")
            sent.append(SentRow(tid, tp_name, _role(current), _role(target)))
            found_row = rows_by_id.get(tid)
            if found_row is None:
                continue
            row = found_row
            table_rows.add(row)
            for column, text in zip(pk.LOCKED_COLUMNS, texts, strict=True):
                if _text(cells.get(row, column)) != text:
                    ignored.append(f"{_where(self.name, sheet, f'{column_letter(column)}{row}')}"
                                   f": {pk.COLUMNS[column]} was edited (from {text!r}); ignored")
            answers.append(self._row(cells, sheet, tid, row, problems))
        whole = self._yes_no(cells, sheet, final["whole"], pk.AGREE, problems)
        lead = _text(cells.get(final["name"], pk.AGREE)).strip()
        day = self._day(cells, sheet, final["date"], problems)
        final_rows = set(final.values())
        for row, values in sorted(cells.rows.items()):
            for column, value in sorted(values.items()):
                if value is None or _text(value) == "":
                    continue
                if column > pk.LAST_COLUMN or (
                        column in pk.FILL_COLUMNS and row > pk.HEADER_ROW
                        and row not in table_rows and row not in final_rows) or (
                        row > max(final_rows)):
                    ignored.append(f"{_where(self.name, sheet, _cell(row, column))}: "
                                   f"{_short(_text(value))!r} is outside the cells to fill; "
                                   "ignored")
        if len(ignored) > MAX_LISTED:
            ignored = [*ignored[:MAX_LISTED], f"{self.name}: and {len(ignored) - MAX_LISTED} "
                                              "more edits outside the cells to fill, ignored"]
        sent_on = data.get("sent_on")
        return PackAnswers(
            file=self.name, sheet=sheet, matrix_uid=uid, department_id=did,
            department_name=department_name, sent_to=str(data.get("sent_to") or ""),
            sent_on=date.fromisoformat(sent_on) if isinstance(sent_on, str) else None,
            touchpoints=str(data["touchpoints"]), sent=tuple(sent), answers=tuple(answers),
            whole=whole, lead=lead[:200], day=day,
            whole_cell=_cell(final["whole"], pk.AGREE), lead_cell=_cell(final["name"], pk.AGREE),
            day_cell=_cell(final["date"], pk.AGREE), problems=tuple(problems),
            ignored=tuple(ignored), shown_department=shown)

    def _row(self, cells: _Cells, sheet: str, tid: int, row: int, problems: list[str]
             ) -> RowAnswer:
        agree = self._yes_no(cells, sheet, row, pk.AGREE, problems)
        proposed: Role | None = None
        no_role = False
        value = _text(cells.get(row, pk.PROPOSED)).strip()
        if value:
            folded = value.casefold()
            if folded in _NO_ROLE:
                no_role = True
            elif folded in _ROLES:
                proposed = _ROLES[folded]
            else:
                problems.append(f"{_where(self.name, sheet, _cell(row, pk.PROPOSED))}: "
                                f"{_short(value)!r} is not a role (Own, Influence, Handle or "
                                f"{pk.NO_ROLE})")
        comment = _text(cells.get(row, pk.COMMENT)).strip()[:MAX_COMMENT]
        return RowAnswer(tid, row, agree, proposed, no_role, comment)

    def _yes_no(self, cells: _Cells, sheet: str, row: int, column: int, problems: list[str]
                ) -> bool | None:
        value = cells.get(row, column)
        if isinstance(value, bool):
            return value
        text = _text(value).strip().casefold()
        if not text:
            return None
        if text in _YES:
            return True
        if text in _NO:
            return False
        problems.append(f"{_where(self.name, sheet, _cell(row, column))}: "
                        f"{_short(_text(value))!r} is not Yes or No")
        return None

    def _day(self, cells: _Cells, sheet: str, row: int, problems: list[str]) -> date | None:
        value = cells.get(row, pk.AGREE)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        # A date serial shown without a date format.
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and 36_000 < value < 80_000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        text = " ".join(_text(value).split())
        if not text:
            return None
        for form in _DATE_FORMATS:
            try:
                return datetime.strptime(text, form).date()
            except ValueError:
                continue
        problems.append(f"{_where(self.name, sheet, _cell(row, pk.AGREE))}: {_short(text)!r} "
                        "is not a date (write it as 2026-01-14)")
        return None


class _Cells:
    """The review sheet's non-empty values by (1-based) row and 0-based column."""

    def __init__(self, sheet: Any) -> None:
        self.rows: dict[int, dict[int, object]] = {}
        for number, values in enumerate(_rows(sheet), start=1):
            kept = {c: v for c, v in enumerate(values) if v is not None and v != ""}
            if kept:
                self.rows[number] = kept

    def get(self, row: int, column: int) -> object:
        return self.rows.get(row, {}).get(column)


def _rows(sheet: Any) -> Iterator[tuple[object, ...]]:
    # The declared dimension is not trusted: "A1:XFD1048576" would pad every row to 16,384
    # cells and the sheet to a million rows. Without it, each row is as long as its cells.
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    yield from sheet.iter_rows(values_only=True)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _cell(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


def _role(code: object) -> Role | None:
    if code is None:
        return None
    if not isinstance(code, str):
        raise ValueError(f"{code!r} is not a role")
    return Role(code)


def plan_packs(matrix: Matrix, paths: Sequence[Path | str], *, strict: bool = False,
               progress: Progress | None = None) -> ReviewPlan:
    """Read every pack and plan it against ``matrix``. A file that cannot be read raises
    ImportFailed with ``strict``; otherwise it is a refused entry naming the file."""
    packs: list[PackAnswers] = []
    unreadable: list[LeadPlan] = []
    total = len(paths)
    for index, path in enumerate(paths):
        if progress is not None:
            progress.step(index, total, f"Reading {Path(path).name}")
        try:
            packs.append(read_pack(path))
        except ImportFailed as error:
            if strict:
                raise
            unreadable.append(LeadPlan(Path(path).name, None, "", "", refused=str(error)))
    plan = plan_review(matrix, packs)
    if progress is not None:
        progress.step(total, total, "Read")
    return ReviewPlan((*plan.leads, *unreadable), plan.notices)
