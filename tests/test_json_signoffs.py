"""JSON format 3 carries the departments' sign-offs (and the comments): written and read back
exactly, .cxm -> JSON -> .cxm keeps every record and whether an agreement is out of date, a
bad entry is refused naming it, and versions 1 and 2 still read (without sign-offs)."""

from __future__ import annotations

import copy
import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import signed_matrices

from cxmatrix.domain.comments import new_comment
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    Dispute,
    SignOff,
    SignOffState,
    agreement,
    department_signoff,
    signoff_status,
    valid_signoffs,
)
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.json import codec as json_format
from cxmatrix.store.document import Document

JAN_14 = date(2026, 1, 14)


def _kept(matrix: Matrix) -> dict[int, SignOff]:
    """The records as a .cxm file keeps them: of departments that exist, without disputes of
    touchpoints removed since."""
    return valid_signoffs(matrix, matrix.signoffs)


def _states(matrix: Matrix) -> list[tuple[int, str, list[str]]]:
    return [(s.department_id, s.label, [c.text for c in s.changes])
            for s in signoff_status(matrix)]


def _comments(matrix: Matrix) -> dict[str, Any]:
    return {c.uid: c for tp in matrix.iter_touchpoints() for c in matrix.comments_on(tp.id)}


def _same(again: Matrix, matrix: Matrix) -> None:
    assert again.content() == matrix.content()
    assert again.plan_content() == matrix.plan_content()
    assert dict(again.signoffs) == _kept(matrix)
    assert _states(again) == _states(matrix)
    assert _comments(again) == _comments(matrix)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signed_matrices())
def test_json_round_trip_keeps_signoffs_comments_and_whether_out_of_date(matrix) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.json"
        json_format.write(matrix, path)
        again = json_format.read(path).matrix
    _same(again, matrix)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signed_matrices(), signed_matrices())
def test_cxm_to_json_to_cxm_keeps_every_signoff_also_in_snapshots(matrix, later) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second, between = (Path(folder) / name for name in ("a.cxm", "b.cxm", "a.json"))
        with Document.create(first, matrix) as document:
            document.take_snapshot("Signed", taken=datetime(2026, 1, 14, 9, tzinfo=UTC))
            document.replace_matrix(later)
        with Document.open(first, read_only=True) as document:
            stored = document.matrix.copy()
            snapshots = [document.snapshot(info.id) for info in document.snapshots()]
            json_format.write(document.matrix, between, snapshots=snapshots)
        result = json_format.read(between)
        with Document.create(second, result.matrix, snapshots=result.snapshots):
            pass
        with Document.open(second, read_only=True) as again:
            _same(again.matrix, stored)
            assert dict(again.matrix.signoffs) == dict(stored.signoffs)
            kept = again.snapshot("Signed").matrix
            assert dict(kept.signoffs) == dict(snapshots[0].matrix.signoffs)
            assert _states(kept) == _states(snapshots[0].matrix)


def _signed() -> Matrix:
    """Sales agreed and then its roles changed (out of date), Support agreed and nothing
    changed since (its basis holds a role it gives up at target), Legal disputes two cells,
    Finance was asked."""
    m = Matrix(title="Onboarding")
    stage = m.add_stage("Buy")
    checkout, invoice, returns = (m.add_touchpoint(stage.id, name).id
                                  for name in ("Checkout", "Invoice", "Returns"))
    sales, legal, support, finance = (m.add_department(name).id
                                      for name in ("Sales", "Legal", "Support", "Finance"))
    m.set_role(checkout, sales, Role.OWN)
    m.set_role(invoice, sales, Role.HANDLE)
    m.set_target(invoice, sales, Role.OWN)
    m.set_role(invoice, legal, Role.OWN)
    m.set_role(returns, support, Role.OWN)
    m.set_target(returns, support, None)  # (planned: Support gives it up)
    m.set_signoffs([
        (sales, agreement(m, sales, "Maren Lindqvist", JAN_14)),
        (support, agreement(m, support, "Tomás Herrera", JAN_14)),
        (legal, SignOff(SignOffState.DISPUTED, "Ben Ode", date(2026, 1, 20), disputes=(
            Dispute(returns, "We sign the returns policy", Role.OWN),
            Dispute(invoice, "Finance owns this, not us", None)))),
        (finance, SignOff(SignOffState.ASKED, "cy@example.org", None))])
    m.set_role(checkout, sales, Role.INFLUENCE)
    m.add_comments([new_comment("Anna", "Legal wants a say", invoice, legal,
                                at=datetime(2026, 1, 21, 8, tzinfo=UTC))])
    return m


def test_the_format_names_departments_and_touchpoints_by_id_and_keeps_the_fingerprints(
        tmp_path: Path) -> None:
    matrix = _signed()
    sales, legal, support, finance = (d.id for d in matrix.departments)
    _checkout, invoice, returns = (tp.id for tp in matrix.iter_touchpoints())
    with Document.create(tmp_path / "s.cxm", matrix):
        pass
    with Document.open(tmp_path / "s.cxm", read_only=True) as document:
        json_format.write(document.matrix, tmp_path / "s.json")
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data["cxmatrix"] == 3
    entries = {entry["department"]: entry for entry in data["signoffs"]}
    assert list(entries) == [sales, legal, support, finance]
    record = matrix.signoffs[sales]
    assert entries[sales] == {
        "department": sales, "state": "agreed", "lead": "Maren Lindqvist",
        "date": "2026-01-14", "touchpoints": record.touchpoints,
        "fingerprint": record.fingerprint,
        "basis": [{"touchpoint": _checkout, "role": "own"},  # (the same at target)
                  {"touchpoint": invoice, "role": "handle", "target_role": "own"}]}
    assert entries[support]["basis"] == [{"touchpoint": returns, "role": "own",
                                          "target_role": None}]
    assert entries[legal]["disputes"] == [
        {"touchpoint": returns, "comment": "We sign the returns policy", "proposed": "own"},
        {"touchpoint": invoice, "comment": "Finance owns this, not us", "proposed": None}]
    assert entries[finance] == {"department": finance, "state": "asked",
                                "lead": "cy@example.org", "date": None, "touchpoints": "",
                                "fingerprint": matrix.signoffs[finance].fingerprint}
    # Into a new .cxm file: out of date stays out of date, current stays current.
    result = json_format.read(tmp_path / "s.json")
    with Document.create(tmp_path / "again.cxm", result.matrix):
        pass
    with Document.open(tmp_path / "again.cxm", read_only=True) as again:
        assert dict(again.matrix.signoffs) == dict(matrix.signoffs)
        labels = [department_signoff(again.matrix, d).label
                  for d in (sales, legal, support, finance)]
        assert labels == ["out of date", "disputed", "agreed", "asked"]
        changes = department_signoff(again.matrix, sales).changes
        assert [c.text for c in changes] == ["Checkout: own -> influence"]
        assert _comments(again.matrix) == _comments(matrix)


def test_an_agreement_to_a_touchpoint_removed_since_stays_out_of_date() -> None:
    matrix = _signed()
    support = matrix.departments[2].id
    _checkout, invoice, returns = (tp.id for tp in matrix.iter_touchpoints())
    matrix.delete_touchpoint(returns)
    data = json.loads(json.dumps(json_format.to_dict(matrix)))
    # The dispute goes with its touchpoint, as in the .cxm file; the basis keeps naming it.
    assert [d["touchpoint"] for d in _entry(data, "disputed")["disputes"]] == [invoice]
    assert returns in [c["touchpoint"] for c in data["signoffs"][2]["basis"]]
    again = json_format.from_dict(data)
    status = department_signoff(again, support)
    assert status.out_of_date and status.changes[0].touchpoint_id == returns
    assert dict(again.signoffs) == _kept(matrix)


def _document() -> dict[str, Any]:
    return json.loads(json.dumps(json_format.to_dict(_signed())))


def _entry(data: dict[str, Any], state: str) -> dict[str, Any]:
    return next(e for e in data["signoffs"] if e["state"] == state)


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: _entry(d, "agreed")["basis"][0].update(role="handle"),
     ["signoff 1 (Sales) fingerprint", "is not the fingerprint of its basis"]),
    (lambda d: _entry(d, "agreed").update(touchpoints="0" * 16),
     ["signoff 1 (Sales) fingerprint"]),
    (lambda d: _entry(d, "agreed").update(touchpoints="0" * 17),
     ["signoff 1 (Sales) touchpoints", "not a fingerprint"]),
    (lambda d: _entry(d, "agreed").update(department=999),
     ["signoff 1 department", "999 is not the id of a department"]),
    (lambda d: _entry(d, "agreed").update(department="Sales"),
     ["signoff 1 department", "whole number"]),
    (lambda d: _entry(d, "asked").update(department=_entry(d, "agreed")["department"]),
     ["signoff 4", "already has a sign-off"]),
    (lambda d: _entry(d, "disputed")["disputes"][0].update(touchpoint=999),
     ["signoff 2 (Legal) dispute 1 touchpoint", "999 is not the id of a touchpoint"]),
    (lambda d: _entry(d, "disputed")["disputes"][1].update(
        touchpoint=_entry(d, "disputed")["disputes"][0]["touchpoint"]),
     ["signoff 2 (Legal) dispute 2 touchpoint", "(Returns) is already disputed"]),
    (lambda d: _entry(d, "disputed")["disputes"][0].update(proposed="boss"),
     ["signoff 2 (Legal) dispute 1 proposed", "'boss' is not a role"]),
    (lambda d: _entry(d, "agreed")["basis"].append(_entry(d, "agreed")["basis"][0]),
     ["signoff 1 (Sales) basis 3 touchpoint", "already in the basis"]),
    (lambda d: _entry(d, "asked").update(state="approved"),
     ["signoff 4 (Finance) state", "'approved' is not a sign-off state"]),
    (lambda d: _entry(d, "asked").update(date="14 Jan"),
     ["signoff 4 (Finance) date", "'14 Jan' is not a date"]),
    (lambda d: d.update(signoffs={"Sales": "agreed"}), ["signoffs", "expected a list"]),
    (lambda d: d.update(snapshots=[{"name": "S", "taken": "2026-01-01",
                                    "matrix": {"signoffs": [{"department": 1}]}}]),
     ["snapshot 1 (S) signoff 1 department", "1 is not the id of a department"]),
])
def test_a_bad_signoff_is_refused_naming_the_entry(change, words) -> None:
    data = _document()
    change(data)
    with pytest.raises(ImportFailed) as caught:
        json_format.from_dict(data, "m.json")
    message = str(caught.value)
    assert message.startswith("m.json: ")
    for word in words:
        assert word in message, message


def test_the_document_as_written_reads() -> None:
    data = _document()
    assert dict(json_format.from_dict(copy.deepcopy(data)).signoffs) == dict(
        _signed().signoffs)


@pytest.mark.parametrize("version", [1, 2])
def test_versions_1_and_2_still_read_without_signoffs(version: int) -> None:
    data = _document()
    data["cxmatrix"] = version
    # (an older file's "signoffs" is no part of its format: the demo kept a list of its own)
    data["signoffs"] = [{"department": "Sales", "state": "agreed"}]
    matrix = json_format.from_dict(data, "old.json")
    assert not matrix.signoffs
    assert matrix.content() == _signed().content()


def test_the_writer_refuses_a_file_with_more_values_than_the_reader_takes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted as the reader counts them: a basis cell per role of each agreed department
    makes a large agreed matrix hold several times the values of its roles."""
    from cxmatrix.interchange.errors import ExportFailed

    matrix = _signed()
    path = tmp_path / "m.json"
    json_format.write(matrix, path)
    count = json_format._value_count(path.read_bytes())
    path.unlink()
    monkeypatch.setattr(json_format, "MAX_JSON_VALUES", count - 1)
    with pytest.raises(ExportFailed, match=rf"m.json: .*about {count:,} values.*Excel"):
        json_format.write(matrix, path)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(json_format, "MAX_JSON_VALUES", count)
    json_format.write(matrix, path)
    assert dict(json_format.read(path).matrix.signoffs) == dict(matrix.signoffs)
