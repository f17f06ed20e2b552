"""Bring the station's database to the schema this version of PackDesk expects.

- A new database is created by upgrading an empty file to head.
- An existing database is copied with SQLite's online backup API (consistent even with a WAL
  and other readers) before any upgrade, so a failed migration loses nothing. One copy per
  schema version: a migration that fails at every start reuses the copy it already made.
- A database stamped with a revision this app does not know was written by a newer PackDesk:
  it is refused, untouched.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.db.engine import read_only_uri
from app.errors import DatabaseError, DatabaseTooNewError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Backups in <data folder>/backups: packdesk-<UTC time>-<label>.sqlite3, where the label is
# "auto" (periodic, app/services/db_health.py) or the schema version a migration started from.
BACKUP_GLOB = "packdesk-*.sqlite3"
KEEP_AUTO_BACKUPS = 5
KEEP_SCHEMA_BACKUPS = 3
AUTO_LABEL = "auto"
# The newest migration's revision. Start-up compares it with the database's stamp using plain
# sqlite3 and only imports Alembic when there is work to do (Alembic costs ~0.2 s to import);
# a test checks it equals Alembic's own head.
SCHEMA_HEAD = "0003_catalog"


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def migrated(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    # Read-only URI: looking must never create or change the file.
    with closing(sqlite3.connect(read_only_uri(db_path), uri=True)) as raw:
        has_table = raw.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def backup_database(db_path: Path, backups_dir: Path, label: str) -> Path:
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"packdesk-{stamp}-{label}.sqlite3"
    # Copied under another name, renamed when whole: a copy cut short (full disk, crash) must
    # never be taken for the newest backup.
    partial = target.with_name(target.name + ".partial")
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as source, \
                closing(sqlite3.connect(partial)) as dest:
            source.backup(dest)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _prune_backups(backups_dir)
    return target


def backup_label(backup: Path) -> str:
    """"auto" or the schema version: what follows the time stamp in the name."""
    parts = backup.stem.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


def _prune_backups(backups_dir: Path) -> None:
    """Keep the newest KEEP_AUTO_BACKUPS periodic copies and KEEP_SCHEMA_BACKUPS pre-migration
    ones (names sort by time)."""
    backups = sorted(backups_dir.glob(BACKUP_GLOB))
    auto = [b for b in backups if backup_label(b) == AUTO_LABEL]
    schema = [b for b in backups if backup_label(b) != AUTO_LABEL]
    for old in auto[:-KEEP_AUTO_BACKUPS] + schema[:-KEEP_SCHEMA_BACKUPS]:
        old.unlink(missing_ok=True)


def _backup_before_migrating(db_path: Path, backups_dir: Path, label: str) -> Path:
    """One copy per schema version: a copy of this version made after the file last changed
    is the same data (a failed upgrade rolls back), so a start that fails again reuses it."""
    changed = max((f.stat().st_mtime for f in (db_path, db_path.with_name(db_path.name + "-wal"))
                   if f.exists()), default=0.0)
    for earlier in sorted(backups_dir.glob(BACKUP_GLOB), reverse=True):
        if backup_label(earlier) == label and earlier.stat().st_mtime >= changed:
            return earlier
    return backup_database(db_path, backups_dir, label)


def migrate(db_path: Path, backups_dir: Path) -> MigrationResult:
    current = current_revision(db_path)
    if current == SCHEMA_HEAD:
        return MigrationResult(current, SCHEMA_HEAD, None)
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = head_revision()
    if current is not None and current != head:
        try:
            scripts.get_revision(current)
        except CommandError:  # alembic's word for "no such revision here"
            raise DatabaseTooNewError(
                f"The database at {db_path} was written by a newer PackDesk (schema {current}); "
                f"this is PackDesk {__version__}.",
                hint="Install the newer PackDesk again. The database was left untouched.",
            ) from None
    if current == head:
        return MigrationResult(current, head, None)

    backup = None
    if current is not None or _has_user_tables(db_path):
        backup = _backup_before_migrating(db_path, backups_dir, current or "unversioned")
        log.info("Backed up the database to %s before migrating", backup)

    engine = _one_transaction_engine(db_path)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as exc:
        # The log has the whole story (the DDL, the traceback); a person gets one line.
        log.exception("Upgrading the database from %s to %s failed", current, head)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseError(
            f"Upgrading the database from schema {current or 'none'} to {head} failed "
            f"({(reason[0] if reason else type(exc).__name__)[:200]}); nothing was changed.",
            hint=f"A copy taken before the upgrade is at {backup}." if backup else "",
        ) from None
    finally:
        engine.dispose()
    log.info("Database migrated from %s to %s", current, head)
    return MigrationResult(current, head, backup)


def _one_transaction_engine(db_path: Path) -> Engine:
    """An engine whose transactions really hold DDL. pysqlite begins its implicit transactions
    only before INSERT/UPDATE/DELETE, so CREATE/ALTER/DROP would each commit on their own and a
    failed upgrade would leave half a schema: here pysqlite leaves transactions alone and
    SQLAlchemy's begin() is a real BEGIN (SQLAlchemy's documented recipe for pysqlite)."""
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{db_path}")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        # Off before BEGIN (SQLite ignores it inside a transaction): batch copies need it off.
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _has_user_tables(db_path: Path) -> bool:
    if not db_path.exists():
        return False
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as raw:
        tables = raw.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        return tables > 0


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """FTS5 virtual tables and their shadow tables are made with raw SQL in the migrations."""
    from app.db.tables import FTS_TABLES

    return not (type_ == "table"
                and any(name == t or name.startswith(t + "_") for t in FTS_TABLES))


def schema_differences(db_path: Path) -> list:
    """What differs between the models and the migrated database (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    import app.db.catalog_tables  # noqa: F401  (its tables into metadata)
    from app.db.tables import metadata

    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()
