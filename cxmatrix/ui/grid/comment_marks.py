"""The grid's discreet mark of a cell with comments, and the words its tooltip adds.

A small speech-bubble dot in the bottom-right corner (the note takes the top-right, a planned
change the bottom-left): the text colour with a base-coloured rim, so it reads on every role
fill, in dark mode and in greyscale.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF
from PySide6.QtGui import QPainter, QPalette, QPen, QPolygonF

from cxmatrix.domain.model import Matrix


def comments_text(matrix: Matrix, touchpoint_id: int, department_id: int) -> str:
    """"2 comments, latest by Anna (Support): We hear about it first" (empty: none)."""
    comments = matrix.comments_on(touchpoint_id, department_id)
    if not comments:
        return ""
    latest = comments[-1]
    line = " ".join(latest.text.split())
    if len(line) > 80:
        line = line[:79] + "…"
    count = "1 comment" if len(comments) == 1 else f"{len(comments)} comments"
    return f"{count}, latest by {latest.author}: {line}"


def paint_comment_marks(painter: QPainter, cells: list[QRect], palette: QPalette) -> None:
    if not cells:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 1.25))
    painter.setBrush(palette.color(QPalette.ColorRole.Text))
    for rect in cells:
        size = max(5.0, min(8.0, rect.height() * 0.3))
        right, bottom = rect.right() - 2.0, rect.bottom() - 2.5
        bubble = QRectF(right - size, bottom - size * 0.8, size, size * 0.8)
        painter.drawRoundedRect(bubble, 1.5, 1.5)
        painter.drawPolygon(QPolygonF([QPointF(bubble.left() + 1.0, bubble.bottom() - 0.5),
                                       QPointF(bubble.left() + 1.0, bubble.bottom() + 2.0),
                                       QPointF(bubble.left() + 3.0, bubble.bottom() - 0.5)]))
    painter.restore()
