"""A shipment's details form: carrier and service, tracking, fee, packages, weight, notes.

Store text (carriers, services, notes) is data: plain text in the fields.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from app.domain.shipments import ShipmentDetails
from app.domain.store_info import ShippingServiceInfo
from app.domain.tracking import carrier_choices, detect_carrier, reduce_scanned
from app.ui.packing.jobs import PackingSnapshot
from app.ui.packing.lines_table import plain_label
from app.ui.packing.scanner import SCAN_FIELD


class DetailsForm(QWidget):
    """`edited` after the packer changed a field (the panel's window saves the details)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.computed_weight = 0.0  # the lines' weight, the default of the weight field
        self._services: list[ShippingServiceInfo] = []
        self._build_fields()
        self._lay_out()
        self._connect()

    def _build_fields(self) -> None:
        self.carrier_combo = _editable_combo("carrierCombo", self.tr("Carrier"))
        self.service_combo = _editable_combo("serviceCombo", self.tr("Service"))
        self.service_combo.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Fixed)
        self.tracking_edit = QLineEdit()
        self.tracking_edit.setObjectName("trackingEdit")
        self.tracking_edit.setProperty(SCAN_FIELD, True)
        self.tracking_edit.setPlaceholderText(self.tr("Scan the label's barcode, or type "
                                                      "(several: comma-separated)"))
        self.fee_edit = QLineEdit()
        self.fee_edit.setObjectName("feeEdit")
        self.fee_edit.setPlaceholderText("0.00")
        self.fee_edit.setMaximumWidth(90)
        self.packages_spin = QSpinBox()
        self.packages_spin.setObjectName("packagesSpin")
        self.packages_spin.setRange(1, 999)
        self.weight_spin = QDoubleSpinBox()
        self.weight_spin.setObjectName("weightSpin")
        self.weight_spin.setRange(0, 100_000)
        self.weight_spin.setDecimals(2)
        self.weight_reset = QToolButton()
        self.weight_reset.setText("↺")
        self.weight_reset.setToolTip(self.tr("Use the computed weight"))
        self.weight_reset.clicked.connect(self._reset_weight)
        self.weight_hint = plain_label(object_name="weightHint")
        self.buyer_note_edit = QLineEdit()
        self.buyer_note_edit.setObjectName("buyerNoteEdit")
        self.buyer_note_edit.setPlaceholderText(self.tr("Shown to the buyer with the shipment"))
        self.internal_note_edit = QLineEdit()
        self.internal_note_edit.setObjectName("internalNoteEdit")
        self.internal_note_edit.setPlaceholderText(self.tr("For the team only"))

    def _lay_out(self) -> None:
        carrier_row = QHBoxLayout()
        carrier_row.addWidget(self.carrier_combo, 2)
        carrier_row.addWidget(self.service_combo, 3)
        parcel_row = QHBoxLayout()
        parcel_row.addWidget(QLabel(self.tr("Fee")))
        parcel_row.addWidget(self.fee_edit)
        parcel_row.addSpacing(8)
        parcel_row.addWidget(QLabel(self.tr("Packages")))
        parcel_row.addWidget(self.packages_spin)
        parcel_row.addSpacing(8)
        parcel_row.addWidget(QLabel(self.tr("Weight")))
        parcel_row.addWidget(self.weight_spin)
        parcel_row.addWidget(self.weight_reset)
        parcel_row.addWidget(self.weight_hint)
        parcel_row.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("Ship with"), carrier_row)
        form.addRow(self.tr("Tracking"), self.tracking_edit)
        form.addRow(self.tr("Parcel"), parcel_row)
        form.addRow(self.tr("Note to buyer"), self.buyer_note_edit)
        form.addRow(self.tr("Internal note"), self.internal_note_edit)

    def _connect(self) -> None:
        for edit in (self.tracking_edit, self.fee_edit, self.buyer_note_edit,
                     self.internal_note_edit, _line_edit(self.carrier_combo),
                     _line_edit(self.service_combo)):
            edit.editingFinished.connect(self.edited.emit)
        self.packages_spin.editingFinished.connect(self.edited.emit)
        self.weight_spin.editingFinished.connect(self.edited.emit)
        self.carrier_combo.activated.connect(self._carrier_picked)
        self.service_combo.activated.connect(lambda _i: self.edited.emit())

    def show_weight(self, computed: float, unit: str) -> None:
        self.computed_weight = computed
        self.weight_spin.setSuffix(f" {unit}" if unit else "")
        self.weight_hint.setText(self.tr("computed %s") % f"{computed:g}")

    def set_editable(self, editable: bool) -> None:
        for widget in (self.carrier_combo, self.service_combo, self.tracking_edit,
                       self.fee_edit, self.packages_spin, self.weight_spin,
                       self.buyer_note_edit, self.internal_note_edit):
            widget.setEnabled(editable)

    def fill(self, details: ShipmentDetails, snapshot: PackingSnapshot) -> None:
        order = snapshot.view.order.snapshot
        self._services = list(snapshot.services)
        # the store's own providers: its shipping services, and carriers seen on the order
        carriers = carrier_choices({s.carrier for s in self._services}
                                   | {s.carrier for s in order.shipments}
                                   | {order.shipping_carrier})
        self.carrier_combo.clear()
        self.carrier_combo.addItems(carriers)
        carrier = details.carrier or (order.shipping_carrier if not details.service else "")
        self.carrier_combo.setCurrentText(carrier)
        self._fill_services(carrier)
        service = details.service or (order.shipping_method if not details.carrier else "")
        self.service_combo.setCurrentText(service)
        self.tracking_edit.setText(", ".join(details.tracking_numbers))
        self.fee_edit.setText(str(details.carrier_fee) if details.carrier_fee is not None
                              else "")
        self.packages_spin.setValue(max(1, details.packages))
        self.weight_spin.setValue(details.weight_override if details.weight_override
                                  is not None else self.computed_weight)
        self.buyer_note_edit.setText(details.buyer_note)
        self.internal_note_edit.setText(details.internal_note)

    def _fill_services(self, carrier: str) -> None:
        text = self.service_combo.currentText()
        self.service_combo.clear()
        for service in self._services:
            if service.kind == "custom" or not carrier \
                    or service.carrier.casefold() == carrier.casefold():
                label = service.name if service.kind != "custom" \
                    else self.tr("%s (custom)") % service.name
                self.service_combo.addItem(label, service)
        self.service_combo.setCurrentText(text)

    @Slot(int)
    def _carrier_picked(self, _index: int) -> None:
        self._fill_services(self.carrier_combo.currentText())
        self.edited.emit()

    @Slot()
    def _reset_weight(self) -> None:
        self.weight_spin.setValue(self.computed_weight)
        self.edited.emit()

    def accept_tracking_scan(self, value: str) -> str:
        """A label barcode scanned into the focused tracking field: added, not typed over.
        The barcode is reduced to its tracking number, and an empty carrier is filled in
        from the number's format. Returns the tracking number."""
        value = reduce_scanned(value)
        known = [t.strip() for t in self.tracking_edit.text().split(",") if t.strip()]
        if value.upper() not in {t.upper() for t in known}:
            known.append(value)
        self.tracking_edit.setText(", ".join(known))
        carrier = detect_carrier(value)
        if carrier and not self.carrier_combo.currentText().strip():
            self.carrier_combo.setCurrentText(carrier)
            self._fill_services(carrier)
        self.edited.emit()
        return value

    def details(self) -> ShipmentDetails:
        """What the packer filled in; raises ValueError with a message for a bad fee."""
        service_text = self.service_combo.currentText().strip()
        picked: ShippingServiceInfo | None = None
        index = self.service_combo.findText(service_text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            picked = self.service_combo.itemData(index)
        carrier = self.carrier_combo.currentText().strip()
        if picked is not None:
            service_text = picked.name
            carrier = carrier or picked.carrier
        fee_text = self.fee_edit.text().strip().replace(",", ".").lstrip("$")
        try:
            fee = Decimal(fee_text) if fee_text else None
        except InvalidOperation:
            raise ValueError(self.tr("The carrier fee is not a number: %s") % fee_text) from None
        weight = round(self.weight_spin.value(), 3)
        return ShipmentDetails(
            carrier=carrier, service=service_text,
            service_id=picked.service_id if picked else None,
            service_type=picked.kind if picked else "",
            tracking_numbers=tuple(t.strip() for t in self.tracking_edit.text().split(",")
                                   if t.strip()),
            carrier_fee=fee, packages=self.packages_spin.value(),
            weight_override=None if abs(weight - round(self.computed_weight, 3)) < 0.005
            else weight,
            buyer_note=self.buyer_note_edit.text().strip(),
            internal_note=self.internal_note_edit.text().strip())


def _editable_combo(object_name: str, placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(object_name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    _line_edit(combo).setPlaceholderText(placeholder)
    return combo


def _line_edit(combo: QComboBox) -> QLineEdit:
    edit = combo.lineEdit()
    assert edit is not None  # an editable combo has one
    return edit
