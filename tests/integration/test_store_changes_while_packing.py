"""The store changes an order after packing began: the sync flags it with what changed, and
shipping waits for the packer's acknowledgement (DESIGN: Remote changes). Real HTTP, real SQLite."""
from __future__ import annotations

import pytest

from app.db.repositories.shipments import ShipmentDetails
from app.services.packing import PackingInterrupted
from tests.support.sandbox_orders import new_order, synced_order_pk

UNSCANNED = "not scanned: a service test"
DETAILS = ShipmentDetails(carrier="UPS", service="UPS Ground",
                          tracking_numbers=("1Z999AA10123456784",))


def test_lines_changed_in_the_store_flag_the_order_and_shipping_waits(connected, sandbox):
    context, record = connected
    order_id = new_order(sandbox, (2, 1))
    pk = synced_order_pk(context, record, order_id)
    context.packing.begin(pk)
    first, second = sandbox.control.order(order_id)["items"]
    sandbox.control.advance_clock(minutes=5)
    sandbox.control.set_line_quantity(first["id"], 3)
    sandbox.control.add_line(order_id, product_id=second["product_id"], quantity=1)
    result = context.sync.sync(record.id)
    assert result.outcome == "ok" and result.orders_flagged == 1
    reason = context.storage.repos.orders.get(pk).flag_reason
    assert "lines changed in the store: 1 line(s) added, quantity changed on 1 line(s)" in reason
    with pytest.raises(PackingInterrupted, match="lines changed in the store"):
        context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
    context.packing.acknowledge(pk)
    assert context.storage.repos.orders.get(pk).flag_acknowledged_at is not None


def test_payment_declined_in_the_store_flags_the_order(connected, sandbox):
    context, record = connected
    order_id = new_order(sandbox, (1,))
    pk = synced_order_pk(context, record, order_id)
    context.packing.begin(pk)
    declined = sandbox.control.add_status("Payment Declined", is_declined=True)
    sandbox.control.advance_clock(minutes=5)
    sandbox.control.set_order_status(order_id, declined["id"])
    result = context.sync.sync(record.id)
    assert result.outcome == "ok" and result.orders_flagged == 1
    assert "payment declined in the store (Payment Declined)" in \
        context.storage.repos.orders.get(pk).flag_reason
