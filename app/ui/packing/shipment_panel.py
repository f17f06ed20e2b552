"""One shipment of the open order: its lines (picture, SKU, options, bin, units here / verified /
ordered), moving units out, the parcel's details, and its buttons.

Store text (names, SKUs, options, notes) is data: table items and PlainText labels only.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QMimeData, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QDrag, QFont, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.orders import Line
from app.domain.packing import MOVABLE, PlannedShipment, ShipmentState
from app.domain.shipments import ShipmentDetails, ShipmentRecord
from app.domain.store_info import ShippingServiceInfo
from app.domain.tracking import carrier_choices, detect_carrier, reduce_scanned
from app.ui.packing.jobs import PackingSnapshot
from app.ui.packing.scanner import SCAN_FIELD
from app.ui.packing.style import repolish

UNITS_MIME = "application/x-packdesk-units"
THUMB = 40
COL_THUMB, COL_ITEM, COL_BIN, COL_HERE, COL_VERIFIED, COL_ORDERED, COL_CONFIRM = range(7)
LINE_ROLE = Qt.ItemDataRole.UserRole + 1



def units_mime(order_pk: int, number: int, line_id: int, quantity: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(UNITS_MIME, json.dumps({"order_pk": order_pk, "number": number,
                                         "line_id": line_id, "quantity": quantity}).encode())
    return mime


def units_from_mime(mime: QMimeData) -> dict | None:
    if not mime.hasFormat(UNITS_MIME):
        return None
    try:
        return json.loads(bytes(mime.data(UNITS_MIME)).decode())
    except ValueError:
        return None


def plain_label(text: str = "", *, object_name: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if object_name:
        label.setObjectName(object_name)
    return label


class LinesTable(QTableWidget):
    """The shipment's lines; a row drags its units (the quantity spin box's value) away."""

    def __init__(self, panel: ShipmentPanel) -> None:
        super().__init__(0, 7)
        self._panel = panel
        self.setHorizontalHeaderLabels(["", self.tr("Item"), self.tr("Bin"), self.tr("Here"),
                                        self.tr("Verified"), self.tr("Ordered"), ""])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(THUMB + 12)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        for column, width in ((COL_THUMB, THUMB + 12), (COL_BIN, 70), (COL_HERE, 48),
                              (COL_VERIFIED, 64), (COL_ORDERED, 60), (COL_CONFIRM, 78)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(column, width)
        self.setObjectName("linesTable")

    def startDrag(self, _actions) -> None:  # noqa: N802 - Qt's name
        line_id = self._panel.selected_line()
        if line_id is None or not self._panel.movable:
            return
        drag = QDrag(self)
        drag.setMimeData(units_mime(self._panel.order_pk, self._panel.number, line_id,
                                    self._panel.move_quantity()))
        drag.exec(Qt.DropAction.MoveAction)


class ShipmentPanel(QFrame):
    """Signals carry the shipment number; the window runs the work and calls update_from()."""

    activated = Signal(int)
    move_requested = Signal(int, int, int, object)  # from number, line_id, quantity, to (None=new)
    confirm_requested = Signal(int, int)  # number, line_id
    ship_requested = Signal(int)
    void_requested = Signal(int)
    slip_requested = Signal(int)
    details_edited = Signal(int)

    def __init__(self, snapshot: PackingSnapshot, number: int, total: int,
                 shipment: PlannedShipment, record: ShipmentRecord | None,
                 thumbnail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order_pk = snapshot.order_pk
        self.number = number
        self.total = total
        self.shipment = shipment
        self.record = record
        self._snapshot = snapshot
        self._thumbnail = thumbnail  # url -> QPixmap (cached, placeholder while downloading)
        self._rows: dict[int, int] = {}  # line_id -> row
        self._computed_weight = snapshot.view.weight(shipment)
        self.active = False
        self.busy = False
        self.setObjectName("shipmentPanel")
        self.setAcceptDrops(True)
        self.setMinimumWidth(560)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._build()
        self.update_from(shipment, record, snapshot)
        self._fill_details(record.details if record else ShipmentDetails(), snapshot)

    @property
    def movable(self) -> bool:
        return self.shipment.state in MOVABLE

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = plain_label(object_name="shipmentTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.state_label = plain_label(object_name="shipmentState")
        self.progress_label = plain_label(object_name="shipmentProgress")
        self.name_label = plain_label(object_name="shipmentName")
        self.unverified_label = plain_label(object_name="unverifiedNote")
        self.unverified_label.setWordWrap(True)
        self.unverified_label.hide()
        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addWidget(self.state_label)
        header.addStretch(1)
        header.addWidget(self.progress_label)

        self.table = LinesTable(self)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.quantity_spin = QSpinBox()
        self.quantity_spin.setObjectName("moveQuantity")
        self.quantity_spin.setMinimum(1)
        self.quantity_spin.setToolTip(self.tr("Units of the selected line to move"))
        self.move_button = QPushButton(self.tr("Move to ▸"))
        self.move_button.setObjectName("moveButton")
        self.move_button.setToolTip(self.tr("Move the units to another shipment "
                                            "(Ctrl+Shift+→ next, Ctrl+Shift+← previous)"))
        self.move_menu = QMenu(self.move_button)
        self.move_button.setMenu(self.move_menu)
        self.new_button = QPushButton(self.tr("New shipment"))
        self.new_button.setObjectName("newShipmentButton")
        self.new_button.setToolTip(self.tr("Move the units to a new shipment (Ctrl+Shift+N)"))
        self.new_button.clicked.connect(lambda: self._move_to(None))
        moves = QHBoxLayout()
        moves.addWidget(QLabel(self.tr("Units")))
        moves.addWidget(self.quantity_spin)
        moves.addWidget(self.move_button)
        moves.addWidget(self.new_button)
        moves.addStretch(1)

        self.carrier_combo = QComboBox()
        self.carrier_combo.setObjectName("carrierCombo")
        self.carrier_combo.setEditable(True)
        self.carrier_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.carrier_combo.lineEdit().setPlaceholderText(self.tr("Carrier"))
        self.service_combo = QComboBox()
        self.service_combo.setObjectName("serviceCombo")
        self.service_combo.setEditable(True)
        self.service_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.service_combo.lineEdit().setPlaceholderText(self.tr("Service"))
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
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("Ship with"), carrier_row)
        form.addRow(self.tr("Tracking"), self.tracking_edit)
        form.addRow(self.tr("Parcel"), parcel_row)
        form.addRow(self.tr("Note to buyer"), self.buyer_note_edit)
        form.addRow(self.tr("Internal note"), self.internal_note_edit)

        self.error_label = plain_label(object_name="panelError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.busy_label = plain_label(object_name="panelBusy")
        self.busy_label.hide()

        self.ship_button = QPushButton(self.tr("Mark shipped   Ctrl+Enter"))
        self.ship_button.setObjectName("shipButton")
        self.ship_button.clicked.connect(lambda: self.ship_requested.emit(self.number))
        self.slip_button = QPushButton(self.tr("Print slip"))
        self.slip_button.setObjectName("slipButton")
        self.slip_button.clicked.connect(lambda: self.slip_requested.emit(self.number))
        self.void_button = QPushButton(self.tr("Void"))
        self.void_button.setObjectName("voidButton")
        self.void_button.clicked.connect(lambda: self.void_requested.emit(self.number))
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy_label)
        buttons.addStretch(1)
        buttons.addWidget(self.void_button)
        buttons.addWidget(self.slip_button)
        buttons.addWidget(self.ship_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.name_label)
        layout.addWidget(self.unverified_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(moves)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

        for edit in (self.tracking_edit, self.fee_edit, self.buyer_note_edit,
                     self.internal_note_edit, self.carrier_combo.lineEdit(),
                     self.service_combo.lineEdit()):
            edit.editingFinished.connect(lambda: self.details_edited.emit(self.number))
        self.packages_spin.editingFinished.connect(lambda: self.details_edited.emit(self.number))
        self.weight_spin.editingFinished.connect(lambda: self.details_edited.emit(self.number))
        self.carrier_combo.activated.connect(self._carrier_picked)
        self.service_combo.activated.connect(lambda _i: self.details_edited.emit(self.number))
        self._style()

    def _style(self) -> None:
        self.setProperty("active", self.active)
        repolish(self)

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self._style()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.activated.emit(self.number)
        super().mousePressEvent(event)

    # --- lines --------------------------------------------------------------------------------

    def update_from(self, shipment: PlannedShipment, record: ShipmentRecord | None,
                    snapshot: PackingSnapshot) -> None:
        """Counts and state in place (a scan); the rows are rebuilt only if the lines changed."""
        self.shipment, self.record, self._snapshot = shipment, record, snapshot
        lines = snapshot.view.lines.lines
        wanted = [i for i in lines if shipment.units.get(i)]
        if wanted != list(self._rows):
            self._fill_rows(wanted)
        verified = record.verified if record else {}
        done_total = 0
        for line_id, row in self._rows.items():
            here = shipment.units.get(line_id, 0)
            # what the data says, shipped or not: a shipment shipped unverified stays so
            done = min(verified.get(line_id, 0), here)
            done_total += done
            self.table.item(row, COL_HERE).setText(str(here))
            item = self.table.item(row, COL_VERIFIED)
            item.setText(f"{done} / {here}")
            complete = done >= here
            item.setForeground(QColor("#1b5e20" if complete else "#b26a00" if done else
                                      "#546e7a"))
            font = item.font()
            font.setBold(complete)
            item.setFont(font)
            button = self.table.cellWidget(row, COL_CONFIRM)
            if button is not None:
                button.setEnabled(self.movable and not complete)
        units = shipment.unit_count
        self.title_label.setText(self.tr("Shipment %d of %d") % (self.number, self.total))
        self.state_label.setText(shipment.state.value.upper())
        if self.state_label.property("state") != shipment.state.value:
            self.state_label.setProperty("state", shipment.state.value)
            repolish(self.state_label)
        self.progress_label.setText(self.tr("%d of %d units verified") % (done_total, units))
        if self.progress_label.property("complete") != (done_total >= units):
            self.progress_label.setProperty("complete", done_total >= units)
            repolish(self.progress_label)
        confirmation = snapshot.view.confirmations.get(record.shipment_pk) if record else None
        self.unverified_label.setText(
            self.tr("Shipped with %d unit(s) not verified — confirmed by %s (%s), %s: %s")
            % (units - done_total, confirmation.packer, confirmation.station,
               _local_time(confirmation.at), confirmation.reason) if confirmation else "")
        self.unverified_label.setVisible(confirmation is not None)
        self.name_label.setText(shipment.shipment_name or (record.shipment_name if record
                                                           else ""))
        self._computed_weight = snapshot.view.weight(shipment)
        unit = next((lines[i].weight_unit for i in self._rows if lines[i].weight_unit), "")
        self.weight_spin.setSuffix(f" {unit}" if unit else "")
        self.weight_hint.setText(self.tr("computed %s") % _weight_text(self._computed_weight))
        self._update_buttons()

    def _fill_rows(self, line_ids: list[int]) -> None:
        lines = self._snapshot.view.lines.lines
        products = self._snapshot.products
        self.table.setRowCount(0)
        self._rows = {}
        self.table.setRowCount(len(line_ids))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, line_id in enumerate(line_ids):
            line = lines[line_id]
            product = products.get(line.product_id) if line.product_id else None
            self._rows[line_id] = row
            thumb = QTableWidgetItem()
            thumb.setData(Qt.ItemDataRole.DecorationRole,
                          self._thumbnail(product.image_url if product else ""))
            thumb.setData(LINE_ROLE, line_id)
            self.table.setItem(row, COL_THUMB, thumb)
            item = QTableWidgetItem(_item_text(line))
            item.setData(LINE_ROLE, line_id)
            item.setToolTip(_item_text(line))
            self.table.setItem(row, COL_ITEM, item)
            bin_item = QTableWidgetItem(product.bin if product else "")
            bin_item.setFont(bold)
            self.table.setItem(row, COL_BIN, bin_item)
            for column in (COL_HERE, COL_VERIFIED, COL_ORDERED):
                cell = QTableWidgetItem()
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, cell)
            self.table.item(row, COL_ORDERED).setText(str(line.quantity))
            self.table.item(row, COL_HERE).setFont(bold)
            if self.movable:
                button = QToolButton()
                button.setObjectName("confirmButton")
                button.setText(self.tr("✓ Confirm"))
                button.setToolTip(self.tr("Confirm one unit by hand (no barcode, damaged "
                                          "label) — Ctrl+K"))
                button.clicked.connect(lambda _c=False, i=line_id: self.confirm_requested.emit(
                    self.number, i))
                self.table.setCellWidget(row, COL_CONFIRM, button)
        if line_ids:
            self.table.selectRow(0)
        self._selection_changed()

    def set_thumbnail(self, url: str, pixmap: QPixmap) -> None:
        products = self._snapshot.products
        lines = self._snapshot.view.lines.lines
        for line_id, row in self._rows.items():
            product = products.get(lines[line_id].product_id)
            if product is not None and product.image_url == url:
                self.table.item(row, COL_THUMB).setData(Qt.ItemDataRole.DecorationRole, pixmap)

    def row_of(self, line_id: int) -> int | None:
        return self._rows.get(line_id)

    def line_ids(self) -> list[int]:
        return list(self._rows)

    def selected_line(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), COL_ITEM).data(LINE_ROLE)

    def select_line(self, line_id: int) -> None:
        row = self._rows.get(line_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, COL_ITEM))

    def move_quantity(self) -> int:
        return self.quantity_spin.value()

    @Slot()
    def _selection_changed(self) -> None:
        line_id = self.selected_line()
        here = self.shipment.units.get(line_id, 0) if line_id is not None else 0
        self.quantity_spin.setMaximum(max(1, here))
        self.quantity_spin.setValue(max(1, here))
        self._update_buttons()

    def _update_buttons(self) -> None:
        movable = self.movable and not self.busy
        has_line = self.selected_line() is not None
        self.quantity_spin.setEnabled(movable and has_line)
        self.move_button.setEnabled(movable and has_line and self.total > 1)
        self.new_button.setEnabled(movable and has_line)
        self.ship_button.setVisible(self.shipment.state is not ShipmentState.SHIPPED)
        self.ship_button.setEnabled(movable)
        self.void_button.setEnabled(not self.busy)
        self.slip_button.setEnabled(not self.busy)
        self.move_menu.clear()
        for n in range(1, self.total + 1):
            if n != self.number:
                action = self.move_menu.addAction(self.tr("Shipment %d") % n)
                action.triggered.connect(lambda _c=False, t=n: self._move_to(t))
        self.move_menu.addSeparator()
        self.move_menu.addAction(self.tr("New shipment")).triggered.connect(
            lambda _c=False: self._move_to(None))

    def _move_to(self, target: int | None) -> None:
        line_id = self.selected_line()
        if line_id is not None:
            self.move_requested.emit(self.number, line_id, self.move_quantity(), target)

    # --- drag and drop ------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        data = units_from_mime(event.mimeData())
        if data and data["order_pk"] == self.order_pk and data["number"] != self.number \
                and self.movable:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        data = units_from_mime(event.mimeData())
        if not data or data["order_pk"] != self.order_pk or data["number"] == self.number:
            event.ignore()
            return
        event.acceptProposedAction()
        self.move_requested.emit(int(data["number"]), int(data["line_id"]),
                                 int(data["quantity"]), self.number)

    # --- details ------------------------------------------------------------------------------

    def _fill_details(self, details: ShipmentDetails, snapshot: PackingSnapshot) -> None:
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
                                  is not None else self._computed_weight)
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
        self.details_edited.emit(self.number)

    @Slot()
    def _reset_weight(self) -> None:
        self.weight_spin.setValue(self._computed_weight)
        self.details_edited.emit(self.number)

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
        self.details_edited.emit(self.number)
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
            weight_override=None if abs(weight - round(self._computed_weight, 3)) < 0.005
            else weight,
            buyer_note=self.buyer_note_edit.text().strip(),
            internal_note=self.internal_note_edit.text().strip())

    # --- messages and busy state --------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def set_busy(self, text: str) -> None:
        self.busy = bool(text)
        self.busy_label.setText(text)
        self.busy_label.setVisible(self.busy)
        for widget in (self.table, self.carrier_combo, self.service_combo, self.tracking_edit,
                       self.fee_edit, self.packages_spin, self.weight_spin,
                       self.buyer_note_edit, self.internal_note_edit):
            widget.setEnabled(not self.busy)
        self._update_buttons()
        if self.busy:
            self.ship_button.setEnabled(False)


def _item_text(line: Line) -> str:
    first = f"{line.sku}  ·  {line.name}" if line.sku else line.name
    options = line.options_text
    return f"{first}\n{options}" if options else first


def _local_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _weight_text(weight: float) -> str:
    return f"{weight:g}"
