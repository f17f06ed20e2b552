"""Store changes after packing began: ship-to, customer note and shipping method (issue 14.5)."""
from __future__ import annotations

from app.domain.interruptions import store_changes
from app.domain.orders import Address, Line, OrderSnapshot

SHIP_TO = Address("shipping", 5, first_name="Ada", last_name="Byron", address_line_1="1 Main St",
                  city="Austin", state_code="TX", postal_code="78701", country="United States")
NOW = OrderSnapshot(order_id=1, store_id=1, customer_id=None, order_status_id=1,
                    special_instructions="Leave at the door", shipping_method="UPS Ground",
                    lines=(Line(11, "A", "A", 2),), addresses=(SHIP_TO,))


def changes(now=NOW, **previous):
    facts = {"previous_ship_to": tuple(SHIP_TO.lines()), "previous_note": "Leave at the door",
             "previous_method": "UPS Ground", **previous}
    return store_changes(previous_status_id=1, previous_lines={11: 2}, previous_shipment_ids=(),
                         now=now, statuses={}, **facts).reasons


def test_nothing_changed_is_no_interruption():
    assert changes() == ()


def test_ship_to_note_and_method_changes_interrupt():
    assert changes(previous_ship_to=("Ada Byron", "9 Elm St", "Austin, TX 78701")) == (
        "ship-to address changed in the store",)
    assert changes(previous_note="") == ("customer note changed in the store",)
    assert changes(previous_method="USPS Priority Mail") == (
        "shipping method changed in the store (USPS Priority Mail → UPS Ground)",)


def test_a_ship_to_missing_from_the_answer_is_not_a_change():
    from dataclasses import replace
    assert changes(now=replace(NOW, addresses=())) == ()


def test_callers_that_do_not_know_the_old_values_compare_nothing_new():
    assert store_changes(previous_status_id=1, previous_lines={11: 2}, previous_shipment_ids=(),
                         now=NOW, statuses={}).reasons == ()
