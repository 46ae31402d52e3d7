"""The details dock: the current touchpoint's fields, the current cell's note and the
comments of both (``comments_box``).

Each field commits when editing finishes (Enter or leaving the field), as one undoable
command naming the field; the form refreshes when the Session says the touchpoint changed.
``commit_pending`` commits whatever is still being typed, for the window to call before it
closes, opens another file, imports or exports: what the user typed is never dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.model import CATEGORIES, CHANNELS, Matrix
from cxmatrix.ui import commands
from cxmatrix.ui.grid.layers import CURRENT_LAYER, GridLayer
from cxmatrix.ui.panels.comments_box import CommentsBox
from cxmatrix.ui.session import Session

if TYPE_CHECKING:
    from cxmatrix.domain.changes import MatrixChange


class _CommitOnFocusOut(QObject):
    """Calls back when a multi-line editor loses focus (it has no editingFinished)."""

    def __init__(self, editor: QPlainTextEdit, callback: object) -> None:
        super().__init__(editor)
        self.callback = callback
        editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.callback()  # type: ignore[operator]
        return False


def _text_box(parent: QWidget, name: str, height: int = 64) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def cell_heading(matrix: Matrix, layer: GridLayer, touchpoint_id: int,
                 department_id: int) -> str:
    """"Finance on Credit check: Own": the cell's role as the grid shows it. In Target, the
    target role, and today's too where it differs ("no role at target (today: Own)")."""
    where = (f"{matrix.department(department_id).name} on "
             f"{matrix.touchpoint(touchpoint_id).name}")
    today = matrix.role(touchpoint_id, department_id)
    today_text = today.label if today is not None else "no role"
    if not layer.edits_target:
        return f"{where}: {today_text}"
    target = matrix.target_role(touchpoint_id, department_id)
    target_text = target.label if target is not None else "no role"
    if target is today:
        return f"{where}: {target_text} at target, as today"
    return f"{where}: {target_text} at target (today: {today_text})"


class DetailsPanel(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.touchpoint_id: int | None = None
        self.department_id: int | None = None
        self.layer: GridLayer = CURRENT_LAYER
        self._loading = False
        self._shown: dict[str, str] = {}  # the fields' texts as last loaded
        # The edit commit_pending could not make: touchpoint, department, field, typed text.
        self.refused: tuple[int, int | None, str, str] | None = None

        self.touchpoint_box = QGroupBox("Touchpoint", self)
        form = QFormLayout(self.touchpoint_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(self.touchpoint_box)
        self.name.setObjectName("detailName")
        self.stage = QComboBox(self.touchpoint_box)
        self.stage.setObjectName("detailStage")
        self.category = QComboBox(self.touchpoint_box)
        self.category.setObjectName("detailCategory")
        self.category.setEditable(True)
        self.category.addItems(["", *CATEGORIES])
        self.channel = QComboBox(self.touchpoint_box)
        self.channel.setObjectName("detailChannel")
        self.channel.setEditable(True)
        self.channel.addItems(["", *CHANNELS])
        self.peak = QCheckBox("Peak moment", self.touchpoint_box)
        self.peak.setObjectName("detailPeak")
        self.end = QCheckBox("End moment", self.touchpoint_box)
        self.end.setObjectName("detailEnd")
        flags = QHBoxLayout()
        flags.addWidget(self.peak)
        flags.addWidget(self.end)
        flags.addStretch(1)
        # Not ``self.metric``: that would hide QWidget.metric(), which Qt calls to paint.
        self.metric_edit = QLineEdit(self.touchpoint_box)
        self.metric_edit.setObjectName("detailMetric")
        self.metric_edit.setPlaceholderText("How the owner measures it")
        self.description = _text_box(self.touchpoint_box, "detailDescription")
        self.notes = _text_box(self.touchpoint_box, "detailNotes")
        # Alt+letters chosen apart from the menu bar's (File, Edit, Matrix, View, Help) and
        # the other docks': Qt gives a letter claimed twice to neither.
        form.addRow("&Name:", self.name)
        form.addRow("Sta&ge:", self.stage)
        form.addRow("Ca&tegory:", self.category)
        form.addRow("&Channel:", self.channel)
        form.addRow("Moments:", flags)
        form.addRow("Metr&ic:", self.metric_edit)
        form.addRow("Desc&ription:", self.description)
        form.addRow("Notes:", self.notes)

        self.cell_box = QGroupBox("Cell note", self)
        cell_layout = QVBoxLayout(self.cell_box)
        self.cell_label = QLabel(self.cell_box)
        self.cell_label.setWordWrap(True)
        self.cell_note = _text_box(self.cell_box, "detailCellNote")
        self.cell_note.setPlaceholderText("A note on this department's role here")
        cell_layout.addWidget(self.cell_label)
        cell_layout.addWidget(self.cell_note)

        self.comments = CommentsBox(session, self)

        self.empty = QLabel("Select a touchpoint to see its details.", self)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        # The cell's note first: the touchpoint's fields are long, and a note placed below
        # them fell below the fold of a 900 px screen.
        layout.addWidget(self.cell_box)
        layout.addWidget(self.comments)
        layout.addWidget(self.touchpoint_box)
        layout.addStretch(1)

        self.name.editingFinished.connect(lambda: self._commit("name", self.name.text()))
        self.metric_edit.editingFinished.connect(
            lambda: self._commit("metric", self.metric_edit.text()))
        self.category.lineEdit().editingFinished.connect(
            lambda: self._commit("category", self.category.currentText()))
        self.category.activated.connect(
            lambda _i: self._commit("category", self.category.currentText()))
        self.channel.lineEdit().editingFinished.connect(
            lambda: self._commit("channel", self.channel.currentText()))
        self.channel.activated.connect(
            lambda _i: self._commit("channel", self.channel.currentText()))
        self.peak.toggled.connect(lambda on: self._commit("peak", on))
        self.end.toggled.connect(lambda on: self._commit("end", on))
        self.stage.activated.connect(self._move_to_stage)
        _CommitOnFocusOut(self.description, lambda: self._commit(
            "description", self.description.toPlainText()))
        _CommitOnFocusOut(self.notes, lambda: self._commit("notes", self.notes.toPlainText()))
        _CommitOnFocusOut(self.cell_note, self._commit_note)
        session.changed.connect(self._on_change)
        session.document_changed.connect(lambda: self.show_cell(None, None))
        self.show_cell(None, None)

    # ---- showing --------------------------------------------------------------------------

    def set_layer(self, layer: GridLayer) -> None:
        """Follow the state the grid shows (the cell heading names the target in Target)."""
        self.layer = layer
        self._load()

    def show_cell(self, touchpoint_id: int | None, department_id: int | None) -> None:
        self.touchpoint_id = touchpoint_id
        self.department_id = department_id
        self._load()

    def _load(self) -> None:
        document = self.session.document
        matrix = document.matrix if document is not None else None
        tid = self.touchpoint_id
        has_tp = matrix is not None and tid is not None and matrix.has_touchpoint(tid)
        self.empty.setVisible(not has_tp)
        self.touchpoint_box.setVisible(has_tp)
        has_cell = has_tp and self.department_id is not None and matrix is not None and (
            matrix.has_department(self.department_id))
        self.cell_box.setVisible(bool(has_cell))
        self.comments.setVisible(has_tp)
        self.comments.show_for(tid if has_tp else None,
                               self.department_id if has_cell else None)
        if not has_tp or matrix is None or tid is None:
            return
        read_only = self.session.read_only
        self._loading = True
        try:
            tp = matrix.touchpoint(tid)
            self.name.setText(tp.name)
            self.stage.clear()
            for stage in matrix.stages:
                self.stage.addItem(stage.name, stage.id)
            self.stage.setCurrentIndex(self.stage.findData(tp.stage_id))
            self.category.setCurrentText(tp.category)
            self.channel.setCurrentText(tp.channel)
            self.peak.setChecked(tp.peak)
            self.end.setChecked(tp.end)
            self.metric_edit.setText(tp.metric)
            for line in (self.name, self.metric_edit):
                line.setCursorPosition(0)  # show the start of long text, not its end
            if self.description.toPlainText() != tp.description:
                self.description.setPlainText(tp.description)
            if self.notes.toPlainText() != tp.notes:
                self.notes.setPlainText(tp.notes)
            for widget in (self.name, self.metric_edit):
                widget.setReadOnly(read_only)
            for box in (self.description, self.notes, self.cell_note):
                box.setReadOnly(read_only)
            for widget in (self.stage, self.category, self.channel, self.peak, self.end):
                widget.setEnabled(not read_only)
            if has_cell and self.department_id is not None:
                dept = matrix.department(self.department_id)
                self.cell_label.setText(cell_heading(matrix, self.layer, tid, dept.id))
                note = matrix.note(tid, dept.id)
                if self.cell_note.toPlainText() != note:
                    self.cell_note.setPlainText(note)
        finally:
            self._loading = False
        self._shown = self._texts()

    def _texts(self) -> dict[str, str]:
        """What the text fields show now, by field name ("note" for the cell note)."""
        return {"name": self.name.text(), "metric": self.metric_edit.text(),
                "category": self.category.currentText(), "channel": self.channel.currentText(),
                "description": self.description.toPlainText(),
                "notes": self.notes.toPlainText(), "note": self.cell_note.toPlainText()}

    def _on_change(self, change: MatrixChange) -> None:
        if change.rows_changed or change.columns_changed or change.names_changed or (
                self.touchpoint_id is not None
                and self.touchpoint_id in change.touched_touchpoints()):
            self._load()

    # ---- committing -----------------------------------------------------------------------

    def commit_pending(self) -> bool:
        """Commit every field the user has changed since it was loaded (text still being
        typed has not finished editing yet). Fields are compared with what they showed, not
        with the stored value, so a text the widget shows differently (line breaks) is not
        written back as an edit nobody made. False if an edit was refused (the session has
        said why); ``refused`` then says which, and the field shows the typed text again."""
        self.refused = None
        tid, dept = self.touchpoint_id, self.department_id
        if self._loading or tid is None:
            return True
        for field, text in self._texts().items():
            if text == self._shown.get(field):
                continue
            done = (self._commit_note() if field == "note"
                    else self._commit(field, text, keep_on_failure=True))
            if not done:
                self.refused = (tid, dept, field, text)
                self.show_refused()
                return False
        return True

    def show_refused(self) -> None:
        """Show the refused text again in its field, with the keyboard focus (a refused edit
        reloads the document, so the form may have been cleared or reloaded meanwhile)."""
        if self.refused is None:
            return
        tid, dept, field, text = self.refused
        if self.touchpoint_id != tid or self.department_id != dept:
            self.show_cell(tid, dept)
        widgets: dict[str, QWidget] = {
            "name": self.name, "metric": self.metric_edit, "category": self.category,
            "channel": self.channel, "description": self.description, "notes": self.notes,
            "note": self.cell_note}
        self._put_back(widgets[field], text)

    def _put_back(self, widget: QWidget, text: str) -> None:
        """Show the refused text again (a refused edit reloads the form) and focus it."""
        self._loading = True
        try:
            if isinstance(widget, QLineEdit):
                widget.setText(text)
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(text)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(text)
        finally:
            self._loading = False
        widget.setFocus()

    def _commit(self, field: str, value: object, *, keep_on_failure: bool = False) -> bool:
        """Commit one field's value; False if the edit was refused."""
        document = self.session.document
        tid = self.touchpoint_id
        if self._loading or document is None or tid is None or self.session.read_only:
            return True
        if not document.matrix.has_touchpoint(tid):
            return True
        current = getattr(document.matrix.touchpoint(tid), field)
        if value == current:  # untouched (even where the stored text has outer spaces)
            return True
        if isinstance(value, str):
            value = value.strip()
            if field == "name" and not value:
                self._load()  # an empty name is refused quietly: put the old one back
                return True
        if value == current:
            return True
        if self.session.execute(commands.UpdateTouchpoint(self.session, tid,
                                                          **{field: value})):
            return True
        if not keep_on_failure:
            self._load()
        return False

    def _move_to_stage(self, _position: int) -> None:
        document = self.session.document
        tid = self.touchpoint_id
        stage_id = self.stage.currentData()
        if self._loading or document is None or tid is None or stage_id is None:
            return
        if document.matrix.touchpoint(tid).stage_id == stage_id:
            return
        index = len(document.matrix.stage_touchpoint_ids(stage_id))
        if not self.session.execute(commands.MoveTouchpoint(self.session, tid, stage_id, index)):
            self._load()

    def _commit_note(self) -> bool:
        document = self.session.document
        tid, dept = self.touchpoint_id, self.department_id
        if self._loading or document is None or tid is None or dept is None:
            return True
        if self.session.read_only or not document.matrix.has_touchpoint(tid) or (
                not document.matrix.has_department(dept)):
            return True
        typed = self.cell_note.toPlainText()
        text = typed.strip()
        if typed == document.matrix.note(tid, dept) or text == document.matrix.note(tid, dept):
            return True
        return self.session.execute(commands.SetNote(self.session, tid, dept, text))

