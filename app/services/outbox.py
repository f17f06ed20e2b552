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

Test seam: `hook(point, entry)` is called at "before_send", "after_send" (response in hand,
nothing committed) and "after_commit". It defaults to None and production never sets it; the
crash tests pass a hook that SIGKILLs the process at one of these points.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, overload
from urllib.parse import quote

from sqlalchemy import select

from app.db.core import SHIPMENTS
from app.db.engine import Database
from app.db.repositories import outbox as rows
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import CachedOrder, OrderRepository, acknowledge_flag, flag_order
from app.db.repositories.outbox import OutboxItem, OutboxListing
from app.db.repositories.shipments import ShipmentRecord, load_shipments
from app.domain.connection_settings import TRACKING_URL_PRESETS, StatusInfo
from app.domain.interruptions import OUR_SHIPMENT_PREFIX
from app.domain.orders import shipped_in_store
from app.domain.packing import ShipmentState
from app.domain.tracking import carrier_key, detect_carrier
from app.errors import PackDeskError, StoreError, StoreNotFoundError, StoreRateLimitedError
from app.integrations.americommerce.mapping import identifier
from app.services.file_lock import ProcessLock
from app.services.store_clients import StoreClients

log = logging.getLogger(__name__)

KINDS = ("shipment", "shipment_void", "status", "claim")
STATUS_KINDS = ("status", "claim")
REFRESH_AFTER = timedelta(seconds=60)
BACKOFF_BASE = timedelta(seconds=15)
BACKOFF_CAP = timedelta(minutes=15)

# What one entry's delivery came to in a run.
SENT, SKIPPED, RETRY, FAILED_NOW, STOPPED_NOW, SUPERSEDED_NOW = (
    "sent", "skipped", "retry", "failed", "stopped", "superseded")

Hook = Callable[[str, OutboxItem], None]
OrderRefresher = Callable[[int, Sequence[int]], None]  # (connection_id, store order ids)


@dataclass(frozen=True)
class StoreRequest:
    """One call to the store, exactly as it would be sent (the dry-run preview)."""

    method: str
    path: str
    body: dict[str, Any] | None

    def as_dict(self) -> dict:
        return {"method": self.method, "path": self.path, "body": self.body}

    def as_text(self) -> str:
        body = json.dumps(self.body, indent=2, ensure_ascii=False) if self.body is not None else ""
        return f"{self.method} {self.path}\n{body}".rstrip()


@dataclass(frozen=True)
class Preview:
    entry_id: int
    kind: str
    state: str
    request: StoreRequest | None  # None: nothing would be sent
    note: str  # why nothing (or something special) would happen

    def as_dict(self) -> dict:
        return {"entry_id": self.entry_id, "kind": self.kind, "state": self.state,
                "request": self.request.as_dict() if self.request else None, "note": self.note}

    def as_text(self) -> str:
        parts = [self.request.as_text() if self.request else "(no call)"]
        if self.note:
            parts.append(f"-- {self.note}")
        return "\n".join(parts)


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

    def as_dict(self) -> dict:
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

    def count(self, outcome: str) -> int:
        return sum(1 for d in self.deliveries if d.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not any(d.outcome in (FAILED_NOW, STOPPED_NOW, RETRY) for d in self.deliveries)

    def merge(self, other: PushResult) -> None:
        self.deliveries += other.deliveries
        self.requests += other.requests
        self.busy = self.busy or other.busy

    def as_dict(self) -> dict:
        return {"sent": self.count(SENT), "skipped": self.count(SKIPPED),
                "superseded": self.count(SUPERSEDED_NOW), "failed": self.count(FAILED_NOW),
                "stopped": self.count(STOPPED_NOW), "retry_later": self.count(RETRY),
                "requests": self.requests, "busy": self.busy,
                "entries": [d.as_dict() for d in self.deliveries]}


def utc_now() -> datetime:
    return datetime.now(UTC)


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    moment = _aware(moment)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


# --- building the requests (pure) -------------------------------------------------------------

def tracking_url(carrier: str, tracking_numbers: Sequence[str],
                 overrides: dict[str, str] | None = None) -> str:
    """The carrier's tracking link for the first tracking number ("" if unknown)."""
    if not tracking_numbers or not carrier.strip():
        return ""
    key = carrier.strip().lower()
    chosen, detected = carrier_key(carrier), detect_carrier(tracking_numbers[0])
    if chosen is not None and detected is not None and detected != chosen:
        key = detected.lower()  # a UPS "1Z" number saved as USPS is still tracked at UPS
    templates = {name.lower(): url for name, url in TRACKING_URL_PRESETS.items()}
    templates.update({name.strip().lower(): url for name, url in (overrides or {}).items()})
    template = templates.get(key)
    if template is None:  # "UPS Ground" typed as the carrier still finds UPS
        template = next((url for name, url in templates.items()
                         if key.split()[0] == name), None)
    if not template or "{tracking}" not in template:
        return ""
    return template.replace("{tracking}", quote(tracking_numbers[0], safe=""))


def shipment_request(order: CachedOrder, record: ShipmentRecord,
                     templates: dict[str, str] | None = None) -> StoreRequest:
    """`POST /order_shipments`: the upsert of one local shipment, from its current row."""
    details = record.details
    weights = {line.line_id: line.weight for line in order.snapshot.lines}
    weight = details.weight_override or round(
        sum(weights.get(i, 0.0) * n for i, n in record.units.items()), 3)
    body: dict[str, Any] = {
        "order_id": order.snapshot.order_id,
        "shipment_name": record.shipment_name,
        "shipped_at": _iso(record.shipped_at),
        "tracking_numbers": ",".join(details.tracking_numbers),
        "tracking_url": tracking_url(details.carrier, details.tracking_numbers, templates),
        "shipping_provider_name": details.carrier,
        "shipping_method": details.service,
    }
    if details.service_id is not None and details.service_type in ("provider", "custom"):
        body["shipping_method_id"] = details.service_id
        body["shipping_method_type"] = details.service_type
    if details.carrier_fee is not None:
        body["provider_total_shipping_cost"] = float(details.carrier_fee)
    body.update({
        "number_of_packages": details.packages,
        "total_weight": weight,
        "shipping_comment": details.buyer_note,
        "items": [{"id": line_id, "quantity_shipped": n}
                  for line_id, n in sorted(record.units.items()) if n > 0],
    })
    return StoreRequest("POST", "/order_shipments", body)


def status_request(order_id: int, status_id: int, notify: bool) -> StoreRequest:
    """With notify the store's events and customer emails fire; without, a plain update."""
    path = f"/orders/{order_id}/status" if notify else f"/orders/{order_id}"
    return StoreRequest("PUT", path, {"order_status_id": status_id})


def void_request(store_shipment_id: int) -> StoreRequest:
    """A voided shipment leaves the store: DELETE (the docs answer 204, the OpenAPI file 200)."""
    return StoreRequest("DELETE", f"/order_shipments/{store_shipment_id}", None)


def stop_reason(kind: str, order: CachedOrder, statuses: dict[int, StatusInfo],
                records: Sequence[ShipmentRecord] = (),
                record: ShipmentRecord | None = None) -> str:
    """Why this entry must not be pushed now ("" = go). Pure.

    The packer's acknowledgement of the order's flag is consent: they saw the change and shipped
    anyway (or retried the stopped entry)."""
    consented = bool(order.flag_reason) and order.flag_acknowledged_at is not None
    if kind in ("shipment", *STATUS_KINDS) and not consented:
        status = statuses.get(order.snapshot.order_status_id or -1)
        if status is not None and status.is_cancelled:
            return f"cancelled in the store ({status.name})"
        if status is not None and status.is_declined:
            return f"payment declined in the store ({status.name})"
    if kind == "shipment" and record is not None and not consented:
        foreign = [s for s in order.snapshot.shipments
                   if not s.shipment_name.startswith(OUR_SHIPMENT_PREFIX)]
        if foreign:
            elsewhere = shipped_in_store(foreign)
            ours: dict[int, int] = {}
            for r in records:
                if r.state is ShipmentState.SHIPPED:
                    for line_id, n in r.units.items():
                        ours[line_id] = ours.get(line_id, 0) + n
            ordered = {line.line_id: line.quantity for line in order.snapshot.lines}
            over = [i for i in record.units
                    if elsewhere.get(i, 0) and elsewhere.get(i, 0) + ours.get(i, 0)
                    > ordered.get(i, 0)]
            if over:
                names = ", ".join(s.shipment_name or f"#{s.shipment_id}" for s in foreign)
                return (f"shipped by another tool ({names}): its shipments already cover "
                        f"{len(over)} line(s) of this shipment")
    return ""


# --- the worker -------------------------------------------------------------------------------

@dataclass
class _Run:
    """One connection's share of a run."""

    connection: ConnectionRecord
    client: Any
    statuses: dict[int, StatusInfo]
    offline: threading.Event = field(default_factory=threading.Event)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, delivery: Delivery) -> Delivery:
        with self.lock:
            self.deliveries.append(delivery)
        return delivery


class OutboxService:
    def __init__(self, db: Database, orders: OrderRepository, connections: ConnectionRepository,
                 clients: StoreClients, refresh_orders: OrderRefresher, *,
                 clock: Callable[[], datetime] = utc_now, lock_path: Path | None = None,
                 workers: int = 4, backoff_base: timedelta = BACKOFF_BASE,
                 backoff_cap: timedelta = BACKOFF_CAP, hook: Hook | None = None) -> None:
        self._db = db
        self._orders = orders
        self._connections = connections
        self._clients = clients
        self._refresh_orders = refresh_orders
        self._clock = clock
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
        return total

    def next_due(self) -> datetime | None:
        """When the next pending entry falls due (for the GUI's timer); None when none."""
        with self._db.read() as session:
            return _aware(rows.next_due(session, KINDS))

    # --- reading and resolving ----------------------------------------------------------------

    def entries(self, *, include_all: bool = False,
                delivered_within: timedelta = timedelta(days=1)) -> list[OutboxListing]:
        """Pending, failed and stopped entries and recent deliveries (or everything)."""
        with self._db.read() as session:
            if include_all:
                return rows.listing(session)
            return rows.listing(session, states=rows.UNFINISHED,
                                delivered_since=self._clock() - delivered_within)

    def entry(self, entry_id: int) -> OutboxListing:
        with self._db.read() as session:
            found = rows.listing(session, entry_ids=[entry_id])
        if not found:
            raise PackDeskError(f"There is no outbox entry {entry_id}.")
        return found[0]

    def waiting_order_pks(self) -> set[int]:
        with self._db.read() as session:
            return rows.waiting_order_pks(session)

    def retry(self, entry_id: int) -> None:
        """A failed or stopped entry is tried again on the next run. Retrying a stopped one
        means the packer has looked at the store's change: the order's flag is acknowledged."""
        listing = self.entry(entry_id)
        if listing.entry.state not in rows.BLOCKING:
            raise PackDeskError(f"Outbox entry {entry_id} is {listing.entry.state}; only failed "
                                "or stopped entries can be retried.")
        now = self._clock()
        with self._db.write() as session:
            rows.retry(session, entry_id, now)
            if listing.entry.state == rows.STOPPED and listing.entry.order_pk is not None:
                acknowledge_flag(session, listing.entry.order_pk, now)

    def retry_failed(self) -> list[int]:
        now = self._clock()
        with self._db.write() as session:
            ids = rows.failed_ids(session)
            for entry_id in ids:
                rows.retry(session, entry_id, now)
        return ids

    def dismiss(self, entry_id: int) -> None:
        """The packer resolved a failed or stopped entry by hand: it will not be sent, and no
        longer holds back the order's later entries."""
        listing = self.entry(entry_id)
        if listing.entry.state not in rows.BLOCKING:
            raise PackDeskError(f"Outbox entry {entry_id} is {listing.entry.state}; only failed "
                                "or stopped entries can be dismissed.")
        note = f"Dismissed by the packer ({listing.entry.last_error})".strip()
        with self._db.write() as session:
            rows.finish(session, entry_id, rows.SUPERSEDED, now=self._clock(), note=note[:2000])

    def preview(self, entry_id: int) -> Preview:
        """Exactly the call the entry would make now, from the cache; nothing is sent."""
        listing = self.entry(entry_id)
        entry = listing.entry
        order = self._orders.get(entry.order_pk) if entry.order_pk is not None else None
        if entry.kind not in KINDS or order is None:
            return Preview(entry_id, entry.kind, entry.state, None,
                           "PackDesk's outbox worker does not send this entry."
                           if entry.kind not in KINDS else "The order is not in the cache.")
        connection = self._connections.get(entry.connection_id)
        statuses = {s.id: s for s in self._connections.statuses(connection.id)}
        with self._db.read() as session:
            records = load_shipments(session, order.order_pk)
        note = "" if entry.state == rows.PENDING else f"This entry is {entry.state}."
        if entry.kind in STATUS_KINDS:
            target = int(entry.payload["order_status_id"])
            request = status_request(order.snapshot.order_id, target,
                                     bool(entry.payload.get("notify", True)))
            if order.snapshot.order_status_id == target:
                note = (note + " The store already has this status (as last read): nothing "
                        "would be sent.").strip()
                return Preview(entry_id, entry.kind, entry.state, request, note)
        else:
            record = next((r for r in records if r.shipment_pk == entry.shipment_pk), None)
            if record is None:
                return Preview(entry_id, entry.kind, entry.state, None,
                               "The shipment no longer exists.")
            if entry.kind == "shipment":
                request = shipment_request(order, record,
                                           dict(connection.settings.tracking_url_templates))
                if record.state is not ShipmentState.SHIPPED:
                    note = (note + f" The shipment is {record.state.value}: nothing would be "
                            "sent.").strip()
            else:
                store_id = self._store_shipment_id(order, record)
                if store_id is None:
                    return Preview(entry_id, entry.kind, entry.state, None,
                                   "The store has no copy of this shipment (as last read): "
                                   "nothing to void.")
                request = void_request(store_id)
        reason = stop_reason(entry.kind, order, statuses, records, next(
            (r for r in records if r.shipment_pk == entry.shipment_pk), None))
        if reason:
            note = (note + f" It would stop: the order was {reason}.").strip()
        return Preview(entry_id, entry.kind, entry.state, request, note)

    # --- one run ------------------------------------------------------------------------------

    def _run(self, connection_id: int | None) -> PushResult:
        now = self._clock()
        with self._db.read() as session:
            unfinished = rows.unfinished(session, KINDS, connection_id)
        chains = _due_chains(unfinished, now)
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
                self._finish(run, chain[0], rows.FAILED, FAILED_NOW,
                             "The order is no longer in PackDesk's cache.")
                continue
            ready.append(chain)
            if self._needs_reread(order, chain, now):
                need[order.order_pk] = order.snapshot.order_id
        if not need:
            return ready
        read_before = {pk: _aware(cached[pk].last_read_at) for pk in need}
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
                if order is None or _aware(order.last_read_at) <= read_before[pk]:
                    self._finish(run, chain[0], rows.FAILED, FAILED_NOW,
                                 f"The store did not return order {need[pk]} when it was read "
                                 "again (deleted in the store?).")
                    continue
            still.append(chain)
        return still

    def _needs_reread(self, order: CachedOrder, chain: list[OutboxItem], now: datetime) -> bool:
        if now - _aware(order.last_read_at) >= REFRESH_AFTER:
            return True
        for entry in chain:
            if entry.kind in STATUS_KINDS and entry.attempts > 0:
                return True  # it may have reached the store: see what the store has now
            if entry.kind == "shipment_void" and entry.shipment_pk is not None:
                with self._db.read() as session:
                    store_id = session.execute(select(SHIPMENTS.c.store_shipment_id)
                                               .where(SHIPMENTS.c.id
                                                      == entry.shipment_pk)).scalar()
                    if store_id is None and rows.ever_attempted(session, entry.shipment_pk):
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
                outcome = self._finish(run, entry, rows.FAILED, FAILED_NOW, str(exc)).outcome
            except Exception as exc:  # a bug must not lose the entry or kill the worker
                log.exception("Outbox entry %s failed unexpectedly", entry.entry_id)
                outcome = self._finish(run, entry, rows.FAILED, FAILED_NOW,
                                       f"Unexpected error: {type(exc).__name__}: {exc}").outcome
            if outcome not in (SENT, SKIPPED, SUPERSEDED_NOW):
                return  # later entries of this order wait behind it

    def _deliver(self, run: _Run, entry: OutboxItem) -> str:
        with self._db.read() as session:
            current = rows.get(session, entry.entry_id)
        if current is None or current.state != rows.PENDING:
            return SUPERSEDED_NOW  # changed by someone else since the run began
        entry = current
        order = self._orders.get(entry.order_pk) if entry.order_pk is not None else None
        if order is None:
            return self._finish(run, entry, rows.FAILED, FAILED_NOW,
                                "The order is no longer in PackDesk's cache.").outcome
        with self._db.read() as session:
            records = load_shipments(session, order.order_pk)
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
            return self._finish(run, entry, rows.SUPERSEDED, SUPERSEDED_NOW,
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
        store_id = identifier(body.get("id"))
        now = self._clock()
        with self._db.write() as session:
            rows.finish(session, entry.entry_id, rows.DELIVERED, now=now,
                        note=f"HTTP {status_code}",
                        payload={**entry.payload, "revision": record.revision,
                                 "store_shipment_id": store_id})
            if store_id is not None:
                rows.record_store_shipment_id(session, record.shipment_pk, store_id)
            revision = session.execute(select(SHIPMENTS.c.revision).where(
                SHIPMENTS.c.id == record.shipment_pk)).scalar()
            if revision == record.revision:
                rows.supersede_later(session, entry, f"Sent with entry {entry.entry_id}.")
        self._after_commit(entry)
        run.add(self._delivery(entry, order, SENT, request, status_code))
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
            with self._db.write() as session:
                rows.finish(session, entry.entry_id, rows.DELIVERED, now=self._clock(),
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
        with self._db.write() as session:
            rows.finish(session, entry.entry_id, rows.DELIVERED, now=self._clock(),
                        note=f"HTTP {status_code}")
            rows.record_status(session, order.order_pk, target)
        self._after_commit(entry)
        run.add(self._delivery(entry, order, SENT, request, status_code))
        return SENT

    def _push_void(self, run: _Run, entry: OutboxItem, order: CachedOrder,
                   record: ShipmentRecord | None) -> str:
        if record is None:
            return self._finish(run, entry, rows.SUPERSEDED, SUPERSEDED_NOW,
                                "Not sent: the shipment no longer exists.").outcome
        if record.state is not ShipmentState.VOID:
            return self._finish(run, entry, rows.SUPERSEDED, SUPERSEDED_NOW,
                                f"Not sent: the shipment is {record.state.value} again.").outcome
        store_id = self._store_shipment_id(order, record)
        if store_id is None:
            with self._db.write() as session:
                rows.finish(session, entry.entry_id, rows.DELIVERED, now=self._clock(),
                            note="The store never had this shipment; nothing to void.")
            run.add(self._delivery(entry, order, SKIPPED, None,
                                   message="The store never had this shipment."))
            return SKIPPED
        request = void_request(store_id)
        sent = self._send(run, entry, request, retry_writes=True, gone_is_done=True)
        if isinstance(sent, str):
            return sent
        status_code, _body = sent
        with self._db.write() as session:
            rows.finish(session, entry.entry_id, rows.DELIVERED, now=self._clock(),
                        note=f"HTTP {status_code}" if status_code else
                        "The store no longer has this shipment.")
        self._after_commit(entry)
        run.add(self._delivery(entry, order, SENT, request, status_code))
        return SENT

    # --- sending and bookkeeping --------------------------------------------------------------

    def _send(self, run: _Run, entry: OutboxItem, request: StoreRequest, *, retry_writes: bool,
              gone_is_done: bool = False) -> tuple[int, dict] | str:
        """Count the attempt, send, and return (status, body) or the outcome of a failure."""
        with self._db.write() as session:
            if not rows.begin_attempt(session, entry):
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
        with self._db.write() as session:
            rows.finish(session, entry.entry_id, rows.FAILED, now=self._clock(),
                        note=message[:2000])
        run.add(self._delivery(entry, order, FAILED_NOW, request, exc.status_code, message))
        return FAILED_NOW

    def _retry_later(self, run: _Run, entry: OutboxItem, exc: StoreError | None, *,
                     count_attempt: bool, request: StoreRequest | None = None) -> str:
        attempts = entry.attempts + (1 if count_attempt else 0)
        delay = min(self._backoff_cap, self._backoff_base * 2 ** max(0, attempts - 1))
        if isinstance(exc, StoreRateLimitedError) and exc.retry_after:
            delay = max(delay, timedelta(seconds=exc.retry_after + 1))
        message = exc.message if exc else "The store could not be reached; trying again later."
        with self._db.write() as session:
            if count_attempt:
                session.execute(rows.OUTBOX.update().where(
                    rows.OUTBOX.c.id == entry.entry_id).values(attempts=attempts))
            rows.reschedule(session, entry.entry_id, next_attempt_at=self._clock() + delay,
                            error=message[:2000])
        order = self._orders.get(entry.order_pk) if entry.order_pk else None
        run.add(self._delivery(entry, order, RETRY, request,
                               exc.status_code if exc else None, message))
        return RETRY

    def _stop(self, run: _Run, entry: OutboxItem, order: CachedOrder, reason: str) -> str:
        text = f"Not pushed: the order was {reason}."
        now = self._clock()
        with self._db.write() as session:
            rows.finish(session, entry.entry_id, rows.STOPPED, now=now, note=text)
            if order.flag_reason != reason or order.flag_acknowledged_at is not None:
                flag_order(session, order.order_pk, reason, now)
        log.info("Outbox entry %s stopped: %s", entry.entry_id, text)
        run.add(self._delivery(entry, order, STOPPED_NOW, message=text))
        return STOPPED_NOW

    def _finish(self, run: _Run, entry: OutboxItem, state: str, outcome: str,
                note: str) -> Delivery:
        with self._db.write() as session:
            rows.finish(session, entry.entry_id, state, now=self._clock(), note=note[:2000])
        order = self._orders.get(entry.order_pk) if entry.order_pk else None
        return run.add(self._delivery(entry, order, outcome, message=note))

    def _after_commit(self, entry: OutboxItem) -> None:
        if self._hook:
            self._hook("after_commit", entry)

    def _store_shipment_id(self, order: CachedOrder, record: ShipmentRecord) -> int | None:
        if record.store_shipment_id is not None:
            return record.store_shipment_id
        return next((s.shipment_id for s in order.snapshot.shipments
                     if s.shipment_name == record.shipment_name), None)

    @staticmethod
    def _delivery(entry: OutboxItem, order: CachedOrder | None, outcome: str,
                  request: StoreRequest | None = None, status_code: int | None = None,
                  message: str = "") -> Delivery:
        return Delivery(entry.entry_id, entry.connection_id, entry.order_pk,
                        order.snapshot.order_id if order else None, entry.kind, outcome,
                        request, status_code, message)


def _due_chains(unfinished: list[OutboxItem], now: datetime) -> list[list[OutboxItem]]:
    """Per order, the entries that may go now: from the head of its queue, while pending and
    due. An order whose head is failed, stopped or waiting for its retry time has none."""
    by_order: dict[int, list[OutboxItem]] = {}
    for entry in unfinished:
        if entry.order_pk is not None:
            by_order.setdefault(entry.order_pk, []).append(entry)
    chains = []
    for entries in by_order.values():
        chain = []
        for entry in entries:  # already in id order
            due = entry.next_attempt_at is None or _aware(entry.next_attempt_at) <= now
            if entry.state != rows.PENDING or not due:
                break
            chain.append(entry)
        if chain:
            chains.append(chain)
    chains.sort(key=lambda c: c[0].entry_id)
    return chains


# --- re-reading orders in bulk ----------------------------------------------------------------

def bulk_refresher(sync: Any) -> OrderRefresher:
    """(connection_id, store order ids) -> re-read those orders in bulk (the sync's own)."""
    return sync.refresh_orders
