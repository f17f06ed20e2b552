"""Packing slips: one section per shipment, many shipments in one PDF."""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from app.slips import barcodes
from app.slips.blocks import badge, footer, lines_block, lines_height, note_blocks, spacer
from app.slips.document import Block, Progress, Section, render
from app.slips.layout import Layout, layout_for
from app.slips.model import SlipLine, SlipOptions, SlipShipment
from app.slips.painter import Painter
from app.slips.table import GAP, Cell, Column, Para, table_blocks
from app.slips.text import TextLine, wrap

_CURRENCY_SIGNS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def render_slips(shipments: Sequence[SlipShipment], options: SlipOptions,
                 out: str | Path | BinaryIO, *, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> int:
    """Packing slips for many shipments in ONE PDF, each starting on a new page; returns the
    page count. `progress(done, total)` runs after each shipment; setting `cancel` stops before
    the next one with SlipsCancelled and writes nothing. Call from a single PDF worker thread:
    reportlab is not thread-safe."""
    layout = layout_for(options.page_size)
    ordered = list(reversed(shipments)) if options.reverse else list(shipments)
    builders = (lambda p, s=s: slip_section(p, s, options) for s in ordered)
    return render(builders, len(ordered), layout, out, title="Packing slips",
                  reverse=options.reverse, progress=progress, cancel=cancel)


def slip_section(p: Painter, shipment: SlipShipment, options: SlipOptions) -> Section:
    layout = p.layout
    header = _Header.measure(p, shipment, options)
    body_height = (layout.height - 2 * layout.margin - layout.footer_height
                   - header.height)
    blocks = _details(p, shipment, options)
    if shipment.gift_message:
        blocks += note_blocks("Gift message", shipment.gift_message, layout, p.fonts,
                              size=layout.body_size + 1)
    blocks.append(spacer(layout.body_size * 0.8))
    blocks += _items(p, shipment, options, body_height)
    blocks.append(_totals(p, shipment, options))
    blocks += note_blocks("Customer notes", shipment.customer_notes, layout, p.fonts)
    blocks += note_blocks("Note", shipment.note_to_buyer, layout, p.fonts)
    return Section(header.height, header.draw, blocks)


# --- header --------------------------------------------------------------------------------

@dataclass
class _Header:
    """Measured once per shipment, drawn on each of its pages."""

    shipment: SlipShipment
    layout: Layout
    logo: tuple[float, float] | None
    left: list[TextLine]
    right: list[TextLine]
    symbols: list[tuple[barcodes.Symbol | None, str]]
    side_by_side: bool
    text_height: float
    height: float
    title: str

    @classmethod
    def measure(cls, p: Painter, s: SlipShipment, options: SlipOptions) -> _Header:
        layout, fonts = p.layout, p.fonts
        w = layout.content_width
        left_w, right_w = w * 0.58, w * 0.42 - 6
        store = s.storefront
        logo = p.image_size(store.logo, min(layout.logo_width, left_w), layout.logo_height)
        left = wrap(store.name, left_w, layout.title_size * 0.85, fonts, bold=True, max_lines=2)
        address = list(store.address_lines)
        if layout.compact:  # one wrapped line saves height on a label
            address = [", ".join(a for a in address if a.strip())]
        for part in address:
            left += wrap(part, left_w, layout.small_size, fonts)
        contact = " · ".join(x for x in (store.phone, store.email) if x.strip())
        left += wrap(contact, left_w, layout.small_size, fonts)

        title = "GIFT SLIP" if options.gift or s.is_gift else "PACKING SLIP"
        right = wrap(title, right_w, layout.small_size, fonts, bold=True)
        right += wrap(f"Order {s.order_number}", right_w, layout.title_size, fonts, bold=True,
                      max_lines=2)
        right += wrap(f"Shipment {s.shipment_number} of {s.shipment_count}", right_w,
                      layout.body_size + 1, fonts, bold=True)
        logo_h = logo[1] + 4 if logo else 0.0
        text_height = max(logo_h + lines_height(left, layout),
                          lines_height(right, layout) + (layout.leading(layout.body_size) + 6
                                                         if s.reprint else 0))
        symbols = [(barcodes.symbol(s.order_barcode, layout.bar_module), s.order_barcode),
                   (barcodes.symbol(s.shipment_barcode, layout.bar_module), s.shipment_barcode)]
        widths = [sym.width if sym else 0 for sym, _ in symbols]
        side_by_side = sum(widths) + 4 <= w
        row = layout.bar_height + layout.small_size * 1.6
        bar_rows = row if side_by_side else 2 * row + 4
        height = text_height + 6 + bar_rows + 6
        return cls(s, layout, logo, left, right, symbols, side_by_side, text_height, height, title)

    def draw(self, p: Painter, page: int, pages: int) -> None:
        layout, s = self.layout, self.shipment
        x, top, w = layout.margin, layout.margin, layout.content_width
        y = top
        if self.logo:
            p.image(s.storefront.logo, x, y, *self.logo)
            y += self.logo[1] + 4
        p.lines(self.left, x, y)
        p.lines(self.right, x, top, width=w, align="right")
        if s.reprint:
            badge(p, "REPRINT", x + w, top + lines_height(self.right, layout) + 2,
                  layout.body_size)
        y = top + self.text_height + 6
        self._barcodes(p, x, y, w)
        p.hline(x, x + w, top + self.height - 3, weight=1.2)
        footer(p, f"{s.order_number}  ·  Shipment {s.shipment_number} of {s.shipment_count}"
               + ("  ·  REPRINT" if s.reprint else ""), page, pages)

    def _barcodes(self, p: Painter, x: float, top: float, w: float) -> None:
        """Order code at the left, shipment code at the right (or below it on narrow stock)."""
        layout = self.layout
        row = layout.bar_height + layout.small_size * 1.6
        for i, (sym, value) in enumerate(self.symbols):
            width = sym.width if sym else w / 2
            if self.side_by_side:
                left, y = (x if i == 0 else x + w - width), top
            else:
                left, y = x, top + i * (row + 4)
            if sym is None:  # cannot be encoded: the text alone, so the packer can type it
                p.centred_ascii(value.encode("ascii", "replace").decode(), left + width / 2,
                                y + layout.bar_height / 2, layout.body_size)
                continue
            p.barcode(sym, left, y, layout.bar_height)
            p.centred_ascii(value, left + width / 2, y + layout.bar_height + 2,
                            layout.small_size)


# --- page-1 details ------------------------------------------------------------------------

def _details(p: Painter, s: SlipShipment, options: SlipOptions) -> list[Block]:
    """Ship-to, bill-to and order facts, side by side; a part with no content gets no label."""
    layout, fonts = p.layout, p.fonts
    gift = options.gift or s.is_gift
    facts = [("Order date", _date(s.order_date)), ("Ship date", _date(s.ship_date)),
             ("Ship via", s.shipping_method)]
    if not gift:  # the recipient of a gift does not need the buyer's contact details
        facts += [("Email", s.customer_email), ("Phone", s.customer_phone)]
    fact_text = [f"{label}: {value}" for label, value in facts if value and value.strip()]
    columns: list[tuple[str, list[str]]] = []
    if s.ship_to is not None and s.ship_to.lines():
        columns.append(("Ship to", s.ship_to.lines()))
    if not gift and s.bill_to is not None and s.bill_to.lines():
        columns.append(("Bill to", s.bill_to.lines()))
    if fact_text and not layout.compact:
        columns.append(("Order", fact_text))
    blocks: list[Block] = []
    if columns:
        width = (layout.content_width - GAP * 2 * (len(columns) - 1)) / max(len(columns), 2)
        cells = []
        for title, lines in columns:
            cell = wrap(title, width, layout.small_size, fonts, bold=True)
            for i, text in enumerate(lines):
                bold = title == "Ship to" and i == 0  # the recipient's name stands out
                cell += wrap(text, width, layout.body_size, fonts, bold=bold)
            cells.append(cell)
        height = max(lines_height(c, layout) for c in cells)

        def draw(p: Painter, x: float, top: float) -> None:
            for k, cell in enumerate(cells):
                p.lines(cell, x + k * (width + GAP * 2), top)

        blocks.append(Block(height + 4, draw))
    if fact_text and layout.compact:
        fact_lines = wrap(" · ".join(fact_text), layout.content_width, layout.small_size, fonts)
        blocks.append(lines_block(fact_lines, layout, space_after=2))
    return blocks


# --- items ---------------------------------------------------------------------------------

def _items(p: Painter, s: SlipShipment, options: SlipOptions, max_height: float) -> list[Block]:
    layout = p.layout
    prices = options.prices_for(s)
    images = options.show_images and any(line.image for line in s.lines)
    b, sm = layout.body_size, layout.small_size
    columns: list[Column] = []
    if images:
        columns.append(Column("", layout.thumbnail, image=True))
    if layout.compact:
        columns += [Column("Qty", 26, align="center"), Column("Item", None),
                    Column("Bin", 48)]
        if prices:
            columns.append(Column("Price", 48, align="right"))
    else:
        columns += [Column("SKU", 78), Column("Item", None), Column("Bin", 60),
                    Column("Qty", 30, align="center"), Column("Ordered", 40, align="center")]
        if prices:
            columns += [Column("Unit", 52, align="right"), Column("Total", 58, align="right")]

    rows: list[list[Cell]] = []
    for line in s.lines:
        item = [Para(line.name, b, bold=True)]
        if layout.compact and line.sku:
            item.append(Para(f"SKU: {line.sku}", sm))
        if line.options_text:
            item.append(Para(line.options_text, sm))
        note = split_note(line)
        if layout.compact and " — " not in note:
            note = ""  # "n of N" alone is already in the Qty cell
        if note:
            item.append(Para(note, sm, bold=True))
        row: list[Cell] = [line.image] if images else []
        if layout.compact:
            qty = [Para(str(line.quantity), b + 2.5, bold=True)]
            if line.ordered != line.quantity:
                qty.append(Para(f"of {line.ordered}", sm))
            row += [qty, item, [Para(line.bin_location, b, bold=True)]]
            if prices:
                row.append([Para(_money(line.unit_price * line.quantity, s.currency), sm),
                            Para(f"{line.quantity} × {_money(line.unit_price, s.currency)}",
                                 sm * 0.9)])
        else:
            row += [[Para(line.sku, sm)], item, [Para(line.bin_location, b, bold=True)],
                    [Para(str(line.quantity), b + 2, bold=True)], [Para(str(line.ordered), b)]]
            if prices:
                row += [[Para(_money(line.unit_price, s.currency), b)],
                        [Para(_money(line.unit_price * line.quantity, s.currency), b)]]
        rows.append(row)
    return table_blocks(columns, rows, layout, p.fonts, max_height)


def split_note(line: SlipLine) -> str:
    """What a packer needs when a line is not all in this box: "3 of 5 — 2 in another
    shipment"; empty when the shipment carries the whole line."""
    rest = []
    if line.quantity_other_shipments:
        rest.append(f"{line.quantity_other_shipments} in another shipment")
    if line.quantity_shipped_before:
        rest.append(f"{line.quantity_shipped_before} already shipped")
    if line.ordered == line.quantity and not rest:
        return ""
    head = f"{line.quantity} of {line.ordered}"
    return f"{head} — {', '.join(rest)}" if rest else head


def _totals(p: Painter, s: SlipShipment, options: SlipOptions) -> Block:
    layout = p.layout
    units = sum(line.quantity for line in s.lines)
    parts = [f"Units in this shipment: {units}"]
    if options.prices_for(s):
        total = sum((line.unit_price * line.quantity for line in s.lines), Decimal(0))
        parts.append(f"Items total: {_money(total, s.currency)}")
    lines = wrap(" · ".join(parts), layout.content_width, layout.body_size, p.fonts, bold=True)

    def draw(p: Painter, x: float, top: float) -> None:
        p.lines(lines, x, top + 4, width=layout.content_width, align="right")

    return Block(lines_height(lines, layout) + 6, draw)


def _money(amount: Decimal, currency: str) -> str:
    value = f"{amount.quantize(Decimal('0.01')):,}"
    sign = _CURRENCY_SIGNS.get(currency.upper())
    return f"{sign}{value}" if sign else f"{value} {currency}".strip()


def _date(value: date | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()
