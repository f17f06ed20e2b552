"""`packdesk orders --status VIEW` as a real subprocess: On Hold, Refunded, shipped by another
tool and partly shipped orders land in the views the store's data says."""
from __future__ import annotations

import json

from tests.integration.test_cli_slips import store  # noqa: F401  (connected and synced)

PARTIALLY_SHIPPED = "partially_shipped"


def test_cli_orders_status_views(run, store):
    awaiting = json.loads(run("orders", "--json").stdout)
    on_hold_id, refunded_id = _custom_status_ids(run.data_dir)
    held, refunded, shipped = (o["order_id"] for o in awaiting[:3])
    partial = next(o["order_id"] for o in awaiting[3:] if o["units"] >= 2)
    store.control.set_order_status(held, on_hold_id)
    store.control.set_order_status(refunded, refunded_id)
    store.control.add_shipment(shipped)  # another tool shipped it all, the status unchanged
    item = store.control.order(partial)["items"][0]
    store.control.add_shipment(partial, items=[{"id": item["id"], "quantity_shipped": 1}])
    assert run("sync").returncode == 0

    def listed(view: str) -> set[int]:
        result = run("orders", "--status", view, "--json")
        assert result.returncode == 0, result.stderr
        return {o["order_id"] for o in json.loads(result.stdout)}

    queue = listed("awaiting_shipment")
    assert held not in queue and refunded not in queue and shipped not in queue
    assert held in listed("on_hold")
    assert refunded in listed("cancelled")
    assert shipped in listed("shipped")
    assert partial in queue and partial in listed(PARTIALLY_SHIPPED)


def _custom_status_ids(data_dir) -> tuple[int, int]:
    from app.bootstrap import build_context
    from app.paths import resolve_paths

    context = build_context(resolve_paths(data_dir))
    try:
        names = {s.name: s.id for r in context.storage.repos.connections.all()
                 for s in context.storage.repos.connections.statuses(r.id)}
    finally:
        context.close()
    return names["On Hold"], names["Refunded"]
