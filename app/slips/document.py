"""Pages from blocks: the pagination and batch loop shared by packing slips and pick lists.

A document is a series of sections (one per shipment, or the one pick list); each section has
a header drawn on every one of its pages (with "Page n of N") and body blocks that flow below
it. Blocks are measured before anything is drawn, so the page count is known up front.

Thread safety: reportlab is not thread-safe. Render on ONE PDF worker thread (the app's PDF
pool has a single thread); nothing here is shared between calls except registered fonts.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from app.errors import PackDeskError
from app.slips.fonts import FontSet
from app.slips.layout import Layout
from app.slips.painter import Painter

Draw = Callable[[Painter, float, float], None]  # (painter, x, top)
Progress = Callable[[int, int], None]


class SlipsCancelled(PackDeskError):
    """The person cancelled printing; no file was written."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"Printing cancelled after {done} of {total}; nothing was saved.")
        self.done = done
        self.total = total


@dataclass(frozen=True)
class Block:
    height: float
    draw: Draw
    keep_with_next: bool = False  # titles stay with what they introduce
    # Drawn above this block when it starts a continuation page (a table's column header).
    repeat: Block | None = None


@dataclass
class Section:
    header_height: float  # the header's height on every page (footer is the layout's)
    draw_header: Callable[[Painter, int, int], None]  # (painter, page n, page count N)
    blocks: list[Block] = field(default_factory=list)


def paginate(blocks: list[Block], body_height: float) -> list[list[Block]]:
    """Greedy page filling; keep_with_next chains move to the next page together, and a
    block that starts a continuation page brings its `repeat` block with it."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    i = 0
    while i < len(blocks):
        j = i  # the chain i..j must stay together
        while j < len(blocks) - 1 and blocks[j].keep_with_next:
            j += 1
        chain = blocks[i:j + 1]
        need = sum(b.height for b in chain)
        if pages[-1] and used + need > body_height:
            pages.append([])
            used = 0.0
        page = pages[-1]
        for block in chain:
            if not page and len(pages) > 1 and block.repeat is not None:
                page.append(block.repeat)
                used += block.repeat.height
            if page and used + block.height > body_height:  # a chain longer than a page
                pages.append([])
                page, used = pages[-1], 0.0
                if block.repeat is not None:
                    page.append(block.repeat)
                    used += block.repeat.height
            page.append(block)
            used += block.height
        i = j + 1
    return pages


def render(sections: Iterable[Callable[[Painter], Section]], count: int, layout: Layout,
           out: str | Path | BinaryIO, *, title: str, reverse: bool = False,
           progress: Progress | None = None, cancel: threading.Event | None = None) -> int:
    """Build each section, lay it out and draw it; returns the page count.

    `sections` yields builders (called with the painter, for image sizes). With `reverse` the
    caller passes them last-first and each section's pages are drawn last-first too.
    """
    canvas = Canvas(str(out) if isinstance(out, (str, Path)) else out,
                    pagesize=(layout.width, layout.height), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("PackDesk")
    painter = Painter(canvas, layout, FontSet.load())
    pages = 0
    for done, build in enumerate(_checked(sections, count, cancel)):
        pages += _draw_section(painter, build(painter), reverse)
        if progress is not None:
            progress(done + 1, count)
    if pages == 0:  # an empty batch still makes a valid, one-page PDF
        canvas.showPage()
        pages = 1
    canvas.save()
    return pages


def _checked(items: Iterable[Callable[[Painter], Section]], count: int,
             cancel: threading.Event | None) -> Iterator[Callable[[Painter], Section]]:
    for done, item in enumerate(items):
        if cancel is not None and cancel.is_set():
            raise SlipsCancelled(done, count)
        yield item


def _draw_section(painter: Painter, section: Section, reverse: bool) -> int:
    layout = painter.layout
    body_top = layout.margin + section.header_height
    body_height = layout.height - layout.margin - layout.footer_height - body_top
    pages = paginate(section.blocks, body_height)
    order = range(len(pages) - 1, -1, -1) if reverse else range(len(pages))
    for index in order:
        section.draw_header(painter, index + 1, len(pages))
        y = body_top
        for block in pages[index]:
            block.draw(painter, layout.margin, y)
            y += block.height
        painter.canvas.showPage()
    return len(pages)
