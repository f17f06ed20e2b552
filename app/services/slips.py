"""Packing slips and pick lists from the cache: what to print, printing it, and the print log.

Three steps, so each runs where it belongs:

- `prepare_slips` / `prepare_pick_list` read the database (and download logos and product
  pictures once into the cache folder); any thread.
- `render` (or `build`, which prepares and renders) writes the PDF; call it on the GUI's single
  "pdf" pool thread only (reportlab is not thread-safe). `progress(done, total)` and `cancel`
  (a threading.Event) pass through to `render_slips`.
- `record` logs a print (printer, PDF file or preview): who, when, what, copies, reprint count.
  A slip printed before (to a printer or a file; previews do not count) prints "REPRINT".

Barcodes (DESIGN.md): the order is prefix + id ("AC-100123"); a saved shipment is "S" + its
shipment_name ("SPD-7F3A2C-15"). An order not split or packed yet has no saved shipment and no
shipment_name, so its one virtual shipment ("Shipment 1 of 1") carries the order's own code in
the shipment barcode too ("AC-100123"): scanning it opens the order's first open shipment, which
is that shipment (and, once packing saved it, the saved shipment 1). Nothing is invented that a
scanner could not resolve.

Where the pieces live: the jobs and documents in slip_jobs.py, one order's slips in
slip_content.py, the print log in app/db/repositories/print_log.py, pictures in images.py
(downloaded on the composition root's executor). The service itself writes no SQL; each print
it logs is published on the change feed (the orders printed).
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import app.slips as documents  # renderers load on first use (reportlab is slow to import)
from app.clock import Clock, utc_now
from app.db.repositories.connections import ConnectionRecord
from app.db.repositories.order_queries import OrderFilter, OrderQueries
from app.db.repositories.orders import CachedOrder, OrderRepository
from app.db.repositories.print_log import PrintEntry, PrintLogRepository, PrintRecord
from app.db.repositories.shipment_search import ShipmentSearch
from app.domain.changes import Changes
from app.domain.packing import MOVABLE, ShipmentState
from app.domain.scanning import shipment_name_in
from app.errors import ConfigurationError
from app.services.changes import ChangeFeed
from app.services.slip_content import OrderSlips, SlipSources
from app.services.slip_jobs import (
    COUNTED_OUTPUTS,
    OUTPUTS,
    PDF,
    PICK_LIST,
    PREVIEW,
    PRINTER,
    SLIP,
    NoShipTo,
    NothingToPrint,
    PreparedPickList,
    PreparedSlips,
    PrintedItem,
    SlipDocument,
    SlipJob,
    SlipTarget,
    pick_list_job,
    slip_job,
)
from app.slips.model import (
    PickList,
    PickShipment,
    SlipLine,
    SlipOptions,
    SlipShipment,
    Storefront,
)

if TYPE_CHECKING:
    from app.services.packing import PackingService, Station
    from app.slips.document import Progress

__all__ = [  # the slips' names, importable from here as before the split
    "OUTPUTS", "PDF", "PICK_LIST", "PREVIEW", "PRINTER", "SLIP", "NoShipTo", "NothingToPrint",
    "PreparedPickList", "PreparedSlips", "PrintedItem", "SlipDocument", "SlipJob",
    "SlipService", "SlipTarget", "pick_list_job", "slip_job",
]

_ORDER_SHIPMENT = re.compile(r"^(?P<order>.+?)#(?P<number>\d+)$")


class SlipService:
    def __init__(self, sources: SlipSources, packing: PackingService,
                 station: Callable[[], Station], *, print_log: PrintLogRepository,
                 shipments: ShipmentSearch, resolve_order: Callable[[str], int],
                 orders: OrderRepository, queries: OrderQueries, feed: ChangeFeed,
                 clock: Clock = utc_now) -> None:
        self._sources = sources
        self._orders = orders
        self._queries = queries
        self._packing = packing
        self._station = station
        self._print_log = print_log
        self._shipments = shipments
        self._resolve_order = resolve_order
        self._feed = feed
        self._clock = clock

    # --- what to print -----------------------------------------------------------------------

    def slip(self, order_pk: int, number: int) -> SlipShipment:
        """The slip of shipment `number` of an order (1 of 1 before packing starts)."""
        return self.prepare_slips([SlipTarget(order_pk, number)]).shipments[0]

    def slips_for_order(self, order_pk: int) -> list[SlipShipment]:
        """A slip for every live shipment of the order."""
        return list(self.prepare_slips([SlipTarget(order_pk)]).shipments)

    def prepare_slips(self, targets: Iterable[SlipTarget], *,
                      cancel: threading.Event | None = None,
                      acknowledge_no_ship_to: bool = False) -> PreparedSlips:
        """An order without a ship-to address is left out (`held_back` says why) unless its
        flag was acknowledged or the caller acknowledges it (`acknowledge_no_ship_to`): one
        such order never stops a batch. NoShipTo when nothing else is left to print."""
        shipments: list[SlipShipment] = []
        items: list[PrintedItem] = []
        held: list[str] = []
        shared: dict = {}
        for order, view, picked in self._picked(targets, open_only=False, cancel=cancel):
            if order.snapshot.address("shipping") is None and order.flag_acknowledged_at is None \
                    and not acknowledge_no_ship_to:
                held.append(f"Order {self._display_number(order)} has no ship-to address"
                            + (f" ({order.flag_reason})" if order.flag_reason else "") + ".")
                continue
            context = OrderSlips.of(self._sources, order, view, shared=shared)
            for number, planned, record in picked:
                slip, item = context.slip(number, planned, record)
                shipments.append(slip)
                items.append(item)
        if held and not shipments:
            raise NoShipTo(" ".join(held),
                           hint="Check the order in the store and sync again, or acknowledge to "
                                "print its slip without an address.")
        reprinted = self._printed_before({i.document_key for i in items})
        items = [replace(i, reprint=i.document_key in reprinted) for i in items]
        shipments = [replace(s, reprint=i.reprint) for s, i in zip(shipments, items, strict=True)]
        return PreparedSlips(tuple(shipments), tuple(items), tuple(held))

    def prepare_pick_list(self, targets: Iterable[SlipTarget], *, title: str = "Pick list",
                          subtitle: str | None = None,
                          cancel: threading.Event | None = None) -> PreparedPickList:
        """Shipments to pick: explicit shipments as given; whole orders without the shipments
        already shipped."""
        picks: list[PickShipment] = []
        items: list[PrintedItem] = []
        shared: dict = {}
        for order, view, picked in self._picked(targets, open_only=True, cancel=cancel):
            context = OrderSlips.of(self._sources, order, view, shared=shared)
            for number, planned, record in picked:
                slip, item = context.slip(number, planned, record, with_images=True)
                label = f"{number}/{len(view.numbered())}" if len(view.numbered()) > 1 else ""
                picks.append(PickShipment(slip.order_number, slip.lines, label))
                items.append(item)
        key = PICK_LIST + ":" + hashlib.sha256(
            "\n".join(sorted(i.document_key for i in items)).encode()).hexdigest()[:20]
        if subtitle is None:
            station = self._station()
            subtitle = f"{station.name} · {station.packer} · {self._clock():%Y-%m-%d %H:%M}"
        reprint = bool(self._printed_before({key}))
        return PreparedPickList(PickList(tuple(picks), title=title, subtitle=subtitle,
                                         reprint=reprint), tuple(items), key)

    def _picked(self, targets: Iterable[SlipTarget], *, open_only: bool,
                cancel: threading.Event | None = None):
        """(order, view, [(number, planned, record)]) per target, in the targets' order."""
        targets = list(targets)
        for done, target in enumerate(targets):
            if cancel is not None and cancel.is_set():  # a big batch reads for a while
                raise documents.SlipsCancelled(done, len(targets))
            view = self._packing.view(target.order_pk)  # refuses an order gone from the cache
            order = view.order
            numbered = view.numbered()
            if target.number is not None:
                planned = view.plan.by_number(target.number)  # PackingError names the range
                picked = [(n, p, r) for n, p, r in numbered if p.key == planned.key]
            else:
                picked = [(n, p, r) for n, p, r in numbered
                          if not open_only or p.state in MOVABLE]
            picked = [(n, p, r) for n, p, r in picked if p.units]
            if not picked:
                if open_only and target.number is None:
                    continue  # a batch by status: nothing left to pick in this order
                number = self._display_number(order)
                raise NothingToPrint(f"Order {number} has nothing left to ship, so it has no "
                                     "packing slip.")
            yield order, view, picked

    def _display_number(self, order: CachedOrder) -> str:
        settings = self._sources.connections.get(order.connection_id).settings
        return settings.display_number(order.snapshot.order_id)

    # --- building the PDF (the "pdf" pool's single thread) -----------------------------------

    def render(self, prepared: PreparedSlips, options: SlipOptions,
               out: str | Path | BinaryIO, *, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> SlipDocument:
        pages = documents.render_slips(prepared.shipments, options, out, progress=progress,
                                       cancel=cancel)
        return SlipDocument(SLIP, Path(out) if isinstance(out, (str, Path)) else None, pages,
                            prepared.items, options.page_size, title="Packing slips",
                            held_back=prepared.held_back)

    def render_pick_list(self, prepared: PreparedPickList, options: SlipOptions,
                         out: str | Path | BinaryIO, *, progress: Progress | None = None,
                         cancel: threading.Event | None = None) -> SlipDocument:
        if cancel is not None and cancel.is_set():
            raise documents.SlipsCancelled(0, 1)
        pages = documents.render_pick_list(prepared.pick_list, options, out)
        if progress is not None:
            progress(1, 1)
        return SlipDocument(PICK_LIST, Path(out) if isinstance(out, (str, Path)) else None,
                            pages, prepared.items, options.page_size, prepared.document_key,
                            prepared.pick_list.title, prepared.pick_list.reprint)

    def build(self, job: SlipJob, out: str | Path | BinaryIO, *,
              progress: Progress | None = None,
              cancel: threading.Event | None = None) -> SlipDocument:
        """Prepare and render a job: what the GUI's "pdf" pool runs."""
        if job.kind == PICK_LIST:
            prepared = self.prepare_pick_list(job.targets, title=job.title or "Pick list",
                                              cancel=cancel)
            return self.render_pick_list(prepared, job.options, out, progress=progress,
                                         cancel=cancel)
        if job.kind != SLIP:
            raise ValueError(f"unknown document kind {job.kind!r}")
        prepared = self.prepare_slips(job.targets, cancel=cancel,
                                      acknowledge_no_ship_to=job.acknowledge_no_ship_to)
        return self.render(prepared, job.options, out, progress=progress, cancel=cancel)

    @staticmethod
    def warm_up() -> int:
        """Render a throwaway slip (fonts, barcodes, an image, compression) so the packer's
        first preview does not pay reportlab's first-use costs (~150 ms). Submit it once to the
        "pdf" pool at start-up; returns its page count."""
        from io import BytesIO

        from app.paths import resources_dir

        icon = resources_dir() / "icons" / "packdesk.png"
        sample = SlipShipment(
            storefront=Storefront("PackDesk", logo=icon if icon.exists() else None),
            order_number="AC-100000", order_barcode="AC-100000",
            shipment_barcode="SPD-000000-1",
            lines=(SlipLine(sku="SKU-1", name="Sample", quantity=1, quantity_ordered=2,
                            quantity_other_shipments=1, bin_location="A-1",
                            image=icon if icon.exists() else None),),
            is_gift=True, gift_message="Warm-up", customer_notes="Warm-up")
        return documents.render_slips([sample], SlipOptions(), BytesIO())

    # --- the print log ------------------------------------------------------------------------

    def record(self, document: SlipDocument, *, output: str, destination: str = "",
               copies: int = 1) -> Changes:
        """Log a print of `document` (each row keeps its reprint count: earlier prints of the
        same slip or pick list to a printer or a file); publishes the orders printed."""
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}")
        station = self._station()
        if document.kind == PICK_LIST:
            entries = [PrintEntry(
                document.document_key, None, None, "", "", document.title or "Pick list",
                {"shipments": [{"order": i.order_number, "number": i.number, "of": i.count,
                                "shipment_name": i.shipment_name} for i in document.items]})]
        else:
            entries = [PrintEntry(i.document_key, i.order_pk, i.shipment_pk, i.order_number,
                                  i.shipment_name, i.label) for i in document.items]
        self._print_log.add(entries, kind=document.kind, output=output,
                            destination=destination, copies=max(1, int(copies)),
                            station=station.name, packer=station.packer,
                            printed_at=self._clock(), counted=COUNTED_OUTPUTS)
        return self._feed.publish(Changes.of(orders={i.order_pk for i in document.items}))

    def prints(self, *, order_pk: int | None = None, limit: int = 100) -> list[PrintRecord]:
        """The print log, newest first (optionally for one order)."""
        return self._print_log.prints(order_pk=order_pk, limit=limit)

    def _printed_before(self, keys: set[str]) -> set[str]:
        return self._print_log.printed_before(keys, COUNTED_OUTPUTS)

    # --- finding shipments from what was typed or scanned -------------------------------------

    def find_shipment(self, value: str) -> SlipTarget | None:
        """A shipment by its slip barcode ("SPD-7F3A2C-15"), its shipment_name
        ("PD-7F3A2C-15") or one of its tracking numbers; None when nothing matches."""
        text = "".join(value.split())
        if not text:
            return None
        found = self._shipments.find(shipment_name_in(text), text.upper())
        if found is None:
            return None
        if found.state == ShipmentState.VOID.value:
            raise ConfigurationError(f"Shipment {value.strip()} was voided; its slip is void "
                                     "too.")
        return SlipTarget(found.order_pk, found.number)

    def resolve_target(self, identifier: str) -> SlipTarget:
        """ORDER (every live shipment), ORDER#N (shipment N), a slip's shipment barcode
        ("SPD-..."), a shipment_name ("PD-...") or a tracking number of a local shipment.
        Raises ConfigurationError when nothing (or several orders) match."""
        text = identifier.strip()
        match = _ORDER_SHIPMENT.match(text)
        if match:
            number = int(match["number"])
            if number < 1:
                raise ConfigurationError(f"{identifier!r}: shipments are numbered from 1.")
            return SlipTarget(self._resolve_order(match["order"]), number)
        if shipment_name_in(text):
            found = self.find_shipment(text)
            if found is not None:
                return found
        try:
            return SlipTarget(self._resolve_order(text))
        except ConfigurationError:
            found = self.find_shipment(text)  # a scanned tracking number
            if found is not None:
                return found
            raise

    def pick_list_targets(self, identifiers: Sequence[str], *, view: str | None = None,
                          connection: ConnectionRecord | None = None) -> list[SlipTarget]:
        """What a pick list picks: the orders or shipments listed (see resolve_target), then
        the orders of a list `view` or store status (by order number; awaiting_shipment when
        nothing is listed), only of `connection` when given."""
        connection_id = connection.id if connection is not None else None
        targets: list[SlipTarget] = []
        for identifier in identifiers:
            target = self.resolve_target(identifier)
            order = self._orders.get(target.order_pk) if connection is not None else None
            if connection is not None and (order is None or order.connection_id != connection_id):
                raise ConfigurationError(f"{identifier} is not an order of {connection.name}.")
            targets.append(target)
        if view or not identifiers:
            records = self._sources.connections
            statuses = {r.id: records.statuses(r.id) for r in records.all()}
            ids = self._queries.ids(
                OrderFilter(view=view or "awaiting_shipment",
                            connection_id=connection_id, sort="order", descending=False),
                statuses)
            known = {t.order_pk for t in targets}
            targets += [SlipTarget(pk) for pk in ids if pk not in known]
        return targets
