"""The team server's schema: one PostgreSQL schema per matrix, built from the SQLModel tables.

``cxmatrix`` (a schema of its own) says the database is ours and which team-server version it
has, and lists the matrices. Each matrix lives in a schema ``cxm_<hex>`` with the tables of
the .cxm file (every table of the SQLModel metadata, so tables added to ``store.schema`` follow
without a change here), each with a ``revision`` column (the change sequence number of the
row's last change), plus:

- ``change_log``: every change with who and when, in commit order (writers of one matrix are
  serialised by a transaction advisory lock, so sequence numbers are commit order and a client
  can resume from the last one it saw);
- ``member``: who may do what (owner, department lead for some departments, viewer);
- one trigger function on every table that refuses a change to a row somebody else changed
  since the writer last caught up (optimistic concurrency), logs the change and notifies
  listeners (``LISTEN cxm_<hex>``);
- three group roles per matrix (owner, lead, viewer) with grants, and row-level security on the
  tables with a ``department_id`` so that a lead writes only their departments' columns.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

import cxmatrix.store.schema  # noqa: F401  (registers every table in the metadata)
from cxmatrix.store.format import ROLE_CODES
from cxmatrix.store.schema import DAMAGED_ROLE_LETTER, NO_ROLE_LETTER
from cxmatrix.store.server.connection import ServerError

SERVER_VERSION = 4  # 2: comments (the touchpoint_comment tables); 3: snapshot cells packed;
# 4: an owner removes any comment (OWNER_REMOVES)
APPLICATION_MARK = "cxmatrix team server"
REGISTRY = "cxmatrix"
ROLES = ("owner", "lead", "viewer")
CONFLICT_STATE = "CX409"
AUTHORED = ("touchpoint_comment",)  # rows a member writes as themselves: author = session_user
OWNER_REMOVES = "cx_owner_removes"  # the policy that lets an owner remove anybody's comment
_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def tables() -> list[Table]:
    """Every table of a matrix, each after the tables it refers to."""
    return list(SQLModel.metadata.sorted_tables)


def key_columns(table: Table) -> list[str]:
    return [column.name for column in table.primary_key.columns]


def lead_tables() -> list[Table]:
    """The tables a department lead writes, in their own columns only: the live tables with a
    department_id (cells, targets, actions, and tables added later such as sign-offs)."""
    return [t for t in tables() if "department_id" in t.c and "snapshot_id" not in t.c
            and not t.name.startswith("planned_") and t.name not in AUTHORED]


def group_role(schema: str, role: str) -> str:
    return f"{schema}_{role}"


def _ddl(statement: Any) -> str:
    return str(statement.compile(dialect=_DIALECT))


_REGISTRY_DDL = f"""
CREATE SCHEMA {REGISTRY};
CREATE TABLE {REGISTRY}.info (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE {REGISTRY}.matrix_list (
    name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 200),
    schema_name text NOT NULL UNIQUE,
    published timestamptz NOT NULL DEFAULT now(),
    published_by text NOT NULL DEFAULT session_user);
GRANT USAGE ON SCHEMA {REGISTRY} TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA {REGISTRY} TO PUBLIC;
"""


def server_version(conn: psycopg.Connection[Any]) -> int | None:
    """The team-server version of the database, None when it has no cxmatrix schema; a
    database with a ``cxmatrix`` schema that is not ours is refused."""
    row = conn.execute("SELECT to_regclass('cxmatrix.info') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    values = dict(conn.execute("SELECT key, value FROM cxmatrix.info").fetchall())
    if values.get("application") != APPLICATION_MARK:
        raise ServerError("database", "has a 'cxmatrix' schema that cxmatrix did not make")
    try:
        return int(values.get("version", ""))
    except ValueError:
        raise ServerError("database", "has a damaged cxmatrix schema (no version)") from None


def check_version(conn: psycopg.Connection[Any], label: str) -> None:
    """Refuse a database that is not a cxmatrix team server, or of another version."""
    try:
        version = server_version(conn)
    except ServerError as error:
        raise ServerError(label, error.problem) from None
    if version is None:
        raise ServerError(label, "is not a cxmatrix team server; run "
                                 "'cxmatrix server init URL' on it first")
    if version > SERVER_VERSION:
        raise ServerError(label, f"has a newer team-server schema (version {version}); "
                                 f"this cxmatrix knows version {SERVER_VERSION}: update it")
    if version < SERVER_VERSION:
        raise ServerError(label, f"has an older team-server schema (version {version}); run "
                                 "'cxmatrix server init URL' to migrate it")


def init_server(conn: psycopg.Connection[Any], label: str) -> str:
    """Create (or migrate) the registry schema; returns what was done, in words."""
    with conn.transaction():
        version = server_version(conn)
        if version == SERVER_VERSION:
            return "is already a cxmatrix team server (nothing to do)"
        if version is not None and version > SERVER_VERSION:
            check_version(conn, label)
        if version is None:
            others = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                "('pg_catalog', 'information_schema')").fetchone()
            if others and others[0]:
                raise ServerError(label, "is not empty and not a cxmatrix database; use an "
                                         "empty database for the team server")
            conn.execute(_REGISTRY_DDL)
        if version is not None:
            upgrade_matrices(conn)
        conn.execute("INSERT INTO cxmatrix.info VALUES ('application', %s), ('version', %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (APPLICATION_MARK, str(SERVER_VERSION)))
    return ("is now a cxmatrix team server" if version is None else
            f"was migrated from team-server version {version} to {SERVER_VERSION}")


def matrix_schema(conn: psycopg.Connection[Any], label: str, name: str) -> str:
    """The schema of the matrix called ``name`` (ServerError when there is none)."""
    row = conn.execute("SELECT schema_name FROM cxmatrix.matrix_list WHERE name = %s",
                       (name,)).fetchone()
    if row is None:
        names = [r[0] for r in conn.execute("SELECT name FROM cxmatrix.matrix_list "
                                            "ORDER BY name").fetchall()]
        known = f"; it has {', '.join(names)}" if names else "; it has none yet"
        raise ServerError(label, f"has no matrix called {name!r}{known}")
    schema = str(row[0])
    if not re.fullmatch(r"cxm_[0-9a-f]{12}", schema):
        raise ServerError(label, f"lists matrix {name!r} with a damaged schema name")
    return schema


def create_tables(conn: psycopg.Connection[Any], schema: str) -> None:
    """The matrix's tables (no triggers yet: publishing fills them first)."""
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
    for table in tables():
        conn.execute(_ddl(CreateTable(table)))
        for index in table.indexes:
            conn.execute(_ddl(CreateIndex(index)))
        conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN revision bigint NOT NULL DEFAULT 0")
                     .format(sql.Identifier(table.name)))
    conn.execute("""
        CREATE TABLE change_log (
            seq bigint PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            who text NOT NULL DEFAULT session_user,
            client text NOT NULL DEFAULT '',
            tbl text NOT NULL,
            op char(1) NOT NULL,
            row_key jsonb NOT NULL,
            row jsonb);
        CREATE INDEX change_log_row ON change_log (tbl, row_key, seq);
        CREATE TABLE member (
            login text PRIMARY KEY,
            role text NOT NULL CHECK (role IN ('owner', 'lead', 'viewer')),
            departments integer[] NOT NULL DEFAULT '{}');
    """)
    conn.execute("RESET search_path")


_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.cx_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {schema}, pg_temp AS $$
DECLARE
    r jsonb;
    k jsonb;
    seen bigint;
    me text;
    undo boolean;
    last record;
    next_seq bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := to_jsonb(OLD) - 'revision';
    ELSE
        r := to_jsonb(NEW) - 'revision';
    END IF;
    IF TG_OP = 'UPDATE' AND r = to_jsonb(OLD) - 'revision' THEN
        RETURN NULL;  -- nothing changes: no write, no log, no conflict
    END IF;
    -- One writer at a time per matrix, until commit: sequence numbers are commit order.
    PERFORM pg_advisory_xact_lock({lock});
    SELECT jsonb_object_agg(e.key, e.value) INTO k FROM jsonb_each(r) e
        WHERE e.key = ANY(TG_ARGV);
    seen := coalesce(nullif(current_setting('cxmatrix.seen', true), ''),
                     '9223372036854775807')::bigint;
    me := coalesce(current_setting('cxmatrix.client', true), '');
    undo := coalesce(current_setting('cxmatrix.undo', true), '') = 'on';
    SELECT c.seq, c.client INTO last FROM change_log c
        WHERE c.tbl = TG_TABLE_NAME AND c.row_key = k ORDER BY c.seq DESC LIMIT 1;
    IF FOUND AND last.client <> me AND (last.seq > seen OR undo) THEN
        RAISE EXCEPTION 'changed by somebody else' USING ERRCODE = '{conflict}',
            DETAIL = last.seq::text;
    END IF;
    SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM change_log;
    INSERT INTO change_log (seq, client, tbl, op, row_key, row)
        VALUES (next_seq, me, TG_TABLE_NAME, left(TG_OP, 1), k,
                -- A removed comment stays in the log: who removed whose comment, where.
                CASE WHEN TG_OP = 'DELETE' AND TG_TABLE_NAME <> ALL ({authored}) THEN NULL
                     ELSE r END);
    PERFORM pg_notify('{schema}', '');
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    NEW.revision := next_seq;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION {schema}.cx_may_edit(department integer) RETURNS boolean LANGUAGE sql
STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM member WHERE login = session_user
                   AND (role = 'owner' OR department = ANY (departments)))
$$;
"""


def _create_functions(conn: psycopg.Connection[Any], schema: str) -> None:
    """The trigger and permission functions (replaced in place on an upgrade: their grants
    and the triggers that call them stay)."""
    authored = "ARRAY[" + ", ".join(f"'{name}'" for name in AUTHORED) + "]::name[]"
    conn.execute(_TRIGGER_FUNCTION.format(schema=schema, lock=lock_key(schema),
                                          conflict=CONFLICT_STATE, authored=authored))


def lock_key(schema: str) -> int:
    return int(schema[4:], 16) & 0x7FFF_FFFF_FFFF_FFFF


def _create_role(conn: psycopg.Connection[Any], name: str) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    if not exists:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))


def secure(conn: psycopg.Connection[Any], schema: str) -> None:
    """Triggers, group roles, grants and row-level security of a filled matrix schema."""
    ident = sql.Identifier(schema)
    _create_functions(conn, schema)
    for table in tables():
        args = sql.SQL(", ").join(sql.Literal(name) for name in key_columns(table))
        conn.execute(sql.SQL(
            "CREATE TRIGGER cx_change BEFORE INSERT OR UPDATE OR DELETE ON {}.{} "
            "FOR EACH ROW EXECUTE FUNCTION {}.cx_change({})").format(
            ident, sql.Identifier(table.name), ident, args))
    owner, lead, viewer = (sql.Identifier(group_role(schema, r)) for r in ROLES)
    for role in ROLES:
        _create_role(conn, group_role(schema, role))
    conn.execute(sql.SQL("GRANT {} TO {}").format(viewer, lead))
    conn.execute(sql.SQL("GRANT {} TO {}").format(lead, owner))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(ident, viewer))
    conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(ident, viewer))
    conn.execute(sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {} TO {}").format(
        ident, viewer))
    conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {}.cx_change() FROM PUBLIC").format(ident))
    conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {}.cx_may_edit(integer) FROM PUBLIC").format(
        ident))
    for table in tables():
        conn.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.{} TO {}").format(
            ident, sql.Identifier(table.name), owner))
    conn.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.member TO {}").format(ident, owner))
    for table in lead_tables():
        name = sql.Identifier(table.name)
        _writable_by_leads(conn, ident, name, lead)
        conn.execute(sql.SQL("CREATE POLICY cx_owner ON {}.{} FOR ALL TO {} USING (true) "
                             "WITH CHECK (true)").format(ident, name, owner))
        conn.execute(sql.SQL(
            "CREATE POLICY cx_lead ON {}.{} FOR ALL TO {} USING ({}.cx_may_edit(department_id))"
            " WITH CHECK ({}.cx_may_edit(department_id))").format(ident, name, lead, ident,
                                                                 ident))
    _secure_authored(conn, schema)


def _writable_by_leads(conn: psycopg.Connection[Any], ident: sql.Identifier,
                       name: sql.Identifier, lead: sql.Identifier) -> None:
    """Leads may write the table, as far as its row-level policies (added by the caller)
    allow; every member reads all of it."""
    conn.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.{} TO {}").format(
        ident, name, lead))
    conn.execute(sql.SQL("ALTER TABLE {}.{} ENABLE ROW LEVEL SECURITY").format(ident, name))
    conn.execute(sql.SQL("CREATE POLICY cx_read ON {}.{} FOR SELECT USING (true)").format(
        ident, name))


def _secure_authored(conn: psycopg.Connection[Any], schema: str) -> None:
    """Comments: every member reads them; an owner or lead adds them as themselves (the
    author is the login) and changes only their own; a lead removes only their own, an owner
    any (moderation; the change log records who removed it); a viewer only reads."""
    ident = sql.Identifier(schema)
    lead = sql.Identifier(group_role(schema, "lead"))
    for name in map(sql.Identifier, AUTHORED):
        _writable_by_leads(conn, ident, name, lead)
        conn.execute(sql.SQL("CREATE POLICY cx_add ON {}.{} FOR INSERT TO {} "
                             "WITH CHECK (author = session_user)").format(ident, name, lead))
        conn.execute(sql.SQL("CREATE POLICY cx_change_own ON {}.{} FOR UPDATE TO {} "
                             "USING (author = session_user) WITH CHECK (author = session_user)")
                     .format(ident, name, lead))
        conn.execute(sql.SQL("CREATE POLICY cx_remove_own ON {}.{} FOR DELETE TO {} "
                             "USING (author = session_user)").format(ident, name, lead))
    _let_owners_remove_comments(conn, schema)


def _let_owners_remove_comments(conn: psycopg.Connection[Any], schema: str) -> None:
    """The owner group's policy to remove any comment (version 4), where it is missing."""
    ident = sql.Identifier(schema)
    owner = sql.Identifier(group_role(schema, "owner"))
    for table in AUTHORED:
        found = conn.execute("SELECT 1 FROM pg_policies WHERE schemaname = %s AND "
                             "tablename = %s AND policyname = %s",
                             (schema, table, OWNER_REMOVES)).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE POLICY {} ON {}.{} FOR DELETE TO {} USING (true)")
                         .format(sql.Identifier(OWNER_REMOVES), ident, sql.Identifier(table),
                                 owner))


# Version 2 -> 3: a snapshot's cells, which versions 1 and 2 kept one row per cell in
# ``snapshot_cell``, are packed one row per touchpoint into ``snapshot_cell_pack`` as the
# file does from format 8 (``store.schema``): the department ids as a JSON array, the role
# letters in the same order, the notes as a JSON array or '' when the row has none. PostgreSQL
# writes its JSON with a space after each comma; SQLite's json_each reads it alike.
_PACK_SNAPSHOT_CELLS = sql.SQL("""
INSERT INTO snapshot_cell_pack (snapshot_id, touchpoint_id, departments, roles, notes)
SELECT snapshot_id, touchpoint_id, json_agg(department_id ORDER BY department_id)::text,
       string_agg(CASE WHEN role IS NULL THEN {none} WHEN role IN ({roles}) THEN role
                       ELSE {damaged} END, '' ORDER BY department_id),
       CASE WHEN bool_or(note <> '') THEN json_agg(note ORDER BY department_id)::text
            ELSE '' END
FROM snapshot_cell GROUP BY snapshot_id, touchpoint_id
""").format(none=sql.Literal(NO_ROLE_LETTER), damaged=sql.Literal(DAMAGED_ROLE_LETTER),
            roles=sql.SQL(", ").join(map(sql.Literal, ROLE_CODES.values())))
_REPLACED = {"snapshot_cell": ("snapshot_cell_pack", _PACK_SNAPSHOT_CELLS)}


def upgrade_matrices(conn: psycopg.Connection[Any]) -> None:
    """Give every matrix the tables added since it was published (version 1 -> 2: the
    comments; 2 -> 3: the packed snapshot cells, filled from the table they replace, which
    goes; 3 -> 4: no table, the owners' policy to remove any comment), with their triggers,
    grants and row-level security, inside the caller's
    transaction. The rows moved into a new table are not change-log entries: every client
    reads the whole matrix when it opens it."""
    for (schema,) in conn.execute("SELECT schema_name FROM cxmatrix.matrix_list").fetchall():
        present = {str(r[0]) for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,)).fetchall()}
        missing = [t for t in tables() if t.name not in present]
        _create_functions(conn, schema)  # version 4 logs a removed comment's row
        if not missing:
            _let_owners_remove_comments(conn, schema)
            continue
        ident = sql.Identifier(schema)
        conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(ident))
        for table in missing:
            conn.execute(_ddl(CreateTable(table)))
            for index in table.indexes:
                conn.execute(_ddl(CreateIndex(index)))
            conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN revision bigint NOT NULL DEFAULT 0")
                         .format(sql.Identifier(table.name)))
        for old, (new, fill) in _REPLACED.items():
            if old in present and new in {t.name for t in missing}:
                conn.execute(fill)  # before the new table's trigger: not logged
                conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(old)))
        conn.execute("RESET search_path")
        owner, viewer = (sql.Identifier(group_role(schema, r)) for r in ("owner", "viewer"))
        for table in missing:
            name = sql.Identifier(table.name)
            args = sql.SQL(", ").join(sql.Literal(k) for k in key_columns(table))
            conn.execute(sql.SQL(
                "CREATE TRIGGER cx_change BEFORE INSERT OR UPDATE OR DELETE ON {}.{} "
                "FOR EACH ROW EXECUTE FUNCTION {}.cx_change({})").format(
                ident, name, ident, args))
            conn.execute(sql.SQL("GRANT SELECT ON {}.{} TO {}").format(ident, name, viewer))
            conn.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.{} TO {}").format(
                ident, name, owner))
        if any(t.name in AUTHORED for t in missing):
            _secure_authored(conn, schema)
        _let_owners_remove_comments(conn, schema)


def drop_matrix(conn: psycopg.Connection[Any], schema: str) -> None:
    ident = sql.Identifier(schema)
    conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(ident))
    for role in ROLES:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(
            sql.Identifier(group_role(schema, role))))
    conn.execute("DELETE FROM cxmatrix.matrix_list WHERE schema_name = %s", (schema,))
