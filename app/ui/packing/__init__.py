"""The packing view and scan-to-verify: PackingWindow, the scanner listener, scan sounds."""
from app.ui.packing.scanner import ScanListener
from app.ui.packing.sounds import ScanSounds
from app.ui.packing.window import PackingWindow

__all__ = ["PackingWindow", "ScanListener", "ScanSounds"]
