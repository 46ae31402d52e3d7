"""Shared fixtures. Qt runs offscreen; every test gets its own settings and temp folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# UI fixtures shared by the tests/test_ui_*.py modules.
pytest_plugins = ["ui_support"]


# ---- the team server (PostgreSQL) -------------------------------------------------------------

import itertools  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def team_cluster() -> Iterator[object]:
    """One throwaway PostgreSQL cluster for the whole run (see tests/team_server.py)."""
    from team_server import TeamServer, find_binaries

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (packaging/setup.sh installs the Debian "
                    "'postgresql' package)")
    server = TeamServer(binaries)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def team_url(team_cluster: object) -> str:
    """A fresh database made a cxmatrix team server; the URL of its administrator."""
    from cxmatrix.store.server import parse_address
    from cxmatrix.store.server.transfer import init

    url = team_cluster.create_database(f"team{next(_databases)}")  # type: ignore[attr-defined]
    init(parse_address(url))
    return str(url)
