"""Page 1 of the report, the briefing: a headline in words and the decisions the meeting needs.

"Decisions needed" lists each touchpoint with an error or warning finding, most critical first
(peak and end moments, then no owner, then several owners), with the departments involved and
an empty "Decision / owner" column to write in. It takes the room left on the page; when more
touchpoints need a decision than fit, its last line says how many more and on which page the
findings start (a forward reference, drawn when the report is saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from cxmatrix.domain.findings import CRITICAL_MOMENT_UNOWNED, NO_OWNER, SEVERAL_OWNERS, Finding
from cxmatrix.domain.model import Matrix, Touchpoint
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.pdf import fonts, theme
from cxmatrix.interchange.pdf.text import fit, wrap

FONT = fonts.CONDENSED
BOLD = fonts.CONDENSED_BOLD
PADDING = 3.5
MARKER_ROOM = 14.0
FINDINGS_ANCHOR = "findings"
# Shares of the width after the marker: touchpoint, stage, departments, problem, decision.
SHARES = (0.25, 0.11, 0.28, 0.15, 0.21)
HEADINGS = ("Touchpoint", "Stage", "Departments and their roles", "Problem",
            "Decision / owner")
ROLE_WORDS = {Role.OWN: "Own", Role.INFLUENCE: "Influence", Role.HANDLE: "Handle"}


def touchpoint_anchor(touchpoint_id: int) -> str:
    """The PDF destination of a touchpoint's row in the chart."""
    return f"touchpoint-{touchpoint_id}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def headline(matrix: Matrix, findings: Sequence[Finding]) -> str:
    """One sentence saying how ownership stands, in words."""
    total = matrix.touchpoint_count
    if not total:
        return "No touchpoints yet: add stages and touchpoints to see who owns each one."
    no_owner = {f.touchpoint_id for f in findings if f.code == NO_OWNER}
    several = {f.touchpoint_id for f in findings if f.code == SEVERAL_OWNERS}
    at_risk = {f.touchpoint_id for f in findings if f.code == CRITICAL_MOMENT_UNOWNED}
    critical = sum(1 for tp in matrix.iter_touchpoints() if tp.is_critical)
    lacking = len(no_owner | several)
    if not lacking:
        sentence = ("Every touchpoint has exactly one owner" if total > 1
                    else "The touchpoint has exactly one owner")
        if not critical:
            return sentence + "; no critical moments marked yet."
        return sentence + ", every peak and end moment included."
    parts = []
    if no_owner:
        parts.append(f"{len(no_owner):,} with none")
    if several:
        parts.append(f"{len(several):,} with several")
    verb = "lacks" if lacking == 1 else "lack"
    sentence = (f"{lacking:,} of {_plural(total, 'touchpoint')} {verb} a single owner "
                f"({' and '.join(parts)})")
    if not critical:
        return sentence + "; no critical moments marked yet."
    if not at_risk:
        return sentence + "; every peak and end moment has one."
    if lacking == 1:
        return sentence + "; it is a peak or end moment."
    count = len(at_risk)
    noun = "is a peak or end moment" if count == 1 else "are peak or end moments"
    return sentence + f"; {count:,} of them {noun}."


@dataclass(frozen=True, slots=True)
class Decision:
    touchpoint: Touchpoint
    stage: str
    problem: str
    departments: str
    code: str  # the marker drawn: CRITICAL_MOMENT_UNOWNED, NO_OWNER or SEVERAL_OWNERS
    rank: tuple[int, int, int]


def decisions(matrix: Matrix, findings: Sequence[Finding]) -> list[Decision]:
    """Every touchpoint with an error or warning, most critical first."""
    by_touchpoint: dict[int, set[str]] = {}
    for finding in findings:
        if finding.touchpoint_id is not None and finding.code in (
                NO_OWNER, SEVERAL_OWNERS, CRITICAL_MOMENT_UNOWNED):
            by_touchpoint.setdefault(finding.touchpoint_id, set()).add(finding.code)
    order = {d.id: i for i, d in enumerate(matrix.departments)}
    chosen: list[Decision] = []
    for position, tp in enumerate(matrix.iter_touchpoints()):
        codes = by_touchpoint.get(tp.id)
        if not codes:
            continue
        row = matrix.row_roles(tp.id)
        owners = sum(1 for role in row.values() if role is Role.OWN)
        moment = " and ".join(k for k, flag in (("Peak", tp.peak), ("End", tp.end)) if flag)
        moment = moment.capitalize()
        problem = "No owner" if not owners else f"{owners} owners"
        critical = CRITICAL_MOMENT_UNOWNED in codes
        if critical:
            problem = f"{moment} moment, {problem.lower()}"
        groups = []
        for role in Role:
            names = [matrix.department(d).name for d in sorted(row, key=lambda d: order[d])
                     if row[d] is role]
            if names:
                groups.append(f"{ROLE_WORDS[role]}: {', '.join(names)}")
        departments = ";  ".join(groups) if groups else "No department has a role"
        code = (CRITICAL_MOMENT_UNOWNED if critical else NO_OWNER if not owners
                else SEVERAL_OWNERS)
        rank = (0 if critical else 1 if not owners else 2, 0, position)
        chosen.append(Decision(tp, matrix.stage(tp.stage_id).name, problem, departments,
                               code, rank))
    chosen.sort(key=lambda d: d.rank)
    return chosen


class DecisionsTable(Flowable):
    """As many decisions as fit the room left on the page, then "and N more, page P"."""

    def __init__(self, items: Sequence[Decision], width: float, size: float = 8.5,
                 link: bool = True) -> None:
        super().__init__()
        self.items = list(items)
        self.width = width
        self.size = size
        self.leading = size * 1.2
        self.link = link
        self.heading_height = size * 1.2 + 2 * PADDING + 2
        self.more_height = size * 1.2 + 2 * PADDING
        room = width - MARKER_ROOM
        self.columns = [MARKER_ROOM]
        for share in SHARES[:-1]:
            self.columns.append(self.columns[-1] + room * share)
        self.rows = [self._lines(item) for item in self.items]
        self.shown = len(self.items)

    def _lines(self, item: Decision) -> tuple[list[str], ...]:
        widths = [b - a - 8 for a, b in zip(self.columns, self.columns[1:], strict=False)]
        moment = ("★" if item.touchpoint.peak else "") + ("⚑" if item.touchpoint.end else "")
        name = f"{item.touchpoint.name} {moment}".strip()
        return (wrap(name, BOLD, self.size, widths[0], 2),
                wrap(item.stage, FONT, self.size, widths[1], 2),
                wrap(item.departments, FONT, self.size, widths[2], 2),
                wrap(item.problem, FONT, self.size, widths[3], 2))

    def _row_height(self, lines: tuple[list[str], ...]) -> float:
        # At least two lines: room to write a decision in by hand.
        return max(2, *(len(column) for column in lines)) * self.leading + 2 * PADDING

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if not self.items:
            self.height = self.heading_height + self.more_height
            return self.width, self.height
        used = self.heading_height
        shown = 0
        for index, lines in enumerate(self.rows):
            height = self._row_height(lines)
            rest = len(self.rows) - index - 1
            if used + height + (self.more_height if rest else 0) > avail_height:
                break
            used += height
            shown += 1
        self.shown = max(1, shown)
        if self.shown < len(self.items):
            used += self.more_height
        self.height = used
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        size = self.size
        top = self.height
        # Column headings.
        baseline = top - PADDING - size
        canvas.setFillColor(theme.INK)
        canvas.setFont(BOLD, size)
        for x, heading in zip(self.columns, HEADINGS, strict=True):
            canvas.drawString(x, baseline, heading)
        decision_x = self.columns[-1]
        y = top - self.heading_height
        canvas.setStrokeColor(theme.INK)
        canvas.setLineWidth(0.9)
        canvas.line(0, y, self.width, y)
        if not self.items:
            canvas.setFont(FONT, size)
            canvas.setFillColor(theme.INK)
            canvas.drawString(MARKER_ROOM, y - PADDING - size,
                              "None: every touchpoint has exactly one owner.")
            return
        from cxmatrix.interchange.pdf.chart import draw_marker  # chart imports this module
        for item, lines in zip(self.items[:self.shown], self.rows, strict=False):
            height = self._row_height(lines)
            bottom = y - height
            # The write-in column: a pale box with a rule to write on.
            canvas.setFillColor(theme.WHITE)
            canvas.setStrokeColor(theme.RULE)
            canvas.setLineWidth(0.6)
            canvas.rect(decision_x, bottom + 1.5, self.width - decision_x, height - 3,
                        stroke=1, fill=1)
            draw_marker(canvas, item.code, 6, y - PADDING - size * 0.4)
            first = y - PADDING - size * 0.85
            for x, font, colour, column in zip(
                    self.columns[:4], (BOLD, FONT, FONT, FONT),
                    (theme.INK, theme.MUTED, theme.INK, theme.INK), lines, strict=True):
                canvas.setFont(font, size)
                canvas.setFillColor(colour)
                for index, line in enumerate(column):
                    canvas.drawString(x, first - index * self.leading, line)
            if self.link:
                canvas.linkRect("", touchpoint_anchor(item.touchpoint.id),
                                (0, bottom, decision_x - 4, y), relative=1, thickness=0)
            canvas.setStrokeColor(theme.HAIRLINE)
            canvas.setLineWidth(0.4)
            canvas.line(0, bottom, decision_x - 4, bottom)
            y = bottom
        rest = len(self.items) - self.shown
        if rest:
            baseline = y - PADDING - size
            x, yy = canvas.absolutePosition(MARKER_ROOM, baseline)
            text = f"and {rest:,} more"

            def draw_more(late: Canvas, anchors: dict[str, int], x: float = x,
                          y: float = yy, text: str = text) -> None:
                page = anchors.get(FINDINGS_ANCHOR)
                late.saveState()
                late.setFont(BOLD, size)
                late.setFillColor(theme.INK)
                full = f"{text}, page {page}" if page else text
                late.drawString(x, y, full)
                width = late.stringWidth(full, BOLD, size)
                late.setFont(FONT, size)
                late.setFillColor(theme.MUTED)
                late.drawString(x + width, y, "  (all findings, grouped by kind)")
                late.restoreState()

            draw_late = getattr(canvas, "draw_late", None)
            if draw_late is not None:
                draw_late(draw_more)
            else:
                canvas.setFont(BOLD, size)
                canvas.drawString(MARKER_ROOM, baseline, fit(text, BOLD, size, self.width))
