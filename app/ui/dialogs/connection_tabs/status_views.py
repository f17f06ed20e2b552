"""The Status views tab: which PackDesk view each of the store's statuses lands in."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.connection_settings import StatusInfo
from app.domain.status_rules import StatusView, default_view_for_status
from app.ui.dialogs.connection_tabs.form import HINT_STYLE


def view_titles(tr) -> dict[StatusView, str]:
    return {StatusView.AWAITING_PAYMENT: tr("Awaiting payment"),
            StatusView.AWAITING_SHIPMENT: tr("Awaiting shipment"),
            StatusView.ON_HOLD: tr("On hold"), StatusView.SHIPPED: tr("Shipped"),
            StatusView.CANCELLED: tr("Cancelled")}


class StatusViewsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._titles = view_titles(self.tr)
        self._statuses: list[StatusInfo] = []
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Which PackDesk view each store status lands in."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.views_table = QTableWidget(0, 2)
        self.views_table.setObjectName("statusViewsTable")
        self.views_table.setHorizontalHeaderLabels([self.tr("Store status"),
                                                    self.tr("PackDesk view")])
        self.views_table.verticalHeader().hide()
        self.views_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.views_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.views_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.views_table, 1)
        self.refresh_statuses_button = QPushButton(self.tr("Reload statuses from the store"))
        self.statuses_hint = QLabel()
        self.statuses_hint.setWordWrap(True)
        self.statuses_hint.setStyleSheet(HINT_STYLE)
        layout.addWidget(self.statuses_hint)
        layout.addWidget(self.refresh_statuses_button, 0, Qt.AlignmentFlag.AlignLeft)

    def load(self, saved: bool, statuses: list[StatusInfo]) -> None:
        """`saved`: the connection exists (a new one has no statuses to map yet)."""
        self._statuses = statuses
        self.views_table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            name = QTableWidgetItem(status.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.views_table.setItem(row, 0, name)
            combo = QComboBox()
            default = default_view_for_status(status)
            combo.addItem(self.tr("Default: %1").replace("%1", self._titles[default]), None)
            for view, title in self._titles.items():
                combo.addItem(title, view.value)
            index = combo.findData(status.view_override.value if status.view_override
                                   else None)
            combo.setCurrentIndex(max(0, index))
            self.views_table.setCellWidget(row, 1, combo)
        self.statuses_hint.setText(
            self.tr("Statuses appear here once the connection is saved.") if not saved
            else "" if statuses else
            self.tr("No statuses yet: reload them from the store."))

    def apply(self) -> dict[int, StatusView | None]:
        """The view chosen for each status (None: its default)."""
        views: dict[int, StatusView | None] = {}
        for row, status in enumerate(self._statuses):
            combo = self.views_table.cellWidget(row, 1)
            value = combo.currentData() if isinstance(combo, QComboBox) else None
            views[status.id] = StatusView(value) if value else None
        return views
