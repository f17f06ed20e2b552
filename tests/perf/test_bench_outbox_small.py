"""The outbox benchmark at a small scale, so it cannot rot: correctness, not timing."""
import pytest

from tests.perf.bench_outbox import run


@pytest.mark.perf
def test_outbox_bench_small():
    figures = run(shipments=20, rate_limit=None, latency_ms=0, store_orders=200)
    assert figures["shipments"] == 20
    assert figures["store_shipments"] == 20
    assert figures["failed"] == figures["stopped"] == figures["retry_later"] == 0
    assert figures["orders_waiting"] == 0
    assert figures["responses_429"] == 0
    assert figures["requests_per_shipment"] <= 2.2
