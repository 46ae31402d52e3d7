"""The structure of the messy spreadsheets people keep (issue 19, sections 1, 3 and 5): what
the cells show outranks what a heading says, two heading rows, group columns, phase rows,
where a table ends, text split over rows, placeholder columns, several tables on a sheet, and
the report's words for each decision. Each test writes its workbook with openpyxl and imports
it with default settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.spreadsheet.importer import inspect, read

O, I, H = Role.OWN, Role.INFLUENCE, Role.HANDLE  # noqa: E741


def workbook(path: Path, rows: list[list[Any]], *, merges: tuple[str, ...] = (),
             bold: tuple[str, ...] = (), title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for ref in bold:
        sheet[ref].font = Font(bold=True)
    book.save(path)
    return path


def roles(matrix: Matrix, touchpoint: str) -> dict[str, Role]:
    found = matrix.find_touchpoints(touchpoint)
    assert len(found) == 1, (touchpoint, [t.name for t in matrix.iter_touchpoints()])
    return {matrix.department(d).name: r for d, r in matrix.row_roles(found[0].id).items()}


def names(matrix: Matrix) -> list[str]:
    return [t.name for t in matrix.iter_touchpoints()]


def departments(matrix: Matrix) -> list[str]:
    return [d.name for d in matrix.departments]


def stages(matrix: Matrix) -> list[tuple[str, list[str]]]:
    return [(s.name, [t.name for t in matrix.touchpoints_in(s.id)]) for s in matrix.stages]


# ---- 1. what the cells show outranks what a heading says ----------------------------------------


def test_a_numbered_step_id_column_is_not_the_touchpoints(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Onboarding RACI"],
        [],
        ["Phase", "Step Id", "Task", "Sales", "CS", "Support", "Finance", "Legal", "Product"],
        ["Start", 1, "Kick-off call", "A", "R", "I", None, None, "C"],
        [None, 2, "Contract signed", "R", "I", None, "A", "C", None],
        [None, 3, "Accounts created", None, "A", "R", None, None, "C"],
        ["Run", 4, "First QBR", "I", "A", "C", None, None, "C"],
        [None, 5, "Renewal quote", "R", "C", None, "A", "I", None],
    ]
    result = read(workbook(tmp_path / "step_id.xlsx", rows))
    matrix = result.matrix
    assert names(matrix) == ["Kick-off call", "Contract signed", "Accounts created",
                             "First QBR", "Renewal quote"]
    assert departments(matrix) == ["Sales", "CS", "Support", "Finance", "Legal", "Product"]
    assert stages(matrix) == [("Start", ["Kick-off call", "Contract signed",
                                         "Accounts created"]),
                              ("Run", ["First QBR", "Renewal quote"])]
    assert roles(matrix, "Contract signed") == {"Sales": I, "Finance": O, "Legal": I}
    text = "\n".join(result.report)
    assert "Department columns: D-I (codes in 100% of their cells)." in text
    assert "Column B 'Step Id' is numbers, so the touchpoints are column C." in text


def test_hash_and_no_columns_stay_out_of_the_names(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["#", "No.", "Deliverable", "PMO", "Architect", "Tester"],
        [1, "D-01", "Charter", "A", "C", "I"],
        [2, "D-02", "Design", "C", "A", None],
        [3, "D-03", "Test plan", None, "C", "A"],
    ]
    result = read(workbook(tmp_path / "numbers.xlsx", rows))
    assert names(result.matrix) == ["Charter", "Design", "Test plan"]
    assert departments(result.matrix) == ["PMO", "Architect", "Tester"]
    assert roles(result.matrix, "Design") == {"PMO": I, "Architect": O}


def test_code_columns_with_special_words_in_their_heading_are_departments(
        tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Activity", "[Name of person or department]", "Key Management Area",
         "Budget Coordinator", "Team Lead", "Role Owner"],
        ["Approve budget", "C", "R", "A", "I", None],
        ["Hire staff", "A", "C", "I", "R", "C"],
        ["Close books", "I", "C", "A", None, "R"],
        ["Audit", "C", "A", "R", "I", "C"],
    ]
    result = read(workbook(tmp_path / "special.xlsx", rows))
    matrix = result.matrix
    assert departments(matrix) == ["[Name of person or department]", "Key Management Area",
                                   "Budget Coordinator", "Team Lead", "Role Owner"]
    assert roles(matrix, "Hire staff") == {"[Name of person or department]": O,
                                           "Key Management Area": I, "Team Lead": I,
                                           "Role Owner": I}
    text = "\n".join(result.report)
    assert "Column D 'Budget Coordinator' holds role codes in 100% of its cells: a " \
           "department, whatever its heading says." in text


def test_a_corner_naming_both_axes_does_not_turn_the_table(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Teams … Deliverables", "Sales", "Support", "Finance"],
        ["Proposal", "A", "C", "R"],
        ["Invoice", None, "I", "A"],
        ["Help desk", None, "A", None],
    ]
    result = read(workbook(tmp_path / "corner.xlsx", rows))
    matrix = result.matrix
    assert result.details["detection"]["transposed"] is False
    assert departments(matrix) == ["Sales", "Support", "Finance"]
    assert names(matrix) == ["Proposal", "Invoice", "Help desk"]
    assert roles(matrix, "Proposal") == {"Sales": O, "Support": I, "Finance": I}
    assert any("The corner cell 'Teams … Deliverables' names both axes" in line
               for line in result.report)
    rows[0][0] = "Roles \\ Milestones"
    turned = read(workbook(tmp_path / "corner2.xlsx", rows))
    assert turned.details["detection"]["transposed"] is False
    assert departments(turned.matrix) == ["Sales", "Support", "Finance"]


# ---- 3. the table's structure ------------------------------------------------------------------


def test_group_row_above_names_joins_repeated_names(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [None, "UI/UX", None, None, "Client", None, "Supplier", None],
        ["Deliverable", "Designer", "Researcher", "Writer", "Project manager", "Sponsor",
         "Project manager", "Engineer"],
        ["Wireframes", "R", "C", None, "A", None, "I", None],
        ["User tests", "C", "R", None, "I", "A", None, None],
        ["Build", None, None, "I", "C", None, "A", "R"],
    ]
    path = workbook(tmp_path / "groups.xlsx", rows, merges=("B1:D1", "E1:F1", "G1:H1"))
    result = read(path)
    matrix = result.matrix
    assert departments(matrix) == ["Designer", "Researcher", "Writer",
                                   "Client – Project manager", "Sponsor",
                                   "Supplier – Project manager", "Engineer"]
    assert names(matrix) == ["Wireframes", "User tests", "Build"]
    # I is Informed under RACI: no role for the writer.
    assert roles(matrix, "Build") == {"Client – Project manager": I,
                                      "Supplier – Project manager": O, "Engineer": I}
    assert roles(matrix, "Wireframes") == {"Designer": I, "Researcher": I,
                                           "Client – Project manager": O}
    assert result.details["detection"]["group_row"] == 1


def test_caption_row_below_the_names_is_a_heading_not_data(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [None, None, None, "Designer", "Researcher", "Writer", "Backend", "Frontend"],
        ["Priority", "Status", "Activity", "UI/UX", None, None, "Engineering", None],
        ["High", "Open", "Wireframes", "R", "C", None, "I", None],
        ["Low", "Done", "Copy deck", None, "C", "A", None, None],
        ["High", "Open", "API", None, None, None, "A", "C"],
        ["Medium", "Open", "Web app", "C", None, None, "C", "A"],
    ]
    path = workbook(tmp_path / "captions.xlsx", rows, merges=("D2:F2", "G2:H2"))
    result = read(path)
    matrix = result.matrix
    assert departments(matrix) == ["Designer", "Researcher", "Writer", "Backend", "Frontend"]
    assert names(matrix) == ["Wireframes", "Copy deck", "API", "Web app"]
    assert roles(matrix, "Wireframes") == {"Designer": O, "Researcher": I}
    assert roles(matrix, "Web app") == {"Designer": I, "Backend": I, "Frontend": O}
    detection = result.details["detection"]
    assert detection["header_row"] == 2 and detection["names_row"] == 1


def test_a_group_column_is_known_by_its_shape(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Lots", "Activity", "Sales", "Ops", "Finance"],
        ["Lot 1 – Preparation", "Scope", "A", "R", None],
        [None, "Budget", "C", None, "A"],
        [None, "Plan", None, "A", "C"],
        ["Lot 2 – Delivery", "Build", None, "A", None],
        [None, "Ship", "I", "A", "C"],
        [None, "Invoice", None, "C", "A"],
    ]
    result = read(workbook(tmp_path / "lots.xlsx", rows))
    matrix = result.matrix
    assert stages(matrix) == [("Lot 1 – Preparation", ["Scope", "Budget", "Plan"]),
                              ("Lot 2 – Delivery", ["Build", "Ship", "Invoice"])]
    assert departments(matrix) == ["Sales", "Ops", "Finance"]
    assert any("Column A 'Lots' has text only where a group of rows starts: the stages."
               in line for line in result.report)
    # Merged down over its rows, under a heading that is a legend word elsewhere.
    rows[0][0] = "Key Management Area"
    merged = read(workbook(tmp_path / "kma.xlsx", rows, merges=("A2:A4", "A5:A7")))
    assert stages(merged.matrix) == stages(matrix)
    assert any("'Key Management Area' is merged down over the rows of each group" in line
               for line in merged.report)


def test_phase_rows_wbs_bold_and_upper_case(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["WBS", "Task", "PM", "Dev", "QA"],
        ["1.0", "Initiation", None, None, None],
        ["1.1", "Charter", "A", "C", None],
        ["1.2", "Kick-off", "A", "I", "I"],
        ["2.0", "Execution", None, None, None],
        ["2.1", "Build", "I", "A", None],
        ["2.2", "Test", None, "C", "A"],
        ["2.3", "Review (to be assigned)", None, None, None],
        [None, "FASE\u00a03", None, None, None],
        ["3.1", "Handover", "A", None, "C"],
        [None, "Closure", None, None, None],
        ["4.1", "Lessons learnt", "A", "C", "C"],
    ]
    path = workbook(tmp_path / "wbs.xlsx", rows, bold=("B12",))
    result = read(path)
    matrix = result.matrix
    assert stages(matrix) == [("Initiation", ["Charter", "Kick-off"]),
                              ("Execution", ["Build", "Test", "Review (to be assigned)"]),
                              ("FASE 3", ["Handover"]),
                              ("Closure", ["Lessons learnt"])]
    assert departments(matrix) == ["PM", "Dev", "QA"]
    assert roles(matrix, "Test") == {"Dev": I, "QA": O}


def test_bold_phase_rows_with_a_description(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Activity", "Description", "Sales", "Support", "Success"],
        ["Discovery", "Weeks 1-2", None, None, None],
        ["Intro call", "30 minutes", "A", None, "C"],
        ["Needs analysis", "Workshop", "R", None, "A"],
        ["Go-live", "Weeks 3-6", None, None, None],
        ["Training", "Two sessions", None, "C", "A"],
        ["Data review", "Not yet assigned", None, None, None],
    ]
    path = workbook(tmp_path / "bold.xlsx", rows, bold=("A1", "B1", "C1", "A2", "A5"))
    matrix = read(path).matrix
    assert stages(matrix) == [("Discovery", ["Intro call", "Needs analysis"]),
                              ("Go-live", ["Training", "Data review"])]
    assert matrix.find_touchpoints("Intro call")[0].description == "30 minutes"
    assert roles(matrix, "Needs analysis") == {"Sales": I, "Success": O}


def test_upper_case_phase_with_other_cells_filled(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Activité", "Commentaire", "Chef de projet", "Métier", "DSI"],
        ["PHASE\u00a01", "Cadrage", None, None, None],
        ["Note de cadrage", None, "R", "A", "C"],
        ["Budget", "à valider", "A", "C", "I"],
        ["PHASE 2", "Réalisation", None, None, None],
        ["Recette", None, "C", "A", "R"],
    ]
    result = read(workbook(tmp_path / "phase.xlsx", rows))
    matrix = result.matrix
    assert stages(matrix) == [("PHASE 1", ["Note de cadrage", "Budget"]),
                              ("PHASE 2", ["Recette"])]
    assert matrix.find_touchpoints("Budget")[0].notes == "à valider"


def test_the_table_ends_at_a_gap_before_a_legend(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Task", "Owner team", "Ops", "Finance", "Legal"],
        ["Policy", "A", "R", "C", None],
        ["Budget", "C", None, "A", None],
        ["Contract", None, None, "C", "A"],
        [],
        ["R = Responsible"],
        ["A = Accountable"],
        [],
        ["Symbol", "Meaning"],
        ["R", "Responsible"],
        ["A", "Accountable"],
        ["C", "Consulted"],
        ["I", "Informed"],
        [],
        ["Buchstabe", "Bedeutung"],
        ["V", "Verantwortlich"],
        [],
        ["Notes: reviewed monthly by the PMO"],
        ["Total", 3, 1, 3, 1],
        ["<Add rows as necessary>"],
    ]
    result = read(workbook(tmp_path / "legend.xlsx", rows))
    matrix = result.matrix
    assert names(matrix) == ["Policy", "Budget", "Contract"]
    assert departments(matrix) == ["Owner team", "Ops", "Finance", "Legal"]
    assert roles(matrix, "Policy") == {"Owner team": O, "Ops": I, "Finance": I}
    assert result.details["detection"]["end_row"] == 4
    text = "\n".join(result.report)
    assert "Rows 6-16 below the table: a legend, not imported." in text
    assert "Rows 18-20 below the table: notes, not imported." in text
    # The legend's words never became codes of the table.
    assert {c["code"] for c in result.details["report"]["codes"]} == {"A", "R", "C"}


def test_a_legend_after_a_gap_never_makes_a_column_a_department(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Touchpoint", "Sales", "Support", "Comments"],
        ["Demo", "O", "I", "runs weekly"],
        ["Ticket", None, "O", "24h"],
        [],
        ["Code", "Meaning", None, "Role"],
        ["O", "Own", None, "O"],
        ["I", "Influence", None, "I"],
        ["H", "Handle", None, "H"],
    ]
    result = read(workbook(tmp_path / "legend2.xlsx", rows))
    assert departments(result.matrix) == ["Sales", "Support"]
    assert names(result.matrix) == ["Demo", "Ticket"]
    assert "Rows 5-8 below the table: a legend, not imported." in result.report


def test_touchpoint_text_split_over_two_rows_with_merged_codes(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Activity", "Sales", "Support", "Finance"],
        ["Prepare the annual", "A", "C", None],
        ["budget review", None, None, None],
        ["Renewal call", "R", None, "A"],
        ["Refund", None, "A", "C"],
        ["request", None, None, None],
    ]
    path = workbook(tmp_path / "split.xlsx", rows,
                    merges=("B2:B3", "C2:C3", "B6:B7", "C5:C6", "D5:D6"))
    result = read(path)
    matrix = result.matrix
    assert names(matrix) == ["Prepare the annual budget review", "Renewal call",
                             "Refund request"]
    assert roles(matrix, "Prepare the annual budget review") == {"Sales": O, "Support": I}
    assert roles(matrix, "Refund request") == {"Support": O, "Finance": I}
    assert any("text joined: row 3, row 6" in line for line in result.report)


def test_template_placeholder_columns_are_left_out(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Task", "Project lead", "Name or Role", "Sponsor", "[Name of person]", "Finance"],
        ["Plan", "A", None, "C", None, "I"],
        ["Fund", "C", None, "A", None, "R"],
        ["Report", "A", None, None, None, "C"],
    ]
    result = read(workbook(tmp_path / "template.xlsx", rows))
    assert departments(result.matrix) == ["Project lead", "Sponsor", "Finance"]
    text = "\n".join(result.report)
    assert "Column C ('Name or Role') is not imported: a template's placeholder heading " \
           "with no codes in it." in text
    assert "Column E ('[Name of person]') is not imported" in text


def test_a_list_whose_columns_are_the_raci_letters(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Task", "R", "A", "C", "I"],
        ["Draft the charter", "Anna, Ben", "Carla", "Dev team", "Everyone"],
        ["Approve the budget", "Carla", "Board", "Anna, Finance", ""],
        ["Run the kick-off", "Ben", "Anna", "", "Dev team, Board"],
    ]
    result = read(workbook(tmp_path / "letters.xlsx", rows))
    matrix = result.matrix
    assert result.details["detection"]["shape"] == "list"
    assert names(matrix) == ["Draft the charter", "Approve the budget", "Run the kick-off"]
    assert roles(matrix, "Draft the charter") == {"Anna": I, "Ben": I, "Carla": O,
                                                  "Dev team": I}
    assert roles(matrix, "Approve the budget") == {"Carla": I, "Board": O, "Anna": I,
                                                   "Finance": I}
    assert set(departments(matrix)) == {"Anna", "Ben", "Carla", "Dev team", "Everyone",
                                        "Board", "Finance"}
    assert any("role letters over columns of names" in line for line in result.report)


def test_an_ownership_table_above_a_raci_grid(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Deliverable", "Owner", "Due"],
        ["Charter", "Anna Berg", "2026-01-10"],
        ["Budget", "Ben Okafor", "2026-02-01"],
        [],
        [],
        ["Activity", "PMO", "Finance", "Legal", "IT"],
        ["Charter", "A", "C", None, "I"],
        ["Budget", "C", "A", None, None],
        ["Contract", None, "C", "A", None],
        ["Rollout", "I", None, None, "A"],
    ]
    path = workbook(tmp_path / "two_tables.xlsx", rows)
    result = read(path)
    matrix = result.matrix
    assert departments(matrix) == ["PMO", "Finance", "Legal", "IT"]
    assert names(matrix) == ["Charter", "Budget", "Contract", "Rollout"]
    text = "\n".join(result.report)
    assert "This sheet holds 2 tables: imported the one in rows 6-10 (the matrix of role " \
           "codes). Also seen, not imported: rows 1-3 (a list of names: 'Deliverable', " \
           "'Owner')." in text
    other = inspect(path).with_table(0)
    assert other.layout.shape == "list"
    assert [p.touchpoint for p in other.preview] == ["Charter", "Budget"]
    assert other.preview_departments == ["Anna Berg", "Ben Okafor"]


def test_a_transposed_table_above_a_grid(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Department", "Kick-off", "Review"],
        ["Sales", "O", "I"],
        ["Support", "I", "O"],
        [],
        ["Touchpoint", "Sales", "Support", "Billing", "Success"],
        ["Demo", "O", "I", None, "I"],
        ["Invoice", None, "H", "O", None],
        ["Renewal", "I", None, "I", "O"],
        ["Outage", None, "O", None, "H"],
    ]
    path = workbook(tmp_path / "turned_above.xlsx", rows)
    result = read(path)
    assert names(result.matrix) == ["Demo", "Invoice", "Renewal", "Outage"]
    assert departments(result.matrix) == ["Sales", "Support", "Billing", "Success"]
    assert result.details["detection"]["tables"][0]["rows"] == "rows 1-3"
    small = inspect(path).with_table(0)
    assert small.layout.transposed
    assert small.preview_departments == ["Sales", "Support"]
    assert [p.touchpoint for p in small.preview] == ["Kick-off", "Review"]


# ---- 5. the report ------------------------------------------------------------------------------


def test_a_flipped_import_names_rows_as_rows(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Department", "Welcome call", "QBR", "Outage notice"],
        ["Sales", "O", "I", None],
        ["Support", "I", "O", "O"],
        ["Priority", "High", "Low", "High"],
        ["Finance", None, "I", None],
        ["Legal", "I", None, "I"],
        ["Marketing", "I", None, "I"],
    ]
    result = read(workbook(tmp_path / "flipped.xlsx", rows))
    assert result.details["detection"]["transposed"] is True
    assert departments(result.matrix) == ["Sales", "Support", "Finance", "Legal", "Marketing"]
    assert roles(result.matrix, "QBR") == {"Sales": I, "Support": O, "Finance": I}
    text = "\n".join(result.report)
    assert "Row 4 ('Priority') is not imported: not a department (priority)." in text
    assert "Column " not in text
    assert "Touchpoint names from row 1 (Department)" in text
    assert "Department rows: 2-3, 5-7" in text


# ---- a real-looking sample (saved by LibreOffice Calc) -------------------------------------------


def test_french_project_raci_with_phase_rows_groups_and_a_legend() -> None:
    sample = Path(__file__).parent / "data" / "samples" / "raci_projet_migration_fr.xlsx"
    result = read(sample)
    matrix = result.matrix
    assert matrix.title == "Projet : Migration du CRM — Matrice RACI"
    assert departments(matrix) == ["Client – Chef de projet", "Sponsor",
                                   "Prestataire – Chef de projet", "Consultant", "Développeur"]
    assert stages(matrix) == [
        ("PHASE 1 – CADRAGE", ["Note de cadrage", "Planning détaillé et plan de charge",
                               "Analyse des risques"]),
        ("PHASE 2 – RÉALISATION", ["Paramétrage du CRM", "Reprise des données",
                                   "Développements spécifiques"]),
        ("PHASE 3 – RECETTE ET DÉPLOIEMENT", ["Recette fonctionnelle",
                                              "Formation des utilisateurs",
                                              "Mise en production"])]
    assert roles(matrix, "Planning détaillé et plan de charge") == {
        "Client – Chef de projet": O, "Prestataire – Chef de projet": I, "Développeur": I}
    assert matrix.find_touchpoints("Reprise des données")[0].notes == "lot 1 puis lot 2"
    text = "\n".join(result.report)
    assert "Department columns: C-G (codes in 100% of their cells)." in text
    assert "Column H ('[Nom de la personne]') is not imported: a template's placeholder " \
           "heading with no codes in it." in text
    assert "Rows 20-24 below the table: a legend, not imported." in text
    assert "Row 26 below the table: a template's placeholder, not imported." in text
    assert "text joined: row 9" in text
