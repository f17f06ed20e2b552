"""What the sandbox holds, read straight from its API: the expected answer for sync tests."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.integrations.americommerce.mapping import timestamp


def store_get(sandbox, path: str, **params) -> dict:
    response = httpx.get(f"{sandbox.base_url}/api/v1{path}", params=params,
                         headers={"X-AC-Auth-Token": sandbox.token}, timeout=30)
    response.raise_for_status()
    return response.json()


def all_orders(sandbox) -> list[dict]:
    orders, page = [], 1
    while True:
        response = httpx.get(f"{sandbox.base_url}/api/v1/orders",
                             params={"count": 1000, "page": page, "sort": "id",
                                     "expand": "items"},
                             headers={"X-AC-Auth-Token": sandbox.token}, timeout=30)
        if response.status_code == 404:
            return orders
        response.raise_for_status()
        orders += response.json()["orders"]
        page += 1


def expected_import(sandbox, *, days: int = 30, now: datetime | None = None) -> set[int]:
    """Order ids the default rule imports: open, not shipped, not a quote, created in window."""
    now = now or datetime.now(UTC)
    statuses = {s["id"]: s for s in store_get(sandbox, "/order_statuses")["order_statuses"]}
    start = now - timedelta(days=days)
    wanted = set()
    for order in all_orders(sandbox):
        status = statuses.get(order["order_status_id"], {})
        created = timestamp(order.get("created_at")) or timestamp(order.get("ordered_at"))
        if (status.get("is_open") and not status.get("is_shipped")
                and not status.get("is_quote_status") and order.get("order_type") != "Quote"
                and created is not None and created >= start):
            wanted.add(order["id"])
    return wanted
