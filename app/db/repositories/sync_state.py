"""Sync checkpoints (where the next run starts) and the record of each run."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select, update

from app.clock import Clock, utc_now
from app.db.engine import Database
from app.db.tables import SyncCheckpoint, SyncRun


@dataclass(frozen=True)
class Checkpoint:
    value: str
    refreshed_at: datetime


@dataclass(frozen=True)
class RunRecord:
    id: int
    connection_id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None
    orders_new: int
    orders_updated: int
    orders_flagged: int
    requests: int
    bytes_received: int
    duration_ms: int
    outcome: str
    error: str


def _run(row: SyncRun) -> RunRecord:
    assert row.id is not None
    return RunRecord(row.id, row.connection_id, row.kind, row.started_at, row.finished_at,
                     row.orders_new, row.orders_updated, row.orders_flagged, row.requests,
                     row.bytes_received, row.duration_ms, row.outcome, row.error)


class SyncStateRepository:
    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def checkpoint(self, connection_id: int, resource: str) -> Checkpoint | None:
        with self._db.read() as session:
            row = session.exec(select(SyncCheckpoint).where(
                SyncCheckpoint.connection_id == connection_id,
                SyncCheckpoint.resource == resource)).first()
            return Checkpoint(row.checkpoint, row.refreshed_at) if row else None

    def set_checkpoint(self, connection_id: int, resource: str, value: str) -> None:
        with self._db.write() as session:
            row = session.exec(select(SyncCheckpoint).where(
                SyncCheckpoint.connection_id == connection_id,
                SyncCheckpoint.resource == resource)).first()
            row = row or SyncCheckpoint(connection_id=connection_id, resource=resource,
                                        refreshed_at=self._clock())
            row.checkpoint = value
            row.refreshed_at = self._clock()
            session.add(row)

    # Orders the store sent in a shape that cannot be read, kept until a sync reads them whole:
    # {"orders": {order id: reason}, "unidentified": [reasons of the last run's id-less entries]}
    # in the checkpoint table (no schema change; the value is small).
    _SKIPPED = "orders_skipped"

    def skipped_orders(self, connection_id: int) -> tuple[dict[int, str], list[str]]:
        checkpoint = self.checkpoint(connection_id, self._SKIPPED)
        if checkpoint is None or not checkpoint.value:
            return {}, []
        try:
            data = json.loads(checkpoint.value)
            return ({int(k): str(v) for k, v in data.get("orders", {}).items()},
                    [str(r) for r in data.get("unidentified", [])])
        except (ValueError, TypeError, AttributeError):
            return {}, []  # an unreadable note only costs the list; the next sync rebuilds it

    def set_skipped_orders(self, connection_id: int, orders: dict[int, str],
                           unidentified: list[str]) -> None:
        self.set_checkpoint(connection_id, self._SKIPPED, json.dumps(
            {"orders": {str(k): v for k, v in sorted(orders.items())},
             "unidentified": unidentified}))

    def start_run(self, connection_id: int, kind: str) -> int:
        with self._db.write() as session:
            row = SyncRun(connection_id=connection_id, kind=kind,
                          started_at=self._clock())
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def finish_run(self, run_id: int, *, outcome: str, error: str = "", **counts: int) -> None:
        with self._db.write() as session:
            row = session.get(SyncRun, run_id)
            assert row is not None
            row.finished_at = self._clock()
            row.outcome = outcome
            row.error = error
            for key, value in counts.items():
                setattr(row, key, value)
            session.add(row)

    def mark_interrupted(self) -> int:
        """Runs still "running" when no PackDesk process is: a killed sync. Returns how many."""
        with self._db.read() as session:  # nearly always none: no write transaction then
            if session.exec(select(SyncRun.id).where(SyncRun.outcome == "running")).first() \
                    is None:
                return 0
        with self._db.write() as session:
            return session.execute(
                update(SyncRun).where(SyncRun.outcome == "running").values(
                    outcome="interrupted", finished_at=self._clock(),
                    error="PackDesk stopped before this sync finished")).rowcount

    def last_runs(self, connection_id: int | None = None, limit: int = 20) -> list[RunRecord]:
        with self._db.read() as session:
            statement = select(SyncRun).order_by(col(SyncRun.id).desc()).limit(limit)
            if connection_id is not None:
                statement = statement.where(SyncRun.connection_id == connection_id)
            return [_run(r) for r in session.exec(statement)]

    def last_success(self, connection_id: int) -> RunRecord | None:
        with self._db.read() as session:
            row = session.exec(select(SyncRun).where(
                SyncRun.connection_id == connection_id, SyncRun.outcome == "ok").order_by(
                col(SyncRun.id).desc()).limit(1)).first()
            return _run(row) if row else None
