"""Background syncs for the window: poll timers per connection, "Sync now", offline state.

Syncs run on the network pool; progress and results come back on the GUI thread as signals.
A run that could not reach the store at all marks the connection "offline" (the window keeps
working on the cache); other failures (a bad token, a store error) are shown as such. Which
connections poll, and which are due, is read on the db pool (app/services/sync_schedule.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.services.sync import SyncProgress, SyncResult, SyncService
from app.services.sync_schedule import SyncPlan, SyncSchedule
from app.ui.tasks import DB, NETWORK, Task, TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOutcome:
    result: SyncResult
    offline: bool


class SyncController(QObject):
    sync_started = Signal(int)  # connection id
    sync_progressed = Signal(object)  # SyncProgress
    sync_finished = Signal(object)  # SyncResult
    offline_changed = Signal(int, bool)  # connection id, offline now?

    def __init__(self, schedule: SyncSchedule, sync: SyncService, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._schedule = schedule
        self._sync = sync
        self._runner = runner
        self._timers: dict[int, QTimer] = {}
        self._running: dict[int, Task] = {}
        self.offline: set[int] = set()
        self.last_progress: dict[int, SyncProgress] = {}

    # --- timers -----------------------------------------------------------------------------

    def start(self, *, sync_due_now: bool = True) -> None:
        """Poll timers for every connection; those not synced within their interval sync now."""
        if not sync_due_now:
            self.reload()
            return
        self._runner.submit(DB, self._schedule.plan, on_result=self._planned,
                            on_error=self._not_read)

    @Slot(object)
    def _planned(self, plan: object) -> None:
        assert isinstance(plan, SyncPlan)
        self._set_timers(plan.interval_min)
        for cid in plan.due:
            self.sync(cid)

    def reload(self) -> None:
        """Connections were added, edited or removed: one timer each, at its interval."""
        self._runner.submit(DB, self._schedule.enabled, on_result=self._set_timers,
                            on_error=self._not_read)

    @Slot(object)
    def _not_read(self, exc: object) -> None:
        log.warning("The connections to sync were not read: %s", exc)

    @Slot(object)
    def _set_timers(self, enabled: object) -> None:
        intervals = cast(dict[int, int], enabled)
        for cid in list(self._timers):
            if cid not in intervals:
                self._timers.pop(cid).stop()
                self.offline.discard(cid)
        for cid, minutes in intervals.items():
            timer = self._timers.get(cid)
            if timer is None:
                timer = QTimer(self)
                timer.setObjectName(f"poll-{cid}")
                timer.timeout.connect(self._poll)
                self._timers[cid] = timer
            interval = minutes * 60_000
            if timer.interval() != interval or not timer.isActive():
                timer.start(interval)

    @Slot()
    def _poll(self) -> None:
        timer = self.sender()
        for cid, candidate in self._timers.items():
            if candidate is timer:
                self.sync(cid)

    def interval_ms(self, connection_id: int) -> int | None:
        timer = self._timers.get(connection_id)
        return timer.interval() if timer else None

    # --- running ----------------------------------------------------------------------------

    @property
    def running(self) -> set[int]:
        return set(self._running)

    def sync_all(self) -> None:
        """Sync every enabled connection (read on the db pool first)."""
        self._runner.submit(DB, self._schedule.enabled, on_result=self._sync_these,
                            on_error=self._not_read)

    @Slot(object)
    def _sync_these(self, enabled: object) -> None:
        for cid in cast(dict[int, int], enabled):
            self.sync(cid)

    def sync(self, connection_id: int, since: datetime | None = None) -> bool:
        """Start a sync unless one of this connection is running; True when started. With
        `since`, a manual import of the orders created from that date (Order Desk's)."""
        if connection_id in self._running:
            return False
        task = self._runner.submit(NETWORK, self._run, connection_id, since,
                                   on_result=self._finished, on_error=self._failed,
                                   on_progress=self._progressed)
        if not task.done:
            self._running[connection_id] = task
        task.setProperty("connection_id", connection_id)
        self.sync_started.emit(connection_id)
        return True

    def _run(self, connection_id: int, since: datetime | None, *, progress,
             cancel) -> SyncOutcome:
        """On a network worker."""
        result = self._sync.sync(connection_id, since=since, progress=progress, cancel=cancel)
        return SyncOutcome(result, result.offline)

    @Slot(object)
    def _progressed(self, progress: object) -> None:
        assert isinstance(progress, SyncProgress)
        self.last_progress[progress.connection_id] = progress
        self.sync_progressed.emit(progress)

    @Slot(object)
    def _finished(self, outcome: object) -> None:
        assert isinstance(outcome, SyncOutcome)
        result = outcome.result
        self._running.pop(result.connection_id, None)
        self.last_progress.pop(result.connection_id, None)
        was = result.connection_id in self.offline
        if outcome.offline:
            self.offline.add(result.connection_id)
        elif result.outcome == "ok":
            self.offline.discard(result.connection_id)
        now = result.connection_id in self.offline
        if was != now:
            self.offline_changed.emit(result.connection_id, now)
        self.sync_finished.emit(result)

    @Slot(object)
    def _failed(self, exc: object) -> None:
        task = self.sender()
        cid = task.property("connection_id") if task is not None else None
        if cid is None:  # the sender is gone: find the task that finished
            cid = next((c for c, t in self._running.items() if t.done), None)
        log.warning("Sync of connection %s could not run: %s", cid, exc)
        if cid is not None:
            self._running.pop(int(cid), None)
            self.sync_finished.emit(SyncResult(int(cid), "", 0, "incremental",
                                               outcome="failed", error=str(exc)))

    def shutdown(self) -> None:
        for timer in self._timers.values():
            timer.stop()
        for task in self._running.values():
            task.cancel()
