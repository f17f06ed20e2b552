"""Finding orders: the ordered ids of a view (search, filters, sort) and the rows to show.

The order list asks for ids first and renders rows lazily by id (as Anki's browser does), so
sorting and filtering re-run SQL instead of sorting 100,000 rows in Python.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, literal, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.clock import Clock, utc_now
from app.db.core import (
    CONNECTIONS,
    LINES,
    ORDERS,
    OUTBOX,
    SHIPMENT_LINES,
    SHIPMENTS,
    STATUSES,
    STORE_SHIPMENT_LINES,
    STORE_SHIPMENTS,
    STOREFRONTS,
    TAGS,
)
from app.db.engine import Database
from app.domain.connection_settings import StatusInfo
from app.domain.status_rules import ALL_ORDERS as ALL
from app.domain.status_rules import (
    FLAGGED,  # local flags (store changed after work began), holds
    LIST_VIEWS,
    PARTIALLY_SHIPPED,
    StatusView,
    normalize_status_name,
    order_views,
)

ATTENTION = "flagged_or_on_hold"  # the workspace's "Flagged / on hold": local + store holds
VIEWS = (*LIST_VIEWS, ATTENTION)
# The views whose orders' shipments, not only their status, decide (status_rules.order_views).
SHIPPING_VIEWS = frozenset({StatusView.AWAITING_SHIPMENT.value, PARTIALLY_SHIPPED,
                            StatusView.SHIPPED.value})

# Local states, derived (never stored) from shipments, the outbox and the order's flag/hold.
NEW, PACKING, PACKED, SHIPPED = "new", "packing", "packed", "shipped"
WAITING_TO_PUSH, STATE_FLAGGED, STATE_ON_HOLD = "waiting_to_push", "flagged", "on_hold"
LOCAL_STATES = (NEW, PACKING, PACKED, SHIPPED, WAITING_TO_PUSH, STATE_FLAGGED, STATE_ON_HOLD)
_UNPUSHED = ("pending", "failed", "stopped")


def held_condition(now: datetime) -> ColumnElement:
    """An active hold: a reason, and no release date or one still ahead."""
    return and_(ORDERS.c.hold_reason != "",
                or_(ORDERS.c.hold_until.is_(None), ORDERS.c.hold_until > now))


def flagged_condition() -> ColumnElement:
    return and_(ORDERS.c.flag_reason != "", ORDERS.c.flag_acknowledged_at.is_(None))


def local_state_expression(now: datetime) -> ColumnElement:
    """The packer's state of an order, in SQL so the list can show and sort by it."""
    live = and_(SHIPMENTS.c.order_pk == ORDERS.c.id, SHIPMENTS.c.state != "void")
    return case(
        (flagged_condition(), literal(STATE_FLAGGED)),
        (held_condition(now), literal(STATE_ON_HOLD)),
        (exists().where(OUTBOX.c.order_pk == ORDERS.c.id, OUTBOX.c.state.in_(_UNPUSHED)),
         literal(WAITING_TO_PUSH)),
        (exists().where(live, SHIPMENTS.c.state == "open"), literal(PACKING)),
        (exists().where(live, SHIPMENTS.c.state == "packed"), literal(PACKED)),
        (exists().where(live, SHIPMENTS.c.state == "shipped"), literal(SHIPPED)),
        (ORDERS.c.work_started_at.is_not(None), literal(PACKING)),
        else_=literal(NEW))


def shipped_units() -> ColumnElement:
    """Packable units of the order (correlated to ORDERS) shipped, as status_rules.order_views
    counts them: PackDesk's shipped shipments, plus the store's shipments other than PackDesk's
    own copies (matched by shipment name: after a void the local row is the truth, before the
    store hears), at most each line's quantity.

    Correlated, behind `shipments_decide()`: evaluated only for the orders that have shipments
    and only as far as a list is read, so the first rows of a view need no aggregate over
    every shipment of 100,000 orders."""
    line = LINES.alias("shipped_line")
    store, store_line, own = (STORE_SHIPMENTS.alias("ss"), STORE_SHIPMENT_LINES.alias("ssl"),
                              SHIPMENTS.alias("own"))
    ours, our_line = SHIPMENTS.alias("ours"), SHIPMENT_LINES.alias("our_line")
    in_store = (select(func.coalesce(func.sum(store_line.c.quantity), 0))
                .select_from(store.join(store_line, store_line.c.store_shipment_pk == store.c.id))
                .where(store.c.order_pk == line.c.order_pk, store_line.c.line_id == line.c.line_id,
                       not_(exists().where(own.c.order_pk == store.c.order_pk,
                                           own.c.shipment_name == store.c.shipment_name)))
                .scalar_subquery())
    by_us = (select(func.coalesce(func.sum(our_line.c.quantity), 0))
             .select_from(our_line.join(ours, ours.c.id == our_line.c.shipment_pk))
             .where(our_line.c.line_pk == line.c.id, ours.c.state == "shipped")
             .scalar_subquery())
    return (select(func.coalesce(func.sum(func.min(line.c.quantity, in_store + by_us)), 0))
            .where(line.c.order_pk == ORDERS.c.id, line.c.is_non_shipping == false(),
                   line.c.is_discount == false(), line.c.quantity > 0)
            .scalar_subquery())


def shipments_decide() -> ColumnElement:
    """The order has shipments (local in any state, or in the store) and units to pack: its
    shipments, not its status, say whether it is awaiting shipment or shipped."""
    return and_(ORDERS.c.units > 0,
                or_(ORDERS.c.id.in_(select(SHIPMENTS.c.order_pk)),
                    ORDERS.c.id.in_(select(STORE_SHIPMENTS.c.order_pk))))


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
    local_state: str = NEW
    hold_until: datetime | None = None


@dataclass(frozen=True)
class LocalShipmentRow:
    """A PackDesk shipment of an order, as the detail pane lists it."""

    shipment_pk: int
    number: int
    state: str
    shipment_name: str
    carrier: str
    service: str
    tracking_numbers: str
    packages: int
    packer: str
    station: str
    created_at: datetime | None
    shipped_at: datetime | None
    units: int


def order_number_starts(start: int, digits: int, longest: int = 10) -> ColumnElement:
    """Order ids whose decimal digits begin with `start` ("100" -> 100, 1000-1009, ...)."""
    ranges = [ORDERS.c.order_id.between(start * 10 ** k, (start + 1) * 10 ** k - 1)
              for k in range(max(1, longest - digits + 1))]
    # As a subquery, SQLite answers it from the order_id index alone, then checks each row of
    # the (date-ordered) list against that set; inline, it tested every range on every row.
    return ORDERS.c.id.in_(select(ORDERS.c.id).where(or_(*ranges)))


class OrderQueries:
    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def _status_condition(self, view: str, statuses: dict[int, list[StatusInfo]],
                          now: datetime | None = None) -> ColumnElement:
        now = now or self._clock()
        if view == ALL:
            return true()
        if view == FLAGGED:
            return or_(flagged_condition(), held_condition(now))
        if view == ATTENTION:
            return or_(flagged_condition(), held_condition(now),
                       self._status_condition(StatusView.ON_HOLD.value, statuses, now))
        if view in (PARTIALLY_SHIPPED, StatusView.AWAITING_SHIPMENT.value,
                    StatusView.SHIPPED.value):
            return self._shipping_condition(view, statuses, now)
        if view in {v.value for v in StatusView}:
            match = lambda s: s.view.value == view  # noqa: E731
        else:
            key = normalize_status_name(view)
            match = lambda s: normalize_status_name(s.name) == key  # noqa: E731
        return self._matching(statuses, match)

    def _shipping_condition(self, view: str, statuses: dict[int, list[StatusInfo]],
                            now: datetime, *, with_shipments: bool = True) -> ColumnElement:
        """status_rules.order_views in SQL: Awaiting shipment, Partially shipped, Shipped.
        Without `with_shipments`, only the orders that have no shipments (their status
        decides); `counts` classifies the others in Python."""
        awaiting = self._matching(statuses, lambda s: s.view is StatusView.AWAITING_SHIPMENT)
        shipped = self._matching(statuses, lambda s: s.view is StatusView.SHIPPED)
        partial_status = self._matching(
            statuses, lambda s: s.is_partially_shipped and s.view is StatusView.AWAITING_SHIPMENT)
        derived = shipments_decide()
        by_status = {StatusView.SHIPPED.value: shipped,
                     StatusView.AWAITING_SHIPMENT.value: awaiting}.get(view, partial_status)
        condition = and_(by_status, not_(derived))
        if with_shipments:
            # The status first (an index), the shipments only for the orders that have some.
            units = shipped_units()
            by_units = {StatusView.SHIPPED.value: units >= ORDERS.c.units,
                        StatusView.AWAITING_SHIPMENT.value: units < ORDERS.c.units}.get(
                view, and_(units > 0, units < ORDERS.c.units))
            condition = or_(condition, and_(or_(awaiting, shipped), derived, by_units))
        if view == StatusView.SHIPPED.value:
            return condition
        # Held orders wait in "Flagged / on hold", not in the packer's queues.
        return and_(condition, not_(held_condition(now)))

    @staticmethod
    def _matching(statuses: dict[int, list[StatusInfo]], match) -> ColumnElement:
        parts = [and_(ORDERS.c.connection_id == cid,
                      ORDERS.c.order_status_id.in_([s.id for s in items if match(s)]))
                 for cid, items in statuses.items() if any(match(s) for s in items)]
        return or_(*parts) if parts else false()

    def _prefixed_connection(self, search: str) -> tuple[int | None, str]:
        """"AC-1001" typed in the search box: the prefix names the connection (every order of
        it carries the prefix, so as a search word it would match them all, slowly); the rest
        is searched. Returns (connection id or None, what is left to search)."""
        text_ = search.strip()
        if not text_:
            return None, ""
        with self._db.read() as session:
            prefixes = session.execute(select(CONNECTIONS.c.id, CONNECTIONS.c.order_prefix)
                                       .where(CONNECTIONS.c.order_prefix != "")).all()
        typed = text_.upper()
        for connection_id, prefix in sorted(prefixes, key=lambda p: -len(p[1])):
            prefix = prefix.upper()
            if typed == prefix.rstrip("-_ ./#"):  # "BN" on the way to "BN-1001"
                return connection_id, ""
            if typed.startswith(prefix) and (typed == prefix or typed[len(prefix):].isdigit()):
                return connection_id, text_[len(prefix):]
        return None, search

    def _match(self, f: OrderFilter) -> str:
        prefixed, rest = self._prefixed_connection(f.search)
        return "" if prefixed is not None else self._db.dialect.search_query(rest)

    def _scope(self, f: OrderFilter) -> list[ColumnElement]:
        """Conditions of a filter other than its view: connection, storefront, tag, search."""
        conditions: list[ColumnElement] = []
        if f.connection_id is not None:
            conditions.append(ORDERS.c.connection_id == f.connection_id)
        if f.store_id is not None:
            conditions.append(ORDERS.c.store_id == f.store_id)
        if f.tag:
            conditions.append(ORDERS.c.id.in_(select(TAGS.c.order_pk).where(TAGS.c.tag == f.tag)))
        prefixed, rest = self._prefixed_connection(f.search)
        if prefixed is not None:
            conditions.append(ORDERS.c.connection_id == prefixed)
            if rest:  # the start of an order number: ranges of ids on the order_id index
                conditions.append(order_number_starts(int(rest), len(rest)))
            rest = ""
        match = self._db.dialect.search_query(rest)
        if match:
            conditions.append(self._db.dialect.search_matches(ORDERS.c.id, match))
        return conditions

    def ids(self, order_filter: OrderFilter, statuses: dict[int, list[StatusInfo]],
            limit: int | None = None) -> list[int]:
        """Order pks of the view in display order. `statuses`: connection id -> its statuses.
        With `limit`, only the first rows: an index on the sort column makes that fast even
        when the whole view is 100,000 orders."""
        f = order_filter
        now = self._clock()
        conditions = [self._status_condition(f.view, statuses, now), *self._scope(f)]
        if f.sort == "state":
            column = local_state_expression(now)
        else:
            column = SORTABLE.get(f.sort, ORDERS.c.ordered_at)
        order_by = [column.desc() if f.descending else column.asc(),
                    ORDERS.c.id.desc() if f.descending else ORDERS.c.id.asc()]
        statement = select(ORDERS.c.id).where(and_(*conditions)).order_by(*order_by)
        if limit is not None:
            statement = statement.limit(limit)
        with self._db.read() as session:
            # The driver's cursor directly: 100,000 ids through the ORM's result machinery
            # would cost more than the query itself.
            return [pk for (pk,) in session.execute(statement, {"match": self._match(f)})]

    def counts(self, views: Sequence[str], order_filter: OrderFilter,
               statuses: dict[int, list[StatusInfo]]) -> dict[str, int]:
        """Orders in each view within the filter's connection, storefront and search."""
        now = self._clock()
        scope = and_(*self._scope(OrderFilter(connection_id=order_filter.connection_id,
                                              store_id=order_filter.store_id,
                                              search=order_filter.search))) \
            if (order_filter.connection_id is not None or order_filter.store_id is not None
                or order_filter.search) else true()
        columns = [func.coalesce(func.sum(case((
            self._shipping_condition(v, statuses, now, with_shipments=False)
            if v in SHIPPING_VIEWS else self._status_condition(v, statuses, now), 1),
            else_=0)), 0).label(f"v{i}") for i, v in enumerate(views)]
        statement = select(*columns).select_from(ORDERS).where(scope)
        with self._db.read() as session:
            row = session.execute(statement, {"match": self._match(order_filter)}).one()
            counts = {view: int(row[i]) for i, view in enumerate(views)}
            if SHIPPING_VIEWS & set(views):
                self._count_orders_with_shipments(session, counts, scope, order_filter,
                                                  statuses, now)
        return counts

    def _count_orders_with_shipments(self, session, counts: dict[str, int], scope,
                                     order_filter: OrderFilter,
                                     statuses: dict[int, list[StatusInfo]],
                                     now: datetime) -> None:
        """The orders with shipments, by the domain rule itself. SQLite computes each order's
        shipped units once (a condition per view would compute them per view) and groups the
        orders by status, hold and none/some/all shipped, so Python sees a few rows, not
        thousands (the GUI thread shares the interpreter with this worker)."""
        known = {(cid, s.id): s for cid, items in statuses.items() for s in items}
        each = (select(ORDERS.c.connection_id, ORDERS.c.order_status_id, ORDERS.c.units,
                       shipped_units().label("shipped"), held_condition(now).label("held"))
                .where(scope, shipments_decide())
                .limit(-1)  # a LIMIT keeps SQLite from inlining `shipped` once per use
                .subquery())
        shipped = case((each.c.shipped >= each.c.units, 2), (each.c.shipped > 0, 1), else_=0)
        statement = (select(each.c.connection_id, each.c.order_status_id, each.c.held,
                            shipped.label("shipped"), func.count())
                     .group_by(each.c.connection_id, each.c.order_status_id, each.c.held,
                               shipped))
        for cid, status_id, held, part, n in session.execute(
                statement, {"match": self._match(order_filter)}):
            status = known.get((cid, status_id))
            if status is None:
                continue  # a status the store no longer lists: in no status view
            # Units standing for none (0 of 2), some (1 of 2) or all (2 of 2) shipped.
            for view in order_views(status.view, total_units=2, shipped_units=part,
                                    has_shipments=True,
                                    partial_status=status.is_partially_shipped,
                                    held=bool(held)):
                if view in counts and view in SHIPPING_VIEWS:
                    counts[view] += n

    def tag_counts(self, order_filter: OrderFilter | None = None) -> dict[str, int]:
        """Every tag in use, with how many orders carry it (within connection/storefront)."""
        f = order_filter or OrderFilter()
        statement = (select(TAGS.c.tag, func.count()).select_from(TAGS)
                     .join(ORDERS, ORDERS.c.id == TAGS.c.order_pk)
                     .group_by(TAGS.c.tag).order_by(TAGS.c.tag))
        scope = self._scope(OrderFilter(connection_id=f.connection_id, store_id=f.store_id,
                                        search=f.search))
        if scope:
            statement = statement.where(and_(*scope))
        with self._db.read() as session:
            return {tag: int(n) for tag, n in session.execute(
                statement, {"match": self._match(f)})}

    def local_shipments(self, order_pk: int) -> list[LocalShipmentRow]:
        units = (select(func.coalesce(func.sum(SHIPMENT_LINES.c.quantity), 0))
                 .where(SHIPMENT_LINES.c.shipment_pk == SHIPMENTS.c.id)
                 .scalar_subquery())
        statement = (select(SHIPMENTS, units.label("units"))
                     .where(SHIPMENTS.c.order_pk == order_pk).order_by(SHIPMENTS.c.number))
        with self._db.read() as session:
            return [LocalShipmentRow(
                r.id, r.number, r.state, r.shipment_name, r.carrier, r.service,
                r.tracking_numbers, r.packages, r.packer, r.station, r.created_at,
                r.shipped_at, int(r.units or 0)) for r in session.execute(statement)]

    def rows(self, order_pks: Sequence[int]) -> dict[int, OrderRow]:
        if not order_pks:
            return {}
        statement = (
            select(ORDERS.c.id, ORDERS.c.connection_id, ORDERS.c.order_id, ORDERS.c.ordered_at,
                   ORDERS.c.customer_name, ORDERS.c.ship_city, ORDERS.c.ship_country,
                   ORDERS.c.units, ORDERS.c.total_weight, ORDERS.c.shipping_method,
                   ORDERS.c.flag_reason, ORDERS.c.flag_acknowledged_at, ORDERS.c.hold_reason,
                   CONNECTIONS.c.order_prefix, STATUSES.c.name.label("status_name"),
                   STOREFRONTS.c.name.label("storefront_name"), ORDERS.c.store_id,
                   ORDERS.c.hold_until,
                   local_state_expression(self._clock()).label("local_state"))
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
                hold_reason=r.hold_reason, local_state=r.local_state,
                hold_until=r.hold_until) for r in session.execute(statement)}

    def tags(self) -> list[str]:
        with self._db.read() as session:
            return list(session.execute(select(TAGS.c.tag).distinct().order_by(TAGS.c.tag))
                        .scalars())


def rows_in_order(queries: OrderQueries, order_pks: Iterable[int]) -> list[OrderRow]:
    pks = list(order_pks)
    found = queries.rows(pks)
    return [found[pk] for pk in pks if pk in found]
