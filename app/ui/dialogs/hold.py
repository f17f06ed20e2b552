"""Put orders on hold: a reason and an optional release date."""
from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class HoldDialog(QDialog):
    def __init__(self, order_count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Hold orders"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Hold %n order(s). Held orders leave Awaiting shipment until "
                               "they are released or the release date passes.", "",
                               order_count))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("e.g. waiting for stock, address check"))
        # Room for a real reason ("customer asked to ship with order 100231 next week").
        self.reason_edit.setMinimumWidth(self.reason_edit.fontMetrics().averageCharWidth() * 48)
        form.addRow(self.tr("Reason"), self.reason_edit)
        self.until_check = QCheckBox(self.tr("Release automatically on"))
        self.until_edit = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.until_edit.setEnabled(False)
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        form.addRow(self.until_check, self.until_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Hold"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if not self.reason().strip():
            self.error_label.setText(self.tr("Say why the orders are on hold."))
            self.error_label.show()
            self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().accept()

    def reason(self) -> str:
        return self.reason_edit.text()

    def until(self) -> datetime | None:
        if not self.until_check.isChecked():
            return None
        return self.until_edit.dateTime().toPython().astimezone(UTC)
