"""An order the store sends without a status is imported and flagged, not left out without a
trace (DESIGN: the import rule; issue 13's "nothing disappears"). Real HTTP, real SQLite."""
from __future__ import annotations

from tests.support.sandbox_orders import new_order, synced_order_pk


def test_an_order_without_a_status_is_imported_and_flagged(connected, sandbox):
    context, record = connected
    order_id = new_order(sandbox, (1,))
    sandbox.control.poison_order(order_id, fields={"order_status_id": None})
    pk = synced_order_pk(context, record, order_id)
    order = context.storage.repos.orders.get(pk)
    assert order.snapshot.order_status_id is None
    assert "no order status in the store's answer" in order.flag_reason
