"""Pacing for the store's call limit: `max` calls per fixed 10-second window.

How it paces, and why
---------------------
The store counts calls in fixed 10 s windows whose phase we cannot see; every response says
`X-AC-Call-Limit: used/max`. The rule used here is a *sliding-window log*: never let more than
`max` of our calls fall into any span of `window + margin` seconds. Any fixed 10 s window, whatever
its phase, lies inside such a span, so if we are the only caller no window ever counts more than
`max` calls: zero 429s, without knowing the phase.

Each call is logged when it starts and re-stamped when its response arrives. The store counted it
somewhere between those two moments, so the response time is a safe upper bound and the log entry
expires `window + margin` after it; an in-flight call never expires. The next call can only be
counted after it is sent, so latency cannot squeeze two calls into one window.

Throughput: the first `max` calls go at once, then each call waits for the call `max` places
before it to age out, which settles into `max` calls per `window + margin + latency`, i.e. within
a few percent of the floor `requests / (max / 10)` seconds (the 1.3x budget is not approached).
Spacing calls evenly at `max / 10` per second would be no faster and, at exactly that rate, one
latency jitter can put `max + 1` calls into one window; the log needs no such fudge.

What the header adds: if the store reports more calls in its window than our log holds, someone
else (another PackDesk, another app with the same token, a run seconds ago) used them. We log the
difference as calls made now, which makes us wait for them to age out too. Until the first header
arrives we assume the smallest plan (5 per 10 s), so a burst at start-up cannot overshoot.

A 429 (or a store that answered with Retry-After) blocks every caller until that moment plus a
margin: API.md notes that retrying at exactly the given moment has produced 5xx answers.

Thread-safe: one Throttle per connection is shared by the sync and the outbox worker. `clock` and
`sleep` are injected so tests run on a fake clock.
"""
from __future__ import annotations

import email.utils
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.clock import utc_now

log = logging.getLogger(__name__)

WINDOW_SECONDS = 10.0
SMALLEST_PLAN_MAX = 5  # Steel plan: the safe assumption before the first response
_IN_FLIGHT = float("inf")  # an unanswered call never ages out


@dataclass(frozen=True)
class CallLimit:
    used: int
    max: int


def parse_call_limit(value: str | None) -> CallLimit | None:
    """`X-AC-Call-Limit: 12/50` -> CallLimit(12, 50); anything malformed -> None."""
    if not value:
        return None
    used, sep, maximum = value.strip().partition("/")
    try:
        result = CallLimit(int(used), int(maximum))
    except ValueError:
        return None
    return result if sep and result.max > 0 and result.used >= 0 else None


def parse_retry_after(value: str | None, *,
                      now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` given as seconds or as an HTTP-date; None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT; a missing zone means the same
        when = when.replace(tzinfo=UTC)
    current = now() if now else utc_now()
    return max(0.0, (when - current).total_seconds())


class Permit:
    """One call let through by the throttle; hand it back with `Throttle.done`."""

    __slots__ = ("ticket",)

    def __init__(self, ticket: int) -> None:
        self.ticket = ticket


class Throttle:
    """Paces calls to one store so its fixed-window call limit is never exceeded (module doc)."""

    def __init__(self, *, window: float = WINDOW_SECONDS, margin: float = 0.25,
                 retry_after_margin: float = 1.0, poll: float = 0.05,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._span = window + margin
        self._retry_after_margin = retry_after_margin
        self._poll = poll  # only used while every slot is held by an unanswered call
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._log: dict[int, float] = {}  # ticket -> expiry (inf while in flight)
        self._tickets = itertools.count()
        self._max: int | None = None
        self._blocked_until = 0.0
        self.total_wait = 0.0  # seconds spent waiting here, for run statistics

    @property
    def max_calls(self) -> int | None:
        """The plan's calls per window as last reported by the store, None before any response."""
        return self._max

    def acquire(self) -> Permit:
        """Block until a call may start; return its permit."""
        while True:
            with self._lock:
                wait = self._wait_needed(self._clock())
                if wait <= 0:
                    ticket = next(self._tickets)
                    self._log[ticket] = _IN_FLIGHT
                    return Permit(ticket)
                self.total_wait += wait
            log.debug("throttle: waiting %.2f s", wait)
            self._sleep(wait)

    def done(self, permit: Permit, limit: CallLimit | None = None) -> None:
        """The call's response arrived (or it failed): stamp it and learn from its header."""
        with self._lock:
            now = self._clock()
            self._log[permit.ticket] = now + self._span
            if limit is not None:
                self._learn(now, limit)

    def release(self, permit: Permit) -> None:
        """The call never reached the store (connection refused, DNS): it takes no slot."""
        with self._lock:
            self._log.pop(permit.ticket, None)

    def block_for(self, seconds: float | None) -> None:
        """The store said 429: nobody calls before `seconds` (+margin); unknown -> a full window."""
        delay = self._span if seconds is None else seconds + self._retry_after_margin
        with self._lock:
            until = self._clock() + delay
            self._blocked_until = max(self._blocked_until, until)

    def _wait_needed(self, now: float) -> float:
        self._expire(now)
        wait = self._blocked_until - now
        excess = len(self._log) - (self._max or SMALLEST_PLAN_MAX) + 1
        if excess > 0:
            expiries = sorted(self._log.values())
            oldest_to_free = expiries[excess - 1]
            wait = max(wait, self._poll if oldest_to_free == _IN_FLIGHT else oldest_to_free - now)
        return wait

    def _expire(self, now: float) -> None:
        for ticket in [t for t, expiry in self._log.items() if expiry <= now]:
            del self._log[ticket]

    def _learn(self, now: float, limit: CallLimit) -> None:
        self._max = limit.max
        self._expire(now)
        unseen = limit.used - len(self._log)
        for _ in range(unseen):  # calls the store counted that were not ours
            self._log[next(self._tickets)] = now + self._span
        if unseen > 0:
            log.debug("throttle: store counts %d calls we did not make", unseen)
