"""Ship with units nobody scanned? The packer reads what is unverified and says why.

Nothing ships on Enter: a stray scanner Enter (or one typed after the reason) must not ship, so
no button is the default; "Ship anyway" needs a reason and a click (or Alt+S).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.verification import REASON_MAX, UnverifiedLine, clean_reason, listing

COMMON_REASONS = ("No barcode on the item", "The barcode does not scan",
                  "Checked by eye: the count is right")


class UnverifiedDialog(QDialog):
    def __init__(self, number: int, missing: list[UnverifiedLine],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unverifiedBox")
        self.setWindowTitle(self.tr("Units not verified"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        count = sum(m.missing for m in missing)
        self.text_label = QLabel()
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)  # SKUs and names are store text
        self.text_label.setWordWrap(True)
        self.text_label.setText(
            self.tr("Shipment %d has %d unit(s) nobody scanned or confirmed:")
            % (number, count) + "\n\n" + listing(missing))
        question = QLabel(self.tr("Ship it anyway? Say why; your name, the time and the reason "
                                  "are recorded with the shipment."))
        question.setWordWrap(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("unverifiedReason")
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems(["", *[self.tr(r) for r in COMMON_REASONS]])
        self.reason_combo.lineEdit().setMaxLength(REASON_MAX)
        self.reason_combo.lineEdit().setPlaceholderText(self.tr("Why ship without scanning?"))
        self.reason_combo.setCurrentIndex(0)
        buttons = QDialogButtonBox()
        self.ship_button = QPushButton(self.tr("&Ship anyway"))
        self.ship_button.setObjectName("shipAnywayButton")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.ship_button, QDialogButtonBox.ButtonRole.AcceptRole)
        for button in (self.ship_button, cancel):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reason_combo.editTextChanged.connect(self._reason_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_label)
        layout.addWidget(question)
        layout.addWidget(self.reason_combo)
        layout.addWidget(buttons)
        self._reason_changed("")
        self.reason_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def reason(self) -> str:
        return clean_reason(self.reason_combo.currentText())

    def _reason_changed(self, _text: str) -> None:
        self.ship_button.setEnabled(bool(self.reason))

    def accept(self) -> None:
        if self.reason:  # never without a reason, whatever triggered it
            super().accept()
