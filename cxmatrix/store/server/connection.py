"""Addresses of team-server matrices and connections to the server, with clear errors.

An address is a libpq URL (``postgresql://user@host:port/dbname``; SQLAlchemy's
``postgresql+psycopg://`` is accepted too) optionally followed by ``#NAME``, the matrix. The
password comes from where libpq looks (the URL, ``PGPASSWORD``, ``~/.pgpass``) or from the
caller (the GUI's prompt); cxmatrix never stores it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from cxmatrix.store.errors import DocumentError

CONNECT_TIMEOUT_SECONDS = 10
APPLICATION = "cxmatrix"


class ServerError(DocumentError):
    """The team server cannot be reached or refused what was asked; nothing was changed."""


class ServerConflict(ServerError):
    """Somebody else changed what this edit changes since this window last saw it."""


class ServerPermissionDenied(ServerError):
    """The server refused the change: the user's role does not allow it."""


class ServerConnectionLost(ServerError):
    """The connection dropped; the change was not made (or not acknowledged)."""


@dataclass(frozen=True)
class ServerAddress:
    url: str  # a libpq URL, without password and without the matrix name
    name: str = ""  # the matrix, when the address names one
    password: str | None = None

    @property
    def label(self) -> str:
        """How messages name the server (or the matrix on it): no password."""
        parts = urlsplit(self.url)
        database = (parts.path or "").strip("/") or "postgres"
        where = f"{database} on {parts.hostname or 'localhost'}"
        return f"{self.name} ({where})" if self.name else where

    def with_name(self, name: str) -> ServerAddress:
        return ServerAddress(self.url, name, self.password)

    def with_password(self, password: str | None) -> ServerAddress:
        return ServerAddress(self.url, self.name, password)

    def __str__(self) -> str:
        return f"{self.url}#{self.name}" if self.name else self.url


def is_server_address(text: str) -> bool:
    return bool(re.match(r"^postgres(ql)?(\+\w+)?://", text))


def parse_address(text: str) -> ServerAddress:
    """``postgresql://user:pw@host/db#name`` -> ServerAddress (the password kept apart)."""
    if not is_server_address(text):
        raise ServerError(text, "is not a team-server address (postgresql://user@host/db)")
    url, _, name = text.partition("#")
    url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)
    parts = urlsplit(url)
    password = parts.password
    if password is not None:
        netloc = parts.netloc.rsplit("@", 1)
        user = (parts.username or "")
        netloc_text = f"{user}@{netloc[-1]}" if user else netloc[-1]
        url = urlunsplit(parts._replace(netloc=netloc_text))
    return ServerAddress(url, name.strip(), password)


def _problem(error: psycopg.Error) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return "refused the user name or password (check .pgpass or PGPASSWORD)"
    if "connection refused" in lowered:
        return "refused the connection (is PostgreSQL running there, on that port?)"
    if "timeout" in lowered or "timed out" in lowered:
        return "did not answer in time"
    if "does not exist" in lowered and "database" in lowered:
        return f"has no such database ({text})"
    return f"cannot be reached: {text}"


def connect(address: ServerAddress, *, autocommit: bool = False,
            purpose: str = "") -> psycopg.Connection[Any]:
    """Open a connection, or raise one clear ServerError (no traceback for the user)."""
    kwargs: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS,
                              "application_name": f"{APPLICATION} {purpose}".strip()[:63]}
    if address.password is not None:
        kwargs["password"] = address.password
    try:
        return psycopg.connect(address.url, autocommit=autocommit, **kwargs)
    except psycopg.Error as error:
        raise ServerError(address.label, _problem(error)) from None


def needs_password(error: ServerError) -> bool:
    return "password" in error.problem
