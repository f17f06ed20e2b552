"""Local shipments: loading an order's plan and saving it back, with the details of each.

The packing rules work on `Plan` values keyed by line_id; rows refer to order lines by their
local pk. This module translates between the two inside the caller's unit of work.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from app.db.core import LINES, SCANS, SHIPMENT_LINES, SHIPMENTS
from app.db.repositories.station import STATION_ID_KEY
from app.db.tables import Meta
from app.domain.packing import Plan, ShipmentState
from app.domain.shipments import ShipmentDetails, ShipmentRecord


def shipment_name(station_id: str, shipment_pk: int) -> str:
    """The store's upsert key: unique across stations, stable across retries, ours at sight."""
    return f"PD-{station_id}-{shipment_pk}"


def bump_shipment_sequence(raw, at_least: int) -> None:
    """Make the next shipment id greater than `at_least` (AUTOINCREMENT's sqlite_sequence),
    so a name PD-{station}-{n} the store already has is never made again (after a restore).
    `raw`: a DB-API connection, or a Session/Connection (exec_driver_sql)."""
    if at_least <= 0:
        return
    execute = getattr(raw, "exec_driver_sql", None) or raw.execute
    execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'shipments'",
            (at_least,))
    execute("INSERT INTO sqlite_sequence(name, seq) SELECT 'shipments', ? WHERE NOT EXISTS "
            "(SELECT 1 FROM sqlite_sequence WHERE name = 'shipments')", (at_least,))


def bump_past_store_names(session: Session, names) -> None:
    """The store's shipments named PD-{this station}-{n}: new local ids start after the
    highest n (a restored database may be behind the store)."""
    names = [n for n in names if n.startswith("PD-")]
    if not names:
        return
    station = session.get(Meta, STATION_ID_KEY)
    if station is None:
        return
    prefix = f"PD-{station.value}-"
    numbers = [int(n[len(prefix):]) for n in names
               if n.startswith(prefix) and n[len(prefix):].isdigit()]
    if numbers:
        bump_shipment_sequence(session.connection(), max(numbers))


def _details(row) -> ShipmentDetails:
    return ShipmentDetails(
        carrier=row.carrier, service=row.service, service_id=row.service_id,
        service_type=row.service_type,
        tracking_numbers=tuple(t for t in row.tracking_numbers.split(",") if t),
        carrier_fee=Decimal(row.carrier_fee) if row.carrier_fee else None,
        packages=row.packages, weight_override=row.weight_override, buyer_note=row.buyer_note,
        internal_note=row.internal_note)


def load_shipments(session: Session, order_pk: int) -> list[ShipmentRecord]:
    rows = session.execute(select(SHIPMENTS).where(SHIPMENTS.c.order_pk == order_pk)
                           .order_by(SHIPMENTS.c.id)).all()
    units: dict[int, dict[int, int]] = {r.id: {} for r in rows}
    verified: dict[int, dict[int, int]] = {r.id: {} for r in rows}
    if rows:
        for r in session.execute(
                select(SHIPMENT_LINES.c.shipment_pk, SHIPMENT_LINES.c.quantity,
                       SHIPMENT_LINES.c.verified, LINES.c.line_id)
                .join(LINES, LINES.c.id == SHIPMENT_LINES.c.line_pk)
                .where(SHIPMENT_LINES.c.shipment_pk.in_(list(units)))):
            units[r.shipment_pk][r.line_id] = r.quantity
            if r.verified:
                verified[r.shipment_pk][r.line_id] = r.verified
    return [ShipmentRecord(
        shipment_pk=r.id, number=r.number, state=ShipmentState(r.state),
        shipment_name=r.shipment_name, details=_details(r), units=units[r.id],
        verified=verified[r.id], station=r.station, packer=r.packer, revision=r.revision,
        store_shipment_id=r.store_shipment_id, created_at=r.created_at, packed_at=r.packed_at,
        shipped_at=r.shipped_at, voided_at=r.voided_at) for r in rows]


def save_plan(session: Session, order_pk: int, plan: Plan, *, station_id: str, station: str,
              packer: str, now: datetime) -> dict[int, int]:
    """Write the plan: new shipments get rows and names, emptied open ones go, every live one
    gets its number 1..N. Returns plan key -> shipment pk."""
    line_pks = dict(session.execute(select(LINES.c.line_id, LINES.c.id)
                                    .where(LINES.c.order_pk == order_pk)).all())
    existing = {r.id: r for r in session.execute(
        select(SHIPMENTS.c.id, SHIPMENTS.c.state).where(SHIPMENTS.c.order_pk == order_pk))}
    keys: dict[int, int] = {}
    # Numbers are unique per order: park them out of the way before renumbering.
    session.execute(update(SHIPMENTS).where(SHIPMENTS.c.order_pk == order_pk)
                    .values(number=-SHIPMENTS.c.id))
    for shipment in plan.shipments:
        if shipment.key in existing:
            keys[shipment.key] = shipment.key
            session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == shipment.key).values(
                state=shipment.state.value, updated_at=now,
                **({"voided_at": now} if shipment.state is ShipmentState.VOID
                   and existing[shipment.key].state != ShipmentState.VOID.value else {})))
        else:
            pk = session.execute(insert(SHIPMENTS).values(
                order_pk=order_pk, number=-secrets.randbelow(2**31) - 1,
                state=shipment.state.value,
                shipment_name=f"PD-{station_id}-new-{secrets.token_hex(6)}",
                station=station, packer=packer, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == pk).values(
                shipment_name=shipment_name(station_id, pk)))
            keys[shipment.key] = pk
        pk = keys[shipment.key]
        session.execute(delete(SHIPMENT_LINES).where(
            SHIPMENT_LINES.c.shipment_pk == pk,
            SHIPMENT_LINES.c.line_pk.not_in([line_pks[i] for i in shipment.units])))
        for line_id, quantity in shipment.units.items():
            updated = session.execute(update(SHIPMENT_LINES).where(
                SHIPMENT_LINES.c.shipment_pk == pk,
                SHIPMENT_LINES.c.line_pk == line_pks[line_id]).values(
                quantity=quantity,
                # verified units cannot exceed what the shipment now holds
                verified=func.min(SHIPMENT_LINES.c.verified, quantity)))
            if updated.rowcount == 0:
                session.execute(insert(SHIPMENT_LINES).values(
                    shipment_pk=pk, line_pk=line_pks[line_id], quantity=quantity))
    gone = [pk for pk in existing if pk not in keys]
    if gone:
        session.execute(update(SCANS).where(SCANS.c.shipment_pk.in_(gone))
                        .values(shipment_pk=None))
        session.execute(delete(SHIPMENTS).where(SHIPMENTS.c.id.in_(gone)))
    for number, shipment in plan.numbered():
        session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == keys[shipment.key])
                        .values(number=number))
    # void shipments keep a number too (after the live ones), for the record
    voids = [s for s in plan.shipments if s.state is ShipmentState.VOID]
    for offset, shipment in enumerate(voids, start=len(plan.numbered()) + 1):
        session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == keys[shipment.key])
                        .values(number=offset))
    return keys


def save_details(session: Session, shipment_pk: int, details: ShipmentDetails, *,
                 now: datetime, bump_revision: bool) -> None:
    values = dict(
        carrier=details.carrier, service=details.service, service_id=details.service_id,
        service_type=details.service_type, tracking_numbers=",".join(details.tracking_numbers),
        carrier_fee=str(details.carrier_fee) if details.carrier_fee is not None else "",
        packages=details.packages, weight_override=details.weight_override,
        buyer_note=details.buyer_note, internal_note=details.internal_note, updated_at=now)
    if bump_revision:
        values["revision"] = SHIPMENTS.c.revision + 1
    session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == shipment_pk).values(**values))


def mark_state(session: Session, shipment_pk: int, state: ShipmentState, *, now: datetime,
               station: str, packer: str) -> None:
    values: dict = {"state": state.value, "updated_at": now}
    if state is ShipmentState.SHIPPED:
        values.update(shipped_at=now, station=station, packer=packer)
    elif state is ShipmentState.PACKED:
        values.update(packed_at=now)
    session.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == shipment_pk).values(**values))
