"""Orders as PackDesk understands them: plain dataclasses and the rules that derive from them.

These are what the store mapping produces and what repositories hand to services and the UI.
Nothing derivable is stored: weights, units and quantities left to ship are computed here.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class LineOption:
    label: str  # "Color", or the personalization question
    value: str

    def __str__(self) -> str:
        return f"{self.label}: {self.value}" if self.label else self.value


@dataclass(frozen=True)
class Line:
    line_id: int  # the store's order item id: shipments refer to it
    sku: str
    name: str
    quantity: int
    price: Decimal = Decimal(0)
    weight: float = 0.0  # per unit
    weight_unit: str = ""
    product_id: int | None = None
    variant_inventory_id: int | None = None
    description: str = ""
    options: tuple[LineOption, ...] = ()
    is_non_shipping: bool = False
    is_discount: bool = False
    parent_line_id: int | None = None
    bound_to_parent: bool = False
    gift_message: str = ""
    note: str = ""

    @property
    def is_packable(self) -> bool:
        """Discount and non-shipping lines are shown but never packed or scanned."""
        return not (self.is_non_shipping or self.is_discount) and self.quantity > 0

    @property
    def options_text(self) -> str:
        return ", ".join(str(option) for option in self.options)


@dataclass(frozen=True)
class Address:
    kind: str  # shipping | billing
    address_id: int | None = None
    company: str = ""
    first_name: str = ""
    last_name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    city: str = ""
    state: str = ""
    state_code: str = ""
    postal_code: str = ""
    country: str = ""
    country_code: str = ""
    phone: str = ""
    comments: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def lines(self) -> list[str]:
        """The address as printed on a label or slip; empty parts are left out."""
        region = " ".join(p for p in (self.state_code or self.state, self.postal_code) if p)
        city_line = ", ".join(p for p in (self.city, region) if p)
        parts = [self.name, self.company, self.address_line_1, self.address_line_2, city_line,
                 self.country]
        return [p for p in parts if p]


@dataclass(frozen=True)
class Payment:
    payment_type: str = ""
    method_name: str = ""
    card_type: str = ""
    last_four: str = ""
    amount: Decimal = Decimal(0)
    is_approved: bool = False
    is_declined: bool = False
    is_captured: bool = False
    is_void: bool = False
    paid_at: datetime | None = None

    @property
    def summary(self) -> str:
        card = " ".join(p for p in (self.card_type, f"…{self.last_four}" if self.last_four else "")
                        if p)
        return " ".join(p for p in (self.method_name or self.payment_type, card) if p)


@dataclass(frozen=True)
class StoreShipmentLine:
    line_id: int
    quantity: int


@dataclass(frozen=True)
class StoreShipment:
    """A shipment the store already has: pushed by PackDesk or made by another tool."""

    shipment_id: int
    shipment_name: str = ""
    shipped_at: datetime | None = None
    tracking_numbers: str = ""
    tracking_url: str = ""
    carrier: str = ""
    service: str = ""
    packages: int | None = None
    total_weight: float | None = None
    carrier_fee: str = ""
    shipping_comment: str = ""
    lines: tuple[StoreShipmentLine, ...] = ()


@dataclass(frozen=True)
class Customer:
    customer_id: int
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class OrderSnapshot:
    """The store's copy of one order, as read in one sync."""

    order_id: int
    store_id: int | None
    customer_id: int | None
    order_status_id: int | None
    previous_order_status_id: int | None = None
    order_type: str = "Order"
    ordered_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_at_text: str = ""  # the store's own text: checkpoints keep its full precision
    status_changed_at: datetime | None = None
    subtotal: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    shipping_total: Decimal = Decimal(0)
    discount_total: Decimal = Decimal(0)
    handling_total: Decimal = Decimal(0)
    grand_total: Decimal = Decimal(0)
    coupon_code: str = ""
    shipping_method: str = ""
    shipping_service_code: str = ""
    shipping_carrier: str = ""
    special_instructions: str = ""
    instructions: str = ""
    public_comments: str = ""
    admin_comments: str = ""
    is_gift: bool = False
    gift_message: str = ""
    channel: str = ""
    source: str = ""
    due_date: datetime | None = None
    shipping_address_id: int | None = None
    billing_address_id: int | None = None
    custom_fields: tuple[tuple[str, str], ...] = ()
    lines: tuple[Line, ...] = ()
    payments: tuple[Payment, ...] = ()
    shipments: tuple[StoreShipment, ...] = ()
    # Filled from other resources in bulk (addresses, customers) by the sync.
    addresses: tuple[Address, ...] = ()
    customer: Customer | None = None
    # Parts the order names but the store's answer left out ("shipping", "billing",
    # "customer"): the copy saved at an earlier sync is kept, never replaced with nothing.
    unread: frozenset[str] = frozenset()
    # Odd values the mapping could read but not take at face value (data_problems.py): the
    # order is imported and flagged with these reasons.
    problems: tuple[str, ...] = ()

    @property
    def payment_method(self) -> str:
        approved = [p for p in self.payments if not (p.is_void or p.is_declined)]
        return "; ".join(dict.fromkeys(p.summary for p in approved or self.payments if p.summary))

    def address(self, kind: str) -> Address | None:
        return next((a for a in self.addresses if a.kind == kind), None)


def shipped_in_store(shipments: Iterable[StoreShipment]) -> dict[int, int]:
    """Units of each line the store's shipments already cover (the store keeps no such field)."""
    shipped: dict[int, int] = {}
    for shipment in shipments:
        for line in shipment.lines:
            shipped[line.line_id] = shipped.get(line.line_id, 0) + line.quantity
    return shipped


def remaining_to_ship(lines: Iterable[Line], shipments: Iterable[StoreShipment]) -> dict[int, int]:
    """Units of each packable line still to ship: ordered minus already shipped in the store."""
    shipped = shipped_in_store(shipments)
    return {line.line_id: max(0, line.quantity - shipped.get(line.line_id, 0))
            for line in lines if line.is_packable}


def total_weight(lines: Iterable[Line]) -> float:
    """The store has no order weight: it is the sum of line weight x quantity."""
    return round(sum(line.weight * line.quantity for line in lines if line.is_packable), 3)


def total_units(lines: Iterable[Line]) -> int:
    return sum(line.quantity for line in lines if line.is_packable)


@dataclass(frozen=True)
class StoreChange:
    """What changed in the store since local packing work began (an interruption)."""

    reasons: tuple[str, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.reasons)

    @property
    def text(self) -> str:
        return "; ".join(self.reasons)
