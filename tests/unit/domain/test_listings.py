"""Linking catalog rows to store items, the quantity guard rail, price mapping and the diff."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.domain.catalog import ProductInfo, VariantInfo
from app.domain.listing_prices import (
    FieldChange,
    PricedVariant,
    PriceMappingError,
    diff,
    price_plan,
)
from app.domain.listings import (
    LinkState,
    ManualLink,
    QuantityGuard,
    StoreItem,
    link,
    store_items,
)

ITEMS = [
    StoreItem(1, None, "MUG-1", "0001", "Mug"),
    StoreItem(2, None, "TEE", "", "Tee"),
    StoreItem(2, 21, "TEE-S", "0021"), StoreItem(2, 22, "TEE-L", "0022"),
    StoreItem(3, None, "DUP", "", "One"), StoreItem(4, None, "dup ", "", "Other"),
    StoreItem(5, None, "CAP", "0005", "Cap"), StoreItem(6, None, "HAT", "0005", "Hat"),
    StoreItem(7, None, "LONE", "", "Nobody's"),
]


def _states(report) -> dict[str, tuple[LinkState, str, tuple | None]]:
    return {r.key: (r.state, r.how, r.item.target if r.item else None) for r in report.rows}


def test_sku_first_then_gtin_never_title() -> None:
    report = link([("mug-1", ""), ("TEE-S", ""), ("X-9", "0022"), ("Mug", ""),
                   ("NEW", "9999")], ITEMS)
    assert _states(report) == {
        "MUG-1": (LinkState.LINKED, "sku", (1, None)),
        "TEE-S": (LinkState.LINKED, "sku", (2, 21)),
        "X-9": (LinkState.LINKED, "gtin", (2, 22)),
        "MUG": (LinkState.NOT_IN_STORE, "", None),  # a title is never a match
        "NEW": (LinkState.NOT_IN_STORE, "", None),
    }


def test_two_store_items_with_one_sku_are_never_linked() -> None:
    report = link([("DUP", "")], ITEMS)
    (row,) = report.rows
    assert row.state is LinkState.AMBIGUOUS and row.item is None
    assert [c.product_id for c in row.candidates] == [3, 4]
    assert row.reason == "2 store items have SKU DUP"
    # nor by GTIN
    assert link([("ZZZ", "0005")], ITEMS).rows[0].state is LinkState.AMBIGUOUS


def test_one_store_item_reached_by_two_rows_links_neither() -> None:
    report = link([("A", "0001"), ("B", "0001")], ITEMS)
    assert {r.state for r in report.rows} == {LinkState.AMBIGUOUS}
    assert report.rows[0].reason == "the store item is matched by 2 catalog rows"


def test_links_by_hand_win_and_unlinks_by_hand_stay() -> None:
    manual = {"DUP": ManualLink("DUP", (4, None)), "MUG-1": ManualLink("MUG-1", None),
              "GONE": ManualLink("GONE", (99, None))}
    report = link([("DUP", ""), ("MUG-1", ""), ("GONE", "")], ITEMS, manual)
    assert _states(report) == {
        "DUP": (LinkState.LINKED, "hand", (4, None)),
        "MUG-1": (LinkState.UNLINKED, "", None),
        "GONE": (LinkState.NOT_IN_STORE, "", None),
    }


def test_only_in_the_store_counts_products_with_variants_by_their_variants() -> None:
    report = link([("MUG-1", ""), ("TEE-S", "")], ITEMS)
    assert [i.target for i in report.only_in_store] == [
        (2, 22), (3, None), (4, None), (5, None), (6, None), (7, None)]
    assert report.counts() == {"linked": 2, "not_in_store": 0, "only_in_store": 6,
                               "ambiguous": 0, "unlinked": 0}


def test_store_items_come_from_cached_products() -> None:
    products = [ProductInfo(2, sku="TEE", name="Tee", variants=(
        VariantInfo(21, sku="TEE-S", gtin="0021", description="Size: S"),))]
    assert store_items(products) == [StoreItem(2, None, "TEE", "", "Tee"),
                                     StoreItem(2, 21, "TEE-S", "0021", "Size: S")]


# --- guard rail -------------------------------------------------------------------------------

def test_a_run_that_zeroes_many_items_stops_and_asks() -> None:
    guard = QuantityGuard(cut_share=0.5, items_share=0.2, min_items=3)
    changes = [(f"S{n}", 10, 0) for n in range(3)] + [(f"T{n}", 10, 9) for n in range(7)]
    verdict = guard.check(changes)
    assert verdict.stop and verdict.cut == ("S0", "S1", "S2") and verdict.total == 10
    assert verdict.message.startswith("3 of 10 items would go to zero")


@pytest.mark.parametrize("changes", [
    [("S", 10, 0), ("T", 10, 0)],  # fewer than min_items
    # 3 of 13 cut: under a quarter
    [(f"S{n}", 10, 4) for n in range(3)] + [(f"T{n}", 10, 12) for n in range(10)],
])
def test_a_run_with_few_cuts_goes_ahead(changes) -> None:
    guard = QuantityGuard(cut_share=0.5, items_share=0.25, min_items=3)
    assert not guard.check(changes).stop


def test_cuts_count_only_from_stock_that_existed() -> None:
    guard = QuantityGuard(min_items=1, items_share=0.0)
    assert not guard.check([("A", 0, 0), ("B", None, 0), ("C", 10, 5), ("D", 10, 30)]).stop
    assert guard.check([("E", 10, 4)]).cut == ("E",)


# --- prices -----------------------------------------------------------------------------------

def _v(sku, price, **options):
    return PricedVariant(sku, tuple(options.items()), None if price is None else D(price))


def test_one_option_group_maps_to_adjustments_over_the_cheapest() -> None:
    plan = price_plan([_v("S", "10", Size="S"), _v("M", "12", Size="M"),
                       _v("L", "15.50", Size="L")])
    assert plan.base_price == D(10)
    assert plan.adjustments == {("Size", "S"): 0, ("Size", "M"): 2, ("Size", "L"): D("5.50")}


def test_the_products_own_price_is_the_base_when_the_catalog_has_it() -> None:
    variants = [_v("S", "10", Size="S"), _v("L", "12", Size="L")]
    plan = price_plan(variants, product_price=D(11))
    assert plan.base_price == 11
    assert [plan.price_of(v.options) for v in variants] == [10, 12]


def test_additive_prices_over_two_option_groups() -> None:
    variants = [_v("RS", "10", Color="Red", Size="S"), _v("RL", "12", Color="Red", Size="L"),
                _v("BS", "11", Color="Blue", Size="S"), _v("BL", "13", Color="Blue", Size="L")]
    plan = price_plan(variants)
    assert [plan.price_of(v.options) for v in variants] == [10, 12, 11, 13]


@pytest.mark.parametrize("variants, reason", [
    ([_v("RS", "10", Color="Red", Size="S"), _v("RL", "12", Color="Red", Size="L"),
      _v("BS", "11", Color="Blue", Size="S"), _v("BL", "14", Color="Blue", Size="L")],
     "prices of BL are not the base price plus one adjustment per option"),
    ([_v("RS", "10", Color="Red", Size="S"), _v("BL", "14", Color="Blue", Size="L")],
     "no variant differs from RS by Color = Blue only"),
    ([_v("S", "10", Size="S"), _v("L", None, Size="L")], "variants L have no price"),
    ([_v("A", "10"), _v("B", "12")], "has no options to carry its price"),
])
def test_prices_the_store_cannot_express_are_refused(variants, reason) -> None:
    with pytest.raises(PriceMappingError, match=reason):
        price_plan(variants)


def test_a_product_without_variants_is_its_own_price() -> None:
    assert price_plan([], product_price=D("9.99")).base_price == D("9.99")
    with pytest.raises(PriceMappingError, match="no price"):
        price_plan([_v("S", None, Size="S")])


# --- diff -------------------------------------------------------------------------------------

def test_only_values_that_differ_from_the_store_are_changes() -> None:
    catalog = {"quantity": 5, "price": D("9.90"), "title": "Mug", "description": None}
    store = {"quantity": 5, "price": 9.9, "title": "Old mug", "description": "kept"}
    assert diff(catalog, store) == [FieldChange("title", "Old mug", "Mug")]
    changes = diff({"quantity": 0, "price": D("10.00")}, {"quantity": 3, "price": "9.99"})
    assert [c.as_dict() for c in changes] == [
        {"field": "quantity", "before": 3, "after": 0},
        {"field": "price", "before": "9.99", "after": "10.00"}]
    assert diff({"price": D(1)}, {"price": "not a number"})[0].after == D(1)
