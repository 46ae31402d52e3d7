"""The executive summary: key figures, finding counts, and one table of the departments.

The table gives each department's Own / Influence / Handle counts with a bar (drawn with
reportlab.graphics), and beside them a heat map of the touchpoints it owns in each stage, so
one row reads across. Closing rows give each stage's touchpoint and no-owner counts.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from cxmatrix.domain.findings import (
    CODES,
    CRITICAL_MOMENT_UNOWNED,
    NO_OWNER,
    SEVERAL_OWNERS,
    SEVERITY_OF,
    TITLES,
    Finding,
)
from cxmatrix.domain.model import Matrix, Stage
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.domain.summary import MatrixSummary, summarise
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.text import escape, fit, one_line, width_of, wrap

TABLE_FONT = fonts.CONDENSED
TABLE_BOLD = fonts.CONDENSED_BOLD
TABLE_SIZE = 7.6
NAME_COLUMN = 140.0
COUNT_COLUMN = 38.0
BAR_COLUMN = 80.0
MIN_NAME_COLUMN = 110.0
MIN_BAR_COLUMN = 50.0
GAP_COLUMN = 10.0
CELL_PADDING = 3.0
HEADER_SIZES = (7.6, 7.0, 6.6, 6.2)  # headings shrink until their words fit
HEAT_RAMP = ("#E6EEF7", "#5A7FB0", "#1B2A49")  # pale, middle, the Own colour
MAX_STAGE_COLUMN = 50.0
MIN_STAGE_COLUMN = 26.0
BAR_HEIGHT = 6.5
# Findings whose counts the key figures show; the strip below them shows the other kinds.
CARD_CODES = (NO_OWNER, SEVERAL_OWNERS, CRITICAL_MOMENT_UNOWNED)
NO_TOUCHPOINTS_NOTE = "no touchpoints yet"

HEADING = ParagraphStyle("heading", fontName=fonts.BOLD, fontSize=theme.HEADING_SIZE,
                         leading=theme.HEADING_SIZE * 1.2, textColor=theme.INK, spaceAfter=2)
SUBTITLE = ParagraphStyle("subtitle", fontName=fonts.REGULAR, fontSize=9, leading=12,
                          textColor=theme.MUTED)
NOTE = ParagraphStyle("note", fontName=fonts.REGULAR, fontSize=7.2, leading=9,
                      textColor=theme.MUTED)
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
        self.height = 58.0

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
            canvas.setFont(fonts.BOLD, 8)
            canvas.drawString(x + 11, 19, fit(label, fonts.BOLD, 8, tile_width - 16))
            canvas.setFillColor(theme.MUTED)
            canvas.setFont(fonts.REGULAR, 7.2)
            canvas.drawString(x + 11, 8, fit(context, fonts.REGULAR, 7.2, tile_width - 16))


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


def findings_strip(counts: dict[str, int], width: float) -> Table:
    """Every kind of finding the key figures do not show, with its count, most serious
    first."""
    severity_colour = {Severity.ERROR: theme.FINDING_ERROR,
                       Severity.WARNING: theme.FINDING_WARNING,
                       Severity.INFO: theme.FINDING_INFO}
    codes = [code for code in CODES if code not in CARD_CODES]
    column = width / len(codes)
    titles = [Paragraph(escape(TITLES[code]), ParagraphStyle(
        f"strip-{code}", parent=HEADER_CELL, fontName=TABLE_FONT,
        textColor=theme.MUTED)) for code in codes]
    values = [f"{counts[code]:,}" for code in codes]
    severities = [SEVERITY_OF[code].label for code in codes]
    table = Table([titles, values, severities], colWidths=[column] * len(codes))
    style = [
        ("FONT", (0, 0), (-1, -1), TABLE_FONT, TABLE_SIZE),  # never reportlab's Helvetica
        ("FONT", (0, 1), (-1, 1), fonts.BOLD, 12, 14),
        ("FONT", (0, 2), (-1, 2), TABLE_FONT, 6.8, 8),
        ("TEXTCOLOR", (0, 1), (-1, 1), theme.INK),
        ("TEXTCOLOR", (0, 2), (-1, 2), theme.MUTED),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, theme.RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, theme.RULE),
    ]
    for index, code in enumerate(codes):
        style.append(("LINEBEFORE", (index, 0), (index, -1), 2.2,
                      severity_colour[SEVERITY_OF[code]]))
    table.setStyle(TableStyle(style))
    return table


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
    return HEADER_SIZES[-1]


def _header_paragraph(text: str, width: float, size: float, centred: bool = True
                      ) -> Paragraph:
    """A column heading in at most three lines (words too long for the column are broken)."""
    room = width - 2 * CELL_PADDING - 1
    lines = wrap(text, TABLE_BOLD, size, room, 3) or [""]
    style = ParagraphStyle(f"header-{size}-{centred}", parent=HEADER_CELL, fontSize=size,
                           leading=size * 1.15, alignment=1 if centred else 0)
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def _column_widths(stages: Sequence[Stage], width: float, with_roles: bool
                   ) -> tuple[float, float, float]:
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
    return name_width, bar_width, min(MAX_STAGE_COLUMN, room / len(stages))


def department_table(matrix: Matrix, summary: MatrixSummary, stages: Sequence[Stage],
                     width: float, with_roles: bool = True) -> Table:
    """Departments as rows: role counts and bar, then owned touchpoints per stage."""
    name_width, bar_width, stage_width = _column_widths(stages, width, with_roles)
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
    for row_index, dept in enumerate(matrix.departments, start=2):
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


def summary_section(matrix: Matrix, findings: Sequence[Finding], width: float
                    ) -> list[Flowable]:
    summary = summarise(matrix)
    counts = dict.fromkeys(CODES, 0)
    for finding in findings:
        counts[finding.code] += 1
    focus = matrix.focus_department
    facts = [one_line(matrix.organisation)] if matrix.organisation.strip() else []
    if focus is not None:
        facts.append(f"focus department: {one_line(focus.name)}")
    subtitle = fit("  ·  ".join(facts), fonts.REGULAR, 9, width) if facts else ""
    story = section_heading("Executive summary", subtitle)
    description = wrap(matrix.description, fonts.REGULAR, 9, width, 3)
    if description:
        story.append(Paragraph(escape(" ".join(description)), SUBTITLE))
        story.append(Spacer(1, 8))
    story.append(key_figures(matrix, summary, counts, width))
    story.append(Spacer(1, 10))
    story.append(findings_strip(counts, width))
    story.append(Spacer(1, 14))
    if not matrix.departments:
        story.append(Paragraph("No departments yet: add departments to see who owns what.",
                               SUBTITLE))
        return story
    stages = list(matrix.stages)
    narrowest = MIN_NAME_COLUMN + 4 * COUNT_COLUMN + MIN_BAR_COLUMN + GAP_COLUMN
    if not stages or (width - narrowest) / len(stages) >= MIN_STAGE_COLUMN:
        story.append(department_table(matrix, summary, stages, width))
        story.append(Spacer(1, 6))
        story.append(Paragraph(escape(TABLE_NOTE), NOTE))
        return story
    # Too many stages to sit beside the role counts: role counts first, then the heat map
    # in blocks of stages.
    story.append(department_table(matrix, summary, [], width))
    per_block = max(1, int((width - NAME_COLUMN) // MAX_STAGE_COLUMN))
    for start in range(0, len(stages), per_block):
        story.append(Spacer(1, 14))
        story.append(department_table(matrix, summary, stages[start:start + per_block],
                                      width, with_roles=False))
    story.append(Spacer(1, 6))
    story.append(Paragraph(escape(TABLE_NOTE), NOTE))
    return story

