"""The order lists' SQL derives the same views as status_rules.order_views, for every mix of
statuses, the store's shipments (another tool's, our own pushed copies) and local shipments
(open, shipped, voided after the push)."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, update

from app.db.core import LINES, ORDERS, SHIPMENT_LINES, SHIPMENTS
from app.db.repositories.order_queries import OrderFilter
from app.domain.connection_settings import ConnectionSettings, StatusInfo
from app.domain.orders import Line, OrderSnapshot, StoreShipment, StoreShipmentLine
from app.domain.packing import OrderLines
from app.domain.status_rules import PARTIALLY_SHIPPED, StatusView, order_views

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
STATUSES = [
    StatusInfo(1, "Pending Processing", is_open=True),
    StatusInfo(2, "Shipped", is_shipped=True),
    StatusInfo(3, "On Hold", is_open=True),
    StatusInfo(4, "Partially Shipped", is_open=True, is_partially_shipped=True),
    StatusInfo(5, "Refunded", is_fully_refunded=True),
]
VIEWS = [v.value for v in StatusView] + [PARTIALLY_SHIPPED]

# Store shipments by another tool (line A = 2 units, B = 2 units, C = a gift card).
STORE = {
    "none": [],
    "foreign_part": [("UPS-1", {"A": 1})],
    "foreign_full": [("ShipStation-7", {"A": 2, "B": 2})],
    "foreign_over": [("Manual", {"A": 5, "C": 1})],  # clamped to the line: 2 of 4
}
# Local shipments: (state, units, pushed = the store has a copy by the same name).
LOCAL = {
    "none": [],
    "open": [("open", {"A": 2, "B": 2}, False)],
    "shipped_part": [("shipped", {"A": 2}, False), ("open", {"B": 2}, False)],
    "shipped_full": [("shipped", {"A": 2, "B": 2}, False)],
    # Pushed then voided: the store still has its copy until the outbox deletes it.
    "void_after_push": [("void", {"A": 2, "B": 2}, True), ("open", {"A": 2, "B": 2}, False)],
    # Pushed: counted once, not once locally and once in the store.
    "shipped_pushed": [("shipped", {"A": 1, "B": 1}, True), ("open", {"A": 1, "B": 1}, False)],
}


def _lines(order_id: int, gift_only: bool) -> tuple[Line, ...]:
    gift = Line(order_id * 10 + 3, "GIFT", "Gift card", 1, is_non_shipping=True)
    if gift_only:
        return (gift,)
    return (Line(order_id * 10 + 1, "A", "Item A", 2), Line(order_id * 10 + 2, "B", "Item B", 2),
            gift)


def _line_id(order_id: int, sku: str) -> int:
    return order_id * 10 + {"A": 1, "B": 2, "C": 3}[sku]


@pytest.fixture
def cases(context):
    connection = context.storage.repos.connections.add(
        ConnectionSettings(name="views", address="https://shop.example.com"))
    context.storage.repos.connections.save_statuses(connection.id, STATUSES)
    combos = [(s.id, store, local, False, False)
              for s, store, local in itertools.product(STATUSES, STORE, LOCAL)]
    combos += [(s.id, "none", "none", True, False) for s in STATUSES]  # gift cards only
    combos += [(s.id, "foreign_part", "none", False, True) for s in STATUSES]  # held
    snapshots, plans = [], {}
    for n, (status_id, store, local, gift_only, held) in enumerate(combos):
        order_id = 100000 + n
        shipments = [StoreShipment(order_id * 100 + i, name, lines=tuple(
            StoreShipmentLine(_line_id(order_id, sku), q) for sku, q in units.items()))
            for i, (name, units) in enumerate(STORE[store])]
        for i, (_state, units, pushed) in enumerate(LOCAL[local]):
            if pushed:
                shipments.append(StoreShipment(order_id * 100 + 50 + i, f"PD-t-{order_id}-{i}",
                                               lines=tuple(StoreShipmentLine(
                                                   _line_id(order_id, sku), q)
                                                   for sku, q in units.items())))
        snapshots.append(OrderSnapshot(order_id, None, None, status_id, ordered_at=NOW,
                                       updated_at=NOW, lines=_lines(order_id, gift_only),
                                       shipments=tuple(shipments)))
        plans[order_id] = (status_id, local, held)
    saved = context.storage.repos.orders.save_snapshots(connection.id, snapshots,
                                                display_number=str)
    pks = {s.order_id: s.order_pk for s in saved}
    with context.storage.db.write() as session:
        for order_id, (_status, local, held) in plans.items():
            pk = pks[order_id]
            if held:
                session.execute(update(ORDERS).where(ORDERS.c.id == pk)
                                .values(hold_reason="Customer called"))
            line_pks = dict(session.execute(
                LINES.select().with_only_columns(LINES.c.line_id, LINES.c.id)
                .where(LINES.c.order_pk == pk)).all())
            for i, (state, units, _pushed) in enumerate(LOCAL[local]):
                shipment_pk = session.execute(insert(SHIPMENTS).values(
                    order_pk=pk, number=i + 1, state=state,
                    shipment_name=f"PD-t-{order_id}-{i}", created_at=NOW,
                    updated_at=NOW)).inserted_primary_key[0]
                session.execute(insert(SHIPMENT_LINES), [
                    {"shipment_pk": shipment_pk, "line_pk": line_pks[_line_id(order_id, sku)],
                     "quantity": q} for sku, q in units.items()])
    by_id = {s.id: s for s in context.storage.repos.connections.statuses(connection.id)}
    expected = {}
    for snap in snapshots:
        status_id, local, held = plans[snap.order_id]
        own = [f"PD-t-{snap.order_id}-{i}" for i in range(len(LOCAL[local]))]
        lines = OrderLines.of(snap.lines, snap.shipments, own)
        ours: dict[int, int] = {}
        for state, units, _pushed in LOCAL[local]:
            if state == "shipped":
                for sku, q in units.items():
                    line_id = _line_id(snap.order_id, sku)
                    ours[line_id] = ours.get(line_id, 0) + q
        shipped = sum(min(line.quantity, lines.covered_elsewhere.get(line.line_id, 0)
                          + ours.get(line.line_id, 0))
                      for line in snap.lines if line.is_packable)
        status = by_id[status_id]
        expected[pks[snap.order_id]] = order_views(
            status.view, total_units=sum(line.quantity for line in snap.lines if line.is_packable),
            shipped_units=shipped, has_shipments=bool(snap.shipments or LOCAL[local]),
            partial_status=status.is_partially_shipped, held=held)
    return context, {connection.id: list(by_id.values())}, expected


def test_sql_views_agree_with_the_domain_rule(cases):
    context, statuses, expected = cases
    queries = context.storage.repos.order_queries
    counts = queries.counts(VIEWS, OrderFilter(), statuses)
    for view in VIEWS:
        want = {pk for pk, views in expected.items() if view in views}
        got = set(queries.ids(OrderFilter(view=view), statuses))
        assert got == want, view
        assert counts[view] == len(want), view


def test_the_cases_cover_each_outcome(cases):
    """The grid above must reach every branch of the rule, or the agreement proves little."""
    _context, _statuses, expected = cases
    seen = set(map(frozenset, expected.values()))
    assert {frozenset({"shipped"}), frozenset({"awaiting_shipment"}),
            frozenset({"awaiting_shipment", PARTIALLY_SHIPPED}), frozenset({"on_hold"}),
            frozenset({"cancelled"}), frozenset()} <= seen


def test_orders_in_the_claim_status_stay_in_the_queue(context):
    connection = context.storage.repos.connections.add(ConnectionSettings(
        name="claims", address="https://shop.example.com", claim_status_id=30))
    context.storage.repos.connections.save_statuses(connection.id, [
        StatusInfo(1, "Pending Processing", is_open=True), StatusInfo(30, "In Progress")])
    saved = context.storage.repos.orders.save_snapshots(connection.id, [OrderSnapshot(
        100001, None, None, 30, ordered_at=NOW, updated_at=NOW, lines=_lines(100001, False))],
        display_number=str)
    statuses = {connection.id: context.storage.repos.connections.statuses(connection.id)}
    queue = context.storage.repos.order_queries.ids(OrderFilter(view="awaiting_shipment"), statuses)
    assert queue == [saved[0].order_pk]
