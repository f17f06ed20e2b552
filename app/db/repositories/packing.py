"""The packer's writes, each one unit of work: a plan with its audit entry, scan-log rows and
outbox entries; details; an acknowledgement. PackingService decides, this module writes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlmodel import Session

from app.db.core import LINES, ORDERS, SCANS
from app.db.engine import Database
from app.db.repositories import shipments as shipment_rows
from app.db.repositories.audit import AuditRecord, last_for
from app.db.repositories.audit import record as audit
from app.db.repositories.orders import acknowledge_flag
from app.db.repositories.outbox import OutboxItem, enqueue, entries_for_order
from app.domain.packing import Plan, ShipmentState
from app.domain.scanning import ScanResult
from app.domain.shipments import ShipmentDetails, ShipmentRecord, UnverifiedConfirmation


@dataclass(frozen=True)
class Who:
    """The station and packer a write is recorded under."""

    station_id: str
    station: str
    packer: str


@dataclass(frozen=True)
class QueuedWrite:
    """One outbox entry a packing write queues for the store."""

    connection_id: int
    kind: str
    order_pk: int
    shipment_pk: int | None = None
    payload: dict | None = None


@dataclass(frozen=True)
class UnverifiedShipped:
    """Units shipped unverified: one scan-log row per line, with the packer's reason."""

    key: int  # the shipment's plan key
    line_ids: tuple[int, ...]
    reason: str


# Decides, from the order's outbox entries read in the same unit of work, what to queue.
QueueBuilder = Callable[[list[OutboxItem]], Sequence[QueuedWrite]]


@dataclass(frozen=True)
class SavedPlan:
    keys: dict[int, int]  # plan key -> shipment pk
    outbox: tuple[int, ...]  # entries queued


class PackingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- reading ------------------------------------------------------------------------------

    def shipments(self, order_pk: int) -> list[ShipmentRecord]:
        with self._db.read() as session:
            return shipment_rows.load_shipments(session, order_pk)

    def confirmations(self, shipment_pks: Iterable[int]) -> dict[int, UnverifiedConfirmation]:
        """The packer's confirmation each of these shipments shipped unverified with."""
        with self._db.read() as session:
            rows = session.execute(select(SCANS).where(
                SCANS.c.shipment_pk.in_(list(shipment_pks)),
                SCANS.c.result == ScanResult.SHIPPED_UNVERIFIED.value).order_by(SCANS.c.id))
            return {r.shipment_pk: UnverifiedConfirmation(r.station, r.packer, r.scanned_at,
                                                          r.value) for r in rows}

    def last_action(self, order_pk: int, actions: tuple[str, ...]) -> AuditRecord | None:
        with self._db.read() as session:
            return last_for(session, "order", order_pk, actions)

    # --- writing ------------------------------------------------------------------------------

    def save_plan(self, order_pk: int, plan: Plan, *, who: Who, now: datetime, action: str,
                  details: Callable[[dict[int, int]], dict], newly_shipped: Iterable[int] = (),
                  unverified: UnverifiedShipped | None = None,
                  queue: QueueBuilder | None = None) -> SavedPlan:
        """The plan, the shipped marks of `newly_shipped` (plan keys), the unverified scan rows,
        the outbox entries `queue` decides and the audit entry (`details(keys)`), together."""
        with self._db.write() as session:
            keys = shipment_rows.save_plan(session, order_pk, plan, station_id=who.station_id,
                                           station=who.station, packer=who.packer, now=now)
            if unverified is not None:
                _record_unverified(session, order_pk, keys[unverified.key], unverified, who,
                                   now)
            queued = _queue(session, order_pk, queue, now) if queue is not None else ()
            for key in newly_shipped:
                shipment_rows.mark_state(session, keys[key], ShipmentState.SHIPPED, now=now,
                                         station=who.station, packer=who.packer)
            session.execute(update(ORDERS).where(
                ORDERS.c.id == order_pk, ORDERS.c.work_started_at.is_(None)).values(
                work_started_at=now))
            audit(session, action, station=who.station, packer=who.packer, entity="order",
                  entity_id=order_pk, details=details(keys))
        return SavedPlan(keys, queued)

    def save_details(self, order_pk: int, shipment_pk: int, details: ShipmentDetails, *,
                     who: Who, now: datetime, correction: bool, audit_details: dict,
                     queue: QueueBuilder | None = None) -> tuple[int, ...]:
        """A shipment's details (a correction once shipped: its revision goes up), the
        entries `queue` decides, and the audit entry. Returns the outbox entries queued."""
        with self._db.write() as session:
            shipment_rows.save_details(session, shipment_pk, details, now=now,
                                       bump_revision=correction)
            queued = _queue(session, order_pk, queue, now) if queue is not None else ()
            audit(session, "correct" if correction else "details", station=who.station,
                  packer=who.packer, entity="order", entity_id=order_pk, details=audit_details)
        return queued

    def queue(self, order_pk: int, build: QueueBuilder, *, now: datetime,
              audit_action: str = "", who: Who | None = None) -> tuple[int, ...]:
        """Queue what `build` decides (with an audit entry when `audit_action` is given)."""
        with self._db.write() as session:
            queued = _queue(session, order_pk, build, now)
            if audit_action and who is not None:
                audit(session, audit_action, station=who.station, packer=who.packer,
                      entity="order", entity_id=order_pk)
        return queued

    def acknowledge(self, order_pk: int, *, who: Who, now: datetime) -> None:
        with self._db.write() as session:
            acknowledge_flag(session, order_pk, now)
            audit(session, "acknowledge", station=who.station, packer=who.packer,
                  entity="order", entity_id=order_pk)

    def audit(self, action: str, *, who: Who, entity: str, entity_id: object,
              details: dict) -> None:
        with self._db.write() as session:
            audit(session, action, station=who.station, packer=who.packer, entity=entity,
                  entity_id=entity_id, details=details)


def _queue(session: Session, order_pk: int, build: QueueBuilder, now: datetime) -> tuple[int, ...]:
    return tuple(enqueue(session, connection_id=w.connection_id, kind=w.kind, now=now,
                         order_pk=w.order_pk, shipment_pk=w.shipment_pk, payload=w.payload)
                 for w in build(entries_for_order(session, order_pk)))


def _record_unverified(session: Session, order_pk: int, shipment_pk: int,
                       shipped: UnverifiedShipped, who: Who, now: datetime) -> None:
    line_pks = dict(session.execute(select(LINES.c.line_id, LINES.c.id).where(
        LINES.c.order_pk == order_pk)).all())
    for line_id in shipped.line_ids:
        session.execute(insert(SCANS).values(
            scanned_at=now, station=who.station, packer=who.packer, value=shipped.reason,
            result=ScanResult.SHIPPED_UNVERIFIED.value, order_pk=order_pk,
            shipment_pk=shipment_pk, line_pk=line_pks.get(line_id)))
