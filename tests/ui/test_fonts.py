"""Emoji and CJK on screen: drawn with the bundled fonts, not as empty boxes."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QLabel

from app.ui.fonts import install_fonts


def _ink(qtbot, text: str) -> list[int]:
    label = QLabel(text)
    qtbot.addWidget(label)
    label.resize(120, 40)
    image = label.grab().toImage()
    return [x * 1000 + y for y in range(image.height()) for x in range(image.width())
            if QColor(image.pixel(x, y)).lightness() < 128]


def test_emoji_are_drawn_not_boxes(qtbot):
    family = install_fonts()
    assert family == "Symbola"
    for text in ("📦", "🎁", "⭐", "株式会社"):  # emoji, and a company name in Japanese
        # A code point no font has draws the "missing glyph" box: as many boxes as characters.
        assert _ink(qtbot, text) != _ink(qtbot, "\U000E0FFF" * len(text)), text


def test_the_system_emoji_font_is_preferred_when_there_is_one(qapp):  # fonts need a QApplication
    before = list(QFontDatabase.applicationEmojiFontFamilies())
    install_fonts(["DejaVu Sans", "Noto Color Emoji"])
    assert list(QFontDatabase.applicationEmojiFontFamilies()) == before
