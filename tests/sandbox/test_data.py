"""Seeded data: the store's formats and quirks, and determinism of the generator."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from app.sandbox import Sandbox, SandboxConfig
from app.sandbox.clock import TICKS_PER_DAY, parse_ticks
from app.sandbox.data import BIN_FIELD, generate, gtin_check_digit

_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.(\d{1,7}))?[+-]\d\d:\d\d$")


def test_datetimes_have_store_offsets_and_varying_fraction_digits(api: httpx.Client) -> None:
    orders = api.get("/orders?count=1000").json()["orders"]
    digits = set()
    offsets = set()
    for order in orders:
        for key in ("created_at", "updated_at", "ordered_at"):
            match = _STAMP.match(order[key])
            assert match, order[key]
            digits.add(len(match.group(2) or ""))
            offsets.add(order[key][-6:])
    assert {0, 7} <= digits and len(digits) >= 4
    assert offsets <= {"-05:00", "-06:00"} and "-06:00" in offsets


def test_some_postal_codes_are_json_numbers_with_leading_zero_lost(api: httpx.Client) -> None:
    addresses = api.get("/order_addresses?count=1000").json()["addresses"]
    numbers = [a for a in addresses if isinstance(a["postal_code"], int)]
    strings = [a for a in addresses if isinstance(a["postal_code"], str)]
    assert numbers and strings
    assert any(a["postal_code"] < 10000 and a["country_code"] == "US" for a in numbers)
    assert any(not a["postal_code"].isdigit() for a in strings if a["postal_code"])  # "SW1A 1AA"


def test_order_shape_follows_the_store(api: httpx.Client) -> None:
    orders = api.get("/orders?count=1000&expand=items,shipments").json()["orders"]
    order = orders[0]
    for absent in ("billing_address", "shipping_address", "email", "customer_email"):
        assert absent not in order
    for key in ("order_shipping_address_id", "order_billing_address_id", "shipping_selections",
                "selected_shipping_method", "coupon_code", "discount_total", "is_gift",
                "gift_message", "special_instructions", "public_comments", "admin_comments",
                "order_type", "previous_order_status_id", "order_status_last_changed_at"):
        assert key in order
    assert {o["order_type"] for o in orders} == {"Order", "Quote"}
    assert any(o["is_gift"] and o["gift_message"] for o in orders)
    notes = " ".join(o["special_instructions"] + o["admin_comments"] + o["public_comments"]
                     for o in orders)
    assert "<" in notes and "&" in notes
    items = [i for o in orders for i in o["items"]]
    assert any(i["variants"] and ": " in i["variants"][0]["description"] for i in items)
    assert any(i["personalizations"] for i in items)
    assert any(i["is_discount_item"] and i["price"] < 0 for i in items)
    assert any(i["is_non_shipping_item"] for i in items)
    assert any(all(i["is_non_shipping_item"] for i in o["items"]) for o in orders)
    children = [i for i in items if i["parent_order_item_id"]]
    assert children and all(c["is_quantity_bound_to_parent"] for c in children)
    assert all(i["item_number_full"].startswith(i["item_number"]) for i in items)
    shipments = [s for o in orders for s in o["shipments"]]
    assert shipments and all(isinstance(s["provider_base_shipping_cost"], str) for s in shipments)
    assert set(shipments[0]["items"][0]) == {"id", "quantity_shipped", "product_id", "item_name",
                                             "item_nr"}


def test_every_status_is_used_and_custom_partial_status_exists(api: httpx.Client) -> None:
    statuses = api.get("/order_statuses").json()["order_statuses"]
    assert [s["id"] for s in statuses[:9]] == list(range(1, 10))
    assert statuses[1]["name"] == "Approved, Pending Shipping"
    partial = [s for s in statuses if s["is_partially_shipped"]]
    assert partial and partial[0]["name"] == "Partially Shipped"
    used = {o["order_status_id"] for o in api.get("/orders?count=1000").json()["orders"]}
    assert {1, 2, 3, 4, 5, 6, 7} <= used and partial[0]["id"] in used


def test_orders_spread_over_sixty_days_before_the_store_clock(sb: Sandbox,
                                                               api: httpx.Client) -> None:
    now = sb.clock.now()
    created = [parse_ticks(o["created_at"]) for o in api.get("/orders?count=1000").json()["orders"]]
    assert min(created) >= now - 61 * TICKS_PER_DAY and max(created) <= now
    assert any(c < now - 30 * TICKS_PER_DAY for c in created)  # a 30-day window matters


def test_products_catalogue_quirks(api: httpx.Client) -> None:
    products = api.get("/products?count=1000&expand=custom_fields,variant_inventory,"
                       "pictures").json()["products"]
    assert len(products) == 200
    bins = [f["value"] for p in products for f in p["custom_fields"] if f["name"] == BIN_FIELD]
    assert any(re.fullmatch(r"[A-F]-\d+", b) for b in bins)
    assert any(re.fullmatch(r"[A-F]-\d+-\d+", b) for b in bins)
    assert any(not any(f["name"] == BIN_FIELD for f in p["custom_fields"]) for p in products)
    for p in products:
        assert all(isinstance(p[k], str) for k in ("height", "length", "width"))
        for code in [p["gtin"]] + [v["gtin"] for v in p["variant_inventory"]]:
            if code:
                assert code[-1] == gtin_check_digit(code[:-1]) and len(code) in (12, 13)
    assert any(p[k] == "" for p in products for k in ("height", "length", "width"))
    assert any(p["manufacturer_part_number"] for p in products)
    assert all(p["pictures"] for p in products)
    variant_rows = [v for p in products for v in p["variant_inventory"]]
    assert variant_rows and all(v["item_number"] and "Color: " in v["description"]
                                for v in variant_rows)


def test_names_in_several_scripts_and_countries(api: httpx.Client) -> None:
    addresses = api.get("/order_addresses?count=1000").json()["addresses"]
    text = " ".join(a["first_name"] + a["last_name"] + a["city"] for a in addresses)
    scripts = {"cyrillic": r"[\u0400-\u04FF]", "greek": r"[\u0370-\u03FF]",
               "cjk": r"[\u4E00-\u9FFF]", "arabic/hebrew": r"[\u0590-\u06FF]",
               "accented": r"[À-ž]"}
    found = {name for name, pattern in scripts.items() if re.search(pattern, text)}
    assert len(found) >= 4, found
    assert len({a["country_code"] for a in addresses}) >= 6
    customers = api.get("/customers?count=5").json()["customers"]
    assert all(c["email"] and c["phone_number"] for c in customers)


def test_generator_is_deterministic() -> None:
    now = parse_ticks("2026-11-10T15:00:00Z")
    first = generate(3, 80, now)
    assert generate(3, 80, now) == first
    assert generate(4, 80, now) != first
    assert len(first["orders"]) == 80 and first["orders"][0]["id"] == 100001


def test_same_seed_same_store_over_http(config_factory: Callable[..., SandboxConfig]) -> None:
    bodies = []
    for _ in range(2):
        with Sandbox(config_factory(orders=40)) as sandbox:
            bodies.append(httpx.get(sandbox.base_url + "/api/v1/orders?count=40&expand=items",
                                    headers={"X-AC-Auth-Token": sandbox.token}).json())
    assert bodies[0] == bodies[1]
