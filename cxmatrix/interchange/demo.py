"""The demo matrix (a fictitious company, Corvane), read from the bundled resources/demo.json.

One loader for the window, the command line, the tests and the packaging scripts. The demo
has a target (the fixes its findings call for, each with a person, a due date and a status),
two snapshots ("Kick-off, Sep 2026" and "Agreed with the leadership team, Nov 2026"), which a
demo .cxm file keeps inside it (``Document.create(path, demo_matrix(),
snapshots=demo_snapshots())``), and the departments' sign-offs (in the file's ``signoffs``, JSON
format 3): most agreed, Legal disputes two touchpoints, Sales agreed at the kick-off (so its
agreement is out of date), Professional Services was asked.
"""

from __future__ import annotations

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.resources import demo_source


def demo_import() -> ImportResult:
    # (imported when the demo is made: the window starts without the JSON reader)
    from cxmatrix.interchange.json.codec import read

    return read(demo_source())


def demo_matrix() -> Matrix:
    return demo_import().matrix


def demo_snapshots() -> list[Snapshot]:
    """The demo's snapshots, oldest first, each with its matrix."""
    return demo_import().snapshots
