"""Pieces both documents use: text blocks, notes, the footer and the REPRINT badge."""
from __future__ import annotations

from app.slips.document import Block
from app.slips.fonts import FontSet
from app.slips.layout import Layout
from app.slips.painter import Painter
from app.slips.text import TextLine, line_of, paragraphs, wrap


def lines_height(lines: list[TextLine], layout: Layout) -> float:
    return sum(layout.leading(line.size) for line in lines)


def lines_block(lines: list[TextLine], layout: Layout, *, space_after: float = 0.0,
                keep_with_next: bool = False, x_offset: float = 0.0) -> Block:
    def draw(p: Painter, x: float, top: float) -> None:
        p.lines(lines, x + x_offset, top)

    return Block(lines_height(lines, layout) + space_after, draw, keep_with_next=keep_with_next)


def spacer(height: float) -> Block:
    return Block(height, lambda p, x, top: None)


def note_blocks(title: str, text: str, layout: Layout, fonts: FontSet, *,
                size: float | None = None) -> list[Block]:
    """A titled note, one block per wrapped line so a 2,000-character note flows over pages.
    Nothing at all (not even the title) when the note is empty."""
    body = paragraphs(text)
    if not body:
        return []
    size = size or layout.body_size
    width = layout.content_width
    blocks = [spacer(layout.body_size * 0.6)]
    title_lines = wrap(title, width, layout.small_size, fonts, bold=True)
    blocks.append(lines_block(title_lines, layout, space_after=1.0, keep_with_next=True))
    for para in body:
        if not para:
            blocks.append(spacer(layout.leading(size) * 0.5))
            continue
        for line in wrap(para, width, size, fonts):
            blocks.append(lines_block([line], layout))
    # The title must not sit alone at a page bottom: chain it to its first line.
    blocks[0] = Block(blocks[0].height, blocks[0].draw, keep_with_next=True)
    return blocks


def badge(p: Painter, text: str, right: float, top: float, size: float) -> float:
    """White-on-black box ending at `right` (solid black survives thermal heads); its width."""
    line = line_of(text, size, p.fonts, bold=True)
    pad = size * 0.45
    width = line.width + 2 * pad
    height = p.layout.leading(size) + pad
    p.filled_box(right - width, top, width, height)
    p.canvas.setFillGray(1)
    p.lines([line], right - width + pad, top + pad * 0.6)
    p.canvas.setFillGray(0)
    return width


def footer(p: Painter, left_text: str, page: int, pages: int) -> None:
    """The rule, what this document is, and "Page n of N" at the foot of every page."""
    layout = p.layout
    size = layout.small_size
    top = layout.height - layout.margin - layout.footer_height + 3
    p.hline(layout.margin, layout.width - layout.margin, top, weight=0.5)
    page_line = line_of(f"Page {page} of {pages}", size, p.fonts, bold=True)
    p.lines([page_line], layout.margin, top + 3, width=layout.content_width, align="right")
    room = layout.content_width - page_line.width - 10
    p.lines(wrap(left_text, room, size, p.fonts, max_lines=1), layout.margin, top + 3)
