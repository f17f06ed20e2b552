"""The outbox worker against the sandbox over real HTTP: what the store receives, exactly once."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import select

from app.bootstrap import build_context
from app.db.repositories.outbox import OutboxRepository, entries_for_order
from app.db.repositories.shipments import ShipmentDetails
from app.db.tables import Order
from app.domain.changes import Changes
from app.domain.connection_settings import ConnectionSettings
from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
from app.integrations.americommerce.throttle import Throttle
from app.sandbox import Sandbox, SandboxConfig
from app.services.outbox import OutboxService, bulk_refresher
from tests.support.sandbox_orders import new_order

DETAILS = ShipmentDetails(carrier="UPS", service="UPS Ground",
                          tracking_numbers=("1Z999AA10123456784", "1Z999AA10123456785"),
                          carrier_fee=Decimal("8.45"), packages=2, buyer_note="Thanks!")
UNSCANNED = "not scanned: a service test"  # the verification policy asks for a reason
MADE_ORDERS = 8


def fast_client_factory(address, token):
    # No sleeping between the client's own retries: faults cost milliseconds, not seconds.
    return AmeriCommerceClient(make_http_client(address), address, token,
                               throttle=Throttle(), sleep=lambda _s: None)


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **kw) -> None:
        self.offset += timedelta(**kw)


@pytest.fixture
def store():
    with Sandbox(SandboxConfig(orders=60, seed=3)) as sb:
        yield sb


@pytest.fixture
def station(paths, store):
    context = build_context(paths, client_factory=fast_client_factory)
    record = context.connections.add(
        ConnectionSettings(name="main", address=store.domain, order_prefix="AC-"), store.token)
    for _ in range(MADE_ORDERS):  # the orders these tests ship, made for them
        new_order(store, (2, 1))
    assert context.sync.sync(record.id).outcome == "ok"
    shipped = next(s.id for s in context.storage.repos.connections.statuses(record.id)
                   if s.name == "Shipped")
    record = context.connections.update(record.id, record.settings.with_changes(
        shipped_status_id=shipped))
    yield context, record
    context.close()


def worker(context, clock=None, **kw) -> OutboxService:
    return OutboxService(OutboxRepository(context.storage.db), context.storage.repos.orders,
                         context.storage.repos.connections, context.clients,
                         bulk_refresher(context.sync), clock=clock or Clock(), **kw)


def packable_orders(context, count: int) -> list[int]:
    """`count` of the orders `station` made (the newest), each packable in one shipment."""
    assert count <= MADE_ORDERS
    with context.storage.db.read() as session:
        newest = select(Order.id).order_by(Order.order_id.desc()).limit(MADE_ORDERS)
        pks = list(session.exec(newest))
    found = sorted(pks)[:count]
    for pk in found:
        view = context.packing.view(pk)
        assert len(view.numbered()) == 1 and not view.lines.covered_elsewhere \
            and not view.lines.all_non_shipping()
    return found


def order_id(context, pk) -> int:
    return context.storage.repos.orders.get(pk).snapshot.order_id


def store_shipments(store, oid) -> list[dict]:
    return store.control.order(oid)["shipments"]


def states(context, pk) -> list[tuple[str, str]]:
    with context.storage.db.read() as session:
        return [(e.kind, e.state) for e in entries_for_order(session, pk)]


def make_stale(context, pk) -> None:
    with context.storage.db.write() as session:
        session.execute(update(Order).where(Order.id == pk).values(
            last_read_at=datetime.now(UTC) - timedelta(minutes=5)))


def test_shipment_and_status_are_delivered_with_the_right_bodies(station, store):
    context, record = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    view = context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    shipment = view.shipments[0]
    store.control.clear_writes()
    result = context.outbox.run_until_idle(threading.Event())
    assert result.ok and [d.outcome for d in result.deliveries] == ["sent", "sent"]
    writes = store.control.writes()
    assert [w["kind"] for w in writes] == ["shipment_created", "order_status_changed"]
    body = writes[0]["body"]
    lines = {line.line_id: line for line in context.storage.repos.orders.get(pk).snapshot.lines}
    assert body == {
        "order_id": oid, "shipment_name": shipment.shipment_name,
        "shipped_at": body["shipped_at"],
        "tracking_numbers": "1Z999AA10123456784,1Z999AA10123456785",
        "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "shipping_provider_name": "UPS", "shipping_method": "UPS Ground",
        "provider_total_shipping_cost": 8.45, "number_of_packages": 2,
        "total_weight": round(sum(lines[i].weight * n for i, n in shipment.units.items()), 3),
        "shipping_comment": "Thanks!",
        "items": [{"id": i, "quantity_shipped": n} for i, n in sorted(shipment.units.items())]}
    assert datetime.fromisoformat(body["shipped_at"]) == shipment.shipped_at.replace(
        tzinfo=UTC) if shipment.shipped_at.tzinfo is None else shipment.shipped_at
    assert writes[1]["body"] == {"order_status_id": record.settings.shipped_status_id}
    assert writes[1]["resource"] == "orders"
    held = store_shipments(store, oid)
    assert len(held) == 1 and held[0]["shipment_name"] == shipment.shipment_name
    assert context.packing.view(pk).shipments[0].store_shipment_id == held[0]["id"]
    assert states(context, pk) == [("shipment", "delivered"), ("status", "delivered")]
    assert context.outbox.waiting_order_pks() == set()


def test_status_already_in_the_store_is_not_sent_again(station, store):
    context, record = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    store.control.set_order_status(oid, record.settings.shipped_status_id)  # the merchant did it
    make_stale(context, pk)
    store.control.clear_writes()
    result = context.outbox.run_until_idle(threading.Event())
    assert [d.outcome for d in result.deliveries] == ["sent", "skipped"]
    assert [w["kind"] for w in store.control.writes()] == ["shipment_created"]


@pytest.mark.parametrize("notify, path", [(True, "/orders/{}/status"), (False, "/orders/{}")])
def test_notify_chooses_the_call(station, store, notify, path):
    context, record = station
    context.connections.update(record.id, record.settings.with_changes(notify_customer=notify))
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    result = context.outbox.run_until_idle(threading.Event())
    status = next(d for d in result.deliveries if d.kind == "status")
    assert status.request.method == "PUT" and status.request.path == path.format(oid)
    kinds = [w["kind"] for w in store.control.writes()]
    assert kinds[-1] == ("order_status_changed" if notify else "order_updated")
    assert store.control.order(oid)["order_status_id"] == record.settings.shipped_status_id


def test_corrections_update_the_same_store_shipment(station, store):
    context, _ = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    context.outbox.run_until_idle(threading.Event())
    context.packing.set_details(pk, 1, replace(DETAILS, carrier="FedEx", service="FedEx Ground",
                                               tracking_numbers=("7489",)))
    preview = context.outbox.preview(max(e.entry.entry_id for e in context.outbox.entries()))
    assert preview.request.method == "POST" and preview.request.body["tracking_numbers"] == "7489"
    assert preview.request.body["tracking_url"] == \
        "https://www.fedex.com/fedextrack/?trknbr=7489"
    result = context.outbox.run_until_idle(threading.Event())
    assert [d.outcome for d in result.deliveries] == ["sent"]
    held = store_shipments(store, oid)
    assert len(held) == 1
    assert held[0]["tracking_numbers"] == "7489" and held[0]["shipping_provider_name"] == "FedEx"
    assert [w["kind"] for w in store.control.writes()][-1] == "shipment_updated"
    assert preview.request.as_dict() == {
        "method": "POST", "path": "/order_shipments",
        "body": list(store.control.writes())[-1]["body"]}


def test_void_deletes_the_pushed_shipment(station, store):
    context, _ = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    context.outbox.run_until_idle(threading.Event())
    context.packing.void(pk, 1)
    result = context.outbox.run_until_idle(threading.Event())
    # The order re-opens: the status it had before "Shipped" goes back too.
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("shipment_void", "sent"),
                                                                ("status", "sent")]
    assert store_shipments(store, oid) == []
    assert [w["kind"] for w in store.control.writes()][-2:] == ["shipment_deleted",
                                                                "order_updated"]


def test_void_before_the_push_sends_nothing(station, store):
    context, _ = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    context.packing.void(pk, 1)
    store.control.clear_writes()
    result = context.outbox.run_until_idle(threading.Event())
    outcomes = [(d.kind, d.outcome) for d in result.deliveries]
    assert ("shipment", "superseded") in outcomes and ("shipment_void", "skipped") in outcomes
    assert store_shipments(store, oid) == []
    assert [w for w in store.control.writes() if w["kind"].startswith("shipment")] == []


def test_cancelled_in_store_is_stopped_and_flagged(station, store):
    context, _record = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    store.control.cancel_order(oid)
    make_stale(context, pk)
    store.control.clear_writes()
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("shipment", "stopped")]
    assert not result.ok
    assert store.control.writes() == []
    assert states(context, pk) == [("shipment", "stopped"), ("status", "pending")]
    order = context.storage.repos.orders.get(pk)
    assert "cancelled in the store" in order.flag_reason and order.flag_acknowledged_at is None
    assert pk in context.outbox.waiting_order_pks()
    # The packer decides to push anyway: retry acknowledges the change.
    stopped = next(e for e in context.outbox.entries() if e.entry.state == "stopped")
    context.outbox.retry(stopped.entry.entry_id)
    result = context.outbox.run_until_idle(threading.Event())
    assert [d.outcome for d in result.deliveries] == ["sent", "sent"]


def test_outbox_writes_return_and_publish_what_they_changed(station, store):
    """A stop changes the entry and its order's "waiting to push", a retry acknowledges the
    order's flag, a delivery changes the order's status and its shipment's store id: each write
    says so, and the feed's listeners hear it."""
    context, _ = station
    heard: list[Changes] = []
    context.changes.subscribe(heard.append)
    pk = packable_orders(context, 1)[0]
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    store.control.cancel_order(order_id(context, pk))
    make_stale(context, pk)
    heard.clear()
    result = context.outbox.run_until_idle(threading.Event())
    stopped = result.deliveries[0].entry_id
    # (the re-read already flagged the order with this reason: the stop leaves the flag be)
    assert result.changes == Changes.of(outbox=[stopped], orders=[pk])
    assert result.changes in heard

    heard.clear()
    retried = context.outbox.retry(stopped)
    assert retried == Changes.of(outbox=[stopped], orders=[pk], marks=[pk])
    assert heard == [retried]

    heard.clear()
    result = context.outbox.run_until_idle(threading.Event())
    sent = {d.entry_id for d in result.deliveries}
    assert [d.outcome for d in result.deliveries] == ["sent", "sent"]
    assert result.changes.outbox >= sent and stopped in sent
    assert result.changes.shipments == {pk} and result.changes.orders == {pk}
    assert reduce(or_, heard).outbox >= sent


def test_shipped_by_another_tool_is_stopped(station, store):
    context, _ = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    store.control.add_shipment(oid)  # another tool ships every unit
    make_stale(context, pk)
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("shipment", "stopped")]
    assert len(store_shipments(store, oid)) == 1
    assert "another tool" in context.storage.repos.orders.get(pk).flag_reason
    assert result.changes.marks == {pk}  # the stop flagged the order: lists show it


def test_permanent_error_fails_and_blocks_the_order(station, store):
    context, _ = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    # The store lowers a quantity under our shipment: the upsert is refused with 409.
    line = context.packing.view(pk).shipments[0]
    line_id, units = next(iter(line.units.items()))
    store.control.set_line_quantity(line_id, units - 1 if units > 1 else 0)
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("shipment", "failed")]
    failed = result.deliveries[0]
    assert failed.status_code == 409 and "ordered" in failed.message
    assert states(context, pk) == [("shipment", "failed"), ("status", "pending")]
    listing = next(e for e in context.outbox.entries() if e.entry.state == "failed")
    assert "ordered" in listing.entry.last_error and listing.order_number == f"AC-{oid}"
    assert context.outbox.run_until_idle(threading.Event()).deliveries == []  # still blocked
    dismissed = context.outbox.dismiss(listing.entry.entry_id)
    assert dismissed == Changes.of(outbox=[listing.entry.entry_id], orders=[pk])
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("status", "sent")]


@pytest.mark.parametrize("faults", [dict(fail_rate=0.3), dict(drop_rate=0.3),
                                    dict(drop_after_write_rate=0.5)])
def test_faults_still_end_with_exactly_one_shipment_each(station, store, faults):
    context, record = station
    clock = Clock()
    service = worker(context, clock)
    pks = packable_orders(context, 8)
    for pk in pks:
        context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    store.control.set_faults(seed=11, **faults)
    for _ in range(30):
        service.run_until_idle(threading.Event())
        if not service.waiting_order_pks():
            break
        clock.advance(minutes=16)  # past any backoff
    store.control.set_faults(fail_rate=0, drop_rate=0, drop_after_write_rate=0)
    assert service.waiting_order_pks() == set()
    for pk in pks:
        oid = order_id(context, pk)
        held = store_shipments(store, oid)
        assert len(held) == 1, held
        assert store.control.order(oid)["order_status_id"] == record.settings.shipped_status_id
    # One status change per order: no second customer email.
    changes = [w for w in store.control.writes() if w["kind"] == "order_status_changed"]
    assert len(changes) == len(pks) == len({w["order_id"] for w in changes})


def test_offline_then_online(station, store):
    context, _record = station
    clock = Clock()
    service = worker(context, clock)
    pks = packable_orders(context, 3)
    port = store.port
    store.stop()
    for pk in pks:  # packing keeps working while the store is unreachable
        context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
        make_stale(context, pk)
    result = service.run_until_idle(threading.Event())
    assert result.deliveries and all(d.outcome == "retry" for d in result.deliveries)
    assert result.requests <= 3  # one failed re-read, not one per entry
    assert service.waiting_order_pks() == set(pks)
    assert service.run_until_idle(threading.Event()).deliveries == []  # backing off
    store.config = replace(store.config, port=port)
    store.start()
    clock.advance(minutes=16)
    result = service.run_until_idle(threading.Event())
    assert result.ok, result.as_dict()
    assert service.waiting_order_pks() == set()
    for pk in pks:
        assert len(store_shipments(store, order_id(context, pk))) == 1


class DropAfterStatusWrite(httpx.BaseTransport):
    """The store applies one order's status change, then the connection drops unanswered."""

    def __init__(self, path: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.path = path
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "PUT" and request.url.path.endswith(self.path):
            response.read()
            response.close()
            self.dropped += 1
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_connection_dropped_after_a_write_holds_back_only_that_order(paths, store):
    transport = DropAfterStatusWrite("")
    context = build_context(paths, client_factory=lambda address, token: AmeriCommerceClient(
        make_http_client(address, transport=transport), address, token, throttle=Throttle(),
        sleep=lambda _s: None))
    try:
        record = context.connections.add(
            ConnectionSettings(name="main", address=store.domain, order_prefix="AC-"),
            store.token)
        assert context.sync.sync(record.id).outcome == "ok"
        shipped = next(s.id for s in context.storage.repos.connections.statuses(record.id)
                       if s.name == "Shipped")
        context.connections.update(record.id, record.settings.with_changes(
            shipped_status_id=shipped))
        clock = Clock()
        service = worker(context, clock, workers=1)  # one chain after another: no race
        first, *others = packable_orders(context, 3)
        transport.path = f"/orders/{order_id(context, first)}/status"
        for pk in (first, *others):
            context.packing.ship(pk, 1, DETAILS, unverified_reason="test: not scanned")
        result = service.run_once()
        assert transport.dropped == 1
        outcomes = {(order_id(context, pk), kind): outcome for pk in (first, *others)
                    for kind, outcome in [(d.kind, d.outcome) for d in result.deliveries
                                          if d.order_pk == pk]}
        assert outcomes[(order_id(context, first), "status")] == "retry"
        for pk in others:  # the other orders were not delayed by it
            assert outcomes[(order_id(context, pk), "shipment")] == "sent"
            assert outcomes[(order_id(context, pk), "status")] == "sent"
        assert service.waiting_order_pks() == {first}
        clock.advance(minutes=16)
        result = service.run_until_idle(threading.Event())
        assert result.ok and service.waiting_order_pks() == set()
        changes = [w for w in store.control.writes() if w["kind"] == "order_status_changed"]
        assert sorted(w["order_id"] for w in changes) == sorted(
            order_id(context, pk) for pk in (first, *others))  # applied once, no second email
    finally:
        context.close()


def test_sync_tracking_off_pushes_only_the_status(station, store):
    context, record = station
    context.connections.update(record.id, record.settings.with_changes(sync_tracking=False))
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("status", "sent")]
    assert store_shipments(store, oid) == []


def test_cli_push_outbox_retry_and_preview(station, store, paths, capsys):
    import json

    from app.__main__ import main

    context, _record = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    data = ["--data-dir", str(paths.data_dir)]
    capsys.readouterr()
    assert main(["outbox", *data, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["entries"]
    assert [(e["kind"], e["state"], e["order"]) for e in listed] == [
        ("status", "pending", f"AC-{oid}"), ("shipment", "pending", f"AC-{oid}")]
    shipment_id = listed[1]["id"]
    assert main(["outbox", "preview", str(shipment_id), *data, "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["request"]["method"] == "POST" and preview["request"]["body"]["order_id"] == oid
    line_id, units = next(iter(context.packing.view(pk).shipments[0].units.items()))
    quantity = store.control.order(oid)["items"]
    quantity = next(i["quantity"] for i in quantity if i["id"] == line_id)
    store.control.set_line_quantity(line_id, units - 1)  # the store refuses the push: 409
    assert main(["push", *data, "--json"]) == 1
    pushed = json.loads(capsys.readouterr().out)
    assert pushed["failed"] == 1 and pushed["entries"][0]["call"] == "POST /order_shipments"
    assert pushed["entries"][0]["status_code"] == 409
    store.control.set_line_quantity(line_id, quantity)
    assert main(["outbox", "retry", "--all-failed", *data, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"retried": [shipment_id]}
    assert main(["push", *data]) == 0
    assert "Sent 2" in capsys.readouterr().out
    assert main(["outbox", "retry", str(shipment_id), *data]) == 1  # delivered: nothing to retry
    assert "only failed or stopped" in capsys.readouterr().err


def test_an_order_deleted_in_the_store_fails_its_push_with_a_reason(station, store):
    context, _ = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    with store.store.transaction():
        store.store.delete("orders", oid)  # deleted by the merchant after it was packed
    make_stale(context, pk)
    store.control.clear_writes()
    result = context.outbox.run_until_idle(threading.Event())
    assert [(d.kind, d.outcome) for d in result.deliveries] == [("shipment", "failed")]
    assert f"did not return order {oid}" in result.deliveries[0].message
    assert store.control.writes() == []
    # Nothing is lost: the failed entry stays (to dismiss or retry), the status waits behind it.
    assert states(context, pk) == [("shipment", "failed"), ("status", "pending")]
    assert context.storage.repos.orders.get(pk) is not None


def test_preview_says_when_the_cached_order_would_stop_a_call_or_need_none(station, store):
    context, record = station
    pk = packable_orders(context, 1)[0]
    oid = order_id(context, pk)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    entries = {e.entry.kind: e.entry.entry_id for e in context.outbox.entries()}
    store.control.set_order_status(oid, record.settings.shipped_status_id)
    assert context.sync.sync(record.id).outcome == "ok"  # the cache now has the store's status
    status = context.outbox.preview(entries["status"])
    assert status.request is not None and status.request.body is not None
    assert "already has this status (as last read): nothing would be sent" in status.note
    store.control.cancel_order(oid)
    assert context.sync.sync(record.id).outcome == "ok"
    shipment = context.outbox.preview(entries["shipment"])
    assert shipment.request is not None and shipment.request.method == "POST"
    assert "It would stop: the order was cancelled in the store" in shipment.note
    assert store.control.writes() == []  # previews send nothing
