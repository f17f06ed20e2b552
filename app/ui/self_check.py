"""The Qt part of `packdesk --self-test`: can this installation load the GUI's Qt modules?

`app.self_test` (Qt-free) imports this module inside its Qt check, so the only PySide6 imports
stay inside app/ui. PySide6 is imported inside the function too: importing this module costs
nothing, and the PyInstaller spec reads QT_MODULES from here to decide which Qt modules a bundle
keeps.
"""
from __future__ import annotations

from pathlib import Path
from typing import cast

# Every Qt module the GUI may use. The installer bundle keeps these and excludes all others,
# so a module added to the GUI must be added here (the bundle's self-test then proves it ships).
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtSvg")
_PLUGIN_SUFFIXES = {".so", ".dll", ".dylib"}


def check_qt(icon: Path) -> str:
    """Import QT_MODULES, start an offscreen QApplication and load the app icon.

    Offscreen so the check also runs over SSH or in CI; the platform plugins that a real window
    would use are listed, so a bundle missing `xcb` (or `windows`, `cocoa`) is visible.
    Raises on any failure; returns a one-line description.
    """
    # Plain imports (lint-imports sees them); the names must stay those of QT_MODULES.
    import PySide6
    from PySide6 import QtCore, QtGui, QtPdf, QtPdfWidgets, QtPrintSupport, QtSvg, QtWidgets

    modules = (QtCore, QtGui, QtPdf, QtPdfWidgets, QtPrintSupport, QtSvg, QtWidgets)
    imported = sorted(m.__name__.removeprefix("PySide6.") for m in modules)
    if imported != sorted(QT_MODULES):
        raise RuntimeError(f"the check imports {imported}, QT_MODULES lists {sorted(QT_MODULES)}")
    from PySide6.QtCore import QCoreApplication, qVersion
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    # An existing instance (the GUI's tests run in the same process) is reused: Qt allows one.
    # instance() is typed QCoreApplication; only a QApplication is ever made in this process
    app = (cast(QApplication, QApplication.instance())
           or QApplication(["packdesk", "-platform", "offscreen"]))
    if QIcon(str(icon)).isNull():
        raise RuntimeError(f"the app icon {icon} does not load")
    platforms = _platform_plugins(QCoreApplication.libraryPaths())
    return (f"PySide6 {PySide6.__version__} (Qt {qVersion()}) on {app.platformName()}: "
            f"{len(modules)} modules ({', '.join(QT_MODULES)}); "
            f"platform plugins: {', '.join(platforms) or 'none found'}")


def _platform_plugins(library_paths: list[str]) -> list[str]:
    """Names of the platform plugins Qt can find, e.g. ['offscreen', 'wayland', 'xcb']."""
    names: set[str] = set()
    for folder in library_paths:
        for plugin in (Path(folder) / "platforms").glob("*"):
            if plugin.suffix in _PLUGIN_SUFFIXES:  # skip .debug files and the like
                names.add(plugin.name.split(".")[0].removeprefix("lib").removeprefix("q"))
    return sorted(names)
