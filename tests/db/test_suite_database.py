"""The suite's `paths` fixture copies one database migrated per session (tests/conftest.py):
the copy must be what a first start makes, and nothing of one test may reach another."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from app.bootstrap import build_context
from app.db.migrate import current_revision, head_revision, schema_differences


def _meta(database) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(database)) as raw:
        return raw.execute("SELECT key, value FROM meta").fetchall()


def test_the_copy_is_a_new_database_at_head_with_nothing_made_yet(paths):
    assert current_revision(paths.database) == head_revision()
    assert schema_differences(paths.database) == []
    assert _meta(paths.database) == []  # the station and database ids are each test's own
    assert list(paths.backups_dir.iterdir()) == []


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_its_own_copy(paths, migrated_database, run):
    context = build_context(paths)
    try:
        assert len(context.station_id) == 6
    finally:
        context.close()
    assert paths.database != migrated_database
    assert _meta(migrated_database) == []  # the session's copy is never opened by a test


@pytest.mark.new_install
def test_new_install_starts_without_a_database(paths):
    assert paths.data_dir.is_dir() and not paths.database.exists()
