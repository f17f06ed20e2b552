"""Repositories stamp rows with the clock they were given (app.clock), not their own now()."""
from datetime import UTC, datetime, timedelta

import pytest

from app.db.repositories.audit import AuditRepository
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.order_marks import OrderMarksRepository
from app.db.repositories.orders import OrderRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.domain.catalog import ProductInfo
from app.domain.connection_settings import ConnectionSettings
from app.domain.orders import OrderSnapshot

THEN = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


class SteppingClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return SteppingClock(THEN)


@pytest.fixture
def connection_id(db, clock):
    return ConnectionRepository(db, clock=clock).add(
        ConnectionSettings(name="main", address="https://shop.example.com")).id


def test_orders_are_stamped_and_touched_by_the_clock(db, clock, connection_id):
    orders = OrderRepository(db, clock=clock)
    [saved] = orders.save_snapshots(connection_id, [OrderSnapshot(7, None, None, None)],
                                    display_number=str)
    clock.now = THEN + timedelta(minutes=5)
    orders.touch_read([saved.order_pk])
    cached = orders.get(saved.order_pk)
    assert cached is not None
    assert (cached.first_synced_at, cached.last_read_at) == (THEN, clock.now)


def test_marks_audit_at_the_clocks_time(db, clock, connection_id):
    [saved] = OrderRepository(db, clock=clock).save_snapshots(
        connection_id, [OrderSnapshot(8, None, None, None)], display_number=str)
    clock.now = THEN + timedelta(hours=2)
    marks = OrderMarksRepository(db, station="S1", clock=clock)
    marks.add_tags([saved.order_pk], "rush", packer="ann")
    [entry] = AuditRepository(db).recent()
    assert (entry.action, entry.at, entry.station, entry.packer) == (
        "order.tag_added", clock.now, "S1", "ann")
    assert AuditRepository(db).last_for("order", saved.order_pk, ("order.tag_added",)) == entry


def test_the_catalog_is_fresh_by_the_clock(db, clock, connection_id):
    catalog = CatalogRepository(db, clock=clock)
    catalog.save(connection_id, [ProductInfo(product_id=3, sku="MUG")])
    clock.now = THEN + timedelta(hours=1)
    assert catalog.ids_to_refresh(connection_id, [3, 4], timedelta(hours=2)) == [4]
    clock.now = THEN + timedelta(hours=3)
    assert catalog.ids_to_refresh(connection_id, [3, 4], timedelta(hours=2)) == [3, 4]


def test_sync_runs_and_checkpoints_by_the_clock(db, clock, connection_id):
    state = SyncStateRepository(db, clock=clock)
    run = state.start_run(connection_id, "manual")
    clock.now = THEN + timedelta(seconds=90)
    state.finish_run(run, outcome="ok")
    state.set_checkpoint(connection_id, "orders", "x")
    [record] = state.last_runs(connection_id)
    assert (record.started_at, record.finished_at) == (THEN, clock.now)
    checkpoint = state.checkpoint(connection_id, "orders")
    assert checkpoint is not None
    assert checkpoint.refreshed_at == clock.now
