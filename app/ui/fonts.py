"""Fonts the screen needs beyond the system's: Symbola, so emoji and symbols in store text
(customer notes, product names) show as glyphs instead of empty boxes on stations without an
emoji font. The same file is the slips' last fallback (app/slips/fonts.py)."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtGui import QFontDatabase

from app.paths import resources_dir

log = logging.getLogger(__name__)

SYMBOLS_FILE = "Symbola.ttf"


def install_fonts(system_families: Iterable[str] | None = None) -> str | None:
    """Register the bundled symbols font (a fallback for every font), and make it the emoji
    font when the system has none; returns its family, or None if it could not be loaded."""
    families = list(system_families if system_families is not None
                    else QFontDatabase.families())
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / SYMBOLS_FILE))
    if font_id < 0:
        log.warning("Could not load the bundled font %s: emoji may show as boxes", SYMBOLS_FILE)
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    # A colour emoji font of the system's looks better: use ours only where there is none.
    if not any("emoji" in f.lower() for f in families):
        QFontDatabase.addApplicationEmojiFontFamily(family)
    return family
