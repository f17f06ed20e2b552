"""Store text made printable: cleaned, wrapped, reordered for right-to-left scripts, font-split.

Slips are drawn on the canvas directly, never through Paragraph markup, so store text cannot
be interpreted as markup at all. `markup_safe` exists for any future Paragraph use.

Right-to-left: reportlab 5's own bidi needs `rlbidi` (not on PyPI) and its shaping needs
uharfbuzz, so neither is used. Instead Arabic is reshaped into presentation forms
(arabic-reshaper; DejaVu has those glyphs) and each wrapped line is reordered for display
(python-bidi). Without those two packages RTL text prints in logical order, unshaped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

from app.slips.fonts import FontSet

try:  # optional: see the module docstring
    from arabic_reshaper import reshape as _reshape
    from bidi import get_display as _get_display
except ImportError:  # pragma: no cover - exercised only where the packages are missing
    _reshape = _get_display = None

# Control characters, and the bidi overrides/isolates a hostile note could use to reorder
# what a packer reads; newlines are handled by the caller (they split paragraphs).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_TOKENS = re.compile(r"\s+|\S+")


def markup_safe(text: str) -> str:
    """Store text for a reportlab Paragraph: every <, > and & printed literally."""
    return escape(clean(text))


def clean(text: str | None) -> str:
    """One line of store text: controls dropped, whitespace runs (tabs, newlines) made spaces."""
    if not text:
        return ""
    text = _UNPRINTABLE.sub("", unicodedata.normalize("NFC", str(text)).replace("\t", " "))
    return " ".join(text.split())


def paragraphs(text: str | None) -> list[str]:
    """Multi-line store text (notes): its lines, cleaned, blank runs collapsed to one."""
    out: list[str] = []
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = clean(raw)
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


@dataclass(frozen=True)
class TextLine:
    """One printed line: (text, font name) runs in visual order and its width in points."""

    runs: tuple[tuple[str, str], ...]
    width: float
    size: float


def _visual(line: str) -> str:
    if _get_display is None or not _RTL.search(line):
        return line
    return _get_display(line)


def wrap(text: str, width: float, size: float, fonts: FontSet, *, bold: bool = False,
         max_lines: int | None = None) -> list[TextLine]:
    """Greedy word wrap to `width` points; words wider than a line (CJK runs, long SKUs) break
    between characters. With `max_lines`, the last kept line ends with an ellipsis."""
    text = clean(text)
    if not text:
        return []
    if _reshape is not None and _ARABIC.search(text):
        text = _reshape(text)
    # Widths add up (reportlab applies no kerning), so each token is measured once.
    lines: list[str] = []
    current, used = "", 0.0
    for token in _TOKENS.findall(text):
        if token.isspace():
            token = " "
        w = fonts.width(token, size, bold)
        if token == " ":
            if current:  # a space only counts if a word follows it on the same line
                current, used = current + " ", used + w
            continue
        if (used + w <= width or not current) and w <= width:
            current, used = current + token, used + w
            continue
        if current.strip():
            lines.append(current.rstrip())
        current, used = "", 0.0
        while w > width:
            cut = _fit(token, width, size, fonts, bold)
            lines.append(token[:cut])
            token = token[cut:]
            w = fonts.width(token, size, bold)
        current, used = token, w
    if current.strip():
        lines.append(current.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and fonts.width(last + "…", size, bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return [line_of(line, size, fonts, bold=bold) for line in lines if line]


def line_of(text: str, size: float, fonts: FontSet, *, bold: bool = False) -> TextLine:
    """An unwrapped line (already clean), reordered for display and split into font runs."""
    runs = tuple(fonts.runs(_visual(text), bold))
    return TextLine(runs=runs, width=fonts.width(text, size, bold), size=size)


def _fit(token: str, width: float, size: float, fonts: FontSet, bold: bool) -> int:
    """How many leading characters of token fit in width (at least one, so wrapping ends)."""
    lo, hi = 1, len(token)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fonts.width(token[:mid], size, bold) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo
