"""UI fixtures: a station whose store clients never sleep between retries, a sandbox store,
QSettings in a temporary ini file, and task runners (threaded and synchronous)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.bootstrap import build_context
from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
from app.sandbox import Sandbox, SandboxConfig
from app.ui.tasks import SynchronousTaskRunner, TaskRunner


def fast_client_factory(address, token, *, reauthorize=None):
    # Retries without waiting: an offline store fails in milliseconds, not seconds.
    return AmeriCommerceClient(make_http_client(address), address, token,
                               sleep=lambda _s: None, max_retries=1, reauthorize=reauthorize)


@pytest.fixture
def ui_context(paths):
    ctx = build_context(paths, client_factory=fast_client_factory)
    yield ctx
    ctx.close()


@pytest.fixture
def sandbox():
    with Sandbox(SandboxConfig(orders=120, seed=7)) as sb:
        sb.start()
        yield sb


@pytest.fixture(autouse=True)
def private_default_settings(tmp_path_factory):
    """A bare QSettings() in any UI test writes under a temp dir, never the user's settings."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, folder)
    return folder


@pytest.fixture
def qsettings(tmp_path):
    settings = QSettings(str(tmp_path / "packdesk-ui.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


@pytest.fixture
def runner():
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown(wait=True)


@pytest.fixture
def sync_runner():
    task_runner = SynchronousTaskRunner()
    yield task_runner
    task_runner.shutdown(wait=True)


@pytest.fixture(autouse=True)
def no_database_on_the_gui_thread():
    """Every UI test fails if UI code reads or writes the database on the GUI thread."""
    from app.db.engine import Database
    from app.ui.thread_guard import refuse_database_on_gui_thread

    Database.call_guard = refuse_database_on_gui_thread
    yield
    Database.call_guard = None
