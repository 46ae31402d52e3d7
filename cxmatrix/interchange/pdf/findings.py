"""The findings section: touchpoints with no owner, with several owners, and critical moments
without a single owner, each with its message.

Each finding is one small flowable with its text wrapped beforehand, so the section costs time
in proportion to its length, and every page of a long list repeats the column headings.
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
from cxmatrix.interchange.pdf.chart import draw_marker
from cxmatrix.interchange.pdf.summary import SUBTITLE, section_heading
from cxmatrix.interchange.pdf.text import escape, fit, wrap

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
SIZE = 8.0
LEADING = 9.8
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
                 frame_height: float, shaded: bool) -> None:
        super().__init__()
        self.code = code
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
        for index, finding in enumerate(chosen):
            tp = matrix.touchpoint(finding.touchpoint_id)  # type: ignore[arg-type]
            stage = matrix.stage(tp.stage_id)
            rows.append(FindingRow(code, stage.name, tp.name, finding.message, width,
                                   frame_height, shaded=index % 2 == 1))
        story.append(KeepTogether([heading, ColumnHeadings(width), rows[0]]))
        story.extend(rows[1:])
        story.append(Spacer(1, 16))
    return story
