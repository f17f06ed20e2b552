"""Delivering the outbox: shipments and status changes pushed to the store, exactly once.

The packing service writes each local change and its outbox entries in one transaction; this
worker sends them. Qt-free: the GUI runs `run_until_idle` on its network pool, the CLI runs
`packdesk push`.

Order: an order's entries go strictly in queue order (its status never overtakes its shipment);
a failed or stopped entry holds back the later entries of the same order until it is retried or
dismissed. Different orders go in parallel, all paced by the connection's one shared client
(and so its one throttle).

Exactly once, whatever point a crash or kill hits:
- Each attempt is counted (committed) before anything is sent.
- A shipment push is an upsert keyed by its deterministic `shipment_name`, built from the
  shipment's row at send time: sending it again after a crash updates the same store shipment.
- A status change is sent without client-side retries (a retried PUT could email the customer
  twice). An entry that was attempted before (so the store may have it) forces a fresh read of
  the order first, and a status the store already has completes without a call.
- A void looks the store's shipment up by name after such a read when its id was never recorded.

Before an order's entries are pushed, the order is re-read (in bulk, `select_many`) unless it was
read under a minute ago. If the store cancelled or declined it, or another tool's shipments
already cover the units, the entry stops, the order is flagged and nothing is sent. Statuses and
shipments PackDesk made itself (`PD-*`) never stop anything.

Void: a pushed shipment that is voided is deleted from the store
(`DELETE /order_shipments/{id}`); a 404 means an earlier try already did it.

Request building and the stop rules are pure (outbox_requests.py, outbox_rules.py); what a run
came to is outbox_results.py; the SQL is OutboxRepository's. Every write's `Changes` is published
on the feed the composition root gives (a run publishes once per connection).

The delivery threads are the service's own, made per run: DESIGN's "network work runs in
parallel" happens here across orders, while the named pools (app/ui/tasks.py) are Qt and the CLI
has none. The GUI runs the whole run on its "network" pool; the run's few threads end with it.

Test seam: `hook(point, entry)` is called at "before_send", "after_send" (response in hand,
nothing committed) and "after_commit". It defaults to None and production never sets it; the
crash tests pass a hook that SIGKILLs the process at one of these points.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.clock import Clock, utc_now
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import CachedOrder, OrderRepository
from app.db.repositories.outbox import (
    DELIVERED,
    FAILED,
    PENDING,
    SUPERSEDED,
    OutboxItem,
    OutboxRepository,
)
from app.db.repositories.shipments import ShipmentRecord
from app.domain.changes import NOTHING, Changes
from app.domain.connection_settings import StatusInfo
from app.domain.packing import ShipmentState
from app.errors import PackDeskError, StoreError, StoreNotFoundError, StoreRateLimitedError
from app.integrations.americommerce.mapping import identifier
from app.services.changes import ChangeFeed
from app.services.file_lock import ProcessLock
from app.services.outbox_desk import OutboxDesk
from app.services.outbox_requests import (
    StoreRequest,
    shipment_request,
    status_request,
    store_shipment_id,
    void_request,
)
from app.services.outbox_results import (
    FAILED_NOW,
    RETRY,
    SENT,
    SKIPPED,
    STOPPED_NOW,
    SUPERSEDED_NOW,
    Delivery,
    PushResult,
)
from app.services.outbox_rules import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    KINDS,
    REFRESH_AFTER,
    STATUS_KINDS,
    due_chains,
    stop_reason,
)
from app.services.store_clients import StoreClients

# What the UI and the CLI take from here (the rest of a run's vocabulary is outbox_results').
__all__ = ["FAILED_NOW", "SENT", "SKIPPED", "STOPPED_NOW", "OutboxService", "PushResult",
           "bulk_refresher"]

log = logging.getLogger(__name__)

Hook = Callable[[str, OutboxItem], None]
OrderRefresher = Callable[[int, Sequence[int]], None]  # (connection_id, store order ids)


@dataclass
class _Run:
    """One connection's share of a run."""

    connection: ConnectionRecord
    client: Any
    statuses: dict[int, StatusInfo]
    offline: threading.Event = field(default_factory=threading.Event)
    deliveries: list[Delivery] = field(default_factory=list)
    changes: Changes = NOTHING
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, delivery: Delivery, changes: Changes = NOTHING) -> Delivery:
        """`changes`: what the delivery's write changed besides the entry and its order."""
        touched = Changes.of(outbox=[delivery.entry_id], orders=[delivery.order_pk]
                             if delivery.order_pk is not None else None) | changes
        with self.lock:
            self.deliveries.append(delivery)
            self.changes = self.changes | touched
        return delivery


class OutboxService(OutboxDesk):
    """Delivers the outbox (run_once, run_until_idle); the packer's side is OutboxDesk's."""

    def __init__(self, outbox: OutboxRepository, orders: OrderRepository,
                 connections: ConnectionRepository, clients: StoreClients,
                 refresh_orders: OrderRefresher, *, feed: ChangeFeed | None = None,
                 clock: Clock = utc_now, lock_path: Path | None = None,
                 workers: int = 4, backoff_base: timedelta = BACKOFF_BASE,
                 backoff_cap: timedelta = BACKOFF_CAP, hook: Hook | None = None) -> None:
        super().__init__(outbox, orders, connections, feed=feed or ChangeFeed(), clock=clock)
        self._clients = clients
        self._refresh_orders = refresh_orders
        self._workers = max(1, workers)
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._hook = hook
        # One pusher per data folder (GUI worker or `packdesk push`), across processes.
        self._process_lock = ProcessLock(lock_path)
        self._run_lock = threading.Lock()  # one run at a time within this process

    # --- running ------------------------------------------------------------------------------

    def run_once(self, *, connection_id: int | None = None) -> PushResult:
        """Deliver every entry due now (each order's queue until it is empty or blocked).
        Never raises for store trouble: the result and the entries say what happened."""
        if not self._run_lock.acquire(blocking=False):
            return PushResult(busy=True)
        try:
            if not self._process_lock.acquire():
                return PushResult(busy=True)
            try:
                return self._run(connection_id)
            finally:
                self._process_lock.release()
        finally:
            self._run_lock.release()

    def run_until_idle(self, stop: threading.Event | None = None, *,
                       connection_id: int | None = None) -> PushResult:
        """Run passes until one finds nothing due (or `stop` is set): for the GUI's worker."""
        stop = stop or threading.Event()
        total = PushResult()
        while not stop.is_set():
            result = self.run_once(connection_id=connection_id)
            total.merge(result)
            if result.busy or not result.deliveries:
                break
        total.next_due = self.next_due()  # read here, off the GUI thread, for its timer
        return total

    # --- one run ------------------------------------------------------------------------------

    def _run(self, connection_id: int | None) -> PushResult:
        now = self._clock()
        chains = due_chains(self._outbox.unfinished(KINDS, connection_id), now)
        result = PushResult()
        by_connection: dict[int, list[list[OutboxItem]]] = {}
        for chain in chains:
            by_connection.setdefault(chain[0].connection_id, []).append(chain)
        for cid, connection_chains in by_connection.items():
            connection = self._connections.get(cid)
            if not connection.enabled:
                continue
            client = self._clients.for_connection(connection)
            before = client.stats.requests
            run = _Run(connection, client,
                       {s.id: s for s in self._connections.statuses(cid)})
            try:
                ready = self._reread(run, connection_chains)
                if ready:
                    with ThreadPoolExecutor(min(self._workers, len(ready)),
                                            thread_name_prefix="outbox") as pool:
                        for future in [pool.submit(self._deliver_chain, run, chain)
                                       for chain in ready]:
                            future.result()
            finally:
                result.deliveries += sorted(run.deliveries, key=lambda d: d.entry_id)
                result.requests += client.stats.requests - before
                result.changes = result.changes | self._feed.publish(run.changes)
        return result

    def _reread(self, run: _Run, chains: list[list[OutboxItem]]) -> list[list[OutboxItem]]:
        """Re-read (in bulk) the orders that need it; return the chains that may go ahead."""
        now = self._clock()
        cached = {chain[0].order_pk: self._orders.get(chain[0].order_pk) for chain in chains}
        need: dict[int, int] = {}  # order_pk -> store order id
        ready: list[list[OutboxItem]] = []
        for chain in chains:
            order = cached[chain[0].order_pk]
            if order is None:
                self._finish(run, chain[0], FAILED, FAILED_NOW,
                             "The order is no longer in PackDesk's cache.")
                continue
            ready.append(chain)
            if self._needs_reread(order, chain, now):
                need[order.order_pk] = order.snapshot.order_id
        if not need:
            return ready
        read_before = {pk: cached[pk].last_read_at for pk in need}
        try:
            self._refresh_orders(run.connection.id, list(need.values()))
        except StoreError as exc:
            log.info("Outbox: could not re-read %d order(s) of %s: %s", len(need),
                     run.connection.name, exc)
            for chain in ready:
                if chain[0].order_pk in need:
                    self._retry_later(run, chain[0], exc, count_attempt=True)
            return [c for c in ready if c[0].order_pk not in need]
        still: list[list[OutboxItem]] = []
        for chain in ready:
            pk = chain[0].order_pk
            if pk in need:
                order = self._orders.get(pk)
                if order is None or order.last_read_at <= read_before[pk]:
                    self._finish(run, chain[0], FAILED, FAILED_NOW,
                                 f"The store did not return order {need[pk]} when it was read "
                                 "again (deleted in the store?).")
                    continue
            still.append(chain)
        return still

    def _needs_reread(self, order: CachedOrder, chain: list[OutboxItem], now: datetime) -> bool:
        if now - order.last_read_at >= REFRESH_AFTER:
            return True
        for entry in chain:
            if entry.kind in STATUS_KINDS and entry.attempts > 0:
                return True  # it may have reached the store: see what the store has now
            if entry.kind == "shipment_void" and entry.shipment_pk is not None \
                    and self._outbox.pushed_without_store_id(entry.shipment_pk):
                return True  # pushed, id never recorded: find it by name
        return False

    def _deliver_chain(self, run: _Run, chain: list[OutboxItem]) -> None:
        for entry in chain:
            if run.offline.is_set():
                self._retry_later(run, entry, None, count_attempt=False)
                return
            try:
                outcome = self._deliver(run, entry)
            except PackDeskError as exc:
                outcome = self._finish(run, entry, FAILED, FAILED_NOW, str(exc)).outcome
            except Exception as exc:  # a bug must not lose the entry or kill the worker
                log.exception("Outbox entry %s failed unexpectedly", entry.entry_id)
                outcome = self._finish(run, entry, FAILED, FAILED_NOW,
                                       f"Unexpected error: {type(exc).__name__}: {exc}").outcome
            if outcome not in (SENT, SKIPPED, SUPERSEDED_NOW):
                return  # later entries of this order wait behind it

    def _deliver(self, run: _Run, entry: OutboxItem) -> str:
        current = self._outbox.get(entry.entry_id)
        if current is None or current.state != PENDING:
            return SUPERSEDED_NOW  # changed by someone else since the run began
        entry = current
        order = self._orders.get(entry.order_pk) if entry.order_pk is not None else None
        if order is None:
            return self._finish(run, entry, FAILED, FAILED_NOW,
                                "The order is no longer in PackDesk's cache.").outcome
        records = self._outbox.shipments(order.order_pk)
        if entry.kind in STATUS_KINDS:
            return self._push_status(run, entry, order)
        record = next((r for r in records if r.shipment_pk == entry.shipment_pk), None)
        if entry.kind == "shipment":
            return self._push_shipment(run, entry, order, records, record)
        return self._push_void(run, entry, order, record)

    # --- the three kinds ----------------------------------------------------------------------

    def _push_shipment(self, run: _Run, entry: OutboxItem, order: CachedOrder,
                       records: list[ShipmentRecord], record: ShipmentRecord | None) -> str:
        if record is None or record.state is not ShipmentState.SHIPPED:
            what = "no longer exists" if record is None else f"is {record.state.value}"
            return self._finish(run, entry, SUPERSEDED, SUPERSEDED_NOW,
                                f"Not sent: the shipment {what}.").outcome
        reason = stop_reason("shipment", order, run.statuses, records, record)
        if reason:
            return self._stop(run, entry, order, reason)
        request = shipment_request(order, record,
                                   dict(run.connection.settings.tracking_url_templates))
        sent = self._send(run, entry, request, retry_writes=True)
        if isinstance(sent, str):
            return sent
        status_code, body = sent
        superseded = self._outbox.shipment_delivered(
            entry, record, store_id=identifier(body.get("id")), now=self._clock(),
            note=f"HTTP {status_code}")
        self._after_commit(entry)
        run.add(self._delivery(entry, order, SENT, request, status_code),
                Changes.of(outbox=superseded, shipments=[order.order_pk]))
        return SENT

    def _push_status(self, run: _Run, entry: OutboxItem, order: CachedOrder) -> str:
        target = int(entry.payload["order_status_id"])
        reason = stop_reason(entry.kind, order, run.statuses)
        if reason:
            return self._stop(run, entry, order, reason)
        request = status_request(order.snapshot.order_id, target,
                                 bool(entry.payload.get("notify", True)))
        if order.snapshot.order_status_id == target:
            # No second customer email: the store has it (our earlier attempt, or the merchant).
            self._outbox.finish(entry.entry_id, DELIVERED, now=self._clock(),
                                note="The store already had this status; nothing was sent.")
            run.add(self._delivery(entry, order, SKIPPED, request,
                                   message="The store already had this status."))
            return SKIPPED
        # No client-side retries: a PUT that reached the store but whose answer was lost would
        # be sent twice. The entry is retried later instead, after re-reading the order.
        sent = self._send(run, entry, request, retry_writes=False)
        if isinstance(sent, str):
            return sent
        status_code, _body = sent
        self._outbox.status_delivered(entry.entry_id, order.order_pk, target, now=self._clock(),
                                      note=f"HTTP {status_code}")
        self._after_commit(entry)
        run.add(self._delivery(entry, order, SENT, request, status_code))
        return SENT

    def _push_void(self, run: _Run, entry: OutboxItem, order: CachedOrder,
                   record: ShipmentRecord | None) -> str:
        if record is None:
            return self._finish(run, entry, SUPERSEDED, SUPERSEDED_NOW,
                                "Not sent: the shipment no longer exists.").outcome
        if record.state is not ShipmentState.VOID:
            return self._finish(run, entry, SUPERSEDED, SUPERSEDED_NOW,
                                f"Not sent: the shipment is {record.state.value} again.").outcome
        store_id = store_shipment_id(order, record)
        if store_id is None:
            self._outbox.finish(entry.entry_id, DELIVERED, now=self._clock(),
                                note="The store never had this shipment; nothing to void.")
            run.add(self._delivery(entry, order, SKIPPED, None,
                                   message="The store never had this shipment."))
            return SKIPPED
        request = void_request(store_id)
        sent = self._send(run, entry, request, retry_writes=True, gone_is_done=True)
        if isinstance(sent, str):
            return sent
        status_code, _body = sent
        self._outbox.finish(entry.entry_id, DELIVERED, now=self._clock(),
                            note=f"HTTP {status_code}" if status_code else
                            "The store no longer has this shipment.")
        self._after_commit(entry)
        run.add(self._delivery(entry, order, SENT, request, status_code))
        return SENT

    # --- sending and bookkeeping --------------------------------------------------------------

    def _send(self, run: _Run, entry: OutboxItem, request: StoreRequest, *, retry_writes: bool,
              gone_is_done: bool = False) -> tuple[int, dict] | str:
        """Count the attempt, send, and return (status, body) or the outcome of a failure."""
        if not self._outbox.begin_attempt(entry):
            return SUPERSEDED_NOW
        if self._hook:
            self._hook("before_send", entry)
        attempted = OutboxItem(**{**vars(entry), "attempts": entry.attempts + 1})
        try:
            if request.method == "POST":
                status_code, body = run.client.post(request.path, request.body,
                                                    retry_writes=retry_writes)
            elif request.method == "DELETE":
                run.client.delete(request.path, retry_writes=retry_writes)
                status_code, body = 204, {}
            else:
                body = run.client.put(request.path, request.body, retry_writes=retry_writes)
                status_code = 200
        except StoreNotFoundError as exc:
            if gone_is_done:
                return 0, {}
            return self._failed(run, attempted, request, exc)
        except StoreError as exc:
            if exc.retryable:
                if getattr(exc, "unreachable", False):
                    # Nobody answers: the other orders wait for the next run. A connection
                    # dropped after sending only holds back this order's chain.
                    run.offline.set()
                return self._retry_later(run, attempted, exc, count_attempt=False,
                                         request=request)
            return self._failed(run, attempted, request, exc)
        if self._hook:
            self._hook("after_send", entry)
        return status_code, body

    def _failed(self, run: _Run, entry: OutboxItem, request: StoreRequest,
                exc: StoreError) -> str:
        message = exc.message
        if exc.details and exc.details not in message:
            message = f"{message} ({exc.details})"
        order = self._orders.get(entry.order_pk) if entry.order_pk else None
        self._outbox.finish(entry.entry_id, FAILED, now=self._clock(), note=message[:2000])
        run.add(self._delivery(entry, order, FAILED_NOW, request, exc.status_code, message))
        return FAILED_NOW

    def _retry_later(self, run: _Run, entry: OutboxItem, exc: StoreError | None, *,
                     count_attempt: bool, request: StoreRequest | None = None) -> str:
        attempts = entry.attempts + (1 if count_attempt else 0)
        delay = min(self._backoff_cap, self._backoff_base * 2 ** max(0, attempts - 1))
        if isinstance(exc, StoreRateLimitedError) and exc.retry_after:
            delay = max(delay, timedelta(seconds=exc.retry_after + 1))
        message = exc.message if exc else "The store could not be reached; trying again later."
        self._outbox.reschedule(entry.entry_id, next_attempt_at=self._clock() + delay,
                                error=message[:2000], attempts=attempts if count_attempt else None)
        order = self._orders.get(entry.order_pk) if entry.order_pk else None
        run.add(self._delivery(entry, order, RETRY, request,
                               exc.status_code if exc else None, message))
        return RETRY

    def _stop(self, run: _Run, entry: OutboxItem, order: CachedOrder, reason: str) -> str:
        text = f"Not pushed: the order was {reason}."
        flag = order.flag_reason != reason or order.flag_acknowledged_at is not None
        self._outbox.stop(entry.entry_id, now=self._clock(), note=text, reason=reason,
                          flag_order_pk=order.order_pk if flag else None)
        log.info("Outbox entry %s stopped: %s", entry.entry_id, text)
        run.add(self._delivery(entry, order, STOPPED_NOW, message=text),
                Changes.of(marks=[order.order_pk] if flag else None))
        return STOPPED_NOW

    def _finish(self, run: _Run, entry: OutboxItem, state: str, outcome: str,
                note: str) -> Delivery:
        self._outbox.finish(entry.entry_id, state, now=self._clock(), note=note[:2000])
        order = self._orders.get(entry.order_pk) if entry.order_pk else None
        return run.add(self._delivery(entry, order, outcome, message=note))

    def _after_commit(self, entry: OutboxItem) -> None:
        if self._hook:
            self._hook("after_commit", entry)

    @staticmethod
    def _delivery(entry: OutboxItem, order: CachedOrder | None, outcome: str,
                  request: StoreRequest | None = None, status_code: int | None = None,
                  message: str = "") -> Delivery:
        return Delivery(entry.entry_id, entry.connection_id, entry.order_pk,
                        order.snapshot.order_id if order else None, entry.kind, outcome,
                        request, status_code, message)


# --- re-reading orders in bulk ----------------------------------------------------------------

def bulk_refresher(sync: Any) -> OrderRefresher:
    """(connection_id, store order ids) -> re-read those orders in bulk (the sync's own)."""
    return sync.refresh_orders
