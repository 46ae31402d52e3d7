"""Small dialogs: the matrix properties and a department's name, short code and lead.

They only collect values; the window turns the accepted values into undoable commands.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from cxmatrix.domain.model import MAX_CODE_LENGTH, Department, Matrix


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class PropertiesDialog(QDialog):
    """Title, organisation, description, who prepared it and focus department of the
    matrix."""

    def __init__(self, matrix: Matrix, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Matrix properties")
        self.matrix = matrix
        self.title = QLineEdit(matrix.title, self)
        self.title.setObjectName("propertiesTitle")
        self.organisation = QLineEdit(matrix.organisation, self)
        self.organisation.setObjectName("propertiesOrganisation")
        self.description = QPlainTextEdit(matrix.description, self)
        self.description.setObjectName("propertiesDescription")
        self.description.setTabChangesFocus(True)
        self.prepared_by = QLineEdit(matrix.prepared_by, self)
        self.prepared_by.setObjectName("propertiesPreparedBy")
        self.prepared_by.setPlaceholderText("optional: the person who prepared the matrix")
        self.focus = QComboBox(self)
        self.focus.setObjectName("propertiesFocus")
        self.focus.addItem("(none)", None)
        for dept in matrix.departments:
            self.focus.addItem(dept.name, dept.id)
        self.focus.setCurrentIndex(max(0, self.focus.findData(matrix.focus_department_id)))
        form = QFormLayout(self)
        form.addRow("&Title:", self.title)
        form.addRow("&Organisation:", self.organisation)
        form.addRow("&Description:", self.description)
        form.addRow("&Prepared by:", self.prepared_by)
        form.addRow("&Focus department:", self.focus)
        form.addRow(_buttons(self))
        self.resize(520, 320)

    def changes(self) -> dict[str, object]:
        """Only what differs from the matrix now."""
        values: dict[str, object] = {
            "title": self.title.text().strip(),
            "organisation": self.organisation.text().strip(),
            "description": self.description.toPlainText().strip(),
            "prepared_by": " ".join(self.prepared_by.text().split()),
            "focus_department_id": self.focus.currentData(),
        }
        return {key: value for key, value in values.items()
                if value != getattr(self.matrix, key)}


class DepartmentDialog(QDialog):
    """A department's name, short code (for narrow headers) and lead."""

    def __init__(self, department: Department | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit department" if department else "Add department")
        self.department = department
        self.name = QLineEdit(department.name if department else "", self)
        self.name.setObjectName("departmentName")
        self.code = QLineEdit(department.code if department else "", self)
        self.code.setObjectName("departmentCode")
        self.code.setMaxLength(MAX_CODE_LENGTH)
        self.code.setPlaceholderText("derived from the name")
        self.lead = QLineEdit(department.lead if department else "", self)
        self.lead.setObjectName("departmentLead")
        self.lead.setPlaceholderText("optional")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Name:", self.name)
        form.addRow("Short &code:", self.code)
        form.addRow("&Lead:", self.lead)
        form.addRow(_buttons(self))
        # Room for a long department name and the whole placeholder of the code field.
        metrics = self.fontMetrics()
        for line in (self.name, self.code, self.lead):
            line.setMinimumWidth(max(metrics.horizontalAdvance("x" * 34),
                                     metrics.horizontalAdvance(line.placeholderText()) + 24))
        self.setMinimumWidth(self.sizeHint().width())

    def changes(self) -> dict[str, str]:
        values = {"name": self.name.text().strip(), "code": self.code.text().strip(),
                  "lead": self.lead.text().strip()}
        if self.department is None:
            return values
        return {key: value for key, value in values.items()
                if value != getattr(self.department, key)}
