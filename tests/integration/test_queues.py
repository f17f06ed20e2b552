"""The packer's queues against the sandbox: shipments decide them, and a void re-opens the order
and puts the store's status back."""
from __future__ import annotations

import threading

from app.commands.orders import order_document
from app.db.repositories.order_queries import OrderFilter
from app.db.repositories.outbox import entries_for_order
from app.services.slips import SlipTarget
from tests.integration.test_outbox import (  # noqa: F401
    DETAILS,
    UNSCANNED,
    order_id,
    packable_orders,
    station,
    store,
)

PARTIALLY_SHIPPED = "partially_shipped"  # the list view, as typed after `orders --status`


def ship(context, pk, number):
    # shipping unverified units asks for a reason (the verification policy)
    return context.packing.ship(pk, number, DETAILS, unverified_reason=UNSCANNED)


def views_of(context, pk) -> set[str]:
    """The order's queues as the lists show them; `packdesk show` must say the same."""
    statuses = {r.id: context.storage.repos.connections.statuses(r.id)
                for r in context.storage.repos.connections.all()}
    listed = {view for view in ("awaiting_shipment", PARTIALLY_SHIPPED, "shipped")
              if pk in context.storage.repos.order_queries.ids(OrderFilter(view=view), statuses)}
    assert set(order_document(context, pk)["queues"]) == listed
    return listed


def status_named(context, record, name) -> int:
    statuses = context.storage.repos.connections.statuses(record.id)
    return next(s.id for s in statuses if s.name == name)


def test_void_after_push_reopens_the_order_and_restores_the_status(station, store):
    context, record = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    before = store.control.order(oid)["order_status_id"]
    ship(context, pk, 1)
    context.outbox.run_until_idle(threading.Event())
    assert store.control.order(oid)["order_status_id"] == record.settings.shipped_status_id
    assert context.sync.sync(record.id).outcome == "ok"
    assert views_of(context, pk) == {"shipped"}

    context.packing.void(pk, 1)
    # Re-opened at once, before the store hears of the void: its units are to be packed again.
    assert views_of(context, pk) == {"awaiting_shipment"}
    with context.storage.db.read() as session:
        status = [e.payload for e in entries_for_order(session, pk) if e.kind == "status"][-1]
    assert status["order_status_id"] == before and status["notify"] is False

    store.control.clear_writes()
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("shipment_void", "sent"),
                                                                ("status", "sent")]
    order = store.control.order(oid)
    assert order["order_status_id"] == before and order["shipments"] == []
    # A plain update: the store's status events (and the customer's email) do not fire.
    assert [w["kind"] for w in store.control.writes()] == ["shipment_deleted", "order_updated"]
    assert context.sync.sync(record.id).outcome == "ok"
    assert views_of(context, pk) == {"awaiting_shipment"}

    # Shipped again, then voided again: the same status comes back.
    ship(context, pk, 1)
    context.outbox.run_until_idle(threading.Event())
    context.packing.void(pk, 1)
    context.outbox.run_until_idle(threading.Event())
    assert store.control.order(oid)["order_status_id"] == before


def test_void_without_a_status_after_shipment_leaves_the_status_alone(station, store):
    context, record = station
    context.connections.update(record.id, record.settings.with_changes(shipped_status_id=None))
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    before = store.control.order(oid)["order_status_id"]
    ship(context, pk, 1)
    context.outbox.run_until_idle(threading.Event())
    # Fully shipped, status unchanged (the demo's default): out of Awaiting shipment.
    assert views_of(context, pk) == {"shipped"}
    context.packing.void(pk, 1)
    assert views_of(context, pk) == {"awaiting_shipment"}
    result = context.outbox.run_until_idle(threading.Event())
    assert [d.kind for d in result.deliveries] == ["shipment_void"]
    assert store.control.order(oid)["order_status_id"] == before


def test_mark_shipped_on_first_keeps_the_rest_in_every_to_ship_list(station, store):
    context, record = station
    context.connections.update(record.id, record.settings.with_changes(
        mark_shipped_on_first=True))
    pk = next(pk for pk in range(1, 61)
              if context.storage.repos.orders.get(pk) is not None
              and not context.packing.view(pk).lines.covered_elsewhere
              and len(context.packing.view(pk).numbered()) == 1
              and sum(context.packing.view(pk).plan.numbered()[0][1].units.values()) >= 2)
    view = context.packing.view(pk)
    line_id = view.lines.packable_ids()[0]
    view = context.packing.split(pk, {line_id: 1})
    ship(context, pk, 2)
    context.outbox.run_until_idle(threading.Event())
    assert store.control.order(order_id(context, pk))["order_status_id"] == \
        record.settings.shipped_status_id
    assert context.sync.sync(record.id).outcome == "ok"
    # The store says Shipped; the units still to ship stay in the queue and the pick list.
    assert views_of(context, pk) == {"awaiting_shipment", PARTIALLY_SHIPPED}
    # A pick list of the whole Awaiting shipment queue, as the workspace prints it.
    statuses = {record.id: context.storage.repos.connections.statuses(record.id)}
    queue = context.storage.repos.order_queries.ids(OrderFilter(view="awaiting_shipment"), statuses)
    picked = context.slips.prepare_pick_list([SlipTarget(p) for p in queue])
    number = record.settings.display_number(order_id(context, pk))
    lines = [p.lines for p in picked.pick_list.shipments if p.order_number == number]
    assert len(lines) == 1 and sum(line.quantity for line in lines[0]) == \
        sum(view.plan.numbered()[0][1].units.values())
