"""Small-scale run of tests/perf/bench_integrity.py: checks each measurement runs correctly
(full check, budgeted start-up check, backup, garbage detected), not its timing."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.perf
def test_integrity_bench_small(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_integrity", Path(__file__).with_name("bench_integrity.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(orders=300, data_dir=tmp_path / "station")
    assert result["prepared"]["outcome"] == "ok" and result["prepared"]["cached"] > 200
    assert len(result["quick_check_ms_runs"]) == 3 and result["quick_check_ms"] > 0
    assert result["startup_check_complete"] and result["backup_mb"] > 0
    assert result["damaged_detected"]
