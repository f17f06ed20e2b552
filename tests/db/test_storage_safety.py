"""Issue 13, findings 4-7: integrity checks, backups, restore, storage failures in the user's
words, failed migrations and killed syncs. (The CLI end to end: tests/integration/
test_damaged_database.py.)"""
from __future__ import annotations

import io
import itertools
import logging
import os
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from app.bootstrap import build_context
from app.db.migrate import KEEP_AUTO_BACKUPS, SCHEMA_HEAD, backup_database, migrate
from app.db.repositories.sync_state import SyncStateRepository
from app.db.tables import Connection
from app.errors import DatabaseDamagedError, DatabaseError
from app.services import db_health
from app.services.file_lock import ProcessLock


def _add_connection(context, name="main") -> int:
    now = datetime.now(UTC)
    with context.storage.db.write() as session:
        row = Connection(name=name, address=f"https://{name}.example.com", created_at=now,
                         updated_at=now)
        session.add(row)
        session.flush()
        return row.id


def _damage(path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(os.path.getsize(path) // 2)
        handle.write(os.urandom(16 * 1024))


def _filled_database(paths):
    """A real file big enough that garbage in the middle lands on the filler's pages (not on
    the schema's, which spread further with every migration)."""
    context = build_context(paths)
    cid = _add_connection(context)
    with context.storage.db.write() as session:
        session.execute(text("CREATE TABLE filler(x TEXT)"))
        for _ in range(1000):
            session.execute(text("INSERT INTO filler VALUES (:x)"), {"x": "x" * 800})
    context.close()
    with closing(sqlite3.connect(paths.database)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return cid


# --- 13.4: damaged files ----------------------------------------------------------------------

def test_a_zero_byte_file_is_damaged_not_a_new_install(paths):
    paths.database.write_bytes(b"")
    with pytest.raises(DatabaseDamagedError) as err:
        build_context(paths)
    assert "empty" in str(err.value) and "No backup" in str(err.value)
    assert paths.database.stat().st_size == 0


def test_garbage_in_the_middle_is_refused_naming_the_newest_backup(paths):
    _filled_database(paths)
    older = backup_database(paths.database, paths.backups_dir, "auto")
    newest = backup_database(paths.database, paths.backups_dir, "auto")
    _damage(paths.database)
    with pytest.raises(DatabaseDamagedError) as err:
        build_context(paths)
    message = str(err.value)
    assert newest.name in message and older.name not in message
    assert f'--data-dir "{paths.data_dir}" db restore "{newest}"' in message
    assert err.value.report.newest_backup == newest and not err.value.report.ok


def test_a_clean_start_checks_within_its_budget_an_unclean_one_in_full(paths, monkeypatch):
    _filled_database(paths)
    _damage(paths.database)
    monkeypatch.setattr(db_health, "STARTUP_BUDGET_S", 0.001)
    monkeypatch.setattr(db_health, "PROGRESS_STEP", 1)  # look at the clock at once
    # A clock that moves a second per look: the budget is spent at the first look, however fast
    # this machine reads the damaged page (a real clock made this race the damage).
    ticks = itertools.count()
    monkeypatch.setattr(db_health, "_clock", lambda: float(next(ticks)))
    report = db_health.check(paths, budget_s=0.001)
    assert report.ok and not report.complete  # stopped at the budget: honest about it
    # A marker nobody holds: the last PackDesk died, so the check runs to the end.
    running = paths.data_dir / db_health.RUNNING_DIR
    running.mkdir(exist_ok=True)
    (running / "4242-1.lock").write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(running / "4242-1.lock", (an_hour_ago, an_hour_ago))
    with pytest.raises(DatabaseDamagedError):
        build_context(paths)
    assert not (running / "4242-1.lock").exists()


def test_restore_checks_the_backup_keeps_the_damaged_file_and_refuses_while_running(paths):
    cid = _filled_database(paths)
    good = backup_database(paths.database, paths.backups_dir, "auto")
    bad = paths.backups_dir / "packdesk-20260101T000000000000Z-auto.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    _damage(paths.database)
    damaged = paths.database.read_bytes()
    with pytest.raises(DatabaseError, match="damaged too"):
        db_health.restore(paths, bad)
    holder = ProcessLock(paths.data_dir / db_health.RUNNING_DIR / "1-1.lock")
    (paths.data_dir / db_health.RUNNING_DIR).mkdir(exist_ok=True)
    assert holder.acquire()
    try:
        with pytest.raises(DatabaseError, match="still running"):
            db_health.restore(paths, good)
    finally:
        holder.release()
    assert paths.database.read_bytes() == damaged  # refusals change nothing
    result = db_health.restore(paths, good)
    assert result.kept_aside.read_bytes() == damaged
    context = build_context(paths)
    try:
        assert context.storage.repos.connections.get(cid).name == "main"
    finally:
        context.close()


def test_backups_come_when_due_only_of_a_sound_database_and_are_pruned(paths):
    _filled_database(paths)
    first = db_health.backup_if_due(paths)
    assert first is not None and db_health.newest_backup(paths.backups_dir) == first
    assert db_health.backup_if_due(paths) is None  # the newest is minutes old
    later = datetime.now(UTC) + db_health.BACKUP_EVERY + timedelta(minutes=1)
    for _ in range(KEEP_AUTO_BACKUPS + 2):
        assert db_health.backup_if_due(paths, now=later) is not None
    schema = backup_database(paths.database, paths.backups_dir, "0001")
    names = db_health.backups(paths.backups_dir)
    assert len([b for b in names if b.name.endswith("-auto.sqlite3")]) == KEEP_AUTO_BACKUPS
    assert schema in names  # schema copies are pruned separately
    _damage(paths.database)
    assert db_health.backup_if_due(paths, now=later + timedelta(days=1)) is None


def test_a_running_gui_session_blocks_nothing_and_is_not_an_unclean_exit(paths):
    first = build_context(paths)
    try:
        session = db_health.Session(paths.data_dir)
        assert not session.alone and not session.unclean_exit
        session.close()
        assert db_health.others_running(paths.data_dir)
    finally:
        first.close()
    assert not db_health.others_running(paths.data_dir)
    assert list((paths.data_dir / db_health.RUNNING_DIR).iterdir()) == []


# --- 13.5: storage failures in the user's words -----------------------------------------------

def test_a_full_disk_is_one_sentence_and_loses_nothing(context):
    cid = _add_connection(context)
    context.storage.db.dispose()

    @event.listens_for(context.storage.db._write_engine, "connect")
    def _tiny(dbapi_connection, _record):  # a real SQLITE_FULL: no page may be added
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    # The block is the write: the disk fills during it, the error comes at its end.
    with pytest.raises(DatabaseError) as err, context.storage.db.write() as session:  # noqa: PT012
        session.execute(text("CREATE TABLE big(x TEXT)"))
        for _ in range(400):
            session.execute(text("INSERT INTO big VALUES (:x)"), {"x": "x" * 4000})
    assert str(err.value) == (f"The disk holding the station's data is full "
                              f"({context.paths.database}). Free space and try again; nothing "
                              "was lost.")
    assert context.storage.repos.connections.get(cid).name == "main"


def test_a_read_only_data_folder_still_reads_and_refuses_writes_plainly(paths, monkeypatch):
    # Tests run as root, where chmod blocks nothing: this makes the app see the folder as
    # read-only (os.access) and proves that it then opens the file read-only (mode=ro, which
    # SQLite enforces even for root) and says so; not that a real permission error reads so.
    first = build_context(paths)
    cid = _add_connection(first)
    first.close()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode & os.W_OK
                        and str(p) == str(paths.data_dir) else real_access(p, mode, **kw))
    context = build_context(paths)
    try:
        assert context.storage.db.read_only
        assert context.storage.repos.connections.get(cid).name == "main"
        with pytest.raises(DatabaseError, match="read-only") as err:
            _add_connection(context, "second")
        assert "nothing was lost" in str(err.value) and "SQL" not in str(err.value)
    finally:
        context.close()


def test_a_read_only_data_folder_gets_no_periodic_backup(paths, monkeypatch):
    _filled_database(paths)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode & os.W_OK
                        and str(p) == str(paths.data_dir) else real_access(p, mode, **kw))
    assert db_health.backup_if_due(paths) is None  # due (none yet), but nothing may be written
    assert db_health.backups(paths.backups_dir) == []


@pytest.mark.new_install
def test_a_folder_in_place_of_the_database_and_a_foreign_file_say_so(paths):
    paths.database.mkdir()
    with pytest.raises(DatabaseError) as err:
        build_context(paths)
    assert "is a folder, not a file" in str(err.value)
    paths.database.rmdir()
    paths.database.write_bytes(b"Name,Address\nAda,1 Main St\n" * 50)
    with pytest.raises(DatabaseDamagedError, match="not a SQLite database"):
        build_context(paths)


def test_an_unwritable_log_falls_back_to_stderr_once(tmp_path, monkeypatch):
    from app.logs import setup_logging

    blocker = tmp_path / "logs"
    blocker.write_text("a file where the log folder should be")
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    setup_logging(blocker / "packdesk.log")
    try:
        for n in range(3):
            logging.getLogger("test").warning("warning %d", n)
        logging.getLogger("test").info("quiet")
    finally:
        setup_logging(None)
    output = err.getvalue()
    assert "--- Logging error ---" not in output and "Traceback" not in output
    assert output.count("cannot write the log file") == 1
    assert all(f"warning {n}" in output for n in range(3)) and "quiet" not in output


# --- 13.6: a failed migration -----------------------------------------------------------------

def test_a_failed_migration_says_one_line_and_backs_up_once_per_version(tmp_path):
    db = tmp_path / "station.sqlite3"
    from alembic import command

    from tests.support.alembic_steps import alembic_on

    with alembic_on(db) as (config, connection):
        command.upgrade(config, "0001")
        connection.exec_driver_sql("CREATE TABLE prints(x)")  # 0002 creates it: it fails
    messages = []
    for _ in range(3):
        with pytest.raises(DatabaseError) as err:
            migrate(db, tmp_path / "backups")
        messages.append(str(err.value))
    assert "CREATE TABLE" not in messages[0] and "\n" not in messages[0]
    assert f"from schema 0001 to {SCHEMA_HEAD} failed" in messages[0]
    assert len(list((tmp_path / "backups").iterdir())) == 1
    assert len(set(messages)) == 1  # the same copy is named every time


# --- 13.7: killed syncs -----------------------------------------------------------------------

def test_runs_left_running_by_a_killed_process_are_marked_interrupted(paths):
    context = build_context(paths)
    cid = _add_connection(context)
    run_id = SyncStateRepository(context.storage.db).start_run(cid, "incremental")
    other = build_context(paths)  # another live PackDesk: its runs may be real
    other.close()
    assert context.storage.repos.sync_state.last_runs(cid)[0].outcome == "running"
    context.close()  # as if killed: the marker goes, but the row stays "running"
    again = build_context(paths)
    try:
        run = again.storage.repos.sync_state.last_runs(cid)[0]
        assert run.id == run_id and run.outcome == "interrupted" and run.finished_at
    finally:
        again.close()


def test_a_really_read_only_folder_still_reads(tmp_path):
    """A read-only bind mount (root only; elsewhere the os.access test above stands in): the
    cache reads even with the WAL index file gone, and a write says why it cannot."""
    import shutil
    import subprocess

    from app.paths import resolve_paths

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only bind mount needs root and mount(8)")
    source = resolve_paths(tmp_path / "source").ensure()
    context = build_context(source)
    cid = _add_connection(context)
    context.close()
    for suffix in ("-wal", "-shm"):  # a clean exit leaves none; SQLite cannot make them here
        source.database.with_name(source.database.name + suffix).unlink(missing_ok=True)
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    if subprocess.run(["mount", "--bind", str(source.data_dir), str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip("bind mounts are not allowed here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mount_point)], check=True)
        context = build_context(resolve_paths(mount_point))
        try:
            assert context.storage.db.read_only
            assert context.storage.repos.connections.get(cid).name == "main"
            with pytest.raises(DatabaseError, match="read-only"):
                _add_connection(context, "second")
        finally:
            context.close()
    finally:
        from app.logs import setup_logging

        setup_logging(None)  # its log handler points into the mount
        subprocess.run(["umount", str(mount_point)], check=True)


def test_the_gui_start_checks_beside_the_first_paint_and_writes_wait_for_it(paths):
    cid = _filled_database(paths)
    backup = backup_database(paths.database, paths.backups_dir, "auto")
    _damage(paths.database)
    context = build_context(paths, check_in_background=True)  # opens: the check runs beside
    try:
        assert context.storage.repos.connections.get(cid).name == "main"  # reads do not wait
        assert not context.storage.db._write_gate.started  # the GUI starts it after the first paint
        with pytest.raises(DatabaseDamagedError) as err:
            _add_connection(context, "second")
        assert backup.name in str(err.value)
        assert context.storage.db.writes_refused() == str(err.value)
    finally:
        context.close()
    # The damage is remembered: the next start checks in full first and refuses to open.
    with pytest.raises(DatabaseDamagedError):
        build_context(paths, check_in_background=True)
    db_health.restore(paths, backup)
    again = build_context(paths, check_in_background=True)
    try:
        _add_connection(again, "after-restore")
        assert not (paths.data_dir / db_health.RUNNING_DIR / db_health.CHECK_IN_FULL).exists()
    finally:
        again.close()


def test_a_killed_process_leaves_its_sync_interrupted_and_the_next_start_checks_in_full(
        paths, caplog):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = (
        "import os, signal\n"
        "from app.bootstrap import build_context\n"
        "from app.paths import resolve_paths\n"
        "from app.db.repositories.sync_state import SyncStateRepository\n"
        "from tests.db.test_storage_safety import _add_connection\n"
        f"context = build_context(resolve_paths({str(paths.data_dir)!r}))\n"
        "SyncStateRepository(context.storage.db)"
        ".start_run(_add_connection(context), 'incremental')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    killed = subprocess.run([sys.executable, "-c", script], cwd=root, timeout=120,
                            env=dict(os.environ, PYTHONPATH=str(root)))
    assert killed.returncode == -signal.SIGKILL
    markers = list((paths.data_dir / db_health.RUNNING_DIR).glob("*.lock"))
    assert len(markers) == 1  # left behind, its lock released by the OS
    an_hour_ago = time.time() - 3600  # (markers younger than a minute are not judged yet)
    os.utime(markers[0], (an_hour_ago, an_hour_ago))
    caplog.set_level(logging.INFO, logger="app")
    context = build_context(paths)
    try:
        assert [r.outcome for r in context.storage.repos.sync_state.last_runs()] == ["interrupted"]
    finally:
        context.close()
    assert "after an unclean exit" in caplog.text
