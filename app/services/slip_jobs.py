"""What to print and what was printed: the slips service's jobs, targets and documents.

Value types only (no I/O), shared by the service, the CLI and the preview dialog.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.errors import PackDeskError
from app.slips.model import PageSize, PickList, SlipOptions, SlipShipment

SLIP, PICK_LIST = "slip", "pick_list"
PRINTER, PDF, PREVIEW = "printer", "pdf", "preview"
OUTPUTS = (PRINTER, PDF, PREVIEW)
COUNTED_OUTPUTS = (PRINTER, PDF)  # what makes the next print a REPRINT


class NothingToPrint(PackDeskError):
    """The order has no shipment with anything in it (all shipped elsewhere, or gift cards)."""


class NoShipTo(PackDeskError):
    """The slip would have no ship-to block: printed only once someone acknowledged that."""


@dataclass(frozen=True)
class SlipTarget:
    """What to print for one order: shipment `number` (1..N as on the slip), or every live
    shipment when None (the order's one virtual shipment before packing starts)."""

    order_pk: int
    number: int | None = None


@dataclass(frozen=True)
class PrintedItem:
    """One slip (or one shipment of a pick list) in a built document: what `record` logs."""

    document_key: str  # "slip:shipment:15", "slip:order:42:unsaved"
    order_pk: int
    shipment_pk: int | None  # None: the order's virtual shipment (nothing saved yet)
    order_number: str  # "AC-100123"
    number: int
    count: int
    shipment_name: str  # "" for a virtual shipment
    order_barcode: str
    shipment_barcode: str
    reprint: bool

    @property
    def label(self) -> str:
        return f"Shipment {self.number} of {self.count}"

    def as_dict(self) -> dict[str, object]:
        return {"order": self.order_number, "number": self.number, "of": self.count,
                "shipment_name": self.shipment_name or None,
                "order_barcode": self.order_barcode, "shipment_barcode": self.shipment_barcode,
                "reprint": self.reprint}


@dataclass(frozen=True)
class PreparedSlips:
    shipments: tuple[SlipShipment, ...]
    items: tuple[PrintedItem, ...]
    held_back: tuple[str, ...] = ()  # why orders of a batch were left out (no ship-to)


@dataclass(frozen=True)
class PreparedPickList:
    pick_list: PickList
    items: tuple[PrintedItem, ...]
    document_key: str


@dataclass(frozen=True)
class SlipJob:
    """A document to build: slips or a pick list for these targets, with these options.

    Slips of a whole order print every live shipment; a pick list of a whole order leaves out
    the shipments already shipped (nothing to pick)."""

    kind: str  # SLIP | PICK_LIST
    targets: tuple[SlipTarget, ...]
    options: SlipOptions = field(default_factory=SlipOptions)
    title: str = ""
    acknowledge_no_ship_to: bool = False  # print slips without a ship-to anyway

    def with_page_size(self, size: PageSize) -> SlipJob:
        return replace(self, options=replace(self.options, page_size=PageSize(size)))


@dataclass(frozen=True)
class SlipDocument:
    """A built PDF and what it holds."""

    kind: str
    file: Path | None  # None when written to a stream
    pages: int
    items: tuple[PrintedItem, ...]
    page_size: PageSize
    document_key: str = ""  # a pick list's batch key ("" for slips: one key per item)
    title: str = ""
    reprint: bool = False  # a pick list printed before (slips: see each item)
    held_back: tuple[str, ...] = ()  # orders of a slip batch left out, and why

    def as_dict(self) -> dict[str, object]:
        return {"file": str(self.file) if self.file else None, "pages": self.pages,
                "shipments": [i.as_dict() for i in self.items],
                "held_back": list(self.held_back)}


def slip_job(targets: Sequence[SlipTarget], options: SlipOptions | None = None, *,
             acknowledge_no_ship_to: bool = False) -> SlipJob:
    return SlipJob(SLIP, tuple(targets), options or SlipOptions(),
                   acknowledge_no_ship_to=acknowledge_no_ship_to)


def pick_list_job(targets: Sequence[SlipTarget], options: SlipOptions | None = None,
                  title: str = "Pick list") -> SlipJob:
    return SlipJob(PICK_LIST, tuple(targets), options or SlipOptions(), title)
