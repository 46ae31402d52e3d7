"""The PDF export options: page size and lens pages. (Opening the PDF afterwards is offered
by the same "Export finished" notice as every other format, in cxmatrix.ui.transfer.)

The dialog only collects choices (``PdfOptions``); cxmatrix.ui.transfer runs the export. It
works on a copy of the matrix, so the page count it computes on a worker thread can never
race an edit. Importing this module loads reportlab (through pdf_export): it is imported only
when a PDF is about to be exported.

Beside the options, a preview of page 1 as it will print: the real report is written to a
temporary PDF on a worker thread with the options chosen and page 1 rasterised
(cxmatrix.interchange.pdf.image); the GUI thread polls for it and shows it scaled to fit.
A change of options cancels the drawing under way and starts another, after a short pause so
that a run of changes draws once. A preview that cannot be made says "No preview", nothing
more: the export itself reports real errors.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.signoff import medium_day
from cxmatrix.domain.snapshots import SnapshotInfo, drift
from cxmatrix.interchange.pdf import export as pdf_export
from cxmatrix.interchange.pdf import image as pdf_image
from cxmatrix.interchange.pdf.theme import page_size as page_points

PAGE_SIZE_KEY = "export/pdf_page_size"
COUNT_LIMIT = 5000  # touchpoints above which the page count is not worked out
POLL_MS = 30
PREVIEW_PAUSE_MS = 200  # wait this long after a change of options before drawing
PREVIEW_WIDTH = 340  # logical pixels
NO_PREVIEW = "No preview"
# Territories (ISO codes) whose paper is US Letter; everywhere else uses A4.
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR"}


@dataclass(frozen=True)
class PdfOptions:
    page_size: str
    lenses: tuple[str, ...]  # department names, in matrix order
    fit_page: bool = False  # the chart as large as lets it fit on one page
    only_findings: bool = False  # only the touchpoints with an error or a warning
    with_target: bool = True  # the "From today to target" section (a matrix with a plan)
    compare_with: int | None = None  # a snapshot's id: its section instead


def default_page_size() -> str:
    """The size chosen last time, else Letter where Letter is the norm, else A4."""
    remembered = QSettings().value(PAGE_SIZE_KEY, "")
    if isinstance(remembered, str) and remembered in pdf_export.PAGE_SIZE_CHOICES:
        return remembered
    territory = QLocale.territoryToCode(QLocale().territory())
    return "letter" if territory in LETTER_TERRITORIES else "a4"


def page_count_text(overview: pdf_export.ChartOverview) -> str:
    pages = f"{overview.pages:,} page{'s' if overview.pages != 1 else ''}"
    if overview.department_parts > 1:
        return (f"The chart takes {pages}: the departments are split into "
                f"{overview.department_parts} parts of up to {overview.departments_per_page} "
                "side by side.")
    return f"The chart takes {pages}, plus the summary, findings and lens pages."


@dataclass
class _PreviewJob:
    """One drawing of the preview: cancelled through ``progress`` when the options change."""

    generation: int
    options: PdfOptions
    progress: Progress
    png: bytes | None = None
    finished: bool = False


class PdfExportDialog(QDialog):
    """Choose the page size and the lens pages of a PDF report."""

    def __init__(self, matrix: Matrix, file_name: str, parent: QWidget | None = None,
                 snapshots: Sequence[SnapshotInfo] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("pdfExportDialog")
        self.setWindowTitle("Export as PDF")
        self.matrix = matrix  # a copy: read from the page-count and preview threads too
        self.file_name = file_name
        # By (page size, fit to a page, only findings); None: the count failed.
        self._overviews: dict[tuple[str, bool, bool], pdf_export.ChartOverview | None] = {}
        self._counting: set[tuple[str, bool, bool]] = set()
        self._lock = threading.Lock()

        intro = QLabel(f"Export <b>{_escape(file_name)}</b> as a PDF report: an executive "
                       "summary, the chart, the findings and the lens pages chosen below.",
                       self)
        intro.setWordWrap(True)
        self.page_size = QComboBox(self)
        self.page_size.setObjectName("pdfPageSize")
        for size in pdf_export.PAGE_SIZE_CHOICES:
            self.page_size.addItem(f"{pdf_export.PAGE_SIZE_LABELS[size]} (landscape)", size)
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(default_page_size())))
        self.page_count = QLabel(self)
        self.page_count.setObjectName("pdfPageCount")
        self.page_count.setWordWrap(True)
        self.page_count.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.departments = QListWidget(self)
        self.departments.setObjectName("pdfLensDepartments")
        focus = matrix.focus_department_id
        for dept in matrix.departments:
            label = f"{dept.name} (focus)" if dept.id == focus else dept.name
            item = QListWidgetItem(label, self.departments)
            item.setData(Qt.ItemDataRole.UserRole, dept.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if dept.id == focus
                               else Qt.CheckState.Unchecked)
        self.departments.setMinimumHeight(160)
        self.all_button = QPushButton("&All", self)
        self.none_button = QPushButton("&None", self)
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button.clicked.connect(lambda: self._check_all(False))
        lens_buttons = QVBoxLayout()
        lens_buttons.addWidget(self.all_button)
        lens_buttons.addWidget(self.none_button)
        lens_buttons.addStretch(1)
        lens_row = QHBoxLayout()
        lens_row.addWidget(self.departments, 1)
        lens_row.addLayout(lens_buttons)
        lens_label = QLabel("&Lens pages for:", self)
        lens_label.setBuddy(self.departments)
        if not matrix.departments:
            self.departments.setEnabled(False)
            self.all_button.setEnabled(False)
            self.none_button.setEnabled(False)

        self.fit_page = QCheckBox("&Fit chart to one page", self)
        self.fit_page.setObjectName("pdfFitPage")
        self.only_findings = QCheckBox("Only touchpoints with &findings", self)
        self.only_findings.setObjectName("pdfOnlyFindings")
        self.with_target = QCheckBox("From today to &target (planned changes)", self)
        self.with_target.setObjectName("pdfWithTarget")
        self.with_target.setChecked(matrix.has_plan)
        self.with_target.setEnabled(matrix.has_plan)
        self.compare_with = QComboBox(self)
        self.compare_with.setObjectName("pdfCompareWith")
        self.compare_with.addItem("No snapshot", None)
        for info in snapshots:
            self.compare_with.addItem(f"{info.name} ({medium_day(info.taken)})", info.id)
        self.compare_with.setEnabled(bool(snapshots))
        self.drift = drift((s.name, s.taken, s.figures) for s in snapshots)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        export = buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        export.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self.preview = QLabel("Drawing the preview…", self)
        self.preview.setObjectName("pdfPreview")
        self.preview.setAccessibleName("Preview of page 1")
        # At the top, under its caption: centred, it floated far below "Page 1:".
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setMinimumSize(PREVIEW_WIDTH, round(PREVIEW_WIDTH / 1.42))
        self.preview_options: PdfOptions | None = None  # what the pixmap shown was drawn with
        self._preview_image = QPixmap()
        self._preview_job: _PreviewJob | None = None
        self._preview_generation = 0

        form = QFormLayout()
        form.addRow("Page &size:", self.page_size)
        form.addRow("", self.page_count)
        form.addRow("Compare &with:", self.compare_with)
        options = QVBoxLayout()
        options.addWidget(intro)
        options.addLayout(form)
        options.addWidget(lens_label)
        options.addLayout(lens_row, 1)
        options.addWidget(self.fit_page)
        options.addWidget(self.only_findings)
        options.addWidget(self.with_target)
        preview_column = QVBoxLayout()
        caption = QLabel("Preview of page 1, the executive summary:", self)
        caption.setObjectName("pdfPreviewCaption")
        preview_column.addWidget(caption)
        preview_column.addWidget(self.preview, 1)
        columns = QHBoxLayout()
        columns.addLayout(options, 1)
        columns.addLayout(preview_column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)
        self.page_size.setFocus()

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._show_page_count)
        self.page_size.currentIndexChanged.connect(lambda _i: self._update_page_count())
        self._update_page_count()

        self._preview_pause = QTimer(self)
        self._preview_pause.setSingleShot(True)
        self._preview_pause.setInterval(PREVIEW_PAUSE_MS)
        self._preview_pause.timeout.connect(self._start_preview)
        self._preview_poll = QTimer(self)
        self._preview_poll.setInterval(POLL_MS)
        self._preview_poll.timeout.connect(self._show_preview)
        self.page_size.currentIndexChanged.connect(lambda _i: self._options_changed())
        self.fit_page.toggled.connect(lambda _on: self._options_changed())
        self.only_findings.toggled.connect(lambda _on: self._options_changed())
        for box in (self.fit_page, self.only_findings):
            box.toggled.connect(lambda _on: self._update_page_count())
        self.departments.itemChanged.connect(lambda _item: self._options_changed())
        self._options_changed()
        self.resize(820, 460)

    # ---- choices ------------------------------------------------------------------------------

    def chosen_page_size(self) -> str:
        return str(self.page_size.currentData())

    def chosen_lenses(self) -> tuple[str, ...]:
        items = (self.departments.item(row) for row in range(self.departments.count()))
        return tuple(str(item.data(Qt.ItemDataRole.UserRole)) for item in items
                     if item.checkState() == Qt.CheckState.Checked)

    def options(self) -> PdfOptions:
        snapshot = self.compare_with.currentData()
        return PdfOptions(self.chosen_page_size(), self.chosen_lenses(),
                          fit_page=self.fit_page.isChecked(),
                          only_findings=self.only_findings.isChecked(),
                          with_target=self.with_target.isChecked(),
                          compare_with=int(snapshot) if snapshot is not None else None)

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.departments.count()):
            self.departments.item(row).setCheckState(state)

    def accept(self) -> None:
        settings = QSettings()
        settings.setValue(PAGE_SIZE_KEY, self.chosen_page_size())
        super().accept()

    def done(self, result: int) -> None:
        self._timer.stop()
        self._preview_pause.stop()
        self._preview_poll.stop()
        if self._preview_job is not None:
            self._preview_job.progress.cancel()
        super().done(result)

    # ---- the preview of page 1, drawn on a worker thread -------------------------------------

    def _options_changed(self) -> None:
        """Cancel the drawing under way; draw again once the options rest a moment."""
        if self._preview_job is not None and not self._preview_job.finished:
            self._preview_job.progress.cancel()
        self._preview_pause.start()

    def _start_preview(self) -> None:
        self._preview_generation += 1
        options = self.options()
        job = _PreviewJob(self._preview_generation, options, Progress())
        self._preview_job = job
        width, _height = page_points(options.page_size)
        pixels = PREVIEW_WIDTH * 2 * max(1.0, self.devicePixelRatioF())
        threading.Thread(target=self._draw_preview, args=(job, pixels / width),
                         name="cxmatrix-pdf-preview", daemon=True).start()
        self._preview_poll.start()

    def _draw_preview(self, job: _PreviewJob, scale: float) -> None:
        """On the worker thread: the real report in a temporary folder, page 1 as PNG."""
        png: bytes | None = None
        try:
            with tempfile.TemporaryDirectory(prefix="cxmatrix-preview-") as folder:
                path = Path(folder) / "preview.pdf"
                options = job.options
                pdf_export.write(self.matrix, path, source_name=self.file_name,
                                 page_size=options.page_size, lenses=options.lenses,
                                 fit_page=options.fit_page,
                                 only_findings=options.only_findings, drift=self.drift,
                                 progress=job.progress)
                job.progress.check()
                png = pdf_image.render_page_png(path, 0, scale)
        except Exception:  # cancelled, too large, no temporary folder: "No preview"
            png = None
        with self._lock:
            job.png = png
            job.finished = True

    def _show_preview(self) -> None:
        job = self._preview_job
        if job is None:
            self._preview_poll.stop()
            return
        with self._lock:
            finished, png = job.finished, job.png
        if not finished:
            return
        self._preview_poll.stop()
        if job.progress.cancelled:
            return  # a newer drawing follows
        image = QPixmap()
        if png is None or not image.loadFromData(png, "PNG"):
            self._preview_image = QPixmap()
            self.preview.clear()
            self.preview.setText(NO_PREVIEW)
            self.preview_options = None
            return
        self._preview_image = image
        self.preview_options = job.options
        self._fit_preview()

    def _fit_preview(self) -> None:
        if self._preview_image.isNull():
            return
        ratio = self.preview.devicePixelRatioF()
        room = self.preview.size() * ratio
        scaled = self._preview_image.scaled(
            QSize(max(1, room.width()), max(1, room.height())),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(ratio)
        self.preview.setPixmap(scaled)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_preview()

    def preview_ready(self) -> bool:
        """True once a preview of the options now chosen is shown."""
        return self.preview_options == self.options() and not self.preview.pixmap().isNull()

    # ---- the page count, worked out on a worker thread ---------------------------------------

    def _update_page_count(self) -> None:
        if self.matrix.touchpoint_count > COUNT_LIMIT:
            self.page_count.setText(f"{self.matrix.touchpoint_count:,} touchpoints: the chart "
                                    "runs to many pages.")
            return
        key = self._count_key()
        if self._show_page_count():
            return
        self.page_count.setText("Counting the pages…")
        with self._lock:
            if key in self._counting:
                return
            self._counting.add(key)
        threading.Thread(target=self._count, args=(key,), name="cxmatrix-page-count",
                         daemon=True).start()
        self._timer.start()

    def _count_key(self) -> tuple[str, bool, bool]:
        return (self.chosen_page_size(), self.fit_page.isChecked(),
                self.only_findings.isChecked())

    def _count(self, key: tuple[str, bool, bool]) -> None:
        size, fit_page, only_findings = key
        try:
            overview: pdf_export.ChartOverview | None = pdf_export.chart_overview(
                self.matrix, size, fit_page=fit_page, only_findings=only_findings)
        except Exception:  # only an estimate: the export itself reports real errors
            overview = None
        with self._lock:
            self._overviews[key] = overview
            self._counting.discard(key)

    def _show_page_count(self) -> bool:
        key = self._count_key()
        with self._lock:
            known = key in self._overviews
            overview = self._overviews.get(key)
            busy = bool(self._counting)
        if known:
            self.page_count.setText(page_count_text(overview) if overview is not None else "")
        if not busy:
            self._timer.stop()
        return known

    def page_count_ready(self) -> bool:
        with self._lock:
            return self._count_key() in self._overviews


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
