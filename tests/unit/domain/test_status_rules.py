from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.status_rules import (
    LIST_VIEWS,
    PARTIALLY_SHIPPED,
    StatusView,
    default_import_rule,
    default_view_for_status,
    format_status_list,
    normalize_status_name,
    order_views,
    parse_status_list,
    status_before_ours,
    status_matches,
    validate_claim_status,
)
from app.errors import ConfigurationError

DEFAULTS = [
    {"id": 1, "name": "Pending Processing", "is_open": True},
    {"id": 2, "name": "Approved, Pending Shipping", "is_open": True},
    {"id": 3, "name": "Shipped", "is_shipped": True},
    {"id": 4, "name": "Credit Declined", "is_declined": True},
    {"id": 5, "name": "Cancel Order", "is_cancelled": True},
    {"id": 6, "name": "Awaiting Payment", "is_open": True},
    {"id": 7, "name": "Quote - Open", "is_open": True, "is_quote_status": True},
    {"id": 8, "name": "Quote - Accepted", "is_quote_status": True},
    {"id": 9, "name": "Quote - Declined", "is_quote_status": True, "is_declined": True},
    {"id": 20, "name": "Partly shipped", "is_open": True, "is_partially_shipped": True},
    {"id": 21, "name": "Pending payment (wire)", "is_open": True},
    {"id": 22, "name": "Backorder", "is_open": False},
]


def test_normalize():
    assert normalize_status_name("  Approved,  Pending\tShipping ") == "approved pending shipping"
    assert normalize_status_name("Approved,Pending Shipping") == "approved pending shipping"


def test_parse_status_list():
    assert parse_status_list("Pending Processing, Approved Pending Shipping") == [
        "Pending Processing", "Approved Pending Shipping"]
    assert parse_status_list(" a ,, b\n c , A ") == ["a", "b", "c"]
    assert parse_status_list("") == []


def test_status_matches_the_comma_name():
    wanted = parse_status_list("pending processing, approved pending shipping")
    assert status_matches("Approved, Pending Shipping", wanted)
    assert status_matches("PENDING PROCESSING", wanted)
    assert not status_matches("Pending", wanted)


@pytest.mark.parametrize("status, imported, view", [
    (DEFAULTS[0], True, StatusView.AWAITING_SHIPMENT),
    (DEFAULTS[1], True, StatusView.AWAITING_SHIPMENT),
    (DEFAULTS[2], False, StatusView.SHIPPED),
    (DEFAULTS[3], False, StatusView.CANCELLED),
    (DEFAULTS[4], False, StatusView.CANCELLED),
    (DEFAULTS[5], True, StatusView.AWAITING_PAYMENT),
    (DEFAULTS[6], False, StatusView.ON_HOLD),
    (DEFAULTS[7], False, StatusView.ON_HOLD),
    (DEFAULTS[8], False, StatusView.CANCELLED),
    (DEFAULTS[9], True, StatusView.AWAITING_SHIPMENT),
    (DEFAULTS[10], True, StatusView.AWAITING_PAYMENT),
    (DEFAULTS[11], False, StatusView.ON_HOLD),
])
def test_defaults(status, imported, view):
    assert default_import_rule(status) is imported
    assert default_view_for_status(status) is view


@pytest.mark.parametrize("status, view", [
    # The sandbox's (and many stores') custom statuses: "On Hold" is flagged open, "Refunded"
    # carries only is_fully_refunded. Neither may reach a batch of slips or a pick list.
    ({"name": "On Hold", "is_open": True}, StatusView.ON_HOLD),
    ({"name": "Refunded", "is_fully_refunded": True}, StatusView.CANCELLED),
    ({"name": "Fully reimbursed", "is_fully_refunded": True}, StatusView.CANCELLED),
    ({"name": "Refund requested", "is_open": True}, StatusView.CANCELLED),
    ({"name": "Backordered", "is_open": True}, StatusView.ON_HOLD),
    ({"name": "Back-order - supplier", "is_open": True}, StatusView.ON_HOLD),
    ({"name": "Hold for pickup", "is_open": True}, StatusView.ON_HOLD),
    ({"name": "Pending Payment", "is_open": False}, StatusView.AWAITING_PAYMENT),
    ({"name": "Shipped", "is_shipped": True}, StatusView.SHIPPED),
    ({"name": "Partially Shipped", "is_open": True, "is_partially_shipped": True},
     StatusView.AWAITING_SHIPMENT),
    ({"name": "Household goods", "is_open": True}, StatusView.AWAITING_SHIPMENT),
    ({"name": "Threshold review", "is_open": True}, StatusView.AWAITING_SHIPMENT),
])
def test_default_view_by_name_and_flags(status, view):
    assert default_view_for_status(status) is view


def test_the_claim_status_is_awaiting_shipment():
    # Not open (or the default rule would import claimed orders again), yet still to pack.
    claimed = {"name": "In Progress", "is_claim_status": True}
    assert default_view_for_status(claimed) is StatusView.AWAITING_SHIPMENT
    assert default_view_for_status({"name": "In Progress"}) is StatusView.ON_HOLD


def test_partially_shipped_is_a_list_view():
    assert PARTIALLY_SHIPPED in LIST_VIEWS


AWAIT, SHIPPED = StatusView.AWAITING_SHIPMENT, StatusView.SHIPPED


@pytest.mark.parametrize("status_view, total, shipped, has_shipments, views", [
    # No shipments anywhere: the status is all there is to go by.
    (AWAIT, 4, 0, False, {"awaiting_shipment"}),
    (SHIPPED, 4, 0, False, {"shipped"}),  # marked shipped in the store's admin
    # Fully shipped with no status after shipment (the demo's default): Shipped.
    (AWAIT, 4, 4, True, {"shipped"}),
    # "Mark shipped on first": the store says Shipped, 2 units are still to ship.
    (SHIPPED, 4, 2, True, {"awaiting_shipment", "partially_shipped"}),
    (AWAIT, 4, 2, True, {"awaiting_shipment", "partially_shipped"}),
    # Voided after the push: the store still says Shipped, nothing is shipped any more.
    (SHIPPED, 4, 0, True, {"awaiting_shipment"}),
    # Nothing to pack (gift cards only): the status decides.
    (AWAIT, 0, 0, True, {"awaiting_shipment"}),
    (SHIPPED, 0, 0, True, {"shipped"}),
    # Statuses that say "do not pack" win over shipments.
    (StatusView.ON_HOLD, 4, 2, True, {"on_hold"}),
    (StatusView.CANCELLED, 4, 4, True, {"cancelled"}),
    (StatusView.AWAITING_PAYMENT, 4, 0, False, {"awaiting_payment"}),
])
def test_shipments_decide_between_awaiting_partial_and_shipped(status_view, total, shipped,
                                                               has_shipments, views):
    assert order_views(status_view, total_units=total, shipped_units=shipped,
                       has_shipments=has_shipments) == views


def test_partial_status_and_local_hold():
    assert order_views(AWAIT, total_units=4, shipped_units=0, has_shipments=False,
                       partial_status=True) == {"awaiting_shipment", "partially_shipped"}
    assert order_views(AWAIT, total_units=4, shipped_units=2, has_shipments=True,
                       held=True) == set()
    assert order_views(AWAIT, total_units=4, shipped_units=4, has_shipments=True,
                       held=True) == {"shipped"}


def test_works_with_attribute_objects():
    @dataclass
    class Status:
        id: int
        name: str
        is_open: bool = False
        is_shipped: bool = True

    assert default_view_for_status(Status(3, "Shipped")) == "shipped"
    assert not default_import_rule(Status(3, "Shipped"))


def test_claim_status_must_not_be_imported():
    validate_claim_status(None, ["Pending Processing"])
    validate_claim_status("Approved Pending Shipping", ["Pending Processing"])
    with pytest.raises(ConfigurationError, match="import status"):
        validate_claim_status("pending  processing", ["Pending Processing"])
    with pytest.raises(ConfigurationError):
        validate_claim_status("Approved, Pending Shipping", ["approved pending shipping"])
    with pytest.raises(ConfigurationError):  # an id against a name, resolved by the store's list
        validate_claim_status(1, ["Pending Processing"], DEFAULTS)
    with pytest.raises(ConfigurationError):
        validate_claim_status("Pending Processing", ["1"], DEFAULTS)
    validate_claim_status(3, ["Pending Processing"], DEFAULTS)


def test_claim_status_against_the_default_rule():
    with pytest.raises(ConfigurationError, match="open status"):
        validate_claim_status(2, [], DEFAULTS)
    validate_claim_status("Shipped", None, DEFAULTS)
    validate_claim_status(22, None, DEFAULTS)


_word = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8)
_name = st.lists(_word, min_size=1, max_size=4).map(" ".join)
_noise = st.text(" \t,", max_size=3)


@given(_name, _noise, _noise, st.data())
def test_matching_ignores_case_commas_and_spaces(name, before, after, data):
    words = name.split(" ")
    seps = [data.draw(st.sampled_from([" ", ", ", "  ", ",", " ,\t"])) for _ in words[1:]]
    messy = words[0] + "".join(sep + word for sep, word in zip(seps, words[1:], strict=True))
    messy = before + data.draw(st.sampled_from([str.upper, str.lower, str.title]))(messy) + after
    assert status_matches(messy, [name])
    assert normalize_status_name(messy) == normalize_status_name(name)


@given(st.lists(_name, max_size=6))
def test_parse_format_round_trip(names):
    parsed = parse_status_list(format_status_list(names))
    assert parse_status_list(format_status_list(parsed)) == parsed
    assert [normalize_status_name(n) for n in parsed] == list(
        dict.fromkeys(normalize_status_name(n) for n in names))


def test_status_before_ours_is_the_one_before_the_first_change_still_in_force():
    partial = {"order_status_id": 10, "previous_status_id": 2}
    shipped = {"order_status_id": 3, "previous_status_id": 10}
    restored = {"order_status_id": 2, "previous_status_id": 3, "restore": True}
    assert status_before_ours([]) is None  # PackDesk never changed it: leave it alone
    assert status_before_ours([partial, shipped]) == 2
    assert status_before_ours([partial, shipped, restored]) is None
    assert status_before_ours([partial, shipped, restored,
                               {"order_status_id": 3, "previous_status_id": 2}]) == 2
    # Queued before changes recorded it: the store's previous_order_status_id stands in.
    assert status_before_ours([{"order_status_id": 3}], fallback=1) == 1
