"""What the orders workspace reads: its reference data (connections, their statuses and
storefronts), the ids and rows of a view, the counts of the views and tags, one order's detail
and each connection's last sync.

Every call is one or a few repository transactions returning plain dataclasses; the window
submits them to the task runner's "db" pool, never on the GUI thread. The types the window
shows are re-exported here, so the UI never imports the repositories.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.order_queries import (
    ALL,
    ATTENTION,
    NEW,
    PACKED,
    PACKING,
    PARTIALLY_SHIPPED,
    SHIPPED,
    STATE_FLAGGED,
    STATE_ON_HOLD,
    VIEWS,
    WAITING_TO_PUSH,
    LocalShipmentRow,
    OrderFilter,
    OrderQueries,
    OrderRow,
)
from app.db.repositories.orders import CachedOrder, OrderRepository
from app.db.repositories.sync_state import RunRecord, SyncStateRepository
from app.domain.catalog import ProductInfo
from app.domain.connection_settings import StatusInfo
from app.domain.store_info import StorefrontInfo
from app.integrations.americommerce.address import parse_store_address

__all__ = [
    "ALL", "ATTENTION", "NEW", "PACKED", "PACKING", "PARTIALLY_SHIPPED", "SHIPPED",
    "STATE_FLAGGED", "STATE_ON_HOLD", "VIEWS", "WAITING_TO_PUSH", "CachedOrder", "ConnectionRecord",
    "LocalShipmentRow", "OrderDetail", "OrderFilter", "OrderListService", "OrderRow",
    "Reference", "RunRecord", "ViewIds",
]

Statuses = dict[int, list[StatusInfo]]


@dataclass(frozen=True)
class Reference:
    """The connections and what the filters offer for them, read in one go."""

    connections: dict[int, ConnectionRecord] = field(default_factory=dict)
    statuses: Statuses = field(default_factory=dict)
    storefronts: dict[int, list[StorefrontInfo]] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewIds:
    """The first ids of a view (all of them when `complete`) and the rows of the first few,
    so the first paint needs no second trip to the db pool."""

    ids: list[int]
    rows: dict[int, OrderRow]
    complete: bool


@dataclass(frozen=True)
class OrderDetail:
    """Everything the detail pane shows about one order, read in one go."""

    order: CachedOrder
    row: OrderRow
    products: dict[int, ProductInfo]
    local_shipments: list[LocalShipmentRow]
    connection_name: str
    admin_url: str


class OrderListService:
    def __init__(self, queries: OrderQueries, orders: OrderRepository,
                 connections: ConnectionRepository, catalog: CatalogRepository,
                 sync_state: SyncStateRepository) -> None:
        self._queries = queries
        self._orders = orders
        self._connections = connections
        self._catalog = catalog
        self._sync_state = sync_state

    def reference(self) -> Reference:
        records = self._connections.all()
        return Reference({r.id: r for r in records},
                         {r.id: self._connections.statuses(r.id) for r in records},
                         {r.id: self._connections.storefronts(r.id) for r in records})

    def ids(self, order_filter: OrderFilter, statuses: Statuses,
            limit: int | None = None) -> list[int]:
        return self._queries.ids(order_filter, statuses, limit=limit)

    def first_ids(self, order_filter: OrderFilter, statuses: Statuses, limit: int,
                  rows: int) -> ViewIds:
        """Up to `limit` ids of the view and the rows of its first `rows` orders."""
        ids = self._queries.ids(order_filter, statuses, limit=limit)
        return ViewIds(ids, self._queries.rows(ids[:rows]) if rows else {}, len(ids) < limit)

    def rows(self, order_pks: Sequence[int]) -> dict[int, OrderRow]:
        return self._queries.rows(order_pks)

    def rows_in_order(self, order_pks: Sequence[int]) -> list[OrderRow]:
        """The rows of `order_pks`, in that order (orders gone since are left out)."""
        found = self._queries.rows(order_pks)
        return [found[pk] for pk in order_pks if pk in found]

    def counts(self, views: Sequence[str], order_filter: OrderFilter,
               statuses: Statuses) -> tuple[dict[str, int], dict[str, int]]:
        """Orders per view and per tag within the filter's connection, storefront and search."""
        return (self._queries.counts(views, order_filter, statuses),
                self._queries.tag_counts(order_filter))

    def detail(self, order_pk: int) -> OrderDetail | None:
        """None when the order is gone (its connection removed since the list was read)."""
        order = self._orders.get(order_pk)
        rows = self._queries.rows([order_pk])
        if order is None or order_pk not in rows:
            return None
        connection = self._connections.get(order.connection_id)
        products = self._catalog.products(
            order.connection_id, [line.product_id for line in order.snapshot.lines
                                  if line.product_id])
        try:
            admin_url = parse_store_address(connection.settings.address).admin_order_url(
                order.snapshot.order_id)
        except Exception:  # noqa: BLE001 - an address that no longer parses: no link
            admin_url = ""
        return OrderDetail(order, rows[order_pk], products,
                           self._queries.local_shipments(order_pk),
                           connection.name, admin_url)

    def last_successes(self, connection_ids: Sequence[int]) -> dict[int, RunRecord | None]:
        """Each connection's last successful sync (None: never)."""
        return {c: self._sync_state.last_success(c) for c in connection_ids}
