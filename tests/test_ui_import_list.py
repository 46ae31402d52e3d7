"""The import wizard on a list-shaped file (one row per touchpoint, departments named in
"Owner", "Supporting teams" and "Handled by" columns): role columns and touchpoint fields are
shown apart, with honest labels, and the mapping is by column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cxmatrix.ui.dialogs.import_wizard import (
    LIST_COLUMNS_TITLE,
    LIST_MAPPING_TITLE,
    ImportWizard,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

# The shape of the sample tests/data/samples/journey_touchpoints_owners.csv.
ROWS = [line.split("|") for line in (
    "Stage|Touchpoint|Channel|Owner|Supporting teams|"
    "Handled by (when it breaks)|Peak moment|KPI",
    "Awareness|Analyst report mention|Web|Marketing|Product|||Share of voice",
    "Evaluation|Proof of concept|In person|Sales|"
    "Customer Success; Product||yes|Win rate",
    "Onboarding|Kick-off call|Video|Customer Success|"
    "Sales, Professional Services||yes|Time to first value",
    "Onboarding|First invoice|Email|Finance||Support||Days to pay",
    "Usage|Product release notes|In-app|Product|Marketing|Support||Feature adoption",
    "Support|Critical ticket|Phone|Support|Engineering|Customer Success|yes|CSAT",
    "Renewal|Renewal conversation|Video|Customer Success|"
    "Sales; Finance|||Gross retention",
    "Exit|Cancellation request|Email|||Support; Customer Success||",
    "Exit|Offboarding survey|Email|Customer Success|Marketing|||Response rate",
    "Café events|Customer advisory board – Zürich|In person|"
    "Product|Customer Success|||NPS",
)]


def test_list_columns_show_roles_and_fields_apart(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "journey.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";").writerows(ROWS)
    wizard = ImportWizard(path)
    qtbot.addWidget(wizard)
    assert wizard.columns_box.title() == LIST_COLUMNS_TITLE
    items = [wizard.columns_list.item(i) for i in range(wizard.columns_list.count())]
    checkable = {item.text(): item.checkState() == Qt.CheckState.Checked for item in items
                 if item.flags() & Qt.ItemFlag.ItemIsUserCheckable}
    assert checkable == {"D: Owner → Own": True, "E: Supporting teams → Influence": True,
                         "F: Handled by (when it breaks) → Handle": True}
    others = [item.text() for item in items
              if not item.flags() & Qt.ItemFlag.ItemIsUserCheckable]
    assert others == ["Role columns: the departments named get the role", "Touchpoint fields",
                      "C: Channel → channel", "G: Peak moment → peak moment", "H: KPI → metric"]
    assert wizard.mapping_box.title() == LIST_MAPPING_TITLE
    mapping = wizard.mapping_model
    assert [mapping.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Column", "Departments named", "Becomes"]
    rows = {mapping.index(r, 0).data(): mapping.index(r, 2).data()
            for r in range(mapping.rowCount())}
    assert rows == {"Owner": "Own", "Supporting teams": "Influence",
                    "Handled by (when it breaks)": "Handle"}
    # Unticking a role column leaves it out of the preview.
    support_before = wizard.preview_model.columnCount()
    handled = next(item for item in items if item.text().startswith("F:"))
    handled.setCheckState(Qt.CheckState.Unchecked)
    assert wizard.inspection.layout.department_columns[-1].header == "Supporting teams"
    assert wizard.preview_model.columnCount() <= support_before
    # The import reads the fields into the touchpoints.
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.import_button.click()
    assert wizard.import_result is not None
    (proof,) = wizard.import_result.matrix.find_touchpoints("Proof of concept")
    assert (proof.channel, proof.metric, proof.peak) == ("In person", "Win rate", True)
