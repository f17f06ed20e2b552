"""The packing view's scans: a scan is a unit of the open shipment, a tracking number for the
field that has focus, or what opens another order (the scan service decides which, on the "db"
pool); the banner and a sound say what it did.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.scanning import ScanResult, is_slip_barcode, keyboard_layout_mismatch
from app.ui.packing import jobs
from app.ui.packing.banner import INFO, OK, OVER, PACKED, WRONG
from app.ui.packing.scanner_settings import (
    ON_PACKED_KEY,
    ON_PACKED_NOTHING,
    ON_PACKED_PRINT,
    ON_PACKED_SHIP,
)
from app.ui.packing.shipment_panel import ShipmentPanel
from app.ui.packing.shipping_flow import ShippingFlow
from app.ui.packing.sounds import OK as SOUND_OK
from app.ui.packing.sounds import OVER_SCAN as SOUND_OVER
from app.ui.packing.sounds import PACKED as SOUND_PACKED
from app.ui.packing.sounds import WRONG as SOUND_WRONG
from app.ui.tasks import DB

log = logging.getLogger(__name__)


class ScanFlow(ShippingFlow):
    @property
    def on_packed(self) -> str:
        """What happens when a shipment's last unit is verified (Scanner settings)."""
        return str(self._settings.value(ON_PACKED_KEY, ON_PACKED_NOTHING))

    def _accepts_scans(self) -> bool:
        """Scans are ours while this view is visible in the active window (or a dialog of it)."""
        if not self.isVisible():
            return False
        active = QApplication.activeWindow()
        if active is None:
            return False
        parent = active.parentWidget()
        return (active is self.window() or self.isAncestorOf(active)
                or (parent is not None and self.isAncestorOf(parent)))

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
        elif reply.snapshot is not None:
            self._show(reply.snapshot, reply.number, rebuild=True)
            self._take_focus()
            self.order_opened.emit(reply.snapshot.order_pk)
            kind, title, detail = self._opened_text(reply.snapshot, reply.number)
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

    @Slot(object, object)
    def _focus_changed(self, _old: object, new: object) -> None:
        panel = self._panel_holding(new)
        if panel is not None and panel.number != self.active_number:
            self.activate_shipment(panel.number)
