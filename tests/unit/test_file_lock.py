"""Issue 15.6: the one OS file lock (app/services/file_lock.py) behind the push lock and the
running markers. Its busy path is met for real: another process holds the lock, ours is
refused, the holder is SIGKILLed and the OS gives the lock to us."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.services import db_health
from app.services.file_lock import ProcessLock, held_elsewhere

ROOT = Path(__file__).resolve().parents[2]

# The holder: takes the lock (or a running marker) and says so, then waits to be killed.
HOLD_LOCK = """
import sys, time
from pathlib import Path
from app.services.file_lock import ProcessLock
lock = ProcessLock(Path(sys.argv[1]))
assert lock.acquire()
print("held", flush=True)
time.sleep(120)
"""
HOLD_MARKER = """
import sys, time
from pathlib import Path
from app.services.db_health import Session
session = Session(Path(sys.argv[1]))
assert session.alone and not session.unclean_exit
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holder():
    """Start a process running `code` on `path`; once it has said "held", it holds."""
    started: list[subprocess.Popen] = []

    def start(code: str, path: Path) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT,
                                   stdout=subprocess.PIPE, text=True,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
        started.append(process)
        assert process.stdout.readline().strip() == "held"
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        process.stdout.close()


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)  # no clean-up of its own: only the OS releases
    assert process.wait(timeout=30) == -signal.SIGKILL


def test_another_process_pushing_makes_ours_busy_until_it_dies(context, holder, capsys):
    from app.__main__ import main

    lock_file = context.paths.data_dir / "outbox.lock"
    pusher = holder(HOLD_LOCK, lock_file)
    assert context.outbox.run_once().busy
    assert context.outbox.run_until_idle().busy
    assert main(["push", "--data-dir", str(context.paths.data_dir)]) == 1
    assert "Another PackDesk is pushing" in capsys.readouterr().out
    _kill(pusher)
    result = context.outbox.run_once()
    assert not result.busy and result.ok
    assert main(["push", "--data-dir", str(context.paths.data_dir)]) == 0
    assert "Another PackDesk" not in capsys.readouterr().out
    assert lock_file.exists()


def test_a_killed_process_leaves_a_marker_judged_an_unclean_exit(paths, holder):
    running = paths.data_dir / db_health.RUNNING_DIR
    process = holder(HOLD_MARKER, paths.data_dir)
    [marker] = running.glob("*.lock")
    session = db_health.Session(paths.data_dir)
    assert not session.alone and not session.unclean_exit  # alive: not an unclean exit
    assert db_health.others_running(paths.data_dir)
    session.close()
    _kill(process)
    assert marker.exists() and not db_health.others_running(paths.data_dir)
    # Still young: maybe a process that has not locked it yet, so it is judged later.
    session = db_health.Session(paths.data_dir)
    assert not session.unclean_exit and marker.exists()
    session.close()
    an_hour_ago = time.time() - 3600
    os.utime(marker, (an_hour_ago, an_hour_ago))
    session = db_health.Session(paths.data_dir)
    try:
        assert session.unclean_exit and session.alone
        assert not marker.exists()
    finally:
        session.close()


def test_two_holders_in_one_process_exclude_each_other(tmp_path):
    path = tmp_path / "outbox.lock"
    first, second = ProcessLock(path), ProcessLock(path)
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    assert not first.acquire()  # not re-entrant: a second run is refused like another's
    assert held_elsewhere(path)
    first.release()
    assert not held_elsewhere(path)
    assert second.acquire()
    second.release()
    second.release()  # nothing held: nothing to do


def test_a_lock_taken_on_one_thread_is_released_on_another(tmp_path):
    # A session opens on the GUI thread and may close on another; filelock's default
    # (holds per thread) would make that release a silent no-op.
    path = tmp_path / "marker.lock"
    lock = ProcessLock(path)
    assert lock.acquire()
    closer = threading.Thread(target=lock.release)
    closer.start()
    closer.join()
    assert not lock.held and not held_elsewhere(path)


def test_probing_a_marker_keeps_the_file_and_its_age(tmp_path):
    # The markers are judged by their age and must outlive a probe: a lock that truncated the
    # file (refreshing its time) or deleted it on release would hide a dead process.
    marker = tmp_path / "4242-1.lock"
    marker.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(marker, (an_hour_ago, an_hour_ago))
    assert not held_elsewhere(marker)
    assert marker.exists() and abs(marker.stat().st_mtime - an_hour_ago) < 1
    lock = ProcessLock(marker)
    assert lock.acquire()
    lock.release()
    assert marker.exists() and abs(marker.stat().st_mtime - an_hour_ago) < 1
    # Windows is not run here: the option that keeps the file there is checked instead.
    assert lock._lock.preserve_lock_file and not lock._lock.fallback_to_soft


def test_no_path_means_no_lock():
    lock = ProcessLock(None)
    assert lock.acquire() and lock.acquire()
    lock.release()


def test_a_session_closes_where_a_held_file_cannot_be_deleted(paths, monkeypatch):
    # Windows refuses to delete a file that is open: the marker was deleted while still held,
    # so closing raised there (skipping the rest of the app's clean-up) and left the marker
    # for the next start to take for an unclean exit.
    real_unlink = Path.unlink

    def windows_unlink(path, missing_ok=False):
        if path.suffix == ".lock" and path.exists() and held_elsewhere(path):
            raise PermissionError(13, "The process cannot access the file", str(path))
        real_unlink(path, missing_ok=missing_ok)

    session = db_health.Session(paths.data_dir)
    monkeypatch.setattr(Path, "unlink", windows_unlink)
    session.close()
    assert list((paths.data_dir / db_health.RUNNING_DIR).iterdir()) == []
    later = db_health.Session(paths.data_dir)
    assert not later.unclean_exit and later.alone
    later.close()
