"""Drawing primitives for slips, in top-down coordinates (y = points below the page's top edge).

One Painter lives for one render call: it owns the canvas and the per-document image cache.
Images are loaded once, shrunk with Pillow (product photos can be huge) and stored in the PDF
once, as form XObjects, however many pages show them.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.slips import barcodes
from app.slips.fonts import REGULAR, FontSet
from app.slips.layout import Layout
from app.slips.model import ImagePath
from app.slips.text import TextLine

log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 600  # longest side kept: ~300 dpi at a 2-inch logo


@dataclass(frozen=True)
class _Form:
    name: str
    width: int  # pixels
    height: int


class Painter:
    def __init__(self, canvas: Canvas, layout: Layout, fonts: FontSet) -> None:
        self.canvas = canvas
        self.layout = layout
        self.fonts = fonts
        self._forms: dict[str, _Form | None] = {}

    # --- text -----------------------------------------------------------------------------
    def lines(self, lines: Iterable[TextLine], x: float, top: float, *, width: float = 0,
              align: str = "left", leading: float | None = None) -> float:
        """Draw wrapped lines from `top`; returns the height used. Alignment needs `width`."""
        y = top
        for line in lines:
            step = leading or self.layout.leading(line.size)
            baseline = self.layout.height - (y + line.size * 0.93)
            if align == "right":
                cx = x + width - line.width
            elif align == "center":
                cx = x + (width - line.width) / 2
            else:
                cx = x
            last = len(line.runs) - 1
            for i, (text, font) in enumerate(line.runs):
                self.canvas.setFont(font, line.size)
                self.canvas.drawString(cx, baseline, text)
                if i < last:
                    cx += self.canvas.stringWidth(text, font, line.size)
            y += step
        return y - top

    # --- rules and boxes ------------------------------------------------------------------
    def hline(self, x1: float, x2: float, y: float, weight: float = 0.6) -> None:
        self.canvas.setLineWidth(weight)
        self.canvas.line(x1, self.layout.height - y, x2, self.layout.height - y)

    def box(self, x: float, top: float, width: float, height: float, weight: float = 0.8) -> None:
        self.canvas.setLineWidth(weight)
        self.canvas.rect(x, self.layout.height - top - height, width, height, stroke=1, fill=0)

    def filled_box(self, x: float, top: float, width: float, height: float) -> None:
        self.canvas.rect(x, self.layout.height - top - height, width, height, stroke=0, fill=1)

    # --- barcodes -------------------------------------------------------------------------
    def barcode(self, sym: barcodes.Symbol, x: float, top: float, height: float) -> None:
        barcodes.draw(self.canvas, sym, x, self.layout.height - top - height, height)

    # --- images ---------------------------------------------------------------------------
    def image_size(self, path: ImagePath | None, max_w: float, max_h: float
                   ) -> tuple[float, float] | None:
        """Size the image would print at inside (max_w, max_h), or None if it cannot be read."""
        form = self._form(path)
        if form is None:
            return None
        scale = min(max_w / form.width, max_h / form.height)
        return form.width * scale, form.height * scale

    def image(self, path: ImagePath | None, x: float, top: float, max_w: float, max_h: float
              ) -> tuple[float, float] | None:
        """Draw the image scaled to fit, top-left aligned; None (and nothing drawn) on failure."""
        size = self.image_size(path, max_w, max_h)
        form = self._form(path)
        if size is None or form is None:
            return None
        w, h = size
        c = self.canvas
        c.saveState()
        c.translate(x, self.layout.height - top - h)
        c.scale(w / form.width, h / form.height)
        c.doForm(form.name)
        c.restoreState()
        return size

    def _form(self, path: ImagePath | None) -> _Form | None:
        if not path:
            return None
        key = str(path)
        if key not in self._forms:
            self._forms[key] = self._load(key, f"img{len(self._forms)}")
        return self._forms[key]

    def _load(self, path: str, name: str) -> _Form | None:
        try:
            with Image.open(Path(path)) as raw:
                img = ImageOps.exif_transpose(raw)
                img.thumbnail((MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS))
                if img.mode in ("RGBA", "LA", "P"):
                    img = img.convert("RGBA")
                    white = Image.new("RGB", img.size, "white")
                    white.paste(img, mask=img.getchannel("A"))
                    img = white
                elif img.mode not in ("RGB", "L"):
                    img = img.convert("RGB")
                img.load()
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            log.warning("Slip image %s cannot be read: %s", path, exc)
            return None
        c = self.canvas
        c.beginForm(name, 0, 0, img.width, img.height)
        c.drawImage(ImageReader(img), 0, 0, img.width, img.height)
        c.endForm()
        return _Form(name, img.width, img.height)

    # --- convenience ----------------------------------------------------------------------
    def centred_ascii(self, text: str, x_center: float, top: float, size: float) -> None:
        """Barcode human-readable text (always ASCII, so DejaVu alone)."""
        self.canvas.setFont(REGULAR, size)
        self.canvas.drawCentredString(x_center, self.layout.height - top - size * 0.93, text)
