"""The CSV export: one row per touchpoint, UTF-8 with a BOM, and no formula injection."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from export_samples import awkward, demo, demo_like
from hypothesis import given, settings
from hypothesis import strategies as st

from cxmatrix.domain.generate import generate_size
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.progress import Cancelled, Progress
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.cell_text import csv_text
from cxmatrix.interchange.csv import export as csv_export
from cxmatrix.interchange.errors import ExportFailed
from cxmatrix.interchange.formats import writer_for
from cxmatrix.interchange.xlsx.layout import ROLE_WORDS, TOUCHPOINT_COLUMNS

BOM = b"\xef\xbb\xbf"
RISKY = ("=", "+", "-", "@", "\t", "\r")


def export(matrix: Matrix, folder: Path) -> Path:
    path = folder / "out.csv"
    csv_export.write(matrix, path)
    return path


def read_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def protected(text: str) -> str:
    return "'" + text if text.startswith(RISKY) else text


def expected_rows(matrix: Matrix) -> list[list[str]]:
    rows = [["Stage", *(title for title, _ in TOUCHPOINT_COLUMNS),
             *(protected(d.name) for d in matrix.departments)]]
    for stage in matrix.stages:
        for tp in matrix.touchpoints_in(stage.id):
            row = [protected(stage.name)]
            for _, attribute in TOUCHPOINT_COLUMNS:
                value = getattr(tp, attribute)
                row.append(("Yes" if value else "No") if isinstance(value, bool)
                           else protected(value))
            roles = matrix.row_roles(tp.id)
            row += [ROLE_WORDS[roles[d.id].value] if d.id in roles else ""
                    for d in matrix.departments]
            rows.append(row)
    return rows


@pytest.mark.parametrize("make", [demo_like, demo, awkward, lambda: generate_size("S")],
                         ids=["demo-like", "demo", "awkward", "generated-S"])
def test_one_row_per_touchpoint_with_stage_attributes_and_roles(make, tmp_path):
    matrix = make()
    rows = read_rows(export(matrix, tmp_path))
    assert rows == expected_rows(matrix)
    assert len(rows) == matrix.touchpoint_count + 1


def test_demo_like_rows_by_hand(tmp_path):
    rows = read_rows(export(demo_like(), tmp_path))
    assert rows[0] == ["Stage", "Touchpoint", "Category", "Channel", "Peak moment",
                       "End moment", "Metric", "Description", "Notes", "Marketing", "Sales",
                       "Customer Success", "Support", "Legal"]
    assert rows[2] == ["Onboarding", "Kick-off call", "Team member", "Video call", "Yes", "No",
                       "", "First call after signing.\nSets the tone.", "", "", "Own", "Own",
                       "", ""]
    assert rows[3][:2] == ["Onboarding", "Welcome email"]
    assert rows[4][-4:] == ["", "Handle", "Handle", ""]


def test_line_breaks_and_quotes_are_quoted(tmp_path):
    matrix = Matrix()
    stage = matrix.add_stage("Stage, with comma")
    matrix.add_touchpoint(stage.id, 'Say "hello"\nthen leave')
    text = export(matrix, tmp_path).read_bytes().decode("utf-8-sig")
    assert '"Stage, with comma","Say ""hello""\nthen leave"' in text
    assert text.endswith("\r\n")


def test_would_be_formulas_get_an_apostrophe(tmp_path):
    rows = read_rows(export(awkward(), tmp_path))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(RISKY)]
    assert "'=SUM(A1:A9)" in rows[0] and "'+Sales 🚀" in rows[0]
    assert "'=1+1" in cells and "'@SUM(1)" in cells and "'-2" in cells
    assert "'quoted'" in cells  # an apostrophe of its own is left alone


def test_unicode_survives_and_excel_sees_the_bom(tmp_path):
    path = export(awkward(), tmp_path)
    assert path.read_bytes().startswith(BOM)
    text = path.read_text(encoding="utf-8-sig")
    for word in ("Ελληνικά 中文 עברית", "Éxït & wïn-bäck", "emoji 😀 and 𝄞"):
        assert word in text


@settings(max_examples=40, deadline=None)
@given(start=st.sampled_from(RISKY),
       rest=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_csv_text_never_starts_a_formula(start, rest):
    text = start + rest
    cell = csv_text(text)
    assert cell.startswith("'")
    assert cell[1:] == text.replace("\x00", "")


@settings(max_examples=20, deadline=None)
@given(name=st.builds(lambda start, rest: start + rest, st.sampled_from(RISKY[:4]),
                      st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                              max_size=30)))
def test_random_formula_like_names_come_back_protected(name):
    matrix = Matrix()
    dept = matrix.add_department(name, "D")
    tp = matrix.add_touchpoint(matrix.add_stage(name).id, name, description=name)
    matrix.set_role(tp.id, dept.id, Role.OWN)
    with tempfile.TemporaryDirectory() as folder:
        rows = read_rows(export(matrix, Path(folder)))
    cleaned = name.strip().replace("\x00", "")
    expected = "'" + cleaned if cleaned.startswith(RISKY) else cleaned
    assert rows[0][-1] == expected
    assert rows[1][:2] == [expected, expected]
    assert rows[1][7] == expected
    assert rows[1][-1] == "Own"


def test_registered_and_failures_leave_nothing(tmp_path):
    assert writer_for(tmp_path / "x.csv") is csv_export.write
    with pytest.raises(ExportFailed, match="does not exist"):
        csv_export.write(demo_like(), tmp_path / "missing" / "out.csv")
    target = tmp_path / "out.csv"
    target.write_text("old")
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        csv_export.write(generate_size("M"), target, progress=progress)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_progress_reaches_the_end(tmp_path):
    progress = Progress()
    csv_export.write(generate_size("S"), tmp_path / "out.csv", progress=progress)
    assert progress.fraction() == 1.0 and progress.message == "Exported out.csv"
