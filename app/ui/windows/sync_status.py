"""The sync state in the orders workspace's status bar: progress, "offline", the last sync
of each connection and what the outbox sent; "Sync now" and "Import from a date"."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QProgressBar

from app.services.outbox import FAILED_NOW, SENT, SKIPPED, STOPPED_NOW, PushResult
from app.services.sync import SyncProgress, SyncResult
from app.ui.models.order_table import format_date
from app.ui.tasks import DB
from app.ui.widgets.data_problems import DataProblemsButton

if TYPE_CHECKING:
    from app.ui.windows.parts import WorkspaceParts as _Base
else:
    _Base = object

log = logging.getLogger(__name__)

CONNECTIONS_KEYS = "Ctrl+Shift+C"  # Ctrl+, is Preferences, as on every desktop


class SyncStatus(_Base):
    """MainWindow's status bar and sync commands (a mixin: it shares the window's state)."""

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("syncProgress")
        self.progress_bar.setMaximumWidth(320)
        self.progress_bar.setMinimumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offlineBadge")
        self.offline_label.setTextFormat(Qt.TextFormat.PlainText)
        self.offline_label.setStyleSheet(
            "QLabel#offlineBadge { background: #b3261e; color: white; border-radius: 8px;"
            " padding: 1px 8px; font-weight: bold; }")
        self.offline_label.hide()
        self.last_sync_label = QLabel()
        self.last_sync_label.setObjectName("lastSyncLabel")
        self.last_sync_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        # "Store data problems": orders the store sent unreadable (widgets/data_problems.py)
        self.data_problems = DataProblemsButton(self._runner, self._context.sync.skipped_orders,
                                                self)
        bar.addWidget(self.count_label)
        bar.addPermanentWidget(self.data_problems)
        bar.addPermanentWidget(self.offline_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.last_sync_label)

    @Slot()
    def sync_now(self) -> None:
        if not self._connections and self._reference_pending:
            self._reload_reference(self.sync_now)  # asked before the connections were read
            return
        if not self._connections:
            self.statusBar().showMessage(self.tr("Add a store connection first (%1).")
                                         .replace("%1", CONNECTIONS_KEYS),
                                         5000)
            return
        self.sync.sync_all()

    @Slot(int)
    def _sync_started(self, _connection_id: int) -> None:
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat(self.tr("Syncing…"))
        self.progress_bar.show()

    @Slot(object)
    def _sync_progressed(self, progress: object) -> None:
        assert isinstance(progress, SyncProgress)
        totals = list(self.sync.last_progress.values())
        read = sum(p.orders_read for p in totals)
        total = sum(p.orders_total or 0 for p in totals)
        name = self._connections.get(progress.connection_id)
        label = name.name if name else ""
        if progress.phase == "reference":
            self.progress_bar.setRange(0, 0)
            self.progress_bar.setFormat(self.tr("%1: store settings…").replace("%1", label))
        elif total:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(read, total))
            self.progress_bar.setFormat(self.tr("Syncing %1: %2 / %3 orders")
                                        .replace("%1", label).replace("%2", f"{read:,}")
                                        .replace("%3", f"{total:,}"))
        self.progress_bar.show()

    @Slot(object)
    def _sync_finished(self, result: object) -> None:
        assert isinstance(result, SyncResult)
        self.data_problems.show_result(result)
        if not self.sync.running:
            self.progress_bar.hide()
        if result.outcome == "ok":
            if self._auto_push and (result.orders_new or result.orders_updated):
                self.outbox.kick()  # claim statuses of new orders, re-checks of waiting ones
            self._reload_reference(self._reload_orders)
            if result.orders_new or result.orders_updated:
                self.statusBar().showMessage(
                    self.tr("%1: %2 new, %3 updated orders").replace("%1", result.connection_name)
                    .replace("%2", str(result.orders_new))
                    .replace("%3", str(result.orders_updated)), 8000)
        elif result.outcome == "failed" and result.connection_id not in self.sync.offline:
            self.statusBar().showMessage(self.tr("Sync failed: %1").replace("%1", result.error),
                                         10000)
        self._update_sync_labels()

    @Slot(int, bool)
    def _offline_changed(self, _connection_id: int, _offline: bool) -> None:
        self._update_sync_labels()

    def _update_sync_labels(self) -> None:
        offline = [self._connections[c].name for c in sorted(self.sync.offline)
                   if c in self._connections]
        self.offline_label.setText(self.tr("Offline: %1").replace("%1", ", ".join(offline)))
        self.offline_label.setToolTip(self.tr(
            "The store cannot be reached. You can keep working on the cached orders; "
            "PackDesk tries again at the next sync."))
        self.offline_label.setVisible(bool(offline))
        names = {r.id: r.name for r in self._connections.values()}
        self._runner.submit(DB, self._context.order_list.last_successes, list(names),
                            on_result=lambda found: self._show_last_syncs(names, found),
                            on_error=lambda exc: log.warning("Last syncs not read: %s", exc))

    def _show_last_syncs(self, names: dict[int, str], found: object) -> None:
        parts = []
        for cid, last in cast(dict[int, Any], found).items():
            name = names[cid]
            when = format_date(last.finished_at) if last and last.finished_at else \
                self.tr("never")
            parts.append(self.tr("%1 synced %2").replace("%1", name).replace("%2", when))
        self.last_sync_label.setText("  ·  ".join(parts))

    @Slot()
    def import_from_date(self) -> None:
        from app.ui.dialogs.import_from_date import ImportFromDateDialog

        if not self._connections:
            self.statusBar().showMessage(self.tr("Add a store connection first (%1).")
                                         .replace("%1", CONNECTIONS_KEYS),
                                         5000)
            return
        dialog = ImportFromDateDialog(list(self._connections.values()), self)
        dialog.chosen.connect(lambda connection_id, since: self.sync.sync(connection_id, since))
        dialog.open()

    @Slot()
    def open_outbox(self) -> None:
        from app.ui.dialogs.outbox import OutboxDialog

        dialog = OutboxDialog(self._context, self._runner, parent=self)
        dialog.finished.connect(lambda _result: self.outbox.kick())  # a retry may be due now
        dialog.open()

    @Slot(object)
    def _pushed(self, result: object) -> None:
        assert isinstance(result, PushResult)
        self._requery(self.model.requery)  # "waiting to push" changes to shipped
        failed = result.count(FAILED_NOW) + result.count(STOPPED_NOW)
        message = self.tr("Sent %1 update(s) to the stores").replace(
            "%1", str(result.count(SENT) + result.count(SKIPPED)))
        if failed:
            message += self.tr("; %1 need attention (File ▸ Outbox)").replace("%1", str(failed))
        self.statusBar().showMessage(message, 8000)
