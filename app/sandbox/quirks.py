"""Bad data the way real stores send it: poisoned orders, hidden addresses, capped pages.

Applied to answers after the request was handled (the stored documents stay sane), so a
developer can switch a case on and off by hand (`poison_order`, `set_page_cap` in the control
interface, `--poison-orders` / `--page-cap` on the command line) and every client sees it.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]


def _first_line(order: Doc, change: Callable[[Doc], None]) -> None:
    items = order.get("items")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        change(items[0])


def _set(key: str, value: Any) -> Callable[[Doc], None]:
    return lambda order: order.__setitem__(key, value)


def _line(key: str, value: Any) -> Callable[[Doc], None]:
    return lambda order: _first_line(order, lambda line: line.__setitem__(key, value))


def _nul_sku(order: Doc) -> None:
    def change(line: Doc) -> None:
        for key in ("item_number", "item_number_full"):
            if line.get(key):
                line[key] = line[key][:2] + "\x00" + line[key][2:]
    _first_line(order, change)


def _items(make: Callable[[list], Any]) -> Callable[[Doc], None]:
    return lambda order: order.__setitem__("items", make(list(order.get("items") or [])))


# kind -> what it does to an order as served. "null_order" and "ship_to_hidden" act elsewhere.
POISONS: dict[str, Callable[[Doc], None] | None] = {
    "null_order": None,  # a null in place of the order in every list
    "null_line": _items(lambda items: [None, *items]),
    "text_line": _items(lambda items: ["x", *items]),
    "items_object": _items(lambda items: {str(i): item for i, item in enumerate(items)}),
    "items_null": _set("items", None),
    "variants_text": _line("variants", "Color: Red"),
    "quantity_null": _line("quantity", None),
    "quantity_negative": _line("quantity", -2),
    "quantity_fraction": _line("quantity", 2.5),
    "quantity_huge": _line("quantity", 1e9),
    "duplicate_line": _items(lambda items: [*items, copy.deepcopy(items[0])] if items else items),
    "nul_in_sku": _nul_sku,
    "unknown_status": _set("order_status_id", 999),
    "no_ship_to": _set("order_shipping_address_id", None),
    "ship_to_hidden": None,  # the ship-to address is left out of select_many and GET answers
}


class Quirks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.page_cap = 0  # 0 = lists honour `count` (up to the usual 1000)
        self._orders: dict[int, list[str]] = {}
        self._fields: dict[int, Doc] = {}
        self._hidden_addresses: set[int] = set()

    def reset(self) -> None:
        with self._lock:
            self.page_cap = 0
            self._orders.clear()
            self._fields.clear()
            self._hidden_addresses.clear()

    def poison(self, order_id: int, kind: str | None, fields: Doc | None,
               ship_to_address_id: int | None) -> None:
        if kind is not None and kind not in POISONS:
            raise ValueError(f"unknown poison {kind!r}; one of {', '.join(POISONS)}")
        with self._lock:
            if kind is not None:
                self._orders.setdefault(order_id, []).append(kind)
            if fields:
                self._fields.setdefault(order_id, {}).update(fields)
            if kind == "ship_to_hidden" and ship_to_address_id is not None:
                self._hidden_addresses.add(ship_to_address_id)

    def clear(self, order_id: int | None = None) -> None:
        with self._lock:
            if order_id is None:
                self._orders.clear()
                self._fields.clear()
                self._hidden_addresses.clear()
            else:
                self._orders.pop(order_id, None)
                self._fields.pop(order_id, None)

    def as_dict(self) -> Doc:
        with self._lock:
            return {"page_cap": self.page_cap,
                    "orders": {str(k): list(v) for k, v in self._orders.items()},
                    "fields": {str(k): dict(v) for k, v in self._fields.items()},
                    "hidden_addresses": sorted(self._hidden_addresses)}

    @property
    def active(self) -> bool:
        return bool(self.page_cap or self._orders or self._fields or self._hidden_addresses)

    def cap(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """A store that never serves more than `page_cap` per page, whatever `count` says."""
        if not self.page_cap:
            return pairs
        asked = next((v for k, v in pairs if k == "count"), "100")
        try:
            count = min(int(asked), self.page_cap)
        except ValueError:
            return pairs  # the list query answers the 400
        return [(k, v) for k, v in pairs if k != "count"] + [("count", str(count))]

    def apply(self, template: str, payload: Any) -> Any:
        """The answer of a GET as the misbehaving store sends it."""
        if not (self._orders or self._fields or self._hidden_addresses):
            return payload
        resource = template.split("/")[1] if "/" in template else ""
        if resource not in ("orders", "order_addresses"):
            return payload
        doc = json.loads(payload) if isinstance(payload, str) else payload
        if not isinstance(doc, dict):
            return payload
        with self._lock:
            if resource == "order_addresses":
                return self._addresses(template, doc)
            return self._orders_answer(template, doc)

    def _addresses(self, template: str, doc: Doc) -> Doc:
        if template.endswith("{id}") and doc.get("id") in self._hidden_addresses:
            from .errors import ApiError
            raise ApiError(404, f"No order_addresses with id {doc.get('id')}.")
        if isinstance(doc.get("addresses"), list):
            doc["addresses"] = [a for a in doc["addresses"]
                                if not (isinstance(a, dict)
                                        and a.get("id") in self._hidden_addresses)]
        return doc

    def _orders_answer(self, template: str, doc: Doc) -> Any:
        if isinstance(doc.get("orders"), list):
            doc["orders"] = [self._order(o) for o in doc["orders"]]
            return doc
        if template == "GET /orders/{id}":
            return self._order(doc)
        return doc

    def _order(self, order: Any) -> Any:
        if not isinstance(order, dict):
            return order
        order_id = order.get("id")
        kinds = self._orders.get(order_id, [])
        if "null_order" in kinds:
            return None
        order.update(copy.deepcopy(self._fields.get(order_id, {})))
        for kind in kinds:
            change = POISONS[kind]
            if change is not None:
                change(order)
        return order
