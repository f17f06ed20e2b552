"""The outbox's rules, pure: which entries of an order may go now, and what stops one.

An order's entries go strictly in queue order; a failed, stopped or not-yet-due entry holds back
the later ones of its order. A push stops (nothing is sent, the order is flagged) when the store
cancelled or declined the order, or another tool's shipments already cover the units.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.db.repositories.orders import CachedOrder
from app.db.repositories.outbox import PENDING, OutboxItem
from app.db.repositories.shipments import ShipmentRecord
from app.domain.connection_settings import StatusInfo
from app.domain.interruptions import OUR_SHIPMENT_PREFIX
from app.domain.orders import shipped_in_store
from app.domain.packing import ShipmentState

KINDS = ("shipment", "shipment_void", "status", "claim")
STATUS_KINDS = ("status", "claim")
REFRESH_AFTER = timedelta(seconds=60)
BACKOFF_BASE = timedelta(seconds=15)
BACKOFF_CAP = timedelta(minutes=15)


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


def due_chains(unfinished: list[OutboxItem], now: datetime) -> list[list[OutboxItem]]:
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
            due = entry.next_attempt_at is None or entry.next_attempt_at <= now
            if entry.state != PENDING or not due:
                break
            chain.append(entry)
        if chain:
            chains.append(chain)
    chains.sort(key=lambda c: c[0].entry_id)
    return chains
