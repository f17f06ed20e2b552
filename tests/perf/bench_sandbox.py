"""Sandbox benchmark: generation time, and list throughput seen by a client in another process.

    python tests/perf/bench_sandbox.py [--orders 100000] [--requests 1000]

Prints one JSON object. The client (this file with --client, run as a subprocess) changes an
order's status with PUT /orders/{id}/status before every list request and checks that the list
shows the change: newest-first lists and incremental `updated_at=gte:` queries alternate, each
count=100&expand=items with the rate limit off.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def client(base_url: str, token: str, requests: int, seed: int) -> dict[str, Any]:
    """Runs in the subprocess: PUT a status, then list; verify; time the list calls."""
    import httpx

    rng = random.Random(seed)
    errors: list[str] = []
    list_seconds = 0.0
    with httpx.Client(base_url=base_url + "/api/v1", headers={"X-AC-Auth-Token": token},
                      timeout=30) as http:
        total = http.get("/orders?count=1").json()["total_count"]
        ids = [100001 + i for i in range(total)]
        started = time.perf_counter()
        for n in range(requests):
            order_id = rng.choice(ids)
            status = rng.choice([1, 2, 6, 10, 11])
            changed = http.put(f"/orders/{order_id}/status", json={"order_status_id": status})
            if changed.status_code != 200:
                errors.append(f"PUT {order_id}: {changed.status_code}")
                continue
            stamp = changed.json()["updated_at"]
            if n % 2:
                params = {"updated_at": f"gte:{stamp}", "sort": "updated_at"}
            else:
                params = {"sort": "-updated_at"}
            t0 = time.perf_counter()
            listed = http.get("/orders", params={**params, "count": 100, "expand": "items"})
            list_seconds += time.perf_counter() - t0
            body = listed.json() if listed.status_code == 200 else {"orders": []}
            first = body["orders"][0] if body["orders"] else {}
            if first.get("id") != order_id or first.get("order_status_id") != status:
                errors.append(f"list {n} did not show order {order_id} in status {status}")
            elif "items" not in first:
                errors.append(f"list {n} not expanded")
        wall = time.perf_counter() - started
    return {"list_requests": requests, "list_seconds": round(list_seconds, 3),
            "list_requests_per_s": round(requests / list_seconds, 1) if list_seconds else None,
            "wall_seconds_incl_writes": round(wall, 3),
            "requests_per_s_incl_writes": round(2 * requests / wall, 1),
            "errors": len(errors), "first_errors": errors[:5]}


def run(orders: int, requests: int, seed: int = 1) -> dict[str, Any]:
    from app.sandbox import Sandbox, SandboxConfig
    from app.sandbox.clock import Clock
    from app.sandbox.data import generate

    started = time.perf_counter()
    generate(seed, orders, Clock().now())
    generate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sandbox = Sandbox(SandboxConfig(orders=orders, seed=seed, rate_limit=None))
    startup_seconds = time.perf_counter() - started
    with sandbox:
        proc = subprocess.run(
            [sys.executable, __file__, "--client", sandbox.base_url, sandbox.token,
             "--requests", str(requests), "--seed", str(seed)],
            capture_output=True, text=True, timeout=600, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"client failed: {proc.stderr[-2000:]}")
        result = json.loads(proc.stdout)
        counters = sandbox.control.counters()
    return {"orders": orders, "generate_seconds": round(generate_seconds, 2),
            "sandbox_startup_seconds": round(startup_seconds, 2), **result,
            "server_api_requests": counters["total"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--client", nargs=2, metavar=("BASE_URL", "TOKEN"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        print(json.dumps(client(args.client[0], args.client[1], args.requests, args.seed)))
        return 0
    print(json.dumps(run(args.orders, args.requests, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
