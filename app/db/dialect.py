"""What differs between database engines, in one place: connection set-up, how a write
transaction begins, upserts, and full-text search over orders.

Repositories build these statements through `dialect_of(session)` (or `Database.dialect`)
instead of importing `sqlalchemy.dialects.<engine>`; another engine (PostgreSQL, issue 17) is
one more `Dialect` subclass registered in `_DIALECTS`, not edits in every repository.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table, event, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement

BUSY_TIMEOUT_MS = 10_000


class Dialect(ABC):
    """One database engine's SQL for what PackDesk needs beyond portable SQLAlchemy."""

    name: str  # SQLAlchemy's dialect name, e.g. "sqlite"

    @abstractmethod
    def prepare(self, engine: Engine, *, immediate: bool, read_only: bool) -> None:
        """Set up every connection the engine opens (pragmas, timeouts) and how it begins
        transactions: `immediate` engines take the write lock at BEGIN."""

    @abstractmethod
    def upsert(self, table: Table, keys: list[str], sample: Mapping[str, Any],
               keep: Iterable[str] = ()) -> Insert:
        """INSERT ... ON CONFLICT(keys) DO UPDATE every column of `sample` except keys and
        `keep`; meant to be executed with a list of rows (executemany)."""

    @abstractmethod
    def insert_ignoring_duplicates(self, table: Table) -> Insert:
        """INSERT that skips rows a unique constraint already has."""

    @abstractmethod
    def search_query(self, typed: str) -> str:
        """What a packer typed, as this engine's full-text query ("" = nothing to search)."""

    @abstractmethod
    def search_matches(self, order_pk: ColumnElement, query: str) -> ColumnElement:
        """`order_pk` is an order whose search text matches `query` (bound as :match)."""

    @abstractmethod
    def replace_search_text(self, session: Session, bodies: Mapping[int, str]) -> None:
        """Set the search text of these orders (order pk -> text), replacing what they had."""


_WORD = re.compile(r"\w+", re.UNICODE)  # as FTS5 unicode61 splits: "-", "." and "@" separate


class SqliteDialect(Dialect):
    """SQLite: WAL, foreign keys and a busy timeout on every connection; writers BEGIN
    IMMEDIATE (app/db/engine.py says why); search through the FTS5 table orders_fts
    (rowid = orders.id), made by the migrations."""

    name = "sqlite"

    def prepare(self, engine: Engine, *, immediate: bool, read_only: bool) -> None:
        event.listen(engine, "connect",
                     _configure_read_only if read_only else _configure_connection)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))

    def upsert(self, table: Table, keys: list[str], sample: Mapping[str, Any],
               keep: Iterable[str] = ()) -> Insert:
        statement = sqlite_insert(table)
        unchanged = set(keys) | set(keep)
        return statement.on_conflict_do_update(
            index_elements=keys,
            set_={c: statement.excluded[c] for c in sample if c not in unchanged})

    def insert_ignoring_duplicates(self, table: Table) -> Insert:
        return sqlite_insert(table).on_conflict_do_nothing()

    def search_query(self, typed: str) -> str:
        """Every word must match as a prefix. Quoting each token keeps FTS5 syntax (AND, NEAR,
        "*", ":") typed by a person from being read as operators."""
        tokens = [t.replace('"', "") for t in _WORD.findall(typed)]
        # A one-character prefix matches most of the index and has no prefix index of its own
        # (prefix = '2 3'): such words narrow nothing, slowly, so they are left out.
        tokens = [t for t in tokens if len(t) >= 2]
        return " ".join(f'"{t}"*' for t in tokens)

    def search_matches(self, order_pk: ColumnElement, query: str) -> ColumnElement:
        return order_pk.in_(
            select(text("rowid")).select_from(text("orders_fts"))
            .where(text("orders_fts MATCH :match")).params(match=query))

    def replace_search_text(self, session: Session, bodies: Mapping[int, str]) -> None:
        rowids = ",".join(str(int(pk)) for pk in bodies)  # integers only: safe to inline
        session.execute(text(f"DELETE FROM orders_fts WHERE rowid IN ({rowids})"))  # noqa: S608
        session.execute(text("INSERT INTO orders_fts(rowid, body) VALUES (:rowid, :body)"),
                        [{"rowid": pk, "body": body} for pk, body in bodies.items()])


def _configure_connection(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver's implicit BEGIN would not
    # let us choose IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_read_only(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


SQLITE = SqliteDialect()
_DIALECTS: dict[str, Dialect] = {SQLITE.name: SQLITE}


def dialect_of(bind: Engine | Connection | Session) -> Dialect:
    """The Dialect for an engine, a connection or a session's engine."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    name = engine.dialect.name
    try:
        return _DIALECTS[name]
    except KeyError:
        raise NotImplementedError(f"PackDesk does not support {name} databases") from None
