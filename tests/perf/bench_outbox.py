"""Outbox benchmark: drain queued shipments (and their status changes) to a rate-limited store.

    python tests/perf/bench_outbox.py [--shipments 300] [--rate-limit 50] [--latency-ms 200]
                                      [--fresh]

The sandbox runs in its own process (bench_sync's SandboxProcess), counting what it serves. The
station imports the store, marks N orders shipped (one shipment each, so each also queues the
"Shipped" status), then — by default — ages every order's last read past the 60-second rule so
the push must re-read them all (in bulk) first; `--fresh` skips that. Counters are reset before
the push. Prints one JSON object; targets: requests_per_shipment <= 2.2, wall_over_floor <= 1.15
(floor = requests / (limit / 10)), responses_429 == 0, store_shipments == N.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.perf.bench_sync import TOKEN, SandboxProcess  # noqa: E402


def _packable(context, count: int) -> list[int]:
    from sqlmodel import select

    from app.db.tables import Order

    with context.storage.db.read() as session:
        pks = list(session.exec(select(Order.id).order_by(Order.id)))
    found = []
    for pk in pks:
        view = context.packing.view(pk)
        if len(view.numbered()) == 1 and not view.lines.covered_elsewhere \
                and not view.lines.all_non_shipping() and not view.interruption:
            found.append(pk)
            if len(found) == count:
                break
    return found


def run(shipments: int, rate_limit: int | None, latency_ms: int, *, fresh: bool = False,
        store_orders: int | None = None) -> dict:
    import keyring
    from sqlalchemy import update

    from app.bootstrap import build_context
    from app.db.repositories.shipments import ShipmentDetails
    from app.db.tables import Order
    from app.domain.connection_settings import ConnectionSettings
    from app.paths import resolve_paths
    from app.secrets import SecretStore
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    sandbox = SandboxProcess(store_orders or max(200, shipments * 4), rate_limit, latency_ms)
    try:
        with tempfile.TemporaryDirectory(prefix="packdesk-bench-outbox-") as data_dir:
            context = build_context(resolve_paths(data_dir), secrets=SecretStore())
            try:
                record = context.connections.add(ConnectionSettings(
                    name="bench", address=sandbox.domain, created_within_days=90), TOKEN)
                sync = context.sync.sync(record.id)
                shipped = next(s.id for s in context.storage.repos.connections.statuses(record.id)
                               if s.name == "Shipped")
                context.connections.update(record.id, record.settings.with_changes(
                    shipped_status_id=shipped))
                pks = _packable(context, shipments)
                t_pack = time.perf_counter()
                for n, pk in enumerate(pks):
                    context.packing.ship(pk, 1, ShipmentDetails(
                        carrier="UPS", service="UPS Ground",
                        tracking_numbers=(f"1Z999AA1{n:010d}",), carrier_fee=Decimal("7.10")),
                        unverified_reason="benchmark: not scanned")
                pack_s = time.perf_counter() - t_pack
                if not fresh:
                    with context.storage.db.write() as session:
                        session.execute(update(Order).values(
                            last_read_at=datetime.now(UTC) - timedelta(minutes=5)))
                sandbox.control("reset_counters")
                t0 = time.perf_counter()
                result = context.outbox.run_until_idle()
                wall = time.perf_counter() - t0
                counters = sandbox.control("counters")
                waiting = len(context.outbox.waiting_order_pks())
                order_ids = [context.storage.repos.orders.get(pk).snapshot.order_id for pk in pks]
            finally:
                context.close()
        held = 0
        for i in range(0, len(order_ids), 100):
            import httpx
            response = httpx.get(
                f"http://{sandbox.domain}/api/v1/order_shipments",
                params={"order_id": " OR ".join(map(str, order_ids[i:i + 100])),
                        "count": 1000}, headers={"X-AC-Auth-Token": TOKEN}, timeout=60)
            if response.status_code == 200:
                held += len([s for s in response.json()["shipments"]
                             if str(s.get("shipment_name", "")).startswith("PD-")])
    finally:
        sandbox.stop()
    requests = counters["total"]
    floor = requests / (rate_limit / 10) if rate_limit else None
    summary = result.as_dict()
    return {
        "benchmark": "outbox_drain",
        "shipments": len(pks), "rate_limit_per_10s": rate_limit, "latency_ms": latency_ms,
        "reread": not fresh, "sync_outcome": sync.outcome, "pack_s": round(pack_s, 2),
        "requests": requests, "requests_by_route": counters["by_route"],
        "requests_per_shipment": round(requests / max(len(pks), 1), 3),
        "wall_s": round(wall, 2), "floor_s": round(floor, 2) if floor else None,
        "wall_over_floor": round(wall / floor, 3) if floor else None,
        "responses_429": counters["throttled"],
        "sent": summary["sent"], "skipped": summary["skipped"], "failed": summary["failed"],
        "stopped": summary["stopped"], "retry_later": summary["retry_later"],
        "orders_waiting": waiting, "store_shipments": held,
        "targets": {"requests_per_shipment": 2.2, "wall_over_floor": 1.15, "responses_429": 0,
                    "store_shipments": len(pks)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=300)
    parser.add_argument("--rate-limit", type=int, default=50)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--store-orders", type=int, default=None)
    parser.add_argument("--fresh", action="store_true",
                        help="orders read under a minute ago: no re-read before the push")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(run(args.shipments, args.rate_limit, args.latency_ms, fresh=args.fresh,
                         store_orders=args.store_orders), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
