"""The packing view's base: its signals and state, the shipment panels side by side, and the
feedback banner. The flows (editing, shipping, scanning) and the window build on it:

    PackingViewBase -> EditFlow (plan, details) -> ShippingFlow -> ScanFlow -> PackingWindow
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.domain.changes import Changes
from app.domain.packing import MOVABLE, OrderState, ShipmentState
from app.logs import describe_exception
from app.ui.change_signal import ChangeSignal
from app.ui.images import ImageCache, placeholder
from app.ui.packing import jobs
from app.ui.packing.banner import ERROR, INFO, OVER, FeedbackBanner
from app.ui.packing.header import OrderHeader
from app.ui.packing.lines_table import THUMB, plain_label, units_from_mime
from app.ui.packing.shipment_panel import ShipmentPanel
from app.ui.packing.sounds import WRONG as SOUND_WRONG
from app.ui.packing.sounds import ScanSounds
from app.ui.packing.station_bar import StationBar
from app.ui.packing.unverified_dialog import UnverifiedDialog
from app.ui.tasks import DB, TaskRunner

log = logging.getLogger(__name__)

WAIT_FOR_SHIPPING_MS = 100  # a change notice met a shipment being shipped: look again after

PANEL_MIN_WIDTH = 440  # px: the narrowest a shipment panel gets before the view scrolls

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


class PackingViewBase(QWidget):
    order_opened = Signal(int)  # order pk now shown
    shipment_shipped = Signal(int, int)  # order pk, shipment number
    order_completed = Signal(int)  # an all-non-shipping order completed without a parcel
    slip_requested = Signal(int, int)  # order pk, shipment number: print its packing slip
    scan_handled = Signal(object)  # jobs.ScanReply, after the banner and rows show it
    plan_changed = Signal(int)  # order pk: a split, merge, undo or void was saved
    details_saved = Signal(int, int)  # order pk, shipment number
    error_shown = Signal(str)

    # Made by PackingWindow (they need its settings and parts).
    images: ImageCache
    sounds: ScanSounds
    station_bar: StationBar
    header: OrderHeader
    banner: FeedbackBanner
    # The flows' slots that each shipment panel's signals go to (EditFlow, ShippingFlow,
    # ScanFlow define them).
    move_units: Callable[[int, int, int, int | None], None]
    confirm_unit: Callable[[int, int], None]
    ship: Callable[..., None]
    ask_void: Callable[[int], None]
    save_details: Callable[..., None]
    _slip_requested: Callable[[int], None]

    def __init__(self, context: AppContext, runner: TaskRunner, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._runner = runner
        self._settings = settings
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
        self._listen_to_changes()

    # --- what other parts of the app change --------------------------------------------------

    def _listen_to_changes(self) -> None:
        """Writes made elsewhere (the orders window, a sync, the outbox, the CLI's station...)
        to the order shown refresh it from the change feed. This view's own writes come back
        with the view they made (and what they changed): they are not read again."""
        self._own_changes: list[Changes] = []
        self._published: list[Changes] = []
        self._change_signal = ChangeSignal(self._context.changes, self)
        self._change_signal.changed.connect(self._changes_published)
        self.destroyed.connect(self._change_signal.close)

    @Slot(object)
    def _changes_published(self, changes: object) -> None:
        if not isinstance(changes, Changes):
            return
        if not self._published:
            # Decided once the write that published it has answered: the notice can come
            # while its job still runs (a begin() before the order's reference is read).
            QTimer.singleShot(0, self._after_database_work)
        self._published.append(changes)

    def _after_database_work(self) -> None:
        """The "db" pool is one thread: a job queued now answers after the one running."""
        self._runner.submit(DB, _nothing, on_result=self._apply_published,
                            on_error=self._failed)

    @Slot(object)
    def _apply_published(self, _nothing: object = None) -> None:
        if self._shipping is not None or self._completing is not None:
            # Shipping runs on the "network" pool: its answer brings what it changed.
            QTimer.singleShot(WAIT_FOR_SHIPPING_MS, self._after_database_work)
            return
        published, self._published = self._published, []
        own, self._own_changes = self._own_changes, []
        if self.snapshot is None:
            return
        order_pk = self.snapshot.order_pk
        if any((c.everything or order_pk in c.touches_orders())
               and not any(_within(c, o) for o in own) for c in published):
            self._runner.submit(DB, jobs.load, self._context, order_pk, begin=False,
                                on_result=self._refreshed, on_error=self._failed)

    @Slot(object)
    def _refreshed(self, snapshot: object) -> None:
        if isinstance(snapshot, jobs.PackingSnapshot) and self.snapshot is not None \
                and snapshot.order_pk == self.snapshot.order_pk:
            self._show(snapshot)

    def _build_panels_area(self) -> QScrollArea:
        """The shipments side by side (or the empty view's text), scrolling when too wide."""
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
        return self.panels_scroll

    @property
    def order_pk(self) -> int | None:
        return self.snapshot.order_pk if self.snapshot else None

    def _take_focus(self) -> None:
        """Keep the keyboard inside the view so its shortcuts (Ctrl+Enter...) work."""
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            panel = self.active_panel
            (panel.table if panel is not None else self).setFocus(Qt.FocusReason.OtherFocusReason)

    def _show(self, snapshot: jobs.PackingSnapshot, number: int | None = None, *,
              rebuild: bool = False) -> None:
        self.snapshot = snapshot
        view = snapshot.view
        if view.changes:
            self._own_changes.append(view.changes)
        numbered = view.numbered()
        structure = tuple((n, s.key, s.state in MOVABLE, s.state is ShipmentState.SHIPPED,
                           tuple(sorted(s.units.items()))) for n, s, _ in numbered)
        if rebuild or structure != self._structure:
            self._rebuild_panels(snapshot)
            self._structure = structure
        else:
            for panel, (_n, shipment, record) in zip(self.panels, numbered, strict=True):
                panel.update_from(shipment, record, snapshot)
        self.header.show_order(snapshot)
        if not numbered:
            self.empty_label.setText(
                self.tr("Nothing to pack: every line is non-shipping. Complete the order "
                        "without a parcel.") if view.lines.all_non_shipping()
                else self.tr("Nothing left to pack on this order."))
        movable = [n for n, s, _ in numbered if s.state in MOVABLE]
        if number is not None and any(n == number for n, _, _ in numbered):
            self.activate_shipment(number)
        elif self.active_number not in movable:
            self.activate_shipment(movable[0] if movable else (numbered[0][0] if numbered
                                                               else None))
        else:
            self.activate_shipment(self.active_number)

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

    def _feedback(self, kind: str, title: str, detail: str, sound: str | None) -> None:
        self.banner.show_state(kind, title, detail)
        if sound:
            self.sounds.play(sound)
        # Feedback must be visible now, not after the next event-loop turn's layout pass.
        self.banner.repaint()

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


def _nothing() -> None:
    """A job that only waits its turn on its pool."""


def _within(changes: Changes, own: Changes) -> bool:
    """True when `changes` says nothing `own` (a write of this view) did not."""
    return not changes.everything and not changes.station and changes.orders <= own.orders \
        and changes.marks <= own.marks and changes.shipments <= own.shipments \
        and changes.outbox <= own.outbox and changes.connections <= own.connections
