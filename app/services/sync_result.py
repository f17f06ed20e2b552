"""What a sync run reports: its progress while it runs, its result, and what it changed."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.db.repositories.connections import ConnectionRecord
from app.domain.changes import NOTHING, Changes
from app.errors import PackDeskError

# More changed orders than this in one run (a first import, a bulk status change in the store)
# are announced as "everything": listing them would cost more than reloading what is shown.
CHANGES_LISTED_MAX = 5_000


@dataclass(frozen=True)
class SyncProgress:
    connection_id: int
    phase: str  # reference | orders | saving | done
    orders_read: int = 0
    orders_total: int | None = None
    orders_saved: int = 0


@dataclass
class SyncResult:
    connection_id: int
    connection_name: str
    run_id: int
    kind: str
    orders_new: int = 0
    orders_updated: int = 0
    orders_flagged: int = 0
    orders_read: int = 0
    passes: int = 0
    requests: int = 0
    bytes_received: int = 0
    duration_ms: int = 0
    outcome: str = "ok"
    error: str = ""
    offline: bool = False  # the store could not be reached at all (not: it answered badly)
    # Orders that could not be read ({"order_id", "reason"}), this run's and earlier ones still
    # unreadable; order_id None for an entry without an id (a null in the list).
    orders_skipped: list[dict[str, Any]] = field(default_factory=list)
    # What the run wrote, for the change feed; not part of the report (as_dict, --json).
    changes: Changes = field(default=NOTHING, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "changes"}

    def saved(self, order_pks: Iterable[int], flagged_pks: Iterable[int] = ()) -> None:
        """Orders a page saved (and those it flagged) join the run's changes."""
        if self.changes.everything:
            return
        changes = self.changes | Changes.of(orders=order_pks, marks=flagged_pks)
        if len(changes.orders) > CHANGES_LISTED_MAX:
            changes = Changes(connections=changes.connections, everything=True)
        self.changes = changes

    def reference_refreshed(self) -> None:
        """The connection's statuses, storefronts and shipping services were read again."""
        self.changes = self.changes | Changes.of(connections=[self.connection_id])


class SyncCancelled(PackDeskError):
    pass


@dataclass(frozen=True)
class ConnectionSyncStatus:
    connection: ConnectionRecord
    orders_cached: int
    last_success: datetime | None  # when the newest successful sync finished
