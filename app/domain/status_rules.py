"""Order status rules: which statuses import, which view a status lands in, the claim-status trap.

Pure functions, no I/O. A "status" is anything dict-like (the store's JSON) or an object with the
same attribute names (a repository dataclass): `name`, `id`, `is_open`, `is_shipped`, ...
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.errors import ConfigurationError

_SPACES = re.compile(r"\s+")
_AWAITING_PAYMENT_NAMES = ("awaiting payment", "pending payment")
# Words of a status name that say "do not pack" even when the store flags it open ("On Hold",
# "Backordered", "Back-order") or not cancelled ("Refunded").
_HOLD_WORDS = re.compile(r"\bhold\b|\bback[\s-]?order")
_REFUND_WORDS = re.compile(r"refund")


class StatusView(StrEnum):
    """The PackDesk list a store status shows up in."""

    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


# The order lists a packer can pick: every status view, the orders with some units shipped and
# some still to ship (a part of Awaiting shipment), all orders and flagged/held ones.
ALL_ORDERS = "all"
FLAGGED = "flagged"
PARTIALLY_SHIPPED = "partially_shipped"
LIST_VIEWS = (ALL_ORDERS, *[v.value for v in StatusView], PARTIALLY_SHIPPED, FLAGGED)


def normalize_status_name(name: str) -> str:
    """The key two names are compared by: case-folded, commas dropped, whitespace collapsed.

    "Approved, Pending Shipping" and " approved  pending shipping " give the same key.
    """
    return _SPACES.sub(" ", name.replace(",", " ")).strip().casefold()


def parse_status_list(text: str) -> list[str]:
    """Split a user's comma-separated list of status names (ShipStation's convention).

    Commas separate names (users drop the commas inside a name), whitespace is tidied, empty
    entries and repeats (by normalized name) are dropped; the first spelling is kept.
    """
    names: dict[str, str] = {}
    for part in re.split(r"[,\n]", text or ""):
        name = _SPACES.sub(" ", part).strip()
        if name:
            names.setdefault(normalize_status_name(name), name)
    return list(names.values())


def format_status_list(names: Iterable[str]) -> str:
    """The inverse of parse_status_list, for showing a saved list in a text field."""
    return ", ".join(names)


def status_matches(name: str, wanted_names: Iterable[str]) -> bool:
    key = normalize_status_name(name)
    return any(key == normalize_status_name(wanted) for wanted in wanted_names)


def default_import_rule(status_flags: Any) -> bool:
    """ShippingEasy's rule: import orders whose status is open, not shipped and not a quote."""
    return (_flag(status_flags, "is_open") and not _flag(status_flags, "is_shipped")
            and not _flag(status_flags, "is_quote_status"))


def default_view_for_status(status: Any) -> StatusView:
    """Default view of a store status, by name and flags (the merchant can change each).

    Names come first where they say more than the flags: a store's "On Hold" is flagged open,
    and "Refunded" is neither open nor cancelled. The connection's claim status ("set after
    import") means "imported, to be packed", though it must not be open under the default
    import rule.
    """
    if _flag(status, "is_claim_status"):
        return StatusView.AWAITING_SHIPMENT
    key = normalize_status_name(str(_field(status, "name") or ""))
    if _HOLD_WORDS.search(key):
        return StatusView.ON_HOLD
    if _REFUND_WORDS.search(key) or _flag(status, "is_fully_refunded"):
        return StatusView.CANCELLED
    if any(words in key for words in _AWAITING_PAYMENT_NAMES):
        return StatusView.AWAITING_PAYMENT
    if _flag(status, "is_shipped"):
        return StatusView.SHIPPED
    if _flag(status, "is_cancelled") or _flag(status, "is_declined"):
        return StatusView.CANCELLED
    if _flag(status, "is_partially_shipped"):
        return StatusView.AWAITING_SHIPMENT
    if _flag(status, "is_quote_status"):
        return StatusView.ON_HOLD
    if _flag(status, "is_open"):
        return StatusView.AWAITING_SHIPMENT
    return StatusView.ON_HOLD


def order_views(status_view: StatusView, *, total_units: int, shipped_units: int,
                has_shipments: bool, partial_status: bool = False,
                held: bool = False) -> frozenset[str]:
    """The list views an order is in: its status's view, with the shipments deciding between
    Awaiting shipment, Partially shipped and Shipped.

    `status_view`: the view its store status maps to. `shipped_units`: packable units shipped,
    by PackDesk (its shipped shipments) or in the store (shipments not made by PackDesk), at
    most each line's quantity. `has_shipments`: any shipment of the order, local (even open or
    void) or in the store. `partial_status`: the status is flagged partially shipped. `held`: a
    local hold, which keeps the order out of the packer's queues.

    Once an order has shipments, they decide, whatever the status settings: a fully shipped
    order with no status after shipment leaves Awaiting shipment, units still to ship after
    "mark shipped on first" stay in it, and a void re-opens the order before the store hears.
    An order with no shipments (or nothing to pack) has only its status to go by: "Shipped"
    set in the store's admin means shipped. Partially shipped is a part of Awaiting shipment,
    so a to-ship list or pick list of Awaiting shipment has every unit still to ship.
    """
    if status_view not in (StatusView.AWAITING_SHIPMENT, StatusView.SHIPPED):
        return frozenset({status_view.value})
    if not has_shipments or total_units <= 0:
        views = {status_view.value}
        if partial_status and status_view is StatusView.AWAITING_SHIPMENT:
            views.add(PARTIALLY_SHIPPED)
    elif shipped_units >= total_units:
        views = {StatusView.SHIPPED.value}
    elif shipped_units > 0:
        views = {StatusView.AWAITING_SHIPMENT.value, PARTIALLY_SHIPPED}
    else:
        views = {StatusView.AWAITING_SHIPMENT.value}
    if held:
        views -= {StatusView.AWAITING_SHIPMENT.value, PARTIALLY_SHIPPED}
    return frozenset(views)


def hold_active(reason: str, until: datetime | None, now: datetime) -> bool:
    """A local hold counts while it has a reason and no release date, or one still ahead."""
    return bool(reason) and (until is None or until > now)


def status_before_ours(our_changes: Iterable[Mapping[str, Any]],
                       fallback: int | None = None) -> int | None:
    """The store status an order had before PackDesk's status changes after shipment, or None
    when none of ours is still in force (then a void leaves the store's status alone).

    `our_changes`: the payloads of the order's status entries in the outbox, in queue order
    (sent or not). Each after-shipment change records `previous_status_id`, the status the
    store would have had when it was queued; one marked `restore` put that status back and
    ends the round. `fallback` stands in for a change queued before changes recorded it (the
    store's `previous_order_status_id`).
    """
    original: int | None = None
    in_force = False
    for change in our_changes:
        if change.get("restore"):
            original, in_force = None, False
        elif not in_force:
            original, in_force = change.get("previous_status_id", fallback), True
    return original if in_force else None


def validate_claim_status(claim_status_name_or_id: int | str | None,
                          import_statuses: Iterable[int | str] | None,
                          statuses: Iterable[Any] = ()) -> None:
    """Refuse a claim status that is itself imported (the Order Desk trap).

    Setting an order to the claim status after import must take it out of the import rule,
    otherwise it is imported again, or (with some tools) nothing new is ever imported.
    `import_statuses` holds names or ids; empty/None means the default rule, which can only be
    checked when the store's `statuses` are given. `statuses` also resolves ids to names.
    """
    if claim_status_name_or_id is None or str(claim_status_name_or_id).strip() == "":
        return
    known = list(statuses)
    claim_keys = _status_keys(claim_status_name_or_id, known)
    wanted = list(import_statuses or ())
    if wanted:
        clash = next((w for w in wanted if claim_keys & _status_keys(w, known)), None)
        if clash is not None:
            raise _claim_error(claim_status_name_or_id, f"the import status {clash!s}")
        return
    claim = _find_status(claim_status_name_or_id, known)
    if claim is not None and default_import_rule(claim):
        raise _claim_error(claim_status_name_or_id,
                           "an open status, which the default rule imports")


def _claim_error(claim: int | str, what: str) -> ConfigurationError:
    return ConfigurationError(
        f"The status set after import ({claim}) is {what}.",
        hint="Pick a claim status that is not imported, or orders would be imported again "
             "(or new orders never imported).")


def _status_keys(name_or_id: int | str, known: list[Any]) -> set[str]:
    """Everything a status reference can be compared by: its id and normalized name."""
    keys = {_id_key(name_or_id), normalize_status_name(str(name_or_id))}
    match = _find_status(name_or_id, known)
    if match is not None:
        keys |= {_id_key(_field(match, "id")),
                 normalize_status_name(str(_field(match, "name") or ""))}
    return {key for key in keys if key}


def _find_status(name_or_id: int | str, known: list[Any]) -> Any | None:
    key = normalize_status_name(str(name_or_id))
    for status in known:
        if _id_key(_field(status, "id")) == _id_key(name_or_id):
            return status
        if normalize_status_name(str(_field(status, "name") or "")) == key:
            return status
    return None


def _id_key(value: Any) -> str:
    text = str(value).strip() if value is not None else ""
    return f"#{int(text)}" if text.isdigit() else ""


def _field(status: Any, name: str) -> Any:
    if isinstance(status, Mapping):
        return status.get(name)
    return getattr(status, name, None)


def _flag(status: Any, name: str) -> bool:
    return bool(_field(status, name))
