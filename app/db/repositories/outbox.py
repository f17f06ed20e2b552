"""The outbox: writes to the store, queued in the same transaction as the change behind them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlmodel import Session

from app.db.tables import OutboxEntry

OUTBOX = OutboxEntry.__table__

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
