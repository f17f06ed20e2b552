"""What one store client has done: requests, bytes, retries, 429s, the last call limit."""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import httpx

from .throttle import CallLimit


@dataclass(frozen=True)
class ClientStats:
    requests: int = 0
    bytes_received: int = 0
    retries: int = 0
    responses_429: int = 0
    last_call_limit: CallLimit | None = None


class StatsRecorder:
    """Thread-safe counters behind `AmeriCommerceClient.stats`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats = ClientStats()

    def response(self, response: httpx.Response, limit: CallLimit | None) -> None:
        with self._lock:
            s = self._stats
            self._stats = replace(
                s, requests=s.requests + 1,
                bytes_received=s.bytes_received + len(response.content),
                responses_429=s.responses_429 + (response.status_code == 429),
                last_call_limit=limit or s.last_call_limit)

    def retry(self) -> None:
        with self._lock:
            self._stats = replace(self._stats, retries=self._stats.retries + 1)

    def snapshot(self) -> ClientStats:
        with self._lock:
            return self._stats
