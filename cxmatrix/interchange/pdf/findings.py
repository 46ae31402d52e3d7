"""The findings section: touchpoints with no owner, with several owners, and critical moments
without a single owner.

Repeated findings are grouped rather than listed one sentence each: touchpoints nobody owns by
stage, touchpoints with several owners by the set of owners ("Sales and Marketing"), each group
one row naming its touchpoints. Critical moments, few and each worth its sentence, are listed
one a row with their message. Every touchpoint named links to its row in the chart. Rows are
small flowables with their text wrapped beforehand, so the section costs time in proportion to
its length; a long group splits across pages by lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from cxmatrix.domain.findings import (
    CRITICAL_MOMENT_UNOWNED,
    NO_OWNER,
    SEVERAL_OWNERS,
    TITLES,
    Finding,
)
from cxmatrix.domain.model import Matrix
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.briefing import touchpoint_anchor
from cxmatrix.interchange.pdf.chart import draw_marker
from cxmatrix.interchange.pdf.summary import SUBTITLE, section_heading
from cxmatrix.interchange.pdf.text import escape, fit, width_of, wrap

SECTIONS = (
    (NO_OWNER,
     "Nobody designs, runs or measures these interactions, so the fallout lands on whoever "
     "picks up the phone.",
     "None: every touchpoint has an owner."),
    (SEVERAL_OWNERS,
     "Two or more departments each think they own these interactions: duplicated effort and a "
     "confused customer.",
     "None: no touchpoint has more than one owner."),
    (CRITICAL_MOMENT_UNOWNED,
     "Peak and end moments shape what customers remember most; each needs exactly one owner.",
     "None: every peak and end moment has exactly one owner."),
)
FONT = fonts.CONDENSED
BOLD = fonts.CONDENSED_BOLD
SIZE = 8.5
LEADING = 10.4
GROUP_SHARE = 0.24  # the width of a group's label column
SEPARATOR = "  ·  "
PADDING = 3.2
STAGE_SHARE = 0.18
TOUCHPOINT_SHARE = 0.32
MARKER_ROOM = 14.0
HEADING_ROW = 15.0
NONE_STYLE = ParagraphStyle("findings-none", parent=SUBTITLE, leftIndent=MARKER_ROOM,
                            textColor=theme.INK)


def _columns(width: float) -> tuple[float, float, float, float]:
    """x of the stage, touchpoint and message columns, and the message width."""
    stage_x = MARKER_ROOM
    touchpoint_x = stage_x + (width - MARKER_ROOM) * STAGE_SHARE
    message_x = touchpoint_x + (width - MARKER_ROOM) * TOUCHPOINT_SHARE
    return stage_x, touchpoint_x, message_x, width - message_x


class FindingRow(Flowable):
    """One finding: stage, touchpoint and message, wrapped in their columns.

    At the top of a page it also draws the column headings, so a long list never runs on
    without them.
    """

    def __init__(self, code: str, stage: str, touchpoint: str, message: str, width: float,
                 frame_height: float, shaded: bool, touchpoint_id: int | None = None) -> None:
        super().__init__()
        self.code = code
        self.touchpoint_id = touchpoint_id
        self.width = width
        self.frame_height = frame_height
        self.shaded = shaded
        stage_x, touchpoint_x, message_x, message_width = _columns(width)
        self.stage_lines = wrap(stage, FONT, SIZE, touchpoint_x - stage_x - 8, 2)
        self.touchpoint_lines = wrap(touchpoint, BOLD, SIZE, message_x - touchpoint_x - 8, 3)
        self.message_lines = wrap(message, FONT, SIZE, message_width - 4, 4)
        lines = max(len(self.stage_lines), len(self.touchpoint_lines),
                    len(self.message_lines), 1)
        self.row_height = lines * LEADING + 2 * PADDING
        self.with_heading = False

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.with_heading = avail_height >= self.frame_height - 1
        self.height = self.row_height + (HEADING_ROW if self.with_heading else 0)
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        if self.with_heading:
            column_headings(canvas, self.width, self.row_height, f"{TITLES[self.code]}, "
                            "continued")
        top = self.row_height
        if self.shaded:
            canvas.setFillColor(theme.HEADER_BAND)
            canvas.rect(0, 0, self.width, top, stroke=0, fill=1)
        stage_x, touchpoint_x, message_x, _ = _columns(self.width)
        draw_marker(canvas, self.code, 6, top - PADDING - SIZE * 0.4)
        baseline = top - PADDING - SIZE * 0.85
        for x, font, colour, lines in ((stage_x, FONT, theme.MUTED, self.stage_lines),
                                       (touchpoint_x, BOLD, theme.INK, self.touchpoint_lines),
                                       (message_x, FONT, theme.INK, self.message_lines)):
            canvas.setFont(font, SIZE)
            canvas.setFillColor(colour)
            for index, line in enumerate(lines):
                canvas.drawString(x, baseline - index * LEADING, line)
        if self.touchpoint_id is not None:
            canvas.linkRect("", touchpoint_anchor(self.touchpoint_id),
                            (0, 0, self.width, top), relative=1, thickness=0)
        canvas.setStrokeColor(theme.HAIRLINE)
        canvas.setLineWidth(0.4)
        canvas.line(0, 0, self.width, 0)


def column_headings(canvas: Canvas, width: float, y: float, title: str = "") -> None:
    stage_x, touchpoint_x, message_x, message_width = _columns(width)
    baseline = y + 4.5
    canvas.setFillColor(theme.INK)
    canvas.setFont(BOLD, 7.6)
    for x, label in ((stage_x, "Stage"), (touchpoint_x, "Touchpoint"), (message_x, "Finding")):
        canvas.drawString(x, baseline, label)
    if title:
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(FONT, 7.2)
        canvas.drawRightString(width, baseline, fit(title, FONT, 7.2, message_width * 0.6))
    canvas.setStrokeColor(theme.INK)
    canvas.setLineWidth(0.8)
    canvas.line(0, y, width, y)


class ColumnHeadings(Flowable):
    def __init__(self, width: float) -> None:
        super().__init__()
        self.width = width
        self.height = HEADING_ROW

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        column_headings(self.canv, self.width, 0)


class GroupHeading(Flowable):
    """'● No clear owner   25 touchpoints' with a one-line explanation under it."""

    def __init__(self, code: str, count: int, explanation: str, width: float) -> None:
        super().__init__()
        self.code, self.count, self.explanation, self.width = code, count, explanation, width
        self.height = 34.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        draw_marker(canvas, self.code, 5, self.height - 9)
        canvas.setFillColor(theme.INK)
        canvas.setFont(fonts.BOLD, theme.SUBHEADING_SIZE)
        title = TITLES[self.code]
        canvas.drawString(MARKER_ROOM, self.height - 13, title)
        x = MARKER_ROOM + canvas.stringWidth(title, fonts.BOLD, theme.SUBHEADING_SIZE) + 10
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.REGULAR, 9)
        noun = "touchpoint" if self.count == 1 else "touchpoints"
        canvas.drawString(x, self.height - 13, f"{self.count:,} {noun}")
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawString(MARKER_ROOM, self.height - 27,
                          fit(self.explanation, fonts.REGULAR, 8, self.width - MARKER_ROOM))


class GroupRow(Flowable):
    """One group of findings: its label and count, then the names of its touchpoints,
    wrapped, each a link to its chart row. Splits across pages by lines."""

    def __init__(self, code: str, label: str, items: Sequence[tuple[int, str]], width: float,
                 shaded: bool, lines: list[list[tuple[int, str, float]]] | None = None,
                 continued: bool = False) -> None:
        super().__init__()
        self.code, self.label, self.items = code, label, items
        self.width, self.shaded, self.continued = width, shaded, continued
        self.names_x = MARKER_ROOM + (width - MARKER_ROOM) * GROUP_SHARE
        self.label_lines = wrap(label + (" (continued)" if continued else ""), BOLD, SIZE,
                                self.names_x - MARKER_ROOM - 8, 3)
        self.lines = lines if lines is not None else self._lay_out()
        self.height = self._height(len(self.lines))

    def _lay_out(self) -> list[list[tuple[int, str, float]]]:
        """Lines of (touchpoint id, text, x) with whole names where they fit."""
        room = self.width - self.names_x - 2
        gap = width_of(SEPARATOR, FONT, SIZE)
        lines: list[list[tuple[int, str, float]]] = [[]]
        x = 0.0
        for touchpoint_id, name in self.items:
            text = fit(name, FONT, SIZE, room)
            text_width = width_of(text, FONT, SIZE)
            start = x + gap if lines[-1] else 0.0
            if lines[-1] and start + text_width > room:
                lines.append([])
                start = 0.0
            lines[-1].append((touchpoint_id, text, start))
            x = start + text_width
        return lines

    def _height(self, line_count: int) -> float:
        return max(line_count, len(self.label_lines), 1) * LEADING + 2 * PADDING

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fits = int((avail_height - 2 * PADDING) // LEADING)
        if fits < 2 or fits >= len(self.lines):
            return []
        first = GroupRow(self.code, self.label, self.items, self.width, self.shaded,
                         self.lines[:fits], self.continued)
        rest = GroupRow(self.code, self.label, self.items, self.width, self.shaded,
                        self.lines[fits:], continued=True)
        return [first, rest]

    def draw(self) -> None:
        canvas: Canvas = self.canv
        top = self.height
        if self.shaded:
            canvas.setFillColor(theme.HEADER_BAND)
            canvas.rect(0, 0, self.width, top, stroke=0, fill=1)
        draw_marker(canvas, self.code, 6, top - PADDING - SIZE * 0.4)
        baseline = top - PADDING - SIZE * 0.85
        canvas.setFillColor(theme.INK)
        canvas.setFont(BOLD, SIZE)
        for index, line in enumerate(self.label_lines):
            canvas.drawString(MARKER_ROOM, baseline - index * LEADING, line)
        canvas.setFont(FONT, SIZE)
        gap = width_of(SEPARATOR, FONT, SIZE)
        for index, line in enumerate(self.lines):
            y = baseline - index * LEADING
            for position, (touchpoint_id, text, x) in enumerate(line):
                left = self.names_x + x
                if position:
                    canvas.setFillColor(theme.FAINT)
                    canvas.drawString(left - gap, y, SEPARATOR)
                canvas.setFillColor(theme.INK)
                canvas.drawString(left, y, text)
                canvas.linkRect("", touchpoint_anchor(touchpoint_id),
                                (left, y - 2, left + width_of(text, FONT, SIZE), y + SIZE),
                                relative=1, thickness=0)
        canvas.setStrokeColor(theme.HAIRLINE)
        canvas.setLineWidth(0.4)
        canvas.line(0, 0, self.width, 0)


def _groups(matrix: Matrix, code: str, chosen: Sequence[Finding]
            ) -> list[tuple[str, list[tuple[int, str]]]]:
    """The findings of one kind in groups: by stage for no owner, by the set of owners for
    several owners; groups in chart order, touchpoints in chart order within them."""
    groups: dict[object, tuple[str, list[tuple[int, str]]]] = {}
    for finding in chosen:
        tp = matrix.touchpoint(finding.touchpoint_id)  # type: ignore[arg-type]
        if code == SEVERAL_OWNERS:
            key: object = finding.department_ids
            label = finding._names()
        else:
            key = tp.stage_id
            label = matrix.stage(tp.stage_id).name
        groups.setdefault(key, (label, []))[1].append((tp.id, tp.name))
    if code == SEVERAL_OWNERS:  # the biggest clashes first
        return sorted(groups.values(), key=lambda group: -len(group[1]))
    return list(groups.values())


def group_headings(canvas: Canvas, width: float, y: float, label: str) -> None:
    names_x = MARKER_ROOM + (width - MARKER_ROOM) * GROUP_SHARE
    baseline = y + 4.5
    canvas.setFillColor(theme.INK)
    canvas.setFont(BOLD, SIZE)
    canvas.drawString(MARKER_ROOM, baseline, label)
    canvas.drawString(names_x, baseline, "Touchpoints (each links to its row in the chart)")
    canvas.setStrokeColor(theme.INK)
    canvas.setLineWidth(0.8)
    canvas.line(0, y, width, y)


class GroupHeadings(Flowable):
    def __init__(self, width: float, label: str) -> None:
        super().__init__()
        self.width, self.label = width, label
        self.height = HEADING_ROW

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        group_headings(self.canv, self.width, 0, self.label)


def findings_section(matrix: Matrix, findings: Sequence[Finding], width: float,
                     frame_height: float) -> list[Flowable]:
    touchpoints_at_fault = {f.touchpoint_id for f in findings
                            if f.code in (NO_OWNER, SEVERAL_OWNERS)}
    total = matrix.touchpoint_count
    if total:
        verb = "does" if len(touchpoints_at_fault) == 1 else "do"
        subtitle = (f"Every touchpoint needs exactly one clear owner: "
                    f"{len(touchpoints_at_fault):,} of {total:,} {verb} not have one.")
    else:
        subtitle = "Every touchpoint needs exactly one clear owner. There are no touchpoints yet."
    story: list[Flowable] = section_heading("Findings", subtitle)
    for code, explanation, none_text in SECTIONS:
        chosen = [f for f in findings if f.code == code and f.touchpoint_id is not None]
        heading = GroupHeading(code, len(chosen), explanation, width)
        if not chosen:
            story.append(KeepTogether([heading, Paragraph(escape(none_text), NONE_STYLE)]))
            story.append(Spacer(1, 16))
            continue
        rows: list[Flowable] = []
        if code in (NO_OWNER, SEVERAL_OWNERS):
            label = "Stage" if code == NO_OWNER else "Owners"
            for index, (name, items) in enumerate(_groups(matrix, code, chosen)):
                rows.append(GroupRow(code, f"{name}  ({len(items):,})", items, width,
                                     shaded=index % 2 == 1))
            story.append(KeepTogether([heading, GroupHeadings(width, label), rows[0]]))
            story.extend(rows[1:])
            story.append(Spacer(1, 16))
            continue
        for index, finding in enumerate(chosen):
            tp = matrix.touchpoint(finding.touchpoint_id)  # type: ignore[arg-type]
            stage = matrix.stage(tp.stage_id)
            rows.append(FindingRow(code, stage.name, tp.name, finding.message, width,
                                   frame_height, shaded=index % 2 == 1, touchpoint_id=tp.id))
        story.append(KeepTogether([heading, ColumnHeadings(width), rows[0]]))
        story.extend(rows[1:])
        story.append(Spacer(1, 16))
    return story
