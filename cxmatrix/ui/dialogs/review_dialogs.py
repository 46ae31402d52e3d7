"""The two dialogs of department sign-off by review pack.

:class:`SendForReviewDialog` (File > Send for Review…): which departments to ask, each lead's
name (prefilled from the department's lead), the day to answer by and the folder to write the
packs into; departments agreed and up to date start unticked, and ticking one (or a disputed
one) says what its new pack replaces. :class:`ApplyReviewDialog` (File > Apply Review…): per
returned pack what its lead said, agreement, disputes with their comments, proposed target
roles each with a check box, and what is missing, refused or flagged, naming file and cell.
The dialogs only decide; ``ui/review.py`` writes and applies.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.pack_review import LeadPlan, ReviewPlan
from cxmatrix.domain.signoff import (
    DepartmentSignOff,
    SignOffState,
    department_signoff,
    long_day,
    resend_note,
    short_day,
)

KEY_ROLE = Qt.ItemDataRole.UserRole
REFUSED_COLOUR = QColor("#b3261e")
MISSING_COLOUR = QColor("#8a5a00")
MUTED_COLOUR = QColor("#5d6d7e")


def _state_text(status: DepartmentSignOff) -> str:
    """"agreed 20 Nov, up to date", "out of date (agreed 14 Sep)", "disputed 24 Nov (2
    touchpoints)", "asked 1 Dec", "not asked"."""
    record = status.record
    if record is None:
        return status.label
    day = f" {short_day(record.when)}" if record.when is not None else ""
    if status.agreed:
        return f"agreed{day}, up to date"
    if status.out_of_date:
        return f"out of date (agreed{day})"
    if status.state is SignOffState.DISPUTED:
        count = len(record.disputes)
        return f"disputed{day} ({count} touchpoint{'' if count == 1 else 's'})"
    return f"asked{day}"


class SendForReviewDialog(QDialog):
    """Pick departments and leads, the due day and the folder; ``requests()`` after OK."""

    def __init__(self, matrix: Matrix, folder: str, parent: QWidget | None = None,
                 sender: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendForReviewDialog")
        self.setWindowTitle("Send for Review")
        self.matrix = matrix
        layout = QVBoxLayout(self)
        intro = QLabel("One workbook per department for its lead: they agree with the "
                       "department's column or dispute it, and send the file back for "
                       "File > Apply Review… Departments that agreed and are up to date "
                       "are left out; tick one to ask it again.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setObjectName("reviewDepartments")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Department", "Lead", "Sign-off now"])
        self.tree.setRootIsDecorated(False)
        self.leads: dict[int, QLineEdit] = {}
        self.items: dict[int, QTreeWidgetItem] = {}
        self.replaces: dict[int, str] = {}
        for dept in matrix.departments:
            status = department_signoff(matrix, dept.id)
            note = resend_note(status)
            if note is not None:
                self.replaces[dept.id] = note
            # Agreed and up to date: nothing to ask, and sending would replace the agreement.
            state = _state_text(status)
            item = QTreeWidgetItem([dept.name, "", state])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked if status.agreed
                               else Qt.CheckState.Checked)
            if note is not None:
                item.setToolTip(2, f"Sending a new pack {note}; the department is asked "
                                   "until it comes back (Edit > Undo brings the record back)")
            item.setData(0, KEY_ROLE, dept.id)
            self.tree.addTopLevelItem(item)
            lead = QLineEdit(dept.lead)
            lead.setObjectName(f"lead{dept.id}")
            lead.setPlaceholderText(f"the lead of {dept.name}")
            self.tree.setItemWidget(item, 1, lead)
            self.leads[dept.id] = lead
            self.items[dept.id] = item
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tree, 1)
        toggles = QHBoxLayout()
        for text, state in (("Select all", Qt.CheckState.Checked),
                            ("Select none", Qt.CheckState.Unchecked)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self._check_all(s))
            toggles.addWidget(button)
        toggles.addStretch(1)
        layout.addLayout(toggles)
        form = QFormLayout()
        self.due = QDateEdit(QDate.currentDate().addDays(14))
        self.due.setObjectName("reviewDue")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d MMMM yyyy")
        form.addRow("Please answer &by:", self.due)
        self.asker = QLineEdit(matrix.prepared_by if sender is None else sender)
        self.asker.setObjectName("reviewSender")
        self.asker.setPlaceholderText("who asks (shown on the cover)")
        form.addRow("Asked &by:", self.asker)
        row = QHBoxLayout()
        self.folder = QLineEdit(folder)
        self.folder.setObjectName("reviewFolder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Folder:", row)
        layout.addLayout(form)
        self.replacing = QLabel("")
        self.replacing.setObjectName("reviewReplaces")
        self.replacing.setWordWrap(True)
        self.replacing.setStyleSheet(f"color: {MISSING_COLOUR.name()}")
        layout.addWidget(self.replacing)
        self.problem = QLabel("")
        self.problem.setObjectName("reviewProblem")
        self.problem.setStyleSheet(f"color: {REFUSED_COLOUR.name()}")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Write Packs")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tree.itemChanged.connect(lambda *_: self._check())
        self.folder.textChanged.connect(lambda *_: self._check())
        self.resize(660, 580)  # nine departments without scrolling
        self._check()

    def _check_all(self, state: Qt.CheckState) -> None:
        for item in self.items.values():
            item.setCheckState(0, state)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the review packs",
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def chosen(self) -> list[int]:
        return [did for did, item in self.items.items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def _problem(self) -> str:
        if not self.chosen():
            return "Choose at least one department."
        folder = self.folder.text().strip()
        if not folder or not Path(folder).is_dir():
            return "Choose a folder that exists."
        return ""

    def replacing_text(self) -> str:
        """What the chosen departments' new packs replace (empty: nothing)."""
        notes = [f"{self.matrix.department(did).name}: {self.replaces[did]}"
                 for did in self.chosen() if did in self.replaces]
        if not notes:
            return ""
        them = "it" if len(notes) == 1 else "them"
        return ("Sending again makes the department asked until the new pack comes back. "
                + "; ".join(notes) + f". Edit > Undo brings {them} back.")

    def _check(self) -> None:
        self.replacing.setText(self.replacing_text())
        self.replacing.setVisible(bool(self.replacing.text()))
        problem = self._problem()
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def _accept(self) -> None:
        if not self._problem():
            self.accept()

    def due_day(self) -> date:
        day = self.due.date()
        return date(day.year(), day.month(), day.day())

    def requests(self) -> list[tuple[int, str]]:
        """(department id, lead) of every department chosen, left to right."""
        return [(did, self.leads[did].text().strip()) for did in self.chosen()]

    def folder_path(self) -> Path:
        return Path(self.folder.text().strip())


class ApplyReviewDialog(QDialog):
    """Shows a ReviewPlan per lead; ``accepted()`` gives the keys of the checked proposals."""

    def __init__(self, plan: ReviewPlan, matrix: Matrix, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("applyReviewDialog")
        self.setWindowTitle("Apply Review")
        self.plan = plan
        self.matrix = matrix
        self.proposals: dict[str, QTreeWidgetItem] = {}
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text())
        self.summary.setObjectName("applyReviewSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("applyReviewTree")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        for lead in plan.leads:
            self._add_lead(lead)
        self.tree.expandAll()
        layout.addWidget(self.tree, 1)
        self.accept_all = QCheckBox("Accept every proposed target role")
        self.accept_all.setObjectName("acceptAllProposals")
        self.accept_all.setEnabled(bool(self.proposals))
        self.accept_all.toggled.connect(self._toggle_all)
        layout.addWidget(self.accept_all)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tree.itemChanged.connect(lambda *_: self._update())
        self.resize(760, 520)
        self._update()

    def _summary_text(self) -> str:
        leads = self.plan.leads
        agreed = sum(1 for lead in leads if lead.agreed and not lead.refused)
        disputed = sum(1 for lead in leads if lead.disputes and not lead.refused)
        refused = len(self.plan.refused)
        parts = [f"{len(leads)} pack{'s' if len(leads) != 1 else ''}: {agreed} agreed",
                 f"{disputed} with disputes"]
        if refused:
            parts.append(f"{refused} refused")
        if self.plan.proposals:
            count = len(self.plan.proposals)
            parts.append(f"{count} proposed target role{'' if count == 1 else 's'} (check "
                         f"{'it' if count == 1 else 'those'} to accept)")
        return ", ".join(parts) + ". Applying is one step that Undo takes back."

    def _line(self, parent: QTreeWidgetItem, text: str, colour: QColor | None = None
              ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setToolTip(0, text)
        if colour is not None:
            item.setForeground(0, QBrush(colour))
        return item

    def _add_lead(self, lead: LeadPlan) -> None:
        head = QTreeWidgetItem(self.tree, [f"{lead.file} — {lead.summary}"
                                           if not lead.refused else lead.summary])
        font = QFont(head.font(0))
        font.setBold(True)
        head.setFont(0, font)
        head.setData(0, KEY_ROLE, lead.file)
        if lead.refused:
            head.setForeground(0, QBrush(REFUSED_COLOUR))
            return
        if lead.signoff is not None and lead.signoff.when is not None:
            self._line(head, f"Signed by {lead.signoff.lead or 'the lead'} on "
                             f"{long_day(lead.signoff.when)}", MUTED_COLOUR)
        for dispute in lead.disputes:
            name = (self.matrix.touchpoint(dispute.touchpoint_id).name
                    if self.matrix.has_touchpoint(dispute.touchpoint_id) else "(removed)")
            comment = f": “{dispute.comment}”" if dispute.comment else " (no comment)"
            self._line(head, f"Disputes {name}{comment}")
        for proposal in lead.proposals:
            comment = f" — “{proposal.comment}”" if proposal.comment else ""
            item = self._line(head, f"Proposed: {proposal.text}{comment}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            item.setData(0, KEY_ROLE, proposal.key)
            item.setToolTip(0, proposal.where)
            self.proposals[proposal.key] = item
        for line in lead.missing:
            self._line(head, f"Missing: {line}", MISSING_COLOUR)
        for line in lead.flags:
            self._line(head, f"Note: {line}", MUTED_COLOUR)

    def _toggle_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for item in self.proposals.values():
            item.setCheckState(0, state)

    def accepted_keys(self) -> set[str]:
        return {key for key, item in self.proposals.items()
                if item.checkState(0) == Qt.CheckState.Checked}

    def _update(self) -> None:
        signoffs, targets = self.plan.changes(self.accepted_keys())
        self.apply_button.setEnabled(bool(signoffs or targets))
        count = len(signoffs) + len(targets)
        self.apply_button.setText(f"Apply {count} change{'s' if count != 1 else ''}"
                                  if count else "Nothing to Apply")
