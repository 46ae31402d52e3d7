"""A throwaway PostgreSQL cluster for the team tests: initdb and pg_ctl into a temp folder.

The cluster listens on a free loopback port and a socket in its own folder, with password
(scram) authentication, so tests connect exactly as users do. Run as root, the cluster is made
and run by the unprivileged ``nobody`` (PostgreSQL refuses to run as root). ``find_binaries``
returns None when PostgreSQL is not installed: the tests then skip, saying so.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ADMIN = "cxadmin"
ADMIN_PASSWORD = "admin-secret"


def find_binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TeamServer:
    """One running cluster; ``url()`` names a database on it as a user."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="cxm-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.socket_dir.mkdir()
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                             "--"]
            if shutil.which("setpriv") is None:
                self._as_user = ["runuser", "-u", "nobody", "--"]
            shutil.chown(self.folder, "nobody")
            shutil.chown(self.socket_dir, "nobody")
            os.chmod(self.folder, 0o755)
        password_file = self.folder / "pw"
        password_file.write_text(ADMIN_PASSWORD + "\n")
        if self._as_user:
            shutil.chown(password_file, "nobody")
        self._run("initdb", "-D", str(self.data), "-U", ADMIN, "--pwfile", str(password_file),
                  "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        password_file.unlink()
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        env = dict(os.environ, LC_ALL="C.UTF-8")
        subprocess.run([*self._as_user, str(self.binaries / tool), *args], check=True,
                       capture_output=True, env=env, cwd=self.folder, timeout=120)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=120 -c shared_buffers=32MB")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, database: str = "postgres", user: str = ADMIN,
            password: str | None = ADMIN_PASSWORD) -> str:
        auth = f"{user}:{password}" if password is not None else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
