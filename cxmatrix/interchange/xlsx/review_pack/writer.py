"""Write review packs: one workbook per department for its lead (layout: ``layout``).

A pack holds a cover sheet (what is asked, by whom, by when, the roles and the standing
advice), the review sheet (every touchpoint where the department has a role today or at
target, and those where no department owns it: "role not established"), and the very hidden
record of what was sent, by which the returned pack is recognised. The review sheet is
protected with only the cells to fill unlocked, and prints landscape, one page wide, with the
header row repeated. Written with xlsxwriter; each file appears complete or not at all.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

import cxmatrix
from cxmatrix.domain.lens import ADVICE, NO_ROLE_ADVICE
from cxmatrix.domain.model import Matrix, Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    SignOff,
    SignOffState,
    basis_of,
    long_day,
    possessive,
    touchpoints_fingerprint,
)
from cxmatrix.interchange.atomic import atomic_path
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.xlsx.cells import cell_text, wrapped_height
from cxmatrix.interchange.xlsx.identity import department_key, touchpoint_key
from cxmatrix.interchange.xlsx.placement import column_name
from cxmatrix.interchange.xlsx.printing import MARGINS, PAPER_SIZES, header_text
from cxmatrix.interchange.xlsx.review_pack import layout as pk
from cxmatrix.interchange.xlsx.styles import FONT_NAME, HEADER_FILL, INK, MUTED, RULE, THIN
from cxmatrix.palette import ROLE_FILL, ROLE_INK

FILL_IN = "#FFF7D6"  # the cells the lead fills: a pale yellow, light in greyscale too
FILL_BORDER = "#C9A227"
AGREE_FILL, DISPUTE_FILL = "#DCEFD9", "#F8D7D3"
OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


@dataclass(frozen=True)
class PackRequest:
    """One pack to write: the department, whom it goes to, by when, from whom."""

    department_id: int
    lead: str = ""
    due: date | None = None
    sender: str = ""


@dataclass(frozen=True)
class WrittenPack:
    department_id: int
    path: Path
    lead: str
    rows: int


def pack_touchpoints(matrix: Matrix, department_id: int) -> list[tuple[Touchpoint, bool]]:
    """The touchpoints a department's pack asks about, in display order, each with whether
    its role is not established (the department has none and no department owns it)."""
    out = []
    for tp in matrix.iter_touchpoints():
        current = matrix.role(tp.id, department_id)
        target = matrix.target_role(tp.id, department_id)
        if current is not None or target is not None:
            out.append((tp, False))
        elif not matrix.owners(tp.id) and Role.OWN not in matrix.target_row(tp.id).values():
            out.append((tp, True))
    return out


def pack_name(matrix: Matrix, department_id: int) -> str:
    """'Review - Customer Success.xlsx' (characters file systems refuse replaced)."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", matrix.department(department_id).name)
    return f"Review - {name.strip(' .') or department_id}.xlsx"


def asked_record(matrix: Matrix, request: PackRequest, day: date) -> SignOff:
    """The 'asked' sign-off record for a pack sent today."""
    return SignOff(SignOffState.ASKED, request.lead, day, basis_of(matrix, request.department_id),
                   touchpoints_fingerprint(matrix))


def write_packs(matrix: Matrix, folder: Path, requests: Sequence[PackRequest],
                day: date | None = None) -> list[WrittenPack]:
    """Write one pack per request into ``folder``; ExportFailed names the file at fault."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportFailed(f"{folder}: no such folder")
    sent_on = day or date.today()
    names = pack_names(matrix, [r.department_id for r in requests])
    return [write_pack(matrix, folder / name, r, sent_on)
            for r, name in zip(requests, names, strict=True)]


def pack_names(matrix: Matrix, department_ids: Sequence[int]) -> list[str]:
    """A file name per department, none twice even where names differ only in characters a
    file name cannot hold or in case: 'Review - R_D.xlsx', 'Review - R_D (2).xlsx'."""
    taken: set[str] = set()
    out = []
    for did in department_ids:
        name = pack_name(matrix, did)
        stem, number = name.removesuffix(".xlsx"), 2
        while name.casefold() in taken:
            name = f"{stem} ({number}).xlsx"
            number += 1
        taken.add(name.casefold())
        out.append(name)
    return out


def write_pack(matrix: Matrix, path: Path, request: PackRequest, sent_on: date) -> WrittenPack:
    archive = io.BytesIO()
    workbook = Workbook(archive, OPTIONS)
    try:
        rows = _PackWriter(workbook, matrix, request, sent_on).write()
        workbook.close()
    except (XlsxWriterException, ValueError, TypeError) as error:
        raise ExportFailed(f"{path.name}: the review pack could not be written: {error}"
                           ) from None
    with atomic_path(path) as temp, open(temp, "wb") as handle:
        handle.write(archive.getbuffer())
    return WrittenPack(request.department_id, path, request.lead, rows)


def _role_text(role: Role | None) -> str:
    return role.label if role is not None else pk.NONE_SHOWN


class _PackWriter:
    def __init__(self, workbook: Workbook, matrix: Matrix, request: PackRequest,
                 sent_on: date) -> None:
        self.book = workbook
        self.matrix = matrix
        self.request = request
        self.did = request.department_id
        self.department = matrix.department(self.did)
        self.sent_on = sent_on
        self.formats: dict[str, Any] = {}

    def fmt(self, name: str, **props: Any) -> Any:
        if name not in self.formats:
            self.formats[name] = self.book.add_format({"font_name": FONT_NAME, "font_size": 10,
                                                       "valign": "top", **props})
        return self.formats[name]

    # ---- the whole workbook -------------------------------------------------------------

    def write(self) -> int:
        dept = self.department.name
        self.book.set_properties({"title": f"Review of {possessive(dept)} column"[:250],
                                  "subject": self.matrix.title[:250],
                                  "author": f"cxmatrix {cxmatrix.__version__}",
                                  "created": datetime.now().astimezone()})
        cover = self.book.add_worksheet(pk.COVER_SHEET)
        review = self.book.add_worksheet(pk.REVIEW_SHEET)
        record = self.book.add_worksheet(pk.RECORD_SHEET)
        touchpoints = pack_touchpoints(self.matrix, self.did)
        self.write_cover(cover, touchpoints)
        sent, final = self.write_review(review, touchpoints)
        self.write_record(record, sent, final)
        cover.activate()  # the pack opens on what is asked
        return len(touchpoints)

    # ---- cover ----------------------------------------------------------------------------

    def write_cover(self, sheet: Worksheet, touchpoints: list[tuple[Touchpoint, bool]]) -> None:
        matrix, dept = self.matrix, self.department.name
        sheet.hide_gridlines(2)
        sheet.set_column(0, 0, 2)
        sheet.set_column(1, 1, 22)
        sheet.set_column(2, 2, 58)
        sheet.set_column(3, 3, 58)
        title = self.fmt("cover_title", font_size=18, bold=True, font_color=INK)
        sub = self.fmt("cover_sub", font_size=11, font_color=MUTED)
        label = self.fmt("cover_label", bold=True, font_color=INK)
        value = self.fmt("cover_value", text_wrap=True)
        heading = self.fmt("cover_heading", font_size=12, bold=True, font_color=INK,
                           bottom=2, bottom_color=RULE)
        para = self.fmt("cover_para", text_wrap=True)
        sheet.set_row(1, 28)
        sheet.write_string(1, 1, cell_text(f"Review of {possessive(dept)} column"), title)
        sheet.write_string(2, 1, cell_text(" · ".join(p for p in (
            matrix.title, matrix.organisation) if p.strip())), sub)
        lead = self.request.lead or f"the lead of {dept}"
        sender = self.request.sender or matrix.prepared_by or "the matrix's author"
        due = long_day(self.request.due) if self.request.due else "as soon as you can"
        establish = sum(1 for _, open_ in touchpoints if open_)
        facts = (("Asked of", lead), ("Asked by", sender), ("Sent on", long_day(self.sent_on)),
                 ("Please return by", due), ("Department", dept),
                 ("Touchpoints to review",
                  f"{len(touchpoints)}" + (f", of which {establish} where no department owns "
                                           "the touchpoint yet (role not established)"
                                           if establish else "")))
        row = 4
        for key, text in facts:
            sheet.write_string(row, 1, key, label)
            sheet.merge_range(row, 2, row, 3, cell_text(text), value)
            row += 1
        row += 1
        sheet.merge_range(row, 1, row, 3, "What is asked", heading)
        row += 1
        asked = (f"This matrix maps every customer touchpoint against every department, with "
                 f"the role each department plays. Please check {possessive(dept)} column on "
                 f"the sheet '{pk.REVIEW_SHEET}': would you agree that this is the role "
                 f"{dept} plays today, and should play at target? Where you disagree, say "
                 "which role you propose and why.")
        row = self._paragraph(sheet, row, asked, para)
        row += 1
        sheet.merge_range(row, 1, row, 3, "How to answer", heading)
        row += 1
        steps = (f"1. On every row of '{pk.REVIEW_SHEET}', choose Yes or No under 'Agree?'. "
                 "A row left empty is not an agreement.",
                 "2. Where you answer No, choose the role you propose under 'Proposed role' "
                 "(or 'No role') and say why under 'Comment'.",
                 f"3. At the end of the sheet, answer '{pk.WHOLE_LABEL}' and write your "
                 "name and the date.",
                 "4. Save the workbook as it is (Excel or LibreOffice) and send it back. Only "
                 "the yellow cells are read; other edits are ignored.")
        for step in steps:
            row = self._paragraph(sheet, row, step, para)
        row += 1
        sheet.merge_range(row, 1, row, 3, "The roles", heading)
        row += 1
        head = self.fmt("cover_head", bold=True, font_color=INK, bg_color=HEADER_FILL,
                        bottom=1, bottom_color=THIN)
        for column, text in enumerate(("Role", "What it means", "Standing advice"), start=1):
            sheet.write_string(row, column, text, head)
        row += 1
        cell = self.fmt("cover_cell", text_wrap=True, bottom=1, bottom_color=THIN)
        for role in Role:
            badge = self.fmt(f"badge_{role.value}", bold=True, align="center",
                             font_color=f"#{ROLE_INK[role.value]}",
                             bg_color=f"#{ROLE_FILL[role.value]}", bottom=1,
                             bottom_color=THIN)
            sheet.write_string(row, 1, role.label, badge)
            sheet.write_string(row, 2, role.meaning, cell)
            sheet.write_string(row, 3, ADVICE[role], cell)
            sheet.set_row(row, max(wrapped_height(role.meaning, 58),
                                   wrapped_height(ADVICE[role], 58)))
            row += 1
        badge = self.fmt("badge_none", bold=True, align="center", font_color=MUTED,
                         bottom=1, bottom_color=THIN)
        sheet.write_string(row, 1, "Role not established", badge)
        sheet.write_string(row, 2, "No department owns the touchpoint yet.", cell)
        sheet.write_string(row, 3, NO_ROLE_ADVICE, cell)
        sheet.set_row(row, wrapped_height(NO_ROLE_ADVICE, 58))
        self._print_setup(sheet, landscape=False, title_rows=None)
        sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})

    def _paragraph(self, sheet: Worksheet, row: int, text: str, style: Any) -> int:
        sheet.merge_range(row, 1, row, 3, cell_text(text), style)
        sheet.set_row(row, wrapped_height(text, 130))
        return row + 1

    # ---- the review sheet ----------------------------------------------------------------

    def write_review(self, sheet: Worksheet, touchpoints: list[tuple[Touchpoint, bool]]
                     ) -> tuple[list[list[Any]], dict[str, int]]:
        matrix, did, dept = self.matrix, self.did, self.department.name
        for column, width in pk.WIDTHS.items():
            sheet.set_column(column, column, width, None,
                             {"hidden": True} if column == pk.ID else None)
        sheet.hide_gridlines(2)
        title = self.fmt("title", font_size=15, bold=True, font_color=INK)
        sub = self.fmt("sub", font_color=MUTED)
        sheet.set_row(0, 24)
        sheet.write_string(0, pk.ID, pk.MARKER)
        sheet.write_string(1, pk.ID, department_key(did))
        titles = [f"{dept}: would you agree with this column?",
                  f"{self.matrix.title} · sent to {self.request.lead or 'the lead of ' + dept}"
                  f" on {long_day(self.sent_on)}"
                  + (f" · please return by {long_day(self.request.due)}"
                     if self.request.due else ""),
                  "Answer Yes or No on every row; where No, propose a role and say why. Only "
                  "the yellow cells are read."]
        for row, (text, style) in enumerate(zip(titles, (title, sub, sub), strict=True)):
            sheet.write_string(row, pk.STAGE, cell_text(text), style)
        header = self.fmt("header", bold=True, font_color=INK, bg_color=HEADER_FILL, bottom=2,
                          bottom_color=RULE, text_wrap=True, valign="bottom")
        header_fill = self.fmt("header_fill", bold=True, font_color=INK, bg_color="#F3E3A6",
                               bottom=2, bottom_color=RULE, text_wrap=True, valign="bottom")
        h = pk.HEADER_ROW - 1
        sheet.set_row(h, 30)
        for column, text in enumerate(pk.COLUMNS):
            if column != pk.ID:
                sheet.write_string(h, column, text,
                                   header_fill if column in pk.FILL_COLUMNS else header)
        wrap = self.fmt("wrap", text_wrap=True, bottom=1, bottom_color=THIN)
        muted = self.fmt("muted", text_wrap=True, font_color=MUTED, italic=True, bottom=1,
                         bottom_color=THIN)
        fill = self.fmt("fill", text_wrap=True, bg_color=FILL_IN, locked=False, border=1,
                        border_color=FILL_BORDER)
        fill_centre = self.fmt("fill_centre", align="center", bg_color=FILL_IN, locked=False,
                               border=1, border_color=FILL_BORDER)
        sent: list[list[Any]] = []
        row = h + 1
        for tp, open_ in touchpoints:
            current = matrix.role(tp.id, did)
            target = matrix.target_role(tp.id, did)
            texts = [matrix.stage(tp.stage_id).name, tp.name, tp.description,
                     _role_text(current), _role_text(target),
                     self._others(tp.id, open_)]
            texts = [cell_text(t) for t in texts]
            sheet.write_string(row, pk.ID, touchpoint_key(tp.id))
            for column, text in zip(pk.LOCKED_COLUMNS, texts, strict=True):
                if column in (pk.CURRENT, pk.TARGET):
                    sheet.write_string(row, column, text, self._role_format(
                        current if column == pk.CURRENT else target,
                        changed=column == pk.TARGET and target is not current))
                elif text:
                    sheet.write_string(row, column, text,
                                       muted if column == pk.OTHERS and open_ else wrap)
                else:
                    sheet.write_blank(row, column, None, wrap)
            sheet.write_blank(row, pk.AGREE, None, fill_centre)
            sheet.write_blank(row, pk.PROPOSED, None, fill_centre)
            sheet.write_blank(row, pk.COMMENT, None, fill)
            sheet.set_row(row, max(15.0, wrapped_height(texts[2], pk.WIDTHS[pk.DESCRIPTION]),
                                   wrapped_height(texts[5], pk.WIDTHS[pk.OTHERS]),
                                   wrapped_height(texts[1], pk.WIDTHS[pk.TOUCHPOINT])))
            sent.append([tp.id, row + 1, tp.name, _code(current), _code(target), texts])
            row += 1
        first, last = h + 1, row - 1
        if sent:
            self._validate(sheet, first, last)
        final = self._final_block(sheet, row + 1)
        sheet.freeze_panes(h + 1, pk.TOUCHPOINT + 1)
        self._print_setup(sheet, landscape=True, title_rows=h)
        sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                           "format_columns": True, "format_rows": True})
        return sent, final

    def _others(self, touchpoint_id: int, open_: bool) -> str:
        matrix, did = self.matrix, self.did
        if open_ and not matrix.row_roles(touchpoint_id):
            return "Role not established: no department has a role yet"
        parts = []
        for role in Role:
            names = [d.name for d in matrix.departments_with(touchpoint_id, role)
                     if d.id != did]
            if names:
                parts.append(f"{role.label}: {', '.join(names)}")
        changes = [f"{matrix.department(d).name} → {_role_text(r)}"
                   for d, r in sorted(matrix.target_row(touchpoint_id).items(),
                                      key=lambda item: matrix.department_index(item[0]))
                   if d != did and matrix.role(touchpoint_id, d) is not r]
        text = "; ".join(parts) or "No other department has a role"
        if open_:
            text = "Role not established: no owner. " + text
        if changes:
            text += f" (at target: {', '.join(changes)})"
        return text

    def _role_format(self, role: Role | None, *, changed: bool) -> Any:
        extra: dict[str, Any] = {"bottom": 1, "bottom_color": THIN, "align": "center"}
        if changed:
            extra.update({"italic": True, "border": 5, "border_color": INK})
        name = f"role_{role.value if role else 'none'}{'_changed' if changed else ''}"
        if role is None:
            return self.fmt(name, font_color=MUTED, **extra)
        return self.fmt(name, bold=role is Role.OWN, font_color=f"#{ROLE_INK[role.value]}",
                        bg_color=f"#{ROLE_FILL[role.value]}", **extra)

    def _validate(self, sheet: Worksheet, first: int, last: int) -> None:
        sheet.data_validation(first, pk.AGREE, last, pk.AGREE, {
            "validate": "list", "source": [pk.YES, pk.NO],
            "input_title": "Agree?", "input_message": "Yes: this role is right. No: propose "
            "a role and say why.", "error_title": "Agree?",
            "error_message": "Choose Yes or No."})
        sheet.data_validation(first, pk.PROPOSED, last, pk.PROPOSED, {
            "validate": "list", "source": list(pk.ROLE_CHOICES),
            "input_title": "Proposed role", "input_message": "The role you propose at "
            "target (only where you answer No).", "error_title": "Proposed role",
            "error_message": "Choose Own, Influence, Handle or No role."})
        sheet.data_validation(first, pk.COMMENT, last, pk.COMMENT, {
            "validate": "length", "criteria": "<=", "value": 2000,
            "error_title": "Comment", "error_message": "At most 2,000 characters."})
        area = f"{column_name(pk.AGREE)}{first + 1}:{column_name(pk.AGREE)}{last + 1}"
        top = f"{column_name(pk.AGREE)}{first + 1}"
        for word, colour in ((pk.YES, AGREE_FILL), (pk.NO, DISPUTE_FILL)):
            sheet.conditional_format(area, {
                "type": "formula", "criteria": f'=EXACT(LOWER({top}),"{word.lower()}")',
                "format": self.book.add_format({"bg_color": colour, "bold": True})})

    def _final_block(self, sheet: Worksheet, row: int) -> dict[str, int]:
        label = self.fmt("final_label", bold=True, font_color=INK, align="right", indent=1,
                         valign="vcenter")
        fill_centre = self.fmt("final_fill", align="center", valign="vcenter", bold=True,
                               bg_color=FILL_IN, locked=False, border=1,
                               border_color=FILL_BORDER)
        fill_left = self.fmt("final_text", valign="vcenter", bg_color=FILL_IN, locked=False,
                             border=1, border_color=FILL_BORDER)
        fill_date = self.fmt("final_date", valign="vcenter", align="left", bg_color=FILL_IN,
                             locked=False, border=1, border_color=FILL_BORDER,
                             num_format="yyyy-mm-dd")
        rule = self.fmt("final_rule", top=2, top_color=RULE)
        for column in range(pk.STAGE, pk.LAST_COLUMN + 1):
            sheet.write_blank(row - 1, column, None, rule)
        rows = {"whole": row + 1, "name": row + 2, "date": row + 3}  # 1-based
        for key, text in (("whole", pk.WHOLE_LABEL), ("name", pk.NAME_LABEL),
                          ("date", pk.DATE_LABEL)):
            r = rows[key] - 1
            sheet.set_row(r, 20)
            sheet.merge_range(r, pk.STAGE, r, pk.OTHERS, text, label)
        r = rows["whole"] - 1
        sheet.write_blank(r, pk.AGREE, None, fill_centre)
        sheet.data_validation(r, pk.AGREE, r, pk.AGREE, {
            "validate": "list", "source": [pk.YES, pk.NO], "error_title": "Agree with the column?",
            "error_message": "Choose Yes or No."})
        sheet.merge_range(rows["name"] - 1, pk.AGREE, rows["name"] - 1, pk.COMMENT, "", fill_left)
        sheet.merge_range(rows["date"] - 1, pk.AGREE, rows["date"] - 1, pk.COMMENT, "", fill_date)
        sheet.data_validation(rows["date"] - 1, pk.AGREE, rows["date"] - 1, pk.AGREE, {
            "validate": "date", "criteria": ">", "value": date(2000, 1, 1),
            "input_title": "Date", "input_message": "The day you answered, e.g. "
            f"{date.today().isoformat()}", "error_title": "Date",
            "error_message": "Write a date, e.g. 2026-01-14."})
        return rows

    def _print_setup(self, sheet: Worksheet, *, landscape: bool, title_rows: int | None
                     ) -> None:
        if landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.set_paper(PAPER_SIZES["a4"])
        sheet.fit_to_pages(1, 0)
        if title_rows is not None:
            sheet.repeat_rows(title_rows)
        sheet.set_margins(**MARGINS)
        sheet.set_header("&L" + header_text(self.matrix.title) + "&R"
                         + header_text(f"Review: {self.department.name}"), {"margin": 0.3})
        sheet.set_footer(f"&L&A, sent {self.sent_on:%Y-%m-%d} by cxmatrix&RPage &P of &N",
                         {"margin": 0.3})

    # ---- the record -----------------------------------------------------------------------

    def write_record(self, sheet: Worksheet, sent: list[list[Any]], final: dict[str, int]
                     ) -> None:
        from cxmatrix.interchange.xlsx.state import chunks

        sheet.very_hidden()
        matrix = self.matrix
        data = {"format": pk.RECORD_FORMAT, "uid": matrix.uid,
                "department": [self.did, self.department.name],
                "departments": [[d.id, d.name] for d in matrix.departments],
                "sent_to": self.request.lead, "sent_by": self.request.sender,
                "sent_on": self.sent_on.isoformat(),
                "due": self.request.due.isoformat() if self.request.due else None,
                "touchpoints": touchpoints_fingerprint(matrix), "rows": sent,
                "final": final, "written_by": f"cxmatrix {cxmatrix.__version__}"}
        parts = chunks(pk.record_text(data))
        sheet.write_string(0, 0, pk.RECORD_FORMAT)
        sheet.write_string(1, 0, "chunks")
        sheet.write_string(1, 1, str(len(parts)))
        for index, part in enumerate(parts):
            sheet.write_string(pk.FIRST_CHUNK_ROW - 1 + index, 1, part)


def _code(role: Role | None) -> str | None:
    return role.value if role is not None else None
