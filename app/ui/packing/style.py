"""The packing view's look, in one style sheet set once on the window.

Per-widget setStyleSheet() re-resolves styles for the whole subtree (milliseconds each); state
changes (active panel, shipment state, banner colour) flip a dynamic property and re-polish.
"""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.packing.banner import COLOURS

STATE_COLOURS = {  # shipment state chip: background, text
    "open": ("#e3f2fd", "#0d47a1"),
    "packed": ("#e8f5e9", "#1b5e20"),
    "shipped": ("#eceff1", "#37474f"),
    "void": ("#fbe9e7", "#bf360c"),
}
ORDER_STATE_COLOURS = {"open": "#0d47a1", "partially_shipped": "#e65100",
                       "shipped": "#1b5e20"}


def repolish(*widgets: QWidget) -> None:
    for widget in widgets:
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def _banner_rules() -> str:
    rules = ["QFrame#feedbackBanner { border-radius: 6px; }"]
    for kind, (background, colour) in COLOURS.items():
        rules.append(f'QFrame#feedbackBanner[kind="{kind}"] {{ background: {background}; }}')
        rules.append(f'QFrame#feedbackBanner[kind="{kind}"] QLabel {{ color: {colour}; }}')
    return "\n".join(rules)


def _state_rules() -> str:
    rules = ["QLabel#shipmentState { font-weight: 700; padding: 2px 8px; border-radius: 9px; }"]
    for state, (background, colour) in STATE_COLOURS.items():
        rules.append(f'QLabel#shipmentState[state="{state}"] {{ background: {background};'
                     f" color: {colour}; }}")
    rules.append("QLabel#orderState { color: white; padding: 2px 10px; border-radius: 9px;"
                 " font-weight: 600; }")
    for state, colour in ORDER_STATE_COLOURS.items():
        rules.append(f'QLabel#orderState[state="{state}"] {{ background: {colour}; }}')
    return "\n".join(rules)


PACKING_STYLE = "\n".join([
    "QWidget#packingWindow, QWidget#panelsHost { background: #f5f7f8; }",
    ("QFrame#shipmentPanel { background: white; border: 1px solid #cfd8dc;"
     " border-radius: 8px; }"),
    'QFrame#shipmentPanel[active="true"] { border: 2px solid #1e88e5; }',
    "QLabel#shipmentName, QLabel#weightHint, QLabel#extrasLabel { color: #78909c; }",
    "QLabel#customerLabel { color: #455a64; }",
    "QLabel#packingEmpty { color: #78909c; font-size: 15px; }",
    ("QLabel#panelError { background: #ffebee; color: #b71c1c; padding: 6px;"
     " border-radius: 4px; }"),
    "QLabel#panelBusy { color: #0d47a1; font-weight: 600; }",
    'QLabel#shipmentProgress[complete="true"] { color: #1b5e20; font-weight: 600; }',
    'QLabel#shipmentProgress[complete="false"] { color: #b26a00; }',
    ("QLabel#unverifiedNote { background: #fff8e1; color: #e65100; padding: 4px;"
     " border-radius: 4px; }"),
    ("QLabel#interruptionLabel { background: #fff8e1; color: #e65100;"
     " border: 1px solid #ffb300; padding: 6px; border-radius: 4px; }"),
    ("QPushButton#shipButton { background: #2e7d32; color: white; font-weight: 600;"
     " padding: 7px 16px; border-radius: 4px; border: none; }"),
    "QPushButton#shipButton:disabled { background: #a5d6a7; }",
    "QTableWidget#linesTable { border: none; }",
    "QTableWidget#linesTable::item:selected { background: #bbdefb; color: black; }",
    "QFrame#newShipmentZone { border: 2px dashed #b0bec5; border-radius: 8px; }",
    "QFrame#newShipmentZone QLabel { color: #78909c; }",
    _banner_rules(),
    _state_rules(),
])
