"""Integrity-check benchmark: what the start-up check and a backup cost at 100,000 orders.

    python tests/perf/bench_integrity.py [--orders 100000] [--data-dir /tmp/packdesk-bench-100000]

Prints one JSON object. The database is the one tests/perf/bench_workspace.py builds (the app's
own sync from a sandbox store), reused when it is already there. Measured on a copy, so the
kept database is never changed:

- quick_check_ms: `PRAGMA quick_check` in full (what runs after an unclean exit and before each
  periodic backup), median of 3, the file in the OS cache.
- startup_check_ms / startup_check_complete: a command's clean-start check with its budget
  (db_health.STARTUP_BUDGET_S).
- gui_startup_check_ms: what the GUI's first paint waits for (the instant part; the full check
  runs beside it and writes wait for that).
- backup_ms / backup_mb: one periodic backup (SQLite's backup API) and its size.
- damaged_detected_ms: the full check of the copy with 16 KB of garbage in the middle.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _workspace_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_workspace", Path(__file__).with_name("bench_workspace.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def run(orders: int = 100_000, data_dir: Path | None = None) -> dict[str, Any]:
    from app.db.migrate import backup_database
    from app.paths import resolve_paths
    from app.services import db_health

    data_dir = data_dir or Path(f"/tmp/packdesk-bench-{orders}")
    prepared = _workspace_bench().prepare(data_dir, orders)
    with tempfile.TemporaryDirectory(prefix="packdesk-integrity-") as tmp:
        paths = resolve_paths(Path(tmp) / "station").ensure()
        backup_database(resolve_paths(data_dir).database, Path(tmp), "copy")  # a consistent copy
        copy = next(Path(tmp).glob("packdesk-*.sqlite3"))
        shutil.move(copy, paths.database)
        size_mb = round(paths.database.stat().st_size / 1e6, 1)
        full = []
        for _ in range(3):
            started = time.perf_counter()
            problem, complete = db_health.find_problem(paths.database)
            full.append(_ms(started))
            assert not problem and complete, problem
        started = time.perf_counter()
        startup = db_health.check(paths, budget_s=db_health.STARTUP_BUDGET_S)
        startup_ms = _ms(started)
        started = time.perf_counter()
        db_health.check(paths, budget_s=0.0)
        gui_ms = _ms(started)
        started = time.perf_counter()
        backup = db_health.backup_if_due(paths)
        backup_ms = _ms(started)  # includes the full check it runs first
        assert backup is not None
        backup_mb = round(backup.stat().st_size / 1e6, 1)
        with open(paths.database, "r+b") as handle:
            handle.seek(os.path.getsize(paths.database) // 2)
            handle.write(os.urandom(16 * 1024))
        started = time.perf_counter()
        damaged, _ = db_health.find_problem(paths.database)
        damaged_ms = _ms(started)
    return {"orders": orders, "prepared": prepared, "database_mb": size_mb,
            "quick_check_ms": statistics.median(full), "quick_check_ms_runs": full,
            "startup_budget_s": db_health.STARTUP_BUDGET_S, "startup_check_ms": startup_ms,
            "startup_check_complete": startup.complete, "gui_startup_check_ms": gui_ms,
            "backup_ms": backup_ms, "backup_mb": backup_mb,
            "damaged_detected": bool(damaged), "damaged_detected_ms": damaged_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    print(json.dumps(run(args.orders, args.data_dir), indent=2), flush=True)


if __name__ == "__main__":
    main()
