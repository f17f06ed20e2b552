"""Listings: which store product or variant each catalog row is (linking), and the guard rail
for a quantity run that looks like a truncated supplier file.

Linking (the Flxpoint seed's rule): by SKU, then by UPC/GTIN, never by title. A code that two
store items share, or a store item that two catalog rows reach, is ambiguous and never linked
automatically: a wrong link would send one item's stock to another. A link made by hand wins
over both rules; an unlink by hand keeps the row unlinked until it is linked by hand again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.catalog import ProductInfo, normalize_code


class LinkState(StrEnum):
    LINKED = "linked"
    NOT_IN_STORE = "not_in_store"  # a catalog row no store item matches
    ONLY_IN_STORE = "only_in_store"  # a store item no catalog row matches
    AMBIGUOUS = "ambiguous"
    UNLINKED = "unlinked"  # unlinked by hand: never linked again automatically


@dataclass(frozen=True, order=True)
class StoreItem:
    """A store product (variant_inventory_id None) or one of its variants."""

    product_id: int
    variant_inventory_id: int | None = None
    sku: str = ""
    gtin: str = ""
    title: str = ""

    @property
    def target(self) -> tuple[int, int | None]:
        return (self.product_id, self.variant_inventory_id)


def store_items(products: Iterable[ProductInfo]) -> list[StoreItem]:
    items = []
    for p in products:
        items.append(StoreItem(p.product_id, None, p.sku, p.gtin, p.name))
        items.extend(StoreItem(p.product_id, v.variant_inventory_id, v.sku, v.gtin,
                               v.description or p.name) for v in p.variants)
    return items


@dataclass(frozen=True)
class ManualLink:
    """A link or unlink made by hand: target None = unlinked by hand."""

    key: str  # the catalog row's normalized SKU
    target: tuple[int, int | None] | None


@dataclass(frozen=True)
class RowLink:
    key: str  # the catalog row's normalized SKU
    state: LinkState
    how: str = ""  # sku | gtin | hand ("" when not linked)
    item: StoreItem | None = None
    candidates: tuple[StoreItem, ...] = ()  # for ambiguous rows: what it could be
    reason: str = ""


@dataclass(frozen=True)
class LinkReport:
    rows: list[RowLink]
    only_in_store: list[StoreItem]

    def counts(self) -> dict[str, int]:
        counts = {state.value: 0 for state in LinkState}
        for link in self.rows:
            counts[link.state.value] += 1
        counts[LinkState.ONLY_IN_STORE.value] = len(self.only_in_store)
        return counts


def _index(items: Sequence[StoreItem],
           code_of: Callable[[StoreItem], str]) -> dict[str, list[StoreItem]]:
    index: dict[str, list[StoreItem]] = {}
    for item in items:
        code = normalize_code(code_of(item))
        if code:
            index.setdefault(code, []).append(item)
    return index


def link(rows: Iterable[tuple[str, str]], items: Sequence[StoreItem],
         manual: Mapping[str, ManualLink] | None = None) -> LinkReport:
    """Link catalog rows, given as (sku, gtin), to store items. Linear in rows + items."""
    manual = manual or {}
    by_sku = _index(items, lambda i: i.sku)
    by_gtin = _index(items, lambda i: i.gtin)
    by_target = {item.target: item for item in items}
    found: list[RowLink] = []
    for sku, gtin in rows:
        key = normalize_code(sku)
        hand = manual.get(key)
        if hand is not None:
            item = by_target.get(hand.target) if hand.target else None
            if hand.target is None:
                found.append(RowLink(key, LinkState.UNLINKED, reason="unlinked by hand"))
            elif item is None:
                found.append(RowLink(key, LinkState.NOT_IN_STORE, reason="linked by hand to "
                                     "an item the store no longer has"))
            else:
                found.append(RowLink(key, LinkState.LINKED, "hand", item))
            continue
        found.append(_match(key, sku, gtin, by_sku, by_gtin))
    # One store item reached by several rows (a shared GTIN): none of them is linked.
    reached: dict[tuple[int, int | None], int] = {}
    for row in found:
        if row.item is not None and row.state is LinkState.LINKED:
            reached[row.item.target] = reached.get(row.item.target, 0) + 1
    result = []
    for row in found:
        if row.item is not None and row.how != "hand" and reached[row.item.target] > 1:
            row = RowLink(row.key, LinkState.AMBIGUOUS, candidates=(row.item,),
                          reason=f"the store item is matched by {reached[row.item.target]} "
                                 "catalog rows")
        result.append(row)
    return LinkReport(result, _only_in_store(items, result))


def _match(key: str, sku: str, gtin: str, by_sku: Mapping[str, list[StoreItem]],
           by_gtin: Mapping[str, list[StoreItem]]) -> RowLink:
    for how, code, index in (("sku", key, by_sku), ("gtin", normalize_code(gtin), by_gtin)):
        if not code:
            continue
        candidates = index.get(code, [])
        if len(candidates) == 1:
            return RowLink(key, LinkState.LINKED, how, candidates[0])
        if candidates:
            return RowLink(key, LinkState.AMBIGUOUS, candidates=tuple(sorted(candidates)),
                           reason=f"{len(candidates)} store items have {how.upper()} {code}")
    return RowLink(key, LinkState.NOT_IN_STORE)


def _only_in_store(items: Sequence[StoreItem], rows: Sequence[RowLink]) -> list[StoreItem]:
    """Store items no row is linked to; a product with variants counts by its variants (its
    own row is the variants' parent, not an item to sell on its own)."""
    linked = {row.item.target for row in rows if row.item is not None
              and row.state is LinkState.LINKED}
    linked_products = {product for product, _ in linked}
    with_variants = {i.product_id for i in items if i.variant_inventory_id is not None}
    return [item for item in items if item.target not in linked
            and not (item.variant_inventory_id is None and (
                item.product_id in with_variants or item.product_id in linked_products))]


# --- guard rail -------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuantityGuard:
    """A run stops and asks when at least `min_items` items, and more than `items_share` of
    those it changes, would go to zero or drop by more than `cut_share` (a truncated or wrong
    supplier file looks like this; real sales rarely do)."""

    cut_share: float = 0.5
    items_share: float = 0.2
    min_items: int = 10

    def check(self, changes: Iterable[tuple[str, int | None, int]]) -> GuardVerdict:
        """`changes`: (sku, store quantity now, quantity to send) per item."""
        total = 0
        cut: list[str] = []
        for sku, before, after in changes:
            total += 1
            if before is None or before <= 0 or after >= before:
                continue
            if after == 0 or (before - after) / before > self.cut_share:
                cut.append(sku)
        stop = len(cut) >= self.min_items and len(cut) > self.items_share * total
        message = ""
        if stop:
            message = (f"{len(cut):,} of {total:,} items would go to zero or lose more than "
                       f"{self.cut_share:.0%} of their stock. Is the supplier file complete? "
                       "Nothing was sent; confirm to send anyway.")
        return GuardVerdict(stop, tuple(cut), total, message)


@dataclass(frozen=True)
class GuardVerdict:
    stop: bool
    cut: tuple[str, ...]
    total: int
    message: str = ""
