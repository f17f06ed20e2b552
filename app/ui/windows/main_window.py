"""The orders workspace: views, the order list, the detail pane, sync state in the status bar.

Everything arrives through the constructor (the context, the task runner, QSettings); nothing
is looked up globally, so tests build it on a temporary station with a synchronous runner.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStyleOptionHeader,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.context import AppContext
from app.domain.changes import Changes
from app.domain.connection_settings import StatusInfo
from app.domain.status_rules import StatusView
from app.domain.store_info import StorefrontInfo
from app.errors import PackDeskError
from app.services.order_list import (
    ALL,
    ATTENTION,
    PARTIALLY_SHIPPED,
    ConnectionRecord,
    OrderDetail,
    OrderFilter,
    Reference,
)
from app.services.outbox import FAILED_NOW, SENT, SKIPPED, STOPPED_NOW, PushResult
from app.services.sync import SyncProgress, SyncResult
from app.ui.change_signal import ChangeSignal
from app.ui.images import ImageCache
from app.ui.models.order_table import BLOCK, ORDER_PK_ROLE, OrderTableModel, format_date
from app.ui.outbox_controller import OutboxController
from app.ui.packing.scanner import ScanListener
from app.ui.screen_fit import resize_to_screen
from app.ui.shortcuts import ShortcutRow, shortcut_rows, show_keys_in_tooltip
from app.ui.sync_controller import SyncController
from app.ui.tasks import DB, PDF, TaskRunner
from app.ui.widgets.data_problems import DataProblemsButton
from app.ui.widgets.order_detail import OrderDetailPane

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
NARROW_WIDTH = 1200  # below this (1024- and 1152-px screens) the default layout is compact
NARROW_HIDDEN_COLUMNS = ("storefront", "weight", "status")  # shown again from the header menu
CONNECTIONS_KEYS = "Ctrl+Shift+C"  # Ctrl+, is Preferences, as on every desktop
KIND_ROLE = Qt.ItemDataRole.UserRole + 10
KEY_ROLE = Qt.ItemDataRole.UserRole + 11
TITLE_ROLE = Qt.ItemDataRole.UserRole + 12


def side_views(tr: Callable[[str], str]) -> list[tuple[str, str]]:
    """(view key, title) of the side list, in the packer's order of work."""
    return [
        (StatusView.AWAITING_SHIPMENT.value, tr("Awaiting shipment")),
        (PARTIALLY_SHIPPED, tr("Partially shipped")),
        (StatusView.AWAITING_PAYMENT.value, tr("Awaiting payment")),
        (ATTENTION, tr("Flagged / on hold")),
        (StatusView.SHIPPED.value, tr("Shipped")),
        (StatusView.CANCELLED.value, tr("Cancelled")),
        (ALL, tr("All orders")),
    ]


class MainWindow(QMainWindow):
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
        self._packing = None
        self.station_label = context.station_id  # until the name is read (db pool)
        self._show_station_title()

        self.images = image_cache or ImageCache(context.paths.cache_dir, runner, parent=self)
        self.sync = SyncController(context.sync_schedule, context.sync, runner, self)
        self.model = OrderTableModel(
            context.order_list, lambda: self._statuses, self,
            background=lambda job, done: runner.submit(DB, job, on_result=done),
            prefetch=BLOCK)  # the first rows come with the ids: one trip to the first paint
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
        self.view_list = QListWidget()
        self.view_list.setObjectName("viewList")
        self.view_list.setMinimumWidth(150)
        self.view_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view_list.currentItemChanged.connect(self._view_changed)
        self.view_list.setStyleSheet(
            "QListWidget#viewList { border: none; background: palette(window); }"
            "QListWidget#viewList::item { padding: 5px 8px; border-radius: 4px; }"
            "QListWidget#viewList::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }")

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText(
            self.tr("Search orders: number, customer, email, SKU, tracking…  (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)
        self.connection_combo = QComboBox()
        self.connection_combo.setObjectName("connectionCombo")
        self.connection_combo.setToolTip(self.tr("Show orders of one connection"))
        self.connection_combo.currentIndexChanged.connect(self._connection_changed)
        self.storefront_combo = QComboBox()
        self.storefront_combo.setObjectName("storefrontCombo")
        self.storefront_combo.setToolTip(self.tr("Show orders of one storefront"))
        self.storefront_combo.currentIndexChanged.connect(self._storefront_changed)
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("syncButton")

        filters = QHBoxLayout()
        filters.setContentsMargins(8, 8, 8, 4)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.connection_combo)
        filters.addWidget(self.storefront_combo)
        filters.addWidget(self.sync_button)

        self.table = QTableView()
        self.table.setObjectName("orderTable")
        self.table.setHorizontalHeader(SortHeader(self.table))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        # The header's own, always empty, selection: with the table's, each paint after
        # select-all asked the model about every row of every column (3 s on 100,000 orders).
        # Rows are selected whole, so the header never shows a column as selected anyway.
        header.setSelectionModel(QItemSelectionModel(self.model, header))
        header.setStretchLastSection(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # a header click re-queries with another sort
        for i, width in enumerate(self.model.column_count_default_widths()):
            self.table.setColumnWidth(i, width)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._row_activated)
        self.table.viewport().installEventFilter(self)
        self.empty_label = QLabel(self.table.viewport())
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setStyleSheet("color: #6b7280; padding: 24px;")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

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

    def _action(self, text: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        show_keys_in_tooltip(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.connections_action = self._action(self.tr("&Connections…"), CONNECTIONS_KEYS,
                                               self.open_connections,
                                               self.tr("Add, test and set up store connections"))
        self.quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit,
                                        self.close)
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        self.find_action = self._action(self.tr("&Find orders"), QKeySequence("Ctrl+F"),
                                        self.focus_search)
        self.sync_action = self._action(self.tr("&Sync now"), QKeySequence("F5"),
                                        self.sync_now,
                                        self.tr("Fetch new and changed orders from the stores"))
        self.sync_button.setDefaultAction(self.sync_action)
        self.sync_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = self._action(self.tr("&Print packing slips…"),
                                         QKeySequence("Ctrl+P"), self.print_selected_slips,
                                         self.tr("Preview and print the slips of the selected "
                                                 "orders"))
        self.pick_list_action = self._action(self.tr("Print pic&k list…"),
                                             QKeySequence("Ctrl+Shift+K"),
                                             self.print_pick_list,
                                             self.tr("A pick list of the selected orders, "
                                                     "sorted by bin"))
        self.add_tag_action = self._action(self.tr("Add &tag…"), QKeySequence("Ctrl+T"),
                                           self.add_tag, self.tr("Tag the selected orders"))
        self.remove_tag_action = self._action(self.tr("&Remove tag…"),
                                              QKeySequence("Ctrl+Shift+T"), self.remove_tag,
                                              self.tr("Remove a tag from the selected orders"))
        self.hold_action = self._action(self.tr("&Hold / release…"), QKeySequence("Ctrl+H"),
                                        self.toggle_hold,
                                        self.tr("Hold the selected orders, or release them"))
        self.pack_action = self._action(self.tr("&Pack order"), QKeySequence("Ctrl+Return"),
                                        self.pack_selected,
                                        self.tr("Open the selected order in the packing view "
                                                "(or press Enter, or scan its slip)"))
        self.import_action = self._action(self.tr("&Import from a date…"), None,
                                          self.import_from_date,
                                          self.tr("Fetch older orders of a connection, created "
                                                  "from a date you choose"))
        self.outbox_action = self._action(self.tr("&Outbox…"), QKeySequence("Ctrl+Shift+O"),
                                          self.open_outbox,
                                          self.tr("Store updates waiting, failed or delivered"))
        self.admin_action = self._action(self.tr("Open in store &admin"),
                                         QKeySequence("Ctrl+Shift+A"), self.detail.open_admin)
        self.clear_search_action = self._action(self.tr("Clear search"), None, self.clear_search)
        self.next_view_action = self._action(self.tr("Next view"), QKeySequence("Ctrl+PgDown"),
                                             lambda: self._step_view(1))
        self.prev_view_action = self._action(self.tr("Previous view"),
                                             QKeySequence("Ctrl+PgUp"),
                                             lambda: self._step_view(-1))
        self.preferences_action = self._action(
            self.tr("&Preferences…"), QKeySequence("Ctrl+,"), self.open_preferences,
            self.tr("Station name and packer, scanner, sounds and printing"))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts_action = self._action(self.tr("&Keyboard shortcuts"),
                                             QKeySequence("F1"), self.show_shortcuts,
                                             self.tr("Every key of the orders list and the "
                                                     "packing view"))
        self.about_action = self._action(self.tr("&About PackDesk"), None, self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.connections_action)
        file_menu.addAction(self.outbox_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.preferences_action)
        orders_menu = menu.addMenu(self.tr("&Orders"))
        for action in (self.find_action, self.sync_action, self.import_action, None,
                       self.pack_action,
                       self.print_action, self.pick_list_action, None, self.add_tag_action,
                       self.remove_tag_action, self.hold_action, None, self.outbox_action,
                       self.admin_action):
            if action is None:
                orders_menu.addSeparator()
            else:
                orders_menu.addAction(action)
        orders_menu.setToolTipsVisible(True)
        view_menu = menu.addMenu(self.tr("&View"))
        self.view_actions: list[QAction] = []
        for number, (key, title) in enumerate(side_views(self.tr), start=1):
            action = self._action(title, QKeySequence(f"Ctrl+{number}"),
                                  lambda _=False, k=key: self.select_view("view", k))
            view_menu.addAction(action)
            self.view_actions.append(action)
        view_menu.addSeparator()
        view_menu.addAction(self.next_view_action)
        view_menu.addAction(self.prev_view_action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self.table.addActions([self.add_tag_action, self.remove_tag_action, self.hold_action,
                               self.print_action, self.admin_action])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._selection_changed()

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
        self.apply_filter()
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

    # --- the side list of views and tags ----------------------------------------------------

    def _fill_view_list(self, counts: dict[str, int], tags: dict[str, int]) -> None:
        selected = self._selected_view()
        self.view_list.blockSignals(True)
        self.view_list.clear()
        for key, title in side_views(self.tr):
            self._add_view_item("view", key, title, counts.get(key))
        header = QListWidgetItem(self.tr("TAGS") if tags else "")
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        header.setFont(font)
        self.view_list.addItem(header)
        for tag, count in tags.items():
            self._add_view_item("tag", tag, tag, count)
        kind, key = selected or ("view", StatusView.AWAITING_SHIPMENT.value)
        item = self._find_view_item(kind, key) or self._find_view_item("view", ALL)
        self.view_list.setCurrentItem(item)
        self.view_list.blockSignals(False)
        if selected is not None and (kind, key) != self._selected_view():
            self.apply_filter()  # the tag we showed is gone

    def _add_view_item(self, kind: str, key: str, title: str, count: int | None) -> None:
        item = QListWidgetItem(f"{title}  ({count:,})" if count is not None else title)
        item.setData(KIND_ROLE, kind)
        item.setData(KEY_ROLE, key)
        item.setData(TITLE_ROLE, title)
        if kind == "tag":
            item.setToolTip(self.tr("Orders tagged %1").replace("%1", title))
        self.view_list.addItem(item)

    def _find_view_item(self, kind: str, key: str) -> QListWidgetItem | None:
        for i in range(self.view_list.count()):
            item = self.view_list.item(i)
            if item.data(KIND_ROLE) == kind and item.data(KEY_ROLE) == key:
                return item
        return None

    def _selected_view(self) -> tuple[str, str] | None:
        item = self.view_list.currentItem()
        if item is None or item.data(KIND_ROLE) is None:
            return None
        return item.data(KIND_ROLE), item.data(KEY_ROLE)

    def select_view(self, kind: str, key: str) -> None:
        item = self._find_view_item(kind, key)
        if item is not None:
            self.view_list.setCurrentItem(item)

    def view_counts(self) -> dict[tuple[str, str], str]:
        """(kind, key) -> the text shown, for tests."""
        return {(self.view_list.item(i).data(KIND_ROLE), self.view_list.item(i).data(KEY_ROLE)):
                self.view_list.item(i).text() for i in range(self.view_list.count())
                if self.view_list.item(i).data(KIND_ROLE)}

    def _step_view(self, step: int) -> None:
        rows = [i for i in range(self.view_list.count())
                if self.view_list.item(i).data(KIND_ROLE)]
        if not rows:
            return
        current = self.view_list.currentRow()
        position = rows.index(current) if current in rows else 0
        self.view_list.setCurrentRow(rows[(position + step) % len(rows)])

    @Slot()
    def _view_changed(self, *_args) -> None:
        self.apply_filter()

    def refresh_counts(self) -> None:
        """Counts of every view and tag, on the db pool (after pending writes)."""
        if self._counts_pending:
            self._counts_stale = True  # count again when the running count is back
            return
        self._counts_pending = True
        self._counts_stale = False
        base = self.current_filter()
        views = [key for key, _ in side_views(self.tr)]
        self._runner.submit(DB, self._context.order_list.counts, views, base,
                            dict(self._statuses), on_result=self._counts_ready,
                            on_error=self._counts_failed)

    @Slot(object)
    def _counts_ready(self, value: object) -> None:
        self._counts_pending = False
        counts, tags = cast(tuple[dict[str, int], dict[str, int]], value)
        self._fill_view_list(counts, tags)
        if self._counts_stale:
            self.refresh_counts()

    @Slot(object)
    def _counts_failed(self, exc: object) -> None:
        self._counts_pending = False
        self._counts_stale = False
        log.warning("Counting orders failed: %s", exc)

    # --- filtering --------------------------------------------------------------------------

    def current_filter(self) -> OrderFilter:
        kind, key = self._selected_view() or ("view", ALL)
        connection_id = self.connection_combo.currentData()
        front = self.storefront_combo.currentData()
        store_id = None
        if front is not None:
            connection_id, store_id = front
        previous = self.model.order_filter
        search = self.search_edit.text().strip()
        if len(search) < 2 and not search.isdigit():
            search = ""  # one letter matches nearly every order: wait for the second
        return OrderFilter(view=key if kind == "view" else ALL,
                           tag=key if kind == "tag" else None,
                           connection_id=connection_id, store_id=store_id,
                           search=search, sort=previous.sort,
                           descending=previous.descending)

    @Slot()
    def apply_filter(self) -> None:
        self._search_timer.stop()
        order_filter = self.current_filter()
        if order_filter != self.model.order_filter or not self.model.rowCount():
            self._requery(lambda: self.model.set_filter(order_filter), keep_scroll=False)
        self.refresh_counts()

    def _requery(self, run: Callable[[], None], *, keep_scroll: bool = True) -> None:
        """Re-run the view's query keeping the selected orders (and the scroll position)."""
        selected = self.selected_order_pks()
        current = self.current_order_pk()
        top_pk = None
        if keep_scroll:
            top = self.table.rowAt(0)
            top_pk = self.model.order_pk(top) if top >= 0 else None
        self._restore_after = (selected, current, top_pk)
        run()  # the rows change when the first ids are back: _requeried

    @Slot(int)
    def _requeried(self, _rows: int) -> None:
        state, self._restore_after = self._restore_after, None
        if state is None:  # a header click: the selection stayed on its orders
            return
        selected, current, top_pk = state
        self._restore_view(selected, current, top_pk)
        wanted = [pk for pk in (*selected, current, top_pk) if pk is not None]
        # Orders beyond the first rows come back when the whole view has loaded.
        self._pending_restore = ((selected, current, top_pk)
                                 if any(self.model.row_of(pk) is None for pk in wanted)
                                 and not self.model.is_complete() else None)

    @Slot(int)
    def _rows_completed(self, rows: int) -> None:
        pending, self._pending_restore = self._pending_restore, None
        if pending is not None:
            self._restore_view(*pending)
        self.count_label.setText(self.tr("%n order(s)", "", rows))

    def _restore_view(self, selected: list[int], current: int | None,
                      top_pk: int | None) -> None:
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        rows = sorted(row for pk in selected if (row := self.model.row_of(pk)) is not None)
        for first, final in row_runs(rows):  # one range per run: select-all stays one range
            selection.select(self.model.index(first, 0), self.model.index(final, last))
        selection_model = self.table.selectionModel()
        selection_model.blockSignals(True)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        current_row = self.model.row_of(current) if current is not None else None
        if current_row is not None:
            selection_model.setCurrentIndex(self.model.index(current_row, 0),
                                            QItemSelectionModel.SelectionFlag.NoUpdate)
        selection_model.blockSignals(False)
        if top_pk is not None and (row := self.model.row_of(top_pk)) is not None:
            self.table.scrollTo(self.model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        elif current_row is not None:
            self.table.scrollTo(self.model.index(current_row, 0))
        else:
            self.table.scrollToTop()
        self._selection_changed()
        self._update_empty_label()
        self.count_label.setText(self.tr("%n order(s)", "", self.model.rowCount()))
        shown = self.detail.detail.order.order_pk if self.detail.detail else None
        if current_row is None and (shown is not None or self._detail_wanted is not None):
            self._detail_wanted = None
            self.detail.show_order(None)
        elif current is not None and current_row is not None:
            self.show_order(current)

    def _update_empty_label(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            if not self._connections:
                text = self.tr("No store connected yet.\nOpen File → Connections (%1) "
                               "to add one.").replace("%1", CONNECTIONS_KEYS)
            elif self.search_edit.text().strip():
                text = self.tr("No orders match the search.")
            else:
                text = self.tr("No orders in this view.")
            self.empty_label.setText(text)
            self.empty_label.resize(self.table.viewport().size())
        self.empty_label.setVisible(empty)

    @Slot()
    def _connection_changed(self, *_args) -> None:
        self._reload_storefronts()
        self.apply_filter()

    @Slot()
    def _storefront_changed(self, *_args) -> None:
        self.apply_filter()

    @Slot()
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def clear_search(self) -> None:
        self.search_edit.clear()
        self.apply_filter()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape:
                self.clear_search()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                self.apply_filter()  # no need to wait for the debounce
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.current_order_pk() is None and self.model.rowCount():
                    self.table.selectRow(0)
                return True
        if watched is self.table.viewport():
            if event.type() == QEvent.Type.Resize:
                self.empty_label.resize(self.table.viewport().size())
            elif event.type() == QEvent.Type.Paint and not self._first_paint_reported \
                    and self.model.rowCount():
                self._first_paint_reported = True  # rows are fetched while this paint runs
                QTimer.singleShot(0, self._report_first_paint)
        return super().eventFilter(watched, event)

    @Slot()
    def _report_first_paint(self) -> None:
        if self.model.cached_rows():
            self.first_rows_painted.emit(time.time())
        else:  # that paint drew no rows (e.g. covered): wait for the next one
            self._first_paint_reported = False

    # --- selection and the detail pane ------------------------------------------------------

    def selected_order_pks(self) -> list[int]:
        # From the selection's row ranges: select-all of 100,000 orders is one range, where
        # selectedRows() made 100,000 indexes on the GUI thread (2.6 s).
        selection = self.table.selectionModel().selection()
        spans = [selection.at(n) for n in range(selection.size())]
        rows = sorted({r for span in spans for r in range(span.top(), span.bottom() + 1)})
        return [pk for r in rows if (pk := self.model.order_pk(r)) is not None]

    def current_order_pk(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.order_pk(index.row()) if index.isValid() else None

    def select_order(self, order_pk: int) -> bool:
        row = self.model.row_of(order_pk)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    @Slot()
    def _current_row_changed(self, current, _previous) -> None:
        pk = current.data(ORDER_PK_ROLE) if current.isValid() else None
        if pk is None:
            self._detail_wanted = None
            self.detail.show_order(None)
        else:
            self.show_order(pk)

    def show_order(self, order_pk: int) -> None:
        """Read the order's detail on the db pool and show it (unless another order was
        chosen meanwhile)."""
        self._detail_wanted = order_pk
        self._runner.submit(
            DB, self._context.order_list.detail, order_pk,
            on_result=lambda detail: self._detail_loaded(order_pk, detail),
            on_error=lambda exc: log.warning("Order %s not read: %s", order_pk, exc))

    def _detail_loaded(self, order_pk: int, detail: object) -> None:
        if order_pk != self._detail_wanted:
            return  # an older click's answer
        self.detail.show_order(cast(OrderDetail | None, detail))
        if detail is not None:
            self.order_shown.emit(order_pk)

    @Slot()
    def _selection_changed(self, *_args) -> None:
        has = self.table.selectionModel().hasSelection()  # rows are selected whole
        for action in (self.add_tag_action, self.remove_tag_action, self.hold_action,
                       self.print_action, self.pick_list_action, self.pack_action):
            action.setEnabled(has)

    @Slot()
    def _row_activated(self, index) -> None:
        pk = index.data(ORDER_PK_ROLE)
        if pk is not None:
            self.open_packing(pk)

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

    # --- tags and holds (read and written on the db pool, over the whole selection) ---------

    def _write(self, job: Callable[..., object], *args) -> None:
        self._runner.submit(DB, job, *args, on_result=self._marks_written,
                            on_error=self._show_error)

    def _read(self, job: Callable[..., object], *args, then: Callable[[object], None]) -> None:
        self._runner.submit(DB, job, *args, on_result=then, on_error=self._show_error)

    @Slot()
    def add_tag(self) -> None:
        pks = self.selected_order_pks()
        if pks:
            self._read(self._marks.known_tags, then=lambda tags: self._ask_tag(pks, tags))

    def _ask_tag(self, pks: list[int], existing: object) -> None:
        tag, ok = QInputDialog.getItem(
            self, self.tr("Add tag"),
            self.tr("Tag for %n order(s):", "", len(pks)), cast(list[str], existing), -1, True)
        if ok and tag.strip():
            self.tag_orders(pks, tag)

    def tag_orders(self, order_pks: list[int], tag: str) -> None:
        self._write(self._marks.add_tag, order_pks, tag)

    @Slot()
    def remove_tag(self) -> None:
        pks = self.selected_order_pks()
        if pks:
            self._read(self._marks.tags_of, pks, then=lambda tags: self._ask_untag(pks, tags))

    def _ask_untag(self, pks: list[int], tags: object) -> None:
        if not tags:
            self.statusBar().showMessage(self.tr("The selected orders have no tags."), 4000)
            return
        tag, ok = QInputDialog.getItem(self, self.tr("Remove tag"),
                                       self.tr("Remove from %n order(s):", "", len(pks)),
                                       cast(list[str], tags), 0, False)
        if ok and tag:
            self.untag_orders(pks, tag)

    def untag_orders(self, order_pks: list[int], tag: str) -> None:
        self._write(self._marks.remove_tag, order_pks, tag)

    @Slot()
    def toggle_hold(self) -> None:
        pks = self.selected_order_pks()
        if pks:
            self._read(self._marks.held_among, pks, then=lambda held: self._hold_or_release(
                pks, held))

    def _hold_or_release(self, pks: list[int], held: object) -> None:
        if len(cast(list[int], held)) == len(pks):  # all held: the toggle releases
            self.release_orders(pks)
            return
        from app.ui.dialogs.hold import HoldDialog

        dialog = HoldDialog(len(pks), self)
        if dialog.exec():
            self.hold_orders(pks, dialog.reason(), dialog.until())

    def hold_orders(self, order_pks: list[int], reason: str, until: datetime | None) -> None:
        self._write(self._marks.hold, order_pks, reason, until)

    def release_orders(self, order_pks: list[int]) -> None:
        self._write(self._marks.release, order_pks)

    @Slot(object)
    def _marks_written(self, _value: object) -> None:
        self.marks_saved.emit()  # the rows were refreshed from the change feed already

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

    @Slot(object)
    def _show_error(self, exc: object) -> None:
        text = str(exc) if isinstance(exc, PackDeskError) else \
            self.tr("The change was not saved: %1").replace("%1", str(exc))
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- sync -------------------------------------------------------------------------------

    @Slot()
    def sync_now(self) -> None:
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

    # --- station, preferences and help ------------------------------------------------------

    def reload_station(self) -> None:
        """The station's name, read on the db pool, in the window titles."""
        self._runner.submit(DB, self._context.station, on_result=self._station_loaded)

    @Slot(object)
    def _station_loaded(self, station: object) -> None:
        self.station_label = station.label  # type: ignore[attr-defined]
        self._show_station_title()

    def _show_station_title(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — {self.station_label}")
        if self._packing is not None:
            self._packing.setWindowTitle(self.tr("%1 — packing — %2").replace("%1", APP_NAME)
                                         .replace("%2", self.station_label))

    def preferences_dialog(self):
        """Preferences with this station's pages (more pages: dialog.add_page(page))."""
        from app.domain.verification import POLICY_LABELS, VerificationPolicy
        from app.slips import PageSize
        from app.ui.dialogs.preferences import (
            EmbeddedFormPage,
            PreferencesDialog,
            PrintingPage,
            SoundsPage,
            StationPage,
            VerificationPage,
        )
        from app.ui.dialogs.slip_preview import PAPER_NAMES, StationPrintSettings
        from app.ui.packing import sounds as scan_sounds
        from app.ui.packing.window import SOUNDS_KEY, scanner_settings_dialog

        context, runner = self._context, self._runner
        dialog = PreferencesDialog(self)
        dialog.add_page(StationPage(
            lambda done: runner.submit(DB, context.station_service.settings, on_result=done),
            lambda name, packer: runner.submit(DB, context.station_service.save, name,
                                               packer, on_result=self._station_saved,
                                               on_error=self._show_error)))
        dialog.add_page(EmbeddedFormPage(self.tr("Scanner"),
                                         scanner_settings_dialog(self._settings, dialog)))
        scanner_form = dialog.pages[-1].form  # type: ignore[attr-defined]
        if hasattr(scanner_form, "sounds_check"):
            scanner_form.sounds_check.hide()  # the Sounds page has it (saved after this one)
        player = scan_sounds.ScanSounds()
        dialog.add_page(SoundsPage(self._settings, SOUNDS_KEY, [
            (scan_sounds.OK, self.tr("OK")), (scan_sounds.WRONG, self.tr("Wrong item")),
            (scan_sounds.OVER_SCAN, self.tr("One too many")),
            (scan_sounds.PACKED, self.tr("Packed"))], player.play))
        dialog.add_page(PrintingPage(StationPrintSettings(self._settings, context.station_id),
                                     PAPER_NAMES, PageSize.LETTER))
        dialog.add_page(VerificationPage(
            [(p.value, self.tr(POLICY_LABELS[p])) for p in VerificationPolicy],
            lambda done: runner.submit(DB, context.packing.verification_policy, on_result=done),
            lambda policy: runner.submit(DB, context.packing.set_verification_policy, policy,
                                         on_error=self._show_error)))
        dialog.saved.connect(self._preferences_saved)
        return dialog

    @Slot()
    def open_preferences(self) -> None:
        dialog = self.preferences_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preferences = dialog
        dialog.open()

    @Slot()
    def _preferences_saved(self) -> None:
        self._settings.sync()
        if self._packing is not None:
            self._packing.reload_settings()

    @Slot(object)
    def _station_saved(self, _value: object) -> None:
        self.reload_station()
        if self._packing is not None:
            self._packing.station_bar.reload()

    def shortcut_list(self) -> list[ShortcutRow]:
        """Every key of both windows, read from their actions (the F1 list)."""
        rows = shortcut_rows(self.tr("Orders"), self.actions())
        packing = self.packing_window()
        mine = set(self.actions())
        rows += shortcut_rows(self.tr("Packing"), [a for a in packing.actions()
                                                   if a not in mine])
        return rows

    @Slot()
    def show_shortcuts(self) -> None:
        from app.ui.dialogs.shortcuts import ShortcutsDialog

        parent = QApplication.activeWindow() or self
        rows = self.shortcut_list()
        if parent is self._packing:  # asked from the packing view: its keys first
            rows.sort(key=lambda r: r.area != self.tr("Packing"))
        dialog = ShortcutsDialog(rows, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.open()

    @Slot()
    def show_about(self) -> None:
        from app.slips.fonts import fonts_dir
        from app.ui.dialogs.about import AboutDialog

        paths = self._context.paths
        dialog = AboutDialog(data_dir=paths.data_dir, log_dir=paths.log_dir,
                             fonts_dir=fonts_dir(), station=self.station_label, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog = dialog
        dialog.open()

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

    def default_columns(self, width: int) -> None:
        """Every column on a wide window; on a narrow one the columns a packer needs to pick
        an order (the rest stay a right-click on the header away)."""
        header = self.table.horizontalHeader()
        for key in NARROW_HIDDEN_COLUMNS:
            index = self.model.column_index(key)
            if index is not None:
                header.setSectionHidden(index, width < NARROW_WIDTH)

    @Slot(object)
    def _column_menu(self, position) -> None:
        """Right-click on the header: show or hide columns."""
        from PySide6.QtWidgets import QMenu

        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for index in range(self.model.columnCount()):
            title = str(self.model.headerData(index, Qt.Orientation.Horizontal,
                                              Qt.ItemDataRole.DisplayRole))
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(index != 0)  # the order number always shows
            action.toggled.connect(lambda on, i=index: header.setSectionHidden(i, not on))
        self.column_menu = menu
        menu.popup(header.mapToGlobal(position))

    def save_state(self) -> None:
        s = self._settings
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/orderColumns", self.table.horizontalHeader().saveState())
        s.setValue("main/splitter", self.splitter.saveState())
        s.sync()

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


class SortHeader(QHeaderView):
    """The order list's header, with the sort arrow the way packers read it: newest first
    (descending) points down, ascending points up. QHeaderView draws Qt's opposite convention
    (AscendingOrder as SortDown), which reads as reversed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def initStyleOptionForIndex(self, option, logical_index: int) -> None:  # noqa: N802
        super().initStyleOptionForIndex(option, logical_index)
        flip = {QStyleOptionHeader.SortIndicator.SortUp:
                QStyleOptionHeader.SortIndicator.SortDown,
                QStyleOptionHeader.SortIndicator.SortDown:
                QStyleOptionHeader.SortIndicator.SortUp}
        option.sortIndicator = flip.get(option.sortIndicator, option.sortIndicator)


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def default_splitter_sizes(width: int) -> list[int]:
    """Views, order list, detail pane: the detail keeps room for an address and the item
    quantities on a small screen; a wide one gives the list the most."""
    side = 175
    detail = max(340, int(width * 0.34)) if width < NARROW_WIDTH else max(420, int(width * 0.32))
    return [side, max(300, width - side - detail), detail]
