"""The packing view's order header: the order, its state, customer and notes, its buttons, and
the warning that the store changed it since packing began.

Store text (names, notes) is data: PlainText labels only.
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.domain.packing import MOVABLE, OrderState
from app.ui.packing.jobs import PackingSnapshot
from app.ui.packing.lines_table import plain_label, title_label
from app.ui.packing.style import repolish

ORDER_STATE_TEXT = {OrderState.OPEN: "To pack", OrderState.PARTIALLY_SHIPPED:
                    "Partially shipped", OrderState.SHIPPED: "Shipped"}


class OrderHeader(QWidget):
    """The buttons are the window's to connect (merge, undo, complete, reload, scanner)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order_label = title_label("orderLabel", 1.5)
        self.order_state_label = plain_label(object_name="orderState")
        self.customer_label = plain_label(object_name="customerLabel")
        self.extras_label = plain_label(object_name="extrasLabel")
        self.extras_label.setWordWrap(True)
        self.interruption_label = plain_label(object_name="interruptionLabel")
        self.interruption_label.setWordWrap(True)
        self.interruption_label.hide()
        self._build_buttons()

        titles = QVBoxLayout()
        titles.setSpacing(0)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(self.order_label)
        title_row.addWidget(self.order_state_label)
        title_row.addStretch(1)
        titles.addLayout(title_row)
        titles.addWidget(self.customer_label)
        titles.addWidget(self.extras_label)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        for button in (self.complete_button, self.refresh_button, self.undo_button,
                       self.merge_button, self.settings_button):
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)  # as the view's body spaces its rows
        layout.addLayout(header)
        layout.addWidget(self.interruption_label)

    def _build_buttons(self) -> None:
        self.merge_button = QPushButton(self.tr("Merge all  Ctrl+M"))
        self.merge_button.setObjectName("mergeButton")
        self.undo_button = QPushButton(self.tr("Undo  Ctrl+Z"))
        self.undo_button.setObjectName("undoButton")
        self.complete_button = QPushButton(self.tr("Complete without parcel"))
        self.complete_button.setObjectName("completeButton")
        self.complete_button.setToolTip(self.tr("Every line of this order is non-shipping "
                                                "(gift cards, downloads): complete it"))
        self.refresh_button = QPushButton(self.tr("Reload"))
        self.settings_button = QPushButton(self.tr("Scanner…"))
        self.settings_button.setObjectName("scannerSettingsButton")
        self.settings_button.setToolTip(self.tr("Scanner prefix and suffix, sounds, and what "
                                                "happens when a shipment is fully verified"))

    def show_empty(self) -> None:
        self.order_label.setText(self.tr("No order open"))
        self.order_state_label.clear()
        self.customer_label.setText(self.tr("Scan a packing slip, an order barcode or a "
                                            "tracking label — or open an order from the list."))
        self.extras_label.hide()
        for button in (self.merge_button, self.undo_button, self.complete_button,
                       self.refresh_button):
            button.hide()

    def show_order(self, snapshot: PackingSnapshot) -> None:
        view = snapshot.view
        order = view.order.snapshot
        self.order_label.setText(self.tr("Order %s") % snapshot.order_label)
        self.order_state_label.setText(ORDER_STATE_TEXT.get(view.state, view.state.value))
        if self.order_state_label.property("state") != view.state.value:
            self.order_state_label.setProperty("state", view.state.value)
            repolish(self.order_state_label)
        address = order.address("shipping")
        place = ""
        if address is not None:
            region = " ".join(p for p in (address.state_code or address.state,
                                          address.postal_code) if p)
            place = ", ".join(p for p in (address.city, region,
                                          address.country_code or address.country) if p)
        parts = [view.order.customer_name, place,
                 self.tr("chose: %s") % order.shipping_method if order.shipping_method else ""]
        self.customer_label.setText("  ·  ".join(p for p in parts if p))
        self._show_notes(snapshot)
        if view.interruption:
            self.interruption_label.setText(
                self.tr("The store changed this order since packing began: %s. Shipping "
                        "will ask you to acknowledge it.") % view.interruption)
        self.interruption_label.setVisible(bool(view.interruption))
        movable = [n for n, s, _ in view.numbered() if s.state in MOVABLE]
        self.merge_button.setVisible(True)
        self.merge_button.setEnabled(len(movable) > 1)
        self.undo_button.setVisible(True)
        self.refresh_button.setVisible(True)
        self.complete_button.setVisible(view.lines.all_non_shipping()
                                        and view.state is not OrderState.SHIPPED)

    def _show_notes(self, snapshot: PackingSnapshot) -> None:
        view = snapshot.view
        order = view.order.snapshot
        extras = [line for line in view.lines.lines.values() if not line.is_packable]
        notes = []
        if extras:
            notes.append(self.tr("Not packed: ") + ", ".join(
                f"{line.sku or line.name} ×{line.quantity}" for line in extras))
        elsewhere = sum(view.lines.covered_elsewhere.values())
        if elsewhere:
            notes.append(self.tr("%d unit(s) already shipped in the store") % elsewhere)
        if order.special_instructions:
            notes.append(self.tr("Customer note: ") + order.special_instructions)
        self.extras_label.setText("   ·   ".join(notes))
        self.extras_label.setVisible(bool(notes))
