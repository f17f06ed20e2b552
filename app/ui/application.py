"""GUI start-up: QApplication, context, error reporting, main window."""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from typing import cast

# The app's own (Qt-free) modules first: once PySide6 is imported, its import hook reads the
# source of every module imported after it (shibokensupport's __feature__ check), which costs
# a quarter of a second at start-up for SQLAlchemy and SQLModel alone.
from app import APP_ID, APP_NAME, __version__  # isort: skip
from app.bootstrap import build_context  # isort: skip
from app.context import AppContext  # isort: skip
from app.errors import DatabaseDamagedError, PackDeskError  # isort: skip
from app.logs import describe_exception  # isort: skip
from app.paths import resolve_paths, resources_dir  # isort: skip
from app.secrets import SecretStore  # isort: skip

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.errors import ErrorReporter
from app.ui.fonts import install_fonts
from app.ui.garbage import GuiThreadGarbageCollector

log = logging.getLogger(__name__)

# Benchmarks only (tests/perf/bench_workspace.py): write the time of the first painted order
# rows to this file and quit; start-up syncs are skipped so only the cache is measured.
FIRST_PAINT_ENV = "PACKDESK_BENCHMARK_FIRST_PAINT"
GUARD_ENV = "PACKDESK_GUARD_GUI_THREAD"  # the acceptance tests: refuse DB work on the GUI thread


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "packdesk.png"))


def make_qapplication(argv: list[str] | None = None) -> QApplication:
    # instance() is typed QCoreApplication; in PackDesk it is always the QApplication made here
    app = cast(QApplication, QApplication.instance()) or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # links the taskbar entry to packdesk.desktop on Linux
    app.setWindowIcon(app_icon())
    install_fonts()
    return app


def open_context(args: argparse.Namespace) -> AppContext:
    data_dir = args.data_dir
    temp_dir = None
    if args.demo and not data_dir:
        temp_dir = tempfile.mkdtemp(prefix="packdesk-demo-")
        data_dir = temp_dir
    paths = resolve_paths(data_dir)
    secrets = SecretStore.in_memory() if args.demo else None
    context = build_context(paths, secrets=secrets, demo=args.demo,
                            console_log=getattr(args, "verbose", False),
                            check_in_background=True)
    if temp_dir:
        context.on_close(lambda: shutil.rmtree(temp_dir, ignore_errors=True))
    if args.demo:
        from app.demo import start_demo

        try:
            start_demo(context)
        except Exception:
            context.close()
            raise
    return context


def _open_or_restore(app: QApplication, args: argparse.Namespace,
                     runner) -> AppContext | None:
    """The context; a damaged database first offers its newest backup (the same message as
    `packdesk db check`). None when PackDesk cannot start."""
    restored = False
    while True:
        try:
            return open_context(args)
        except DatabaseDamagedError as exc:
            log.error("Start-up refused a damaged database: %s", exc)
            if restored or not _offer_restore(exc, runner):
                if restored:
                    QMessageBox.critical(None, APP_NAME, describe_exception(exc))
                return None
            restored = True
        except PackDeskError as exc:
            log.error("Start-up failed: %s", exc)
            QMessageBox.critical(None, APP_NAME, app.tr("PackDesk cannot start.") + "\n\n"
                                 + describe_exception(exc))
            return None


def _offer_restore(exc: DatabaseDamagedError, runner) -> bool:
    from app.services import db_health
    from app.ui.dialogs.damaged_database import DamagedDatabaseDialog

    report = exc.report
    backup = report.newest_backup if report is not None else None
    restore = None
    if backup is not None:
        paths = resolve_paths(report.database.parent)
        restore = lambda: db_health.restore(paths, backup)  # noqa: E731
    dialog = DamagedDatabaseDialog(describe_exception(exc), restore, runner)
    return dialog.exec() == DamagedDatabaseDialog.DialogCode.Accepted


def _watch_integrity_check(app: QApplication, context: AppContext, runner,
                           window=None) -> None:
    """The start-up check runs once the first rows are painted (or after 10 s); writes wait for
    it. If it finds damage, nothing more is written: say so, and quit; the next start checks
    in full and offers the newest backup."""
    from PySide6.QtCore import QTimer

    from app.ui.dialogs.damaged_database import DamagedDatabaseDialog

    asked: list[bool] = []

    def ask(*_args) -> None:
        if not asked:
            asked.append(True)
            runner.submit("network", context.database.writes_refused, on_result=verdict)

    def verdict(message: object) -> None:
        if message:
            log.error("Database damaged, found after start-up: %s", message)
            DamagedDatabaseDialog(
                str(message) + " " + app.tr("Quit and start PackDesk again to restore it."),
                None, runner).exec()
            app.quit()

    if window is None:
        ask()
        return
    window.first_rows_painted.connect(ask)
    QTimer.singleShot(10_000, window, ask)


def _schedule_backups(app: QApplication, context: AppContext, runner,
                      first_after_ms: int = 60_000):
    """A periodic backup when the newest is older than db_health.BACKUP_EVERY: a minute after
    start-up (not competing with it), then asked again every BACKUP_CHECK_EVERY. Not on the
    db thread: a check and copy of a big file takes seconds, and it only reads (WAL writers
    go on meanwhile)."""
    from PySide6.QtCore import QTimer

    from app.services import db_health

    if context.database.read_only:
        return None

    def due() -> None:
        runner.submit("network", db_health.backup_if_due, context.paths,
                      on_error=lambda exc: log.error("Periodic backup failed: %s", exc))

    timer = QTimer(app)
    timer.setInterval(int(db_health.BACKUP_CHECK_EVERY.total_seconds() * 1000))
    timer.timeout.connect(due)
    timer.start()
    if first_after_ms:
        QTimer.singleShot(first_after_ms, timer, due)
    else:
        due()
    return timer


def run_gui(args: argparse.Namespace) -> int:
    app = make_qapplication()
    reporter = ErrorReporter()
    from app.ui.tasks import TaskRunner

    if os.environ.get(GUARD_ENV) == "1":
        from app.bootstrap import guard_database_calls
        from app.ui.thread_guard import refuse_database_on_gui_thread

        guard_database_calls(refuse_database_on_gui_thread)
    runner = TaskRunner()
    context = _open_or_restore(app, args, runner)
    if context is None:
        runner.shutdown(wait=True)
        return 1
    reporter.install()
    try:
        from app.ui.windows.main_window import MainWindow

        first_paint_file = os.environ.get(FIRST_PAINT_ENV)
        from app.ui.settings import station_settings

        settings = station_settings(context.paths.data_dir, demo=args.demo,
                                    default_folder=context.paths.data_dir
                                    == resolve_paths(None).data_dir)
        window = MainWindow(context, runner, settings=settings,
                            auto_sync=not first_paint_file)
        reporter.set_parent_widget(window)
        if first_paint_file:
            window.first_rows_painted.connect(
                lambda moment: (_write_first_paint(first_paint_file, moment), app.quit()))
        window.show()
        GuiThreadGarbageCollector(app)  # see app/ui/garbage.py: crashes and stalls otherwise
        _watch_integrity_check(app, context, runner, window)
        if not first_paint_file:
            _schedule_backups(app, context, runner)
        return app.exec()
    finally:
        reporter.uninstall()
        runner.shutdown(wait=True)  # syncs were told to cancel; let them stop cleanly
        context.close()


def _write_first_paint(path: str, moment: float) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"{moment:.6f}\n")
