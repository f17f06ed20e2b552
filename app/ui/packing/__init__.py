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


def __getattr__(name: str) -> Any:
    # Plain imports (not importlib) so that lint-imports sees these dependencies.
    if name == "PackingWindow":
        from app.ui.packing.window import PackingWindow
        return PackingWindow
    if name == "ScanListener":
        from app.ui.packing.scanner import ScanListener
        return ScanListener
    if name == "ScanSounds":
        from app.ui.packing.sounds import ScanSounds
        return ScanSounds
    raise AttributeError(name)
