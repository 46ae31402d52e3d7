"""The status bar's parts: a legend of the three roles and the matrix's counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from cxmatrix.domain.findings import NO_OWNER, SEVERAL_OWNERS
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.ui.grid.model import ROLE_FILL, ROLE_INK

if TYPE_CHECKING:
    from cxmatrix.store import Document


def status_text(document: Document) -> str:
    """"120 touchpoints · 9 departments · 83% with exactly one owner · 4 error findings".

    Errors are counted as findings, as in the findings dock ("4 errors · 2 warnings · 19 info"),
    so the two always agree (one touchpoint can have two error findings)."""
    matrix = document.matrix
    counts = document.findings.counts()
    total = matrix.touchpoint_count
    single = total - counts[NO_OWNER] - counts[SEVERAL_OWNERS]
    share = f"{round(100 * single / total)}%" if total else "–"
    errors = document.findings.severity_counts()[Severity.ERROR]
    return (f"{total:,} touchpoint{'s' if total != 1 else ''} · "
            f"{len(matrix.departments)} department{'s' if len(matrix.departments) != 1 else ''}"
            f" · {share} with exactly one owner · {errors:,} error finding"
            f"{'s' if errors != 1 else ''}")


class LegendWidget(QWidget):
    """O Own · I Influence · H Handle, drawn with the grid's colours."""

    CHIP = 18
    GAP = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleLegend")
        self.setToolTip("\n".join(f"{r.letter} = {r.label}: {r.meaning}" for r in Role))

    def _layout(self) -> list[tuple[Role, QRect, QRect]]:
        metrics = self.fontMetrics()
        x = 2
        parts = []
        for role in Role:
            chip = QRect(x, (self.height() - self.CHIP) // 2, self.CHIP, self.CHIP)
            width = metrics.horizontalAdvance(role.label)
            label = QRect(chip.right() + 5, 0, width, self.height())
            parts.append((role, chip, label))
            x = label.right() + 3 * self.GAP
        return parts

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = sum(self.CHIP + 5 + metrics.horizontalAdvance(r.label) + 3 * self.GAP
                    for r in Role)
        return QSize(width, max(self.CHIP + 4, metrics.height()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        bold = QFont(self.font())
        bold.setBold(True)
        for role, chip, label in self._layout():
            painter.fillRect(chip, ROLE_FILL[role])
            painter.setPen(ROLE_INK[role])
            painter.setFont(bold)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, role.letter)
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.setFont(self.font())
            painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, role.label)
        painter.end()
