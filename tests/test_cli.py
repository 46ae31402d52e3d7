"""The command line: exit statuses, one-line errors, and the JSON round trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxmatrix.cli import main
from cxmatrix.domain import Matrix, Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.store import Document


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--version")
    assert exited.value.code == 0
    assert "cxmatrix 0." in capsys.readouterr().out


def test_new_demo_check_and_exit_status(tmp_path: Path, capsys) -> None:
    target = tmp_path / "demo.cxm"
    assert run("new", target, "--demo") == 0
    assert "Created" in capsys.readouterr().out
    # The demo has error findings on purpose, so check exits 1.
    assert run("check", target) == 1
    out = capsys.readouterr().out
    assert "no-owner" in out
    assert "with exactly one owner" in out


def test_check_exits_zero_without_errors(tmp_path: Path, capsys) -> None:
    matrix = Matrix(title="Healthy")
    stage = matrix.add_stage("Onboarding")
    tp = matrix.add_touchpoint(stage.id, "Kick-off", metric="Time to value")
    dept = matrix.add_department("Customer Success")
    matrix.set_role(tp.id, dept.id, Role.OWN)
    Document.create(tmp_path / "ok.cxm", matrix).close()
    assert run("check", tmp_path / "ok.cxm") == 0
    assert "0 errors" in capsys.readouterr().out


def test_check_json(tmp_path: Path, capsys) -> None:
    run("new", tmp_path / "d.cxm", "--demo")
    capsys.readouterr()
    assert run("check", tmp_path / "d.cxm", "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["several-owners"] >= 1
    assert all({"code", "severity", "message", "touchpoint", "department"} <= set(f)
               for f in data["findings"])


def test_json_export_import_round_trip(tmp_path: Path) -> None:
    matrix = generate_matrix(60, 7, seed=5)
    tp = next(matrix.iter_touchpoints())
    matrix.set_note(tp.id, matrix.departments[0].id, 'quotes " and \n line breaks')
    matrix.update_touchpoint(tp.id, name="=SUM(A1) «Ünïcødé» & <tags>", description="x\ny")
    Document.create(tmp_path / "a.cxm", matrix).close()
    assert run("export", tmp_path / "a.cxm", tmp_path / "a.json") == 0
    assert run("import", tmp_path / "a.json", "-o", tmp_path / "b.cxm") == 0
    with Document.open(tmp_path / "b.cxm") as again:
        assert again.matrix.content() == matrix.content()
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["cxmatrix"] == json_format.FORMAT_VERSION == 3
    assert [d["name"] for d in data["departments"]] == [d.name for d in matrix.departments]


def test_the_demo_keeps_its_signoffs_through_json_export_and_import(tmp_path: Path,
                                                                      capsys) -> None:
    run("new", tmp_path / "d.cxm", "--demo")
    assert run("export", tmp_path / "d.cxm", tmp_path / "d.json") == 0
    assert run("import", tmp_path / "d.json", "-o", tmp_path / "again.cxm") == 0
    capsys.readouterr()
    states = []
    for name in ("d.cxm", "d.json", "again.cxm"):
        run("check", tmp_path / name, "--json")
        states.append(json.loads(capsys.readouterr().out)["signoffs"])
    assert states[0] == states[1] == states[2]
    labels = [entry["state"] for entry in states[0]]
    assert labels.count("agreed") == 6 and {"out of date", "disputed", "asked"} <= set(labels)
    with Document.open(tmp_path / "d.cxm") as demo, Document.open(tmp_path / "again.cxm") as again:
        assert dict(again.matrix.signoffs) == dict(demo.matrix.signoffs)
    assert run("diff", tmp_path / "d.cxm", tmp_path / "d.json") == 0
    assert "No differences" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (("check", "missing.cxm"), "no such file"),
    (("export", "missing.cxm", "out.json"), "no such file"),
    (("import", "missing.json", "-o", "x.cxm"), "no such file"),
    (("export", "a.cxm", "out.docx"), "cannot export to .docx"),
    (("import", "old.xls", "-o", "x.cxm"), "save it as .xlsx"),
    (("new", "plain.txt"), "must be a .cxm file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys, monkeypatch, args,
                                          message) -> None:
    monkeypatch.chdir(tmp_path)
    Document.create(tmp_path / "a.cxm").close()
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert run(*args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_json_names_the_place(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"cxmatrix": 1, "departments": [{"name": "A"}],
                               "stages": [{"name": "S", "touchpoints": [
                                   {"name": "T", "roles": {"A": "boss"}}]}]}))
    assert run("import", bad, "-o", tmp_path / "x.cxm") == 2
    err = capsys.readouterr().err
    assert "bad.json" in err
    assert "stage 1" in err
    assert "'boss' is not a role" in err
    assert not (tmp_path / "x.cxm").exists()


def test_import_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    json_format.write(generate_matrix(3, 2), tmp_path / "in.json")
    (tmp_path / "out.cxm").write_text("keep")
    assert run("import", tmp_path / "in.json", "-o", tmp_path / "out.cxm") == 2
    assert (tmp_path / "out.cxm").read_text() == "keep"
    assert run("import", tmp_path / "in.json", "-o", tmp_path / "out.cxm", "--force") == 0


def test_corrupt_document_exit_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "junk.cxm").write_bytes(b"not a database at all" * 20)
    assert run("check", tmp_path / "junk.cxm") == 2
    assert "junk.cxm is not a cxmatrix file" in capsys.readouterr().err


def test_module_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "cxmatrix", "check", "nowhere.cxm"],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "cxmatrix: nowhere.cxm: no such file"


def test_module_entry_point_without_a_subcommand_starts_the_window(tmp_path: Path) -> None:
    """`python -m cxmatrix` alone is the `cxmatrix` command: it opens the window (here
    offscreen) instead of stopping with "the following arguments are required"."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    process = subprocess.Popen([sys.executable, "-m", "cxmatrix"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        status = None  # in its event loop: the window started
    finally:
        if process.poll() is None:
            process.terminate()
        _, errors = process.communicate(timeout=60)
    assert status is None, f"exited with status {status}:\n{errors}"
    assert "usage:" not in errors and "Traceback" not in errors, errors


def test_every_subcommand_has_its_help_and_the_launcher_knows_it(capsys) -> None:
    import argparse

    from cxmatrix.cli import build_parser
    from cxmatrix.launcher import CLI_COMMANDS

    subparsers = next(action for action in build_parser()._actions
                      if isinstance(action, argparse._SubParsersAction))
    assert set(subparsers.choices) == CLI_COMMANDS
    summaries = {action.dest: action.help for action in subparsers._choices_actions}
    assert all(summaries.get(command) for command in CLI_COMMANDS), summaries
    for command, parser in subparsers.choices.items():
        with pytest.raises(SystemExit) as exited:
            run(command, "--help")
        assert exited.value.code == 0, command
        shown = capsys.readouterr().out
        assert shown.startswith(f"usage: cxmatrix {command}"), command
        for sub in parser._actions:
            if isinstance(sub, argparse._SubParsersAction):
                for name in sub.choices:
                    with pytest.raises(SystemExit) as inner:
                        run(command, name, "--help")
                    assert inner.value.code == 0, f"{command} {name}"
                    assert f"cxmatrix {command} {name}" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["check", "--help"], ["check"], ["check", "a.cxm", "b.cxm"],
                                  ["check", "--jsn", "a.cxm"], ["check", "postgresql://h/db"],
                                  ["check", "a.cxm", "--json"], ["check", "--", "-a.cxm"]])
def test_the_check_only_parser_parses_helps_and_refuses_as_the_whole_parser(
        argv: list[str], capsys) -> None:
    from cxmatrix.cli import build_parser

    outcomes = []
    for parser in (build_parser(), build_parser("check")):
        try:
            outcome: object = vars(parser.parse_args(argv))
        except SystemExit as exited:
            outcome = exited.code
        outcomes.append((outcome, capsys.readouterr()))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1].out or outcomes[0][1].err or outcomes[0][0]


SAMPLES = Path(__file__).parent / "data" / "samples"


def test_import_sample_with_a_mapping_file(tmp_path: Path, capsys) -> None:
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"A": "own", "R": "influence", "C": "influence", "I": ""}))
    out = tmp_path / "raci.cxm"
    assert run("import", SAMPLES / "raci_onboarding_programme.xlsx", "-o", out,
               "--mapping", mapping) == 0
    assert "Created 14 touchpoints in 4 stages and 6 departments" in capsys.readouterr().out
    with Document.open(out) as document:
        m = document.matrix
        handover = m.find_touchpoints("Sales-to-CS handover meeting")[0]
        assert m.role(handover.id, m.find_department("Sales").id) is Role.INFLUENCE
    assert run("import", SAMPLES / "raci_onboarding_programme.xlsx", "-o", tmp_path / "x.cxm",
               "--mapping", tmp_path / "missing.json") == 2
    assert "missing.json: no such mapping file" in capsys.readouterr().err


def test_cxmatrix_command_runs_cli_subcommands(tmp_path: Path) -> None:
    """`cxmatrix check FILE` (the installed command) is the command line, not the window."""
    code = "import sys; from cxmatrix.launcher import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", code, "check", "nowhere.cxm"],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "cxmatrix: nowhere.cxm: no such file"


def test_new_starts_from_the_same_template_as_the_window(tmp_path: Path) -> None:
    from cxmatrix.domain.model import DEFAULT_STAGES
    from cxmatrix.store import Document
    from cxmatrix.ui import files

    output = tmp_path / "blank.cxm"
    done = subprocess.run([sys.executable, "-m", "cxmatrix", "new", str(output)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    with Document.open(output, read_only=True) as document:
        assert [s.name for s in document.matrix.stages] == list(DEFAULT_STAGES)
        assert document.matrix.content()["stages"] == files.blank_matrix("blank").content()[
            "stages"]


def test_diff_tells_what_changed_between_two_files(tmp_path: Path) -> None:
    before = tmp_path / "before.json"
    after = tmp_path / "after.json"
    assert main(["new", str(tmp_path / "demo.cxm"), "--demo"]) == 0
    assert main(["export", str(tmp_path / "demo.cxm"), str(before)]) == 0
    data = json.loads(before.read_text(encoding="utf-8"))
    first = data["stages"][0]["touchpoints"][0]
    owner = next(name for name, role in first["roles"].items() if role == "own")
    other = next(d["name"] for d in data["departments"] if d["name"] != owner)
    original = dict(first["roles"])
    first["roles"] = {**{name: role for name, role in original.items()
                         if name not in (owner, other)}, owner: "influence", other: "own"}
    data["departments"].append({"name": "Data Office", "code": "DO", "lead": ""})
    after.write_text(json.dumps(data), encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cxmatrix", "diff", *args],
                              capture_output=True, text=True, check=False, timeout=120)

    same = run(str(before), str(before))
    assert same.returncode == 0 and "No differences" in same.stdout
    told = run(str(before), str(after))
    assert told.returncode == 1, told.stderr
    assert f"{first['name']}: {owner} gives up Own, {other} takes it on" in told.stdout
    assert "Department Data Office added" in told.stdout
    as_json = json.loads(run(str(before), str(after), "--json").stdout)
    assert as_json["counts"]["departments added"] == 1
    assert as_json["ownership"][0]["new_owners"] == [other]
    assert {(c["department"], c["old_role"], c["new_role"]) for c in as_json["cells"]} == {
        (owner, "own", "influence"), (other, original.get(other), "own")}
    missing = run(str(before), str(tmp_path / "missing.cxm"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_json_export_and_import_keep_the_snapshots_and_the_target(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from cxmatrix.domain.roles import Role

    matrix = generate_matrix(8, 3, seed=4)
    tp = next(matrix.iter_touchpoints())
    with Document.create(tmp_path / "a.cxm", matrix) as document:
        document.take_snapshot("Kick-off", taken=datetime(2026, 9, 1, tzinfo=UTC))
        document.set_target(tp.id, matrix.departments[1].id, Role.OWN)
        planned = document.matrix.plan_content()
    assert run("export", tmp_path / "a.cxm", tmp_path / "a.json") == 0
    assert run("import", tmp_path / "a.json", "-o", tmp_path / "b.cxm") == 0
    with Document.open(tmp_path / "b.cxm") as again:
        assert again.matrix.plan_content() == planned
        assert [s.name for s in again.snapshots()] == ["Kick-off"]
        assert again.snapshot("Kick-off").matrix.content() == matrix.content()


def test_check_prints_the_same_whichever_way_the_file_is_loaded(tmp_path: Path, capsys,
                                                                monkeypatch) -> None:
    """The bulk loader (the fast path) and the loader that checks value by value give the
    same ``check`` output, text and JSON, byte for byte: on the demo (every kind of finding,
    sign-offs and a plan) and on a generated matrix with a focus department, an idle one,
    critical moments and planless findings of every rule."""
    import gc

    from cxmatrix.domain.findings import CODES
    from cxmatrix.store import load as loader

    demo = tmp_path / "demo.cxm"
    run("new", demo, "--demo")
    matrix = generate_matrix(400, 12, fill=0.25, seed=7)
    matrix.add_department("Nobody's department")
    matrix.focus_department_id = matrix.departments[2].id
    generated = tmp_path / "generated.cxm"
    Document.create(generated, matrix).close()
    capsys.readouterr()

    def outputs() -> list[tuple[int, str]]:
        found = []
        for path in (demo, generated):
            for extra in ((), ("--json",)):
                status = run("check", path, *extra)
                found.append((status, capsys.readouterr().out))
        return found

    fast = outputs()
    assert gc.isenabled()  # (check pauses the cycle collector while it runs)

    def irregular(*args: object, **kwargs: object) -> None:
        raise loader._Irregular

    monkeypatch.setattr(loader, "_bulk_load", irregular)
    assert outputs() == fast
    shown = {f["code"] for _, out in fast[1::2] for f in json.loads(out)["findings"]}
    assert shown == set(CODES)
    generated_codes = {f["code"] for f in json.loads(fast[3][1])["findings"]}
    assert {"no-owner", "several-owners", "critical-moment-unowned", "owner-without-metric",
            "role-not-established", "idle-department"} <= generated_codes
