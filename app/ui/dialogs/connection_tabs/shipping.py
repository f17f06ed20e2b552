"""The After shipping tab: the store statuses set on claim and shipment, what goes back to the
store, and the carriers' tracking links."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.connection_settings import TRACKING_URL_PRESETS, ConnectionSettings, StatusInfo
from app.ui.dialogs.connection_tabs.form import FormTab

EXTRA_CARRIER_ROWS = 2  # empty rows for carriers the presets do not know


class ShippingTab(FormTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.claim_combo = self._status_combo("claimCombo")
        self._row(form, self.tr("Status after import (claim)"), self.claim_combo,
                  "claim_status_id", self.tr("Must not be a status that is imported."))
        self.shipped_combo = self._status_combo("shippedCombo")
        self._row(form, self.tr("Status after shipment"), self.shipped_combo,
                  "shipped_status_id")
        self.partial_combo = self._status_combo("partialCombo")
        self._row(form, self.tr("Status for partial shipments"), self.partial_combo,
                  "partial_status_id")
        self.first_check = QCheckBox(self.tr("Mark shipped on the first shipment"))
        self.notify_check = QCheckBox(self.tr("Notify the customer (store emails)"))
        self.tracking_check = QCheckBox(self.tr("Send tracking numbers to the store"))
        for check in (self.first_check, self.notify_check, self.tracking_check):
            form.addRow("", check)
        # Tracking links sent with each shipment: the presets, changed or added to per store.
        self.tracking_table = QTableWidget(len(TRACKING_URL_PRESETS) + EXTRA_CARRIER_ROWS, 2)
        self.tracking_table.setObjectName("trackingTemplates")
        self.tracking_table.setHorizontalHeaderLabels([self.tr("Carrier"),
                                                       self.tr("Tracking link")])
        self.tracking_table.horizontalHeader().setStretchLastSection(True)
        self.tracking_table.verticalHeader().hide()
        self.tracking_table.itemChanged.connect(self.edited)
        self._row(form, self.tr("Tracking links"), self.tracking_table, "tracking_url_templates",
                  self.tr("{tracking} stands for the tracking number."))
        for combo in (self.claim_combo, self.shipped_combo, self.partial_combo):
            combo.currentIndexChanged.connect(self.edited)

    def _status_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(self.tr("(none)"), None)
        return combo

    def load(self, settings: ConnectionSettings, statuses: list[StatusInfo]) -> None:
        self.first_check.setChecked(settings.mark_shipped_on_first)
        self.notify_check.setChecked(settings.notify_customer)
        self.tracking_check.setChecked(settings.sync_tracking)
        self._fill_tracking(settings)
        self.fill_statuses(settings, statuses)

    def apply(self, settings: ConnectionSettings) -> ConnectionSettings:
        return settings.with_changes(
            claim_status_id=self.claim_combo.currentData(),
            shipped_status_id=self.shipped_combo.currentData(),
            partial_status_id=self.partial_combo.currentData(),
            mark_shipped_on_first=self.first_check.isChecked(),
            notify_customer=self.notify_check.isChecked(),
            sync_tracking=self.tracking_check.isChecked(),
            tracking_url_templates=self.tracking_templates())

    def fill_statuses(self, settings: ConnectionSettings, statuses: list[StatusInfo]) -> None:
        for combo, value in ((self.claim_combo, settings.claim_status_id),
                             (self.shipped_combo, settings.shipped_status_id),
                             (self.partial_combo, settings.partial_status_id)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(none)"), None)
            for status in statuses:
                combo.addItem(status.name, status.id)
            index = combo.findData(value)
            if index < 0 and value is not None:  # a status the store no longer lists
                combo.addItem(self.tr("status #%1").replace("%1", str(value)), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(0, index))
            combo.setEnabled(bool(statuses) or value is not None)
            combo.blockSignals(False)

    def _fill_tracking(self, settings: ConnectionSettings) -> None:
        templates = {**TRACKING_URL_PRESETS, **dict(settings.tracking_url_templates)}
        rows = list(templates.items())
        rows += [("", "")] * max(0, EXTRA_CARRIER_ROWS - (len(rows) - len(TRACKING_URL_PRESETS)))
        self.tracking_table.blockSignals(True)
        self.tracking_table.setRowCount(len(rows))
        for row, (carrier, template) in enumerate(rows):
            self.tracking_table.setItem(row, 0, QTableWidgetItem(carrier))
            self.tracking_table.setItem(row, 1, QTableWidgetItem(template))
        self.tracking_table.blockSignals(False)

    def tracking_templates(self) -> dict[str, str]:
        """What differs from the presets (a preset left as it is is not stored)."""
        chosen: dict[str, str] = {}
        for row in range(self.tracking_table.rowCount()):
            carrier_item = self.tracking_table.item(row, 0)
            template_item = self.tracking_table.item(row, 1)
            carrier = carrier_item.text().strip() if carrier_item else ""
            template = template_item.text().strip() if template_item else ""
            if carrier and TRACKING_URL_PRESETS.get(carrier) != template:
                chosen[carrier] = template
        return chosen
