"""One process at a time on a file in the data folder: an OS lock, released by the OS when its
holder dies (a kill never leaves it stuck).

Used for the push lock (`outbox.lock`: one pusher per data folder, the GUI's worker or
`packdesk push`) and for the running markers in `running/` (app/services/db_health.py: a
marker whose lock is free was left by a process that died). Both are services coordinating
PackDesk processes on one data folder, not database storage, so it lives here rather than in
app/db.

Built on `filelock` 4 (flock on Unix, LockFileEx on Windows) with its options pinned to what
the markers rely on: the file is never deleted on release (filelock deletes it on Windows by
default; a probe must not erase a dead process's marker), no "soft" fallback (a lock file that
only exists is not released when its holder dies), and holds shared by the instance's threads
(a session may close on another thread than the one that opened it). filelock 4 opens an
existing file without truncating it, so a probe leaves a marker's age (how a dead process's
marker is told from a starting one's) as it was; tests/unit/test_file_lock.py checks it.
"""
from __future__ import annotations

import threading
from pathlib import Path

from filelock import FileLock, Timeout


class ProcessLock:
    """A non-blocking, non-reentrant OS lock on `path` (None: no lock, always acquired).
    Two instances on one path exclude each other, in one process as across processes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._guard = threading.Lock()  # filelock counts re-entries; this lock does not
        self._lock = None if path is None else FileLock(
            path, blocking=False, thread_local=False, is_singleton=False,
            preserve_lock_file=True, fallback_to_soft=False)

    def acquire(self) -> bool:
        """Try once: False when someone else (another process or instance) holds it. Raises
        OSError when the file cannot be opened at all (e.g. a read-only folder)."""
        if self._lock is None:
            return True
        with self._guard:
            if self._lock.is_locked:
                return False  # held by this instance already: one holder, never two
            try:
                self._lock.acquire()
            except Timeout:
                return False
            return True

    def release(self) -> None:
        """Give it up (nothing when not held). The file stays."""
        if self._lock is None:
            return
        with self._guard:
            if self._lock.is_locked:
                self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock is not None and self._lock.is_locked


def held_elsewhere(path: Path) -> bool:
    """Whether another holder (process or instance) has the lock on `path` right now."""
    probe = ProcessLock(path)
    if not probe.acquire():
        return True
    probe.release()
    return False
