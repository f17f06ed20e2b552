"""Packing slips rendered from awkward orders, checked through the PDF's extracted text."""
from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from app.domain.orders import Address
from app.slips import PageSize, SlipLine, SlipOptions, Storefront, render_slips
from app.slips.packing_slip import split_note
from tests.slips.conftest import flat, make_shipment, page_bodies, pages_text

SIZES = list(PageSize)


def render(shipments, **options) -> tuple[int, list[str], bytes]:
    out = io.BytesIO()
    pages = render_slips(shipments, SlipOptions(**options), out)
    data = out.getvalue()
    return pages, pages_text(data), data


@pytest.mark.parametrize("size", SIZES)
def test_slip_shows_order_store_and_lines(size, images) -> None:
    pages, texts, _ = render([make_shipment(images["logo"])], page_size=size)
    text = flat(texts[0])
    assert pages == 1
    for expected in ("Acme Outdoor Supply", "1200 Industrial Way", "+1 555 0100",
                     "orders@acme.example", "PACKING SLIP", "Order AC-100123",
                     "Shipment 1 of 1", "2024-03-05", "2024-03-06", "UPS Ground", "Ship to",
                     "Jane Doe", "1 Main St", "Portland, OR 97201", "Bill to", "Payer Inc",
                     "jane@example.com", "+1 555 0199", "TENT-2P", "Two-person tent",
                     "Color: Green", "A-10", "MUG-1", "Enamel mug", "Page 1 of 1",
                     "SPD-7F3A2C-15", "Units in this shipment: 3"):
        assert expected in text, expected
    assert "REPRINT" not in text


@pytest.mark.parametrize("size", SIZES)
def test_no_prices_by_default_prices_when_asked(size) -> None:
    _, texts, _ = render([make_shipment()], page_size=size)
    assert "149.99" not in texts[0] and "$" not in texts[0]
    _, texts, _ = render([make_shipment()], page_size=size, show_prices=True)
    text = flat(texts[0])
    assert "$149.99" in text and "$299.98" in text and "Items total: $312.48" in text


@pytest.mark.parametrize("gift_shipment, gift_option", [(True, False), (False, True),
                                                        (True, True)])
def test_gift_slips_never_show_prices_or_billing(gift_shipment, gift_option) -> None:
    shipment = make_shipment(is_gift=gift_shipment, gift_message="Happy birthday, Sam!")
    _, texts, _ = render([shipment], show_prices=True, gift=gift_option)
    text = flat(texts[0])
    assert "GIFT SLIP" in text and "Happy birthday, Sam!" in text
    assert "149.99" not in text and "$" not in text and "total" not in text.lower()
    assert "Bill to" not in text and "Payer" not in text and "jane@example.com" not in text
    assert "Jane Doe" in text  # the recipient still is


MARKUP = ['<b>x</b>', '<img src=x onerror=alert(1)>', '</para>', '&amp;', '<font name=Courier>',
          '<para>', ']]>', '&#60;']


@pytest.mark.parametrize("size", SIZES)
def test_markup_in_store_text_prints_literally(size) -> None:
    evil = " ".join(MARKUP)
    shipment = make_shipment(
        storefront=Storefront(f"Shop {evil}"), customer_notes=f"Note {evil}",
        gift_message=f"Gift {evil}", note_to_buyer=f"Thanks {evil}", shipping_method=evil,
        lines=[SlipLine("SKU<b>", f"Name {evil}", 1, options_text=f"Opt {evil}",
                        bin_location="<i>")])
    _pages, texts, _ = render([shipment], page_size=size)
    text = flat(" ".join(texts))
    for prefix in ("Note", "Gift", "Thanks", "Name", "Opt"):
        assert f"{prefix} {evil}" in text, prefix
    assert "SKU<b>" in text and "<i>" in text


def test_hundred_lines_flow_over_pages_with_header_repeated() -> None:
    lines = [SlipLine(f"SKU-{i:03d}", f"Product number {i}", i % 3 + 1, bin_location=f"A-{i}")
             for i in range(100)]
    shipment = make_shipment(lines=lines, shipment_number=2, shipment_count=3, reprint=True)
    pages, texts, _ = render([shipment])
    assert pages == len(texts) >= 3
    for n, text in enumerate(texts, 1):
        for expected in ("Acme Outdoor Supply", "Order AC-100123", "Shipment 2 of 3",
                         "AC-100123", "SPD-7F3A2C-15", "REPRINT", f"Page {n} of {pages}",
                         "SKU", "Qty"):
            assert expected in text, (n, expected)
    assert "Page 2 of" in texts[1]
    everything = " ".join(texts)
    for i in range(100):
        assert everything.count(f"SKU-{i:03d}") == 1
    assert "Ship to" in texts[0] and "Ship to" not in texts[1]  # details only on page 1


@pytest.mark.parametrize("size", SIZES)
def test_two_thousand_character_note_wraps_over_pages(size) -> None:
    words = [f"word{i}" for i in range(280)]
    note = " ".join(words)[:1700] + " " + "Z" * 300  # and one 300-character "word"
    assert len(note) >= 2000
    pages, texts, _ = render([make_shipment(customer_notes=note, note_to_buyer=note)],
                             page_size=size)
    squashed = "".join("".join(page_bodies(texts)).split())
    assert squashed.count("".join(note.split())) == 2
    assert pages == len(texts) and all(f"Page {n} of {pages}" in t
                                       for n, t in enumerate(texts, 1))


@pytest.mark.parametrize("size", SIZES)
def test_missing_parts_leave_no_empty_labels(size, images) -> None:
    bare = make_shipment(
        storefront=Storefront("Bare Shop", images["missing"], ("", "  "), "", ""),
        ship_to=Address("shipping", first_name="Only Name"), bill_to=None,
        order_date=None, ship_date=None, shipping_method="", customer_email="",
        customer_phone="", lines=[SlipLine("", "No SKU line", 1)])
    pages, texts, _ = render([bare], page_size=size)
    text = flat(texts[0])
    assert pages == 1 and "Only Name" in text and "No SKU line" in text
    for absent in ("Bill to", "Email", "Phone", "Order date", "Ship date", "Ship via",
                   "Customer notes", "Gift message", "SKU:"):
        assert absent not in text, absent
    empty = replace(bare, ship_to=Address("shipping"), storefront=Storefront("X", images["broken"]))
    pages, texts, _ = render([empty], page_size=size)
    assert pages == 1 and "Ship to" not in texts[0]


@pytest.mark.parametrize("size", SIZES)
def test_very_long_names_wrap(size) -> None:
    long_name = "Extraordinarily " * 30 + "Ж" * 600
    shipment = make_shipment(storefront=Storefront("Store " * 40),
                             lines=[SlipLine("S" * 120, long_name, 1, options_text="O " * 200)])
    _pages, texts, _ = render([shipment], page_size=size)
    everything = "".join(texts)
    # Nothing lost or clipped: a row taller than a page is cut between lines over pages.
    assert everything.count("Ж") == 600 and everything.count("Extraordinarily") == 30
    assert everything.count("O") >= 200 and "SSSSS" in everything


NAMES = {"cyrillic": "Иван Петров", "greek": "Ζωή Παπαδοπούλου",
         "latin": "Ångström Ñandú Łódź Øster", "cjk": "山田太郎 かな"}


@pytest.mark.parametrize("size", SIZES)
def test_non_latin_names_extract_back(size) -> None:
    lines = [SlipLine(f"S{i}", name, 1) for i, name in enumerate(NAMES.values())]
    lines.append(SlipLine("HE", "שלום עולם", 1))
    lines.append(SlipLine("AR", "مرحبا بكم", 1))
    ship_to = Address("shipping", first_name="Иван", last_name="Петров", city="Москва")
    _pages, texts, data = render([make_shipment(lines=lines, ship_to=ship_to)], page_size=size)
    text = texts[0]
    squashed = "".join(text.split())  # pypdf breaks lines where the font changes (CJK)
    for name in NAMES.values():
        assert "".join(name.split()) in squashed, name
    for name in ("Иван Петров", "Ζωή Παπαδοπούλου", "Ångström Ñandú Łódź Øster"):
        assert name in text
    assert "Москва" in text
    # RTL lines are stored in display order; pypdf may or may not undo it: letters, not boxes.
    assert all(ch in text for ch in "שלוםעולם")
    assert sum("\ufe70" <= ch <= "\ufeff" for ch in text) >= 7  # shaped Arabic letters
    fonts = {str(f) for page in PdfReader(io.BytesIO(data)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts  # embedded TrueType subsets
    base = " ".join(str(page["/Resources"]["/Font"][k].get_object()["/BaseFont"])
                    for page in PdfReader(io.BytesIO(data)).pages
                    for k in page["/Resources"]["/Font"])
    assert "DroidSansFallback" in base and "DejaVuSans" in base


def test_split_shipment_says_what_ships_elsewhere() -> None:
    line = SlipLine("A", "A", 3, quantity_ordered=5, quantity_other_shipments=2)
    assert split_note(line) == "3 of 5 — 2 in another shipment"
    assert split_note(SlipLine("A", "A", 2, 5, 0, 3)) == "2 of 5 — 3 already shipped"
    assert split_note(SlipLine("A", "A", 2, 2)) == ""
    assert split_note(SlipLine("A", "A", 1, 4)) == "1 of 4"
    shipment = make_shipment(lines=[line], shipment_number=2, shipment_count=3)
    for size in SIZES:
        _, texts, _ = render([shipment], page_size=size)
        text = flat(texts[0])
        assert "3 of 5 — 2 in another shipment" in text and "Shipment 2 of 3" in text


def test_images_are_embedded_once_and_optional(images) -> None:
    lines = [SlipLine(f"S{i}", "With image", 1, image=images["thumb"]) for i in range(30)]
    lines.append(SlipLine("B", "Broken image", 1, image=images["broken"]))
    shipments = [make_shipment(images["logo"], lines=lines)] * 3
    _, _, with_images = render(shipments)
    _, _, without = render(shipments, show_images=False)
    assert with_images.count(b"/Subtype /Image") == 2  # logo + thumbnail, however often shown
    assert without.count(b"/Subtype /Image") == 1  # the logo only
    assert len(with_images) < 200_000  # photos are shrunk before embedding


def test_a_table_row_of_the_wrong_width_is_refused_not_cut():
    from app.slips.fonts import FontSet
    from app.slips.layout import layout_for
    from app.slips.table import Column, Para, table_blocks

    columns = [Column("SKU", 60.0), Column("Item", None), Column("Qty", 30.0)]
    short_row = [[Para("MUG-1", 9.0)], [Para("Enamel mug", 9.0)]]  # the quantity cell is missing
    with pytest.raises(ValueError, match="table row 1 has 2 cells for 3 columns"):
        table_blocks(columns, [short_row], layout_for("letter"), FontSet.load(), 500.0)
