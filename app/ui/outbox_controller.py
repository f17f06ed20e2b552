"""Delivers the outbox in the background: after a sync or a shipment, and when entries fall due.

The work runs on the network pool (OutboxService.run_until_idle); only its summary comes back
to the GUI thread, with when the next entry falls due (read there, not on the GUI thread). One
push at a time; a kick while one runs asks for another pass after it.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.clock import Clock, utc_now
from app.services.outbox import OutboxService, PushResult
from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

NETWORK = "network"
IDLE_CHECK_MS = 60_000  # look for due entries at least this often (retries, back online)


class OutboxController(QObject):
    pushed = Signal(object)  # PushResult

    def __init__(self, outbox: OutboxService, runner: TaskRunner,
                 parent: QObject | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(parent)
        self._outbox = outbox
        self._clock = clock
        self._runner = runner
        self._running = False
        self._again = False
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.kick)
        self.last_result: PushResult | None = None

    def start(self) -> None:
        self.kick()

    def stop(self) -> None:
        self._stop.set()
        self._timer.stop()

    @Slot()
    def kick(self) -> None:
        """Deliver what is due now (no-op while a push runs: it will look again after)."""
        if self._stop.is_set():
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._runner.submit(NETWORK, self._outbox.run_until_idle, self._stop,
                            on_result=self._finished, on_error=self._failed)

    @Slot(object)
    def _finished(self, result: object) -> None:
        assert isinstance(result, PushResult)
        self._running = False
        self.last_result = result
        if result.deliveries:
            self.pushed.emit(result)
        if self._again:
            self._again = False
            self.kick()
        else:
            self._schedule(result.next_due)

    @Slot(object)
    def _failed(self, exc: object) -> None:
        self._running = False
        log.error("Pushing the outbox failed: %s", exc)
        self._schedule(None)

    def _schedule(self, due: datetime | None) -> None:
        if self._stop.is_set():
            return
        wait_ms = IDLE_CHECK_MS
        if due is not None:
            wait_ms = int(max(0.0, (due - self._clock()).total_seconds()) * 1000)
            wait_ms = min(max(wait_ms, 500), IDLE_CHECK_MS)
        self._timer.start(wait_ms)
