"""The store calls an outbox entry becomes, pure: built from the cached order and the
shipment's current row, exactly as they would be sent (the dry-run preview shows the same)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from app.db.repositories.orders import CachedOrder
from app.db.repositories.outbox import PENDING, OutboxItem
from app.db.repositories.shipments import ShipmentRecord
from app.domain.connection_settings import TRACKING_URL_PRESETS, StatusInfo
from app.domain.packing import ShipmentState
from app.domain.tracking import carrier_key, detect_carrier
from app.services.outbox_rules import KINDS, STATUS_KINDS, stop_reason


@dataclass(frozen=True)
class StoreRequest:
    """One call to the store, exactly as it would be sent (the dry-run preview)."""

    method: str
    path: str
    body: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "body": self.body}

    def as_text(self) -> str:
        body = json.dumps(self.body, indent=2, ensure_ascii=False) if self.body is not None else ""
        return f"{self.method} {self.path}\n{body}".rstrip()


@dataclass(frozen=True)
class Preview:
    entry_id: int
    kind: str
    state: str
    request: StoreRequest | None  # None: nothing would be sent
    note: str  # why nothing (or something special) would happen

    def as_dict(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "kind": self.kind, "state": self.state,
                "request": self.request.as_dict() if self.request else None, "note": self.note}

    def as_text(self) -> str:
        parts = [self.request.as_text() if self.request else "(no call)"]
        if self.note:
            parts.append(f"-- {self.note}")
        return "\n".join(parts)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None



def tracking_url(carrier: str, tracking_numbers: Sequence[str],
                 overrides: dict[str, str] | None = None) -> str:
    """The carrier's tracking link for the first tracking number ("" if unknown)."""
    if not tracking_numbers or not carrier.strip():
        return ""
    key = carrier.strip().lower()
    chosen, detected = carrier_key(carrier), detect_carrier(tracking_numbers[0])
    if chosen is not None and detected is not None and detected != chosen:
        key = detected.lower()  # a UPS "1Z" number saved as USPS is still tracked at UPS
    templates = {name.lower(): url for name, url in TRACKING_URL_PRESETS.items()}
    templates.update({name.strip().lower(): url for name, url in (overrides or {}).items()})
    template = templates.get(key)
    if template is None:  # "UPS Ground" typed as the carrier still finds UPS
        template = next((url for name, url in templates.items()
                         if key.split()[0] == name), None)
    if not template or "{tracking}" not in template:
        return ""
    return template.replace("{tracking}", quote(tracking_numbers[0], safe=""))


def shipment_request(order: CachedOrder, record: ShipmentRecord,
                     templates: dict[str, str] | None = None) -> StoreRequest:
    """`POST /order_shipments`: the upsert of one local shipment, from its current row."""
    details = record.details
    weights = {line.line_id: line.weight for line in order.snapshot.lines}
    weight = details.weight_override or round(
        sum(weights.get(i, 0.0) * n for i, n in record.units.items()), 3)
    body: dict[str, Any] = {
        "order_id": order.snapshot.order_id,
        "shipment_name": record.shipment_name,
        "shipped_at": _iso(record.shipped_at),
        "tracking_numbers": ",".join(details.tracking_numbers),
        "tracking_url": tracking_url(details.carrier, details.tracking_numbers, templates),
        "shipping_provider_name": details.carrier,
        "shipping_method": details.service,
    }
    if details.service_id is not None and details.service_type in ("provider", "custom"):
        body["shipping_method_id"] = details.service_id
        body["shipping_method_type"] = details.service_type
    if details.carrier_fee is not None:
        body["provider_total_shipping_cost"] = float(details.carrier_fee)
    body.update({
        "number_of_packages": details.packages,
        "total_weight": weight,
        "shipping_comment": details.buyer_note,
        "items": [{"id": line_id, "quantity_shipped": n}
                  for line_id, n in sorted(record.units.items()) if n > 0],
    })
    return StoreRequest("POST", "/order_shipments", body)


def status_request(order_id: int, status_id: int, notify: bool) -> StoreRequest:
    """With notify the store's events and customer emails fire; without, a plain update."""
    path = f"/orders/{order_id}/status" if notify else f"/orders/{order_id}"
    return StoreRequest("PUT", path, {"order_status_id": status_id})


def void_request(store_shipment_id: int) -> StoreRequest:
    """A voided shipment leaves the store: DELETE (the docs answer 204, the OpenAPI file 200)."""
    return StoreRequest("DELETE", f"/order_shipments/{store_shipment_id}", None)


def store_shipment_id(order: CachedOrder, record: ShipmentRecord) -> int | None:
    """The store's id of our shipment: recorded when pushed, else found by name in the order
    as last read."""
    if record.store_shipment_id is not None:
        return record.store_shipment_id
    return next((s.shipment_id for s in order.snapshot.shipments
                 if s.shipment_name == record.shipment_name), None)


def preview(entry: OutboxItem, order: CachedOrder | None, templates: dict[str, str],
            statuses: dict[int, StatusInfo], records: Sequence[ShipmentRecord]) -> Preview:
    """Exactly the call the entry would make now, from the cache (`templates`: the
    connection's tracking links; `records`: the order's shipments); nothing is sent."""
    entry_id = entry.entry_id
    if entry.kind not in KINDS or order is None:
        return Preview(entry_id, entry.kind, entry.state, None,
                       "PackDesk's outbox worker does not send this entry."
                       if entry.kind not in KINDS else "The order is not in the cache.")
    note = "" if entry.state == PENDING else f"This entry is {entry.state}."
    if entry.kind in STATUS_KINDS:
        target = int(entry.payload["order_status_id"])
        request = status_request(order.snapshot.order_id, target,
                                 bool(entry.payload.get("notify", True)))
        if order.snapshot.order_status_id == target:
            note = (note + " The store already has this status (as last read): nothing "
                    "would be sent.").strip()
            return Preview(entry_id, entry.kind, entry.state, request, note)
    else:
        record = next((r for r in records if r.shipment_pk == entry.shipment_pk), None)
        if record is None:
            return Preview(entry_id, entry.kind, entry.state, None,
                           "The shipment no longer exists.")
        if entry.kind == "shipment":
            request = shipment_request(order, record, templates)
            if record.state is not ShipmentState.SHIPPED:
                note = (note + f" The shipment is {record.state.value}: nothing would be "
                        "sent.").strip()
        else:
            store_id = store_shipment_id(order, record)
            if store_id is None:
                return Preview(entry_id, entry.kind, entry.state, None,
                               "The store has no copy of this shipment (as last read): "
                               "nothing to void.")
            request = void_request(store_id)
    reason = stop_reason(entry.kind, order, statuses, records, next(
        (r for r in records if r.shipment_pk == entry.shipment_pk), None))
    if reason:
        note = (note + f" It would stop: the order was {reason}.").strip()
    return Preview(entry_id, entry.kind, entry.state, request, note)
