"""Orders the store sent in a shape that cannot be read (data_problems.py).

One order's bad data never stops the others: it is skipped with its reason, kept in a list that
every later sync reads again (so the checkpoint can move on), and shown to the user.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.db.repositories.sync_state import SyncStateRepository
from app.domain.data_problems import SkippedOrder, UnreadableOrder
from app.domain.orders import OrderSnapshot
from app.integrations.americommerce import mapping

log = logging.getLogger(__name__)


@dataclass
class Unreadable:
    """Orders of one run that could not be read, and the ids that were read whole."""

    skipped: dict[int, str] = field(default_factory=dict)
    unidentified: list[str] = field(default_factory=list)
    read: set[int] = field(default_factory=set)

    def add(self, raw: object, exc: Exception) -> tuple[int | None, datetime | None]:
        """Record why `raw` was skipped; returns its id and updated_at when it has them."""
        reason = str(exc) if isinstance(exc, UnreadableOrder) \
            else f"unexpected data ({type(exc).__name__}: {exc})"
        order_id = mapping.identifier(raw.get("id")) if isinstance(raw, dict) else None
        updated_at = mapping.timestamp(raw.get("updated_at")) if isinstance(raw, dict) else None
        if order_id is None:
            self.unidentified.append(reason)
        else:
            self.skipped[order_id] = reason
            self.read.discard(order_id)
        log.warning("Order %s skipped: %s", order_id if order_id is not None else "(no id)",
                    reason)
        return order_id, updated_at

    def read_one(self, raw: object, seen: Callable[[int, datetime | None], None] | None = None
                 ) -> OrderSnapshot | None:
        """The order, or None when it cannot be read (recorded). `seen` hears of every order
        with an id, readable or not, so paging checks and the checkpoint count them all."""
        try:
            snapshot = mapping.order_from_api(raw)
        except Exception as exc:  # noqa: BLE001 - one order's bad data must not stop the others
            order_id, updated_at = self.add(raw, exc)
            if order_id is not None and seen is not None:
                seen(order_id, updated_at)
            return None
        self.read.add(snapshot.order_id)
        self.skipped.pop(snapshot.order_id, None)
        if seen is not None:
            seen(snapshot.order_id, snapshot.updated_at)
        return snapshot

    def snapshots(self, raws: Iterable[object]) -> list[OrderSnapshot]:
        return [s for raw in raws if (s := self.read_one(raw)) is not None]


def skipped_orders(state: SyncStateRepository, connection_id: int) -> list[SkippedOrder]:
    """Orders of this connection the store sent in a shape that cannot be read (each sync
    reads them again); entries without an id are the last run's."""
    by_id, unidentified = state.skipped_orders(connection_id)
    return ([SkippedOrder(order_id, reason) for order_id, reason in by_id.items()]
            + [SkippedOrder(None, reason) for reason in unidentified])


def remember_unreadable(state: SyncStateRepository, connection_id: int,
                        unreadable: Unreadable, *, replace_unidentified: bool,
                        forget: Collection[int] = frozenset()) -> None:
    """Merge one run's findings into the kept list: ids read whole (or retried and gone)
    leave it, ids skipped now enter it with their latest reason."""
    by_id, unidentified = state.skipped_orders(connection_id)
    kept = {i: r for i, r in by_id.items() if i not in unreadable.read and i not in forget}
    kept.update(unreadable.skipped)
    new_unidentified = list(unreadable.unidentified) if replace_unidentified \
        else unidentified + unreadable.unidentified
    if kept != by_id or new_unidentified != unidentified:  # most runs change nothing
        state.set_skipped_orders(connection_id, kept, new_unidentified)
