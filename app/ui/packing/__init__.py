"""The packing view and scan-to-verify: PackingWindow, the scanner listener, scan sounds.

Loaded on first use: the main window only needs the scanner listener at start-up.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.ui.packing.scanner import ScanListener
    from app.ui.packing.sounds import ScanSounds
    from app.ui.packing.window import PackingWindow

__all__ = ["PackingWindow", "ScanListener", "ScanSounds"]

_WHERE = {"PackingWindow": "app.ui.packing.window", "ScanListener": "app.ui.packing.scanner",
          "ScanSounds": "app.ui.packing.sounds"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
