"""What the packing view asks of the services, as plain functions run on the task pools.

Every function here runs on a worker thread ("db" pool, or "network" for shipping, which may
re-read the order from the store) and returns plain dataclasses; no Qt (house rule 3).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from app.context import AppContext
from app.domain.catalog import ProductInfo
from app.domain.store_info import ShippingServiceInfo
from app.domain.verification import DEFAULT_POLICY, VerificationPolicy
from app.services.packing import PackingView
from app.services.scanning import RoutedScan


@dataclass(frozen=True)
class PackingSnapshot:
    """One order as the packing view shows it."""

    view: PackingView
    products: dict[int, ProductInfo] = field(default_factory=dict)
    services: tuple[ShippingServiceInfo, ...] = ()
    order_prefix: str = ""
    verification_policy: VerificationPolicy = DEFAULT_POLICY  # this station's

    @property
    def order_pk(self) -> int:
        return self.view.order.order_pk

    @property
    def order_label(self) -> str:
        return f"{self.order_prefix}{self.view.order.snapshot.order_id}"


def load(context: AppContext, order_pk: int, *, begin: bool = True) -> PackingSnapshot:
    """The order's packing view; `begin` saves the plan so scans can be recorded."""
    view = context.packing.begin(order_pk) if begin else context.packing.view(order_pk)
    return with_reference(context, view)


def with_reference(context: AppContext, view: PackingView) -> PackingSnapshot:
    reference = context.packing.reference(view)
    return PackingSnapshot(view, reference.products, reference.services,
                           reference.order_prefix, reference.verification_policy)


@dataclass(frozen=True)
class ScanReply(RoutedScan):
    """A routed scan, with what the window shows of the order it opened."""

    snapshot: PackingSnapshot | None = None  # `opened` with its products and services


def handle_scan(context: AppContext, order_pk: int | None, number: int | None,
                value: str) -> ScanReply:
    """A scan, routed by the scan service (a unit of the open order, or what it opens)."""
    routed = context.scanning.handle(order_pk, number, value)
    snapshot = with_reference(context, routed.opened) if routed.opened is not None else None
    return ScanReply(**{f.name: getattr(routed, f.name) for f in fields(routed)},
                     snapshot=snapshot)


def confirm(context: AppContext, order_pk: int, number: int, line_id: int) -> ScanReply:
    outcome = context.scanning.confirm(order_pk, number, line_id)
    view = replace(context.packing.view(order_pk), changes=outcome.changes)
    return ScanReply(outcome.value, outcome, view, number=number)
