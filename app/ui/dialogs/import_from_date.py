"""Manual import (Order Desk's): fetch a connection's orders created from a chosen date, e.g.
after a gap longer than the import window."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Protocol

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class NamedConnection(Protocol):
    """What the dialog needs of a connection (a ConnectionRecord has it)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


class ImportFromDateDialog(QDialog):
    chosen = Signal(int, object)  # connection id, aware datetime (start of the chosen day)

    def __init__(self, connections: Iterable[NamedConnection],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import orders from a date"))
        self.connection_combo = QComboBox()
        for record in connections:
            self.connection_combo.addItem(record.name, record.id)
        self.date_edit = QDateEdit(QDate.currentDate().addDays(-60))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        note = QLabel(self.tr("Orders created from this date that match the connection's "
                              "import rule are fetched; orders already here are refreshed."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Connection"), self.connection_combo)
        form.addRow(self.tr("Created from"), self.date_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def since(self) -> datetime:
        day = self.date_edit.date().toPython()
        return datetime.combine(day, time.min).astimezone(UTC)

    def accept(self) -> None:
        self.chosen.emit(self.connection_combo.currentData(), self.since())
        super().accept()
