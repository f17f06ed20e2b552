"""The packer's job as a service: split, merge, undo, details, ship, void, acknowledge.

Every change is one unit of work: the new plan, the audit entry and the outbox entries it
causes commit together (or not at all). The store is reached only to re-read an order before it
is marked shipped (unless read under a minute ago); the writes go through the outbox.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from app.clock import Clock, utc_now
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import CachedOrder, OrderRepository
from app.db.repositories.outbox import UNFINISHED, OutboxItem
from app.db.repositories.packing import PackingRepository, QueuedWrite, UnverifiedShipped, Who
from app.db.repositories.station import StationRepository
from app.domain import packing
from app.domain.catalog import ProductInfo
from app.domain.changes import NOTHING, Changes
from app.domain.packing import (
    OrderLines,
    OrderState,
    PackingError,
    Plan,
    ShipmentState,
    StatusPolicy,
)
from app.domain.shipment_input import check_shipment_input
from app.domain.shipments import (
    ShipmentDetails,
    ShipmentRecord,
    UnverifiedConfirmation,
    plan_of,
)
from app.domain.status_rules import status_before_ours
from app.domain.store_info import ShippingServiceInfo
from app.domain.verification import UnverifiedLine, VerificationPolicy, check_ship, unverified_lines
from app.errors import StoreError
from app.services.changes import ChangeFeed

log = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(seconds=60)
PLAN_ACTIONS = ("split", "merge", "undo", "ship", "void")  # what "undo" looks back over
VERIFICATION_POLICY_KEY = "verification_policy"  # meta: this station's policy


class PackingInterrupted(PackingError):
    """The store changed the order since packing began; the packer must acknowledge."""

    def __init__(self, reasons: str) -> None:
        super().__init__(f"The order changed in the store: {reasons}.",
                         hint="Check the order, then acknowledge the change to continue.")
        self.reasons = reasons


def station_label(name: str, station_id: str) -> str:
    """The one way a station is named on screen and by the CLI: "Bench 3 (7F3A2C)"."""
    return f"{name} ({station_id})" if name and name != station_id else station_id


@dataclass(frozen=True)
class Station:
    station_id: str  # short, random, in shipment names
    name: str  # what people call it: "Bench 3"
    packer: str

    @property
    def label(self) -> str:
        return station_label(self.name, self.station_id)

    @property
    def who(self) -> Who:
        return Who(self.station_id, self.name, self.packer)


@dataclass(frozen=True)
class PackingView:
    """Everything the packing screen and `packdesk show` need about one order's shipments."""

    order: CachedOrder
    lines: OrderLines
    plan: Plan
    shipments: tuple[ShipmentRecord, ...]  # saved ones; empty until packing begins
    state: OrderState
    interruption: str  # unacknowledged store change, "" when none
    # shipment pk -> the confirmation it shipped with, for shipments shipped unverified
    confirmations: Mapping[int, UnverifiedConfirmation] = field(default_factory=dict)
    changes: Changes = NOTHING  # what the write that returned this view changed

    def numbered(self) -> list[tuple[int, packing.PlannedShipment, ShipmentRecord | None]]:
        saved = {r.shipment_pk: r for r in self.shipments}
        return [(n, s, saved.get(s.key)) for n, s in self.plan.numbered()]

    def weight(self, shipment: packing.PlannedShipment) -> float:
        return round(sum(self.lines.lines[i].weight * n for i, n in shipment.units.items()), 3)


@dataclass(frozen=True)
class PackingReference:
    """What the packing screen shows beside an order: its products, the store's shipping
    services, the order number prefix and this station's verification policy."""

    products: dict[int, ProductInfo]
    services: tuple[ShippingServiceInfo, ...]
    order_prefix: str
    verification_policy: VerificationPolicy


class PackingService:
    def __init__(self, repo: PackingRepository, orders: OrderRepository,
                 connections: ConnectionRepository, catalog: CatalogRepository,
                 station_settings: StationRepository,
                 refresh_order: Callable[[int], None], station: Callable[[], Station],
                 feed: ChangeFeed, *, clock: Clock = utc_now):
        self._repo = repo
        self._orders = orders
        self._catalog = catalog
        self._station_settings = station_settings
        self._feed = feed
        self._connections = connections
        self._refresh_order = refresh_order  # re-reads one order from the store (the sync's)
        self._station = station
        self._clock = clock

    # --- reading ------------------------------------------------------------------------------

    def view(self, order_pk: int) -> PackingView:
        order = self._orders.get(order_pk)
        if order is None:
            raise PackingError("That order is not in the cache any more.")
        records = self._repo.shipments(order_pk)
        names = [r.shipment_name for r in records]
        lines = OrderLines.of(order.snapshot.lines, order.snapshot.shipments, names)
        plan = (packing.reconcile(plan_of(records), lines) if records
                else packing.initial_plan(lines))
        interruption = order.flag_reason if order.flag_acknowledged_at is None else ""
        return PackingView(order, lines, plan, tuple(records), packing.order_state(plan, lines),
                           interruption, self._confirmations(records))

    def _confirmations(self, records: list[ShipmentRecord]) -> dict[int, UnverifiedConfirmation]:
        shipped_short = [r.shipment_pk for r in records if r.state is ShipmentState.SHIPPED
                         and unverified_lines(r.units, r.verified, {})]
        if not shipped_short:
            return {}
        return self._repo.confirmations(shipped_short)

    def reference(self, view: PackingView) -> PackingReference:
        connection_id = view.order.connection_id
        products = self._catalog.products(
            connection_id, [line.product_id for line in view.lines.lines.values()
                            if line.product_id])
        connection = self._connections.get(connection_id)
        return PackingReference(products, self.shipping_services(connection_id),
                                connection.settings.order_prefix if connection else "",
                                self.verification_policy())

    def shipping_services(self, connection_id: int) -> tuple[ShippingServiceInfo, ...]:
        return tuple(self._connections.shipping_services(connection_id))

    def unverified(self, view: PackingView, number: int) -> list[UnverifiedLine]:
        """Shipment `number`'s lines with units neither scanned nor confirmed by hand."""
        shipment = view.plan.by_number(number)
        record = next((r for n, _, r in view.numbered() if n == number), None)
        return unverified_lines(shipment.units, record.verified if record else {},
                                view.lines.lines)

    # --- this station's verification policy -------------------------------------------------

    def verification_policy(self) -> VerificationPolicy:
        return VerificationPolicy.parse(self._station_settings.get(VERIFICATION_POLICY_KEY))

    def set_verification_policy(self, policy: VerificationPolicy | str) -> VerificationPolicy:
        try:
            policy = VerificationPolicy(policy)
        except ValueError:
            raise PackingError(f"Unknown verification policy {policy!r}; use one of: "
                               + ", ".join(p.value for p in VerificationPolicy)) from None
        self._station_settings.set(VERIFICATION_POLICY_KEY, policy.value)
        self._repo.audit("verification_policy", who=self._station().who, entity="station",
                         entity_id="", details={"policy": policy.value})
        self._feed.publish(Changes.of(station=True))
        return policy

    def begin(self, order_pk: int) -> PackingView:
        """Packing starts: the plan is saved (shipments get names), so scans can be recorded.
        A saved plan is brought in line with the store's current lines."""
        view = self.view(order_pk)
        saved = plan_of(list(view.shipments))
        if view.shipments and view.plan == saved:
            return view
        if not view.plan.shipments and not view.shipments:
            return view  # nothing to pack (all shipped, or no shippable lines)
        return self._save(view, view.plan, "begin", {})

    # --- moving units -------------------------------------------------------------------------

    def split(self, order_pk: int, moves: Mapping[int, int], *, source: int | None = None,
              target: int | None = None) -> PackingView:
        """Move units (line_id -> quantity) to shipment `target` or to a new one. Without a
        `source`, the units come from the open shipment that holds them."""
        view = self.view(order_pk)
        if source is None:
            source = self._source_of(view.plan, moves)
        plan = packing.move_units(view.plan, view.lines, source, moves, target)
        return self._save(view, plan, "split", {"moves": {str(k): v for k, v in moves.items()},
                                                 "from": source, "to": target})

    def merge(self, order_pk: int, numbers: list[int]) -> PackingView:
        view = self.view(order_pk)
        return self._save(view, packing.merge(view.plan, numbers), "merge",
                          {"shipments": numbers})

    def undo(self, order_pk: int) -> PackingView:
        """Undo the last split or merge, if nothing was shipped or voided since."""
        view = self.view(order_pk)
        last = self._repo.last_action(order_pk, PLAN_ACTIONS)
        if last is None or last.action not in ("split", "merge") or "before" not in last.details:
            raise PackingError("There is no split or merge to undo.")
        before = _plan_from_json(last.details["before"])
        if any(s.state is ShipmentState.SHIPPED for s in view.plan.shipments
               if s.key not in {b.key for b in before.shipments}):
            raise PackingError("A shipment made by that split has shipped; void it instead.")
        return self._save(view, packing.reconcile(before, view.lines), "undo", {})

    def _source_of(self, plan: Plan, moves: Mapping[int, int]) -> int:
        for number, shipment in plan.numbered():
            if shipment.state in packing.MOVABLE and all(
                    shipment.units.get(i, 0) >= q for i, q in moves.items()):
                return number
        raise PackingError("No single open shipment holds all those units; say which one "
                           "to take them from.")

    # --- details, shipping, voiding ----------------------------------------------------------

    def set_details(self, order_pk: int, number: int, details: ShipmentDetails) -> PackingView:
        """Carrier, service, tracking, fee, notes — before or after shipping. A change to a
        shipped shipment is a correction: the store gets it through the outbox."""
        return self._set_details(order_pk, number, details)

    def _set_details(self, order_pk: int, number: int, details: ShipmentDetails, *,
                     publish: bool = True) -> PackingView:
        view = self.view(order_pk)
        shipment = view.plan.by_number(number)
        details = self._normalized(details, shipping=shipment.state is ShipmentState.SHIPPED)
        view = self._save(view, view.plan, "details", {"shipment": number}, publish=False) \
            if not view.shipments else view
        pk = self._pk(view, number)
        connection = self._connections.get(view.order.connection_id)
        shipped = shipment.state is ShipmentState.SHIPPED
        correction = ([QueuedWrite(connection.id, "shipment", order_pk, pk)]
                      if shipped and connection.settings.sync_tracking else [])
        queued = self._repo.save_details(order_pk, pk, details, who=self._station().who,
                                         now=self._clock(), correction=shipped,
                                         audit_details={"shipment": number},
                                         queue=lambda _entries: correction)
        return self._published(order_pk, view.changes | Changes.of(
            shipments=[order_pk], outbox=queued), publish=publish)

    def ship(self, order_pk: int, number: int, details: ShipmentDetails | None = None, *,
             acknowledge: bool = False, unverified_reason: str | None = None) -> PackingView:
        """Mark shipment `number` shipped and queue the store update (outbox).

        Units not verified follow the station's policy: refused (VerificationRequired), or
        shipped only with the packer's `unverified_reason` (else UnverifiedUnits), recorded in
        the scan log as who confirmed, when and why."""
        if details is None:  # shipping what was saved: it must hold what a shipment needs
            record = next((r for n, _s, r in self.view(order_pk).numbered() if n == number),
                          None)
            self._normalized(record.details if record else ShipmentDetails(), shipping=True)
        else:  # refused before the store is asked about the order
            details = self._normalized(details, shipping=True)
        view = self._ready_to_ship(order_pk, acknowledge)
        if details is not None:
            view = self._set_details(order_pk, number, details, publish=False)
        plan = packing.mark_shipped(view.plan, view.lines, number)
        missing = self.unverified(view, number)
        reason = check_ship(self.verification_policy(), number, missing, unverified_reason)
        audit_details: dict = {"shipment": number}
        if missing:
            audit_details.update(reason=reason, unverified={
                str(m.line_id): m.missing for m in missing})
        unverified = UnverifiedShipped(plan.by_number(number).key,
                                       tuple(m.line_id for m in missing), reason or "") \
            if missing else None
        view = self._save(view, plan, "ship", audit_details, unverified=unverified,
                          publish=False)
        pk = self._pk(view, number)
        return self._published(order_pk, view.changes | self._after_shipping(view, pk))

    def complete_without_parcel(self, order_pk: int, *, acknowledge: bool = False) -> PackingView:
        """An order of non-shipping lines only (gift cards...): no parcel, the status policy
        still applies."""
        view = self._ready_to_ship(order_pk, acknowledge)
        if not view.lines.all_non_shipping():
            raise PackingError("This order has items to ship; pack and ship them instead.")
        return self._published(order_pk, view.changes | self._after_shipping(view, None))

    def void(self, order_pk: int, number: int) -> PackingView:
        """Void a shipment; its units go back to be packed. A shipped one is deleted from the
        store and, if PackDesk set a status after shipment, the order gets back the status it
        had before (without the customer's email), all in the void's unit of work."""
        view = self.view(order_pk)
        shipment = view.plan.by_number(number)
        pk = self._pk(view, number) if view.shipments else None
        was_shipped = shipment.state is ShipmentState.SHIPPED
        plan = packing.void(view.plan, view.lines, number)
        connection = self._connections.get(view.order.connection_id)

        def queue_store_changes(entries: list[OutboxItem]) -> list[QueuedWrite]:
            if not was_shipped:
                return []
            writes = []
            if pk is not None and connection.settings.sync_tracking:
                writes.append(QueuedWrite(connection.id, "shipment_void", order_pk, pk))
            return writes + self._status_after_void(entries, view.order, connection,
                                                    packing.order_state(plan, view.lines))

        return self._save(view, plan, "void", {"shipment": number}, queue=queue_store_changes)

    def _status_after_void(self, entries: list[OutboxItem], order: CachedOrder,
                           connection: ConnectionRecord, state: OrderState) -> list[QueuedWrite]:
        original = status_before_ours([e.payload for e in entries if e.kind == "status"],
                                      order.snapshot.previous_order_status_id)
        if original is None:
            return []  # PackDesk never changed the status: the store keeps what it has
        settings = connection.settings
        target = packing.status_after_shipment(state, StatusPolicy(
            settings.shipped_status_id, settings.partial_status_id,
            settings.mark_shipped_on_first))
        target = original if target is None else target
        current = _store_status_when_sent(entries, order)
        if target == current:
            return []
        # A re-opened order is no news to the customer: a plain update, no store email.
        return [QueuedWrite(connection.id, "status", order.order_pk, payload={
            "order_status_id": target, "notify": False, "after": state.value,
            "previous_status_id": current, "restore": target == original})]

    def acknowledge(self, order_pk: int) -> Changes:
        self._repo.acknowledge(order_pk, who=self._station().who, now=self._clock())
        return self._feed.publish(Changes.of(orders=[order_pk]))

    # --- internals ----------------------------------------------------------------------------

    def _ready_to_ship(self, order_pk: int, acknowledge: bool) -> PackingView:
        """The order as the store has it now; refused while a store change is unacknowledged."""
        self._reread_if_stale(order_pk)
        view = self.view(order_pk)
        if acknowledge and view.interruption:
            changes = self.acknowledge(order_pk)
            view = replace(self.view(order_pk), changes=changes)
        if view.interruption:
            raise PackingInterrupted(view.interruption)
        return view

    def _reread_if_stale(self, order_pk: int) -> None:
        order = self._orders.get(order_pk)
        if order is None:
            raise PackingError("That order is not in the cache any more.")
        if self._clock() - order.last_read_at < REFRESH_AFTER:
            return
        try:
            self._refresh_order(order_pk)
        except StoreError as exc:
            # Offline: pack on the cache; the outbox checks the order again before pushing.
            log.info("Could not re-read order %s before shipping: %s", order_pk, exc)

    def _after_shipping(self, view: PackingView, shipment_pk: int | None) -> Changes:
        """Queue the shipment and the status the policy sets; returns (unpublished) changes."""
        connection = self._connections.get(view.order.connection_id)
        settings = connection.settings
        state = packing.order_state(view.plan, view.lines)
        status_id = packing.status_after_shipment(state, StatusPolicy(
            settings.shipped_status_id, settings.partial_status_id,
            settings.mark_shipped_on_first))
        order_pk = view.order.order_pk

        def writes(entries: list[OutboxItem]) -> list[QueuedWrite]:
            queued = []
            if shipment_pk is not None and settings.sync_tracking:
                queued.append(QueuedWrite(connection.id, "shipment", order_pk, shipment_pk))
            if status_id is not None:
                # The status it replaces is recorded, so a void can put it back.
                queued.append(QueuedWrite(connection.id, "status", order_pk, payload={
                    "order_status_id": status_id, "notify": settings.notify_customer,
                    "after": state.value,
                    "previous_status_id": _store_status_when_sent(entries, view.order)}))
            return queued

        queued = self._repo.queue(
            order_pk, writes, now=self._clock(), who=self._station().who,
            audit_action="complete_without_parcel" if shipment_pk is None else "")
        return Changes.of(orders=[order_pk], shipments=[order_pk], outbox=queued)

    def _save(self, view: PackingView, plan: Plan, action: str, details: dict, *,
              unverified: UnverifiedShipped | None = None,
              queue: Callable[[list[OutboxItem]], list[QueuedWrite]] | None = None,
              publish: bool = True) -> PackingView:
        """Save the plan with its audit entry; `unverified` scan rows and the entries `queue`
        decides go in the same unit of work. The view returned carries the changes."""
        shipped_before = {r.shipment_pk for r in view.shipments
                          if r.state is ShipmentState.SHIPPED}
        saved = self._repo.save_plan(
            view.order.order_pk, plan, who=self._station().who, now=self._clock(),
            action=action,
            details=lambda keys: {**details, "before": _plan_to_json(view.plan, keys)},
            newly_shipped=[s.key for s in plan.shipments if s.state is ShipmentState.SHIPPED
                           and s.key not in shipped_before],
            unverified=unverified, queue=queue)
        order_pk = view.order.order_pk
        return self._published(order_pk, view.changes | Changes.of(
            orders=[order_pk], shipments=[order_pk], outbox=saved.outbox), publish=publish)

    def _published(self, order_pk: int, changes: Changes, *,
                   publish: bool = True) -> PackingView:
        """The order's view after a write, carrying what it changed (published on the feed
        unless the caller publishes the whole of a longer write itself)."""
        view = replace(self.view(order_pk), changes=changes)
        if publish:
            self._feed.publish(changes)
        return view

    def _pk(self, view: PackingView, number: int) -> int:
        shipment = view.plan.by_number(number)
        if shipment.key < 0:
            raise PackingError("Save the shipment before changing its details.")
        return shipment.key

    @staticmethod
    def _normalized(details: ShipmentDetails, *, shipping: bool) -> ShipmentDetails:
        check = check_shipment_input(details, shipping=shipping)
        if not check.ok:
            raise PackingError(check.message)
        return replace(details, tracking_numbers=check.tracking_numbers,
                       carrier=details.carrier.strip(), service=details.service.strip())


def _store_status_when_sent(entries: list[OutboxItem], order: CachedOrder) -> int | None:
    """The status the store will have once the order's queued status changes are sent: the
    newest unsent one, else the status as last read."""
    unsent = [e for e in entries if e.kind in ("status", "claim") and e.state in UNFINISHED]
    if unsent:
        return int(unsent[-1].payload["order_status_id"])
    return order.snapshot.order_status_id


def _plan_to_json(plan: Plan, keys: Mapping[int, int]) -> list[dict]:
    return [{"key": keys.get(s.key, s.key), "state": s.state.value,
             "units": {str(k): v for k, v in s.units.items()}, "name": s.shipment_name}
            for s in plan.shipments]


def _plan_from_json(data: list[dict]) -> Plan:
    return Plan(tuple(packing.PlannedShipment(
        key=d["key"], state=ShipmentState(d["state"]),
        units={int(k): v for k, v in d["units"].items()}, shipment_name=d.get("name", ""))
        for d in data))
