"""List envelope, paging, sparse fields, sort, expand, select_many, nesting, array keys."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from app.sandbox import Sandbox

ERROR_KEYS = {"status_code", "message", "details"}


def test_missing_or_bad_token_is_401_with_store_body(sb: Sandbox) -> None:
    for headers in ({}, {"X-AC-Auth-Token": "nope"}):
        response = httpx.get(sb.base_url + "/api/v1/orders", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"status_code": 401, "message": "Unauthorized",
                                   "details": "Invalid or missing access token."}


def test_unknown_route_is_404_with_error_body(api: httpx.Client) -> None:
    response = api.get("/no_such_thing")
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS


def test_envelope_and_absolute_next_page_keeping_the_query(sb: Sandbox, api: httpx.Client) -> None:
    response = api.get("/orders?count=20&sort=-id&order_status_id=1+OR+2&expand=items")
    body = response.json()
    assert set(body) == {"total_count", "next_page", "orders"}  # no previous on page 1
    assert len(body["orders"]) == 20 and body["total_count"] > 20
    assert body["next_page"].startswith(sb.base_url + "/api/v1/orders?")
    # followed verbatim, it is the same query on page 2
    assert "order_status_id=1+OR+2" in body["next_page"]
    params = dict(parse_qsl(urlsplit(body["next_page"]).query))
    assert params == {"count": "20", "sort": "-id", "order_status_id": "1 OR 2",
                      "expand": "items", "page": "2"}
    second = httpx.get(body["next_page"], headers=api.headers).json()
    assert second["previous_page"].endswith("page=1")
    assert second["orders"][0]["id"] < body["orders"][-1]["id"]


def test_walking_every_page_sees_every_order_once(api: httpx.Client) -> None:
    url: str | None = "/orders?count=40&sort=id"
    seen: list[int] = []
    while url:
        body = api.get(url).json()
        seen += [o["id"] for o in body["orders"]]
        url = body.get("next_page")
    assert seen == sorted(set(seen)) and len(seen) == body["total_count"]


def test_page_past_the_end_is_404_but_empty_first_page_is_200(api: httpx.Client) -> None:
    total = api.get("/orders?count=100").json()["total_count"]
    last = -(-total // 100)
    assert api.get(f"/orders?count=100&page={last}").status_code == 200
    past = api.get(f"/orders?count=100&page={last + 1}")
    assert past.status_code == 404 and set(past.json()) == ERROR_KEYS
    empty = api.get("/orders?id=1")
    assert empty.status_code == 200
    assert empty.json() == {"total_count": 0, "orders": []}
    assert api.get("/orders?id=1&page=2").status_code == 404


@pytest.mark.parametrize("path,key", [
    ("/orders", "orders"), ("/order_statuses", "order_statuses"), ("/stores", "stores"),
    ("/customers", "customers"), ("/products", "products"), ("/order_addresses", "addresses"),
    ("/order_items", "items"), ("/order_payments", "payments"), ("/order_shipments", "shipments"),
    ("/shipping_provider_services", "services"),
    ("/custom_shipping_methods", "custom_shipping_methods"),
])
def test_array_keys(api: httpx.Client, path: str, key: str) -> None:
    body = api.get(path).json()
    arrays = [k for k, v in body.items() if isinstance(v, list)]
    assert arrays == [key] and body[key]


def test_count_default_and_cap(api: httpx.Client) -> None:
    assert len(api.get("/order_items").json()["items"]) == 100
    capped = api.get("/order_items?count=5000").json()
    assert len(capped["items"]) == min(capped["total_count"], 1000)
    assert api.get("/orders?count=0").status_code == 400
    assert api.get("/orders?page=abc").status_code == 400


def test_fields_gives_a_sparse_set(api: httpx.Client) -> None:
    orders = api.get("/orders?fields=id,updated_at&count=3").json()["orders"]
    assert all(set(o) == {"id", "updated_at"} for o in orders)
    with_items = api.get("/orders?fields=id&expand=items&count=3").json()["orders"]
    assert all(set(o) == {"id", "items"} for o in with_items)


def test_sort_multi_key_asc_and_desc(api: httpx.Client) -> None:
    orders = api.get("/orders?sort=store_id,-grand_total&count=1000").json()["orders"]
    keys = [(o["store_id"], -o["grand_total"]) for o in orders]
    assert keys == sorted(keys)
    desc = [o["updated_at"] for o in api.get("/orders?sort=-updated_at").json()["orders"]]
    from app.sandbox.clock import parse_ticks
    assert [parse_ticks(d) for d in desc] == sorted((parse_ticks(d) for d in desc), reverse=True)
    assert api.get("/orders?sort=nope").status_code == 400


def test_expand_fills_nested_collections(api: httpx.Client) -> None:
    plain = api.get("/orders?count=5").json()["orders"]
    assert all("items" not in o and "custom_fields" not in o for o in plain)
    full = api.get("/orders?count=200&expand=items,payments,shipments,custom_fields").json()
    for order in full["orders"]:
        assert {"items", "payments", "shipments", "custom_fields"} <= set(order)
        assert all(i["order_id"] == order["id"] for i in order["items"])
    assert any(o["shipments"] for o in full["orders"])
    product = api.get("/products/1?expand=pictures,custom_fields,variant_inventory,variants,"
                      "categories").json()
    assert product["pictures"][0]["image_file"].startswith("http://127.0.0.1:")
    assert product["variant_inventory"] and product["variants"] and product["categories"]


def test_single_filled_and_nested_routes(api: httpx.Client) -> None:
    order = api.get("/orders?count=1&order_status_id=3").json()["orders"][0]
    one = api.get(f"/orders/{order['id']}?expand=items")
    assert one.status_code == 200 and one.json()["id"] == order["id"] and "items" in one.json()
    filled = api.get(f"/orders/{order['id']}/filled").json()
    assert {"items", "payments", "shipments", "custom_fields"} <= set(filled)
    items = api.get(f"/orders/{order['id']}/items").json()
    assert items["items"] == filled["items"]
    shipments = api.get(f"/orders/{order['id']}/shipments").json()["shipments"]
    assert shipments and shipments[0]["items"]
    lines = api.get(f"/order_shipments/{shipments[0]['id']}/items").json()["items"]
    assert lines == shipments[0]["items"]
    assert api.get("/orders/1").status_code == 404
    assert api.get("/orders/abc").status_code == 404
    assert api.get(f"/orders/{order['id']}/nothing").status_code == 404


def test_select_many(api: httpx.Client) -> None:
    body = api.get("/order_addresses/select_many?ids=3,1,2,99999").json()
    assert [a["id"] for a in body["addresses"]] == [1, 2, 3]
    customers = api.get("/customers/select_many", params={"ids": "1,2"}).json()["customers"]
    assert [c["id"] for c in customers] == [1, 2] and customers[0]["email"]
    products = api.get("/products/select_many?ids=1,2&expand=pictures,custom_fields,"
                       "variant_inventory").json()["products"]
    assert all("pictures" in p for p in products)
    missing = api.get("/customers/select_many")
    assert missing.status_code == 400 and set(missing.json()) == ERROR_KEYS
    assert api.get("/customers/select_many?ids=a,b").status_code == 400


def test_select_many_is_paged_at_its_default_count_like_every_list(sb: Sandbox,
                                                                  api: httpx.Client) -> None:
    ids = [o["id"] for o in api.get("/orders?count=150&fields=id").json()["orders"]]
    assert len(ids) == 150
    first = api.get("/orders/select_many", params={"ids": ",".join(map(str, ids))}).json()
    assert first["total_count"] == 150 and len(first["orders"]) == 100
    assert first["next_page"].startswith(sb.base_url + "/api/v1/orders/select_many?")
    second = httpx.get(first["next_page"], headers=api.headers).json()
    assert "next_page" not in second and second["previous_page"]
    assert sorted(o["id"] for o in first["orders"] + second["orders"]) == sorted(ids)
    whole = api.get("/orders/select_many", params={"ids": ",".join(map(str, ids)),
                                                   "count": 150}).json()
    assert len(whole["orders"]) == 150 and "next_page" not in whole
    assert api.get("/orders/select_many", params={"ids": "1", "page": 2}).status_code == 404


def test_images_are_served_without_auth(sb: Sandbox, api: httpx.Client) -> None:
    store = api.get("/stores").json()["stores"][0]
    assert store["store_logo"].startswith(sb.base_url + "/images/")
    logo = httpx.get(store["store_logo"])
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert logo.content.startswith(b"\x89PNG")
    picture = api.get("/products/5?expand=pictures").json()["pictures"][0]
    assert httpx.get(picture["image_file"]).content.startswith(b"\x89PNG")
    assert httpx.get(sb.base_url + "/images/products/99999-0.png").status_code == 404


def test_list_and_single_object_agree(api: httpx.Client) -> None:
    expand = "items,payments,shipments,custom_fields"
    for order in api.get(f"/orders?count=50&expand={expand}").json()["orders"]:
        assert api.get(f"/orders/{order['id']}?expand={expand}").json() == order
    customer = api.get("/customers?count=1").json()["customers"][0]
    assert api.get(f"/customers/{customer['id']}").json() == customer
