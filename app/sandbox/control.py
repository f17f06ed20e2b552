"""Control interface for tests and training: change the store as a merchant (or another tool)
would, move the clock, set faults and limits, read what the store received, count requests.

The same methods are reachable over HTTP: `POST /_sandbox/<method>` (or GET for reads) with the
keyword arguments as a JSON object and header `X-Sandbox-Key: <control key>`; the answer is
`{"result": ...}`. Only methods named in `EXPOSED` are callable that way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import format_ticks
from .errors import ApiError
from .quirks import POISONS
from .resources import RESOURCES, filled

if TYPE_CHECKING:
    from .server import Sandbox

Doc = dict[str, Any]


class Control:
    EXPOSED = ("info", "now", "advance_clock", "order", "set_order_status", "cancel_order",
               "update_order", "set_shipping_address", "add_line", "set_line_quantity",
               "add_shipment", "set_faults", "set_rate_limit", "writes", "clear_writes",
               "counters", "reset_counters", "add_token", "reset", "poison_order",
               "clear_poison", "quirks", "set_page_cap", "add_status")

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox

    @property
    def _m(self):  # noqa: ANN202 - Mutations; rebuilt on reset, so looked up each time
        return self._sb.mutations

    # -- reading ---------------------------------------------------------------------------
    def info(self) -> Doc:
        sb = self._sb
        return {"domain": sb.domain, "base_url": sb.base_url, "token": sb.token,
                "seed": sb.config.seed, "orders": sb.config.orders, "now": self.now(),
                "faults": sb.faults.as_dict(), "rate_limit": sb.limiter.limit,
                "retry_after_style": sb.limiter.retry_after_style}

    def now(self) -> str:
        return format_ticks(self._sb.clock.now())

    def order(self, order_id: int) -> Doc:
        """The order with every nested collection, as GET /orders/{id}/filled returns it."""
        base = self._sb.base_url if self._sb.running else ""
        return filled(self._sb.store, RESOURCES["orders"], str(order_id), base)

    def writes(self, since: int = 0, kind: str | None = None,
               source: str | None = "api") -> list[Doc]:
        """Writes the store received, oldest first; `source=None` includes control-side changes."""
        return [w for w in self._sb.store.writes(since)
                if (kind is None or w["kind"] == kind)
                and (source is None or w["source"] == source)]

    def clear_writes(self) -> None:
        self._sb.store.clear_writes()

    def counters(self) -> Doc:
        return self._sb.counters.snapshot()

    def reset_counters(self) -> None:
        self._sb.counters.reset()

    # -- the clock -------------------------------------------------------------------------
    def advance_clock(self, seconds: float = 0, minutes: float = 0, hours: float = 0,
                      days: float = 0) -> str:
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days
        if total < 0:
            raise ValueError("the clock only moves forward")
        self._sb.clock.advance(total)
        self._sb.store.meta_set("clock_offset", str(self._sb.clock.offset_ticks))
        return self.now()

    # -- store-side changes ----------------------------------------------------------------
    def set_order_status(self, order_id: int, status_id: int) -> Doc:
        return self._m.set_status(order_id, {"order_status_id": status_id}, source="store")

    def cancel_order(self, order_id: int) -> Doc:
        rows = self._sb.store.select("order_statuses", "json_extract(doc, '$.is_cancelled') = 1",
                                     [], limit=1)
        return self.set_order_status(order_id, rows[0]["id"])

    def update_order(self, order_id: int, **fields: Any) -> Doc:
        return self._m.update_order(order_id, fields, source="store")

    def set_shipping_address(self, order_id: int, **fields: Any) -> Doc:
        return self._m.update_address(order_id, fields)

    def add_line(self, order_id: int, product_id: int | None = None, quantity: int = 1,
                 **fields: Any) -> Doc:
        return self._m.add_line(order_id, {"product_id": product_id, "quantity": quantity,
                                           **fields})

    def new_order(self, quantities: list[int], status_id: int = 1) -> Doc:
        """An order placed now with one plain shippable line per quantity, nothing shipped."""
        return self._m.new_order(quantities, status_id)

    def set_line_quantity(self, item_id: int, quantity: int) -> Doc:
        return self._m.set_line_quantity(item_id, quantity)

    def add_shipment(self, order_id: int, items: list[Doc] | None = None,
                     shipment_name: str | None = None, **fields: Any) -> Doc:
        """A shipment made by "another tool"; `items=None` ships every unit still unshipped."""
        if items is None:
            order = self.order(order_id)
            shipped: dict[int, int] = {}
            for shipment in order["shipments"]:
                for line in shipment["items"]:
                    shipped[line["id"]] = shipped.get(line["id"], 0) + line["quantity_shipped"]
            items = [{"id": i["id"], "quantity_shipped": i["quantity"] - shipped.get(i["id"], 0)}
                     for i in order["items"] if not i["is_non_shipping_item"]
                     and not i["is_discount_item"] and i["quantity"] > shipped.get(i["id"], 0)]
        body = {"order_id": order_id, "items": items, "tracking_numbers": "9400100000000000000000",
                "shipping_provider_name": "USPS", "shipping_method": "USPS Priority Mail",
                "private_comment": "Shipped by another tool", **fields}
        if shipment_name is not None:
            body["shipment_name"] = shipment_name
        return self._m.upsert_shipment(body, source="store")[1]

    # -- behaviour of the API --------------------------------------------------------------
    def set_faults(self, seed: int | None = None, **settings: float) -> Doc:
        """latency_ms, fail_rate, drop_rate, drop_after_write_rate, truncate_rate (0..1)."""
        self._sb.faults.configure(seed=seed, **settings)
        return self._sb.faults.as_dict()

    def set_rate_limit(self, limit: int | None, retry_after_style: str | None = None) -> Doc:
        self._sb.limiter.configure(limit, retry_after_style)
        return {"rate_limit": self._sb.limiter.limit,
                "retry_after_style": self._sb.limiter.retry_after_style}

    # -- bad data (quirks.py) ----------------------------------------------------------------
    def poison_order(self, order_id: int, kind: str | None = None,
                     fields: Doc | None = None) -> Doc:
        """Serve this order with bad data from now on: a named `kind` (see `quirks()`) and/or
        raw `fields` put over the order as served. Bumps updated_at so syncs read it again."""
        order = self._sb.store.get("orders", int(order_id))
        if order is None:
            raise ValueError(f"no order {order_id}")
        self._sb.quirks.poison(order["id"], kind, fields, order.get("order_shipping_address_id"))
        self._m.update_order(order["id"], {}, source="store")
        return self._sb.quirks.as_dict()

    def clear_poison(self, order_id: int | None = None) -> Doc:
        """Serve the order (or every order) as stored again; bumps updated_at likewise."""
        self._sb.quirks.clear(order_id)
        if order_id is not None:
            self._m.update_order(int(order_id), {}, source="store")
        return self._sb.quirks.as_dict()

    def quirks(self) -> Doc:
        return {**self._sb.quirks.as_dict(), "kinds": list(POISONS)}

    def set_page_cap(self, count: int = 0) -> Doc:
        """Never more than `count` records per list page (select_many too); 0 = honour count."""
        if int(count) < 0:
            raise ValueError("count must be 0 or more")
        self._sb.quirks.page_cap = int(count)
        return self._sb.quirks.as_dict()

    def add_status(self, name: str, **flags: Any) -> Doc:
        """A custom order status the merchant adds (is_open, is_shipped, ... default False)."""
        store = self._sb.store
        with store.transaction():
            rows = store.select("order_statuses", "1", [], "id DESC", 1)
            doc = {"id": (rows[0]["id"] if rows else 0) + 1, "name": name, "color": "#888888",
                   **dict.fromkeys(("is_open", "is_declined", "is_cancelled", "is_shipped",
                                    "is_partially_shipped", "is_fully_refunded",
                                    "is_partially_refunded", "is_quote_status"), False),
                   "email_template_id": None, **flags}
            store.insert_many("order_statuses", [doc])
        return doc

    def add_token(self, token: str) -> None:
        self._sb.add_token(token)

    def reset(self) -> None:
        """Back to the freshly generated store: data, writes, clock, faults, limit, counters."""
        self._sb.reset()

    # -- HTTP ------------------------------------------------------------------------------
    def call(self, name: str, kwargs: dict[str, Any]) -> Any:
        if name not in self.EXPOSED:
            raise ApiError(404, f"No control method '{name}'.")
        try:
            return getattr(self, name)(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, str(exc)) from exc
