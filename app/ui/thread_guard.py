"""Refuse database work on the GUI thread (house rule: the window never waits for the disk).

Installed as `Database.call_guard` by the UI tests and by `PACKDESK_GUARD_GUI_THREAD=1` (the
acceptance tests): a read or write reached from UI code on the GUI thread raises at once, so a
freeze that would show only on a big or busy database fails a test instead.
"""
from __future__ import annotations

import sys
import threading
from types import FrameType

from app.ui.tasks import running_inline_job


class GuiThreadDatabaseCall(RuntimeError):
    """UI code called the database on the GUI thread; submit the work to the "db" pool."""


def refuse_database_on_gui_thread() -> None:
    """Raise GuiThreadDatabaseCall when UI code reached the database on the GUI thread."""
    if threading.current_thread() is not threading.main_thread() or running_inline_job():
        return
    frame: FrameType | None = sys._getframe(1)
    caller = ""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "app.bootstrap":
            return  # opening the station before any window exists: nothing to freeze yet
        if module.startswith("app.ui.") and module != __name__ and not caller:
            caller, line = module, frame.f_lineno
        frame = frame.f_back
    if caller:
        raise GuiThreadDatabaseCall(
            f"Database call on the GUI thread from {caller} (line {line}); "
            "run it on the task runner's db pool")
