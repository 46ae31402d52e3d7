"""Members of a matrix on the team server: owner, department lead, viewer.

A member is a PostgreSQL login role granted one of the matrix's group roles; the ``member``
table says which departments a lead leads (read by the row-level security policies). Only an
owner (or the user who published) may change members; the server refuses anybody else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from cxmatrix.store.server.connection import ServerAddress, ServerError, connect
from cxmatrix.store.server.schema import ROLES, check_version, group_role, matrix_schema


@dataclass(frozen=True)
class Member:
    login: str
    role: str
    departments: tuple[str, ...]

    def describe(self) -> str:
        if self.role == "lead":
            return f"{self.login}: lead of {', '.join(self.departments) or 'no department'}"
        return f"{self.login}: {self.role}"


def _department_ids(conn: psycopg.Connection[Any], schema: str, names: list[str]) -> list[int]:
    rows = conn.execute(sql.SQL("SELECT id, name FROM {}.department").format(
        sql.Identifier(schema))).fetchall()
    by_name = {str(name).casefold(): int(i) for i, name in rows}
    ids = []
    for name in names:
        if name.casefold() not in by_name:
            known = ", ".join(str(n) for _, n in rows)
            raise ServerError("matrix", f"has no department {name!r} (it has {known})")
        ids.append(by_name[name.casefold()])
    return ids


def add_member(conn: psycopg.Connection[Any], schema: str, login: str, role: str,
               departments: list[str], password: str | None = None) -> None:
    """Make ``login`` a member with ``role`` (replacing an earlier role); creates the login
    role when it does not exist and a password is given."""
    if role not in ROLES:
        raise ServerError("matrix", f"has no member role {role!r} (owner, lead or viewer)")
    if role == "lead" and not departments:
        raise ServerError("matrix", "needs the departments a lead leads (--departments)")
    ids = _department_ids(conn, schema, departments) if role == "lead" else []
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    user = sql.Identifier(login)
    if not exists:
        if password is None:
            raise ServerError("server", f"has no user {login!r}; give a password to create it")
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            user, sql.Literal(password)))
    for other in ROLES:
        conn.execute(sql.SQL("REVOKE {} FROM {}").format(
            sql.Identifier(group_role(schema, other)), user))
    admin = sql.SQL(" WITH ADMIN OPTION") if role == "owner" else sql.SQL("")
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group_role(schema, role)),
                                                  user) + admin)
    if role == "owner":
        for other in ROLES[1:]:
            conn.execute(sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(
                sql.Identifier(group_role(schema, other)), user))
    conn.execute(sql.SQL("INSERT INTO {}.member (login, role, departments) VALUES (%s, %s, %s) "
                         "ON CONFLICT (login) DO UPDATE SET role = excluded.role, "
                         "departments = excluded.departments").format(sql.Identifier(schema)),
                 (login, role, ids))


def remove_member(conn: psycopg.Connection[Any], schema: str, login: str) -> None:
    user = sql.Identifier(login)
    for other in ROLES:
        conn.execute(sql.SQL("REVOKE {} FROM {}").format(
            sql.Identifier(group_role(schema, other)), user))
    conn.execute(sql.SQL("DELETE FROM {}.member WHERE login = %s").format(
        sql.Identifier(schema)), (login,))


def list_members(conn: psycopg.Connection[Any], schema: str) -> list[Member]:
    rows = conn.execute(sql.SQL(
        "SELECT m.login, m.role, coalesce(array_agg(d.name ORDER BY d.position) "
        "FILTER (WHERE d.id IS NOT NULL), '{{}}') FROM {s}.member m LEFT JOIN {s}.department d "
        "ON d.id = ANY (m.departments) GROUP BY m.login, m.role ORDER BY m.login").format(
        s=sql.Identifier(schema))).fetchall()
    return [Member(str(login), str(role), tuple(names)) for login, role, names in rows]


def change_members(address: ServerAddress, *, add: tuple[str, str, list[str]] | None = None,
                   remove: str | None = None, password: str | None = None) -> list[Member]:
    """Add or remove one member of ``address.name``; returns the members afterwards."""
    with connect(address, autocommit=True, purpose="members") as conn:
        check_version(conn, address.label)
        schema = matrix_schema(conn, address.label, address.name)
        try:
            with conn.transaction():
                if add is not None:
                    login, role, departments = add
                    add_member(conn, schema, login, role, departments, password)
                if remove is not None:
                    remove_member(conn, schema, remove)
                return list_members(conn, schema)
        except psycopg.errors.InsufficientPrivilege:
            raise ServerError(address.label, "refused: only an owner of the matrix may change "
                                             "its members") from None
        except ServerError as error:
            raise ServerError(address.label, error.problem) from None
        except psycopg.Error as error:
            raise ServerError(address.label, f"refused the change of members: {error}") from None


def members(address: ServerAddress) -> list[Member]:
    with connect(address, autocommit=True, purpose="members") as conn:
        check_version(conn, address.label)
        schema = matrix_schema(conn, address.label, address.name)
        return list_members(conn, schema)
