"""Writes: shipment upsert and validation, status bookkeeping, order/product/inventory updates."""

from __future__ import annotations

from typing import Any

import httpx

from app.sandbox import Sandbox
from app.sandbox.clock import parse_ticks

ERROR_KEYS = {"status_code", "message", "details"}


def _open_order(api: httpx.Client, min_qty: int = 2) -> dict[str, Any]:
    """An unshipped order with a shippable line of at least `min_qty` units."""
    orders = api.get("/orders?count=1000&order_status_id=1&expand=items,shipments").json()["orders"]
    for order in orders:
        lines = [i for i in order["items"] if not i["is_non_shipping_item"]
                 and not i["is_discount_item"] and i["quantity"] >= min_qty]
        if lines and not order["shipments"]:
            order["line"] = lines[0]
            return order
    raise AssertionError("no suitable order in the seeded data")


def test_shipment_upsert_creates_then_updates_by_name(sb: Sandbox, api: httpx.Client) -> None:
    order = _open_order(api)
    line = order["line"]
    body = {"order_id": order["id"], "shipment_name": "PD-1-1", "tracking_numbers": "1Z1,1Z2",
            "shipping_provider_name": "UPS", "shipping_method": "UPS Ground",
            "provider_base_shipping_cost": 7.25,
            "items": [{"id": line["id"], "quantity_shipped": 1}]}
    created = api.post("/order_shipments", json=body)
    assert created.status_code == 201
    shipment = created.json()
    assert shipment["provider_base_shipping_cost"] == "7.25"  # always a string
    assert shipment["items"] == [{"id": line["id"], "quantity_shipped": 1,
                                  "product_id": line["product_id"], "item_name": line["item_name"],
                                  "item_nr": line["item_number_full"]}]
    again = api.post("/order_shipments", json={**body, "tracking_numbers": "1Z9"})
    assert again.status_code == 200 and again.json()["id"] == shipment["id"]
    assert again.json()["tracking_numbers"] == "1Z9"
    by_id = api.post("/order_shipments", json={"id": shipment["id"], "shipping_comment": "hi"})
    assert by_id.status_code == 200 and by_id.json()["shipping_comment"] == "hi"
    put = api.put(f"/order_shipments/{shipment['id']}", json={"private_comment": "x"})
    assert put.status_code == 200 and put.json()["private_comment"] == "x"
    assert len(api.get(f"/orders/{order['id']}/shipments").json()["shipments"]) == 1
    # creating a shipment does not change the status
    assert api.get(f"/orders/{order['id']}").json()["order_status_id"] == 1
    kinds = [w["kind"] for w in sb.control.writes()]
    assert kinds == ["shipment_created", "shipment_updated", "shipment_updated", "shipment_updated"]


def test_shipment_validation_400_and_409(api: httpx.Client) -> None:
    order = _open_order(api)
    line = order["line"]

    def post(items: list[dict[str, Any]], name: str, order_id: int = order["id"]) -> httpx.Response:
        return api.post("/order_shipments", json={"order_id": order_id, "shipment_name": name,
                                                   "items": items})

    other_order_item = api.get(
        f"/order_items?order_id=not:{order['id']}&count=1").json()["items"][0]
    unknown = post([{"id": other_order_item["id"], "quantity_shipped": 1}], "a")
    assert unknown.status_code == 400 and set(unknown.json()) == ERROR_KEYS
    assert post([{"id": line["id"], "quantity_shipped": -1}], "a").status_code == 400
    assert post([], "a", order_id=1).status_code == 400
    too_many = post([{"id": line["id"], "quantity_shipped": line["quantity"] + 1}], "a")
    assert too_many.status_code == 409 and too_many.json()["status_code"] == 409
    one_less = [{"id": line["id"], "quantity_shipped": line["quantity"] - 1}]
    assert post(one_less, "a").status_code == 201
    # the other shipment counts: one unit left
    assert post([{"id": line["id"], "quantity_shipped": 2}], "b").status_code == 409
    assert post([{"id": line["id"], "quantity_shipped": 1}], "b").status_code == 201
    # updating a shipment replaces its own lines, it does not add to them
    assert post(one_less, "a").status_code == 200
    assert api.post("/order_shipments", content=b"{oops").status_code == 400
    assert api.post("/order_shipments", json={"shipment_name": "x"}).status_code == 400


def test_status_put_records_previous_and_bumps_updated_at(sb: Sandbox, api: httpx.Client) -> None:
    order = _open_order(api)
    sb.control.advance_clock(minutes=5)
    response = api.put(f"/orders/{order['id']}/status", json={"order_status_id": 3})
    assert response.status_code == 200
    changed = response.json()
    assert changed["order_status_id"] == 3 and changed["previous_order_status_id"] == 1
    assert parse_ticks(changed["updated_at"]) > parse_ticks(order["updated_at"])
    assert changed["order_status_last_changed_at"] == changed["updated_at"]
    assert api.get(f"/orders/{order['id']}").json() == changed
    log = sb.control.writes(kind="order_status_changed")
    assert log[-1]["from_status_id"] == 1 and log[-1]["to_status_id"] == 3
    assert log[-1]["token"] == sb.token
    answer = api.put(f"/orders/{order['id']}/status", json={"order_status_id": 999})
    assert answer.status_code == 400
    assert api.put("/orders/1/status", json={"order_status_id": 3}).status_code == 404


def test_plain_order_put_is_a_partial_update(sb: Sandbox, api: httpx.Client) -> None:
    order = _open_order(api)
    response = api.put(f"/orders/{order['id']}", json={"admin_comments": "packed", "id": 5})
    assert response.status_code == 200
    updated = response.json()
    assert updated["admin_comments"] == "packed" and updated["id"] == order["id"]
    assert updated["previous_order_status_id"] == order["previous_order_status_id"]
    assert parse_ticks(updated["updated_at"]) > parse_ticks(order["updated_at"])
    assert sb.control.writes(kind="order_updated")[-1]["body"] == {"admin_comments": "packed",
                                                                  "id": 5}


def test_products_create_and_update(sb: Sandbox, api: httpx.Client) -> None:
    created = api.post("/products", json={"item_number": "NEW-1", "item_name": "New thing",
                                          "price": 9.5, "custom_fields": [
                                              {"name": "ShipStationWarehouseLocation",
                                               "value": "Z-1"}]})
    assert created.status_code == 201
    product = created.json()
    assert product["id"] == 201 and product["height"] == ""
    updated = api.put(f"/products/{product['id']}", json={"price": 11.0, "gtin": "036000291452"})
    assert updated.status_code == 200 and updated.json()["price"] == 11.0
    fetched = api.get(f"/products/{product['id']}?expand=custom_fields").json()
    assert fetched["gtin"] == "036000291452" and fetched["custom_fields"][0]["value"] == "Z-1"
    assert api.get("/products?item_number=NEW-1").json()["total_count"] == 1
    assert api.post("/products", json={"price": 1}).status_code == 400
    assert [w["kind"] for w in sb.control.writes()] == ["product_created", "product_updated"]


def test_inventory_lookup_and_changes(sb: Sandbox, api: httpx.Client) -> None:
    product = api.get("/products/1?expand=variant_inventory").json()
    variant = product["variant_inventory"][0]
    by_sku = api.get(f"/inventory?item_number={variant['item_number']}").json()
    assert by_sku == {"product_id": 1, "variant_inventory_id": variant["id"],
                      "item_number": variant["item_number"], "item_name": product["item_name"],
                      "gtin": variant["gtin"], "quantity": variant["inventory"]}
    plain = api.get("/products?use_variant_inventory=false&count=1").json()["products"][0]
    assert api.get(f"/inventory?product_id={plain['id']}").json()["quantity"] == \
        plain["quantity_on_hand"]
    assert api.post("/inventory/set", json={"item_number": variant["item_number"],
                                            "quantity": 40}).json()["quantity"] == 40
    assert api.post("/inventory/add", json={"variant_inventory_id": variant["id"],
                                            "quantity": 5}).json()["quantity"] == 45
    assert api.post("/inventory/remove", json={"item_number": variant["item_number"],
                                               "quantity": 3}).json()["quantity"] == 42
    assert api.get("/inventory?gtin=000").status_code == 404
    assert api.get("/inventory").status_code == 400
    assert [w["kind"] for w in sb.control.writes()] == ["inventory_set", "inventory_add",
                                                        "inventory_remove"]


def test_delete_a_shipment_answers_204_and_frees_its_units(api: httpx.Client) -> None:
    order = next(o for o in api.get("/orders", params={"count": 200, "expand": "items,shipments"})
                 .json()["orders"] if o.get("shipments"))
    shipment = order["shipments"][0]
    deleted = api.delete(f"/order_shipments/{shipment['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.get(f"/order_shipments/{shipment['id']}").status_code == 404
    assert api.delete(f"/order_shipments/{shipment['id']}").status_code == 404
    again = api.get(f"/orders/{order['id']}", params={"expand": "shipments"}).json()
    assert shipment["id"] not in [s["id"] for s in again.get("shipments") or []]
