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


@pytest.mark.perf
def test_sync_bench_small_against_a_store_that_caps_pages():
    figures = run(orders=300, rate_limit=None, latency_ms=0, page_cap=50)
    assert figures["outcome"] == "ok", figures["error"]
    assert figures["orders_imported"] > 250 and figures["page_cap"] == 50
    by_route = figures["requests_by_route"]
    # a page of 50 orders has ~100 addresses: two select_many pages each, every one followed
    assert by_route["GET /order_addresses/select_many"] >= 2 * by_route["GET /orders"]
