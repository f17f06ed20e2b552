"""Test-wide setup: offscreen Qt, a temporary data dir, an in-memory keyring."""
from __future__ import annotations

import gc
import os

# Before anything can create a QApplication: without a display Qt would abort the whole run.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("PACKDESK_HOME", None)

import keyring
import pytest

from app.bootstrap import build_context
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


@pytest.fixture
def paths(tmp_path) -> AppPaths:
    return resolve_paths(tmp_path / "station").ensure()


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
