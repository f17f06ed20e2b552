"""The order detail pane: every field the store sent, lines with pictures and bins, shipments
in the store and at this station, flags, holds and tags.

Text from the store is data, never markup: every label here is Qt.PlainText and tables use
QTableWidgetItem (never rendered as rich text), so a note "<img src=x>" shows as typed.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.clock import utc_now
from app.domain.orders import remaining_to_ship, shipped_in_store
from app.services.order_list import CachedOrder, OrderDetail
from app.ui.images import ImageCache, placeholder
from app.ui.models.order_table import format_date, state_labels

THUMB = 40
NARROW_PANE = 430  # px: below this the items table shows no picture column


def plain(text: str = "", *, selectable: bool = True, wrap: bool = True) -> QLabel:
    """A label for store data: never interpreted as rich text."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return label


def _item(text: str, *, align_right: bool = False, muted: bool = False,
          tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if muted:
        font = QFont()
        font.setItalic(True)
        item.setFont(font)
        item.setForeground(Qt.GlobalColor.darkGray)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _when(moment: datetime | None) -> str:
    return format_date(moment)


def _table(headers: list[str], stretch: int) -> QTableWidget:
    """A table that fits the pane's width: every column as wide as its contents except
    `stretch`, which takes the rest and wraps. No horizontal scrolling hides a column."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    table.setMinimumWidth(0)
    header = table.horizontalHeader()
    header.setMinimumSectionSize(24)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    table.setWordWrap(True)
    return table


def _fit_height(table: QTableWidget) -> None:
    """Tables inside the scrolling pane show all their rows instead of scrolling themselves
    (again after a resize: the wrapped column's rows change height with the width)."""
    table.resizeRowsToContents()
    table.horizontalScrollBar().setValue(0)  # columns wider than a narrow pane start at the left
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2)


class OrderDetailPane(QScrollArea):
    """Shows one order (or a hint when none is selected)."""

    admin_link_opened = Signal(str)

    def __init__(self, images: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The body follows the pane's width (labels wrap, tables fit): never scroll sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._images = images
        self._images.image_ready.connect(self._image_ready)
        self._placeholder = QIcon(placeholder(THUMB))
        self._detail: OrderDetail | None = None
        self._image_cells: dict[str, list[tuple[int, int]]] = {}
        self._states = state_labels()

        body = QWidget()
        body.setObjectName("orderDetailBody")
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(14, 12, 14, 12)
        self._layout.setSpacing(8)

        header = QHBoxLayout()
        self.number_label = plain(wrap=False)
        font = self.number_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.number_label.setFont(font)
        header.addWidget(self.number_label)
        header.addStretch(1)
        self.admin_button = QPushButton(self.tr("Open in store admin"))
        self.admin_button.setToolTip(self.tr("Open this order in the store's admin in your "
                                             "browser"))
        self.admin_button.clicked.connect(self.open_admin)
        header.addWidget(self.admin_button)
        self._layout.addLayout(header)
        self.summary_label = plain()
        self.summary_label.setObjectName("detailSummary")
        self._layout.addWidget(self.summary_label)

        self.alert_label = plain()
        self.alert_label.setObjectName("detailAlert")
        self.alert_label.setStyleSheet(
            "QLabel#detailAlert { background: #fdecea; color: #8c1d18; border: 1px solid "
            "#f4c7c3; border-radius: 4px; padding: 6px; }")
        self._layout.addWidget(self.alert_label)
        self.hold_label = plain()
        self.hold_label.setObjectName("detailHold")
        self.hold_label.setStyleSheet(
            "QLabel#detailHold { background: #fff4e5; color: #7a4f01; border: 1px solid "
            "#f5d9a8; border-radius: 4px; padding: 6px; }")
        self._layout.addWidget(self.hold_label)

        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._form.setHorizontalSpacing(12)
        self._layout.addLayout(self._form)
        self.fields: dict[str, QLabel] = {}
        for key, title in self._field_titles():
            label = plain()
            self.fields[key] = label
            self._form.addRow(self._caption(title), label)

        self._layout.addWidget(self._section(self.tr("Items")))
        self.lines_table = _table([self.tr("Picture"), self.tr("Item"), self.tr("Bin"),
                                   self.tr("Ordered"), self.tr("Shipped"), self.tr("To ship")],
                                  stretch=1)
        self.lines_table.setIconSize(QSize(THUMB, THUMB))
        self._layout.addWidget(self.lines_table)

        self._layout.addWidget(self._section(self.tr("Shipments in the store")))
        self.store_shipments_table = _table([self.tr("Shipped"), self.tr("Tracking"),
                                             self.tr("Items")], stretch=2)
        self._layout.addWidget(self.store_shipments_table)
        self.no_store_shipments = plain(self.tr("None yet."))
        self._layout.addWidget(self.no_store_shipments)

        self._layout.addWidget(self._section(self.tr("Shipments at this station")))
        self.local_shipments_table = _table([self.tr("No."), self.tr("Shipment"),
                                             self.tr("Tracking"), self.tr("Units"),
                                             self.tr("Packer")], stretch=2)
        self._layout.addWidget(self.local_shipments_table)
        self.no_local_shipments = plain(self.tr("None yet."))
        self._layout.addWidget(self.no_local_shipments)
        self._layout.addStretch(1)

        self.empty_label = QLabel(self.tr("Select an order to see its details."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #6b7280;")
        self._layout.insertWidget(0, self.empty_label)
        self._body = body
        self.setWidget(body)
        self.show_order(None)

    # --- building blocks --------------------------------------------------------------------

    def _field_titles(self) -> list[tuple[str, str]]:
        return [
            ("customer", self.tr("Customer")), ("email", self.tr("Email")),
            ("phone", self.tr("Phone")), ("ship_to", self.tr("Ship to")),
            ("bill_to", self.tr("Bill to")), ("shipping", self.tr("Shipping method")),
            ("payment", self.tr("Payment")), ("coupon", self.tr("Coupon")),
            ("totals", self.tr("Totals")), ("weight", self.tr("Weight")),
            ("gift", self.tr("Gift")), ("customer_note", self.tr("Customer note")),
            ("public_note", self.tr("Public comments")),
            ("instructions", self.tr("Instructions")),
            ("internal_note", self.tr("Internal note")), ("custom", self.tr("Custom fields")),
            ("tags", self.tr("Tags")), ("synced", self.tr("Cached")),
        ]

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("color: #5f6368;")
        return label

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 8, 0, 0)
        return label

    def _set_field(self, key: str, text: str) -> None:
        label = self.fields[key]
        label.setText(text)
        visible = bool(text)
        label.setVisible(visible)
        caption = self._form.labelForField(label)
        if caption is not None:
            caption.setVisible(visible)

    # --- showing an order -------------------------------------------------------------------

    @property
    def detail(self) -> OrderDetail | None:
        return self._detail

    def show_order(self, detail: OrderDetail | None) -> None:
        self._detail = detail
        self._image_cells.clear()
        has = detail is not None
        self.empty_label.setVisible(not has)
        for index in range(self._layout.count()):
            widget = self._layout.itemAt(index).widget()
            if widget is not None and widget is not self.empty_label:
                widget.setVisible(has)
        for index in range(self._layout.count()):
            layout = self._layout.itemAt(index).layout()
            if layout is not None:
                for j in range(layout.count()):
                    child = layout.itemAt(j).widget()
                    if child is not None:
                        child.setVisible(has)
        if detail is None:
            self._body.setMinimumHeight(0)
            return
        order, snap, row = detail.order, detail.order.snapshot, detail.row
        self.number_label.setText(row.number)
        self.admin_button.setVisible(bool(detail.admin_url))
        state = self._states.get(row.local_state, row.local_state)
        self.summary_label.setText(" · ".join(p for p in (
            row.status or self.tr("unknown status"), state, _when(snap.ordered_at),
            row.storefront, detail.connection_name) if p))

        alert = order.flag_reason if order.flag_acknowledged_at is None else ""
        self.alert_label.setText(self.tr("Flagged: %1").replace("%1", alert) if alert else "")
        self.alert_label.setVisible(bool(alert))
        hold = self._hold_text(order)
        self.hold_label.setText(hold)
        self.hold_label.setVisible(bool(hold))

        ship, bill = snap.address("shipping"), snap.address("billing")
        self._set_field("customer", order.customer_name)
        self._set_field("email", order.customer_email)
        self._set_field("phone", order.customer_phone)
        self._set_field("ship_to", "\n".join(ship.lines() + ([ship.phone] if ship.phone else [])
                                             + ([ship.comments] if ship.comments else []))
                        if ship else "")
        self._set_field("bill_to", "\n".join(bill.lines()) if bill and bill != ship and
                        bill.lines() != (ship.lines() if ship else None) else "")
        self._set_field("shipping", " — ".join(p for p in (
            snap.shipping_method, snap.shipping_carrier, snap.shipping_service_code) if p))
        self._set_field("payment", order.payment_method or snap.payment_method)
        discount = self.tr("discount %1").replace("%1", _money(snap.discount_total)) \
            if snap.discount_total else ""
        self._set_field("coupon", ", ".join(p for p in (snap.coupon_code, discount) if p))
        self._set_field("totals", self.tr(
            "Subtotal %1 · Shipping %2 · Tax %3 · Total %4")
            .replace("%1", _money(snap.subtotal)).replace("%2", _money(snap.shipping_total))
            .replace("%3", _money(snap.tax_total)).replace("%4", _money(snap.grand_total)))
        unit = next((line.weight_unit for line in snap.lines if line.weight_unit), "")
        self._set_field("weight", self.tr("%1 %2 in %3 unit(s)")
                        .replace("%1", f"{order.total_weight:g}").replace("%2", unit)
                        .replace("%3", str(order.units)).replace("  ", " "))
        gift = ""
        if snap.is_gift:
            gift = self.tr("Yes") + (f" — {snap.gift_message}" if snap.gift_message else "")
        self._set_field("gift", gift)
        self._set_field("customer_note", snap.special_instructions)
        self._set_field("public_note", snap.public_comments)
        self._set_field("instructions", snap.instructions)
        self._set_field("internal_note", snap.admin_comments)
        self._set_field("custom", "\n".join(f"{n}: {v}" for n, v in snap.custom_fields))
        self._set_field("tags", ", ".join(order.tags))
        self._set_field("synced", self.tr("first %1, store copy read %2")
                        .replace("%1", _when(order.first_synced_at))
                        .replace("%2", _when(order.last_read_at)))
        self._fill_lines(detail)
        self._fill_store_shipments(detail)
        self._fill_local_shipments(detail)
        self._fit_body()

    def _fit_body(self) -> None:
        """Make the body as tall as its wrapped text needs at the pane's width. QScrollArea
        sizes its widget from a height-for-width that can be stale after the rows change, and
        a form squeezed below it clips labels (a ship-to cut after two lines)."""
        layout = self._body.layout()
        layout.invalidate()
        # The narrower width (with a vertical scroll bar) needs the taller body.
        width = self.viewport().width()
        if not self.verticalScrollBar().isVisible():
            width -= self.verticalScrollBar().sizeHint().width()
        self._body.setMinimumHeight(layout.totalHeightForWidth(max(1, width)))

    def _hold_text(self, order: CachedOrder) -> str:
        if not order.hold_reason:
            return ""
        until = order.hold_until
        if until is not None:
            if until <= utc_now():
                return self.tr("Hold expired %1: %2").replace("%1", _when(until)) \
                    .replace("%2", order.hold_reason)
            return self.tr("On hold until %1: %2").replace("%1", _when(until)) \
                .replace("%2", order.hold_reason)
        return self.tr("On hold: %1").replace("%1", order.hold_reason)

    def _fill_lines(self, detail: OrderDetail) -> None:
        snap = detail.order.snapshot
        shipped = shipped_in_store(snap.shipments)
        remaining = remaining_to_ship(snap.lines, snap.shipments)
        table = self.lines_table
        table.setRowCount(len(snap.lines))
        for r, line in enumerate(snap.lines):
            product = detail.products.get(line.product_id) if line.product_id else None
            url = ""
            if product is not None:
                variant = next((v for v in product.variants
                                if v.variant_inventory_id == line.variant_inventory_id), None)
                url = (variant.image_url if variant and variant.image_url else "") \
                    or product.image_url
            muted = not line.is_packable
            picture = _item("", muted=muted)
            picture.setIcon(self._thumbnail(url, r))
            table.setItem(r, 0, picture)
            kind = ""
            if line.is_discount:
                kind = self.tr("discount")
            elif line.is_non_shipping:
                kind = self.tr("not shipped")
            name = line.name + (f"  [{kind}]" if kind else "")
            weight = f"{line.weight * line.quantity:g} {line.weight_unit}".strip() \
                if line.weight else ""
            # The SKU and weight go under the name: one wrapping column instead of three.
            facts = "  ·  ".join(p for p in (line.sku, weight) if p)
            extras = [facts, line.options_text, line.note, line.gift_message and
                      self.tr("Gift message: %1").replace("%1", line.gift_message)]
            text = "\n".join(p for p in [name, *extras] if p)
            table.setItem(r, 1, _item(text, muted=muted, tooltip=line.description))
            table.setItem(r, 2, _item(product.bin if product else "", muted=muted))
            table.setItem(r, 3, _item(str(line.quantity), align_right=True, muted=muted))
            table.setItem(r, 4, _item(str(shipped.get(line.line_id, 0)) if line.is_packable
                                      else "—", align_right=True, muted=muted))
            table.setItem(r, 5, _item(str(remaining[line.line_id]) if line.is_packable
                                      else "—", align_right=True, muted=muted))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        table.setColumnWidth(0, THUMB + 12)
        _fit_height(table)

    def _thumbnail(self, url: str, row: int) -> QIcon:
        path = self._images.path(url) if url else None
        if path is not None:
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                return QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        if url:
            self._image_cells.setdefault(url, []).append((row, 0))
        return self._placeholder

    @Slot(str, str)
    def _image_ready(self, url: str, path: str) -> None:
        cells = self._image_cells.pop(url, [])
        pixmap = QPixmap(path)
        if pixmap.isNull():
            return
        icon = QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation))
        for row, column in cells:
            item = self.lines_table.item(row, column)
            if item is not None:
                item.setIcon(icon)

    def _fill_store_shipments(self, detail: OrderDetail) -> None:
        snap = detail.order.snapshot
        names = {line.line_id: line.sku or line.name for line in snap.lines}
        table = self.store_shipments_table
        table.setRowCount(len(snap.shipments))
        for r, shipment in enumerate(snap.shipments):
            items = ", ".join(f"{line.quantity}× {names.get(line.line_id, line.line_id)}"
                              for line in shipment.lines)
            shipped = "\n".join(p for p in (_when(shipment.shipped_at), shipment.carrier,
                                            shipment.service) if p)
            tracking = "\n".join(t.strip() for t in shipment.tracking_numbers.split(",")
                                 if t.strip())
            for c, text in enumerate((shipped, tracking, "\n".join(
                    p for p in (items, shipment.shipping_comment) if p))):
                table.setItem(r, c, _item(text))
        table.setVisible(bool(snap.shipments))
        self.no_store_shipments.setVisible(not snap.shipments)
        _fit_height(table)

    def _fill_local_shipments(self, detail: OrderDetail) -> None:
        table = self.local_shipments_table
        table.setRowCount(len(detail.local_shipments))
        for r, s in enumerate(detail.local_shipments):
            tracking = "\n".join(p for p in (" ".join(p for p in (s.carrier, s.service) if p),
                                             s.tracking_numbers) if p)
            for c, text in enumerate((str(s.number), f"{s.state}\n{s.shipment_name}",
                                      tracking, str(s.units), s.packer)):
                table.setItem(r, c, _item(text))
        table.setVisible(bool(detail.local_shipments))
        self.no_local_shipments.setVisible(not detail.local_shipments)
        _fit_height(table)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # Pictures give way to the item names and quantities on a narrow pane.
        self.lines_table.setColumnHidden(0, self.viewport().width() < NARROW_PANE)
        if self._detail is not None:
            for table in (self.lines_table, self.store_shipments_table,
                          self.local_shipments_table):
                _fit_height(table)
            self._fit_body()

    @Slot()
    def open_admin(self) -> None:
        if self._detail is not None and self._detail.admin_url:
            self.admin_link_opened.emit(self._detail.admin_url)
            QDesktopServices.openUrl(QUrl(self._detail.admin_url))
