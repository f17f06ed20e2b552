"""Sync benchmark: a first import and a no-change re-sync against a rate-limited, slow store.

    python tests/perf/bench_sync.py [--orders 10000] [--rate-limit 50] [--latency-ms 200]
                                    [--page-cap 100]

The sandbox runs in its own process (as a real store would), counting the requests it serves.
The station imports every order of the store (all statuses, 90-day window) into a fresh data
directory, then syncs again with nothing changed. The sandbox pages every list, select_many
too, at `count` (default 100); `--page-cap N` makes it a store that serves at most N per page
whatever `count` says. Prints one JSON object:

- requests_per_1000_orders (target <= 40), wall_s vs floor_s = requests / (limit / 10)
  (target ratio <= 1.3), responses_429 (target 0), resync_requests (target 1).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOKEN = "bench-sync-token-5f1c2e9a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SandboxProcess:
    """`packdesk sandbox` in a subprocess; its control API reached over HTTP."""

    def __init__(self, orders: int, rate_limit: int | None, latency_ms: int, seed: int = 5,
                 page_cap: int = 0):
        self.port = free_port()
        args = [sys.executable, "-m", "app", "sandbox", "--port", str(self.port),
                "--orders", str(orders), "--seed", str(seed), "--token", TOKEN,
                "--latency-ms", str(latency_ms)]
        if rate_limit:
            args += ["--rate-limit", str(rate_limit)]
        if page_cap:
            args += ["--page-cap", str(page_cap)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.key = ""
        for line in self.process.stdout:  # type: ignore[union-attr]
            if match := re.search(r"control key:\s+(\S+)", line):
                self.key = match.group(1)
            if "Press Ctrl+C" in line:
                break
        if not self.key:
            raise RuntimeError("the sandbox did not start")
        self.domain = f"127.0.0.1:{self.port}"

    def control(self, method: str, **kwargs):
        response = httpx.post(f"http://{self.domain}/_sandbox/{method}", json=kwargs,
                              headers={"X-Sandbox-Key": self.key}, timeout=60)
        response.raise_for_status()
        return response.json()["result"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def run(orders: int, rate_limit: int | None, latency_ms: int, page_cap: int = 0) -> dict:
    import keyring

    from app.bootstrap import build_context
    from app.domain.connection_settings import ConnectionSettings
    from app.paths import resolve_paths
    from app.secrets import SecretStore
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    started_sandbox = time.perf_counter()
    sandbox = SandboxProcess(orders, rate_limit, latency_ms, page_cap=page_cap)
    sandbox_start_s = time.perf_counter() - started_sandbox
    try:
        with tempfile.TemporaryDirectory(prefix="packdesk-bench-sync-") as data_dir:
            context = build_context(resolve_paths(data_dir), secrets=SecretStore())
            try:
                statuses = httpx.get(f"http://{sandbox.domain}/api/v1/order_statuses",
                                     headers={"X-AC-Auth-Token": TOKEN}).json()["order_statuses"]
                sandbox.control("reset_counters")
                record = context.connections.add(ConnectionSettings(
                    name="bench", address=sandbox.domain, created_within_days=90,
                    import_statuses=tuple(s["name"].replace(",", "") for s in statuses
                                          if not s.get("is_quote_status"))), TOKEN)
                connect_requests = sandbox.control("counters")["total"]
                sandbox.control("reset_counters")
                t0 = time.perf_counter()
                first = context.sync.sync(record.id)
                wall = time.perf_counter() - t0
                counters = sandbox.control("counters")
                sandbox.control("reset_counters")
                second = context.sync.sync(record.id)
                resync = sandbox.control("counters")
                imported = context.storage.repos.orders.count(record.id)
            finally:
                context.close()
    finally:
        sandbox.stop()
    requests = counters["total"]
    per_second = (rate_limit or 0) / 10
    floor = requests / per_second if per_second else None
    return {
        "benchmark": "sync_first_import",
        "store_orders": orders, "orders_imported": imported,
        "rate_limit_per_10s": rate_limit, "latency_ms": latency_ms, "page_cap": page_cap,
        "sandbox_start_s": round(sandbox_start_s, 2),
        "connect_requests": connect_requests,
        "requests": requests, "requests_by_route": counters["by_route"],
        "requests_per_1000_orders": round(requests / max(imported, 1) * 1000, 1),
        "wall_s": round(wall, 2), "floor_s": round(floor, 2) if floor else None,
        "wall_over_floor": round(wall / floor, 3) if floor else None,
        "responses_429": counters["throttled"],
        "outcome": first.outcome, "error": first.error,
        "resync_requests": resync["total"], "resync_outcome": second.outcome,
        "targets": {"requests_per_1000_orders": 40, "wall_over_floor": 1.3,
                    "responses_429": 0, "resync_requests": 1},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rate-limit", type=int, default=50)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--page-cap", type=int, default=0,
                        help="the store serves at most N records per page (0 = honours count)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(run(args.orders, args.rate_limit, args.latency_ms, args.page_cap),
                     indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
