"""Property: any matrix written as JSON and read back is the same matrix."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import matrices

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
