"""Help > Guide and Help > Keyboard Shortcuts: one window with two pages.

The guide explains the roles, the checks (their codes, severities and titles come from
cxmatrix.domain, so the page cannot drift from what the tool does; the "fires when" texts are
the README's, which a test compares) and the markers painted in the grid. The shortcuts page
lists every menu action that has keys, as Qt shows them on this platform (NativeText), so a
theme's standard keys appear as they really are.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QPolygonF, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cxmatrix.domain.findings import (
    CRITICAL_MOMENT_UNOWNED,
    DISPUTED,
    IDLE_DEPARTMENT,
    NO_OWNER,
    OWNER_WITHOUT_METRIC,
    ROLE_NOT_ESTABLISHED,
    SEVERAL_OWNERS,
    SEVERITY_OF,
    SIGNOFF_OUTDATED,
    TITLES,
)
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.palette import ROLE_FILL, ROLE_INK

# When each check fires: the README's table "What cxmatrix checks" says the same (tested).
FIRES_WHEN = {
    NO_OWNER: 'a touchpoint has no Own ("Support handles the fallout, but nobody owns it")',
    SEVERAL_OWNERS: "more than one department Owns a touchpoint",
    CRITICAL_MOMENT_UNOWNED: "a peak or end moment has no single owner",
    OWNER_WITHOUT_METRIC: "a touchpoint is owned but has no metric",
    ROLE_NOT_ESTABLISHED: "the focus department has no role on a touchpoint",
    IDLE_DEPARTMENT: "a department has no role anywhere",
    SIGNOFF_OUTDATED: ("a department agreed, and its roles (today or target) or the touchpoints "
                       "changed since; the finding says how many changes since when"),
    DISPUTED: ("a department's lead disputed its role on a touchpoint in a review pack; one "
               "per cell, with the lead's comment"),
}

# Keys the grid handles itself (not menu actions), as (keys, what they do).
GRID_KEYS = (
    ("Arrow keys, Shift+Arrow, Shift+click, Ctrl+click", "Move and select cells"),
    ("Left / Right on a stage heading", "Collapse / expand the stage"),
    ("Right in the touchpoint names", "Go to the role cells"),
    ("Delete in the touchpoint names", "Delete the selected touchpoints or the stage"),
)

# Keys from Qt.Key.Key_Back on are media and application keys ("Open", "Save" on some
# keyboards) that themes add to the standard keys; the list shows what people type.
FIRST_APPLICATION_KEY = Qt.Key.Key_Back.value
GUIDE_PAGE = 0
SHORTCUTS_PAGE = 1
MARKER_SIZE = 14


def _image(draw: object, width: int = MARKER_SIZE, height: int = MARKER_SIZE) -> QImage:
    image = QImage(width * 2, height * 2, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(2)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    draw(painter)  # type: ignore[operator]
    painter.end()
    return image


def _marker_images(document: QTextDocument, palette_text: QColor) -> None:
    """The grid's own drawings, added to the page as images ("marker:error" ...)."""
    from cxmatrix.ui.grid.delegates import Colours, draw_marker

    for severity in Severity:
        document.addResource(QTextDocument.ResourceType.ImageResource,
                             QUrl(f"marker:{severity.value}"),
                             _image(lambda p, s=severity: draw_marker(
                                 p, QRect(1, 1, MARKER_SIZE - 2, MARKER_SIZE - 2), s)))

    def note(painter: QPainter) -> None:
        painter.setPen(palette_text)
        painter.drawRect(0, 0, MARKER_SIZE - 1, MARKER_SIZE - 1)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(Colours().note)
        right = MARKER_SIZE - 1
        painter.drawPolygon(QPolygonF([QPointF(right - 7, 1), QPointF(right, 1),
                                       QPointF(right, 8)]))

    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl("marker:note"),
                         _image(note))


def _role_chip(role: Role) -> str:
    return (f'<span style="background-color:#{ROLE_FILL[role.value]};'
            f'color:#{ROLE_INK[role.value]};font-weight:bold">&nbsp;{role.letter}&nbsp;</span>')


def check_rows() -> list[tuple[str, str, str, str]]:
    """(code, severity, title, fires when) for every check the domain knows, in its order."""
    return [(code, severity.value, TITLES[code], FIRES_WHEN.get(code, ""))
            for code, severity in SEVERITY_OF.items()]


def guide_html() -> str:
    rows = "".join(
        f"<tr><td>{_role_chip(role)}</td><td><b>{role.label}</b></td>"
        f"<td>{escape(role.meaning)}</td></tr>" for role in Role)
    checks = "".join(
        f"<tr><td><img src='marker:{severity}'></td><td><code>{code}</code></td>"
        f"<td>{severity}</td><td><b>{escape(title)}</b>: {escape(when)}</td></tr>"
        for code, severity, title, when in check_rows())
    return f"""
<h2>The matrix</h2>
<p>Every row is a <b>touchpoint</b>: a place where the customer meets the company, grouped in
<b>stages</b> along the journey. Every column is a <b>department</b>. A cell says which role
the department has on the touchpoint; an empty cell means no role. The rule at the heart of the
tool: <b>every touchpoint needs exactly one clear owner</b>.</p>
<h3>Roles</h3>
<table cellpadding="4">{rows}</table>
<p>Type O, I or H on the selected cells, Delete to clear them, Space to step through the
roles; or use the Edit menu and the cell's context menu.</p>
<h3>The checks</h3>
<p>The Findings panel lists them live; the same codes appear in the command line
(<code>cxmatrix check</code>), in the exports and in the PDF.</p>
<table cellpadding="4"><tr><th></th><th align="left">code</th><th align="left">severity</th>
<th align="left">fires when</th></tr>{checks}</table>
<h3>Markers in the grid</h3>
<table cellpadding="4">
<tr><td><img src='marker:error'></td><td>A filled circle with "!" before a touchpoint's name:
its worst finding is an <b>error</b> (no clear owner, or a critical moment without one).</td></tr>
<tr><td><img src='marker:warning'></td><td>A triangle with "!": a <b>warning</b> (several
owners).</td></tr>
<tr><td><img src='marker:info'></td><td>A hollow circle: only <b>information</b> findings
(an owner without a metric, the focus department without a role). Worth a look, not a
problem.</td></tr>
<tr><td><i>peak</i>&nbsp;<i>end</i></td><td>Badges at the right of a name: the touchpoint is a
peak or end moment, the moments customers remember most.</td></tr>
<tr><td><img src='marker:note'></td><td>A mark in a cell's top right corner: the cell has a
note (shown in the Details panel and the cell's tooltip).</td></tr>
<tr><td>&#9660;&nbsp;<b>Stage</b></td><td>A stage heading: click its arrow (or press Left /
Right) to collapse or expand it; "4 of 9" after the name while a filter hides some of its
touchpoints.</td></tr>
<tr><td><b>Dept</b></td><td>A bold heading with outlined column edges: the department the
Lens panel looks through (the focus department until you choose another).</td></tr>
</table>
<h2>Today and target</h2>
<p>Every cell has a role <b>today</b> and a role it <b>should</b> have. Press F7 (or choose
<b>Target</b> in the toolbar) and the role keys set the target; a cell whose target differs
shows the target letter with today's role small and struck through at its left, inside a
dashed frame ("+" where the cell gains a role, "—" where it loses it). The status bar says
what the plan fixes: "today: 4 errors → target: 0 errors".</p>
<p>The <b>Changes</b> panel lists the planned changes by department, what each gives up and
takes on. Type who drives a change, its due date (YYYY-MM-DD, or picked from the calendar;
Delete clears it; past due shows in red) and status right in the list; <b>Mark Done</b>
(or the status Done) makes today's role the target. Matrix &gt; Planned Touchpoint /
Department marks one that exists only at target.</p>
<p><b>Matrix &gt; Take Snapshot</b> keeps the whole matrix as it is, under a name, inside the
file. <b>Matrix &gt; Snapshots</b> lists them with their figures; <b>Compare with Today</b> shows
what changed since one (read-only, the grid marking each changed cell) until you choose
<b>Leave Comparison</b>. The Ownership over Time tab draws the figures of every snapshot, now
and, dashed, the target.</p>
"""


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action with a shortcut, keys as Qt shows them."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                sub = action.menu()
                assert isinstance(sub, QMenu)
                walk(sub, f"{path} › {sub.title().replace('&', '')}")
                continue
            add(action, path)

    def add(action: QAction, path: str) -> None:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
                if k.count() and k[0].key().value < FIRST_APPLICATION_KEY
                and not Qt.Key.Key_F13.value <= k[0].key().value <= Qt.Key.Key_F35.value]
        keys = [k for k in keys if k]
        if not keys or id(action) in seen or action.isSeparator():
            return
        seen.add(id(action))
        # Undo and Redo show the step they take in the menu; here only their verb.
        label = getattr(action, "verb", None) or action.text()
        text = label.replace("&&", "\0").replace("&", "").replace("\0", "&")
        rows.append((path, text.rstrip("…").strip() or action.objectName(), ", ".join(keys)))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, menu.title().replace("&", ""))
    return rows


def shortcuts_html(window: QMainWindow) -> str:
    lines = []
    current = None
    for menu, text, keys in shortcut_rows(window):
        if menu != current:
            current = menu
            lines.append(f"<tr><td colspan='2'><h3>{escape(menu)}</h3></td></tr>")
        lines.append(f"<tr><td>{escape(text)}</td><td><b>{escape(keys)}</b></td></tr>")
    lines.append("<tr><td colspan='2'><h3>In the grid</h3></td></tr>")
    lines.extend(f"<tr><td>{escape(what)}</td><td><b>{escape(keys)}</b></td></tr>"
                 for keys, what in GRID_KEYS)
    return f"<table cellpadding='3' cellspacing='0'>{''.join(lines)}</table>"


class HelpDialog(QDialog):
    """The guide and the keyboard shortcuts, side by side in tabs; not modal, so it can stay
    open next to the matrix."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("helpDialog")
        self.setWindowTitle("cxmatrix Help")
        self.tabs = QTabWidget(self)
        self.guide = QTextBrowser(self)
        self.guide.setObjectName("helpGuide")
        self.guide.setOpenExternalLinks(False)
        _marker_images(self.guide.document(), self.palette().text().color())
        self.guide.setHtml(guide_html())
        self.shortcuts = QTextBrowser(self)
        self.shortcuts.setObjectName("helpShortcuts")
        self.shortcuts.setHtml(shortcuts_html(window))
        self.tabs.addTab(self.guide, "&Guide")
        self.tabs.addTab(self.shortcuts, "&Keyboard Shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def show_page(self, page: int) -> None:
        self.tabs.setCurrentIndex(page)
        self.show()
        self.raise_()
        self.activateWindow()
