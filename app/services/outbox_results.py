"""What one outbox run came to: per entry, what happened and which call (if any) it made."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.changes import NOTHING, Changes
from app.services.outbox_requests import StoreRequest

# What one entry's delivery came to in a run.
SENT, SKIPPED, RETRY, FAILED_NOW, STOPPED_NOW, SUPERSEDED_NOW = (
    "sent", "skipped", "retry", "failed", "stopped", "superseded")


@dataclass(frozen=True)
class Delivery:
    entry_id: int
    connection_id: int
    order_pk: int | None
    order_id: int | None
    kind: str
    outcome: str  # sent | skipped | retry | failed | stopped | superseded
    request: StoreRequest | None = None
    status_code: int | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.entry_id, "connection_id": self.connection_id,
                "order_id": self.order_id, "kind": self.kind, "outcome": self.outcome,
                "call": f"{self.request.method} {self.request.path}" if self.request and
                self.outcome in (SENT, RETRY, FAILED_NOW) else None,
                "status_code": self.status_code, "message": self.message}


@dataclass
class PushResult:
    deliveries: list[Delivery] = field(default_factory=list)
    requests: int = 0  # HTTP requests made (re-reads, retries included)
    busy: bool = False  # another process was pushing; nothing was done
    changes: Changes = NOTHING  # what the run's writes changed (published on the feed)
    next_due: datetime | None = None  # run_until_idle: when the next pending entry falls due

    def count(self, outcome: str) -> int:
        return sum(1 for d in self.deliveries if d.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not any(d.outcome in (FAILED_NOW, STOPPED_NOW, RETRY) for d in self.deliveries)

    def merge(self, other: PushResult) -> None:
        self.deliveries += other.deliveries
        self.requests += other.requests
        self.busy = self.busy or other.busy
        self.changes = self.changes | other.changes

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.count(SENT), "skipped": self.count(SKIPPED),
                "superseded": self.count(SUPERSEDED_NOW), "failed": self.count(FAILED_NOW),
                "stopped": self.count(STOPPED_NOW), "retry_later": self.count(RETRY),
                "requests": self.requests, "busy": self.busy,
                "entries": [d.as_dict() for d in self.deliveries]}
