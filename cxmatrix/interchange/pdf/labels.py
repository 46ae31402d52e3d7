"""Department column headings: horizontal when columns are wide, rotated when they are narrow,
and the department's short code when even that does not fit (with a key on the page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from cxmatrix.domain.model import Department
from cxmatrix.interchange.pdf.text import fit, one_line, width_of, wrap

HORIZONTAL_MIN_WIDTH = 46.0  # narrower columns get rotated headings
PADDING = 4.0


@dataclass(frozen=True, slots=True)
class ColumnLabel:
    lines: tuple[str, ...]
    is_code: bool


@dataclass(frozen=True, slots=True)
class HeadingLayout:
    """How the department headings of one chart (or heat map) are set."""

    rotated: bool
    height: float
    font: str
    size: float
    leading: float
    labels: dict[int, ColumnLabel]  # by department id

    def codes_used(self, departments: Sequence[Department]) -> list[Department]:
        return [d for d in departments if self.labels[d.id].is_code]


def _code(department: Department) -> ColumnLabel:
    return ColumnLabel((one_line(department.code) or "?",), True)


def _fits_in(text: str, font: str, size: float, width: float, max_lines: int
             ) -> tuple[str, ...] | None:
    """The lines of ``text`` if it fits whole (no word broken, nothing cut) in ``max_lines``
    lines of ``width``, else None."""
    words = text.split()
    if not words or any(width_of(word, font, size) > width for word in words):
        return None
    lines = wrap(text, font, size, width, max_lines + 1)
    return tuple(lines) if len(lines) <= max_lines else None


def heading_layout(departments: Sequence[Department], column_width: float, font: str,
                   size: float, max_height: float, min_height: float = 28.0
                   ) -> HeadingLayout:
    """Choose horizontal or rotated headings and the label of every department.

    Horizontal headings when the columns are wide and every name fits whole in three lines;
    otherwise rotated ones, whichever needs fewer short codes.
    """
    leading = size * 1.18
    rotated = _rotated(departments, column_width, font, size, leading, max_height, min_height)
    if column_width < HORIZONTAL_MIN_WIDTH:
        return rotated
    horizontal = _horizontal(departments, column_width, font, size, leading, max_height,
                             min_height)
    horizontal_codes = len(horizontal.codes_used(departments))
    if horizontal_codes and len(rotated.codes_used(departments)) < horizontal_codes:
        return rotated
    return horizontal


def _horizontal(departments: Sequence[Department], column_width: float, font: str,
                size: float, leading: float, max_height: float, min_height: float
                ) -> HeadingLayout:
    max_lines = max(1, min(3, int((max_height - 2 * PADDING) // leading)))
    labels: dict[int, ColumnLabel] = {}
    for dept in departments:
        lines = _fits_in(dept.name, font, size, column_width - PADDING, max_lines)
        labels[dept.id] = ColumnLabel(lines, False) if lines else _code(dept)
    tallest = max((len(label.lines) for label in labels.values()), default=1)
    height = max(min_height, tallest * leading + 2 * PADDING)
    return HeadingLayout(False, height, font, size, leading, labels)


def _rotated(departments: Sequence[Department], column_width: float, font: str, size: float,
             leading: float, max_height: float, min_height: float) -> HeadingLayout:
    length = max_height - 2 * PADDING
    two_lines = column_width >= 2 * leading + 2
    labels: dict[int, ColumnLabel] = {}
    longest = 0.0
    for dept in departments:
        name = one_line(dept.name)
        if width_of(name, font, size) <= length:
            label = ColumnLabel((name,), False)
        else:
            lines = _fits_in(name, font, size, length, 2) if two_lines else None
            label = ColumnLabel(lines, False) if lines else _code(dept)
        labels[dept.id] = label
        longest = max(longest, *(width_of(line, font, size) for line in label.lines))
    height = min(max_height, max(min_height, longest + 2 * PADDING))
    return HeadingLayout(True, height, font, size, leading, labels)


def draw_label(canvas: Canvas, layout: HeadingLayout, label: ColumnLabel, x: float,
               bottom: float, width: float) -> None:
    """Draw one heading in the column [x, x + width], above ``bottom``."""
    size, leading = layout.size, layout.leading
    canvas.setFont(layout.font, size)
    count = len(label.lines)
    if layout.rotated:
        canvas.saveState()
        block = (count - 1) * leading
        first = x + width / 2 - block / 2 + size * 0.35
        canvas.translate(first, bottom + PADDING)
        canvas.rotate(90)
        for index, line in enumerate(label.lines):
            canvas.drawString(0, -index * leading, line)
        canvas.restoreState()
        return
    # Horizontal headings sit on the bottom of the header, centred.
    y = bottom + PADDING + (count - 1) * leading + size * 0.2
    for line in label.lines:
        canvas.drawCentredString(x + width / 2, y, fit(line, layout.font, size, width - 2))
        y -= leading


def code_key(departments: Sequence[Department], font: str, size: float, width: float,
             max_lines: int = 2) -> list[str]:
    """'Codes: CS Customer Success · FIN Finance …' wrapped into at most ``max_lines``."""
    if not departments:
        return []
    entries = [f"{one_line(d.code)} = {fit(d.name, font, size, min(width / 3, 220))}"
               for d in departments]
    return wrap("Codes: " + "  ·  ".join(entries), font, size, width, max_lines)
