"""A sync tells the change feed what it wrote: the orders it saved, the connection whose
reference data it read, or "everything" when a run saved too many orders to list."""
from __future__ import annotations

from sqlmodel import select

from app.db.tables import Order
from app.domain.changes import Changes


def order_pks(context) -> dict[int, int]:
    """store order id -> order pk, for every cached order."""
    with context.storage.db.read() as session:
        return dict(session.exec(select(Order.order_id, Order.id)).all())


def listen(context) -> list[Changes]:
    heard: list[Changes] = []
    context.changes.subscribe(heard.append)
    return heard


def test_a_first_sync_publishes_every_order_it_imported_and_its_connection(connected):
    context, record = connected
    heard = listen(context)
    result = context.sync.sync(record.id)
    assert result.outcome == "ok", result.error
    pks = order_pks(context)
    assert len(pks) > 20
    assert heard == [result.changes]  # one notification per run, once it ended
    assert result.changes.orders == set(pks.values())
    assert result.changes.connections == {record.id}  # statuses, storefronts were read
    assert not result.changes.everything
    assert "changes" not in result.as_dict()  # the report (--json) stays as it was


def test_a_sync_that_changes_nothing_publishes_nothing(connected):
    context, record = connected
    assert context.sync.sync(record.id).outcome == "ok"
    heard = listen(context)
    result = context.sync.sync(record.id)  # the overlap re-reads orders, all unchanged
    assert result.outcome == "ok", result.error
    assert not result.changes and heard == []


def test_a_sync_publishes_just_the_orders_the_store_changed(connected, sandbox):
    context, record = connected
    assert context.sync.sync(record.id).outcome == "ok"
    pks = order_pks(context)
    changed = sorted(pks)[:2]
    for order_id in changed:
        sandbox.control.update_order(order_id, admin_comments="edited in the store")
    heard = listen(context)
    result = context.sync.sync(record.id)
    assert result.outcome == "ok", result.error
    assert result.orders_updated == 2
    assert heard == [Changes.of(orders=[pks[i] for i in changed])]


def test_a_run_saving_more_orders_than_the_limit_says_everything(connected, monkeypatch):
    from app.services import sync_result

    monkeypatch.setattr(sync_result, "CHANGES_LISTED_MAX", 10)
    context, record = connected
    heard = listen(context)
    result = context.sync.sync(record.id)
    assert result.outcome == "ok", result.error
    assert result.orders_new > 10
    assert heard == [Changes.of(connections=[record.id], everything=True)]


def test_refreshing_orders_publishes_them(connected):
    context, record = connected
    assert context.sync.sync(record.id).outcome == "ok"
    pks = order_pks(context)
    some = sorted(pks)[:3]
    heard = listen(context)
    changes = context.sync.refresh_orders(record.id, some)
    assert changes == Changes.of(orders=[pks[i] for i in some]) and heard == [changes]
    heard.clear()
    context.sync.refresh_order(pks[some[0]])  # before a shipment is marked shipped
    assert heard == [Changes.of(orders=[pks[some[0]]])]


def test_reference_data_read_again_on_demand_is_published(connected):
    context, record = connected
    heard = listen(context)
    assert context.sync.refresh_reference_data(record) == Changes.of(connections=[record.id])
    assert context.sync.refresh_reference_data(record) == Changes()  # read within the hour
    assert heard == [Changes.of(connections=[record.id])]


def test_status_gives_each_connection_its_orders_and_last_success(connected):
    context, record = connected
    [before] = context.sync.status()
    assert (before.connection.id, before.orders_cached, before.last_success) \
        == (record.id, 0, None)
    [result] = context.sync.sync_all()
    assert result.connection_id == record.id and result.outcome == "ok", result.error
    [after] = context.sync.status()
    assert after.orders_cached == len(order_pks(context)) > 0
    assert after.last_success is not None
