"""Take the README's screenshot: the main window with the demo matrix, rendered offscreen.

    .venv/bin/python packaging/screenshot.py [--dark] [--output PATH]

Writes resources/screenshots/main-window.png by default. Settings go to a temporary folder,
so the screenshot never depends on (or changes) the user's own window layout.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_OUTPUT = ROOT / "resources" / "screenshots" / "main-window.png"
SIZE = (1600, 940)
MAX_BYTES = 400 * 1024


def take(output: Path, *, dark: bool = False) -> Path:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from cxmatrix.app import set_identity

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
        set_identity()
        QCoreApplication.setApplicationName("cxmatrix-screenshot")
        app = QApplication.instance() or QApplication([])
        from cxmatrix.store import Document
        from cxmatrix.ui import files
        from cxmatrix.ui.main_window import MainWindow
        from cxmatrix.ui.theme import ClearStyle, apply_palette

        app.setStyle(ClearStyle())
        apply_palette(app, dark)
        document = Document.create(folder / "Corvane demo.cxm", files.demo_matrix())
        window = MainWindow()
        window.resize(*SIZE)
        window.show()
        window.session.set_document(document)
        app.processEvents()
        # Show a touchpoint with an error and a peak moment, so the details and the findings
        # panel say something.
        matrix = document.matrix
        handover = next(tp for tp in matrix.iter_touchpoints() if tp.peak
                        and document.findings.for_touchpoint(tp.id))
        customer_success = matrix.focus_department_id
        window.grid.select_touchpoint(handover.id, customer_success)
        window.grid.setFocus()
        app.processEvents()
        output.parent.mkdir(parents=True, exist_ok=True)
        image = window.grab().toImage()
        if not image.save(str(output), "PNG", 9):
            raise SystemExit(f"could not write {output}")
        window.close()
        document.close()
    size = output.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{output} is {size:,} bytes, over the {MAX_BYTES:,} allowed")
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dark", action="store_true", help="use the dark palette")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    path = take(args.output, dark=args.dark)
    print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
