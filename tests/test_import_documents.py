"""RACI charts copied from wikis, README files and Confluence (issue 19, section 4): the pipe
tables of a Markdown document and the tables of an HTML page, one table per phase becoming
stages, named by the headings above them; and the refusals for documents that are too large,
nested too deep or hold no table."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.formats import reader_for
from cxmatrix.interchange.spreadsheet.importer import inspect, read

PHASES_MD = """\
# Customer onboarding RACI

Copied from the team wiki. A line with a | pipe is not a table.

## Phase 1: Discovery

| Task | Customer Success | Sales | Support |
|------|:---:|---|---|
| **Kick-off call** | A | R | C |
| Needs analysis | R | A | |

## Phase 2: Setup

Task | Customer Success | Support | Sales
--- | --- | --- | ---
Account setup | C | A |
Training on `R\\|A` codes | A/R | C | I

```
| Example | Sales |
|---|---|
| Not a touchpoint | A |
```

Go-live
-------

| Task | Customer Success | Sales | Support | Finance |
| --- | --- | --- | --- | --- |
| First invoice | I | C | | A |
| [Health check](https://wiki.example/health) | A<br>R | | C | |

### Legend

| Code | Meaning |
|---|---|
| R | Responsible |
| A | Accountable |
"""


def roles(matrix: Matrix) -> dict[tuple[str, str], Role]:
    names = {d.id: d.name for d in matrix.departments}
    return {(t.name, names[d]): role for t in matrix.iter_touchpoints()
            for d, role in matrix.row_roles(t.id).items()}


def stages(matrix: Matrix) -> dict[str, list[str]]:
    names = {s.id: s.name for s in matrix.stages}
    found: dict[str, list[str]] = {}
    for touchpoint in matrix.iter_touchpoints():
        found.setdefault(names[touchpoint.stage_id], []).append(touchpoint.name)
    return found


def test_markdown_tables_one_per_phase_become_stages(tmp_path: Path) -> None:
    path = tmp_path / "onboarding.md"
    path.write_text(PHASES_MD, encoding="utf-8")
    assert reader_for(path) is read
    result = read(path)
    matrix = result.matrix
    assert matrix.title == "Customer onboarding RACI"
    assert [d.name for d in matrix.departments] == ["Customer Success", "Sales", "Support",
                                                    "Finance"]
    assert stages(matrix) == {
        "Phase 1: Discovery": ["Kick-off call", "Needs analysis"],
        "Phase 2: Setup": ["Account setup", "Training on R|A codes"],
        "Go-live": ["First invoice", "Health check"],
    }
    found = roles(matrix)
    assert found[("Kick-off call", "Customer Success")] is Role.OWN
    assert found[("Kick-off call", "Sales")] is Role.INFLUENCE
    assert found[("Account setup", "Support")] is Role.OWN  # columns matched by name
    assert ("Account setup", "Sales") not in found
    assert found[("Training on R|A codes", "Customer Success")] is Role.OWN
    assert found[("First invoice", "Finance")] is Role.OWN
    assert found[("Health check", "Customer Success")] is Role.OWN  # "A<br>R"
    assert result.report[0] == "Read onboarding.md as a grid (headings in line 7)."
    assert result.report[1] == (
        "The Markdown document has 4 tables. Joined 3 tables as stages: 'Phase 1: "
        "Discovery' (line 7), 'Phase 2: Setup' (line 14), 'Go-live' (line 28). Left out, not "
        "part of the matrix: the table on line 35 ('Legend').")
    assert "Example" not in {t.name for t in matrix.iter_touchpoints()}


def test_one_markdown_table_under_a_heading_takes_it_as_title(tmp_path: Path) -> None:
    path = tmp_path / "readme.markdown"
    path.write_text("Intro\n\n### Escalations RACI\n\n| Step | Support | Legal |\n|---|---|---|\n"
                    "| Outage notice | A | I |\n| Legal threat | C | R,A,Q |\n", encoding="utf-8")
    result = read(path)
    assert result.matrix.title == "Escalations RACI"
    assert stages(result.matrix) == {"Touchpoints": ["Outage notice", "Legal threat"]}
    assert roles(result.matrix)[("Legal threat", "Legal")] is Role.OWN
    assert ("Column C: 1 cell with the unknown letter Q (C on line 8), the other letters "
            "were used.") in result.report


def test_html_tables_with_spans_captions_and_headings(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><title>Wiki</title>
<style>td { color: red }</style><script>var x = "<table>";</script></head><body>
<h1>Support RACI</h1>
<div class="layout"><div class="cell">
<h2>Phase 1 &ndash; Intake</h2>
<table class="confluenceTable"><tbody>
<tr><th>Activity</th><th>Customer Success</th><th>Support</th><th>Sales</th></tr>
<tr><td><p>Ticket <strong>triage</strong></p></td><td>C</td><td>A</td><td></td></tr>
<tr><td>Escalation</td><td colspan="2">R</td><td>I</td></tr>
</tbody></table>
<table><caption>Resolution</caption>
<tr><th>Activity</th><th>Customer Success</th><th>Support</th><th>Sales</th></tr>
<tr><td>Fix and close</td><td>I</td><td>A</td><td rowspan="2">C</td></tr>
<tr><td>Satisfaction survey</td><td>A</td><td>C</td></tr>
</table>
<table><tr><th>Name</th><th>Phone</th></tr><tr><td>Maria</td><td>555-0100</td></tr></table>
</div></div></body></html>"""
    path = tmp_path / "support.html"
    path.write_text(page, encoding="utf-8")
    result = read(path)
    matrix = result.matrix
    assert matrix.title == "Support RACI"
    assert stages(matrix) == {"Phase 1 – Intake": ["Ticket triage", "Escalation"],
                              "Resolution": ["Fix and close", "Satisfaction survey"]}
    found = roles(matrix)
    assert found[("Ticket triage", "Support")] is Role.OWN
    assert found[("Escalation", "Customer Success")] is Role.OWN  # colspan over two columns
    assert found[("Escalation", "Support")] is Role.OWN
    assert found[("Fix and close", "Sales")] is Role.INFLUENCE
    assert found[("Satisfaction survey", "Support")] is Role.INFLUENCE  # not pushed by C
    assert any("Left out, not part of the matrix: the table on line 16" in line
               for line in result.report)
    assert inspect(tmp_path / "support.html").sheets[0].name == "support"


def test_html_nested_deeply_in_divs_imports_but_tables_nested_deep_are_refused(
        tmp_path: Path) -> None:
    table = ("<table><tr><th>Touchpoint</th><th>Sales</th><th>Support</th></tr>"
             "<tr><td>Demo</td><td>A</td><td>C</td></tr></table>")
    deep = tmp_path / "deep.htm"
    deep.write_text("<div>" * 200_000 + table + "</div>" * 200_000, encoding="utf-8")
    assert read(deep).matrix.touchpoint_count == 1
    nested = tmp_path / "nested.html"
    nested.write_text("<table><tr><td>" * 40 + table + "</td></tr></table>" * 40,
                      encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^nested\.html: tables nested more than 32 deep"):
        read(nested)


def test_large_or_tableless_documents_are_refused_clearly(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, written sparse
    with pytest.raises(ImportFailed, match=r"^huge\.md: the document is too large to import "
                                           r"\(52 MB; cxmatrix reads documents of at most 21"):
        read(huge)
    plain = tmp_path / "notes.md"
    plain.write_text("# Notes\n\nNo table here, only text.\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^notes\.md: the document has no tables"):
        read(plain)
    wide = tmp_path / "wide.md"
    wide.write_text("| Touchpoint |" + " D |" * 2500 + "\n|" + "---|" * 2501 + "\n",
                    encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^wide\.md: the table row on line 1 has 2,501 "
                                           r"columns; cxmatrix imports at most 2,000"):
        read(wide)
    legend = tmp_path / "legend.md"
    legend.write_text("| Code | Meaning |\n|---|---|\n| R | Responsible |\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^legend\.md"):
        read(legend)
