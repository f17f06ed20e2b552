"""The outbox: writes to the store, queued in the same transaction as the change behind them.

`enqueue` and `entries_for_order` work inside the caller's session (packing queues its pushes in
the transaction that ships); everything else goes through `OutboxRepository`, one transaction
per method.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlmodel import Session

from app.db.core import CONNECTIONS, ORDERS, OUTBOX, SHIPMENTS
from app.db.engine import Database
from app.db.repositories.shipments import ShipmentRecord, load_shipments

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


def _get(session: Session, entry_id: int) -> OutboxItem | None:
    row = session.execute(select(OUTBOX).where(OUTBOX.c.id == entry_id)).first()
    return item(row) if row is not None else None


def _unfinished(session: Session, kinds: tuple[str, ...],
               connection_id: int | None = None) -> list[OutboxItem]:
    """Pending, failed and stopped entries of these kinds, per order in queue order."""
    statement = select(OUTBOX).where(OUTBOX.c.state.in_(UNFINISHED), OUTBOX.c.kind.in_(kinds))
    if connection_id is not None:
        statement = statement.where(OUTBOX.c.connection_id == connection_id)
    return [item(r) for r in session.execute(statement.order_by(OUTBOX.c.order_pk,
                                                                OUTBOX.c.id))]


def _begin_attempt(session: Session, entry: OutboxItem) -> bool:
    """Count the attempt before anything is sent, so that after a crash the next run knows the
    store may already have this write. False if someone else changed the entry meanwhile."""
    return session.execute(update(OUTBOX).where(
        OUTBOX.c.id == entry.entry_id, OUTBOX.c.state == PENDING,
        OUTBOX.c.attempts == entry.attempts).values(attempts=entry.attempts + 1)).rowcount == 1


def _finish(session: Session, entry_id: int, state: str, *, now: datetime, note: str = "",
           payload: dict | None = None) -> None:
    """Delivered, failed, stopped or superseded; `note` says why (or what the store said)."""
    values: dict = {"state": state, "last_error": note, "next_attempt_at": None}
    if state == DELIVERED:
        values["delivered_at"] = now
    if payload is not None:
        values["payload"] = payload
    session.execute(update(OUTBOX).where(OUTBOX.c.id == entry_id).values(**values))


def _reschedule(session: Session, entry_id: int, *, next_attempt_at: datetime,
               error: str) -> None:
    session.execute(update(OUTBOX).where(OUTBOX.c.id == entry_id, OUTBOX.c.state == PENDING)
                    .values(next_attempt_at=next_attempt_at, last_error=error))


def _supersede_later(session: Session, entry: OutboxItem, note: str) -> list[int]:
    """Later pending pushes of the same shipment: the one just sent already carried their data."""
    return list(session.execute(update(OUTBOX).where(
        OUTBOX.c.shipment_pk == entry.shipment_pk, OUTBOX.c.kind == entry.kind,
        OUTBOX.c.state == PENDING, OUTBOX.c.id > entry.entry_id).values(
        state=SUPERSEDED, last_error=note, next_attempt_at=None)
        .returning(OUTBOX.c.id)).scalars())


def _ever_attempted(session: Session, shipment_pk: int, kind: str = "shipment") -> bool:
    """Has any push of this shipment been tried or delivered (so the store may have it)?"""
    return session.execute(select(OUTBOX.c.id).where(
        OUTBOX.c.shipment_pk == shipment_pk, OUTBOX.c.kind == kind,
        (OUTBOX.c.attempts > 0) | (OUTBOX.c.state == DELIVERED)).limit(1)).first() is not None


def _retry(session: Session, entry_id: int, now: datetime) -> bool:
    """A failed or stopped entry goes back to pending, due now."""
    return session.execute(update(OUTBOX).where(
        OUTBOX.c.id == entry_id, OUTBOX.c.state.in_(BLOCKING)).values(
        state=PENDING, next_attempt_at=now)).rowcount == 1


def _failed(session: Session) -> list[OutboxItem]:
    return [item(r) for r in session.execute(select(OUTBOX).where(OUTBOX.c.state == FAILED)
                                             .order_by(OUTBOX.c.id))]


def _next_due(session: Session, kinds: tuple[str, ...]) -> datetime | None:
    return session.execute(select(func.min(OUTBOX.c.next_attempt_at)).where(
        OUTBOX.c.state == PENDING, OUTBOX.c.kind.in_(kinds))).scalar_one_or_none()


def _waiting_order_pks(session: Session) -> set[int]:
    """Orders with writes not yet in the store (pending, failed or stopped entries)."""
    return set(session.execute(select(OUTBOX.c.order_pk).where(
        OUTBOX.c.state.in_(UNFINISHED), OUTBOX.c.order_pk.is_not(None)).distinct()).scalars())


def _listing(session: Session, *, states: tuple[str, ...] | None = None,
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


def _record_status(session: Session, order_pk: int, status_id: int) -> None:
    """The store took our status change: keep the cache in step until the next re-read."""
    session.execute(update(ORDERS).where(
        ORDERS.c.id == order_pk, ORDERS.c.order_status_id != status_id).values(
        previous_order_status_id=ORDERS.c.order_status_id, order_status_id=status_id))


def _record_store_shipment_id(session: Session, shipment_pk: int, store_id: int) -> None:
    session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == shipment_pk)
                    .values(store_shipment_id=store_id))


class OutboxRepository:
    """The outbox's reads, the worker's bookkeeping and the packer's retries. The worker's steps
    are each their own short transaction, so a crash at any point leaves a state the next run
    can finish from."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # --- reads --------------------------------------------------------------------------------

    def get(self, entry_id: int) -> OutboxItem | None:
        with self._db.read() as session:
            return _get(session, entry_id)

    def unfinished(self, kinds: tuple[str, ...],
                   connection_id: int | None = None) -> list[OutboxItem]:
        with self._db.read() as session:
            return _unfinished(session, kinds, connection_id)

    def next_due(self, kinds: tuple[str, ...]) -> datetime | None:
        with self._db.read() as session:
            return _next_due(session, kinds)

    def waiting_order_pks(self) -> set[int]:
        with self._db.read() as session:
            return _waiting_order_pks(session)

    def listing(self, *, states: tuple[str, ...] | None = None,
                delivered_since: datetime | None = None,
                entry_ids: list[int] | None = None) -> list[OutboxListing]:
        with self._db.read() as session:
            return _listing(session, states=states, delivered_since=delivered_since,
                            entry_ids=entry_ids)

    def shipments(self, order_pk: int) -> list[ShipmentRecord]:
        """The order's local shipments as they are now (what a push sends)."""
        with self._db.read() as session:
            return load_shipments(session, order_pk)

    def pushed_without_store_id(self, shipment_pk: int) -> bool:
        """Was this shipment pushed (so the store may have it) without its store id recorded?"""
        with self._db.read() as session:
            store_id = session.execute(select(SHIPMENTS.c.store_shipment_id)
                                       .where(SHIPMENTS.c.id == shipment_pk)).scalar()
            return store_id is None and _ever_attempted(session, shipment_pk)

    # --- the worker's bookkeeping ---------------------------------------------------------------

    def begin_attempt(self, entry: OutboxItem) -> bool:
        with self._db.write() as session:
            return _begin_attempt(session, entry)

    def finish(self, entry_id: int, state: str, *, now: datetime, note: str = "",
               payload: dict | None = None) -> None:
        with self._db.write() as session:
            _finish(session, entry_id, state, now=now, note=note, payload=payload)

    def reschedule(self, entry_id: int, *, next_attempt_at: datetime, error: str,
                   attempts: int | None = None) -> None:
        """Try again later; `attempts` also counts an attempt nothing was sent for."""
        with self._db.write() as session:
            if attempts is not None:
                session.execute(OUTBOX.update().where(
                    OUTBOX.c.id == entry_id).values(attempts=attempts))
            _reschedule(session, entry_id, next_attempt_at=next_attempt_at, error=error)

    def shipment_delivered(self, entry: OutboxItem, record: ShipmentRecord, *,
                           store_id: int | None, now: datetime, note: str) -> list[int]:
        """The store took the shipment: the entry is delivered with the revision it carried,
        the store's id is kept, and later pushes of the same revision are superseded (their
        ids are returned)."""
        with self._db.write() as session:
            _finish(session, entry.entry_id, DELIVERED, now=now, note=note,
                    payload={**entry.payload, "revision": record.revision,
                             "store_shipment_id": store_id})
            if store_id is not None:
                _record_store_shipment_id(session, record.shipment_pk, store_id)
            revision = session.execute(select(SHIPMENTS.c.revision).where(
                SHIPMENTS.c.id == record.shipment_pk)).scalar()
            if revision == record.revision:
                return _supersede_later(session, entry, f"Sent with entry {entry.entry_id}.")
            return []

    def status_delivered(self, entry_id: int, order_pk: int, status_id: int, *,
                         now: datetime, note: str) -> None:
        """The store took the status change: the cache shows it until the next re-read."""
        with self._db.write() as session:
            _finish(session, entry_id, DELIVERED, now=now, note=note)
            _record_status(session, order_pk, status_id)

    def stop(self, entry_id: int, *, now: datetime, note: str, flag_order_pk: int | None = None,
             reason: str = "") -> None:
        """The entry stops; with `flag_order_pk` its order is flagged with `reason`."""
        from app.db.repositories.orders import flag_order  # orders imports enqueue from here

        with self._db.write() as session:
            _finish(session, entry_id, STOPPED, now=now, note=note)
            if flag_order_pk is not None:
                flag_order(session, flag_order_pk, reason, now)

    # --- the packer's actions -------------------------------------------------------------------

    def retry(self, entry_id: int, now: datetime, *,
              acknowledge_order_pk: int | None = None) -> bool:
        """Back to pending, due now; with `acknowledge_order_pk` that order's flag is
        acknowledged in the same transaction (retrying a stopped entry is consent)."""
        from app.db.repositories.orders import acknowledge_flag  # orders imports enqueue

        with self._db.write() as session:
            done = _retry(session, entry_id, now)
            if acknowledge_order_pk is not None:
                acknowledge_flag(session, acknowledge_order_pk, now)
            return done

    def retry_failed(self, now: datetime) -> list[OutboxItem]:
        """Every failed entry back to pending; returns them as they were."""
        with self._db.write() as session:
            entries = _failed(session)
            for entry in entries:
                _retry(session, entry.entry_id, now)
        return entries
