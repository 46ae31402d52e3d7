"""The Sign-off dock: would the other leaders agree?

One row per department: its sign-off state (with the header's mark), its lead and the date.
Below, for the chosen department, what changed since it agreed and the touchpoints it
disputes with the lead's comment and proposed role. Clicking a department goes to its column,
clicking a dispute or a change to its cell. The buttons record an agreement (the lead's name
and the day: also how a lead signs off on the team server, where the server lets a lead sign
only their own departments and its refusal is shown here), mark a department asked, or clear
its record; each is one undo step (``ui/signoff_commands``).

The states come from the document's sign-off index (``domain/signoff_index``), which follows
edits cell by cell; the panel repaints only the rows of the departments a change record can
have touched, so an edit at 20,000 touchpoints x 50 departments costs a few rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.signoff import DepartmentSignOff, SignOffState, summary_of
from cxmatrix.ui import signoff_commands
from cxmatrix.ui.session import Session
from cxmatrix.ui.signoff_marks import mark_icon, mark_of, tooltip_line

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange

_ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole
COLUMNS = ("Department", "Sign-off", "Lead", "Date")
SIZE_HINT_HEIGHT = 380
FITTED_ROWS = 10  # the table's height fits this many departments; more scroll
MINIMUM_TABLE_HEIGHT = 120


def _statuses(session: Session) -> list[DepartmentSignOff]:
    document = session.document
    return document.findings.signoffs.statuses() if document is not None else []


class SignOffTableModel(QAbstractTableModel):
    """The departments in matrix order with their sign-off (read-only)."""

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.department_ids: list[int] = []

    def reload(self) -> None:
        self.beginResetModel()
        document = self.session.document
        self.department_ids = ([d.id for d in document.matrix.departments]
                               if document is not None else [])
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.department_ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return COLUMNS[section]
        return None

    def status(self, row: int) -> DepartmentSignOff | None:
        document = self.session.document
        if document is None or not 0 <= row < len(self.department_ids):
            return None
        return document.findings.signoffs.status(self.department_ids[row])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        status = self.status(index.row())
        document = self.session.document
        if status is None or document is None:
            return None
        column = index.column()
        record = status.record
        if role == DISPLAY:
            if column == 0:
                return document.matrix.department(status.department_id).name
            if column == 1:
                return status.label
            if column == 2:
                return (record.lead if record is not None and record.lead
                        else document.matrix.department(status.department_id).lead)
            if column == 3:
                return record.when.isoformat() if record is not None and record.when else ""
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            mark = mark_of(status)
            return mark_icon(mark, QApplication.palette()) if mark is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            # Whole, where the row elides the department's or the lead's name.
            return detail_title(document.matrix.department(status.department_id).name, status)
        return None

    def row_of(self, department_id: int) -> int | None:
        try:
            return self.department_ids.index(department_id)
        except ValueError:
            return None

    def refresh_departments(self, department_ids: set[int]) -> None:
        for did in department_ids:
            row = self.row_of(did)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))


def detail_title(name: str, status: DepartmentSignOff) -> str:
    """"Sales: out of date (agreed by Daniel Okafor on 14 September 2026; 2 changes since)":
    the header's tooltip, with the department's name."""
    return tooltip_line(status).replace("Sign-off: ", f"{name}: ", 1)


@dataclass(frozen=True, slots=True)
class DetailItem:
    """One line under the table: a change since the agreement, or a disputed cell."""

    text: str
    touchpoint_id: int | None
    tooltip: str = ""


class DetailListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[DetailItem] = []

    def set_items(self, items: list[DetailItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == DISPLAY:
            return item.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip or item.text
        return None


class SignOffDialog(QDialog):
    """The lead's name and the day, for recording an agreement or marking a department
    asked."""

    def __init__(self, title: str, lead: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.lead = QLineEdit(lead, self)
        self.lead.setObjectName("signoffLead")
        self.day = QDateEdit(QDate.currentDate(), self)
        self.day.setObjectName("signoffDate")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("d MMMM yyyy")
        form = QFormLayout(self)
        form.addRow("&Lead:", self.lead)
        form.addRow("&Date:", self.day)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, date]:
        day = self.day.date()
        return self.lead.text().strip(), date(day.year(), day.month(), day.day())


class SignOffPanel(QWidget):
    department_selected = Signal(int)
    cell_selected = Signal(int, int)  # touchpoint id, department id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel(self)
        self.summary.setObjectName("signoffSummary")
        self.summary.setWordWrap(True)
        self.model = SignOffTableModel(session, self)
        self.table = QTableView(self)
        self.table.setObjectName("signoffTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # One line a department, names elided (the tooltip has them whole), so a matrix of
        # nine departments fits the dock's default height without scrolling.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        for column, mode in enumerate((QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.table.clicked.connect(lambda index: self._department_clicked(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_details())
        # The table shrinks when a department with something to list is chosen (the list
        # shows under it): the chosen row stays in view.
        self.table.verticalScrollBar().rangeChanged.connect(self._keep_current_in_view)
        self.details_title = QLabel(self)
        self.details_title.setObjectName("signoffDetailsTitle")
        self.details_title.setWordWrap(True)
        self.details = DetailListModel(self)
        self.details_view = QListView(self)
        self.details_view.setObjectName("signoffDetails")
        self.details_view.setModel(self.details)
        self.details_view.setWordWrap(True)
        self.details_view.setSpacing(2)
        self.details_view.setAlternatingRowColors(True)
        self.details_view.clicked.connect(lambda index: self._detail_clicked(index.row()))
        # Short labels: the dock is 280-340 pixels wide on a laptop.
        self.agree_button = QPushButton("&Agreed…", self)
        self.agree_button.setToolTip("Record that the department's lead agrees with its "
                                     "column as it is now (today and target)")
        self.asked_button = QPushButton("As&ked…", self)
        self.asked_button.setToolTip("Record that the lead was asked to review the column")
        self.clear_button = QPushButton("C&lear", self)
        self.clear_button.setToolTip("Withdraw the department's sign-off record")
        self.agree_button.clicked.connect(self.ask_agreement)
        self.asked_button.clicked.connect(self.ask_asked)
        self.clear_button.clicked.connect(self.clear_selected)
        self.message = QLabel(self)
        self.message.setObjectName("signoffMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #B3261E;")
        self.message.hide()
        buttons = QHBoxLayout()
        for button in (self.agree_button, self.asked_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Small minimums: the dock shares its height with the details below it.
        self.details_view.setMinimumHeight(40)
        # The table asks for its rows (up to FITTED_ROWS, _fit_rows) and gets them first; the
        # details below take what is left.
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.details_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.details_title)
        layout.addWidget(self.details_view, 1)
        layout.addStretch(0)  # takes the room when the details list is hidden
        session.changed.connect(self._on_change)
        session.document_changed.connect(self.reload)
        session.findings_ready.connect(self.reload)  # which departments are idle
        session.failed.connect(self._on_failed)
        self._acting = False
        self.reload()

    def sizeHint(self) -> QSize:
        # No taller than the findings panel asks: the tab group shares its height with the
        # details dock, which needs room for a cell's note.
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), SIZE_HINT_HEIGHT))

    # ---- following the document ------------------------------------------------------------

    def reload(self) -> None:
        self.model.reload()
        self._fit_rows()
        self._update_summary()
        self._show_details()
        self._update_buttons()

    def _fit_rows(self) -> None:
        """The table asks for room for its rows, up to FITTED_ROWS of them (more scroll)."""
        rows = max(3, min(self.model.rowCount(), FITTED_ROWS))
        height = (self.table.horizontalHeader().sizeHint().height()
                  + rows * self.table.verticalHeader().defaultSectionSize()
                  + 2 * self.table.frameWidth())
        self.table.setMinimumHeight(min(height, MINIMUM_TABLE_HEIGHT))
        self.table.setMaximumHeight(height)

    def _on_change(self, change: MatrixChange) -> None:
        document = self.session.document
        if document is None:
            return
        if change.everything or change.columns_changed:
            selected = self.selected_department()
            self.reload()
            if selected is not None:
                self.select_department(selected)
            return
        matrix = document.matrix
        if not (matrix.signoffs or change.signoffs):
            return
        if change.touchpoints_inserted or change.touchpoints_removed or change.touchpoints:
            touched = set(matrix.signoffs)
        else:
            touched = {d for _, d in change.cells | change.targets if d in matrix.signoffs}
        touched |= change.signoffs | change.departments
        if not touched:
            return
        self.model.refresh_departments(touched)
        self._update_summary()
        selected = self.selected_department()
        if selected is not None and selected in touched:
            self._show_details()

    def _update_summary(self) -> None:
        document = self.session.document
        if document is None or not document.matrix.departments:
            self.summary.setText("No departments yet.")
            return
        matrix = document.matrix
        if not matrix.signoffs:
            self.summary.setText("No department has been asked to sign off yet.")
            return
        # The departments whose agreement counts: those with a role today (the findings
        # index knows them without a pass over the cells) or a sign-off record.
        idle = {f.department_id for f in document.findings.idle_departments()}
        needed = [d.id for d in matrix.departments if d.id not in idle or d.id in matrix.signoffs]
        self.summary.setText(summary_of(matrix, _statuses(self.session), needed) + ".")

    def _update_buttons(self) -> None:
        selected = self.selected_department()
        editable = selected is not None and not self.session.read_only
        for button in (self.agree_button, self.asked_button):
            button.setEnabled(editable)
        record = (self.session.matrix.signoffs.get(selected)
                  if editable and selected is not None else None)
        self.clear_button.setEnabled(record is not None)

    # ---- choosing ---------------------------------------------------------------------------

    def selected_department(self) -> int | None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.department_ids):
            return self.model.department_ids[row]
        return None

    def select_department(self, department_id: int) -> None:
        row = self.model.row_of(department_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _keep_current_in_view(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current)

    def _department_clicked(self, row: int) -> None:
        if 0 <= row < len(self.model.department_ids):
            self.department_selected.emit(self.model.department_ids[row])

    def _detail_clicked(self, row: int) -> None:
        selected = self.selected_department()
        if selected is None or not 0 <= row < len(self.details.items):
            return
        item = self.details.items[row]
        if item.touchpoint_id is not None and self.session.matrix.has_touchpoint(
                item.touchpoint_id):
            self.cell_selected.emit(item.touchpoint_id, selected)
        else:
            self.department_selected.emit(selected)

    def _show_details(self) -> None:
        self._update_buttons()
        selected = self.selected_department()
        document = self.session.document
        if selected is None or document is None:
            self.details_title.setText("Choose a department to see its sign-off.")
            self.details.set_items([])
            self.details_view.hide()
            return
        matrix = document.matrix
        status = document.findings.signoffs.status(selected)
        name = matrix.department(selected).name
        record = status.record
        items: list[DetailItem] = []
        if status.out_of_date:
            items = [DetailItem(c.text, c.touchpoint_id) for c in status.changes]
        elif record is not None and record.state is SignOffState.DISPUTED:
            for dispute in record.disputes:
                if not matrix.has_touchpoint(dispute.touchpoint_id):
                    continue
                proposed = (dispute.proposed.label if dispute.proposed is not None
                            else "no role")
                touchpoint = matrix.touchpoint(dispute.touchpoint_id).name
                comment = f": {dispute.comment}" if dispute.comment else ""
                items.append(DetailItem(f"{touchpoint} (proposes {proposed}){comment}",
                                        dispute.touchpoint_id))
        # The header's tooltip in every state ("Sales: out of date (agreed by ... on ...; 2
        # changes since)"); the list under it only when there is something to list, so that
        # an agreed department leaves the room to the table.
        self.details_title.setText(detail_title(name, status))
        self.details.set_items(items)
        self.details_view.setVisible(bool(items))

    # ---- acting -----------------------------------------------------------------------------

    def ask_agreement(self) -> None:
        selected = self.selected_department()
        if selected is None:
            return
        dialog = self._dialog("Record Agreement", selected)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record_agreement(selected, *dialog.values())

    def ask_asked(self) -> None:
        selected = self.selected_department()
        if selected is None:
            return
        dialog = self._dialog("Mark As Asked", selected)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.mark_asked(selected, *dialog.values())

    def _dialog(self, title: str, department_id: int) -> SignOffDialog:
        matrix = self.session.matrix
        record = matrix.signoffs.get(department_id)
        lead = (record.lead if record is not None and record.lead
                else matrix.department(department_id).lead)
        dialog = SignOffDialog(f"{title}: {matrix.department(department_id).name}", lead, self)
        self.dialog = dialog  # for tests
        return dialog

    def record_agreement(self, department_id: int, lead: str, when: date) -> bool:
        return self._execute(signoff_commands.record_agreement(self.session, department_id,
                                                               lead, when))

    def mark_asked(self, department_id: int, lead: str, when: date) -> bool:
        return self._execute(signoff_commands.mark_asked(self.session, department_id, lead,
                                                         when))

    def clear_selected(self) -> bool:
        selected = self.selected_department()
        if selected is None or selected not in self.session.matrix.signoffs:
            return False
        return self._execute(signoff_commands.withdraw(self.session, selected))

    def _execute(self, command: signoff_commands.SetSignOffs) -> bool:
        self.message.hide()
        self._acting = True
        try:
            return self.session.execute(command)
        finally:
            self._acting = False

    def _on_failed(self, title: str, message: str) -> None:
        """A refused sign-off (on the team server: a lead signing another department) is
        said here too, beside the buttons, not only in the window's message box."""
        if self._acting:
            self.message.setText(f"{title}: {message}")
            self.message.show()
