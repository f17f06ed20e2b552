"""The orders workspace: views, the order list, the detail pane, sync state in the status bar.

Everything arrives through the constructor (the context, the task runner, QSettings); nothing
is looked up globally, so tests build it on a temporary station with a synchronous runner.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QVBoxLayout, QWidget

from app.context import AppContext
from app.domain.changes import Changes
from app.domain.connection_settings import StatusInfo
from app.domain.store_info import StorefrontInfo
from app.services.order_list import ConnectionRecord, Reference
from app.ui.change_signal import ChangeSignal
from app.ui.images import ImageCache
from app.ui.models.order_table import BLOCK, OrderTableModel
from app.ui.outbox_controller import OutboxController
from app.ui.packing.scanner import ScanListener
from app.ui.screen_fit import resize_to_screen
from app.ui.sync_controller import SyncController
from app.ui.tasks import BULK_READ, DB, PDF, TaskRunner
from app.ui.widgets.order_detail import OrderDetailPane
from app.ui.windows.marks_actions import MarksActions
from app.ui.windows.menus import Menus
from app.ui.windows.order_list_area import NARROW_WIDTH, OrderListArea
from app.ui.windows.sync_status import SyncStatus
from app.ui.windows.view_sidebar import ViewSidebar

if TYPE_CHECKING:
    from app.ui.packing import PackingWindow

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
# The views' counts wait for a pause in the typing: on the one db thread a count of 100,000
# orders would hold up the next keystroke's query.
COUNTS_AFTER_TYPING_MS = 400


class MainWindow(OrderListArea, ViewSidebar, MarksActions, SyncStatus, Menus, QMainWindow):
    """The window and its state; each part of it lives in its own module (a mixin each):
    order_list_area, view_sidebar, marks_actions, sync_status and menus."""

    first_rows_painted = Signal(float)  # time.time() of the first paint with order rows
    order_shown = Signal(int)  # order pk now in the detail pane
    marks_saved = Signal()  # a tag or hold change reached the database

    def __init__(self, context: AppContext, runner: TaskRunner | None = None, *,
                 settings: QSettings | None = None, auto_sync: bool = True,
                 image_cache: ImageCache | None = None) -> None:
        super().__init__()
        self._context = context
        self._owns_runner = runner is None
        runner = runner or TaskRunner()
        self._runner = runner
        self._settings = settings if settings is not None else QSettings()
        self._marks = context.marks
        # Reference data, read on the db pool (_reload_reference): empty until it is back.
        self._connections: dict[int, ConnectionRecord] = {}
        self._statuses: dict[int, list[StatusInfo]] = {}
        self._storefronts: dict[int, list[StorefrontInfo]] = {}
        self._restore_after: tuple[list[int], int | None, int | None] | None = None
        self._detail_wanted: int | None = None  # the order whose detail is being read
        self._reference_pending = 0
        self._first_paint_reported = False
        self._counts_pending = False
        self._counts_stale = False
        self.setObjectName("mainWindow")
        self._packing: PackingWindow | None = None  # made on first use
        self.station_label = context.station_id  # until the name is read (db pool)
        self._show_station_title()

        self.images = image_cache or ImageCache(context.paths.cache_dir, runner, parent=self)
        self.sync = SyncController(context.sync_schedule, context.sync, runner, self)
        self.model = OrderTableModel(
            context.order_list, lambda: self._statuses, self,
            background=lambda job, done: runner.submit(DB, job, on_result=done),
            prefetch=BLOCK,  # the first rows come with the ids: one trip to the first paint
            bulk=lambda job, done: runner.submit(BULK_READ, job, on_result=done))
        self._pending_restore: tuple | None = None
        self.model.requeried.connect(self._requeried)
        self.model.rows_completed.connect(self._rows_completed)

        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self._applied_text = ""  # the search text of the last apply_filter
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_AFTER_TYPING_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)

        self.sync.sync_started.connect(self._sync_started)
        self.sync.sync_progressed.connect(self._sync_progressed)
        self.sync.sync_finished.connect(self._sync_finished)
        self.sync.offline_changed.connect(self._offline_changed)

        # Writes (this window's tags and holds among them) show through the change feed.
        self.change_signal = ChangeSignal(context.changes, self)
        self.change_signal.changed.connect(self._changed)
        self._fill_view_list({}, {})
        self.reload_station()
        self._restore_state()
        self._reload_reference(self._first_reference)
        self.sync.start(sync_due_now=auto_sync)
        # Shipments and status changes go to the stores in the background, as they fall due.
        self.outbox = OutboxController(context.outbox, runner, self)
        self.outbox.pushed.connect(self._pushed)
        self._auto_push = auto_sync
        if auto_sync:  # fonts and reportlab loaded before the first slip is asked for
            QTimer.singleShot(1500, lambda: runner.submit(PDF, context.slips.warm_up))
        # Scanning a slip or tracking label over the order list opens it for packing.
        self.scan_listener = ScanListener.from_settings(self._settings, parent=self)
        self.scan_listener.accepts = self.isActiveWindow
        self.scan_listener.scanned.connect(self._scanned_in_list)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.scan_listener.install(app)
        if auto_sync:
            self.outbox.start()
        self._update_sync_labels()

    # --- layout -----------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self._build_view_list()
        filters = self._build_filters()
        self._build_table()

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addLayout(filters)
        centre_layout.addWidget(self.table, 1)

        self.detail = OrderDetailPane(self.images)
        self.detail.setMinimumWidth(300)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("workspaceSplitter")
        self.splitter.addWidget(self.view_list)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([180, 800, 460])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        resize_to_screen(self, 1440, 860)

    # --- reference data (connections, storefronts, statuses) --------------------------------

    def _reload_reference(self, then: Callable[[], None] | None = None) -> None:
        """Connections, statuses and storefronts, read on the db pool; `then` runs after."""
        def loaded(reference: object) -> None:
            self._reference_pending -= 1
            self._reference_loaded(cast(Reference, reference))
            if then is not None:
                then()

        def failed(exc: object) -> None:
            self._reference_pending -= 1
            log.warning("Connections not read: %s", exc)
        self._reference_pending += 1
        self._runner.submit(DB, self._context.order_list.reference, on_result=loaded,
                            on_error=failed)

    def is_loading(self) -> bool:
        """True while the connections or the view's first rows are being read."""
        return bool(self._reference_pending) or self.model.is_querying()

    def _first_reference(self) -> None:
        self.data_problems.refresh({c: r.name for c, r in self._connections.items()})
        # Queried even when a view was chosen meanwhile: that query ran without the statuses.
        order_filter = self.current_filter()
        self._requery(lambda: self.model.set_filter(order_filter), keep_scroll=False)
        self.refresh_counts()
        self._update_sync_labels()

    def _reference_loaded(self, reference: Reference) -> None:
        records = list(reference.connections.values())
        self._connections = dict(reference.connections)
        self._statuses = dict(reference.statuses)
        self._storefronts = dict(reference.storefronts)
        current = self.connection_combo.currentData()
        self.connection_combo.blockSignals(True)
        self.connection_combo.clear()
        self.connection_combo.addItem(self.tr("All connections"), None)
        for record in records:
            self.connection_combo.addItem(record.name, record.id)
        index = self.connection_combo.findData(current)
        self.connection_combo.setCurrentIndex(max(0, index))
        self.connection_combo.setVisible(len(records) > 1)
        self.connection_combo.blockSignals(False)
        self._reload_storefronts()

    def _reload_storefronts(self) -> None:
        current = self.storefront_combo.currentData()
        cid = self.connection_combo.currentData()
        ids = [cid] if cid is not None else list(self._connections)
        fronts = [(c, s) for c in ids for s in self._storefronts.get(c, [])]
        self.storefront_combo.blockSignals(True)
        self.storefront_combo.clear()
        self.storefront_combo.addItem(self.tr("All storefronts"), None)
        for c, front in fronts:
            label = front.name or front.domain_name or str(front.store_id)
            if len(ids) > 1:
                label = f"{self._connections[c].name}: {label}"
            self.storefront_combo.addItem(label, (c, front.store_id))
        index = self.storefront_combo.findData(current)
        self.storefront_combo.setCurrentIndex(max(0, index))
        self.storefront_combo.setVisible(len(fronts) > 1)
        self.storefront_combo.blockSignals(False)

    # --- packing ------------------------------------------------------------------------------

    def packing_window(self):
        """The packing view, made on first use (start-up stays light)."""
        if self._packing is None:
            from app.ui.packing import PackingWindow

            self._packing = PackingWindow(self._context, self._runner,
                                          settings=self._settings, image_cache=self.images)
            self._packing.addAction(self.shortcuts_action)  # F1 there too
            self._show_station_title()
            self._packing.station_bar.station_renamed.connect(self.reload_station)
            self._packing.shipment_shipped.connect(self._packing_changed)
            self._packing.order_completed.connect(self._packing_changed)
            self._packing.plan_changed.connect(self._packing_changed)  # the detail's shipments
            self._packing.slip_requested.connect(self.print_slip_for)
        return self._packing

    @Slot()
    def pack_selected(self) -> None:
        pk = self.current_order_pk()
        if pk is not None:
            self.open_packing(pk)

    def open_packing(self, order_pk: int | None = None, scanned: str | None = None) -> None:
        window = self.packing_window()
        window.show()
        window.raise_()
        window.activateWindow()
        if scanned is not None:
            window.scan(scanned)
        elif order_pk is not None:
            window.open_order(order_pk)

    @Slot(str, object)
    def _scanned_in_list(self, value: str, _field: object) -> None:
        """A slip or tracking barcode scanned over the order list opens it for packing."""
        self.open_packing(scanned=value)

    @Slot()
    def _packing_changed(self, *_args) -> None:
        self._requery(self.model.requery)
        self.refresh_counts()
        if self._auto_push:
            self.outbox.kick()

    @Slot(int, int)
    def print_slip_for(self, order_pk: int, number: int) -> None:
        from app.services.slips import SlipTarget, slip_job

        self._preview(slip_job([SlipTarget(order_pk, number)]))

    @Slot()
    def print_selected_slips(self) -> None:
        from app.services.slips import SlipTarget, slip_job

        pks = self.selected_order_pks()
        if pks:
            self._preview(slip_job([SlipTarget(pk) for pk in pks]))

    @Slot()
    def print_pick_list(self) -> None:
        from app.services.slips import SlipTarget, pick_list_job

        pks = self.selected_order_pks()
        if pks:
            self._preview(pick_list_job([SlipTarget(pk) for pk in pks],
                                        title=self.tr("Pick list")))

    def _preview(self, job) -> None:
        """Slips and pick lists are built on the PDF thread and previewed before printing."""
        from app.ui.dialogs.slip_preview import SlipPreviewDialog

        dialog = SlipPreviewDialog(self._context.slips, job, self._runner, self._settings,
                                   station_key=self._context.station_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot(object)
    def _changed(self, value: object) -> None:
        """A write somewhere (this window's tags and holds, another window's...): the rows,
        counts and detail it names again; everything after a change of connections."""
        changes = cast(Changes, value)
        if changes.everything or changes.connections:
            self._connections_changed()
        elif changes.touches_orders():
            # A view's membership follows tags, holds and states: its ids are read again
            # (the current order's detail with them, in _restore_view).
            self._requery(self.model.requery)
            self.refresh_counts()

    # --- connections ------------------------------------------------------------------------

    @Slot()
    def open_connections(self) -> None:
        from app.ui.dialogs.connections import ConnectionsDialog

        dialog = ConnectionsDialog(self._context, self._runner, self)
        dialog.connections_changed.connect(self._connections_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.connections_dialog = dialog
        dialog.open()

    @Slot()
    def _connections_changed(self) -> None:
        self.sync.reload()
        self._reload_reference(self._reload_orders_and_syncs)

    def _reload_orders(self) -> None:
        """After new reference data: the view's ids and the counts again."""
        self._requery(self.model.requery)
        self.refresh_counts()

    def _reload_orders_and_syncs(self) -> None:
        self._reload_orders()
        self._update_sync_labels()

    # --- window state -----------------------------------------------------------------------

    def _restore_state(self) -> None:
        s = self._settings
        geometry = s.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        header = s.value("main/orderColumns")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
        else:
            self.default_columns(self.width())
        splitter = s.value("main/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes(default_splitter_sizes(self.width()))

    def save_state(self) -> None:
        s = self._settings
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/orderColumns", self.table.horizontalHeader().saveState())
        s.setValue("main/splitter", self.splitter.saveState())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.scan_listener.uninstall()
        if self._packing is not None:
            self._packing.close()
        self.outbox.stop()
        self.sync.shutdown()
        self.change_signal.close()
        if self._owns_runner:
            self._runner.shutdown(wait=True)
        super().closeEvent(event)


def default_splitter_sizes(width: int) -> list[int]:
    """Views, order list, detail pane: the detail keeps room for an address and the item
    quantities on a small screen; a wide one gives the list the most."""
    side = 175
    detail = max(340, int(width * 0.34)) if width < NARROW_WIDTH else max(420, int(width * 0.32))
    return [side, max(300, width - side - detail), detail]
