"""The demo matrix (a fictitious company, Corvane), read from the bundled resources/demo.json.

One loader for the window, the command line, the tests and the packaging scripts. The demo
has a target (the fixes its findings call for, each with a person, a due date and a status),
two snapshots ("Kick-off, Sep 2026" and "Agreed with the leadership team, Nov 2026"), which a
demo .cxm file keeps inside it (``Document.create(path, demo_matrix(),
snapshots=demo_snapshots())``), and the departments' sign-offs: most agreed, Legal disputes
two touchpoints, Sales agreed at the kick-off (so its agreement is out of date), Professional
Services was asked.

The sign-offs are the demo file's own ``signoffs`` list (the JSON reader does not read it):
``{"department", "state", "lead", "date", "agreed_to": <snapshot name> (an agreement to the
column as that snapshot holds it; without it, as it is now), "disputes": [{"touchpoint",
"comment", "proposed"}]}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import Dispute, SignOff, SignOffState, agreement
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.interchange.formats import ImportResult
from cxmatrix.resources import demo_source


def demo_import() -> ImportResult:
    import json  # (when the demo is made: the window starts without the json module)

    from cxmatrix.interchange.json.codec import read

    result = read(demo_source())
    data = json.loads(demo_source().read_text(encoding="utf-8"))
    result.matrix.set_signoffs(demo_signoffs(result.matrix, result.snapshots,
                                             data.get("signoffs", [])))
    return result


def demo_matrix() -> Matrix:
    return demo_import().matrix


def demo_snapshots() -> list[Snapshot]:
    """The demo's snapshots, oldest first, each with its matrix."""
    return demo_import().snapshots


def demo_signoffs(matrix: Matrix, snapshots: list[Snapshot], entries: list[dict[str, Any]]
                  ) -> list[tuple[int, SignOff]]:
    """The records the demo's ``signoffs`` list describes (a ValueError names a bad entry:
    the file is bundled, so that is a mistake in it)."""
    departments = {d.name: d.id for d in matrix.departments}
    touchpoints = {tp.name: tp.id for tp in matrix.iter_touchpoints()}
    by_name = {s.name: s.matrix for s in snapshots}
    out: list[tuple[int, SignOff]] = []
    for number, entry in enumerate(entries, start=1):
        try:
            did = departments[entry["department"]]
            state = SignOffState(entry["state"])
            when = date.fromisoformat(entry["date"])
            lead = str(entry.get("lead", ""))
            if state is SignOffState.AGREED:
                source = by_name[entry["agreed_to"]] if "agreed_to" in entry else matrix
                record = agreement(source, did, lead, when)
            else:
                disputes = tuple(
                    Dispute(touchpoints[d["touchpoint"]], str(d.get("comment", "")),
                            Role(d["proposed"]) if d.get("proposed") else None)
                    for d in entry.get("disputes", ()))
                record = SignOff(state, lead, when, disputes=disputes)
        except (KeyError, ValueError, TypeError) as error:
            raise ValueError(f"demo.json: sign-off {number}: {error!r}") from None
        out.append((did, record))
    return out
