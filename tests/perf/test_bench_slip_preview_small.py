"""Small-scale run of tests/perf/bench_slip_preview.py: checks the measurement runs correctly
(real service, real dialog, first page painted for every sample), not its timing."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.perf
def test_slip_preview_bench_small(qapp) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_slip_preview", Path(__file__).with_name("bench_slip_preview.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(orders=60, samples=3)
    assert result["errors"] == [] and result["sync_outcome"] == "ok"
    assert result["warmed_up"] and result["first_ms"] > 0
    assert result["samples"] == 3
    assert result["warm_ms"]["n"] == 3 and result["repeat_ms"]["n"] == 3
    assert result["prints_logged"] == 7  # every preview is in the print log
