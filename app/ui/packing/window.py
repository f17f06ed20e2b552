"""The packing view: one order's shipments side by side, scan-to-verify, and shipping.

    window = PackingWindow(context, runner, settings=settings, image_cache=images)
    window.shipment_shipped.connect(...)      # (order_pk, number) after "Mark shipped"
    window.slip_requested.connect(...)        # (order_pk, number): print that shipment's slip
    window.open_order(order_pk)               # or scan a slip barcode while it is shown

Keyboard-only flow: scan the slip (opens the shipment) -> scan each unit (green/red/amber banner
and a sound) -> when packed the tracking field takes focus -> scan the label's barcode into it ->
Ctrl+Enter marks the shipment shipped.

Database work runs on the "db" pool (one thread: scans, splits and details stay in order);
shipping runs on the "network" pool, because it may re-read the order from the store first.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.context import AppContext
from app.domain.verification import POLICY_LABELS, VerificationPolicy
from app.ui.images import ImageCache
from app.ui.packing import jobs
from app.ui.packing.banner import INFO, FeedbackBanner
from app.ui.packing.header import OrderHeader
from app.ui.packing.scan_flow import ScanFlow
from app.ui.packing.scanner import PREFIX_KEY, ScanListener
from app.ui.packing.scanner_settings import (
    ON_PACKED_KEY,
    ON_PACKED_NOTHING,
    ON_PACKED_PRINT,
    ON_PACKED_SHIP,
    SOUNDS_KEY,
    scanner_settings_dialog,
)
from app.ui.packing.sounds import ScanSounds
from app.ui.packing.station_bar import StationBar
from app.ui.packing.style import PACKING_STYLE
from app.ui.packing.view_base import PANEL_MIN_WIDTH
from app.ui.screen_fit import resize_to_screen
from app.ui.shortcuts import SHORTCUT_GROUP, show_keys_in_tooltip, with_keys
from app.ui.tasks import DB, TaskRunner

# The view's settings keys and its scanner dialog, where Preferences and tests have found them.
__all__ = ["ON_PACKED_KEY", "ON_PACKED_NOTHING", "ON_PACKED_PRINT", "ON_PACKED_SHIP",
           "PANEL_MIN_WIDTH", "PREFIX_KEY", "SOUNDS_KEY", "PackingWindow",
           "scanner_settings_dialog"]

log = logging.getLogger(__name__)


class PackingWindow(ScanFlow):
    def __init__(self, context: AppContext, runner: TaskRunner, *,
                 settings: QSettings | None = None, image_cache: ImageCache | None = None,
                 sounds: ScanSounds | None = None, listener: ScanListener | None = None,
                 clock: Callable[[], float] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, runner, settings if settings is not None else QSettings(),
                         parent)
        self.images = image_cache or ImageCache(context.paths.cache_dir, runner, parent=self)
        self.images.image_ready.connect(self._image_ready)
        self.sounds = sounds or ScanSounds(enabled=self._flag(SOUNDS_KEY, True))
        self.listener = listener or ScanListener.from_settings(self._settings, clock=clock,
                                                               parent=self)
        self.listener.scanned.connect(self._scanned)
        self.listener.accepts = self._accepts_scans
        self.setObjectName("packingWindow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWindowTitle(self.tr("PackDesk — Packing"))
        self._build()
        self._build_actions()
        self.station_bar.reload()
        self._show_empty()
        resize_to_screen(self, 1400, 860)

    def edit_scanner_settings(self) -> None:
        """The station's verification policy is read first (database: the "db" pool)."""
        self._runner.submit(DB, self._context.packing.verification_policy,
                            on_result=self._open_scanner_settings, on_error=self._failed)

    @Slot(object)
    def _open_scanner_settings(self, policy: object) -> None:
        dialog = scanner_settings_dialog(
            self._settings, self,
            verification=(str(policy), [(p.value, self.tr(POLICY_LABELS[p]))
                                        for p in VerificationPolicy]))
        dialog.accepted.connect(self._scanner_settings_saved)
        dialog.accepted.connect(lambda: self._save_policy(dialog.verification_choice, policy))
        dialog.open()

    def _save_policy(self, chosen: str | None, before: object) -> None:
        if chosen is not None and chosen != str(before):
            self._runner.submit(DB, self._context.packing.set_verification_policy, chosen,
                                on_result=self._policy_saved, on_error=self._failed)

    @Slot(object)
    def _policy_saved(self, policy: object) -> None:
        if self.snapshot is not None and isinstance(policy, VerificationPolicy):
            self.snapshot = replace(self.snapshot, verification_policy=policy)

    def reload_settings(self) -> None:
        """Scanner and sound settings changed elsewhere (Preferences): use them now."""
        self._scanner_settings_saved()

    def _scanner_settings_saved(self) -> None:
        self.listener.configure_from(self._settings)  # the list's listener reads them itself
        self.sounds.enabled = self._flag(SOUNDS_KEY, True)

    def _flag(self, key: str, default: bool) -> bool:
        value = self._settings.value(key, default)
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.station_bar = StationBar(self._context, self._runner)
        self.header = OrderHeader()
        self._connect_header()
        self.banner = FeedbackBanner()

        body = QVBoxLayout()
        body.setContentsMargins(12, 10, 12, 12)
        body.setSpacing(8)
        body.addWidget(self.header)
        body.addWidget(self.banner)
        body.addWidget(self._build_panels_area(), 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.station_bar)
        layout.addLayout(body, 1)
        self.setStyleSheet(PACKING_STYLE)

    def _connect_header(self) -> None:
        header = self.header
        header.merge_button.clicked.connect(self.merge_all)
        header.undo_button.clicked.connect(self.undo)
        header.complete_button.clicked.connect(lambda: self.complete_without_parcel())
        header.refresh_button.clicked.connect(self.reload)
        header.settings_button.clicked.connect(self.edit_scanner_settings)
        # The header's parts, by the names the view has always had (tests, the tour).
        self.order_label, self.customer_label = header.order_label, header.customer_label
        self.extras_label = header.extras_label
        self.interruption_label = header.interruption_label
        self.merge_button, self.undo_button = header.merge_button, header.undo_button

    def _action(self, text: str, keys: list[str], slot) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        # Only while focus is inside the packing view: no clash with the orders window's keys.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        show_keys_in_tooltip(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.ship_action = self._action(self.tr("Mark shipped"), ["Ctrl+Return", "Ctrl+Enter"],
                                        self.ship_active)
        self.merge_action = self._action(self.tr("Merge shipments"), ["Ctrl+M"], self.merge_all)
        self.undo_action = self._action(self.tr("Undo split or merge"), ["Ctrl+Z"], self.undo)
        self.next_action = self._action(self.tr("Move units to the next shipment"),
                                        ["Ctrl+Shift+Right"], lambda: self.move_selected(1))
        self.previous_action = self._action(self.tr("Move units to the previous shipment"),
                                            ["Ctrl+Shift+Left"], lambda: self.move_selected(-1))
        self.new_action = self._action(self.tr("Move units to a new shipment"),
                                       ["Ctrl+Shift+N"], lambda: self.move_selected(None))
        self.confirm_action = self._action(self.tr("Confirm the selected unit by hand"),
                                           ["Ctrl+K"], self.confirm_selected)
        self.tracking_action = self._action(self.tr("Go to the tracking number"), ["Ctrl+L"],
                                            self.focus_tracking)
        self.packer_action = self._action(self.tr("Switch packer"), ["Ctrl+Shift+P"],
                                          self.station_bar.focus_packer)
        for n in range(1, 10):
            self._action(self.tr("Shipment %d") % n, [f"Alt+{n}"],
                         lambda _c=False, k=n: self.activate_shipment(k)) \
                .setProperty(SHORTCUT_GROUP, self.tr("Go to shipment 1 … 9"))
        self.close_action = self._action(self.tr("Close the packing view"), ["Esc", "Ctrl+W"],
                                         self.close_requested)
        self.merge_button.setToolTip(with_keys(self.tr("Merge the open shipments into one"),
                                               self.merge_action))
        self.undo_button.setToolTip(with_keys(self.tr("Undo the last split or merge"),
                                              self.undo_action))

    def close_requested(self) -> None:
        """Esc/Ctrl+W: an open question takes the key first (the shortcut can fire before the
        window manager has made the question the active window), else the view closes."""
        for box in (self.interruption_box, self.void_box, self.unverified_box,
                    self.tracking_box):
            if box is not None and box.isVisible():
                box.reject()
                return
        self.close()

    # --- opening and showing ------------------------------------------------------------------

    def open_order(self, order_pk: int, shipment_number: int | None = None) -> None:
        """Show an order (packing begins: its plan is saved so scans can be recorded)."""
        self._opening_number = shipment_number
        self._runner.submit(DB, jobs.load, self._context, order_pk,
                            on_result=self._loaded, on_error=self._failed)

    def reload(self) -> None:
        if self.snapshot is not None:
            self.open_order(self.snapshot.order_pk, self.active_number)

    @Slot(object)
    def _loaded(self, snapshot: object) -> None:
        assert isinstance(snapshot, jobs.PackingSnapshot)
        same = self.snapshot is not None and self.snapshot.order_pk == snapshot.order_pk
        self._show(snapshot, getattr(self, "_opening_number", None), rebuild=not same)
        if not same:
            self.banner.show_state(*self._opened_text(
                snapshot, getattr(self, "_opening_number", None)))
            self._take_focus()
        self.order_opened.emit(snapshot.order_pk)

    def _show_empty(self) -> None:
        self.header.show_empty()
        self.empty_label.setText(self.tr("Ready to scan"))
        self.banner.show_state(INFO, self.tr("Scan a packing slip to start"),
                               self.tr("The scanner works whatever field has focus."))

    # --- focus and the scanner's lifetime -----------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.listener.install(app)
            if self._focus_app is None:
                app.focusChanged.connect(self._focus_changed)
                self._focus_app = app
        self.station_bar.set_scanner_state(self.tr("Scanner ready"))
        # The first key or scan after opening goes here, not to the orders window.
        self.activateWindow()
        self._take_focus()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.listener.uninstall()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.save_all_details()
        self.listener.uninstall()
        if self._focus_app is not None:
            self._focus_app.focusChanged.disconnect(self._focus_changed)
            self._focus_app = None
        super().closeEvent(event)

