"""Order status rules: which statuses import, which view a status lands in, the claim-status trap.

Pure functions, no I/O. A "status" is anything dict-like (the store's JSON) or an object with the
same attribute names (a repository dataclass): `name`, `id`, `is_open`, `is_shipped`, ...
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from app.errors import ConfigurationError

_SPACES = re.compile(r"\s+")
_AWAITING_PAYMENT_NAMES = ("awaiting payment", "pending payment")


class StatusView(StrEnum):
    """The PackDesk list a store status shows up in."""

    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


# The order lists a packer can pick: every status view, plus all orders and flagged/held ones.
ALL_ORDERS = "all"
FLAGGED = "flagged"
LIST_VIEWS = (ALL_ORDERS, *[v.value for v in StatusView], FLAGGED)


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
    """Default view of a store status: the flags decide first, the name only refines "open"."""
    if _flag(status, "is_cancelled") or _flag(status, "is_declined"):
        return StatusView.CANCELLED
    if _flag(status, "is_shipped"):
        return StatusView.SHIPPED
    if _flag(status, "is_partially_shipped"):
        return StatusView.AWAITING_SHIPMENT
    if _flag(status, "is_quote_status"):
        return StatusView.ON_HOLD
    if _flag(status, "is_open"):
        key = normalize_status_name(str(_field(status, "name") or ""))
        if any(words in key for words in _AWAITING_PAYMENT_NAMES):
            return StatusView.AWAITING_PAYMENT
        return StatusView.AWAITING_SHIPMENT
    return StatusView.ON_HOLD


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
        raise _claim_error(claim_status_name_or_id, "an open status, which the default rule imports")


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
        keys |= {_id_key(_field(match, "id")), normalize_status_name(str(_field(match, "name") or ""))}
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
