"""Test-wide setup: offscreen Qt, a temporary data dir, an in-memory keyring."""
from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

# Before anything can create a QApplication: without a display Qt would abort the whole run.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("PACKDESK_HOME", None)

import keyring
import pytest

from app.bootstrap import build_context
from app.db.migrate import migrate
from app.paths import AppPaths, resolve_paths
from tests.support.memory_keyring import MemoryKeyring


@pytest.fixture(scope="session", autouse=True)
def collect_garbage_on_the_main_thread():
    """As the app does (app/ui/garbage.py): cyclic collection never runs on a worker thread,
    where it could destroy Qt objects on the wrong thread."""
    gc.disable()
    yield
    gc.enable()


_tests_run = [0]


@pytest.fixture(autouse=True)
def _collect_between_tests():
    yield
    _tests_run[0] += 1
    gc.collect(2 if _tests_run[0] % 10 == 0 else 1)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(MemoryKeyring())


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A new database migrated to head once per session. Migrating cost each test ~0.2 s of
    CPU and 0.5-1.5 s of wall time (mostly waiting for the disk); a copy costs milliseconds.
    Only the schema: the station id and everything else are made by each test's own start."""
    folder = tmp_path_factory.mktemp("migrated-database")
    database = folder / "packdesk.sqlite3"
    migrate(database, folder / "backups")
    assert [p.name for p in folder.iterdir() if p.is_file()] == [database.name]  # no WAL left
    return database


@pytest.fixture
def paths(tmp_path, request, migrated_database) -> AppPaths:
    """A data folder holding a copy of the migrated database, as after a first start that made
    only the schema; a test marked new_install starts with no database file at all."""
    station = resolve_paths(tmp_path / "station").ensure()
    if request.node.get_closest_marker("new_install") is None:
        shutil.copyfile(migrated_database, station.database)
    return station


@pytest.fixture
def context(paths):
    ctx = build_context(paths)
    yield ctx
    ctx.close()


@pytest.hookimpl(trylast=True)  # after pytest's logging plugin has made its handlers
def pytest_configure(config):
    """pytest prints captured log lines of failing tests: redact them like the app's own."""
    from app.logs import redactor

    plugin = config.pluginmanager.get_plugin("logging-plugin")
    if plugin is None:
        return
    for name in ("caplog_handler", "report_handler", "log_cli_handler", "log_file_handler"):
        handler = getattr(plugin, name, None)
        formatter = getattr(handler, "formatter", None)
        if formatter is not None:
            original = formatter.format
            formatter.format = lambda record, _f=original: redactor.redact(_f(record))
