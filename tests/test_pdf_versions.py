"""The PDF report's today and target: the "From today to target" section, the comparison
with a snapshot, the chart's marks of planned changes and the drift chart, read back from
the PDF (pypdf text) after a real export through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_checks import page_texts

from cxmatrix.cli import main
from cxmatrix.domain import Matrix, Role
from cxmatrix.interchange.pdf.export import write
from cxmatrix.store import Document


@pytest.fixture(scope="module")
def demo_cxm(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.cxm"
    assert main(["new", str(path), "--demo"]) == 0
    return path


def export(source: Path, out: Path, *options: str) -> list[str]:
    assert main(["export", str(source), str(out), *options]) == 0
    return page_texts(out)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_today_to_target_follows_the_summary_with_people_and_dates(demo_cxm: Path,
                                                                    tmp_path: Path) -> None:
    pages = [flat(t) for t in export(demo_cxm, tmp_path / "r.pdf")]
    starts = [i for i, t in enumerate(pages) if "From today to target 7 planned changes" in t]
    assert len(starts) == 1
    start = starts[0]
    assert any("Departments and roles" in t for t in pages[:start])  # after the summary
    assert all("Responsibility chart" not in t for t in pages[:start])
    section = " ".join(pages[start:start + 2])
    assert "Today: 4 errors, 4 warnings → target: 0 errors" in section
    assert "With exactly one owner 44 (92%) 48 (100%)" in section
    assert "Marketing: 1 change · gives up Own · takes on Influence" in section
    assert "Welcome email Onboarding Own Influence Priya Raman 30 Nov 2026 In progress" in section
    assert "Customer Success: 1 change · takes on Own" in section
    assert "Outage notification & status page: gains an owner (Support)" in section
    # Changes that leave the owners are told too, in the Changes dock's words.
    assert "What the changes mean" in section
    assert ("Data connection & first dashboard: Professional Services takes on Influence"
            in section)
    chart = next(t for t in pages if "Responsibility chart" in t)
    assert "A corner marks a planned change" in chart


def test_the_drift_chart_is_on_the_summary_page(demo_cxm: Path, tmp_path: Path) -> None:
    first = flat(export(demo_cxm, tmp_path / "r.pdf")[0])
    assert "Drift across the snapshots" in first
    assert "Kick-off, Sep 2026" in first and "14 Sep 2026" in first
    assert "Exactly one owner (%)" in first and "Handled, owned by nobody (count)" in first


def test_the_drift_chart_gets_a_little_lower_to_stay_on_its_page_but_no_lower(
        demo_cxm: Path) -> None:
    from cxmatrix.domain.snapshots import drift
    from cxmatrix.interchange.pdf.fonts import register_fonts
    from cxmatrix.interchange.pdf.plan import DRIFT_HEIGHT, DRIFT_MIN_HEIGHT, DriftChart

    register_fonts()
    with Document.open(demo_cxm, read_only=True) as document:
        points = drift((s.name, s.taken, s.figures) for s in document.snapshots())
    assert len(points) >= 2
    chart = DriftChart(points, 500)
    _, full = chart.wrap(500, 1000)
    assert chart.chart_height == DRIFT_HEIGHT
    heading = full - DRIFT_HEIGHT
    _, lower = chart.wrap(500, heading + DRIFT_MIN_HEIGHT + 4)
    assert chart.chart_height == pytest.approx(DRIFT_MIN_HEIGHT + 4)
    assert lower == pytest.approx(heading + DRIFT_MIN_HEIGHT + 4)
    _, too_low = chart.wrap(500, heading + DRIFT_MIN_HEIGHT - 4)
    assert too_low == full  # does not fit: the frame moves it on, at its full height


def test_no_target_leaves_the_section_and_the_marks_out(demo_cxm: Path, tmp_path: Path
                                                        ) -> None:
    pages = [flat(t) for t in export(demo_cxm, tmp_path / "r.pdf", "--no-target")]
    assert not any("From today to target" in t for t in pages)
    assert not any("A corner marks a planned change" in t for t in pages)


def test_compare_with_a_snapshot_gives_the_section_titled_with_its_name_and_date(
        demo_cxm: Path, tmp_path: Path) -> None:
    pages = [flat(t) for t in export(demo_cxm, tmp_path / "r.pdf", "--compare-with",
                                     "Kick-off, Sep 2026")]
    section = next(t for t in pages if "Compared with snapshot Kick-off, Sep 2026" in t)
    assert "Taken 14 Sep 2026: The first map, drawn in the kick-off workshop." in section
    # Today counts Legal's two disputes as the status bar, the summary and the section
    # against the target do (it said "4 errors, 2 warnings" beside their "4 warnings").
    assert "Since Kick-off, Sep 2026: 6 errors, 3 warnings → today: 4 errors, 4 warnings" in (
        section)
    target = [flat(t) for t in export(demo_cxm, tmp_path / "t.pdf")]
    assert any("Today: 4 errors, 4 warnings → target: 0 errors" in t for t in target)
    assert "Renewal conversation Renewal & expansion Own Influence" in section
    assert "Renewal conversation: ambiguity removed (Sales no longer owns)" in section
    assert "Billing error & refund: gains an owner (Finance)" in section
    assert not any("From today to target" in t for t in pages)


def test_a_matrix_without_a_plan_or_snapshots_has_neither_section(tmp_path: Path) -> None:
    matrix = Matrix(title="Plain")
    sales = matrix.add_department("Sales")
    tp = matrix.add_touchpoint(matrix.add_stage("Buy").id, "Demo", metric="Win rate")
    matrix.set_role(tp.id, sales.id, Role.OWN)
    with Document.create(tmp_path / "plain.cxm", matrix) as document:
        document.take_snapshot("Only one")
    pages = [flat(t) for t in export(tmp_path / "plain.cxm", tmp_path / "r.pdf")]
    assert not any("From today to target" in t or "Drift across" in t for t in pages)


def test_the_writer_takes_the_options_directly(tmp_path: Path) -> None:
    matrix = Matrix(title="Plan")
    support, success = matrix.add_department("Support"), matrix.add_department("Success")
    tp = matrix.add_touchpoint(matrix.add_stage("Renew").id, "Renewal reminder", metric="GRR")
    matrix.set_role(tp.id, support.id, Role.OWN)
    matrix.set_target(tp.id, support.id, Role.INFLUENCE)
    matrix.set_target(tp.id, success.id, Role.OWN)
    write(matrix, tmp_path / "r.pdf")
    text = flat(" ".join(page_texts(tmp_path / "r.pdf")))
    assert "Renewal reminder: Support gives up Own, Success takes it on" in text
    assert "Success: 1 change · takes on Own" in text


@pytest.mark.parametrize(("options", "words"), [
    (("--compare-with", "Nope"), ["has no snapshot 'Nope'"]),
    (("--compare-with", "Kick-off, Sep 2026", "--page", "summary"), ["for PDF reports"]),
])
def test_bad_report_options_give_one_line(demo_cxm: Path, tmp_path: Path, capsys, options,
                                          words) -> None:
    out = tmp_path / ("r.png" if "--page" in options else "r.pdf")
    assert main(["export", str(demo_cxm), str(out), *options]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and all(w in err for w in words), err
    assert not out.exists()


def test_an_overdue_action_is_said_on_the_reports_date(tmp_path: Path) -> None:
    """The demo's Welcome email change (due 30 Nov 2026, in progress) is overdue on the
    report's date after it, in the Changes dock's words and counted in the subtitle; on its
    due date it is not, and a done action never is."""
    from datetime import date

    from cxmatrix.interchange.demo import demo_matrix

    matrix = demo_matrix()
    welcome = next(tp for tp in matrix.iter_touchpoints() if tp.name == "Welcome email")
    action = next(a for (tid, _), a in matrix.actions.items() if tid == welcome.id)
    assert action.due == date(2026, 11, 30) and not action.is_done
    late = [a for a in matrix.actions.values() if a.is_overdue(date(2026, 12, 3))]
    assert late == [action]
    # The demo's done action (Finance, due 31 Oct 2026) is past its date too, and not late.
    assert any(a.is_done and a.due and a.due < date(2026, 12, 3)
               for a in matrix.actions.values())

    def section(printed_on: date) -> str:
        out = tmp_path / f"{printed_on}.pdf"
        write(matrix, out, printed_on=printed_on)
        pages = [flat(t) for t in page_texts(out)]
        start = next(i for i, t in enumerate(pages) if "From today to target" in t)
        return " ".join(pages[start:start + 2])

    after = section(date(2026, 12, 3))
    assert ("7 planned changes to the roles; 1 action marked done; 1 overdue (due before "
            "3 December 2026 and not done)." in after)
    assert ("Welcome email Onboarding Own Influence Priya Raman 30 Nov 2026 In progress "
            "• Welcome email: Overdue: it was due on 30 Nov 2026" in after)
    assert after.count("Overdue") == 1
    on_the_day = section(date(2026, 11, 30))
    assert "Overdue" not in on_the_day and "overdue" not in on_the_day
    assert "1 action marked done. Planned changes" in on_the_day
