"""Prices and differences for listing sync: what to send to the store, and only that.

AmeriCommerce has no absolute price per variant. A product has a base `price`; each variant
option (a `product_variants` entry such as "Color: Red") has a `price_adjustment`; a variant
(a `variant_inventory` combination such as Red + Large) sells at

    base price + the sum of the adjustments of its options.

A catalog gives one price per SKU, so PackDesk maps it this way (price_plan):
- base price = the catalog price of the product's own SKU when the catalog has one, else the
  lowest price among its variants;
- the cheapest variant is the reference; the adjustment of each option it has is 0, except
  that its first option takes (its price - base price) so that the reference sells at its price;
- any other option value's adjustment = the price of the variant that differs from the
  reference by that option only, minus the reference's price.
The plan is refused (PriceMappingError, naming the SKUs) when the prices are not additive in
that way (e.g. Red/S 10, Red/L 12, Blue/S 11, Blue/L 14: Blue/L would have to be 13), when a
variant needed to price an option has no price, or when the product's variants are priced
only in part. Nothing of a refused product is sent.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Option = tuple[str, str]  # (name, value): ("Color", "Red")


class PriceMappingError(ValueError):
    """The catalog's prices for one product cannot be expressed as base price plus
    per-option adjustments."""


@dataclass(frozen=True)
class PricedVariant:
    sku: str
    options: tuple[Option, ...]
    price: Decimal | None


@dataclass(frozen=True)
class PricePlan:
    base_price: Decimal
    adjustments: Mapping[Option, Decimal] = field(default_factory=dict)

    def price_of(self, options: Sequence[Option]) -> Decimal:
        return self.base_price + sum((self.adjustments.get(o, Decimal(0)) for o in options),
                                     Decimal(0))


def price_plan(variants: Sequence[PricedVariant], product_price: Decimal | None = None
               ) -> PricePlan:
    """Base price and option adjustments that give every variant its catalog price (see the
    module docstring for the rule); raises PriceMappingError when that cannot be."""
    priced = [v for v in variants if v.price is not None]
    if not priced:
        if product_price is None:
            raise PriceMappingError("no price for the product or any of its variants")
        return PricePlan(product_price)
    unpriced = [v.sku for v in variants if v.price is None]
    if unpriced:
        raise PriceMappingError(f"variants {', '.join(unpriced)} have no price while others "
                                "do; price all of them or none")
    for v in priced:
        names = [name for name, _ in v.options]
        if len(set(names)) != len(names):
            raise PriceMappingError(f"variant {v.sku} has option {names} more than once")
    reference = min(priced, key=lambda v: (v.price, v.sku))
    assert reference.price is not None
    base = product_price if product_price is not None else reference.price
    if not reference.options:
        if len(priced) > 1 or reference.price != base:
            raise PriceMappingError(f"variant {reference.sku} has no options to carry its "
                                    "price")
        return PricePlan(base)
    adjustments: dict[Option, Decimal] = {o: Decimal(0) for o in reference.options}
    adjustments[reference.options[0]] = reference.price - base
    by_options = {frozenset(v.options): v for v in priced}
    ref_options = dict(reference.options)
    for v in priced:
        for option in v.options:
            if option in adjustments:
                continue
            name, _ = option
            if name not in ref_options:
                raise PriceMappingError(f"variant {v.sku} has option {name}, which variant "
                                        f"{reference.sku} lacks")
            neighbour = frozenset({**ref_options, name: option[1]}.items())
            other = by_options.get(neighbour)
            if other is None:
                raise PriceMappingError(
                    f"no variant differs from {reference.sku} by {name} = {option[1]} only, "
                    f"so its price adjustment is unknown (variant {v.sku})")
            assert other.price is not None
            adjustments[option] = (adjustments[(name, ref_options[name])]
                                   + other.price - reference.price)
    plan = PricePlan(base, adjustments)
    wrong = [v.sku for v in priced if plan.price_of(v.options) != v.price]
    if wrong:
        raise PriceMappingError(f"prices of {', '.join(wrong[:10])} are not the base price plus "
                                "one adjustment per option (the store has no other way to "
                                "price a variant)")
    return plan


# --- differences ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": _plain(self.before), "after": _plain(self.after)}


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _same(before: Any, after: Any) -> bool:
    if isinstance(after, Decimal) or isinstance(before, Decimal):
        try:
            return Decimal(str(before)).quantize(Decimal("0.0001")) == \
                Decimal(str(after)).quantize(Decimal("0.0001"))
        except ArithmeticError:
            return False
    if isinstance(after, str) or isinstance(before, str):
        return (before or "") == (after or "")
    return bool(before == after)


def diff(catalog: Mapping[str, Any], store: Mapping[str, Any]) -> list[FieldChange]:
    """The catalog's values that differ from the store's current ones: only these are sent.
    A catalog value of None means "the file does not say" and is never a change."""
    return [FieldChange(name, store.get(name), value) for name, value in catalog.items()
            if value is not None and not _same(store.get(name), value)]
