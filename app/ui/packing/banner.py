"""The scan feedback banner: one big line a packer reads from a metre away.

Green for a unit that belongs, red for a wrong item or an error, amber for one too many, a deep
green when the shipment is packed. Scanned values are shown as typed (PlainText). The colours
come from the window's style sheet (style.py), keyed by the `kind` property.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

IDLE, INFO, OK, WRONG, OVER, PACKED, ERROR = ("idle", "info", "ok", "wrong", "over", "packed",
                                             "error")

COLOURS = {  # background, text
    IDLE: ("#eceff1", "#37474f"),
    INFO: ("#e3f2fd", "#0d47a1"),
    OK: ("#2e7d32", "#ffffff"),
    PACKED: ("#1b5e20", "#ffffff"),
    WRONG: ("#c62828", "#ffffff"),
    ERROR: ("#c62828", "#ffffff"),
    OVER: ("#ffb300", "#212121"),
}


class FeedbackBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackBanner")
        self.kind = IDLE
        self.title_label = QLabel()
        self.title_label.setObjectName("bannerTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("bannerDetail")
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.detail_label)
        self.show_state(IDLE, "", "")

    def show_state(self, kind: str, title: str, detail: str = "") -> None:
        if kind != self.kind or self.property("kind") is None:
            self.kind = kind
            self.setProperty("kind", kind)
            for widget in (self, self.title_label, self.detail_label):
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self.title_label.setText(title)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))

    @property
    def colour(self) -> str:
        return COLOURS[self.kind][0]

    def text(self) -> str:
        return f"{self.title_label.text()}\n{self.detail_label.text()}".strip()
