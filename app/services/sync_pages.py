"""One page of orders, on the sync's single saver thread: keep, enrich, save.

The orders to keep (cached already, or matching the import rule, window and storefronts) get
their addresses, customers and products in bulk (`select_many`) on the run's network pool,
then the page is saved in one transaction, with a flag on each order the store changed under
the packer or whose data has a problem.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRecord
from app.db.repositories.orders import LocalWork, OrderRepository
from app.domain.connection_settings import ConnectionSettings, StatusInfo
from app.domain.data_problems import (
    CUSTOMER_MISSING,
    NO_SHIP_TO,
    SHIP_TO_MISSING,
    flag_text,
    unknown_status,
)
from app.domain.interruptions import store_changes
from app.domain.orders import OrderSnapshot, StoreChange
from app.integrations.americommerce import mapping
from app.integrations.americommerce.client import AmeriCommerceClient
from app.services.sync_reference import ReferenceData
from app.services.sync_result import SyncResult

ORDER_EXPAND = "items,payments,shipments,custom_fields"
PRODUCT_EXPAND = ["pictures", "custom_fields", "variant_inventory"]
SELECT_BATCH = 200  # ids per select_many call (URL length is capped by the client too)
PRODUCT_MAX_AGE = timedelta(hours=24)


class PageSaver:
    def __init__(self, orders: OrderRepository, catalog: CatalogRepository,
                 reference: ReferenceData) -> None:
        self._orders = orders
        self._catalog = catalog
        self._reference = reference

    def keep_enrich_save(self, connection: ConnectionRecord, client: AmeriCommerceClient,
                         statuses: dict[int, StatusInfo], snapshots: Sequence[OrderSnapshot],
                         window_start: datetime, result: SyncResult,
                         net: ThreadPoolExecutor, *, force: bool = False) -> None:
        settings = connection.settings
        cached = self._orders.local_work(connection.id, [s.order_id for s in snapshots])
        keep: dict[int, OrderSnapshot] = {}
        unchanged: list[int] = []
        changed: list[OrderSnapshot] = []
        for snapshot in snapshots:
            work = cached.get(snapshot.order_id)
            if work is not None and work.updated_at == snapshot.updated_at and not force:
                unchanged.append(work.order_pk)  # the overlap re-reads these: nothing to do
            else:
                changed.append(snapshot)
        if self._reference.know_statuses(connection, statuses, changed):
            result.reference_refreshed()
        for snapshot in changed:  # later copies of an order in one page win
            if snapshot.order_id in cached or self._imports(settings, statuses, snapshot,
                                                            window_start):
                keep[snapshot.order_id] = snapshot
        self._orders.touch_read(unchanged)
        if not keep:
            return
        enriched = self._enrich(connection, client, list(keep.values()), net)
        flags = {}
        for snapshot in enriched:
            work = cached.get(snapshot.order_id)
            change = self._change(work, snapshot, statuses) \
                if work is not None and work.work_started else None
            problems = list(snapshot.problems)
            if snapshot.order_status_id not in statuses:
                problems.append(unknown_status(snapshot.order_status_id))
            text = flag_text([*(change.reasons if change else ()), *problems])
            known = work.flag_reason if work is not None else ""
            # An acknowledged data problem is not raised again while the store still has it.
            if text and text != known and (change or not all(p in known for p in problems)):
                flags[snapshot.order_id] = text
        claim = ({"order_status_id": settings.claim_status_id,
                  "notify": settings.notify_customer}
                 if settings.claim_status_id is not None else None)
        saved = self._orders.save_snapshots(
            connection.id, enriched, display_number=settings.display_number, flags=flags,
            new_order_tag=settings.new_order_tag, claim=claim)
        result.orders_new += sum(1 for s in saved if s.is_new)
        result.orders_updated += sum(1 for s in saved if s.changed and not s.is_new)
        result.orders_flagged += len(flags)
        # Every saved order was written again (lines, addresses...), changed or not.
        result.saved([s.order_pk for s in saved],
                     [s.order_pk for s in saved if s.order_id in flags])

    @staticmethod
    def _imports(settings: ConnectionSettings, statuses: dict[int, StatusInfo],
                 snapshot: OrderSnapshot, window_start: datetime) -> bool:
        """The import rule. An order whose status the store's list lacks (even after a
        re-read) is imported and flagged rather than left out without a trace."""
        status = statuses.get(snapshot.order_status_id) \
            if snapshot.order_status_id is not None else None
        created = snapshot.created_at or snapshot.ordered_at
        return ((status is None or settings.imports_status(status))
                and settings.imports_storefront(snapshot.store_id)
                and snapshot.order_type.lower() != "quote"
                and (created is None or created >= window_start))

    @staticmethod
    def _change(work: LocalWork, snapshot: OrderSnapshot,
                statuses: dict[int, StatusInfo]) -> StoreChange:
        return store_changes(previous_status_id=work.order_status_id,
                             previous_lines=work.lines,
                             previous_shipment_ids=work.store_shipment_ids, now=snapshot,
                             statuses=statuses, previous_ship_to=work.ship_to,
                             previous_note=work.customer_note,
                             previous_method=work.shipping_method)

    def _enrich(self, connection: ConnectionRecord, client: AmeriCommerceClient,
                snapshots: list[OrderSnapshot], net: ThreadPoolExecutor) -> list[OrderSnapshot]:
        """Addresses, customers and products for a page, in bulk and in parallel."""
        address_ids = {i for s in snapshots
                       for i in (s.shipping_address_id, s.billing_address_id) if i}
        customer_ids = {s.customer_id for s in snapshots if s.customer_id}
        product_ids = self._catalog.ids_to_refresh(
            connection.id, {line.product_id for s in snapshots for line in s.lines
                            if line.product_id}, PRODUCT_MAX_AGE)
        addresses_f = _fan_out(net, client, "order_addresses", address_ids)
        customers_f = _fan_out(net, client, "customers", customer_ids)
        products_f = _fan_out(net, client, "products", product_ids, expand=PRODUCT_EXPAND)
        addresses = {mapping.identifier(a.get("id")): a for a in _gather(addresses_f)}
        customers = {c.customer_id: c for raw in _gather(customers_f)
                     if (c := mapping.customer_from_api(raw))}
        origin = client.address.origin
        bin_field = connection.settings.bin_field_name
        products = [mapping.product_from_api(p, bin_field=bin_field, origin=origin)
                    for p in _gather(products_f)]
        self._catalog.save(connection.id, products)
        enriched = []
        for snapshot in snapshots:
            parts, unread = [], set()
            for kind, address_id in (("shipping", snapshot.shipping_address_id),
                                     ("billing", snapshot.billing_address_id)):
                if address_id in addresses:
                    parts.append(mapping.address_from_api(addresses[address_id], kind))
                elif address_id is not None:
                    unread.add(kind)
            problems = list(snapshot.problems)
            if any(line.is_packable for line in snapshot.lines):
                if snapshot.shipping_address_id is None:
                    problems.append(NO_SHIP_TO)
                elif snapshot.shipping_address_id not in addresses:
                    problems.append(SHIP_TO_MISSING)  # asked twice (the client), still absent
            if snapshot.customer_id is not None and snapshot.customer_id not in customers:
                problems.append(CUSTOMER_MISSING)
                unread.add("customer")
            enriched.append(replace(snapshot, addresses=tuple(parts),
                                    customer=customers.get(snapshot.customer_id)
                                    if snapshot.customer_id is not None else None,
                                    problems=tuple(problems), unread=frozenset(unread)))
        return enriched


def _fan_out(net: ThreadPoolExecutor, client: AmeriCommerceClient, resource: str,
             ids: Iterable[int], *, expand: list[str] | None = None
             ) -> list[Future[list[dict[str, Any]]]]:
    ordered = sorted(ids)
    return [net.submit(client.select_many, resource, ordered[i:i + SELECT_BATCH],
                       expand=expand, batch=SELECT_BATCH)
            for i in range(0, len(ordered), SELECT_BATCH)]


def _gather(futures: list[Future[list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    return [item for future in futures for item in future.result()]
