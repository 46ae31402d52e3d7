"""The team server: matrices kept on PostgreSQL, shared by several people at once.

Only this package talks to PostgreSQL (psycopg 3). ``connection`` parses addresses and turns
every connection problem into one clear ServerError; ``schema`` creates the database schema
(one PostgreSQL schema per matrix, built from the same SQLModel tables as the file), the
change log and the permissions; ``transfer`` publishes and pulls .cxm files; ``members``
manages who may do what; ``document`` is the live ServerDocument the GUI edits.
"""

from cxmatrix.store.server.connection import ServerAddress, ServerError, parse_address

__all__ = ["ServerAddress", "ServerError", "parse_address"]
