"""The outbox's pure parts: request bodies, tracking links, stop rules, per-order queueing."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.db.repositories.orders import CachedOrder
from app.db.repositories.outbox import OutboxItem
from app.db.repositories.shipments import ShipmentDetails, ShipmentRecord
from app.domain.connection_settings import StatusInfo
from app.domain.orders import Line, OrderSnapshot, StoreShipment, StoreShipmentLine
from app.domain.packing import ShipmentState
from app.services.outbox_requests import (
    shipment_request,
    status_request,
    tracking_url,
    void_request,
)
from app.services.outbox_results import Delivery, PushResult
from app.services.outbox_rules import due_chains, stop_reason

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STATUSES = {1: StatusInfo(1, "Pending", is_open=True), 4: StatusInfo(4, "Shipped", is_shipped=True),
            6: StatusInfo(6, "Cancel Order", is_cancelled=True),
            5: StatusInfo(5, "Credit Declined", is_declined=True)}


def order(status=1, shipments=(), flag="", acknowledged=None) -> CachedOrder:
    snapshot = OrderSnapshot(order_id=100123, store_id=1, customer_id=7, order_status_id=status,
                             lines=(Line(11, "A", "Mug", 2, weight=1.25),
                                    Line(12, "B", "Cap", 1, weight=0.5)),
                             shipments=tuple(shipments))
    return CachedOrder(order_pk=5, connection_id=1, snapshot=snapshot, units=3, total_weight=3.0,
                       first_synced_at=NOW, last_read_at=NOW, flag_reason=flag,
                       flagged_at=NOW if flag else None, flag_acknowledged_at=acknowledged,
                       hold_reason="", hold_until=None, work_started_at=NOW, tags=(),
                       customer_name="", customer_email="", customer_phone="",
                       payment_method="")


def record(units=None, state=ShipmentState.SHIPPED, **details) -> ShipmentRecord:
    return ShipmentRecord(
        shipment_pk=9, number=1, state=state, shipment_name="PD-ab12-9",
        details=ShipmentDetails(**{"carrier": "UPS", "service": "UPS Ground",
                                   "tracking_numbers": ("1Z1", "1Z2"), **details}),
        units=units or {11: 2, 12: 1}, verified={}, station="Bench 3", packer="Ann", revision=0,
        store_shipment_id=None, created_at=NOW, packed_at=None, shipped_at=NOW, voided_at=None)


def test_tracking_links_use_presets_overrides_and_the_first_number():
    assert tracking_url("UPS", ["1Z 1", "1Z2"]) == "https://www.ups.com/track?tracknum=1Z%201"
    assert tracking_url("fedex", ["7"]).startswith("https://www.fedex.com/")
    assert "tLabels=94001" in tracking_url("USPS", ["94001"])
    assert "dhl.com" in tracking_url("DHL", ["12"])
    assert tracking_url("UPS Ground", ["1Z"]).startswith("https://www.ups.com/")
    assert tracking_url("Acme Freight", ["1"]) == ""


def test_a_number_of_another_known_carrier_gets_that_carriers_link():
    # issue 14.3: a UPS "1Z" number saved with carrier USPS was pushed with a USPS link
    assert tracking_url("USPS", ["1Z999AA10123456784"]).startswith("https://www.ups.com/")
    assert tracking_url("UPS", ["9400111201080805483016"]).startswith("https://tools.usps.com/")
    assert "canadapost" in tracking_url("Canada Post", ["0073938000549297"])
    assert "tracking-ecommerce" in tracking_url("DHL eCommerce", ["GM2951173225174494"])
    # the store's own providers keep their own template, whatever the number looks like
    assert tracking_url("Acme Freight", ["1Z999AA10123456784"],
                        {"Acme Freight": "https://acme.example/t/{tracking}"}) == \
        "https://acme.example/t/1Z999AA10123456784"
    assert tracking_url("UPS", []) == ""
    custom = {"ups": "https://track.example.com/{tracking}",
              "Acme Freight": "https://acme.example/t?n={tracking}"}
    assert tracking_url("UPS", ["1Z"], custom) == "https://track.example.com/1Z"
    assert tracking_url("acme freight", ["9"], custom) == "https://acme.example/t?n=9"


def test_the_shipment_body():
    request = shipment_request(order(), record(carrier_fee=Decimal("8.45"), packages=2,
                                               buyer_note="Thanks", service_id=23,
                                               service_type="provider"))
    assert (request.method, request.path) == ("POST", "/order_shipments")
    assert request.body == {
        "order_id": 100123, "shipment_name": "PD-ab12-9", "shipped_at": "2026-11-20T12:00:00Z",
        "tracking_numbers": "1Z1,1Z2", "tracking_url": "https://www.ups.com/track?tracknum=1Z1",
        "shipping_provider_name": "UPS", "shipping_method": "UPS Ground",
        "shipping_method_id": 23, "shipping_method_type": "provider",
        "provider_total_shipping_cost": 8.45, "number_of_packages": 2, "total_weight": 3.0,
        "shipping_comment": "Thanks",
        "items": [{"id": 11, "quantity_shipped": 2}, {"id": 12, "quantity_shipped": 1}]}
    typed = shipment_request(order(), record(weight_override=4.5)).body
    assert typed["total_weight"] == 4.5
    assert "shipping_method_id" not in typed and "provider_total_shipping_cost" not in typed


def test_status_calls_and_void():
    assert status_request(100123, 4, True).as_dict() == {
        "method": "PUT", "path": "/orders/100123/status", "body": {"order_status_id": 4}}
    assert status_request(100123, 4, False).path == "/orders/100123"
    void = void_request(77)
    assert (void.method, void.path, void.body) == ("DELETE", "/order_shipments/77", None)


def test_stop_rules():
    assert stop_reason("shipment", order(6), STATUSES, [record()], record()) \
        .startswith("cancelled in the store")
    assert stop_reason("status", order(5), STATUSES).startswith("payment declined")
    assert stop_reason("claim", order(6), STATUSES)
    assert stop_reason("shipment_void", order(6), STATUSES) == ""
    # Our own shipped status never stops anything; neither do our own shipments.
    ours = StoreShipment(70, "PD-other-3", lines=(StoreShipmentLine(11, 2),))
    assert stop_reason("shipment", order(4, [ours]), STATUSES, [record()], record()) == ""
    # Another tool's shipment covering these units stops the push; one on other lines does not.
    foreign = StoreShipment(71, "ShipStation-1", lines=(StoreShipmentLine(11, 1),))
    assert "another tool (ShipStation-1)" in stop_reason(
        "shipment", order(1, [foreign]), STATUSES, [record()], record())
    elsewhere = StoreShipment(72, "", lines=(StoreShipmentLine(12, 1),))
    assert stop_reason("shipment", order(1, [elsewhere]), STATUSES, [record({11: 2})],
                       record({11: 2})) == ""
    # The packer acknowledged the change: their decision stands.
    assert stop_reason("shipment", order(6, flag="cancelled", acknowledged=NOW), STATUSES,
                       [record()], record()) == ""


def entry(entry_id, order_pk, state="pending", due=NOW, kind="shipment") -> OutboxItem:
    return OutboxItem(entry_id, 1, order_pk, None, kind, {}, state, 0, due, "", NOW, None)


def test_each_order_goes_in_queue_order_and_blocks_behind_trouble():
    later = NOW + timedelta(minutes=5)
    chains = due_chains([
        entry(1, 10), entry(4, 10, kind="status"),
        entry(2, 20, state="failed"), entry(5, 20, kind="status"),
        entry(3, 30, due=later), entry(6, 30, kind="status"),
        entry(7, 40), entry(8, 40, due=later, kind="status"),
        entry(9, 50, state="stopped"),
    ], NOW)
    assert [[e.entry_id for e in chain] for chain in chains] == [[1, 4], [7]]


def test_push_result_summary():
    result = PushResult([Delivery(1, 1, 5, 100123, "shipment", "sent"),
                         Delivery(2, 1, 5, 100123, "status", "skipped")], requests=1)
    assert result.ok and result.as_dict()["sent"] == 1 and result.as_dict()["skipped"] == 1
    result.deliveries.append(Delivery(3, 1, 6, 100124, "status", "retry"))
    assert not result.ok and result.as_dict()["retry_later"] == 1
