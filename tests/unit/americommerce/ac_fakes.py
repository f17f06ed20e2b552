"""Shared fakes for the AmeriCommerce tests (a uniquely named module, not conftest)."""
from __future__ import annotations

import threading

TOKEN = "tok-SECRET-9f8e7d6c5b4a"
API = "https://mystore.example.com/api/v1"


class FakeClock:
    """Monotonic time that only moves when someone sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        self.sleep(seconds)
        self.sleeps.pop()
