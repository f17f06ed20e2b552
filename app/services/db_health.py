"""Keeping the station's database trustworthy: integrity checks, backups, restore, sessions.

- Start-up: a damaged file is never written. A zero-byte file, a file that is not SQLite and a
  file whose `PRAGMA quick_check` fails are all "damaged" (a missing file is a new install).
  The check is complete after an unclean exit; otherwise it stops at a time budget and the
  periodic backup (below) finishes it.
- Unclean exits: each running PackDesk holds an OS lock on its own marker file in
  `running/`; a marker nobody holds was left by a process that died.
- Backups (SQLite's online backup API) go to `backups/` in the data folder: an "auto" one when
  the newest is older than BACKUP_EVERY (at start-up and while running, in a worker), taken
  only of a database that passes its check; one per schema version before a migration.
  Pruned in app/db/migrate.py: the newest KEEP_AUTO_BACKUPS auto copies and
  KEEP_SCHEMA_BACKUPS schema copies stay.
- Restore checks the backup first and keeps the damaged file aside (`damaged/`), never
  deleting it.

Qt-free: the CLI (`packdesk db check|restore`), bootstrap and the GUI's start-up dialog share it.
BackgroundCheck owns its one thread rather than taking a pool from the composition root: it
starts inside bootstrap, before the GUI's TaskRunner exists, and writes wait for its verdict, so
on a shared pool it could queue behind the very write that waits for it.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.clock import utc_now
from app.db.engine import read_only_uri, storage_problem
from app.db.migrate import BACKUP_GLOB, backup_database
from app.db.repositories.shipments import bump_shipment_sequence
from app.errors import DatabaseDamagedError, DatabaseError
from app.paths import AppPaths, resolve_paths
from app.services.file_lock import ProcessLock, held_elsewhere

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
# The start-up check stops here when the last exit was clean (see tests/perf/bench_integrity.py
# for what a 100,000-order database takes).
STARTUP_BUDGET_S = 1.5
PROGRESS_STEP = 10_000  # SQLite VM steps between looks at the clock during a budgeted check
BACKUP_EVERY = timedelta(hours=4)
BACKUP_CHECK_EVERY = timedelta(minutes=30)  # how often a running GUI asks whether one is due
RUNNING_DIR = "running"
MARKER_GRACE_S = 60
CHECK_IN_FULL = "check-in-full"  # in running/: damage was found; the next start checks in full
DAMAGED_DIR = "damaged"
_clock = time.monotonic  # the budget's clock (a test steps it to stop a check deterministically)


@dataclass(frozen=True)
class HealthReport:
    database: Path
    ok: bool
    problem: str  # "" when ok: what is wrong, in plain words
    complete: bool  # False when the check stopped at its time budget
    duration_ms: int
    newest_backup: Path | None
    restore_command: str  # "" when there is no backup to restore

    @property
    def message(self) -> str:
        """One plain message: what is wrong, the newest backup and the command to restore."""
        if self.ok:
            done = ("passed its check" if self.complete
                    else "showed nothing wrong before its time limit")
            return f"The station's database ({self.database}) {done}."
        text = (f"The station's database is damaged ({self.database}: {self.problem}). "
                "PackDesk will not open it until it is restored.")
        if self.newest_backup is None:
            return text + (" No backup was found to restore; the file is kept as it is. "
                           "Move it away to start with an empty database.")
        return (text + f" The newest backup is {self.newest_backup.name} "
                f"({_age(self.newest_backup)} old); restore it with: {self.restore_command}")

    def as_dict(self) -> dict:
        return {"database": str(self.database), "ok": self.ok, "problem": self.problem,
                "complete": self.complete, "duration_ms": self.duration_ms,
                "newest_backup": str(self.newest_backup) if self.newest_backup else None,
                "restore_command": self.restore_command or None, "message": self.message}


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    backup: Path
    kept_aside: Path | None  # where the damaged file went (None when there was none)


# --- checks -------------------------------------------------------------------------------

def find_problem(path: Path, *, budget_s: float | None = None) -> tuple[str, bool]:
    """("" or what is wrong, complete?). Reads only; a missing file is fine (a new install)."""
    if not path.exists():
        return "", True
    if path.is_dir():
        return "the path is a folder, not a file", True
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})", True
    if not header:
        return "the file is empty (0 bytes)", True
    if header != SQLITE_HEADER:
        return "the file is not a SQLite database", True
    if budget_s is not None and budget_s <= 0:
        return "", False  # only what is instant: the rest runs in the background
    deadline = None if budget_s is None else _clock() + budget_s
    try:
        with closing(sqlite3.connect(read_only_uri(path), uri=True)) as raw:
            if deadline is not None:
                raw.set_progress_handler(lambda: _clock() > deadline, PROGRESS_STEP)
            rows = [r[0] for r in raw.execute("PRAGMA quick_check(3)")]
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            return "", False
        return _sqlite_problem(exc), True
    except sqlite3.DatabaseError as exc:
        return _sqlite_problem(exc), True
    if rows != ["ok"]:
        found = [line.strip() for r in rows for line in str(r).splitlines()
                 if line.strip() and not line.startswith("***")]
        return f"its integrity check failed: {'; '.join(found)[:200]}", True
    return "", True


def _sqlite_problem(exc: sqlite3.Error) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return {"database disk image is malformed": "its pages are damaged",
            "file is not a database": "the file is not a SQLite database"}.get(text, text)


def check(paths: AppPaths, *, budget_s: float | None = None) -> HealthReport:
    started = time.perf_counter()
    problem, complete = find_problem(paths.database, budget_s=budget_s)
    newest = newest_backup(paths.backups_dir) if problem else None
    return HealthReport(paths.database, not problem, problem, complete,
                        int((time.perf_counter() - started) * 1000), newest,
                        restore_command(paths, newest) if newest else "")


def require_healthy(paths: AppPaths, *, unclean_exit: bool,
                    budget_s: float = STARTUP_BUDGET_S) -> HealthReport:
    """The start-up check: complete after an unclean exit (or a damage found while running),
    else within `budget_s`. Raises DatabaseDamagedError (with the report) for a damaged file."""
    if paths.database.is_dir():  # not damage: the user's words for it (app/db/engine.py)
        raise storage_problem(sqlite3.OperationalError("unable to open database file"),
                              paths.database)
    report = check(paths, budget_s=None if unclean_exit else budget_s)
    flag = paths.data_dir / RUNNING_DIR / CHECK_IN_FULL
    if report.ok and report.complete and flag.exists():
        flag.unlink()
    log.info("Database check at start-up (%s): %s in %d ms%s",
             "after an unclean exit" if unclean_exit else "clean start",
             "ok" if report.ok else report.problem, report.duration_ms,
             "" if report.complete else " (stopped at the time budget)")
    if not report.ok:
        raise DatabaseDamagedError(report.message, report=report)
    return report


class BackgroundCheck:
    """The full check on its own thread, so the GUI's first paint does not wait for it.
    Calling it waits for the verdict: "" (sound) or the damaged-database message; the
    Database holds writes until then (Database.hold_writes_until). A damage found marks the
    folder so that the next start checks in full before opening (and offers the backup)."""

    def __init__(self, paths: AppPaths) -> None:
        self._paths = paths
        self._done = threading.Event()
        self._started = threading.Lock()
        self._thread: threading.Thread | None = None
        self._report: HealthReport | None = None

    def start(self) -> None:
        """Begin (once). The GUI starts it after the first paint, which it would otherwise
        slow on a busy machine; the first write starts it if it comes sooner."""
        with self._started:
            if self._thread is None:
                log.info("Full database check started (asked by %s)",
                         threading.current_thread().name)
                self._thread = threading.Thread(target=self._run, name="pd-integrity-check",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            report = check(self._paths)
            if not report.ok:
                log.error("The database failed its check while starting: %s", report.problem)
                flag = self._paths.data_dir / RUNNING_DIR / CHECK_IN_FULL
                try:
                    flag.parent.mkdir(parents=True, exist_ok=True)
                    flag.write_text(report.problem, encoding="utf-8")
                except OSError:  # a read-only folder: nothing is written to it anyway
                    pass
            self._report = report
            log.info("Full database check: %s in %d ms", "ok" if report.ok else report.problem,
                     report.duration_ms)
        except Exception:  # a check that cannot run must not stop the station from working
            log.exception("The background database check failed to run")
        finally:
            self._done.set()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def report(self) -> HealthReport | None:
        self.start()
        self._done.wait()
        return self._report

    def __call__(self) -> str:
        report = self.report()
        return report.message if report is not None and not report.ok else ""


# --- backups ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DatabaseState:
    """What a window may know of the open database: whether it is read-only (no backups are
    due then) and `writes_refused()`: "" while writes may go on, else why not (damage found by
    the start-up check that ran beside the first paint; it may wait for that check)."""

    read_only: bool
    writes_refused: Callable[[], str]


def backups(backups_dir: Path) -> list[Path]:
    """Newest first (names carry a UTC time stamp)."""
    if not backups_dir.is_dir():
        return []
    return sorted(backups_dir.glob(BACKUP_GLOB), reverse=True)


def newest_backup(backups_dir: Path) -> Path | None:
    found = backups(backups_dir)
    return found[0] if found else None


def restore_command(paths: AppPaths, backup: Path) -> str:
    default = resolve_paths(None).data_dir
    data_dir = "" if paths.data_dir == default else f' --data-dir "{paths.data_dir}"'
    return f'packdesk{data_dir} db restore "{backup}"'


def backup_if_due(paths: AppPaths, *, every: timedelta = BACKUP_EVERY,
                  now: datetime | None = None) -> Path | None:
    """An "auto" backup when the newest backup is older than `every` (or there is none).
    The database is checked in full first: a damaged copy would push good ones out.
    A read-only data folder (the database opened for reading) gets none: nothing changes."""
    if not paths.database.exists() or not os.access(paths.data_dir, os.W_OK):
        return None
    now = now or utc_now()
    newest = newest_backup(paths.backups_dir)
    if newest is not None and now - _modified(newest) < every:
        return None
    problem, _ = find_problem(paths.database)
    if problem:
        log.error("No backup taken: the database is damaged (%s)", problem)
        return None
    target = backup_database(paths.database, paths.backups_dir, "auto")
    log.info("Backed up the database to %s", target)
    return target


# --- restore ------------------------------------------------------------------------------

def restore(paths: AppPaths, backup: Path) -> RestoreResult:
    """Put `backup` in place of the database. The backup is checked first; the file it
    replaces (damaged or not) is moved to damaged/, never deleted."""
    backup = Path(backup).expanduser().resolve()
    if not backup.is_file():
        raise DatabaseError(f"There is no backup file at {backup}.")
    problem, _ = find_problem(backup)
    if problem:
        raise DatabaseError(f"The backup {backup.name} is damaged too ({problem}); "
                            "nothing was changed.", hint="Try an older backup.")
    if others_running(paths.data_dir):
        raise DatabaseError("PackDesk is still running on this data folder; close it (and any "
                            "packdesk command) before restoring. Nothing was changed.")
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    kept_aside = None
    if paths.database.exists():
        aside_dir = paths.data_dir / DAMAGED_DIR / stamp
        aside_dir.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            source = paths.database.with_name(paths.database.name + suffix)
            if source.exists():
                os.replace(source, aside_dir / source.name)
        kept_aside = aside_dir / paths.database.name
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(paths.database)) as dest:
        source.backup(dest)
    problem, _ = find_problem(paths.database)
    if problem:  # a disk failing under us: say so, the backup itself is untouched
        raise DatabaseError(f"The restored copy failed its check ({problem}); the backup "
                            f"{backup.name} is untouched.")
    _note_restore(paths.database, backup, kept_aside)
    log.warning("Database restored from %s; the file it replaced is kept at %s",
                backup, kept_aside)
    return RestoreResult(paths.database, backup, kept_aside)


def _note_restore(database: Path, backup: Path, kept_aside: Path | None) -> None:
    """Remember the restore, and carry the shipment id sequence over from the replaced file
    when it can still be read: new shipment names PD-{station}-{n} must not reuse an n the
    store may already have (the next sync bumps it past the store's too)."""
    seq = 0
    if kept_aside is not None:
        try:
            with closing(sqlite3.connect(f"file:{kept_aside}?mode=ro", uri=True)) as old:
                row = old.execute(
                    "SELECT seq FROM sqlite_sequence WHERE name='shipments'").fetchone()
                seq = int(row[0]) if row else 0
        except (sqlite3.Error, ValueError, TypeError):
            seq = 0  # too damaged to tell: the next sync still bumps from the store's names
    with closing(sqlite3.connect(database)) as raw:
        raw.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('restored_from', ?)",
                    (json.dumps({"backup": backup.name,
                                 "at": utc_now().isoformat()}),))
        bump_shipment_sequence(raw, seq)
        raw.commit()


# --- running sessions (unclean exits) --------------------------------------------------------

class Session:
    """This process's marker in running/: an OS lock held while PackDesk runs, so a marker
    whose lock is free was left by a process that died."""

    def __init__(self, data_dir: Path) -> None:
        # A marker of a dead process was found (or a damage seen while running, which must be
        # checked in full before the next opening too).
        self.unclean_exit = (data_dir / RUNNING_DIR / CHECK_IN_FULL).exists()
        self.alone = True  # no other PackDesk process holds this data folder
        self._lock = None
        running = data_dir / RUNNING_DIR
        try:
            running.mkdir(parents=True, exist_ok=True)
            for marker in running.glob("*.lock"):
                self._judge(marker)
            mine = running / f"{os.getpid()}-{time.time_ns()}.lock"
            lock = ProcessLock(mine)
            if lock.acquire():
                self._lock, self._marker = lock, mine
        except OSError as exc:  # a read-only folder: no marker, and no unclean-exit detection
            log.info("Cannot keep a running marker in %s (%s)", running, exc)

    def _judge(self, marker: Path) -> None:
        probe = ProcessLock(marker)
        if not probe.acquire():
            self.alone = False  # held: a live process
            return
        try:
            if time.time() - marker.stat().st_mtime < MARKER_GRACE_S:
                # Maybe made by a process that has not locked it yet: judged at a later start.
                self.alone = False
                return
            self.unclean_exit = True
            log.warning("PackDesk did not exit cleanly last time (%s)", marker.name)
        finally:
            probe.release()
        marker.unlink(missing_ok=True)

    def close(self) -> None:
        lock, self._lock = self._lock, None
        if lock is None:
            return
        try:  # deleted while held, so no start in between finds it free and old
            self._marker.unlink(missing_ok=True)
        except OSError:  # Windows deletes no open file: just after the release, then
            lock.release()
            try:
                self._marker.unlink(missing_ok=True)
            except OSError:  # a starting PackDesk is probing it: judged (unclean) later
                log.info("Could not remove the running marker %s", self._marker.name)
        else:
            lock.release()


def others_running(data_dir: Path) -> bool:
    """Whether a live PackDesk process holds a marker in data_dir (held locks only)."""
    running = data_dir / RUNNING_DIR
    if not running.is_dir():
        return False
    return any(held_elsewhere(marker) for marker in running.glob("*.lock"))


# --- helpers ------------------------------------------------------------------------------

def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _age(path: Path) -> str:
    seconds = max(0, int(time.time() - path.stat().st_mtime))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"

