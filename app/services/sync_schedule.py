"""When each connection syncs: its poll interval, and whether its last good sync is older than
that (start-up syncs those at once). Read on the db pool by the window's sync controller."""
from __future__ import annotations

from dataclasses import dataclass

from app.clock import Clock, utc_now
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.sync_state import SyncStateRepository


@dataclass(frozen=True)
class SyncPlan:
    interval_min: dict[int, int]  # enabled connection id -> poll interval in minutes
    due: tuple[int, ...]  # enabled connections not synced within their interval


class SyncSchedule:
    def __init__(self, connections: ConnectionRepository, sync_state: SyncStateRepository,
                 clock: Clock = utc_now) -> None:
        self._connections = connections
        self._sync_state = sync_state
        self._clock = clock

    def enabled(self) -> dict[int, int]:
        """Enabled connection id -> its poll interval in minutes."""
        return {r.id: r.settings.poll_interval_min for r in self._connections.all()
                if r.enabled}

    def plan(self) -> SyncPlan:
        """The intervals, and the connections due now."""
        now = self._clock()
        intervals = self.enabled()
        due = []
        for cid, minutes in intervals.items():
            last = self._sync_state.last_success(cid)
            finished = last.finished_at if last else None
            if finished is None or (now - finished).total_seconds() >= minutes * 60:
                due.append(cid)
        return SyncPlan(intervals, tuple(due))
