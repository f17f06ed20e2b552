"""The packing service against the sandbox: shipments, guards, interruptions, outbox entries."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from app.db.repositories.audit import last_for
from app.db.repositories.outbox import entries_for_order
from app.db.repositories.shipments import ShipmentDetails
from app.db.tables import Order
from app.domain.packing import OrderState, PackingError, ShipmentState
from app.domain.verification import UnverifiedUnits, VerificationPolicy, VerificationRequired
from app.services.packing import PackingInterrupted
from tests.integration.sandbox_truth import all_orders
from tests.support.sandbox_orders import new_order, newest_order_pk


@pytest.fixture
def synced(connected, sandbox):
    context, record = connected
    # The order these tests pack, made for them: two plain lines, nothing shipped.
    new_order(sandbox, (1, 2))
    shipped = next(s.id for s in context.storage.repos.connections.statuses(record.id)
                   if s.name == "Shipped") if context.sync.sync(record.id) else None
    record = context.connections.update(record.id, record.settings.with_changes(
        shipped_status_id=shipped))
    return context, record


def order_with(context, predicate) -> int:
    """The order `synced` made (the newest), which must have the shape the test needs."""
    pk = newest_order_pk(context)
    assert predicate(context.packing.view(pk)), "the order made for the test has the wrong shape"
    return pk


def outbox(context, order_pk):
    with context.storage.db.read() as session:
        return [(e.kind, e.state, e.payload) for e in entries_for_order(session, order_pk)]


DETAILS = ShipmentDetails(carrier="UPS", service="UPS Ground", tracking_numbers=("1Z 999 AA1",),
                          carrier_fee=Decimal("8.45"))
UNSCANNED = "not scanned: a service test"  # the verification policy asks for a reason


def test_split_merge_undo_and_ship(synced):
    context, record = synced
    pk = order_with(context, lambda v: len(v.lines.packable_ids()) >= 2
                    and not v.lines.covered_elsewhere
                    and not any(line.bound_to_parent for line in v.lines.lines.values()))
    view = context.packing.view(pk)
    assert len(view.numbered()) == 1 and not view.shipments  # nothing saved until work begins
    _first, second = view.lines.packable_ids()[:2]
    view = context.packing.split(pk, {second: view.lines.needed(second)})
    assert [sorted(s.units) for _, s, _ in view.numbered()][1] == [second]
    assert all(r.shipment_name.startswith(f"PD-{context.station_id}-") for r in view.shipments)
    view = context.packing.merge(pk, [1, 2])
    assert len(view.numbered()) == 1
    view = context.packing.undo(pk)
    assert len(view.numbered()) == 2
    with pytest.raises(PackingError, match="no split or merge"):
        context.packing.undo(pk)  # only the last one
    view = context.packing.ship(pk, 2, DETAILS, unverified_reason=UNSCANNED)
    assert view.state is OrderState.PARTIALLY_SHIPPED
    shipped = view.numbered()[1][2]
    assert shipped.state is ShipmentState.SHIPPED
    assert shipped.details.tracking_numbers == ("1Z999AA1",)
    assert [k for k, state, _ in outbox(context, pk)] == ["shipment"]  # partial: no status yet
    view = context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    assert view.state is OrderState.SHIPPED
    kinds = [k for k, state, _ in outbox(context, pk) if state == "pending"]
    assert kinds == ["shipment", "shipment", "status"]
    status = outbox(context, pk)[-1][2]
    assert status["order_status_id"] == record.settings.shipped_status_id and status["notify"]


def test_correction_and_void_go_through_the_outbox(synced):
    context, _ = synced
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    context.packing.set_details(pk, 1, ShipmentDetails(carrier="UPS", service="UPS Ground",
                                                       tracking_numbers=("1Z0002",)))
    view = context.packing.view(pk)
    assert view.shipments[0].revision == 1
    entries = outbox(context, pk)
    # the queued push was replaced by the corrected one, never sent twice
    assert [(k, s) for k, s, _ in entries if k == "shipment"] == [
        ("shipment", "superseded"), ("shipment", "pending")]
    view = context.packing.void(pk, 1)
    # The void, and the status before "Shipped" back (the unsent "Shipped" is superseded).
    entries = outbox(context, pk)
    assert [(k, s) for k, s, _ in entries][-2:] == [("shipment_void", "pending"),
                                                     ("status", "pending")]
    assert [s for k, s, _ in entries if k == "status"] == ["superseded", "pending"]
    assert outbox(context, pk)[-1][2]["notify"] is False
    assert view.state is OrderState.OPEN and len(view.numbered()) == 1  # units back to pack


def test_cancelled_in_store_while_packing_is_refused_until_acknowledged(synced, sandbox):
    context, _ = synced
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    order_id = context.storage.repos.orders.get(pk).snapshot.order_id
    context.packing.set_details(pk, 1, DETAILS)  # packing has begun
    sandbox.control.advance_clock(minutes=2)
    sandbox.control.cancel_order(order_id)
    with context.storage.db.write() as session:  # last read over a minute ago: ship re-reads it
        session.execute(update(Order).where(Order.id == pk).values(
            last_read_at=datetime.now(UTC) - timedelta(minutes=5)))
    with pytest.raises(PackingInterrupted, match="cancelled in the store"):
        context.packing.ship(pk, 1)
    assert outbox(context, pk) == []
    view = context.packing.ship(pk, 1, acknowledge=True, unverified_reason=UNSCANNED)
    assert view.state is OrderState.SHIPPED


def test_offline_shipping_works_on_the_cache(synced, sandbox):
    context, _ = synced
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    with context.storage.db.write() as session:
        session.execute(update(Order).where(Order.id == pk).values(
            last_read_at=datetime.now(UTC) - timedelta(minutes=5)))
    sandbox.stop()
    view = context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    assert view.state is OrderState.SHIPPED
    assert [k for k, _, _ in outbox(context, pk)] == ["shipment", "status"]


def test_an_order_of_gift_cards_completes_without_a_parcel(synced, sandbox):
    context, record = synced
    digital = next(o for o in all_orders(sandbox)
                   if o["order_type"] == "Order" and o["items"]
                   and all(i["is_non_shipping_item"] or i["is_discount_item"] for i in o["items"]))
    sandbox.control.set_order_status(digital["id"], 1)  # make it an order to import
    result = context.sync.sync(record.id, since=datetime.now(UTC) - timedelta(days=70))
    assert result.outcome == "ok", result.error
    pk = context.storage.repos.orders.find_pks(digital["id"])[0][0]
    view = context.packing.view(pk)
    assert view.numbered() == []
    with pytest.raises(PackingError):
        context.packing.complete_without_parcel(order_with(
            context, lambda v: not v.lines.all_non_shipping()))
    context.packing.complete_without_parcel(pk)
    assert [k for k, _, _ in outbox(context, pk)] == ["status"]


def test_sync_tracking_off_keeps_shipments_local(synced):
    context, record = synced
    context.connections.update(record.id, record.settings.with_changes(sync_tracking=False))
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    assert [k for k, _, _ in outbox(context, pk)] == ["status"]


def test_unverified_units_ship_only_with_a_recorded_reason(synced):
    context, _ = synced
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    units = dict(context.packing.begin(pk).numbered()[0][1].units)
    assert context.packing.verification_policy() is VerificationPolicy.ASK  # the default
    with pytest.raises(UnverifiedUnits) as raised:
        context.packing.ship(pk, 1, DETAILS)
    assert {m.line_id: m.missing for m in raised.value.missing} == units
    view = context.packing.view(pk)
    assert view.shipments[0].state is not ShipmentState.SHIPPED and outbox(context, pk) == []

    first = next(iter(units))
    context.scanning.confirm(pk, 1, first)  # one unit by hand: the rest stays unverified
    view = context.packing.ship(pk, 1, DETAILS, unverified_reason="Labels torn off")
    record = view.shipments[0]
    assert record.state is ShipmentState.SHIPPED
    assert record.verified.get(first) == 1  # the data still says what was verified
    confirmation = view.confirmations[record.shipment_pk]
    assert (confirmation.reason, confirmation.packer) == ("Labels torn off",
                                                          context.station().packer)
    rows = [h for h in context.scanning.history(pk) if h["result"] == "shipped_unverified"]
    short = [i for i, n in units.items() if n > (1 if i == first else 0)]
    assert len(rows) == len(short) and {h["value"] for h in rows} == {"Labels torn off"}
    with context.storage.db.read() as session:
        entry = last_for(session, "order", pk, ("ship",))
    assert entry.details["reason"] == "Labels torn off"
    assert sum(entry.details["unverified"].values()) == sum(units.values()) - 1


def test_a_station_that_requires_every_unit_scanned_refuses_to_ship(synced):
    context, _ = synced
    assert context.packing.set_verification_policy("require") is VerificationPolicy.REQUIRE
    assert context.packing.verification_policy() is VerificationPolicy.REQUIRE
    with pytest.raises(PackingError, match="Unknown verification policy"):
        context.packing.set_verification_policy("never")
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    units = dict(context.packing.begin(pk).numbered()[0][1].units)
    with pytest.raises(VerificationRequired, match="requires every unit scanned"):
        context.packing.ship(pk, 1, DETAILS, unverified_reason="in a hurry")
    for line_id, count in units.items():
        for _ in range(count):
            context.scanning.confirm(pk, 1, line_id)
    view = context.packing.ship(pk, 1, DETAILS)
    assert view.shipments[0].state is ShipmentState.SHIPPED and not view.confirmations
    assert not [h for h in context.scanning.history(pk) if h["result"] == "shipped_unverified"]


def test_cli_ships_unscanned_units_only_with_a_reason_and_sets_the_policy(synced, paths,
                                                                          capsys):
    import json

    from app.__main__ import main

    context, _ = synced
    pk = order_with(context, lambda v: len(v.numbered()) == 1 and not v.lines.covered_elsewhere)
    order = f"AC-{context.storage.repos.orders.get(pk).snapshot.order_id}"
    data = ["--data-dir", str(paths.data_dir)]
    ship = ["ship", order, *data, "--carrier", "UPS", "--service", "UPS Ground"]
    capsys.readouterr()
    assert main(ship) != 0
    out = capsys.readouterr()
    assert "not verified" in out.out + out.err and "0 of" in out.out + out.err
    assert "--unverified-reason" in out.out + out.err
    assert context.packing.view(pk).shipments[0].state is not ShipmentState.SHIPPED
    assert main([*ship, "--unverified-reason", "no scanner at the dock",
                 "--tracking", "1Z999AA10123456784", "--carrier", "USPS", "--json"]) == 0
    out = capsys.readouterr()
    assert "Warning: 1Z999AA10123456784 looks like a UPS tracking number, not USPS." in out.err
    shipped = json.loads(out.out)["shipments"][0]
    assert shipped["shipped_unverified"]["reason"] == "no scanner at the dock"
    assert [line["verified"] for line in shipped["lines"]] == [0] * len(shipped["lines"])
    assert context.packing.view(pk).confirmations[
        context.packing.view(pk).shipments[0].shipment_pk].reason == "no scanner at the dock"
    capsys.readouterr()

    assert main(["station", *data, "--verification", "require", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verification"] == "require"
    assert context.packing.verification_policy() is VerificationPolicy.REQUIRE


def test_every_packing_write_returns_and_publishes_what_it_changed(synced):
    from app.domain.changes import Changes

    context, _record = synced
    pk = order_with(context, lambda v: len(v.lines.packable_ids()) >= 2
                    and not v.lines.covered_elsewhere
                    and not any(line.bound_to_parent for line in v.lines.lines.values()))
    published: list[Changes] = []
    unsubscribe = context.changes.subscribe(published.append)
    try:
        view = context.packing.begin(pk)
        assert view.changes == published[-1] and pk in view.changes.shipments
        second = view.lines.packable_ids()[1]
        view = context.packing.split(pk, {second: view.lines.needed(second)})
        assert published[-1] == view.changes and pk in view.changes.touches_orders()

        count = len(published)
        view = context.packing.ship(pk, 2, DETAILS, unverified_reason=UNSCANNED)
        # One notice for the whole of shipping: the details, the plan and the store updates.
        assert len(published) == count + 1 and published[-1] == view.changes
        queued = {e.entry_id for e in _entries(context, pk)}
        assert view.changes.outbox and view.changes.outbox <= queued
        assert pk in view.changes.shipments and pk in view.changes.orders

        view = context.packing.void(pk, 2)
        assert published[-1] == view.changes and view.changes.outbox  # the void is queued

        line = view.lines.packable_ids()[0]
        outcome = context.scanning.confirm(pk, 1, line)
        assert outcome.accepted and outcome.changes == published[-1]
        assert outcome.changes.shipments == {pk}
        count = len(published)
        refused = context.scanning.scan(pk, 1, "NOT-IN-THIS-ORDER")
        assert not refused.changes and len(published) == count  # a refused scan changes none
    finally:
        unsubscribe()


def _entries(context, order_pk):
    with context.storage.db.read() as session:
        return entries_for_order(session, order_pk)
