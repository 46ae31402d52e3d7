"""The executive summary. Page 1 is the briefing: the full title, the organisation, the
description, who prepared it and the date of the data, a headline sentence, the departments'
sign-off in one sentence (once reviews have started), the key figures
and the decisions needed (cxmatrix.interchange.pdf.briefing). Page 2 gives the other findings
in plain words and one table of the departments, cut to the departments with the most roles
when they would not fit the page.

The table gives each department's Own / Influence / Handle counts with a bar (drawn with
reportlab.graphics), and beside them a heat map of the touchpoints it owns in each stage, so
one row reads across. Closing rows give each stage's touchpoint and no-owner counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from cxmatrix.domain.findings import (
    CODES,
    CRITICAL_MOMENT_UNOWNED,
    IDLE_DEPARTMENT,
    NO_OWNER,
    OWNER_WITHOUT_METRIC,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    Finding,
)
from cxmatrix.domain.model import Department, Matrix, Stage
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import DepartmentSignOff, summary_sentence
from cxmatrix.domain.summary import MatrixSummary, summarise
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.briefing import DecisionsTable, decisions, headline
from cxmatrix.interchange.pdf.pages import PageInfo, SectionStart
from cxmatrix.interchange.pdf.text import escape, fit, one_line, width_of, wrap

TABLE_FONT = fonts.CONDENSED
TABLE_BOLD = fonts.CONDENSED_BOLD
TABLE_SIZE = 8.5
NAME_COLUMN = 140.0
COUNT_COLUMN = 42.0
BAR_COLUMN = 80.0
MIN_NAME_COLUMN = 110.0
MIN_BAR_COLUMN = 50.0
GAP_COLUMN = 10.0
CELL_PADDING = 3.0
HEADER_SIZES = (8.5, 8.0, 7.4, 6.8)  # headings shrink until their words fit
MIN_HEADER_SIZE = 4.5
HEAT_RAMP = ("#E6EEF7", "#5A7FB0", "#1B2A49")  # pale, middle, the Own colour
MAX_STAGE_COLUMN = 54.0
MIN_STAGE_COLUMN = 28.0
BAR_HEIGHT = 6.5
# Findings whose counts the key figures show; the strip below them shows the other kinds.
CARD_CODES = (NO_OWNER, SEVERAL_OWNERS, CRITICAL_MOMENT_UNOWNED)
NO_TOUCHPOINTS_NOTE = "no touchpoints yet"

HEADING = ParagraphStyle("heading", fontName=fonts.BOLD, fontSize=theme.HEADING_SIZE,
                         leading=theme.HEADING_SIZE * 1.2, textColor=theme.INK, spaceAfter=2)
SUBTITLE = ParagraphStyle("subtitle", fontName=fonts.REGULAR, fontSize=9, leading=12,
                          textColor=theme.MUTED)
NOTE = ParagraphStyle("note", fontName=fonts.REGULAR, fontSize=8, leading=10,
                      textColor=theme.MUTED)
SIGNOFF = ParagraphStyle("signoff", fontName=fonts.REGULAR, fontSize=9, leading=11,
                         textColor=theme.INK, spaceBefore=-6, spaceAfter=10)
HEADLINE = ParagraphStyle("headline", fontName=fonts.BOLD, fontSize=12.5, leading=16,
                          textColor=theme.INK, spaceBefore=2, spaceAfter=10)
SUBHEADING = ParagraphStyle("subheading", fontName=fonts.BOLD,
                            fontSize=theme.SUBHEADING_SIZE, leading=theme.SUBHEADING_SIZE * 1.3,
                            textColor=theme.INK, spaceAfter=3)
OBSERVATION = ParagraphStyle("observation", fontName=fonts.REGULAR, fontSize=9, leading=12,
                             textColor=theme.INK, leftIndent=10, bulletIndent=0,
                             bulletFontName=fonts.REGULAR)
TABLE_NOTE = ("Bars: each department's Own, Influence and Handle counts, on one scale. "
              "Stage columns: the touchpoints a department owns in each stage; darker cells "
              "mean more.")
HEADER_CELL = ParagraphStyle("header-cell", fontName=TABLE_BOLD, fontSize=TABLE_SIZE,
                             leading=TABLE_SIZE * 1.15, textColor=theme.INK)


def section_heading(text: str, subtitle: str = "") -> list[Flowable]:
    """A page heading (plain text: it is escaped here) with an optional muted subtitle."""
    story: list[Flowable] = [Paragraph(escape(text), HEADING)]
    if subtitle:
        story.append(Paragraph(escape(subtitle), SUBTITLE))
    story.append(Spacer(1, 10))
    return story


class KeyFigures(Flowable):
    """A row of tiles: a big number, a label and a line of context."""

    def __init__(self, tiles: Sequence[tuple[str, str, str, Color]], width: float) -> None:
        super().__init__()
        self.tiles = tiles
        self.width = width
        self.height = 62.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        gap = 10.0
        count = len(self.tiles)
        tile_width = (self.width - gap * (count - 1)) / count
        for index, (value, label, context, colour) in enumerate(self.tiles):
            x = index * (tile_width + gap)
            canvas.setFillColor(theme.HEADER_BAND)
            canvas.rect(x, 0, tile_width, self.height, stroke=0, fill=1)
            canvas.setFillColor(colour)
            canvas.rect(x, 0, 3, self.height, stroke=0, fill=1)
            canvas.setFont(fonts.BOLD, 20)
            canvas.drawString(x + 11, self.height - 25, fit(value, fonts.BOLD, 20,
                                                              tile_width - 16))
            canvas.setFillColor(theme.INK)
            canvas.setFont(fonts.BOLD, 9)
            canvas.drawString(x + 11, 21, fit(label, fonts.BOLD, 9, tile_width - 16))
            canvas.setFillColor(theme.MUTED)
            canvas.setFont(fonts.REGULAR, 8.5)
            canvas.drawString(x + 11, 8, fit(context, fonts.REGULAR, 8.5, tile_width - 16))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def key_figures(matrix: Matrix, summary: MatrixSummary, counts: dict[str, int],
                width: float) -> KeyFigures:
    critical = sum(1 for tp in matrix.iter_touchpoints() if tp.is_critical)
    share = summary.single_owner_share
    ok = theme.ACCENT

    def alarm(count: int, colour: Color) -> Color:
        return colour if count else ok

    if summary.touchpoints:  # a share of nothing would read "100%": say there is nothing
        single = (f"{share:.0%}", "Exactly one owner",
                  f"{summary.single_owner:,} of {_plural(summary.touchpoints, 'touchpoint')}", ok)
    else:
        single = ("–", "Exactly one owner", NO_TOUCHPOINTS_NOTE, theme.FAINT)
    tiles = [
        (f"{summary.touchpoints:,}", "Touchpoints",
         f"{_plural(summary.stages, 'stage')} · {_plural(summary.departments, 'department')}",
         ok),
        single,
        (f"{counts[NO_OWNER]:,}", "No clear owner", "touchpoints nobody owns",
         alarm(counts[NO_OWNER], theme.FINDING_ERROR)),
        (f"{counts[SEVERAL_OWNERS]:,}", "Several owners", "ambiguous ownership",
         alarm(counts[SEVERAL_OWNERS], theme.FINDING_WARNING)),
        (f"{counts[CRITICAL_MOMENT_UNOWNED]:,}", "Critical moments at risk",
         f"of {_plural(critical, 'peak or end moment')}",
         alarm(counts[CRITICAL_MOMENT_UNOWNED], theme.FINDING_ERROR)),
    ]
    return KeyFigures(tiles, width)


def role_bar(counts: dict[Role, int], largest: int, width: float) -> Drawing:
    """One stacked bar, Own then Influence then Handle, scaled to the largest total."""
    # Our font as the drawing's initial one, or reportlab would reference Helvetica.
    drawing = Drawing(width, BAR_HEIGHT + 2, initialFontName=fonts.REGULAR,
                      initialFontSize=TABLE_SIZE)
    x = 0.0
    scale = (width - 2) / largest if largest else 0.0
    for role in Role:
        length = counts[role] * scale
        if length > 0:
            drawing.add(Rect(x, 1, length, BAR_HEIGHT, fillColor=theme.ROLE_FILL[role],
                             strokeColor=None, strokeWidth=0))
            x += length
    return drawing


def _heat_colour(share: float) -> Color:
    """Pale blue through middle blue to the Own colour: darker means more owned. Lightness
    falls steadily along the ramp, so it reads in greyscale too."""
    share = max(0.0, min(1.0, share))
    if share <= 0.5:
        low, high, t = HexColor(HEAT_RAMP[0]), HexColor(HEAT_RAMP[1]), share * 2
    else:
        low, high, t = HexColor(HEAT_RAMP[1]), HexColor(HEAT_RAMP[2]), share * 2 - 1
    return Color(low.red + (high.red - low.red) * t, low.green + (high.green - low.green) * t,
                 low.blue + (high.blue - low.blue) * t)


def _heading_size(texts: Sequence[str], width: float) -> float:
    """The largest heading size at which every word of every text fits its column."""
    room = width - 2 * CELL_PADDING - 1
    words = [word for text in texts for word in text.split()]
    for size in HEADER_SIZES:
        if all(width_of(word, TABLE_BOLD, size) <= room for word in words):
            return size
    # Smaller still, rather than a word broken across lines ("Consideratio / n").
    widest = max(width_of(word, TABLE_BOLD, HEADER_SIZES[-1]) for word in words)
    return max(MIN_HEADER_SIZE, math.floor(HEADER_SIZES[-1] * room / widest * 10) / 10)


def _header_paragraph(text: str, width: float, size: float, centred: bool = True
                      ) -> Paragraph:
    """A column heading in at most three lines (words too long for the column are broken)."""
    room = width - 2 * CELL_PADDING - 1
    lines = wrap(text, TABLE_BOLD, size, room, 3) or [""]
    style = ParagraphStyle(f"header-{size}-{centred}", parent=HEADER_CELL, fontSize=size,
                           leading=size * 1.15, alignment=1 if centred else 0)
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def _stage_need(stages: Sequence[Stage]) -> float:
    """The column width the longest word of a stage name needs at the smallest heading
    size."""
    words = [word for stage in stages for word in stage.name.split()]
    longest = max((width_of(word, TABLE_BOLD, HEADER_SIZES[-1]) for word in words),
                  default=0.0)
    return longest + 2 * CELL_PADDING + 1


def _column_widths(stages: Sequence[Stage], width: float, with_roles: bool,
                   most: float = MAX_STAGE_COLUMN) -> tuple[float, float, float]:
    """Widths of the name, bar and stage columns. The stage columns want room for their
    longest word at a readable size; the name and bar columns give up some to make it."""
    name_width, bar_width = NAME_COLUMN, BAR_COLUMN if with_roles else 0.0
    fixed = 4 * COUNT_COLUMN + GAP_COLUMN if with_roles else 0.0
    if not stages:
        return name_width, bar_width, 0.0
    words = [word for stage in stages for word in stage.name.split()]
    longest = max((width_of(word, TABLE_BOLD, HEADER_SIZES[-2]) for word in words),
                  default=0.0)
    wanted = min(MAX_STAGE_COLUMN, max(MIN_STAGE_COLUMN, longest + 2 * CELL_PADDING + 1))
    short = wanted * len(stages) - (width - fixed - name_width - bar_width)
    if short > 0:
        give_bar = min(short / 2, bar_width - MIN_BAR_COLUMN) if with_roles else 0.0
        give_name = min(short - give_bar, NAME_COLUMN - MIN_NAME_COLUMN)
        bar_width -= give_bar
        name_width -= give_name
    room = width - fixed - name_width - bar_width
    return name_width, bar_width, min(most, room / len(stages))


def department_table(matrix: Matrix, summary: MatrixSummary, stages: Sequence[Stage],
                     width: float, with_roles: bool = True,
                     departments: Sequence[Department] | None = None,
                     most: float = MAX_STAGE_COLUMN) -> Table:
    """Departments as rows: role counts and bar, then owned touchpoints per stage."""
    name_width, bar_width, stage_width = _column_widths(stages, width, with_roles, most)
    role_columns = 4 + 1 + 1 if with_roles else 0
    widths = [name_width]
    if with_roles:
        widths += [COUNT_COLUMN] * 4 + [bar_width, GAP_COLUMN]
    widths += [stage_width] * len(stages)
    first_stage = 1 + role_columns

    group = [""] * len(widths)
    if with_roles:
        group[1] = "Roles by department"
    if stages:
        group[first_stage] = "Touchpoints owned, by stage"
    # One type size for the whole heading row: the largest at which every word fits.
    role_titles = (*(role.label for role in Role), "Total") if with_roles else ()
    size = min(_heading_size(role_titles, COUNT_COLUMN),
               _heading_size([s.name for s in stages], stage_width) if stages
               else HEADER_SIZES[0])
    header: list[object] = [_header_paragraph("Department", name_width, size, centred=False)]
    if with_roles:
        header += [_header_paragraph(t, COUNT_COLUMN, size) for t in role_titles]
        header += ["", ""]
    header += [_header_paragraph(s.name, stage_width, size) for s in stages]

    by_department = summary.by_department
    largest = max((sum(c.values()) for c in by_department.values()), default=0)
    owned = {s.stage_id: s.owned_by for s in summary.by_stage}
    most_owned = max((n for s in summary.by_stage for n in s.owned_by.values()), default=0)
    rows: list[list[object]] = [group, header]
    heat: list[tuple[int, int, float]] = []
    shown = matrix.departments if departments is None else departments
    for row_index, dept in enumerate(shown, start=2):
        row: list[object] = [fit(dept.name, TABLE_FONT, TABLE_SIZE, name_width - 8)]
        if with_roles:
            counts = by_department[dept.id]
            row += [f"{counts[r]:,}" if counts[r] else "–" for r in Role]
            row += [f"{sum(counts.values()):,}", role_bar(counts, largest, bar_width - 8), ""]
        for column, stage in enumerate(stages, start=first_stage):
            value = owned[stage.id].get(dept.id, 0)
            row.append(f"{value:,}" if value else "")
            if value:
                heat.append((column, row_index, value / most_owned))
        rows.append(row)
    totals_row = len(rows)
    if stages:
        stage_sizes = {s.stage_id: s for s in summary.by_stage}
        padding = [""] * role_columns
        rows.append(["Touchpoints in stage", *padding,
                     *(f"{stage_sizes[s.id].touchpoints:,}" for s in stages)])
        rows.append(["No clear owner", *padding,
                     *(f"{stage_sizes[s.id].no_owner:,}" if stage_sizes[s.id].no_owner else "–"
                       for s in stages)])

    table = Table(rows, colWidths=widths, repeatRows=2, hAlign="LEFT")
    last = len(widths) - 1
    style: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), TABLE_FONT, TABLE_SIZE, TABLE_SIZE * 1.2),
        ("FONT", (0, 0), (-1, 0), TABLE_BOLD, 8, 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), theme.INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, 1), "BOTTOM"),
        ("ALIGN", (1, 2), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("LINEBELOW", (0, 1), (-1, 1), 0.9, theme.INK),
        ("LINEBELOW", (0, 2), (-1, totals_row - 1), 0.3, theme.HAIRLINE),
    ]
    if stages:
        style += [
            ("LINEABOVE", (0, totals_row), (-1, totals_row), 0.9, theme.INK),
            ("FONT", (0, totals_row), (-1, -1), TABLE_BOLD, TABLE_SIZE, TABLE_SIZE * 1.2),
            ("BACKGROUND", (0, totals_row), (-1, -1), theme.HEADER_BAND),
        ]
    if with_roles:
        style += [
            ("SPAN", (1, 0), (5, 0)),
            ("LINEBELOW", (1, 0), (5, 0), 0.5, theme.RULE),
            ("ALIGN", (5, 2), (5, -1), "LEFT"),
            ("FONT", (4, 2), (4, totals_row - 1), TABLE_BOLD, TABLE_SIZE, TABLE_SIZE * 1.2),
        ]
        for index, role in enumerate(Role, start=1):
            style.append(("LINEBELOW", (index, 1), (index, 1), 2.5, theme.ROLE_FILL[role]))
    if stages:
        style += [("SPAN", (first_stage, 0), (last, 0)),
                  ("LINEBELOW", (first_stage, 0), (last, 0), 0.5, theme.RULE),
                  ("ALIGN", (first_stage, 0), (last, 0), "LEFT")]
    for column, row_index, share in heat:
        colour = _heat_colour(share)
        style.append(("BACKGROUND", (column, row_index), (column, row_index), colour))
        if share > 0.45:
            style.append(("TEXTCOLOR", (column, row_index), (column, row_index), theme.WHITE))
    table.setStyle(TableStyle(style))
    return table


def observations(matrix: Matrix, counts: dict[str, int], findings: Sequence[Finding]
                 ) -> list[str]:
    """The findings of kind "info", each as a sentence in plain words (markup escaped)."""
    lines: list[str] = []
    focus = matrix.focus_department
    missing = counts[ROLE_NOT_ESTABLISHED]
    if focus is not None and missing:
        lines.append(f"<b>{missing:,}</b> {_noun(missing, 'touchpoint')} where "
                     f"{escape(one_line(focus.name))} (the focus department) has no role yet: "
                     "should it have one, and which?")
    unmeasured = counts[OWNER_WITHOUT_METRIC]
    if unmeasured:
        verb = "has" if unmeasured == 1 else "have"
        lines.append(f"<b>{unmeasured:,}</b> owned {_noun(unmeasured, 'touchpoint')} "
                     f"{verb} no metric recorded: owners should say how they measure them.")
    idle = [f for f in findings if f.code == IDLE_DEPARTMENT]
    if idle:
        names = [one_line(matrix.department(f.department_id).name) for f in idle[:5]
                 if f.department_id is not None and matrix.has_department(f.department_id)]
        more = f" and {len(idle) - len(names):,} more" if len(idle) > len(names) else ""
        verb = "has" if len(idle) == 1 else "have"
        lines.append(f"<b>{len(idle):,}</b> {_noun(len(idle), 'department')} {verb} no role "
                     f"on any touchpoint: {escape(fit(', '.join(names), fonts.REGULAR, 9, 400))}"
                     f"{more}.")
    return lines


def _noun(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def data_date(matrix: Matrix) -> str:
    modified = matrix.modified
    return f"{modified.day} {modified:%B %Y}"


class FittingTable(Flowable):
    """The department table with as many departments as fit the room left on the page:
    all of them in order when they fit, else those with the most roles and a closing line
    saying how many more there are."""

    def __init__(self, matrix: Matrix, summary: MatrixSummary, width: float) -> None:
        super().__init__()
        self.matrix, self.summary, self.width = matrix, summary, width
        self._story: list[Flowable] = []
        self.height = 0.0

    def _build(self, count: int) -> list[Flowable]:
        matrix, summary = self.matrix, self.summary
        departments = list(matrix.departments)
        if count < len(departments):
            busy = sorted(departments, key=lambda d: -sum(summary.by_department[d.id].values()))
            keep = {d.id for d in busy[:count]}
            departments = [d for d in departments if d.id in keep]
        story = department_tables(matrix, summary, departments, self.width)
        if count < len(matrix.departments):
            rest = len(matrix.departments) - count
            story.append(Spacer(1, 4))
            story.append(Paragraph(
                f"<b>and {rest:,} more {_noun(rest, 'department')}</b> with fewer roles: "
                "every department is in the chart.", NOTE))
        return story

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        count = len(self.matrix.departments)
        while True:
            story = self._build(count)
            height = sum(item.wrap(self.width, avail_height)[1] + item.getSpaceBefore()
                         + item.getSpaceAfter() for item in story)
            if height <= avail_height or count <= 3:
                break
            # Rows are about the same height: jump close to the count that fits.
            over = height - avail_height
            row = max(10.0, (height - 60) / max(1, count))
            count = max(3, min(count - 1, count - int(over / row) - 1))
        self._story = story
        self.height = height
        return self.width, height

    def draw(self) -> None:
        y = self.height
        for item in self._story:
            y -= item.getSpaceBefore()
            _, height = item.wrap(self.width, self.height)
            y -= height
            item.drawOn(self.canv, 0, y)
            y -= item.getSpaceAfter()


def department_tables(matrix: Matrix, summary: MatrixSummary,
                      departments: Sequence[Department], width: float) -> list[Flowable]:
    stages = list(matrix.stages)
    narrowest = MIN_NAME_COLUMN + 4 * COUNT_COLUMN + MIN_BAR_COLUMN + GAP_COLUMN
    story: list[Flowable] = []
    need = _stage_need(stages)
    if not stages or (width - narrowest) / len(stages) >= max(MIN_STAGE_COLUMN, need):
        story.append(department_table(matrix, summary, stages, width,
                                      departments=departments))
    else:
        # Too many stages, or names too long, to sit beside the role counts: role counts
        # first, then the heat map in blocks of stages, each column wide enough for the
        # longest word of a stage name (a heading never breaks a word).
        story.append(department_table(matrix, summary, [], width, departments=departments))
        column = min(max(MAX_STAGE_COLUMN, need), width - NAME_COLUMN)
        per_block = max(1, int((width - NAME_COLUMN) // column))
        for start in range(0, len(stages), per_block):
            story.append(Spacer(1, 14))
            story.append(department_table(matrix, summary, stages[start:start + per_block],
                                          width, with_roles=False, departments=departments,
                                          most=column))
    story.append(Spacer(1, 6))
    story.append(Paragraph(escape(TABLE_NOTE), NOTE))
    return story


def summary_section(matrix: Matrix, findings: Sequence[Finding], width: float,
                    info: PageInfo | None = None,
                    signoffs: list[DepartmentSignOff] | None = None) -> list[Flowable]:
    summary = summarise(matrix)
    counts = dict.fromkeys(CODES, 0)
    for finding in findings:
        counts[finding.code] += 1
    focus = matrix.focus_department
    facts = [one_line(matrix.organisation)] if matrix.organisation.strip() else []
    if matrix.prepared_by.strip():
        # Cut a very long name on its own, so that the date of the data always shows.
        facts.append("prepared by " + fit(matrix.prepared_by, fonts.REGULAR, 9, width / 3))
    facts.append(f"data as of {data_date(matrix)}")
    if focus is not None:
        facts.append(f"focus department: {one_line(focus.name)}")
    # The full title, wrapped: the running header may cut it, page 1 never does.
    title = " ".join(wrap(matrix.title, fonts.BOLD, theme.HEADING_SIZE, width, 4))
    story = section_heading(title or "Untitled matrix",
                            fit("  ·  ".join(facts), fonts.REGULAR, 9, width))
    description = wrap(matrix.description, fonts.REGULAR, 9, width, 3)
    if description:
        story.insert(-1, Paragraph(escape(" ".join(description)), SUBTITLE))
    story.append(Paragraph(escape(headline(matrix, findings)), HEADLINE))
    if matrix.signoffs:  # once reviews have started: who agreed, who disputes, what is stale
        story.append(Paragraph(f"<b>Sign-off:</b> {escape(summary_sentence(matrix, signoffs))}.",
                               SIGNOFF))
    story.append(key_figures(matrix, summary, counts, width))
    story.append(Spacer(1, 14))
    story.append(Paragraph("Decisions needed", SUBHEADING))
    story.append(DecisionsTable(decisions(matrix, findings), width))
    story.append(PageBreak())
    if info is not None:
        story.append(SectionStart(info, "Departments and roles"))
    story.extend(section_heading("Departments and roles",
                                 "Who owns, influences and handles what, and what else the "
                                 "checks found."))
    notes = observations(matrix, counts, findings)
    for note in notes:
        story.append(Paragraph(note, OBSERVATION, bulletText="•"))
    if notes:
        story.append(Spacer(1, 10))
    if not matrix.departments:
        story.append(Paragraph("No departments yet: add departments to see who owns what.",
                               SUBTITLE))
        return story
    story.append(FittingTable(matrix, summary, width))
    return story
