"""The responsibility chart: touchpoints (rows, in stage bands) against departments (columns).

The chart is laid out first, as a plan of pages (``ChartLayout``), and each page is then drawn
straight on the canvas (``ChartPage``). A platypus Table with repeated header rows grows faster
than linearly with the number of pages; this stays linear, and close to the cost of drawing
the cells by hand. Cells of one colour are filled as one path and letters set in one text
object, which is what keeps it fast.

Rows continue across pages under a repeated heading row, and a stage that continues says so.
When the departments do not fit the width at a legible size they are split into parts of
equal size, each page repeating the touchpoint column and saying which departments it shows.
Pages go across first: the parts of one block of rows follow each other, so they can be laid
side by side.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from cxmatrix.domain.findings import CRITICAL_MOMENT_UNOWNED, NO_OWNER, SEVERAL_OWNERS, Finding
from cxmatrix.domain.model import Department, Matrix, Stage, Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.briefing import touchpoint_anchor
from cxmatrix.interchange.pdf.labels import HeadingLayout, code_key, draw_label, heading_layout
from cxmatrix.interchange.pdf.text import fit, one_line, width_of, wrap

NAME_FONT = fonts.CONDENSED
NAME_SIZE = 8.5
NAME_LEADING = 10.0
NAME_MAX_LINES = 2
PROBLEM_FONT = fonts.CONDENSED_BOLD  # the names of rows with a finding
MIN_LAST_ROWS = 4  # fewer touchpoints than this on the last chart page: balance the pages
LAST_PAGE_SHARE = 0.4  # ... or fewer than this share of the rows of an average page
ROW_PADDING = 4.0
STAGE_FONT = fonts.CONDENSED_BOLD
STAGE_SIZE = 9.0
STAGE_HEIGHT = 15.0
HEADING_FONT = fonts.CONDENSED_BOLD
HEADING_SIZE = 8.0
LEAD_SIZE = 7.6  # a department's lead, under its heading
LETTER_FONT = fonts.BOLD
LETTER_SIZE = 8.0
GUTTER = 26.0  # finding marker and moment symbols, left of the name
MIN_CELL = 14.0  # narrowest legible column: a letter and a rotated heading line
MAX_CELL = 56.0  # wider only on wide paper, once the names have their share
MAX_WIDE_CELL = 96.0
NAME_SHARE_MAX = 0.36
INFO_HEIGHT = 18.0  # the line above the chart saying what it shows
INFO_HEIGHT_PARTS = 27.0  # ... and a second line naming the departments of this part
LEGEND_GAP = 8.0
LEGEND_SIZE = 8.0
LEGEND_LEADING = 9.6
TILE_INSET = 0.7
PEAK = "★"
END = "⚑"
MOMENT_X = 11.0  # where a row's peak and end symbols start, in the gutter
CRITICAL_LEGEND = "Critical moment without a single owner"
# Anyone who knows RACI reads "I" as "Informed": every legend says what it means here.
ROLE_KEY = {Role.OWN: "O = Own", Role.INFLUENCE: "I = Influence (not Informed)",
            Role.HANDLE: "H = Handle"}
# The legend's gloss of each role: one line where DESIGN.md's full meaning would take three.
ROLE_GLOSS = {
    Role.OWN: "initiates it; designs, runs and measures the interaction",
    Role.INFLUENCE: "supports the owner and shapes the interaction",
    Role.HANDLE: "not planned, but deals with the fallout afterwards",
}


@dataclass(frozen=True, slots=True)
class ChartRow:
    """One line of the chart: a stage band or a touchpoint."""

    height: float
    stage: Stage
    touchpoint: Touchpoint | None = None
    number: int = 0  # the touchpoint's position in the whole matrix, from 1
    lines: tuple[str, ...] = ()
    marker: str = ""  # NO_OWNER, SEVERAL_OWNERS or ""
    critical: bool = False  # a peak or end moment without a single owner (an error)
    continued: bool = False
    stage_size: int = 0


@dataclass(frozen=True, slots=True)
class ChartPagePlan:
    rows: tuple[ChartRow, ...]
    part: int  # which part of the departments, from 0
    departments: tuple[Department, ...]
    first_department: int  # position of the first department shown, from 1
    key_lines: tuple[str, ...]


def row_marker(findings: Sequence[Finding]) -> str:
    codes = {f.code for f in findings}
    if NO_OWNER in codes:
        return NO_OWNER
    if SEVERAL_OWNERS in codes:
        return SEVERAL_OWNERS
    return ""


def is_critical_unowned(findings: Sequence[Finding]) -> bool:
    return any(f.code == CRITICAL_MOMENT_UNOWNED for f in findings)


def part_count(departments: int, width: float) -> int:
    """How many parts the departments are split into on a frame ``width`` wide."""
    if departments == 0:
        return 1
    name_width = min(240.0, max(150.0, width * 0.24))
    return math.ceil(departments / max(1, int((width - GUTTER - name_width) // MIN_CELL)))


def chart_scale(departments: int, width: float, largest: float) -> float:
    """The largest type scale up to ``largest`` that splits the departments into no more
    parts than the plain scale does: bigger type on big paper, never at the cost of a part."""
    parts = part_count(departments, width)
    scale = largest
    while scale > 1.0 and part_count(departments, width / scale) > parts:
        scale = round(scale - 0.05, 2)
    return max(1.0, scale)


FIT_MIN_SCALE = 0.45  # "fit to one page" never sets type smaller than this share


def make_layout(matrix: Matrix, findings: Mapping[int, Sequence[Finding]], page_size: str,
                width: float, height: float, *, fit_page: bool = False,
                touchpoint_ids: Collection[int] | None = None) -> ChartLayout:
    """The chart for a paper size: type grows on big paper; with ``fit_page`` the chart is
    set as large as lets it fit on one page (or on as few as the smallest type allows)."""
    largest = chart_scale(len(matrix.departments), width, theme.type_scale(page_size))
    layout = ChartLayout(matrix, findings, width, height, largest, touchpoint_ids)
    if not fit_page or (len(layout.pages) <= 1 and len(layout.parts) <= 1):
        return layout
    low, high = FIT_MIN_SCALE, largest
    best = ChartLayout(matrix, findings, width, height, low, touchpoint_ids)
    if len(best.pages) > 1:
        return best
    for _ in range(8):
        middle = (low + high) / 2
        trial = ChartLayout(matrix, findings, width, height, middle, touchpoint_ids)
        if len(trial.pages) <= 1:
            best, low = trial, middle
        else:
            high = middle
    return best


class ChartLayout:
    """Where everything goes, for a frame of ``width`` x ``height`` points."""

    def __init__(self, matrix: Matrix, findings_by_touchpoint: Mapping[int, Sequence[Finding]],
                 width: float, height: float, scale: float = 1.0,
                 touchpoint_ids: Collection[int] | None = None) -> None:
        # Laid out on a page ``scale`` times smaller and drawn scaled up: on big paper every
        # size (type, cells, rules) grows with the page.
        self.matrix = matrix
        self.scale = scale
        self.frame_width, self.frame_height = width, height
        width, height = width / scale, height / scale
        self.width = width
        self.height = height
        self.only = None if touchpoint_ids is None else set(touchpoint_ids)
        self.anchored: set[int] = set()  # touchpoints whose row is a link destination
        # Cells whose target differs from today get a black corner (the report's "From
        # today to target" section lists them); off for a report without the target.
        self.mark_plan = matrix.has_plan
        departments = list(matrix.departments)
        self.department_count = len(departments)
        self.touchpoint_count = matrix.touchpoint_count
        self._choose_columns(departments)
        self.heading: HeadingLayout = heading_layout(
            departments, self.cell_width or MIN_CELL, HEADING_FONT, HEADING_SIZE,
            max_height=min(120.0, height * 0.22))
        self.header_height = self.heading.height if departments else 28.0
        # Department leads under the headings, when set: a line below horizontal headings,
        # a second line beside rotated ones when the columns have room for it.
        self.leads = {d.id: one_line(d.lead) for d in departments if d.lead.strip()}
        self.lead_room = 0.0
        self.lead_lines: dict[int, list[str]] = {}
        if self.leads and not self.heading.rotated:
            self.lead_lines = {d: wrap(lead, fonts.CONDENSED, LEAD_SIZE, self.cell_width - 3, 2)
                               for d, lead in self.leads.items()}
            lines = max(len(v) for v in self.lead_lines.values())
            self.lead_room = LEAD_SIZE * 1.2 * lines + 1
            self.header_height += self.lead_room
        elif self.leads and self.cell_width < 2 * self.heading.leading + 2:
            self.leads = {}
        self.parts = [tuple(departments[i:i + self.per_part])
                      for i in range(0, len(departments), self.per_part)] or [()]
        self.info_height = INFO_HEIGHT_PARTS if len(self.parts) > 1 else INFO_HEIGHT
        keys = [code_key(self.heading.codes_used(part), fonts.CONDENSED, LEGEND_SIZE, width)
                for part in self.parts]
        self.key_lines = max((len(k) for k in keys), default=0)
        self.role_meanings = {
            role: wrap(ROLE_GLOSS[role], fonts.CONDENSED, LEGEND_SIZE, width / 3 - 19 - 12, 2)
            for role in Role}
        meaning_lines = max(len(lines) for lines in self.role_meanings.values())
        self.legend_height = (4 + max(16.0, (meaning_lines + 1) * LEGEND_LEADING + 2)
                              + 4 + (2 + self.key_lines) * LEGEND_LEADING)
        self.rows_height = (height - self.info_height - self.header_height - LEGEND_GAP
                            - self.legend_height)
        blocks = self._paginate(findings_by_touchpoint)
        self.forms: set[str] = set()  # names of the forms drawn so far
        self.pages = [ChartPagePlan(rows, part_index, part, part_index * self.per_part + 1,
                                    tuple(keys[part_index]))
                      for rows in blocks for part_index, part in enumerate(self.parts)]

    def _choose_columns(self, departments: list[Department]) -> None:
        """Split the departments into parts that fit at a legible width, then share the
        width: names first get what they need, cells up to MAX_CELL, and on wide paper the
        names up to NAME_SHARE_MAX of it and the cells the rest (up to MAX_WIDE_CELL)."""
        count = len(departments)
        name_width = min(240.0, max(150.0, self.width * 0.24))
        room = self.width - GUTTER - name_width
        if count == 0:
            self.per_part, self.cell_width = 1, 0.0
        else:
            fit_count = max(1, int(room // MIN_CELL))
            part_count = math.ceil(count / fit_count)
            self.per_part = math.ceil(count / part_count)
            cell = room / self.per_part
            if cell > MAX_CELL:
                wanted = self.width - GUTTER - self.per_part * MAX_CELL
                name_width = max(name_width, min(wanted, self.width * NAME_SHARE_MAX))
                cell = min(MAX_WIDE_CELL, (self.width - GUTTER - name_width) / self.per_part)
            self.cell_width = cell
        self.name_width = name_width

    def _paginate(self, findings: Mapping[int, Sequence[Finding]]
                  ) -> list[tuple[ChartRow, ...]]:
        """Rows into pages; when the last page would hold only a few rows, the pages are
        filled evenly instead (the same number of pages, none with a stray row)."""
        stages = self._stage_rows(findings)
        blocks = self._fill(stages, self.rows_height)
        shown = sum(len(rows) for _, _, rows in stages)
        if len(blocks) > 1 and _touchpoints_in(blocks[-1]) < max(
                MIN_LAST_ROWS, LAST_PAGE_SHARE * shown / len(blocks)):
            low, high = self.rows_height * (len(blocks) - 1) / len(blocks), self.rows_height
            best = blocks
            for _ in range(12):
                middle = (low + high) / 2
                trial = self._fill(stages, middle)
                if len(trial) == len(blocks):
                    best, high = trial, middle
                else:
                    low = middle
            blocks = best
        return blocks or [()]

    def _stage_rows(self, findings: Mapping[int, Sequence[Finding]]
                    ) -> list[tuple[Stage, int, list[ChartRow]]]:
        """Each stage with its touchpoint count and the rows of the touchpoints shown."""
        text_width = self.name_width - 6
        number = 0
        stages = []
        only = self.only
        for stage in self.matrix.stages:
            touchpoints = self.matrix.touchpoints_in(stage.id)
            rows = []
            for tp in touchpoints:
                number += 1
                if only is not None and tp.id not in only:
                    continue
                found = findings.get(tp.id, ())
                marker = row_marker(found)
                lines = tuple(wrap(tp.name, PROBLEM_FONT if marker else NAME_FONT, NAME_SIZE,
                                   text_width, NAME_MAX_LINES))
                rows.append(ChartRow(len(lines) * NAME_LEADING + ROW_PADDING, stage, tp, number,
                                     lines, marker, is_critical_unowned(found)))
            if only is None or rows:
                stages.append((stage, len(rows) if only is not None else len(touchpoints),
                               rows))
        return stages

    @staticmethod
    def _fill(stages: Sequence[tuple[Stage, int, list[ChartRow]]], room: float
              ) -> list[tuple[ChartRow, ...]]:
        blocks: list[tuple[ChartRow, ...]] = []
        current: list[ChartRow] = []
        used = 0.0
        for stage, size, rows in stages:
            # A stage band never ends a page: it goes with its first touchpoint.
            if current and used + STAGE_HEIGHT + (rows[0].height if rows else 0.0) > room:
                blocks.append(tuple(current))
                current, used = [], 0.0
            current.append(ChartRow(STAGE_HEIGHT, stage, stage_size=size))
            used += STAGE_HEIGHT
            for row in rows:
                if used + row.height > room:
                    blocks.append(tuple(current))
                    current = [ChartRow(STAGE_HEIGHT, stage, continued=True, stage_size=size)]
                    used = STAGE_HEIGHT
                current.append(row)
                used += row.height
        if current:
            blocks.append(tuple(current))
        return blocks


def _touchpoints_in(rows: Sequence[ChartRow]) -> int:
    return sum(1 for row in rows if row.touchpoint is not None)


class ChartPage(Flowable):
    """One page of the chart, filling the frame and drawn directly on the canvas."""

    def __init__(self, layout: ChartLayout, plan: ChartPagePlan,
                 on_drawn: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.layout = layout
        self.plan = plan
        self.on_drawn = on_drawn

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.layout.frame_width, min(avail_height, self.layout.frame_height)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        layout = self.layout
        top = layout.height
        canvas.saveState()
        canvas.scale(layout.scale, layout.scale)
        plan = self.plan
        if plan.rows:
            from cxmatrix.interchange.pdf.pages import add_outline
            numbers = [r.number for r in plan.rows if r.touchpoint is not None]
            title = (f"Touchpoints {numbers[0]}–{numbers[-1]}" if numbers
                     else "Stages without touchpoints")
            if len(layout.parts) > 1:
                last = plan.first_department + len(plan.departments) - 1
                title += f", departments {plan.first_department}–{last}"
            add_outline(canvas, title, 1)
        self._draw_info(canvas, top)
        header_top = top - layout.info_height
        rows_top = header_top - layout.header_height
        # The heading row and the legend are the same on every page of a part of the
        # departments: drawn once as a form, then placed on each page.
        form = f"cxmatrix-chart-part-{self.plan.part}"  # one chart per document
        if form not in layout.forms:
            canvas.beginForm(form, -2, -2, layout.width + 2, layout.height + 2)
            self._draw_heading(canvas, header_top, rows_top)
            self._draw_legend(canvas, layout.legend_height)
            canvas.endForm()
            layout.forms.add(form)
        canvas.doForm(form)
        rows_bottom = rows_top - sum(row.height for row in self.plan.rows)
        self._draw_column_rules(canvas, header_top, rows_bottom)
        self._draw_rows(canvas, rows_top)
        table_width = self._table_width()
        canvas.setStrokeColor(theme.INK)
        canvas.setLineWidth(0.9)
        canvas.line(0, rows_top, table_width, rows_top)
        canvas.setLineWidth(0.6)
        canvas.line(0, rows_bottom, table_width, rows_bottom)
        canvas.restoreState()
        if self.on_drawn is not None:
            self.on_drawn()

    # ---- pieces -------------------------------------------------------------------------

    def _draw_info(self, canvas: Canvas, top: float) -> None:
        layout, plan = self.layout, self.plan
        baseline = top - 11
        canvas.setFillColor(theme.INK)
        canvas.setFont(fonts.BOLD, 10)
        label = "Responsibility chart"
        canvas.drawString(0, baseline, label)
        x = width_of(label, fonts.BOLD, 10) + 10
        numbers = [r.number for r in plan.rows if r.touchpoint is not None]
        parts = []
        if layout.department_count == 0:
            parts.append("No departments yet")
        elif len(layout.parts) > 1:
            last = plan.first_department + len(plan.departments) - 1
            parts.append(f"Departments {plan.first_department}–{last} of "
                         f"{layout.department_count} (part {plan.part + 1} of "
                         f"{len(layout.parts)})")
        else:
            parts.append(f"{layout.department_count} department"
                         f"{'' if layout.department_count == 1 else 's'}")
        if numbers:
            parts.append(f"Touchpoints {numbers[0]}–{numbers[-1]} of "
                         f"{layout.touchpoint_count}")
        elif layout.touchpoint_count == 0:
            parts.append("No touchpoints yet")
        canvas.setFont(fonts.REGULAR, 8)
        canvas.setFillColor(theme.MUTED)
        canvas.drawString(x, baseline, fit("  ·  ".join(parts), fonts.REGULAR, 8,
                                           layout.width - x))
        if len(layout.parts) > 1 and plan.departments:
            room = layout.width / 2 - 60
            first = fit(plan.departments[0].name, fonts.CONDENSED, 8, room)
            last = fit(plan.departments[-1].name, fonts.CONDENSED, 8, room)
            canvas.setFont(fonts.CONDENSED, 8)
            canvas.drawString(0, baseline - 9, f"This page shows the departments from {first} "
                              f"to {last}; the other parts follow.")

    def _columns_x(self) -> float:
        return GUTTER + self.layout.name_width

    def _table_width(self) -> float:
        return self._columns_x() + self.layout.cell_width * len(self.plan.departments)

    def _draw_heading(self, canvas: Canvas, header_top: float, rows_top: float) -> None:
        layout, plan = self.layout, self.plan
        canvas.setFillColor(theme.HEADER_BAND)
        canvas.rect(0, rows_top, self._table_width(), header_top - rows_top, stroke=0, fill=1)
        canvas.setFillColor(theme.INK)
        canvas.setFont(HEADING_FONT, 8)
        canvas.drawString(GUTTER, rows_top + 5, "Touchpoint")
        x = self._columns_x()
        heading = layout.heading
        for dept in plan.departments:
            label = heading.labels[dept.id]
            lead = layout.leads.get(dept.id, "")
            canvas.setFillColor(theme.INK)
            if heading.rotated and lead and len(label.lines) == 1:
                # The name and, beside it, the lead: two rotated lines in the column.
                shift = heading.leading / 2
                draw_label(canvas, heading, label, x - shift, rows_top, layout.cell_width)
                canvas.saveState()
                canvas.setFillColor(theme.MUTED)
                canvas.setFont(fonts.CONDENSED, min(LEAD_SIZE, heading.size))
                canvas.translate(x + layout.cell_width / 2 + shift + heading.size * 0.35,
                                 rows_top + 4)
                canvas.rotate(90)
                canvas.drawString(0, 0, fit(lead, fonts.CONDENSED, min(LEAD_SIZE, heading.size),
                                            layout.header_height - 8))
                canvas.restoreState()
            else:
                draw_label(canvas, heading, label, x, rows_top + layout.lead_room,
                           layout.cell_width)
                lines = layout.lead_lines.get(dept.id, [])
                if lines:
                    canvas.setFillColor(theme.MUTED)
                    canvas.setFont(fonts.CONDENSED, LEAD_SIZE)
                    y = rows_top + layout.lead_room - LEAD_SIZE - 0.5
                    for line in lines:
                        canvas.drawCentredString(x + layout.cell_width / 2, y, line)
                        y -= LEAD_SIZE * 1.2
            x += layout.cell_width

    def _draw_column_rules(self, canvas: Canvas, header_top: float, rows_bottom: float
                           ) -> None:
        """Hairlines between the department columns, through the heading and the rows."""
        layout, plan = self.layout, self.plan
        canvas.setStrokeColor(theme.HAIRLINE)
        canvas.setLineWidth(0.4)
        path = canvas.beginPath()
        x = self._columns_x()
        for _ in range(len(plan.departments) + 1):
            path.moveTo(x, header_top)
            path.lineTo(x, rows_bottom)
            x += layout.cell_width
        canvas.drawPath(path, stroke=1, fill=0)

    def _draw_rows(self, canvas: Canvas, rows_top: float) -> None:
        layout, plan = self.layout, self.plan
        cell_width = layout.cell_width
        columns_x = self._columns_x()
        table_width = self._table_width()
        column_of = {d.id: columns_x + i * cell_width for i, d in enumerate(plan.departments)}
        tiles = {role: canvas.beginPath() for role in Role}
        # The tiles and letters are most of a page's operators, and reportlab formats every
        # number of every operator in Python: each column's and each row's numbers are
        # formatted once here (with reportlab's own fp_str, so the page's bytes are the same
        # as through path.rect and text.setTextOrigin) and the operators put together.
        tile_x = {dept_id: fp_str(x + TILE_INSET) for dept_id, x in column_of.items()}
        tile_width = fp_str(cell_width - 2 * TILE_INSET)
        halves = {role: width_of(role.letter, LETTER_FONT, LETTER_SIZE) / 2 for role in Role}
        letter_x = {(dept_id, role): fp_str(x + cell_width / 2 - halves[role])
                    for dept_id, x in column_of.items() for role in Role}
        lift = LETTER_SIZE * 0.36
        letters: dict[Role, list[str]] = {role: [] for role in Role}  # their Tm operators
        rules = canvas.beginPath()
        names = canvas.beginText()
        names.setFont(NAME_FONT, NAME_SIZE)
        problem_names = canvas.beginText()
        problem_names.setFont(PROBLEM_FONT, NAME_SIZE)
        tints: dict[str, Any] = {NO_OWNER: canvas.beginPath(), SEVERAL_OWNERS: canvas.beginPath()}
        outlines = canvas.beginPath()  # the Own cells of a row with several owners
        corners = canvas.beginPath()  # the cells with a planned change
        light_corners = canvas.beginPath()  # the same on a dark (Own) tile
        frames = canvas.beginPath()  # the empty cells of a row nobody owns
        anchors: list[tuple[int, float]] = []
        markers: list[tuple[str, float]] = []
        moments: list[tuple[float, float, str]] = []
        critical: list[tuple[float, str]] = []
        bands: list[tuple[ChartRow, float]] = []
        matrix = layout.matrix
        y = rows_top
        for row in plan.rows:
            bottom = y - row.height
            tp = row.touchpoint
            if tp is None:
                bands.append((row, bottom))
                y = bottom
                continue
            first_baseline = y - ROW_PADDING / 2 - NAME_SIZE * 0.95
            text = problem_names if row.marker else names
            for index, line in enumerate(row.lines):
                text.setTextOrigin(GUTTER + 3, first_baseline - index * NAME_LEADING)
                text.textOut(line)
            middle = bottom + row.height / 2
            tile_row = (f" {fp_str(bottom + TILE_INSET)} {tile_width} "
                        f"{fp_str(row.height - 2 * TILE_INSET)} re")
            letter_row = f" {fp_str(middle - lift)} Tm"
            if row.marker:
                markers.append((row.marker, middle))
                tints[row.marker].rect(0, bottom, table_width, row.height)
                if row.marker == NO_OWNER and plan.departments:
                    frames.rect(columns_x + 1.2, bottom + 1.2,
                                cell_width * len(plan.departments) - 2.4, row.height - 2.4)
                if tp.id not in layout.anchored:
                    layout.anchored.add(tp.id)
                    anchors.append((tp.id, y))
            symbol_x = MOMENT_X
            if row.critical and (tp.peak or tp.end):
                critical.append((middle, moment_symbols(tp.peak, tp.end)))
            elif tp.peak:
                moments.append((symbol_x, middle, PEAK))
                symbol_x += 7.8
            if tp.end and not row.critical:
                moments.append((symbol_x, middle, END))
            for dept_id, role in matrix.row_roles(tp.id).items():
                x = column_of.get(dept_id)
                if x is None:
                    continue
                tiles[role]._code_append(tile_x[dept_id] + tile_row)  # its first: "n" too
                letters[role].append("1 0 0 1 " + letter_x[dept_id, role] + letter_row)
                if role is Role.OWN and row.marker == SEVERAL_OWNERS:
                    outlines.rect(x + 2.6, bottom + 2.4, cell_width - 5.2, row.height - 4.8)
            for dept_id in (matrix.targets.get(tp.id, ()) if layout.mark_plan else ()):
                x = column_of.get(dept_id)
                if x is not None and matrix.is_planned_change(tp.id, dept_id):
                    corner = min(cell_width, row.height) * 0.55
                    right, top = x + cell_width - 1.0, bottom + row.height - 1.0
                    path = (light_corners if matrix.role(tp.id, dept_id) is Role.OWN
                            else corners)
                    path.moveTo(right - corner, top)
                    path.lineTo(right, top)
                    path.lineTo(right, top - corner)
                    path.close()
            rules.moveTo(0, bottom)
            rules.lineTo(table_width, bottom)
            y = bottom
        for row, bottom in bands:
            self._draw_band(canvas, row, bottom, table_width)
        for code, tint in ((NO_OWNER, theme.TINT_ERROR), (SEVERAL_OWNERS, theme.TINT_WARNING)):
            canvas.setFillColor(tint)
            canvas.drawPath(tints[code], stroke=0, fill=1)
        canvas.setStrokeColor(theme.HAIRLINE)
        canvas.setLineWidth(0.4)
        canvas.drawPath(rules, stroke=1, fill=0)
        for role in Role:
            if letters[role]:
                canvas.setFillColor(theme.ROLE_FILL[role])
                canvas.drawPath(tiles[role], stroke=0, fill=1)
        # Clashes read by shape and weight, not hue alone: a white ring inside each of the
        # several owners' tiles, a dashed frame round the empty cells of a row nobody owns.
        canvas.saveState()
        canvas.setStrokeColor(theme.WHITE)
        canvas.setLineWidth(1.3)
        canvas.drawPath(outlines, stroke=1, fill=0)
        canvas.setStrokeColor(theme.FINDING_ERROR)
        canvas.setLineWidth(1.1)
        canvas.setDash(3, 2)
        canvas.drawPath(frames, stroke=1, fill=0)
        canvas.restoreState()
        canvas.setFillColor(theme.INK)
        canvas.drawText(names)
        canvas.drawText(problem_names)
        for touchpoint_id, top in anchors:
            canvas.bookmarkHorizontal(touchpoint_anchor(touchpoint_id), 0, top + STAGE_HEIGHT)
        self._draw_letters(canvas, letters)
        if layout.mark_plan:
            # Black on light cells, white on the dark Own tiles, each edged in the other:
            # it reads on every tile, in colour and in greyscale.
            canvas.saveState()
            canvas.setLineWidth(0.6)
            canvas.setFillColor(theme.INK)
            canvas.setStrokeColor(theme.WHITE)
            canvas.drawPath(corners, stroke=1, fill=1)
            canvas.setFillColor(theme.WHITE)
            canvas.setStrokeColor(theme.INK)
            canvas.drawPath(light_corners, stroke=1, fill=1)
            canvas.restoreState()
        self._draw_markers(canvas, markers, moments)
        for middle, symbols in critical:
            draw_critical_moment(canvas, MOMENT_X, middle, symbols)
        if not plan.rows:
            canvas.setFillColor(theme.MUTED)
            canvas.setFont(fonts.REGULAR, 9)
            message = ("No touchpoints yet: add stages and touchpoints to fill the chart."
                       if layout.touchpoint_count == 0 else "")
            canvas.drawString(GUTTER, rows_top - 18, message)

    def _draw_band(self, canvas: Canvas, row: ChartRow, bottom: float, width: float) -> None:
        canvas.setFillColor(theme.STAGE_BAND)
        canvas.rect(0, bottom, width, row.height, stroke=0, fill=1)
        canvas.setFillColor(theme.INK)
        baseline = bottom + (row.height - STAGE_SIZE) / 2 + 1.5
        if row.continued:
            suffix = " (continued)"
        elif row.stage_size:
            suffix = f"  ·  {row.stage_size} touchpoint{'' if row.stage_size == 1 else 's'}"
        else:
            suffix = "  ·  no touchpoints"
        suffix_width = width_of(suffix, fonts.CONDENSED, STAGE_SIZE)
        name = fit(row.stage.name, STAGE_FONT, STAGE_SIZE,
                   max(20.0, width - 8 - suffix_width))
        canvas.setFont(STAGE_FONT, STAGE_SIZE)
        canvas.drawString(4, baseline, name)
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.CONDENSED, STAGE_SIZE)
        canvas.drawString(4 + width_of(name, STAGE_FONT, STAGE_SIZE), baseline, suffix)

    @staticmethod
    def _draw_letters(canvas: Canvas, letters: dict[Role, list[str]]) -> None:
        """Each role's letters in one text object, from their text-matrix operators. The
        letter's own operator is reportlab's (``textOut``) for the first two; from the second
        on it is the same text (the font's subset is chosen at the first), so it is reused."""
        for role, places in letters.items():
            if not places:
                continue
            text = canvas.beginText()
            text.setFont(LETTER_FONT, LETTER_SIZE)
            text.setFillColor(theme.ROLE_INK[role])
            code = text._code
            shown: str | None = None
            for index, place in enumerate(places):
                code.append(place)
                if shown is None:
                    text.textOut(role.letter)
                    if index:
                        shown = code[-1]
                else:
                    code.append(shown)
            canvas.drawText(text)

    @staticmethod
    def _draw_markers(canvas: Canvas, markers: list[tuple[str, float]],
                      moments: list[tuple[float, float, str]]) -> None:
        for code, middle in markers:
            draw_marker(canvas, code, 5.5, middle)
        if moments:
            text = canvas.beginText()
            text.setFont(fonts.REGULAR, 7.6)
            text.setFillColor(theme.INK)
            for x, middle, symbol in moments:
                text.setTextOrigin(x, middle - 2.7)
                text.textOut(symbol)
            canvas.drawText(text)

    def _draw_legend(self, canvas: Canvas, height: float) -> None:
        layout = self.layout
        width = layout.width
        top = height
        canvas.setStrokeColor(theme.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(0, top, width, top)
        slot = width / 3
        y = top - 4
        meaning_lines = max(len(v) for v in layout.role_meanings.values()) + 1
        for index, role in enumerate(Role):
            x = index * slot
            draw_role_tile(canvas, role, x, y - 16, 16, 16)
            canvas.setFillColor(theme.INK)
            canvas.setFont(fonts.CONDENSED_BOLD, LEGEND_SIZE + 0.5)
            canvas.drawString(x + 21, y - 8, ROLE_KEY[role])
            canvas.setFillColor(theme.MUTED)
            canvas.setFont(fonts.CONDENSED, LEGEND_SIZE)
            for line_index, line in enumerate(layout.role_meanings[role], 1):
                canvas.drawString(x + 21, y - 8 - line_index * LEGEND_LEADING, line)
        y -= max(16.0, meaning_lines * LEGEND_LEADING + 2) + 4
        baseline = y - LEGEND_LEADING + 2
        x = 0.0
        canvas.setFont(fonts.CONDENSED, LEGEND_SIZE)
        for code, label in ((NO_OWNER, "No clear owner (tinted row, dashed frame)"),
                            (SEVERAL_OWNERS, "Several owners (tinted row, owners ringed)")):
            draw_marker(canvas, code, x + 3, baseline + 2.4)
            canvas.setFillColor(theme.MUTED)
            canvas.drawString(x + 9, baseline, label)
            x += 9 + width_of(label, fonts.CONDENSED, LEGEND_SIZE) + 14
        for symbol, label in ((PEAK, "Peak moment"), (END, "End moment")):
            canvas.setFillColor(theme.INK)
            canvas.setFont(fonts.REGULAR, LEGEND_SIZE)
            canvas.drawString(x, baseline, symbol)
            canvas.setFillColor(theme.MUTED)
            canvas.setFont(fonts.CONDENSED, LEGEND_SIZE)
            canvas.drawString(x + 9, baseline, label)
            x += 9 + width_of(label, fonts.CONDENSED, LEGEND_SIZE) + 14
        draw_critical_moment(canvas, x + 1.5, baseline + 2.4, PEAK)
        canvas.setFillColor(theme.MUTED)
        canvas.setFont(fonts.CONDENSED, LEGEND_SIZE)
        canvas.drawString(x + 13, baseline, CRITICAL_LEGEND)
        x += 13 + width_of(CRITICAL_LEGEND, fonts.CONDENSED, LEGEND_SIZE) + 14
        note = ("Every touchpoint needs exactly one clear owner. "
                "An empty cell means the department has no role.")
        if self.layout.mark_plan:
            note += (" A corner marks a planned change (see From today to target; the "
                     "cell shows today's role).")
        canvas.drawString(0, baseline - LEGEND_LEADING, fit(note, fonts.CONDENSED, LEGEND_SIZE,
                                                            width))
        for index, line in enumerate(self.plan.key_lines):
            canvas.drawString(0, baseline - (index + 2) * LEGEND_LEADING, line)


def draw_role_tile(canvas: Canvas, role: Role, x: float, y: float, width: float,
                   height: float, size: float = LETTER_SIZE) -> None:
    canvas.setFillColor(theme.ROLE_FILL[role])
    canvas.rect(x, y, width, height, stroke=0, fill=1)
    canvas.setFillColor(theme.ROLE_INK[role])
    canvas.setFont(LETTER_FONT, size)
    canvas.drawCentredString(x + width / 2, y + height / 2 - size * 0.36, role.letter)


def moment_symbols(peak: bool, end: bool) -> str:
    return (PEAK if peak else "") + (END if end else "")


def draw_critical_moment(canvas: Canvas, x: float, middle: float, symbols: str) -> None:
    """Peak and end symbols of a critical moment without a single owner: in the error
    colour inside a rounded frame, so they stand out in greyscale too."""
    canvas.saveState()
    canvas.setFillColor(theme.FINDING_ERROR)
    canvas.setStrokeColor(theme.FINDING_ERROR)
    canvas.setFont(fonts.REGULAR, 7.6)
    text_width = canvas.stringWidth(symbols, fonts.REGULAR, 7.6)
    canvas.drawString(x, middle - 2.7, symbols)
    canvas.setLineWidth(0.8)
    canvas.roundRect(x - 1.6, middle - 4.4, text_width + 3.2, 8.8, 1.8, stroke=1, fill=0)
    canvas.restoreState()


def draw_marker(canvas: Canvas, code: str, x: float, middle: float) -> None:
    """A filled circle for "no clear owner", a triangle for "several owners", a star for a
    critical moment without a single owner: shapes, so they differ in greyscale too."""
    if code == CRITICAL_MOMENT_UNOWNED:
        canvas.setFillColor(theme.FINDING_ERROR)
        path = canvas.beginPath()
        for index in range(10):
            radius = 3.6 if index % 2 == 0 else 1.5
            angle = math.pi / 2 + index * math.pi / 5
            point = (x + radius * math.cos(angle), middle + radius * math.sin(angle))
            if index == 0:
                path.moveTo(*point)
            else:
                path.lineTo(*point)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
    elif code == NO_OWNER:
        canvas.setFillColor(theme.FINDING_ERROR)
        canvas.circle(x, middle, 2.7, stroke=0, fill=1)
    elif code == SEVERAL_OWNERS:
        canvas.setFillColor(theme.FINDING_WARNING)
        path = canvas.beginPath()
        path.moveTo(x - 3, middle - 2.4)
        path.lineTo(x + 3, middle - 2.4)
        path.lineTo(x, middle + 2.9)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
