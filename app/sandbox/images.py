"""Small PNG tiles for product pictures and store logos, made with Pillow and cached."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw


@lru_cache(maxsize=512)
def tile(label: str, size: int = 160) -> bytes:
    """A coloured square (colour derived from the label) with the label written on it."""
    size = max(16, min(size, 512))
    digest = hashlib.sha256(label.encode()).digest()
    colour = (64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160)
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((2, 2, size - 3, size - 3), outline=(255, 255, 255), width=2)
    draw.text((8, size // 2 - 6), label[:20], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
