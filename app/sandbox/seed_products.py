"""The seeded catalogue: products, variants, bins, GTINs and dimensions (see data.py)."""
from __future__ import annotations

import random

from . import catalogue as cat
from .clock import TICKS_PER_DAY
from .seed import Dataset, Doc, Gen

BIN_FIELD = "ShipStationWarehouseLocation"


def gtin_check_digit(body: str) -> str:
    """GS1 check digit: weights 3,1,3,... from the right of the body."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def _bin(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.07:
        return None  # no custom field at all
    if roll < 0.09:
        return ""  # field present, empty
    zone = rng.choice("ABCDEF")
    if rng.random() < 0.5:
        return f"{zone}-{rng.randint(1, 20)}"
    return f"{zone}-{rng.randint(1, 20)}-{rng.randint(1, 5)}"


def _gtin(rng: random.Random) -> str:
    if rng.random() < 0.06:
        return ""
    body = "".join(rng.choice("0123456789") for _ in range(11 if rng.random() < 0.7 else 12))
    return body + gtin_check_digit(body)


def _dim(rng: random.Random) -> str:
    # Dimensions are strings on products, sometimes empty (real store data).
    return "" if rng.random() < 0.25 else f"{rng.randint(2, 30)}"


def catalogue(g: Gen, data: Dataset, count: int) -> None:
    rng = g.rng
    products: list[Doc] = []
    pictures: list[Doc] = []
    variants: list[Doc] = []
    inventory: list[Doc] = []
    families = cat.PRODUCT_FAMILIES
    for n in range(count):
        base, name, kind, price, weight = families[n % len(families)]
        pid = g.next_id("products")
        sku = f"{base}-{1000 + pid}"
        created = g.days_ago(90, 400)
        updated = created + int(rng.uniform(0, 30) * TICKS_PER_DAY)
        nonship = kind == "nonship"
        color = cat.COLORS[n % len(cat.COLORS)][0]
        product: Doc = {
            "id": pid, "item_number": sku, "item_name": f"{name} #{pid}" if n >= len(families)
            else name, "manufacturer_id": 0, "manufacturer_part_number":
            "" if rng.random() < 0.1 else f"MPN-{base}{rng.randint(10000, 99999)}",
            "gtin": "" if nonship or kind == "kit" else _gtin(rng),
            "primary_category_id": cat.CATEGORY_BY_KIND[kind], "product_status_id": 1,
            "short_description": f"{color} {name.lower()}", "height": "" if nonship else _dim(rng),
            "length": "" if nonship else _dim(rng), "width": "" if nonship else _dim(rng),
            "size_unit": "In", "weight": round(weight * rng.uniform(0.8, 1.2), 2),
            "weight_unit": "Lbs", "cost": round(price * 0.45, 2),
            "price": round(price * rng.uniform(0.9, 1.3), 2), "retail": round(price * 1.4, 2),
            "quantity_on_hand": rng.randint(0, 250), "use_variant_inventory": kind in
            ("apparel", "colored"), "is_non_shipping_item": nonship, "is_kit": kind == "kit",
            "warehouse_id": 1, "pack_slip_sort_order": rng.randint(0, 50),
            "e_product_type": "Download" if base == "DL" else "", "is_hidden": 0,
            "created_at": g.ts(created), "updated_at": g.ts(min(updated, g.now)),
            "custom_fields": [], "categories": [],
        }
        location = None if nonship else _bin(rng)
        if location is not None:
            product["custom_fields"].append({"name": BIN_FIELD, "value": location})
        if rng.random() < 0.3:
            product["custom_fields"].append({"name": "Country of Origin", "value": "USA"})
        cid = cat.CATEGORY_BY_KIND[kind]
        product["categories"].append({"id": cid, "name": dict(cat.CATEGORIES)[cid],
                                      "parent_category_id": None})
        for p in range(1 if rng.random() < 0.7 else 2):
            pic_id = g.next_id("product_pictures")
            pictures.append({
                "id": pic_id, "product_id": pid, "image_file": f"/images/products/{pid}-{p}.png",
                "thumbnail_file": f"/images/products/{pid}-{p}.png?size=64",
                "alt": product["item_name"], "description": "", "is_primary": p == 0,
                "is_hidden": False, "sort_order": p, "created_at": product["created_at"],
                "updated_at": product["created_at"]})
        if kind in ("apparel", "colored"):
            groups = [(cat.COLOR_GROUP, "Color", rng.sample(cat.COLORS, 3))]
            if kind == "apparel":
                groups.append((cat.SIZE_GROUP, "Size", cat.SIZES[: rng.randint(2, 4)]))
            _variants(g, product, groups, variants, inventory)
        products.append(product)
    data.update(products=products, product_pictures=pictures, product_variants=variants,
                variant_inventory=inventory)


def _variants(g: Gen, product: Doc, groups: list[tuple[int, str, list[tuple[str, str]]]],
              variants: list[Doc], inventory: list[Doc]) -> None:
    """Product variants per group plus one variant_inventory row per combination."""
    per_group: list[list[Doc]] = []
    for group_id, label, options in groups:
        rows = []
        for sort, (desc, ext) in enumerate(options):
            row = {"id": g.next_id("product_variants"), "product_id": product["id"],
                   "variant_group_id": group_id, "description": desc, "price_adjustment": 0,
                   "price_adjustment_type": "Amount", "sort_order": sort,
                   "item_number_extension": f"-{ext}", "item_number_sort_order": sort,
                   "is_hidden": False, "weight": 0, "weight_type": "Amount",
                   "is_default_selection": sort == 0, "created_at": product["created_at"],
                   "updated_at": product["created_at"], "_label": label}
            rows.append(row)
            variants.append(row)
        per_group.append(rows)
    combos: list[list[Doc]] = [[]]
    for rows in per_group:
        combos = [c + [r] for c in combos for r in rows]
    for combo in combos:
        inventory.append({
            "id": g.next_id("variant_inventory"), "product_id": product["id"],
            "inventory": g.rng.randint(0, 80),
            "item_number": product["item_number"]
            + "".join(v["item_number_extension"] for v in combo),
            "manufacturer_item_number": "", "gtin": _gtin(g.rng), "weight": product["weight"],
            "product_status_id": 1, "low_stock_warning_at": 5, "low_stock_warning_enabled": False,
            "description": ", ".join(f"{v['_label']}: {v['description']}" for v in combo),
            "variant_inventory_image": "", "height": None, "length": None, "width": None,
            "retail": product["retail"], "created_at": product["created_at"],
            "updated_at": product["created_at"], "_variant_ids": [v["id"] for v in combo]})
