"""The sync benchmark at a small scale, so it cannot rot: correctness, not timing."""
import pytest

from tests.perf.bench_sync import run


@pytest.mark.perf
def test_sync_bench_small():
    figures = run(orders=300, rate_limit=None, latency_ms=0)
    assert figures["outcome"] == "ok", figures["error"]
    assert figures["orders_imported"] > 250  # every non-quote order of the store
    assert figures["responses_429"] == 0
    assert figures["resync_requests"] == 1
