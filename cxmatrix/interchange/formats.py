"""Which module reads or writes which file extension.

Readers: ``read(path, *, sheet=None, mapping=None, progress=None) -> ImportResult``.
Writers: ``write(matrix, path, *, source_name="", page_size="a4", lenses=(), findings=None,
progress=None) -> None`` (a ``.png`` also takes ``page``, ``lens`` and ``scale``); each takes
the keywords it needs and ignores the others via ``**_options``. Modules are imported lazily,
so start-up does not pay for openpyxl or reportlab.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.interchange.errors import UnsupportedFormat

READERS = {
    ".json": "cxmatrix.interchange.json.codec:read",
    ".xlsx": "cxmatrix.interchange.spreadsheet.importer:read",
    ".xlsm": "cxmatrix.interchange.spreadsheet.importer:read",
    ".csv": "cxmatrix.interchange.spreadsheet.importer:read",
    ".tsv": "cxmatrix.interchange.spreadsheet.importer:read",
    ".txt": "cxmatrix.interchange.spreadsheet.importer:read",
    ".ods": "cxmatrix.interchange.spreadsheet.importer:read",
    ".md": "cxmatrix.interchange.spreadsheet.importer:read",
    ".markdown": "cxmatrix.interchange.spreadsheet.importer:read",
    ".html": "cxmatrix.interchange.spreadsheet.importer:read",
    ".htm": "cxmatrix.interchange.spreadsheet.importer:read",
}
# Extensions we recognise only to refuse them with advice.
REFUSED_READERS = {
    ".xls": "old binary Excel files (.xls) cannot be read: save it as .xlsx from your "
            "spreadsheet program and import that",
    ".xlsb": "binary Excel workbooks (.xlsb) cannot be read: save it as .xlsx and import that",
}
WRITERS = {
    ".json": "cxmatrix.interchange.json.codec:write",
    ".xlsx": "cxmatrix.interchange.xlsx.export:write",
    ".csv": "cxmatrix.interchange.csv.export:write",
    ".pdf": "cxmatrix.interchange.pdf.export:write",
    ".png": "cxmatrix.interchange.pdf.image:write",  # one page of the PDF report
}


@dataclass
class ImportResult:
    """A matrix read from a file, with a human report of what was taken and skipped."""

    matrix: Matrix
    report: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # Snapshots the file carries (cxmatrix's JSON only), oldest first, for the new document.
    snapshots: list[Snapshot] = field(default_factory=list)


def _load(spec: str) -> Callable[..., Any]:
    module_name, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module_name), attribute)  # type: ignore[no-any-return]


def reader_for(path: Path) -> Callable[..., ImportResult]:
    suffix = path.suffix.lower()
    if suffix in REFUSED_READERS:
        raise UnsupportedFormat(f"{path.name}: {REFUSED_READERS[suffix]}")
    if suffix not in READERS:
        known = ", ".join(sorted(READERS))
        what = suffix or "files without an extension"
        raise UnsupportedFormat(f"{path.name}: cannot import {what} (known: {known})")
    return _load(READERS[suffix])


def writer_for(path: Path) -> Callable[..., None]:
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        known = ", ".join(sorted(WRITERS))
        raise UnsupportedFormat(f"{path.name}: cannot export to {suffix or 'no extension'} "
                                f"(known: {known})")
    return _load(WRITERS[suffix])
