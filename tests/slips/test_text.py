"""Store text: cleaning, wrapping, font fallback and right-to-left display order."""
from __future__ import annotations

import pytest

from app.slips.fonts import BOLD, FALLBACK, REGULAR, SYMBOLS, FontSet
from app.slips.text import clean, markup_safe, paragraphs, wrap


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return FontSet.load()


def test_clean_drops_controls_and_bidi_overrides() -> None:
    assert clean("a\tb\x00c\u202ed\r\ne  f") == "a bcd e f"
    assert clean(None) == ""


def test_paragraphs_keep_single_blank_lines() -> None:
    assert paragraphs("one\r\n\r\n\r\ntwo\n\n") == ["one", "", "two"]
    assert paragraphs("   \n ") == []


def test_markup_safe_escapes_everything() -> None:
    assert markup_safe('<b>x</b> &amp; <font name="x">') == \
        '&lt;b&gt;x&lt;/b&gt; &amp;amp; &lt;font name="x"&gt;'


def test_wrap_fits_width_and_keeps_every_character(fonts: FontSet) -> None:
    text = " ".join(["packing"] * 60) + " " + "X" * 400
    lines = wrap(text, 200, 9, fonts)
    assert all(line.width <= 200 + 0.01 for line in lines)
    joined = "".join(t for line in lines for t, _ in line.runs)
    assert joined.replace(" ", "") == text.replace(" ", "")


def test_wrap_max_lines_adds_ellipsis(fonts: FontSet) -> None:
    lines = wrap("word " * 100, 100, 9, fonts, max_lines=2)
    assert len(lines) == 2 and lines[-1].runs[-1][0].endswith("…")
    assert lines[-1].width <= 100


def test_latin_greek_cyrillic_stay_in_dejavu(fonts: FontSet) -> None:
    for text in ("Ångström Ñandú Łódź", "Ζωή Παπαδοπούλου", "Иван Петров"):
        assert fonts.runs(text) == [(text, REGULAR)]
        assert fonts.runs(text, bold=True) == [(text, BOLD)]


def test_cjk_falls_back_per_character(fonts: FontSet) -> None:
    assert fonts.runs("Mug 漢字かな ok") == [("Mug ", REGULAR), ("漢字かな", FALLBACK),
                                         (" ok", REGULAR)]


def test_cjk_without_spaces_wraps_between_characters(fonts: FontSet) -> None:
    text = "漢字" * 80
    lines = wrap(text, 120, 9, fonts)
    assert len(lines) > 1 and all(line.width <= 120.01 for line in lines)
    assert "".join(t for line in lines for t, _ in line.runs) == text


def test_hebrew_line_is_in_visual_order(fonts: FontSet) -> None:
    (line,) = wrap("שלום", 300, 9, fonts)
    assert "".join(t for t, _ in line.runs) == "םולש"


def test_arabic_is_shaped_into_presentation_forms(fonts: FontSet) -> None:
    (line,) = wrap("مرحبا", 300, 9, fonts)
    shown = "".join(t for t, _ in line.runs)
    assert len(shown) == 5
    assert all("\ufe70" <= ch <= "\ufeff" for ch in shown)  # contextual forms, DejaVu has them
    assert all(font == REGULAR for _, font in line.runs)


def test_mixed_rtl_and_latin_keeps_latin_readable(fonts: FontSet) -> None:
    (line,) = wrap("Socks שלום size M", 300, 9, fonts)
    shown = "".join(t for t, _ in line.runs)
    assert shown.startswith("Socks ") and shown.endswith(" size M") and "םולש" in shown


def test_emoji_print_with_the_symbols_font_not_as_boxes() -> None:
    runs = FontSet.load().runs("Gift 🎁 ⭐ for Zoë 📦")
    assert [font for text, font in runs if text.strip() in ("🎁", "⭐", "📦")] == [SYMBOLS] * 3
    assert "".join(text for text, _ in runs) == "Gift 🎁 ⭐ for Zoë 📦"
