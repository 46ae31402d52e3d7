"""Editing the matrix's structure: touchpoints, stages, departments and the matrix's
properties, from the current place in the grid.

Each method turns the user's request (with the grid's current row or column as context) into
one undoable command; names are edited in place in the frozen name column, departments and
properties in small dialogs. Methods take optional values so tests and scripts can skip the
dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QObject, Signal
from PySide6.QtWidgets import QAbstractItemView, QWidget

from cxmatrix.ui import commands
from cxmatrix.ui.grid.model import NAME_COLUMN, MatrixModel
from cxmatrix.ui.grid.view import MatrixView
from cxmatrix.ui.session import Session


class StructureEditor(QObject):
    deleted = Signal(str)  # what was deleted, in words, after the deletion is done

    def __init__(self, session: Session, model: MatrixModel, grid: MatrixView,
                 parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.session = session
        self.model = model
        self.grid = grid
        self.parent_widget = parent_widget

    def _unique(self, base: str, taken: list[str]) -> str:
        keys = {t.casefold() for t in taken}
        if base.casefold() not in keys:
            return base
        number = 2
        while f"{base} {number}".casefold() in keys:
            number += 1
        return f"{base} {number}"

    def add_touchpoint(self, name: str | None = None) -> int | None:
        """Add a touchpoint after the current one (or at the top of the current stage) and
        start editing its name."""
        if not self.session.has_document:
            return None
        matrix = self.session.matrix
        if not matrix.stages:
            self.add_stage("Journey")
        tid = self.grid.current_touchpoint_id()
        stage_id = self.grid.current_stage_id() or matrix.stages[-1].id
        if tid is not None:
            index = matrix.touchpoint_index(tid) + 1
        elif self.grid.currentIndex().isValid():
            index = 0
        else:
            index = len(matrix.stage_touchpoint_ids(stage_id))
        command = commands.AddTouchpoint(self.session, stage_id, name or "New touchpoint",
                                         index)
        if not self.session.execute(command):
            return None
        new_id = command.touchpoint_id
        assert new_id is not None
        if self.model.is_collapsed(stage_id):
            self.model.set_collapsed(stage_id, False)
        self.grid.select_touchpoint(new_id)
        if name is None:
            self._edit_name(new_id)
        return new_id

    def _edit_name(self, key: int) -> None:
        row = self.model.row_of(key)
        if row is not None:
            index = self.model.index(row, NAME_COLUMN)
            self.grid.frozen.setFocus()
            self.grid.frozen.setCurrentIndex(index)
            self.grid.frozen.edit(index, QAbstractItemView.EditTrigger.AllEditTriggers, None)

    def add_stage(self, name: str | None = None) -> int | None:
        if not self.session.has_document:
            return None
        matrix = self.session.matrix
        stage_id = self.grid.current_stage_id()
        index = matrix.stage_index(stage_id) + 1 if stage_id is not None else None
        label = name or self._unique("New stage", [s.name for s in matrix.stages])
        command = commands.AddStage(self.session, label, index)
        if not self.session.execute(command):
            return None
        assert command.stage_id is not None
        row = self.model.row_of(command.stage_id)
        if row is not None:
            self.grid.select_cell(row, NAME_COLUMN)
            if name is None:
                self._edit_name(command.stage_id)
        return command.stage_id

    def add_department(self, name: str | None = None, code: str | None = None,
                       lead: str = "") -> int | None:
        if not self.session.has_document:
            return None
        asked = name is None
        typed: dict[str, str] | None = None
        while True:
            if asked:
                values = self._ask_department(None, typed)
                if values is None:
                    return None
                name, code, lead = values["name"], values["code"] or None, values["lead"]
                typed = values
            assert name is not None
            current = self.grid.current_department_id()
            matrix = self.session.matrix
            index = matrix.department_index(current) + 1 if current is not None else None
            command = commands.AddDepartment(self.session, name, code, lead, index)
            if self.session.execute(command):
                break
            if not asked:
                return None
        if command.department_id is not None:
            self._show_department(command.department_id)
        return command.department_id

    def _ask_department(self, department_id: int | None,
                        typed: dict[str, str] | None) -> dict[str, str] | None:
        """The department dialog's values (None: cancelled). After a refusal (a name taken)
        it comes back with what was typed, so that only the wrong field needs retyping."""
        from cxmatrix.ui.dialogs.properties import DepartmentDialog  # built when first needed

        department = (self.session.matrix.department(department_id)
                      if department_id is not None else None)
        dialog = DepartmentDialog(department, self.parent_widget)
        if typed:
            dialog.name.setText(typed.get("name", dialog.name.text()))
            dialog.code.setText(typed.get("code", dialog.code.text()))
            dialog.lead.setText(typed.get("lead", dialog.lead.text()))
        if dialog.exec() != DepartmentDialog.DialogCode.Accepted:
            return None
        return dialog.changes()

    def _show_department(self, department_id: int) -> None:
        """Select the new department's cell on the current touchpoint (else the first one)
        and scroll it into view: it may land right of the visible columns."""
        column = self.model.column_of_department(department_id)
        rows = self.model.touchpoint_rows()
        if column is None or not rows:
            return
        current = self.grid.currentIndex().row()
        row = current if current in rows else rows[0]
        self.grid.select_cell(row, column)
        self.grid.setFocus()

    def edit_department(self, department_id: int | None = None,
                        changes: dict[str, str] | None = None) -> bool:
        dept_id = department_id if department_id is not None else (
            self.grid.current_department_id())
        if dept_id is None or not self.session.has_document:
            return False
        if changes is not None:
            return bool(changes) and self.session.execute(
                commands.UpdateDepartment(self.session, dept_id, **changes))
        typed: dict[str, str] | None = None
        while True:
            asked = self._ask_department(dept_id, typed)
            if not asked:
                return False
            if self.session.execute(commands.UpdateDepartment(self.session, dept_id, **asked)):
                return True
            department = self.session.matrix.department(dept_id)
            typed = {"name": department.name, "code": department.code,
                     "lead": department.lead} | asked

    def edit_department_at(self, column: int) -> None:
        dept_id = self.model.department_id_at(column)
        if dept_id is not None and not self.session.read_only:
            self.edit_department(dept_id)

    def rename_current(self) -> None:
        """Edit the name of the current row's touchpoint or stage in place."""
        index = self.grid.currentIndex()
        if index.isValid():
            self._edit_name(self.model.row_key(index.row()))

    def delete_rows(self) -> bool:
        """Delete the selected touchpoints, or the current stage with its touchpoints."""
        if not self.session.has_document or self.session.read_only:
            return False
        ids = self.grid.selected_touchpoint_ids()
        matrix = self.session.matrix
        if ids:
            rows = self.grid.selected_rows()
            what = (f"touchpoint {matrix.touchpoint(ids[0]).name}" if len(ids) == 1
                    else f"{len(ids):,} touchpoints")
            ok = self.session.execute(commands.DeleteTouchpoints(self.session, ids))
            if ok and self.model.rowCount():
                self.grid.select_cell(min(rows[0], self.model.rowCount() - 1), NAME_COLUMN)
            if ok:
                self.deleted.emit(f"Deleted {what}.")
            return ok
        stage_id = self.grid.current_stage_id()
        if stage_id is None:
            return False
        name = matrix.stage(stage_id).name
        count = len(matrix.stage_touchpoint_ids(stage_id))
        ok = self.session.execute(commands.DeleteStage(self.session, stage_id))
        if ok:
            held = {0: "", 1: " and its touchpoint"}.get(count, f" and its {count:,} touchpoints")
            self.deleted.emit(f"Deleted stage {name}{held}.")
        return ok

    def delete_department(self, department_id: int | None = None) -> bool:
        dept_id = department_id if department_id is not None else (
            self.grid.current_department_id())
        if dept_id is None or not self.session.has_document:
            return False
        matrix = self.session.matrix
        name = matrix.department(dept_id).name
        count = sum(1 for row in matrix.roles.values() if dept_id in row)
        ok = self.session.execute(commands.DeleteDepartment(self.session, dept_id))
        if ok:
            # A whole column goes at once, with no question asked: say so, with Undo at hand,
            # as for touchpoints and stages.
            held = {0: "", 1: " and its role"}.get(count, f" and its {count:,} roles")
            self.deleted.emit(f"Deleted department {name}{held}.")
        return ok

    def move_rows(self, step: int) -> bool:
        """Move the current touchpoint one place up or down, into the neighbouring stage at
        a stage's edge; on a stage heading, move the whole stage."""
        if not self.session.has_document:
            return False
        matrix = self.session.matrix
        index = self.grid.currentIndex()
        if not index.isValid():
            return False
        column = index.column()
        key = self.model.row_key(index.row())
        if self.model.is_stage_row(index.row()):
            position = matrix.stage_index(key) + step
            if not 0 <= position < len(matrix.stages):
                return False
            ok = self.session.execute(commands.MoveStage(self.session, key, position))
        else:
            tp = matrix.touchpoint(key)
            position = matrix.touchpoint_index(key) + step
            stage_id = tp.stage_id
            count = len(matrix.stage_touchpoint_ids(stage_id))
            if not 0 <= position < count:
                stage_index = matrix.stage_index(stage_id) + step
                if not 0 <= stage_index < len(matrix.stages):
                    return False
                stage_id = matrix.stages[stage_index].id
                position = len(matrix.stage_touchpoint_ids(stage_id)) if step < 0 else 0
            ok = self.session.execute(
                commands.MoveTouchpoint(self.session, key, stage_id, position))
        if ok:
            row = self.model.row_of(key)
            if row is None and not self.model.is_stage_row(index.row()):
                self.grid.select_touchpoint(key)
            elif row is not None:
                self.grid.selectionModel().setCurrentIndex(
                    self.model.index(row, column),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | (QItemSelectionModel.SelectionFlag.Rows if column == NAME_COLUMN
                       else QItemSelectionModel.SelectionFlag.NoUpdate))
        return ok

    def move_department(self, step: int) -> bool:
        dept_id = self.grid.current_department_id()
        if dept_id is None or not self.session.has_document:
            return False
        matrix = self.session.matrix
        position = matrix.department_index(dept_id) + step
        if not 0 <= position < len(matrix.departments):
            return False
        ok = self.session.execute(commands.MoveDepartment(self.session, dept_id, position))
        if ok:
            index = self.grid.currentIndex()
            column = self.model.column_of_department(dept_id)
            if column is not None and index.isValid():
                self.grid.select_cell(index.row(), column)
        return ok

    def edit_properties(self) -> bool:
        if not self.session.has_document:
            return False
        from cxmatrix.ui.dialogs.properties import PropertiesDialog

        dialog = PropertiesDialog(self.session.matrix, self.parent_widget)
        if dialog.exec() != PropertiesDialog.DialogCode.Accepted:
            return False
        changes = dialog.changes()
        if not changes:
            return False
        return self.session.execute(commands.SetProperties(self.session, **changes))

    def collapse_all(self, collapsed: bool) -> None:
        if self.session.has_document:
            ids = frozenset(s.id for s in self.session.matrix.stages) if collapsed else (
                frozenset())
            self.model.update_filter(collapsed=ids)

    def move_to_stage(self, touchpoint_ids: list[int], stage_id: int) -> bool:
        matrix = self.session.matrix
        end = len(matrix.stage_touchpoint_ids(stage_id))
        if len(touchpoint_ids) == 1:
            command: commands.MatrixCommand = commands.MoveTouchpoint(
                self.session, touchpoint_ids[0], stage_id, end)
        else:
            command = commands.MoveTouchpoints(self.session, touchpoint_ids, stage_id, end)
        return self.session.execute(command)
