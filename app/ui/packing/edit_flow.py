"""The packing view's edits: moving units between shipments, merging, undoing, and saving
each shipment's details (a tracking number that does not fit its carrier is questioned).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt, Slot

from app.domain.packing import MOVABLE
from app.domain.shipments import ShipmentDetails
from app.domain.tracking import check as tracking_check
from app.domain.tracking import reduce_scanned
from app.services.packing import PackingView
from app.ui.packing.banner import ERROR, INFO, OVER
from app.ui.packing.questions import tracking_box
from app.ui.packing.sounds import OVER_SCAN as SOUND_OVER
from app.ui.packing.view_base import PackingViewBase
from app.ui.tasks import DB

log = logging.getLogger(__name__)


class EditFlow(PackingViewBase):
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
        box = tracking_box(self, warnings)

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

    @Slot(int)
    def _slip_requested(self, number: int) -> None:
        if self.snapshot is not None:
            self.save_details(number)
            self.slip_requested.emit(self.snapshot.order_pk, number)


def _same(a: ShipmentDetails, b: ShipmentDetails) -> bool:
    """Equal once normalized the way the packing service saves details."""
    def key(d: ShipmentDetails) -> tuple:
        tracking = tuple(dict.fromkeys(reduce_scanned(t)
                                       for t in d.tracking_numbers if t.strip()))
        fee = Decimal(d.carrier_fee) if d.carrier_fee is not None else None
        return (d.carrier.strip(), d.service.strip(), d.service_id, d.service_type, tracking,
                fee, d.packages, d.weight_override, d.buyer_note, d.internal_note)
    return key(a) == key(b)
