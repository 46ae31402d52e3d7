"""The codes people actually write in their charts (issue 19, section 2): DRASCI's D, letters
of other alphabets that look like Latin ones, codes joined in words or brackets, a stray
unknown letter among known ones, and whole words in seven languages. Each test writes its
workbook with openpyxl, imports it with the defaults and checks the matrix and the report."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from cxmatrix.domain.codes import Target, read_code, resolve_mapping
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.spreadsheet.importer import import_inspection, inspect, read


def workbook(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "RACI"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def roles(matrix: Matrix) -> dict[tuple[str, str], Role]:
    names = {d.id: d.name for d in matrix.departments}
    found = {}
    for touchpoint in matrix.iter_touchpoints():
        for department_id, role in matrix.row_roles(touchpoint.id).items():
            found[(touchpoint.name, names[department_id])] = role
    return found


def test_driver_is_own_like_a_where_the_row_has_no_a_and_the_mapping_can_change_it(
        tmp_path: Path) -> None:
    path = workbook(tmp_path / "drasci.xlsx", [
        ["Activity", "Customer Success", "Sales", "Support", "Finance"],
        ["Kick-off call", "D", "S", "C", "I"],
        ["Contract signature", "D", "A", "", "C"],
        ["Renewal review", "Driver", "R", "S", "I"],
    ])
    result = read(path)
    found = roles(result.matrix)
    assert [d.name for d in result.matrix.departments] == ["Customer Success", "Sales",
                                                           "Support", "Finance"]
    assert found[("Kick-off call", "Customer Success")] is Role.OWN
    assert found[("Kick-off call", "Sales")] is Role.INFLUENCE
    assert found[("Contract signature", "Sales")] is Role.OWN
    assert found[("Contract signature", "Customer Success")] is Role.INFLUENCE
    assert found[("Renewal review", "Customer Success")] is Role.OWN
    assert any("D (Driver) is read like R" in line for line in result.report)
    inspection = inspect(path)
    assert {c.display: c.target for c in inspection.codes}["D"] is Target.OWN_UNLESS_OWNED
    changed = import_inspection(inspection.with_code("D", Target.INFLUENCE))
    assert roles(changed.matrix)[("Kick-off call", "Customer Success")] is Role.INFLUENCE


def test_look_alike_letters_read_as_latin_and_reported(tmp_path: Path) -> None:
    # Cyrillic С (U+0421), А (U+0410), Р (U+0420), І (U+0406); full-width Ａ and Ｒ.
    path = workbook(tmp_path / "cyrillic.xlsx", [
        ["Touchpoint", "Sales", "Support", "Customer Success", "Legal"],
        ["Welcome email", "\u0421", "", "A", "\u0406"],
        ["Account review", "\u0410", "C", "\uff32", ""],
        ["Billing question", "", "\uff21", "\u0421", "\u0420"],
        ["Escalation", "R", "A", "C", "\u0421"],
    ])
    result = read(path)
    found = roles(result.matrix)
    assert found[("Welcome email", "Sales")] is Role.INFLUENCE
    assert ("Welcome email", "Legal") not in found  # І is I: Informed in a RACI sheet
    assert found[("Account review", "Sales")] is Role.OWN
    assert found[("Account review", "Customer Success")] is Role.INFLUENCE  # Ｒ with an A
    assert found[("Billing question", "Support")] is Role.OWN
    assert found[("Billing question", "Legal")] is Role.OWN  # Р looks like P: Primary
    assert "Cyrillic \u0421 read as C in B2, D4, E5." in result.report
    assert "Cyrillic \u0410 read as A in B3." in result.report
    assert "Cyrillic \u0420 read as P in E4." in result.report
    assert "Cyrillic \u0406 read as I in E2." in result.report
    assert "Full-width \uff21 read as A in C4." in result.report
    assert not any("not understood" in line for line in result.report)


def test_codes_joined_in_words_spaces_commas_and_brackets(tmp_path: Path) -> None:
    joined = ["R et A", "A and R", "R y A", "R e A", "A / R", "R,A,C", "RA", "R (A)"]
    rows = [["Touchpoint", "Customer Success", "Sales"]]
    rows += [[f"Step {n}", code, "C"] for n, code in enumerate(joined, start=1)]
    rows.append(["Step 9", "(R)", "I"])
    result = read(workbook(tmp_path / "joins.xlsx", rows))
    found = roles(result.matrix)
    for n in range(1, 9):
        assert found[(f"Step {n}", "Customer Success")] is Role.OWN, joined[n - 1]
        assert found[(f"Step {n}", "Sales")] is Role.INFLUENCE
    assert found[("Step 9", "Customer Success")] is Role.OWN  # (R) and no A in the row
    assert not any("not understood" in line for line in result.report)
    assert any(line.startswith("Cells imported: 9 Own, 8 Influence, 0 Handle")
               for line in result.report)


def test_unknown_letter_among_known_ones_uses_the_others_and_keeps_the_column(
        tmp_path: Path) -> None:
    path = workbook(tmp_path / "stray.xlsx", [
        ["Task", "Sales", "Support", "Marketing", "Finance"],
        ["Lead handover", "A", "C", "I", "I"],
        ["Demo", "R", "C", "A", ""],
        ["Quote", "C", "I", "R,A,C,Q", ""],
        ["Contract", "A", "", "R", "C"],
        ["Invoice", "I", "", "R,Q", "A"],
        ["Payment", "", "C", "R/A/Q", "A"],
        ["Dunning", "", "", "C,I,Q", "A"],
    ])
    result = read(path)
    assert [d.name for d in result.matrix.departments] == ["Sales", "Support", "Marketing",
                                                           "Finance"]
    found = roles(result.matrix)
    assert found[("Quote", "Marketing")] is Role.OWN
    assert found[("Payment", "Marketing")] is Role.OWN  # A of R/A/Q; Finance owns it too
    assert found[("Dunning", "Marketing")] is Role.INFLUENCE
    assert ("Invoice", "Marketing") not in found  # one known letter and one stray: not read
    assert ("Column D: 3 cells with the unknown letter Q (D4, D7, D8), the other letters "
            "were used.") in result.report
    assert any(line.startswith("Skipped 1 cell: code 'R,Q' not understood: D6")
               for line in result.report)
    assert result.details["report"]["readings"]


def test_whole_words_in_seven_languages_and_lower_case(tmp_path: Path) -> None:
    path = workbook(tmp_path / "words.xlsx", [
        ["Étape", "Ventes", "Support client", "Finances", "Juridique"],
        ["Premier contact", "Responsable", "Consulté", "Information", ""],
        ["Signature", "Approbateur", "Acteur", "consulté", "informé"],
        ["Onboarding", "Verantwortlich", "Konsultiert", "Informiert", "Aprobador"],
        ["Renouvellement", "responsável", "Consultado", "Informado", "Aprovador"],
        ["Support", "Support", "Driver", "Primary", "Secondary"],
        ["Escalade", "Accountable", "Responsible", "Consulted", "Informed"],
    ])
    result = read(path)
    assert result.matrix.touchpoint_count == 6
    found = roles(result.matrix)
    assert found[("Premier contact", "Ventes")] is Role.OWN
    assert found[("Premier contact", "Support client")] is Role.INFLUENCE
    assert ("Premier contact", "Finances") not in found
    assert found[("Signature", "Ventes")] is Role.OWN
    assert found[("Signature", "Support client")] is Role.INFLUENCE
    assert found[("Signature", "Finances")] is Role.INFLUENCE
    assert found[("Onboarding", "Juridique")] is Role.OWN
    assert found[("Onboarding", "Ventes")] is Role.INFLUENCE
    assert found[("Renouvellement", "Ventes")] is Role.INFLUENCE
    assert found[("Support", "Finances")] is Role.OWN
    assert found[("Support", "Support client")] is Role.INFLUENCE  # Driver, with a Primary
    assert found[("Support", "Juridique")] is Role.INFLUENCE
    assert found[("Escalade", "Ventes")] is Role.OWN
    assert not any("not understood" in line for line in result.report)


def test_vocabulary_reads_each_code_form_alone() -> None:
    mapping = resolve_mapping("auto", {"r et a": 1, "c": 3, "i": 2, "d": 1, "konsultiert": 1,
                                       "\u0441": 1, "r,a,c,q": 1})
    assert mapping.entries["r et a"] is Target.OWN
    assert mapping.entries["d"] is Target.OWN_UNLESS_OWNED
    assert mapping.entries["i"] is Target.NO_ROLE  # RACI letters around it
    assert mapping.readings["r,a,c,q"].unknown == ("q",)
    assert mapping.readings["\u0441"].lookalikes == (("\u0441", "c"),)
    assert mapping.with_entry("r,a,c,q", Target.INFLUENCE).readings.keys() == {"\u0441"}
    assert read_code("q", mapping.entries).target is None
