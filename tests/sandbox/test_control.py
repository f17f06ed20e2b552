"""Control interface (Python and HTTP), clock, counters, reset, state file across restarts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from app.sandbox import Sandbox, SandboxConfig
from app.sandbox.clock import TICKS_PER_DAY, parse_ticks
from app.sandbox.errors import ApiError


def _order_with_lines(sb: Sandbox) -> dict:
    for order_id in range(100001, 100150):
        order = sb.control.order(order_id)
        if order["order_status_id"] == 1 and not order["shipments"] and any(
                not i["is_non_shipping_item"] and not i["is_discount_item"]
                for i in order["items"]):
            return order
    raise AssertionError("no open order")


def test_store_side_changes_show_in_the_api(sb: Sandbox, api: httpx.Client) -> None:
    order = _order_with_lines(sb)
    oid = order["id"]
    checkpoint = order["updated_at"]
    sb.control.advance_clock(hours=1)
    sb.control.cancel_order(oid)
    changed = api.get("/orders", params={"updated_at": f"gt:{checkpoint}", "id": oid}).json()
    assert changed["orders"][0]["order_status_id"] == 5
    address = sb.control.set_shipping_address(oid, city="Zürich", postal_code="8001")
    fetched = api.get(f"/order_addresses/{order['order_shipping_address_id']}").json()
    assert fetched == address and fetched["city"] == "Zürich"
    line = sb.control.add_line(oid, product_id=7, quantity=3)
    assert line["id"] in {i["id"] for i in api.get(f"/orders/{oid}/items").json()["items"]}
    sb.control.set_line_quantity(line["id"], 4)
    assert api.get(f"/order_items/{line['id']}").json()["quantity"] == 4
    shipment = sb.control.add_shipment(oid)  # ships everything left, as another tool would
    shipped = {i["id"]: i["quantity_shipped"] for i in shipment["items"]}
    assert shipped[line["id"]] == 4
    assert api.post("/order_shipments", json={"order_id": oid, "shipment_name": "mine", "items": [
        {"id": line["id"], "quantity_shipped": 1}]}).status_code == 409
    # control-side changes are not "received" writes, unless asked for
    assert sb.control.writes() == []
    assert {w["source"] for w in sb.control.writes(source=None)} == {"store"}


def test_clock_moves_now_and_later_timestamps(sb: Sandbox, api: httpx.Client) -> None:
    before = parse_ticks(sb.control.now())
    after = parse_ticks(sb.control.advance_clock(days=2))
    assert after - before >= 2 * TICKS_PER_DAY
    order = api.put("/orders/100001", json={"admin_comments": "later"}).json()
    assert parse_ticks(order["updated_at"]) >= after


def test_counters_and_reset(sb: Sandbox, api: httpx.Client) -> None:
    sb.control.reset_counters()
    api.get("/orders")
    api.get("/orders/100001")
    api.get("/orders/100002")
    httpx.get(sb.base_url + "/api/v1/orders")  # no token
    counters = sb.control.counters()
    assert counters["total"] == 4
    assert counters["by_route"] == {"GET /orders": 2, "GET /orders/{id}": 2}
    assert counters["by_token"][sb.token] == 3 and counters["by_status"]["401"] == 1
    sb.control.reset_counters()
    assert sb.control.counters()["total"] == 0
    seeded = api.get("/orders/100001").json()
    api.put("/orders/100001/status", json={"order_status_id": 6 if seeded["order_status_id"] != 6
                                           else 1})
    sb.control.reset()
    assert sb.control.writes() == []
    assert api.get("/orders/100001").json() == seeded


def test_control_over_http_needs_the_key(sb: Sandbox) -> None:
    url = sb.base_url + "/_sandbox/"
    assert httpx.post(url + "now").status_code == 403
    headers = {"X-Sandbox-Key": sb.control_key}
    before = parse_ticks(sb.control.now())
    assert parse_ticks(httpx.get(url + "now", headers=headers).json()["result"]) >= before
    status = httpx.post(url + "set_order_status", headers=headers,
                        json={"order_id": 100003, "status_id": 4})
    assert status.status_code == 200 and status.json()["result"]["order_status_id"] == 4
    faults = httpx.post(url + "set_faults", headers=headers, json={"latency_ms": 1}).json()
    assert faults["result"]["latency_ms"] == 1
    assert httpx.post(url + "reset_counters", headers=headers).json() == {"result": None}
    assert httpx.post(url + "nope", headers=headers).status_code == 404
    assert httpx.post(url + "set_order_status", headers=headers,
                      json={"bad": 1}).status_code == 400
    info = httpx.get(url + "info", headers=headers).json()["result"]
    assert info["token"] == sb.token and info["domain"] == sb.domain


def test_state_file_survives_restart(tmp_path: Path,
                                     config_factory: Callable[..., SandboxConfig]) -> None:
    state = str(tmp_path / "store.sqlite")
    with Sandbox(config_factory(orders=40, state_path=state)) as first:
        token = first.token
        headers = {"X-AC-Auth-Token": token}
        first.control.advance_clock(days=3)
        now = parse_ticks(first.control.now())
        httpx.put(first.base_url + "/api/v1/orders/100004/status", headers=headers,
                  json={"order_status_id": 5})
        before = httpx.get(first.base_url + "/api/v1/orders?count=40&expand=items,shipments",
                           headers=headers).json()
    # a different seed/size on restart: the file wins
    with Sandbox(config_factory(orders=5, seed=99, state_path=state)) as second:
        assert second.token == token
        after = httpx.get(second.base_url + "/api/v1/orders?count=40&expand=items,shipments",
                          headers=headers).json()
        assert after["orders"] == before["orders"]
        assert [w["kind"] for w in second.control.writes()] == ["order_status_changed"]
        assert parse_ticks(second.control.now()) >= now


def test_stop_is_prompt_and_releases_the_port(config_factory: Callable[..., SandboxConfig]) -> None:
    sandbox = Sandbox(config_factory(orders=5)).start()
    port = sandbox.port
    client = httpx.Client()  # keeps a keep-alive connection open
    client.get(sandbox.base_url + "/images/stores/1.png")
    started = time.perf_counter()
    sandbox.close()
    assert time.perf_counter() - started < 2
    client.close()
    with Sandbox(config_factory(orders=5, port=port)) as again:
        assert again.port == port


def test_new_order_is_placed_now_with_plain_lines_and_nothing_shipped(own_sandbox: Sandbox) -> None:
    sb = own_sandbox
    before = parse_ticks(sb.control.now())
    order = sb.control.new_order([2, 1, 3])
    fetched = sb.control.order(order["id"])
    assert fetched["order_status_id"] == 1 and fetched["order_type"] == "Order"
    assert parse_ticks(fetched["created_at"]) >= before  # inside any sync window
    assert parse_ticks(fetched["ordered_at"]) >= before
    items = fetched["items"]
    assert [i["quantity"] for i in items] == [2, 1, 3] and not fetched["shipments"]
    assert len({i["product_id"] for i in items}) == 3
    assert not any(i["is_non_shipping_item"] or i["parent_order_item_id"] or i["variants"]
                   for i in items)
    assert sb.control.writes(kind="order_created", source="store")[-1]["id"] == order["id"]
    with pytest.raises(ApiError):
        sb.control.new_order([1], status_id=999)
