"""The Qt user interface (the only package that imports PySide6)."""
from app.ui.pyside_refcounts import make_singletons_immortal

make_singletons_immortal()
