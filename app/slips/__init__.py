"""Packing slips and pick lists as PDF (reportlab, no Qt).

Render on ONE PDF worker thread: reportlab is not thread-safe.
"""
from app.slips.document import SlipsCancelled
from app.slips.model import (PageSize, PickList, PickShipment, SlipLine, SlipOptions,
                             SlipShipment, Storefront)
from app.slips.packing_slip import render_slips
from app.slips.pick_list import render_pick_list

__all__ = ["PageSize", "PickList", "PickShipment", "SlipLine", "SlipOptions", "SlipShipment",
           "SlipsCancelled", "Storefront", "render_pick_list", "render_slips"]
