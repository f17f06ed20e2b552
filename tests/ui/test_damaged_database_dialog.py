"""GUI start-up on a damaged database: the `db check` message, a Restore button, and the app
opens on the restored backup (issue 13, finding 4)."""
from __future__ import annotations

import argparse
import os

from PySide6.QtWidgets import QMessageBox

from app.bootstrap import build_context
from app.db.migrate import backup_database
from app.ui import application
from app.ui.dialogs.damaged_database import DamagedDatabaseDialog
from app.ui.tasks import SynchronousTaskRunner


def _damaged_station_with_backup(paths):
    context = build_context(paths)
    station_id = context.station_id
    context.close()
    backup = backup_database(paths.database, paths.backups_dir, "auto")
    paths.database.write_bytes(b"")  # damaged: a zero-byte file is not a new install
    return station_id, backup


def test_start_up_offers_the_newest_backup_and_opens_on_it(qtbot, paths, monkeypatch):
    station_id, backup = _damaged_station_with_backup(paths)
    shown = []

    def click_restore(dialog):
        shown.append(dialog.message_label.text())
        assert dialog.restore_button.isVisibleTo(dialog)
        dialog.restore_button.click()  # the synchronous runner restores inline
        return dialog.result()

    monkeypatch.setattr(DamagedDatabaseDialog, "exec", click_restore)
    args = argparse.Namespace(data_dir=str(paths.data_dir), demo=False, verbose=False)
    context = application._open_or_restore(None, args, SynchronousTaskRunner())
    try:
        assert context is not None and context.station_id == station_id
    finally:
        context.close()
    assert backup.name in shown[0] and "db restore" in shown[0] and "damaged" in shown[0]
    assert list((paths.data_dir / "damaged").rglob("packdesk.sqlite3"))


def test_a_failed_restore_says_why_and_lets_the_user_quit(qtbot, tmp_path):
    def failing_restore():
        raise OSError("disk gone")

    dialog = DamagedDatabaseDialog("The station's database is damaged <b>x</b>.",
                                   failing_restore, SynchronousTaskRunner())
    qtbot.addWidget(dialog)
    dialog.restore_button.click()
    assert "disk gone" in dialog.status_label.text()
    assert dialog.restore_button.isEnabled() and dialog.quit_button.isEnabled()
    assert dialog.result() != DamagedDatabaseDialog.DialogCode.Accepted
    assert dialog.message_label.text().endswith("<b>x</b>.")  # plain text, not markup


def test_without_a_backup_there_is_no_restore_button(qtbot, paths, monkeypatch):
    paths.database.write_bytes(b"")
    seen = []
    monkeypatch.setattr(DamagedDatabaseDialog, "exec",
                        lambda dialog: seen.append(dialog.restore_button.isVisibleTo(dialog))
                        or DamagedDatabaseDialog.DialogCode.Rejected)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: None))
    args = argparse.Namespace(data_dir=str(paths.data_dir), demo=False, verbose=False)
    assert application._open_or_restore(None, args, SynchronousTaskRunner()) is None
    assert seen == [False]
    assert os.path.getsize(paths.database) == 0


def test_the_running_app_takes_periodic_backups(qtbot, context):
    from PySide6.QtWidgets import QApplication

    from app.services import db_health

    timers = [application._schedule_backups(QApplication.instance(), context,
                                            SynchronousTaskRunner(), 0)]
    first = db_health.newest_backup(context.paths.backups_dir)
    assert first is not None and first.name.endswith("-auto.sqlite3")
    timers.append(application._schedule_backups(QApplication.instance(), context,
                                                SynchronousTaskRunner(), 0))
    for timer in timers:
        assert timer.isActive()
        timer.stop()
        timer.deleteLater()
    assert db_health.backups(context.paths.backups_dir) == [first]  # not due again yet


def test_damage_found_after_the_first_paint_is_shown_and_the_app_quits(qtbot, paths,
                                                                      monkeypatch):
    from PySide6.QtWidgets import QApplication

    context = build_context(paths)
    context.storage.db.hold_writes_until(lambda: "The station's database is damaged (test).")
    shown, quits = [], []
    monkeypatch.setattr(DamagedDatabaseDialog, "exec",
                        lambda dialog: shown.append((dialog.message_label.text(),
                                                     dialog.restore_button.isVisibleTo(dialog))))
    app = QApplication.instance()
    monkeypatch.setattr(app, "quit", lambda: quits.append(True))
    try:
        application._watch_integrity_check(app, context, SynchronousTaskRunner())
    finally:
        context.close()
    assert shown and shown[0][0].startswith("The station's database is damaged (test).")
    assert "start PackDesk again" in shown[0][0] and shown[0][1] is False
    assert quits == [True]
