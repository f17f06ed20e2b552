"""Listings: links between catalog rows and the store's products and variants, per connection,
and the store's side as cached at the station."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, delete, insert, select

from app.clock import Clock, utc_now
from app.db.core import LISTING_LINKS, PRODUCTS
from app.db.engine import Database
from app.db.repositories._bulk import bulk_insert
from app.domain.catalog import normalize_code
from app.domain.listings import ManualLink, StoreItem

AUTOMATIC = ("sku", "gtin")
BY_HAND = ("hand", "unlinked")


@dataclass(frozen=True)
class SavedLink:
    sku_key: str
    product_id: int | None
    variant_inventory_id: int | None
    how: str  # sku | gtin | hand | unlinked
    linked_at: datetime


class ListingRepository:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def store_items(self, connection_id: int) -> list[StoreItem]:
        """Every cached store product and variant of a connection (products are cached as
        orders name them, and by the product refresh)."""
        with self._db.read() as session:
            rows = session.execute(select(
                PRODUCTS.c.product_id, PRODUCTS.c.sku, PRODUCTS.c.gtin, PRODUCTS.c.name,
                PRODUCTS.c.variants).where(PRODUCTS.c.connection_id == connection_id)
                .order_by(PRODUCTS.c.product_id))
            items: list[StoreItem] = []
            for r in rows:
                items.append(StoreItem(r.product_id, None, r.sku, r.gtin, r.name))
                items.extend(StoreItem(r.product_id, v.get("variant_inventory_id"),
                                       v.get("sku", ""), v.get("gtin", ""),
                                       v.get("description") or r.name)
                             for v in r.variants or ())
            return items

    def links(self, connection_id: int, source_id: int) -> list[SavedLink]:
        with self._db.read() as session:
            return [SavedLink(r.sku_key, r.product_id, r.variant_inventory_id, r.how,
                              r.linked_at)
                    for r in session.execute(select(LISTING_LINKS).where(
                        LISTING_LINKS.c.connection_id == connection_id,
                        LISTING_LINKS.c.source_id == source_id).order_by(
                        LISTING_LINKS.c.sku_key))]

    def manual_links(self, connection_id: int, source_id: int) -> dict[str, ManualLink]:
        return {link.sku_key: ManualLink(link.sku_key, None if link.how == "unlinked" else
                                         (link.product_id or 0, link.variant_inventory_id))
                for link in self.links(connection_id, source_id) if link.how in BY_HAND}

    def save_automatic(self, connection_id: int, source_id: int,
                       links: Iterable[tuple[str, int, int | None, str]]) -> int:
        """Replace the automatic links with `links` (sku_key, product_id, variant id, how),
        in one transaction; links made by hand stay. Returns how many were saved."""
        now = self._clock()
        values = [{"connection_id": connection_id, "source_id": source_id, "sku_key": key,
                   "product_id": product_id, "variant_inventory_id": variant_id, "how": how,
                   "linked_at": now} for key, product_id, variant_id, how in links]
        with self._db.write() as session:
            session.execute(delete(LISTING_LINKS).where(
                LISTING_LINKS.c.connection_id == connection_id,
                LISTING_LINKS.c.source_id == source_id, LISTING_LINKS.c.how.in_(AUTOMATIC)))
            if values:
                bulk_insert(session, LISTING_LINKS, values)
        return len(values)

    def set_by_hand(self, connection_id: int, source_id: int, sku: str,
                    target: tuple[int, int | None] | None) -> SavedLink:
        """Link (target) or unlink (None) one catalog row by hand; replaces any link it had."""
        now = self._clock()
        key = normalize_code(sku)
        product_id, variant_id = target if target is not None else (None, None)
        how = "hand" if target is not None else "unlinked"
        with self._db.write() as session:
            # Delete + insert rather than an upsert: portable SQL, one transaction all the same.
            session.execute(delete(LISTING_LINKS).where(
                LISTING_LINKS.c.connection_id == connection_id,
                LISTING_LINKS.c.source_id == source_id, LISTING_LINKS.c.sku_key == key))
            session.execute(insert(LISTING_LINKS).values(
                connection_id=connection_id, source_id=source_id, sku_key=key,
                product_id=product_id, variant_inventory_id=variant_id, how=how,
                linked_at=now))
        return SavedLink(key, product_id, variant_id, how, now)

    def forget_by_hand(self, connection_id: int, source_id: int, sku: str) -> bool:
        """Drop a link or unlink made by hand: the row links automatically again."""
        with self._db.write() as session:
            return bool(cast(CursorResult, session.execute(delete(LISTING_LINKS).where(
                LISTING_LINKS.c.connection_id == connection_id,
                LISTING_LINKS.c.source_id == source_id,
                LISTING_LINKS.c.sku_key == normalize_code(sku),
                LISTING_LINKS.c.how.in_(BY_HAND)))).rowcount)
