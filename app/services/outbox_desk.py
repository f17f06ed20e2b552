"""The packer's side of the outbox: what is waiting, failed or delivered, retry, dismiss, and the
dry-run preview. Every write returns its `Changes` and publishes them on the feed."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from app.clock import Clock, utc_now
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.orders import OrderRepository
from app.db.repositories.outbox import (
    BLOCKING,
    STOPPED,
    SUPERSEDED,
    UNFINISHED,
    OutboxItem,
    OutboxListing,
    OutboxRepository,
)
from app.domain.changes import Changes
from app.errors import PackDeskError
from app.services.changes import ChangeFeed
from app.services.outbox_requests import Preview, preview
from app.services.outbox_rules import KINDS

# The entry types and states the UI needs, without reaching into app.db itself.
__all__ = ["BLOCKING", "OutboxDesk", "OutboxListing", "Preview"]


def _touched(entries: Iterable[OutboxItem], *, marks: Iterable[int] | None = None) -> Changes:
    """The entries changed, and with them their orders' "waiting to push"."""
    entries = list(entries)
    return Changes.of(outbox=[e.entry_id for e in entries], marks=marks,
                      orders=[e.order_pk for e in entries if e.order_pk is not None])


# --- the worker -------------------------------------------------------------------------------

class OutboxDesk:
    def __init__(self, outbox: OutboxRepository, orders: OrderRepository,
                 connections: ConnectionRepository, *, feed: ChangeFeed,
                 clock: Clock = utc_now) -> None:
        self._outbox = outbox
        self._orders = orders
        self._connections = connections
        self._feed = feed  # the composition root's: windows refresh from it
        self._clock = clock

    def next_due(self) -> datetime | None:
        """When the next pending entry falls due (for the GUI's timer); None when none."""
        return self._outbox.next_due(KINDS)

    # --- reading and resolving ----------------------------------------------------------------

    def entries(self, *, include_all: bool = False,
                delivered_within: timedelta = timedelta(days=1)) -> list[OutboxListing]:
        """Pending, failed and stopped entries and recent deliveries (or everything)."""
        if include_all:
            return self._outbox.listing()
        return self._outbox.listing(states=UNFINISHED,
                                    delivered_since=self._clock() - delivered_within)

    def entry(self, entry_id: int) -> OutboxListing:
        found = self._outbox.listing(entry_ids=[entry_id])
        if not found:
            raise PackDeskError(f"There is no outbox entry {entry_id}.")
        return found[0]

    def waiting_order_pks(self) -> set[int]:
        return self._outbox.waiting_order_pks()

    def retry(self, entry_id: int) -> Changes:
        """A failed or stopped entry is tried again on the next run. Retrying a stopped one
        means the packer has looked at the store's change: the order's flag is acknowledged."""
        listing = self.entry(entry_id)
        entry = listing.entry
        if entry.state not in BLOCKING:
            raise PackDeskError(f"Outbox entry {entry_id} is {entry.state}; only failed "
                                "or stopped entries can be retried.")
        flagged = entry.order_pk if entry.state == STOPPED else None
        self._outbox.retry(entry_id, self._clock(), acknowledge_order_pk=flagged)
        return self._feed.publish(_touched([entry], marks=[flagged] if flagged else None))

    def retry_failed(self) -> Changes:
        """Every failed entry back to pending (`outbox`: their ids)."""
        return self._feed.publish(_touched(self._outbox.retry_failed(self._clock())))

    def dismiss(self, entry_id: int) -> Changes:
        """The packer resolved a failed or stopped entry by hand: it will not be sent, and no
        longer holds back the order's later entries."""
        listing = self.entry(entry_id)
        if listing.entry.state not in BLOCKING:
            raise PackDeskError(f"Outbox entry {entry_id} is {listing.entry.state}; only failed "
                                "or stopped entries can be dismissed.")
        note = f"Dismissed by the packer ({listing.entry.last_error})".strip()
        self._outbox.finish(entry_id, SUPERSEDED, now=self._clock(), note=note[:2000])
        return self._feed.publish(_touched([listing.entry]))

    def preview(self, entry_id: int) -> Preview:
        """Exactly the call the entry would make now, from the cache; nothing is sent."""
        entry = self.entry(entry_id).entry
        order = self._orders.get(entry.order_pk) if entry.order_pk is not None else None
        if entry.kind not in KINDS or order is None:
            return preview(entry, order, {}, {}, ())
        connection = self._connections.get(entry.connection_id)
        statuses = {s.id: s for s in self._connections.statuses(connection.id)}
        return preview(entry, order, dict(connection.settings.tracking_url_templates), statuses,
                       self._outbox.shipments(order.order_pk))
