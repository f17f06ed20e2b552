"""Scan-to-verify against a synced sandbox order."""
from __future__ import annotations

import pytest
from sqlmodel import select

from app.db.tables import Order, Scan
from app.domain.packing import ShipmentState
from app.domain.scanning import ScanResult
from app.errors import ConfigurationError


def plain_order(context) -> int:
    with context.storage.db.read() as session:
        pks = list(session.exec(select(Order.id).order_by(Order.id)))
    for pk in pks:
        view = context.packing.view(pk)
        lines = view.lines
        if len(lines.packable_ids()) >= 2 and not lines.covered_elsewhere and all(
                not line.bound_to_parent for line in lines.lines.values()):
            return pk
    pytest.fail("no plain order in the sandbox")


def test_a_whole_scan_session(connected):
    context, record = connected
    context.sync.sync(record.id)
    pk = plain_order(context)
    name = context.packing.begin(pk).shipments[0].shipment_name
    opened, number = context.scanning.open("S" + name)  # the slip's shipment barcode
    assert opened.order.order_pk == pk and number == 1
    units = dict(opened.plan.by_number(1).units)
    lines = opened.lines.lines
    products = context.storage.repos.catalog.products(
        record.id, [lines[i].product_id for i in units if lines[i].product_id])

    wrong = context.scanning.scan(pk, 1, "NOT-A-REAL-SKU")
    assert wrong.result is ScanResult.WRONG_ITEM and not wrong.accepted

    outcomes = []
    for index, (line_id, count) in enumerate(units.items()):
        line = lines[line_id]
        product = products.get(line.product_id)
        variant = next((v for v in product.variants
                        if v.variant_inventory_id == line.variant_inventory_id), None)
        gtin = variant.gtin if variant and variant.gtin else product.gtin
        for n in range(count):
            if index == 0 and n == 0:
                outcomes.append(context.scanning.confirm(pk, 1, line_id))  # no barcode
            elif n == 0 and gtin:
                outcomes.append(context.scanning.scan(pk, 1, gtin))  # the UPC on the box
            else:
                outcomes.append(context.scanning.scan(pk, 1, line.sku.lower()))
    assert all(o.accepted for o in outcomes), outcomes
    assert [o.shipment_packed for o in outcomes] == [False] * (len(outcomes) - 1) + [True]
    assert context.packing.view(pk).numbered()[0][1].state is ShipmentState.PACKED

    with context.storage.db.read() as session:
        scans = session.exec(select(Scan).where(Scan.order_pk == pk).order_by(Scan.id)).all()
    results = [s.result for s in scans]
    assert results[:2] == ["opened", "wrong_item"]
    assert results[2] == "manual"
    assert results.count("verified") + results.count("manual") == sum(units.values())
    assert {(s.station, s.packer) for s in scans} == {
        (context.station().name, context.station().packer)}


def test_over_scan_is_refused_at_once(connected):
    context, record = connected
    context.sync.sync(record.id)
    pk = plain_order(context)
    view = context.packing.begin(pk)
    line_id, count = next(iter(view.plan.by_number(1).units.items()))
    sku = view.lines.lines[line_id].sku
    for _ in range(count):
        assert context.scanning.scan(pk, 1, sku).accepted
    over = context.scanning.scan(pk, 1, sku)
    assert over.result is ScanResult.OVER_SCAN and over.verified == over.needed == count


def test_tracking_numbers_and_order_barcodes_find_their_order(connected):
    context, record = connected
    context.sync.sync(record.id)
    pk = plain_order(context)
    from app.db.repositories.shipments import ShipmentDetails

    context.packing.set_details(pk, 1, ShipmentDetails(carrier="UPS",
                                                       tracking_numbers=("1Z999AA10123456784",)))
    assert context.scanning.find("1z999aa10123456784").order_pk == pk
    # a FedEx 12-digit number (not a product code to zero-pad), and USPS and FedEx label
    # barcodes that carry the saved number
    context.packing.set_details(pk, 1, ShipmentDetails(
        carrier="FedEx", tracking_numbers=("779017972697", "9101026837331000039521")))
    assert context.scanning.find("779017972697").order_pk == pk
    assert context.scanning.find("1001921334250001000300779017972697").order_pk == pk
    assert context.scanning.find("420221539101026837331000039521").order_pk == pk
    order_id = context.storage.repos.orders.get(pk).snapshot.order_id
    assert context.scanning.find(f"AC-{order_id}").order_pk == pk
    with pytest.raises(ConfigurationError, match="Nothing matches"):
        context.scanning.find("GARBAGE-VALUE")
