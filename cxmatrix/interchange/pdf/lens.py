"""Department lens pages: what one department Owns, Influences and Handles, the standing
advice for each role, and the touchpoints where it has no role yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from cxmatrix.domain.lens import DepartmentLens, department_lens
from cxmatrix.domain.model import Department, Matrix, Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.chart import END, PEAK, draw_role_tile
from cxmatrix.interchange.pdf.summary import SUBTITLE, section_heading
from cxmatrix.interchange.pdf.text import escape, fit, one_line

NAME_FONT = fonts.CONDENSED
NAME_SIZE = 8.0
LINE_HEIGHT = 11.0
COLUMN_MIN = 210.0
SYMBOL_GUTTER = 15.0
HEADINGS = {
    Role.OWN: "Owns",
    Role.INFLUENCE: "Influences",
    Role.HANDLE: "Handles",
    None: "No role yet",
}


class RoleHeading(Flowable):
    """A role tile (or an empty one for "no role"), the role and how many touchpoints."""

    def __init__(self, role: Role | None, count: int, width: float) -> None:
        super().__init__()
        self.role, self.count, self.width = role, count, width
        self.height = 22.0

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
        title = HEADINGS[self.role]
        canvas.drawString(22, 7.5, title)
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.REGULAR, 9)
        noun = "touchpoint" if self.count == 1 else "touchpoints"
        canvas.drawString(22 + canvas.stringWidth(title, fonts.BOLD, theme.SUBHEADING_SIZE) + 8,
                          7.5, f"{self.count:,} {noun}")


class NameLine(Flowable):
    """One line of touchpoint names set in columns, each cut with an ellipsis if too long."""

    def __init__(self, entries: Sequence[tuple[str, str]], column_width: float,
                 width: float) -> None:
        super().__init__()
        self.entries = entries  # (name, moment symbols)
        self.column_width = column_width
        self.width = width
        self.height = LINE_HEIGHT

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
    def __init__(self, name: str, width: float) -> None:
        super().__init__()
        self.name, self.width = name, width
        self.height = 14.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.CONDENSED_BOLD, 7.6)
        canvas.drawString(0, 3.5, fit(self.name.upper(), fonts.CONDENSED_BOLD, 7.6,
                                      self.width))
        canvas.setStrokeColor(theme.HAIRLINE)
        canvas.setLineWidth(0.4)
        canvas.line(0, 1.5, self.width, 1.5)


def _symbols(tp: Touchpoint) -> str:
    return (PEAK if tp.peak else "") + (END if tp.end else "")


def _name_lines(matrix: Matrix, touchpoints: Sequence[Touchpoint], width: float
                ) -> list[list[Flowable]]:
    """Touchpoints grouped by stage, several names to a line, as groups to keep together:
    each stage label with its first line, then one line at a time. (KeepTogether must not
    be nested: reportlab then breaks the page before every group.)"""
    columns = max(1, int(width // COLUMN_MIN))
    column_width = width / columns
    groups: list[list[Flowable]] = []
    by_stage: dict[int, list[Touchpoint]] = {}
    for tp in touchpoints:
        by_stage.setdefault(tp.stage_id, []).append(tp)
    for stage_id, members in by_stage.items():
        lines = [NameLine([(one_line(tp.name), _symbols(tp)) for tp in members[i:i + columns]],
                          column_width, width)
                 for i in range(0, len(members), columns)]
        groups.append([StageLabel(matrix.stage(stage_id).name, width), lines[0]])
        groups.extend([line] for line in lines[1:])
    return groups


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
    for role in (*Role, None):
        touchpoints = lens.touchpoints(role)
        advice = Paragraph(escape(DepartmentLens.advice(role)), SUBTITLE)
        block: list[Flowable] = [RoleHeading(role, len(touchpoints), width), advice,
                                 Spacer(1, 5)]
        groups = _name_lines(matrix, touchpoints, width) or [[Paragraph("None.", SUBTITLE)]]
        story.append(KeepTogether([*block, *groups[0]]))
        for group in groups[1:]:
            story.append(KeepTogether(group) if len(group) > 1 else group[0])
        story.append(Spacer(1, 14))
    return story
