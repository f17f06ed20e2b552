"""The change feed: services publish what their writes changed, the UI (or anyone) listens.

Qt-free on purpose: listeners are called on the publishing thread (often a worker); the UI's
adapter (app/ui/change_signal.py) turns each call into a queued Qt signal on the GUI thread.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.domain.changes import Changes

log = logging.getLogger(__name__)

Listener = Callable[[Changes], None]


class ChangeFeed:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(changes)` after each write; returns the unsubscribe function."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    def publish(self, changes: Changes) -> Changes:
        """Tell every listener (nothing when nothing changed); returns `changes` so a write can
        end with `return self._feed.publish(changes)`. A failing listener is logged and does
        not stop the others, nor the write that already committed."""
        if not changes:
            return changes
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:  # the write is done; one bad listener is a bug to log
                log.exception("A change listener failed")
        return changes
