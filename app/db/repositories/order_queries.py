"""Finding orders: the ordered ids of a view (search, filters, sort) and the rows to show.

The order list asks for ids first and renders rows lazily by id (as Anki's browser does), so
sorting and filtering re-run SQL instead of sorting 100,000 rows in Python.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, or_, select, text, true
from sqlalchemy.sql.elements import ColumnElement

from app.db.engine import Database
from app.db.tables import Connection, Order, OrderStatus, OrderTag, Storefront
from app.domain.connection_settings import StatusInfo
from app.domain.status_rules import StatusView, normalize_status_name

ORDERS = Order.__table__
STATUSES = OrderStatus.__table__
CONNECTIONS = Connection.__table__
STOREFRONTS = Storefront.__table__
TAGS = OrderTag.__table__

ALL = "all"
FLAGGED = "flagged"
VIEWS = (ALL, *[v.value for v in StatusView], FLAGGED)

SORTABLE = {
    "order": ORDERS.c.order_id, "date": ORDERS.c.ordered_at,
    "customer": ORDERS.c.customer_name, "city": ORDERS.c.ship_city,
    "country": ORDERS.c.ship_country, "units": ORDERS.c.units,
    "weight": ORDERS.c.total_weight, "method": ORDERS.c.shipping_method,
    "status": ORDERS.c.order_status_id, "updated": ORDERS.c.updated_at,
    "storefront": ORDERS.c.store_id,
}


@dataclass(frozen=True)
class OrderFilter:
    view: str = ALL  # a PackDesk view, "flagged", "all", or a store status name
    connection_id: int | None = None
    store_id: int | None = None
    tag: str | None = None
    search: str = ""
    sort: str = "date"
    descending: bool = True


@dataclass(frozen=True)
class OrderRow:
    """One line of the order list."""

    order_pk: int
    connection_id: int
    number: str  # with the connection's prefix
    order_id: int
    ordered_at: datetime | None
    storefront: str
    customer: str
    ship_city: str
    ship_country: str
    units: int
    weight: float
    shipping_method: str
    status: str
    flag_reason: str
    hold_reason: str


_WORD = re.compile(r"\w[\w@.\-]*", re.UNICODE)


def fts_query(search: str) -> str:
    """Turn what a packer typed into a safe FTS5 query: every word must match as a prefix.

    Quoting each token keeps FTS5 syntax (AND, NEAR, "*", ":") typed by a person from being
    read as operators.
    """
    tokens = [t.replace('"', "") for t in _WORD.findall(search)]
    return " ".join(f'"{t}"*' for t in tokens if t)


class OrderQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _status_condition(self, view: str, statuses: dict[int, list[StatusInfo]]) -> ColumnElement:
        if view == ALL:
            return true()
        if view == FLAGGED:
            return or_(and_(ORDERS.c.flag_reason != "", ORDERS.c.flag_acknowledged_at.is_(None)),
                       ORDERS.c.hold_reason != "")
        if view in {v.value for v in StatusView}:
            match = lambda s: s.view.value == view  # noqa: E731
        else:
            key = normalize_status_name(view)
            match = lambda s: normalize_status_name(s.name) == key  # noqa: E731
        parts = [and_(ORDERS.c.connection_id == cid,
                      ORDERS.c.order_status_id.in_([s.id for s in items if match(s)]))
                 for cid, items in statuses.items() if any(match(s) for s in items)]
        return or_(*parts) if parts else false()

    def ids(self, order_filter: OrderFilter, statuses: dict[int, list[StatusInfo]]) -> list[int]:
        """Order pks of the view in display order. `statuses`: connection id -> its statuses."""
        f = order_filter
        conditions = [self._status_condition(f.view, statuses)]
        if f.connection_id is not None:
            conditions.append(ORDERS.c.connection_id == f.connection_id)
        if f.store_id is not None:
            conditions.append(ORDERS.c.store_id == f.store_id)
        if f.tag:
            conditions.append(ORDERS.c.id.in_(select(TAGS.c.order_pk).where(TAGS.c.tag == f.tag)))
        match = fts_query(f.search)
        if match:
            conditions.append(ORDERS.c.id.in_(
                select(text("rowid")).select_from(text("orders_fts"))
                .where(text("orders_fts MATCH :match")).params(match=match)))
        column = SORTABLE.get(f.sort, ORDERS.c.ordered_at)
        order_by = [column.desc() if f.descending else column.asc(),
                    ORDERS.c.id.desc() if f.descending else ORDERS.c.id.asc()]
        statement = select(ORDERS.c.id).where(and_(*conditions)).order_by(*order_by)
        with self._db.read() as session:
            return list(session.execute(statement, {"match": match}).scalars())

    def rows(self, order_pks: Sequence[int]) -> dict[int, OrderRow]:
        if not order_pks:
            return {}
        statement = (
            select(ORDERS.c.id, ORDERS.c.connection_id, ORDERS.c.order_id, ORDERS.c.ordered_at,
                   ORDERS.c.customer_name, ORDERS.c.ship_city, ORDERS.c.ship_country,
                   ORDERS.c.units, ORDERS.c.total_weight, ORDERS.c.shipping_method,
                   ORDERS.c.flag_reason, ORDERS.c.flag_acknowledged_at, ORDERS.c.hold_reason,
                   CONNECTIONS.c.order_prefix, STATUSES.c.name.label("status_name"),
                   STOREFRONTS.c.name.label("storefront_name"), ORDERS.c.store_id)
            .join(CONNECTIONS, CONNECTIONS.c.id == ORDERS.c.connection_id)
            .outerjoin(STATUSES, and_(STATUSES.c.connection_id == ORDERS.c.connection_id,
                                      STATUSES.c.status_id == ORDERS.c.order_status_id))
            .outerjoin(STOREFRONTS, and_(STOREFRONTS.c.connection_id == ORDERS.c.connection_id,
                                         STOREFRONTS.c.store_id == ORDERS.c.store_id))
            .where(ORDERS.c.id.in_(list(order_pks))))
        with self._db.read() as session:
            return {r.id: OrderRow(
                order_pk=r.id, connection_id=r.connection_id,
                number=f"{r.order_prefix}{r.order_id}", order_id=r.order_id,
                ordered_at=r.ordered_at, storefront=r.storefront_name or str(r.store_id or ""),
                customer=r.customer_name, ship_city=r.ship_city, ship_country=r.ship_country,
                units=r.units, weight=r.total_weight, shipping_method=r.shipping_method,
                status=r.status_name or "",
                flag_reason=r.flag_reason if r.flag_acknowledged_at is None else "",
                hold_reason=r.hold_reason) for r in session.execute(statement)}

    def tags(self) -> list[str]:
        with self._db.read() as session:
            return list(session.execute(select(TAGS.c.tag).distinct().order_by(TAGS.c.tag))
                        .scalars())


def rows_in_order(queries: OrderQueries, order_pks: Iterable[int]) -> list[OrderRow]:
    pks = list(order_pks)
    found = queries.rows(pks)
    return [found[pk] for pk in pks if pk in found]
