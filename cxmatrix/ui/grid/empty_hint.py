"""What to do first, shown in the grid's empty area while a matrix has no departments or no
touchpoints: a short text and buttons to add departments, add a touchpoint or import a
spreadsheet. It goes once the matrix has both (and never shows on a read-only file).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from cxmatrix.ui.grid.view import MatrixView

MARGIN = 24
MAX_WIDTH = 560


class EmptyHint(QFrame):
    add_department_requested = Signal()
    add_touchpoint_requested = Signal()
    import_requested = Signal()

    def __init__(self, grid: MatrixView) -> None:
        super().__init__(grid)
        self.setObjectName("emptyHint")
        self.grid = grid
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.text = QLabel(self)
        self.text.setObjectName("emptyHintText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.add_department = QPushButton("Add Department…", self)
        self.add_department.setObjectName("emptyHintAddDepartment")
        self.add_touchpoint = QPushButton("Add Touchpoint", self)
        self.add_touchpoint.setObjectName("emptyHintAddTouchpoint")
        self.import_button = QPushButton("Import a Spreadsheet…", self)
        self.import_button.setObjectName("emptyHintImport")
        self.add_department.clicked.connect(self.add_department_requested)
        self.add_touchpoint.clicked.connect(self.add_touchpoint_requested)
        self.import_button.clicked.connect(self.import_requested)
        buttons = QHBoxLayout()
        for button in (self.add_department, self.add_touchpoint, self.import_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.wanted = False  # the matrix lacks departments or touchpoints
        self.hide()
        model = grid.matrix_model
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.columnsInserted, model.columnsRemoved, model.layoutChanged):
            signal.connect(self.refresh)
        grid.session.document_changed.connect(self.refresh)
        grid.viewport().installEventFilter(self)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        session = self.grid.session
        document = session.document
        matrix = document.matrix if document is not None else None
        self.wanted = not (matrix is None or session.read_only or (
            matrix.departments and matrix.touchpoint_count))
        if not self.wanted or matrix is None:
            self.hide()
            return
        no_departments = not matrix.departments
        no_touchpoints = not matrix.touchpoint_count
        if no_departments and no_touchpoints:
            text = ("<b>This matrix is empty.</b> Start with the <b>departments</b> (the "
                    "columns: Sales, Support…), then add the <b>touchpoints</b> (the rows: "
                    "every place the customer meets you) to the stages. Or import the "
                    "spreadsheet you already keep (a RACI chart, a grid).")
        elif no_departments:
            text = ("<b>No departments yet.</b> Add the departments (the columns) to give "
                    "each touchpoint its owner.")
        else:
            text = ("<b>No touchpoints yet.</b> Add the touchpoints (the rows) to the stages: "
                    "every place the customer meets you.")
        self.text.setText(text)
        self.add_department.setVisible(no_departments)
        self.add_touchpoint.setVisible(no_touchpoints)
        self.place()

    def place(self) -> None:
        """Below the rows, in the middle of the free space (over the rows when none is left)."""
        grid = self.grid
        viewport = grid.viewport().geometry()  # in the grid's coordinates
        width = min(MAX_WIDTH, viewport.width() - 2 * MARGIN)
        self.setVisible(self.wanted and width >= 120)
        if self.isHidden():
            return
        self.raise_()
        self.setFixedWidth(width)
        height = self.heightForWidth(width) if self.hasHeightForWidth() else (
            self.sizeHint().height())
        height = max(height, self.minimumSizeHint().height())
        rows = grid.matrix_model.rowCount()
        used = grid.rowViewportPosition(rows - 1) + grid.rowHeight(rows - 1) if rows else 0
        top = viewport.top() + used + MARGIN
        if top + height > viewport.bottom() - MARGIN:
            top = max(viewport.top() + MARGIN, viewport.bottom() - MARGIN - height)
        self.setGeometry(viewport.left() + (viewport.width() - width) // 2, top, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.wanted:
            self.place()
        return False
