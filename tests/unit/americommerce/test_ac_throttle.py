from __future__ import annotations

import math
import random
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest

from app.integrations.americommerce.throttle import (
    CallLimit,
    Throttle,
    parse_call_limit,
    parse_retry_after,
)


@pytest.mark.parametrize("text, expected", [
    ("12/50", CallLimit(12, 50)), (" 0/5 ", CallLimit(0, 5)), ("51/50", CallLimit(51, 50)),
    ("", None), (None, None), ("12", None), ("a/b", None), ("3/0", None), ("-1/5", None),
])
def test_parse_call_limit(text, expected):
    assert parse_call_limit(text) == expected


def test_parse_retry_after_seconds_and_http_date():
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after("Wed, 01 May 2024 12:00:04 GMT", now=lambda: now) == 4.0
    assert parse_retry_after("Wed, 01 May 2024 11:59:00 GMT", now=lambda: now) == 0.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def _throttle(clock, **kw) -> Throttle:
    return Throttle(clock=clock, sleep=clock.sleep, **kw)


def _call(throttle, clock, *, latency=0.0, limit=None):
    permit = throttle.acquire()
    clock.advance(latency)
    throttle.done(permit, limit)


def test_assumes_smallest_plan_before_any_header(clock):
    throttle = _throttle(clock)
    for _ in range(5):
        _call(throttle, clock)
    assert clock.sleeps == []
    _call(throttle, clock)
    assert clock.sleeps == [pytest.approx(10.25)]


def test_burst_of_max_then_waits_for_the_oldest_to_age_out(clock):
    throttle = _throttle(clock)
    for used in range(1, 21):
        _call(throttle, clock, latency=0.1, limit=CallLimit(used, 20))
    assert clock.sleeps == []
    _call(throttle, clock, latency=0.1)
    # the first call answered at +0.1 s: it ages out at +0.1 + 10 + 0.25; now is +2.0
    assert clock.sleeps == [pytest.approx(0.1 + 10.25 - 2.0)]


def test_in_flight_calls_never_age_out(clock):
    sleeps: list[float] = []

    def sleep(seconds):  # the answer to the first call arrives while we wait
        sleeps.append(seconds)
        clock.advance(seconds)
        if len(sleeps) == 1:
            throttle.done(permits[0])

    throttle = Throttle(clock=clock, sleep=sleep, poll=0.5)
    permits = [throttle.acquire() for _ in range(5)]
    clock.advance(60)  # however long they take, unanswered calls keep their slot
    throttle.acquire()
    assert sleeps == [0.5, pytest.approx(10.25)]  # polled, then waited for the answered one


def test_calls_counted_by_the_store_but_not_ours_are_waited_for(clock):
    throttle = _throttle(clock)
    _call(throttle, clock, limit=CallLimit(10, 10))  # another app used the window
    _call(throttle, clock)
    assert clock.sleeps == [pytest.approx(10.25)]
    assert throttle.max_calls == 10


def test_retry_after_blocks_everyone_with_a_margin(clock):
    throttle = _throttle(clock)
    throttle.block_for(3.0)
    _call(throttle, clock)
    assert clock.sleeps == [pytest.approx(4.0)]
    throttle.block_for(None)  # no Retry-After: a full window
    _call(throttle, clock)
    assert clock.sleeps[1] == pytest.approx(10.25)
    assert throttle.total_wait == pytest.approx(14.25)


class FixedWindowStore:
    """The store's counter: fixed 10 s windows starting at `phase`, `max` calls each."""

    def __init__(self, maximum: int, phase: float) -> None:
        self.max, self.phase = maximum, phase
        self.counts: Counter[int] = Counter()
        self.too_many = 0

    def count(self, at: float) -> CallLimit:
        window = math.floor((at - self.phase) / 10.0)
        self.counts[window] += 1
        if self.counts[window] > self.max:
            self.too_many += 1
        return CallLimit(self.counts[window], self.max)


@pytest.mark.parametrize("maximum", [5, 10, 20, 50])
@pytest.mark.parametrize("seed", range(4))
def test_simulated_sync_has_no_429_and_stays_near_the_floor(clock, maximum, seed):
    rng = random.Random(seed)
    store = FixedWindowStore(maximum, phase=rng.uniform(0, 10))
    throttle = _throttle(clock)
    start, requests, latency = clock(), 12 * maximum, 0.0
    for _ in range(requests):
        permit = throttle.acquire()
        there, back = rng.uniform(0.01, 0.15), rng.uniform(0.01, 0.15)
        clock.advance(there)  # the request travels, the store counts it
        limit = store.count(clock())
        clock.advance(back)
        throttle.done(permit, limit)
        latency += there + back
    assert store.too_many == 0
    # Sequential calls cannot beat their own latency; otherwise the plan's floor is the bound.
    floor = max(requests / (maximum / 10), latency)
    assert clock() - start <= 1.3 * floor


def test_shared_by_threads_without_exceeding_the_limit(clock):
    store = FixedWindowStore(10, phase=3.3)
    throttle = _throttle(clock)
    lock = threading.Lock()

    def worker():
        for _ in range(15):
            permit = throttle.acquire()
            with lock:
                limit = store.count(clock())
            clock.advance(0.05)
            throttle.done(permit, limit)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(store.counts.values()) == 60
    assert store.too_many == 0


def test_a_call_that_never_reached_the_store_takes_no_slot():
    from app.integrations.americommerce.throttle import SMALLEST_PLAN_MAX, Throttle

    now = [0.0]
    throttle = Throttle(clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    for _ in range(SMALLEST_PLAN_MAX * 3):  # offline: every connect fails at once
        throttle.release(throttle.acquire())
    assert now[0] == 0.0  # nobody waited for a window
    for _ in range(SMALLEST_PLAN_MAX):
        throttle.done(throttle.acquire())
    throttle.acquire()  # the sixth real call of the window has to wait
    assert now[0] > 9.0
