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
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import LocalWork, OrderRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.domain.connection_settings import StatusInfo
from app.domain.data_problems import (
    CUSTOMER_MISSING,
    NO_SHIP_TO,
    SHIP_TO_MISSING,
    SkippedOrder,
    UnreadableOrder,
    flag_text,
    unknown_status,
)
from app.domain.interruptions import store_changes
from app.domain.orders import OrderSnapshot
from app.domain.store_info import ShippingServiceInfo
from app.errors import PackDeskError, StoreResponseError, StoreUnavailableError
from app.integrations.americommerce import mapping
from app.integrations.americommerce.client import AmeriCommerceClient
from app.services.store_clients import StoreClients

log = logging.getLogger(__name__)

ORDER_EXPAND = "items,payments,shipments,custom_fields"
PRODUCT_EXPAND = ["pictures", "custom_fields", "variant_inventory"]
PAGE_SIZE = 200
SELECT_BATCH = 200  # ids per select_many call (URL length is capped by the client too)
# Re-read a little before the checkpoint: an order whose transaction committed late can carry
# an updated_at just before the newest one we saw. Kept short because every order in the
# overlap is re-read on every poll (stores see bursts of updates from bulk status changes).
CHECKPOINT_OVERLAP = timedelta(seconds=10)
REFERENCE_MAX_AGE = timedelta(hours=1)
PRODUCT_MAX_AGE = timedelta(hours=24)
MAX_PASSES = 4
ANALYZE_AFTER = 1_000  # orders saved in one run before the planner's statistics are refreshed
IN_FLIGHT_PAGES = 2


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
    orders_skipped: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(vars(self))


class SyncCancelled(PackDeskError):
    pass


def utc_now() -> datetime:
    return datetime.now(UTC)


def query_time(moment: datetime) -> str:
    """A filter value the store accepts: UTC with a Z, whole seconds (we overlap anyway)."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


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


@dataclass
class _Unreadable:
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


class _Statuses(dict):
    """The connection's statuses by id; re-read from the store at most once per run when an
    order names one we do not know (a status the merchant added since the last read)."""

    reread = False


class SyncService:
    def __init__(self, connections: ConnectionRepository, orders: OrderRepository,
                 catalog: CatalogRepository, state: SyncStateRepository, clients: StoreClients,
                 *, clock: Callable[[], datetime] = utc_now, network_workers: int = 3,
                 page_size: int = PAGE_SIZE) -> None:
        self._connections = connections
        self._orders = orders
        self._catalog = catalog
        self._state = state
        self._clients = clients
        self._clock = clock
        self._network_workers = network_workers
        self._page_size = page_size
        # One run per connection at a time: the poll timer and "Sync now" may race.
        self._running: set[int] = set()
        self._running_lock = threading.Lock()

    # --- public -----------------------------------------------------------------------------

    def sync(self, connection_id: int, *, since: datetime | None = None,
             progress: Callable[[SyncProgress], None] | None = None,
             cancel: threading.Event | None = None) -> SyncResult:
        """Run one sync; never raises for store trouble (the result says what failed)."""
        with self._running_lock:
            if connection_id in self._running:
                raise PackDeskError("A sync of this connection is already running.")
            self._running.add(connection_id)
        try:
            return self._sync(connection_id, since, progress or (lambda p: None),
                              cancel or threading.Event())
        finally:
            with self._running_lock:
                self._running.discard(connection_id)

    def refresh_reference_data(self, connection: ConnectionRecord, *, force: bool = False) -> None:
        client = self._clients.for_connection(connection)
        checkpoint = self._state.checkpoint(connection.id, "reference")
        if not force and checkpoint and self._clock() - _aware(checkpoint.refreshed_at) \
                < REFERENCE_MAX_AGE:
            return
        statuses = [mapping.status_from_api(s) for s in client.get_all("/order_statuses")]
        self._connections.save_statuses(connection.id, [s for s in statuses if s])
        stores = [mapping.storefront_from_api(s, client.address.origin)
                  for s in client.get_all("/stores")]
        self._connections.save_storefronts(connection.id, [s for s in stores if s])
        self._connections.save_shipping_services(connection.id, self._services(client))
        self._state.set_checkpoint(connection.id, "reference", query_time(self._clock()))

    def refresh_order(self, order_pk: int) -> None:
        """Re-read one cached order from the store now (before it is marked shipped).

        Flags it if the store changed it under the packer; raises StoreError when the store
        cannot be reached (the caller decides whether to go on with the cache)."""
        cached = self._orders.get(order_pk)
        if cached is not None:
            self.refresh_orders(cached.connection_id, [cached.snapshot.order_id])

    def refresh_orders(self, connection_id: int, order_ids: Sequence[int]) -> None:
        """Re-read cached orders by store id, a few calls per 200 orders (select_many, then
        addresses, customers and products in bulk); saves them with flags like a sync does."""
        connection = self._connections.get(connection_id)
        client = self._clients.for_connection(connection)
        statuses = _Statuses({s.id: s for s in self._connections.statuses(connection_id)})
        ids = list(dict.fromkeys(order_ids))
        run = SyncResult(connection.id, connection.name, 0, "refresh")
        unreadable = _Unreadable()
        with ThreadPoolExecutor(self._network_workers, thread_name_prefix="refresh") as net:
            for i in range(0, len(ids), SELECT_BATCH):
                raws = client.select_many("orders", ids[i:i + SELECT_BATCH],
                                          expand=ORDER_EXPAND.split(","), batch=SELECT_BATCH)
                snapshots = unreadable.snapshots(raws)
                if snapshots:
                    self._keep_enrich_save(connection, client, statuses, snapshots,
                                           datetime.min.replace(tzinfo=UTC), run, net,
                                           force=True)
        if unreadable.skipped or unreadable.read:
            self._remember_unreadable(connection.id, unreadable, replace_unidentified=False)

    def skipped_orders(self, connection_id: int) -> list[SkippedOrder]:
        """Orders of this connection the store sent in a shape that cannot be read (each sync
        reads them again); entries without an id are the last run's."""
        by_id, unidentified = self._state.skipped_orders(connection_id)
        return ([SkippedOrder(order_id, reason) for order_id, reason in by_id.items()]
                + [SkippedOrder(None, reason) for reason in unidentified])

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
            self.refresh_reference_data(connection)
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
        statuses = _Statuses({s.id: s for s in self._connections.statuses(connection.id)})
        newest: datetime | None = None
        operator = "gt"
        unreadable = _Unreadable()
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
                          unreadable: _Unreadable) -> None:
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
                    self._keep_enrich_save(connection, client, statuses, snapshots,
                                           window_start, result, net)
        self._remember_unreadable(connection.id, unreadable, replace_unidentified=True,
                                  forget=set(retry))
        result.orders_skipped = [s.as_dict() for s in self.skipped_orders(connection.id)]

    def _remember_unreadable(self, connection_id: int, unreadable: _Unreadable, *,
                             replace_unidentified: bool,
                             forget: Collection[int] = frozenset()) -> None:
        """Merge one run's findings into the kept list: ids read whole (or retried and gone)
        leave it, ids skipped now enter it with their latest reason."""
        by_id, unidentified = self._state.skipped_orders(connection_id)
        kept = {i: r for i, r in by_id.items() if i not in unreadable.read and i not in forget}
        kept.update(unreadable.skipped)
        new_unidentified = list(unreadable.unidentified) if replace_unidentified \
            else unidentified + unreadable.unidentified
        if kept != by_id or new_unidentified != unidentified:  # most runs change nothing
            self._state.set_skipped_orders(connection_id, kept, new_unidentified)

    def _pass(self, connection: ConnectionRecord, client: AmeriCommerceClient,
              statuses: dict[int, StatusInfo], start: datetime, operator: str,
              window_start: datetime, result: SyncResult,
              progress: Callable[[SyncProgress], None], cancel: threading.Event,
              net: ThreadPoolExecutor, saver: ThreadPoolExecutor,
              unreadable: _Unreadable) -> _Pass:
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
            pending.append(saver.submit(self._keep_enrich_save, connection, client, statuses,
                                        snapshots, window_start, result, net))
        for future in pending:
            future.result()
        return state

    # --- per page (on the single saver thread) -----------------------------------------------

    def _keep_enrich_save(self, connection: ConnectionRecord, client: AmeriCommerceClient,
                          statuses: dict[int, StatusInfo], snapshots: Sequence[OrderSnapshot],
                          window_start: datetime, result: SyncResult,
                          net: ThreadPoolExecutor, *, force: bool = False) -> None:
        settings = connection.settings
        cached = self._orders.local_work(connection.id, [s.order_id for s in snapshots])
        keep: dict[int, OrderSnapshot] = {}
        unchanged: list[int] = []
        changed: list[OrderSnapshot] = []
        for snapshot in snapshots:
            work = cached.get(snapshot.order_id)
            if work is not None and work.updated_at == snapshot.updated_at and not force:
                unchanged.append(work.order_pk)  # the overlap re-reads these: nothing to do
            else:
                changed.append(snapshot)
        self._know_statuses(connection, statuses, changed)
        for snapshot in changed:  # later copies of an order in one page win
            if snapshot.order_id in cached or self._imports(settings, statuses, snapshot,
                                                            window_start):
                keep[snapshot.order_id] = snapshot
        self._orders.touch_read(unchanged)
        if not keep:
            return
        enriched = self._enrich(connection, client, list(keep.values()), net)
        flags = {}
        for snapshot in enriched:
            work = cached.get(snapshot.order_id)
            change = self._change(work, snapshot, statuses) \
                if work is not None and work.work_started else None
            problems = list(snapshot.problems)
            if snapshot.order_status_id not in statuses:
                problems.append(unknown_status(snapshot.order_status_id))
            text = flag_text([*(change.reasons if change else ()), *problems])
            known = work.flag_reason if work is not None else ""
            # An acknowledged data problem is not raised again while the store still has it.
            if text and text != known and (change or not all(p in known for p in problems)):
                flags[snapshot.order_id] = text
        claim = ({"order_status_id": settings.claim_status_id,
                  "notify": settings.notify_customer}
                 if settings.claim_status_id is not None else None)
        saved = self._orders.save_snapshots(
            connection.id, enriched, display_number=settings.display_number, flags=flags,
            new_order_tag=settings.new_order_tag, claim=claim)
        result.orders_new += sum(1 for s in saved if s.is_new)
        result.orders_updated += sum(1 for s in saved if s.changed and not s.is_new)
        result.orders_flagged += len(flags)

    def _know_statuses(self, connection: ConnectionRecord, statuses: dict[int, StatusInfo],
                       snapshots: Sequence[OrderSnapshot]) -> None:
        unknown = {s.order_status_id for s in snapshots} - set(statuses)
        if not unknown or getattr(statuses, "reread", True):
            return
        statuses.reread = True  # type: ignore[attr-defined]
        log.info("Order status(es) %s unknown; reading the store's statuses again",
                 ", ".join(str(i) for i in unknown))
        self.refresh_reference_data(connection, force=True)
        statuses.update({s.id: s for s in self._connections.statuses(connection.id)})

    @staticmethod
    def _imports(settings, statuses: dict[int, StatusInfo], snapshot: OrderSnapshot,
                 window_start: datetime) -> bool:
        """The import rule. An order whose status the store's list lacks (even after a
        re-read) is imported and flagged rather than left out without a trace."""
        status = statuses.get(snapshot.order_status_id) \
            if snapshot.order_status_id is not None else None
        created = snapshot.created_at or snapshot.ordered_at
        return ((status is None or settings.imports_status(status))
                and settings.imports_storefront(snapshot.store_id)
                and snapshot.order_type.lower() != "quote"
                and (created is None or created >= window_start))

    @staticmethod
    def _change(work: LocalWork, snapshot: OrderSnapshot, statuses: dict[int, StatusInfo]):
        return store_changes(previous_status_id=work.order_status_id,
                             previous_lines=work.lines,
                             previous_shipment_ids=work.store_shipment_ids, now=snapshot,
                             statuses=statuses, previous_ship_to=work.ship_to,
                             previous_note=work.customer_note,
                             previous_method=work.shipping_method)

    def _enrich(self, connection: ConnectionRecord, client: AmeriCommerceClient,
                snapshots: list[OrderSnapshot], net: ThreadPoolExecutor) -> list[OrderSnapshot]:
        """Addresses, customers and products for a page, in bulk and in parallel."""
        address_ids = {i for s in snapshots
                       for i in (s.shipping_address_id, s.billing_address_id) if i}
        customer_ids = {s.customer_id for s in snapshots if s.customer_id}
        product_ids = self._catalog.ids_to_refresh(
            connection.id, {line.product_id for s in snapshots for line in s.lines
                            if line.product_id}, PRODUCT_MAX_AGE)
        addresses_f = _fan_out(net, client, "order_addresses", address_ids)
        customers_f = _fan_out(net, client, "customers", customer_ids)
        products_f = _fan_out(net, client, "products", product_ids, expand=PRODUCT_EXPAND)
        addresses = {mapping.identifier(a.get("id")): a for a in _gather(addresses_f)}
        customers = {c.customer_id: c for raw in _gather(customers_f)
                     if (c := mapping.customer_from_api(raw))}
        origin = client.address.origin
        bin_field = connection.settings.bin_field_name
        products = [mapping.product_from_api(p, bin_field=bin_field, origin=origin)
                    for p in _gather(products_f)]
        self._catalog.save(connection.id, products)
        enriched = []
        for snapshot in snapshots:
            parts, unread = [], set()
            for kind, address_id in (("shipping", snapshot.shipping_address_id),
                                     ("billing", snapshot.billing_address_id)):
                if address_id in addresses:
                    parts.append(mapping.address_from_api(addresses[address_id], kind))
                elif address_id is not None:
                    unread.add(kind)
            problems = list(snapshot.problems)
            if any(line.is_packable for line in snapshot.lines):
                if snapshot.shipping_address_id is None:
                    problems.append(NO_SHIP_TO)
                elif snapshot.shipping_address_id not in addresses:
                    problems.append(SHIP_TO_MISSING)  # asked twice (the client), still absent
            if snapshot.customer_id is not None and snapshot.customer_id not in customers:
                problems.append(CUSTOMER_MISSING)
                unread.add("customer")
            enriched.append(replace(snapshot, addresses=tuple(parts),
                                    customer=customers.get(snapshot.customer_id),
                                    problems=tuple(problems), unread=frozenset(unread)))
        return enriched

    @staticmethod
    def _services(client: AmeriCommerceClient) -> list[ShippingServiceInfo]:
        services = [mapping.shipping_service_from_api(raw, "provider")
                    for raw in client.get_all("/shipping_provider_services")]
        services += [mapping.shipping_service_from_api(raw, "custom")
                     for raw in client.get_all("/custom_shipping_methods")]
        return [s for s in services if s is not None]


def _fan_out(net: ThreadPoolExecutor, client: AmeriCommerceClient, resource: str,
             ids: Iterable[int], *, expand: list[str] | None = None) -> list[Future]:
    ordered = sorted(ids)
    return [net.submit(client.select_many, resource, ordered[i:i + SELECT_BATCH],
                       expand=expand, batch=SELECT_BATCH)
            for i in range(0, len(ordered), SELECT_BATCH)]


def _gather(futures: list[Future]) -> list[dict]:
    return [item for future in futures for item in future.result()]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
