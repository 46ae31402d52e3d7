"""The findings dock's model kept edit by edit: after any run of cell edits, undos and redos,
its groups hold exactly what the document's findings index holds, in the index's order, as
a rebuild from scratch would."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from ui_support import document_of, isolate_settings

from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role, Severity
from cxmatrix.ui import commands
from cxmatrix.ui.panels.findings import FindingsModel
from cxmatrix.ui.session import Session

CHOICES = (Role.OWN, Role.INFLUENCE, Role.HANDLE, None)


def groups(model: FindingsModel) -> dict[Severity, list[object]]:
    return {severity: model.findings(severity) for severity in Severity}


def index_groups(session: Session) -> dict[Severity, list[object]]:
    found = session.findings.all()
    return {severity: [f for f in found if f.severity is severity] for severity in Severity}


@pytest.mark.parametrize("seed", range(4))
def test_the_model_follows_edits_as_a_rebuild_would(qapp: QApplication, tmp_path: Path,
                                                    seed: int) -> None:
    isolate_settings(tmp_path / "settings")
    rng = random.Random(seed)
    session = Session()
    session.set_document(document_of(tmp_path, generate_matrix(60, 8, seed=seed)))
    model = FindingsModel(session)
    model.set_collapsed(Severity.INFO, False)
    try:
        matrix = session.matrix
        tids = [tp.id for tp in matrix.iter_touchpoints()]
        dids = [d.id for d in matrix.departments]
        for step in range(120):
            if step % 10 == 9 and session.undo_stack.canUndo():
                session.undo_stack.undo()
            elif step % 15 == 14 and session.undo_stack.canRedo():
                session.undo_stack.redo()
            else:
                cells = [(rng.choice(tids), rng.choice(dids), rng.choice(CHOICES))
                         for _ in range(rng.choice((1, 1, 2, 5)))]
                session.execute(commands.SetRoles(session, cells))
            assert groups(model) == index_groups(session)
            assert model.rowCount() == len(Severity) + len(session.findings.all())
        fresh = FindingsModel(session)  # built from scratch now
        assert groups(fresh) == groups(model)
    finally:
        session.close()
