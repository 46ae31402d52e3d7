"""The report's "From today to target" section, its "Compared with snapshot" twin, and the
drift chart of the summary page.

Both sections give the headline figures side by side (today and target, or then and now),
the changes grouped by department with who drives each, by when and how far it has got, and
what happens to each touchpoint's ownership in words. An action past its due date and not
done (on the report's date) has its date in red and bold and a line under its table saying
so, in the Changes dock's words; the section's subtitle counts them. Everything reads in
greyscale: the figures are numbers in a table, overdue is said in words, the chart's series
differ by dash and marker, not by hue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cxmatrix.domain.actions import Action, done_change_text
from cxmatrix.domain.compare import Comparison, change_meanings, compare
from cxmatrix.domain.findings import FindingCounts, compute_findings, today_and_target
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role, gives_and_takes
from cxmatrix.domain.signoff import DepartmentSignOff, medium_day
from cxmatrix.domain.snapshots import DriftPoint, OwnershipFigures, Snapshot, ownership_figures
from cxmatrix.domain.states import state_views
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.pages import PageInfo, SectionStart
from cxmatrix.interchange.pdf.summary import (
    HEADLINE,
    NOTE,
    OBSERVATION,
    SUBHEADING,
    section_heading,
)
from cxmatrix.interchange.pdf.text import escape, fit, one_line

TODAY_TARGET_TITLE = "From today to target"
MAX_OWNERSHIP_LINES = 40  # the rest is counted: a long list helps nobody in a meeting
CELL_SIZE = 8.0
TABLE_FONT = fonts.CONDENSED
TABLE_BOLD = fonts.CONDENSED_BOLD
OVERDUE = ParagraphStyle("overdue", parent=OBSERVATION, textColor=theme.FINDING_ERROR,
                         spaceBefore=2)


@dataclass(frozen=True)
class _Side:
    """One state as the section shows it: its figures and its finding counts."""

    label: str
    figures: OwnershipFigures
    counts: FindingCounts


def _side(label: str, state: Matrix, matrix: Matrix) -> _Side:
    """The figures of ``state`` (a matrix's today, ``state_views``) and the findings of its
    ``matrix`` (today's, with the disputes and out-of-date agreements a state leaves out, so
    "today" counts what the status bar and the section against the target count)."""
    return _Side(label, ownership_figures(state),
                 FindingCounts.of(list(compute_findings(matrix))))


def _role(role: Role | None) -> str:
    return role.label if role is not None else "–"


def _date(action: Action | None) -> str:
    return medium_day(action.due) if action is not None and action.due else ""


def _figures_table(before: _Side, after: _Side, width: float) -> Table:
    def share(figures: OwnershipFigures) -> str:
        return f"{figures.one_owner_share:.0%}" if figures.touchpoints else "–"

    rows = [
        ["", before.label, after.label],
        ["Touchpoints", str(before.figures.touchpoints), str(after.figures.touchpoints)],
        ["With exactly one owner", f"{before.figures.one_owner} ({share(before.figures)})",
         f"{after.figures.one_owner} ({share(after.figures)})"],
        ["With no owner", str(before.figures.no_owner), str(after.figures.no_owner)],
        ["With several owners", str(before.figures.several_owners),
         str(after.figures.several_owners)],
        ["Handled but owned by nobody", str(before.figures.handle_without_own),
         str(after.figures.handle_without_own)],
        ["Errors", str(before.counts.errors), str(after.counts.errors)],
        ["Warnings", str(before.counts.warnings), str(after.counts.warnings)],
    ]
    first = min(200.0, width * 0.4)
    table = Table(rows, colWidths=[first, 90, 90], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), TABLE_FONT, 9),
        ("FONT", (0, 0), (-1, 0), TABLE_BOLD, 9),
        ("FONT", (2, 1), (2, -1), TABLE_BOLD, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), theme.INK),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), theme.HEADER_BAND),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, theme.RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, theme.HAIRLINE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


@dataclass(frozen=True)
class _Change:
    """One cell's change as the tables show it."""

    department_id: int
    touchpoint: str
    stage: str
    before: Role | None
    after: Role | None
    action: Action | None


def overdue_text(action: Action) -> str:
    """"Overdue: it was due on 30 Nov 2026", as the Changes dock says it."""
    return f"Overdue: it was due on {_date(action)}"


def _changes_by_department(matrix: Matrix, changes: Sequence[_Change], width: float,
                           then: str, now: str, today: date | None = None) -> list[Flowable]:
    """One small table per department: what it gives up and takes on, with who and when.
    With ``today`` (the report's date), an action past its due date and not done is marked
    in its row and named under the table."""
    story: list[Flowable] = []
    widths = [width * 0.30, width * 0.17, width * 0.08, width * 0.08, width * 0.17,
              width * 0.10, width * 0.10]
    for department in matrix.departments:
        mine = [c for c in changes if c.department_id == department.id]
        if not mine:
            continue
        asked = gives_and_takes(((c.before, c.after) for c in mine), total=len(mine))
        count = f"{len(mine)} change{'' if len(mine) == 1 else 's'}"
        title = f"{one_line(department.name)}: {count}" + (f" · {asked}" if asked else "")
        rows: list[list[str]] = [["Touchpoint", "Stage", then, now, "Who", "Due", "Status"]]
        overdue: list[tuple[int, str, Action]] = []  # (table row, touchpoint, action)
        for change in mine:
            action = change.action
            if today is not None and action is not None and action.is_overdue(today):
                overdue.append((len(rows), change.touchpoint, action))
            rows.append([
                fit(change.touchpoint, TABLE_FONT, CELL_SIZE, widths[0] - 6),
                fit(change.stage, TABLE_FONT, CELL_SIZE, widths[1] - 6),
                _role(change.before), _role(change.after),
                fit(action.person if action else "", TABLE_FONT, CELL_SIZE, widths[4] - 6),
                _date(action), action.status.label if action else ""])
        table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), TABLE_FONT, CELL_SIZE),
            ("FONT", (0, 0), (-1, 0), TABLE_BOLD, CELL_SIZE),
            ("FONT", (3, 1), (3, -1), TABLE_BOLD, CELL_SIZE),
            ("TEXTCOLOR", (0, 0), (-1, -1), theme.INK),
            ("BACKGROUND", (0, 0), (-1, 0), theme.HEADER_BAND),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, theme.HAIRLINE),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            *[command for row, _, _ in overdue for command in (
                ("FONT", (5, row), (5, row), TABLE_BOLD, CELL_SIZE),
                ("TEXTCOLOR", (5, row), (5, row), theme.FINDING_ERROR))],
        ]))
        together: list[Flowable] = [Paragraph(escape(title), SUBHEADING), table]
        for _, touchpoint, late in overdue:
            together.append(Paragraph(f"<b>{escape(one_line(touchpoint))}</b>: "
                                      f"{escape(overdue_text(late))}", OVERDUE,
                                      bulletText="•"))
        story.append(KeepTogether(together))
        story.append(Spacer(1, 8))
    return story


def _ownership_lines(comparison: Comparison) -> list[Flowable]:
    """What the changes mean: ownership first, then the other roles ("Support stops
    handling fallout"), in the words the Changes dock uses."""
    story: list[Flowable] = []
    meanings = change_meanings(comparison)
    if not meanings:
        return story
    heading = ("What happens to ownership" if len(meanings) == len(comparison.ownership)
               else "What the changes mean")
    story.append(Paragraph(heading, SUBHEADING))
    for touchpoint, text in meanings[:MAX_OWNERSHIP_LINES]:
        story.append(Paragraph(f"<b>{escape(one_line(touchpoint))}</b>: "
                               f"{escape(text)}", OBSERVATION, bulletText="•"))
    more = len(meanings) - MAX_OWNERSHIP_LINES
    if more > 0:
        story.append(Paragraph(f"… and {more} more touchpoint{'' if more == 1 else 's'}.",
                               NOTE))
    story.append(Spacer(1, 8))
    return story


def _structure_lines(comparison: Comparison) -> list[Flowable]:
    kept = [c for c in comparison.structure if c.kind != "stage" or c.what != "moved"]
    if not kept:
        return []
    story: list[Flowable] = [Paragraph("Touchpoints, stages and departments", SUBHEADING)]
    for change in kept[:MAX_OWNERSHIP_LINES]:
        story.append(Paragraph(escape(change.describe()), OBSERVATION, bulletText="•"))
    story.append(Spacer(1, 8))
    return story


def today_target_section(matrix: Matrix, width: float, info: PageInfo,
                         signoffs: list[DepartmentSignOff] | None = None) -> list[Flowable]:
    """"From today to target": the figures of both, the planned changes by department with
    person and due date, and the ownership changes in words."""
    today, target = state_views(matrix)
    both = today_and_target(matrix, signoffs)
    planned = matrix.planned_changes()
    done = sum(1 for a in matrix.actions.values() if a.is_done)
    overdue = sum(1 for c in planned
                  if c.action is not None and c.action.is_overdue(info.printed_on))
    late = (f"; {overdue} overdue (due before {info.date_text} and not done)" if overdue
            else "")
    subtitle = (f"{len(planned)} planned change{'' if len(planned) == 1 else 's'} to the "
                f"roles; {done} action{'' if done == 1 else 's'} marked done{late}. Planned "
                "changes are marked in the chart's cells with a corner.")
    story: list[Flowable] = [SectionStart(info, TODAY_TARGET_TITLE)]
    story.extend(section_heading(TODAY_TARGET_TITLE, subtitle))
    story.append(Paragraph(escape(both.text().capitalize()), HEADLINE))
    story.append(_figures_table(_Side("Today", ownership_figures(today), both.today),
                                _Side("Target", ownership_figures(target), both.target),
                                width))
    story.append(Spacer(1, 12))
    comparison = compare(today, target)
    stage_of = {tp.id: matrix.stage(tp.stage_id).name for tp in matrix.iter_touchpoints()}
    changes = [_Change(c.department_id, matrix.touchpoint(c.touchpoint_id).name,
                       stage_of[c.touchpoint_id], c.current, c.target, c.action)
               for c in planned]
    if changes:
        story.append(Paragraph("Planned changes by department", SUBHEADING))
        story.append(Spacer(1, 2))
        story.extend(_changes_by_department(matrix, changes, width, "Today", "Target",
                                            info.printed_on))
    story.extend(_done_lines(matrix))
    story.extend(_structure_lines(comparison))
    story.extend(_ownership_lines(comparison))
    return story


def _done_lines(matrix: Matrix) -> list[Flowable]:
    """The changes marked done, in the words of the Changes sheet: "Outage notice: Support,
    Own (done), Dana Whitfield"."""
    order = {d.id: i for i, d in enumerate(matrix.departments)}
    by_touchpoint: dict[int, list[tuple[int, Action]]] = {}
    for (tid, did), action in matrix.actions.items():
        if action.is_done and matrix.role(tid, did) is matrix.target_role(tid, did):
            by_touchpoint.setdefault(tid, []).append((did, action))
    lines = []
    for tp in matrix.iter_touchpoints() if by_touchpoint else ():
        for did, action in sorted(by_touchpoint.get(tp.id, ()), key=lambda d: order[d[0]]):
            who = f", {action.person}" if action.person else ""
            lines.append((tp.name, f"{matrix.department(did).name}, "
                                   f"{done_change_text(matrix.role(tp.id, did))}{who}"))
    if not lines:
        return []
    story: list[Flowable] = [Paragraph("Marked done", SUBHEADING)]
    for touchpoint, text in lines[:MAX_OWNERSHIP_LINES]:
        story.append(Paragraph(f"<b>{escape(one_line(touchpoint))}</b>: {escape(text)}",
                               OBSERVATION, bulletText="•"))
    more = len(lines) - MAX_OWNERSHIP_LINES
    if more > 0:
        story.append(Paragraph(f"… and {more} more.", NOTE))
    story.append(Spacer(1, 8))
    return story


def snapshot_section(snapshot: Snapshot, matrix: Matrix, width: float, info: PageInfo
                     ) -> list[Flowable]:
    """The same section against a snapshot: then (the snapshot as it was that day) and now
    (today), every changed cell by department, and the ownership changes in words."""
    then, _ = state_views(snapshot.matrix)
    now, _ = state_views(matrix)
    title = f"Compared with snapshot {snapshot.name}"
    taken = medium_day(snapshot.taken)
    story: list[Flowable] = [SectionStart(info, fit(title, fonts.BOLD, 11, 300))]
    note = one_line(snapshot.note).rstrip(".")
    story.extend(section_heading(title, f"Taken {taken}" + (f": {note}" if note else "")
                                 + ". What changed since: today's roles against the "
                                   "snapshot's."))
    comparison = compare(then, now)
    before = _side(f"Snapshot, {taken}", then, snapshot.matrix)
    after = _side("Today", now, matrix)
    story.append(Paragraph(escape(
        f"Since {snapshot.name}: {before.counts.text()} → today: {after.counts.text()}"),
        HEADLINE))
    story.append(_figures_table(before, after, width))
    story.append(Spacer(1, 12))
    by_name = {d.name: d.id for d in now.departments}
    changes = [_Change(by_name[c.department], c.touchpoint, c.stage, c.old_role, c.new_role,
                       _action_of(now, matrix, c.touchpoint, c.department))
               for c in comparison.cells
               if c.department in by_name and c.old_role is not c.new_role]
    if changes:
        story.append(Paragraph("Changes by department", SUBHEADING))
        story.append(Spacer(1, 2))
        story.extend(_changes_by_department(now, changes, width, "Then", "Now"))
    else:
        story.append(Paragraph("No role has changed since this snapshot.", OBSERVATION))
    story.extend(_structure_lines(comparison))
    story.extend(_ownership_lines(comparison))
    return story


def _action_of(now: Matrix, matrix: Matrix, touchpoint: str, department: str
               ) -> Action | None:
    dept = now.find_department(department)
    found = list(now.find_touchpoints(touchpoint)) if dept is not None else []
    return matrix.action(found[0].id, dept.id) if found and dept is not None else None


# ---- the drift chart --------------------------------------------------------------------------

_SERIES = (  # label, figures field, dash pattern, marker
    ("No owner", "no_owner", (3, 2), "square"),
    ("Several owners", "several_owners", (1, 1.5), "triangle"),
    ("Handled, owned by nobody", "handle_without_own", (5, 1.5, 1, 1.5), "diamond"),
)


DRIFT_HEIGHT = 112.0
DRIFT_MIN_HEIGHT = 86.0  # a little lower where that keeps it on the summary page; the legend
# (top right) then still ends above the names of the snapshots under the chart
LEGEND_STEP = 11.0
DRIFT_TITLE = "Drift across the snapshots"
DRIFT_GAP = 6.0  # above the heading, apart from what comes before


class DriftChart(Flowable):
    """The drift chart under its heading, at full height where the page has the room, or as
    low as DRIFT_MIN_HEIGHT to stay on the page (the summary page's decisions table takes
    what the page has left, and a chart alone on the next page reads as an afterthought)."""

    def __init__(self, points: Sequence[DriftPoint], width: float) -> None:
        super().__init__()
        self.points = tuple(points)
        self.width = width
        self.heading = Paragraph(DRIFT_TITLE, SUBHEADING)
        self.heading_height = 0.0
        self.drawing = drift_drawing(self.points, width)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.heading_height = (DRIFT_GAP + self.heading.wrap(self.width, avail_height)[1]
                               + SUBHEADING.spaceAfter)
        room = avail_height - self.heading_height
        chart = DRIFT_HEIGHT if not DRIFT_MIN_HEIGHT <= room < DRIFT_HEIGHT else room
        if chart != self.drawing.height:
            self.drawing = drift_drawing(self.points, self.width, chart)
        self.height = self.heading_height + chart
        self.chart_height = chart  # for tests
        return self.width, self.height

    def draw(self) -> None:
        self.drawing.drawOn(self.canv, 0, 0)
        self.heading.drawOn(self.canv, 0, self.drawing.height + SUBHEADING.spaceAfter)


def drift_chart(points: Sequence[DriftPoint], width: float) -> Flowable:
    """For every snapshot in order: the share with exactly one owner (solid, left scale, %)
    and the counts with no owner, several owners and Handle without Own (dashed, right
    scale). Series differ by dash and marker, so the chart reads in greyscale."""
    return DriftChart(points, width)


def drift_drawing(points: Sequence[DriftPoint], width: float,
                  height: float = DRIFT_HEIGHT) -> Drawing:
    """The chart itself, ``height`` points high (the legend's four lines need about 60)."""
    drawing = Drawing(width, height)
    left, right, bottom, top = 34.0, width - 150.0, 34.0, height - 12.0
    drawing.add(Rect(left, bottom, right - left, top - bottom, fillColor=None,
                     strokeColor=theme.RULE, strokeWidth=0.5))
    largest = max([2, *(getattr(p.figures, f) for p in points for _, f, _, _ in _SERIES)])
    largest += largest % 2  # an even top, so the middle line is a whole number
    step = (right - left) / max(1, len(points) - 1) if len(points) > 1 else 0.0

    def x_of(index: int) -> float:
        return left + index * step if len(points) > 1 else (left + right) / 2

    for fraction in (0.0, 0.5, 1.0):
        y = bottom + fraction * (top - bottom)
        drawing.add(Line(left, y, right, y, strokeColor=theme.HAIRLINE, strokeWidth=0.4))
        drawing.add(String(left - 4, y - 3, f"{fraction:.0%}", fontName=fonts.REGULAR,
                           fontSize=7, fillColor=theme.MUTED, textAnchor="end"))
        drawing.add(String(right + 4, y - 3, f"{round(fraction * largest)}",
                           fontName=fonts.REGULAR, fontSize=7, fillColor=theme.MUTED))
    share = [(x_of(i), bottom + p.figures.one_owner_share * (top - bottom))
             for i, p in enumerate(points)]
    drawing.add(PolyLine([c for xy in share for c in xy], strokeColor=theme.INK,
                         strokeWidth=2.0))
    for x, y in share:
        drawing.add(Rect(x - 2.5, y - 2.5, 5, 5, fillColor=theme.INK, strokeColor=None))
    for _label, key, dash, marker in _SERIES:
        places = [(x_of(i), bottom + getattr(p.figures, key) / largest * (top - bottom))
                  for i, p in enumerate(points)]
        drawing.add(PolyLine([c for xy in places for c in xy], strokeColor=theme.MUTED,
                             strokeWidth=1.1, strokeDashArray=list(dash)))
        for x, y in places:
            _marker(drawing, marker, x, y, theme.MUTED)
    for index, point in enumerate(points):
        name = fit(point.name, fonts.REGULAR, 7, max(40.0, step - 6) if step else 120)
        drawing.add(String(x_of(index), bottom - 11, name, fontName=fonts.REGULAR, fontSize=7,
                           fillColor=theme.INK, textAnchor="middle"))
        drawing.add(String(x_of(index), bottom - 20, medium_day(point.taken),
                           fontName=fonts.REGULAR, fontSize=6.5, fillColor=theme.MUTED,
                           textAnchor="middle"))
    legend_x, legend_y = right + 30, top - 6
    drawing.add(Line(legend_x, legend_y, legend_x + 16, legend_y, strokeColor=theme.INK,
                     strokeWidth=2.0))
    drawing.add(String(legend_x + 20, legend_y - 3, "Exactly one owner (%)",
                       fontName=fonts.REGULAR, fontSize=7, fillColor=theme.INK))
    for number, (label, _key, dash, marker) in enumerate(_SERIES, start=1):
        y = legend_y - LEGEND_STEP * number
        drawing.add(Line(legend_x, y, legend_x + 16, y, strokeColor=theme.MUTED,
                         strokeWidth=1.1, strokeDashArray=list(dash)))
        _marker(drawing, marker, legend_x + 8, y, theme.MUTED)
        drawing.add(String(legend_x + 20, y - 3, f"{label} (count)", fontName=fonts.REGULAR,
                           fontSize=7, fillColor=theme.INK))
    return drawing


def _marker(drawing: Drawing, kind: str, x: float, y: float, colour: Color) -> None:
    from reportlab.graphics.shapes import Polygon

    size = 3.0
    if kind == "square":
        drawing.add(Rect(x - size, y - size, 2 * size, 2 * size, fillColor=theme.WHITE,
                         strokeColor=colour, strokeWidth=0.9))
    elif kind == "triangle":
        drawing.add(Polygon([x - size, y - size, x + size, y - size, x, y + size],
                            fillColor=colour, strokeColor=colour, strokeWidth=0.5))
    else:
        drawing.add(Polygon([x, y - size, x + size, y, x, y + size, x - size, y],
                            fillColor=theme.WHITE, strokeColor=colour, strokeWidth=0.9))

