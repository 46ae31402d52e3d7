"""No acknowledged edit is lost when the writer is killed, and two writers never clash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cxmatrix.domain import Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.store import Document, DocumentInUse

HARNESS = Path(__file__).with_name("crash_harness.py")
ROOT = Path(__file__).resolve().parent.parent


def test_two_hundred_kills_lose_no_acknowledged_edit(tmp_path: Path) -> None:
    # The harness kills after a seeded count of acknowledgements and interpreter events, not
    # after a time: every figure below holds on a slow or loaded machine. The timeout only
    # stops a hung run.
    result = subprocess.run(
        [sys.executable, str(HARNESS), "--kills", "200", "--seed", "7", "--folder",
         str(tmp_path)], capture_output=True, text=True, timeout=1800, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["kills"] == 200
    assert counts["lost_edits"] == 0
    assert counts["integrity_failures"] == 0
    assert counts["edit_rounds"] > 100
    assert counts["acknowledgements_before_kill"] >= counts["edit_rounds"]
    assert counts["acknowledged_edits"] >= counts["acknowledgements_before_kill"]
    assert counts["in_flight_committed"] > 0
    assert counts["copy_rounds"] > 0
    assert counts["create_rounds"] > 0


OPEN_AND_WAIT = """
import sys, time
from cxmatrix.store import Document
document = Document.open(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
document.close()
"""


def test_second_process_is_refused_while_the_first_has_it_open(tmp_path: Path) -> None:
    path = tmp_path / "shared.cxm"
    Document.create(path, generate_matrix(10, 3)).close()
    holder = subprocess.Popen([sys.executable, "-c", OPEN_AND_WAIT, str(path)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(DocumentInUse, match="open in another cxmatrix"):
            Document.open(path)
        cli = subprocess.run([sys.executable, "-m", "cxmatrix", "check", str(path)], cwd=ROOT,
                             capture_output=True, text=True, check=False)
        assert cli.returncode == 2
        assert "open in another cxmatrix" in cli.stderr
    finally:
        holder.communicate("\n", timeout=30)
    with Document.open(path) as document:
        assert document.integrity_check() == "ok"


def test_concurrent_cli_writers_leave_one_complete_file(tmp_path: Path) -> None:
    sources = []
    for number in range(4):
        source = tmp_path / f"in{number}.json"
        json_format.write(generate_matrix(200 + number * 50, 10, seed=number), source)
        sources.append(source)
    target = tmp_path / "out.cxm"
    writers = [subprocess.Popen([sys.executable, "-m", "cxmatrix", "import", str(source), "-o",
                                 str(target), "--force"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE) for source in sources]
    for writer in writers:
        writer.communicate(timeout=120)
    with Document.open(target) as document:
        assert document.integrity_check() == "ok"
        content = document.matrix.content()
    candidates = [json_format.read(source).matrix.content() for source in sources]
    assert content in candidates


def test_edits_from_two_documents_in_turn_are_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "turns.cxm"
    Document.create(path, generate_matrix(10, 3)).close()
    for round_number in range(5):
        with Document.open(path) as document:
            tp = list(document.matrix.iter_touchpoints())[round_number]
            document.set_role(tp.id, document.matrix.departments[0].id, Role.HANDLE)
    with Document.open(path) as document:
        tps = list(document.matrix.iter_touchpoints())[:5]
        dept = document.matrix.departments[0].id
        assert all(document.matrix.role(tp.id, dept) is Role.HANDLE for tp in tps)


def test_force_never_replaces_a_document_open_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "held.cxm"
    Document.create(path, generate_matrix(10, 3)).close()
    before = path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", OPEN_AND_WAIT, str(path)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(DocumentInUse):
            Document.create(path, generate_matrix(3, 1), overwrite=True)
        cli = subprocess.run([sys.executable, "-m", "cxmatrix", "new", str(path), "--force"],
                             cwd=ROOT, capture_output=True, text=True, check=False)
        assert cli.returncode == 2
        assert "held.cxm is open in another cxmatrix window" in cli.stderr
    finally:
        holder.communicate("\n", timeout=30)
    assert path.read_bytes() == before
