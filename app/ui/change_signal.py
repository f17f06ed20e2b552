"""The change feed as a Qt signal: listeners run on the GUI thread, whoever published."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes
from app.services.changes import ChangeFeed


class ChangeSignal(QObject):
    """Create in the GUI thread. `changed` is emitted there for every published Changes (a
    publish from a worker is queued to the GUI thread by Qt's automatic connection)."""

    changed = Signal(object)  # Changes

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = feed.subscribe(self._relay)

    def _relay(self, changes: Changes) -> None:
        try:
            self.changed.emit(changes)
        except RuntimeError:  # deleted with the window while a worker published
            pass

    def close(self) -> None:
        self._unsubscribe()
