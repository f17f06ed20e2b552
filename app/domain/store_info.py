"""What PackDesk keeps about a store besides its orders: storefronts and shipping services."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StorefrontInfo:
    store_id: int
    name: str
    domain_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    logo_url: str = ""
    logo_file: str = ""


@dataclass(frozen=True)
class ShippingServiceInfo:
    kind: str  # provider | custom
    service_id: int
    carrier: str
    name: str
    code: str = ""
