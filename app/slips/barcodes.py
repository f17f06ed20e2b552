"""Code 128 symbols sized to scan from a 203-dpi thermal head as well as from a laser page.

reportlab's Code128 does the encoding (with its set-C packing of digit runs); the bars are
drawn here so that each module is a whole number of printer dots and the symbol starts on a
dot boundary: a 203-dpi rasteriser then never rounds one bar wider than its neighbour.
"""
from __future__ import annotations

from dataclasses import dataclass
from string import ascii_lowercase, ascii_uppercase

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from app.slips.layout import THERMAL_DOT

QUIET_MODULES = 10  # the Code 128 minimum quiet zone on each side


@dataclass(frozen=True)
class Symbol:
    value: str
    module: float  # points per narrow bar
    bars: tuple[tuple[int, int], ...]  # (start, width) in modules, from the left quiet zone's end
    modules: int  # bars and spaces, without quiet zones

    @property
    def operators(self) -> str:
        """The bars as PDF path operators in a (module x bar height) unit square: whole numbers
        only, so the stream is exact and cheap to write (reportlab's number formatting is the
        slowest part of a slip without its C accelerator)."""
        return " ".join(f"{start} 0 {n} 1 re" for start, n in self.bars) + " f"

    @property
    def width(self) -> float:
        """Including both quiet zones: nothing else may be printed inside this width."""
        return (self.modules + 2 * QUIET_MODULES) * self.module


def encodable(value: str) -> bool:
    return bool(value) and value.isascii() and value.isprintable()


def symbol(value: str, module: float) -> Symbol | None:
    """The bars for value, or None when Code 128 cannot carry it (empty or non-ASCII): reportlab
    would silently drop such characters and print a barcode that scans as something else."""
    if not encodable(value):
        return None
    code = Code128(value, barWidth=module, quiet=0)
    code.validate()
    code.encode()
    pattern = code.decompose()
    bars: list[tuple[int, int]] = []
    pos = 0
    for c in pattern:
        if c in ascii_uppercase:
            n = ord(c) - ord("A") + 1
            bars.append((pos, n))
        elif c in ascii_lowercase:
            n = ord(c) - ord("a") + 1
        else:  # pragma: no cover - Code128 emits only letters
            continue
        pos += n
    return Symbol(value=value, module=module, bars=tuple(bars), modules=pos)


def draw(canvas: Canvas, sym: Symbol, left: float, bottom: float, height: float) -> None:
    """Bars of sym with its left quiet zone starting at `left` (PDF coordinates)."""
    x0 = round((left + QUIET_MODULES * sym.module) / THERMAL_DOT) * THERMAL_DOT
    canvas.saveState()
    canvas.transform(sym.module, 0, 0, height, x0, bottom)
    canvas.addLiteral(sym.operators)
    canvas.restoreState()
