"""SQLite access: WAL, foreign keys on every connection, a busy timeout, short units of work.

Two engines share one file. Readers use plain deferred transactions, so the order list never waits
for a sync. Writers begin with BEGIN IMMEDIATE: they queue on the write lock up front (honouring
the busy timeout) instead of failing with SQLITE_BUSY when a read lock has to be upgraded —
which matters because the GUI, a CLI command and the outbox worker may write to one file.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

BUSY_TIMEOUT_MS = 10_000


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


def make_engine(path: Path | str, *, immediate: bool = False) -> Engine:
    engine = create_engine(f"sqlite:///{Path(path)}",
                           connect_args={"check_same_thread": False,
                                         "timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_connection)
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
    return engine


class Database:
    """The station's database file. Repositories take one of these in their constructor."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.engine = make_engine(self.path)
        self._write_engine = make_engine(self.path, immediate=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any exception."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def analyze(self) -> None:
        """Refresh the query planner's statistics. Without them SQLite guesses, and picks the
        status index over the date index for "newest 400 awaiting shipment": 200 ms instead
        of 5 ms at 100,000 orders. Cheap (about 0.4 s at that size); run after big imports."""
        with self._write_engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()

    def dispose(self) -> None:
        self.engine.dispose()
        self._write_engine.dispose()
