"""Small-scale run of tests/perf/bench_slips.py: checks the run is correct, not its timing."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.support.tools import ZBAR_HINT, require_tool


@pytest.mark.perf
def test_slips_bench_small() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_slips", Path(__file__).with_name("bench_slips.py"))
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(slips=20)
    assert result["pages"] == 20 and result["pages_ok"]
    require_tool("pdftoppm", "zbarimg", hint=ZBAR_HINT)  # the page count above was checked
    assert len(result["decode"]) == 3 and result["decode_ok"], result["decode"]
