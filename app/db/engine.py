"""SQLite access: WAL, foreign keys on every connection, a busy timeout, short units of work.

Two engines share one file. Readers use plain deferred transactions, so the order list never waits
for a sync. Writers begin with BEGIN IMMEDIATE: they queue on the write lock up front (honouring
the busy timeout) instead of failing with SQLITE_BUSY when a read lock has to be upgraded —
which matters because the GUI, a CLI command and the outbox worker may write to one file.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import ClassVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from app.db.dialect import BUSY_TIMEOUT_MS, Dialect, dialect_of
from app.errors import DatabaseDamagedError, DatabaseError

# Below this much free space a "disk I/O error" is a full disk (SQLite reports a full disk so
# when the WAL or its index cannot grow).
NEARLY_FULL_BYTES = 1_000_000


def storage_problem(exc: BaseException, path: Path) -> DatabaseError | None:
    """A storage failure SQLite reported, in the user's words (one sentence, no SQL);
    None when `exc` is not one (constraint errors, locks... stay as they are)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    folder = path.parent
    if "database or disk is full" in text or ("disk i/o error" in text
                                              and _free_bytes(folder) < NEARLY_FULL_BYTES):
        return DatabaseError(f"The disk holding the station's data is full ({path}). "
                             "Free space and try again; nothing was lost.")
    if "readonly" in text or "read-only" in text or (
            "unable to open database file" in text and path.parent.is_dir()
            and not os.access(folder, os.W_OK)):
        return DatabaseError(f"The station's data folder is read-only ({folder}): PackDesk can "
                             "show what it has but cannot save. Make the folder writable and "
                             "try again; nothing was lost.")
    if "unable to open database file" in text:
        if path.is_dir():
            return DatabaseError(f"The station's database path is a folder, not a file "
                                 f"({path}). Move that folder away or choose another data "
                                 "folder with --data-dir.")
        return DatabaseError(f"PackDesk cannot open its database file ({path}). Check that the "
                             "folder exists and that this user may write to it.")
    if "file is not a database" in text or "malformed" in text:
        return DatabaseError(f"The station's database is damaged or is not a PackDesk database "
                             f"({path}). Run `packdesk db check` to see the newest backup and "
                             "how to restore it; nothing more was written.")
    if "disk i/o error" in text:
        return DatabaseError(f"The disk holding the station's data could not be read or written "
                             f"({path}). Check the disk and try again; nothing was lost.")
    return None


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return NEARLY_FULL_BYTES  # unknown: do not claim the disk is full


@contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's storage failures inside the block into a DatabaseError a person reads."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        problem = storage_problem(exc, path)
        if problem is None:
            raise
        raise problem from exc


def read_only_uri(path: Path) -> str:
    """A URI that reads `path` without writing anything. In a read-only folder a WAL database
    whose -shm file is gone cannot be opened read-only (SQLite would have to create it):
    there, and only there, it is opened as immutable (nobody can write to that folder)."""
    uri = f"file:{path}?mode=ro"
    if os.access(path.parent, os.W_OK):
        return uri
    try:
        with closing(sqlite3.connect(uri, uri=True)) as raw:
            raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc):
            return uri + "&immutable=1"
    except sqlite3.DatabaseError:
        pass  # damage is for the integrity check to report
    return uri


def make_engine(path: Path | str, *, immediate: bool = False,
                read_only: bool = False) -> Engine:
    # A read-only folder: open the file read-only (no journal mode change, which is a write).
    url = (f"sqlite:///{read_only_uri(Path(path))}&uri=true" if read_only
           else f"sqlite:///{Path(path)}")
    engine = create_engine(url, connect_args={"check_same_thread": False,
                                              "timeout": BUSY_TIMEOUT_MS / 1000})
    # Pragmas and BEGIN (IMMEDIATE for writers) are the dialect's (app/db/dialect.py).
    dialect_of(engine).prepare(engine, immediate=immediate, read_only=read_only)
    return engine


class Database:
    """The station's database file. Repositories take one of these in their constructor."""

    # Test switch: when set, called before every read and write; it raises to refuse the call
    # (the UI tests refuse database work on the GUI thread: tests/ui/conftest.py).
    call_guard: ClassVar[Callable[[], None] | None] = None

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.engine = make_engine(self.path, read_only=read_only)
        self._write_engine = make_engine(self.path, immediate=True, read_only=read_only)
        # The engine's SQL dialect: upserts and search for the repositories.
        self.dialect: Dialect = dialect_of(self.engine)
        self._write_gate: Callable[[], str] | None = None

    def hold_writes_until(self, verdict: Callable[[], str]) -> None:
        """Writes first wait for `verdict()` (an integrity check still running in the
        background): "" lets them through; a message refuses every write with it."""
        self._write_gate = verdict

    def writes_refused(self) -> str:
        """"" when writes may go ahead (waiting for a pending check), else why not."""
        return self._write_gate() if self._write_gate is not None else ""

    def _refuse_if_damaged(self) -> None:
        refused = self.writes_refused()
        if refused:
            raise DatabaseDamagedError(refused)

    @contextmanager
    def read(self) -> Iterator[Session]:
        if Database.call_guard is not None:
            Database.call_guard()
        with storage_errors(self.path), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any exception."""
        if Database.call_guard is not None:
            Database.call_guard()
        self._refuse_if_damaged()
        with storage_errors(self.path), \
                Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def analyze(self) -> None:
        """Refresh the query planner's statistics. Without them SQLite guesses, and picks the
        status index over the date index for "newest 400 awaiting shipment": 200 ms instead
        of 5 ms at 100,000 orders. Cheap (about 0.4 s at that size); run after big imports."""
        self._refuse_if_damaged()
        with self._write_engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()

    def dispose(self) -> None:
        self.engine.dispose()
        self._write_engine.dispose()
