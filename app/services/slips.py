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
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import httpx
from sqlalchemy import func, insert, select

import app.slips as documents  # renderers load on first use (reportlab is slow to import)
from app.db.core import PRINTS, SHIPMENTS
from app.db.engine import Database
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.orders import CachedOrder, OrderRepository
from app.db.repositories.shipments import ShipmentRecord
from app.domain.packing import MOVABLE, PlannedShipment, ShipmentState
from app.domain.scanning import shipment_name_in
from app.errors import ConfigurationError, PackDeskError
from app.services.images import LazyHttpClient, download_image, image_cache_path
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
    from app.context import AppContext
    from app.services.packing import PackingService, PackingView, Station
    from app.slips.document import Progress

log = logging.getLogger(__name__)


SLIP, PICK_LIST = "slip", "pick_list"
PRINTER, PDF, PREVIEW = "printer", "pdf", "preview"
OUTPUTS = (PRINTER, PDF, PREVIEW)
COUNTED_OUTPUTS = (PRINTER, PDF)  # what makes the next print a REPRINT
PREFETCH_THREADS = 6


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

    def as_dict(self) -> dict:
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

    def as_dict(self) -> dict:
        return {"file": str(self.file) if self.file else None, "pages": self.pages,
                "shipments": [i.as_dict() for i in self.items],
                "held_back": list(self.held_back)}


def _now() -> datetime:
    return datetime.now(UTC)


def make_image_client() -> LazyHttpClient:
    return LazyHttpClient()


HttpSource = httpx.Client | Callable[[], httpx.Client] | None


class ImageFetcher:
    """Logos and product pictures downloaded once into the cache folder. Never fails a slip:
    an image that cannot be fetched is left out (and not asked for again by this fetcher)."""

    def __init__(self, cache_dir: Path, http: HttpSource) -> None:
        self._dir = cache_dir
        self._http = http
        self._failed: set[str] = set()
        self._lock = threading.Lock()

    def prefetch(self, urls: Iterable[str]) -> None:
        """Fetch the pictures not cached yet in parallel (a slip of five pictures from a slow
        CDN then costs one round trip, not five)."""
        missing = list(dict.fromkeys(
            u for u in urls if u and u not in self._failed
            and not image_cache_path(self._dir, u).exists()))
        if len(missing) < 2 or self._http is None:
            return
        with ThreadPoolExecutor(min(PREFETCH_THREADS, len(missing)),
                                thread_name_prefix="pd-slip-images") as pool:
            list(pool.map(self.get, missing))

    def get(self, url: str) -> Path | None:
        if not url:
            return None
        target = image_cache_path(self._dir, url)
        if target.exists():
            return target
        with self._lock:
            if url in self._failed:
                return None
        if self._http is None or not url.startswith(("http://", "https://")):
            return None
        try:
            client = self._http if isinstance(self._http, httpx.Client) else self._http()
            return download_image(client, url, target)
        except (httpx.HTTPError, OSError, ValueError) as exc:
            log.info("Image %s left off the slip: %s", url, exc)
            with self._lock:
                self._failed.add(url)
            return None


class SlipService:
    def __init__(self, db: Database, orders: OrderRepository,
                 connections: ConnectionRepository, catalog: CatalogRepository,
                 packing: PackingService, station: Callable[[], Station], *,
                 data_dir: Path, cache_dir: Path, http: HttpSource = None,
                 clock: Callable[[], datetime] = _now) -> None:
        self._db = db
        self._orders = orders
        self._connections = connections
        self._catalog = catalog
        self._packing = packing
        self._station = station
        self._data_dir = data_dir
        self._images = ImageFetcher(cache_dir, http)
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
            context = _OrderContext.of(self, order, view, shared=shared)
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
            context = _OrderContext.of(self, order, view, shared=shared)
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
        settings = self._connections.get(order.connection_id).settings
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
               copies: int = 1) -> list[int]:
        """Log a print of `document`; returns each row's reprint count (earlier prints of the
        same slip or pick list to a printer or a file)."""
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}")
        station = self._station()
        now = self._clock()
        rows: list[dict] = []
        if document.kind == PICK_LIST:
            rows.append({"document_key": document.document_key, "order_pk": None,
                         "shipment_pk": None, "order_number": "", "shipment_name": "",
                         "label": document.title or "Pick list",
                         "details": {"shipments": [
                             {"order": i.order_number, "number": i.number, "of": i.count,
                              "shipment_name": i.shipment_name} for i in document.items]}})
        else:
            rows += [{"document_key": i.document_key, "order_pk": i.order_pk,
                      "shipment_pk": i.shipment_pk, "order_number": i.order_number,
                      "shipment_name": i.shipment_name, "label": i.label, "details": None}
                     for i in document.items]
        counts: list[int] = []
        with self._db.write() as session:
            for row in rows:
                before = session.execute(select(func.count()).select_from(PRINTS).where(
                    PRINTS.c.document_key == row["document_key"],
                    PRINTS.c.output.in_(COUNTED_OUTPUTS))).scalar_one()
                session.execute(insert(PRINTS).values(
                    printed_at=now, station=station.name, packer=station.packer,
                    kind=document.kind, output=output, destination=destination,
                    copies=max(1, int(copies)), reprint=int(before), **row))
                counts.append(int(before))
        return counts

    def prints(self, *, order_pk: int | None = None, limit: int = 100) -> list[dict]:
        """The print log, newest first (optionally for one order)."""
        statement = select(PRINTS).order_by(PRINTS.c.id.desc()).limit(limit)
        if order_pk is not None:
            statement = statement.where(PRINTS.c.order_pk == order_pk)
        with self._db.read() as session:
            return [dict(r._mapping) for r in session.execute(statement)]

    def _printed_before(self, keys: set[str]) -> set[str]:
        if not keys:
            return set()
        with self._db.read() as session:
            return set(session.execute(select(PRINTS.c.document_key).distinct().where(
                PRINTS.c.document_key.in_(list(keys)),
                PRINTS.c.output.in_(COUNTED_OUTPUTS))).scalars())

    # --- finding shipments from what was typed or scanned -------------------------------------

    def find_shipment(self, value: str) -> SlipTarget | None:
        """A shipment by its slip barcode ("SPD-7F3A2C-15"), its shipment_name
        ("PD-7F3A2C-15") or one of its tracking numbers; None when nothing matches."""
        text = "".join(value.split())
        if not text:
            return None
        name = shipment_name_in(text)
        with self._db.read() as session:
            row = session.execute(select(SHIPMENTS.c.order_pk, SHIPMENTS.c.number,
                                         SHIPMENTS.c.state).where(
                func.upper(SHIPMENTS.c.shipment_name) == name)).first() if name else None
            if row is None:
                # a tracking number: the column holds them comma-separated, normalized
                tracking = text.upper()
                for candidate in session.execute(select(
                        SHIPMENTS.c.order_pk, SHIPMENTS.c.number, SHIPMENTS.c.state,
                        SHIPMENTS.c.tracking_numbers).where(
                        SHIPMENTS.c.tracking_numbers.contains(tracking))):
                    if tracking in candidate.tracking_numbers.split(","):
                        row = candidate
                        break
        if row is None:
            return None
        if row.state == ShipmentState.VOID.value:
            raise ConfigurationError(f"Shipment {value.strip()} was voided; its slip is void "
                                     "too.")
        return SlipTarget(row.order_pk, row.number)


_ORDER_SHIPMENT = re.compile(r"^(?P<order>.+?)#(?P<number>\d+)$")


def resolve_target(context: AppContext, identifier: str) -> SlipTarget:
    """ORDER (every live shipment), ORDER#N (shipment N), a slip's shipment barcode
    ("SPD-..."), a shipment_name ("PD-...") or a tracking number of a local shipment.
    Raises ConfigurationError when nothing (or several orders) match."""
    text = identifier.strip()
    match = _ORDER_SHIPMENT.match(text)
    if match:
        number = int(match["number"])
        if number < 1:
            raise ConfigurationError(f"{identifier!r}: shipments are numbered from 1.")
        return SlipTarget(context.lookup.resolve(match["order"]), number)
    if shipment_name_in(text):
        found = context.slips.find_shipment(text)
        if found is not None:
            return found
    try:
        return SlipTarget(context.lookup.resolve(text))
    except ConfigurationError:
        found = context.slips.find_shipment(text)  # a scanned tracking number
        if found is not None:
            return found
        raise


# --- one order's slips ------------------------------------------------------------------------

@dataclass
class _OrderContext:
    """What every slip of one order shares: branding, numbers, catalog facts."""

    service: SlipService
    order: CachedOrder
    view: PackingView
    order_number: str  # with the connection's prefix: "AC-100123"
    storefront: Storefront
    bins: dict[int, str]
    image_urls: dict[int, str]

    @classmethod
    def of(cls, service: SlipService, order: CachedOrder, view: PackingView, *,
           with_images: bool = True, shared: dict | None = None) -> _OrderContext:
        """`shared`: per-batch memo of connections and storefronts (a batch reads each once)."""
        shared = {} if shared is None else shared
        connection = shared.get(("connection", order.connection_id))
        if connection is None:
            connection = shared[("connection", order.connection_id)] = \
                service._connections.get(order.connection_id)
        key = ("storefronts", order.connection_id)
        if key not in shared:
            shared[key] = service._connections.storefronts(order.connection_id)
        info = next((s for s in shared[key] if s.store_id == order.snapshot.store_id), None)
        ids = {line.product_id for line in order.snapshot.lines if line.product_id}
        products = service._catalog.products(order.connection_id, ids)
        bins = {pid: p.bin for pid, p in products.items()}
        images = {pid: p.image_url for pid, p in products.items()}
        for p in products.values():  # a variant's own picture wins over the product's
            for v in p.variants:
                if v.image_url:
                    images[-v.variant_inventory_id] = v.image_url
        if with_images:
            service._images.prefetch([info.logo_url if info and not info.logo_file else "",
                                      *(_line_image_url(images, line)
                                        for line in order.snapshot.lines)])
        key = ("storefront", order.connection_id, order.snapshot.store_id)
        storefront = shared.get(key)
        if storefront is None:
            storefront = shared[key] = _storefront(service, info, connection.settings.name)
        return cls(service, order, view,
                   connection.settings.display_number(order.snapshot.order_id), storefront,
                   bins, images)

    def slip(self, number: int, planned: PlannedShipment, record: ShipmentRecord | None,
             *, with_images: bool = True) -> tuple[SlipShipment, PrintedItem]:
        snap = self.order.snapshot
        order_number = self.order_number
        count = len(self.view.numbered())
        if record is not None:
            shipment_barcode = "S" + record.shipment_name
            key = f"{SLIP}:shipment:{record.shipment_pk}"
        else:  # nothing saved yet: the order's one virtual shipment (see the module doc)
            shipment_barcode = order_number
            key = f"{SLIP}:order:{self.order.order_pk}:unsaved"
        lines = self._lines(planned, with_images)
        details = record.details if record is not None else None
        method = snap.shipping_method
        if details is not None and details.service:
            method = details.service if details.carrier.lower() in details.service.lower() \
                else " ".join(p for p in (details.carrier, details.service) if p)
        slip = SlipShipment(
            storefront=self.storefront, order_number=order_number, order_barcode=order_number,
            shipment_barcode=shipment_barcode, lines=lines,
            order_date=snap.ordered_at or snap.created_at,
            ship_date=record.shipped_at if record is not None else None,
            shipping_method=method, ship_to=snap.address("shipping"),
            bill_to=snap.address("billing"), customer_email=self.order.customer_email,
            customer_phone=self.order.customer_phone, is_gift=snap.is_gift,
            gift_message=snap.gift_message, customer_notes=snap.special_instructions,
            note_to_buyer=details.buyer_note if details is not None else "",
            shipment_number=number, shipment_count=count)
        item = PrintedItem(key, self.order.order_pk,
                           record.shipment_pk if record is not None else None, order_number,
                           number, count, record.shipment_name if record is not None else "",
                           order_number, shipment_barcode, False)
        return slip, item

    def _lines(self, planned: PlannedShipment, with_images: bool) -> tuple[SlipLine, ...]:
        other_open: dict[int, int] = {}
        shipped: dict[int, int] = dict(self.view.lines.covered_elsewhere)
        for other in self.view.plan.live():
            if other.key == planned.key:
                continue
            target = shipped if other.state is ShipmentState.SHIPPED else other_open
            for line_id, n in other.units.items():
                target[line_id] = target.get(line_id, 0) + n
        out = []
        for line in self.order.snapshot.lines:  # the store's order of lines
            units = planned.units.get(line.line_id, 0)
            if units <= 0:
                continue
            image = None
            if with_images:
                image = self.service._images.get(_line_image_url(self.image_urls, line))
            out.append(SlipLine(
                sku=line.sku, name=line.name, quantity=units, quantity_ordered=line.quantity,
                quantity_other_shipments=other_open.get(line.line_id, 0),
                quantity_shipped_before=min(shipped.get(line.line_id, 0),
                                            max(0, line.quantity - units)),
                options_text=line.options_text,
                bin_location=self.bins.get(line.product_id or 0, ""), image=image,
                unit_price=line.price))
        return tuple(out)


def _line_image_url(urls: dict[int, str], line) -> str:
    if not line.product_id:
        return ""
    return urls.get(-(line.variant_inventory_id or 0)) or urls.get(line.product_id, "")


def _storefront(service: SlipService, info, fallback_name: str) -> Storefront:
    if info is None:
        return Storefront(name=fallback_name)
    logo: Path | None = None
    if info.logo_file:
        chosen = Path(info.logo_file).expanduser()
        logo = chosen if chosen.is_absolute() else service._data_dir / chosen
        if not logo.exists():
            log.info("The chosen logo %s is missing; trying the store's", logo)
            logo = None
    if logo is None and info.logo_url:
        logo = service._images.get(info.logo_url)
    # from_info would fall back to the raw logo_file: pass the resolved path (or "" for none)
    store = Storefront.from_info(info, logo if logo is not None else "")
    return replace(store, logo=logo)


def slip_job(targets: Sequence[SlipTarget], options: SlipOptions | None = None, *,
             acknowledge_no_ship_to: bool = False) -> SlipJob:
    return SlipJob(SLIP, tuple(targets), options or SlipOptions(),
                   acknowledge_no_ship_to=acknowledge_no_ship_to)


def pick_list_job(targets: Sequence[SlipTarget], options: SlipOptions | None = None,
                  title: str = "Pick list") -> SlipJob:
    return SlipJob(PICK_LIST, tuple(targets), options or SlipOptions(), title)
