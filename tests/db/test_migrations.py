import hashlib
import sqlite3
from contextlib import closing
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlmodel import select

from app.bootstrap import build_context
from app.db.migrate import (
    backup_database,
    current_revision,
    head_revision,
    migrate,
    schema_differences,
)
from app.db.tables import Connection
from app.errors import DatabaseError, DatabaseTooNewError
from tests.support.alembic_steps import alembic_on


def test_empty_database_upgrades_to_head_and_matches_models(tmp_path):
    db = tmp_path / "new.sqlite3"
    result = migrate(db, tmp_path / "backups")
    assert result.from_revision is None
    assert result.to_revision == head_revision()
    assert result.backup is None  # nothing to back up in a brand-new file
    assert schema_differences(db) == []
    with closing(sqlite3.connect(db)) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"orders", "order_lines", "shipments", "outbox", "orders_fts"} <= tables


def test_downgrade_to_base_and_back(tmp_path):
    db = tmp_path / "roundtrip.sqlite3"
    migrate(db, tmp_path / "b")
    with alembic_on(db) as (config, _):
        command.downgrade(config, "base")
    assert current_revision(db) is None
    migrate(db, tmp_path / "b")
    assert schema_differences(db) == []


@pytest.mark.new_install  # the first start really migrates
def test_second_start_migrates_nothing_and_keeps_data(paths):
    first = build_context(paths)
    station = first.station_id
    now = datetime.now(UTC)
    with first.storage.db.write() as session:
        session.add(Connection(name="main", address="https://shop.example.com",
                               created_at=now, updated_at=now))
    first.close()
    second_result = migrate(paths.database, paths.backups_dir)
    assert not second_result.migrated and second_result.backup is None
    second = build_context(paths)
    try:
        assert second.station_id == station
        with second.storage.db.read() as session:
            assert [c.name for c in session.exec(select(Connection))] == ["main"]
    finally:
        second.close()
    assert list(paths.backups_dir.iterdir()) == []


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "future.sqlite3"
    migrate(db, tmp_path / "b")
    with closing(sqlite3.connect(db)) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")  # one file to fingerprint
        raw.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
        raw.commit()
    before = _digest(db)
    with pytest.raises(DatabaseTooNewError) as err:
        migrate(db, tmp_path / "b")
    assert "newer PackDesk" in str(err.value) and "untouched" in str(err.value)
    assert _digest(db) == before
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())


def test_unversioned_database_is_backed_up_before_upgrade(tmp_path):
    db = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(db)) as raw:
        raw.execute("CREATE TABLE notes(text TEXT)")
        raw.execute("INSERT INTO notes VALUES ('keep me')")
        raw.commit()
    result = migrate(db, tmp_path / "backups")
    assert result.backup is not None and result.backup.exists()
    with closing(sqlite3.connect(result.backup)) as raw:
        assert raw.execute("SELECT text FROM notes").fetchall() == [("keep me",)]


def test_backup_includes_committed_rows_still_in_the_wal(tmp_path):
    db = tmp_path / "wal.sqlite3"
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # keep the row in the -wal file
    writer.execute("CREATE TABLE t(x)")
    writer.execute("INSERT INTO t VALUES (42)")
    writer.commit()
    assert (tmp_path / "wal.sqlite3-wal").stat().st_size > 0
    backup = backup_database(db, tmp_path / "backups", "test")
    writer.close()
    with closing(sqlite3.connect(backup)) as raw:
        assert raw.execute("SELECT x FROM t").fetchall() == [(42,)]


def test_every_connection_has_foreign_keys_wal_and_busy_timeout(context):
    from sqlalchemy import text

    for session_factory in (context.storage.db.read, context.storage.db.write):
        with session_factory() as session:
            conn = session.connection()
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_the_start_up_fast_path_knows_the_newest_migration():
    from app.db.migrate import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


def test_an_upgrade_that_fails_halfway_changes_nothing(tmp_path, monkeypatch):
    """SQLite can roll back DDL, but pysqlite runs DDL outside its implicit transactions: the
    upgrade must run in one real transaction, or a failure leaves half a schema behind a
    message saying nothing was changed (and the next start fails on "table already exists")."""
    db = tmp_path / "half.sqlite3"
    with alembic_on(db) as (config, _):
        command.upgrade(config, "0001")
    real_upgrade = command.upgrade

    def upgrade_then_fail(config, revision):
        real_upgrade(config, revision)  # every step's DDL has run
        raise OSError("disk I/O error")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    with pytest.raises(DatabaseError, match="nothing was changed"):
        migrate(db, tmp_path / "backups")
    assert current_revision(db) == "0001"
    with closing(sqlite3.connect(db)) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "prints" not in tables  # 0002's table went with the failed upgrade
    monkeypatch.setattr(command, "upgrade", real_upgrade)
    assert migrate(db, tmp_path / "backups").to_revision == head_revision()
