"""A shipment's lines table, and the drag of units between shipments (a MIME payload).

Store text (names, SKUs, options) is data: table items and PlainText labels only.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QSize, Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget

from app.domain.orders import Line

if TYPE_CHECKING:
    from app.ui.packing.shipment_panel import ShipmentPanel

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
        return json.loads(bytes(mime.data(UNITS_MIME).data()).decode())
    except ValueError:
        return None


def plain_label(text: str = "", *, object_name: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if object_name:
        label.setObjectName(object_name)
    return label


def title_label(object_name: str, scale: float) -> QLabel:
    """A bold plain label `scale` times the usual size (an order's or a shipment's title)."""
    label = plain_label(object_name=object_name)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
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


def item_text(line: Line) -> str:
    first = f"{line.sku}  ·  {line.name}" if line.sku else line.name
    options = line.options_text
    return f"{first}\n{options}" if options else first
