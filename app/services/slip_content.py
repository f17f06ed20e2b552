"""One order's slips: what every slip of an order shares (branding, numbers, catalog facts)
and the slip of each shipment, from the cache. Any thread (reads the database, fetches
pictures through the ImageFetcher)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.orders import CachedOrder
from app.db.repositories.shipments import ShipmentRecord
from app.domain.orders import Line
from app.domain.packing import PlannedShipment, ShipmentState
from app.domain.store_info import StorefrontInfo
from app.services.images import ImageFetcher
from app.services.slip_jobs import SLIP, PrintedItem
from app.slips.model import SlipLine, SlipShipment, Storefront

if TYPE_CHECKING:
    from app.services.packing import PackingView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlipSources:
    """Where an order's slips get what the order itself does not say."""

    connections: ConnectionRepository  # numbers (prefix) and storefronts (branding)
    catalog: CatalogRepository  # bins and pictures
    images: ImageFetcher  # logos and pictures, downloaded once
    data_dir: Path  # a chosen logo file's folder when its path is relative


@dataclass
class OrderSlips:
    """What every slip of one order shares: branding, numbers, catalog facts."""

    sources: SlipSources
    order: CachedOrder
    view: PackingView
    order_number: str  # with the connection's prefix: "AC-100123"
    storefront: Storefront
    bins: dict[int, str]
    image_urls: dict[int, str]

    @classmethod
    def of(cls, sources: SlipSources, order: CachedOrder, view: PackingView, *,
           with_images: bool = True, shared: dict[Any, Any] | None = None) -> OrderSlips:
        """`shared`: per-batch memo of connections and storefronts (a batch reads each once)."""
        shared = {} if shared is None else shared
        connection = shared.get(("connection", order.connection_id))
        if connection is None:
            connection = shared[("connection", order.connection_id)] = \
                sources.connections.get(order.connection_id)
        key = ("storefronts", order.connection_id)
        if key not in shared:
            shared[key] = sources.connections.storefronts(order.connection_id)
        info = next((s for s in shared[key] if s.store_id == order.snapshot.store_id), None)
        ids = {line.product_id for line in order.snapshot.lines if line.product_id}
        products = sources.catalog.products(order.connection_id, ids)
        bins = {pid: p.bin for pid, p in products.items()}
        images = {pid: p.image_url for pid, p in products.items()}
        for p in products.values():  # a variant's own picture wins over the product's
            for v in p.variants:
                if v.image_url:
                    images[-v.variant_inventory_id] = v.image_url
        if with_images:
            sources.images.prefetch([info.logo_url if info and not info.logo_file else "",
                                      *(_line_image_url(images, line)
                                        for line in order.snapshot.lines)])
        front = ("storefront", order.connection_id, order.snapshot.store_id)
        storefront = shared.get(front)
        if storefront is None:
            storefront = shared[front] = _storefront(sources, info, connection.settings.name)
        return cls(sources, order, view,
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
                image = self.sources.images.get(_line_image_url(self.image_urls, line))
            out.append(SlipLine(
                sku=line.sku, name=line.name, quantity=units, quantity_ordered=line.quantity,
                quantity_other_shipments=other_open.get(line.line_id, 0),
                quantity_shipped_before=min(shipped.get(line.line_id, 0),
                                            max(0, line.quantity - units)),
                options_text=line.options_text,
                bin_location=self.bins.get(line.product_id or 0, ""), image=image,
                unit_price=line.price))
        return tuple(out)


def _line_image_url(urls: dict[int, str], line: Line) -> str:
    if not line.product_id:
        return ""
    return urls.get(-(line.variant_inventory_id or 0)) or urls.get(line.product_id, "")


def _storefront(sources: SlipSources, info: StorefrontInfo | None,
                fallback_name: str) -> Storefront:
    if info is None:
        return Storefront(name=fallback_name)
    logo: Path | None = None
    if info.logo_file:
        chosen = Path(info.logo_file).expanduser()
        logo = chosen if chosen.is_absolute() else sources.data_dir / chosen
        if not logo.exists():
            log.info("The chosen logo %s is missing; trying the store's", logo)
            logo = None
    if logo is None and info.logo_url:
        logo = sources.images.get(info.logo_url)
    # from_info would fall back to the raw logo_file: pass the resolved path (or "" for none)
    store = Storefront.from_info(info, logo if logo is not None else "")
    return replace(store, logo=logo)
