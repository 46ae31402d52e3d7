"""Sign-offs are kept in the .cxm file: a record with its basis and disputes survives closing
and reopening, Save As, a snapshot and a replacement; deleting a department or a touchpoint
cascades in the database (and undo writes back what it brought back); a damaged sign-off row
is refused naming its table and row; files of format 5 gain the tables on open."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cxmatrix.domain.findings import DISPUTED, SIGNOFF_OUTDATED, compute_findings
from cxmatrix.domain.model import Matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import (
    Dispute,
    SignOff,
    SignOffState,
    agreement,
    department_signoff,
)
from cxmatrix.store import CorruptDocument, Document

FIXTURES = Path(__file__).parent / "fixtures"
JAN_14 = date(2026, 1, 14)


def _matrix() -> Matrix:
    m = Matrix(title="Onboarding")
    stage = m.add_stage("Buy")
    tps = [m.add_touchpoint(stage.id, name).id for name in ("Checkout", "Invoice", "Returns")]
    m.add_stage("Use")
    sales, legal, support = (m.add_department(name).id for name in ("Sales", "Legal", "Support"))
    m.set_role(tps[0], sales, Role.OWN)
    m.set_role(tps[1], sales, Role.HANDLE)
    m.set_target(tps[1], sales, Role.OWN)
    m.set_role(tps[1], legal, Role.OWN)
    m.set_role(tps[2], support, Role.OWN)
    return m


def _sign(document: Document) -> dict[int, SignOff]:
    """Sales agreed, Legal disputes two cells, Support was asked."""
    m = document.matrix
    sales, legal, support = (d.id for d in m.departments)
    _checkout, invoice, returns = (tp.id for tp in m.iter_touchpoints())
    disputed = SignOff(SignOffState.DISPUTED, "Ben Ode", JAN_14,
                       disputes=(Dispute(returns, "We sign the returns policy", Role.OWN),
                                 Dispute(invoice, "Finance owns this, not us", None)))
    records = {sales: agreement(m, sales, "Maren Lindqvist", JAN_14), legal: disputed,
               support: SignOff(SignOffState.ASKED, "cy@example.org", date(2026, 1, 10))}
    undo = document.set_signoffs(records.items())
    assert dict(undo) == {sales: None, legal: None, support: None}
    return records


def test_signoffs_survive_reopen_save_as_and_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "s.cxm"
    with Document.create(path, _matrix()) as document:
        records = _sign(document)
        document.take_snapshot("Signed")
    with Document.open(path) as document:
        assert dict(document.matrix.signoffs) == records
        codes = [f.code for f in compute_findings(document.matrix)]
        assert codes.count(DISPUTED) == 2 and SIGNOFF_OUTDATED not in codes
        sales = document.matrix.departments[0].id
        assert department_signoff(document.matrix, sales).agreed
        copy = document.save_as(tmp_path / "copy.cxm")
    with copy:
        assert dict(copy.matrix.signoffs) == records
        # a later edit makes the agreement out of date, also after reopening
        checkout = next(copy.matrix.iter_touchpoints()).id
        copy.set_role(checkout, sales, Role.INFLUENCE)
        snapshot = copy.snapshot("Signed")
    assert dict(snapshot.matrix.signoffs) == records
    with Document.open(tmp_path / "copy.cxm") as again:
        status = department_signoff(again.matrix, sales)
        assert status.out_of_date and [c.touchpoint_id for c in status.changes] == [checkout]
        restored = again.restore_snapshot_as("Signed", tmp_path / "restored.cxm")
    with Document.open(restored) as document:
        assert dict(document.matrix.signoffs) == records


def test_set_signoffs_is_one_undoable_transaction(tmp_path: Path) -> None:
    path = tmp_path / "u.cxm"
    with Document.create(path, _matrix()) as document:
        records = _sign(document)
        sales = document.matrix.departments[0].id
        heard = []
        document.add_listener(heard.append)
        old = document.set_signoff(sales, None)
        assert old == records[sales] and heard[-1].signoffs == {sales}
    with Document.open(path) as document:
        assert sales not in document.matrix.signoffs
        document.set_signoff(sales, old)
    with Document.open(path) as document:
        assert dict(document.matrix.signoffs) == records


def test_a_removed_touchpoint_stays_in_the_basis(tmp_path: Path) -> None:
    """What was agreed names a touchpoint removed since, after reopening too."""
    path = tmp_path / "r.cxm"
    with Document.create(path, _matrix()) as document:
        _sign(document)
        sales = document.matrix.departments[0].id
        checkout = next(document.matrix.iter_touchpoints()).id
        document.delete_touchpoint(checkout)
        before = department_signoff(document.matrix, sales).changes
    with Document.open(path) as document:
        after = department_signoff(document.matrix, sales).changes
        assert [c.text for c in after] == [c.text for c in before]
        assert after[0].touchpoint_id == checkout and after[0].after is None


def test_deletes_cascade_and_undo_writes_back(tmp_path: Path) -> None:
    path = tmp_path / "d.cxm"
    with Document.create(path, _matrix()) as document:
        records = _sign(document)
        m = document.matrix
        sales, legal, _ = (d.id for d in m.departments)
        returns = list(m.iter_touchpoints())[2].id
        dept_snapshot = document.delete_department(legal)
        assert document.integrity_check() == "ok"
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM signoff_dispute").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM signoff").fetchone() == (2,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()
    with Document.open(path) as document:
        document.restore_department(dept_snapshot)
        tp_snapshot = document.delete_touchpoint(returns)
        document.restore_touchpoint(tp_snapshot)
        stage_snapshot = document.delete_stage(document.matrix.stages[0].id)
        document.restore_stage(stage_snapshot)
    with Document.open(path) as document:
        assert dict(document.matrix.signoffs) == records
        document.delete_department(sales)
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM signoff_basis").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM signoff").fetchone() == (2,)
    db.close()


@pytest.mark.parametrize(("statement", "problem"), [
    ("UPDATE signoff SET state = 'maybe' WHERE state = 'agreed'",
     r"table 'signoff', row department_id \d+: 'maybe' is not a sign-off state"),
    ("UPDATE signoff SET dated = '2026-13-40' WHERE state = 'agreed'",
     r"table 'signoff', row department_id \d+: '2026-13-40' is not a date"),
    ("UPDATE signoff SET lead = x'00' WHERE state = 'agreed'",
     r"table 'signoff', row department_id \d+: column 'lead' holds a blob"),
    ("UPDATE signoff_basis SET role = 'X'",
     r"table 'signoff_basis', row department_id \d+, touchpoint_id \d+: 'X' is not a role"),
    ("UPDATE signoff_basis SET target_role = 'I'",
     r"table 'signoff', row department_id \d+: its basis does not match its fingerprint"),
    ("UPDATE signoff_dispute SET comment = x'00'",
     r"table 'signoff_dispute', row department_id \d+, touchpoint_id \d+: column 'comment' "
     r"holds a blob"),
    ("UPDATE signoff_dispute SET proposed = 'Z'",
     r"table 'signoff_dispute', row department_id \d+, touchpoint_id \d+: 'Z' is not a role"),
    ("PRAGMA foreign_keys = OFF; DELETE FROM signoff WHERE state = 'disputed'",
     r"table 'signoff_dispute', row department_id \d+, touchpoint_id \d+: department \d+ "
     r"has no sign-off"),
])
def test_a_damaged_signoff_row_is_refused(tmp_path: Path, statement: str,
                                          problem: str) -> None:
    path = tmp_path / "bad.cxm"
    with Document.create(path, _matrix()) as document:
        _sign(document)
    db = sqlite3.connect(path)
    db.executescript(statement)
    db.close()
    with pytest.raises(CorruptDocument, match=problem):
        Document.open(path)


def test_a_format_5_file_gains_the_signoff_tables(tmp_path: Path) -> None:
    path = tmp_path / "v5.cxm"
    shutil.copy(FIXTURES / "schema_v5.cxm", path)
    with Document.open(path) as document:
        assert document.matrix.signoffs == {}
        dept = document.matrix.departments[0].id
        record = agreement(document.matrix, dept, "Sam", JAN_14)
        document.set_signoff(dept, record)
        document.take_snapshot("After the upgrade")
    with Document.open(path) as document:
        assert dict(document.matrix.signoffs) == {dept: record}
        assert document.snapshot("After the upgrade").matrix.signoffs == {dept: record}
        for info in document.snapshots():
            document.snapshot(info.id)  # snapshots taken before the upgrade still load
