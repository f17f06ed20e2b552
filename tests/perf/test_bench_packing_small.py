"""Small-scale run of tests/perf/bench_packing.py: checks each measurement runs correctly
(opening cached orders, scans to painted feedback), not its timing."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.perf
def test_packing_bench_small(tmp_path, qapp) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_packing", Path(__file__).with_name("bench_packing.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(orders=60, opens=3, scans=6, data_dir=tmp_path)
    print(result)
    assert result["errors"] == []
    assert result["sync_outcome"] == "ok" and result["cached"] > 10
    assert result["open_order_ms"]["n"] >= 3 and result["open_order_ms"]["median"] > 0
    assert result["scan_feedback_ms"]["n"] == 6 and result["scan_feedback_ms"]["median"] > 0
