"""Edge cases of the PDF report: empty, tiny, huge and hostile matrices all give a sensible
PDF, with nothing drawn outside the page and nothing overprinted by long names."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pypdf
from hypothesis import HealthCheck, given, settings
from pdf_checks import font_report, glyphs, glyphs_outside, margins_are_blank, page_texts
from strategies import matrices

from cxmatrix.domain.findings import compute_findings
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.pdf import fonts
from cxmatrix.interchange.pdf.chart import MIN_CELL, ChartLayout
from cxmatrix.interchange.pdf.export import write
from cxmatrix.interchange.pdf.text import ELLIPSIS

HOSTILE = "Ünïcødé Ελληνικά Кириллица <b>bold</b> & <i>x</i> &amp; 1 < 2 > 0"


def flat(text: str) -> str:
    return " ".join(text.split())


def chart_pages(texts: list[str]) -> list[str]:
    return [t for t in texts if "Responsibility chart" in t]


def check_drawing(path: Path, pages: list[int] | None = None) -> None:
    assert margins_are_blank(path, pages=pages) == []
    outside = glyphs_outside(path, pages=pages)
    assert outside == [], outside[:5]


def test_empty_matrix(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    write(Matrix(), path, source_name="empty.cxm")
    texts = page_texts(path)
    assert len(texts) == 4
    assert "Executive summary" in texts[0]
    assert "No touchpoints yet" in texts[0]
    assert "No departments yet" in texts[1]
    assert "No touchpoints yet" in texts[2]
    assert "None: every touchpoint has an owner." in texts[3]
    assert all(f"Page {n} of 4" in t for n, t in enumerate(texts, 1))
    check_drawing(path)


def test_stages_without_touchpoints_and_no_departments(tmp_path: Path) -> None:
    matrix = Matrix(title="Stages only")
    awareness = matrix.add_stage("Awareness")
    matrix.add_stage("Onboarding")
    matrix.add_touchpoint(awareness.id, "Paid search")
    path = tmp_path / "stages.pdf"
    write(matrix, path)
    chart = flat(chart_pages(page_texts(path))[0])
    assert "No departments yet" in chart
    assert "Onboarding · no touchpoints" in chart
    assert "Paid search" in chart
    check_drawing(path)


def test_one_department(tmp_path: Path) -> None:
    matrix = Matrix(title="One")
    stage = matrix.add_stage("Support")
    dept = matrix.add_department("Support desk")
    for index in range(4):
        tp = matrix.add_touchpoint(stage.id, f"Ticket {index}")
        if index:
            matrix.set_role(tp.id, dept.id, Role.OWN)
    path = tmp_path / "one.pdf"
    write(matrix, path, lenses=["Support desk"])
    texts = page_texts(path)
    assert "1 department" in chart_pages(texts)[0]
    assert "75%" in texts[0]
    assert any("Department lens: Support desk" in t for t in texts)
    check_drawing(path)


def test_every_cell_empty(tmp_path: Path) -> None:
    matrix = generate_matrix(30, 6, fill=0.0)
    path = tmp_path / "blank.pdf"
    write(matrix, path)
    texts = page_texts(path)
    assert "0%" in texts[0] and "0 of 30 touchpoints" in texts[0]
    for page in chart_pages(texts):
        letters = [word for word in page.split() if word in ("O", "I", "H")]
        # The legend's three tiles and its "O = Own" keys, no cells.
        assert sorted(letters) == ["H", "H", "I", "I", "O", "O"]
    findings = flat(" ".join(texts[len(texts) - 2:]))
    assert "No clear owner 30 touchpoints" in findings
    check_drawing(path)


def test_two_hundred_departments_split_into_parts(tmp_path: Path) -> None:
    matrix = generate_matrix(40, 200)
    path = tmp_path / "wide.pdf"
    write(matrix, path)
    texts = page_texts(path)
    chart = chart_pages(texts)
    parts = {int(m.group(1)) for t in chart for m in [re.search(r"part \d+ of (\d+)", t)] if m}
    assert len(parts) == 1
    (count,) = parts
    assert count >= 5
    first_block = chart[:count]
    assert [re.search(r"part (\d+) of", t).group(1) for t in first_block] == [
        str(n) for n in range(1, count + 1)]
    ranges = [re.search(r"Departments (\d+)–(\d+) of 200", t).groups() for t in first_block]
    assert ranges[0][0] == "1" and ranges[-1][1] == "200"
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert int(start) == int(end) + 1
    shown = " ".join(flat(t) for t in first_block)
    for dept in matrix.departments:
        assert dept.name in shown
    layout = ChartLayout(matrix, {}, 770, 471)
    assert layout.cell_width >= MIN_CELL
    check_drawing(path, pages=[0, len(texts) - 1, *range(len(texts) - len(chart) - 2,
                                                           len(texts) - len(chart) + 4)])


def test_sixty_departments_on_a4_take_two_parts_and_tabloid_one(tmp_path: Path) -> None:
    matrix = generate_matrix(30, 60)
    for size, parts in (("a4", 2), ("tabloid", 1)):
        path = tmp_path / f"{size}.pdf"
        write(matrix, path, page_size=size)
        chart = chart_pages(page_texts(path))
        if parts == 1:
            assert all("(part" not in t for t in chart)
            assert "60 departments" in chart[0]
        else:
            assert "Departments 1–30 of 60 (part 1 of 2)" in chart[0]
            assert "Departments 31–60 of 60 (part 2 of 2)" in chart[1]


def test_two_thousand_touchpoints_continue_across_pages(tmp_path: Path) -> None:
    matrix = generate_matrix(2000, 10)
    path = tmp_path / "long.pdf"
    write(matrix, path)
    texts = page_texts(path)
    chart = chart_pages(texts)
    assert len(chart) >= 50
    ranges = [tuple(map(int, re.search(r"Touchpoints (\d+)–(\d+) of 2000", t).groups()))
              for t in chart]
    assert ranges[0][0] == 1 and ranges[-1][1] == 2000
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert start == end + 1
    for page in chart:
        assert "Touchpoint" in page and matrix.departments[0].name in page
        assert "Handle" in page
    assert sum("(continued)" in t for t in chart) >= 5
    total = len(texts)
    assert f"Page {total} of {total}" in texts[-1]
    check_drawing(path, pages=[1, 2, total // 2, total - 1])


def test_very_long_names_are_cut_never_overprinted(tmp_path: Path) -> None:
    long_text = "Word " * 1000
    matrix = Matrix(title="T" * 5000, organisation="Org " * 1250, description=long_text)
    stage = matrix.add_stage("Stage " * 800)
    departments = [matrix.add_department(f"{n} " + "Dept " * 999) for n in range(3)]
    departments.append(matrix.add_department("x" * 5000))
    for index in range(6):
        name = (f"{index} " + "Touchpoint " * 450) if index % 2 else "y" * 5000
        tp = matrix.add_touchpoint(stage.id, name, peak=index == 0, end=index < 2,
                                   metric="m" * 5000)
        for dept in departments[index % 2:]:
            matrix.set_role(tp.id, dept.id, Role.HANDLE if index % 3 else Role.OWN)
    matrix.focus_department_id = departments[-1].id
    path = tmp_path / "long-names.pdf"
    write(matrix, path, lenses=[d.name for d in departments[:2]], source_name="n" * 5000)
    texts = page_texts(path)
    assert len(texts) <= 12
    assert all(ELLIPSIS in t for t in texts)
    assert all("Page" in t for t in texts)
    check_drawing(path)


def test_markup_characters_and_scripts_come_out_literally(tmp_path: Path) -> None:
    matrix = Matrix(title=f"Title {HOSTILE}", organisation="Ωmega & Ко <Ltd>",
                    description=HOSTILE)
    stage = matrix.add_stage(f"Stage {HOSTILE}")
    dept = matrix.add_department(f"Dept {HOSTILE}", code="ΔΚ")
    other = matrix.add_department("Отдел продаж")
    tp = matrix.add_touchpoint(stage.id, f"Touchpoint {HOSTILE}")
    matrix.set_role(tp.id, dept.id, Role.HANDLE)
    second = matrix.add_touchpoint(stage.id, "Приветственный звонок & <welcome>")
    matrix.set_role(second.id, dept.id, Role.OWN)
    matrix.set_role(second.id, other.id, Role.OWN)
    path = tmp_path / "hostile.pdf"
    write(matrix, path, lenses=[dept.name, "отдел ПРОДАЖ"])
    everything = flat(" ".join(page_texts(path)))
    for expected in ("Ωmega & Ко <Ltd>", "<b>bold</b> & <i>x</i> &amp; 1 < 2 > 0",
                     "Приветственный звонок & <welcome>", "Отдел продаж",
                     "Department lens: Отдел продаж"):
        assert expected in everything
    for finding in compute_findings(matrix):
        if finding.code in ("no-owner", "several-owners"):  # grouped, each touchpoint named
            assert flat(matrix.touchpoint(finding.touchpoint_id).name) in everything
    drawn = {g.char for g in glyphs(path)}
    assert {"Ü", "Ω", "К", "λ", "<", ">", "&"} <= drawn
    assert set(font_report(path)) == {fonts.REGULAR, fonts.BOLD, fonts.CONDENSED,
                                      fonts.CONDENSED_BOLD}
    check_drawing(path)


def test_department_codes_stand_in_for_names_that_do_not_fit(tmp_path: Path) -> None:
    matrix = Matrix(title="Codes")
    stage = matrix.add_stage("Stage")
    short = matrix.add_department("Sales")
    long = matrix.add_department("Customer Experience and Service Operations Excellence "
                                 "Centre for Enterprise, Strategic and Public Sector "
                                 "Accounts in Europe", code="CXSO")
    tp = matrix.add_touchpoint(stage.id, "Renewal call")
    matrix.set_role(tp.id, short.id, Role.OWN)
    matrix.set_role(tp.id, long.id, Role.INFLUENCE)
    path = tmp_path / "codes.pdf"
    write(matrix, path)
    chart = flat(chart_pages(page_texts(path))[0])
    assert "Sales" in chart
    assert "CXSO" in chart
    assert "CXSO = Customer Experience and Service Operations" in chart  # the key, cut to fit


def test_single_page_of_a_legible_matrix(tmp_path: Path) -> None:
    matrix = generate_matrix(12, 8)
    path = tmp_path / "small.pdf"
    write(matrix, path)
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 4
    chart = chart_pages(page_texts(path))
    assert len(chart) == 1
    for dept in matrix.departments:
        assert dept.name in flat(chart[0])


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(matrix=matrices(max_touchpoints=10, max_departments=6))
def test_any_matrix_gives_a_pdf_drawn_inside_its_margins(matrix: Matrix,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "any.pdf"
    lenses = [d.name for d in matrix.departments[:1]]
    write(matrix, path, lenses=lenses, source_name="any.cxm")
    texts = page_texts(path)
    assert "Executive summary" in texts[0]
    assert any("Responsibility chart" in t for t in texts)
    assert len(texts) >= 3 + len(lenses)
    assert all(f"Page {n} of {len(texts)}" in t for n, t in enumerate(texts, start=1))
    check_drawing(path)


def test_each_letter_sits_on_a_tile_of_its_role(tmp_path: Path) -> None:
    """The chart puts its tile and letter operators together itself (numbers formatted once
    per column and row): read back, every cell has one tile in its role's colour and its
    letter, in the role's ink, inside that tile."""
    from pypdf.generic import ContentStream

    from cxmatrix.interchange.pdf import theme

    matrix = generate_matrix(12, 7, seed=3)
    path = tmp_path / "tiles.pdf"
    write(matrix, path)
    reader = pypdf.PdfReader(path)
    page = next(p for p in reader.pages if "Responsibility chart" in p.extract_text())
    operations = ContentStream(page.get_contents(), reader).operations

    def colour(operands: list[object]) -> tuple[float, ...]:
        return tuple(round(float(v), 3) for v in operands)  # type: ignore[arg-type]

    fills = {colour(list(theme.ROLE_FILL[r].rgb())): r for r in Role}
    inks = {colour(list(theme.ROLE_INK[r].rgb())): r for r in Role}
    tiles: dict[Role, list[tuple[float, ...]]] = {r: [] for r in Role}
    letters: list[tuple[Role, float, float, str]] = []
    fill: tuple[float, ...] = ()
    path_rects: list[tuple[float, ...]] = []
    origin = (0.0, 0.0)
    for operands, operator in operations:
        if operator == b"rg":
            fill = colour(operands)
        elif operator == b"re":
            path_rects.append(tuple(float(v) for v in operands))
        elif operator in (b"f", b"f*") and fill in fills:
            tiles[fills[fill]].extend(path_rects)
        elif operator == b"Tm":
            origin = (float(operands[4]), float(operands[5]))
        elif operator == b"Tj" and fill in inks:
            letters.append((inks[fill], *origin, str(operands[0])))
        if operator in (b"n", b"f", b"f*", b"S", b"B", b"B*"):
            path_rects = []
    cells = dict.fromkeys(Role, 0)
    for tp in matrix.iter_touchpoints():
        for role in matrix.row_roles(tp.id).values():
            cells[role] += 1
    for role in Role:
        # every cell's tile and letter (the legend adds one of each per role)
        assert len(tiles[role]) >= cells[role] > 0
        placed = [(x, y) for r, x, y, _ in letters if r is role]
        assert len(placed) >= cells[role]
        for x, y in placed:
            assert any(tx <= x <= tx + w and ty <= y <= ty + h
                       for tx, ty, w, h in tiles[role]), (role, x, y)
