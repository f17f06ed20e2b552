"""Python's cyclic garbage collection, run only on the GUI thread, at moments it chooses.

Two reasons, both measured here:
- Crashes: automatic collection runs on whichever thread happens to allocate. When it runs on
  a worker (the PDF or sync threads) and finds a reference cycle holding a Qt wrapper, the Qt
  object is destroyed on the wrong thread; the test suite segfaulted that way ("Garbage-
  collecting" on the PDF thread, inside reportlab).
- Stalls: a full collection walks every object of the app and held the GUI thread 35-60 ms
  every second or two during a sync.

So automatic collection is off; a timer on the GUI thread collects the young generations when
they are due (as calibre does), objects made at start-up are frozen out of collections, and
full collections are rare. Reference counting still frees everything that is not in a cycle.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

CHECK_MS = 1000
FULL_EVERY = 50  # middle-generation collections between two full ones


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._young, self._middle, _ = gc.get_threshold()
        gc.freeze()  # start-up objects live as long as the app: never walk them again
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(CHECK_MS)

    @Slot()
    def check(self) -> None:
        young, middle, old = gc.get_count()
        if young > self._young:
            gc.collect(0)
            if middle > self._middle:
                gc.collect(1)
                if old > FULL_EVERY:
                    gc.collect(2)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
