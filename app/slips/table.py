"""Tables as blocks: a column header repeated on continuation pages, one block per row.

A row taller than a page (a 2,000-character product name on 4x6 stock) is cut between text
lines into several blocks, so nothing is ever clipped.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.slips.document import Block
from app.slips.fonts import FontSet
from app.slips.layout import Layout
from app.slips.model import ImagePath
from app.slips.painter import Painter
from app.slips.text import TextLine, wrap

PAD = 2.5  # points above and below each row's content
GAP = 5.0  # between columns


@dataclass(frozen=True)
class Para:
    text: str
    size: float
    bold: bool = False


@dataclass(frozen=True)
class Column:
    title: str
    width: float | None  # None: takes what the fixed columns leave
    align: str = "left"
    image: bool = False  # the cell is an image path


Cell = Sequence[Para] | ImagePath | None


def column_widths(columns: Sequence[Column], total: float) -> list[float]:
    fixed = sum(c.width or 0 for c in columns) + GAP * (len(columns) - 1)
    flexible = [c for c in columns if c.width is None]
    rest = max(0.0, total - fixed) / max(1, len(flexible))
    return [c.width if c.width is not None else rest for c in columns]


def table_blocks(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], layout: Layout,
                 fonts: FontSet, max_height: float) -> list[Block]:
    # A row of the wrong width would silently lose cells (zip stops at the shorter side).
    for number, row in enumerate(rows, 1):
        if len(row) != len(columns):
            raise ValueError(f"table row {number} has {len(row)} cells for {len(columns)} columns")
    widths = column_widths(columns, layout.content_width)
    header = _header_block(columns, widths, layout, fonts)
    blocks: list[Block] = [Block(header.height, header.draw, keep_with_next=True)]
    for row in rows:
        cells = [_lines(cell, width, fonts) if not col.image else cell
                 for col, cell, width in zip(columns, row, widths, strict=True)]
        blocks.extend(_row_blocks(columns, widths, cells, layout,
                                  max_height - header.height, header))
    return blocks


def _lines(cell: Cell, width: float, fonts: FontSet) -> list[TextLine]:
    out: list[TextLine] = []
    for para in cell or ():
        out.extend(wrap(para.text, width, para.size, fonts, bold=para.bold))
    return out


def _header_block(columns: Sequence[Column], widths: list[float], layout: Layout,
                  fonts: FontSet) -> Block:
    size = layout.small_size
    titles = [wrap(c.title, w, size, fonts, bold=True, max_lines=1)
              for c, w in zip(columns, widths, strict=True)]
    height = layout.leading(size) + 2 * PAD

    def draw(p: Painter, x: float, top: float) -> None:
        cx = x
        for col, width, lines in zip(columns, widths, titles, strict=True):
            p.lines(lines, cx, top + PAD, width=width, align=col.align)
            cx += width + GAP
        p.hline(x, x + layout.content_width, top + height - 0.5, weight=1.0)

    return Block(height, draw)


def _row_blocks(columns: Sequence[Column], widths: list[float], cells: list, layout: Layout,
                max_height: float, header: Block) -> list[Block]:
    image_box = layout.thumbnail
    def text_height(lines: list[TextLine]) -> float:
        return sum(layout.leading(line.size) for line in lines)

    heights = [image_box if col.image and cell else
               text_height(cell) if not col.image else 0.0
               for col, cell in zip(columns, cells, strict=True)]
    height = max(heights, default=0.0) + 2 * PAD
    if height <= max_height:
        return [_row_block(columns, widths, cells, height, layout, header)]
    # Too tall for any page: cut every text cell at the same height budget.
    budget = max_height - 2 * PAD
    chunks: list[list] = []
    remaining = [list(c) if not col.image else c for col, c in zip(columns, cells, strict=True)]
    while any(r for col, r in zip(columns, remaining, strict=True) if not col.image):
        chunk = []
        for k, (col, cell) in enumerate(zip(columns, remaining, strict=True)):
            if col.image:
                chunk.append(cell if not chunks else None)
                continue
            taken, used = [], 0.0
            while cell and used + layout.leading(cell[0].size) <= budget:
                used += layout.leading(cell[0].size)
                taken.append(cell.pop(0))
            chunk.append(taken)
            remaining[k] = cell
        chunks.append(chunk)
    return [_row_block(columns, widths, chunk, max_height, layout, header) for chunk in chunks]


def _row_block(columns: Sequence[Column], widths: list[float], cells: list, height: float,
               layout: Layout, header: Block) -> Block:
    def draw(p: Painter, x: float, top: float) -> None:
        cx = x
        for col, width, cell in zip(columns, widths, cells, strict=True):
            if col.image:
                if cell:
                    p.image(cell, cx, top + PAD, min(width, layout.thumbnail), layout.thumbnail)
            else:
                p.lines(cell, cx, top + PAD, width=width, align=col.align)
            cx += width + GAP
        p.hline(x, x + layout.content_width, top + height - 0.25, weight=0.4)

    return Block(height, draw, repeat=header)
