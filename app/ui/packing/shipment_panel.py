"""One shipment of the open order: its lines (picture, SKU, options, bin, units here / verified /
ordered), moving units out, the parcel's details, and its buttons.

Store text (names, SKUs, options, notes) is data: table items and PlainText labels only.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.packing import MOVABLE, PlannedShipment, ShipmentState
from app.domain.shipments import ShipmentDetails, ShipmentRecord
from app.ui.packing.details_form import DetailsForm
from app.ui.packing.jobs import PackingSnapshot
from app.ui.packing.lines_table import (
    COL_BIN,
    COL_CONFIRM,
    COL_HERE,
    COL_ITEM,
    COL_ORDERED,
    COL_THUMB,
    COL_VERIFIED,
    LINE_ROLE,
    LinesTable,
    item_text,
    plain_label,
    title_label,
    units_from_mime,
)
from app.ui.packing.style import repolish


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
        self.active = False
        self.busy = False
        self.setObjectName("shipmentPanel")
        self.setAcceptDrops(True)
        self.setMinimumWidth(560)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._build()
        self.update_from(shipment, record, snapshot)
        self.form.fill(record.details if record else ShipmentDetails(), snapshot)

    @property
    def movable(self) -> bool:
        return self.shipment.state in MOVABLE

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        header = self._build_header()
        self.table = LinesTable(self)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        moves = self._build_moves()
        self.form = DetailsForm()
        self.form.edited.connect(lambda: self.details_edited.emit(self.number))
        # The form's fields, by the names the panel has always had (the window, tests).
        self.tracking_edit, self.carrier_combo = self.form.tracking_edit, self.form.carrier_combo
        self.fee_edit = self.form.fee_edit
        self.buyer_note_edit = self.form.buyer_note_edit
        self.internal_note_edit = self.form.internal_note_edit
        self.error_label = plain_label(object_name="panelError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.name_label)
        layout.addWidget(self.unverified_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(moves)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self._style()

    def _build_header(self) -> QHBoxLayout:
        self.title_label = title_label("shipmentTitle", 1.3)
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
        return header

    def _build_moves(self) -> QHBoxLayout:
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
        return moves

    def _build_buttons(self) -> QHBoxLayout:
        """Mark shipped, Print slip, Void, and the busy note."""
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
        return buttons

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
        unit = next((lines[i].weight_unit for i in self._rows if lines[i].weight_unit), "")
        self.form.show_weight(snapshot.view.weight(shipment), unit)
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
            item = QTableWidgetItem(item_text(line))
            item.setData(LINE_ROLE, line_id)
            item.setToolTip(item_text(line))
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

    def accept_tracking_scan(self, value: str) -> str:
        return self.form.accept_tracking_scan(value)

    def details(self) -> ShipmentDetails:
        """What the packer filled in; raises ValueError with a message for a bad fee."""
        return self.form.details()

    # --- messages and busy state --------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def set_busy(self, text: str) -> None:
        self.busy = bool(text)
        self.busy_label.setText(text)
        self.busy_label.setVisible(self.busy)
        self.table.setEnabled(not self.busy)
        self.form.set_editable(not self.busy)
        self._update_buttons()
        if self.busy:
            self.ship_button.setEnabled(False)


def _local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
