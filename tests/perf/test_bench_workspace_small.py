"""Small-scale run of tests/perf/bench_workspace.py: checks each measurement runs correctly
(first paint from a spawned app, search, sort, a sync with a heartbeat), not its timing."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.perf
def test_workspace_bench_small(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_workspace", Path(__file__).with_name("bench_workspace.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(orders=300, sync_orders=200, data_dir=tmp_path / "station",
                       paint_runs=1)
    assert result["prepared"]["outcome"] == "ok" and result["prepared"]["cached"] > 200
    assert len(result["first_paint_ms"]) == 1 and result["first_paint_ms"][0] > 0
    assert result["errors"] == []
    assert result["rows"] == result["prepared"]["cached"]
    assert result["keystrokes"] == sum(len(s) for s in bench.SEARCHES)
    assert len(result["sort_ms"]) == 12
    assert result["sync_outcome"] == "ok" and result["sync_cached"] > 100
    assert result["sync_rows_shown"] > 0 and result["heartbeats"] > 0
    assert result["progress_events"] > 0 and result["rss_mb"] > 0
