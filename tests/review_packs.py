"""Shared helpers of the review-pack tests: a demo matrix on disk, packs written from it, and
filling a pack the way a lead does in Excel (openpyxl keeps Excel's file semantics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl

from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.demo import demo_import
from cxmatrix.interchange.xlsx.review_pack import layout as pk
from cxmatrix.interchange.xlsx.review_pack.reader import plan_packs
from cxmatrix.interchange.xlsx.review_pack.writer import PackRequest, asked_record, write_packs
from cxmatrix.store.document import Document, write_document

SENT_ON = date(2026, 1, 5)
ANSWERED = date(2026, 1, 14)


@dataclass
class Row:
    """One touchpoint row of a written pack."""

    touchpoint_id: int
    row: int
    name: str


def demo_file(tmp_path: Path) -> Path:
    """The demo matrix without its own sign-offs: every department starts not asked."""
    path = tmp_path / "journey.cxm"
    matrix = demo_import().matrix
    matrix.set_signoffs([(d, None) for d in list(matrix.signoffs)])
    write_document(path, matrix)
    return path


def send(document: Document, folder: Path, *names: str) -> dict[str, Path]:
    """Write packs for these departments and mark them asked, as File > Send for Review
    does; department name -> pack."""
    matrix = document.matrix
    folder.mkdir(exist_ok=True)
    requests = [PackRequest(matrix.find_department(n).id, matrix.find_department(n).lead,  # type: ignore[union-attr]
                            date(2026, 1, 19), "Alex Moreau") for n in names]
    written = write_packs(matrix, folder, requests, SENT_ON)
    document.set_signoffs([(r.department_id, asked_record(matrix, r, SENT_ON))
                           for r in requests])
    return {matrix.department(w.department_id).name: w.path for w in written}


def rows_of(path: Path) -> list[Row]:
    book = openpyxl.load_workbook(path)
    sheet = next(s for s in book.worksheets if s["A1"].value == pk.MARKER)
    out = []
    for row in range(pk.HEADER_ROW + 1, sheet.max_row + 1):
        key = sheet.cell(row, pk.ID + 1).value
        if isinstance(key, str) and key.startswith("T"):
            out.append(Row(int(key[1:]), row, str(sheet.cell(row, pk.TOUCHPOINT + 1).value)))
    return out


def final_rows(path: Path) -> tuple[int, int, int]:
    rows = rows_of(path)
    last = rows[-1].row if rows else pk.HEADER_ROW
    return last + 2, last + 3, last + 4


def fill(path: Path, *, agree: dict[int, str] | None = None, default: str | None = "Yes",
         proposed: dict[int, str] | None = None, comments: dict[int, str] | None = None,
         whole: str | None = "Yes", name: str | None = "Maren Lindqvist",
         day: object = ANSWERED, rename: str | None = None,
         cells: dict[str, object] | None = None, out: Path | None = None) -> Path:
    """Fill the pack as a lead does: Agree? per row (by touchpoint id; ``default`` for the
    rest, None leaves them empty), proposals, comments, the final block; ``cells`` are other
    cells typed anyway (by reference), ``rename`` renames the review sheet."""
    book = openpyxl.load_workbook(path)
    sheet = next(s for s in book.worksheets if s["A1"].value == pk.MARKER)
    for row in rows_of(path):
        value = (agree or {}).get(row.touchpoint_id, default)
        if value is not None:
            sheet.cell(row.row, pk.AGREE + 1).value = value
        if row.touchpoint_id in (proposed or {}):
            sheet.cell(row.row, pk.PROPOSED + 1).value = proposed[row.touchpoint_id]  # type: ignore[index]
        if row.touchpoint_id in (comments or {}):
            sheet.cell(row.row, pk.COMMENT + 1).value = comments[row.touchpoint_id]  # type: ignore[index]
    whole_row, name_row, day_row = final_rows(path)
    column = pk.AGREE + 1
    sheet.cell(whole_row, column).value = whole
    sheet.cell(name_row, column).value = name
    sheet.cell(day_row, column).value = day
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    if rename:
        sheet.title = rename
    target = out or path
    book.save(target)
    return target


def plan(matrix: Matrix, *paths: Path):  # type: ignore[no-untyped-def]
    return plan_packs(matrix, list(paths), strict=True)
