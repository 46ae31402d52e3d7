"""What an import sets up without being asked: the focus department and the title, and what
it refuses to guess (a legend sheet is not a matrix)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.spreadsheet.importer import read

SAMPLES = Path(__file__).parent / "data" / "samples"


@pytest.mark.parametrize("name", ["raci_onboarding_programme.xlsx", "cx_ownership_grid.xlsx",
                                  "journey_touchpoints_owners.csv"])
def test_customer_success_becomes_the_focus_department(name: str) -> None:
    result = read(SAMPLES / name)
    assert result.matrix.focus_department.name == "Customer Success"
    assert any(line.startswith("Focus department: Customer Success") for line in result.report)


def test_title_row_above_the_headings_becomes_the_title() -> None:
    result = read(SAMPLES / "raci_onboarding_programme.xlsx")
    assert result.matrix.title == "Customer Onboarding Programme - RACI Chart"


def test_legend_sheet_is_not_imported_as_a_matrix() -> None:
    with pytest.raises(ImportFailed, match="sheet 'Legend': this looks like a legend"):
        read(SAMPLES / "raci_onboarding_programme.xlsx", sheet="Legend")


def test_no_focus_without_customer_success_and_file_name_title(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Touchpoint", "Sales", "Support"])
    sheet.append(["Demo call", "O", "I"])
    sheet.append(["Ticket", "", "O"])
    path = tmp_path / "my_grid.xlsx"
    workbook.save(path)
    result = read(path)
    assert result.matrix.focus_department is None
    assert result.matrix.title == "my grid"
