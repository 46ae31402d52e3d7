"""Every file in tests/data/samples imports with default settings into the matrix its README
describes: cell by cell for a sample of cells, and as counts for the rest."""

from __future__ import annotations

from pathlib import Path

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.formats import reader_for
from cxmatrix.interchange.spreadsheet.importer import inspect, read

SAMPLES = Path(__file__).parent / "data" / "samples"

O, I, H = Role.OWN, Role.INFLUENCE, Role.HANDLE  # noqa: E741


def roles_of(matrix: Matrix, touchpoint: str) -> dict[str, Role]:
    found = matrix.find_touchpoints(touchpoint)
    assert len(found) == 1, f"{touchpoint!r}: {len(found)} found"
    return {matrix.department(d).name: r for d, r in matrix.row_roles(found[0].id).items()}


def stage_of(matrix: Matrix, touchpoint: str) -> str:
    return matrix.stage(matrix.find_touchpoints(touchpoint)[0].stage_id).name


def test_every_sample_has_a_test() -> None:
    assert sorted(p.name for p in SAMPLES.iterdir() if p.name != "README.md") == [
        "cx_ownership_grid.xlsx", "journey_touchpoints_owners.csv",
        "raci_onboarding_programme.xlsx", "raci_projet_migration_fr.xlsx"]


def test_raci_chart() -> None:
    path = SAMPLES / "raci_onboarding_programme.xlsx"
    result = reader_for(path)(path)
    matrix = result.matrix
    assert [s.name for s in matrix.stages] == [
        "Phase 1: Handover from Sales", "Phase 2: Kick-off", "Phase 3: Go-live",
        "Phase 4: Adoption"]
    assert matrix.touchpoint_count == 14
    assert [len(matrix.touchpoints_in(s.id)) for s in matrix.stages] == [3, 3, 4, 4]
    assert [d.name for d in matrix.departments] == [
        "Customer Success", "Sales", "Support", "Product", "Finance", "Professional Services"]
    # The README's cells.
    assert roles_of(matrix, "Sales-to-CS handover meeting") == {"Customer Success": O,
                                                                "Sales": I}
    assert roles_of(matrix, "Provision accounts & SSO") == {
        "Professional Services": O, "Support": I, "Product": I}
    # Combined, lower-case and R without an A.
    assert roles_of(matrix, "Share signed order form & success criteria") == {
        "Customer Success": I, "Sales": O}
    assert roles_of(matrix, "Admin training sessions") == {"Customer Success": O,
                                                           "Professional Services": I}
    assert roles_of(matrix, "Kick-off call with customer") == {
        "Customer Success": O, "Sales": I, "Professional Services": I}
    assert roles_of(matrix, "Escalation of critical outage") == {
        "Support": O, "Customer Success": I, "Product": I}
    assert stage_of(matrix, "First invoice sent") == "Phase 3: Go-live"
    # Counts for the rest: every row has exactly one owner in this chart.
    for touchpoint in matrix.iter_touchpoints():
        assert len(matrix.owners(touchpoint.id)) == 1, touchpoint.name
    assert matrix.cell_count() == 34
    # The Comments column and the cell comment on A8 are notes, not a department.
    tp = matrix.find_touchpoints("Share signed order form & success criteria")[0]
    assert "Order form must be attached" in tp.notes
    assert "Success criteria come from the sales deck" in tp.notes
    assert matrix.find_touchpoints("Provision accounts & SSO")[0].notes == "Blocked on SSO docs"
    report = result.details["report"]
    assert report["no_role_cells"] == 12  # the I cells: counted and reported
    assert any("Informed" in line for line in result.report)
    codes = {c["code"].upper(): c["role"] for c in report["codes"]}
    assert codes["A/R"] == "own" and codes["I"] == "none" and codes["C"] == "influence"
    assert codes["R"] == "own-unless-owned"
    assert result.details["detection"]["header_row"] == 5
    assert result.details["detection"]["label_column"].startswith("A")


def test_raci_chart_legend_sheet_is_not_chosen() -> None:
    inspection = inspect(SAMPLES / "raci_onboarding_programme.xlsx")
    assert inspection.sheet == "RACI Chart"
    assert [s.name for s in inspection.sheets] == ["RACI Chart", "Legend"]


def test_ownership_grid_in_words() -> None:
    path = SAMPLES / "cx_ownership_grid.xlsx"
    result = read(path)
    matrix = result.matrix
    assert result.details["sheet"] == "Ownership 2025"
    assert matrix.touchpoint_count == 15
    assert [s.name for s in matrix.stages] == ["Awareness", "Purchase", "Onboarding",
                                               "Adoption", "Support", "Renewal", "Win-back",
                                               "Incidents"]
    assert [d.name for d in matrix.departments] == [
        "Marketing", "Sales", "Customer Success", "Support", "Product", "Finance", "Legal"]
    assert roles_of(matrix, "Welcome email series") == {"Marketing": O, "Customer Success": O}
    assert roles_of(matrix, "Billing disputes") == {"Sales": H, "Customer Success": H,
                                                    "Support": H}
    assert roles_of(matrix, "Major outage communication") == {
        "Customer Success": H, "Support": H, "Product": I}
    assert roles_of(matrix, "Webinars and events") == {"Marketing": O, "Sales": I,
                                                       "Customer Success": I}
    assert roles_of(matrix, "Support tickets") == {"Customer Success": I, "Support": O,
                                                   "Product": I}
    assert stage_of(matrix, "Price increase notice") == "Renewal"
    owners = {tp.name: len(matrix.owners(tp.id)) for tp in matrix.iter_touchpoints()}
    assert sorted(owners.values()) == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    assert matrix.find_touchpoints("Billing disputes")[0].notes == "nobody owns this"
    ignored = result.details["detection"]["ignored_columns"]
    assert any(c["column"] == "E" and c["reason"] == "blank spacer column" for c in ignored)
    assert result.details["report"]["skipped_cells"] == []


def test_ownership_grid_older_sheet_can_be_picked() -> None:
    result = read(SAMPLES / "cx_ownership_grid.xlsx", sheet="2023 draft")
    matrix = result.matrix
    assert [d.name for d in matrix.departments] == ["Marketing", "Sales", "CS"]
    assert roles_of(matrix, "Website") == {"Marketing": O, "Sales": I}
    assert roles_of(matrix, "Demo") == {"Marketing": I, "Sales": O, "CS": I}


def test_journey_list_csv() -> None:
    path = SAMPLES / "journey_touchpoints_owners.csv"
    result = read(path)
    matrix = result.matrix
    assert result.details["encoding"] == "UTF-8"
    assert result.details["delimiter"] == "semicolon"
    assert result.details["detection"]["shape"] == "list"
    assert matrix.touchpoint_count == 10
    names = [d.name for d in matrix.departments]
    assert set(names) == {"Marketing", "Product", "Sales", "Customer Success",
                          "Professional Services", "Finance", "Support", "Engineering"}
    assert roles_of(matrix, "Cancellation request") == {"Support": H, "Customer Success": H}
    assert roles_of(matrix, "Proof of concept") == {"Sales": O, "Customer Success": I,
                                                    "Product": I}
    assert roles_of(matrix, "Kick-off call") == {"Customer Success": O, "Sales": I,
                                                 "Professional Services": I}
    assert roles_of(matrix, "Critical ticket") == {"Support": O, "Engineering": I,
                                                   "Customer Success": H}
    tp = matrix.find_touchpoints("Customer advisory board – Zürich")[0]
    assert matrix.stage(tp.stage_id).name == "Café events"
    assert tp.channel == "In person" and tp.metric == "NPS"
    peaks = sorted(t.name for t in matrix.iter_touchpoints() if t.peak)
    assert peaks == ["Critical ticket", "Kick-off call", "Proof of concept"]
    assert matrix.find_touchpoints("Renewal conversation")[0].metric == "Gross retention"
    assert sum(1 for t in matrix.iter_touchpoints() if not matrix.owners(t.id)) == 1
    assert matrix.cell_count() == 25
