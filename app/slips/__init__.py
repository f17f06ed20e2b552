"""Packing slips and pick lists as PDF (reportlab, no Qt).

Render on ONE PDF worker thread: reportlab is not thread-safe.

The input dataclasses import at once; the renderers (and reportlab, a third of a second to
import) only when first used, so the desktop app's start-up does not pay for them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.slips.model import (
    PageSize,
    PickList,
    PickShipment,
    SlipLine,
    SlipOptions,
    SlipShipment,
    Storefront,
)

if TYPE_CHECKING:
    from app.slips.document import SlipsCancelled
    from app.slips.packing_slip import render_slips
    from app.slips.pick_list import render_pick_list

__all__ = ["PageSize", "PickList", "PickShipment", "SlipLine", "SlipOptions", "SlipShipment",
           "SlipsCancelled", "Storefront", "render_pick_list", "render_slips"]


def __getattr__(name: str) -> Any:
    # Plain imports (not importlib) so that lint-imports sees these dependencies.
    if name == "SlipsCancelled":
        from app.slips.document import SlipsCancelled
        return SlipsCancelled
    if name == "render_slips":
        from app.slips.packing_slip import render_slips
        return render_slips
    if name == "render_pick_list":
        from app.slips.pick_list import render_pick_list
        return render_pick_list
    raise AttributeError(name)
