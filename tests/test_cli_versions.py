"""The command line's snapshots, today and target: snapshot, snapshots, diff and check and
export of FILE.cxm@SNAPSHOT and FILE.cxm@target."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cxmatrix.cli import main
from cxmatrix.domain import Matrix, Role
from cxmatrix.domain.actions import Action
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.store import Document


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def small_matrix() -> Matrix:
    matrix = Matrix(title="Renewals")
    support, success = matrix.add_department("Support"), matrix.add_department("Success")
    stage = matrix.add_stage("Renew")
    reminder = matrix.add_touchpoint(stage.id, "Renewal reminder", metric="Renewal rate")
    outage = matrix.add_touchpoint(stage.id, "Outage notification", metric="CSAT")
    matrix.set_role(reminder.id, support.id, Role.OWN)
    matrix.set_role(reminder.id, success.id, Role.OWN)
    matrix.set_role(outage.id, support.id, Role.HANDLE)
    return matrix


@pytest.fixture
def cxm(tmp_path: Path) -> Path:
    path = tmp_path / "renewals.cxm"
    Document.create(path, small_matrix()).close()
    return path


def plan(path: Path) -> None:
    """Target: Success owns the reminder alone, Support owns the outage notification."""
    with Document.open(path) as document:
        m = document.matrix
        reminder, outage = (tp.id for tp in m.iter_touchpoints())
        support, _success = (d.id for d in m.departments)
        document.set_target(reminder, support, Role.INFLUENCE)
        document.set_target(outage, support, Role.OWN)
        document.set_action(outage, support, Action("Dana Whitfield", date(2026, 11, 30)))


def test_take_list_rename_delete_and_restore_a_snapshot(cxm: Path, tmp_path: Path,
                                                        capsys) -> None:
    assert run("snapshot", cxm, "Kick-off, Sep 2026", "--note", "first map") == 0
    out = capsys.readouterr().out
    assert out.startswith("Took snapshot 'Kick-off, Sep 2026' of renewals.cxm (2 touchpoints")
    plan(cxm)
    assert run("snapshot", cxm, "Agreed") == 0
    assert "2 planned changes" in capsys.readouterr().out
    assert run("snapshots", cxm) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "Kick-off, Sep 2026" in lines[0] and "(first map)" in lines[0]
    assert run("snapshots", cxm, "--json") == 0
    listed = json.loads(capsys.readouterr().out)["snapshots"]
    assert [(s["name"], s["planned_changes"], s["several_owners"]) for s in listed] == [
        ("Kick-off, Sep 2026", 0, 1), ("Agreed", 2, 1)]
    assert run("snapshot", cxm, "kick-off, sep 2026", "--rename", "Kick-off") == 0
    assert "to 'Kick-off'" in capsys.readouterr().out
    assert run("snapshot", cxm, "Agreed", "--restore", tmp_path / "agreed.cxm") == 0
    with Document.open(tmp_path / "agreed.cxm") as restored:
        assert len(restored.matrix.planned_changes()) == 2
        assert restored.snapshots() == []
    assert run("snapshot", cxm, "Agreed", "--delete") == 0
    with Document.open(cxm) as document:
        assert [s.name for s in document.snapshots()] == ["Kick-off"]


@pytest.mark.parametrize(("args", "words"), [
    (("snapshot", "{cxm}", "Nope", "--delete"), ["has no snapshot 'Nope'", "'Kick-off'"]),
    (("snapshot", "{cxm}", "kick-off"), ["already a snapshot called 'kick-off'"]),
    (("snapshot", "{cxm}", "   "), ["a snapshot needs a name"]),
    (("diff", "{cxm}@Nope", "{cxm}"), ["renewals.cxm has no snapshot 'Nope'"]),
    (("check", "{cxm}@Nope"), ["renewals.cxm has no snapshot 'Nope'"]),
    (("export", "{cxm}@Nope", "{tmp}/out.json"), ["has no snapshot 'Nope'"]),
    (("diff", "{tmp}/a.json@x", "{cxm}"), ["a.json: only .cxm files keep snapshots"]),
    (("check", "{cxm}@"), ["name a snapshot after the @"]),
    (("snapshots", "{tmp}/a.json"), ["a.json: snapshots are kept only in .cxm files"]),
    (("snapshot", "{tmp}/missing.cxm", "S"), ["missing.cxm"]),
])
def test_bad_references_give_one_line_and_exit_2(cxm: Path, tmp_path: Path, capsys, args,
                                                 words) -> None:
    assert run("snapshot", cxm, "Kick-off") == 0
    capsys.readouterr()
    filled = [a.format(cxm=cxm, tmp=tmp_path) for a in args]
    assert run(*filled) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("cxmatrix: ") and "\n" not in err and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    assert not (tmp_path / "out.json").exists()


def test_diff_of_a_snapshot_and_today_tells_ownership_in_words(cxm: Path, capsys) -> None:
    assert run("snapshot", cxm, "Kick-off") == 0
    with Document.open(cxm) as document:
        m = document.matrix
        reminder, outage = (tp.id for tp in m.iter_touchpoints())
        support, _success = (d.id for d in m.departments)
        document.set_role(reminder, support, Role.INFLUENCE)
        document.rename_touchpoint(outage, "Outage alert")
    capsys.readouterr()
    assert run("diff", f"{cxm}@Kick-off", cxm) == 1
    out = capsys.readouterr().out
    assert out.startswith("renewals.cxm@Kick-off → renewals.cxm: ")
    assert "Touchpoint Outage notification renamed to Outage alert" in out
    assert "Renewal reminder: ambiguity removed (Support no longer owns)" in out
    assert run("diff", f"{cxm}@Kick-off", cxm, "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["old"], data["new"], data["match_by"]) == (
        "renewals.cxm@Kick-off", "renewals.cxm", "id")
    assert data["counts"]["touchpoints renamed"] == 1
    assert [c["text"] for c in data["ownership"]] == ["ambiguity removed (Support no longer "
                                                      "owns)"]
    assert data["findings_fixed"][0]["code"] == "several-owners"


def test_diff_of_today_and_target_shows_the_planned_changes(cxm: Path, capsys) -> None:
    plan(cxm)
    assert run("diff", cxm, f"{cxm}@target", "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert {(c["touchpoint"], c["department"], c["old_role"], c["new_role"])
            for c in data["cells"]} == {
        ("Renewal reminder", "Support", "own", "influence"),
        ("Outage notification", "Support", "handle", "own")}
    assert data["plan"] == []  # today against target: the plan is the change itself
    texts = {c["touchpoint"]: c["text"] for c in data["ownership"]}
    assert texts == {"Renewal reminder": "ambiguity removed (Support no longer owns)",
                     "Outage notification": "gains an owner (Support)"}
    assert run("diff", cxm, cxm) == 0
    assert "No differences between renewals.cxm and renewals.cxm." in capsys.readouterr().out


def test_check_reports_today_and_target(cxm: Path, capsys) -> None:
    plan(cxm)
    assert run("check", cxm) == 1
    out = capsys.readouterr().out
    assert "today: 1 error, 1 warning → target: 0 errors (2 planned changes)" in out, out
    assert run("check", f"{cxm}@target") == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "today:" not in out
    assert run("check", cxm, "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["today"]["errors"] == 1 and data["target"]["errors"] == 0
    assert data["planned_changes"] == 2 and data["counts"]["several-owners"] == 1
    assert data["target_counts"]["several-owners"] == 0


def test_export_of_a_snapshot_and_of_the_target(cxm: Path, tmp_path: Path) -> None:
    assert run("snapshot", cxm, "Kick-off") == 0
    plan(cxm)
    assert run("export", f"{cxm}@Kick-off", tmp_path / "kick-off.json") == 0
    kept = json_format.read(tmp_path / "kick-off.json")
    assert kept.matrix.content() == small_matrix().content() and not kept.matrix.has_plan
    assert kept.snapshots == []  # a snapshot's export is that state alone
    assert run("export", f"{cxm}@target", tmp_path / "target.json") == 0
    target = json_format.read(tmp_path / "target.json").matrix
    reminder, outage = (tp.id for tp in target.iter_touchpoints())
    assert [d.name for d in target.owners(reminder)] == ["Success"]
    assert [d.name for d in target.owners(outage)] == ["Support"]
    assert run("export", cxm, tmp_path / "all.json") == 0
    everything = json_format.read(tmp_path / "all.json")
    assert [s.name for s in everything.snapshots] == ["Kick-off"]
    assert len(everything.matrix.planned_changes()) == 2


def test_a_file_whose_name_holds_an_at_sign_is_that_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "team@corvane.cxm"
    Document.create(path, small_matrix()).close()
    assert run("check", path) == 1
    assert "Renewals: 2 touchpoints" in capsys.readouterr().out
