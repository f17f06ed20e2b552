"""The store's write behaviour, shared by the API (a client's writes) and the control interface
(the merchant or "another tool" changing things), so both follow the same rules.

Every change bumps `updated_at` from the sandbox clock and is appended to the write log with its
source ("api" for clients, "store" for control-side changes), inside one transaction.
"""

from __future__ import annotations

from typing import Any

from .clock import Clock, format_ticks
from .errors import ApiError
from .store import Doc, Store

_READ_ONLY = {"id", "created_at", "updated_at"}
_SHIPMENT_FIELDS = (
    "shipment_name", "shipped_at", "tracking_numbers", "tracking_url", "shipping_provider_name",
    "shipping_method", "shipping_method_id", "shipping_method_type", "number_of_packages",
    "total_weight", "provider_base_shipping_cost", "provider_insurance_cost",
    "provider_handling_cost", "provider_other_charges", "provider_total_shipping_cost",
    "email_sent", "private_comment", "shipping_comment")
_INVENTORY_KEYS = ("variant_inventory_id", "item_number", "gtin", "product_id")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ApiError(400, f"'{name}' must be an integer.")
    try:
        return int(value)
    except ValueError:
        raise ApiError(400, f"'{name}' must be an integer.") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return body


class Mutations:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- helpers --------------------------------------------------------------------------
    def _now(self) -> str:
        return format_ticks(self.clock.stamp())

    def _require(self, table: str, doc_id: Any, what: str, status: int = 404) -> Doc:
        doc = self.store.get(table, _int(doc_id, f"{what} id"))
        if doc is None:
            raise ApiError(status, f"No {what} with id {doc_id}.")
        return doc

    def _save(self, table: str, doc: Doc, stamp: str) -> Doc:
        doc["updated_at"] = stamp
        self.store.put(table, doc)
        return doc

    def _log(self, kind: str, source: str, table: str, doc_id: int, body: Any,
             token: str | None = None, **extra: Any) -> None:
        self.store.log_write({"at": format_ticks(self.clock.now()), "kind": kind, "source": source,
                              "resource": table, "id": doc_id, "token": token, "body": body,
                              **extra})

    def _apply(self, table: str, doc: Doc, changes: dict[str, Any]) -> None:
        """Partial update: known, non-nested, writable fields only (others are ignored)."""
        kinds = self.store.kinds(table)
        for key, value in changes.items():
            if key not in _READ_ONLY and kinds.get(key) != "nested" and key in kinds:
                doc[key] = value

    # -- orders ---------------------------------------------------------------------------
    def set_status(self, order_id: Any, body: Any, source: str = "api",
                   token: str | None = None) -> Doc:
        status_id = _int(_object(body).get("order_status_id"), "order_status_id")
        with self.store.transaction():
            order = self._require("orders", order_id, "order")
            if self.store.get("order_statuses", status_id) is None:
                raise ApiError(400, f"Invalid order_status_id {status_id}.")
            stamp = self._now()
            previous = order["order_status_id"]
            if previous != status_id:
                order["previous_order_status_id"] = previous
            order["order_status_id"] = status_id
            order["order_status_last_changed_at"] = stamp
            self._save("orders", order, stamp)
            self._log("order_status_changed", source, "orders", order["id"], body, token,
                      order_id=order["id"], from_status_id=previous, to_status_id=status_id)
        return order

    def update_order(self, order_id: Any, body: Any, source: str = "api",
                     token: str | None = None) -> Doc:
        changes = _object(body)
        with self.store.transaction():
            order = self._require("orders", order_id, "order")
            if "order_status_id" in changes and self.store.get(
                    "order_statuses", _int(changes["order_status_id"], "order_status_id")) is None:
                raise ApiError(400, f"Invalid order_status_id {changes['order_status_id']}.")
            self._apply("orders", order, changes)
            self._save("orders", order, self._now())
            self._log("order_updated", source, "orders", order["id"], body, token,
                      order_id=order["id"])
        return order

    def _touch_order(self, order_id: int, stamp: str) -> None:
        order = self.store.get("orders", order_id)
        if order is not None:
            self._save("orders", order, stamp)

    # -- shipments ------------------------------------------------------------------------
    def upsert_shipment(self, body: Any, shipment_id: Any = None, source: str = "api",
                        token: str | None = None) -> tuple[bool, Doc]:
        """Create or update a shipment (API.md §4): by id, else by order_id + shipment_name.

        Returns (created, shipment). Lines are checked against the order: an id that is not one of
        its items is a 400; shipping more than ordered, counting its other shipments, is a 409.
        """
        data = _object(body)
        with self.store.transaction():
            existing = None
            if shipment_id is None and data.get("id") not in (None, 0):
                shipment_id = data["id"]
            if shipment_id is not None:
                existing = self._require("order_shipments", shipment_id, "order shipment")
            order_id = data.get("order_id", existing["order_id"] if existing else None)
            if order_id is None:
                raise ApiError(400, "'order_id' is required.")
            order = self._require("orders", order_id, "order", status=400)
            if existing and existing["order_id"] != order["id"]:
                raise ApiError(400, "The shipment belongs to another order.")
            others = self.store.children("order_shipments", [order["id"]]).get(order["id"], [])
            name = data.get("shipment_name")
            if existing is None and name not in (None, ""):
                existing = next((s for s in others if s.get("shipment_name") == str(name)), None)
            others = [s for s in others if existing is None or s["id"] != existing["id"]]
            stamp = self._now()
            shipment = existing or self._new_shipment(order["id"], stamp)
            for key in _SHIPMENT_FIELDS:
                if key in data:
                    shipment[key] = data[key]
            # The store keeps this one as a string whatever the client sends (API.md §4).
            cost = shipment.get("provider_base_shipping_cost")
            shipment["provider_base_shipping_cost"] = "" if cost is None else str(cost)
            if shipment.get("shipment_name") is not None:
                shipment["shipment_name"] = str(shipment["shipment_name"])
            if "items" in data:
                shipment["items"] = self._shipment_items(order["id"], data["items"], others)
            created = existing is None
            self._save("order_shipments", shipment, stamp)
            self._touch_order(order["id"], stamp)
            self._log("shipment_created" if created else "shipment_updated", source,
                      "order_shipments", shipment["id"], body, token, order_id=order["id"])
        return created, shipment

    def delete_shipment(self, shipment_id: Any, source: str = "api",
                        token: str | None = None) -> None:
        """DELETE /order_shipments/{id}: the shipment goes; its order's updated_at moves."""
        with self.store.transaction():
            shipment = self._require("order_shipments", shipment_id, "order shipment")
            self.store.delete("order_shipments", shipment["id"])
            self._touch_order(shipment["order_id"], self._now())
            self._log("shipment_deleted", source, "order_shipments", shipment["id"], None, token,
                      order_id=shipment["order_id"])

    def _new_shipment(self, order_id: int, stamp: str) -> Doc:
        doc: Doc = dict.fromkeys(_SHIPMENT_FIELDS)
        doc.update(id=self.store.next_id("order_shipments"), order_id=order_id, shipped_at=stamp,
                   tracking_numbers="", tracking_url="", shipping_method_type="provider",
                   email_sent=False, private_comment="", shipping_comment="", created_at=stamp,
                   items=[])
        return doc

    def _shipment_items(self, order_id: int, lines: Any, others: list[Doc]) -> list[Doc]:
        if not isinstance(lines, list):
            raise ApiError(400, "'items' must be a list.")
        order_items = {i["id"]: i for i in self.store.children("order_items", [order_id])
                       .get(order_id, [])}
        shipped: dict[int, int] = {}
        for other in others:
            for line in other.get("items") or []:
                shipped[line["id"]] = shipped.get(line["id"], 0) + int(line["quantity_shipped"])
        out: list[Doc] = []
        for line in lines:
            line = _object(line)
            item_id = _int(line.get("id"), "items[].id")
            qty = _int(line.get("quantity_shipped", 0), "items[].quantity_shipped")
            item = order_items.get(item_id)
            if item is None:
                raise ApiError(400, f"Order item {item_id} is not part of order {order_id}.")
            if qty < 0:
                raise ApiError(400, f"quantity_shipped of item {item_id} is negative.")
            shipped[item_id] = shipped.get(item_id, 0) + qty
            if shipped[item_id] > item["quantity"]:
                raise ApiError(409, f"Order item {item_id}: {shipped[item_id]} shipped in all, "
                                    f"but only {item['quantity']} ordered.")
            out.append({"id": item_id, "quantity_shipped": qty, "product_id": item["product_id"],
                        "item_name": item["item_name"], "item_nr": item["item_number_full"]})
        return out

    # -- store-side order changes (control interface) -------------------------------------
    def update_address(self, order_id: Any, changes: dict[str, Any], source: str = "store") -> Doc:
        with self.store.transaction():
            order = self._require("orders", order_id, "order")
            address = self._require("order_addresses", order["order_shipping_address_id"],
                                    "address")
            self._apply("order_addresses", address, changes)
            stamp = self._now()
            self._save("order_addresses", address, stamp)
            self._save("orders", order, stamp)
            self._log("address_updated", source, "order_addresses", address["id"], changes,
                      order_id=order["id"])
        return address

    def add_line(self, order_id: Any, fields: dict[str, Any], source: str = "store") -> Doc:
        with self.store.transaction():
            order = self._require("orders", order_id, "order")
            siblings = self.store.children("order_items", [order["id"]]).get(order["id"], [])
            stamp = self._now()
            line = dict(siblings[0]) if siblings else {}
            line.update(id=self.store.next_id("order_items"), order_id=order["id"], quantity=1,
                        variants=[], personalizations=[], variant_inventory_id=None,
                        parent_order_item_id=None, is_quantity_bound_to_parent=False,
                        is_discount_item=False, is_non_shipping_item=False, created_at=stamp)
            product_id = fields.get("product_id")
            if product_id is not None:
                product = self._require("products", product_id, "product")
                line.update(product_id=product["id"], item_number=product["item_number"],
                            item_number_full=product["item_number"],
                            item_name=product["item_name"], price=product["price"],
                            weight=product["weight"],
                            is_non_shipping_item=product["is_non_shipping_item"])
            line.update({k: v for k, v in fields.items() if k not in _READ_ONLY})
            self._save("order_items", line, stamp)
            self._save("orders", order, stamp)
            self._log("line_added", source, "order_items", line["id"], fields, order_id=order["id"])
        return line

    def new_order(self, quantities: list[int], status_id: int, source: str = "store") -> Doc:
        """An order placed now: one plain line per quantity (a different shippable product each:
        no kit, no child line, no variant), no shipments. It copies the newest order's customer,
        addresses and shape, so tests get the order they need whatever the generator made."""
        with self.store.transaction():
            self._require("order_statuses", status_id, "order status", status=400)
            template = self.store.select("orders", "1 = 1", [], order="id DESC", limit=1)[0]
            line_shape = self.store.select(
                "order_items", "json_extract(doc, '$.parent_order_item_id') IS NULL", [],
                limit=1)[0]
            products = self.store.select(
                "products", "json_extract(doc, '$.is_kit') = 0 AND "
                "json_extract(doc, '$.is_non_shipping_item') = 0 AND id NOT IN "
                "(SELECT DISTINCT json_extract(doc, '$.product_id') FROM variant_inventory)",
                [], limit=len(quantities))
            if len(products) < len(quantities):
                raise ApiError(400, f"The store has only {len(products)} plain products.")
            stamp = self._now()
            order = dict(template, id=self.store.next_id("orders"), order_number="",
                         order_type="Order", order_status_id=status_id,
                         previous_order_status_id=None,
                         order_status_last_changed_at=stamp, ordered_at=stamp, created_at=stamp)
            self._save("orders", order, stamp)
            for product, quantity in zip(products, quantities, strict=True):
                line = dict(line_shape, id=self.store.next_id("order_items"),
                            order_id=order["id"], quantity=_int(quantity, "quantity"),
                            variants=[], personalizations=[], variant_inventory_id=None,
                            is_quantity_bound_to_parent=False, is_discount_item=False,
                            product_id=product["id"], item_number=product["item_number"],
                            item_number_full=product["item_number"],
                            item_name=product["item_name"], price=product["price"],
                            weight=product["weight"], is_non_shipping_item=False,
                            order_shipping_address_id=order["order_shipping_address_id"],
                            created_at=stamp)
                self._save("order_items", line, stamp)
            self._log("order_created", source, "orders", order["id"], {"quantities": quantities})
        return order

    def set_line_quantity(self, item_id: Any, quantity: int, source: str = "store") -> Doc:
        with self.store.transaction():
            line = self._require("order_items", item_id, "order item")
            line["quantity"] = _int(quantity, "quantity")
            stamp = self._now()
            self._save("order_items", line, stamp)
            self._touch_order(line["order_id"], stamp)
            self._log("line_quantity_changed", source, "order_items", line["id"],
                      {"quantity": quantity}, order_id=line["order_id"])
        return line

    # -- products and inventory -----------------------------------------------------------
    def create_product(self, body: Any, source: str = "api", token: str | None = None) -> Doc:
        data = _object(body)
        if not data.get("item_name") and not data.get("item_number"):
            raise ApiError(400, "'item_name' or 'item_number' is required.")
        with self.store.transaction():
            stamp = self._now()
            product: Doc = dict.fromkeys(self.store.kinds("products"))
            product.update(is_non_shipping_item=False, use_variant_inventory=False,
                           quantity_on_hand=0, height="", length="", width="", weight_unit="Lbs",
                           custom_fields=[], categories=[])
            self._apply("products", product, data)
            for key in ("custom_fields", "categories"):
                if isinstance(data.get(key), list):
                    product[key] = data[key]
            product.update(id=self.store.next_id("products"), created_at=stamp)
            self._save("products", product, stamp)
            self._log("product_created", source, "products", product["id"], body, token)
        return product

    def update_product(self, product_id: Any, body: Any, source: str = "api",
                       token: str | None = None) -> Doc:
        data = _object(body)
        with self.store.transaction():
            product = self._require("products", product_id, "product")
            self._apply("products", product, data)
            if isinstance(data.get("custom_fields"), list):
                product["custom_fields"] = data["custom_fields"]
            self._save("products", product, self._now())
            self._log("product_updated", source, "products", product["id"], body, token)
        return product

    def _find_stock(self, keys: dict[str, Any]) -> tuple[Doc, Doc | None]:
        """(product, variant_inventory row or None) for the first identifier given."""
        key = next((k for k in _INVENTORY_KEYS if keys.get(k) not in (None, "")), None)
        if key is None:
            raise ApiError(400, "One of item_number, gtin, product_id or variant_inventory_id "
                                "is required.")
        value = keys[key]
        if key == "product_id":
            return self._require("products", value, "product"), None
        if key == "variant_inventory_id":
            row = self._require("variant_inventory", value, "variant inventory")
            return self._require("products", row["product_id"], "product"), row
        where = f"CAST(json_extract(doc, '$.{key}') AS TEXT) = ?"
        rows = self.store.select("variant_inventory", where, [str(value)], limit=1)
        if rows:
            return self._require("products", rows[0]["product_id"], "product"), rows[0]
        products = self.store.select("products", where, [str(value)], limit=1)
        if not products:
            raise ApiError(404, f"No inventory with {key} '{value}'.")
        return products[0], None

    @staticmethod
    def _stock_view(product: Doc, row: Doc | None) -> Doc:
        return {"product_id": product["id"], "variant_inventory_id": row["id"] if row else None,
                "item_number": (row or product)["item_number"], "item_name": product["item_name"],
                "gtin": (row or product).get("gtin") or "",
                "quantity": row["inventory"] if row else product["quantity_on_hand"]}

    def inventory(self, keys: dict[str, Any]) -> Doc:
        return self._stock_view(*self._find_stock(keys))

    def change_inventory(self, op: str, body: Any, source: str = "api",
                         token: str | None = None) -> Doc:
        data = _object(body)
        if op not in ("set", "add", "remove"):
            raise ApiError(404, f"No inventory operation '{op}'.")
        qty = _int(data.get("quantity"), "quantity")
        with self.store.transaction():
            product, row = self._find_stock(data)
            target, table, key = ((row, "variant_inventory", "inventory") if row else
                                  (product, "products", "quantity_on_hand"))
            current = int(target.get(key) or 0)
            target[key] = {"set": qty, "add": current + qty, "remove": current - qty}[op]
            stamp = self._now()
            self._save(table, target, stamp)
            if row is not None:
                self._save("products", product, stamp)
            self._log(f"inventory_{op}", source, table, target["id"], body, token,
                      product_id=product["id"])
        return self._stock_view(product, row)
