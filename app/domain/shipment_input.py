"""What a shipment may hold, checked in one place for the packing view and the command line.

`check_shipment_input` never raises: it returns every problem at once (`errors`), so a packer
fixes the form in one go, and `warnings` for things worth a second look that do not block (the
carrier-format tracking checks add theirs there). Limits and why:

- carrier fee: a finite amount from 0 to 99,999.99 (NaN, Infinity or 1e308 would be stored and
  pushed as a number the store cannot take, and block the order's outbox for good);
- carrier and service: required to ship (the store's shipment and the buyer's email name them);
  at most 100 characters each;
- buyer note: at most 2,000 characters (the store shows it to the buyer as the shipment's
  comment); internal note: at most 2,000 too; neither may hold control characters but line breaks
  and tabs;
- tracking numbers: at most 20, each 4 to 40 letters, digits or hyphens once spaces are taken
  out (a scanned web address or a pasted sentence is not one);
- packages: a whole number from 1 to 999; weight: a finite number above 0, at most 100,000.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from app.domain import tracking as tracking_formats

MAX_COST = Decimal("99999.99")
MAX_NAME_CHARS = 100
MAX_NOTE_CHARS = 2000
MAX_TRACKING_NUMBERS = 20
TRACKING_CHARS = (4, 40)
MAX_PACKAGES = 999
MAX_WEIGHT = 100_000.0


class ShipmentFields(Protocol):
    """The packer's part of a shipment (ShipmentDetails has these)."""

    # Read-only members, so that a frozen dataclass (ShipmentDetails) matches.
    @property
    def carrier(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def tracking_numbers(self) -> Sequence[str]: ...
    @property
    def carrier_fee(self) -> Decimal | None: ...
    @property
    def packages(self) -> int: ...
    @property
    def weight_override(self) -> float | None: ...
    @property
    def buyer_note(self) -> str: ...
    @property
    def internal_note(self) -> str: ...


@dataclass(frozen=True)
class ShipmentInputCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tracking_numbers: tuple[str, ...] = ()  # cleaned: spaces out, upper case, no repeats

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        return " ".join(self.errors)


def clean_tracking_numbers(numbers: Sequence[str]) -> tuple[str, ...]:
    """Spaces out, upper case, a scanned label reduced to the number it carries, repeats
    dropped, order kept."""
    return tuple(dict.fromkeys(
        tracking_formats.reduce_scanned("".join(str(t).split()).upper())
        for t in numbers if str(t).strip()))


def cost_error(cost: object) -> str:
    """Why this carrier fee cannot be used ("" = fine). None (no fee) is fine."""
    if cost is None:
        return ""
    try:
        amount = cost if isinstance(cost, Decimal) else Decimal(str(cost))
    except (InvalidOperation, ValueError):
        return f"The carrier fee {cost!s} is not an amount like 8.45."
    if not amount.is_finite():
        return f"The carrier fee must be an amount like 8.45, not {amount}."
    if amount < 0:
        return "The carrier fee cannot be negative."
    if amount > MAX_COST:
        return f"The carrier fee cannot be more than {MAX_COST:,}."
    return ""


def parse_cost(text: str) -> Decimal:
    """A typed carrier fee ("8.45", "$8,45") as an amount; ValueError with a plain message."""
    cleaned = text.strip().lstrip("$").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"The carrier fee {text.strip()!r} is not an amount like 8.45.") \
            from None
    problem = cost_error(amount)
    if problem:
        raise ValueError(problem)
    return amount


def _bad_characters(text: str) -> bool:
    return any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in text)


def check_shipment_input(details: ShipmentFields, *, shipping: bool) -> ShipmentInputCheck:
    """Every problem with these details. `shipping`: the shipment is being shipped or already
    was (a correction), so carrier and service are required; a draft may leave them empty."""
    errors: list[str] = []
    carrier, service = details.carrier.strip(), details.service.strip()
    if shipping and not carrier:
        errors.append("Enter the carrier (e.g. UPS).")
    if shipping and not service:
        errors.append("Enter the shipping service (e.g. UPS Ground).")
    for what, value in (("carrier", carrier), ("service", service)):
        if len(value) > MAX_NAME_CHARS:
            errors.append(f"The {what} name is longer than {MAX_NAME_CHARS} characters.")
        if _bad_characters(value) or "\n" in value or "\t" in value:
            errors.append(f"The {what} name holds control characters.")

    problem = cost_error(details.carrier_fee)
    if problem:
        errors.append(problem)

    packages = details.packages
    if not isinstance(packages, int) or isinstance(packages, bool) \
            or not 1 <= packages <= MAX_PACKAGES:
        errors.append(f"Packages must be a whole number from 1 to {MAX_PACKAGES}.")

    weight = details.weight_override
    if weight is not None:
        try:
            weight_value = float(weight)
        except (TypeError, ValueError):
            weight_value = math.nan
        if not math.isfinite(weight_value):
            errors.append("The weight must be a number.")
        elif weight_value <= 0:
            errors.append("Enter a weight above zero, or leave it to be computed.")
        elif weight_value > MAX_WEIGHT:
            errors.append(f"The weight cannot be more than {MAX_WEIGHT:,.0f}.")

    for what, note in (("note to the buyer", details.buyer_note),
                       ("internal note", details.internal_note)):
        if len(note) > MAX_NOTE_CHARS:
            errors.append(f"The {what} is {len(note):,} characters; at most "
                          f"{MAX_NOTE_CHARS:,} are allowed.")
        if _bad_characters(note):
            errors.append(f"The {what} holds control characters.")

    tracking = clean_tracking_numbers(details.tracking_numbers)
    if len(tracking) > MAX_TRACKING_NUMBERS:
        errors.append(f"{len(tracking)} tracking numbers: at most {MAX_TRACKING_NUMBERS} per "
                      "shipment (split it into more shipments).")
    low, high = TRACKING_CHARS
    for number in tracking[:MAX_TRACKING_NUMBERS]:
        shown = number if len(number) <= 44 else number[:40] + "…"
        if not all(c.isascii() and (c.isalnum() or c == "-") for c in number):
            errors.append(f"{shown!r} is not a tracking number (letters, digits and hyphens "
                          "only).")
        elif not low <= len(number) <= high:
            errors.append(f"{shown!r} is not a tracking number ({low} to {high} characters).")
    # a number that does not look like the chosen carrier's is worth a question, not a refusal
    warnings = [w for w in (tracking_formats.check(carrier, n) for n in tracking) if w]
    return ShipmentInputCheck(errors=errors, warnings=warnings, tracking_numbers=tracking)
