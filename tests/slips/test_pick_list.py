"""Pick lists: natural bin order, aggregation by SKU and options, the rendered rows."""
from __future__ import annotations

import io

import pytest

from app.slips import PageSize, PickList, PickShipment, SlipLine, SlipOptions, render_pick_list
from app.slips.pick_list import aggregate, natural_key
from tests.slips.conftest import flat, pages_text


def test_natural_bin_order_with_empty_bins_last() -> None:
    bins = ["A-10", "", "b-1-10", "A-2", "B-1-3", "A-1", "10", "9", "  ", "A-2a"]
    assert sorted(bins, key=natural_key) == ["9", "10", "A-1", "A-2", "A-2a", "A-10", "B-1-3",
                                             "b-1-10", "", "  "]


def test_natural_key_survives_unicode_digits() -> None:
    assert natural_key("A-²") > natural_key("A-2")  # no int("²") crash


def _batch() -> PickList:
    return PickList([
        PickShipment("AC-100123", [SlipLine("MUG", "Mug", 2, bin_location="A-10"),
                                   SlipLine("TEE", "Tee", 1, options_text="Size: M",
                                            bin_location="B-1-3"),
                                   SlipLine("GIFTCARD", "Gift card", 0)]),
        PickShipment("AC-100130", [SlipLine("MUG", "Mug", 1, bin_location="A-10"),
                                   SlipLine("TEE", "Tee", 4, options_text="Size: L",
                                            bin_location="B-1-10"),
                                   SlipLine("", "Loose item", 1)]),
        PickShipment("AC-100140", [SlipLine("MUG", "Mug", 3)], shipment_label="2/3"),
        PickShipment("AC-100150", [SlipLine("PIN", "Pin", 5, bin_location="A-2")]),
    ])


def test_aggregates_by_sku_and_options_in_bin_order() -> None:
    rows = aggregate(_batch())
    assert [(r.sku, r.options_text, r.quantity, r.bin_location) for r in rows] == [
        ("PIN", "", 5, "A-2"), ("MUG", "", 6, "A-10"), ("TEE", "Size: M", 1, "B-1-3"),
        ("TEE", "Size: L", 4, "B-1-10"), ("", "", 1, "")]
    assert rows[1].orders_text == "AC-100123 ×2, AC-100130 ×1, AC-100140 (2/3) ×3"
    assert rows[-1].name == "Loose item"  # no SKU: keyed by name
    assert sum(r.quantity for r in rows) == 17  # the zero-quantity gift card is not picked


@pytest.mark.parametrize("size", list(PageSize))
def test_pick_list_pdf_lists_orders_per_row(size: PageSize) -> None:
    out = io.BytesIO()
    pages = render_pick_list(_batch(), SlipOptions(page_size=size), out)
    text = flat(" ".join(pages_text(out.getvalue())))
    assert pages == 1
    assert "AC-100123 ×2, AC-100130 ×1, AC-100140 (2/3) ×3" in text
    assert "AC-100150 ×5" in text
    assert "Total: 17 units, 5 SKUs" in text
    assert text.index("PIN") < text.index("MUG") < text.index("Size: M") < text.index("Size: L")


def test_long_pick_list_repeats_header_on_every_page() -> None:
    lines = [SlipLine(f"SKU-{i}", f"Item {i}", 1, bin_location=f"R-{i}") for i in range(150)]
    out = io.BytesIO()
    pages = render_pick_list(PickList([PickShipment("AC-1", lines)], reprint=True),
                             SlipOptions(page_size=PageSize.LABEL_4X6), out)
    texts = pages_text(out.getvalue())
    assert pages == len(texts) > 2
    for n, text in enumerate(texts, 1):
        assert f"Page {n} of {pages}" in text and "Pick list" in text and "REPRINT" in text
        assert "Qty" in text  # column header repeated
    all_text = flat(" ".join(texts))
    assert all_text.index("R-2 ") < all_text.index("R-10 ") < all_text.index("R-100 ")


def test_line_without_a_bin_says_so() -> None:
    out = io.BytesIO()
    render_pick_list(_batch(), SlipOptions(), out)
    text = flat(" ".join(pages_text(out.getvalue())))
    # The loose item has no bin: its bin cell is labelled, the others show their bins.
    assert text.count("no bin") == 1
    assert text.index("B-1-10") < text.index("no bin") < text.index("Loose item")
