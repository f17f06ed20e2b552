"""Small-scale run of tests/perf/bench_sandbox.py: checks the run is correct, not its timing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.perf
def test_sandbox_bench_small() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_sandbox", Path(__file__).with_name("bench_sandbox.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(orders=300, requests=30)
    assert result["errors"] == 0, result["first_errors"]
    assert result["list_requests"] == 30
    assert result["server_api_requests"] >= 61  # 1 count + 30 PUT + 30 lists
