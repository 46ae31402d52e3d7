"""The window's side of the team server: open from and publish to a server, live updates.

No SQL and no psycopg here: everything goes through ``cxmatrix.store.server``. Opening and
publishing run on a worker thread (``BackgroundJob``) so the window keeps painting. While a
server matrix is open, a timer on the GUI thread applies others' changes as soon as the
listener thread hears of them (incremental: the grid's selection and scroll stay), shows a
short note of who changed what, who else has the matrix open, and turns the window read-only
while the connection is down (it reconnects by itself and catches up).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox

from cxmatrix.ui.dialogs.team_dialogs import HistoryDialog, MembersDialog
from cxmatrix.ui.jobs import BackgroundJob

if TYPE_CHECKING:
    from cxmatrix.store.server.document import ServerDocument
    from cxmatrix.ui.main_window import MainWindow

POLL_MS = 100
PRESENCE_MS = 3_000
RECONNECT_MS = 2_000
_LAST_ADDRESS = "team/last_address"  # without password: cxmatrix never stores one


class TeamLink(QObject):
    """Connects one window to the team server."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.presence = QLabel("")
        self.presence.setObjectName("teamPresence")
        window.statusBar().addPermanentWidget(self.presence)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._ticks = 0
        self.notes: list[str] = []
        window.session.document_changed.connect(self._on_document_changed)

    # ---- the document shown -------------------------------------------------------------------

    @property
    def document(self) -> ServerDocument | None:
        # No server document can exist before its module is loaded; importing it here would
        # load SQLAlchemy and psycopg on the GUI thread whenever any file opens.
        server = sys.modules.get("cxmatrix.store.server.document")
        if server is None:
            return None
        ServerDocument = server.ServerDocument  # noqa: N806
        document = self.window.session.document
        return document if isinstance(document, ServerDocument) else None

    def _on_document_changed(self) -> None:
        document = self.document
        if document is None:
            self._timer.stop()
            self.presence.setText("")
            return
        document.add_note_listener(self._on_notes)
        document.add_status_listener(self._on_status)
        self._timer.start()
        self._show_presence()

    def _poll(self) -> None:
        document = self.document
        if document is None or document.closed:
            self._timer.stop()
            return
        self._ticks += 1
        if not document.connected:
            if self._ticks % (RECONNECT_MS // POLL_MS) == 0:
                document.check_connection()
            return
        if document.has_news:
            document.catch_up()
        if self._ticks % (PRESENCE_MS // POLL_MS) == 0:
            self._show_presence()

    def _show_presence(self) -> None:
        document = self.document
        if document is None:
            return
        others = document.others_present() if document.connected else []
        self.presence.setText(f"Also open: {', '.join(others)}" if others else "")

    def _on_notes(self, notes: list[str]) -> None:
        self.notes.extend(notes)
        self.window.statusBar().showMessage("; ".join(notes[-2:]), 8_000)

    def _on_status(self) -> None:
        document = self.document
        if document is None:
            return
        if document.connected:
            self.window.statusBar().showMessage("Connected to the team server again; "
                                                "caught up on every change.", 8_000)
        else:
            self.window.statusBar().showMessage("The connection to the team server was lost: "
                                                "read-only until it is back (reconnecting).")
        self.window._update_enabled()
        self.window._update_title()

    # ---- opening and publishing ---------------------------------------------------------------

    def _ask_address(self, caption: str, *, with_name: bool) -> str | None:
        stored = QSettings().value(_LAST_ADDRESS, "postgresql://user@host/dbname")
        hint = ("postgresql://user@host/dbname#Matrix name" if with_name
                else "postgresql://user@host/dbname")
        text, ok = QInputDialog.getText(self.window, caption, f"Team server ({hint}):",
                                        QLineEdit.EchoMode.Normal, str(stored))
        return text.strip() if ok and text.strip() else None

    def _password(self, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.window, "Team server password",
                                        f"Password for {label}:", QLineEdit.EchoMode.Password)
        return text if ok else None

    def open_dialog(self) -> BackgroundJob | None:
        text = self._ask_address("Open from Team Server", with_name=True)
        return self.open_address(text) if text else None

    def open_address(self, text: str, password: str | None = None) -> BackgroundJob | None:
        """Open the server matrix ``text`` (``URL#NAME``) on a worker thread."""
        from cxmatrix.store.server import ServerError, parse_address

        try:
            address = parse_address(text)
        except ServerError as error:
            self.window.show_error("Cannot open from the team server", str(error))
            return None
        if not address.name:
            self.window.show_error("Cannot open from the team server",
                                   f"{text}: name the matrix after '#' (URL#Matrix name)")
            return None
        if password is not None:
            address = address.with_password(password)
        QSettings().setValue(_LAST_ADDRESS, str(address.with_password(None)))

        def work(_progress: object) -> Any:
            from cxmatrix.store.server.document import ServerDocument

            document = ServerDocument.connect(address)
            document.findings.all()
            return document

        def failed(error: BaseException) -> None:
            from cxmatrix.store import DocumentError
            from cxmatrix.store.server.connection import needs_password

            if not isinstance(error, DocumentError):
                raise error
            if isinstance(error, ServerError) and needs_password(error) and password is None:
                given = self._password(address.label)
                if given is not None:
                    self.open_address(text, given)
                    return
            self.window.show_error("Cannot open from the team server", str(error))

        def adopt(document: Any) -> None:
            self.window.session.set_document(document)
            self.window.documents.adopted.emit(document)

        job = BackgroundJob(self.window, f"Opening {address.label}…", work, on_done=adopt,
                            on_error=failed, discard=lambda document: document.close())
        return job.start()

    def publish_dialog(self) -> BackgroundJob | None:
        document = self.window.session.document
        if document is None or self.document is not None:
            self.window.show_error("Cannot publish", "Open a matrix file to publish it.")
            return None
        text = self._ask_address("Publish to Team Server", with_name=False)
        if not text:
            return None
        name, ok = QInputDialog.getText(self.window, "Publish to Team Server",
                                        "Name on the server:", QLineEdit.EchoMode.Normal,
                                        document.path.stem)
        if not ok or not name.strip():
            return None
        return self.publish(document.path, text, name.strip())

    def publish(self, path: Path, text: str, name: str) -> BackgroundJob | None:
        from cxmatrix.store.server import ServerError, parse_address
        from cxmatrix.store.server.transfer import publish

        try:
            address = parse_address(text)
        except ServerError as error:
            self.window.show_error("Cannot publish", str(error))
            return None

        def done(published: Any) -> None:
            self.window.statusBar().showMessage(
                f"Published as {published!r} on {address.label}: File > Open from Team "
                "Server to edit it with others.", 10_000)

        def failed(error: BaseException) -> None:
            from cxmatrix.store import DocumentError

            if not isinstance(error, DocumentError):
                raise error
            self.window.show_error("Cannot publish", str(error))

        job = BackgroundJob(self.window, f"Publishing to {address.label}…",
                            lambda _p: publish(path, address, name), on_done=done,
                            on_error=failed)
        return job.start()

    def save_copy_dialog(self) -> bool:
        document = self.window.session.document
        if document is None:
            return False
        target, _ = QFileDialog.getSaveFileName(self.window, "Save a Copy As",
                                                f"{document.matrix.title}.cxm",
                                                "cxmatrix files (*.cxm)")
        return bool(target) and self.save_copy(Path(target))

    def save_copy(self, target: Path) -> bool:
        """An offline .cxm copy of what the window shows; the window stays on the original."""
        from cxmatrix.store import DocumentError

        document = self.window.session.document
        if document is None:
            return False
        try:
            document.save_copy(target)
        except DocumentError as error:
            self.window.show_error("Cannot save a copy", str(error))
            return False
        self.window.statusBar().showMessage(f"Saved a copy as {target}.", 8_000)
        return True

    # ---- history and members --------------------------------------------------------------

    def history_entries(self, touchpoint_id: int | None, department_id: int | None
                        ) -> list[tuple[str, str, str]]:
        """(when, who, what) of every recorded change of the subject, oldest first."""
        document = self.document
        if document is None:
            return []
        entries = document.history(touchpoint_id=touchpoint_id, department_id=department_id)
        rows = []
        for entry in entries:
            who, note = document.display_name(entry.who), document.note(entry)
            rows.append((f"{entry.at:%Y-%m-%d %H:%M:%S}", who, note))
        return rows

    def history_text(self, touchpoint_id: int | None, department_id: int | None) -> str:
        if self.document is None:
            return "History is kept for matrices on a team server."
        lines = [f"{when}  {what}" for when, _who, what
                 in self.history_entries(touchpoint_id, department_id)[-50:]]
        return "\n".join(lines) or "No recorded changes yet."

    def _subject(self, touchpoint_id: int | None, department_id: int | None) -> str:
        matrix = self.window.session.matrix
        names = []
        if touchpoint_id is not None and matrix.has_touchpoint(touchpoint_id):
            names.append(matrix.touchpoint(touchpoint_id).name)
        if department_id is not None and matrix.has_department(department_id):
            names.append(matrix.department(department_id).name)
        return " \N{MULTIPLICATION SIGN} ".join(names) or matrix.title or "the matrix"

    def history_dialog(self, touchpoint_id: int | None, department_id: int | None
                       ) -> HistoryDialog | None:
        from cxmatrix.store import DocumentError

        if self.document is None:
            QMessageBox.information(self.window, "History",
                                    "History is kept for matrices on a team server.")
            return None
        try:
            entries = self.history_entries(touchpoint_id, department_id)
        except DocumentError as error:
            self.window.show_error("Cannot read the history", str(error))
            return None
        dialog = HistoryDialog(self.window, self._subject(touchpoint_id, department_id),
                               entries)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_history(self, touchpoint_id: int | None, department_id: int | None) -> None:
        self.history_dialog(touchpoint_id, department_id)

    def members_text(self) -> str:
        from cxmatrix.store.server.members import members

        document = self.document
        if document is None:
            return "Members belong to matrices on a team server."
        return "\n".join(m.describe() for m in members(document.address))

    def members_dialog(self) -> MembersDialog | None:
        from cxmatrix.store import DocumentError

        document = self.document
        if document is None:
            QMessageBox.information(self.window, "Members",
                                    "Members belong to matrices on a team server.")
            return None
        from cxmatrix.store.server.members import change_members, members

        address = document.address
        try:
            current = members(address)
        except DocumentError as error:
            self.window.show_error("Cannot list the members", str(error))
            return None

        def add(login: str, role: str, departments: list[str], password: str | None
                ) -> list[Any]:
            return change_members(address, add=(login, role, departments), password=password)

        def remove(login: str) -> list[Any]:
            return change_members(address, remove=login)

        dialog = MembersDialog(self.window, address.name, current,
                               [d.name for d in self.window.session.matrix.departments],
                               add, remove, (DocumentError,))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_members(self) -> None:
        self.members_dialog()
