"""Review packs filled in LibreOffice Calc through UNO, as a lead does: agree with everything
(with the date typed as a date and the sheet renamed), dispute two cells with comments and
propose a role (with a locked cell edited after lifting the protection and a note beside the
table), or leave the pack half-filled; then applied. And the pack as LibreOffice prints it."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from review_packs import ANSWERED, demo_file, final_rows, plan, rows_of, send
from test_workbook_grows import edit_in_libreoffice, pdf_text

from cxmatrix.domain.findings import DISPUTED, compute_findings
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOffState, department_signoff
from cxmatrix.interchange.xlsx.review_pack import layout as pk
from cxmatrix.interchange.xlsx.review_pack.reader import read_pack
from cxmatrix.store.document import Document

pytestmark = pytest.mark.soffice
SHEET = pk.REVIEW_SHEET


def calc(source: Path, folder: Path, steps: list[list[object]]) -> tuple[Path, Path]:
    folder.mkdir()
    return edit_in_libreoffice(source, folder, steps)


def answer_steps(path: Path, *, agree: dict[int, str], default: str | None, whole: str | None,
                 name: str | None, day: str | None, sheet: str = SHEET
                 ) -> list[list[object]]:
    steps: list[list[object]] = []
    for row in rows_of(path):
        value = agree.get(row.touchpoint_id, default)
        if value is not None:
            steps.append(["set", sheet, f"H{row.row}", value])
    whole_row, name_row, day_row = final_rows(path)
    for row, value in ((whole_row, whole), (name_row, name)):
        if value is not None:
            steps.append(["set", sheet, f"H{row}", value])
    if day is not None:
        steps.append(["type", sheet, f"H{day_row}", day])
    return steps


def test_packs_filled_in_libreoffice_apply(tmp_path: Path) -> None:
    with Document.open(demo_file(tmp_path)) as document:
        matrix = document.matrix
        packs = send(document, tmp_path / "out", "Legal", "Sales", "Support")
        legal, sales, support = (matrix.find_department(n) for n in ("Legal", "Sales",
                                                                     "Support"))
        assert legal is not None and sales is not None and support is not None

        # Legal agrees with everything, types the date, and renames the sheet.
        steps = answer_steps(packs["Legal"], agree={}, default="Yes", whole="Yes",
                             name="Jonah Feldman", day="2026-01-14")
        steps.append(["rename_sheet", SHEET, "Legal answers"])
        legal_back, legal_pdf = calc(packs["Legal"], tmp_path / "legal", steps)

        # Sales disputes two rows with comments, proposes a role, edits a locked cell after
        # lifting the protection, and writes a note beside the table.
        rows = rows_of(packs["Sales"])
        first, second = rows[0], rows[2]
        proposed = Role.HANDLE if matrix.target_role(first.touchpoint_id, sales.id) \
            is not Role.HANDLE else Role.INFLUENCE
        steps = [["unprotect", SHEET],
                 *answer_steps(packs["Sales"], agree={first.touchpoint_id: "No",
                                                      second.touchpoint_id: "No"},
                               default="Yes", whole="No", name="Daniel Okafor",
                               day="2026-01-14"),
                 ["set", SHEET, f"I{first.row}", proposed.label],
                 ["set", SHEET, f"J{first.row}", "Marketing runs the ads"],
                 ["set", SHEET, f"J{second.row}", "We only see the quote"],
                 ["set", SHEET, f"C{second.row}", "Quote (renamed by Sales)"],
                 ["set", SHEET, "M4", "call Alex"]]
        sales_back, _ = calc(packs["Sales"], tmp_path / "sales", steps)

        # Support answers three rows and stops.
        support_rows = rows_of(packs["Support"])
        steps = answer_steps(packs["Support"],
                             agree={r.touchpoint_id: "Yes" for r in support_rows[:3]},
                             default=None, whole=None, name=None, day=None)
        support_back, _ = calc(packs["Support"], tmp_path / "support", steps)

        assert read_pack(legal_back).sheet == "Legal answers"
        found = plan(matrix, legal_back, sales_back, support_back)
        legal_plan, sales_plan, support_plan = found.leads
        assert legal_plan.agreed and not legal_plan.missing and not legal_plan.flags
        assert legal_plan.signoff is not None and legal_plan.signoff.when == ANSWERED
        assert [d.comment for d in sales_plan.disputes] == ["Marketing runs the ads",
                                                            "We only see the quote"]
        flags = "\n".join(sales_plan.flags)
        assert f"cell C{second.row}: Touchpoint was edited" in flags
        assert "cell M4: 'call Alex' is outside the cells to fill; ignored" in flags
        (proposal,) = sales_plan.proposals
        assert proposal.proposed is proposed
        assert support_plan.signoff is None and not support_plan.agreed
        assert (f"cell H{support_rows[3].row}: Agree? is not answered on "
                f"{len(support_rows) - 3} rows") in "\n".join(support_plan.missing)

        undo = document.apply_review(*found.changes({proposal.key}))
        assert department_signoff(matrix, legal.id).agreed
        assert matrix.signoffs[sales.id].state is SignOffState.DISPUTED
        assert matrix.signoffs[support.id].state is SignOffState.ASKED
        assert matrix.target_role(first.touchpoint_id, sales.id) is proposed
        assert len([f for f in compute_findings(matrix) if f.code == DISPUTED]) == 2
        again = plan(matrix, legal_back, sales_back, support_back)
        assert again.changes({p.key for p in again.proposals}) == ([], [])
        document.apply_review(*undo)
        assert {r.state for r in matrix.signoffs.values()} == {SignOffState.ASKED}

        # A later edit of Legal's column puts its agreement out of date.
        document.apply_review(*plan(matrix, legal_back).changes())
        tid = rows_of(packs["Legal"])[0].touchpoint_id
        document.set_role(tid, legal.id, None)
        assert department_signoff(matrix, legal.id).out_of_date

    # LibreOffice prints the pack: a portrait cover, then the review sheet in landscape.
    text = pdf_text(legal_pdf)
    assert "Review of Legal's column" in text and "would you agree with this column" in text
    assert pk.WHOLE_LABEL in text and "Jonah Feldman" in text
    pdf = pypdfium2.PdfDocument(legal_pdf)
    try:
        sizes = [pdf[i].get_size() for i in range(len(pdf))]
    finally:
        pdf.close()
    assert sizes[0][0] < sizes[0][1] and sizes[-1][0] > sizes[-1][1]
