"""Cached products: bins, images and scannable codes for order lines."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select

from app.clock import Clock, utc_now
from app.db.core import CODES, PRODUCTS
from app.db.engine import Database
from app.domain.catalog import ProductInfo, VariantInfo, normalize_code


@dataclass(frozen=True)
class CodeMatch:
    product_id: int
    variant_inventory_id: int | None
    kind: str


class CatalogRepository:
    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def ids_to_refresh(self, connection_id: int, product_ids: Iterable[int],
                       max_age: timedelta) -> list[int]:
        """Products not cached yet, or cached longer ago than max_age."""
        wanted = sorted(set(product_ids))
        if not wanted:
            return []
        cutoff = self._clock() - max_age
        with self._db.read() as session:
            fresh: set[int] = set(session.execute(select(PRODUCTS.c.product_id).where(
                PRODUCTS.c.connection_id == connection_id,
                PRODUCTS.c.product_id.in_(wanted),
                PRODUCTS.c.refreshed_at >= cutoff)).scalars())
        return [pid for pid in wanted if pid not in fresh]

    def save(self, connection_id: int, products: Sequence[ProductInfo]) -> None:
        if not products:
            return
        now = self._clock()
        ids = [p.product_id for p in products]
        with self._db.write() as session:
            session.execute(delete(PRODUCTS).where(PRODUCTS.c.connection_id == connection_id,
                                                   PRODUCTS.c.product_id.in_(ids)))
            session.execute(delete(CODES).where(CODES.c.connection_id == connection_id,
                                                CODES.c.product_id.in_(ids)))
            session.execute(insert(PRODUCTS), [{
                "connection_id": connection_id, "product_id": p.product_id, "sku": p.sku,
                "name": p.name, "gtin": p.gtin, "mpn": p.mpn, "weight": p.weight,
                "weight_unit": p.weight_unit, "bin": p.bin, "image_url": p.image_url,
                "is_non_shipping": p.is_non_shipping,
                "variants": [vars(v) for v in p.variants], "refreshed_at": now,
            } for p in products])
            codes = [{"connection_id": connection_id, "product_id": p.product_id,
                      "variant_inventory_id": vid, "code": code, "kind": kind}
                     for p in products for code, kind, vid in p.codes()]
            if codes:
                session.execute(insert(CODES), codes)

    def products(self, connection_id: int, product_ids: Iterable[int]) -> dict[int, ProductInfo]:
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        with self._db.read() as session:
            rows = session.execute(select(PRODUCTS).where(
                PRODUCTS.c.connection_id == connection_id, PRODUCTS.c.product_id.in_(ids)))
            return {r.product_id: ProductInfo(
                product_id=r.product_id, sku=r.sku, name=r.name, gtin=r.gtin, mpn=r.mpn,
                weight=r.weight, weight_unit=r.weight_unit, bin=r.bin, image_url=r.image_url,
                is_non_shipping=r.is_non_shipping,
                variants=tuple(VariantInfo(**v) for v in r.variants or []))
                for r in rows}

    def find_code(self, connection_id: int, code: str) -> list[CodeMatch]:
        with self._db.read() as session:
            rows = session.execute(select(CODES.c.product_id, CODES.c.variant_inventory_id,
                                          CODES.c.kind).where(
                CODES.c.connection_id == connection_id, CODES.c.code == normalize_code(code)))
            return [CodeMatch(r.product_id, r.variant_inventory_id, r.kind) for r in rows]
