"""The fonts slips print with, and per-character fallback for glyphs DejaVu lacks.

DejaVu Sans covers Latin (accents included), Greek, Cyrillic, Hebrew and Arabic presentation
forms; Droid Sans Fallback (TrueType outlines, so reportlab can embed and subset it) covers CJK;
Symbola covers emoji and symbols in monochrome (colour emoji fonts are bitmaps reportlab cannot
embed). The fallback fonts are 3-4 MB each, so each is registered only when a slip first needs it.

reportlab's font registry is process-global: registration is the one piece of module state
here, done once and guarded by a lock. Everything else is read-only after that. The same
one-time setup turns off reportlab's ASCII85 stream encoding (process-wide): PDF streams are
binary-safe, and A85 makes files 25% bigger and costs ~1 s per 1,000 pages without rl_accel.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import resources_dir

REGULAR = "PackDesk-Sans"
BOLD = "PackDesk-Sans-Bold"
FALLBACK = "PackDesk-Fallback"
SYMBOLS = "PackDesk-Symbols"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    FALLBACK: "DroidSansFallbackFull.ttf",
    SYMBOLS: "Symbola.ttf",
}
# Tried in this order for a character the main font lacks.
FALLBACK_CHAIN = (FALLBACK, SYMBOLS)

_lock = threading.Lock()
_registered: dict[str, frozenset[int]] = {}  # font name -> code points it has glyphs for


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def _register(name: str) -> frozenset[int]:
    with _lock:
        covered = _registered.get(name)
        if covered is None:
            rl_config.useA85 = 0
            font = TTFont(name, str(fonts_dir() / _FILES[name]))
            pdfmetrics.registerFont(font)
            covered = _registered[name] = frozenset(font.face.charToGlyph)
        return covered


def _fallback_for(code_point: int) -> str | None:
    """The first fallback font with a glyph for the character (later ones loaded only if
    needed)."""
    for name in FALLBACK_CHAIN:
        if code_point in (_registered.get(name) or _register(name)):
            return name
    return None


@dataclass(frozen=True)
class FontSet:
    """Font names and coverage; cheap to pass around, safe to share between renders."""

    regular: frozenset[int]
    bold: frozenset[int]

    @classmethod
    def load(cls) -> FontSet:
        return cls(regular=_register(REGULAR), bold=_register(BOLD))

    @staticmethod
    def name(bold: bool) -> str:
        return BOLD if bold else REGULAR

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, str]]:
        """Split text into (text, font name) runs: DejaVu where it has the glyph, else the first
        font of the fallback chain that has it.

        A character no font has stays in DejaVu (it prints as a box rather than vanishing).
        """
        main = self.name(bold)
        if text.isascii():  # the common case, and all DejaVu
            return [(text, main)] if text else []
        covered = self.bold if bold else self.regular
        runs: list[tuple[str, str]] = []
        start, current = 0, main
        for i, ch in enumerate(text):
            font = main
            if ord(ch) not in covered and not ch.isspace():
                font = _fallback_for(ord(ch)) or main
            if font != current:
                if i > start:
                    runs.append((text[start:i], current))
                start, current = i, font
        if start < len(text):
            runs.append((text[start:], current))
        return runs

    def width(self, text: str, size: float, bold: bool = False) -> float:
        if text.isascii():
            return pdfmetrics.stringWidth(text, self.name(bold), size)
        return sum(pdfmetrics.stringWidth(t, f, size) for t, f in self.runs(text, bold))
