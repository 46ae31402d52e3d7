"""The import wizard: one page showing how a spreadsheet will import, every choice editable.

It shows what detection found (sheet, header row, touchpoint-name column, stages), which
columns are departments (each can be switched on or off), a live preview of the first rows as
they will import, the code mapping (each distinct code, how often it is used, and the role it
becomes, editable), and the cells and rows that will be skipped and why. A list-shaped file
(one row per touchpoint, departments named in "Owner", "Supporting teams"... columns) shows its
role columns and its touchpoint-field columns apart, and its mapping is by column. The user imports
into a new matrix or merges into the open one.

All the work is in ``cxmatrix.interchange.spreadsheet.importer``; this dialog only drives it.
The import itself runs off the GUI thread (``jobs.BackgroundJob``) with a progress dialog that
can be cancelled. On accept, ``import_result`` holds the ImportResult, ``merge`` says whether
to merge, and ``merge_plan`` (when merging) the changes to apply as one undoable step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.codes import MAPPING_PRESETS, Target
from cxmatrix.domain.merge import MergePlan, plan_merge
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.interchange.spreadsheet.importer import Inspection, import_inspection, inspect
from cxmatrix.interchange.spreadsheet.layout import GRID, Layout
from cxmatrix.interchange.spreadsheet.sheet_table import column_letter
from cxmatrix.palette import ROLE_FILL, ROLE_INK
from cxmatrix.ui.jobs import BackgroundJob

Index = QModelIndex | QPersistentModelIndex
NOT_UNDERSTOOD = "Not understood (skip)"
TARGET_CHOICES: list[tuple[str, Target | None]] = [
    (Target.OWN.label, Target.OWN),
    ("Own, or Influence if the row has an owner", Target.OWN_UNLESS_OWNED),
    (Target.INFLUENCE.label, Target.INFLUENCE),
    (Target.HANDLE.label, Target.HANDLE),
    (Target.NO_ROLE.label, Target.NO_ROLE),
    (NOT_UNDERSTOOD, None),
]
STAGES_NONE = -1
STAGES_HEADINGS = -2
# Touchpoint fields a column can fill, as the details panel names them.
FIELD_LABELS = {"channel": "channel", "category": "category", "description": "description",
                "metric": "metric", "notes": "notes", "peak": "peak moment",
                "end": "end moment"}
GRID_COLUMNS_TITLE = "Department columns (tick to import)"
LIST_COLUMNS_TITLE = "Columns: roles (tick to import) and touchpoint fields"
GRID_MAPPING_TITLE = "Codes found and the role each becomes"
LIST_MAPPING_TITLE = "Role columns and the role each gives the departments named"


def _target_label(target: Target | None) -> str:
    return next(label for label, value in TARGET_CHOICES if value is target)


# The dry run's report speaks of a done import; before anything is created, it is to come.
_FUTURE = (("Created ", "Will create "), ("Cells imported:", "Cells to import:"),
           ("Notes taken:", "Notes to take:"), ("Skipped ", "Will skip "),
           ("Left out ", "Will leave out "))


def _future_tense(line: str) -> str:
    for past, future in _FUTURE:
        if line.startswith(past):
            return future + line[len(past):]
    return line


GENERIC_READER_NOTE = (
    "Your changes switched this cxmatrix workbook to the generic spreadsheet reader: its "
    "target roles, actions, department codes and leads and its About details are not read "
    "(cancel and import the file again to read it back as exported).")


class _InspectionModel(QAbstractTableModel):
    """A table over one Inspection, reset whenever the user's choices give a new one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inspection: Inspection | None = None

    def set_inspection(self, inspection: Inspection) -> None:
        self.beginResetModel()
        self.inspection = inspection
        self.endResetModel()

    def rows_of(self, inspection: Inspection) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.inspection is None:
            return 0
        return self.rows_of(self.inspection)


class PreviewModel(_InspectionModel):
    """The first rows as they will import: sheet row, stage, touchpoint, one column per
    department showing the role's letter on the role's colour."""

    FIXED = ("Row", "Stage", "Touchpoint")

    def rows_of(self, inspection: Inspection) -> int:
        return len(inspection.preview)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.inspection is None:
            return 0
        return len(self.FIXED) + len(self.inspection.preview_departments)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal \
                or self.inspection is None:
            return None
        if section < len(self.FIXED):
            return self.FIXED[section]
        return self.inspection.preview_departments[section - len(self.FIXED)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.inspection is None:
            return None
        row = self.inspection.preview[index.row()]
        column = index.column()
        cell_role: Role | None = None
        if column >= len(self.FIXED):
            cell_role = row.roles[column - len(self.FIXED)]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row.sheet_row)
            if column == 1:
                return row.stage
            if column == 2:
                return row.touchpoint
            return cell_role.letter if cell_role else ""
        if role == Qt.ItemDataRole.BackgroundRole and cell_role is not None:
            from PySide6.QtGui import QColor

            return QColor(f"#{ROLE_FILL[cell_role.value]}")
        if role == Qt.ItemDataRole.ForegroundRole and cell_role is not None:
            from PySide6.QtGui import QColor

            return QColor(f"#{ROLE_INK[cell_role.value]}")
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= len(self.FIXED):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and cell_role is not None:
            return cell_role.label
        return None


class MappingModel(_InspectionModel):
    """Each distinct raw code, its count, and the role it maps to (editable)."""

    HEADERS = ("Code", "Cells", "Becomes")
    LIST_HEADERS = ("Column", "Departments named", "Becomes")

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard = wizard

    def rows_of(self, inspection: Inspection) -> int:
        return len(inspection.codes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            listed = self.inspection is not None and self.inspection.layout.shape != GRID
            return (self.LIST_HEADERS if listed else self.HEADERS)[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 2:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.inspection is None:
            return None
        use = self.inspection.codes[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (use.display, f"{use.count:,}", _target_label(use.target))[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and use.target is None:
            from PySide6.QtGui import QColor

            return QColor("#C0392B")
        if role == Qt.ItemDataRole.UserRole:
            return use.key
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 2 or self.inspection is None or \
                role != Qt.ItemDataRole.EditRole:
            return False
        target = next((t for label, t in TARGET_CHOICES if label == value), "missing")
        if target == "missing":
            return False
        use = self.inspection.codes[index.row()]
        self.wizard.change_code(use.key, target)  # type: ignore[arg-type]
        return True


class TargetDelegate(QStyledItemDelegate):
    """A mapping's role as a drop-down that is always shown (the view opens it as a
    persistent editor on every row), so it is plain that each row can be changed. A choice
    applies as soon as it is made."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        editor = QComboBox(parent)
        editor.setObjectName("mappingTarget")
        editor.addItems([label for label, _ in TARGET_CHOICES])
        editor.setToolTip("The role cells with this code get")
        # Applied once control returns to the event loop: the change rebuilds the table,
        # and with it this editor, which must not go while its own signal runs.
        place = QPersistentModelIndex(index)
        editor.activated.connect(lambda _i, e=editor: QTimer.singleShot(
            0, e, lambda: self._commit(e, place)))
        return editor

    def _commit(self, editor: QComboBox, place: QPersistentModelIndex) -> None:
        view = self.parent()
        # Unless the table was rebuilt meanwhile (the editor then belongs to no row).
        if isinstance(view, QAbstractItemView) and place.isValid() and (
                view.indexWidget(QModelIndex(place)) is editor):
            # The table is rebuilt by this choice and the editor thrown away: it must not
            # commit again when it loses the focus on its way out.
            editor.removeEventFilter(self)
            view.setFocus()
            self.commitData.emit(editor)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentText() != index.data(Qt.ItemDataRole.EditRole):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class ImportWizard(QDialog):
    """One page: detection, department columns, preview, mapping, skipped cells, target."""

    def __init__(self, source: Path | str | Inspection, parent: QWidget | None = None, *,
                 open_matrix: Matrix | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        inspection = source if isinstance(source, Inspection) else inspect(Path(source))
        self.inspection = inspection
        self.open_matrix = open_matrix
        self.import_result: ImportResult | None = None
        self.merge_plan: MergePlan | None = None
        self.job: BackgroundJob | None = None
        self._updating = False
        self.setWindowTitle(f"Import {inspection.path.name}")
        self._build()
        # Within the screen: at 1280x800 less a task bar and a title bar, 760 pixels put the
        # Import button below the bottom edge.
        room = self.screen().availableGeometry()
        self.resize(min(1100, room.width() - 40), min(760, room.height() - 70))
        self._show(inspection)

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        outer.addWidget(self.summary_label)
        self.generic_note = QLabel(GENERIC_READER_NOTE, objectName="genericReaderNote",
                                   wordWrap=True)
        self.generic_note.setStyleSheet("color: #8a5a00;")  # a caution, not an error
        self.generic_note.hide()
        outer.addWidget(self.generic_note)

        detected = QGroupBox("What was found")
        form = QFormLayout(detected)
        self.sheet_combo = QComboBox(objectName="sheetCombo")
        self.sheet_combo.activated.connect(self._sheet_chosen)
        form.addRow("&Sheet:", self.sheet_combo)
        self.table_combo = QComboBox(objectName="tableCombo")
        self.table_combo.setToolTip("The tables seen on this sheet; the matrix of role codes "
                                    "is chosen first")
        self.table_combo.activated.connect(self._table_chosen)
        form.addRow("Ta&ble:", self.table_combo)
        self.header_spin = QSpinBox(objectName="headerRowSpin")
        self.header_spin.setMinimum(1)
        self.header_spin.editingFinished.connect(self._header_chosen)
        form.addRow("&Headings in row:", self.header_spin)
        self.label_combo = QComboBox(objectName="labelColumnCombo")
        self.label_combo.activated.connect(self._label_chosen)
        form.addRow("&Touchpoint names in:", self.label_combo)
        self.stage_combo = QComboBox(objectName="stageCombo")
        self.stage_combo.activated.connect(self._stages_chosen)
        form.addRow("S&tages from:", self.stage_combo)
        self.preset_combo = QComboBox(objectName="presetCombo")
        for name, explanation in MAPPING_PRESETS.items():
            self.preset_combo.addItem(name, name)
            self.preset_combo.setItemData(self.preset_combo.count() - 1, explanation,
                                          Qt.ItemDataRole.ToolTipRole)
        self.preset_combo.activated.connect(self._preset_chosen)
        form.addRow("&Codes:", self.preset_combo)
        self.transposed_check = QCheckBox(objectName="transposedCheck")
        self.transposed_check.toggled.connect(self._transposed_chosen)
        form.addRow("", self.transposed_check)

        columns_box = QGroupBox(GRID_COLUMNS_TITLE)
        self.columns_box = columns_box
        columns_layout = QVBoxLayout(columns_box)
        self.columns_list = QListWidget(objectName="columnsList")
        self.columns_list.setMaximumHeight(150)
        self.columns_list.itemChanged.connect(self._column_toggled)
        columns_layout.addWidget(self.columns_list)

        top = QHBoxLayout()
        top.addWidget(detected, 2)
        top.addWidget(columns_box, 3)
        outer.addLayout(top, 0)

        preview_box = QGroupBox("Preview: the first rows as they will import")
        preview_layout = QVBoxLayout(preview_box)
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView(objectName="previewView")
        self.preview_view.setModel(self.preview_model)
        self.preview_view.verticalHeader().hide()
        self.preview_view.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 8)
        self.preview_view.setWordWrap(False)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.horizontalHeader().setDefaultSectionSize(96)
        # Room for at least six rows, more as the dialog grows: the preview is what the user
        # checks before importing (eight made the dialog taller than a 1280x800 screen).
        self.preview_view.setMinimumHeight(7 * (self.fontMetrics().height() + 8) + 4)
        preview_layout.addWidget(self.preview_view)
        outer.addWidget(preview_box, 5)

        bottom = QGridLayout()
        mapping_box = QGroupBox(GRID_MAPPING_TITLE)
        self.mapping_box = mapping_box
        mapping_layout = QVBoxLayout(mapping_box)
        self.mapping_model = MappingModel(self)
        self.mapping_view = QTableView(objectName="mappingView")
        self.mapping_view.setMinimumHeight(100)
        self.mapping_view.setModel(self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(2, TargetDelegate(self.mapping_view))
        self.mapping_view.verticalHeader().hide()
        self.mapping_view.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.mapping_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_view.verticalHeader().setDefaultSectionSize(
            max(self.fontMetrics().height() + 10, QComboBox().sizeHint().height() + 2))
        self.mapping_model.modelReset.connect(self._open_mapping_editors)
        mapping_layout.addWidget(self.mapping_view)
        self.mapping_note = QLabel(wordWrap=True)
        mapping_layout.addWidget(self.mapping_note)
        bottom.addWidget(mapping_box, 0, 0)
        skipped_box = QGroupBox("What will be imported, what skipped, and why")
        skipped_layout = QVBoxLayout(skipped_box)
        self.skipped_text = QPlainTextEdit(objectName="skippedText", readOnly=True)
        skipped_layout.addWidget(self.skipped_text)
        bottom.addWidget(skipped_box, 0, 1)
        outer.addLayout(bottom, 2)

        target_row = QHBoxLayout()
        self.new_radio = QRadioButton("Import into a &new matrix", objectName="newRadio")
        self.merge_radio = QRadioButton("&Merge into the open matrix (matched by name)",
                                        objectName="mergeRadio")
        self.new_radio.setChecked(True)
        self.merge_radio.setEnabled(self.open_matrix is not None)
        if self.open_matrix is None:
            self.merge_radio.setToolTip("No matrix is open")
        target_row.addWidget(self.new_radio)
        target_row.addWidget(self.merge_radio)
        target_row.addStretch(1)
        outer.addLayout(target_row)

        self.error_label = QLabel(objectName="errorLabel", wordWrap=True)
        self.error_label.setStyleSheet("color: #C0392B;")
        self.error_label.hide()
        outer.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    # ---- showing an inspection --------------------------------------------------------------

    def _show(self, inspection: Inspection) -> None:
        self._updating = True
        try:
            self.inspection = inspection
            layout = inspection.layout
            headers = layout.headers
            shape = "a grid (touchpoints down, departments across)" if layout.shape == GRID \
                else "a list (one row per touchpoint, departments named in role columns)"
            extra = " It is a workbook exported by cxmatrix: it reads back as it was." \
                if inspection.cxmatrix_workbook else ""
            encoding = inspection.text_format
            text_note = f" Text in {encoding['encoding']}, separated by " \
                        f"{encoding['delimiter']}." if encoding else ""
            self.summary_label.setText(
                f"<b>{inspection.path.name}</b>: read as {shape}.{extra}{text_note}")
            # A change of ticks, codes or layout turns a cxmatrix workbook into an ordinary
            # spreadsheet import; the user must not find out only after importing.
            self.generic_note.setVisible(inspection.cxmatrix_about is not None
                                         and not inspection.cxmatrix_workbook)
            self.sheet_combo.clear()
            for sheet in inspection.sheets:
                label = sheet.name + (" (hidden)" if sheet.hidden else "")
                self.sheet_combo.addItem(label, sheet.name)
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(inspection.sheet)))
            self.sheet_combo.setEnabled(len(inspection.sheets) > 1)
            self._fill_tables(inspection)
            self.header_spin.setMaximum(max(1, inspection.table.height))
            self.header_spin.setValue(layout.header_row + 1)
            self.label_combo.clear()
            self.stage_combo.clear()
            self.stage_combo.addItem("Stage heading rows", STAGES_HEADINGS)
            self.stage_combo.addItem("No stages (one stage)", STAGES_NONE)
            for column in range(len(headers)):
                header = headers[column]
                text = f"{column_letter(column)}: {header}" if header else column_letter(column)
                self.label_combo.addItem(text, column)
                self.stage_combo.addItem(f"Column {text}", column)
            self.label_combo.setCurrentIndex(self.label_combo.findData(layout.label_column))
            if layout.stage_column is not None:
                stage_data = layout.stage_column
            else:
                stage_data = STAGES_HEADINGS if layout.stage_rows else STAGES_NONE
            self.stage_combo.setCurrentIndex(self.stage_combo.findData(stage_data))
            self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(
                inspection.preset)))
            self.transposed_check.setText(
                "Touchpoints run &across the sheet (departments down)" if layout.shape == GRID
                else "Each row is a &department, its cells name touchpoints")
            self.transposed_check.setChecked(layout.transposed)
            self.header_spin.setPrefix("column " if layout.transposed and layout.shape == GRID
                                       else "")
            self.columns_list.clear()
            listed_shape = layout.shape != GRID
            self.columns_box.setTitle(LIST_COLUMNS_TITLE if listed_shape else GRID_COLUMNS_TITLE)
            self.mapping_box.setTitle(LIST_MAPPING_TITLE if listed_shape else GRID_MAPPING_TITLE)
            if listed_shape:
                self._fill_list_columns(layout)
            else:
                self._fill_grid_columns(layout)
            self.preview_model.set_inspection(inspection)
            self.preview_view.setColumnWidth(0, 48)
            self.preview_view.setColumnWidth(1, 170)
            self.preview_view.setColumnWidth(2, 260)
            metrics = self.preview_view.horizontalHeader().fontMetrics()
            for offset, name in enumerate(inspection.preview_departments):
                self.preview_view.setColumnWidth(
                    len(PreviewModel.FIXED) + offset,
                    min(180, max(48, metrics.horizontalAdvance(name) + 16)))
            self.mapping_model.set_inspection(inspection)
            self.mapping_view.resizeColumnToContents(0)
            self.mapping_view.resizeColumnToContents(1)
            self.mapping_note.setText(self._mapping_hint(inspection))
            self.skipped_text.setPlainText(self._skipped_lines(inspection))
            self._set_error("")
        finally:
            self._updating = False

    def _fill_tables(self, inspection: Inspection) -> None:
        """One entry per table seen on the sheet ("Rows 1-3: a list of names ('Deliverable',
        'Owner')"), the one read selected."""
        layout = inspection.layout
        self.table_combo.clear()
        if not layout.tables:
            self.table_combo.addItem("The only table on the sheet", -1)
            self.table_combo.setEnabled(False)
            return
        for index, table in enumerate(layout.tables):
            text = table.label()
            self.table_combo.addItem(text[:1].upper() + text[1:], index)
        self.table_combo.setCurrentIndex(layout.table_index)
        self.table_combo.setEnabled(True)

    def _fill_grid_columns(self, layout: Layout) -> None:
        """Grid: every candidate department column with a tick; field columns can be
        ticked to read them as departments instead."""
        headers = layout.headers
        items: list[tuple[int, QListWidgetItem]] = []
        listed = {c.index for c in layout.columns}
        attributes = {column: key for key, column in layout.attributes.items()}
        for column in sorted(attributes):
            if column in listed:
                continue
            item = QListWidgetItem(f"{column_letter(column)}: {headers[column]}  "
                                   f"(touchpoint {attributes[column]})")
            item.setData(Qt.ItemDataRole.UserRole, column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip("Read as the touchpoint's "
                            f"{attributes[column]}; tick to read it as a department")
            items.append((column, item))
        for choice in layout.columns:
            role = f" → {choice.target.label}" if choice.target else ""
            header = choice.header or "(no heading)"
            item = QListWidgetItem(f"{choice.letter}: {header}{role}"
                                   + ("" if choice.included else f"  ({choice.reason})"))
            item.setData(Qt.ItemDataRole.UserRole, choice.index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice.included
                               else Qt.CheckState.Unchecked)
            item.setToolTip(choice.reason)
            items.append((choice.index, item))
        for _, item in sorted(items, key=lambda pair: pair[0]):
            self.columns_list.addItem(item)

    def _fill_list_columns(self, layout: Layout) -> None:
        """List: the role columns (tick to import), then the columns read as touchpoint
        fields and the columns left out, each under its own heading, without ticks."""
        headers = layout.headers

        def heading(text: str) -> None:
            item = QListWidgetItem(text)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            item.setFlags(Qt.ItemFlag.NoItemFlags | Qt.ItemFlag.ItemIsEnabled)
            self.columns_list.addItem(item)

        def plain(text: str, tip: str) -> None:
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(tip)
            self.columns_list.addItem(item)

        heading("Role columns: the departments named get the role")
        for choice in layout.columns:
            header = choice.header or "(no heading)"
            role = choice.target.label if choice.target else "no role"
            item = QListWidgetItem(f"{choice.letter}: {header} → {role}")
            item.setData(Qt.ItemDataRole.UserRole, choice.index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice.included
                               else Qt.CheckState.Unchecked)
            item.setToolTip(f"The departments named in column {choice.letter} get {role} on "
                            "the row's touchpoint; untick to leave the column out")
            self.columns_list.addItem(item)
        if layout.attributes:
            heading("Touchpoint fields")
            for key, column in sorted(layout.attributes.items(), key=lambda pair: pair[1]):
                field = FIELD_LABELS.get(key, key)
                plain(f"{column_letter(column)}: {headers[column]} → {field}",
                      f"Read as each touchpoint's {field}")
        if layout.ignored_columns:
            heading("Not imported")
            for column, header, reason in layout.ignored_columns:
                plain(f"{column_letter(column)}: {header or '(no heading)'}  ({reason})", reason)

    def _open_mapping_editors(self) -> None:
        for row in range(self.mapping_model.rowCount()):
            self.mapping_view.openPersistentEditor(self.mapping_model.index(row, 2))

    @staticmethod
    def _mapping_hint(inspection: Inspection) -> str:
        """What the mapping does, in words. The preset's explanation ("I is read as
        Informed") holds only while the codes it names keep the preset's roles; once the
        user changes them, the hint says what they chose instead."""
        parts = []
        edited = {use.display: use.target for use in inspection.codes
                  if use.key in inspection.mapping_edits}
        explanation = inspection.mapping.explanation
        if explanation and not any(re.search(rf"\b{re.escape(code)}\b", explanation)
                                   for code in edited):
            parts.append(explanation)
        if edited:
            parts.append("Your choices: " + "; ".join(
                f"{code} is read as {_target_label(target)}" for code, target in edited.items())
                + ".")
        unknown = sum(1 for use in inspection.codes if use.target is None)
        if unknown:
            parts.append(f"{unknown} code(s) not understood: choose a role for them or they "
                         "are skipped.")
        return " ".join(parts)

    @staticmethod
    def _skipped_lines(inspection: Inspection) -> str:
        if inspection.cxmatrix_workbook:
            # Such a workbook is read by its own reader, not by the grid's trial run: that
            # one said "8 departments" and "Column S is not imported: no codes" of a
            # department planned at target, which the import then kept.
            if not inspection.dry_run_complete:
                return ("A workbook exported by cxmatrix, read back as it was; the report "
                        "after the import gives its figures.")
            try:
                lines = import_inspection(inspection).report[1:]
            except ImportFailed as error:
                return str(error)
            return "\n".join(_future_tense(line) for line in lines)
        report = inspection.report
        evidence = set(report.detected.get("evidence", []))
        lines = [_future_tense(line) for line in report.lines()[1:]
                 if line in evidence or line.startswith((
                     "Skipped", "Left out", "Column", "Row", "Notes", "Created", "Cells",
                     "This sheet holds"))]
        if not inspection.dry_run_complete:
            lines.insert(0, "(A large sheet: figures for the first rows only; the report "
                            "after the import covers every row.)")
        return "\n".join(lines) or "Nothing is skipped."

    def _set_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _apply(self, change: Any) -> None:
        """Run one override; show its problem instead of failing."""
        if self._updating:
            return
        try:
            inspection = change()
        except ImportFailed as error:
            self._set_error(str(error))
            self._show_current_values()
            return
        self._show(inspection)

    def _show_current_values(self) -> None:
        self._updating = True
        try:
            self.header_spin.setValue(self.inspection.layout.header_row + 1)
            if self.inspection.layout.tables:
                self.table_combo.setCurrentIndex(self.inspection.layout.table_index)
        finally:
            self._updating = False

    # ---- user choices ----------------------------------------------------------------------

    def _sheet_chosen(self, index: int) -> None:
        name = self.sheet_combo.itemData(index)
        self._apply(lambda: self.inspection.adjust(sheet=name))

    def _table_chosen(self, index: int) -> None:
        chosen = self.table_combo.itemData(index)
        if chosen is None or chosen < 0 or chosen == self.inspection.layout.table_index:
            return
        self._apply(lambda: self.inspection.with_table(chosen))

    def _header_chosen(self) -> None:
        row = self.header_spin.value() - 1
        if row != self.inspection.layout.header_row:
            self._apply(lambda: self.inspection.with_header_row(row))

    def _label_chosen(self, index: int) -> None:
        column = self.label_combo.itemData(index)
        self._apply(lambda: self.inspection.with_label_column(column))

    def _stages_chosen(self, index: int) -> None:
        data = self.stage_combo.itemData(index)
        if data == STAGES_HEADINGS:
            self._apply(lambda: self.inspection.with_stages(heading_rows=True))
        elif data == STAGES_NONE:
            self._apply(lambda: self.inspection.with_stages(heading_rows=False))
        else:
            self._apply(lambda: self.inspection.with_stages(column=data))

    def _transposed_chosen(self, checked: bool) -> None:
        self._apply(lambda: self.inspection.with_transposed(checked))

    def _preset_chosen(self, index: int) -> None:
        preset = self.preset_combo.itemData(index)
        self._apply(lambda: self.inspection.adjust(preset=preset))

    def _column_toggled(self, item: QListWidgetItem) -> None:
        if self._updating:
            return
        column = item.data(Qt.ItemDataRole.UserRole)
        included = item.checkState() == Qt.CheckState.Checked
        self._apply(lambda: self.inspection.with_department(column, included))

    def change_code(self, key: str, target: Target | None) -> None:
        self._apply(lambda: self.inspection.with_code(key, target))

    # ---- importing -------------------------------------------------------------------------

    @property
    def merge(self) -> bool:
        return self.merge_radio.isChecked() and self.open_matrix is not None

    def options(self) -> dict[str, Any]:
        """The choices made, in words (for the report and for repeating the import)."""
        return {"path": str(self.inspection.path), "sheet": self.inspection.sheet,
                "layout": self.inspection.layout.describe(), "preset": self.inspection.preset,
                "mapping": self.inspection.mapping_table(), "merge": self.merge}

    def start_import(self) -> None:
        """Import off the GUI thread; accept the dialog when it is done."""
        if self.job is not None:
            return
        inspection = self.inspection
        self.import_button.setEnabled(False)
        self._set_error("")

        def work(progress: Progress) -> ImportResult:
            return import_inspection(inspection, progress)

        self.job = BackgroundJob(self, f"Importing {inspection.path.name}…", work,
                                 on_done=self._imported, on_error=self._failed,
                                 on_cancel=self._cancelled).start()

    def _imported(self, result: ImportResult) -> None:
        self.job = None
        self.import_result = result
        if self.merge and self.open_matrix is not None:
            self.merge_plan = plan_merge(self.open_matrix, result.matrix)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.import_button.setEnabled(True)
        message = str(error) if isinstance(error, ImportFailed) else \
            f"The import failed: {type(error).__name__}: {error}"
        self._set_error(message)

    def _cancelled(self) -> None:
        self.job = None
        self.import_button.setEnabled(True)
        self._set_error("Import cancelled: nothing was changed.")


def open_import_wizard(parent: QWidget, path: Path | str, *, open_matrix: Matrix | None,
                       on_accepted: Callable[[ImportWizard], None],
                       on_error: Callable[[BaseException], None]) -> BackgroundJob:
    """Read and inspect ``path`` off the GUI thread (with a progress dialog that can be
    cancelled), then open the wizard window-modally; ``on_accepted`` gets the wizard after a
    successful import (``import_result``, ``merge``, ``merge_plan``)."""
    source = Path(path)

    def work(progress: Progress) -> Inspection:
        return inspect(source, progress=progress)

    def show(inspection: Inspection) -> None:
        wizard = ImportWizard(inspection, parent, open_matrix=open_matrix)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.accepted.connect(lambda: on_accepted(wizard))
        wizard.open()

    return BackgroundJob(parent, f"Reading {source.name}…", work, on_done=show,
                         on_error=on_error).start()
