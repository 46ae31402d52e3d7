"""Property: any matrix written as JSON and read back is the same matrix."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import matrices, signed_matrices

from cxmatrix.domain.actions import Action, ActionStatus
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.domain.roles import Role
from cxmatrix.domain.signoff import valid_signoffs
from cxmatrix.domain.snapshots import Snapshot
from cxmatrix.interchange.errors import ImportFailed
from cxmatrix.interchange.json import codec as json_format


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_json_round_trip_is_lossless(matrix) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.json"
        json_format.write(matrix, path)
        again = json_format.read(path).matrix
    assert again.content() == matrix.content()


@settings(max_examples=40, deadline=None)
@given(matrices())
def test_json_dict_round_trip(matrix) -> None:
    assert json_format.from_dict(json_format.to_dict(matrix)).content() == matrix.content()


def test_prepared_by_is_written_and_a_file_without_it_still_reads() -> None:
    from cxmatrix.domain import Matrix

    matrix = Matrix(title="T")
    matrix.set_properties(prepared_by="Priya Raman")
    data = json_format.to_dict(matrix)
    assert data["prepared_by"] == "Priya Raman"
    assert json_format.from_dict(data).prepared_by == "Priya Raman"
    del data["prepared_by"]
    assert json_format.from_dict(data).prepared_by == ""


def test_prepared_by_that_is_not_text_is_refused_by_name() -> None:
    import pytest

    from cxmatrix.interchange.errors import ImportFailed

    with pytest.raises(ImportFailed, match="prepared_by"):
        json_format.from_dict({"cxmatrix": 1, "title": "T", "prepared_by": 7,
                               "departments": [], "stages": []}, "m.json")


# ---- version 2: the target layer, ids and snapshots ---------------------------------------


def _identity(matrix):
    """What the content leaves out and a version 2 file keeps: ids and the target layer."""
    return ([s.id for s in matrix.stages], [d.id for d in matrix.departments],
            [t.id for t in matrix.iter_touchpoints()], matrix.plan_content(),
            {t: dict(row) for t, row in matrix.targets.items()}, dict(matrix.actions),
            set(matrix.planned_touchpoints), set(matrix.planned_departments))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signed_matrices(), signed_matrices(), st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda when: when.replace(microsecond=0, tzinfo=UTC)))
def test_round_trip_keeps_targets_actions_flags_signoffs_comments_and_snapshots(
        matrix, earlier, taken) -> None:
    snapshots = [Snapshot(1, "Kick-off", taken, earlier, "first draft"),
                 Snapshot(2, "Agreed", taken, matrix.copy())]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.json"
        json_format.write(matrix, path, snapshots=snapshots)
        result = json_format.read(path)
    pairs = [(result.matrix, matrix)] + [
        (again.matrix, snapshot.matrix)
        for again, snapshot in zip(result.snapshots, snapshots, strict=True)]
    assert [(s.name, s.taken, s.note) for s in result.snapshots] == [
        (s.name, s.taken, s.note) for s in snapshots]
    for again, original in pairs:
        assert again.content() == original.content()
        assert _identity(again) == _identity(original)
        assert dict(again.signoffs) == valid_signoffs(original, original.signoffs)
        assert ([c for tp in again.iter_touchpoints() for c in again.comments_on(tp.id)]
                == [c for tp in original.iter_touchpoints() for c in original.comments_on(tp.id)])


def test_a_target_the_current_role_caught_up_with_stays_set(tmp_path: Path) -> None:
    """A planned change whose current role was then set to the target (as Mark Done does)
    keeps its target: if the current role moves again, the plan still says where it goes."""
    matrix = generate_matrix(3, 2, seed=4)
    tp = next(iter(matrix.iter_touchpoints())).id
    dept = matrix.departments[0].id
    matrix.set_role(tp, dept, Role.HANDLE)
    matrix.set_target(tp, dept, Role.OWN)
    matrix.set_role(tp, dept, Role.OWN)
    path = tmp_path / "m.json"
    json_format.write(matrix, path)
    again = json_format.read(path).matrix
    assert again.targets == matrix.targets and again.has_target(tp, dept)
    again.set_role(tp, dept, None)
    assert again.target_role(tp, dept) is Role.OWN


def test_a_version_1_file_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({
        "cxmatrix": 1, "title": "Old", "departments": [{"name": "Sales", "code": "SAL"}],
        "stages": [{"name": "Buy", "touchpoints": [{"name": "Demo", "roles": {"Sales": "own"},
                                                    "role_notes": {"Sales": "a note"}}]}]}))
    result = json_format.read(path)
    matrix = result.matrix
    assert matrix.title == "Old" and not matrix.has_plan and result.snapshots == []
    tp = next(matrix.iter_touchpoints())
    assert matrix.role(tp.id, matrix.departments[0].id) is Role.OWN
    assert matrix.note(tp.id, matrix.departments[0].id) == "a note"


def test_version_3_is_written_and_a_plan_reads_back_by_department_name() -> None:
    from cxmatrix.domain import Matrix

    matrix = Matrix(title="T")
    support, success = matrix.add_department("Support"), matrix.add_department("Success")
    stage = matrix.add_stage("Renew")
    tp = matrix.add_touchpoint(stage.id, "Renewal reminder")
    matrix.set_role(tp.id, support.id, Role.OWN)
    matrix.set_target(tp.id, support.id, Role.INFLUENCE)
    matrix.set_target(tp.id, success.id, Role.OWN)
    matrix.set_action(tp.id, success.id, Action("Dana Whitfield", date(2026, 11, 30),
                                                ActionStatus.IN_PROGRESS, "with the VP"))
    matrix.set_planned_department(success.id, True)
    data = json_format.to_dict(matrix)
    assert data["cxmatrix"] == 3
    entry = data["stages"][0]["touchpoints"][0]
    assert entry["target_roles"] == {"Support": "influence", "Success": "own"}
    assert entry["actions"] == {"Success": {"person": "Dana Whitfield", "due": "2026-11-30",
                                            "status": "in progress", "note": "with the VP"}}
    assert data["departments"][1]["planned"] is True
    again = json_format.from_dict(json.loads(json.dumps(data)))
    assert _identity(again) == _identity(matrix)


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["stages"][0]["touchpoints"][0].update(target_roles={"Nobody": "own"}),
     ["touchpoint 1 (Welcome)", "'Nobody'", "not in \"departments\""]),
    (lambda d: d["stages"][0]["touchpoints"][0].update(target_roles={"Sales": "boss"}),
     ["target role of 'Sales'", "'boss' is not a role"]),
    (lambda d: d["stages"][0]["touchpoints"][0].update(
        actions={"Sales": {"person": "A", "due": "next week"}}),
     ["action of 'Sales' due", "'next week' is not a date"]),
    (lambda d: d["stages"][0]["touchpoints"][0].update(
        actions={"Sales": {"status": "stalled"}}),
     ["action of 'Sales' status", "'stalled' is not a status"]),
    (lambda d: d["stages"][0]["touchpoints"][0].update(planned="yes"),
     ["planned", "expected true or false"]),
    (lambda d: d["departments"][0].update(id=7) or d["stages"][0].update(id=7),
     ["stage 1 id", "7 is already the id of department 1"]),
    (lambda d: d["departments"][0].update(id=-1), ["department 1 id", "whole number"]),
    (lambda d: d.update(snapshots=[{"name": "S", "taken": "yesterday", "matrix": {}}]),
     ["snapshot 1 taken", "'yesterday' is not a date and time"]),
    (lambda d: d.update(snapshots=[{"name": " ", "taken": "2026-01-01", "matrix": {}}]),
     ["snapshot 1", "needs a name"]),
    (lambda d: d.update(snapshots=[{"name": "S", "taken": "2026-01-01", "matrix": []}]),
     ["snapshot 1 (S) matrix", "expected an object"]),
    (lambda d: d.update(snapshots=[{"name": "S", "taken": "2026-01-01", "matrix": {
        "departments": [{"name": "A"}, {"name": "a"}]}}]),
     ["snapshot 1 (S) department 2", "already a department"]),
    (lambda d: d.update(snapshots=[{"name": "S", "taken": "2026-01-01", "matrix": {}},
                                   {"name": "s", "taken": "2026-01-02", "matrix": {}}]),
     ["snapshot 2", "already a snapshot called 's'"]),
])
def test_bad_version_2_content_is_refused_naming_the_place(change, words) -> None:
    data = {"cxmatrix": 2, "title": "T", "departments": [{"name": "Sales"}],
            "stages": [{"name": "Awareness",
                        "touchpoints": [{"name": "Welcome", "roles": {"Sales": "own"}}]}]}
    change(data)
    with pytest.raises(ImportFailed) as caught:
        json_format.from_dict(data, "m.json")
    message = str(caught.value)
    assert message.startswith("m.json: ")
    for word in words:
        assert word in message, message


def test_a_newer_version_is_refused_with_advice() -> None:
    with pytest.raises(ImportFailed, match="format version 4 is newer"):
        json_format.from_dict({"cxmatrix": 4}, "m.json")


def test_snapshots_survive_json_into_a_new_cxm_file(tmp_path: Path) -> None:
    from cxmatrix.store.document import Document

    earlier = generate_matrix(6, 3, seed=2)
    later = earlier.copy()
    tp = next(later.iter_touchpoints())
    later.rename_touchpoint(tp.id, "Welcome call, renamed")
    later.set_target(tp.id, later.departments[0].id, Role.OWN)
    source = Document.create(tmp_path / "a.cxm", earlier)
    source.take_snapshot("Kick-off", "the first map", datetime(2026, 9, 1, tzinfo=UTC))
    source.replace_matrix(later)
    snapshots = [source.snapshot(info.id) for info in source.snapshots()]
    json_format.write(source.matrix, tmp_path / "a.json", snapshots=snapshots)
    source.close()
    result = json_format.read(tmp_path / "a.json")
    assert "With 1 snapshot: Kick-off." in result.report
    with Document.create(tmp_path / "b.cxm", result.matrix,
                         snapshots=result.snapshots) as again:
        assert [(s.name, s.note, s.taken) for s in again.snapshots()] == [
            ("Kick-off", "the first map", datetime(2026, 9, 1, tzinfo=UTC))]
        assert _identity(again.matrix) == _identity(later)
        kept = again.snapshot("Kick-off").matrix
        assert kept.content() == earlier.content()
        # The ids survived, so the comparison still tells a rename.
        from cxmatrix.domain.compare import compare

        renames = [c for c in compare(kept, again.matrix).structure if c.what == "renamed"]
        assert [c.name for c in renames] == ["Welcome call, renamed"]


def test_comments_round_trip_and_a_bad_comment_is_named(tmp_path: Path) -> None:
    from cxmatrix.domain.comments import new_comment

    matrix = generate_matrix(touchpoints=4, departments=3, seed=3)
    first, second = list(matrix.iter_touchpoints())[:2]
    dept = matrix.departments[1]
    comments = [new_comment("Anna (Support)", "We hear about it first", first.id, dept.id,
                            at=datetime(2026, 5, 4, 9, 30, tzinfo=UTC)),
                new_comment("Ben", "Whole row:\nlegal wants a say", first.id,
                            at=datetime(2026, 5, 3, tzinfo=UTC)),
                new_comment("Ben", "Second touchpoint", second.id)]
    matrix.add_comments(comments)
    path = tmp_path / "c.json"
    json_format.write(matrix, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["stages"][0]["touchpoints"][0]
    assert [c["text"] for c in entry["comments"]] == ["Whole row:\nlegal wants a say",
                                                     "We hear about it first"]
    assert entry["comments"][1]["department"] == dept.name
    again = json_format.read(path).matrix
    assert dict(again.comments) == {c.uid: c for c in comments}
    entry["comments"][1]["department"] = "Nobody"
    entry["comments"][0]["at"] = "2026-05-03T00:00:00+00:00"
    with pytest.raises(ImportFailed, match=r"comment 2.*'Nobody'"):
        json_format.from_dict(data)
    entry["comments"][1] = {"author": "Ben", "at": "2026-05-04T09:00:00", "text": "  "}
    with pytest.raises(ImportFailed, match=r"touchpoint 1 .*comment 2.*cannot be empty"):
        json_format.from_dict(data)


# ---- the size limits, refused up front from an estimate ----------------------------------------

def _written(matrix, snapshots=()) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.json"
        json_format.write(matrix, path, snapshots=snapshots)
        return path.read_bytes()


def _least(matrix, snapshots=()):
    from cxmatrix.interchange.json.estimate import least_document

    return least_document(matrix, snapshots, json_format._document, json_format._value_count)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(matrices(), signed_matrices()))
def test_the_estimate_is_never_more_than_the_file_written(matrix) -> None:
    """Names with quotes, line breaks and other scripts, notes, plans, comments, sign-offs:
    the least size and value count never exceed the file's, counted as the reader counts."""
    data = _written(matrix)
    least = _least(matrix)
    assert least.size <= len(data)
    assert least.values <= json_format._value_count(data)


def test_the_estimate_is_never_more_than_the_demo_with_its_snapshots() -> None:
    from cxmatrix.interchange.demo import demo_import

    demo = demo_import()
    data = _written(demo.matrix, demo.snapshots)
    least = _least(demo.matrix, demo.snapshots)
    assert len(data) * 0.6 < least.size <= len(data)
    assert json_format._value_count(data) * 0.6 < least.values <= json_format._value_count(data)


@pytest.mark.parametrize("limit", ["MAX_JSON_BYTES", "MAX_JSON_VALUES"])
def test_the_writer_refuses_exactly_what_the_reader_refuses(
        limit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Around the limit (the reader's own, moved to this file's size or value count): at the
    limit the file is written and read back; one below it both refuse, and the writer leaves
    nothing; far below, the estimate alone refuses, with the same message."""
    from cxmatrix.interchange.demo import demo_import
    from cxmatrix.interchange.errors import ExportFailed

    demo = demo_import()
    data = _written(demo.matrix, demo.snapshots)
    measure = {"MAX_JSON_BYTES": len(data),
               "MAX_JSON_VALUES": json_format._value_count(data)}[limit]
    message = {"MAX_JSON_BYTES": r"d.json: the JSON file would be larger than .*Excel",
               "MAX_JSON_VALUES": r"d.json: the JSON file would hold about .* values.*Excel"}
    kept = tmp_path / "kept.json"
    kept.write_bytes(data)
    path = tmp_path / "d.json"
    monkeypatch.setattr(json_format, limit, measure)
    json_format.write(demo.matrix, path, snapshots=demo.snapshots)
    assert json_format.read(path).matrix.content() == demo.matrix.content()
    path.unlink()
    monkeypatch.setattr(json_format, limit, measure - 1)
    with pytest.raises(ImportFailed):
        json_format.read(kept)
    with pytest.raises(ExportFailed, match=message[limit]):
        json_format.write(demo.matrix, path, snapshots=demo.snapshots)
    assert not path.exists()
    least = _least(demo.matrix, demo.snapshots)
    below = {"MAX_JSON_BYTES": least.size, "MAX_JSON_VALUES": least.values}[limit] - 1
    monkeypatch.setattr(json_format, limit, below)
    with pytest.raises(ExportFailed, match=message[limit]):
        json_format._check_estimate(demo.matrix, demo.snapshots, path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]


def test_a_matrix_far_over_the_limits_is_refused_from_its_counts(tmp_path: Path) -> None:
    """100,000 touchpoints x 50 departments, half the cells with a role: over 100 MB and
    some 7.5 million values, well over what the reader takes. The estimate says so from the
    counts, so the export refuses before building the document (it used to write until
    100 MB) and leaves nothing."""
    from cxmatrix.domain.limits import MAX_JSON_BYTES, MAX_JSON_VALUES
    from cxmatrix.interchange.errors import ExportFailed

    matrix = generate_matrix(100_000, 50, fill=0.5)
    least = _least(matrix)
    assert least.size > MAX_JSON_BYTES and least.values > MAX_JSON_VALUES
    with pytest.raises(ExportFailed, match=r"big.json: the JSON file would be larger than "
                                           r"100 MB, which cxmatrix cannot import again; "
                                           r"export to Excel"):
        json_format.write(matrix, tmp_path / "big.json")
    assert list(tmp_path.iterdir()) == []
