"""Store data PackDesk does not take at face value, and what happens to it.

Two outcomes, nothing silent:
* the order is imported and flagged with a plain reason the packer sees (odd quantity, no
  ship-to, unknown status, control characters in a SKU, no lines), or
* the order is skipped with its reason (it cannot be read as an order: a line that is not a
  line, two lines with one id, an absurd quantity); skipped orders are listed, counted and
  read again at every sync until the store sends them whole.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# No packer packs more units of one line; beyond this the number is a data error, not an order.
MAX_LINE_QUANTITY = 100_000

SHIP_TO_MISSING = "ship-to address missing in the store's answer"
NO_SHIP_TO = "no ship-to address in the store"
CUSTOMER_MISSING = "customer details missing in the store's answer"
NO_LINES = "the store sent no lines for this order"
CONTROL_IN_SKU = "{where}: SKU had control characters (removed)"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnreadableOrder(ValueError):
    """An order that cannot be read as an order; the message is the reason, in plain words."""


@dataclass(frozen=True)
class SkippedOrder:
    order_id: int | None  # None: the store sent no usable id (a null in the list)
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "reason": self.reason}


def line_quantity(value: Any, where: str) -> tuple[int, str]:
    """(units to pack, problem or "") for a line's quantity as the store sent it."""
    if value is None or value == "":
        return 0, f"{where}: quantity missing in the store (taken as 0)"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return 0, f"{where}: quantity {str(value)[:20]!r} is not a number (taken as 0)"
    if not number.is_finite():
        return 0, f"{where}: quantity {value} is not a number (taken as 0)"
    if number > MAX_LINE_QUANTITY:
        raise UnreadableOrder(f"{where}: quantity {_shown(number)} is beyond what can be packed "
                              f"(at most {MAX_LINE_QUANTITY:,})")
    if number < 0:
        return 0, f"{where}: quantity {_shown(number)} in the store (taken as 0)"
    if number != number.to_integral_value():
        whole = math.ceil(number)  # never pack fewer than were paid for; the packer checks
        return whole, f"{where}: quantity {_shown(number)} is not a whole number (taken as {whole})"
    return int(number), ""


# Past any real price (and past what rounding to cents on a slip can hold).
MONEY_LIMIT = Decimal(10) ** 15


def money_amount(value: Any, what: str) -> tuple[Decimal, str]:
    """(amount, problem or "") for a price or total as the store sent it. Absent is 0 (stores
    leave zero totals out); text that is no number ("12,50"), NaN, Infinity or an absurd
    amount is 0 too, but named, so the packer does not trust a slip's 0.00."""
    if value is None or value == "":
        return Decimal(0), ""
    try:
        number: Decimal | None = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= MONEY_LIMIT:
        return Decimal(0), f"{what} {str(value)[:20]!r} is not an amount (taken as 0)"
    return number, ""


def clean_code(value: str) -> tuple[str, bool]:
    """A SKU without control characters (a NUL cuts barcodes and scans short), and whether
    any were removed (the order is then flagged with CONTROL_IN_SKU)."""
    cleaned = _CONTROL.sub("", value)
    return cleaned, cleaned != value


def unknown_status(status_id: int | None) -> str:
    if status_id is None:
        return "no order status in the store's answer"
    return f"order status {status_id} is not in the store's list of statuses"


def flag_text(reasons: tuple[str, ...] | list[str]) -> str:
    return "; ".join(dict.fromkeys(r for r in reasons if r))


def _shown(number: Decimal) -> str:
    return format(number.normalize(), "f") if abs(number) < 10**15 else f"{number:.3g}"
