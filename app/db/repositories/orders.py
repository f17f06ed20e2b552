"""Cached orders: saving what the store sent, and reading orders back for lists and detail.

Saving is done a page at a time in one transaction with SQLite upserts, because a first import
writes tens of thousands of orders. Local packing work (shipments, scans, tags, holds, flags) is
never touched by a save: lines are updated in place by the store's line id, so shipments that
refer to them keep their references.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from app.clock import Clock, utc_now
from app.db.core import (
    ADDRESSES,
    LINES,
    ORDERS,
    PAYMENTS,
    SHIPMENT_LINES,
    STORE_SHIPMENT_LINES,
    STORE_SHIPMENTS,
    TAGS,
)
from app.db.dialect import dialect_of
from app.db.engine import Database
from app.db.repositories.outbox import enqueue
from app.db.repositories.shipments import bump_past_store_names
from app.domain.orders import (
    Address,
    Customer,
    Line,
    LineOption,
    OrderSnapshot,
    Payment,
    total_units,
    total_weight,
)
from app.domain.orders import StoreShipment as StoreShipmentInfo
from app.domain.orders import StoreShipmentLine as StoreShipmentLineInfo


@dataclass(frozen=True)
class SavedOrder:
    """What a save did to one order, for the sync's counts and flags."""

    order_pk: int
    order_id: int
    is_new: bool
    changed: bool


@dataclass(frozen=True)
class LocalWork:
    """Just enough of an order's local state to decide whether a store change interrupts it."""

    order_pk: int
    order_id: int
    work_started: bool
    order_status_id: int | None
    updated_at: datetime | None  # the store's updated_at when last saved
    lines: dict[int, int]  # line_id -> quantity as last seen
    store_shipment_ids: frozenset[int]
    flag_reason: str
    # What a slip printed from the cache showed: a store change to these interrupts packing.
    ship_to: tuple[str, ...] | None = None  # address lines; None = no ship-to cached
    customer_note: str = ""
    shipping_method: str = ""


@dataclass(frozen=True)
class CachedOrder:
    """An order read back from the cache, with everything a packer or a slip needs."""

    order_pk: int
    connection_id: int
    snapshot: OrderSnapshot
    units: int
    total_weight: float
    first_synced_at: datetime
    last_read_at: datetime
    flag_reason: str
    flagged_at: datetime | None
    flag_acknowledged_at: datetime | None
    hold_reason: str
    hold_until: datetime | None
    work_started_at: datetime | None
    tags: tuple[str, ...]
    customer_name: str
    customer_email: str
    customer_phone: str
    payment_method: str


def _order_values(connection_id: int, snap: OrderSnapshot, now: datetime) -> dict:
    customer = snap.customer
    ship = snap.address("shipping")
    bill = snap.address("billing")
    name_source = ship or bill
    return {
        "connection_id": connection_id,
        "order_id": snap.order_id,
        "store_id": snap.store_id,
        "customer_id": snap.customer_id,
        "order_status_id": snap.order_status_id,
        "previous_order_status_id": snap.previous_order_status_id,
        "order_type": snap.order_type,
        "ordered_at": snap.ordered_at,
        "created_at": snap.created_at,
        "updated_at": snap.updated_at,
        "status_changed_at": snap.status_changed_at,
        "subtotal": str(snap.subtotal),
        "tax_total": str(snap.tax_total),
        "shipping_total": str(snap.shipping_total),
        "discount_total": str(snap.discount_total),
        "handling_total": str(snap.handling_total),
        "grand_total": str(snap.grand_total),
        "coupon_code": snap.coupon_code,
        "shipping_method": snap.shipping_method,
        "shipping_service_code": snap.shipping_service_code,
        "shipping_carrier": snap.shipping_carrier,
        "payment_method": snap.payment_method,
        "special_instructions": snap.special_instructions,
        "instructions": snap.instructions,
        "public_comments": snap.public_comments,
        "admin_comments": snap.admin_comments,
        "is_gift": snap.is_gift,
        "gift_message": snap.gift_message,
        "customer_name": (customer.name if customer and customer.name
                          else name_source.name if name_source else ""),
        "customer_email": customer.email if customer else "",
        "customer_phone": (customer.phone if customer and customer.phone
                           else ship.phone if ship else ""),
        "channel": snap.channel,
        "source": snap.source,
        "due_date": snap.due_date,
        "custom_fields": [{"name": n, "value": v} for n, v in snap.custom_fields],
        "units": total_units(snap.lines),
        "total_weight": total_weight(snap.lines),
        "ship_city": ship.city if ship else "",
        "ship_country": (ship.country_code or ship.country) if ship else "",
        "first_synced_at": now,
        "last_read_at": now,
    }


# Columns a re-sync may overwrite: the store's fields, never the local ones.
_LOCAL_COLUMNS = {"id", "connection_id", "order_id", "first_synced_at", "flag_reason",
                  "flagged_at", "flag_acknowledged_at", "hold_reason", "hold_until",
                  "work_started_at"}


def _line_values(order_pk: int, position: int, line: Line) -> dict:
    return {
        "order_pk": order_pk, "line_id": line.line_id, "product_id": line.product_id,
        "variant_inventory_id": line.variant_inventory_id, "sku": line.sku, "name": line.name,
        "description": line.description, "quantity": line.quantity, "price": str(line.price),
        "weight": line.weight, "weight_unit": line.weight_unit,
        "options": [{"label": o.label, "value": o.value} for o in line.options],
        "is_non_shipping": line.is_non_shipping, "is_discount": line.is_discount,
        "parent_line_id": line.parent_line_id, "bound_to_parent": line.bound_to_parent,
        "gift_message": line.gift_message, "note": line.note, "position": position,
    }


def _with_saved_parts(session: Session, connection_id: int,
                      snapshots: Sequence[OrderSnapshot]) -> list[OrderSnapshot]:
    """Fill what the store's answer left out (snapshot.unread) from the copy saved earlier:
    an address or customer that was not sent is unknown, not gone (it stays flagged)."""
    partial = {s.order_id: s for s in snapshots if s.unread}
    if not partial:
        return list(snapshots)
    saved = {r.order_id: r for r in session.execute(
        select(ORDERS.c.id, ORDERS.c.order_id, ORDERS.c.customer_name, ORDERS.c.customer_email,
               ORDERS.c.customer_phone).where(ORDERS.c.connection_id == connection_id,
                                              ORDERS.c.order_id.in_(partial)))}
    by_pk = {r.id: r.order_id for r in saved.values()}
    kept: dict[int, list[Address]] = {}
    for a in session.execute(select(ADDRESSES).where(ADDRESSES.c.order_pk.in_(by_pk))):
        order_id = by_pk[a.order_pk]
        if a.kind in partial[order_id].unread:
            kept.setdefault(order_id, []).append(_address_from_row(a))
    merged = []
    for snap in snapshots:
        row = saved.get(snap.order_id) if snap.unread else None
        if row is not None:
            customer = snap.customer
            if "customer" in snap.unread and snap.customer_id is not None:
                customer = Customer(snap.customer_id, row.customer_email or "",
                                    row.customer_phone or "", first_name=row.customer_name or "")
            snap = replace(snap, addresses=snap.addresses + tuple(kept.get(snap.order_id, ())),
                           customer=customer)
        merged.append(snap)
    return merged


def _address_from_row(row) -> Address:
    return Address(**{k: getattr(row, k) for k in Address.__dataclass_fields__})


def _address_values(order_pk: int, address: Address) -> dict:
    values = dict(vars(address))
    values["order_pk"] = order_pk
    return values


def search_text(display_number: str, snap: OrderSnapshot) -> str:
    """Everything a packer may type to find an order, in one FTS document."""
    parts: list[str] = [display_number, str(snap.order_id), snap.coupon_code,
                        snap.special_instructions, snap.public_comments, snap.admin_comments,
                        snap.gift_message, snap.shipping_method]
    if snap.customer:
        parts += [snap.customer.name, snap.customer.email, snap.customer.phone,
                  snap.customer.company]
    for address in snap.addresses:
        parts += [address.name, address.company, address.address_line_1, address.address_line_2,
                  address.city, address.state, address.state_code, address.postal_code,
                  address.country, address.phone]
    for line in snap.lines:
        parts += [line.sku, line.name, line.options_text, line.note]
    for shipment in snap.shipments:
        parts += [shipment.tracking_numbers.replace(",", " "), shipment.shipment_name]
    return " ".join(p for p in parts if p)


def flag_order(session: Session, order_pk: int, reason: str, now: datetime) -> None:
    """Tell the packer the store changed the order, or why a push stopped (lists show
    unacknowledged flags; shipping waits for an acknowledgement)."""
    session.execute(update(ORDERS).where(ORDERS.c.id == order_pk).values(
        flag_reason=reason, flagged_at=now, flag_acknowledged_at=None))


def acknowledge_flag(session: Session, order_pk: int, now: datetime) -> None:
    session.execute(update(ORDERS).where(ORDERS.c.id == order_pk, ORDERS.c.flag_reason != "")
                    .values(flag_acknowledged_at=now))


class OrderRepository:
    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    # --- saving what the store sent ---------------------------------------------------------

    def local_work(self, connection_id: int, order_ids: Sequence[int]) -> dict[int, LocalWork]:
        """What is cached for these store order ids (absent ids are not cached)."""
        if not order_ids:
            return {}
        with self._db.read() as session:
            rows = session.execute(select(
                ORDERS.c.id, ORDERS.c.order_id, ORDERS.c.work_started_at,
                ORDERS.c.order_status_id, ORDERS.c.flag_reason, ORDERS.c.updated_at,
                ORDERS.c.special_instructions, ORDERS.c.shipping_method,
            ).where(ORDERS.c.connection_id == connection_id,
                    ORDERS.c.order_id.in_(list(order_ids)))).all()
            pks = [r.id for r in rows]
            lines: dict[int, dict[int, int]] = {pk: {} for pk in pks}
            shipments: dict[int, set[int]] = {pk: set() for pk in pks}
            ship_to: dict[int, tuple[str, ...]] = {}
            started = [r.id for r in rows if r.work_started_at is not None]
            if started:  # only orders being packed are compared address by address
                for a in session.execute(select(ADDRESSES).where(
                        ADDRESSES.c.order_pk.in_(started), ADDRESSES.c.kind == "shipping")):
                    ship_to[a.order_pk] = tuple(_address_from_row(a).lines())
            if pks:
                for line in session.execute(select(LINES.c.order_pk, LINES.c.line_id,
                                                   LINES.c.quantity)
                                            .where(LINES.c.order_pk.in_(pks))):
                    lines[line.order_pk][line.line_id] = line.quantity
                for shipment in session.execute(select(STORE_SHIPMENTS.c.order_pk,
                                                       STORE_SHIPMENTS.c.shipment_id)
                                                .where(STORE_SHIPMENTS.c.order_pk.in_(pks))):
                    shipments[shipment.order_pk].add(shipment.shipment_id)
        return {r.order_id: LocalWork(r.id, r.order_id, r.work_started_at is not None,
                                      r.order_status_id, r.updated_at, lines[r.id],
                                      frozenset(shipments[r.id]), r.flag_reason or "",
                                      ship_to.get(r.id), r.special_instructions or "",
                                      r.shipping_method or "")
                for r in rows}

    def save_snapshots(self, connection_id: int, snapshots: Sequence[OrderSnapshot], *,
                       display_number, flags: dict[int, str] | None = None,
                       new_order_tag: str = "", claim: dict | None = None) -> list[SavedOrder]:
        """Upsert a page of orders in one transaction. `flags`: order_id -> reason to flag.
        `claim` ({"order_status_id", "notify"}): queue that status change for each newly
        imported order, in the same transaction, so a crash cannot import without claiming."""
        if not snapshots:
            return []
        now = self._clock()
        flags = flags or {}
        with self._db.write() as session:
            known = dict(session.execute(
                select(ORDERS.c.order_id, ORDERS.c.updated_at).where(
                    ORDERS.c.connection_id == connection_id,
                    ORDERS.c.order_id.in_([s.order_id for s in snapshots]))).all())
            snapshots = _with_saved_parts(session, connection_id, snapshots)
            rows = [_order_values(connection_id, s, now) for s in snapshots]
            session.execute(self._db.dialect.upsert(ORDERS, ["connection_id", "order_id"],
                                                    rows[0], keep=_LOCAL_COLUMNS), rows)
            pks = dict(session.execute(select(ORDERS.c.order_id, ORDERS.c.id).where(
                ORDERS.c.connection_id == connection_id,
                ORDERS.c.order_id.in_([s.order_id for s in snapshots]))).all())
            self._replace_children(session, snapshots, pks)
            bump_past_store_names(session, [x.shipment_name for s in snapshots
                                            for x in s.shipments])
            self._index(session, snapshots, pks, display_number)
            for order_id, reason in flags.items():
                flag_order(session, pks[order_id], reason, now)
            new_ids = [s.order_id for s in snapshots if s.order_id not in known]
            if new_order_tag and new_ids:
                session.execute(self._db.dialect.insert_ignoring_duplicates(TAGS),
                                [{"order_pk": pks[i], "tag": new_order_tag} for i in new_ids])
            if claim:
                by_id = {s.order_id: s for s in snapshots}
                for order_id in new_ids:
                    if by_id[order_id].order_status_id != claim["order_status_id"]:
                        enqueue(session, connection_id=connection_id, kind="claim", now=now,
                                order_pk=pks[order_id], payload=dict(claim))
        return [SavedOrder(pks[s.order_id], s.order_id, s.order_id not in known,
                           s.order_id not in known or _changed(known[s.order_id], s.updated_at))
                for s in snapshots]

    @staticmethod
    def _replace_children(session: Session, snapshots: Sequence[OrderSnapshot],
                          pks: dict[int, int]) -> None:
        order_pks = [pks[s.order_id] for s in snapshots]
        line_rows = [_line_values(pks[s.order_id], i, line)
                     for s in snapshots for i, line in enumerate(s.lines)]
        if line_rows:
            session.execute(dialect_of(session).upsert(LINES, ["order_pk", "line_id"],
                                                       line_rows[0]), line_rows)
        # Lines the store no longer has go, unless a local shipment still holds them (the sync
        # flags such orders; the packer decides).
        kept = {(pks[s.order_id], line.line_id) for s in snapshots for line in s.lines}
        referenced = select(SHIPMENT_LINES.c.line_pk)
        for row in session.execute(select(LINES.c.id, LINES.c.order_pk, LINES.c.line_id).where(
                LINES.c.order_pk.in_(order_pks), LINES.c.id.not_in(referenced))).all():
            if (row.order_pk, row.line_id) not in kept:
                session.execute(delete(LINES).where(LINES.c.id == row.id))
        for table in (ADDRESSES, PAYMENTS, STORE_SHIPMENTS):
            session.execute(delete(table).where(table.c.order_pk.in_(order_pks)))
        addresses = [_address_values(pks[s.order_id], a) for s in snapshots for a in s.addresses]
        if addresses:
            session.execute(insert(ADDRESSES), addresses)
        payments = [{"order_pk": pks[s.order_id], "payment_type": p.payment_type,
                     "payment_method_name": p.method_name, "card_type": p.card_type,
                     "last_four": p.last_four, "amount": str(p.amount),
                     "is_approved": p.is_approved, "is_declined": p.is_declined,
                     "is_captured": p.is_captured, "is_void": p.is_void, "paid_at": p.paid_at}
                    for s in snapshots for p in s.payments]
        if payments:
            session.execute(insert(PAYMENTS), payments)
        for snap in snapshots:
            for shipment in snap.shipments:
                shipment_pk = session.execute(insert(STORE_SHIPMENTS).values(
                    order_pk=pks[snap.order_id], shipment_id=shipment.shipment_id,
                    shipment_name=shipment.shipment_name, shipped_at=shipment.shipped_at,
                    tracking_numbers=shipment.tracking_numbers,
                    tracking_url=shipment.tracking_url, carrier=shipment.carrier,
                    service=shipment.service, packages=shipment.packages,
                    total_weight=shipment.total_weight, carrier_fee=shipment.carrier_fee,
                    shipping_comment=shipment.shipping_comment,
                )).inserted_primary_key[0]
                if shipment.lines:
                    session.execute(insert(STORE_SHIPMENT_LINES), [
                        {"store_shipment_pk": shipment_pk, "line_id": line.line_id,
                         "quantity": line.quantity} for line in shipment.lines])

    @staticmethod
    def _index(session: Session, snapshots: Sequence[OrderSnapshot], pks: dict[int, int],
               display_number) -> None:
        dialect_of(session).replace_search_text(session, {
            pks[s.order_id]: search_text(display_number(s.order_id), s) for s in snapshots})

    def analyze(self) -> None:
        self._db.analyze()

    def touch_read(self, order_pks: Iterable[int]) -> None:
        """The store's copy was read now and had not changed."""
        pks = list(order_pks)
        if pks:
            with self._db.write() as session:
                session.execute(update(ORDERS).where(ORDERS.c.id.in_(pks)).values(
                    last_read_at=self._clock()))

    # --- reading back -----------------------------------------------------------------------

    def count(self, connection_id: int | None = None) -> int:
        with self._db.read() as session:
            statement = select(func.count()).select_from(ORDERS)
            if connection_id is not None:
                statement = statement.where(ORDERS.c.connection_id == connection_id)
            return int(session.execute(statement).scalar_one())

    def find_pks(self, order_id: int, connection_id: int | None = None) -> list[tuple[int, int]]:
        """(order_pk, connection_id) of every cached order with this store id."""
        with self._db.read() as session:
            statement = select(ORDERS.c.id, ORDERS.c.connection_id).where(
                ORDERS.c.order_id == order_id)
            if connection_id is not None:
                statement = statement.where(ORDERS.c.connection_id == connection_id)
            return [(r.id, r.connection_id) for r in session.execute(statement)]

    def get(self, order_pk: int) -> CachedOrder | None:
        with self._db.read() as session:
            row = session.execute(select(ORDERS).where(ORDERS.c.id == order_pk)).first()
            if row is None:
                return None
            lines = session.execute(select(LINES).where(LINES.c.order_pk == order_pk)
                                    .order_by(LINES.c.position, LINES.c.id)).all()
            addresses = session.execute(select(ADDRESSES).where(
                ADDRESSES.c.order_pk == order_pk)).all()
            payments = session.execute(select(PAYMENTS).where(
                PAYMENTS.c.order_pk == order_pk)).all()
            shipments = session.execute(select(STORE_SHIPMENTS).where(
                STORE_SHIPMENTS.c.order_pk == order_pk).order_by(
                STORE_SHIPMENTS.c.shipment_id)).all()
            shipment_lines: dict[int, list[StoreShipmentLineInfo]] = {}
            if shipments:
                for sl in session.execute(select(STORE_SHIPMENT_LINES).where(
                        STORE_SHIPMENT_LINES.c.store_shipment_pk.in_([s.id for s in shipments]))):
                    shipment_lines.setdefault(sl.store_shipment_pk, []).append(
                        StoreShipmentLineInfo(sl.line_id, sl.quantity))
            tags: tuple[str, ...] = tuple(session.execute(select(TAGS.c.tag).where(
                TAGS.c.order_pk == order_pk).order_by(TAGS.c.tag)).scalars())
        snapshot = OrderSnapshot(
            order_id=row.order_id, store_id=row.store_id, customer_id=row.customer_id,
            order_status_id=row.order_status_id,
            previous_order_status_id=row.previous_order_status_id, order_type=row.order_type,
            ordered_at=row.ordered_at, created_at=row.created_at, updated_at=row.updated_at,
            status_changed_at=row.status_changed_at, subtotal=Decimal(row.subtotal),
            tax_total=Decimal(row.tax_total), shipping_total=Decimal(row.shipping_total),
            discount_total=Decimal(row.discount_total),
            handling_total=Decimal(row.handling_total), grand_total=Decimal(row.grand_total),
            coupon_code=row.coupon_code, shipping_method=row.shipping_method,
            shipping_service_code=row.shipping_service_code,
            shipping_carrier=row.shipping_carrier,
            special_instructions=row.special_instructions, instructions=row.instructions,
            public_comments=row.public_comments, admin_comments=row.admin_comments,
            is_gift=row.is_gift, gift_message=row.gift_message, channel=row.channel,
            source=row.source, due_date=row.due_date,
            custom_fields=tuple((f.get("name", ""), f.get("value", ""))
                                for f in row.custom_fields or []),
            lines=tuple(_line(r) for r in lines),
            payments=tuple(Payment(p.payment_type, p.payment_method_name, p.card_type,
                                   p.last_four, Decimal(p.amount), p.is_approved,
                                   p.is_declined, p.is_captured, p.is_void, p.paid_at)
                           for p in payments),
            shipments=tuple(StoreShipmentInfo(
                s.shipment_id, s.shipment_name, s.shipped_at, s.tracking_numbers,
                s.tracking_url, s.carrier, s.service, s.packages, s.total_weight,
                s.carrier_fee, s.shipping_comment, tuple(shipment_lines.get(s.id, ())))
                for s in shipments),
            addresses=tuple(_address_from_row(a) for a in addresses),
            customer=(Customer(row.customer_id, row.customer_email, row.customer_phone)
                      if row.customer_id is not None else None),
        )
        return CachedOrder(
            order_pk=row.id, connection_id=row.connection_id, snapshot=snapshot,
            units=row.units, total_weight=row.total_weight,
            first_synced_at=row.first_synced_at, last_read_at=row.last_read_at,
            flag_reason=row.flag_reason, flagged_at=row.flagged_at,
            flag_acknowledged_at=row.flag_acknowledged_at, hold_reason=row.hold_reason,
            hold_until=row.hold_until, work_started_at=row.work_started_at, tags=tags,
            customer_name=row.customer_name, customer_email=row.customer_email,
            customer_phone=row.customer_phone, payment_method=row.payment_method)


def _line(row) -> Line:
    return Line(
        line_id=row.line_id, sku=row.sku, name=row.name, quantity=row.quantity,
        price=Decimal(row.price), weight=row.weight, weight_unit=row.weight_unit,
        product_id=row.product_id, variant_inventory_id=row.variant_inventory_id,
        description=row.description,
        options=tuple(LineOption(o.get("label", ""), o.get("value", ""))
                      for o in row.options or []),
        is_non_shipping=row.is_non_shipping, is_discount=row.is_discount,
        parent_line_id=row.parent_line_id, bound_to_parent=row.bound_to_parent,
        gift_message=row.gift_message, note=row.note)


def _changed(cached_updated_at: datetime | None, store_updated_at: datetime | None) -> bool:
    if cached_updated_at is None or store_updated_at is None:
        return True
    return cached_updated_at != store_updated_at
