"""Deterministic seeded generator of a store's data.

`generate(seed, orders, now_ticks)` returns {table name: [documents]}; the same arguments always
give the same documents (one `random.Random(seed)` stream, no set/dict-order or wall-clock
dependence). Documents carry every field the store would send, in the store's formats (see
clock.py).
"""

from __future__ import annotations

import random
from typing import Any

from . import catalogue as cat
from .clock import TICKS_PER_DAY
from .seed import Dataset, Doc, Gen
from .seed_products import BIN_FIELD, catalogue, gtin_check_digit

__all__ = ["BIN_FIELD", "FIRST_ORDER_ID", "WINDOW_DAYS", "generate", "gtin_check_digit",
           "make_statuses"]

FIRST_ORDER_ID = 100_001
WINDOW_DAYS = 60


def make_statuses(custom: list[Doc] | None) -> list[Doc]:
    """Default statuses 1..9 plus custom ones (ids from 10), every flag present."""
    rows = [dict(s) for s in cat.DEFAULT_STATUSES]
    for i, extra in enumerate(cat.DEFAULT_CUSTOM_STATUSES if custom is None else custom):
        rows.append({"id": 10 + i, **extra})
    for row in rows:
        for flag in cat.STATUS_FLAGS:
            row.setdefault(flag, False)
        row.setdefault("color", "#CCCCCC")
        row.setdefault("email_template_id", None)
    return rows


def generate(seed: int, orders: int, now_ticks: int, custom_statuses: list[Doc] | None = None,
             products: int = 200) -> Dataset:
    g = Gen(seed, now_ticks)
    data: Dataset = {"order_statuses": make_statuses(custom_statuses)}
    for row in data["order_statuses"]:
        row["created_at"] = row["updated_at"] = g.ts(g.days_ago(400, 500))
    data["stores"] = _stores(g)
    data["shipping_provider_services"], data["custom_shipping_methods"] = _shipping(g)
    catalogue(g, data, products)
    data["customers"] = _customers(g, max(20, orders // 3))
    _orders(g, data, orders)
    return data


def _stores(g: Gen) -> list[Doc]:
    rows = []
    for i, base in enumerate(cat.STORES, start=1):
        rows.append({
            "id": i, **base, "domain_name": f"store{i}.sandbox.local", "fax": "",
            "keywords": "", "description": "", "all_catalog": True, "is_micro_store": i > 1,
            "parent_store_id": 1 if i > 1 else None, "profile_id": None,
            "billing_first_name": "Pat", "billing_last_name": "Owner", "tech_email": base["email"],
            "tech_first_name": "", "tech_last_name": "", "tech_same_as_billing": True,
            "store_logo": f"/images/stores/{i}.png", "store_image": "",
        })
    return rows


def _shipping(g: Gen) -> tuple[list[Doc], list[Doc]]:
    providers = {"UPS": 1, "FedEx": 2, "USPS": 3}
    services = []
    for i, (code, ident, name) in enumerate(cat.SHIPPING_SERVICES, start=1):
        stamp = g.ts(g.days_ago(300, 400))
        services.append({"id": i, "is_enabled": True, "shipping_provider_id": providers[code],
                         "identifier": ident, "name": name, "shipping_provider_code": code,
                         "updated_at": stamp, "created_at": stamp, "allow_apo": code == "USPS",
                         "allow_po_box": code == "USPS"})
    methods = []
    for i, name in enumerate(cat.CUSTOM_SHIPPING_METHODS, start=1):
        stamp = g.ts(g.days_ago(300, 400))
        methods.append({"id": i, "name": name, "is_enabled": True, "is_default": i == 1,
                        "markup_type": "", "markup_amount": "", "description": "",
                        "updated_at": stamp, "created_at": stamp, "use_base_rate": False,
                        "is_calculated_method": False, "admin_only": name == "Local Pickup"})
    return services, methods


def _person(rng: random.Random) -> tuple[dict[str, Any], tuple[str, str]]:
    region = rng.choices(cat.REGIONS, weights=[r["weight"] for r in cat.REGIONS])[0]
    return region, (rng.choice(region["first"]), rng.choice(region["last"]))


def _customers(g: Gen, count: int) -> list[Doc]:
    rng = g.rng
    rows = []
    for _ in range(count):
        cid = g.next_id("customers")
        region, (first, last) = _person(rng)
        city = rng.choice(region["cities"])
        created = g.days_ago(60, 700)
        rows.append({
            "id": cid, "customer_number": "", "first_name": first, "last_name": last,
            "email": f"customer{cid}@{rng.choice(['example.com', 'example.org', 'example.net'])}",
            "phone_number": region["phone"].format(a=rng.randint(200, 989), b=rng.randint(0, 9999)),
            "alternate_phone_number": "", "company": rng.choice(cat.COMPANIES),
            "store_id": 1 if rng.random() < 0.7 else 2, "customer_type_id": 0,
            "is_no_tax_customer": False, "comments": "", "source": "",
            "no_account": rng.random() < 0.2,
            "registered_at": g.ts(created), "last_visit_at": g.ts(created), "username": "",
            "created_at": g.ts(created), "updated_at": g.ts(created), "custom_fields": [],
            # private to the generator: where this customer ships (removed before storing)
            "_region": region, "_city": city,
        })
    return rows


def _address(g: Gen, customer: Doc, stamp: str, address_type: str) -> Doc:
    rng = g.rng
    region, city = customer["_region"], customer["_city"]
    postal: str | int = city[3]
    # The real store returns some postal codes as JSON numbers, leading zeros lost.
    if postal.isdigit() and rng.random() < 0.5:
        postal = int(postal)
    return {
        "id": g.next_id("order_addresses"), "customer_id": customer["id"],
        "company": customer["company"], "first_name": customer["first_name"],
        "last_name": customer["last_name"],
        "address_line_1": rng.choice(region["streets"]).format(n=rng.randint(1, 9999)),
        "address_line_2": rng.choice(["", "", "", "Apt 4B", "Suite 210", "2nd floor / 2. OG"]),
        "city": city[0], "state": city[1], "state_code": city[2], "postal_code": postal,
        "country": region["country"], "country_code": region["code"],
        "phone": customer["phone_number"], "alternate_phone": "", "fax": "", "comments": "",
        "address_type": address_type, "created_at": stamp, "updated_at": stamp}


_STATUS_WEIGHTS = {1: 30, 2: 20, 3: 15, 4: 3, 5: 4, 6: 5, 7: 3, 8: 2, 9: 1}


def _orders(g: Gen, data: Dataset, count: int) -> None:
    rng = g.rng
    statuses = data["order_statuses"]
    weights = {s["id"]: _STATUS_WEIGHTS.get(s["id"], 3) for s in statuses}
    partial_ids = [s["id"] for s in statuses if s["is_partially_shipped"]]
    quote_ids = {s["id"] for s in statuses if s["is_quote_status"]}
    shipped_ids = {s["id"] for s in statuses if s["is_shipped"]}
    status_ids, status_w = list(weights), list(weights.values())
    products = data["products"]
    shippable = [p for p in products if not p["is_non_shipping_item"] and not p["is_kit"]]
    nonship = [p for p in products if p["is_non_shipping_item"]]
    kits = [p for p in products if p["is_kit"]]
    vi_by_product: dict[int, list[Doc]] = {}
    for vi in data["variant_inventory"]:
        vi_by_product.setdefault(vi["product_id"], []).append(vi)
    variant_by_id = {v["id"]: v for v in data["product_variants"]}
    services = data["shipping_provider_services"]
    customers = data["customers"]
    orders: list[Doc] = []
    items: list[Doc] = []
    addresses: list[Doc] = []
    payments: list[Doc] = []
    shipments: list[Doc] = []
    window = WINDOW_DAYS * TICKS_PER_DAY
    created_all = sorted(g.now - rng.randrange(window) for _ in range(count))
    for created_raw in created_all:
        oid = g.next_id("orders", FIRST_ORDER_ID)
        customer = rng.choice(customers)
        status_id = rng.choices(status_ids, status_w)[0]
        created, created_s = g.stamp(created_raw)
        ship_addr = _address(g, customer, created_s, "Shipping")
        addresses.append(ship_addr)
        bill_id = ship_addr["id"]
        if rng.random() < 0.4:
            bill = _address(g, customer, created_s, "Billing")
            addresses.append(bill)
            bill_id = bill["id"]
        service = rng.choice(services)
        lines = _order_lines(g, oid, created_s, ship_addr["id"], shippable, nonship, kits,
                             vi_by_product, variant_by_id)
        coupon = ""
        if rng.random() < 0.1:
            coupon = rng.choice(cat.COUPONS)
            lines.append(_line(g, oid, created_s, ship_addr["id"], None, f"Coupon: {coupon}",
                               "", -round(rng.uniform(2, 15), 2), 1, is_discount=True))
        items.extend(lines)
        subtotal = round(sum(i["price"] * i["quantity"] for i in lines
                             if not i["is_discount_item"]), 2)
        discount = round(-sum(i["price"] * i["quantity"] for i in lines
                              if i["is_discount_item"]), 2)
        shipping = (0.0 if all(i["is_non_shipping_item"] for i in lines)
                    else round(rng.uniform(5, 25), 2))
        tax = round(subtotal * 0.0825, 2)
        updated = created + int(rng.expovariate(1 / 1.5) * TICKS_PER_DAY)
        if updated > g.now:  # spread, not clamp: a real store has no pile of orders at 'now'
            updated = created + int(rng.random() * (g.now - created))
        changed = created + (updated - created) // 2
        prev_status = 1 if status_id != 1 else None
        is_gift = rng.random() < 0.06
        order = {
            "id": oid, "order_number": "", "customer_id": customer["id"], "customer_type_id": 0,
            "store_id": customer["store_id"], "order_status_id": status_id,
            "previous_order_status_id": prev_status,
            "order_status_last_changed_at": g.ts(changed if prev_status else created),
            "ordered_at": created_s, "created_at": created_s, "updated_at": g.ts(updated),
            "order_type": "Quote" if status_id in quote_ids else "Order",
            "subtotal": subtotal, "tax_total": tax, "shipping_total": shipping,
            "discount_total": discount, "handling_total": 0, "additional_fees": 0,
            "grand_total": round(subtotal - discount + tax + shipping, 2),
            "cost_total": round(sum(i["cost"] * i["quantity"] for i in lines), 2),
            "coupon_code": coupon, "selected_shipping_method": service["name"],
            "selected_shipping_provider_service": service["identifier"],
            "shipping_selections": [{"classification_code": "", "shipping_provider":
                                     service["shipping_provider_code"],
                                     "shipping_method": service["name"]}],
            "special_instructions": rng.choice(cat.NOTES) if rng.random() < 0.15 else "",
            "instructions": "",
            "public_comments": rng.choice(cat.NOTES) if rng.random() < 0.05 else "",
            "admin_comments": rng.choice(cat.ADMIN_NOTES) if rng.random() < 0.12 else "",
            "is_gift": is_gift, "gift_message": rng.choice(cat.GIFT_MESSAGES) if is_gift else "",
            "order_shipping_address_id": ship_addr["id"], "order_billing_address_id": bill_id,
            "channel": "Online", "device": rng.choice(["Desktop", "Mobile", "Tablet"]),
            "entered_by": "", "entered_by_type": "", "source": "", "source_group": "",
            "ip_address": f"203.0.113.{rng.randint(1, 254)}", "due_date": None,
            "custom_fields": [{"name": "Gift Wrap", "value": "Yes"}] if is_gift else [],
        }
        orders.append(order)
        if status_id not in quote_ids:
            payments.append(_payment(g, order, customer, status_id, statuses))
        if status_id in shipped_ids:
            _ship(g, order, lines, services, shipments, 1.0)
        elif status_id in partial_ids or (status_id == 2 and rng.random() < 0.08):
            _ship(g, order, lines, services, shipments, 0.5)
    for customer in customers:
        del customer["_region"], customer["_city"]
    for row in data["product_variants"]:
        del row["_label"]
    for row in data["variant_inventory"]:
        del row["_variant_ids"]
    data.update(orders=orders, order_items=items, order_addresses=addresses,
                order_payments=payments, order_shipments=shipments)


def _line(g: Gen, oid: int, stamp: str, addr_id: int, product: Doc | None, name: str, sku: str,
          price: float, qty: int, *, is_discount: bool = False, vi: Doc | None = None,
          variants: list[Doc] | None = None, parent: int | None = None) -> Doc:
    nonship = bool(product and product["is_non_shipping_item"])
    return {
        "id": g.next_id("order_items"), "order_id": oid,
        "product_id": product["id"] if product else None,
        "item_number": sku, "item_number_full": vi["item_number"] if vi else sku,
        "item_name": name, "description": "", "quantity": qty, "price": price,
        "cost": product["cost"] if product else 0,
        # Discount lines are not flagged non-shipping: a client must check both flags.
        "weight": product["weight"] if product else 0, "weight_unit": "Lbs",
        "height": None, "length": None, "width": None, "size_unit": "In",
        "is_non_shipping_item": nonship, "is_discount_item": is_discount,
        "is_taxable": not is_discount,
        "variants": variants or [], "personalizations": [],
        "variant_inventory_id": vi["id"] if vi else None,
        "parent_order_item_id": parent, "is_quantity_bound_to_parent": parent is not None,
        "warehouse_id": 1, "gift_message": "", "line_item_note": "", "admin_comments": "",
        "order_shipping_address_id": addr_id, "discount_amount": 0, "tax": 0, "status": "",
        "created_at": stamp, "updated_at": stamp}


def _product_line(g: Gen, oid: int, stamp: str, addr_id: int, product: Doc, qty: int,
                  vi_by_product: dict[int, list[Doc]], variant_by_id: dict[int, Doc],
                  parent: int | None = None) -> Doc:
    vi = None
    variants: list[Doc] = []
    if product["id"] in vi_by_product:
        vi = g.rng.choice(vi_by_product[product["id"]])
        for vid in vi["_variant_ids"]:
            v = variant_by_id[vid]
            variants.append({"id": vid, "description": f"{v['_label']}: {v['description']}",
                             "variant_group_id": v["variant_group_id"]})
    price = 0.0 if parent else product["price"]
    line = _line(g, oid, stamp, addr_id, product, product["item_name"], product["item_number"],
                 price, qty, vi=vi, variants=variants, parent=parent)
    if product["item_number"].startswith("MUG") and g.rng.random() < 0.4:
        line["personalizations"] = [{"id": 1, "answer": g.rng.choice(["Happy Camper", "Ольга",
                                                                      "<b>Bold</b> & brave"])}]
    if g.rng.random() < 0.04:
        line["line_item_note"] = g.rng.choice(cat.NOTES)
    return line


def _order_lines(g: Gen, oid: int, stamp: str, addr_id: int, shippable: list[Doc],
                 nonship: list[Doc], kits: list[Doc], vi_by_product: dict[int, list[Doc]],
                 variant_by_id: dict[int, Doc]) -> list[Doc]:
    rng = g.rng
    roll = rng.random()
    args = (vi_by_product, variant_by_id)
    if roll < 0.03:  # every line non-shipping (gift cards, downloads)
        picks = rng.sample(nonship, min(len(nonship), rng.randint(1, 2)))
        return [_product_line(g, oid, stamp, addr_id, p, 1, *args) for p in picks]
    n_lines = rng.choices([1, 2, 3, 4, 6], [40, 30, 15, 10, 5])[0]
    lines = [_product_line(g, oid, stamp, addr_id, p,
                           rng.choices([1, 2, 3, 5, 12], [60, 20, 10, 6, 4])[0], *args)
             for p in rng.sample(shippable, min(n_lines, len(shippable)))]
    if roll < 0.08 and nonship:
        lines.append(_product_line(g, oid, stamp, addr_id, rng.choice(nonship), 1, *args))
    if 0.08 <= roll < 0.12 and kits:
        qty = rng.randint(1, 2)
        kit = _product_line(g, oid, stamp, addr_id, rng.choice(kits), qty, *args)
        lines.append(kit)
        for child in rng.sample(shippable, 3):
            lines.append(_product_line(g, oid, stamp, addr_id, child, qty * rng.randint(1, 2),
                                       *args, parent=kit["id"]))
    return lines


def _payment(g: Gen, order: Doc, customer: Doc, status_id: int, statuses: list[Doc]) -> Doc:
    rng = g.rng
    status = next(s for s in statuses if s["id"] == status_id)
    declined = status["is_declined"]
    awaiting = status["name"] == "Awaiting Payment"
    card = rng.choice(["Visa", "MasterCard", "American Express", "Discover"])
    return {
        "id": g.next_id("order_payments"), "order_id": order["id"], "customer_id": customer["id"],
        "customer_payment_method_id": 0, "payment_method_id": 1, "payment_type": "CreditCard",
        "payment_method_name": "Credit Card", "card_type": card,
        "last_four": f"{rng.randint(0, 9999):04d}",
        "card_expiration_month": rng.randint(1, 12),
        "card_expiration_year": 2027 + rng.randint(0, 4),
        "cardholder_name": f"{customer['first_name']} {customer['last_name']}",
        "amount": order["grand_total"], "is_approved": not (declined or awaiting),
        "is_declined": declined, "is_captured": not (declined or awaiting), "is_void": False,
        "paid_at": None if awaiting or declined else order["created_at"],
        "approved_at": None if awaiting or declined else order["created_at"],
        "authorization_code": "" if declined else f"{rng.randint(0, 999999):06d}",
        "reject_reason": "Insufficient funds" if declined else "", "avs_code": "Y",
        "transaction_type": "Sale", "payment_note": "", "transaction_id": f"T{order['id']}",
        "created_at": order["created_at"], "updated_at": order["created_at"]}


def _ship(g: Gen, order: Doc, lines: list[Doc], services: list[Doc], out: list[Doc],
          share: float) -> None:
    """Shipments made by "another tool": all shippable units (share 1.0) or about half."""
    rng = g.rng
    units = [(line, line["quantity"] if share >= 1 else max(1, line["quantity"] // 2))
             for line in lines if not line["is_non_shipping_item"] and not line["is_discount_item"]]
    if share < 1:
        units = units[: max(1, len(units) // 2)] if len(units) > 1 else units
        if len(units) == 1 and units[0][0]["quantity"] == units[0][1]:
            if units[0][1] == 1:
                return  # one unit only: cannot ship part of it
            units = [(units[0][0], units[0][1] - 1)]
    if not units:
        return
    service = rng.choice(services)
    shipped = order["updated_at"]
    cost = f"{rng.uniform(4, 40):.2f}" if rng.random() < 0.9 else ""
    out.append({
        "id": g.next_id("order_shipments"), "order_id": order["id"],
        "shipment_name": str(rng.randint(1, 3)), "shipped_at": shipped,
        "tracking_numbers": f"1Z{rng.randint(10**15, 10**16 - 1)}", "tracking_url": "",
        "shipping_provider_name": service["shipping_provider_code"],
        "shipping_method": service["name"], "shipping_method_id": service["id"],
        "shipping_method_type": "provider", "number_of_packages": 1,
        "total_weight": round(sum(line["weight"] * q for line, q in units), 2),
        "provider_base_shipping_cost": cost, "provider_insurance_cost": 0,
        "provider_handling_cost": 0, "provider_other_charges": 0,
        "provider_total_shipping_cost": float(cost) if cost else 0, "email_sent": True,
        "private_comment": "Shipped with ShipStation", "shipping_comment": "",
        "created_at": shipped, "updated_at": shipped,
        "items": [{"id": line["id"], "quantity_shipped": q, "product_id": line["product_id"],
                   "item_name": line["item_name"], "item_nr": line["item_number_full"]}
                  for line, q in units]})
