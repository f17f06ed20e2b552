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
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.domain.packing import MOVABLE, OrderState, ShipmentState
from app.domain.scanning import ScanResult, is_slip_barcode, keyboard_layout_mismatch
from app.domain.shipments import ShipmentDetails
from app.domain.tracking import check as tracking_check
from app.domain.tracking import reduce_scanned
from app.domain.verification import (
    POLICY_LABELS,
    UnverifiedLine,
    UnverifiedUnits,
    VerificationPolicy,
    VerificationRequired,
    check_ship,
    listing,
    unverified_lines,
)
from app.logs import describe_exception
from app.services.packing import PackingInterrupted, PackingView
from app.ui.images import ImageCache, placeholder
from app.ui.packing import jobs
from app.ui.packing.banner import ERROR, INFO, OK, OVER, PACKED, WRONG, FeedbackBanner
from app.ui.packing.scanner import (
    DEFAULT_MAX_GAP_MS,
    MAX_GAP_KEY,
    PREFIX_KEY,
    SUFFIX_KEY,
    ScanListener,
)
from app.ui.packing.shipment_panel import THUMB, ShipmentPanel, plain_label, units_from_mime
from app.ui.packing.sounds import OK as SOUND_OK
from app.ui.packing.sounds import OVER_SCAN as SOUND_OVER
from app.ui.packing.sounds import PACKED as SOUND_PACKED
from app.ui.packing.sounds import WRONG as SOUND_WRONG
from app.ui.packing.sounds import ScanSounds
from app.ui.packing.station_bar import StationBar
from app.ui.packing.style import PACKING_STYLE, repolish
from app.ui.packing.unverified_dialog import UnverifiedDialog
from app.ui.screen_fit import resize_to_screen
from app.ui.shortcuts import SHORTCUT_GROUP, show_keys_in_tooltip, with_keys
from app.ui.tasks import DB, NETWORK, TaskRunner

log = logging.getLogger(__name__)

# QSettings keys (sounds, what happens when the last unit is verified; the scanner's are in
# scanner.py)
SOUNDS_KEY = "scanner/sounds"
ON_PACKED_KEY = "packing/on_packed"
ON_PACKED_NOTHING, ON_PACKED_PRINT, ON_PACKED_SHIP = "nothing", "print_slip", "mark_shipped"

PANEL_MIN_WIDTH = 440  # px: the narrowest a shipment panel gets before the view scrolls

ORDER_STATE_TEXT = {OrderState.OPEN: "To pack", OrderState.PARTIALLY_SHIPPED:
                    "Partially shipped", OrderState.SHIPPED: "Shipped"}


def scanner_settings_dialog(settings: QSettings, parent: QWidget, **options):
    """The scanner settings dialog on this view's keys (also a page of Preferences); `options`
    go to the dialog as they are."""
    from app.ui.packing.scanner_settings import ScannerSettingsDialog

    tr = parent.tr
    return ScannerSettingsDialog(
        settings,
        {"prefix": PREFIX_KEY, "suffix": SUFFIX_KEY, "max_gap_ms": MAX_GAP_KEY,
         "sounds": SOUNDS_KEY, "on_packed": ON_PACKED_KEY},
        {"max_gap_ms": DEFAULT_MAX_GAP_MS, "on_packed": ON_PACKED_NOTHING},
        [(ON_PACKED_NOTHING, tr("Nothing: I decide")),
         (ON_PACKED_PRINT, tr("Print the packing slip")),
         (ON_PACKED_SHIP, tr("Mark the shipment shipped"))], parent, **options)


class NewShipmentZone(QFrame):
    """Drop a line here to move its units to a new shipment."""

    units_dropped = Signal(int, int, int)  # from number, line_id, quantity

    def __init__(self, order_pk: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order_pk = order_pk
        self.setObjectName("newShipmentZone")
        self.setAcceptDrops(True)
        self.setFixedWidth(130)
        label = QLabel(self.tr("Drop a line here\nfor a new\nshipment"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        data = units_from_mime(event.mimeData())
        if data and data["order_pk"] == self.order_pk:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        data = units_from_mime(event.mimeData())
        if not data or data["order_pk"] != self.order_pk:
            event.ignore()
            return
        event.acceptProposedAction()
        self.units_dropped.emit(int(data["number"]), int(data["line_id"]),
                                int(data["quantity"]))


class PackingWindow(QWidget):
    order_opened = Signal(int)  # order pk now shown
    shipment_shipped = Signal(int, int)  # order pk, shipment number
    order_completed = Signal(int)  # an all-non-shipping order completed without a parcel
    slip_requested = Signal(int, int)  # order pk, shipment number: print its packing slip
    scan_handled = Signal(object)  # jobs.ScanReply, after the banner and rows show it
    plan_changed = Signal(int)  # order pk: a split, merge, undo or void was saved
    details_saved = Signal(int, int)  # order pk, shipment number
    error_shown = Signal(str)

    def __init__(self, context: AppContext, runner: TaskRunner, *,
                 settings: QSettings | None = None, image_cache: ImageCache | None = None,
                 sounds: ScanSounds | None = None, listener: ScanListener | None = None,
                 clock: Callable[[], float] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._runner = runner
        self._settings = settings if settings is not None else QSettings()
        self.images = image_cache or ImageCache(context.paths.cache_dir, runner, parent=self)
        self.images.image_ready.connect(self._image_ready)
        self.sounds = sounds or ScanSounds(enabled=self._flag(SOUNDS_KEY, True))
        self.listener = listener or ScanListener.from_settings(self._settings, clock=clock,
                                                               parent=self)
        self.listener.scanned.connect(self._scanned)
        self.listener.accepts = self._accepts_scans
        self.snapshot: jobs.PackingSnapshot | None = None
        self.active_number: int | None = None
        self.panels: list[ShipmentPanel] = []
        self._structure: tuple = ()
        self._shipping: tuple[int, int] | None = None  # (order pk, number) being shipped
        self._completing: int | None = None
        self._thumbs: dict[str, QPixmap] = {}
        self._placeholder = placeholder(THUMB)
        self._focus_app: QApplication | None = None
        self.interruption_box: QMessageBox | None = None
        self.void_box: QMessageBox | None = None
        self.unverified_box: UnverifiedDialog | None = None
        self.tracking_box: QMessageBox | None = None
        self._tracking_kept: set[tuple] = set()  # numbers kept despite the carrier's format
        self._ship_reason: str | None = None  # the unverified-units reason of this attempt
        self._voiding: tuple[int, bool] = (0, False)  # number, whether it had shipped
        self.scan_started_at: float | None = None  # perf_counter of the last scan (benchmarks)
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

    @property
    def on_packed(self) -> str:
        return str(self._settings.value(ON_PACKED_KEY, ON_PACKED_NOTHING))

    @property
    def order_pk(self) -> int | None:
        return self.snapshot.order_pk if self.snapshot else None

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.station_bar = StationBar(self._context, self._runner)

        self.order_label = plain_label(object_name="orderLabel")
        font = self.order_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.order_label.setFont(font)
        self.order_state_label = plain_label(object_name="orderState")
        self.customer_label = plain_label(object_name="customerLabel")
        self.extras_label = plain_label(object_name="extrasLabel")
        self.extras_label.setWordWrap(True)
        self.merge_button = QPushButton(self.tr("Merge all  Ctrl+M"))
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.clicked.connect(self.merge_all)
        self.undo_button = QPushButton(self.tr("Undo  Ctrl+Z"))
        self.undo_button.setObjectName("undoButton")
        self.undo_button.clicked.connect(self.undo)
        self.complete_button = QPushButton(self.tr("Complete without parcel"))
        self.complete_button.setObjectName("completeButton")
        self.complete_button.setToolTip(self.tr("Every line of this order is non-shipping "
                                                "(gift cards, downloads): complete it"))
        self.complete_button.clicked.connect(lambda: self.complete_without_parcel())
        self.refresh_button = QPushButton(self.tr("Reload"))
        self.refresh_button.clicked.connect(self.reload)

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
        header.addWidget(self.complete_button)
        header.addWidget(self.refresh_button)
        header.addWidget(self.undo_button)
        header.addWidget(self.merge_button)
        self.settings_button = QPushButton(self.tr("Scanner…"))
        self.settings_button.setObjectName("scannerSettingsButton")
        self.settings_button.setToolTip(self.tr("Scanner prefix and suffix, sounds, and what "
                                                "happens when a shipment is fully verified"))
        self.settings_button.clicked.connect(self.edit_scanner_settings)
        header.addWidget(self.settings_button)

        self.interruption_label = plain_label(object_name="interruptionLabel")
        self.interruption_label.setWordWrap(True)
        self.interruption_label.hide()

        self.banner = FeedbackBanner()

        self.panels_host = QWidget()
        self.panels_host.setObjectName("panelsHost")
        self.panels_layout = QHBoxLayout(self.panels_host)
        self.panels_layout.setContentsMargins(0, 0, 0, 0)
        self.panels_layout.setSpacing(10)
        self.new_zone: NewShipmentZone | None = None
        self.empty_label = plain_label(object_name="packingEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.panels_layout.addWidget(self.empty_label, 1)
        self.panels_scroll = QScrollArea()
        self.panels_scroll.setObjectName("panelsScroll")
        self.panels_scroll.setWidgetResizable(True)
        self.panels_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.panels_scroll.setWidget(self.panels_host)

        body = QVBoxLayout()
        body.setContentsMargins(12, 10, 12, 12)
        body.setSpacing(8)
        body.addLayout(header)
        body.addWidget(self.interruption_label)
        body.addWidget(self.banner)
        body.addWidget(self.panels_scroll, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.station_bar)
        layout.addLayout(body, 1)
        self.setStyleSheet(PACKING_STYLE)

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

    def _take_focus(self) -> None:
        """Keep the keyboard inside the view so its shortcuts (Ctrl+Enter...) work."""
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            panel = self.active_panel
            (panel.table if panel is not None else self).setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_empty(self) -> None:
        self.order_label.setText(self.tr("No order open"))
        self.order_state_label.clear()
        self.customer_label.setText(self.tr("Scan a packing slip, an order barcode or a "
                                            "tracking label — or open an order from the list."))
        self.extras_label.hide()
        for button in (self.merge_button, self.undo_button, self.complete_button,
                       self.refresh_button):
            button.hide()
        self.empty_label.setText(self.tr("Ready to scan"))
        self.banner.show_state(INFO, self.tr("Scan a packing slip to start"),
                               self.tr("The scanner works whatever field has focus."))

    def _show(self, snapshot: jobs.PackingSnapshot, number: int | None = None, *,
              rebuild: bool = False) -> None:
        self.snapshot = snapshot
        view = snapshot.view
        numbered = view.numbered()
        structure = tuple((n, s.key, s.state in MOVABLE, s.state is ShipmentState.SHIPPED,
                           tuple(sorted(s.units.items()))) for n, s, _ in numbered)
        if rebuild or structure != self._structure:
            self._rebuild_panels(snapshot)
            self._structure = structure
        else:
            for panel, (_n, shipment, record) in zip(self.panels, numbered, strict=True):
                panel.update_from(shipment, record, snapshot)
        self._show_header(snapshot)
        movable = [n for n, s, _ in numbered if s.state in MOVABLE]
        if number is not None and any(n == number for n, _, _ in numbered):
            self.activate_shipment(number)
        elif self.active_number not in movable:
            self.activate_shipment(movable[0] if movable else (numbered[0][0] if numbered
                                                               else None))
        else:
            self.activate_shipment(self.active_number)

    def _show_header(self, snapshot: jobs.PackingSnapshot) -> None:
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
        if not view.numbered():
            self.empty_label.setText(
                self.tr("Nothing to pack: every line is non-shipping. Complete the order "
                        "without a parcel.") if view.lines.all_non_shipping()
                else self.tr("Nothing left to pack on this order."))

    def _rebuild_panels(self, snapshot: jobs.PackingSnapshot) -> None:
        for panel in self.panels:
            self.panels_layout.removeWidget(panel)
            panel.hide()
            panel.deleteLater()
        self.panels = []
        if self.new_zone is not None:
            self.panels_layout.removeWidget(self.new_zone)
            self.new_zone.deleteLater()
            self.new_zone = None
        numbered = snapshot.view.numbered()
        self.empty_label.setVisible(not numbered)
        for n, shipment, record in numbered:
            panel = ShipmentPanel(snapshot, n, len(numbered), shipment, record, self._thumbnail)
            panel.activated.connect(self.activate_shipment)
            panel.move_requested.connect(self.move_units)
            panel.confirm_requested.connect(self.confirm_unit)
            panel.ship_requested.connect(self.ship)
            panel.void_requested.connect(self.ask_void)
            panel.slip_requested.connect(self._slip_requested)
            panel.details_edited.connect(self.save_details)
            self.panels_layout.insertWidget(self.panels_layout.count(), panel, 1)
            panel.show()  # now, not on the next event-loop turn: feedback must be visible
            self.panels.append(panel)
        if any(s.state in MOVABLE for _, s, _ in numbered):
            self.new_zone = NewShipmentZone(snapshot.order_pk)
            self.new_zone.units_dropped.connect(
                lambda source, line_id, quantity: self.move_units(source, line_id, quantity,
                                                                  None))
            self.panels_layout.addWidget(self.new_zone)
            self.new_zone.show()
        self.active_number = None
        self._fit_panels()

    def _fit_panels(self) -> None:
        """Shipments side by side within the window where they can be: on a small screen
        (1024 px) the panels narrow, down to PANEL_MIN_WIDTH, and the drop zone gives way (the
        panel's New shipment button and Ctrl+Shift+N do the same)."""
        if not self.panels:
            return
        # The panel's own minimum, read once before it is narrowed here.
        natural = getattr(self, "_panel_width", 0) or self.panels[0].minimumWidth()
        self._panel_width = natural
        spacing = self.panels_layout.spacing()
        width = self.panels_scroll.viewport().width()
        count = len(self.panels)
        zone = self.new_zone.width() + spacing if self.new_zone is not None else 0
        narrow = count * (natural + spacing) + zone > width
        if self.new_zone is not None:
            self.new_zone.setVisible(not narrow)
        each = max(PANEL_MIN_WIDTH, (width - spacing * (count - 1)) // count) if narrow \
            else natural
        for panel in self.panels:
            panel.setMinimumWidth(min(natural, each))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_panels()

    def _thumbnail(self, url: str) -> QPixmap:
        if url in self._thumbs:
            return self._thumbs[url]
        path = self.images.path(url) if url else None
        if path is None:
            return self._placeholder
        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            return self._placeholder
        pixmap = pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
        self._thumbs[url] = pixmap
        return pixmap

    @Slot(str, str)
    def _image_ready(self, url: str, _path: str) -> None:
        self._thumbs.pop(url, None)
        pixmap = self._thumbnail(url)
        for panel in self.panels:
            panel.set_thumbnail(url, pixmap)

    def panel(self, number: int | None) -> ShipmentPanel | None:
        return next((p for p in self.panels if p.number == number), None)

    @property
    def active_panel(self) -> ShipmentPanel | None:
        return self.panel(self.active_number)

    @Slot(int)
    def activate_shipment(self, number: int | None) -> None:
        if number is not None and self.panel(number) is None:
            return
        self.active_number = number
        for panel in self.panels:
            panel.set_active(panel.number == number)
        active = self.active_panel
        if active is not None:
            self.panels_scroll.ensureWidgetVisible(active, 10, 10)

    def _opened_text(self, snapshot: jobs.PackingSnapshot,
                     number: int | None) -> tuple[str, str, str]:
        """The banner for an order just opened: what to do next, or that it already shipped
        (a slip scanned again, or an order shipped elsewhere) — never "scan its items"."""
        view, label = snapshot.view, snapshot.order_label
        numbered = {n: (s, r) for n, s, r in view.numbered()}
        shipment, record = numbered.get(number, (None, None)) if number else (None, None)
        open_numbers = [n for n, (s, _) in numbered.items() if s.state in MOVABLE]
        if shipment is not None and shipment.state is ShipmentState.SHIPPED:
            when = ""
            if record is not None and record.shipped_at is not None:
                when = self.tr(" on %s by %s") % (
                    record.shipped_at.strftime("%Y-%m-%d"), record.packer)
            rest = (self.tr("Shipment %d is still to pack.") % open_numbers[0] if open_numbers
                    else self.tr("Nothing left to pack on this order."))
            return (OVER, self.tr("Order %s: shipment %d already shipped%s")
                    % (label, number, when), rest)
        if not open_numbers and view.state is OrderState.SHIPPED \
                and not view.lines.all_non_shipping():
            return (OVER, self.tr("Order %s is already shipped") % label,
                    self.tr("Nothing left to pack on this order."))
        return (INFO, self.tr("%s open — scan its items") % label, self._next_step_text())

    def _next_step_text(self) -> str:
        panel = self.active_panel
        if panel is None:
            return ""
        return self.tr("Shipment %d of %d: scan each unit; ✓ Confirm for one without a "
                       "barcode.") % (panel.number, panel.total)

    # --- scanning -----------------------------------------------------------------------------

    def _accepts_scans(self) -> bool:
        """Scans are ours while this view is visible in the active window (or a dialog of it)."""
        if not self.isVisible():
            return False
        active = QApplication.activeWindow()
        return active is not None and (active is self.window() or self.isAncestorOf(active)
                                       or (active.parentWidget() is not None
                                           and self.isAncestorOf(active.parentWidget())))

    def _modal_open(self) -> bool:
        return any(box is not None and box.isVisible()
                   for box in (self.interruption_box, self.void_box, self.unverified_box,
                               self.tracking_box))

    @Slot(str, object)
    def _scanned(self, value: str, field: object) -> None:
        self.scan_started_at = time.perf_counter()
        if self._modal_open():
            self._feedback(WRONG, self.tr("Answer the question first"),
                           self.tr("Scanned %s was not used.") % value, SOUND_WRONG)
            return
        if field is not None and not is_slip_barcode(value):
            panel = self._panel_holding(field)
            if panel is not None:
                if self._layout_mismatch_shown(value):
                    return  # never a tracking number made of the wrong layout's symbols
                value = panel.accept_tracking_scan(value)
                self._feedback(INFO, self.tr("Tracking number %s added") % value,
                               self.tr("Ctrl+Enter marks shipment %d shipped.") % panel.number,
                               SOUND_OK)
                return
        self.station_bar.set_scanner_state(self.tr("Scanned: %s") % value)
        self._runner.submit(DB, jobs.handle_scan, self._context, self.order_pk,
                            self.active_number, value, on_result=self._scan_done,
                            on_error=self._failed)

    def scan(self, value: str) -> None:
        """As if the scanner read `value` (the menu's "type a code" and tests)."""
        self._scanned(value, None)

    def _panel_holding(self, widget: object) -> ShipmentPanel | None:
        return next((p for p in self.panels if isinstance(widget, QWidget)
                     and p.isAncestorOf(widget)), None)

    @Slot(object)
    def _scan_done(self, value: object) -> None:
        reply: jobs.ScanReply = value  # type: ignore[assignment]
        if reply.unmatched and self._layout_mismatch_shown(reply.value):
            pass
        elif reply.unmatched:
            self._feedback(WRONG, self.tr("Not found: %s") % reply.value, reply.unmatched,
                           SOUND_WRONG)
        elif reply.opened is not None:
            self._show(reply.opened, reply.number, rebuild=True)
            self._take_focus()
            self.order_opened.emit(reply.opened.order_pk)
            kind, title, detail = self._opened_text(reply.opened, reply.number)
            self._feedback(kind, title, detail, SOUND_OK if kind == INFO else SOUND_OVER)
        elif reply.outcome is not None:
            self._unit_checked(reply)
        self.scan_handled.emit(reply)

    def _unit_checked(self, reply: jobs.ScanReply) -> None:
        outcome = reply.outcome
        assert outcome is not None and self.snapshot is not None
        if reply.view is not None:
            self._show(replace(self.snapshot, view=reply.view), reply.number)
        panel = self.panel(reply.number)
        line = outcome.line
        what = (f"{line.sku}  {line.name}" if line.sku else line.name) if line else ""
        if line is not None and panel is not None:
            panel.select_line(line.line_id)
        if outcome.result in (ScanResult.VERIFIED, ScanResult.MANUAL):
            if panel is not None:
                panel.show_error("")
            if outcome.shipment_packed:
                self._feedback(PACKED, self.tr("✓ Shipment %d packed — every unit verified")
                               % reply.number,
                               self.tr("Scan the shipping label into Tracking, then Ctrl+Enter "
                                       "to mark it shipped."), SOUND_PACKED)
                self._after_packed(reply.number)
            else:
                how = self.tr("confirmed by hand") if outcome.result is ScanResult.MANUAL \
                    else self.tr("OK")
                self._feedback(OK, f"✓ {how}: {what}",
                               self.tr("%d of %d verified for this line") %
                               (outcome.verified, outcome.needed), SOUND_OK)
        elif outcome.result is ScanResult.OVER_SCAN:
            self._feedback(OVER, self.tr("One too many: %s") % what,
                           self.tr("Shipment %d needs %d and all %d are verified. Scanned: %s "
                                   "— put the extra unit back.")
                           % (reply.number, outcome.needed, outcome.needed, reply.value),
                           SOUND_OVER)
        elif not self._layout_mismatch_shown(reply.value):
            self._feedback(WRONG, self.tr("✗ Wrong item: %s") % reply.value,
                           self.tr("Not in shipment %d of this order — set it aside.")
                           % (reply.number or 0), SOUND_WRONG)

    def _layout_mismatch_shown(self, value: str) -> bool:
        """Digits typed through the wrong keyboard layout: named, instead of "wrong item"."""
        mismatch = keyboard_layout_mismatch(value)
        if mismatch is None:
            return False
        log.warning("Scanner keyboard layout mismatch: read %r, meant %r (scanner %s, "
                    "station %s)", mismatch.received, mismatch.meant, mismatch.scanner_layout,
                    mismatch.station_layout)
        self._feedback(
            WRONG, self.tr("The scanner's keyboard layout doesn't match this station's"),
            self.tr("Read “%s”, meant “%s”: the scanner seems set to %s, this station's "
                    "keyboard to %s. Set both to the same layout (the scanner's manual has a "
                    "barcode for it), then scan again.")
            % (mismatch.received, mismatch.meant, mismatch.scanner_layout,
               mismatch.station_layout), SOUND_WRONG)
        return True

    def _after_packed(self, number: int | None) -> None:
        panel = self.panel(number)
        if panel is None or self.snapshot is None:
            return
        if self.on_packed == ON_PACKED_PRINT:
            self.slip_requested.emit(self.snapshot.order_pk, panel.number)
        elif self.on_packed == ON_PACKED_SHIP:
            self.ship(panel.number)
            return
        panel.tracking_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _feedback(self, kind: str, title: str, detail: str, sound: str | None) -> None:
        self.banner.show_state(kind, title, detail)
        if sound:
            self.sounds.play(sound)
        # Feedback must be visible now, not after the next event-loop turn's layout pass.
        self.banner.repaint()

    @Slot(int, int)
    def confirm_unit(self, number: int, line_id: int) -> None:
        if self.snapshot is None:
            return
        self.scan_started_at = time.perf_counter()
        self._runner.submit(DB, jobs.confirm, self._context, self.snapshot.order_pk, number,
                            line_id, on_result=self._scan_done, on_error=self._failed)

    def confirm_selected(self) -> None:
        panel = self.active_panel
        line_id = panel.selected_line() if panel else None
        if panel is not None and line_id is not None:
            self.confirm_unit(panel.number, line_id)

    def focus_tracking(self) -> None:
        panel = self.active_panel
        if panel is not None:
            panel.tracking_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- splitting and merging ----------------------------------------------------------------

    @Slot(int, int, int, object)
    def move_units(self, source: int, line_id: int, quantity: int,
                   target: int | None) -> None:
        if self.snapshot is None:
            return
        self._moved_to = target
        self.save_all_details()
        self._runner.submit(DB, self._context.packing.split, self.snapshot.order_pk,
                            {line_id: quantity}, source=source, target=target,
                            on_result=self._plan_saved, on_error=self._failed)

    def move_selected(self, step: int | None) -> None:
        """The keyboard's move: the selected line's units (the spin box's count) to the next
        (+1) or previous (-1) shipment, or to a new one (None, or +1 from the last)."""
        panel = self.active_panel
        line_id = panel.selected_line() if panel else None
        if panel is None or line_id is None:
            return
        target = None if step is None else panel.number + step
        if target is not None and target > panel.total:
            target = None
        if target is not None and target < 1:
            self._feedback(ERROR, self.tr("There is no shipment before shipment 1"), "", None)
            return
        self.move_units(panel.number, line_id, panel.move_quantity(), target)

    def merge_all(self) -> None:
        if self.snapshot is None:
            return
        numbers = [n for n, s, _ in self.snapshot.view.numbered() if s.state in MOVABLE]
        if len(numbers) < 2:
            self._feedback(INFO, self.tr("Nothing to merge"),
                           self.tr("Merging needs two or more open shipments."), None)
            return
        self._moved_to = numbers[0]
        self.save_all_details()
        self._runner.submit(DB, self._context.packing.merge, self.snapshot.order_pk, numbers,
                            on_result=self._plan_saved, on_error=self._failed)

    def undo(self) -> None:
        if self.snapshot is None:
            return
        self._moved_to = self.active_number
        self._runner.submit(DB, self._context.packing.undo, self.snapshot.order_pk,
                            on_result=self._plan_saved, on_error=self._failed)

    @Slot(object)
    def _plan_saved(self, value: object) -> None:
        assert isinstance(value, PackingView) and self.snapshot is not None
        target = getattr(self, "_moved_to", None)
        numbered = value.numbered()
        if target is None and numbered:
            target = numbered[-1][0]  # the new shipment
        self._show(replace(self.snapshot, view=value), target)
        self._feedback(INFO, self.tr("Saved: %d shipment(s)") % len(numbered),
                       self._next_step_text(), None)
        self.plan_changed.emit(self.snapshot.order_pk)

    # --- details ------------------------------------------------------------------------------

    @Slot(int)
    def save_details(self, number: int, *, ask: bool = True) -> None:
        """`ask`: a tracking number that does not fit the carrier is questioned first (not
        when saving on the way to something else: nothing typed is ever dropped)."""
        panel = self.panel(number)
        if panel is None or self.snapshot is None or panel.busy:
            return
        try:
            details = panel.details()
        except ValueError as exc:
            panel.show_error(str(exc))
            return
        if panel.record is not None and _same(details, panel.record.details):
            return
        if ask and self._tracking_questioned(number, details,
                                             lambda: self.save_details(number)):
            return
        panel.show_error("")
        self._runner.submit(DB, self._context.packing.set_details, self.snapshot.order_pk,
                            number, details, on_result=self._details_saved,
                            on_error=self._failed)

    def save_all_details(self) -> None:
        for panel in self.panels:
            self.save_details(panel.number, ask=False)

    def _tracking_questioned(self, number: int, details: ShipmentDetails,
                             proceed: Callable[[], None]) -> bool:
        """True when a tracking number does not fit the carrier and the packer is asked
        (again later, `proceed` runs if they keep it); False when there is nothing to ask."""
        warnings = [w for w in (tracking_check(details.carrier, t)
                                for t in details.tracking_numbers) if w]
        key = (self.order_pk, number, details.carrier.strip().casefold(),
               tuple(reduce_scanned(t) for t in details.tracking_numbers))
        if not warnings or key in self._tracking_kept:
            return False
        if self.tracking_box is not None:
            return True  # already asking (the field's focus left it for the question)
        panel = self.panel(number)
        box = QMessageBox(self)
        box.setObjectName("trackingBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle(self.tr("Check the tracking number"))
        box.setText("\n".join(warnings))
        box.setInformativeText(self.tr("Keep it anyway, or fix the carrier or the number?"))
        box.keep_button = box.addButton(self.tr("Keep it"), QMessageBox.ButtonRole.AcceptRole)
        fix = box.addButton(self.tr("Fix it"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(fix)  # a stray scanner Enter must not accept a wrong number
        box.setEscapeButton(fix)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            kept = box.clickedButton() is box.keep_button
            self.tracking_box = None
            box.deleteLater()
            if kept:
                self._tracking_kept.add(key)
                proceed()
            elif panel is not None:
                panel.show_error(warnings[0])
                panel.tracking_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        box.finished.connect(answered)
        self.tracking_box = box
        self._feedback(OVER, self.tr("Check the tracking number"), warnings[0], SOUND_OVER)
        box.open()
        return True

    @Slot(object)
    def _details_saved(self, value: object) -> None:
        if self.snapshot is None or not isinstance(value, PackingView) \
                or value.order.order_pk != self.snapshot.order_pk:
            return
        self._show(replace(self.snapshot, view=value))
        self.details_saved.emit(self.snapshot.order_pk, self.active_number or 0)

    # --- shipping -----------------------------------------------------------------------------

    def ship_active(self) -> None:
        if self.active_panel is not None:
            self.ship(self.active_panel.number)

    @Slot(int)
    def ship(self, number: int, *, acknowledge: bool = False,
             unverified_reason: str | None = None) -> None:
        panel = self.panel(number)
        if panel is None or self.snapshot is None or not panel.movable or self._shipping:
            return
        try:
            details = panel.details()
        except ValueError as exc:
            panel.show_error(str(exc))
            self._feedback(ERROR, str(exc), "", SOUND_WRONG)
            return
        if self._tracking_questioned(number, details, lambda: self.ship(
                number, acknowledge=acknowledge, unverified_reason=unverified_reason)):
            return
        panel.show_error("")
        # The station's policy first, on the counts shown (the service checks again).
        missing = unverified_lines(panel.shipment.units,
                                   panel.record.verified if panel.record else {},
                                   self.snapshot.view.lines.lines)
        try:
            check_ship(self.snapshot.verification_policy, number, missing, unverified_reason)
        except UnverifiedUnits as exc:
            self._unverified(exc, acknowledge)
            return
        self._ship_reason = unverified_reason
        panel.set_busy(self.tr("Shipping… checking the order with the store"))
        self._feedback(INFO, self.tr("Shipping shipment %d…") % number,
                       self.tr("Checking the order with the store first."), None)
        self._shipping = (self.snapshot.order_pk, number)
        self._runner.submit(NETWORK, self._context.packing.ship, self.snapshot.order_pk,
                            number, details, acknowledge=acknowledge,
                            unverified_reason=unverified_reason,
                            on_result=self._shipped, on_error=self._ship_failed)

    def _unverified(self, exc: UnverifiedUnits, acknowledge: bool) -> None:
        """Refused by a station that requires every unit scanned; else ask the packer."""
        panel = self.panel(exc.number)
        if isinstance(exc, VerificationRequired):
            text = self.tr("Not shipped: scan every unit first")
            if panel is not None:
                panel.show_error(str(exc))
            self._feedback(ERROR, text, listing(exc.missing), SOUND_WRONG)
            return
        self._ask_unverified(exc.number, exc.missing, acknowledge)

    def _ask_unverified(self, number: int, missing: list[UnverifiedLine],
                        acknowledge: bool) -> None:
        box = UnverifiedDialog(number, missing, self)

        def answered(result: int) -> None:
            reason = box.reason
            self.unverified_box = None
            box.deleteLater()
            if result == UnverifiedDialog.DialogCode.Accepted and reason:
                self.ship(number, acknowledge=acknowledge, unverified_reason=reason)
            else:
                self._feedback(INFO, self.tr("Not shipped: shipment %d has units not verified")
                               % number, self.tr("Scan them, or ✓ Confirm one without a "
                                                 "barcode."), None)
        box.finished.connect(answered)
        self.unverified_box = box
        self._feedback(OVER, self.tr("Shipment %d: %d unit(s) not verified")
                       % (number, sum(m.missing for m in missing)), listing(missing),
                       SOUND_OVER)
        box.open()

    @property
    def busy(self) -> bool:
        return self._shipping is not None or self._completing is not None

    @Slot(object)
    def _shipped(self, value: object) -> None:
        order_pk, number = self._shipping or (0, 0)
        self._shipping = None
        self._ship_reason = None
        if self.snapshot is None or not isinstance(value, PackingView) \
                or order_pk != self.snapshot.order_pk:
            self.shipment_shipped.emit(order_pk, number)
            return
        self._show(replace(self.snapshot, view=value))
        more = [n for n, s, _ in value.numbered() if s.state in MOVABLE]
        self._feedback(PACKED, self.tr("✓ Shipment %d shipped") % number,
                       self.tr("Queued for the store. Next: shipment %d.") % more[0] if more
                       else self.tr("Queued for the store. Scan the next packing slip."), None)
        self.shipment_shipped.emit(order_pk, number)

    @Slot(object)
    def _ship_failed(self, exc: object) -> None:
        _order_pk, number = self._shipping or (0, 0)
        self._shipping = None
        panel = self.panel(number)
        if panel is not None:
            panel.set_busy("")
        reason, self._ship_reason = self._ship_reason, None
        if isinstance(exc, PackingInterrupted):
            self._ask_acknowledge(exc.reasons, lambda: self.ship(
                number, acknowledge=True, unverified_reason=reason))
            return
        if isinstance(exc, UnverifiedUnits):  # the store's answer changed what is unverified
            self._unverified(exc, acknowledge=False)
            return
        self._failed(exc, panel)

    def complete_without_parcel(self, *, acknowledge: bool = False) -> None:
        if self.snapshot is None or self.busy:
            return
        self._completing = self.snapshot.order_pk
        self.complete_button.setEnabled(False)
        self._feedback(INFO, self.tr("Completing the order…"),
                       self.tr("Checking the order with the store first."), None)
        self._runner.submit(NETWORK, self._context.packing.complete_without_parcel,
                            self.snapshot.order_pk, acknowledge=acknowledge,
                            on_result=self._completed, on_error=self._complete_failed)

    @Slot(object)
    def _completed(self, value: object) -> None:
        order_pk, self._completing = self._completing, None
        self.complete_button.setEnabled(True)
        if self.snapshot is not None and isinstance(value, PackingView) \
                and order_pk == self.snapshot.order_pk:
            self._show(replace(self.snapshot, view=value))
            self.complete_button.hide()
        self._feedback(PACKED, self.tr("✓ Order completed without a parcel"),
                       self.tr("Scan the next packing slip."), None)
        if order_pk is not None:
            self.order_completed.emit(order_pk)

    @Slot(object)
    def _complete_failed(self, exc: object) -> None:
        self._completing = None
        self.complete_button.setEnabled(True)
        if isinstance(exc, PackingInterrupted):
            self._ask_acknowledge(exc.reasons,
                                  lambda: self.complete_without_parcel(acknowledge=True))
            return
        self._failed(exc)

    def _ask_acknowledge(self, reasons: str, proceed: Callable[[], None]) -> None:
        """The order changed in the store: the packer must read what changed and decide."""
        label = self.snapshot.order_label if self.snapshot else ""
        box = QMessageBox(self)
        box.setObjectName("interruptionBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("The order changed in the store"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.tr("Order %s changed in the store since packing began:") % label
                    + f"\n\n{reasons}.")
        box.setInformativeText(self.tr("Check the order and the parcel. Acknowledge to ship "
                                       "it anyway, or cancel and set the parcel aside."))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.acknowledge_button = box.addButton(self.tr("Acknowledge and ship"),
                                               QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # a stray scanner Enter must not ship
        box.setEscapeButton(cancel)

        def answered(_result: int) -> None:
            acknowledged = box.clickedButton() is box.acknowledge_button
            self.interruption_box = None
            box.deleteLater()
            if acknowledged:
                proceed()
            else:
                self._feedback(ERROR, self.tr("Not shipped: the order changed in the store"),
                               reasons, None)
        box.finished.connect(answered)
        self.interruption_box = box
        self._feedback(ERROR, self.tr("Stop: the order changed in the store"), reasons,
                       SOUND_WRONG)
        box.open()

    # --- voiding ------------------------------------------------------------------------------

    @Slot(int)
    def ask_void(self, number: int) -> None:
        panel = self.panel(number)
        if panel is None:
            return
        shipped = panel.shipment.state is ShipmentState.SHIPPED
        box = QMessageBox(self)
        box.setObjectName("voidBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle(self.tr("Void shipment %d") % number)
        box.setText(self.tr("Void shipment %d? Its units go back to be packed.") % number
                    + ("\n" + self.tr("It was shipped: the store is told it is void.")
                       if shipped else ""))
        box.void_button = box.addButton(self.tr("Void"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            if box.clickedButton() is box.void_button:
                self.void(number)
            self.void_box = None
            box.deleteLater()
        box.finished.connect(answered)
        self.void_box = box
        box.open()

    def void(self, number: int) -> None:
        if self.snapshot is None:
            return
        self._moved_to = None
        panel = self.panel(number)
        self._voiding = (number, panel is not None
                         and panel.shipment.state is ShipmentState.SHIPPED)
        self._runner.submit(DB, self._context.packing.void, self.snapshot.order_pk, number,
                            on_result=self._voided, on_error=self._failed)

    @Slot(object)
    def _voided(self, value: object) -> None:
        """Said as what happened (a void), not as a saved split."""
        number, was_shipped = self._voiding
        assert isinstance(value, PackingView) and self.snapshot is not None
        numbered = value.numbered()
        self._show(replace(self.snapshot, view=value),
                   next((n for n, s, _ in numbered if s.state in MOVABLE), None))
        self._feedback(INFO, self.tr("Shipment %d voided") % number,
                       (self.tr("The store is told it is void; its units are back to pack.")
                        if was_shipped else self.tr("Its units are back to pack."))
                       + " " + self._next_step_text(), None)
        self.plan_changed.emit(self.snapshot.order_pk)

    @Slot(int)
    def _slip_requested(self, number: int) -> None:
        if self.snapshot is not None:
            self.save_details(number)
            self.slip_requested.emit(self.snapshot.order_pk, number)

    # --- errors -------------------------------------------------------------------------------

    @Slot(object)
    def _failed(self, exc: object, panel: ShipmentPanel | None = None) -> None:
        message = describe_exception(exc) if isinstance(exc, BaseException) else str(exc)
        if not isinstance(exc, Exception) or type(exc).__module__.startswith("sqlalchemy"):
            log.error("Packing view: %s", message, exc_info=exc
                      if isinstance(exc, BaseException) else None)
        panel = panel or self.active_panel
        if panel is not None:
            panel.show_error(message)
        self._feedback(ERROR, self.tr("Could not do that"), message, SOUND_WRONG)
        self.error_shown.emit(message)

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

    @Slot(object, object)
    def _focus_changed(self, _old: object, new: object) -> None:
        panel = self._panel_holding(new)
        if panel is not None and panel.number != self.active_number:
            self.activate_shipment(panel.number)


def _same(a: ShipmentDetails, b: ShipmentDetails) -> bool:
    """Equal once normalized the way the packing service saves details."""
    def key(d: ShipmentDetails) -> tuple:
        tracking = tuple(dict.fromkeys(reduce_scanned(t)
                                       for t in d.tracking_numbers if t.strip()))
        fee = Decimal(d.carrier_fee) if d.carrier_fee is not None else None
        return (d.carrier.strip(), d.service.strip(), d.service_id, d.service_type, tracking,
                fee, d.packages, d.weight_override, d.buyer_note, d.internal_note)
    return key(a) == key(b)
