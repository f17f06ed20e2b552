"""Page sizes and the measurements each one prints with.

4x6 is thermal label stock at 203 dpi: a compact layout (smaller logo, fewer columns, options
under the item name) and no grey, which a thermal head can only dither.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch

from app.slips.model import PageSize

THERMAL_DOT = 72 / 203  # one dot of a 203-dpi print head, in points


@dataclass(frozen=True)
class Layout:
    page_size: PageSize
    width: float
    height: float
    margin: float
    compact: bool
    body_size: float  # points
    small_size: float
    title_size: float
    logo_width: float
    logo_height: float
    thumbnail: float  # square box for line images
    bar_module: float  # Code 128 narrow bar, a whole number of 203-dpi dots
    bar_height: float
    footer_height: float

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    def leading(self, size: float) -> float:
        return size * 1.22


_FULL = dict(margin=0.45 * inch, compact=False, body_size=9.0, small_size=7.8, title_size=14.0,
             logo_width=1.7 * inch, logo_height=0.75 * inch, thumbnail=0.5 * inch,
             bar_module=3 * THERMAL_DOT, bar_height=0.5 * inch, footer_height=18.0)

LAYOUTS: dict[PageSize, Layout] = {
    PageSize.LETTER: Layout(PageSize.LETTER, *LETTER, **_FULL),
    PageSize.A4: Layout(PageSize.A4, *A4, **_FULL),
    # Thermal printers lose ~0.1 in at each edge; 2-dot modules keep both barcodes side by side.
    PageSize.LABEL_4X6: Layout(PageSize.LABEL_4X6, 4 * inch, 6 * inch, margin=0.15 * inch,
                               compact=True, body_size=7.6, small_size=6.8, title_size=10.5,
                               logo_width=0.9 * inch, logo_height=0.4 * inch,
                               thumbnail=0.36 * inch, bar_module=2 * THERMAL_DOT,
                               bar_height=0.5 * inch, footer_height=12.0),
}


def layout_for(page_size: PageSize | str) -> Layout:
    return LAYOUTS[PageSize(page_size)]
