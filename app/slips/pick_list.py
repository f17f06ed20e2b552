"""Pick lists: a batch's units aggregated by SKU and options, in bin walking order."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from app.slips.blocks import badge, footer, lines_block
from app.slips.document import Section, render
from app.slips.layout import layout_for
from app.slips.model import ImagePath, PickList, SlipOptions
from app.slips.painter import Painter
from app.slips.table import Cell, Column, Para, table_blocks
from app.slips.text import clean, wrap

NO_BIN = "no bin"  # printed where a line has no bin, so a picker sees it was not forgotten
_NUMBER = re.compile(r"([0-9]+)")  # ASCII digits only: int() of "²" would fail


def natural_key(text: str) -> tuple:
    """A-2 before A-10, B-1-3 before B-1-10, case-insensitive; empty sorts last."""
    text = clean(text)
    parts = tuple((0, int(p), "") if _NUMBER.fullmatch(p) else (1, 0, p.casefold())
                  for p in _NUMBER.split(text) if p)
    return (not text, parts)


@dataclass
class PickRow:
    sku: str
    name: str
    options_text: str
    bin_location: str = ""
    image: ImagePath | None = None
    quantity: int = 0
    orders: dict[str, int] = field(default_factory=dict)  # "AC-100123 (2/3)" -> units

    @property
    def orders_text(self) -> str:
        return ", ".join(f"{order} ×{units}" for order, units in self.orders.items())


def aggregate(pick_list: PickList) -> list[PickRow]:
    """One row per SKU and options (the name when there is no SKU), sorted by bin then SKU.
    A row takes the first non-empty bin and image any of its lines has."""
    rows: dict[tuple[str, str], PickRow] = {}
    for shipment in pick_list.shipments:
        label = shipment.order_number + (f" ({shipment.shipment_label})"
                                         if shipment.shipment_label else "")
        for line in shipment.lines:
            if line.quantity <= 0:
                continue
            key = (clean(line.sku) or clean(line.name), clean(line.options_text))
            row = rows.get(key)
            if row is None:
                row = rows[key] = PickRow(line.sku, line.name, line.options_text)
            row.bin_location = row.bin_location or clean(line.bin_location)
            row.image = row.image or line.image
            row.quantity += line.quantity
            row.orders[label] = row.orders.get(label, 0) + line.quantity
    return sorted(rows.values(), key=lambda r: (natural_key(r.bin_location),
                                                natural_key(r.sku), r.name, r.options_text))


def render_pick_list(pick_list: PickList, options: SlipOptions,
                     out: str | Path | BinaryIO) -> int:
    """The pick list as a PDF; returns the page count. Single PDF worker thread only."""
    layout = layout_for(options.page_size)
    return render([lambda p: pick_section(p, pick_list, options)], 1, layout, out,
                  title=pick_list.title or "Pick list", reverse=options.reverse)


def pick_section(p: Painter, pick_list: PickList, options: SlipOptions) -> Section:
    layout, fonts = p.layout, p.fonts
    rows = aggregate(pick_list)
    units = sum(r.quantity for r in rows)
    w = layout.content_width
    title = wrap(pick_list.title or "Pick list", w * 0.6, layout.title_size, fonts, bold=True)
    summary = (f"{len(pick_list.shipments)} shipments  ·  {len(rows)} SKUs  ·  {units} units")
    sub = wrap(pick_list.subtitle, w, layout.small_size, fonts) + wrap(summary, w,
                                                                        layout.small_size, fonts)
    header_height = sum(layout.leading(line.size) for line in title + sub) + 8

    def draw_header(p: Painter, page: int, pages: int) -> None:
        y = p.lines(title, layout.margin, layout.margin) + layout.margin
        p.lines(sub, layout.margin, y)
        if pick_list.reprint:
            badge(p, "REPRINT", layout.margin + w, layout.margin, layout.body_size)
        p.hline(layout.margin, layout.margin + w, layout.margin + header_height - 3, weight=1.2)
        footer(p, f"{pick_list.title or 'Pick list'}  ·  {units} units", page, pages)

    body_height = layout.height - 2 * layout.margin - layout.footer_height - header_height
    blocks = table_blocks(*_table(rows, options, layout), layout, fonts, body_height)
    total = wrap(f"Total: {units} units, {len(rows)} SKUs", w, layout.body_size, fonts,
                 bold=True)
    blocks.append(lines_block(total, layout, space_after=4))
    return Section(header_height, draw_header, blocks)


def _table(rows: list[PickRow], options: SlipOptions, layout) -> tuple[list[Column],
                                                                        list[list[Cell]]]:
    b, sm = layout.body_size, layout.small_size
    images = options.show_images and any(r.image for r in rows)
    columns = [Column("Bin", 48 if layout.compact else 64)]
    if images:
        columns.append(Column("", layout.thumbnail, image=True))
    if layout.compact:
        columns += [Column("Qty", 26, align="center"), Column("Item", None)]
    else:
        columns += [Column("SKU", 84), Column("Item", None), Column("Qty", 32, align="center"),
                    Column("Orders", 150)]
    table: list[list[Cell]] = []
    for r in rows:
        item = [Para(r.name, b, bold=True)]
        if layout.compact and r.sku:
            item.append(Para(f"SKU: {r.sku}", sm))
        if r.options_text:
            item.append(Para(r.options_text, sm))
        cells: list[Cell] = [[Para(r.bin_location, b, bold=True) if r.bin_location
                              else Para(NO_BIN, sm)]]
        if images:
            cells.append(r.image)
        qty = [Para(str(r.quantity), b + 2, bold=True)]
        if layout.compact:
            item.append(Para(r.orders_text, sm))
            cells += [qty, item]
        else:
            cells += [[Para(r.sku, sm)], item, qty, [Para(r.orders_text, sm)]]
        table.append(cells)
    return columns, table
