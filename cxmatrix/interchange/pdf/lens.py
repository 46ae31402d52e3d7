"""Department lens pages: what one department Owns, Influences and Handles, the standing
advice for each role, and the touchpoints where it has no role yet. Each lens ends with its
sign-off: "Agreed by Maren Lindqvist on 14 January 2026", or, until the column is agreed as it
is now, a line for the lead to sign and date (with what stands in the way: a dispute, an
agreement out of date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from cxmatrix.domain.lens import DepartmentLens, department_lens
from cxmatrix.domain.model import Department, Matrix, Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    SignOffState,
    asked_phrase,
    department_signoff,
    disputed_touchpoints,
    long_day,
    signoff_line,
)
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.chart import END, PEAK, draw_role_tile
from cxmatrix.interchange.pdf.summary import SUBTITLE, section_heading
from cxmatrix.interchange.pdf.text import escape, fit, one_line
from cxmatrix.interchange.pdf.text import wrap as wrap_lines

NAME_FONT = fonts.CONDENSED
NAME_SIZE = 8.5
LINE_HEIGHT = 11.0
STAGE_HEIGHT = 14.0
TIGHT_LINE_HEIGHT = 9.6  # a list set tighter to keep its last lines with it
TIGHT_STAGE_HEIGHT = 12.0
HEADING_HEIGHT = 22.0
ADVICE_GAP = 5.0
NONE_HEIGHT = 14.0
TAIL_GAP = 18.0  # between a list's last line and the lens's sign-off
WIDOW_LINES = 2  # at most this many lines alone on a page: try setting the list tighter
ORPHAN_LINES = 2  # at least this many lines under a heading at the foot of a page
COLUMN_MIN = 210.0
SYMBOL_GUTTER = 15.0
HEADINGS = {
    Role.OWN: "Owns",
    Role.INFLUENCE: "Influences",
    Role.HANDLE: "Handles",
    None: "No role yet",
}


class RoleHeading(Flowable):
    """A role tile (or an empty one for "no role"), the role and how many touchpoints;
    "(continued)" after the role on a page that carries on a list."""

    def __init__(self, role: Role | None, count: int, width: float,
                 continued: bool = False) -> None:
        super().__init__()
        self.role, self.count, self.width = role, count, width
        self.continued = continued
        self.height = HEADING_HEIGHT

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        if self.role is not None:
            draw_role_tile(canvas, self.role, 0, 4, 15, 15)
        else:
            canvas.setStrokeColor(theme.FAINT)
            canvas.setLineWidth(0.8)
            canvas.rect(0.5, 4.5, 14, 14, stroke=1, fill=0)
        canvas.setFillColor(theme.INK)
        canvas.setFont(fonts.BOLD, theme.SUBHEADING_SIZE)
        title = HEADINGS[self.role] + (" (continued)" if self.continued else "")
        canvas.drawString(22, 7.5, title)
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.REGULAR, 9)
        noun = "touchpoint" if self.count == 1 else "touchpoints"
        canvas.drawString(22 + canvas.stringWidth(title, fonts.BOLD, theme.SUBHEADING_SIZE) + 8,
                          7.5, f"{self.count:,} {noun}")


class NameLine(Flowable):
    """One line of touchpoint names set in columns, each cut with an ellipsis if too long."""

    def __init__(self, entries: Sequence[tuple[str, str]], column_width: float,
                 width: float, height: float = LINE_HEIGHT) -> None:
        super().__init__()
        self.entries = entries  # (name, moment symbols)
        self.column_width = column_width
        self.width = width
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(theme.INK)
        for index, (name, symbols) in enumerate(self.entries):
            x = index * self.column_width
            if symbols:  # peak and end moments, in a small gutter before the name
                canvas.setFont(fonts.REGULAR, 6.5)
                canvas.drawString(x, 2.5, symbols)
            canvas.setFont(NAME_FONT, NAME_SIZE)
            canvas.drawString(x + SYMBOL_GUTTER, 2.5,
                              fit(name, NAME_FONT, NAME_SIZE,
                                  self.column_width - SYMBOL_GUTTER - 8))


class StageLabel(Flowable):
    """A stage's name over a hairline; "(continued)" when a page carries on its list."""

    def __init__(self, name: str, width: float, continued: bool = False,
                 height: float = STAGE_HEIGHT) -> None:
        super().__init__()
        self.name, self.width, self.continued = name, width, continued
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(theme.MUTED)
        suffix = " (continued)" if self.continued else ""
        suffix_width = canvas.stringWidth(suffix, fonts.CONDENSED, 7.6)
        label = fit(self.name.upper(), fonts.CONDENSED_BOLD, 7.6, self.width - suffix_width)
        canvas.setFont(fonts.CONDENSED_BOLD, 7.6)
        canvas.drawString(0, 3.5, label)
        if suffix:
            canvas.setFont(fonts.CONDENSED, 7.6)
            canvas.drawString(canvas.stringWidth(label, fonts.CONDENSED_BOLD, 7.6), 3.5, suffix)
        canvas.setStrokeColor(theme.HAIRLINE)
        canvas.setLineWidth(0.4)
        canvas.line(0, 1.5, self.width, 1.5)


def _symbols(tp: Touchpoint) -> str:
    return (PEAK if tp.peak else "") + (END if tp.end else "")


@dataclass(frozen=True)
class _Line:
    """One line of names and the stage it belongs to; ``first`` when the stage starts here."""

    stage: str
    entries: tuple[tuple[str, str], ...]
    first: bool


def _lines(matrix: Matrix, touchpoints: Sequence[Touchpoint], columns: int) -> list[_Line]:
    by_stage: dict[int, list[Touchpoint]] = {}
    for tp in touchpoints:
        by_stage.setdefault(tp.stage_id, []).append(tp)
    lines: list[_Line] = []
    for stage_id, members in by_stage.items():
        stage = matrix.stage(stage_id).name
        for i in range(0, len(members), columns):
            entries = tuple((one_line(tp.name), _symbols(tp)) for tp in members[i:i + columns])
            lines.append(_Line(stage, entries, i == 0))
    return lines


class RoleList(Flowable):
    """A role's heading, its advice and its touchpoints by stage, as one flowable that
    splits between lines of names. A page that carries the list on starts with the heading
    and the current stage again, marked "(continued)". A list that would leave one or two
    lines alone on the next page is set a little tighter to keep it together when that is
    enough; otherwise at least the heading, a stage and two lines go together. A ``tail``
    (the lens's sign-off) closes the list's last part, so it never stands alone on a page:
    when it does not fit under the last lines, the last two lines go over with it."""

    def __init__(self, role: Role | None, count: int, advice: str, lines: Sequence[_Line],
                 width: float, *, continued: bool = False, tight: bool = False,
                 tail: Flowable | None = None) -> None:
        super().__init__()
        self.tail = tail
        self.role, self.count, self.advice_text = role, count, advice
        self.lines = list(lines)
        self.width, self.continued, self.tight = width, continued, tight
        self.advice = None if continued else Paragraph(escape(advice), SUBTITLE)
        self._advice_height = 0.0
        self.height = 0.0

    # Heights -------------------------------------------------------------------------
    def _line_height(self, tight: bool) -> float:
        return TIGHT_LINE_HEIGHT if tight else LINE_HEIGHT

    def _stage_height(self, tight: bool) -> float:
        return TIGHT_STAGE_HEIGHT if tight else STAGE_HEIGHT

    def _top_height(self) -> float:
        return HEADING_HEIGHT + (self._advice_height + ADVICE_GAP if self.advice else 0.0)

    def _heights(self, tight: bool) -> list[float]:
        """The height of each line, its stage label included where the line brings one
        (and the first line always brings one)."""
        line, stage = self._line_height(tight), self._stage_height(tight)
        return [line + (stage if index == 0 or item.first else 0.0)
                for index, item in enumerate(self.lines)]

    def _tail_height(self) -> float:
        if self.tail is None:
            return 0.0
        return TAIL_GAP + self.tail.wrap(self.width, 1e6)[1]

    def _total(self, tight: bool) -> float:
        body = sum(self._heights(tight)) if self.lines else NONE_HEIGHT
        return self._top_height() + body + self._tail_height()

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.advice is not None:
            self._advice_height = self.advice.wrap(self.width, avail_height)[1]
        self.height = self._total(self.tight)
        return self.width, self.height

    # Splitting -----------------------------------------------------------------------
    def _part(self, lines: Sequence[_Line], *, continued: bool, tight: bool,
              last: bool = True) -> RoleList:
        part = RoleList(self.role, self.count, self.advice_text, lines, self.width,
                        continued=continued, tight=tight, tail=self.tail if last else None)
        part.advice = self.advice if not continued else None
        return part

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        if self.height <= avail_height:
            return [self]
        if not self.tight and self._total(True) <= avail_height:
            fit_count = self._fitting(avail_height, tight=False)
            if len(self.lines) - fit_count <= WIDOW_LINES:
                return [self._part(self.lines, continued=self.continued, tight=True)]
        count = self._fitting(avail_height, tight=self.tight)
        if self.tail is not None and count >= len(self.lines):
            count = len(self.lines) - ORPHAN_LINES  # the lines fit, the tail does not
        if count < min(ORPHAN_LINES, len(self.lines)) or count >= len(self.lines):
            return []  # too little room: the whole list starts on the next page
        rest = self.lines[count:]
        carried = _Line(rest[0].stage, rest[0].entries, False)
        return [self._part(self.lines[:count], continued=self.continued, tight=self.tight,
                           last=False),
                self._part([carried, *rest[1:]], continued=True, tight=self.tight)]

    def _fitting(self, avail_height: float, *, tight: bool) -> int:
        room = avail_height - self._top_height()
        count = 0
        for height in self._heights(tight):
            room -= height
            if room < 0:
                break
            count += 1
        return count

    # Drawing -------------------------------------------------------------------------
    def draw(self) -> None:
        canvas: Canvas = self.canv
        y = self.height - HEADING_HEIGHT
        RoleHeading(self.role, self.count, self.width, self.continued).drawOn(canvas, 0, y)
        if self.advice is not None:
            y -= self._advice_height
            self.advice.drawOn(canvas, 0, y)
            y -= ADVICE_GAP
        if self.tail is not None:  # at the foot of the list's room, after the lines (text order)
            self.tail.wrap(self.width, self.height)
        if not self.lines:
            none = Paragraph("None.", SUBTITLE)
            none.wrap(self.width, NONE_HEIGHT)
            none.drawOn(canvas, 0, y - NONE_HEIGHT)
            if self.tail is not None:
                self.tail.drawOn(canvas, 0, 0)
            return
        column_width = self.width / max(1, int(self.width // COLUMN_MIN))
        line_height = self._line_height(self.tight)
        stage_height = self._stage_height(self.tight)
        for index, item in enumerate(self.lines):
            if index == 0 or item.first:
                y -= stage_height
                StageLabel(item.stage, self.width, continued=not item.first,
                           height=stage_height).drawOn(canvas, 0, y)
            y -= line_height
            NameLine(item.entries, column_width, self.width, line_height).drawOn(canvas, 0, y)
        if self.tail is not None:
            self.tail.drawOn(canvas, 0, 0)


SIGNATURE_RULE = 190.0  # the lead's name and the date are written on rules this long
SIGNED_HEIGHT = 30.0
SIGNATURE_HEIGHT = 58.0
NOTE_SIZE = 8.5
NOTE_LEADING = 10.5
NOTE_LINES = 3  # the note wraps (a dispute names its touchpoints), cut after this many lines


def signoff_note(matrix: Matrix, department: Department) -> str:
    """Where the sign-off stands when it is not agreed as the column is now."""
    status = department_signoff(matrix, department.id)
    record = status.record
    if record is None or status.agreed:
        return "Not agreed yet."
    who = f" by {one_line(record.lead)}" if record.lead.strip() else ""
    if status.out_of_date:
        count = len(status.changes)
        return (f"Agreed{who} on {long_day(record.when)}, but out of date: {count:,} "
                f"change{'' if count == 1 else 's'} since.")
    if record.state is SignOffState.DISPUTED:
        named = disputed_touchpoints(matrix, record)
        return f"Disputed{who} on {long_day(record.when)}" + (f": {named}." if named else ".")
    phrase = asked_phrase(record)
    return f"{phrase[0].upper()}{phrase[1:]}; not answered yet."


class SignOffLine(Flowable):
    """The lens's last lines: the sign-off as recorded, or rules to sign and date on."""

    def __init__(self, matrix: Matrix, department: Department, width: float) -> None:
        super().__init__()
        self.width = width
        self.line = signoff_line(matrix, department.id)
        self.note = signoff_note(matrix, department)
        lead = one_line(department.lead) if department.lead.strip() else ""
        self.signer = fit(f"{lead}, lead of {one_line(department.name)}" if lead
                          else f"Lead of {one_line(department.name)}", fonts.REGULAR, 8,
                          SIGNATURE_RULE)
        self.note_lines = wrap_lines("Sign-off: " + self.note, fonts.REGULAR, NOTE_SIZE, width,
                                     NOTE_LINES)
        self.height = (SIGNED_HEIGHT if self.line else
                       SIGNATURE_HEIGHT + NOTE_LEADING * (len(self.note_lines) - 1))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setStrokeColor(theme.RULE)
        canvas.setLineWidth(0.6)
        canvas.line(0, self.height - 4, self.width, self.height - 4)
        if self.line:
            canvas.setFillColor(theme.INK)
            canvas.setFont(fonts.BOLD, 10)
            canvas.drawString(0, 6, fit(self.line, fonts.BOLD, 10, self.width))
            return
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.REGULAR, NOTE_SIZE)
        for index, text in enumerate(self.note_lines):
            canvas.drawString(0, self.height - 17 - index * NOTE_LEADING, text)
        canvas.setStrokeColor(theme.INK)
        canvas.setLineWidth(0.5)
        date_x = SIGNATURE_RULE + 40
        canvas.line(0, 14, SIGNATURE_RULE, 14)
        canvas.line(date_x, 14, date_x + SIGNATURE_RULE * 0.6, 14)
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawString(0, 4, self.signer)
        canvas.drawString(date_x, 4, "Date")


def lens_section(matrix: Matrix, department: Department, width: float) -> list[Flowable]:
    lens: DepartmentLens = department_lens(matrix, department.id)
    counts = lens.counts
    facts = [f"owns {counts[Role.OWN]:,}", f"influences {counts[Role.INFLUENCE]:,}",
             f"handles {counts[Role.HANDLE]:,}",
             f"no role on {counts[None]:,} of {matrix.touchpoint_count:,} touchpoints"]
    lead = f"Lead: {one_line(department.lead)}.  " if department.lead.strip() else ""
    subtitle = fit(lead + "This department " + ", ".join(facts) + ".", fonts.REGULAR, 9, width)
    heading = fit(f"Department lens: {one_line(department.name)}", fonts.BOLD,
                  theme.HEADING_SIZE, width)
    story = section_heading(heading, subtitle)
    columns = max(1, int(width // COLUMN_MIN))
    roles = (*Role, None)
    for index, role in enumerate(roles):
        if index:  # between lists only: a spacer after the last could spill onto a blank page
            story.append(Spacer(1, 14))
        touchpoints = lens.touchpoints(role)
        tail = SignOffLine(matrix, department, width) if index == len(roles) - 1 else None
        story.append(RoleList(role, len(touchpoints), DepartmentLens.advice(role),
                              _lines(matrix, touchpoints, columns), width, tail=tail))
    return story
