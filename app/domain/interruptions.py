"""Has the store changed an order under the packer's hands?

Compares what was cached when packing began with what the store sends now. Pure: the callers
bring the cached facts and the store's statuses.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.domain.connection_settings import StatusInfo
from app.domain.orders import OrderSnapshot, StoreChange

OUR_SHIPMENT_PREFIX = "PD-"


def store_changes(*, previous_status_id: int | None, previous_lines: Mapping[int, int],
                  previous_shipment_ids: Iterable[int], now: OrderSnapshot,
                  statuses: Mapping[int, StatusInfo],
                  previous_ship_to: tuple[str, ...] | None = None,
                  previous_note: str | None = None,
                  previous_method: str | None = None) -> StoreChange:
    """`previous_*` left None are not compared. A ship-to the store's answer lacks is not a
    change (the sync flags it as missing instead)."""
    reasons: list[str] = []
    status = statuses.get(now.order_status_id) if now.order_status_id is not None else None
    if status is not None and now.order_status_id != previous_status_id:
        if status.is_cancelled:
            reasons.append(f"cancelled in the store ({status.name})")
        elif status.is_declined:
            reasons.append(f"payment declined in the store ({status.name})")
    current_lines = {line.line_id: line.quantity for line in now.lines}
    if previous_lines and current_lines != dict(previous_lines):
        added = sorted(set(current_lines) - set(previous_lines))
        removed = sorted(set(previous_lines) - set(current_lines))
        changed = sorted(i for i in set(current_lines) & set(previous_lines)
                         if current_lines[i] != previous_lines[i])
        parts = []
        if added:
            parts.append(f"{len(added)} line(s) added")
        if removed:
            parts.append(f"{len(removed)} line(s) removed")
        if changed:
            parts.append(f"quantity changed on {len(changed)} line(s)")
        reasons.append("lines changed in the store: " + ", ".join(parts))
    ship_to = now.address("shipping")
    if previous_ship_to is not None and ship_to is not None \
            and tuple(ship_to.lines()) != tuple(previous_ship_to):
        reasons.append("ship-to address changed in the store")
    if previous_note is not None and now.special_instructions != previous_note:
        reasons.append("customer note changed in the store")
    if previous_method is not None and now.shipping_method != previous_method:
        reasons.append(f"shipping method changed in the store ({previous_method or 'none'} → "
                       f"{now.shipping_method or 'none'})")
    known = set(previous_shipment_ids)
    foreign = [s for s in now.shipments
               if s.shipment_id not in known
               and not s.shipment_name.startswith(OUR_SHIPMENT_PREFIX)]
    if foreign:
        names = ", ".join(s.shipment_name or f"#{s.shipment_id}" for s in foreign)
        reasons.append(f"shipped by another tool ({names})")
    return StoreChange(tuple(reasons))
