"""Bad data on demand: poisoned orders, hidden ship-to addresses, capped pages (quirks.py)."""

from __future__ import annotations

import httpx
import pytest

from app.sandbox import Sandbox
from app.sandbox.quirks import POISONS
from tests.sandbox.conftest import make_config


def _served(api: httpx.Client, order_id: int) -> dict:
    return api.get("/orders", params={"id": order_id, "expand": "items"}).json()["orders"][0]


@pytest.mark.parametrize("kind, check", [
    ("null_line", lambda o: o["items"][0] is None and len(o["items"]) > 1),
    ("text_line", lambda o: o["items"][0] == "x"),
    ("items_object", lambda o: isinstance(o["items"], dict)),
    ("items_null", lambda o: o["items"] is None),
    ("variants_text", lambda o: o["items"][0]["variants"] == "Color: Red"),
    ("quantity_null", lambda o: o["items"][0]["quantity"] is None),
    ("quantity_negative", lambda o: o["items"][0]["quantity"] == -2),
    ("quantity_fraction", lambda o: o["items"][0]["quantity"] == 2.5),
    ("quantity_huge", lambda o: o["items"][0]["quantity"] == 1e9),
    ("duplicate_line", lambda o: o["items"][0]["id"] == o["items"][-1]["id"]),
    ("nul_in_sku", lambda o: "\x00" in o["items"][0]["item_number"]),
    ("unknown_status", lambda o: o["order_status_id"] == 999),
    ("no_ship_to", lambda o: o["order_shipping_address_id"] is None),
])
def test_each_poison_shows_in_the_answers(sb: Sandbox, api: httpx.Client, kind, check) -> None:
    order_id = 100010
    before = _served(api, order_id)
    sb.control.poison_order(order_id, kind)
    served = _served(api, order_id)
    assert check(served) and served["updated_at"] != before["updated_at"]
    many = api.get("/orders/select_many", params={"ids": order_id, "expand": "items"}).json()
    assert check(many["orders"][0])
    sb.control.clear_poison(order_id)
    assert isinstance(_served(api, order_id)["items"][0], dict)


def test_a_null_order_and_a_hidden_ship_to(sb: Sandbox, api: httpx.Client) -> None:
    order = sb.control.order(100020)
    sb.control.poison_order(100020, "null_order")
    listed = api.get("/orders", params={"id": "100019 OR 100020 OR 100021"}).json()["orders"]
    assert listed.count(None) == 1 and len(listed) == 3
    address_id = order["order_shipping_address_id"]
    sb.control.poison_order(100021, "ship_to_hidden")
    hidden = sb.control.order(100021)["order_shipping_address_id"]
    answer = api.get("/order_addresses/select_many", params={"ids": f"{address_id},{hidden}"})
    assert [a["id"] for a in answer.json()["addresses"]] == [address_id]
    assert api.get(f"/order_addresses/{hidden}").status_code == 404
    assert set(sb.control.quirks()["kinds"]) == set(POISONS)
    with pytest.raises(ValueError, match="unknown poison 'no_such_kind'"):
        sb.control.poison_order(100020, "no_such_kind")


def test_page_cap_pages_select_many_whatever_count_says(sb: Sandbox, api: httpx.Client) -> None:
    sb.control.set_page_cap(7)
    body = api.get("/customers/select_many", params={"ids": ",".join(map(str, range(1, 21))),
                                                    "count": 20}).json()
    assert len(body["customers"]) == 7 and body["total_count"] == 20 and body["next_page"]
    assert len(api.get("/orders", params={"count": 50}).json()["orders"]) == 7
    sb.control.set_page_cap(0)
    assert len(api.get("/orders", params={"count": 50}).json()["orders"]) == 50


def test_added_status_is_listed(sb: Sandbox, api: httpx.Client) -> None:
    status = sb.control.add_status("Awaiting Pickup", is_open=True)
    listed = api.get("/order_statuses", params={"count": 100}).json()["order_statuses"]
    assert status in listed


def test_poison_orders_option_poisons_the_newest_orders_one_kind_each() -> None:
    with Sandbox(make_config(orders=40, poison_orders=len(POISONS), page_cap=10)) as sb:
        state = sb.control.quirks()
        assert state["page_cap"] == 10
        kinds = [k for ks in state["orders"].values() for k in ks]
        assert sorted(kinds) == sorted(POISONS)
        assert min(int(i) for i in state["orders"]) > 100040 - len(POISONS)
        assert state["hidden_addresses"]
