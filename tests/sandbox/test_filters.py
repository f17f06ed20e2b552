"""Filter language: every op, AND/OR chains, OR-ed parameters, datetime instants across offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx

from app.sandbox.clock import parse_ticks


def _all(api: httpx.Client, query: str) -> list[dict]:
    body = api.get(f"/orders?count=1000&{query}").json()
    assert body["total_count"] == len(body["orders"])
    return body["orders"]


def test_eq_is_the_default_and_explicit(api: httpx.Client) -> None:
    everything = _all(api, "")
    expected = [o["id"] for o in everything if o["store_id"] == 2]
    assert [o["id"] for o in _all(api, "store_id=2")] == expected
    assert [o["id"] for o in _all(api, "store_id=eq:2")] == expected


def test_not_gt_gte_lt_lte_on_numbers(api: httpx.Client) -> None:
    orders = _all(api, "")
    mid = sorted(o["grand_total"] for o in orders)[len(orders) // 2]
    checks = {"not": lambda v: v != mid, "gt": lambda v: v > mid, "gte": lambda v: v >= mid,
              "lt": lambda v: v < mid, "lte": lambda v: v <= mid}
    for op, keep in checks.items():
        got = {o["id"] for o in _all(api, f"grand_total={op}:{mid}")}
        assert got == {o["id"] for o in orders if keep(o["grand_total"])}, op


def test_like_is_case_insensitive_contains_and_startwith_prefix(api: httpx.Client) -> None:
    items = api.get("/order_items?count=1000").json()["items"]
    like = api.get("/order_items?count=1000&item_name=like:hOoDiE").json()["items"]
    assert {i["id"] for i in like} == {i["id"] for i in items if "hoodie" in i["item_name"].lower()}
    assert like
    starts = api.get("/order_items?count=1000&item_number=startwith:tsh-").json()["items"]
    assert starts and all(i["item_number"].startswith("TSH-") for i in starts)
    addresses = api.get("/order_addresses?count=1000&city=like:москв").json()["addresses"]
    assert all(a["city"] == "Москва" for a in addresses)


def test_bool_and_string_equality(api: httpx.Client) -> None:
    gifts = _all(api, "is_gift=true")
    assert gifts and all(o["is_gift"] for o in gifts)
    quotes = _all(api, "order_type=Quote")
    assert quotes and all(o["order_type"] == "Quote" for o in quotes)


def test_or_chain_in_one_value_and_bulk_ids(api: httpx.Client) -> None:
    ids = [o["id"] for o in _all(api, "")][:3]
    got = api.get("/orders", params={"id": " OR ".join(map(str, ids))}).json()["orders"]
    assert [o["id"] for o in got] == ids
    # as clients send it: "+OR+" in the raw query string
    raw = api.get(f"/orders?id={'+OR+'.join(map(str, ids))}").json()["orders"]
    assert [o["id"] for o in raw] == ids
    statuses = {o["order_status_id"] for o in _all(api, "order_status_id=1 OR 2")}
    assert statuses == {1, 2}


def test_and_chain_makes_a_range(api: httpx.Client) -> None:
    orders = _all(api, "")
    totals = sorted(o["grand_total"] for o in orders)
    lo, hi = totals[10], totals[40]
    got = _all(api, f"grand_total=gte:{lo}+AND+lte:{hi}")
    assert {o["id"] for o in got} == {o["id"] for o in orders if lo <= o["grand_total"] <= hi}


def test_parameters_are_anded_unless_first_value_starts_with_or(api: httpx.Client) -> None:
    orders = _all(api, "")
    both = {o["id"] for o in _all(api, "store_id=2&order_status_id=1")}
    assert both == {o["id"] for o in orders if o["store_id"] == 2 and o["order_status_id"] == 1}
    either = {o["id"] for o in _all(api, "store_id=OR+2&order_status_id=1")}
    assert either == {o["id"] for o in orders if o["store_id"] == 2 or o["order_status_id"] == 1}


def test_datetime_filters_compare_instants_whatever_the_offset(api: httpx.Client) -> None:
    orders = _all(api, "")
    pivot = sorted(parse_ticks(o["updated_at"]) for o in orders)[len(orders) // 2]
    instant = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=pivot // 10)
    expected = {o["id"] for o in orders if parse_ticks(o["updated_at"]) > pivot}
    for tz in (UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-6))):
        text = instant.astimezone(tz).isoformat(timespec="microseconds")
        text = text.replace("+00:00", "Z")
        body = api.get("/orders", params={"updated_at": "gt:" + text, "count": 1000}).json()
        assert {o["id"] for o in body["orders"]} == expected, text
    # the incremental-sync query as real clients send it
    body = api.get("/orders", params={"updated_at": f"gt:{orders[0]['updated_at']}",
                                      "sort": "updated_at", "count": 1000}).json()
    stamps = [parse_ticks(o["updated_at"]) for o in body["orders"]]
    assert stamps == sorted(stamps) and min(stamps) > parse_ticks(orders[0]["updated_at"])


def test_datetime_comparison_on_a_non_indexed_field(api: httpx.Client) -> None:
    orders = _all(api, "")
    pivot = parse_ticks(orders[len(orders) // 2]["ordered_at"])
    seconds, _ = divmod(pivot, 10_000_000)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    got = {o["id"] for o in _all(api, f"ordered_at=lt:{text}")}
    assert got == {o["id"] for o in orders if parse_ticks(o["ordered_at"]) < seconds * 10_000_000}
    assert 0 < len(got) < len(orders)


def test_null_and_bad_filters(api: httpx.Client) -> None:
    assert all(o["previous_order_status_id"] is None
               for o in _all(api, "previous_order_status_id=null"))
    assert api.get("/orders?no_such_field=1").status_code == 400
    assert api.get("/orders?items=1").status_code == 400  # nested: not filterable
    assert api.get("/orders?id=abc").status_code == 400
    assert api.get("/orders?updated_at=gt:yesterday").status_code == 400


def test_mixed_type_postal_codes_filter_as_text(api: httpx.Client) -> None:
    addresses = api.get("/order_addresses?count=1000").json()["addresses"]
    number = next(a for a in addresses if isinstance(a["postal_code"], int))
    text = next(a for a in addresses if isinstance(a["postal_code"], str) and a["postal_code"]
                and not a["postal_code"].isdigit())
    for wanted in (number, text):
        got = api.get("/order_addresses", params={"postal_code": str(wanted["postal_code"]),
                                                  "count": 1000}).json()["addresses"]
        assert wanted["id"] in {a["id"] for a in got}
        assert all(str(a["postal_code"]) == str(wanted["postal_code"]) for a in got)
    assert api.get("/orders?discount_total=gt:2.5").status_code == 200
