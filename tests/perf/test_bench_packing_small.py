"""Small-scale run of tests/perf/bench_packing.py: checks each measurement runs correctly
(opening cached orders, scans to painted feedback), not its timing."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
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


@pytest.mark.perf
def test_packing_bench_small_with_real_keys(tmp_path) -> None:
    """The --real-keys run (its own Xvfb, scans typed by xdotool) in a subprocess: its Qt
    must use xcb, and this process's QApplication is offscreen."""
    from tests.acceptance.xsession import require_tools

    require_tools()
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "tests/perf/bench_packing.py", "--orders", "60",
                           "--opens", "2", "--scans", "4", "--real-keys", "--data-dir",
                           str(tmp_path)], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["keys"] == "x11" and result["errors"] == []
    assert result["scan_feedback_ms"]["n"] == 4 and result["scan_feedback_ms"]["median"] > 0
