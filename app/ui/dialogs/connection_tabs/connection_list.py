"""The saved connections, by name, beside the tabs; the dialog picks which one is shown."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.services.connections import ConnectionRecord


class ConnectionList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionList")

    def fill(self, records: list[ConnectionRecord]) -> None:
        """Show `records`, none chosen (without telling the dialog a connection was picked)."""
        self.blockSignals(True)
        self.clear()
        for record in records:
            item = QListWidgetItem(record.name)
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setToolTip(record.settings.address)
            self.addItem(item)
        self.blockSignals(False)

    def select_quietly(self, connection_id: int | None) -> int | None:
        """Make `connection_id` (None: none) the chosen row without signals; returns it, or
        None when it is not in the list."""
        row = next((i for i in range(self.count())
                    if self.item(i).data(Qt.ItemDataRole.UserRole) == connection_id), -1)
        self.blockSignals(True)
        if row < 0:
            self.clearSelection()
        self.setCurrentRow(row)
        self.blockSignals(False)
        return connection_id if row >= 0 else None

    def selected_id(self) -> int | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def first_id(self) -> int | None:
        return self.item(0).data(Qt.ItemDataRole.UserRole) if self.count() else None
