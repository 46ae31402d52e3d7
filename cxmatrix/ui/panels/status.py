"""The status bar's parts: a legend of the three roles (and of the planned-change mark), the
matrix's counts, and a notice that says what just happened with a button or two to act on it
("Deleted stage Onboarding and its 7 touchpoints [Undo]", "Exported demo.pdf [Open] [Show in
Folder]")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStatusBar,
    QToolButton,
    QWidget,
)

from cxmatrix.domain.findings import NO_OWNER, SEVERAL_OWNERS
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.ui.grid.model import ROLE_FILL, ROLE_INK
from cxmatrix.ui.grid.target_paint import paint_planned_corners

if TYPE_CHECKING:
    from cxmatrix.store import Document


def status_text(document: Document) -> str:
    """"120 touchpoints · 9 departments · 83% with exactly one owner · 4 error findings".

    Errors are counted as findings, as in the findings dock ("4 errors · 2 warnings · 19 info"),
    so the two always agree (one touchpoint can have two error findings). While a newly
    opened file's findings are being counted it says "checking for findings…"."""
    matrix = document.matrix
    total = matrix.touchpoint_count
    sizes = (f"{total:,} touchpoint{'s' if total != 1 else ''} · "
             f"{len(matrix.departments)} department{'s' if len(matrix.departments) != 1 else ''}")
    if document.findings.pending:  # counted on a worker thread after the first paint
        return f"{sizes} · checking for findings…"
    counts = document.findings.counts()
    single = total - counts[NO_OWNER] - counts[SEVERAL_OWNERS]
    share = f"{round(100 * single / total)}%" if total else "–"
    errors = document.findings.severity_counts()[Severity.ERROR]
    return (f"{sizes} · {share} with exactly one owner · {errors:,} error finding"
            f"{'s' if errors != 1 else ''}")


class LegendWidget(QWidget):
    """O Own · I Influence · H Handle, drawn with the grid's colours; in Current, while the
    matrix has planned changes, also the corner mark those cells carry."""

    CHIP = 18
    GAP = 6
    PLANNED = "Planned change"
    PLANNED_TIP = ("Corner mark = Planned change: the target role differs from today's "
                   "(View > Target shows it; the Changes dock lists them)")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleLegend")
        self.planned = False
        self._update_tooltip()

    def set_planned(self, shown: bool) -> None:
        """Show or hide the planned-change mark (the grid shows it in Current only)."""
        if shown != self.planned:
            self.planned = shown
            self._update_tooltip()
            self.updateGeometry()
            self.update()

    def _update_tooltip(self) -> None:
        lines = [f"{r.letter} = {r.label}: {r.meaning}" for r in Role]
        self.setToolTip("\n".join([*lines, self.PLANNED_TIP] if self.planned else lines))

    def _layout(self) -> list[tuple[Role | None, QRect, QRect]]:
        metrics = self.fontMetrics()
        x = 2
        parts: list[tuple[Role | None, QRect, QRect]] = []
        entries: list[tuple[Role | None, str]] = [(role, role.label) for role in Role]
        if self.planned:
            entries.append((None, self.PLANNED))
        for role, text in entries:
            chip = QRect(x, (self.height() - self.CHIP) // 2, self.CHIP, self.CHIP)
            width = metrics.horizontalAdvance(text)
            label = QRect(chip.right() + 5, 0, width, self.height())
            parts.append((role, chip, label))
            x = label.right() + 3 * self.GAP
        return parts

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        labels = [r.label for r in Role] + ([self.PLANNED] if self.planned else [])
        width = sum(self.CHIP + 5 + metrics.horizontalAdvance(text) + 3 * self.GAP
                    for text in labels)
        return QSize(width, max(self.CHIP + 4, metrics.height()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        bold = QFont(self.font())
        bold.setBold(True)
        palette = self.palette()
        for role, chip, label in self._layout():
            if role is None:  # an empty cell with the grid's planned-change corner
                painter.fillRect(chip, palette.color(QPalette.ColorRole.Base))
                painter.setPen(palette.color(QPalette.ColorRole.Mid))
                painter.drawRect(chip.adjusted(0, 0, -1, -1))
                paint_planned_corners(painter, [chip], palette)
                text = self.PLANNED
            else:
                painter.fillRect(chip, ROLE_FILL[role])
                painter.setPen(ROLE_INK[role])
                painter.setFont(bold)
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, role.letter)
                text = role.label
            painter.setPen(palette.color(self.foregroundRole()))
            painter.setFont(self.font())
            painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


NOTICE_MS = 20_000


class StatusNotice(QWidget):
    """A message with buttons in the status bar; it goes away by itself after a while, when
    one of its buttons is used, or when the user closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusNotice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(6)
        self.label = QLabel(self)
        self.label.setObjectName("statusNoticeText")
        layout.addWidget(self.label)
        self._buttons: list[QPushButton] = []
        self.generation = 0  # counts the notices shown, so a stale one is not dismissed
        self._button_row = QHBoxLayout()
        self._button_row.setSpacing(4)
        layout.addLayout(self._button_row)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("statusNoticeClose")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button)
        layout.addStretch(1)  # the buttons keep their size, the rest of the bar stays empty
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_notice(self, text: str, buttons: list[tuple[str, Callable[[], object]]],
                    timeout_ms: int = NOTICE_MS) -> None:
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        self.generation += 1
        self.label.setText(text)
        for caption, slot in buttons:
            button = QPushButton(caption, self)
            button.setObjectName("statusNotice" + "".join(
                word.capitalize() for word in caption.replace("&", "").split()))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, act=slot: (self.dismiss(), act()))
            self._button_row.addWidget(button)
            self._buttons.append(button)
        bar = self.parentWidget()
        if isinstance(bar, QStatusBar):
            bar.clearMessage()  # a temporary message would hide the notice
        self.show()
        self._timer.start(timeout_ms)

    def button(self, caption: str) -> QPushButton | None:
        return next((b for b in self._buttons if b.text().replace("&", "") == caption), None)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def dismiss(self) -> None:
        self._timer.stop()
        self.hide()
