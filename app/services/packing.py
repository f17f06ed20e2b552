"""The packer's job as a service: split, merge, undo, details, ship, void, acknowledge.

Every change is one unit of work: the new plan, the audit entry and the outbox entries it
causes commit together (or not at all). The store is reached only to re-read an order before it
is marked shipped (unless read under a minute ago); the writes go through the outbox.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from app.db.core import LINES, ORDERS, SCANS
from app.db.engine import Database
from app.db.repositories import shipments as shipment_rows
from app.db.repositories.audit import last_for
from app.db.repositories.audit import record as audit
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import CachedOrder, OrderRepository, acknowledge_flag
from app.db.repositories.outbox import UNFINISHED, enqueue, entries_for_order
from app.db.repositories.shipments import ShipmentDetails, ShipmentRecord
from app.db.repositories.station import StationRepository
from app.domain import packing
from app.domain.packing import (
    OrderLines,
    OrderState,
    PackingError,
    Plan,
    ShipmentState,
    StatusPolicy,
)
from app.domain.scanning import ScanResult
from app.domain.shipment_input import check_shipment_input
from app.domain.status_rules import status_before_ours
from app.domain.verification import UnverifiedLine, VerificationPolicy, check_ship, unverified_lines
from app.errors import StoreError

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


@dataclass(frozen=True)
class UnverifiedConfirmation:
    """A shipment shipped with units not verified: who confirmed it, when, and why."""

    station: str
    packer: str
    at: datetime
    reason: str


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

    def numbered(self) -> list[tuple[int, packing.PlannedShipment, ShipmentRecord | None]]:
        saved = {r.shipment_pk: r for r in self.shipments}
        return [(n, s, saved.get(s.key)) for n, s in self.plan.numbered()]

    def weight(self, shipment: packing.PlannedShipment) -> float:
        return round(sum(self.lines.lines[i].weight * n for i, n in shipment.units.items()), 3)


def _now() -> datetime:
    return datetime.now(UTC)


class PackingService:
    def __init__(self, db: Database, orders: OrderRepository,
                 connections: ConnectionRepository, refresh_order: Callable[[int], None],
                 station: Callable[[], Station], *, clock: Callable[[], datetime] = _now):
        self._db = db
        self._orders = orders
        self._connections = connections
        self._refresh_order = refresh_order  # re-reads one order from the store (the sync's)
        self._station = station
        self._clock = clock

    # --- reading ------------------------------------------------------------------------------

    def view(self, order_pk: int) -> PackingView:
        order = self._orders.get(order_pk)
        if order is None:
            raise PackingError("That order is not in the cache any more.")
        with self._db.read() as session:
            records = shipment_rows.load_shipments(session, order_pk)
        names = [r.shipment_name for r in records]
        lines = OrderLines.of(order.snapshot.lines, order.snapshot.shipments, names)
        plan = (packing.reconcile(shipment_rows.plan_of(records), lines) if records
                else packing.initial_plan(lines))
        interruption = order.flag_reason if order.flag_acknowledged_at is None else ""
        return PackingView(order, lines, plan, tuple(records), packing.order_state(plan, lines),
                           interruption, self._confirmations(records))

    def _confirmations(self, records: list[ShipmentRecord]) -> dict[int, UnverifiedConfirmation]:
        shipped_short = [r.shipment_pk for r in records if r.state is ShipmentState.SHIPPED
                         and unverified_lines(r.units, r.verified, {})]
        if not shipped_short:
            return {}
        with self._db.read() as session:
            rows = session.execute(select(SCANS).where(
                SCANS.c.shipment_pk.in_(shipped_short),
                SCANS.c.result == ScanResult.SHIPPED_UNVERIFIED.value).order_by(SCANS.c.id))
            return {r.shipment_pk: UnverifiedConfirmation(r.station, r.packer, r.scanned_at,
                                                          r.value) for r in rows}

    def unverified(self, view: PackingView, number: int) -> list[UnverifiedLine]:
        """Shipment `number`'s lines with units neither scanned nor confirmed by hand."""
        shipment = view.plan.by_number(number)
        record = next((r for n, _, r in view.numbered() if n == number), None)
        return unverified_lines(shipment.units, record.verified if record else {},
                                view.lines.lines)

    # --- this station's verification policy -------------------------------------------------

    def verification_policy(self) -> VerificationPolicy:
        return VerificationPolicy.parse(StationRepository(self._db).get(VERIFICATION_POLICY_KEY))

    def set_verification_policy(self, policy: VerificationPolicy | str) -> VerificationPolicy:
        try:
            policy = VerificationPolicy(policy)
        except ValueError:
            raise PackingError(f"Unknown verification policy {policy!r}; use one of: "
                               + ", ".join(p.value for p in VerificationPolicy)) from None
        StationRepository(self._db).set(VERIFICATION_POLICY_KEY, policy.value)
        with self._db.write() as session:
            audit(session, "verification_policy", **self._who(), entity="station",
                  entity_id="", details={"policy": policy.value})
        return policy

    def begin(self, order_pk: int) -> PackingView:
        """Packing starts: the plan is saved (shipments get names), so scans can be recorded.
        A saved plan is brought in line with the store's current lines."""
        view = self.view(order_pk)
        saved = shipment_rows.plan_of(list(view.shipments))
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
        with self._db.read() as session:
            last = last_for(session, "order", order_pk, PLAN_ACTIONS)
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
        view = self.view(order_pk)
        shipment = view.plan.by_number(number)
        details = self._normalized(details, shipping=shipment.state is ShipmentState.SHIPPED)
        view = self._save(view, view.plan, "details", {"shipment": number}) \
            if not view.shipments else view
        pk = self._pk(view, number)
        connection = self._connections.get(view.order.connection_id)
        now = self._clock()
        with self._db.write() as session:
            shipped = shipment.state is ShipmentState.SHIPPED
            shipment_rows.save_details(session, pk, details, now=now, bump_revision=shipped)
            if shipped and connection.settings.sync_tracking:
                enqueue(session, connection_id=connection.id, kind="shipment", now=now,
                        order_pk=order_pk, shipment_pk=pk)
            audit(session, "correct" if shipped else "details", **self._who(),
                  entity="order", entity_id=order_pk, details={"shipment": number})
        return self.view(order_pk)

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
            view = self.set_details(order_pk, number, details)
        plan = packing.mark_shipped(view.plan, view.lines, number)
        missing = self.unverified(view, number)
        reason = check_ship(self.verification_policy(), number, missing, unverified_reason)
        audit_details: dict = {"shipment": number}
        if missing:
            audit_details.update(reason=reason, unverified={
                str(m.line_id): m.missing for m in missing})
        key, before = plan.by_number(number).key, view
        view = self._save(view, plan, "ship", audit_details,
                          also=lambda session, keys: self._record_unverified(
                              session, before, keys[key], missing, reason))
        pk = self._pk(view, number)
        self._after_shipping(view, pk)
        return self.view(order_pk)

    def complete_without_parcel(self, order_pk: int, *, acknowledge: bool = False) -> PackingView:
        """An order of non-shipping lines only (gift cards...): no parcel, the status policy
        still applies."""
        view = self._ready_to_ship(order_pk, acknowledge)
        if not view.lines.all_non_shipping():
            raise PackingError("This order has items to ship; pack and ship them instead.")
        self._after_shipping(view, None)
        return self.view(order_pk)

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

        def queue_store_changes(session, _keys: dict[int, int]) -> None:
            if not was_shipped:
                return
            now = self._clock()
            if pk is not None and connection.settings.sync_tracking:
                enqueue(session, connection_id=connection.id, kind="shipment_void", now=now,
                        order_pk=order_pk, shipment_pk=pk)
            self._queue_status_after_void(session, view.order, connection,
                                          packing.order_state(plan, view.lines), now)

        return self._save(view, plan, "void", {"shipment": number}, also=queue_store_changes)

    def _queue_status_after_void(self, session, order: CachedOrder, connection: ConnectionRecord,
                                 state: OrderState, now: datetime) -> None:
        entries = [e for e in entries_for_order(session, order.order_pk) if e.kind == "status"]
        original = status_before_ours([e.payload for e in entries],
                                      order.snapshot.previous_order_status_id)
        if original is None:
            return  # PackDesk never changed the status: the store keeps what it has
        settings = connection.settings
        target = packing.status_after_shipment(state, StatusPolicy(
            settings.shipped_status_id, settings.partial_status_id,
            settings.mark_shipped_on_first))
        target = original if target is None else target
        current = _store_status_when_sent(session, order)
        if target == current:
            return
        # A re-opened order is no news to the customer: a plain update, no store email.
        enqueue(session, connection_id=connection.id, kind="status", now=now,
                order_pk=order.order_pk,
                payload={"order_status_id": target, "notify": False, "after": state.value,
                         "previous_status_id": current, "restore": target == original})

    def acknowledge(self, order_pk: int) -> None:
        with self._db.write() as session:
            acknowledge_flag(session, order_pk, self._clock())
            audit(session, "acknowledge", **self._who(), entity="order", entity_id=order_pk)

    # --- internals ----------------------------------------------------------------------------

    def _ready_to_ship(self, order_pk: int, acknowledge: bool) -> PackingView:
        """The order as the store has it now; refused while a store change is unacknowledged."""
        self._reread_if_stale(order_pk)
        view = self.view(order_pk)
        if acknowledge and view.interruption:
            self.acknowledge(order_pk)
            view = self.view(order_pk)
        if view.interruption:
            raise PackingInterrupted(view.interruption)
        return view

    def _reread_if_stale(self, order_pk: int) -> None:
        order = self._orders.get(order_pk)
        if order is None:
            raise PackingError("That order is not in the cache any more.")
        last = order.last_read_at
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if self._clock() - last < REFRESH_AFTER:
            return
        try:
            self._refresh_order(order_pk)
        except StoreError as exc:
            # Offline: pack on the cache; the outbox checks the order again before pushing.
            log.info("Could not re-read order %s before shipping: %s", order_pk, exc)

    def _after_shipping(self, view: PackingView, shipment_pk: int | None) -> None:
        connection = self._connections.get(view.order.connection_id)
        settings = connection.settings
        state = packing.order_state(view.plan, view.lines)
        status_id = packing.status_after_shipment(state, StatusPolicy(
            settings.shipped_status_id, settings.partial_status_id,
            settings.mark_shipped_on_first))
        now = self._clock()
        with self._db.write() as session:
            if shipment_pk is not None and settings.sync_tracking:
                enqueue(session, connection_id=connection.id, kind="shipment", now=now,
                        order_pk=view.order.order_pk, shipment_pk=shipment_pk)
            if status_id is not None:
                # The status it replaces is recorded, so a void can put it back.
                enqueue(session, connection_id=connection.id, kind="status", now=now,
                        order_pk=view.order.order_pk,
                        payload={"order_status_id": status_id,
                                 "notify": settings.notify_customer, "after": state.value,
                                 "previous_status_id": _store_status_when_sent(session,
                                                                               view.order)})
            if shipment_pk is None:
                audit(session, "complete_without_parcel", **self._who(), entity="order",
                      entity_id=view.order.order_pk)

    def _save(self, view: PackingView, plan: Plan, action: str, details: dict, *,
              also: Callable[[object, dict[int, int]], None] | None = None) -> PackingView:
        """`also(session, keys)` writes more in the same unit of work (plan key -> pk)."""
        station = self._station()
        now = self._clock()
        with self._db.write() as session:
            keys = shipment_rows.save_plan(session, view.order.order_pk, plan,
                                           station_id=station.station_id, station=station.name,
                                           packer=station.packer, now=now)
            if also is not None:
                also(session, keys)
            for shipment in plan.shipments:
                if shipment.state is ShipmentState.SHIPPED and not any(
                        r.shipment_pk == keys[shipment.key] and r.state is ShipmentState.SHIPPED
                        for r in view.shipments):
                    shipment_rows.mark_state(session, keys[shipment.key], ShipmentState.SHIPPED,
                                             now=now, station=station.name,
                                             packer=station.packer)
            session.execute(update(ORDERS).where(
                ORDERS.c.id == view.order.order_pk, ORDERS.c.work_started_at.is_(None)).values(
                work_started_at=now))
            audit(session, action, station=station.name, packer=station.packer, entity="order",
                  entity_id=view.order.order_pk,
                  details={**details, "before": _plan_to_json(view.plan, keys)})
        return self.view(view.order.order_pk)

    def _record_unverified(self, session, view: PackingView, shipment_pk: int,
                           missing: list[UnverifiedLine], reason: str) -> None:
        """One scan-log row per unverified line: the packer's confirmation and reason."""
        if not missing:
            return
        station = self._station()
        line_pks = dict(session.execute(select(LINES.c.line_id, LINES.c.id).where(
            LINES.c.order_pk == view.order.order_pk)).all())
        now = self._clock()
        for line in missing:
            session.execute(insert(SCANS).values(
                scanned_at=now, station=station.name, packer=station.packer, value=reason,
                result=ScanResult.SHIPPED_UNVERIFIED.value, order_pk=view.order.order_pk,
                shipment_pk=shipment_pk, line_pk=line_pks.get(line.line_id)))

    def _pk(self, view: PackingView, number: int) -> int:
        shipment = view.plan.by_number(number)
        if shipment.key < 0:
            raise PackingError("Save the shipment before changing its details.")
        return shipment.key

    def _who(self) -> dict:
        station = self._station()
        return {"station": station.name, "packer": station.packer}

    @staticmethod
    def _normalized(details: ShipmentDetails, *, shipping: bool) -> ShipmentDetails:
        check = check_shipment_input(details, shipping=shipping)
        if not check.ok:
            raise PackingError(check.message)
        return replace(details, tracking_numbers=check.tracking_numbers,
                       carrier=details.carrier.strip(), service=details.service.strip())


def _store_status_when_sent(session, order: CachedOrder) -> int | None:
    """The status the store will have once the order's queued status changes are sent: the
    newest unsent one, else the status as last read."""
    unsent = [e for e in entries_for_order(session, order.order_pk)
              if e.kind in ("status", "claim") and e.state in UNFINISHED]
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
