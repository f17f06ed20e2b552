"""A backup copy cut short (a full disk, a crash) is never taken for a backup: it would be
offered first for a restore and would hold off the next periodic backup for hours."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from app.db import migrate
from app.services import db_health


def test_a_backup_cut_short_leaves_no_backup_behind(tmp_path, monkeypatch):
    database, backups = tmp_path / "packdesk.sqlite3", tmp_path / "backups"
    with closing(sqlite3.connect(database)) as raw:
        raw.execute("CREATE TABLE t (x)")
        raw.commit()
    real_connect = sqlite3.connect

    class FillsTheDisk:
        def __init__(self, connection) -> None:
            self._connection = connection

        def backup(self, target) -> None:
            target.execute("CREATE TABLE half (x)")  # part of the copy is written...
            target.commit()
            raise sqlite3.OperationalError("database or disk is full")  # ...then the disk fills

        def close(self) -> None:
            self._connection.close()

    def connect(path, *args, **kwargs):
        connection = real_connect(path, *args, **kwargs)
        return FillsTheDisk(connection) if "mode=ro" in str(path) else connection

    monkeypatch.setattr(migrate.sqlite3, "connect", connect)
    with pytest.raises(sqlite3.OperationalError):
        migrate.backup_database(database, backups, "auto")
    monkeypatch.undo()
    assert db_health.newest_backup(backups) is None
    assert list(backups.iterdir()) == []
    # and a good copy still lands under the usual name
    made = migrate.backup_database(database, backups, "auto")
    assert db_health.newest_backup(backups) == made and db_health.find_problem(made)[0] == ""
