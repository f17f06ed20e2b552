"""Per-connection settings and their validation (pure; the UI shows the errors inline)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from app.domain.status_rules import (
    StatusView,
    default_import_rule,
    default_view_for_status,
    status_matches,
    validate_claim_status,
)
from app.errors import ConfigurationError

DEFAULT_BIN_FIELD = "ShipStationWarehouseLocation"

# Tracking links per carrier; a connection's tracking_url_templates override or add to them.
TRACKING_URL_PRESETS = {
    "UPS": "https://www.ups.com/track?tracknum={tracking}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={tracking}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking}",
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-express.html"
           "?tracking-id={tracking}",
    "DHL eCommerce": "https://www.dhl.com/us-en/home/tracking/tracking-ecommerce.html"
                     "?tracking-id={tracking}",
    "Canada Post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search"
                   "?searchFor={tracking}",
}
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,11}$")
_TAG = re.compile(r"^[^\s,][^,]{0,39}$")


@dataclass(frozen=True)
class StatusInfo:
    """One of the store's order statuses, with the packer's view mapping."""

    id: int
    name: str
    is_open: bool = False
    is_declined: bool = False
    is_cancelled: bool = False
    is_shipped: bool = False
    is_partially_shipped: bool = False
    is_quote_status: bool = False
    is_fully_refunded: bool = False
    is_claim_status: bool = False  # the connection's status set after import
    view_override: StatusView | None = None

    @property
    def view(self) -> StatusView:
        return self.view_override or default_view_for_status(self)


@dataclass(frozen=True)
class ConnectionSettings:
    name: str
    address: str  # origin, e.g. https://shop.example.com
    import_statuses: tuple[str, ...] | None = None  # None = open, not shipped, not a quote
    created_within_days: int = 30
    poll_interval_min: int = 15
    claim_status_id: int | None = None
    shipped_status_id: int | None = None
    partial_status_id: int | None = None
    mark_shipped_on_first: bool = False
    notify_customer: bool = True
    sync_tracking: bool = True
    order_prefix: str = ""
    bin_field_name: str = DEFAULT_BIN_FIELD
    new_order_tag: str = ""
    storefront_ids: tuple[int, ...] | None = None  # None = every storefront the token reaches
    tracking_url_templates: Mapping[str, str] = field(default_factory=dict)

    def with_changes(self, **changes: Any) -> ConnectionSettings:
        return replace(self, **changes)

    def imports_status(self, status: StatusInfo) -> bool:
        if self.import_statuses is None:
            return default_import_rule(status)
        return status_matches(status.name, self.import_statuses)

    def imports_storefront(self, store_id: int | None) -> bool:
        return self.storefront_ids is None or store_id in self.storefront_ids

    def window_start(self, now: datetime) -> datetime:
        return now - timedelta(days=self.created_within_days)

    def display_number(self, order_id: int) -> str:
        """The order number as packers see it; the prefix is never sent to the store."""
        return f"{self.order_prefix}{order_id}" if self.order_prefix else str(order_id)


def validate_settings(settings: ConnectionSettings,
                      statuses: Iterable[StatusInfo] = ()) -> dict[str, str]:
    """Field name -> message for every problem; empty when the settings can be saved."""
    known = {s.id: s for s in statuses}
    errors: dict[str, str] = {}
    if not settings.name.strip():
        errors["name"] = "Give the connection a name."
    elif len(settings.name) > 60:
        errors["name"] = "Keep the name under 60 characters."
    if not 1 <= settings.created_within_days <= 3650:
        errors["created_within_days"] = "Import orders created within 1 to 3,650 days."
    if not 1 <= settings.poll_interval_min <= 1440:
        errors["poll_interval_min"] = "Check for new orders every 1 to 1,440 minutes."
    if settings.import_statuses is not None:
        if not settings.import_statuses:
            errors["import_statuses"] = ("List at least one status name, or use the default "
                                         "rule (open, not shipped, not a quote).")
        elif known:
            unknown = [n for n in settings.import_statuses
                       if not any(status_matches(s.name, [n]) for s in known.values())]
            if unknown:
                errors["import_statuses"] = ("The store has no status named "
                                             + ", ".join(repr(n) for n in unknown) + ".")
    for key in ("claim_status_id", "shipped_status_id", "partial_status_id"):
        value = getattr(settings, key)
        if value is not None and known and value not in known:
            errors[key] = f"The store has no status with id {value}."
    if "claim_status_id" not in errors and settings.claim_status_id is not None:
        try:
            imported = settings.import_statuses
            validate_claim_status(settings.claim_status_id, imported, known.values())
        except ConfigurationError as exc:
            errors["claim_status_id"] = str(exc)
    if settings.order_prefix and not _PREFIX.match(settings.order_prefix):
        errors["order_prefix"] = ("Use up to 12 letters, digits, '-' or '_' for the prefix, "
                                  "starting with a letter or digit.")
    if not settings.bin_field_name.strip():
        errors["bin_field_name"] = "Name the product custom field that holds the bin location."
    if settings.new_order_tag and not _TAG.match(settings.new_order_tag):
        errors["new_order_tag"] = "A tag has no commas and at most 40 characters."
    if settings.storefront_ids is not None and not settings.storefront_ids:
        errors["storefront_ids"] = "Choose at least one storefront, or all of them."
    for carrier, template in settings.tracking_url_templates.items():
        if "{tracking}" not in template or not template.startswith(("https://", "http://")):
            errors["tracking_url_templates"] = (
                f"The tracking link for {carrier} must be a web address containing {{tracking}}.")
    return errors


def ensure_valid(settings: ConnectionSettings, statuses: Iterable[StatusInfo] = ()) -> None:
    errors = validate_settings(settings, statuses)
    if errors:
        raise ConfigurationError(" ".join(errors.values()))
