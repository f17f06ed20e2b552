"""What a packing slip or a pick list shows: plain, immutable input for the renderers.

The slips service fills these from the database; nothing here reads a database or a store.
All text is data from the store and is printed literally (never interpreted as markup).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path

from app.domain.orders import Address
from app.domain.store_info import StorefrontInfo

ImagePath = str | Path


class PageSize(str, Enum):
    LETTER = "letter"
    A4 = "a4"
    LABEL_4X6 = "4x6"  # thermal label stock, portrait


@dataclass(frozen=True)
class Storefront:
    """The branding at the top of a slip."""

    name: str
    logo: ImagePath | None = None  # a local image file; a missing or broken file prints no logo
    address_lines: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""

    @classmethod
    def from_info(cls, info: StorefrontInfo, logo: ImagePath | None = None) -> Storefront:
        region = " ".join(p for p in (info.state, info.postal_code) if p)
        city_line = ", ".join(p for p in (info.city, region) if p)
        lines = (info.address_line_1, info.address_line_2, city_line, info.country)
        return cls(name=info.company_name or info.name,
                   logo=logo if logo is not None else (info.logo_file or None),
                   address_lines=tuple(p for p in lines if p), phone=info.phone, email=info.email)


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int  # units in this shipment
    quantity_ordered: int = 0  # 0 = same as quantity
    quantity_other_shipments: int = 0  # units of this line in the order's other open shipments
    quantity_shipped_before: int = 0  # units already shipped in earlier shipments
    options_text: str = ""  # e.g. Line.options_text: "Color: Red, Size: M"
    bin_location: str = ""
    image: ImagePath | None = None
    unit_price: Decimal = Decimal(0)

    @property
    def ordered(self) -> int:
        return self.quantity_ordered or self.quantity


@dataclass(frozen=True)
class SlipShipment:
    storefront: Storefront
    order_number: str  # as displayed, with the connection's prefix: "AC-100123"
    order_barcode: str  # prefix + id: "AC-100123"
    shipment_barcode: str  # "S" + shipment_name: "SPD-7F3A2C-15"
    lines: Sequence[SlipLine]
    order_date: date | None = None  # a datetime prints its date
    ship_date: date | None = None
    shipping_method: str = ""
    ship_to: Address | None = None
    bill_to: Address | None = None
    customer_email: str = ""
    customer_phone: str = ""
    is_gift: bool = False
    gift_message: str = ""
    customer_notes: str = ""
    note_to_buyer: str = ""
    shipment_number: int = 1  # "Shipment n of N"
    shipment_count: int = 1
    reprint: bool = False
    currency: str = "USD"


@dataclass(frozen=True)
class SlipOptions:
    page_size: PageSize = PageSize.LETTER
    show_prices: bool = False
    gift: bool = False  # gift slips never show prices or the buyer's billing details
    show_images: bool = True  # only lines that have an image path get a thumbnail
    reverse: bool = False  # last page first, for printers that stack face up

    def prices_for(self, shipment: SlipShipment) -> bool:
        """A slip that travels inside a gift never shows what it cost."""
        return self.show_prices and not (self.gift or shipment.is_gift)


@dataclass(frozen=True)
class PickShipment:
    """One shipment of a pick batch."""

    order_number: str  # "AC-100123"
    lines: Sequence[SlipLine]
    shipment_label: str = ""  # e.g. "2/3" for a split order; empty when the order ships whole


@dataclass(frozen=True)
class PickList:
    shipments: Sequence[PickShipment]
    title: str = "Pick list"
    subtitle: str = ""  # e.g. the batch name, station and date, printed under the title
    reprint: bool = False
