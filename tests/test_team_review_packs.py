"""Review packs on the team server (a real PostgreSQL): packs written from a server matrix
and returned by the leads apply to it as one step that every later reader sees, applying them
again changes nothing, and a lead who applies a pack for another department is refused by the
server with a clear message and nothing changes, not even the part for their own column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_packs import ANSWERED, demo_file, fill, plan, rows_of, send

from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import SignOffState, department_signoff
from cxmatrix.store.server import ServerAddress, parse_address, transfer
from cxmatrix.store.server.connection import ServerPermissionDenied
from cxmatrix.store.server.document import ServerDocument
from cxmatrix.store.server.members import change_members

pytestmark = pytest.mark.team


@pytest.fixture
def journey(team_url: str, tmp_path: Path) -> ServerAddress:
    address = parse_address(team_url)
    transfer.publish(demo_file(tmp_path), address, "Journey")  # every department not asked
    return address.with_name("Journey")


@pytest.fixture
def documents() -> Iterator[list[ServerDocument]]:
    opened: list[ServerDocument] = []
    yield opened
    for document in opened:
        document.close()


def _lead_of(address: ServerAddress, name: str, department: str) -> ServerAddress:
    login = f"{name}_{address.url.rsplit('/', 1)[1]}"
    change_members(address, add=(login, "lead", [department]), password=f"{name}-pw")
    return ServerAddress(address.url.replace("cxadmin@", f"{login}@"), address.name,
                         f"{name}-pw")


def test_returned_packs_apply_on_the_server_and_a_lead_cannot_apply_another_departments(
        journey: ServerAddress, tmp_path: Path, documents: list[ServerDocument]) -> None:
    owner = ServerDocument.connect(journey)
    documents.append(owner)
    packs = send(owner, tmp_path / "packs", "Legal", "Sales")
    matrix = owner.matrix
    legal, sales = matrix.find_department("Legal"), matrix.find_department("Sales")
    assert legal is not None and sales is not None
    assert {r.state for r in transfer.read_matrix(journey).signoffs.values()} == {
        SignOffState.ASKED}
    fill(packs["Legal"], name="Jonah Feldman")
    row = rows_of(packs["Sales"])[0]
    target_before = matrix.target_role(row.touchpoint_id, sales.id)
    proposed = Role.HANDLE if target_before is not Role.HANDLE else Role.INFLUENCE
    fill(packs["Sales"], agree={row.touchpoint_id: "No"},
         proposed={row.touchpoint_id: proposed.label},
         comments={row.touchpoint_id: "Marketing runs the ads"}, whole="No",
         name="Daniel Okafor")

    # Legal's lead applies both packs: the server refuses Sales' part, and so all of it.
    jonah = ServerDocument.connect(_lead_of(journey, "jonah", "Legal"))
    documents.append(jonah)
    both = plan(jonah.matrix.copy(), packs["Legal"], packs["Sales"])
    signoffs, targets = both.changes({p.key for p in both.proposals})
    assert {d for d, _ in signoffs} == {legal.id, sales.id} and targets
    before = dict(jonah.matrix.signoffs)
    with pytest.raises(ServerPermissionDenied,
                       match="as a department lead you may change only your departments' "
                             "columns and sign off only for them; Sales is not yours"):
        jonah.apply_review(signoffs, targets)
    assert dict(jonah.matrix.signoffs) == before  # the working copy rolled back
    assert jonah.matrix.target_role(row.touchpoint_id, sales.id) is target_before
    on_server = transfer.read_matrix(journey)
    assert on_server.signoffs == before
    assert on_server.target_role(row.touchpoint_id, sales.id) is target_before

    # His own department's pack applies, for every later reader.
    own = plan(jonah.matrix.copy(), packs["Legal"])
    undo = jonah.apply_review(*own.changes())
    assert department_signoff(jonah.matrix, legal.id).agreed
    on_server = transfer.read_matrix(journey)
    record = on_server.signoffs[legal.id]
    assert (record.state, record.lead, record.when) == (SignOffState.AGREED, "Jonah Feldman",
                                                        ANSWERED)
    assert department_signoff(on_server, legal.id).agreed

    # The owner applies Sales' pack with its proposal accepted: the dispute and the target
    # role together; the same pack again changes nothing; undo takes both back.
    while legal.id not in owner.matrix.signoffs or (
            owner.matrix.signoffs[legal.id].state is not SignOffState.AGREED):
        assert owner.wait_for_news(30.0)
        owner.catch_up()
    sales_plan = plan(owner.matrix.copy(), packs["Sales"])
    undo = owner.apply_review(*sales_plan.changes({p.key for p in sales_plan.proposals}))
    on_server = transfer.read_matrix(journey)
    assert on_server.signoffs[sales.id].state is SignOffState.DISPUTED
    assert on_server.signoffs[sales.id].disputes[0].comment == "Marketing runs the ads"
    assert on_server.target_role(row.touchpoint_id, sales.id) is proposed
    again = plan(owner.matrix.copy(), packs["Sales"])
    assert again.changes({p.key for p in again.proposals}) == ([], [])
    owner.apply_review(*undo)
    on_server = transfer.read_matrix(journey)
    assert on_server.signoffs[sales.id].state is SignOffState.ASKED
    assert on_server.target_role(row.touchpoint_id, sales.id) is target_before
    assert department_signoff(on_server, legal.id).agreed
