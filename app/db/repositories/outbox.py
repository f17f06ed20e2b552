"""The outbox: writes to the store, queued in the same transaction as the change behind them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlmodel import Session

from app.db.core import CONNECTIONS, ORDERS, OUTBOX, SHIPMENTS

PENDING = "pending"
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class OutboxItem:
    entry_id: int
    connection_id: int
    order_pk: int | None
    shipment_pk: int | None
    kind: str
    payload: dict
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


def enqueue(session: Session, *, connection_id: int, kind: str, now: datetime,
            order_pk: int | None = None, shipment_pk: int | None = None,
            payload: dict | None = None, supersede: bool = True) -> int:
    """Queue a write inside the caller's unit of work. A newer write of the same kind for the
    same shipment (or order) replaces a pending older one: only the latest state is sent."""
    if supersede:
        target = (OUTBOX.c.shipment_pk == shipment_pk) if shipment_pk is not None \
            else (OUTBOX.c.order_pk == order_pk)
        session.execute(update(OUTBOX).where(
            target, OUTBOX.c.kind == kind, OUTBOX.c.state == PENDING,
            OUTBOX.c.attempts == 0).values(state=SUPERSEDED))
    return session.execute(insert(OUTBOX).values(
        connection_id=connection_id, order_pk=order_pk, shipment_pk=shipment_pk, kind=kind,
        payload=payload or {}, state=PENDING, created_at=now, next_attempt_at=now,
    )).inserted_primary_key[0]


def entries_for_order(session: Session, order_pk: int) -> list[OutboxItem]:
    rows = session.execute(select(OUTBOX).where(OUTBOX.c.order_pk == order_pk)
                           .order_by(OUTBOX.c.id))
    return [item(r) for r in rows]


def item(row) -> OutboxItem:
    return OutboxItem(row.id, row.connection_id, row.order_pk, row.shipment_pk, row.kind,
                      row.payload or {}, row.state, row.attempts, row.next_attempt_at,
                      row.last_error, row.created_at, row.delivered_at)


# --- delivery (the outbox worker) -------------------------------------------------------------
# The worker's bookkeeping: each step is its own short unit of work, so a crash at any point
# leaves a state the next run can finish from (see app/services/outbox.py).

DELIVERED = "delivered"
FAILED = "failed"
STOPPED = "stopped"
STATES = (PENDING, DELIVERED, FAILED, STOPPED, SUPERSEDED)
UNFINISHED = (PENDING, FAILED, STOPPED)  # "waiting to push" in the order lists
BLOCKING = (FAILED, STOPPED)  # hold back the later entries of the same order


@dataclass(frozen=True)
class OutboxListing:
    """An entry with what a person needs to recognise it (order number, connection)."""

    entry: OutboxItem
    connection_name: str
    order_id: int | None  # the store's order id
    order_number: str  # as packers see it (with the connection's prefix)
    shipment_number: int | None = None  # 1, 2, ... within the order, as on slips
    shipment_name: str = ""  # PD-{station}-{id}
    tracking_numbers: str = ""  # the shipment's, comma-separated


def get(session: Session, entry_id: int) -> OutboxItem | None:
    row = session.execute(select(OUTBOX).where(OUTBOX.c.id == entry_id)).first()
    return item(row) if row is not None else None


def unfinished(session: Session, kinds: tuple[str, ...],
               connection_id: int | None = None) -> list[OutboxItem]:
    """Pending, failed and stopped entries of these kinds, per order in queue order."""
    statement = select(OUTBOX).where(OUTBOX.c.state.in_(UNFINISHED), OUTBOX.c.kind.in_(kinds))
    if connection_id is not None:
        statement = statement.where(OUTBOX.c.connection_id == connection_id)
    return [item(r) for r in session.execute(statement.order_by(OUTBOX.c.order_pk,
                                                                OUTBOX.c.id))]


def begin_attempt(session: Session, entry: OutboxItem) -> bool:
    """Count the attempt before anything is sent, so that after a crash the next run knows the
    store may already have this write. False if someone else changed the entry meanwhile."""
    return session.execute(update(OUTBOX).where(
        OUTBOX.c.id == entry.entry_id, OUTBOX.c.state == PENDING,
        OUTBOX.c.attempts == entry.attempts).values(attempts=entry.attempts + 1)).rowcount == 1


def finish(session: Session, entry_id: int, state: str, *, now: datetime, note: str = "",
           payload: dict | None = None) -> None:
    """Delivered, failed, stopped or superseded; `note` says why (or what the store said)."""
    values: dict = {"state": state, "last_error": note, "next_attempt_at": None}
    if state == DELIVERED:
        values["delivered_at"] = now
    if payload is not None:
        values["payload"] = payload
    session.execute(update(OUTBOX).where(OUTBOX.c.id == entry_id).values(**values))


def reschedule(session: Session, entry_id: int, *, next_attempt_at: datetime,
               error: str) -> None:
    session.execute(update(OUTBOX).where(OUTBOX.c.id == entry_id, OUTBOX.c.state == PENDING)
                    .values(next_attempt_at=next_attempt_at, last_error=error))


def supersede_later(session: Session, entry: OutboxItem, note: str) -> int:
    """Later pending pushes of the same shipment: the one just sent already carried their data."""
    return session.execute(update(OUTBOX).where(
        OUTBOX.c.shipment_pk == entry.shipment_pk, OUTBOX.c.kind == entry.kind,
        OUTBOX.c.state == PENDING, OUTBOX.c.id > entry.entry_id).values(
        state=SUPERSEDED, last_error=note, next_attempt_at=None)).rowcount


def ever_attempted(session: Session, shipment_pk: int, kind: str = "shipment") -> bool:
    """Has any push of this shipment been tried or delivered (so the store may have it)?"""
    return session.execute(select(OUTBOX.c.id).where(
        OUTBOX.c.shipment_pk == shipment_pk, OUTBOX.c.kind == kind,
        (OUTBOX.c.attempts > 0) | (OUTBOX.c.state == DELIVERED)).limit(1)).first() is not None


def retry(session: Session, entry_id: int, now: datetime) -> bool:
    """A failed or stopped entry goes back to pending, due now."""
    return session.execute(update(OUTBOX).where(
        OUTBOX.c.id == entry_id, OUTBOX.c.state.in_(BLOCKING)).values(
        state=PENDING, next_attempt_at=now)).rowcount == 1


def failed_ids(session: Session) -> list[int]:
    return list(session.execute(select(OUTBOX.c.id).where(OUTBOX.c.state == FAILED)
                                .order_by(OUTBOX.c.id)).scalars())


def next_due(session: Session, kinds: tuple[str, ...]) -> datetime | None:
    return session.execute(select(func.min(OUTBOX.c.next_attempt_at)).where(
        OUTBOX.c.state == PENDING, OUTBOX.c.kind.in_(kinds))).scalar_one_or_none()


def waiting_order_pks(session: Session) -> set[int]:
    """Orders with writes not yet in the store (pending, failed or stopped entries)."""
    return set(session.execute(select(OUTBOX.c.order_pk).where(
        OUTBOX.c.state.in_(UNFINISHED), OUTBOX.c.order_pk.is_not(None)).distinct()).scalars())


def listing(session: Session, *, states: tuple[str, ...] | None = None,
            delivered_since: datetime | None = None,
            entry_ids: list[int] | None = None) -> list[OutboxListing]:
    """Entries newest first with their order numbers. Without filters: everything."""
    statement = (select(OUTBOX, CONNECTIONS.c.name.label("connection_name"),
                        CONNECTIONS.c.order_prefix, ORDERS.c.order_id.label("store_order_id"),
                        SHIPMENTS.c.number.label("shipment_number"),
                        SHIPMENTS.c.shipment_name.label("shipment_name"),
                        SHIPMENTS.c.tracking_numbers.label("shipment_tracking"))
                 .join(CONNECTIONS, CONNECTIONS.c.id == OUTBOX.c.connection_id)
                 .outerjoin(ORDERS, ORDERS.c.id == OUTBOX.c.order_pk)
                 .outerjoin(SHIPMENTS, SHIPMENTS.c.id == OUTBOX.c.shipment_pk))
    conditions = []
    if states is not None:
        conditions.append(OUTBOX.c.state.in_(states))
    if delivered_since is not None:
        conditions.append((OUTBOX.c.state == DELIVERED)
                          & (OUTBOX.c.delivered_at >= delivered_since))
    if conditions:
        statement = statement.where(or_(*conditions))
    if entry_ids is not None:
        statement = statement.where(OUTBOX.c.id.in_(entry_ids))
    rows = session.execute(statement.order_by(OUTBOX.c.id.desc())).all()
    return [OutboxListing(item(r), r.connection_name, r.store_order_id,
                          f"{r.order_prefix or ''}{r.store_order_id}"
                          if r.store_order_id is not None else "",
                          r.shipment_number, r.shipment_name or "", r.shipment_tracking or "")
            for r in rows]


def record_status(session: Session, order_pk: int, status_id: int) -> None:
    """The store took our status change: keep the cache in step until the next re-read."""
    session.execute(update(ORDERS).where(
        ORDERS.c.id == order_pk, ORDERS.c.order_status_id != status_id).values(
        previous_order_status_id=ORDERS.c.order_status_id, order_status_id=status_id))


def record_store_shipment_id(session: Session, shipment_pk: int, store_id: int) -> None:
    session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == shipment_pk)
                    .values(store_shipment_id=store_id))
