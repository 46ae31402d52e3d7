"""What the window remembers between runs (QSettings): recent files, last folder, column
widths, who sent review packs; and the window's first layout, before it remembers one.
Organisation and application names are set once in cxmatrix.app, so a bare QSettings() finds
the right place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, QStandardPaths

DEFAULT_WINDOW = QSize(1400, 860)
MAX_RECENT = 10
RECENT_KEY = "files/recent"
FOLDER_KEY = "files/last_folder"  # where a matrix was last opened or saved
IMPORT_FOLDER_KEY = "files/last_import_folder"  # where a spreadsheet was last imported from
EXPORT_FOLDER_KEY = "export/last_folder"
EXPORT_SUFFIX_KEY = "export/last_suffix"
REVIEW_FOLDER_KEY = "review/last_folder"  # where review packs were last written or read
REVIEW_SENDER_KEY = "review/last_sender"  # the "Asked by" name last sent packs with


def recent_files() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or []) if v]


def add_recent_file(path: str | Path) -> None:
    text = str(Path(path).resolve())
    files = [f for f in recent_files() if f != text]
    files.insert(0, text)
    QSettings().setValue(RECENT_KEY, files[:MAX_RECENT])


def remove_recent_file(path: str | Path) -> None:
    text = str(Path(path).resolve())
    QSettings().setValue(RECENT_KEY, [f for f in recent_files() if f != text])


def clear_recent_files() -> None:
    QSettings().setValue(RECENT_KEY, [])


def documents_folder() -> str:
    """The user's documents folder (the home folder where the desktop names none)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    # A folder that does not exist would be put into a file dialog as a file name.
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def last_folder() -> str:
    """Where matrices were last opened or saved, else the documents folder. Imports do not
    change it: a spreadsheet's folder may be shared or read-only, no place for a new .cxm."""
    value = QSettings().value(FOLDER_KEY, "")
    return str(value) if value and Path(str(value)).is_dir() else documents_folder()


def remember_folder(path: str | Path) -> None:
    QSettings().setValue(FOLDER_KEY, str(Path(path).resolve().parent))


def last_import_folder() -> str:
    value = QSettings().value(IMPORT_FOLDER_KEY, "")
    return str(value) if value and Path(str(value)).is_dir() else last_folder()


def remember_import_folder(path: str | Path) -> None:
    QSettings().setValue(IMPORT_FOLDER_KEY, str(Path(path).resolve().parent))


def last_review_folder() -> str:
    """Where review packs were last written or read (File > Apply Review… starts there: the
    leads' answers usually come back beside what was sent), else the last import folder."""
    value = QSettings().value(REVIEW_FOLDER_KEY, "")
    return str(value) if value and Path(str(value)).is_dir() else last_import_folder()


def pack_folder() -> str:
    """Where File > Send for Review… writes: where packs were last written or read, else
    where the last export went (a PDF exported since no longer moves the packs)."""
    value = QSettings().value(REVIEW_FOLDER_KEY, "")
    return str(value) if value and Path(str(value)).is_dir() else last_export_folder()


def remember_review_folder(folder: str | Path) -> None:
    QSettings().setValue(REVIEW_FOLDER_KEY, str(Path(folder).resolve()))


def review_sender(prepared_by: str) -> str:
    """Who Send for Review… names as asking: the matrix's "prepared by", else the name last
    typed there."""
    if prepared_by.strip():
        return prepared_by
    value = QSettings().value(REVIEW_SENDER_KEY, "")
    return str(value) if value else ""


def remember_review_sender(name: str) -> None:
    """Keep the "Asked by" name packs were sent with (an empty one forgets nothing)."""
    if name.strip():
        QSettings().setValue(REVIEW_SENDER_KEY, name.strip())


def last_export_folder() -> str:
    """Where the last export went (the last folder used for matrices until there is one)."""
    value = QSettings().value(EXPORT_FOLDER_KEY, "")
    return str(value) if value else last_folder()


def remember_export(path: str | Path) -> None:
    target = Path(path).resolve()
    store = QSettings()
    store.setValue(EXPORT_FOLDER_KEY, str(target.parent))
    store.setValue(EXPORT_SUFFIX_KEY, target.suffix.lower())


def last_export_suffix(default: str) -> str:
    value = QSettings().value(EXPORT_SUFFIX_KEY, "")
    return str(value) if value else default


def int_value(key: str, default: int) -> int:
    value = QSettings().value(key, default)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


# ---- the layout before anything is remembered --------------------------------------------------


def default_window_size(available: QSize) -> QSize:
    """1400x860, or 90% of a smaller screen's free area."""
    return QSize(min(DEFAULT_WINDOW.width(), round(available.width() * 0.9)),
                 min(DEFAULT_WINDOW.height(), round(available.height() * 0.9)))


def dock_width(window_width: int) -> int:
    """The side docks' first width: about 300 px on a 1024 px laptop window, growing to 480
    on wide ones, so the grid keeps most of the width."""
    return max(290, min(480, round(window_width * 0.3)))
