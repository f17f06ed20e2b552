"""Windows and dialogs sized for the screen they open on: never taller or wider than it.

A station may be a 1024×700 laptop or a 1280×720 panel; a dialog asking for 960 px there would
put its buttons below the screen's edge.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MARGIN = 24  # room for the window frame and title bar the window manager adds


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The usable area (without task bars) of the widget's screen, or the primary screen's."""
    screen = None
    if widget is not None:
        anchor = widget.parentWidget() or widget
        screen = anchor.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fitted(wanted: QSize, area: QRect) -> QSize:
    """`wanted`, shrunk to fit inside `area` less the window frame."""
    return QSize(max(1, min(wanted.width(), area.width() - MARGIN)),
                 max(1, min(wanted.height(), area.height() - 2 * MARGIN)))


def resize_to_screen(widget: QWidget, width: int, height: int) -> None:
    """resize(width, height), clamped to the available screen geometry."""
    area = available_geometry(widget)
    size = fitted(QSize(width, height), area)
    # A minimum size larger than the screen would win over resize(): cap it too.
    minimum = widget.minimumSize()
    widget.setMinimumSize(min(minimum.width(), size.width()),
                          min(minimum.height(), size.height()))
    widget.resize(size)
