"""A saved shipment and what the packer fills in for it: plain values the packing screen, the
CLI and the services share (the repository reads and writes them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.domain.packing import Plan, PlannedShipment, ShipmentState


@dataclass(frozen=True)
class ShipmentDetails:
    """What the packer fills in per shipment."""

    carrier: str = ""
    service: str = ""
    service_id: int | None = None
    service_type: str = ""  # provider | custom | "" (typed)
    tracking_numbers: tuple[str, ...] = ()
    carrier_fee: Decimal | None = None
    packages: int = 1
    weight_override: float | None = None
    buyer_note: str = ""
    internal_note: str = ""


@dataclass(frozen=True)
class ShipmentRecord:
    shipment_pk: int
    number: int
    state: ShipmentState
    shipment_name: str
    details: ShipmentDetails
    units: dict[int, int]  # line_id -> units
    verified: dict[int, int]  # line_id -> units confirmed by scan or by hand
    station: str
    packer: str
    revision: int
    store_shipment_id: int | None
    created_at: datetime
    packed_at: datetime | None
    shipped_at: datetime | None
    voided_at: datetime | None


@dataclass(frozen=True)
class UnverifiedConfirmation:
    """A shipment shipped with units not verified: who confirmed it, when, and why."""

    station: str
    packer: str
    at: datetime
    reason: str


def plan_of(records: list[ShipmentRecord]) -> Plan:
    return Plan(tuple(PlannedShipment(key=r.shipment_pk, state=r.state, units=dict(r.units),
                                      shipment_name=r.shipment_name) for r in records))
