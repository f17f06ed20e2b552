"""Call limit (429, Retry-After, X-AC-Call-Limit) and injected faults."""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime

import httpx
import pytest

from app.sandbox import Sandbox


def _client(sb: Sandbox, token: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=sb.base_url + "/api/v1", timeout=10,
                        headers={"X-AC-Auth-Token": token or sb.token})


def test_call_limit_header_counts_and_429_retry_after_seconds(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_rate_limit(5, "seconds")
    with _client(own_sandbox) as api:
        used = [api.get("/order_statuses").headers["X-AC-Call-Limit"] for _ in range(5)]
        assert used == ["1/5", "2/5", "3/5", "4/5", "5/5"]
        over = api.get("/order_statuses")
        assert over.status_code == 429
        assert over.json()["status_code"] == 429
        assert over.headers["X-AC-Call-Limit"] == "5/5"
        assert 1 <= int(over.headers["Retry-After"]) <= 10
    # the limit is per token
    own_sandbox.control.add_token("second-token")
    with _client(own_sandbox, "second-token") as other:
        assert other.get("/order_statuses").headers["X-AC-Call-Limit"] == "1/5"
    assert own_sandbox.control.counters()["throttled"] == 1


def test_429_retry_after_as_http_date(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_rate_limit(5, "http-date")
    with _client(own_sandbox) as api:
        responses = [api.get("/stores") for _ in range(6)]
    over = responses[-1]
    assert over.status_code == 429
    moment = parsedate_to_datetime(over.headers["Retry-After"])
    assert 0 < moment.timestamp() - time.time() <= 11


def test_limit_off_still_sends_the_header(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_rate_limit(None)
    with _client(own_sandbox) as api:
        for _ in range(60):
            response = api.get("/stores")
            assert response.status_code == 200
        used, limit = response.headers["X-AC-Call-Limit"].split("/")
        assert int(used) == 60 and int(limit) >= 1000


def test_latency(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_faults(latency_ms=150)
    with _client(own_sandbox) as api:
        started = time.perf_counter()
        api.get("/stores")
        assert time.perf_counter() - started >= 0.15


def test_fail_rate_answers_500_without_applying(own_sandbox: Sandbox) -> None:
    before = own_sandbox.control.order(100001)["order_status_id"]
    target = 5 if before != 5 else 1
    own_sandbox.control.set_faults(fail_rate=1.0)
    with _client(own_sandbox) as api:
        response = api.put("/orders/100001/status", json={"order_status_id": target})
        assert response.status_code == 500 and response.json()["status_code"] == 500
    assert own_sandbox.control.writes() == []
    assert own_sandbox.control.order(100001)["order_status_id"] == before


def test_drop_closes_without_answer_before_applying(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_faults(drop_rate=1.0)
    with _client(own_sandbox) as api, pytest.raises(httpx.RemoteProtocolError):
        api.put("/orders/100001", json={"admin_comments": "dropped"})
    own_sandbox.control.set_faults(drop_rate=0.0)
    assert own_sandbox.control.order(100001)["admin_comments"] != "dropped"
    assert own_sandbox.control.writes() == []


def test_drop_after_write_applies_then_closes(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_faults(drop_after_write_rate=1.0)
    with _client(own_sandbox) as api:
        assert api.get("/stores").status_code == 200  # reads are unaffected
        with pytest.raises(httpx.RemoteProtocolError):
            api.put("/orders/100001", json={"admin_comments": "applied"})
    assert own_sandbox.control.order(100001)["admin_comments"] == "applied"
    assert [w["kind"] for w in own_sandbox.control.writes()] == ["order_updated"]


def test_truncate_cuts_the_json_body(own_sandbox: Sandbox) -> None:
    own_sandbox.control.set_faults(truncate_rate=1.0)
    with _client(own_sandbox) as api:
        response = api.get("/orders?count=5")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_faults_are_deterministic_for_a_seed(own_sandbox: Sandbox) -> None:
    def pattern() -> list[int]:
        own_sandbox.control.set_faults(seed=42, fail_rate=0.5)
        with _client(own_sandbox) as api:
            return [api.get("/stores").status_code for _ in range(30)]

    first = pattern()
    assert first == pattern()
    assert {200, 500} == set(first)
