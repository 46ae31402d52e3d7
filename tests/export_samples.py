"""Matrices shared by the export and round-trip tests, and a reader of the Matrix sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxmatrix.domain.model import TOUCHPOINT_FIELDS, Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.interchange.xlsx.layout import (
    FLAG_FALSE,
    FLAG_TRUE,
    HEADER_ROW,
    ID_HEADER,
    OWNERS_HEADER,
    ROLE_WORDS,
    TOUCHPOINT_COLUMNS,
)

DEMO_PATH = Path(__file__).resolve().parent.parent / "resources" / "demo.json"
WORD_ROLES = {word: Role(key) for key, word in ROLE_WORDS.items()}


def demo_like() -> Matrix:
    """A small realistic matrix with every feature the export must carry: an empty stage,
    peak and end moments, metrics, descriptions, notes (one on an empty cell), a touchpoint
    with nothing but a name, a department with no role anywhere, and a focus department."""
    matrix = Matrix(title="Customer journey 2026", organisation="Acme Analytics",
                    description="Who owns each interaction.\nAgreed in January.")
    marketing = matrix.add_department("Marketing", "MKT", "Priya Raman")
    sales = matrix.add_department("Sales", "SAL")
    success = matrix.add_department("Customer Success", "CS", "Maren Lindqvist")
    support = matrix.add_department("Support", "SUP", "Tomás Herrera")
    matrix.add_department("Legal", "LEG")
    matrix.set_properties(focus_department_id=success.id)
    awareness = matrix.add_stage("Awareness")
    onboarding = matrix.add_stage("Onboarding")
    matrix.add_stage("Adoption")  # empty: still gets its heading row
    incidents = matrix.add_stage("Incidents")
    ads = matrix.add_touchpoint(awareness.id, "Paid search & social ads", category="Brand",
                                channel="Web", metric="Cost per lead")
    matrix.set_role(ads.id, marketing.id, Role.OWN)
    matrix.set_role(ads.id, sales.id, Role.INFLUENCE)
    kickoff = matrix.add_touchpoint(onboarding.id, "Kick-off call", category="Team member",
                                    channel="Video call", peak=True,
                                    description="First call after signing.\nSets the tone.")
    matrix.set_role(kickoff.id, sales.id, Role.OWN)
    matrix.set_role(kickoff.id, success.id, Role.OWN)
    matrix.set_note(kickoff.id, success.id, "Who runs it is disputed.")
    matrix.set_note(kickoff.id, support.id, "Support would like to attend.")
    matrix.add_touchpoint(onboarding.id, "Welcome email")  # only a name
    outage = matrix.add_touchpoint(incidents.id, "Outage notice", category="Company",
                                   channel="Email", end=True, notes="Status page too.")
    matrix.set_role(outage.id, support.id, Role.HANDLE)
    matrix.set_role(outage.id, success.id, Role.HANDLE)
    matrix.set_role(outage.id, marketing.id, Role.INFLUENCE)
    return matrix


def demo() -> Matrix:
    return json_format.read(DEMO_PATH).matrix


def awkward() -> Matrix:
    """Names full of unicode, quotes, line breaks and would-be formulas."""
    matrix = Matrix(title="=HYPERLINK(\"http://x\")", organisation="Ünïcødé & «Co» 株式会社",
                    description="+1 line\nsecond \"line\"\n@third")
    odd = [
        matrix.add_department("=SUM(A1:A9)", "SUM"),
        matrix.add_department("+Sales 🚀", "SAL"),
        matrix.add_department("-Legal \"quoted\"", "LEG"),
        matrix.add_department("@Support\nsecond line", "SUP"),
        matrix.add_department("#N/A", "NA"),
        matrix.add_department("Ελληνικά 中文 עברית", "INT"),
    ]
    matrix.set_properties(focus_department_id=odd[1].id)
    stage = matrix.add_stage("=Stage \"one\"")
    other = matrix.add_stage("Éxït & wïn-bäck")
    names = ["=1+1", "+CMD|' /C calc'!A0", "-2", "@SUM(1)", "'quoted'", "Line one\nline two",
             "tab\tinside", "emoji 😀 and 𝄞", "#REF!", "=", "Touchpoint", "Own"]
    for index, name in enumerate(names):
        tp = matrix.add_touchpoint(stage.id if index % 2 else other.id, name,
                                   category="=Product", channel="+Phone",
                                   metric="-5% churn", description="@mention\n=not a formula",
                                   notes="\"quotes\" and 'apostrophes'", peak=index % 3 == 0)
        matrix.set_role(tp.id, odd[index % len(odd)].id, Role.OWN)
        matrix.set_role(tp.id, odd[(index + 1) % len(odd)].id, Role.INFLUENCE)
        matrix.set_note(tp.id, odd[(index + 2) % len(odd)].id, "=note\nwith a line break")
    return matrix


def read_matrix_sheet(sheet: Any) -> dict[str, Any]:
    """What the Matrix sheet says, by name: departments, stages with touchpoint attributes,
    roles and notes (comments). A reader for tests, independent of the importer."""
    rows = list(sheet.iter_rows(min_row=HEADER_ROW))
    header = [cell.value for cell in rows[0]]
    assert header[len(TOUCHPOINT_COLUMNS):len(TOUCHPOINT_COLUMNS) + 2] == [OWNERS_HEADER,
                                                                            ID_HEADER]
    width = len(TOUCHPOINT_COLUMNS) + 2  # the Owners count and the hidden ids
    departments = [name for name in header[width:] if name is not None]
    stages: list[tuple[str, list[Any]]] = []
    for row in rows[1:]:
        values = [cell.value for cell in row]
        if values[0] is not None and all(v is None for v in values[1:width - 1] +
                                         values[width:]):
            stages.append((values[0], []))
            continue
        if all(v is None for i, v in enumerate(values) if i != width - 2):
            continue  # empty, or a spare row with only its Owners formula waiting
        attributes = {}
        for (_, attribute), value in zip(TOUCHPOINT_COLUMNS, values, strict=False):
            if attribute in ("peak", "end"):
                assert value in (FLAG_TRUE, FLAG_FALSE), value
                attributes[attribute] = value == FLAG_TRUE
            else:
                attributes[attribute] = value or ""
        roles = sorted((departments[i], WORD_ROLES[v].value)
                       for i, v in enumerate(values[width:width + len(departments)]) if v)
        notes = sorted((departments[i], cell.comment.text)
                       for i, cell in enumerate(row[width:width + len(departments)])
                       if cell.comment is not None)
        stages[-1][1].append((attributes, roles, notes))
    return {"departments": departments, "stages": stages}


def expected_matrix_sheet(matrix: Matrix) -> dict[str, Any]:
    """What ``read_matrix_sheet`` should find for ``matrix``."""
    content = matrix.content()
    keys = [attribute for _, attribute in TOUCHPOINT_COLUMNS]
    stages = []
    for name, touchpoints in content["stages"]:  # type: ignore[union-attr]
        entries = []
        for values, roles, notes in touchpoints:
            by_field = dict(zip(TOUCHPOINT_FIELDS, values, strict=True))
            entries.append(({key: by_field[key] for key in keys}, roles, notes))
        stages.append((name, entries))
    return {"departments": [d.name for d in matrix.departments], "stages": stages}
