"""Fonts the screen needs beyond the system's, the same files the slips fall back to
(app/slips/fonts.py): Droid Sans Fallback for CJK and Symbola for emoji and symbols, so store
text (names, companies, notes) shows as glyphs instead of empty boxes on stations without
those fonts. Registering both costs about 4 ms at start-up."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtGui import QFontDatabase

from app.paths import resources_dir

log = logging.getLogger(__name__)

CJK_FILE = "DroidSansFallbackFull.ttf"
SYMBOLS_FILE = "Symbola.ttf"


def install_fonts(system_families: Iterable[str] | None = None) -> str | None:
    """Register the bundled fallback fonts (used for any glyph the chosen font lacks), and make
    the symbols font the emoji font when the system has none; returns the symbols font's
    family, or None if it could not be loaded."""
    families = list(system_families if system_families is not None
                    else QFontDatabase.families())
    if QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / CJK_FILE)) < 0:
        log.warning("Could not load the bundled font %s", CJK_FILE)
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / SYMBOLS_FILE))
    if font_id < 0:
        log.warning("Could not load the bundled font %s: emoji may show as boxes", SYMBOLS_FILE)
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    # A colour emoji font of the system's looks better: use ours only where there is none.
    if not any("emoji" in f.lower() for f in families):
        QFontDatabase.addApplicationEmojiFontFamily(family)
    return family
