"""The real PackDesk GUI for the acceptance tests, with a small read-only window for the test.

    python -m tests.acceptance.station DATA_DIR      (DISPLAY and QT_QPA_PLATFORM=xcb set)

The first stdin line is a JSON object {"address": ..., "token": ...}: the sandbox store the test
started (on a pipe, so the token is on no command line and in no environment). The app then
starts as `packdesk` does (main window, background sync and outbox, garbage collector), and
prints one JSON line {"ready": true}. Keys and clicks come from the test as real X events;
this module only answers questions, one JSON line each:

    {"cmd": "state"}              active window, focused widget and its text, banner, order
    {"cmd": "where", "name": N}   screen centre of the visible widget named N, or of the
                                  button whose text is T for N = "text:T" (to click it);
                                  "panel": K looks in shipment K's panel only
    {"cmd": "print_to", "path": P}  the open slip preview's printer prints into file P

Outcomes are read by the test from the data (the database, the sandbox's control API), not here.
"""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from app.bootstrap import build_context  # isort: skip
from app.domain.connection_settings import ConnectionSettings  # isort: skip
from app.paths import resolve_paths  # isort: skip
from app.secrets import SecretStore  # isort: skip

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def _text(widget: QWidget | None) -> str | None:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText()
    return None


class Control(QObject):
    asked = Signal(str)
    closed = Signal()  # the test closed the pipe: quit on the GUI thread

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.asked.connect(self._answer)

    def _visible(self, name: str) -> QWidget | None:
        active = QApplication.activeWindow()
        if name.startswith("text:"):
            found = [w for w in QApplication.allWidgets() if isinstance(w, QAbstractButton)
                     and w.text() == name[5:] and w.isVisible()]
        else:
            found = [w for w in QApplication.allWidgets()
                     if w.objectName() == name and w.isVisible()]
        found.sort(key=lambda w: 0 if active is not None and w.window() is active else 1)
        return found[0] if found else None

    @Slot(str)
    def _answer(self, line: str) -> None:
        try:
            request = json.loads(line)
            reply = getattr(self, "_" + request.pop("cmd"))(**request)
        except Exception as exc:  # noqa: BLE001 - the test sees the error; the app keeps running
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()

    def _state(self) -> dict:
        active, focus = QApplication.activeWindow(), QApplication.focusWidget()
        packing = self.window._packing
        return {"active": active.windowTitle() if active else None,
                "focus": focus.objectName() if focus else None,
                "focus_text": _text(focus),
                "banner": packing.banner.text() if packing is not None else None,
                "order_pk": packing.order_pk if packing is not None else None,
                "active_number": packing.active_number if packing is not None else None,
                "panels": len(packing.panels) if packing is not None else 0,
                "rows": self.window.model.rowCount(),
                "windows": [w.windowTitle() for w in QApplication.topLevelWidgets()
                            if w.isVisible()]}

    def _where(self, name: str, panel: int | None = None) -> dict:
        if panel is not None:  # inside the packing view's shipment panel `panel`
            box = self.window._packing.panel(panel)
            widget = next((w for w in box.findChildren(QWidget, name) if w.isVisible()), None)
        else:
            widget = self._visible(name)
        if widget is None:
            return {"missing": name}
        centre = widget.mapToGlobal(widget.rect().center())
        return {"x": centre.x(), "y": centre.y(), "text": _text(widget),
                "enabled": widget.isEnabled()}

    def _print_to(self, path: str) -> dict:
        from app.ui.dialogs.slip_preview import SlipPreviewDialog

        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, SlipPreviewDialog) and w.isVisible()]
        if not dialogs:
            return {"error": "no slip preview open"}
        dialogs[-1].printer.setOutputFileName(path)  # Qt's "Print to File" printer
        return {"ok": True}


GUI_THREAD_DB_CALLS = "gui-thread-db-calls.txt"  # the station fixture fails on any line in it


def _refuse_database_on_the_gui_thread(record: Path) -> None:
    """As in the UI tests: UI code reaching the database on the GUI thread is refused, and
    written down, since an exception in a Qt slot would only be printed."""
    from app.bootstrap import guard_database_calls
    from app.ui.thread_guard import GuiThreadDatabaseCall, refuse_database_on_gui_thread

    def guard() -> None:
        try:
            refuse_database_on_gui_thread()
        except GuiThreadDatabaseCall as exc:
            with record.open("a", encoding="utf-8") as out:
                out.write(f"{exc}\n")
            raise
    guard_database_calls(guard)


def main() -> int:
    data_dir = Path(sys.argv[1])
    store = json.loads(sys.stdin.readline())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(data_dir / "qsettings"))

    from app.ui.application import make_qapplication
    from app.ui.garbage import GuiThreadGarbageCollector
    from app.ui.tasks import TaskRunner
    from app.ui.windows.main_window import MainWindow

    qapp = make_qapplication()
    context = build_context(resolve_paths(data_dir).ensure(), secrets=SecretStore.in_memory())
    context.connections.add(ConnectionSettings(name="Sandbox store", address=store["address"],
                                               order_prefix="SB-"), store["token"])
    # the main window is found by this name ("PackDesk — Bench 1 (id)"), whatever the host is
    context.station_service.save("Bench 1", "Ana")
    _refuse_database_on_the_gui_thread(data_dir / GUI_THREAD_DB_CALLS)
    runner = TaskRunner()
    window = MainWindow(context, runner)
    window.resize(1280, 760)
    window.show()
    GuiThreadGarbageCollector(qapp)
    control = Control(window)
    control.closed.connect(qapp.quit)

    def read_commands() -> None:
        for line in sys.stdin:
            if line.strip():
                control.asked.emit(line)
        control.closed.emit()
    threading.Thread(target=read_commands, daemon=True).start()
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    try:
        return qapp.exec()
    finally:
        runner.shutdown(wait=True)
        context.close()


if __name__ == "__main__":
    sys.exit(main())
