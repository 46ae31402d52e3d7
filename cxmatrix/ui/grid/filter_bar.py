"""The filter bar above the grid: text on touchpoint names, a stage, and "where <department>
<role>". It only describes the filter; the table model applies it in its row mapping."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role

TYPING_DELAY_MS = 150
TEXT_MIN_WIDTH = 180  # "Filter touchpoints" stays readable on a 1024 px window
COMBO_MIN_CHARACTERS = 9  # long stage and department names shrink the combo, not the text box
_NO_ROLE = "none"


class FilterBar(QWidget):
    """Emits ``changed(dict)`` with RowFilter fields: text, stage_id, department_id, role,
    any_role."""

    changed = Signal(object)  # a dict (object keeps the Role enum intact)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit(self)
        self.text.setObjectName("filterText")
        self.text.setPlaceholderText("Filter touchpoints by name (Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(TEXT_MIN_WIDTH)
        self.stage = QComboBox(self)
        self.stage.setObjectName("filterStage")
        self.stage.setToolTip("Show one stage only")
        self.department = QComboBox(self)
        self.department.setObjectName("filterDepartment")
        self.department.setToolTip("Show only touchpoints where this department has the role")
        self.role = QComboBox(self)
        self.role.setObjectName("filterRole")
        for role in Role:
            self.role.addItem(f"{role.label.lower()}s", role.value)
        self.role.addItem("has no role", _NO_ROLE)
        self.role.setToolTip("The role the chosen department has")
        for combo in (self.stage, self.department):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(COMBO_MIN_CHARACTERS)
        self.clear = QToolButton(self)
        self.clear.setObjectName("filterClear")
        self.clear.setText("Clear filters")
        self.clear.setToolTip("Show every touchpoint again")
        self.clear.clicked.connect(self.reset)
        where = QLabel("&Where", self)
        where.setBuddy(self.department)
        stage_label = QLabel("&Stage", self)
        stage_label.setBuddy(self.stage)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.text, 3)
        layout.addWidget(stage_label)
        layout.addWidget(self.stage, 1)
        layout.addWidget(where)
        layout.addWidget(self.department, 1)
        layout.addWidget(self.role)
        layout.addWidget(self.clear)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self._emit)
        self.text.textChanged.connect(lambda _t: self._typing.start())
        self.text.returnPressed.connect(self._emit)
        for combo in (self.stage, self.department, self.role):
            combo.currentIndexChanged.connect(self._emit)
        self.set_matrix(None)

    def _show_role(self) -> None:
        """The role choice only means something once a department is chosen: until then it
        is hidden, leaving its room to the text box."""
        self.role.setVisible(self.department.currentData() is not None)

    def set_matrix(self, matrix: Matrix | None) -> None:
        """Refill the stage and department choices, keeping the chosen ones if they remain."""
        for combo, items, everything in (
                (self.stage, matrix.stages if matrix else [], "all stages"),
                (self.department, matrix.departments if matrix else [], "any department")):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for item in items:
                combo.addItem(item.name, item.id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.blockSignals(False)
        self._show_role()

    def values(self) -> dict[str, object]:
        dept = self.department.currentData()
        role_value = self.role.currentData()
        return {
            "text": self.text.text(),
            "stage_id": self.stage.currentData(),
            "department_id": dept,
            "role": None if role_value == _NO_ROLE else Role(role_value),
            "any_role": dept is None,
        }

    def _emit(self, *_args: object) -> None:
        self._typing.stop()
        self._show_role()
        self.changed.emit(self.values())

    def reset(self) -> None:
        for widget in (self.stage, self.department, self.role, self.text):
            widget.blockSignals(True)
        self.text.clear()
        self.stage.setCurrentIndex(0)
        self.department.setCurrentIndex(0)
        self.role.setCurrentIndex(0)
        for widget in (self.stage, self.department, self.role, self.text):
            widget.blockSignals(False)
        self._emit()

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
