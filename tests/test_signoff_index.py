"""The sign-off index follows edits: after any sequence of cell, target, touchpoint and
sign-off edits it says exactly what a full comparison says, and an edit costs one cell."""

from __future__ import annotations

import random
from datetime import date

from cxmatrix.domain.findings import SIGNOFF_OUTDATED, FindingsIndex, compute_findings
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import Dispute, SignOff, SignOffState, agreement, department_signoff
from cxmatrix.domain.signoff_index import SignOffIndex

DAY = date(2026, 1, 14)


def test_the_index_agrees_with_a_full_comparison_after_random_edits() -> None:
    rng = random.Random(16)
    matrix = generate_matrix(60, 6, fill=0.3)
    findings = FindingsIndex(matrix)
    index: SignOffIndex = findings.signoffs
    departments = [d.id for d in matrix.departments]
    for did in departments[:4]:
        matrix.set_signoff(did, agreement(matrix, did, "Lead", DAY))
    roles = [None, Role.OWN, Role.INFLUENCE, Role.HANDLE]
    for step in range(300):
        touchpoints = [tp.id for tp in matrix.iter_touchpoints()]
        kind = rng.random()
        tid, did = rng.choice(touchpoints), rng.choice(departments)
        if kind < 0.5:
            matrix.set_role(tid, did, rng.choice(roles))
        elif kind < 0.7:
            matrix.set_target(tid, did, rng.choice(roles))
        elif kind < 0.78:
            matrix.add_touchpoint(matrix.stages[0].id, f"New {step}")
        elif kind < 0.84:
            matrix.delete_touchpoint(tid)
        elif kind < 0.92:
            matrix.set_signoff(did, agreement(matrix, did, "Lead", DAY))
        else:
            matrix.set_signoff(did, rng.choice([None, SignOff(
                SignOffState.DISPUTED, "Lead", DAY, disputes=(Dispute(tid, "no"),))]))
        if step % 7 == 0:
            for status in index.statuses():
                assert status == department_signoff(matrix, status.department_id), step
            assert ({f.department_id for f in findings.all() if f.code == SIGNOFF_OUTDATED}
                    == {f.department_id for f in compute_findings(matrix)
                        if f.code == SIGNOFF_OUTDATED})
