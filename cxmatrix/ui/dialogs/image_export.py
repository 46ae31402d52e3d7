"""File > Export as Image: which page of the report becomes a PNG for slides, on which page
size and at which scale. The dialog only collects choices (``ImageOptions``);
cxmatrix.ui.transfer writes the image through cxmatrix.interchange.pdf.image.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.model import Matrix
from cxmatrix.ui.dialogs.pdf_export import default_page_size

PAGE_SIZE_LABELS = {"a4": "A4", "letter": "US Letter", "a3": "A3", "tabloid": "Tabloid"}


@dataclass(frozen=True)
class ImageOptions:
    page: str = "summary"  # summary, chart or lens
    lens: str | None = None  # the department of a lens page
    page_size: str = "a4"
    scale: float = 2.0  # pixels per PDF point
    fit_page: bool = False
    only_findings: bool = False


class ImageExportDialog(QDialog):
    """Choose the page (summary, chart, a department's lens), the page size and the scale."""

    def __init__(self, matrix: Matrix, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageExportDialog")
        self.setWindowTitle("Export as Image")
        intro = QLabel(f"Save a page of the PDF report as the PNG image <b>"
                       f"{_escape(file_name)}</b>, for slides. A section of several pages "
                       "gives one numbered image per page.", self)
        intro.setWordWrap(True)
        self.page = QComboBox(self)
        self.page.setObjectName("imagePage")
        self.page.addItem("Executive summary", ("summary", None))
        self.page.addItem("Responsibility chart", ("chart", None))
        focus = matrix.focus_department
        for department in ([focus] if focus else []) + [
                d for d in matrix.departments if d is not focus]:
            self.page.addItem(f"Lens: {department.name}", ("lens", department.name))
        self.page_size = QComboBox(self)
        self.page_size.setObjectName("imagePageSize")
        for size, label in PAGE_SIZE_LABELS.items():
            self.page_size.addItem(f"{label} (landscape)", size)
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(default_page_size())))
        self.scale = QDoubleSpinBox(self)
        self.scale.setObjectName("imageScale")
        self.scale.setRange(1.0, 4.0)
        self.scale.setSingleStep(0.5)
        self.scale.setDecimals(1)
        self.scale.setValue(2.0)
        self.scale.setSuffix(" x")
        self.scale.setToolTip("Pixels per PDF point: 2 x is sharp on a projector")
        self.fit_page = QCheckBox("&Fit chart to one page", self)
        self.only_findings = QCheckBox("Only touchpoints with &findings", self)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        export = buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        export.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Page:", self.page)
        form.addRow("Page &size:", self.page_size)
        form.addRow("S&cale:", self.scale)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.fit_page)
        layout.addWidget(self.only_findings)
        layout.addWidget(buttons)
        self.page.setFocus()

    def options(self) -> ImageOptions:
        page, lens = self.page.currentData()
        return ImageOptions(str(page), lens, str(self.page_size.currentData()),
                            float(self.scale.value()), self.fit_page.isChecked(),
                            self.only_findings.isChecked())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
