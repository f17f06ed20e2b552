"""Order sync: get the right orders, completely and fast, without hurting the rate limit.

One run for one connection:
1. Reference data (statuses, storefronts, shipping services), at most hourly.
2. Orders changed since the checkpoint: `updated_at=gt:{checkpoint - overlap}&sort=updated_at`,
   following `next_page`; a 404 past the last page ends the list (the client handles that).
3. For each page, the orders to keep (cached already, or matching the import rule, window and
   storefronts) get their addresses, customers and products in bulk (`select_many`), in
   parallel with reading the next page, then the page is saved in one transaction.
4. The checkpoint moves only when the run succeeded, so a failed run is simply repeated.

One order's bad data never stops the others (data_problems.py): an order that cannot be read is
skipped with its reason, kept in a list that every later sync reads again (so the checkpoint can
move on), and shown to the user; odd values that can be read are imported and flagged.

Page shifts: paging by page number over a list sorted by updated_at can skip an order when an
order we already read is changed during the run (it jumps to the end; everything behind it moves
up one place). Such an order shows up again at the end, so a repeated id in one pass is the
signal. Every skipped order had an updated_at at or after the first-seen updated_at of the order
that moved, so one more pass from the smallest such time finds them all. Passes repeat until one
sees no repeats (bounded).

Threads: each run owns its two pools, made when it starts and gone when it ends (DESIGN house
rule 4): the network pool (parallel `select_many` for a page's addresses, customers and products,
paced by that store's rate limit) and a single saver thread, the run's one database writer, which
saves the pages in order while the next one is read. They are per run, not shared from the
composition root, because two connections' runs must not queue behind each other's store, and
a cancelled or failed run must leave no work behind; they are not the UI's task runner pools
because the CLI runs the same sync without one.

The modules: sync_reference (statuses, storefronts, shipping services), sync_pages (one page:
keep, enrich, save), sync_unreadable (orders that cannot be read), sync_result (what a run
reports and changed: published as `Changes` on the feed when it ends).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.clock import Clock, utc_now
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import OrderRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.domain.changes import Changes
from app.domain.connection_settings import StatusInfo
from app.domain.data_problems import SkippedOrder
from app.errors import PackDeskError, StoreResponseError, StoreUnavailableError
from app.integrations.americommerce import mapping
from app.integrations.americommerce.client import AmeriCommerceClient
from app.services.changes import ChangeFeed
from app.services.store_clients import StoreClients
from app.services.sync_pages import ORDER_EXPAND, SELECT_BATCH, PageSaver
from app.services.sync_reference import ReferenceData, query_time
from app.services.sync_result import (
    ConnectionSyncStatus,
    SyncCancelled,
    SyncProgress,
    SyncResult,
)
from app.services.sync_unreadable import Unreadable, remember_unreadable, skipped_orders

# The run's types live in sync_result; callers keep importing them from here.
__all__ = ["ConnectionSyncStatus", "SyncCancelled", "SyncProgress", "SyncResult", "SyncService"]

log = logging.getLogger(__name__)

PAGE_SIZE = 200
# Re-read a little before the checkpoint: an order whose transaction committed late can carry
# an updated_at just before the newest one we saw. Kept short because every order in the
# overlap is re-read on every poll (stores see bursts of updates from bulk status changes).
CHECKPOINT_OVERLAP = timedelta(seconds=10)
MAX_PASSES = 4
ANALYZE_AFTER = 1_000  # orders saved in one run before the planner's statistics are refreshed
IN_FLIGHT_PAGES = 2


@dataclass
class _Pass:
    first_seen: dict[int, datetime | None] = field(default_factory=dict)
    moved_from: list[datetime] = field(default_factory=list)  # first-seen times of repeats
    newest: datetime | None = None

    def saw(self, order_id: int, updated_at: datetime | None) -> None:
        if order_id in self.first_seen:
            first = self.first_seen[order_id]
            if first is not None:
                self.moved_from.append(first)
        else:
            self.first_seen[order_id] = updated_at
        if updated_at and (self.newest is None or updated_at > self.newest):
            self.newest = updated_at


class SyncService:
    def __init__(self, connections: ConnectionRepository, orders: OrderRepository,
                 catalog: CatalogRepository, state: SyncStateRepository, clients: StoreClients,
                 *, feed: ChangeFeed | None = None, clock: Clock = utc_now,
                 network_workers: int = 3, page_size: int = PAGE_SIZE) -> None:
        self._connections = connections
        self._orders = orders
        self._state = state
        self._clients = clients
        self._feed = feed or ChangeFeed()  # none given (a test): nobody listens
        self._clock = clock
        self._network_workers = network_workers
        self._page_size = page_size
        self._reference = ReferenceData(connections, state, clients, clock=clock)
        self._pages = PageSaver(orders, catalog, self._reference)
        # One run per connection at a time: the poll timer and "Sync now" may race.
        self._running: set[int] = set()
        self._running_lock = threading.Lock()

    # --- public -----------------------------------------------------------------------------

    def sync(self, connection_id: int, *, since: datetime | None = None,
             progress: Callable[[SyncProgress], None] | None = None,
             cancel: threading.Event | None = None) -> SyncResult:
        """Run one sync; never raises for store trouble (the result says what failed).
        What it saved, even a failed run's first pages, is published on the change feed."""
        with self._running_lock:
            if connection_id in self._running:
                raise PackDeskError("A sync of this connection is already running.")
            self._running.add(connection_id)
        try:
            result = self._sync(connection_id, since, progress or (lambda p: None),
                                cancel or threading.Event())
        finally:
            with self._running_lock:
                self._running.discard(connection_id)
        self._feed.publish(result.changes)
        return result

    def sync_all(self, *, since: datetime | None = None) -> list[SyncResult]:
        """One run for each connection, one after the other (none: an empty list)."""
        return [self.sync(record.id, since=since) for record in self._connections.all()]

    def status(self) -> list[ConnectionSyncStatus]:
        """Each connection with its cached orders and its last successful sync."""
        statuses = []
        for record in self._connections.all():
            last = self._state.last_success(record.id)
            statuses.append(ConnectionSyncStatus(
                record, self._orders.count(record.id),
                last.finished_at if last and last.finished_at else None))
        return statuses

    def refresh_reference_data(self, connection: ConnectionRecord, *,
                               force: bool = False) -> Changes:
        changes = Changes.of(connections=[connection.id]) \
            if self._reference.refresh(connection, force=force) else Changes()
        return self._feed.publish(changes)

    def refresh_order(self, order_pk: int) -> None:
        """Re-read one cached order from the store now (before it is marked shipped).

        Flags it if the store changed it under the packer; raises StoreError when the store
        cannot be reached (the caller decides whether to go on with the cache). Returns None,
        as the packing service's refresher type says; the change is published on the feed."""
        cached = self._orders.get(order_pk)
        if cached is not None:
            self.refresh_orders(cached.connection_id, [cached.snapshot.order_id])

    def refresh_orders(self, connection_id: int, order_ids: Sequence[int]) -> Changes:
        """Re-read cached orders by store id, a few calls per 200 orders (select_many, then
        addresses, customers and products in bulk); saves them with flags like a sync does."""
        connection = self._connections.get(connection_id)
        client = self._clients.for_connection(connection)
        statuses = self._reference.statuses(connection_id)
        ids = list(dict.fromkeys(order_ids))
        run = SyncResult(connection.id, connection.name, 0, "refresh")
        unreadable = Unreadable()
        try:
            with ThreadPoolExecutor(self._network_workers, thread_name_prefix="refresh") as net:
                for i in range(0, len(ids), SELECT_BATCH):
                    raws = client.select_many("orders", ids[i:i + SELECT_BATCH],
                                              expand=ORDER_EXPAND.split(","), batch=SELECT_BATCH)
                    snapshots = unreadable.snapshots(raws)
                    if snapshots:
                        self._pages.keep_enrich_save(connection, client, statuses, snapshots,
                                                     datetime.min.replace(tzinfo=UTC), run, net,
                                                     force=True)
            if unreadable.skipped or unreadable.read:
                remember_unreadable(self._state, connection.id, unreadable,
                                    replace_unidentified=False)
        finally:  # what was saved before the store failed is changed all the same
            self._feed.publish(run.changes)
        return run.changes

    def skipped_orders(self, connection_id: int) -> list[SkippedOrder]:
        """Orders of this connection the store sent in a shape that cannot be read (each sync
        reads them again); entries without an id are the last run's."""
        return skipped_orders(self._state, connection_id)

    # --- one run ----------------------------------------------------------------------------

    def _sync(self, connection_id: int, since: datetime | None,
              progress: Callable[[SyncProgress], None], cancel: threading.Event) -> SyncResult:
        connection = self._connections.get(connection_id)
        kind = "manual" if since else "incremental"
        result = SyncResult(connection_id, connection.name,
                            self._state.start_run(connection_id, kind), kind)
        started = time.monotonic()
        client = self._clients.for_connection(connection)
        before = client.stats
        try:
            progress(SyncProgress(connection_id, "reference"))
            if self._reference.refresh(connection):
                result.reference_refreshed()
            self._sync_orders(connection, client, since, result, progress, cancel)
        except (PackDeskError, OSError) as exc:
            result.outcome = "cancelled" if isinstance(exc, SyncCancelled) else "failed"
            result.error = str(exc)
            result.offline = isinstance(exc, StoreUnavailableError) and exc.status_code is None
            log.warning("Sync of %s %s: %s", connection.name, result.outcome, exc)
        except Exception as exc:  # a bug must not kill the poll timer; the run records it
            result.outcome = "failed"
            result.error = f"Unexpected error: {type(exc).__name__}: {exc}"
            log.exception("Sync of %s failed unexpectedly", connection.name)
        if result.orders_new + result.orders_updated >= ANALYZE_AFTER:
            self._orders.analyze()
        after = client.stats
        result.requests = after.requests - before.requests
        result.bytes_received = after.bytes_received - before.bytes_received
        result.duration_ms = int((time.monotonic() - started) * 1000)
        self._state.finish_run(
            result.run_id, outcome=result.outcome, error=result.error,
            orders_new=result.orders_new, orders_updated=result.orders_updated,
            orders_flagged=result.orders_flagged, requests=result.requests,
            bytes_received=result.bytes_received, duration_ms=result.duration_ms)
        progress(SyncProgress(connection_id, "done", result.orders_read, None,
                              result.orders_new + result.orders_updated))
        return result

    def _sync_orders(self, connection: ConnectionRecord, client: AmeriCommerceClient,
                     since: datetime | None, result: SyncResult,
                     progress: Callable[[SyncProgress], None], cancel: threading.Event) -> None:
        settings = connection.settings
        now = self._clock()
        checkpoint = self._state.checkpoint(connection.id, "orders")
        if since is not None:
            start, window_start = since, since
        elif checkpoint and checkpoint.value:
            start = mapping.timestamp(checkpoint.value) or settings.window_start(now)
            start -= CHECKPOINT_OVERLAP
            window_start = settings.window_start(now)
        else:
            start = window_start = settings.window_start(now)
        statuses = self._reference.statuses(connection.id)
        newest: datetime | None = None
        operator = "gt"
        unreadable = Unreadable()
        with ThreadPoolExecutor(self._network_workers, thread_name_prefix="sync-net") as net, \
                ThreadPoolExecutor(1, thread_name_prefix="sync-save") as saver:
            for _ in range(MAX_PASSES):
                result.passes += 1
                state = self._pass(connection, client, statuses, start, operator, window_start,
                                   result, progress, cancel, net, saver, unreadable)
                if state.newest and (newest is None or state.newest > newest):
                    newest = state.newest
                if not state.moved_from:
                    break
                # Orders changed under us: read again from the earliest place a skip can be.
                start, operator = min(state.moved_from), "gte"
                log.info("Sync of %s: %d order(s) moved during the pass; reading again from %s",
                         connection.name, len(state.moved_from), start)
            else:
                raise StoreResponseError(
                    "Orders kept changing while they were read; the sync will try again.")
            self._retry_unreadable(connection, client, statuses, window_start, result, net,
                                   unreadable)
        if newest is not None and since is None:
            previous = mapping.timestamp(checkpoint.value) if checkpoint and checkpoint.value \
                else None
            if previous is None or newest > previous:
                self._state.set_checkpoint(connection.id, "orders", newest.isoformat())
        elif since is None and checkpoint is None:
            # Nothing in the window yet: start next time from where this run looked.
            self._state.set_checkpoint(connection.id, "orders", start.isoformat())

    def _retry_unreadable(self, connection: ConnectionRecord, client: AmeriCommerceClient,
                          statuses: dict[int, StatusInfo], window_start: datetime,
                          result: SyncResult, net: ThreadPoolExecutor,
                          unreadable: Unreadable) -> None:
        """Read again the orders earlier runs skipped and this run did not meet; keep the list."""
        earlier, _ = self._state.skipped_orders(connection.id)
        retry = sorted(i for i in earlier if i not in unreadable.read
                       and i not in unreadable.skipped)
        if retry:
            raws = client.select_many("orders", retry, expand=ORDER_EXPAND.split(","),
                                      batch=SELECT_BATCH)
            returned = {mapping.identifier(r.get("id")) for r in raws if isinstance(r, dict)}
            for gone in set(retry) - returned:
                log.info("Order %s, skipped before, is no longer in the store", gone)
            for i in range(0, len(raws), self._page_size):
                snapshots = unreadable.snapshots(raws[i:i + self._page_size])
                if snapshots:
                    self._pages.keep_enrich_save(connection, client, statuses, snapshots,
                                                 window_start, result, net)
        remember_unreadable(self._state, connection.id, unreadable, replace_unidentified=True,
                            forget=set(retry))
        result.orders_skipped = [s.as_dict() for s in self.skipped_orders(connection.id)]

    def _pass(self, connection: ConnectionRecord, client: AmeriCommerceClient,
              statuses: dict[int, StatusInfo], start: datetime, operator: str,
              window_start: datetime, result: SyncResult,
              progress: Callable[[SyncProgress], None], cancel: threading.Event,
              net: ThreadPoolExecutor, saver: ThreadPoolExecutor,
              unreadable: Unreadable) -> _Pass:
        settings = connection.settings
        params: dict[str, str | int] = {
            "updated_at": f"{operator}:{query_time(start)}", "sort": "updated_at",
            "count": self._page_size, "expand": ORDER_EXPAND}
        if settings.storefront_ids is not None:
            params["store_id"] = " OR ".join(str(i) for i in settings.storefront_ids)
        state = _Pass()
        pending: list[Future] = []
        read = 0
        for page in client.get_list("/orders", params):
            if cancel.is_set():
                raise SyncCancelled("The sync was cancelled.")
            # Unreadable orders are kept for the next sync, so the checkpoint moves past them.
            snapshots = [s for raw in page.items
                         if (s := unreadable.read_one(raw, state.saw)) is not None]
            read += len(page.items)
            result.orders_read += len(page.items)
            progress(SyncProgress(connection.id, "orders", read, page.total_count,
                                  result.orders_new + result.orders_updated))
            # Bound the work in flight: reading runs ahead of saving by at most a page or two.
            while len(pending) >= IN_FLIGHT_PAGES:
                pending.pop(0).result()
            pending.append(saver.submit(self._pages.keep_enrich_save, connection, client,
                                        statuses, snapshots, window_start, result, net))
        for future in pending:
            future.result()
        return state
