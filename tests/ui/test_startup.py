import argparse
import logging
import sqlite3
import threading
from contextlib import closing

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db.migrate import migrate
from app.ui import application
from app.ui.errors import ErrorReporter

SECRET = "tok-gui-path-31415926"


def _args(data_dir, demo=False):
    return argparse.Namespace(data_dir=str(data_dir), demo=demo, verbose=False, command=None)


def test_unhandled_errors_are_logged_and_shown_and_the_app_keeps_running(qtbot, paths):
    from app.logs import redactor, setup_logging

    setup_logging(paths.log_file)
    redactor.register(SECRET)
    reporter = ErrorReporter()
    reporter.install()
    try:
        try:
            raise RuntimeError(f"slot failed with {SECRET}")
        except RuntimeError as exc:
            import sys
            sys.excepthook(type(exc), exc, exc.__traceback__)
        qtbot.waitUntil(lambda: len(reporter.shown) == 1)

        def worker():
            raise ValueError("worker failed")

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(reporter.shown) == 2)
    finally:
        reporter.uninstall()
    assert "RuntimeError" in reporter.shown[0] and SECRET not in reporter.shown[0]
    assert "worker failed" in reporter.shown[1], reporter.shown
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and all(SECRET not in (b.text() + b.detailedText()) for b in boxes)
    for box in boxes:
        box.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = paths.log_file.read_text(encoding="utf-8")
    assert "Unhandled error" in log_text and SECRET not in log_text


def test_startup_with_a_newer_database_shows_why_and_exits(qtbot, paths, monkeypatch):
    migrate(paths.database, paths.backups_dir)
    with closing(sqlite3.connect(paths.database)) as raw:
        raw.execute("UPDATE alembic_version SET version_num='9999_future'")
        raw.commit()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    assert application.run_gui(_args(paths.data_dir)) == 1
    assert shown and "newer PackDesk" in shown[0]


@pytest.mark.new_install
def test_main_window_opens_on_a_fresh_data_dir(qtbot, context):
    from app.ui.windows.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert context.station_id in window.windowTitle()
    assert not QApplication.windowIcon().isNull()
