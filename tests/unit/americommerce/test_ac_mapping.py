"""Store data that is not what it should be: each case skipped with a reason or imported and
flagged, never an AttributeError and never silently coerced (issue 13, findings 2 and 3)."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from app.domain.data_problems import NO_LINES, UnreadableOrder
from app.integrations.americommerce.mapping import identifier, money, order_from_api

LINE = {"id": 11, "item_number": "KNF-1047", "item_name": "Knife", "quantity": 2,
        "variants": [{"description": "Color: Red"}], "personalizations": []}
ORDER = {"id": 100001, "order_status_id": 1, "updated_at": "2026-11-10T09:00:00-06:00",
         "items": [LINE, {**LINE, "id": 12, "item_number": "CHR-1166"}], "shipments": [],
         "payments": [], "order_shipping_address_id": 5}


def order(**changes):
    doc = copy.deepcopy(ORDER)
    doc.update(changes)
    return doc


def first_line(**changes):
    return order(items=[{**LINE, **changes}, {**LINE, "id": 12}])


@pytest.mark.parametrize("raw, words", [
    (None, "the orders list holds empty (null) instead of an order"),
    ("x", "the text 'x' instead of an order"),
    (order(items=[None, LINE]), "its lines (items): entry 1 is empty (null)"),
    (order(items=["x", LINE]), "its lines (items): entry 1 is the text 'x'"),
    (order(items={"0": LINE}), "its lines (items) is an object, not a list"),
    (first_line(variants="Color: Red"),
     "line 1 (KNF-1047): its options (variants) is the text 'Color: Red', not a list"),
    (first_line(variants=[None]), "line 1 (KNF-1047): its options (variants): entry 1"),
    (order(items=[LINE, LINE]), "two lines have the same id 11"),
    (first_line(quantity=1e9), "quantity 1000000000 is beyond what can be packed"),
    (first_line(id=None), "line 1 has no id"),
    (order(shipments=[{"id": 3, "items": "all"}]), "shipment 3: its lines is the text 'all'"),
    (order(id=None), "an order without an id"),
    # JSON's 1e999 is Infinity, and an id past 64 bits cannot be saved: no id, not a crash
    (order(id=1e999), "an order without an id"),
    (order(id=10**30), "an order without an id"),
    (first_line(id=1e999), "line 1 has no id"),
    # a fraction is no id: truncated, 100001.5 would become order 100001's data
    (order(id=100001.5), "an order without an id"),
    (first_line(id=11.5), "line 1 has no id"),
])
def test_an_order_that_cannot_be_read_says_why(raw, words):
    with pytest.raises(UnreadableOrder, match=None) as info:
        order_from_api(raw)
    assert words in str(info.value)


@pytest.mark.parametrize("changes, quantity, words", [
    ({"quantity": None}, 0, "line 1 (KNF-1047): quantity missing in the store (taken as 0)"),
    ({"quantity": -2}, 0, "quantity -2 in the store (taken as 0)"),
    ({"quantity": 2.5}, 3, "quantity 2.5 is not a whole number (taken as 3)"),
    ({"quantity": "lots"}, 0, "quantity 'lots' is not a number"),
    ({"item_number": "KN\x00F-1047"}, 2, "line 1 (KNF-1047): SKU had control characters"),
])
def test_odd_values_are_read_and_named(changes, quantity, words):
    snapshot = order_from_api(first_line(**changes))
    assert snapshot.lines[0].quantity == quantity
    assert snapshot.lines[0].sku == "KNF-1047"
    assert any(words in p for p in snapshot.problems), snapshot.problems


@pytest.mark.parametrize("raw, field, words", [
    (first_line(price="12,50"), None, "line 1 (KNF-1047): price '12,50' is not an amount"),
    (first_line(price="NaN"), None, "line 1 (KNF-1047): price 'NaN' is not an amount"),
    (order(grand_total="Infinity"), "grand_total", "grand total 'Infinity' is not an amount"),
    (order(tax_total="1e999999"), "tax_total", "tax '1e999999' is not an amount"),
    (order(shipping_total=True), "shipping_total", "shipping 'True' is not an amount"),
])
def test_an_amount_that_is_not_one_is_zero_and_named(raw, field, words):
    snapshot = order_from_api(raw)
    value = snapshot.lines[0].price if field is None else getattr(snapshot, field)
    assert value == 0 and value.is_finite()
    assert any(words in p and "(taken as 0)" in p for p in snapshot.problems), snapshot.problems


def test_absent_or_numeric_text_amounts_are_no_problem():
    snapshot = order_from_api(order(subtotal=None, grand_total="19.90", tax_total=""))
    assert (snapshot.subtotal, snapshot.grand_total, snapshot.tax_total) == (0, Decimal("19.90"), 0)
    assert snapshot.problems == ()


@pytest.mark.parametrize("items", [None, []])
def test_an_order_without_lines_is_read_and_named(items):
    snapshot = order_from_api(order(items=items))
    assert snapshot.lines == () and snapshot.problems == (NO_LINES,)


def test_a_sound_order_has_no_problems():
    snapshot = order_from_api(order())
    assert snapshot.problems == () and [line.quantity for line in snapshot.lines] == [2, 2]
    assert str(snapshot.lines[0].options[0]) == "Color: Red"


@pytest.mark.parametrize("raw, expected", [
    (12, 12), ("12", 12), (12.0, 12), ("12.0", 12), (" 7 ", 7), (None, None), ("", None),
    (12.5, None), ("12.5", None), ("NaN", None), ("Infinity", None), (True, None), ("abc", None),
    (2**63, None)])
def test_an_id_is_a_whole_number_never_a_truncated_one(raw, expected):
    assert identifier(raw) == expected


@pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999"])
def test_a_price_that_is_not_a_number_is_no_price(raw):
    assert money(raw) == 0 and money(raw).is_finite()
