"""The packing view's shipping: marking a shipment shipped (on the "network" pool: the order
may be re-read from the store first), units not verified, an order the store changed, completing
an order without a parcel, and voiding.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Slot

from app.domain.packing import MOVABLE, ShipmentState
from app.domain.verification import (
    UnverifiedLine,
    UnverifiedUnits,
    VerificationRequired,
    check_ship,
    listing,
    unverified_lines,
)
from app.services.packing import PackingInterrupted, PackingView
from app.ui.packing.banner import ERROR, INFO, OVER, PACKED
from app.ui.packing.edit_flow import EditFlow
from app.ui.packing.questions import interruption_box, void_box
from app.ui.packing.sounds import OVER_SCAN as SOUND_OVER
from app.ui.packing.sounds import WRONG as SOUND_WRONG
from app.ui.packing.unverified_dialog import UnverifiedDialog
from app.ui.tasks import DB, NETWORK

log = logging.getLogger(__name__)


class ShippingFlow(EditFlow):
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
        self.header.complete_button.setEnabled(False)
        self._feedback(INFO, self.tr("Completing the order…"),
                       self.tr("Checking the order with the store first."), None)
        self._runner.submit(NETWORK, self._context.packing.complete_without_parcel,
                            self.snapshot.order_pk, acknowledge=acknowledge,
                            on_result=self._completed, on_error=self._complete_failed)

    @Slot(object)
    def _completed(self, value: object) -> None:
        order_pk, self._completing = self._completing, None
        self.header.complete_button.setEnabled(True)
        if self.snapshot is not None and isinstance(value, PackingView) \
                and order_pk == self.snapshot.order_pk:
            self._show(replace(self.snapshot, view=value))
            self.header.complete_button.hide()
        self._feedback(PACKED, self.tr("✓ Order completed without a parcel"),
                       self.tr("Scan the next packing slip."), None)
        if order_pk is not None:
            self.order_completed.emit(order_pk)

    @Slot(object)
    def _complete_failed(self, exc: object) -> None:
        self._completing = None
        self.header.complete_button.setEnabled(True)
        if isinstance(exc, PackingInterrupted):
            self._ask_acknowledge(exc.reasons,
                                  lambda: self.complete_without_parcel(acknowledge=True))
            return
        self._failed(exc)

    def _ask_acknowledge(self, reasons: str, proceed: Callable[[], None]) -> None:
        """The order changed in the store: the packer must read what changed and decide."""
        label = self.snapshot.order_label if self.snapshot else ""
        box = interruption_box(self, label, reasons)

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
        box = void_box(self, number, panel.shipment.state is ShipmentState.SHIPPED)

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
