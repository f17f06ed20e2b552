"""The GUI-thread database guard, and the change feed as a Qt signal."""
from __future__ import annotations

import threading
import types

import pytest

from app.db.engine import Database
from app.domain.changes import Changes
from app.services.changes import ChangeFeed
from app.ui.change_signal import ChangeSignal
from app.ui.tasks import SynchronousTaskRunner
from app.ui.thread_guard import GuiThreadDatabaseCall, refuse_database_on_gui_thread


def _call_guard() -> None:
    return refuse()  # noqa: F821 - `refuse` is in the globals _as_ui_code gives


def _as_ui_code():
    """The guard called from a frame whose module is named like UI code."""
    namespace = {"__name__": "app.ui.fake_window", "refuse": refuse_database_on_gui_thread}
    return types.FunctionType(_call_guard.__code__, namespace)


def _read(db: Database) -> int:
    with db.read() as session:
        return session.connection().exec_driver_sql("SELECT 1").scalar_one()


def test_ui_code_reading_on_the_gui_thread_is_refused_but_a_worker_is_not(ui_context):
    assert Database.call_guard is not None  # on for every UI test (tests/ui/conftest.py)
    # Only UI code is refused (this test module is not app.ui): exercise the guard directly.
    with pytest.raises(GuiThreadDatabaseCall, match=r"app\.ui\.fake_window"):
        _as_ui_code()()
    outcome: list[object] = []
    ui_call = _as_ui_code()
    worker = threading.Thread(target=lambda: outcome.append(ui_call()))
    worker.start()
    worker.join()
    assert outcome == [None]
    assert _read(ui_context.storage.db) == 1  # a test's own setup reads freely


def test_a_job_run_inline_by_the_synchronous_runner_passes_the_guard(ui_context):
    runner = SynchronousTaskRunner()
    results: list[object] = []
    errors: list[object] = []
    runner.submit("db", _as_ui_code(), on_result=results.append, on_error=errors.append)
    assert errors == [] and results == [None]
    runner.shutdown()


def test_changes_published_on_a_worker_arrive_on_the_gui_thread(qtbot):
    feed = ChangeFeed()
    relay = ChangeSignal(feed)
    arrived: list[tuple[Changes, bool]] = []
    relay.changed.connect(
        lambda c: arrived.append((c, threading.current_thread() is threading.main_thread())))
    changes = Changes.of(orders=[7])
    with qtbot.waitSignal(relay.changed, timeout=2000):
        threading.Thread(target=feed.publish, args=(changes,)).start()
    assert arrived == [(changes, True)]
    relay.close()
    feed.publish(Changes.of(orders=[8]))
    assert len(arrived) == 1
