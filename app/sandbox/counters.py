"""Request counters of the API (what a benchmark or a throttling test wants to know)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._routes: Counter[str] = Counter()
            self._tokens: Counter[str] = Counter()
            self._statuses: Counter[str] = Counter()

    def request(self, route: str, token: str | None) -> None:
        with self._lock:
            self._total += 1
            self._routes[route] += 1
            self._tokens[token or "(none)"] += 1

    def outcome(self, status: int | str) -> None:
        """HTTP status answered, or a fault name ("drop", "drop_after_write") when none was."""
        with self._lock:
            self._statuses[str(status)] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"total": self._total, "by_route": dict(self._routes),
                    "by_token": dict(self._tokens), "by_status": dict(self._statuses),
                    "throttled": self._statuses.get("429", 0)}
