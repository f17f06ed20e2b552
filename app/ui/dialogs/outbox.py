"""The outbox: what is waiting to go to the store, what failed and why, what was delivered.

A table of entries (order, shipment and its tracking, kind, state, attempts, result, delivered:
a delivery says "Sent", an error says what went wrong), with Retry for failed
or stopped entries and Preview showing exactly the call that would be sent. Everything from the
store (error messages, order data in previews) is shown as plain text. Database work goes
through the task runner's DB pool; the table reloads when the change feed says outbox entries
changed (its own retries, a push, the CLI in this process).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.domain.changes import Changes
from app.services.outbox_desk import BLOCKING, OutboxListing, Preview
from app.ui.change_signal import ChangeSignal
from app.ui.screen_fit import resize_to_screen
from app.ui.tasks import DB, TaskRunner

log = logging.getLogger(__name__)

COLUMNS = ("Order", "Shipment", "Tracking", "Kind", "State", "Attempts", "Result", "Delivered")
ORDER, SHIPMENT, TRACKING, KIND, STATE, ATTEMPTS, RESULT, DELIVERED_AT = range(len(COLUMNS))
KIND_TITLES = {"shipment": "Shipment", "shipment_void": "Void shipment", "status": "Status",
               "claim": "Claim status", "product": "Listing"}


class OutboxDialog(QDialog):
    entries_loaded = Signal(int)  # how many rows the table shows
    entry_retried = Signal(int)
    preview_shown = Signal(int)
    action_failed = Signal(str)

    def __init__(self, context: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxDialog")
        self.setWindowTitle(self.tr("Store updates (outbox)"))
        resize_to_screen(self, 960, 560)
        self._context = context
        self._runner = runner
        self._listings: list[OutboxListing] = []
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Shipments and status changes waiting to go to the store, and "
                               "what happened to them. A failed or stopped entry holds back "
                               "the later ones of its order until it is retried."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RESULT, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 3)
        self.preview_text = QPlainTextEdit()  # plain text: store data is never markup
        self.preview_text.setReadOnly(True)
        self.preview_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview_text.setPlaceholderText(self.tr("Preview shows the exact call for the "
                                                     "selected entry."))
        layout.addWidget(self.preview_text, 2)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        row = QHBoxLayout()
        self.show_all_check = QCheckBox(self.tr("Show all (older deliveries, superseded)"))
        self.show_all_check.toggled.connect(self.reload)
        row.addWidget(self.show_all_check)
        row.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.clicked.connect(self.preview_selected)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.retry_selected)
        for button in (self.refresh_button, self.preview_button, self.retry_button):
            row.addWidget(button)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._selection_changed()
        self._changes = ChangeSignal(context.changes, self)
        self._changes.changed.connect(self._changed)
        self.finished.connect(self._changes.close)  # a closed dialog stops listening
        self.reload()

    # --- running work ---------------------------------------------------------------------------

    def _run(self, job: Callable[[], Any], on_result: Callable[[Any], None]) -> None:
        self._runner.submit(DB, job, on_result=on_result, on_error=self._show_error)

    def _show_error(self, exc: object) -> None:
        text = str(exc)
        self.message_label.setText(text)
        self.action_failed.emit(text)

    # --- table ----------------------------------------------------------------------------------

    @Slot(object)
    def _changed(self, changes: Changes) -> None:
        if changes.outbox or changes.everything:
            self.reload()

    @Slot()
    def reload(self) -> None:
        include_all = self.show_all_check.isChecked()
        self._run(lambda: self._context.outbox.entries(include_all=include_all), self._fill)

    def _fill(self, listings: list[OutboxListing]) -> None:
        selected = self.selected_entry_id()
        self._listings = list(listings)
        self.table.setRowCount(len(self._listings))
        for row, listing in enumerate(self._listings):
            entry = listing.entry
            delivered = entry.delivered_at.strftime("%Y-%m-%d %H:%M") if entry.delivered_at \
                else ""
            shipment = (f"{listing.shipment_number} · {listing.shipment_name}"
                        if listing.shipment_number is not None else "")
            values = (listing.order_number or "-", shipment, listing.tracking_numbers,
                      KIND_TITLES.get(entry.kind, entry.kind), entry.state,
                      str(entry.attempts), self.result_text(listing), delivered)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)  # QTableWidgetItem text is never rich text
                item.setData(Qt.ItemDataRole.UserRole, entry.entry_id)
                if column == RESULT and value:
                    item.setToolTip(value)
                self.table.setItem(row, column, item)
            if entry.entry_id == selected:
                self.table.selectRow(row)
        self._selection_changed()
        self.entries_loaded.emit(len(self._listings))

    def result_text(self, listing: OutboxListing) -> str:
        """What happened, in words: a delivery is not an error ("HTTP 201" -> "Sent (HTTP 201)")."""
        note = listing.entry.last_error
        if listing.entry.delivered_at is not None:
            return self.tr("Sent (%1)").replace("%1", note) if note.startswith("HTTP ") \
                else (note or self.tr("Sent"))
        return note

    def selected_listing(self) -> OutboxListing | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self._listings[row] if 0 <= row < len(self._listings) else None

    def selected_entry_id(self) -> int | None:
        listing = self.selected_listing()
        return listing.entry.entry_id if listing else None

    def select_entry(self, entry_id: int) -> None:
        for row, listing in enumerate(self._listings):
            if listing.entry.entry_id == entry_id:
                self.table.selectRow(row)
                return

    @Slot()
    def _selection_changed(self) -> None:
        listing = self.selected_listing()
        self.preview_button.setEnabled(listing is not None)
        self.retry_button.setEnabled(listing is not None and listing.entry.state in BLOCKING)

    # --- actions --------------------------------------------------------------------------------

    @Slot()
    def retry_selected(self) -> None:
        listing = self.selected_listing()
        if listing is None or listing.entry.state not in BLOCKING:
            return
        entry_id = listing.entry.entry_id

        def done(_value: object) -> None:
            self.message_label.setText(self.tr("Entry %1 will be sent on the next push.")
                                       .replace("%1", str(entry_id)))
            self.entry_retried.emit(entry_id)  # the table reloads from the change feed

        self._run(lambda: self._context.outbox.retry(entry_id), done)

    @Slot()
    def preview_selected(self) -> None:
        entry_id = self.selected_entry_id()
        if entry_id is None:
            return

        def show(preview: Preview) -> None:
            self.preview_text.setPlainText(preview.as_text())
            self.preview_shown.emit(entry_id)

        self._run(lambda: self._context.outbox.preview(entry_id), show)
