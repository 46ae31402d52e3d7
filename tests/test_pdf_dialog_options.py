"""The PDF export dialog's two layout options: "Fit chart to one page" and "Only touchpoints
with findings", toggled on the real dialog and read back from its options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.ui.dialogs.pdf_export import PdfExportDialog


def click(qtbot: QtBot, box: QCheckBox) -> None:
    qtbot.keyClick(box, Qt.Key.Key_Space)  # what a keyboard user does on a focused box


def test_the_two_check_boxes_reach_the_options(qtbot: QtBot) -> None:
    dialog = PdfExportDialog(demo_matrix(), "demo.pdf")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.page_count_ready, timeout=10_000)
    options = dialog.options()
    assert not options.fit_page and not options.only_findings
    assert dialog.fit_page.text() == "&Fit chart to one page"
    assert dialog.only_findings.text() == "Only touchpoints with &findings"
    click(qtbot, dialog.fit_page)
    assert dialog.options().fit_page and not dialog.options().only_findings
    click(qtbot, dialog.only_findings)
    assert dialog.options().only_findings
    click(qtbot, dialog.fit_page)
    assert not dialog.options().fit_page


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_options_reach_the_exported_pdf(qtbot: QtBot, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the window: File > Export as PDF with "Only touchpoints with findings" ticked
    writes a chart of only those touchpoints."""
    from pypdf import PdfReader
    from ui_support import demo_document, window_with_captured_messages

    from cxmatrix.ui import transfer
    from cxmatrix.ui.dialogs.pdf_export import PdfOptions

    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    document = demo_document(tmp_path)
    window.session.set_document(document)
    outputs = {}
    for only in (False, True):
        target = tmp_path / f"only-{only}.pdf"
        job = transfer.export_matrix(window, target, pdf_options=PdfOptions(
            "a4", (), only_findings=only))
        assert job is not None
        qtbot.waitUntil(lambda job=job: job.settled, timeout=60_000)
        outputs[only] = len(PdfReader(target).pages)
    assert outputs[True] < outputs[False]


def test_the_page_count_follows_the_two_options(qtbot: QtBot) -> None:
    """A trial found "The chart takes 3 pages" whatever was ticked."""
    from cxmatrix.domain.generate import generate_matrix

    dialog = PdfExportDialog(generate_matrix(120, 8, seed=3), "big.pdf")
    qtbot.addWidget(dialog)
    def pages() -> int | None:
        found = re.search(r"takes (\d+) page", dialog.page_count.text())
        return int(found.group(1)) if found else None

    qtbot.waitUntil(lambda: pages() is not None, timeout=20_000)
    full = pages()
    assert full is not None and full > 2
    click(qtbot, dialog.fit_page)  # the type shrinks, so fewer pages
    qtbot.waitUntil(lambda: (pages() or full) < full, timeout=20_000)
    click(qtbot, dialog.fit_page)
    click(qtbot, dialog.only_findings)  # only the touchpoints with an error or a warning
    qtbot.waitUntil(lambda: (pages() or full) < full, timeout=20_000)


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_today_to_target_and_compare_with_reach_the_pdf(qtbot: QtBot, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """The dialog offers the target section (ticked for a matrix with a plan) and the file's
    snapshots; through the window, each choice reaches the written PDF."""
    from pypdf import PdfReader
    from ui_support import window_with_captured_messages

    from cxmatrix.interchange.demo import demo_snapshots
    from cxmatrix.store import Document
    from cxmatrix.ui import transfer

    path = tmp_path / "demo.cxm"
    Document.create(path, demo_matrix(), snapshots=demo_snapshots()).close()
    document = Document.open(path)
    dialog = PdfExportDialog(document.matrix.copy(), "demo.pdf", None, document.snapshots())
    qtbot.addWidget(dialog)
    assert dialog.with_target.isEnabled() and dialog.options().with_target
    assert dialog.options().compare_with is None
    click(qtbot, dialog.with_target)
    assert not dialog.options().with_target
    click(qtbot, dialog.with_target)
    dialog.compare_with.setFocus()
    qtbot.keyClick(dialog.compare_with, Qt.Key.Key_Down)
    chosen = dialog.options()
    assert chosen.compare_with == document.snapshots()[0].id
    assert dialog.compare_with.currentText() == "Kick-off, Sep 2026 (14 Sep 2026)"

    window = window_with_captured_messages(qtbot, tmp_path, monkeypatch)
    window.session.set_document(document)
    texts = {}
    for name, options in (("target", dialog.options().__class__("a4", ())),
                          ("snapshot", chosen)):
        target = tmp_path / f"{name}.pdf"
        job = transfer.export_matrix(window, target, pdf_options=options)
        assert job is not None
        qtbot.waitUntil(lambda job=job: job.settled, timeout=60_000)
        texts[name] = " ".join(" ".join(p.extract_text().split())
                               for p in PdfReader(target).pages)
    assert "From today to target" in texts["target"]
    assert "Drift across the snapshots" in texts["target"]
    assert "Compared with snapshot Kick-off, Sep 2026" in texts["snapshot"]
    assert "From today to target" not in texts["snapshot"]
